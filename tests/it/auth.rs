//! Sign-in, sessions, CSRF and API tokens.

use axum::http::{Method, StatusCode};
use tenantcase::domain::user::Role;
use tenantcase::service::auth;

use crate::support::*;

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_shows_the_user() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let page = app.get("/login", None).await;
    let pre = page.set_cookie("tc_csrf").expect("csrf cookie");
    let cookie = pre.split(';').next().unwrap_or_default().to_string();
    let res = app
        .post_form(
            "/login",
            Some(&cookie),
            &[
                ("_csrf", &page.csrf_field()),
                ("email", " VOL@example.org "),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.header("location"), Some("/"));
    let session = res.set_cookie("tc_session").expect("session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(
        !session.contains("Secure"),
        "plain HTTP in tests: {session}"
    );
    let list = app
        .get(
            "/cases",
            Some(session.split(';').next().unwrap_or_default()),
        )
        .await;
    assert!(
        list.text.contains("volunteer vol@example.org"),
        "name in the header"
    );
    assert!(list.text.contains("Sign out"));
}

#[tokio::test]
async fn wrong_password_is_refused_with_a_message_and_the_email_kept() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let page = app.get("/login", None).await;
    let cookie = page.set_cookie("tc_csrf").expect("csrf cookie");
    let cookie = cookie.split(';').next().unwrap_or_default();
    let res = app
        .post_form(
            "/login",
            Some(cookie),
            &[
                ("_csrf", &page.csrf_field()),
                ("email", "vol@example.org"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.set_cookie("tc_session").is_none());
    assert!(
        res.text.contains("<title>Error: Sign in"),
        "title says Error"
    );
    assert!(
        res.text
            .contains("The e-mail address or password is not right")
    );
    assert!(
        res.text.contains("value=\"vol@example.org\""),
        "e-mail kept"
    );
    // An unknown user gets the very same answer.
    let res = app
        .post_form(
            "/login",
            Some(cookie),
            &[
                ("_csrf", &page.csrf_field()),
                ("email", "nobody@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text
            .contains("The e-mail address or password is not right")
    );
}

#[tokio::test]
async fn sign_in_issues_a_new_session_id_and_sign_out_ends_it() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    // A session id planted before sign-in (session fixation) is never adopted.
    let planted = format!("tc_session={}", "ab".repeat(32));
    let b = app
        .try_sign_in("vol@example.org", PASSWORD, Some(&planted))
        .await
        .expect("signed in");
    assert_ne!(b.cookie, planted);
    assert_eq!(
        app.get("/cases", Some(&planted)).await.status,
        StatusCode::SEE_OTHER
    );
    let other = app.sign_in("vol@example.org").await;
    assert_ne!(b.cookie, other.cookie, "every sign-in gets its own id");

    let res = app
        .post_form("/logout", Some(&b.cookie), &[("_csrf", &b.csrf)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.set_cookie("tc_session")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    let after = app.get("/cases", Some(&b.cookie)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.header("location"), Some("/login"));
    assert_eq!(
        app.get("/cases", Some(&other.cookie)).await.status,
        StatusCode::OK,
        "other sessions live on"
    );
}

#[tokio::test]
async fn a_signed_in_user_visiting_sign_in_goes_to_the_cases() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let res = app.get("/login", Some(&b.cookie)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.header("location"), Some("/"));
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let fields = [
        ("tenant.name", "Ana"),
        ("tenant.consent_date", "2026-11-01"),
        ("tenancy.jurisdiction", "wales"),
    ];
    for csrf in [None, Some("0".repeat(64)), Some(b.csrf.to_uppercase())] {
        let mut with: Vec<(&str, &str)> = fields.to_vec();
        if let Some(c) = &csrf {
            with.push(("_csrf", c));
        }
        let res = app.post_form("/cases", Some(&b.cookie), &with).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "csrf {csrf:?}");
        assert!(res.text.contains("This form has expired"));
    }
    let list = app.get("/cases", Some(&b.cookie)).await;
    assert!(list.text.contains("0 cases"), "nothing was created");

    // Sign-in itself needs the token too (no login CSRF).
    let res = app
        .post_form(
            "/login",
            None,
            &[("email", "vol@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.set_cookie("tc_session").is_none());
    // Sign-out too.
    let res = app.post_form("/logout", Some(&b.cookie), &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/cases", Some(&b.cookie)).await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked_and_are_stored_hashed() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    assert!(token.starts_with("tc_") && token.len() == 67);
    let ok = app.api(Method::GET, "/api/v1/cases", &token, None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.json()["total"], 0);

    let bad = app
        .api(Method::GET, "/api/v1/cases", "tc_not-a-token", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.json()["error"]["code"], "unauthorized");

    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use tenantcase::db::entities::api_tokens;
    let rows = api_tokens::Entity::find()
        .all(&app.state.db)
        .await
        .expect("tokens");
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].token_hash, token, "only a hash is stored");
    assert_eq!(rows[0].token_hash, auth::sha256_hex(&token));
    assert!(rows[0].last_used_at.is_some(), "use is recorded");

    let owner = app.principal("api@example.org").await;
    auth::revoke_token(&app.state.db, app.state.clock.as_ref(), &owner, rows[0].id)
        .await
        .expect("revoked");
    let revoked = app.api(Method::GET, "/api/v1/cases", &token, None).await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
    let still = api_tokens::Entity::find()
        .filter(api_tokens::Column::RevokedAt.is_not_null())
        .all(&app.state.db)
        .await;
    assert_eq!(still.map(|r| r.len()).ok(), Some(1));
}

#[tokio::test]
async fn api_calls_with_a_session_cookie_need_the_csrf_header_to_change_anything() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let send = |csrf: Option<String>| {
        let mut req = axum::http::Request::post("/api/v1/cases")
            .header("cookie", &b.cookie)
            .header("content-type", "application/json");
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        req.body(axum::body::Body::from(case_e1().to_string()))
            .expect("request")
    };
    let refused = app.send(send(None)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"]["code"], "forbidden");
    let created = app.send(send(Some(b.csrf.clone()))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let read = app.get("/api/v1/cases", Some(&b.cookie)).await;
    assert_eq!(read.json()["total"], 1, "reads need no CSRF header");
}

#[tokio::test]
async fn users_need_a_unique_email_and_a_long_password() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let clock = app.state.clock.as_ref();
    let again = auth::create_user(
        &app.state.db,
        clock,
        None,
        auth::NewUser {
            email: "Vol@Example.org".into(),
            name: "Again".into(),
            role: Role::Admin,
            password: PASSWORD.into(),
            groups: vec![],
        },
    )
    .await;
    let Err(tenantcase::error::AppError::Invalid(fields)) = again else {
        panic!("duplicate accepted: {again:?}")
    };
    assert_eq!(
        fields.get("email"),
        Some("A user with this e-mail already exists")
    );
    let short = auth::create_user(
        &app.state.db,
        clock,
        None,
        auth::NewUser {
            email: "new@example.org".into(),
            name: "New".into(),
            role: Role::Admin,
            password: "short".into(),
            groups: vec![],
        },
    )
    .await;
    let Err(tenantcase::error::AppError::Invalid(fields)) = short else {
        panic!("short password accepted")
    };
    assert!(fields.get("password").is_some());
}

#[tokio::test]
async fn sessions_and_the_sign_in_throttle_follow_the_clock() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    assert_eq!(app.get("/", Some(&b.cookie)).await.status, StatusCode::OK);
    app.clock.advance(time::Duration::hours(11));
    assert_eq!(app.get("/", Some(&b.cookie)).await.status, StatusCode::OK);
    app.clock.advance(time::Duration::hours(2));
    let expired = app.get("/", Some(&b.cookie)).await;
    assert_eq!(
        expired.status,
        StatusCode::SEE_OTHER,
        "a session lasts 12 hours"
    );
    assert_eq!(expired.header("location"), Some("/login"));

    for _ in 0..5 {
        assert!(
            app.try_sign_in("vol@example.org", "not the password", None)
                .await
                .is_none()
        );
    }
    assert!(
        app.try_sign_in("vol@example.org", PASSWORD, None)
            .await
            .is_none(),
        "throttled"
    );
    app.clock.advance(time::Duration::minutes(16));
    assert!(
        app.try_sign_in("vol@example.org", PASSWORD, None)
            .await
            .is_some(),
        "the window has passed"
    );
}

#[tokio::test]
async fn a_tenant_session_lasts_two_hours() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let code = access_code(&app, &token, case["id"].as_str().unwrap_or_default()).await;
    let tenant = app
        .tenant_sign_in(case["reference"].as_str().unwrap_or_default(), &code)
        .await
        .expect("signed in");
    app.clock.advance(time::Duration::minutes(110));
    assert_eq!(
        app.get("/status/case", Some(&tenant.cookie)).await.status,
        StatusCode::OK
    );
    app.clock.advance(time::Duration::minutes(20));
    let page = app.get("/status/case", Some(&tenant.cookie)).await;
    assert_ne!(page.status, StatusCode::OK, "expired after two hours");
    assert!(!page.text.contains("Łukasz"));
}

#[tokio::test]
async fn a_failing_database_gives_a_plain_500_with_no_detail() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let b = app.sign_in("api@example.org").await;
    app.state.db.close_by_ref().await.expect("close");
    let page = app.get("/cases", Some(&b.cookie)).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        page.text.contains("Something went wrong on our side"),
        "{}",
        page.text
    );
    for detail in ["pool", "closed", "sqlx", "Db(", "DbErr", "SELECT"] {
        assert!(!page.text.contains(detail), "{detail}: {}", page.text);
    }
    let api = app.api(Method::GET, "/api/v1/cases", &token, None).await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(api.json()["error"]["code"], "internal");
    assert!(!api.text.contains("pool") && !api.text.contains("closed"));
}

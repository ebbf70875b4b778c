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

/// The secret part of the reset link shown on the page.
fn reset_token(page: &str) -> String {
    let from = page
        .find("/reset/")
        .map_or(page.len(), |i| i + "/reset/".len());
    page[from..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Posts a new password through the reset form, as a visitor who is not signed in.
async fn choose(app: &TestApp, token: &str, new: &str, confirm: &str) -> Reply {
    let (pre, csrf) = app.anonymous("/login").await;
    app.post_form(
        &format!("/reset/{token}"),
        Some(&pre),
        &[("_csrf", &csrf), ("new", new), ("confirm", confirm)],
    )
    .await
}

#[tokio::test]
async fn a_reset_link_is_shown_once_works_once_for_a_day_and_signs_the_user_out() {
    let app = TestApp::new().await;
    app.user("admin@example.org", Role::Admin).await;
    let nia = app
        .user_in("nia@example.org", Role::Volunteer, &["Leeds"])
        .await;
    let nia_session = app.sign_in("nia@example.org").await;
    let admin = app.sign_in("admin@example.org").await;

    let user_page = app
        .get(&format!("/admin/users/{nia}"), Some(&admin.cookie))
        .await;
    assert!(user_page.text.contains("Make a password reset link"));
    let made = app
        .post_form(
            &format!("/admin/users/{nia}/reset-link"),
            Some(&admin.cookie),
            &[("_csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let token = reset_token(&made.text);
    assert_eq!(token.len(), 64, "{}", made.text);
    assert!(
        made.text.contains(&format!("://localhost/reset/{token}")),
        "{}",
        made.text
    );
    assert!(
        made.text.contains("It works once, until 27 November 2026"),
        "{}",
        made.text
    );
    let (audit, _) = audit_of(&app, "user.reset_link_made").await;
    assert_eq!(audit.len(), 1);
    assert!(
        !format!("{:?}", audit[0]).contains(&token),
        "the audit never holds the link"
    );
    let later = app
        .get(&format!("/admin/users/{nia}"), Some(&admin.cookie))
        .await;
    assert!(later.text.contains("A link made for"), "{}", later.text);
    assert!(!later.text.contains(&token), "the link is shown only once");

    // The form names the user; bad passwords come back beside their fields.
    let form = app.get(&format!("/reset/{token}"), None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Hello "), "{}", form.text);
    let weak = choose(&app, &token, "password", "password").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text.contains("id=\"new-error\""), "{}", weak.text);
    let differ = choose(
        &app,
        &token,
        "violet harbour quietly sings",
        "violet harbour",
    )
    .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.text.contains("The two passwords are not the same"));

    let done = choose(
        &app,
        &token,
        "violet harbour quietly sings",
        "violet harbour quietly sings",
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let to = done.header("location").unwrap_or_default().to_string();
    assert_eq!(to, "/login?done=password-reset#done");
    let login = app.get(&to, None).await;
    assert!(login.text.contains("Your new password is saved"));

    let old = app.get("/cases", Some(&nia_session.cookie)).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER, "every session ends");
    assert!(
        app.try_sign_in("nia@example.org", PASSWORD, None)
            .await
            .is_none()
    );
    assert!(
        app.try_sign_in("nia@example.org", "violet harbour quietly sings", None)
            .await
            .is_some()
    );
    let again = app.get(&format!("/reset/{token}"), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.text.contains("This link does not work"));
    let reuse = choose(
        &app,
        &token,
        "another fine passphrase",
        "another fine passphrase",
    )
    .await;
    assert_eq!(reuse.status, StatusCode::NOT_FOUND, "a link works once");

    // A newer link ends an older one; a day later a link no longer works.
    let link = async || {
        let made = app
            .post_form(
                &format!("/admin/users/{nia}/reset-link"),
                Some(&admin.cookie),
                &[("_csrf", &admin.csrf)],
            )
            .await;
        reset_token(&made.text)
    };
    let first = link().await;
    let second = link().await;
    assert_eq!(
        app.get(&format!("/reset/{first}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/reset/{second}"), None).await.status,
        StatusCode::OK
    );
    app.clock.advance(time::Duration::hours(24));
    assert_eq!(
        app.get(&format!("/reset/{second}"), None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn coordinators_make_reset_links_for_their_volunteers_only() {
    let app = TestApp::new().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let nia = app
        .user_in("nia@example.org", Role::Volunteer, &["Leeds"])
        .await;
    let cara = app
        .user_in("cara@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let boss = app.user("admin@example.org", Role::Admin).await;
    let coord = app.sign_in("coord@example.org").await;
    let post = async |id: uuid::Uuid| {
        app.post_form(
            &format!("/admin/users/{id}/reset-link"),
            Some(&coord.cookie),
            &[("_csrf", &coord.csrf)],
        )
        .await
        .status
    };
    assert_eq!(post(nia).await, StatusCode::OK);
    assert_eq!(
        post(cara).await,
        StatusCode::NOT_FOUND,
        "not of their groups"
    );
    assert_eq!(post(boss).await, StatusCode::NOT_FOUND, "not a volunteer");
    let nia_page = app
        .get(
            &format!("/admin/users/{nia}"),
            Some(&app.sign_in("nia@example.org").await.cookie),
        )
        .await;
    assert_eq!(
        nia_page.status,
        StatusCode::FORBIDDEN,
        "volunteers manage no one"
    );
}

#[tokio::test]
async fn the_sign_in_page_says_how_to_get_a_new_password() {
    let app = TestApp::new().await;
    let page = app.get("/login", None).await;
    assert!(page.text.contains("Forgot your password?"));
    assert!(page.text.contains("Ask your coordinator or an admin"));
}

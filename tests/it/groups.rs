//! Local groups, roles, assignment, user administration, passwords, throttling,
//! security headers and the audit log.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use tenantcase::domain::user::Role;

use crate::support::*;

fn minimal(name: &str) -> serde_json::Value {
    json!({"tenant": {"name": name, "consent_date": "2026-11-01"}, "tenancy": {"jurisdiction": "england"}})
}

#[tokio::test]
async fn each_user_sees_the_cases_of_their_groups_and_admins_see_all() {
    let app = TestApp::new().await;
    app.user_in("leeds@example.org", Role::Volunteer, &["Leeds"])
        .await;
    app.user_in("cardiff@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let leeds = app.token("leeds@example.org").await;
    let cardiff = app.token("cardiff@example.org").await;
    let admin = app.token("admin@example.org").await;
    let l = create_case(&app, &leeds, minimal("Leeds Tenant")).await;
    let c = create_case(&app, &cardiff, minimal("Cardiff Tenant")).await;
    assert_eq!(l["group"]["name"], "Leeds", "the only group is the default");
    assert_eq!(c["group"]["name"], "Cardiff");
    let names = |token: String| {
        let app = &app;
        async move {
            let page = app
                .api(Method::GET, "/api/v1/cases", &token, None)
                .await
                .json();
            let items = page["items"].as_array().cloned().unwrap_or_default();
            items
                .iter()
                .map(|i| i["tenant_name"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names(leeds.clone()).await, ["Leeds Tenant"]);
    assert_eq!(names(cardiff.clone()).await, ["Cardiff Tenant"]);
    assert_eq!(
        names(admin.clone()).await,
        ["Cardiff Tenant", "Leeds Tenant"]
    );
    let other = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{}", c["id"].as_str().unwrap_or_default()),
            &leeds,
            None,
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::NOT_FOUND,
        "another group's case does not exist for you"
    );
}

#[tokio::test]
async fn intake_needs_a_group_the_caller_belongs_to() {
    let app = TestApp::new().await;
    app.user_in("both@example.org", Role::Volunteer, &["Leeds", "Cardiff"])
        .await;
    app.group("York").await;
    let token = app.token("both@example.org").await;
    let res = app
        .api(Method::POST, "/api/v1/cases", &token, Some(minimal("A")))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.json()["error"]["fields"]["group"],
        "Choose the group this case belongs to"
    );
    let mut body = minimal("A");
    body["group"] = json!("York");
    let res = app
        .api(Method::POST, "/api/v1/cases", &token, Some(body.clone()))
        .await;
    assert_eq!(
        res.json()["error"]["fields"]["group"],
        "You are not a member of the group \"York\""
    );
    body["group"] = json!("Atlantis");
    let res = app
        .api(Method::POST, "/api/v1/cases", &token, Some(body.clone()))
        .await;
    assert_eq!(
        res.json()["error"]["fields"]["group"],
        "There is no group called \"Atlantis\""
    );
    body["group"] = json!("Cardiff");
    let res = app
        .api(Method::POST, "/api/v1/cases", &token, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.json()["group"]["name"], "Cardiff");
}

#[tokio::test]
async fn coordinators_assign_volunteers_of_the_group_and_it_goes_on_the_timeline() {
    let app = TestApp::new().await;
    let vol = app.user("vol@example.org", Role::Volunteer).await;
    let vol2 = app.user("vol2@example.org", Role::Volunteer).await;
    let outsider = app
        .user_in("out@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    app.user("coord@example.org", Role::Coordinator).await;
    let coord = app.token("coord@example.org").await;
    let volunteer = app.token("vol@example.org").await;
    let case = create_case(&app, &coord, minimal("Assigned Tenant")).await;
    let uri = format!(
        "/api/v1/cases/{}/assignees",
        case["id"].as_str().unwrap_or_default()
    );

    let res = app
        .api(
            Method::PUT,
            &uri,
            &volunteer,
            Some(json!({"user_ids": [vol]})),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "volunteers do not assign"
    );
    let res = app
        .api(
            Method::PUT,
            &uri,
            &coord,
            Some(json!({"user_ids": [outsider]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.json()["error"]["fields"]["assignees"]
            .as_str()
            .is_some_and(|m| m.contains("not an active volunteer"))
    );

    let res = app
        .api(
            Method::PUT,
            &uri,
            &coord,
            Some(json!({"user_ids": [vol, vol2]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["assignees"].as_array().map(Vec::len), Some(2));
    let res = app
        .api(Method::PUT, &uri, &coord, Some(json!({"user_ids": [vol2]})))
        .await;
    assert_eq!(res.status, StatusCode::OK);

    let timeline = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/cases/{}/timeline",
                case["id"].as_str().unwrap_or_default()
            ),
            &coord,
            None,
        )
        .await
        .json();
    let assigned: Vec<_> = timeline["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|i| i["kind"] == "assigned")
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    // The coordinator took the case in, so worked it first.
    assert_eq!(assigned.len(), 3);
    assert_eq!(
        assigned[0]["added"],
        json!(["coordinator coord@example.org"])
    );
    assert_eq!(
        assigned[1]["added"],
        json!(["volunteer vol2@example.org", "volunteer vol@example.org"])
    );
    assert_eq!(
        assigned[1]["removed"],
        json!(["coordinator coord@example.org"])
    );
    assert_eq!(assigned[2]["removed"], json!(["volunteer vol@example.org"]));
    assert_eq!(assigned[2]["actor"], "coordinator coord@example.org");

    // "My cases" is the volunteer's home page.
    let b = app.sign_in("vol2@example.org").await;
    let home = app.get("/", Some(&b.cookie)).await;
    assert!(home.text.contains("<h1 class=\"heading-l\">My cases</h1>"));
    assert!(home.text.contains("Assigned Tenant"));
    let b1 = app.sign_in("vol@example.org").await;
    let home = app.get("/", Some(&b1.cookie)).await;
    assert!(!home.text.contains("Assigned Tenant"), "taken off the case");
    assert!(home.text.contains("No open cases are assigned to you"));
}

#[tokio::test]
async fn assignment_from_the_case_page() {
    let app = TestApp::new().await;
    let vol = app.user("vol@example.org", Role::Volunteer).await;
    app.user("coord@example.org", Role::Coordinator).await;
    let token = app.token("coord@example.org").await;
    let case = create_case(&app, &token, minimal("Page Tenant")).await;
    let id = case["id"].as_str().unwrap_or_default();
    let b = app.sign_in("coord@example.org").await;
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains("Who works this case"));
    assert!(page.text.contains(&format!("value=\"{vol}\"")));
    // Whoever took it in works it.
    assert!(page.text.contains("coordinator coord@example.org"));
    let res = app
        .post_form(
            &format!("/cases/{id}/assignees"),
            Some(&b.cookie),
            &[("_csrf", &b.csrf), ("assignee", &vol.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains("Assigned to volunteer vol@example.org"));
    assert!(page.text.contains(&format!("value=\"{vol}\" checked")));
    let vb = app.sign_in("vol@example.org").await;
    let as_volunteer = app.get(&format!("/cases/{id}"), Some(&vb.cookie)).await;
    assert!(
        !as_volunteer.text.contains("Who works this case"),
        "volunteers get no assignment form"
    );
}

#[tokio::test]
async fn admins_create_users_and_disabling_one_stops_their_session_and_tokens_at_once() {
    let app = TestApp::new().await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let leeds = app.group("Leeds").await;
    let a = app.sign_in("admin@example.org").await;
    let form = app.get("/admin/users/new", Some(&a.cookie)).await;
    assert!(form.text.contains("Add a user"));
    let res = app
        .post_form(
            "/admin/users",
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "Nia Jones"),
                ("email", "nia@example.org"),
                ("password", "password1234"),
                ("role", "volunteer"),
                ("groups", &leeds.to_string()),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a common password is refused"
    );
    assert!(res.text.contains("This password is too easy to guess"));
    assert!(res.text.contains("value=\"Nia Jones\""), "input kept");
    let res = app
        .post_form(
            "/admin/users",
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "Nia Jones"),
                ("email", "nia@example.org"),
                ("password", PASSWORD),
                ("role", "volunteer"),
                ("groups", &leeds.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let list = app.get("/admin/users", Some(&a.cookie)).await;
    assert!(list.text.contains("Nia Jones") && list.text.contains("Leeds"));

    let nia = app.sign_in("nia@example.org").await;
    let token = app.token("nia@example.org").await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/cases", &token, None)
            .await
            .status,
        StatusCode::OK
    );
    let id = app.principal("nia@example.org").await.user_id;
    let confirm = app
        .get(&format!("/admin/users/{id}/disable"), Some(&a.cookie))
        .await;
    assert!(confirm.text.contains("Disable Nia Jones?"));
    let res = app
        .post_form(
            &format!("/admin/users/{id}/disable"),
            Some(&a.cookie),
            &[("_csrf", &a.csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/cases", Some(&nia.cookie)).await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/cases", &token, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        app.try_sign_in("nia@example.org", PASSWORD, None)
            .await
            .is_none(),
        "cannot sign in"
    );

    let res = app
        .post_form(
            &format!("/admin/users/{id}/enable"),
            Some(&a.cookie),
            &[("_csrf", &a.csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.api(Method::GET, "/api/v1/cases", &token, None)
            .await
            .status,
        StatusCode::OK
    );

    // Role and groups change from the user page; admins cannot demote themselves.
    let cardiff = app.group("Cardiff").await;
    let res = app
        .post_form(
            &format!("/admin/users/{id}"),
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("role", "coordinator"),
                ("groups", &cardiff.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let p = app.principal("nia@example.org").await;
    assert_eq!((p.role, p.groups), (Role::Coordinator, vec![cardiff]));
    let me = app.principal("admin@example.org").await.user_id;
    let res = app
        .post_form(
            &format!("/admin/users/{me}"),
            Some(&a.cookie),
            &[("_csrf", &a.csrf), ("role", "volunteer")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text
            .contains("You cannot take away your own admin role")
    );
}

#[tokio::test]
async fn groups_are_added_by_admins_with_unique_names() {
    let app = TestApp::new().await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let a = app.sign_in("admin@example.org").await;
    let res = app
        .post_form(
            "/admin/groups",
            Some(&a.cookie),
            &[("_csrf", &a.csrf), ("name", "Swansea")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            "/admin/groups",
            Some(&a.cookie),
            &[("_csrf", &a.csrf), ("name", "Swansea")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("There is already a group with this name"));
    let list = app.get("/admin/groups", Some(&a.cookie)).await.text;
    assert!(list.contains(">Swansea</a>"), "{list}");

    // Postcode areas route online requests; a bad one is refused beside its field.
    let swansea = app.group("Swansea").await;
    let page = format!("/admin/groups/{swansea}");
    let res = app
        .post_form(
            &page,
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "Swansea"),
                ("postcode_areas", "SA, S4X"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains("&quot;S4X&quot; is not a postcode area"),
        "{}",
        res.text
    );
    assert!(res.text.contains("value=\"SA, S4X\""), "input kept");
    let res = app
        .post_form(
            &page,
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "Swansea"),
                ("postcode_areas", "sa ll"),
                ("takes_unmatched", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let leeds = app.group("Leeds").await;
    let res = app
        .post_form(
            &format!("/admin/groups/{leeds}"),
            Some(&a.cookie),
            &[("_csrf", &a.csrf), ("name", "Swansea")],
        )
        .await;
    assert!(res.text.contains("There is already a group with this name"));
    let db = &app.state.db;
    let g = tenantcase::db::groups::by_id(db, swansea)
        .await
        .expect("query")
        .expect("group");
    assert_eq!(g.postcode_areas, ["SA", "LL"]);
    assert!(g.takes_unmatched);
    // Only one group takes the requests no area matches.
    let res = app
        .post_form(
            &format!("/admin/groups/{leeds}"),
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "Leeds"),
                ("takes_unmatched", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let g = tenantcase::db::groups::by_id(db, swansea)
        .await
        .expect("query")
        .expect("group");
    assert!(!g.takes_unmatched);
    let list = app.get("/admin/groups", Some(&a.cookie)).await.text;
    assert!(list.contains("(SA, LL)"), "{list}");
}

#[tokio::test]
async fn users_change_their_own_password_and_other_sessions_end() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let here = app.sign_in("vol@example.org").await;
    let elsewhere = app.sign_in("vol@example.org").await;
    let new = "an entirely new passphrase";
    let res = app
        .post_form(
            "/account/password",
            Some(&here.cookie),
            &[
                ("_csrf", &here.csrf),
                ("current", "wrong one"),
                ("new", new),
                ("confirm", new),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Your current password is not right"));
    let res = app
        .post_form(
            "/account/password",
            Some(&here.cookie),
            &[
                ("_csrf", &here.csrf),
                ("current", PASSWORD),
                ("new", new),
                ("confirm", "typo"),
            ],
        )
        .await;
    assert!(res.text.contains("The two new passwords are not the same"));
    let res = app
        .post_form(
            "/account/password",
            Some(&here.cookie),
            &[
                ("_csrf", &here.csrf),
                ("current", PASSWORD),
                ("new", new),
                ("confirm", new),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains("Your password has been changed"));
    assert_eq!(
        app.get("/cases", Some(&here.cookie)).await.status,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        app.get("/cases", Some(&elsewhere.cookie)).await.status,
        StatusCode::SEE_OTHER,
        "others end"
    );
    assert!(
        app.try_sign_in("vol@example.org", PASSWORD, None)
            .await
            .is_none()
    );
    assert!(
        app.try_sign_in("vol@example.org", new, None)
            .await
            .is_some()
    );
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_by_their_owner() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    app.user("other@example.org", Role::Volunteer).await;
    let mine = app.token("vol@example.org").await;
    let theirs = app.token("other@example.org").await;
    let list = app
        .api(Method::GET, "/api/v1/tokens", &mine, None)
        .await
        .json();
    let items = list["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["label"], "test");
    assert!(
        !list.to_string().contains(&mine),
        "the token itself is never listed"
    );
    let their_list = app
        .api(Method::GET, "/api/v1/tokens", &theirs, None)
        .await
        .json();
    let their_id = their_list["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let res = app
        .api(
            Method::DELETE,
            &format!("/api/v1/tokens/{their_id}"),
            &mine,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "not someone else's");
    let my_id = items[0]["id"].as_str().unwrap_or_default();
    let res = app
        .api(
            Method::DELETE,
            &format!("/api/v1/tokens/{my_id}"),
            &mine,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/api/v1/tokens", &mine, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // From the account page: a token is shown once, then only listed.
    let b = app.sign_in("other@example.org").await;
    let res = app
        .post_form(
            "/account/tokens",
            Some(&b.cookie),
            &[("_csrf", &b.csrf), ("label", "report script")],
        )
        .await;
    assert!(
        res.text
            .contains("Copy it now. It will not be shown again.")
    );
    let shown = res
        .text
        .split("<code>")
        .nth(1)
        .and_then(|t| t.split("</code>").next())
        .unwrap_or_default()
        .to_string();
    assert!(shown.starts_with("tc_"));
    assert_eq!(
        app.api(Method::GET, "/api/v1/cases", &shown, None)
            .await
            .status,
        StatusCode::OK
    );
    let again = app.get("/account", Some(&b.cookie)).await;
    assert!(again.text.contains("report script") && !again.text.contains(&shown));
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    for _ in 0..5 {
        assert!(
            app.try_sign_in("vol@example.org", "not the password", None)
                .await
                .is_none()
        );
    }
    let page = app.get("/login", None).await;
    let cookie = page.set_cookie("tc_csrf").unwrap_or_default();
    let cookie = cookie.split(';').next().unwrap_or_default();
    let res = app
        .post_form(
            "/login",
            Some(cookie),
            &[
                ("_csrf", &page.csrf_field()),
                ("email", "vol@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(
        res.text
            .contains("Too many tries to sign in. Wait 15 minutes")
    );
    assert!(res.set_cookie("tc_session").is_none());
    app.user("other@example.org", Role::Volunteer).await;
    assert!(
        app.try_sign_in("other@example.org", PASSWORD, None)
            .await
            .is_some(),
        "other accounts unaffected"
    );
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_address_behind_a_trusted_proxy() {
    let app = TestApp::configured(|c| c.trust_proxy = true).await;
    app.user("vol@example.org", Role::Volunteer).await;
    let page = app.get("/login", None).await;
    let cookie = page.set_cookie("tc_csrf").unwrap_or_default();
    let cookie = cookie.split(';').next().unwrap_or_default().to_string();
    let csrf = page.csrf_field();
    let attempt = |email: String, from: &'static str| {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("_csrf", csrf.as_str()),
                ("email", email.as_str()),
                ("password", "wrong password"),
            ])
            .finish();
        Request::post("/login")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", from)
            .body(Body::from(body))
            .expect("request")
    };
    for i in 0..20 {
        let res = app
            .send(attempt(format!("guess{i}@example.org"), "203.0.113.9"))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    let res = app
        .send(attempt("guess99@example.org".into(), "203.0.113.9"))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // A made-up address put in front by the client does not escape the limit: the
    // proxy's own (right-most) entry is the one believed.
    let res = app
        .send(attempt(
            "guess99@example.org".into(),
            "192.0.2.44, 203.0.113.9",
        ))
        .await;
    assert_eq!(
        res.status,
        StatusCode::TOO_MANY_REQUESTS,
        "spoofed left-most hop"
    );
    let res = app
        .send(attempt("guess99@example.org".into(), "198.51.100.7"))
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another address is not blocked"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let answers = [
        app.get("/login", None).await,
        app.get("/static/app.css", None).await,
        app.get("/nowhere", None).await,
        app.get("/healthz", None).await,
        app.api(Method::GET, "/api/v1/cases", &token, None).await,
        app.api(Method::GET, "/api/v1/cases", "bad", None).await,
    ];
    for res in answers {
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self';"),
            "{csp}"
        );
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("unsafe"),
            "only our own script file can run, nothing inline: {csp}"
        );
        assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
        let cache = res.header("cache-control").unwrap_or_default();
        assert!(
            cache == "no-store" || cache == "public, max-age=3600",
            "{cache}"
        );
    }
    let b = app.sign_in("api@example.org").await;
    for page in ["/", "/cases", "/cases/new", "/account"] {
        let res = app.get(page, Some(&b.cookie)).await;
        assert_eq!(res.header("cache-control"), Some("no-store"), "{page}");
    }
    let page = app.get("/login", None).await;
    assert!(!page.text.contains("<script"), "pages ship no script");
}

#[tokio::test]
async fn cookies_are_secure_when_a_trusted_proxy_says_https() {
    let app = TestApp::configured(|c| c.trust_proxy = true).await;
    let req = |proto: &str| {
        Request::get("/login")
            .header("x-forwarded-proto", proto)
            .body(Body::empty())
            .expect("request")
    };
    let plain = app.send(req("http")).await;
    assert!(
        !plain
            .set_cookie("tc_csrf")
            .unwrap_or_default()
            .contains("Secure")
    );
    let tls = app.send(req("https")).await;
    assert!(
        tls.set_cookie("tc_csrf")
            .unwrap_or_default()
            .contains("; Secure")
    );
    let untrusting = TestApp::new().await;
    let res = untrusting.send(req("https")).await;
    assert!(
        !res.set_cookie("tc_csrf")
            .unwrap_or_default()
            .contains("Secure"),
        "the header is ignored without trust"
    );
    let always = TestApp::configured(|c| c.secure_cookies = true).await;
    assert!(
        always
            .get("/login", None)
            .await
            .set_cookie("tc_csrf")
            .unwrap_or_default()
            .contains("; Secure")
    );
}

#[tokio::test]
async fn reads_and_changes_are_audited_and_admins_can_filter_the_log() {
    let app = TestApp::configured(|c| c.trust_proxy = true).await;
    app.user("vol@example.org", Role::Volunteer).await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let token = app.token("vol@example.org").await;
    let case = create_case(&app, &token, minimal("Audited Tenant")).await;
    let id = case["id"].as_str().unwrap_or_default();
    let read = Request::get(format!("/api/v1/cases/{id}"))
        .header("authorization", format!("Bearer {token}"))
        .header("x-forwarded-for", "192.0.2.44")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(read).await.status, StatusCode::OK);
    app.api(
        Method::PATCH,
        &format!("/api/v1/cases/{id}"),
        &token,
        Some(json!({"version": 1, "account": "x"})),
    )
    .await;

    use sea_orm::{EntityTrait, QueryOrder};
    use tenantcase::db::entities::audit_log;
    // Reads are written by the background writer: wait for what is queued.
    app.state.reads.flush().await;
    let rows = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.state.db)
        .await
        .expect("audit");
    let about: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.case_id.map(|c| c.to_string()).as_deref() == Some(id))
        .map(|r| (r.action.as_str(), r.actor_name.as_str()))
        .collect();
    assert_eq!(
        about,
        [
            ("case.created", "volunteer vol@example.org"),
            ("case.assigned", "volunteer vol@example.org"),
            ("case.viewed", "volunteer vol@example.org"),
            ("case.updated", "volunteer vol@example.org")
        ]
    );
    let viewed = rows
        .iter()
        .find(|r| r.action == "case.viewed")
        .expect("viewed entry");
    assert_eq!(viewed.address.as_deref(), Some("192.0.2.44"));

    let a = app.sign_in("admin@example.org").await;
    let reference = case["reference"].as_str().unwrap_or_default();
    let page = app
        .get(&format!("/admin/audit?case={reference}"), Some(&a.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("4 entries"), "filtered to the case");
    assert!(page.text.contains("case.viewed") && page.text.contains("192.0.2.44"));
    let page = app
        .get("/admin/audit?action=case.updated", Some(&a.cookie))
        .await;
    assert!(page.text.contains("1 entry"));
    assert!(
        page.text
            .contains(r#"<option value="case.updated" selected>Case changed</option>"#),
        "the filter offers every action and keeps the choice"
    );
    assert!(
        page.text
            .contains(r#"<option value="document.downloaded">Document downloaded</option>"#)
    );
    assert!(
        page.text
            .contains("Case changed <span class=\"hint\">(case.updated)</span>")
    );
    let page = app
        .get("/admin/audit?action=case.deleted", Some(&a.cookie))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text.contains("Choose an action from the list"),
        "{}",
        page.text
    );
    let page = app
        .get("/admin/audit?case=nonsense&from=yesterday", Some(&a.cookie))
        .await;
    assert!(
        page.text
            .contains("Enter a case reference like TC-2026-00042")
    );
    assert!(page.text.contains("Enter a real date"));
    let vb = app.sign_in("vol@example.org").await;
    assert_eq!(
        app.get("/admin/audit", Some(&vb.cookie)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn coordinators_manage_the_volunteers_of_their_own_groups_only() {
    let app = TestApp::new().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let both = app
        .user_in("both@example.org", Role::Volunteer, &["Leeds", "Cardiff"])
        .await;
    let other = app
        .user_in("other@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let fellow = app
        .user_in("fellow@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let (leeds, cardiff) = (app.group("Leeds").await, app.group("Cardiff").await);
    let c = app.sign_in("coord@example.org").await;
    let home = app.get("/", Some(&c.cookie)).await;
    assert!(
        home.text.contains("href=\"/admin/users\">Users</a>")
            && !home.text.contains("/admin/audit")
    );
    let list = app.get("/admin/users", Some(&c.cookie)).await;
    assert!(list.text.contains("both@example.org"));
    assert!(!list.text.contains("other@example.org") && !list.text.contains("fellow@example.org"));
    assert_eq!(
        app.get(&format!("/admin/users/{other}"), Some(&c.cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/admin/users/{fellow}"), Some(&c.cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let add = |role: &'static str, group: uuid::Uuid, email: &'static str| {
        let (app, c) = (&app, c.clone());
        async move {
            let fields = [
                ("_csrf", c.csrf.as_str()),
                ("name", "New Person"),
                ("email", email),
                ("password", PASSWORD),
                ("role", role),
                ("groups", &group.to_string()),
            ];
            app.post_form("/admin/users", Some(&c.cookie), &fields)
                .await
        }
    };
    let res = add("coordinator", leeds, "n1@example.org").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Coordinators add volunteers"));
    let res = add("volunteer", cardiff, "n2@example.org").await;
    assert!(res.text.contains("Choose one or more of your own groups"));
    assert_eq!(
        add("volunteer", leeds, "n3@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.principal("n3@example.org").await.groups, vec![leeds]);

    // Taking a volunteer off Leeds keeps their Cardiff membership.
    let res = app
        .post_form(
            &format!("/admin/users/{both}"),
            Some(&c.cookie),
            &[("_csrf", &c.csrf), ("role", "volunteer")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.principal("both@example.org").await.groups,
        vec![cardiff]
    );
    assert_eq!(
        app.get(&format!("/admin/users/{both}"), Some(&c.cookie))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "no longer theirs"
    );

    let n3 = app.principal("n3@example.org").await.user_id;
    let res = app
        .post_form(
            &format!("/admin/users/{n3}"),
            Some(&c.cookie),
            &[
                ("_csrf", &c.csrf),
                ("role", "admin"),
                ("groups", &leeds.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let vb = app.sign_in("n3@example.org").await;
    let res = app
        .post_form(
            &format!("/admin/users/{n3}/disable"),
            Some(&c.cookie),
            &[("_csrf", &c.csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/cases", Some(&vb.cookie)).await.status,
        StatusCode::SEE_OTHER,
        "disabled at once"
    );
    assert_eq!(
        app.get("/admin/groups", Some(&c.cookie)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn after_each_admin_action_a_banner_says_what_happened_and_what_is_next() {
    let app = TestApp::new().await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let leeds = app.group("Leeds").await;
    let a = app.sign_in("admin@example.org").await;
    // Follows the answer's redirect and reads the banner on the page it leads to.
    let banner = async |res: Reply| {
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
        let to = res.header("location").unwrap_or_default().to_string();
        assert!(to.ends_with("#done"), "{to}");
        let page = app.get(&to, Some(&a.cookie)).await;
        let start = page
            .text
            .find("id=\"done-title\"")
            .unwrap_or(page.text.len());
        page.text[start..].chars().take(400).collect::<String>()
    };
    let added = app
        .post_form(
            "/admin/users",
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "Nia Jones"),
                ("email", "nia@example.org"),
                ("password", PASSWORD),
                ("role", "volunteer"),
                ("groups", &leeds.to_string()),
            ],
        )
        .await;
    let said = banner(added).await;
    assert!(
        said.contains("User added") && said.contains("Give them"),
        "{said}"
    );
    let nia = app.principal("nia@example.org").await.user_id;
    let disabled = app
        .post_form(
            &format!("/admin/users/{nia}/disable"),
            Some(&a.cookie),
            &[("_csrf", &a.csrf)],
        )
        .await;
    assert!(banner(disabled).await.contains("User disabled"));
    let group = app
        .post_form(
            &format!("/admin/groups/{leeds}"),
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "Leeds"),
                ("postcode_areas", "LS"),
            ],
        )
        .await;
    assert!(banner(group).await.contains("Group changed"));

    // Without an action, or with a name no action has, there is no banner.
    for page in ["/admin/users", "/admin/users?done=hacked"] {
        let res = app.get(page, Some(&a.cookie)).await;
        assert!(!res.text.contains("id=\"done-title\""), "{page}");
    }
}

#[tokio::test]
async fn letters_sent_and_the_audit_log_download_as_csv_for_those_who_may_see_them() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    app.user_in("cardiff@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let token = app.token("vol@example.org").await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let reference = case["reference"].as_str().unwrap_or_default();
    let letter = generate(&app, &token, id, json!({"type": "L1"})).await;
    let letter_id = letter["id"].as_str().unwrap_or_default();
    let sent = app
        .api(
            Method::POST,
            &format!("/api/v1/letters/{letter_id}/sent"),
            &token,
            Some(json!({"method": "post", "tracking": "=1+1"})),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    // An unsent letter is not in the file.
    generate(&app, &token, id, json!({"type": "L2"})).await;

    let v = app.sign_in("vol@example.org").await;
    let res = app.get("/letters.csv", Some(&v.cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    let rows = csv_rows(&res.text);
    assert_eq!(rows[0][..2], ["Case", "Letter"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], reference);
    assert_eq!(rows[1][1], "L1");
    assert_eq!(rows[1][5], "post");
    assert_eq!(rows[1][6], "'=1+1", "a formula is made inert");
    assert!(!rows[1][7].is_empty(), "the reply day");
    let other = app.sign_in("cardiff@example.org").await;
    let theirs = app.get("/letters.csv", Some(&other.cookie)).await;
    assert_eq!(
        csv_rows(&theirs.text).len(),
        1,
        "another group sees only the header"
    );

    // The audit log: admins only, with the page's filter.
    assert_eq!(
        app.get("/admin/audit.csv", Some(&v.cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    let a = app.sign_in("admin@example.org").await;
    let page = app
        .get(&format!("/admin/audit?case={reference}"), Some(&a.cookie))
        .await;
    assert!(
        page.text.contains(&format!(
            "href=\"/admin/audit.csv?user=&amp;case={reference}&amp;action=&amp;from=&amp;until=\""
        )),
        "the page links to its own download"
    );
    let log = app
        .get(
            &format!("/admin/audit.csv?case={reference}"),
            Some(&a.cookie),
        )
        .await;
    assert_eq!(log.status, StatusCode::OK);
    let rows = csv_rows(&log.text);
    assert_eq!(rows[0][..3], ["When", "Who", "Action"]);
    let actions: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
    assert!(actions.contains(&"Case taken in"), "{actions:?}");
    assert!(actions.contains(&"Letter marked sent"), "{actions:?}");
    assert!(
        rows[1..].iter().all(|r| r[3] == id),
        "only this case's entries"
    );
    let bad = app
        .get("/admin/audit.csv?case=nonsense", Some(&a.cookie))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (exports, _) = audit_of(&app, "letters.exported").await;
    assert_eq!(exports.len(), 2);
    let (exports, _) = audit_of(&app, "audit.exported").await;
    assert_eq!(exports.len(), 1);
}

//! Findings of the security review: each test failed before its fix.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantcase::domain::user::Role;

use crate::support::*;

/// A case whose unprotected deposit is due within the fortnight of the test clock.
fn due_soon(name: &str) -> serde_json::Value {
    json!({
        "tenant": {"name": name, "consent_date": "2026-11-01"},
        "tenancy": {"jurisdiction": "england", "start_date": "2026-11-01"},
        "deposit": {"amount_pence": 90000, "received_date": "2026-11-01"}
    })
}

#[tokio::test]
async fn a_volunteer_moved_out_of_a_group_no_longer_sees_its_cases() {
    let app = TestApp::new().await;
    let vol = app
        .user_in("vol@example.org", Role::Volunteer, &["Leeds", "Cardiff"])
        .await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let admin = app.token("admin@example.org").await;
    let volunteer = app.token("vol@example.org").await;
    let mut body = due_soon("Cardiff Tenant");
    body["group"] = json!("Cardiff");
    let case = create_case(&app, &admin, body).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let res = app
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{id}/assignees"),
            &admin,
            Some(json!({"user_ids": [vol]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let deadlines = app
        .api(Method::GET, "/api/v1/deadlines", &volunteer, None)
        .await;
    assert!(
        deadlines.text.contains("Cardiff Tenant"),
        "{}",
        deadlines.text
    );

    // A membership that goes away behind the assignment's back (the assignment row is
    // left as it was) still hides the case from every list.
    let leeds = app.group("Leeds").await;
    tenantcase::db::groups::set_user_groups(&app.state.db, vol, &[leeds])
        .await
        .expect("memberships");
    let deadlines = app
        .api(Method::GET, "/api/v1/deadlines", &volunteer, None)
        .await;
    assert_eq!(deadlines.status, StatusCode::OK);
    assert!(
        !deadlines.text.contains("Cardiff Tenant"),
        "{}",
        deadlines.text
    );
    let b = app.sign_in("vol@example.org").await;
    let home = app.get("/", Some(&b.cookie)).await;
    assert!(home.text.contains("My cases"));
    assert!(!home.text.contains("Cardiff Tenant"), "home page");
    let mine = app
        .api(Method::GET, "/api/v1/cases?assigned=me", &volunteer, None)
        .await;
    assert!(!mine.text.contains("Cardiff Tenant"), "{}", mine.text);

    // Moving them out through the admin pages ends the assignment, on the timeline.
    let cardiff = app.group("Cardiff").await;
    tenantcase::db::groups::set_user_groups(&app.state.db, vol, &[leeds, cardiff])
        .await
        .expect("memberships");
    let a = app.sign_in("admin@example.org").await;
    let res = app
        .post_form(
            &format!("/admin/users/{vol}"),
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("role", "volunteer"),
                ("groups", &leeds.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let detail = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &admin, None)
        .await
        .json();
    assert_eq!(detail["assignees"], json!([]), "assignment ended");
    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/timeline"),
            &admin,
            None,
        )
        .await
        .json();
    let last = timeline["items"]
        .as_array()
        .and_then(|items| items.iter().rev().find(|i| i["kind"] == "assigned"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["removed"], json!(["volunteer vol@example.org"]));
    assert_eq!(last["actor"], "admin admin@example.org");

    // Back in the group, they are not silently working it again.
    tenantcase::db::groups::set_user_groups(&app.state.db, vol, &[leeds, cardiff])
        .await
        .expect("memberships");
    let deadlines = app
        .api(Method::GET, "/api/v1/deadlines", &volunteer, None)
        .await
        .json();
    assert_eq!(deadlines["mine"]["due_soon"], json!([]));
}

#[tokio::test]
async fn a_form_field_name_with_thousands_of_segments_is_refused_not_a_crash() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let deep = vec!["a"; 10_000].join(".");
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[("_csrf", b.csrf.as_str()), (deep.as_str(), "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text.contains("field name"), "{}", res.text);
    let long = "x".repeat(300);
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[("_csrf", b.csrf.as_str()), (long.as_str(), "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // An ordinary form still goes through.
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[
                ("_csrf", b.csrf.as_str()),
                ("tenant.name", "Ordinary Tenant"),
                ("tenant.consent_date", "2026-11-01"),
                ("tenancy.jurisdiction", "england"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
}

#[tokio::test]
async fn a_wording_that_would_exhaust_the_server_is_refused_with_the_reason() {
    let app = TestApp::new().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let coord = app.sign_in("coord@example.org").await;
    let leeds = app.group("Leeds").await;
    let page = format!("/letters/wording/{leeds}/L1");
    let chained = format!(
        "Subject: x\n\n{{{{ tenants{} }}}}",
        " | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\")".repeat(10)
    );
    let nested = "Subject: x\n\n{% for a in tenants %}{% for b in tenants %}{% for c in tenants %}{% for d in tenants %}.{% endfor %}{% endfor %}{% endfor %}{% endfor %}";
    let doubling = format!(
        "Subject: x\n\n{{% set t = tenants %}}{}{{{{ t }}}}",
        "{% set t = t ~ t %}".repeat(40)
    );
    for (body, reason) in [
        (chained.as_str(), "The filter \"replace\" cannot be used"),
        (nested, "nested at most 2 deep"),
        (doubling.as_str(), "Joining text with"),
    ] {
        let res = app
            .post_form(
                &page,
                Some(&coord.cookie),
                &[("_csrf", &coord.csrf), ("body", body)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            res.text.contains(&reason.replace('"', "&quot;")) || res.text.contains(reason),
            "{reason}: {}",
            res.text
        );
        assert!(res.text.contains("Error: "), "an error summary");
    }
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    // An ordinary wording with a loop and a filter is still fine.
    let res = app
        .post_form(
            &page,
            Some(&coord.cookie),
            &[
                ("_csrf", &coord.csrf),
                (
                    "body",
                    "Subject: {{ reference | upper }}\n\n{% for d in deductions %}{{ d }}{% endfor %}Dear landlord.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
}

/// Removes a pooled test database's files.
fn remove_db(file: Option<std::path::PathBuf>) {
    if let Some(path) = file {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_wrong_passwords_at_once_get_five_checks_then_429() {
    let (app, file) = TestApp::with_pool().await;
    let app = std::sync::Arc::new(app);
    app.user("vol@example.org", Role::Volunteer).await;
    let (cookie, csrf) = app.anonymous("/login").await;
    let mut tasks = Vec::new();
    for _ in 0..60 {
        let (app, cookie, csrf) = (app.clone(), cookie.clone(), csrf.clone());
        tasks.push(tokio::spawn(async move {
            app.post_form(
                "/login",
                Some(&cookie),
                &[
                    ("_csrf", csrf.as_str()),
                    ("email", "vol@example.org"),
                    ("password", "not the password at all"),
                ],
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, throttled), (5, 55), "{statuses:?}");

    // The count is in the database: a server started afresh over it still refuses.
    let restarted = TestApp {
        router: tenantcase::app::router(tenantcase::app::AppState::new(
            app.state.db.clone(),
            app.state.clock.clone(),
            tenantcase::config::Config::new("restarted"),
        )),
        state: app.state.clone(),
        clock: app.clock.clone(),
        remote: None,
    };
    assert!(
        restarted
            .try_sign_in("vol@example.org", PASSWORD, None)
            .await
            .is_none(),
        "still throttled after a restart"
    );
    remove_db(file);
}

#[tokio::test]
async fn leading_zeros_in_a_reference_do_not_escape_the_access_code_limit() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    assert_eq!(case["reference"], "TC-2026-00001");
    let (cookie, csrf) = app.anonymous("/status").await;
    let mut last = StatusCode::OK;
    for reference in [
        "TC-2026-00001",
        "TC-2026-000001",
        "tc-2026-0000001",
        "TC-2026-00000001",
        " TC-2026-000000001",
        "TC-2026-0000000001",
    ] {
        last = app
            .post_form(
                "/status",
                Some(&cookie),
                &[
                    ("_csrf", csrf.as_str()),
                    ("reference", reference),
                    ("code", "2222-2222-2222-2222"),
                ],
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_letters_wordings_and_assignments_never_clash() {
    let (app, file) = TestApp::with_pool().await;
    let app = std::sync::Arc::new(app);
    let vol = app.user("vol@example.org", Role::Volunteer).await;
    app.user("coord@example.org", Role::Coordinator).await;
    let coord = app.token("coord@example.org").await;
    let case = create_case(&app, &coord, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let leeds = app.group("Leeds").await;
    let c = app.sign_in("coord@example.org").await;
    let mut letters = Vec::new();
    let mut others = Vec::new();
    for n in 0..8 {
        let (app2, coord2, id2) = (app.clone(), coord.clone(), id.clone());
        letters.push(tokio::spawn(async move {
            let (app, coord, id) = (app2, coord2, id2);
            let res = app
                .api(
                    Method::POST,
                    &format!("/api/v1/cases/{id}/letters"),
                    &coord,
                    Some(json!({"type": "L5"})),
                )
                .await;
            (res.status, res.json()["version"].as_i64())
        }));
        let (app, coord, id, c) = (app.clone(), coord.clone(), id.clone(), c.clone());
        others.push(tokio::spawn(async move {
            let assign = app
                .api(
                    Method::PUT,
                    &format!("/api/v1/cases/{id}/assignees"),
                    &coord,
                    Some(json!({"user_ids": [vol]})),
                )
                .await
                .status;
            let body = format!("Subject: Version {n}\n\nAbout {{{{ reference | upper }}}}.");
            let wording = app
                .post_form(
                    &format!("/letters/wording/{leeds}/L1"),
                    Some(&c.cookie),
                    &[("_csrf", c.csrf.as_str()), ("body", body.as_str())],
                )
                .await;
            (assign, wording.status, wording.text)
        }));
    }
    let mut versions = Vec::new();
    for t in letters {
        let (status, version) = t.await.expect("task");
        assert_eq!(status, StatusCode::CREATED);
        versions.push(version.unwrap_or_default());
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=8).collect::<Vec<i64>>());
    for t in others {
        let (assign, wording, text) = t.await.expect("task");
        assert_eq!(assign, StatusCode::OK);
        assert_eq!(wording, StatusCode::SEE_OTHER, "{text}");
    }
    let page = app
        .get(&format!("/letters/wording/{leeds}/L1"), Some(&c.cookie))
        .await;
    assert!(page.text.contains("Version 8, saved"), "{}", page.text);
    remove_db(file);
}

#[tokio::test]
async fn tenants_uploads_have_a_quota_and_an_ended_case_takes_nothing_new() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let code = access_code(&app, &token, &id).await;
    let reference = case["reference"].as_str().unwrap_or_default();
    let tenant = app
        .tenant_sign_in(reference, &code)
        .await
        .expect("the right pair");
    let upload = |name: String| {
        let (app, tenant) = (&app, tenant.clone());
        async move {
            app.post_multipart(
                "/status/documents",
                &tenant.cookie,
                &[("_csrf", &tenant.csrf)],
                Some((name.as_str(), PNG)),
            )
            .await
        }
    };
    for n in 0..50 {
        let res = upload(format!("photo{n}.png")).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "upload {n}: {}",
            res.text
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = app.uploads_dir();
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .ok()
        };
        assert_eq!(mode(dir), Some(0o700), "the uploads folder is private");
        let files: Vec<_> = std::fs::read_dir(dir)
            .expect("uploads")
            .filter_map(Result::ok)
            .collect();
        assert_eq!(files.len(), 50);
        assert!(files.iter().all(|f| mode(&f.path()) == Some(0o600)));
    }
    let res = upload("one-too-many.png".into()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains("You have sent 50 documents on this case"),
        "{}",
        res.text
    );

    let closed = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/transitions"),
            &token,
            Some(json!({"to": "withdrawn", "reason": "The tenant asked us to stop", "outcome_code": "withdrawn"})),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    let message = app
        .post_form(
            "/status/messages",
            Some(&tenant.cookie),
            &[("_csrf", &tenant.csrf), ("message", "Are you still there?")],
        )
        .await;
    assert_eq!(message.status, StatusCode::CONFLICT, "{}", message.text);
    assert!(
        message.text.contains("Your case has ended"),
        "{}",
        message.text
    );
    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/timeline"),
            &token,
            None,
        )
        .await;
    assert!(!timeline.text.contains("Are you still there?"));
}

#[tokio::test]
async fn search_terms_never_reach_the_audit_log() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    create_case(&app, &token, case_e1()).await;
    let b = app.sign_in("api@example.org").await;
    let list = app.get("/cases?q=Nowak", Some(&b.cookie)).await;
    assert_eq!(
        list.status,
        StatusCode::SEE_OTHER,
        "one match opens the case"
    );
    let res = app
        .api(Method::GET, "/api/v1/cases?q=lukasz", &token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let (entries, _) = audit_of(&app, "cases.listed").await;
    let details: Vec<String> = entries
        .iter()
        .map(|e| {
            serde_json::to_string(&e.detail)
                .unwrap_or_default()
                .to_lowercase()
        })
        .collect();
    assert_eq!(
        details
            .iter()
            .filter(|d| d.contains("\"searched\":true"))
            .count(),
        2,
        "{details:?}"
    );
    for d in &details {
        assert!(!d.contains("nowak") && !d.contains("lukasz"), "{d}");
    }
}

#[tokio::test]
async fn reads_are_audited_off_the_request_path_and_none_is_lost_at_shutdown() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    for _ in 0..150 {
        let res = app
            .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    // A clean shutdown writes everything queued.
    app.state.reads.close().await;
    // After the writer stopped, a read is still audited (written at once).
    let res = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let (entries, total) = audit_of(&app, "case.viewed").await;
    assert_eq!(total, 151);
    assert!(
        entries
            .iter()
            .all(|e| e.actor_name == "volunteer api@example.org"
                && e.case_id.map(|c| c.to_string()) == Some(id.clone()))
    );
}

/// Opening a case page is one read of the case: one audit row, "case.viewed", and no
/// other, however much of the case the page shows (timeline, letters, messages, documents).
#[tokio::test]
async fn a_case_page_is_one_audited_read() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let note = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/notes"),
            &token,
            Some(serde_json::json!({"text": "Called the agent."})),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED);
    let b = app.sign_in("api@example.org").await;
    let log = || async {
        app.state.reads.flush().await;
        let all = tenantcase::db::audit::AuditFilter {
            page: 1,
            per_page: 500,
            ..Default::default()
        };
        tenantcase::db::audit::list(&app.state.db, &all)
            .await
            .expect("audit")
    };
    let before = log().await.1;
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Called the agent."),
        "the timeline is shown"
    );
    assert!(page.text.contains("Łukasz Nowak"));
    let (entries, after) = log().await;
    assert_eq!(after - before, 1, "one audit row for one page");
    assert_eq!(entries[0].action, "case.viewed");
    assert_eq!(entries[0].case_id.map(|c| c.to_string()), Some(id));
}

/// Two connections to one new, empty database (a fresh PostgreSQL schema, or an SQLite
/// file), as two servers would have.
async fn two_servers() -> (
    sea_orm::DatabaseConnection,
    sea_orm::DatabaseConnection,
    Option<std::path::PathBuf>,
) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = tenantcase::db::connect(&url, None).await.expect("connect");
            sea_orm::ConnectionTrait::execute_unprepared(
                &admin,
                &format!("CREATE SCHEMA \"{schema}\""),
            )
            .await
            .expect("schema");
            let a = tenantcase::db::connect(&url, Some(&schema))
                .await
                .expect("a");
            let b = tenantcase::db::connect(&url, Some(&schema))
                .await
                .expect("b");
            (a, b, None)
        }
        _ => {
            let path = std::env::temp_dir().join(format!("tc-two-{}.db", uuid::Uuid::new_v4()));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let a = tenantcase::db::connect(&url, None).await.expect("a");
            let b = tenantcase::db::connect(&url, None).await.expect("b");
            (a, b, Some(path))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_migrate_together_and_one_with_another_key_refuses_to_start() {
    let (a, b, file) = two_servers().await;
    let (ra, rb) = tokio::join!(tenantcase::db::migrate(&a), tenantcase::db::migrate(&b));
    assert!(ra.is_ok() && rb.is_ok(), "{ra:?} {rb:?}");
    let key = [7u8; 32];
    let other = [8u8; 32];
    let first = tenantcase::service::admin::check_secret(&a, &key).await;
    assert!(first.is_ok(), "{first:?}");
    assert!(
        tenantcase::service::admin::check_secret(&b, &key)
            .await
            .is_ok()
    );
    let refused = tenantcase::service::admin::check_secret(&b, &other).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("another secret key")),
        "{refused:?}"
    );
    remove_db(file);
}

#[tokio::test]
async fn needs_attention_shows_only_the_callers_groups() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user_in("cardiff@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let code = access_code(&app, &token, id).await;
    let tenant = app
        .tenant_sign_in(case["reference"].as_str().unwrap_or_default(), &code)
        .await
        .expect("signed in");
    for text in ["First message", "Second message"] {
        let res = app
            .post_form(
                "/status/messages",
                Some(&tenant.cookie),
                &[("_csrf", tenant.csrf.as_str()), ("message", text)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    }
    let leeds = app.sign_in("api@example.org").await;
    let home = app.get("/", Some(&leeds.cookie)).await;
    assert!(
        home.text.contains("Messages from the tenant"),
        "{}",
        home.text
    );
    let cardiff = app.sign_in("cardiff@example.org").await;
    let home = app.get("/", Some(&cardiff.cookie)).await;
    assert!(!home.text.contains("Messages from the tenant"));
    assert!(!home.text.contains("Łukasz Nowak"));
    // The tenant's messages are audited as the tenant's.
    let (entries, total) = audit_of(&app, "message.sent").await;
    assert_eq!(total, 2);
    assert!(
        entries
            .iter()
            .all(|e| e.actor_name == "tenant" && e.case_id.is_some())
    );
}

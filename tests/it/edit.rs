//! Editing with optimistic concurrency; notes; the timeline.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn patch_with_if_match_updates_and_records_what_changed() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let uri = format!("/api/v1/cases/{}", case["id"].as_str().unwrap_or_default());
    let res = app
        .api_with(
            Method::PATCH,
            &uri,
            &token,
            Some(json!({"deposit": {"amount_pence": 120000, "received_date": null, "instalments": null},
                        "tenant": {"email": null}})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.header("etag"), Some("\"2\""));
    let updated = res.json();
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["deposit"]["amount_pence"], 120000);
    assert_eq!(updated["deposit"]["scheme"], "dps", "untouched fields stay");
    assert_eq!(
        updated["tenant"]["email"],
        serde_json::Value::Null,
        "null removes"
    );
    assert_eq!(updated["tenant"]["name"], "Łukasz Nowak");

    let timeline = app
        .api(Method::GET, &format!("{uri}/timeline"), &token, None)
        .await
        .json();
    let items = timeline["items"].as_array().cloned().unwrap_or_default();
    // Taken in, and worked by whoever took it in; then edited.
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["kind"], "created");
    assert_eq!(items[1]["kind"], "assigned");
    assert_eq!(items[2]["kind"], "edited");
    assert_eq!(items[2]["actor"], "volunteer api@example.org");
    let changes = &items[2]["changes"];
    assert!(
        changes.as_array().is_some_and(|c| c.contains(
            &json!({"field": "deposit.amount_pence", "from": "£1,100.00", "to": "£1,200.00"})
        )),
        "{changes}"
    );
    assert!(changes.as_array().is_some_and(|c| {
        c.contains(&json!({"field": "tenant.email", "from": "lukasz@example.org", "to": null}))
    }));
}

#[tokio::test]
async fn a_stale_edit_gets_409_and_overwrites_nothing() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let uri = format!("/api/v1/cases/{}", case["id"].as_str().unwrap_or_default());
    let first = app
        .api(
            Method::PATCH,
            &uri,
            &token,
            Some(json!({"version": 1, "account": "First edit"})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let stale = app
        .api(
            Method::PATCH,
            &uri,
            &token,
            Some(json!({"version": 1, "account": "Second edit"})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.json()["error"]["code"], "conflict");
    assert!(
        stale.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Someone else changed this case"))
    );
    let now = app.api(Method::GET, &uri, &token, None).await.json();
    assert_eq!(now["account"], "First edit");
    assert_eq!(now["version"], 2);
    let stale_header = app
        .api_with(
            Method::PATCH,
            &uri,
            &token,
            Some(json!({"account": "Third"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(stale_header.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn patch_needs_a_version_and_valid_facts() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let uri = format!("/api/v1/cases/{}", case["id"].as_str().unwrap_or_default());
    let res = app
        .api(Method::PATCH, &uri, &token, Some(json!({"account": "x"})))
        .await;
    assert_eq!(res.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(res.json()["error"]["code"], "precondition_required");
    let res = app
        .api(
            Method::PATCH,
            &uri,
            &token,
            Some(json!({"version": 1, "property": {"postcode": "nope"}, "status": "lost"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(
        res.json()["error"]["fields"]["stage"],
        "Change the stage with POST /api/v1/cases/{id}/transitions"
    );
    let res = app
        .api(
            Method::PATCH,
            &uri,
            &token,
            Some(json!({"version": 1, "property": {"postcode": "nope"}})),
        )
        .await;
    assert_eq!(
        res.json()["error"]["fields"]["property.postcode"],
        "Enter a real UK postcode, like LS6 1AB"
    );
    let res = app
        .api(
            Method::PATCH,
            &uri,
            &token,
            Some(json!({"version": 1, "reference": "TC-1999-00001"})),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "read-only fields are refused: {}",
        res.text
    );
    let res = app.api(Method::PATCH, &uri, &token, Some(json!([1]))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let unchanged = app.api(Method::GET, &uri, &token, None).await.json();
    assert_eq!(unchanged["version"], 1);
    assert_eq!(unchanged["property"]["postcode"], "LS6 1AB");
}

#[tokio::test]
async fn notes_append_to_the_timeline_in_order() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let uri = format!("/api/v1/cases/{}", case["id"].as_str().unwrap_or_default());
    let res = app
        .api(
            Method::POST,
            &format!("{uri}/notes"),
            &token,
            Some(json!({"text": "Called the agent."})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.json()["kind"], "note");
    assert_eq!(res.json()["text"], "Called the agent.");
    let empty = app
        .api(
            Method::POST,
            &format!("{uri}/notes"),
            &token,
            Some(json!({"text": "   "})),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.json()["error"]["fields"]["text"], "Write the note");
    app.api(
        Method::POST,
        &format!("{uri}/notes"),
        &token,
        Some(json!({"text": "Second note."})),
    )
    .await;
    let items = app
        .api(Method::GET, &format!("{uri}/timeline"), &token, None)
        .await
        .json()["items"]
        .clone();
    let kinds: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["created", "assigned", "note", "note"]);
    assert_eq!(items[3]["text"], "Second note.");
    let missing = app
        .api(
            Method::POST,
            "/api/v1/cases/01900000-0000-7000-8000-000000000000/notes",
            &token,
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_edit_form_saves_changes_and_explains_a_conflict_keeping_the_input() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user("vol@example.org", tenantcase::domain::user::Role::Volunteer)
        .await;
    let b = app.sign_in("vol@example.org").await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let form = app.get(&format!("/cases/{id}/edit"), Some(&b.cookie)).await;
    assert!(form.text.contains("name=\"_version\" value=\"1\""));
    assert!(
        form.text.contains("value=\"1100.00\""),
        "money shown in pounds"
    );
    assert!(form.text.contains("value=\"Łukasz Nowak\""));

    // Someone else saves first.
    let other = app
        .api(
            Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            &token,
            Some(json!({"version": 1, "account": "Theirs"})),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);

    let mine = [
        ("_csrf", b.csrf.as_str()),
        ("_version", "1"),
        ("_status", "open"),
        ("tenant.name", "Łukasz Nowak"),
        ("tenant.consent_date", "2026-11-20"),
        ("tenancy.jurisdiction", "england"),
        ("account", "Mine"),
    ];
    let res = app
        .post_form(&format!("/cases/{id}/edit"), Some(&b.cookie), &mine)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.text
            .contains("Someone else changed this case after you opened it")
    );
    assert!(res.text.contains(">Mine</textarea>"), "my input kept");
    assert!(
        res.text.contains("name=\"_version\" value=\"2\""),
        "saving again is deliberate"
    );
    let now = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await
        .json();
    assert_eq!(now["account"], "Theirs", "not overwritten");

    let mut again = mine;
    again[1] = ("_version", "2");
    let res = app
        .post_form(&format!("/cases/{id}/edit"), Some(&b.cookie), &again)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains("Mine"));
    assert!(page.text.contains("Case edited"));
    assert!(page.text.contains("by volunteer vol@example.org"));
}

#[tokio::test]
async fn notes_from_the_case_page() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user("vol@example.org", tenantcase::domain::user::Role::Volunteer)
        .await;
    let b = app.sign_in("vol@example.org").await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let res = app
        .post_form(
            &format!("/cases/{id}/notes"),
            Some(&b.cookie),
            &[("_csrf", &b.csrf), ("text", "Rang the tenant <b>back</b>")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text
            .contains("Rang the tenant &lt;b&gt;back&lt;&#x2f;b&gt;")
            || page
                .text
                .contains("Rang the tenant &lt;b&gt;back&lt;/b&gt;"),
        "escaped"
    );
    let res = app
        .post_form(
            &format!("/cases/{id}/notes"),
            Some(&b.cookie),
            &[("_csrf", &b.csrf), ("text", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("<a href=\"#text\">Write the note</a>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_edits_of_one_case_are_serialised_never_lost_or_failed() {
    let (app, file) = TestApp::with_pool().await;
    let app = std::sync::Arc::new(app);
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let uri = format!("/api/v1/cases/{}", case["id"].as_str().unwrap_or_default());
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (app, token, uri) = (app.clone(), token.clone(), uri.clone());
        tasks.push(tokio::spawn(async move {
            // Each reads the case, then edits the version it read.
            let current = app.api(Method::GET, &uri, &token, None).await.json();
            let body = json!({"version": current["version"], "account": format!("Edit {i}")});
            app.api(Method::PATCH, &uri, &token, Some(body))
                .await
                .status
        }));
    }
    let mut saved = 0;
    for t in tasks {
        let status = t.await.expect("task");
        assert!(
            status == StatusCode::OK || status == StatusCode::CONFLICT,
            "{status}"
        );
        saved += usize::from(status == StatusCode::OK);
    }
    assert!(saved >= 1);
    let last = app.api(Method::GET, &uri, &token, None).await.json();
    assert_eq!(last["version"], 1 + saved, "every saved edit counted once");
    let timeline = app
        .api(Method::GET, &format!("{uri}/timeline"), &token, None)
        .await
        .json();
    // Taken in and assigned to whoever took it in, then each saved edit.
    assert_eq!(timeline["items"].as_array().map(Vec::len), Some(2 + saved));
    if let Some(path) = file {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

#[tokio::test]
async fn add_another_gives_the_form_one_more_row_and_saves_nothing() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let b = app.sign_in("api@example.org").await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let form = app.get(&format!("/cases/{id}/edit"), Some(&b.cookie)).await;
    let rows = |text: &str, list: &str| text.matches(&format!("name=\"{list}[")).count();
    let joint_before = rows(&form.text, "joint_tenants");
    let deductions_before = rows(&form.text, "deductions");
    assert!(form.text.contains("Add another joint tenant"));
    // The case page's "Change" links land on their section of the form.
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text
            .contains(&format!("href=\"/cases/{id}/edit#section-landlord\""))
    );
    assert!(form.text.contains("id=\"section-landlord\""));

    let typed = [
        ("_csrf", b.csrf.as_str()),
        ("_version", "1"),
        ("tenant.name", "Łukasz Nowak"),
        ("tenant.consent_date", "2026-11-20"),
        ("tenancy.jurisdiction", "england"),
        ("account", "Typed before adding a row"),
    ];
    for (list, label) in [
        ("joint_tenants", "Joint tenant"),
        ("deductions", "Deduction"),
    ] {
        let mut pairs = typed.to_vec();
        pairs.push(("_more", list));
        let res = app
            .post_form(&format!("/cases/{id}/edit"), Some(&b.cookie), &pairs)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        let before = if list == "joint_tenants" {
            joint_before
        } else {
            deductions_before
        };
        assert!(rows(&res.text, list) > before, "{label}: one more row");
        assert!(
            res.text.contains(">Typed before adding a row</textarea>"),
            "input kept"
        );
    }
    let now = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await
        .json();
    assert_eq!(now["version"], 1, "nothing saved");
}

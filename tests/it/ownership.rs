//! The work finds its owner: whoever takes a case in works it; cases no one works wait in
//! an "Unassigned" queue on the home page of their group's members, online requests
//! first; a member takes one on with one button.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantcase::domain::case::Jurisdiction;
use tenantcase::domain::user::Role;
use tenantcase::service::referral::{self, Problem, Referral};

use crate::support::*;

/// A tenant asks for help online.
async fn online_request(app: &TestApp, name: &str) -> String {
    let answers = Referral {
        nation: Some(Jurisdiction::England),
        postcode: "LS6 1AB".into(),
        name: name.into(),
        email: "asked@example.org".into(),
        deposit: "900".into(),
        problem: Some(Problem::NotReturned),
        consent: true,
        ..Referral::default()
    };
    let key = &app.state.config.secret;
    let clock = app.state.clock.as_ref();
    referral::submit(&app.state.db, clock, key, None, &answers)
        .await
        .expect("the request is taken")
        .reference
}

#[tokio::test]
async fn whoever_takes_a_case_in_works_it() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let token = app.token("vol@example.org").await;
    let case = create_case(&app, &token, case_e1()).await;
    assert_eq!(case["assignees"][0]["name"], "volunteer vol@example.org");
    let id = case["id"].as_str().unwrap_or_default();
    let b = app.sign_in("vol@example.org").await;
    let home = app.get("/", Some(&b.cookie)).await;
    let mine = &home.view.as_ref().expect("a view").view["items"];
    assert_eq!(
        mine[0]["reference"], case["reference"],
        "on their home page"
    );
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains("Assigned to volunteer vol@example.org"));
    assert!(
        !page.text.contains("Take this case"),
        "it is already theirs"
    );
    // An admin of no group takes a case in for a group: no one works it yet.
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let admin = app.token("admin@example.org").await;
    let mut body = case_e1();
    body["group"] = json!("Leeds");
    let res = app
        .api(Method::POST, "/api/v1/cases", &admin, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.json()["assignees"], json!([]));
}

#[tokio::test]
async fn members_see_the_unassigned_queue_online_requests_first_and_take_a_case_on() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    app.user("other@example.org", Role::Volunteer).await;
    // Online requests from areas no group covers go to the first group by name: Leeds.
    app.user_in("far@example.org", Role::Volunteer, &["York"])
        .await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let admin = app.token("admin@example.org").await;
    let mut body = case_e1();
    body["group"] = json!("Leeds");
    let staff = create_case(&app, &admin, body.clone()).await;
    // A dispute that has ended waits for no one, though no one works it.
    let ended = create_case(&app, &admin, body).await;
    let uri = format!(
        "/api/v1/cases/{}/transitions",
        ended["id"].as_str().unwrap_or_default()
    );
    let outcome = json!({"deposit_pence": 110000, "penalty_pence": 0, "prohibited_pence": 0,
        "interest_pence": 0, "route": "landlord_paid", "date": "2026-11-20"});
    for to in ["triage", "facts_gathering", "advice_given", "resolved"] {
        let body = json!({"to": to, "outcome": outcome});
        let res = app.api(Method::POST, &uri, &admin, Some(body)).await;
        assert_eq!(res.status, StatusCode::OK, "{to}: {}", res.text);
    }
    app.clock.advance(time::Duration::minutes(1));
    let online = online_request(&app, "Asha Patel").await;

    let vol = app.sign_in("vol@example.org").await;
    let home = app.get("/", Some(&vol.cookie)).await;
    let view = &home.view.as_ref().expect("a view").view;
    assert_eq!(view["queue_total"], 2);
    assert_eq!(
        view["queue"][0]["reference"],
        online.as_str(),
        "online first"
    );
    assert_eq!(view["queue"][0]["online"], true);
    assert_eq!(view["queue"][1]["reference"], staff["reference"]);
    assert_eq!(view["queue"][1]["online"], false);
    assert!(home.text.contains("New online request"));
    assert!(
        home.text
            .contains("2 open cases of your groups have nobody working on them.")
    );

    // Another group's volunteer sees none of it, and cannot take it on.
    let far = app.sign_in("far@example.org").await;
    let home = app.get("/", Some(&far.cookie)).await;
    assert_eq!(home.view.as_ref().expect("a view").view["queue_total"], 0);
    assert!(!home.text.contains("Asha Patel"));
    let id = view["queue"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let res = app
        .post_form(
            &format!("/cases/{id}/take"),
            Some(&far.cookie),
            &[("_csrf", &far.csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // A member takes it on: it is theirs, and leaves the queue.
    let res = app
        .post_form(
            &format!("/cases/{id}/take"),
            Some(&vol.cookie),
            &[("_csrf", &vol.csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = app.get(&format!("/cases/{id}"), Some(&vol.cookie)).await;
    assert!(page.text.contains("Assigned to volunteer vol@example.org"));
    let home = app.get("/", Some(&vol.cookie)).await;
    let view = &home.view.as_ref().expect("a view").view;
    assert_eq!(view["queue_total"], 1);
    assert_eq!(view["items"][0]["reference"], online.as_str());
    let (entries, _) = audit_of(&app, "case.assigned").await;
    assert!(
        entries
            .iter()
            .any(|e| e.case_id.map(|c| c.to_string()) == Some(id.clone()))
    );

    // Someone else is too late: the case names who has it.
    let other = app.token("other@example.org").await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/take"),
            &other,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.text
            .contains("volunteer vol@example.org already works this case"),
        "{}",
        res.text
    );
}

/// The part of a page from the heading with `id` to the next second-level heading.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let from = page.find(&format!("id=\"{id}\"")).unwrap_or(page.len());
    let rest = &page[from..];
    let to = rest[1..].find("<h2").map_or(rest.len(), |i| i + 1);
    &rest[..to]
}

#[tokio::test]
async fn the_demo_is_a_busy_evening_seen_from_a_volunteers_home() {
    let app = TestApp::new().await;
    let (db, clock) = (&app.state.db, app.state.clock.as_ref());
    let password = tenantcase::service::demo::seed(db, clock, &app.state.config.secret)
        .await
        .expect("seeded")
        .expect("an empty database is seeded");
    let vic = app
        .try_sign_in("vic@tenantcase.example", &password, None)
        .await
        .expect("the Leeds volunteer signs in");
    let home = app.get("/", Some(&vic.cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    let overdue = section(&home.text, "overdue");
    assert!(overdue.contains("Reply due to"), "{overdue}");
    assert!(overdue.contains("Overdue by"), "{overdue}");
    let soon = section(&home.text, "due-soon");
    assert!(soon.contains("Reply due to"), "{soon}");
    let queue = section(&home.text, "unassigned");
    assert!(queue.contains("Olu Adeyemi"), "{queue}");
    assert!(queue.contains("New online request"), "{queue}");
    assert!(
        !queue.contains("Carys Morgan"),
        "Cardiff's request is not Leeds's"
    );

    let dee = app
        .try_sign_in("demo@tenantcase.example", &password, None)
        .await
        .expect("the coordinator signs in");
    let home = app.get("/", Some(&dee.cookie)).await;
    let attention = section(&home.text, "attention");
    assert!(attention.contains("Aisha Mohammed"), "{attention}");

    let again = tenantcase::service::demo::seed(db, clock, &app.state.config.secret).await;
    assert!(matches!(again, Ok(None)), "a second run seeds nothing");
}

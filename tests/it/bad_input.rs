//! Input no person would type, or that the law forbids, is refused with a 4xx and a
//! clear message: never a 500, never stored.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantcase::domain::user::Role;

use crate::support::*;

#[tokio::test]
async fn nul_characters_are_refused_at_the_door() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();

    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/notes"),
            &token,
            Some(json!({"text": "a\u{0}b"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json()["error"]["message"],
        "Text must not contain NUL characters"
    );
    let ok = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/notes"),
            &token,
            Some(json!({"text": "a\\u0000b"})),
        )
        .await;
    assert_eq!(
        ok.status,
        StatusCode::CREATED,
        "a backslash and the letters u0000 are fine"
    );

    let res = app
        .api(Method::GET, "/api/v1/cases?q=a%00b", &token, None)
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let page = app.get("/cases?q=%00", Some(&b.cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text.contains("Text must not contain NUL characters"));
    let res = app
        .post_form(
            &format!("/cases/{id}/notes"),
            Some(&b.cookie),
            &[("_csrf", &b.csrf), ("text", "a\u{0}b")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/timeline"),
            &token,
            None,
        )
        .await
        .json();
    let notes = timeline["items"]
        .as_array()
        .map(|a| a.iter().filter(|i| i["kind"] == "note").count());
    assert_eq!(notes, Some(1), "only the acceptable note was stored");
}

#[tokio::test]
async fn an_unknown_group_is_a_field_error_not_a_crash() {
    let app = TestApp::new().await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let a = app.sign_in("admin@example.org").await;
    let res = app
        .post_form(
            "/admin/users",
            Some(&a.cookie),
            &[
                ("_csrf", &a.csrf),
                ("name", "X"),
                ("email", "x@example.org"),
                ("password", PASSWORD),
                ("role", "volunteer"),
                ("groups", "01900000-0000-7000-8000-000000000000"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text
            .contains("There is no group 01900000-0000-7000-8000-000000000000")
    );
    assert!(
        !app.get("/admin/users", Some(&a.cookie))
            .await
            .text
            .contains("x@example.org")
    );
}

#[tokio::test]
async fn amounts_in_an_outcome_must_be_money() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    for to in ["triage", "facts_gathering", "advice_given"] {
        app.api(
            Method::POST,
            &format!("/api/v1/cases/{id}/transitions"),
            &token,
            Some(json!({"to": to})),
        )
        .await;
    }
    let outcome = json!({"deposit_pence": -5, "penalty_pence": 0, "prohibited_pence": 0, "interest_pence": 0,
                         "route": "settlement", "date": "2026-11-01"});
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/transitions"),
            &token,
            Some(json!({"to": "resolved", "outcome": outcome})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let now = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await
        .json();
    assert_eq!(now["stage"], "advice_given");
}

#[tokio::test]
async fn a_bad_sent_date_shows_the_case_page_with_the_message_beside_the_field() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let letter = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            Some(json!({"type": "L1"})),
        )
        .await
        .json();
    let lid = letter["id"].as_str().unwrap_or_default();
    let res = app
        .post_form(
            &format!("/letters/{lid}/sent"),
            Some(&b.cookie),
            &[
                ("_csrf", &b.csrf),
                ("method", "post"),
                ("date", "2030-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains(&format!(
            "<a href=\"#date-{lid}\">Must be today or in the past</a>"
        )),
        "summary links the field"
    );
    assert!(
        res.text.contains(&format!("id=\"date-{lid}-error\"")),
        "message beside the field"
    );
    assert!(
        res.text.contains("Request for the return of a deposit"),
        "still the case page"
    );
    let list = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(list["items"][0]["sent_on"], serde_json::Value::Null);
}

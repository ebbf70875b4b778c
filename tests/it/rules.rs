//! The rules engine and the workflow, through the API and the pages: DOMAIN.md's worked
//! examples E1, E2, W1, S1 and C1, guarded transitions, and the deadline lists.

use axum::http::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tenantcase::domain::user::Role;

use crate::support::*;

async fn assessment(app: &TestApp, token: &str, body: Value) -> Value {
    let case = create_case(app, token, body).await;
    let uri = format!(
        "/api/v1/cases/{}/assessment",
        case["id"].as_str().unwrap_or_default()
    );
    let res = app.api(Method::GET, &uri, token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.json()
}

fn case(tenancy: Value, deposit: Value) -> Value {
    json!({"tenant": {"name": "Worked Example", "consent_date": "2026-11-01"}, "tenancy": tenancy, "deposit": deposit})
}

#[tokio::test]
async fn e1_england_late_protection() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england"}),
            json!({"amount_pence": 110000, "received_date": "2024-01-10", "scheme": "dps",
                   "protected_date": "2024-03-01", "information_date": "2024-03-01"}),
        ),
    )
    .await;
    assert_eq!(a["protection_due"], "2024-02-08");
    assert_eq!(a["breaches"], json!(["protected_late", "information_late"]));
    assert_eq!(
        a["penalty"],
        json!({"min_pence": 110000, "max_pence": 330000})
    );
    assert_eq!(a["claim_by"], "2030-02-08");
    assert_eq!(a["deposit_cap_pence"], Value::Null);
    assert_eq!(a["prohibited_excess_pence"], 0);
    let d = &a["deadlines"][0];
    assert_eq!(d["rule"], "R1");
    assert_eq!(d["due"], "2024-02-08");
    assert_eq!(d["status"], "missed");
    assert_eq!(d["citation"], "Housing Act 2004 s.213(3),(6)");
    assert!(d["label"].as_str().is_some_and(|l| !l.is_empty()));
    let limit = a["deadlines"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["rule"] == "R4").cloned());
    assert_eq!(
        limit.map(|d| (d["due"].clone(), d["status"].clone())),
        Some((json!("2030-02-08"), json!("open")))
    );
}

#[tokio::test]
async fn e2_england_before_april_2012() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england"}),
            json!({"received_date": "2012-03-01", "scheme": "none"}),
        ),
    )
    .await;
    assert_eq!(a["protection_due"], "2012-03-14");
    assert_eq!(
        a["breaches"],
        json!(["not_protected", "information_not_given"])
    );
    assert_eq!(
        a["deadlines"][0]["citation"],
        "Housing Act 2004 s.213(3),(6) as enacted"
    );
}

#[tokio::test]
async fn w1_wales_in_time() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "wales"}),
            json!({"amount_pence": 95000, "received_date": "2023-03-15", "scheme": "tds",
                   "protected_date": "2023-04-10", "information_date": "2023-04-10"}),
        ),
    )
    .await;
    assert_eq!(a["protection_due"], "2023-04-13");
    assert_eq!(a["breaches"], json!([]));
    assert_eq!(a["penalty"], Value::Null);
    assert_eq!(a["deadlines"][0]["status"], "met");
    assert_eq!(
        a["deadlines"][0]["citation"],
        "Renting Homes (Wales) Act 2016 s.45"
    );
}

#[tokio::test]
async fn s1_scotland_working_days() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "scotland", "start_date": "2025-02-03"}),
            json!({}),
        ),
    )
    .await;
    // 17 March 2025 is St Patrick's Day: a bank holiday in Northern Ireland.
    assert_eq!(a["protection_due"], "2025-03-18");
    assert!(
        a["deadlines"][0]["citation"]
            .as_str()
            .is_some_and(|c| c.contains("Tenancy Deposit Schemes (Scotland)"))
    );
}

#[tokio::test]
async fn c1_deposit_cap() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england", "start_date": "2024-06-01", "rent_pence": 100000, "rent_period": "month"}),
            json!({"amount_pence": 120000}),
        ),
    )
    .await;
    assert_eq!(a["deposit_cap_pence"], 115384);
    assert_eq!(a["prohibited_excess_pence"], 4616);
}

#[tokio::test]
async fn u1_unknown_is_not_no() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england"}),
            json!({"amount_pence": 90000, "received_date": "2025-05-01", "scheme": "unknown"}),
        ),
    )
    .await;
    assert_eq!(a["protection_due"], "2025-05-30");
    assert_eq!(a["breaches"], json!([]));
    assert_eq!(a["penalty"], Value::Null);
    assert_eq!(a["claim_by"], Value::Null);
    assert_eq!(a["to_check"], json!(["scheme_lookup", "information"]));
}

#[tokio::test]
async fn k1_scottish_deposit_cap() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "scotland", "start_date": "2025-01-06", "rent_pence": 90000, "rent_period": "month"}),
            json!({"amount_pence": 200000}),
        ),
    )
    .await;
    assert_eq!(a["deposit_cap_pence"], 180000);
    assert_eq!(a["prohibited_excess_pence"], 20000);
}

#[tokio::test]
async fn the_penalty_and_the_deposit_have_separate_time_limits() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let body = case(
        json!({"jurisdiction": "england", "start_date": "2019-01-10", "end_date": "2021-01-09", "type": "assured_shorthold"}),
        json!({"amount_pence": 100000, "received_date": "2019-01-10", "scheme": "dps", "scheme_product": "insured",
               "protected_date": "2019-03-01", "information_given": true, "returned_pence": 0}),
    );
    let a = assessment(&app, &token, body.clone()).await;
    assert_eq!(a["claim_by"], "2025-02-08");
    assert_eq!(a["deposit_claim_by"], "2027-01-09");
    assert_eq!(a["adr_deadline"], "2021-04-09");
    assert_eq!(a["to_check"], json!(["information_date"]));
    // £1,000.00 owed at 8% since the day after the tenancy ended: 21 pence a day.
    assert_eq!(a["interest"]["rate_bp"], 800);
    assert_eq!(a["interest"]["from"], "2021-01-10");
    assert_eq!(a["interest"]["daily_pence"], 21);
    // The new facts are stored and shown back as sent.
    let c = create_case(&app, &token, body).await;
    assert_eq!(c["tenancy"]["type"], "assured_shorthold");
    assert_eq!(c["deposit"]["scheme_product"], "insured");
    assert_eq!(c["deposit"]["information_given"], true);
    // And the tenant reads which claim each date belongs to.
    let id = c["id"].as_str().unwrap_or_default();
    let code = access_code(&app, &token, id).await;
    let tenant = app
        .tenant_sign_in(c["reference"].as_str().unwrap_or_default(), &code)
        .await
        .expect("signed in");
    let page = app.get("/status/case", Some(&tenant.cookie)).await;
    assert!(
        page.text
            .contains("The last day to claim your deposit back is 9 January 2027"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("unconfirmed") && !page.text.contains('['));
}

async fn move_to(app: &TestApp, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/transitions"),
            token,
            Some(body),
        )
        .await;
    let status = res.status;
    (status, res.json())
}

#[tokio::test]
async fn transitions_are_guarded_and_recorded_on_the_timeline() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    // Never protected, and the tenancy ended in 2016: the penalty claim closed on
    // 8 February 2021 and the claim for the deposit itself on 9 January 2022.
    let body = case(
        json!({"jurisdiction": "england", "start_date": "2015-01-10", "end_date": "2016-01-09"}),
        json!({"amount_pence": 110000, "received_date": "2015-01-10", "scheme": "none"}),
    );
    let c = create_case(&app, &token, body).await;
    let id = c["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(c["stage"], "intake");
    assert_eq!(c["tenant_status"], "Received");

    let (status, err) = move_to(&app, &token, &id, json!({"to": "court"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "illegal moves are refused");
    assert_eq!(
        err["error"]["message"],
        "A case cannot move from \"Intake\" to \"Court or tribunal\""
    );
    let (status, err) = move_to(&app, &token, &id, json!({"to": "flying"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["error"]["fields"]["to"].is_string());

    for to in [
        "triage",
        "facts_gathering",
        "advice_given",
        "landlord_requested",
    ] {
        let (status, c) = move_to(
            &app,
            &token,
            &id,
            json!({"to": to, "reason": format!("on to {to}")}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{to}: {c}");
        assert_eq!(c["stage"], to);
    }
    let (status, err) = move_to(&app, &token, &id, json!({"to": "scheme_adr"})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ADR needs a known scheme"
    );
    assert!(
        err["error"]["fields"]["to"]
            .as_str()
            .is_some_and(|m| m.contains("which deposit scheme"))
    );

    // Every claim is out of time: the last closed on 2022-01-09.
    let (status, err) = move_to(&app, &token, &id, json!({"to": "court"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["error"]["fields"]["override"]
            .as_str()
            .is_some_and(|m| m.contains("2022-01-09")),
        "{err}"
    );
    let (status, err) = move_to(&app, &token, &id, json!({"to": "court", "override": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        err["error"]["fields"]["reason"],
        "Say why the case goes to court after the time limit"
    );
    let (status, c) = move_to(
        &app,
        &token,
        &id,
        json!({"to": "court", "override": true, "reason": "Deposit was re-taken in 2021"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["tenant_status"], "At court or tribunal");

    let (status, err) = move_to(&app, &token, &id, json!({"to": "resolved"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["error"]["fields"]["outcome"].is_string());
    let outcome = json!({"deposit_pence": 110000, "penalty_pence": 220000, "prohibited_pence": 0,
                         "interest_pence": 1500, "route": "judgment", "date": "2026-11-20"});
    let (status, c) = move_to(
        &app,
        &token,
        &id,
        json!({"to": "resolved", "outcome": outcome}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["outcome"]["penalty_pence"], 220000);
    assert_eq!(c["status"], "open", "resolved is not yet closed");

    let (status, err) = move_to(&app, &token, &id, json!({"to": "closed"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["error"]["fields"]["reason"].is_string()
            && err["error"]["fields"]["outcome_code"].is_string()
    );
    let (status, c) = move_to(
        &app,
        &token,
        &id,
        json!({"to": "closed", "reason": "Paid in full", "outcome_code": "resolved"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (c["stage"].clone(), c["status"].clone()),
        (json!("closed"), json!("closed"))
    );
    let (status, _) = move_to(&app, &token, &id, json!({"to": "triage"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "closed is final");

    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/timeline"),
            &token,
            None,
        )
        .await
        .json();
    let moves: Vec<Value> = timeline["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|i| i["kind"] == "transitioned")
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(moves.len(), 7);
    let court = &moves[4];
    assert_eq!(
        (court["from"].clone(), court["to"].clone()),
        (json!("landlord_requested"), json!("court"))
    );
    assert_eq!(court["reason"], "Deposit was re-taken in 2021");
    assert_eq!(court["overridden"], true);
    assert_eq!(court["actor"], "volunteer api@example.org");
    assert!(
        court["at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-11-26T10:00"))
    );
    assert_eq!(moves[6]["outcome_code"], "resolved");
}

#[tokio::test]
async fn on_hold_resumes_where_it_stopped_and_withdrawn_closes() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let c = create_case(
        &app,
        &token,
        case(json!({"jurisdiction": "wales"}), json!({})),
    )
    .await;
    let id = c["id"].as_str().unwrap_or_default().to_string();
    move_to(&app, &token, &id, json!({"to": "triage"})).await;
    let (_, c) = move_to(
        &app,
        &token,
        &id,
        json!({"to": "on_hold", "reason": "Tenant abroad"}),
    )
    .await;
    assert_eq!(c["stage"], "on_hold");
    assert_eq!(c["held_from"], "triage");
    let (status, _) = move_to(&app, &token, &id, json!({"to": "facts_gathering"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "resume only where it stopped");
    let (status, c) = move_to(&app, &token, &id, json!({"to": "triage"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["held_from"], Value::Null);
    let (status, _) = move_to(&app, &token, &id, json!({"to": "withdrawn"})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "withdrawing needs a reason"
    );
    let (status, c) = move_to(
        &app,
        &token,
        &id,
        json!({"to": "withdrawn", "reason": "Tenant settled alone"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["status"], "closed");
    assert_eq!(c["tenant_status"], "Closed");
}

#[tokio::test]
async fn the_case_page_offers_only_legal_moves_and_the_move_form_explains_what_is_missing() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let c = create_case(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england"}),
            json!({"amount_pence": 110000, "received_date": "2024-01-10", "scheme": "dps",
            "protected_date": "2024-03-01", "information_date": "2024-03-01"}),
        ),
    )
    .await;
    let id = c["id"].as_str().unwrap_or_default();
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    for text in [
        "The deposit was protected late",
        "£1,100.00 to £3,300.00",
        "8 February 2024",
        "R1: Housing Act 2004 s.213(3),(6)",
        "Last day to claim the penalty: 8 February 2030",
        "Move to: Triage",
        "Move to: On hold",
        "the tenant sees: Received",
    ] {
        assert!(page.text.contains(text), "case page shows {text}");
    }
    assert!(
        !page.text.contains("Move to: Court"),
        "only legal moves are offered"
    );

    let form = app
        .get(&format!("/cases/{id}/move?to=triage"), Some(&b.cookie))
        .await;
    assert!(form.text.contains("Move to: Triage"));
    let tenant_sees = form
        .text
        .split("The tenant will see: <strong>")
        .nth(1)
        .unwrap_or_default();
    assert!(
        tenant_sees.starts_with("We&#39;re reviewing your case</strong>"),
        "{tenant_sees}"
    );
    let illegal = app
        .get(&format!("/cases/{id}/move?to=court"), Some(&b.cookie))
        .await;
    assert_eq!(illegal.status, StatusCode::CONFLICT);
    let res = app
        .post_form(
            &format!("/cases/{id}/move"),
            Some(&b.cookie),
            &[("_csrf", &b.csrf), ("to", "triage")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &format!("/cases/{id}/move"),
            Some(&b.cookie),
            &[("_csrf", &b.csrf), ("to", "closed"), ("reason", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text
            .contains("<a href=\"#reason\">Say why the case is being closed</a>")
    );
    assert!(
        res.text
            .contains("<a href=\"#outcome_code\">Choose an outcome code</a>")
    );
    let res = app
        .post_form(
            &format!("/cases/{id}/move"),
            Some(&b.cookie),
            &[
                ("_csrf", &b.csrf),
                ("to", "closed"),
                ("reason", "Not eligible"),
                ("outcome_code", "not_eligible"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains("Moved from Triage to Closed"));
    assert!(page.text.contains("Outcome: Not eligible for our help"));
    assert!(page.text.contains("This case is closed."));
}

#[tokio::test]
async fn deadline_lists_derive_from_the_rules() {
    let app = TestApp::new().await;
    let vol = app.user("vol@example.org", Role::Volunteer).await;
    app.user("coord@example.org", Role::Coordinator).await;
    let coord = app.token("coord@example.org").await;
    // Received 2026-11-20: protection due 2026-12-19, beyond 14 days; received 2026-11-01: due 2026-11-30.
    let soon = create_case(
        &app,
        &coord,
        case(
            json!({"jurisdiction": "england"}),
            json!({"received_date": "2026-11-01"}),
        ),
    )
    .await;
    create_case(
        &app,
        &coord,
        case(
            json!({"jurisdiction": "england"}),
            json!({"received_date": "2026-11-20"}),
        ),
    )
    .await;
    // Protection due 2019-05-01: the six-year limit passed on 2025-05-01.
    let late = create_case(
        &app,
        &coord,
        case(
            json!({"jurisdiction": "england"}),
            json!({"received_date": "2019-04-02", "scheme": "none"}),
        ),
    )
    .await;
    for c in [&soon, &late] {
        let uri = format!(
            "/api/v1/cases/{}/assignees",
            c["id"].as_str().unwrap_or_default()
        );
        let res = app
            .api(Method::PUT, &uri, &coord, Some(json!({"user_ids": [vol]})))
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    let token = app.token("vol@example.org").await;
    let lists = app
        .api(Method::GET, "/api/v1/deadlines", &token, None)
        .await
        .json();
    let refs = |rows: &Value| -> Vec<(String, String)> {
        rows.as_array()
            .map(|r| {
                r.iter()
                    .map(|x| {
                        (
                            x["reference"].as_str().unwrap_or_default().to_string(),
                            x["due"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let soon_ref = soon["reference"].as_str().unwrap_or_default().to_string();
    let late_ref = late["reference"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        refs(&lists["mine"]["due_soon"]),
        [
            (soon_ref.clone(), "2026-11-30".into()),
            (soon_ref.clone(), "2026-11-30".into())
        ]
    );
    assert_eq!(
        refs(&lists["mine"]["overdue"]),
        [(late_ref.clone(), "2025-05-01".into())]
    );
    assert_eq!(
        lists["groups"],
        Value::Null,
        "volunteers have no group lists"
    );
    let coord_lists = app
        .api(Method::GET, "/api/v1/deadlines", &coord, None)
        .await
        .json();
    assert!(
        coord_lists["mine"]["due_soon"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    assert_eq!(
        refs(&coord_lists["groups"]["overdue"]),
        [(late_ref.clone(), "2025-05-01".into())]
    );

    let b = app.sign_in("vol@example.org").await;
    let home = app.get("/", Some(&b.cookie)).await;
    let overdue_at = home.text.find("id=\"overdue\"").unwrap_or(usize::MAX);
    let soon_at = home.text.find("id=\"due-soon\"").unwrap_or(usize::MAX);
    assert!(overdue_at < soon_at && soon_at < home.text.len());
    assert!(home.text[overdue_at..soon_at].contains(&late_ref));
    assert!(
        home.text[soon_at..]
            .contains("Protect the deposit in an approved scheme: 30 November 2026")
    );
}

/// The lists used to read the newest 5,000 open cases, so the oldest dropped out of
/// "Overdue" without a word. They read every case with a deadline window open today, at any
/// caseload, and the windows of cases that were there before are filled when the server
/// starts.
#[tokio::test]
async fn deadline_lists_are_complete_at_any_caseload() {
    let app = TestApp::new().await;
    app.user("coord@example.org", Role::Coordinator).await;
    let coord = app.token("coord@example.org").await;
    // Protection due 2019-05-01: the six-year limit passed on 2025-05-01.
    let late = create_case(
        &app,
        &coord,
        case(
            json!({"jurisdiction": "england"}),
            json!({"received_date": "2019-04-02", "scheme": "none"}),
        ),
    )
    .await;
    let late_ref = late["reference"].as_str().unwrap_or_default().to_string();
    let id = uuid::Uuid::parse_str(late["id"].as_str().unwrap_or_default()).expect("id");
    let db = &app.state.db;
    let template = tenantcase::db::cases::find(db, id)
        .await
        .expect("query")
        .expect("the case");
    // 5,000 newer open cases of the same group, with no deadline at all.
    let txn = tenantcase::db::begin_write(db).await.expect("txn");
    for n in 1..=5_000 {
        let mut rec = template.clone();
        rec.id = uuid::Uuid::now_v7();
        rec.reference = tenantcase::domain::CaseReference::new(2027, n);
        rec.facts.deposit = Default::default();
        tenantcase::db::cases::insert(&*txn, &rec, None)
            .await
            .expect("insert");
    }
    txn.commit().await.expect("commit");
    let overdue = |lists: Value| -> Vec<String> {
        lists["groups"]["overdue"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| r["reference"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let deadlines = || async {
        app.api(Method::GET, "/api/v1/deadlines", &coord, None)
            .await
            .json()
    };
    assert_eq!(overdue(deadlines().await), std::slice::from_ref(&late_ref));

    // A database from before the windows existed: the server fills them when it starts.
    db.execute_unprepared("DELETE FROM case_alerts")
        .await
        .expect("delete");
    db.execute_unprepared("DELETE FROM settings WHERE key = 'case_alerts_due_filled'")
        .await
        .expect("delete");
    assert!(overdue(deadlines().await).is_empty(), "nothing to read");
    tenantcase::db::migrate(db).await.expect("migrate");
    assert_eq!(overdue(deadlines().await), [late_ref]);
}

#[tokio::test]
async fn the_forms_take_the_new_facts_and_the_case_page_lists_what_to_check() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[
                ("_csrf", b.csrf.as_str()),
                ("tenant.name", "Form Tenant"),
                ("tenant.consent_date", "2026-11-01"),
                ("tenancy.jurisdiction", "england"),
                ("tenancy.type", "assured_shorthold"),
                ("deposit.amount_pence", "900.00"),
                ("deposit.instalments[0].received_date", "2025-05-01"),
                ("deposit.scheme", "tds"),
                ("deposit.scheme_product", "insured"),
                ("deposit.information_given", "false"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    // The case page, opened at the banner of what was done.
    let location = res.header("location").unwrap_or_default();
    let location = location.split('?').next().unwrap_or_default().to_string();
    let page = app.get(&location, Some(&b.cookie)).await;
    assert!(
        page.text
            .contains("The prescribed information was never given"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains("To check before any breach can be claimed")
    );
    assert!(
        page.text
            .contains("Find the date the deposit was protected")
    );
    assert!(!page.text.contains("The deposit was never protected"));
    // The edit form shows the facts back, selected.
    let edit = app.get(&format!("{location}/edit"), Some(&b.cookie)).await;
    assert!(
        edit.text.contains("<option value=\"insured\" selected>"),
        "{}",
        edit.text
    );
    assert!(edit.text.contains("<option value=\"false\" selected>"));
    assert!(
        edit.text
            .contains("<option value=\"assured_shorthold\" selected>")
    );
    // A bad value is refused beside its field.
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[
                ("_csrf", b.csrf.as_str()),
                ("tenant.name", "Form Tenant"),
                ("tenant.consent_date", "2026-11-01"),
                ("tenancy.jurisdiction", "england"),
                ("deposit.information_given", "perhaps"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Choose yes, no or not known"));
}

#[tokio::test]
async fn a_scheme_look_up_is_recorded_from_the_case_page() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let c = create_case(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england"}),
            json!({"amount_pence": 90000, "received_date": "2025-05-01", "scheme": "unknown"}),
        ),
    )
    .await;
    let id = c["id"].as_str().unwrap_or_default();
    let b = app.sign_in("api@example.org").await;
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text
            .contains("No look-up of the schemes is recorded yet")
    );
    // Missing answer: the form comes back with the message by the field, input kept.
    let res = app
        .post_form(
            &format!("/cases/{id}/scheme-checks"),
            Some(&b.cookie),
            &[
                ("_csrf", b.csrf.as_str()),
                ("check_date", "2026-11-20"),
                ("check_certificate", "NONE-FOUND-1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains("Say whether the deposit was found"),
        "{}",
        res.text
    );
    assert!(res.text.contains("value=\"NONE-FOUND-1\""), "input kept");
    let res = app
        .post_form(
            &format!("/cases/{id}/scheme-checks"),
            Some(&b.cookie),
            &[
                ("_csrf", b.csrf.as_str()),
                ("check_date", "2026-11-20"),
                ("check_found", "no"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let a = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/assessment"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(
        a["breaches"],
        json!(["not_protected", "information_not_given"])
    );
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text
            .contains("20 November 2026: not found in any scheme")
    );
    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/timeline"),
            &token,
            None,
        )
        .await;
    assert!(timeline.text.contains("scheme_checks"), "on the timeline");
}

#[tokio::test]
async fn t1_renewals_through_the_api() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let a = assessment(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england", "start_date": "2024-09-01", "end_date": "2025-08-31",
                   "renewals": [{"start_date": "2025-09-01", "kind": "statutory_periodic"}]}),
            json!({"amount_pence": 90000, "received_date": "2024-09-01", "scheme": "none"}),
        ),
    )
    .await;
    let t = a["tenancies"].as_array().cloned().unwrap_or_default();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0]["protection_due"], "2024-09-30");
    assert_eq!(t[1]["protection_due"], "2025-09-30");
    assert_eq!(t[0]["claim_by"], "2030-09-30");
    assert_eq!(t[1]["claim_by"], "2031-09-30");
    assert_eq!(t[1]["kind"], "statutory_periodic");
    for x in &t {
        assert_eq!(
            x["penalty"],
            json!({"min_pence": 90000, "max_pence": 270000})
        );
    }
    // A renewal out of order is refused by its field.
    let res = app
        .api(
            Method::POST,
            "/api/v1/cases",
            &token,
            Some(case(
                json!({"jurisdiction": "england", "start_date": "2024-09-01",
                       "renewals": [{"start_date": "2024-08-01", "kind": "fixed_term"}]}),
                json!({}),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.json()["error"]["fields"]["tenancy.renewals[0].start_date"]
            .as_str()
            .is_some_and(|m| m.contains("oldest first"))
    );
}

#[tokio::test]
async fn the_edit_form_carries_renewals_payers_and_look_ups() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let c = create_case(
        &app,
        &token,
        case(
            json!({"jurisdiction": "england", "start_date": "2024-09-01",
                   "renewals": [{"start_date": "2025-09-01", "kind": "statutory_periodic"},
                                {"start_date": "2026-09-01", "kind": "fixed_term"},
                                {"start_date": "2026-10-01", "kind": "contractual_periodic"}]}),
            json!({"amount_pence": 90000, "received_date": "2024-09-01",
                   "relevant_persons": [{"name": "Parent Who Paid", "information_given": false}],
                   "scheme_checks": [{"date": "2026-11-01", "found": false}]}),
        ),
    )
    .await;
    let id = c["id"].as_str().unwrap_or_default();
    let b = app.sign_in("api@example.org").await;
    let edit = app.get(&format!("/cases/{id}/edit"), Some(&b.cookie)).await;
    for text in [
        // Dates show as day, month and year boxes.
        "name=\"tenancy.renewals[2].start_date-day\" type=\"text\" inputmode=\"numeric\" value=\"01\"",
        "name=\"tenancy.renewals[2].start_date-month\" type=\"text\" inputmode=\"numeric\" value=\"10\"",
        "name=\"tenancy.renewals[2].start_date-year\" type=\"text\" inputmode=\"numeric\" value=\"2026\"",
        "name=\"tenancy.renewals[3].start_date-day\"",
        "value=\"Parent Who Paid\"",
        "<input type=\"hidden\" name=\"deposit.scheme_checks[0].found\" value=\"false\">",
    ] {
        assert!(edit.text.contains(text), "{text}");
    }
}

#[tokio::test]
async fn a_holding_deposit_from_the_form_gets_its_refund_date() {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[
                ("_csrf", b.csrf.as_str()),
                ("tenant.name", "Holding Tenant"),
                ("tenant.consent_date", "2026-11-01"),
                ("tenancy.jurisdiction", "england"),
                ("tenancy.rent_pence", "1,000.00"),
                ("tenancy.rent_period", "month"),
                ("deposit.holding.amount_pence", "300.00"),
                ("deposit.holding.paid_date", "2026-10-01"),
                ("deposit.holding.outcome", "landlord_withdrew"),
                ("deposit.holding.outcome_date", "2026-10-05"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = app
        .get(res.header("location").unwrap_or_default(), Some(&b.cookie))
        .await;
    assert!(
        page.text.contains("Refund the holding deposit"),
        "{}",
        page.text
    );
    assert!(page.text.contains("12 October 2026"));
    assert!(page.text.contains("R7: Tenant Fees Act 2019 Sch 2"));
    // Half a holding deposit is refused by its field.
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[
                ("_csrf", b.csrf.as_str()),
                ("tenant.name", "Holding Tenant"),
                ("tenant.consent_date", "2026-11-01"),
                ("tenancy.jurisdiction", "england"),
                ("deposit.holding.amount_pence", "300.00"),
                ("deposit.holding.outcome", "agreed"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Enter the date it was paid"));
    assert!(
        res.text
            .contains("Give both what ended the wait and its date, or neither")
    );
}

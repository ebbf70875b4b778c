//! Letters L1–L6: generated from the case, read back from the PDF, frozen, sent.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tenantcase::domain::user::Role;

use crate::support::*;

fn letter_case() -> Value {
    let mut c = case_e1();
    c["deposit"]["returned_pence"] = json!(20000);
    c["tenancy"]["start_date"] = json!("2024-06-01");
    c["tenancy"]["rent_pence"] = json!(100000);
    c["deposit"]["amount_pence"] = json!(120000);
    c["deposit"]["received_date"] = json!("2024-06-01");
    c["deposit"]["protected_date"] = json!("2024-08-01");
    c["deposit"]["information_date"] = Value::Null;
    // The tenants confirm they were never given the information.
    c["deposit"]["information_given"] = json!(false);
    c
}

#[tokio::test]
async fn every_letter_type_carries_what_it_must_and_reads_back_from_the_pdf() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let common = [
        "Leeds",
        "Headingley Lettings Ltd",
        "Our reference: TC-2026-00001",
        "26 November 2026",
        "Page 1 of 1",
        "Łukasz Nowak and Zoë Price",
    ];
    let expect: [(&str, Value, Vec<&str>); 6] = [
        (
            "L1",
            json!({}),
            vec![
                "12 Cardigan Road, Leeds, LS6 1AB (their previous address)",
                "until the tenancy ended on 9 January 2025",
                "paid a deposit of £1,200.00 on 1 June 2024",
                "So far £200.00 has been returned",
                "the balance of £1,000.00",
                "Deposit Protection Service (DPS)",
                "alternative dispute resolution (ADR)",
                "reasons",
                "receipts",
                "within 10 days of receiving this letter, by 9 December 2026",
                "Cleaning (£180.00)",
            ],
        ),
        (
            "L2",
            json!({}),
            vec![
                "which scheme protects the deposit",
                "deposit certificate or deposit ID",
                "copy of the prescribed information",
                "Under the law on tenancy deposits (Housing Act 2004 s.213(3),(6))",
                "by 30 June 2024",
                "by 14 December 2026",
            ],
        ),
        (
            "L3",
            json!({"fields": {"earlier_request": "3 March 2025", "adr": "offered on 3 March 2025 and refused"}}),
            vec![
                "12 Cardigan Road",
                "from 1 June 2024 to 9 January 2025",
                "deposit of £1,200.00 on 1 June 2024",
                "on 3 March 2025",
                "Alternative dispute resolution: offered on 3 March 2025 and refused",
                "within 14 days, by 14 December 2026",
                "start court proceedings",
                "interest",
                "County Courts Act 1984 s.69",
            ],
        ),
        (
            "L4",
            json!({}),
            vec![
                "began on 1 June 2024",
                "deposit of £1,200.00 on 1 June 2024",
                "Under the law on tenancy deposits (Housing Act 2004 s.213(3),(6))",
                "by 30 June 2024",
                "the deposit was protected late",
                "the prescribed information was never given",
                // The tenancy ended on 9 January 2025: the court may (not must) order the
                // deposit repaid, and must order the penalty.
                "under Housing Act 2004 s.214(2A),(3),(3A),(4) the court may order you to repay all or part of the deposit, and must order you to pay them",
                "between £1,200.00 and £3,600.00",
                "between one and three times",
                "within 14 days, by 14 December 2026",
                "open to settling",
            ],
        ),
        (
            "L5",
            json!({"fields": {"date_range": "January 2024 to today"}}),
            vec![
                "Article 15 of the UK General Data Protection Regulation",
                "Their name: Łukasz Nowak",
                "Our reference: TC-2026-00001",
                "covering January 2024 to today",
                "within one month, by 30 December 2026",
            ],
        ),
        (
            "L6",
            json!({}),
            vec![
                "a deposit of £1,200.00 paid on 1 June 2024",
                "more than the cap of £1,153.84",
                "£46.16 is a prohibited payment",
                "Tenant Fees Act 2019",
                "within 14 days, by 14 December 2026",
            ],
        ),
    ];
    for (kind, mut body, phrases) in expect {
        body["type"] = json!(kind);
        let letter = generate(&app, &token, id, body).await;
        assert_eq!(letter["type"], kind);
        assert_eq!(letter["version"], 1);
        assert_eq!(letter["pages"], 1);
        let pdf = download(&app, &token, letter["id"].as_str().unwrap_or_default()).await;
        assert_eq!(
            letter["sha256"],
            hex::encode(Sha256::digest(&pdf)),
            "{kind}: the stored hash is of the bytes served"
        );
        assert!(pdf.len() < 30_000, "{kind}: {} bytes", pdf.len());
        let (pages, text) = text_of(&pdf);
        assert_eq!(pages, 1, "{kind}");
        for phrase in common.iter().chain(phrases.iter()) {
            assert!(text.contains(phrase), "{kind} lacks {phrase:?}:\n{text}");
        }
        // No rule's marker reaches a landlord.
        for marker in ["[", "]", "unconfirmed", "not confirmed"] {
            assert!(!text.contains(marker), "{kind} prints {marker:?}:\n{text}");
        }
    }
}

#[tokio::test]
async fn a_long_letter_flows_over_pages() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let long = "The tenant describes the state of the flat at the end of the tenancy in detail. "
        .repeat(24);
    let letter = generate(
        &app,
        &token,
        id,
        json!({"type": "L1", "fields": {"extra": long}}),
    )
    .await;
    assert!(letter["pages"].as_i64().unwrap_or(0) >= 2);
    let pdf = download(&app, &token, letter["id"].as_str().unwrap_or_default()).await;
    let (pages, text) = text_of(&pdf);
    assert_eq!(Some(pages as i64), letter["pages"].as_i64());
    assert!(
        text.contains(&format!("Page 1 of {pages}"))
            && text.contains(&format!("Page {pages} of {pages}"))
    );
    assert!(text.contains("Yours faithfully"));
}

#[tokio::test]
async fn a_letter_stays_frozen_when_the_case_changes_and_a_new_one_is_a_new_version() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let first = generate(&app, &token, id, json!({"type": "L1"})).await;
    let first_id = first["id"].as_str().unwrap_or_default();
    let before = download(&app, &token, first_id).await;
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            &token,
            Some(json!({"version": 1, "tenant": {"name": "Marta Kowalska"}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let after = download(&app, &token, first_id).await;
    assert_eq!(before, after, "byte-identical after the case changed");
    let second = generate(&app, &token, id, json!({"type": "L1"})).await;
    assert_eq!(second["version"], 2);
    assert_ne!(second["sha256"], first["sha256"]);
    let (_, text) =
        text_of(&download(&app, &token, second["id"].as_str().unwrap_or_default()).await);
    assert!(text.contains("Marta Kowalska"));
    let list = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn marking_a_letter_sent_starts_its_reply_deadline() {
    let app = TestApp::new().await;
    let vol = app.user("vol@example.org", Role::Volunteer).await;
    let token = app.token("vol@example.org").await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default();
    app.user("coord@example.org", Role::Coordinator).await;
    let coord = app.token("coord@example.org").await;
    let res = app
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{id}/assignees"),
            &coord,
            Some(json!({"user_ids": [vol]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    // Written on 1 November, sent later.
    app.clock.set(time::macros::datetime!(2026-11-01 09:00 UTC));
    let l1 = generate(&app, &token, id, json!({"type": "L1"})).await;
    let l3 = generate(&app, &token, id, json!({"type": "L3"})).await;
    app.clock.set(time::macros::datetime!(2026-11-26 10:00 UTC));
    let sent = |letter: &Value, body: Value| {
        let uri = format!(
            "/api/v1/letters/{}/sent",
            letter["id"].as_str().unwrap_or_default()
        );
        let (app, token) = (&app, token.clone());
        async move { app.api(Method::POST, &uri, &token, Some(body)).await }
    };
    let bad = sent(&l1, json!({"method": "pigeon", "date": "2027-01-01"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.json()["error"]["fields"]["method"],
        "Choose post, email or hand"
    );
    assert_eq!(
        bad.json()["error"]["fields"]["date"],
        "Must be today or in the past"
    );
    let early = sent(&l1, json!({"method": "post", "date": "2026-10-31"})).await;
    assert_eq!(
        early.json()["error"]["fields"]["date"],
        "Must be on or after 1 November 2026, the day the letter was written"
    );
    let ok = sent(
        &l1,
        json!({"method": "post", "date": "2026-11-20", "tracking": "AB123456789GB"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    // Posted on Friday 20 November: deemed received Tuesday 24 November; 10 days
    // beginning with that day.
    assert_eq!(ok.json()["reply_due"], "2026-12-03", "R8: 10 days");
    assert_eq!(ok.json()["tracking"], "AB123456789GB");
    assert_eq!(
        sent(&l1, json!({"method": "post"})).await.status,
        StatusCode::CONFLICT,
        "sent once"
    );
    let ok = sent(&l3, json!({"method": "email", "date": "2026-11-01"})).await;
    // E-mailed on Sunday 1 November: deemed received Monday 2 November.
    assert_eq!(ok.json()["reply_due"], "2026-11-16", "R10: 14 days");

    let lists = app
        .api(Method::GET, "/api/v1/deadlines", &token, None)
        .await
        .json();
    let labels = |rows: &Value| -> Vec<String> {
        rows.as_array()
            .map(|r| {
                r.iter()
                    .map(|x| {
                        format!(
                            "{} {}",
                            x["label"].as_str().unwrap_or_default(),
                            x["due"].as_str().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        labels(&lists["mine"]["due_soon"]).contains(
            &"Reply due to \"Request for the return of a deposit\" 2026-12-03".to_string()
        )
    );
    assert!(labels(&lists["mine"]["overdue"]).contains(
        &"Reply due to \"Letter before claim: return of the deposit\" 2026-11-16".to_string()
    ));
    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/timeline"),
            &token,
            None,
        )
        .await
        .json();
    let kinds: Vec<&str> = timeline["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds.iter().filter(|k| **k == "letter_generated").count(),
        2
    );
    assert_eq!(kinds.iter().filter(|k| **k == "letter_sent").count(), 2);
}

#[tokio::test]
async fn letters_from_the_case_page() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default();
    for to in ["triage", "facts_gathering"] {
        app.api(
            Method::POST,
            &format!("/api/v1/cases/{id}/transitions"),
            &token,
            Some(json!({"to": to})),
        )
        .await;
    }
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains("No letters yet."));
    assert!(page.text.contains(&format!(
        "href=\"/cases/{id}/letters/new?type=L1\">L1: Request for the return of a deposit"
    )));
    let form = app
        .get(&format!("/cases/{id}/letters/new?type=L3"), Some(&b.cookie))
        .await;
    assert!(form.text.contains("Date of our earlier request"));
    // Written the day before it is sent.
    app.clock.set(time::macros::datetime!(2026-11-25 09:00 UTC));
    let res = app
        .post_form(
            &format!("/cases/{id}/letters"),
            Some(&b.cookie),
            &[
                ("_csrf", &b.csrf),
                ("type", "L3"),
                ("fields.earlier_request", "1 October 2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    app.clock.set(time::macros::datetime!(2026-11-26 10:00 UTC));
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text.contains(
            "Letter before claim: return of the deposit</strong> (L3, version 1, 1 page)"
        )
    );
    let letter_id = page
        .text
        .split("/letters/")
        .nth(1)
        .and_then(|t| t.split('/').next())
        .unwrap_or_default()
        .to_string();
    let pdf = app
        .get(&format!("/letters/{letter_id}/pdf"), Some(&b.cookie))
        .await;
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let res = app
        .post_form(
            &format!("/letters/{letter_id}/sent"),
            Some(&b.cookie),
            &[
                ("_csrf", &b.csrf),
                ("method", "hand"),
                ("date", "2026-11-25"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text
            .contains("Sent by hand on 25 November 2026. Reply due by 9 December 2026.")
    );
    assert!(
        page.text
            .contains("Letter sent: Letter before claim: return of the deposit")
    );
}

#[tokio::test]
async fn letters_that_need_a_breach_or_a_payment_say_so() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let mut fine = case_e1();
    fine["deposit"] = json!({"amount_pence": 90000, "received_date": "2024-01-10", "scheme": "dps",
                             "protected_date": "2024-01-20", "information_date": "2024-01-20"});
    let case = create_case(&app, &token, fine).await;
    let id = case["id"].as_str().unwrap_or_default();
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            Some(json!({"type": "L4"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.json()["error"]["fields"]["type"]
            .as_str()
            .is_some_and(|m| m.contains("needs a breach"))
    );
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            Some(json!({"type": "L6"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .api(Method::POST, &format!("/api/v1/cases/{id}/letters"), &token, Some(json!({"type": "L6", "fields": {"payment": "a £50.00 admin fee paid on 1 January 2024", "why": "fees are banned"}})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            Some(json!({"type": "L9"})),
        )
        .await;
    assert_eq!(
        res.json()["error"]["fields"]["type"],
        "Must be one of L1, L2, L3, L4, L5, L6"
    );
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            Some(json!({"type": "L1", "fields": {"nonsense": "x"}})),
        )
        .await;
    assert_eq!(
        res.json()["error"]["fields"]["fields.nonsense"],
        "L1 has no part called nonsense"
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
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(1),
        "nothing half-written"
    );
}

#[tokio::test]
async fn a_scottish_letter_before_claim_cites_scottish_law_and_the_tribunal() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let mut c = case_e1();
    c["tenancy"] =
        json!({"jurisdiction": "scotland", "start_date": "2025-02-03", "end_date": "2026-10-31"});
    c["property"]["postcode"] = json!("G12 8QQ");
    c["deposit"] = json!({"amount_pence": 90000, "received_date": "2025-02-03", "scheme": "none"});
    let case = create_case(&app, &token, c).await;
    let id = case["id"].as_str().unwrap_or_default();
    let letter = generate(&app, &token, id, json!({"type": "L4"})).await;
    let (_, text) =
        text_of(&download(&app, &token, letter["id"].as_str().unwrap_or_default()).await);
    assert!(
        text.contains("Tenancy Deposit Schemes (Scotland) Regulations 2011"),
        "{text}"
    );
    assert!(
        text.contains(
            "the First-tier Tribunal (Housing and Property Chamber) must order you to pay them"
        ),
        "{text}"
    );
    assert!(!text.contains("Housing Act 2004"), "{text}");
    assert!(!text.contains("repay the deposit or protect it"), "{text}");
}

#[tokio::test]
async fn l4_says_must_or_may_as_the_law_of_the_case_says() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let read = |body: Value| {
        let (app, token) = (&app, token.clone());
        async move {
            let case = create_case(app, &token, body).await;
            let id = case["id"].as_str().unwrap_or_default().to_string();
            let l4 = generate(app, &token, &id, json!({"type": "L4"})).await;
            text_of(&download(app, &token, l4["id"].as_str().unwrap_or_default()).await).1
        }
    };
    let tenant = json!({"name": "Siân Evans", "consent_date": "2026-11-01"});
    let home = json!({"address": "3 Heol y Llan"});
    // England, the tenancy goes on: the court must order the deposit repaid or protected.
    let text = read(
        json!({"tenant": tenant, "property": home, "landlord": {"name": "A Landlord", "address": "1 Road"},
        "tenancy": {"jurisdiction": "england", "start_date": "2025-01-10"},
        "deposit": {"amount_pence": 100000, "received_date": "2025-01-10", "scheme": "none"}}),
    )
    .await;
    assert!(
        text.contains("the court must order you to repay the deposit or protect it, and must order you to pay them between £1,000.00 and £3,000.00"),
        "{text}"
    );
    // Wales, a deposit taken after 1 December 2022: the 2016 Act, "may" and "up to", and
    // an occupation contract rather than a tenancy.
    let text = read(
        json!({"tenant": tenant, "property": home, "landlord": {"name": "A Landlord", "address": "1 Road"},
        "tenancy": {"jurisdiction": "wales", "start_date": "2023-03-15"},
        "deposit": {"amount_pence": 90000, "received_date": "2023-03-15", "scheme": "none"}}),
    )
    .await;
    assert!(
        text.contains("under Renting Homes (Wales) Act 2016 s.46 and Sch 5 the court may order you to pay them up to £2,700.00: up to three times the deposit"),
        "{text}"
    );
    assert!(
        text.contains("Their occupation contract for 3 Heol y Llan began on 15 March 2023"),
        "{text}"
    );
    assert!(text.contains("required information"), "{text}");
    // Wales, a deposit taken before then: the Housing Act 2004, whatever today's law.
    let text = read(
        json!({"tenant": tenant, "property": home, "landlord": {"name": "A Landlord", "address": "1 Road"},
        "tenancy": {"jurisdiction": "wales", "start_date": "2021-03-15"},
        "deposit": {"amount_pence": 90000, "received_date": "2021-03-15", "scheme": "none"}}),
    )
    .await;
    assert!(
        text.contains("under Housing Act 2004 s.214(2A),(3),(3A),(4)"),
        "{text}"
    );
}

#[tokio::test]
async fn every_letter_in_every_nation_follows_its_own_law_and_prints_no_marker() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    for (nation, postcode, start) in [
        ("england", "LS6 1AB", "2024-06-01"),
        ("wales", "CF24 4AB", "2024-06-01"),
        ("scotland", "G12 8QQ", "2024-06-03"),
    ] {
        let mut c = letter_case();
        c["tenancy"]["jurisdiction"] = json!(nation);
        c["tenancy"]["start_date"] = json!(start);
        c["tenancy"]["rent_period"] = json!("month");
        c["deposit"]["received_date"] = json!(start);
        c["property"]["postcode"] = json!(postcode);
        let case = create_case(&app, &token, c).await;
        let id = case["id"].as_str().unwrap_or_default().to_string();
        for kind in ["L1", "L2", "L3", "L4", "L5", "L6"] {
            let mut body = json!({"type": kind});
            if kind == "L6" {
                body["fields"] = json!({"payment": "a £50.00 admin fee paid on 1 June 2024"});
            }
            let letter = generate(&app, &token, &id, body).await;
            let pdf = download(&app, &token, letter["id"].as_str().unwrap_or_default()).await;
            check_with_pdf_tools(&pdf, &format!("{nation} {kind}"));
            let (_, text) = text_of(&pdf);
            for marker in [
                "[",
                "]",
                "unconfirmed",
                "not confirmed",
                "{{",
                "{%",
                "We act for",
                "our client",
            ] {
                assert!(
                    !text.contains(marker),
                    "{nation} {kind} prints {marker:?}:\n{text}"
                );
            }
            assert!(
                text.contains("who have asked us to write to you on their behalf"),
                "{nation} {kind}"
            );
            if nation == "scotland" {
                for wrong in [
                    "Practice Direction",
                    "County Courts Act",
                    "Housing Act 2004",
                    "court proceedings",
                    "costs",
                ] {
                    assert!(
                        !text.contains(wrong),
                        "{nation} {kind} prints {wrong:?}:\n{text}"
                    );
                }
                if kind == "L3" || kind == "L4" {
                    assert!(
                        text.contains("First-tier Tribunal (Housing and Property Chamber)"),
                        "{kind}: {text}"
                    );
                }
            } else if kind == "L3" {
                assert!(
                    text.contains("Practice Direction on Pre-Action Conduct"),
                    "{nation} {kind}"
                );
                assert!(
                    text.contains("County Courts Act 1984 s.69"),
                    "{nation} {kind}"
                );
            }
            if kind == "L6" {
                let route = match nation {
                    "england" => {
                        "the First-tier Tribunal under section 15 of the Tenant Fees Act 2019"
                    }
                    "wales" => {
                        "the county court under the Renting Homes (Fees etc.) (Wales) Act 2019"
                    }
                    _ => "section 90 of the Rent (Scotland) Act 1984",
                };
                assert!(text.contains(route), "{nation} L6: {text}");
                if nation == "england" {
                    // £1,000.00 a month: the cap is five weeks' rent, from the R6 row.
                    assert!(
                        text.contains("(five weeks' rent) under the Tenant Fees Act 2019"),
                        "{text}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_letter_is_complete_or_refused_with_the_facts_to_add() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(
        &app,
        &token,
        json!({"tenant": {"name": "Bare Tenant", "consent_date": "2026-11-01"},
               "landlord": {"name": "A Landlord"},
               "tenancy": {"jurisdiction": "england"}}),
    )
    .await;
    let id = case["id"].as_str().unwrap_or_default();
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            Some(json!({"type": "L3"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = res.json()["error"]["fields"].clone();
    for field in [
        "landlord.address",
        "property.address",
        "deposit.amount_pence",
        "deposit.received_date",
        "tenancy.start_date",
        "tenancy.end_date",
        "deposit.returned_pence",
    ] {
        assert!(fields[field].is_string(), "{field}: {fields}");
    }
    // The page lists them, each linked to its field, and offers no button.
    let b = app.sign_in("api@example.org").await;
    let page = app
        .get(&format!("/cases/{id}/letters/new?type=L3"), Some(&b.cookie))
        .await;
    assert!(page.text.contains("Add these facts first"), "{}", page.text);
    assert!(
        page.text
            .contains(&format!("href=\"/cases/{id}/edit#landlord.address\""))
    );
    assert!(!page.text.contains("Make the letter</button>"));
    let posted = app
        .post_form(
            &format!("/cases/{id}/letters"),
            Some(&b.cookie),
            &[("_csrf", b.csrf.as_str()), ("type", "L3")],
        )
        .await;
    assert_eq!(posted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        posted
            .text
            .contains("This letter needs facts the case does not have yet")
    );
    assert!(posted.text.contains("Error: "), "an error summary");
    let list = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(list["items"], json!([]), "nothing was written");
}

#[tokio::test]
async fn a_letter_is_dated_the_day_it_is_sent_and_a_late_sending_is_flagged() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    // To be posted on Monday 30 November: deemed received Wednesday 2 December; 10 days
    // beginning with that day.
    let letter = generate(
        &app,
        &token,
        &id,
        json!({"type": "L1", "fields": {"send_on": "2026-11-30"}}),
    )
    .await;
    assert_eq!(letter["dated"], "2026-11-30");
    assert_eq!(letter["printed_reply_due"], "2026-12-11");
    let (_, text) =
        text_of(&download(&app, &token, letter["id"].as_str().unwrap_or_default()).await);
    assert!(text.contains("30 November 2026"), "{text}");
    assert!(text.contains("by 11 December 2026"), "{text}");
    let past = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{id}/letters"),
            &token,
            Some(json!({"type": "L1", "fields": {"send_on": "2026-11-01"}})),
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.json()["error"]["fields"]["send_on"].is_string());
    // Posted a week late: the landlord's time runs past the printed date.
    app.clock.set(time::macros::datetime!(2026-12-07 10:00 UTC));
    let sent = app
        .api(
            Method::POST,
            &format!(
                "/api/v1/letters/{}/sent",
                letter["id"].as_str().unwrap_or_default()
            ),
            &token,
            Some(json!({"method": "post", "date": "2026-12-07"})),
        )
        .await
        .json();
    assert_eq!(sent["reply_due"], "2026-12-18");
    assert_eq!(sent["printed_date_short"], true);
    let b = app.sign_in("api@example.org").await;
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text.contains(
            "The reply date printed in this letter, 11 December 2026, gives the landlord less time"
        ),
        "{}",
        page.text
    );
    assert!(page.text.contains(&format!(
        "href=\"/cases/{id}/letters/new?type=L1\">Write a new version of L1"
    )));
}

#[tokio::test]
async fn letters_come_from_the_organisation_and_greet_a_named_person() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let a = app.sign_in("admin@example.org").await;
    let leeds = app.group("Leeds").await;
    let res = app
        .post_form(
            &format!("/admin/groups/{leeds}"),
            Some(&a.cookie),
            &[
                ("_csrf", a.csrf.as_str()),
                ("name", "Leeds"),
                ("organisation", "Northern Renters' Union"),
                ("address", "1 Woodhouse Lane\nLeeds LS2 9JT"),
                ("phone", "0113 496 0000"),
                ("email", "leeds@example.org"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    // A bad telephone number is refused beside its field.
    let bad = app
        .post_form(
            &format!("/admin/groups/{leeds}"),
            Some(&a.cookie),
            &[
                ("_csrf", a.csrf.as_str()),
                ("name", "Leeds"),
                ("phone", "call us"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("value=\"call us\""), "input kept");

    let mut c = letter_case();
    c["landlord"]["contact_name"] = json!("Mr Ahmed");
    c["agent"] = Value::Null;
    let case = create_case(&app, &token, c).await;
    let id = case["id"].as_str().unwrap_or_default();
    let letter = generate(&app, &token, id, json!({"type": "L1"})).await;
    let (_, text) =
        text_of(&download(&app, &token, letter["id"].as_str().unwrap_or_default()).await);
    for phrase in [
        "Northern Renters' Union Leeds 1 Woodhouse Lane",
        "Telephone: 0113 496 0000",
        "E-mail: leeds@example.org",
        "Dear Mr Ahmed",
        "Yours sincerely",
        "for Northern Renters' Union (Leeds)",
        "You can reach us by telephone on 0113 496 0000, by e-mail at leeds@example.org or by post to the address above; we will give you the details of the account to pay into.",
    ] {
        assert!(text.contains(phrase), "{phrase}: {text}");
    }
    assert!(!text.contains("Yours faithfully"));
    // Nobody named: "Dear Sir or Madam" and "Yours faithfully".
    let other = create_case(&app, &token, letter_case()).await;
    let letter = generate(
        &app,
        &token,
        other["id"].as_str().unwrap_or_default(),
        json!({"type": "L1"}),
    )
    .await;
    let (_, text) =
        text_of(&download(&app, &token, letter["id"].as_str().unwrap_or_default()).await);
    assert!(
        text.contains("Dear Sir or Madam") && text.contains("Yours faithfully"),
        "{text}"
    );
}

#[tokio::test]
async fn l3_states_the_interest_and_the_date_of_the_sent_request() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    app.clock.set(time::macros::datetime!(2026-11-02 09:00 UTC));
    let l1 = generate(&app, &token, &id, json!({"type": "L1"})).await;
    let sent = app
        .api(
            Method::POST,
            &format!(
                "/api/v1/letters/{}/sent",
                l1["id"].as_str().unwrap_or_default()
            ),
            &token,
            Some(json!({"method": "post", "date": "2026-11-02"})),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    app.clock.set(time::macros::datetime!(2026-11-26 10:00 UTC));
    let l3 = generate(&app, &token, &id, json!({"type": "L3"})).await;
    let (_, text) = text_of(&download(&app, &token, l3["id"].as_str().unwrap_or_default()).await);
    assert!(
        text.contains("We wrote to you asking for the deposit back on 2 November 2026."),
        "{text}"
    );
    // £1,000.00 owed since the day after the tenancy ended (9 January 2025), at 8%: 21p a
    // day (21.9, rounded down), 686 days to 26 November 2026.
    assert!(
        text.contains("at 8% a year on £1,000.00 from 10 January 2025: £144.06 to the date of this letter, and £0.21 for each day after it"),
        "{text}"
    );
}

/// With `PDF_TOOLS=1` (CI sets it), checks a letter with qpdf and poppler: the file is
/// sound, and every font is embedded as a tagged subset of Liberation Serif.
fn check_with_pdf_tools(pdf: &[u8], what: &str) {
    if std::env::var("PDF_TOOLS").as_deref() != Ok("1") {
        return;
    }
    let path = std::env::temp_dir().join(format!("tc-letter-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).expect("write the letter");
    let qpdf = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf runs (PDF_TOOLS=1 needs qpdf)");
    assert!(
        qpdf.status.success(),
        "{what}: qpdf --check: {}",
        String::from_utf8_lossy(&qpdf.stdout)
    );
    let fonts = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .expect("pdffonts runs (PDF_TOOLS=1 needs poppler-utils)");
    let listing = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{what}: no fonts: {listing}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols.first().copied().unwrap_or_default();
        assert!(
            name.split_once('+')
                .is_some_and(|(tag, face)| tag.len() == 6 && face.starts_with("LiberationSerif")),
            "{what}: font {name}"
        );
        // emb, sub and uni are the three yes/no columns before the object id.
        assert!(cols.len() >= 5, "{what}: {row}");
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            &["yes", "yes", "yes"],
            "{what}: {row}"
        );
    }
    // poppler reads it back: one page, and the text as written.
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo runs (PDF_TOOLS=1 needs poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")),
        "{what}: {info}"
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (PDF_TOOLS=1 needs poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        text.contains("Our reference: TC-") && text.contains("Zoë Price"),
        "{what}: poppler reads back {text}"
    );
    // fontTools parses each subset cleanly, no glyph keeps instructions, FreeType loads
    // every glyph.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pdf_fonts.py");
    let fonts = std::process::Command::new("python3")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs (PDF_TOOLS=1 needs fonttools, freetype-py and pypdf)");
    assert!(
        fonts.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&fonts.stdout),
        String::from_utf8_lossy(&fonts.stderr)
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn l4_is_offered_only_with_a_breach_and_l6_gives_the_holding_refund_date() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let mut c = letter_case();
    // Protected and informed in time: no breach.
    c["deposit"]["protected_date"] = json!("2024-06-10");
    c["deposit"]["information_date"] = json!("2024-06-10");
    c["deposit"]["information_given"] = Value::Null;
    c["deposit"]["holding"] = json!({"amount_pence": 25000, "paid_date": "2024-05-01",
        "outcome": "agreed", "outcome_date": "2024-05-20"});
    let case = create_case(&app, &token, c).await;
    let id = case["id"].as_str().unwrap_or_default();
    let b = app.sign_in("api@example.org").await;
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains("letters/new?type=L3"), "{}", page.text);
    assert!(
        !page.text.contains("letters/new?type=L4"),
        "no breach, no L4"
    );
    let l6 = generate(
        &app,
        &token,
        id,
        json!({"type": "L6", "fields": {"payment": "a holding deposit of £250.00 paid on 1 May 2024"}}),
    )
    .await;
    let (_, text) = text_of(&download(&app, &token, l6["id"].as_str().unwrap_or_default()).await);
    assert!(
        text.contains("the law required the refund of the holding deposit by 27 May 2024"),
        "{text}"
    );
}

#[tokio::test]
async fn a_letter_sent_moves_the_case_to_the_stage_it_brings_and_the_tenant_sees_it() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let l1 = generate(&app, &token, &id, json!({"type": "L1"})).await;
    let l1 = l1["id"].as_str().unwrap_or_default().to_string();
    // The case page offers the move, ticked.
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains(&format!(
        "id=\"stage-{l1}\" name=\"stage\" value=\"landlord_requested\" checked"
    )));
    assert!(page.text.contains("Move the case to \"Landlord asked\""));
    // A stage the letter does not bring the case to is refused, and nothing is kept.
    let wrong = app
        .api(
            Method::POST,
            &format!("/api/v1/letters/{l1}/sent"),
            &token,
            Some(json!({"method": "post", "stage": "court"})),
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.text
    );
    assert!(wrong.json()["error"]["fields"]["stage"].is_string());
    let shown = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await;
    assert_eq!(shown.json()["stage"], "intake");
    // Sent from the page with the box ticked: the case moves, in the same step.
    let res = app
        .post_form(
            &format!("/letters/{l1}/sent"),
            Some(&b.cookie),
            &[
                ("_csrf", &b.csrf),
                ("method", "post"),
                ("stage", "landlord_requested"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let shown = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await;
    assert_eq!(shown.json()["stage"], "landlord_requested");
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(
        page.text.contains("Moved from Intake to Landlord asked"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains("Request for the return of a deposit sent")
    );
    // The tenant reads the same: waiting for the landlord, who has until the reply date.
    let code = access_code(&app, &token, &id).await;
    let reference = case["reference"].as_str().unwrap_or_default();
    let tenant = app
        .tenant_sign_in(reference, &code)
        .await
        .expect("signed in");
    let status = app.get("/status/case", Some(&tenant.cookie)).await;
    assert!(
        status.text.contains("Waiting for your landlord"),
        "{}",
        status.text
    );
    assert!(!status.text.contains("We're reviewing your case"));
    // Sent without the box: the letter is recorded and the stage stays.
    let l3 = generate(&app, &token, &id, json!({"type": "L3"})).await;
    let l3 = l3["id"].as_str().unwrap_or_default();
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/letters/{l3}/sent"),
            &token,
            Some(json!({"method": "email"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let shown = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await;
    assert_eq!(shown.json()["stage"], "landlord_requested");
}

#[tokio::test]
async fn an_unanswered_request_suggests_the_letter_before_claim() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let b = app.sign_in("api@example.org").await;
    let case = create_case(&app, &token, letter_case()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let l1 = generate(&app, &token, &id, json!({"type": "L1"})).await;
    let sent = app
        .api(
            Method::POST,
            &format!(
                "/api/v1/letters/{}/sent",
                l1["id"].as_str().unwrap_or_default()
            ),
            &token,
            Some(json!({"method": "email"})),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    let due = sent.json()["reply_due"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let advice = "has not replied to our request in time";
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(!page.text.contains(advice), "the landlord still has time");
    // The day after the reply was due: L4, since the deposit was protected late.
    let after = time::Date::parse(&due, &time::format_description::well_known::Iso8601::DATE)
        .expect("a date")
        .next_day()
        .expect("a day");
    app.clock
        .set(after.with_hms(9, 0, 0).expect("a time").assume_utc());
    let b = app.sign_in("api@example.org").await;
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(page.text.contains(advice), "{}", page.text);
    assert!(page.text.contains(&format!(
        "href=\"/cases/{id}/letters/new?type=L4\">write L4: "
    )));
    // The home page has it overdue, by a day.
    let home = app.get("/", Some(&b.cookie)).await;
    assert!(home.text.contains("Overdue by 1 day<"), "{}", home.text);
    assert!(home.text.contains("1 overdue"));
    // Once a letter before claim is written, the advice has been taken.
    generate(&app, &token, &id, json!({"type": "L4"})).await;
    let page = app.get(&format!("/cases/{id}"), Some(&b.cookie)).await;
    assert!(!page.text.contains(advice));
}

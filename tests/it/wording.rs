//! Groups' own letter wording (kept in versions) and letters written in batches.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantcase::domain::user::Role;

use crate::support::*;

const OWN: &str = "Subject: Our deposit, {{ reference }}\n\nWe, {{ tenants }}, paid {{ deposit }}.\n\nThe Leeds way: please reply{% if reply_by %} by {{ reply_by }}{% endif %}.";

#[tokio::test]
async fn a_groups_own_wording_is_versioned_and_each_letter_records_the_one_it_used() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let coord = app.sign_in("coord@example.org").await;
    let leeds = app.group("Leeds").await;
    let case = create_case(&app, &token, case_e1()).await;
    let case_id = case["id"].as_str().unwrap_or_default();

    let standard = generate(&app, &token, case_id, json!({"type": "L1"})).await;
    assert_eq!(standard["template_version"], 0);
    let standard_pdf = download(&app, &token, standard["id"].as_str().unwrap_or_default()).await;

    let page = format!("/letters/wording/{leeds}/L1");
    let res = app
        .post_form(
            &page,
            Some(&coord.cookie),
            &[("_csrf", &coord.csrf), ("body", OWN)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);

    let own = generate(&app, &token, case_id, json!({"type": "L1"})).await;
    assert_eq!(own["template_version"], 1);
    let (_, text) = text_of(&download(&app, &token, own["id"].as_str().unwrap_or_default()).await);
    assert!(
        text.contains("We, Łukasz Nowak and Zoë Price, paid £1,100.00."),
        "{text}"
    );
    assert!(
        text.contains("The Leeds way: please reply by 9 December 2026"),
        "{text}"
    );
    assert!(text.contains("Our deposit, TC-2026-00001"), "{text}");

    // Back to the standard wording: a third version, and the earlier letters stay as
    // they were.
    let res = app
        .post_form(
            &page,
            Some(&coord.cookie),
            &[("_csrf", &coord.csrf), ("body", OWN), ("standard", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let again = generate(&app, &token, case_id, json!({"type": "L1"})).await;
    assert_eq!(again["template_version"], 2);
    let (_, text) =
        text_of(&download(&app, &token, again["id"].as_str().unwrap_or_default()).await);
    assert!(!text.contains("The Leeds way"), "{text}");
    assert!(text.contains("alternative dispute resolution"), "{text}");
    assert_eq!(
        download(&app, &token, standard["id"].as_str().unwrap_or_default()).await,
        standard_pdf
    );

    let page = app.get(&page, Some(&coord.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Version 1, saved"), "{}", page.text);
    assert!(
        page.text.contains("Version 2, saved")
            && page.text.contains("back to the standard wording"),
        "{}",
        page.text
    );
    assert!(page.text.contains("The Leeds way"), "version 1 is kept");
    let list = app.get("/letters/wording", Some(&coord.cookie)).await;
    assert!(
        list.text
            .contains("L1: Request for the return of a deposit"),
        "{}",
        list.text
    );
}

#[tokio::test]
async fn wording_that_cannot_work_is_refused_with_the_reason_and_the_text_kept() {
    let app = TestApp::new().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let coord = app.sign_in("coord@example.org").await;
    let leeds = app.group("Leeds").await;
    let page = format!("/letters/wording/{leeds}/L2");
    for (body, message) in [
        (
            "Subject: x\n\n{% include \"letters/L1.txt\" %}",
            "cannot be used in letter wording",
        ),
        (
            "Subject: x\n\nDear {{ landlord_favourite_colour }}",
            "landlord_favourite_colour",
        ),
        ("Dear landlord", "Start with the subject line"),
        (
            "Subject: x\n\n{% if deposit %}unclosed",
            "could not be filled in",
        ),
        ("", "Enter the wording"),
    ] {
        let res = app
            .post_form(
                &page,
                Some(&coord.cookie),
                &[("_csrf", &coord.csrf), ("body", body)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(res.text.contains("<title>Error:"), "{body}");
        assert!(res.text.contains(message), "{body}: {}", res.text);
        let kept = body.replace('"', "&quot;").replace('<', "&lt;");
        assert!(
            body.is_empty() || res.text.contains(kept.lines().last().unwrap_or_default()),
            "the text is kept: {body}"
        );
    }
    let after = app.get(&page, Some(&coord.cookie)).await;
    assert!(
        after
            .text
            .contains("None: the group has always used the standard wording")
    );
}

#[tokio::test]
async fn wording_belongs_to_the_groups_coordinators_and_admins() {
    let app = TestApp::new().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    app.user_in("other@example.org", Role::Coordinator, &["Cardiff"])
        .await;
    app.user_in("vol@example.org", Role::Volunteer, &["Leeds"])
        .await;
    let leeds = app.group("Leeds").await;
    let page = format!("/letters/wording/{leeds}/L1");
    let other = app.sign_in("other@example.org").await;
    assert_eq!(
        app.get(&page, Some(&other.cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    let res = app
        .post_form(
            &page,
            Some(&other.cookie),
            &[("_csrf", &other.csrf), ("body", OWN)],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let list = app.get("/letters/wording", Some(&other.cookie)).await;
    assert!(
        list.text.contains("Cardiff") && !list.text.contains(">Leeds<"),
        "{}",
        list.text
    );
    let vol = app.sign_in("vol@example.org").await;
    assert_eq!(
        app.get(&page, Some(&vol.cookie)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_coordinator_writes_letters_for_several_cases_as_one_pdf_or_a_zip() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let coord = app.sign_in("coord@example.org").await;
    let mut second = case_e1();
    second["tenant"]["name"] = json!("Siân Evans");
    second["joint_tenants"] = json!([]);
    let a = create_case(&app, &token, case_e1()).await;
    let b = create_case(&app, &token, second).await;
    let (a, b) = (
        a["id"].as_str().unwrap_or_default().to_string(),
        b["id"].as_str().unwrap_or_default().to_string(),
    );

    let list = app.get("/cases", Some(&coord.cookie)).await;
    assert!(
        list.text.contains("Letters for the selected cases"),
        "{}",
        list.text
    );
    assert!(list.text.contains(&format!("value=\"{a}\"")));

    let (status, headers, zip) = app
        .post_form_raw(
            "/letters/batch",
            &coord.cookie,
            &[
                ("_csrf", &coord.csrf),
                ("cases", &a),
                ("cases", &b),
                ("type", "L2"),
                ("format", "zip"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&zip));
    assert_eq!(headers["content-type"], "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.expect("a name").into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["TC-2026-00001-L2-v1.pdf", "TC-2026-00002-L2-v1.pdf"]
    );
    let mut inside = Vec::new();
    std::io::Read::read_to_end(
        &mut archive.by_name("TC-2026-00002-L2-v1.pdf").expect("entry"),
        &mut inside,
    )
    .expect("read");
    let (_, text) = text_of(&inside);
    assert!(
        text.contains("Siân Evans") && text.contains("TC-2026-00002"),
        "{text}"
    );
    // Each letter is also kept on its case, byte for byte.
    let kept = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{b}/letters"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(kept["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        download(
            &app,
            &token,
            kept["items"][0]["id"].as_str().unwrap_or_default()
        )
        .await,
        inside
    );

    let (status, headers, pdf) = app
        .post_form_raw(
            "/letters/batch",
            &coord.cookie,
            &[
                ("_csrf", &coord.csrf),
                ("cases", &a),
                ("cases", &b),
                ("type", "L5"),
                ("format", "pdf"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let (pages, text) = text_of(&pdf);
    assert!(pages >= 2, "one letter a case at least: {pages}");
    assert!(
        text.contains("TC-2026-00001") && text.contains("TC-2026-00002"),
        "{text}"
    );
    assert_eq!(
        text.matches("Page 1 of").count(),
        2,
        "each letter numbered on its own"
    );
}

#[tokio::test]
async fn a_batch_writes_nothing_when_one_case_cannot_have_the_letter() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let coord = app.sign_in("coord@example.org").await;
    let mut fine = case_e1();
    fine["deposit"]["protected_date"] = json!("2024-01-12");
    fine["deposit"]["information_date"] = json!("2024-01-12");
    let breach = create_case(&app, &token, case_e1()).await;
    let no_breach = create_case(&app, &token, fine).await;
    let (a, b) = (
        breach["id"].as_str().unwrap_or_default().to_string(),
        no_breach["id"].as_str().unwrap_or_default().to_string(),
    );
    let res = app
        .post_form(
            "/letters/batch",
            Some(&coord.cookie),
            &[
                ("_csrf", &coord.csrf),
                ("cases", &a),
                ("cases", &b),
                ("type", "L4"),
                ("format", "zip"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("No letters were written"), "{}", res.text);
    assert!(
        res.text.contains("TC-2026-00002: L4 needs a breach"),
        "{}",
        res.text
    );
    assert!(
        res.text
            .contains(&format!("value=\"{b}\" id=\"select-{b}\" checked")),
        "the choice is kept"
    );
    for id in [&a, &b] {
        let kept = app
            .api(
                Method::GET,
                &format!("/api/v1/cases/{id}/letters"),
                &token,
                None,
            )
            .await
            .json();
        assert_eq!(
            kept["items"].as_array().map(Vec::len),
            Some(0),
            "nothing half-written"
        );
    }
    let res = app
        .post_form(
            "/letters/batch",
            Some(&coord.cookie),
            &[("_csrf", &coord.csrf), ("type", "L4"), ("format", "zip")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Select at least one case"));

    let vol = app.sign_in("api@example.org").await;
    let res = app
        .post_form(
            "/letters/batch",
            Some(&vol.cookie),
            &[
                ("_csrf", &vol.csrf),
                ("cases", &a),
                ("type", "L1"),
                ("format", "pdf"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "volunteers do not batch");
}

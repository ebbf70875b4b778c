//! Snapshots of the pages: each page's view as JSON and the main part of key pages as
//! rendered, over one case built the same way every time, with the clock fixed. Ids and
//! fingerprints differ from run to run and are replaced by placeholders; everything else
//! must match the stored snapshot exactly, on either database.
//!
//! A change to a page shows here as a diff. When it is meant, update the snapshots with
//! `INSTA_UPDATE=always cargo test snapshots` and read the diff before committing it.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantcase::domain::user::Role;
use time::Duration;

use crate::support::{TestApp, access_code, case_e1, create_case, generate};

/// What varies between runs, replaced before comparing.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[id]",
        ),
        (r"\b[0-9a-f]{64}\b", "[sha256]"),
        (r"SHA-256 [0-9a-f]{12}…", "SHA-256 [sha256]…"),
        (
            r#"name="_csrf" value="[^"]*""#,
            r#"name="_csrf" value="[csrf]""#,
        ),
    ]
}

/// The view a page was drawn from, with its template's name.
fn view_of(res: &crate::support::Reply) -> serde_json::Value {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let page = res.view.as_ref().expect("an HTML page carries its view");
    json!({"template": page.template, "view": page.view})
}

/// The `<main>` element of a page, as rendered.
fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("a main element");
    let end = html.find("</main>").expect("the end of main") + "</main>".len();
    html[start..end].to_string()
}

/// One case of example E1, worked for a while by a volunteer in Leeds: a note, a letter
/// written and sent, an access code. The clock moves a minute between steps.
struct World {
    app: TestApp,
    case: String,
    reference: String,
    code: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    app.user("vol@example.org", Role::Volunteer).await;
    app.user("coord@example.org", Role::Coordinator).await;
    app.user("admin@example.org", Role::Admin).await;
    let token = app.token("coord@example.org").await;
    let tick = || app.clock.advance(Duration::minutes(1));
    let created = create_case(&app, &token, case_e1()).await;
    let case = created["id"].as_str().expect("an id").to_string();
    let reference = created["reference"].as_str().expect("a ref").to_string();
    tick();
    let vol = app.principal("vol@example.org").await.user_id.to_string();
    let res = app
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{case}/assignees"),
            &token,
            Some(json!({"user_ids": [vol]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    tick();
    let note = json!({"text": "Tenant has the check-out report."});
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{case}/notes"),
            &token,
            Some(note),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    tick();
    let letter = generate(&app, &token, &case, json!({"type": "L1"})).await;
    tick();
    let letter_id = letter["id"].as_str().expect("a letter id");
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/letters/{letter_id}/sent"),
            &token,
            Some(json!({"method": "email", "date": "2026-11-26"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    tick();
    let code = access_code(&app, &token, &case).await;
    tick();
    World {
        app,
        case,
        reference,
        code,
    }
}

#[tokio::test]
async fn staff_pages_are_drawn_from_these_views() {
    let w = world().await;
    let app = &w.app;
    let vol = app.sign_in("vol@example.org").await;
    let coord = app.sign_in("coord@example.org").await;
    let admin = app.sign_in("admin@example.org").await;
    let case = &w.case;
    let pages = [
        ("home", "/", &vol),
        ("case_list", "/cases?status=open", &vol),
        ("case_page", &format!("/cases/{case}") as &str, &vol),
        (
            "write_letter",
            &format!("/cases/{case}/letters/new?type=L3"),
            &vol,
        ),
        ("move", &format!("/cases/{case}/move?to=withdrawn"), &vol),
        ("users", "/admin/users", &coord),
        ("wording_list", "/letters/wording", &coord),
        ("groups", "/admin/groups", &admin),
        ("account", "/account", &coord),
    ];
    for (name, uri, who) in pages {
        let res = app.get(uri, Some(&who.cookie)).await;
        insta::with_settings!({filters => filters(), snapshot_suffix => name}, {
            insta::assert_json_snapshot!("staff_view", view_of(&res));
        });
    }
}

#[tokio::test]
async fn the_case_page_and_the_tenant_status_page_render_like_this() {
    let w = world().await;
    let app = &w.app;
    let vol = app.sign_in("vol@example.org").await;
    let page = app
        .get(&format!("/cases/{}", w.case), Some(&vol.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("case_page_html", main_of(&page.text));
    });

    let tenant = app
        .tenant_sign_in(&w.reference, &w.code)
        .await
        .expect("the tenant signs in");
    let status = app.get("/status/case", Some(&tenant.cookie)).await;
    insta::with_settings!({filters => filters()}, {
        insta::assert_json_snapshot!("tenant_status_view", view_of(&status));
        insta::assert_snapshot!("tenant_status_html", main_of(&status.text));
    });
}

#[tokio::test]
async fn the_sign_in_help_and_error_pages_are_drawn_from_these_views() {
    let app = TestApp::new().await;
    let login = app.get("/login", None).await;
    let missing = app.get("/no-such-page", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let (cookie, csrf) = app.anonymous("/get-help").await;
    let answers = [
        ("_csrf", csrf.as_str()),
        ("nation", "wales"),
        ("postcode", "CF24 4HX"),
        ("name", "Siân Evans"),
        ("email", "sian@example.org"),
        ("deposit", "950"),
        ("paid_day", "1"),
        ("paid_month", "9"),
        ("paid_year", "2024"),
    ];
    let mut form = answers.to_vec();
    form.push(("step", "deposit"));
    let step = app.post_form("/get-help", Some(&cookie), &form).await;
    let mut form = answers.to_vec();
    form.extend([
        ("step", "problem"),
        ("problem", "deductions"),
        ("details", "They kept £300 for cleaning."),
    ]);
    let check = app.post_form("/get-help", Some(&cookie), &form).await;
    let missing_view = missing
        .view
        .as_ref()
        .expect("the error page carries its view");
    insta::with_settings!({filters => filters()}, {
        insta::assert_json_snapshot!("login_view", view_of(&login));
        insta::assert_json_snapshot!("not_found_view", missing_view.view);
        insta::assert_json_snapshot!("help_step_view", view_of(&step));
        insta::assert_json_snapshot!("help_check_view", view_of(&check));
        insta::assert_snapshot!("help_check_html", main_of(&check.text));
    });
}

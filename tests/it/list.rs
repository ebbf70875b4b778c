//! The case list: filters, free text, pagination.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use tenantcase::domain::user::Role;

use crate::support::*;

fn case(name: &str, postcode: &str, landlord: &str, jurisdiction: &str) -> Value {
    json!({
        "tenant": {"name": name, "consent_date": "2026-11-01"},
        "property": {"postcode": postcode},
        "landlord": {"name": landlord},
        "tenancy": {"jurisdiction": jurisdiction}
    })
}

async fn seeded() -> (TestApp, String, Vec<Value>) {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let mut made = Vec::new();
    for body in [
        case("Łukasz Nowak", "LS6 1AB", "Headingley Lettings", "england"),
        case("Siân Evans", "CF24 4HQ", "Cathays Homes", "wales"),
        case("Fiona MacLeod", "EH8 9YL", "Clyde Property", "scotland"),
        case("Priya Shah", "LE2 1TY", "Mr R Patel", "england"),
        case("Dafydd Jones", "LL57 2DG", "Cathays Homes", "wales"),
    ] {
        made.push(create_case(&app, &token, body).await);
    }
    // Close Priya's case.
    let priya = made[3]["id"].as_str().unwrap_or_default();
    let uri = format!("/api/v1/cases/{priya}/transitions");
    for body in [
        json!({"to": "triage"}),
        json!({"to": "closed", "reason": "Not a deposit dispute", "outcome_code": "not_eligible"}),
    ] {
        let res = app.api(Method::POST, &uri, &token, Some(body)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    (app, token, made)
}

async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = app
        .api(Method::GET, &format!("/api/v1/cases{query}"), token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.text);
    res.json()["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|c| c["tenant_name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn filters_by_jurisdiction_status_and_free_text() {
    let (app, token, made) = seeded().await;
    assert_eq!(names(&app, &token, "").await.len(), 5);
    assert_eq!(
        names(&app, &token, "").await[0],
        "Dafydd Jones",
        "newest first"
    );
    assert_eq!(
        names(&app, &token, "?jurisdiction=wales").await,
        ["Dafydd Jones", "Siân Evans"]
    );
    assert_eq!(names(&app, &token, "?status=closed").await, ["Priya Shah"]);
    assert_eq!(
        names(&app, &token, "?status=open&jurisdiction=england").await,
        ["Łukasz Nowak"]
    );
    assert_eq!(
        names(&app, &token, "?q=cathays").await,
        ["Dafydd Jones", "Siân Evans"],
        "landlord name"
    );
    assert_eq!(
        names(&app, &token, "?q=ŁUKASZ").await,
        ["Łukasz Nowak"],
        "tenant name, any case"
    );
    assert_eq!(
        names(&app, &token, "?q=eh89yl").await,
        ["Fiona MacLeod"],
        "postcode without space"
    );
    assert_eq!(
        names(&app, &token, "?q=EH8%209YL").await,
        ["Fiona MacLeod"],
        "postcode with space"
    );
    let reference = made[1]["reference"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert_eq!(
        names(&app, &token, &format!("?q={reference}")).await,
        ["Siân Evans"],
        "reference"
    );
    assert!(
        names(&app, &token, "?q=100%25").await.is_empty(),
        "LIKE wildcards are literal"
    );
    assert!(names(&app, &token, "?q=_").await.is_empty());
}

#[tokio::test]
async fn search_follows_edits() {
    let (app, token, made) = seeded().await;
    let id = made[0]["id"].as_str().unwrap_or_default();
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            &token,
            Some(json!({"version": 1, "tenant": {"name": "Marta Kowalska"}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(names(&app, &token, "?q=kowalska").await, ["Marta Kowalska"]);
    assert!(
        names(&app, &token, "?q=nowak").await.is_empty(),
        "old name forgotten"
    );
}

#[tokio::test]
async fn paginates_with_totals() {
    let (app, token, _) = seeded().await;
    let res = app
        .api(Method::GET, "/api/v1/cases?per_page=2&page=3", &token, None)
        .await;
    let page = res.json();
    assert_eq!(page["total"], 5);
    assert_eq!(page["page"], 3);
    assert_eq!(page["per_page"], 2);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        page["items"][0]["tenant_name"], "Łukasz Nowak",
        "oldest on the last page"
    );
    assert_eq!(
        names(&app, &token, "?per_page=2&page=2").await,
        ["Fiona MacLeod", "Siân Evans"]
    );
}

#[tokio::test]
async fn bad_filters_are_422_in_the_api() {
    let (app, token, _) = seeded().await;
    let res = app
        .api(
            Method::GET,
            "/api/v1/cases?jurisdiction=france&page=0",
            &token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &res.json()["error"]["fields"];
    assert_eq!(fields["jurisdiction"], "Must be england, wales or scotland");
    assert_eq!(fields["page"], "Must be a whole number from 1");
}

#[tokio::test]
async fn the_list_page_filters_and_links_to_cases() {
    let (app, _, made) = seeded().await;
    app.user("vol@example.org", tenantcase::domain::user::Role::Volunteer)
        .await;
    let b = app.sign_in("vol@example.org").await;
    let page = app
        .get("/cases?jurisdiction=scotland", Some(&b.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("1 case<"), "count");
    assert!(page.text.contains("Fiona MacLeod"));
    assert!(!page.text.contains("Siân Evans"));
    let id = made[2]["id"].as_str().unwrap_or_default();
    assert!(page.text.contains(&format!("href=\"/cases/{id}\"")));
    assert!(
        page.text.contains("<option value=\"scotland\" selected>"),
        "filter kept"
    );
    // A bad filter value on the page is explained, not a crash.
    let bad = app.get("/cases?status=whatever", Some(&b.cookie)).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.text.contains("Must be open or closed"));
}

#[tokio::test]
async fn counts_stop_at_a_thousand_and_say_so() {
    let app = TestApp::new().await;
    tenantcase::bench::seed_cases(&app.state.db, 1_003)
        .await
        .expect("seeded");
    app.user_in("admin@example.org", Role::Admin, &[]).await;
    let token = app.token("admin@example.org").await;
    let page = app
        .api(Method::GET, "/api/v1/cases", &token, None)
        .await
        .json();
    assert_eq!(page["total"], 1000);
    assert_eq!(page["total_exact"], false);
    let narrow = app
        .api(Method::GET, "/api/v1/cases?q=Ana", &token, None)
        .await
        .json();
    assert_eq!(
        narrow["total_exact"], true,
        "a small match is counted exactly"
    );
    let b = app.sign_in("admin@example.org").await;
    let list = app.get("/cases", Some(&b.cookie)).await;
    assert!(list.text.contains("More than 1,000 cases"), "{}", list.text);
    assert!(list.text.contains("rel=\"next\""));
    assert!(list.text.contains("<span>Page 1</span>"));
}

#[tokio::test]
async fn search_finds_a_case_by_what_a_caller_gives_and_one_match_opens_it() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let first = create_case(&app, &token, case_e1()).await;
    let mut other = case("Zoë Price", "LS2 9JT", "Kirkstall Homes", "england");
    other["tenant"]["phone"] = json!("0113 496 0000");
    other["property"]["address"] = json!("4 Otley Road, Leeds");
    create_case(&app, &token, other).await;
    // E1: phone 07700 900123, lukasz@example.org, 12 Cardigan Road, TC-2026-00001.
    for (query, want) in [
        ("07700900123", vec!["Łukasz Nowak"]),
        ("07700 900123", vec!["Łukasz Nowak"]),
        ("lukasz@example.org", vec!["Łukasz Nowak"]),
        ("cardigan", vec!["Łukasz Nowak"]),
        ("1", vec!["Łukasz Nowak"]),
        ("TC-2026-00002", vec!["Zoë Price"]),
        ("01134960000", vec!["Zoë Price"]),
        ("otley", vec!["Zoë Price"]),
        ("headingley", vec!["Łukasz Nowak"]),
    ] {
        let q = form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>();
        assert_eq!(
            names(&app, &token, &format!("?q={q}")).await,
            want,
            "{query}"
        );
    }
    // In the header of every staff page; one match opens the case, more show the list.
    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let home = app.get("/", Some(&b.cookie)).await;
    assert!(home.text.contains(
        "<form method=\"get\" action=\"/cases\" class=\"header__search\" role=\"search\">"
    ));
    let one = app.get("/cases?q=07700+900123", Some(&b.cookie)).await;
    assert_eq!(one.status, StatusCode::SEE_OTHER);
    let id = first["id"].as_str().unwrap_or_default();
    assert_eq!(
        one.header("location"),
        Some(format!("/cases/{id}").as_str())
    );
    let many = app.get("/cases?q=leeds", Some(&b.cookie)).await;
    assert_eq!(many.status, StatusCode::OK);
    assert!(many.text.contains("Łukasz Nowak") && many.text.contains("Zoë Price"));
}

/// A case with what an L1 needs and no deposit dates, so that its letter's reply is the
/// deadline it leads with.
fn l1_ready(name: &str) -> Value {
    json!({
        "tenant": {"name": name, "consent_date": "2026-11-01"},
        "property": {"address": "1 Example Road", "postcode": "LS6 1AB"},
        "landlord": {"name": "Mr R Patel", "kind": "landlord", "address": "2 Otley Road, Leeds"},
        "tenancy": {"jurisdiction": "england", "end_date": "2026-10-31"},
        "deposit": {"amount_pence": 90000, "returned_pence": 0}
    })
}

#[tokio::test]
async fn open_cases_are_listed_by_the_deadline_each_leads_with() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_string();
    let send_l1 = async |case: &str| {
        let letter = generate(&app, &token, case, json!({"type": "L1"})).await;
        let sent = app
            .api(
                Method::POST,
                &format!("/api/v1/letters/{}/sent", id(&letter)),
                &token,
                Some(json!({"method": "email"})),
            )
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    };
    // Sent ten days earlier, its reply is due first.
    app.clock.advance(time::Duration::days(-10));
    let early = id(&create_case(&app, &token, l1_ready("Early Reply")).await);
    send_l1(&early).await;
    app.clock.advance(time::Duration::days(10));
    let later = id(&create_case(&app, &token, l1_ready("Later Reply")).await);
    send_l1(&later).await;
    let quiet = id(&create_case(&app, &token, l1_ready("No Letter")).await);

    let order = async |query: &str| -> Vec<String> {
        let res = app
            .api(Method::GET, &format!("/api/v1/cases?{query}"), &token, None)
            .await;
        res.json()["items"]
            .as_array()
            .map(|a| a.iter().map(id).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        order("status=open").await,
        [quiet.clone(), later.clone(), early.clone()],
        "newest first"
    );
    assert_eq!(
        order("status=open&sort=deadline").await,
        [early.clone(), later.clone(), quiet.clone()]
    );
    let bad = app
        .api(Method::GET, "/api/v1/cases?sort=sideways", &token, None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The page lists open cases by deadline unless asked otherwise, and says each one.
    let b = app.sign_in("api@example.org").await;
    let page = app.get("/cases?status=open", Some(&b.cookie)).await;
    let at = |name: &str| page.text.find(name).unwrap_or(usize::MAX);
    assert!(at("Early Reply") < at("Later Reply") && at("Later Reply") < at("No Letter"));
    assert!(page.text.contains("<th scope=\"col\">Next deadline</th>"));
    assert!(
        page.text
            .contains("Reply due to &quot;Request for the return of a deposit&quot;"),
        "{}",
        page.text
    );
    let newest = app
        .get("/cases?status=open&sort=newest", Some(&b.cookie))
        .await;
    let at = |name: &str| newest.text.find(name).unwrap_or(usize::MAX);
    assert!(at("No Letter") < at("Later Reply"));

    // Weeks later both replies have passed: each case leads with the deadline still
    // running (the claim, the same day for all three), once the daily refresh has run.
    let next_due = async |case: &str| {
        use sea_orm::EntityTrait;
        let id = uuid::Uuid::parse_str(case).unwrap_or_default();
        tenantcase::db::entities::cases::Entity::find_by_id(id)
            .one(&app.state.db)
            .await
            .ok()
            .flatten()
            .and_then(|c| c.next_due)
    };
    let claim_day = time::macros::date!(2032 - 10 - 31);
    assert_ne!(next_due(&early).await, Some(claim_day), "its reply, before");
    app.clock.advance(time::Duration::days(30));
    tenantcase::db::cases::refresh_passed(&app.state.db, app.state.clock.today())
        .await
        .expect("daily refresh");
    assert_eq!(next_due(&early).await, Some(claim_day));
    assert_eq!(next_due(&later).await, Some(claim_day));
    assert_eq!(
        order("status=open&sort=deadline").await,
        [early.clone(), later.clone(), quiet.clone()],
        "on the same day, the older case first"
    );
    let b = app.sign_in("api@example.org").await;
    let page = app.get("/cases?status=open", Some(&b.cookie)).await;
    let claim = "Last day to claim the deposit back: 31 October 2032";
    assert_eq!(page.text.matches(claim).count(), 3, "{}", page.text);
}

#[tokio::test]
async fn coordinators_assign_move_and_close_several_cases_at_once_all_or_none() {
    let app = TestApp::new().await;
    app.user_in("coord@example.org", Role::Coordinator, &["Leeds"])
        .await;
    let vic = app
        .user_in("vic@example.org", Role::Volunteer, &["Leeds"])
        .await;
    app.user_in("cara@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let coord_token = app.token("coord@example.org").await;
    let cardiff_token = app.token("cara@example.org").await;
    let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_string();
    let one = id(&create_case(&app, &coord_token, l1_ready("First Tenant")).await);
    let two = id(&create_case(&app, &coord_token, l1_ready("Second Tenant")).await);
    let theirs = id(&create_case(&app, &cardiff_token, l1_ready("Cardiff Tenant")).await);
    let c = app.sign_in("coord@example.org").await;
    let list = app.get("/cases", Some(&c.cookie)).await;
    assert!(list.text.contains("Change the selected cases"));
    assert!(
        list.text.contains(&format!(
            "<option value=\"{vic}\">volunteer vic@example.org</option>"
        )),
        "{}",
        list.text
    );
    let post = async |fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", c.csrf.as_str())];
        all.extend_from_slice(fields);
        app.post_form("/cases/bulk", Some(&c.cookie), &all).await
    };
    let detail = async |case: &str| {
        app.api(
            Method::GET,
            &format!("/api/v1/cases/{case}"),
            &coord_token,
            None,
        )
        .await
        .json()
    };

    let vic_id = vic.to_string();
    let done = post(&[
        ("cases", &one),
        ("cases", &two),
        ("do", "assign"),
        ("assignee", &vic_id),
    ])
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert!(
        done.header("location")
            .unwrap_or_default()
            .contains("done=cases-changed")
    );
    for case in [&one, &two] {
        let names: Vec<String> = detail(case).await["assignees"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| u["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            names.iter().any(|n| n == "volunteer vic@example.org"),
            "{names:?}"
        );
    }

    // A move that one case cannot make changes neither.
    let res = post(&[("cases", &one), ("do", "move"), ("stage", "triage")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = post(&[
        ("cases", &one),
        ("cases", &two),
        ("do", "move"),
        ("stage", "facts_gathering"),
    ])
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("No case was changed"), "{}", res.text);
    assert_eq!(
        detail(&one).await["stage"],
        "triage",
        "the first stayed where it was"
    );
    assert_eq!(detail(&two).await["stage"], "intake");

    // Another group's case in the selection stops the change, without naming it.
    let res = post(&[
        ("cases", &one),
        ("cases", &theirs),
        ("do", "close"),
        ("reason", "Duplicates"),
    ])
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text
            .contains("A case: not one of your groups&#39; cases"),
        "{}",
        res.text
    );
    assert!(!res.text.contains("Cardiff Tenant"));
    assert_eq!(detail(&one).await["stage"], "triage");

    // Closing needs a reason; with one, every case closes.
    let res = post(&[("cases", &one), ("cases", &two), ("do", "close")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Say why the cases are being closed"));
    let res = post(&[
        ("cases", &one),
        ("cases", &two),
        ("do", "close"),
        ("reason", "The tenants settled"),
    ])
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    for case in [&one, &two] {
        assert_eq!(detail(case).await["stage"], "withdrawn");
    }
    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{two}/timeline"),
            &coord_token,
            None,
        )
        .await;
    assert!(timeline.text.contains("The tenants settled"));

    // Volunteers change one case at a time.
    let v = app.sign_in("vic@example.org").await;
    let res = app
        .post_form(
            "/cases/bulk",
            Some(&v.cookie),
            &[
                ("_csrf", &v.csrf),
                ("cases", &two),
                ("do", "close"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_list_downloads_as_csv_with_its_filters_only_what_the_caller_sees_and_inert() {
    let (app, token, _) = seeded().await;
    let risky = case("Ana Nowak", "LS6 2AB", "=HYPERLINK(\"http://x\")", "wales");
    create_case(&app, &token, risky).await;
    app.user_in("cardiff@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let cardiff = app.token("cardiff@example.org").await;
    create_case(
        &app,
        &cardiff,
        case("Other Group", "CF10 1AA", "Bay Lets", "wales"),
    )
    .await;

    app.user("vol@example.org", Role::Volunteer).await;
    let b = app.sign_in("vol@example.org").await;
    let page = app.get("/cases?jurisdiction=wales", Some(&b.cookie)).await;
    assert!(
        page.text
            .contains("href=\"/cases.csv?jurisdiction=wales&amp;sort=newest\""),
        "the list links to its own download"
    );

    let res = app
        .get("/cases.csv?jurisdiction=wales&sort=newest", Some(&b.cookie))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        res.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment") && d.contains(".csv")),
        "{:?}",
        res.header("content-disposition")
    );
    let rows = csv_rows(&res.text);
    assert_eq!(rows[0][0], "Reference");
    assert_eq!(rows[0][2], "Landlord or agent");
    let tenants: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(tenants, ["Ana Nowak", "Dafydd Jones", "Siân Evans"]);
    assert_eq!(
        rows[1][2], "'=HYPERLINK(\"http://x\")",
        "a formula is made inert"
    );
    assert_eq!(rows[1][4], "Wales");
    assert!(!res.text.contains("Other Group"), "another group's case");

    // Every page of the list, not only the first; a search narrows it as on the page.
    let all = app.get("/cases.csv", Some(&b.cookie)).await;
    assert_eq!(csv_rows(&all.text).len(), 1 + 6);
    let found = app.get("/cases.csv?q=cathays", Some(&b.cookie)).await;
    assert_eq!(csv_rows(&found.text).len(), 1 + 2);

    // Each download is audited, without the words searched for.
    let (entries, total) = audit_of(&app, "cases.exported").await;
    assert_eq!(total, 3);
    let details: Vec<String> = entries.iter().map(|e| e.detail.to_string()).collect();
    assert!(
        details.iter().any(|d| d.contains("\"rows\":2")),
        "{details:?}"
    );
    assert!(
        !details.iter().any(|d| d.contains("cathays")),
        "{details:?}"
    );

    // A bad filter is refused, not a crash; no session, no file.
    let bad = app.get("/cases.csv?status=whatever", Some(&b.cookie)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = app.get("/cases.csv", None).await;
    assert_ne!(anonymous.status, StatusCode::OK);
    assert!(!anonymous.text.contains("Dafydd"));
}

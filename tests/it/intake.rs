//! Taking in a case through the API and the form; references; bad input.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn api_intake_answers_201_with_the_case_and_its_reference() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let res = app
        .api(Method::POST, "/api/v1/cases", &token, Some(case_e1()))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let case = res.json();
    let id = case["id"].as_str().expect("id");
    assert_eq!(
        uuid::Uuid::parse_str(id).map(|u| u.get_version_num()).ok(),
        Some(7),
        "UUIDv7"
    );
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/cases/{id}").as_str())
    );
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(case["reference"], "TC-2026-00001");
    assert_eq!(case["status"], "open");
    assert_eq!(case["version"], 1);
    assert_eq!(case["tenant"]["name"], "Łukasz Nowak");
    assert_eq!(case["tenant"]["consent_date"], "2026-11-20");
    assert_eq!(case["joint_tenants"][0]["name"], "Zoë Price");
    assert_eq!(
        case["property"]["postcode"], "LS6 1AB",
        "postcode normalised"
    );
    assert_eq!(case["landlord"]["kind"], "agent");
    assert_eq!(case["tenancy"]["rent_pence"], 95000);
    assert_eq!(case["deposit"]["amount_pence"], 110000);
    assert_eq!(
        case["deposit"]["instalments"],
        json!([{"received_date": "2024-01-10", "amount_pence": 110000, "payer": null}]),
        "received_date is shorthand for one instalment of the whole amount"
    );
    assert_eq!(case["deductions"][0]["amount_pence"], 18000);

    let again = app
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), case, "what was stored is what was answered");

    let second = create_case(&app, &token, case_e1()).await;
    assert_eq!(second["reference"], "TC-2026-00002");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn references_stay_unique_and_sequential_under_concurrent_intake() {
    let (app, file) = TestApp::with_pool().await;
    let app = std::sync::Arc::new(app);
    let token = app.api_user().await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (app, token) = (app.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let res = app
                .api(Method::POST, "/api/v1/cases", &token, Some(case_e1()))
                .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
            res.json()["reference"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        }));
    }
    let mut refs = Vec::new();
    for t in tasks {
        refs.push(t.await.expect("task"));
    }
    refs.sort();
    let want: Vec<String> = (1..=16).map(|n| format!("TC-2026-{n:05}")).collect();
    assert_eq!(refs, want);
    if let Some(path) = file {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

#[tokio::test]
async fn api_reports_every_invalid_field_by_its_path() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let body = json!({
        "tenant": {"name": "", "email": "not-an-email", "consent_date": "2026-02-30"},
        "property": {"postcode": "NOT A POSTCODE"},
        "tenancy": {"jurisdiction": "france", "rent_pence": 1000},
        "deposit": {"amount_pence": 100000, "instalments": [
            {"received_date": "2024-01-01", "amount_pence": 50000},
            {"received_date": "2027-01-01", "amount_pence": 40000}]},
        "deductions": [{"item": "", "amount_pence": -1}]
    });
    let res = app
        .api(Method::POST, "/api/v1/cases", &token, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let err = res.json();
    assert_eq!(err["error"]["code"], "invalid");
    let fields = &err["error"]["fields"];
    assert_eq!(fields["tenant.name"], "Enter the tenant's full name");
    assert_eq!(
        fields["tenant.email"],
        "Enter an e-mail address like name@example.com"
    );
    assert_eq!(
        fields["tenant.consent_date"],
        "Enter a real date as YYYY-MM-DD, like 2024-02-08"
    );
    assert_eq!(
        fields["property.postcode"],
        "Enter a real UK postcode, like LS6 1AB"
    );
    assert_eq!(
        fields["tenancy.jurisdiction"],
        "Choose England, Wales or Scotland"
    );
    assert_eq!(
        fields["tenancy.rent_period"],
        "Say whether the rent is weekly or monthly"
    );
    assert_eq!(
        fields["deposit.instalments[1].received_date"],
        "Must be today or in the past"
    );
    assert_eq!(
        fields["deductions[0].item"],
        "Say what the deduction is for"
    );
    assert_eq!(
        fields["deductions[0].amount_pence"],
        "Must be between £0.00 and £10,000,000.00"
    );
    let list = app.api(Method::GET, "/api/v1/cases", &token, None).await;
    assert_eq!(list.json()["total"], 0, "nothing half-written");
}

#[tokio::test]
async fn malformed_bodies_get_4xx_json_never_500() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let raw = |body: Vec<u8>, content_type: Option<&str>| {
        let mut req =
            Request::post("/api/v1/cases").header("authorization", format!("Bearer {token}"));
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        req.body(Body::from(body)).expect("request")
    };
    let cases: Vec<(Vec<u8>, Option<&str>, StatusCode, &str)> = vec![
        (
            b"{\"tenant\": ".to_vec(),
            Some("application/json"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            b"[1,2,3]".to_vec(),
            Some("application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            br#"{"tenant": {"name": 42}}"#.to_vec(),
            Some("application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            br#"{"deposit": {"amount_pence": "lots"}}"#.to_vec(),
            Some("application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            br#"{"surprise": true}"#.to_vec(),
            Some("application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            case_e1().to_string().into_bytes(),
            None,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            case_e1().to_string().into_bytes(),
            Some("text/plain"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            vec![b' '; 300 * 1024],
            Some("application/json"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (body, ct, status, code) in cases {
        let preview = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
        let res = app.send(raw(body, ct)).await;
        assert_eq!(res.status, status, "{preview}: {}", res.text);
        assert_eq!(res.json()["error"]["code"], code, "{preview}");
    }
}

#[tokio::test]
async fn unknown_or_malformed_case_ids_are_404() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    for uri in [
        "/api/v1/cases/01900000-0000-7000-8000-000000000000",
        "/api/v1/cases/not-a-uuid",
    ] {
        let res = app.api(Method::GET, uri, &token, None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(res.json()["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn the_intake_form_creates_a_case_and_shows_it() {
    let app = TestApp::new().await;
    app.user("vol@example.org", tenantcase::domain::user::Role::Volunteer)
        .await;
    let b = app.sign_in("vol@example.org").await;
    let form = app.get("/cases/new", Some(&b.cookie)).await;
    assert!(
        form.text
            .contains("<label class=\"label\" for=\"tenant.name\">Full name</label>")
    );
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[
                ("_csrf", &b.csrf),
                ("tenant.name", "Siân Evans"),
                ("tenant.consent_date", "2026-11-20"),
                ("tenant.preferred_contact", "phone"),
                ("property.postcode", "cf24 4hq"),
                ("landlord.name", "Mr R Patel"),
                ("tenancy.jurisdiction", "wales"),
                ("deposit.amount_pence", "£1,100.00"),
                ("deposit.instalments[0].received_date", "2023-03-15"),
                ("deposit.instalments[1].received_date", ""),
                ("deductions[0].item", "Oven clean"),
                ("deductions[0].amount_pence", "85.50"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let location = res.header("location").expect("redirect").to_string();
    assert!(location.starts_with("/cases/"));
    assert!(location.ends_with("?done=created#done"), "{location}");
    let page = app.get(&location, Some(&b.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    // A banner says what happened and what comes next.
    assert!(
        page.text
            .contains("<p class=\"notification__text\" id=\"done-title\">Case taken in</p>")
    );
    assert!(page.text.contains("You work this case. Next:"));
    for text in [
        "TC-2026-00001: Siân Evans",
        "CF24 4HQ",
        "Mr R Patel",
        "£1,100.00",
        "15 March 2023",
        "Oven clean",
        "£85.50",
        "Wales",
        "Phone call",
        "Case TC-2026-00001 taken in",
    ] {
        assert!(page.text.contains(text), "case page shows {text}");
    }
}

#[tokio::test]
async fn the_intake_form_with_errors_keeps_the_input_and_summarises_the_problems() {
    let app = TestApp::new().await;
    app.user("vol@example.org", tenantcase::domain::user::Role::Volunteer)
        .await;
    let b = app.sign_in("vol@example.org").await;
    let res = app
        .post_form(
            "/cases",
            Some(&b.cookie),
            &[
                ("_csrf", &b.csrf),
                ("tenant.name", "Zoë Price"),
                ("tenant.email", "zoe-at-example"),
                ("property.postcode", "ZZ"),
                ("deposit.amount_pence", "eleven hundred"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = &res.text;
    assert!(
        t.contains("<title>Error: New case"),
        "title starts with Error:"
    );
    assert!(t.contains("There is a problem"), "error summary");
    for (field, message) in [
        (
            "tenant.email",
            "Enter an e-mail address like name@example.com",
        ),
        (
            "property.postcode",
            "Enter a real UK postcode, like LS6 1AB",
        ),
        (
            "deposit.amount_pence",
            "Enter an amount in pounds and pence, like 1,250.00",
        ),
        (
            "tenant.consent_date",
            "Enter the date the tenant agreed to us keeping their details",
        ),
        (
            "tenancy.jurisdiction",
            "Choose where the home is: England, Wales or Scotland",
        ),
    ] {
        assert!(
            t.contains(&format!("<a href=\"#{field}\">{message}</a>")),
            "summary links {field}"
        );
        assert!(
            t.contains(&format!("id=\"{field}-error\"")),
            "message beside {field}"
        );
    }
    // The summary follows the order of the fields on the short intake form.
    let summary = t.split("There is a problem").nth(1).unwrap_or_default();
    let order: Vec<usize> = [
        "#tenant.email",
        "#property.postcode",
        "#tenancy.jurisdiction",
        "#tenant.consent_date",
        "#deposit.amount_pence",
    ]
    .iter()
    .map(|f| summary.find(&format!("href=\"{f}\"")).unwrap_or(usize::MAX))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "{order:?}\n{summary}"
    );
    assert!(t.contains("value=\"Zoë Price\""), "input kept");
    assert!(t.contains("value=\"zoe-at-example\""), "bad input kept too");
    assert!(t.contains("value=\"eleven hundred\""));
    let list = app.get("/cases", Some(&b.cookie)).await;
    assert!(list.text.contains("0 cases"));
}

/// A user of no group, as the first admin of a new install is.
async fn groupless(app: &TestApp, email: &str, role: tenantcase::domain::user::Role) -> String {
    let new = tenantcase::service::auth::NewUser {
        email: email.into(),
        name: "First Admin".into(),
        role,
        password: PASSWORD.into(),
        groups: Vec::new(),
    };
    tenantcase::service::auth::create_user(&app.state.db, app.state.clock.as_ref(), None, new)
        .await
        .expect("user");
    app.token(email).await
}

#[tokio::test]
async fn the_first_admins_first_case_goes_into_a_group_named_after_the_organisation() {
    use tenantcase::domain::user::Role;
    let app = TestApp::new().await;
    let db = &app.state.db;
    let volunteer = groupless(&app, "early@example.org", Role::Volunteer).await;
    let res = app
        .api(Method::POST, "/api/v1/cases", &volunteer, Some(case_e1()))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("not in any group"), "{}", res.text);
    let none = tenantcase::db::groups::all(db).await.expect("groups");
    assert!(
        none.is_empty(),
        "only an admin's first case makes the group"
    );

    let kept = tenantcase::service::admin::name_organisation(db, "Leeds Tenants' Union").await;
    assert_eq!(kept.ok().as_deref(), Some("Leeds Tenants' Union"));
    let again = tenantcase::service::admin::name_organisation(db, "Another Name").await;
    assert_eq!(
        again.ok().as_deref(),
        Some("Leeds Tenants' Union"),
        "the first name stays"
    );

    let admin = groupless(&app, "first@example.org", Role::Admin).await;
    let first = app
        .api(Method::POST, "/api/v1/cases", &admin, Some(case_e1()))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.json()["group"]["name"], "Leeds Tenants' Union");
    assert_eq!(
        first.json()["group"]["organisation"],
        "Leeds Tenants' Union"
    );
    assert_eq!(first.json()["group"]["takes_unmatched"], true);
    let second = app
        .api(Method::POST, "/api/v1/cases", &admin, Some(case_e1()))
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.json()["group"]["id"], first.json()["group"]["id"]);
    assert_eq!(
        tenantcase::db::groups::all(db).await.map(|g| g.len()).ok(),
        Some(1)
    );
}

#[tokio::test]
async fn without_an_organisation_name_the_first_group_is_our_group() {
    use tenantcase::domain::user::Role;
    let app = TestApp::new().await;
    let admin = groupless(&app, "first@example.org", Role::Admin).await;
    let first = app
        .api(Method::POST, "/api/v1/cases", &admin, Some(case_e1()))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(
        first.json()["group"]["name"],
        tenantcase::service::admin::FIRST_GROUP
    );
}

#[tokio::test]
async fn dates_on_forms_are_typed_as_day_month_and_year() {
    let app = TestApp::new().await;
    app.user("vol@example.org", tenantcase::domain::user::Role::Volunteer)
        .await;
    let b = app.sign_in("vol@example.org").await;
    let form = app.get("/cases/new", Some(&b.cookie)).await;
    assert!(form.text.contains("name=\"tenant.consent_date-day\""));
    assert!(
        form.text
            .contains("<label class=\"label\" for=\"tenant.consent_date-year\">Year</label>")
    );
    assert!(
        !form.text.contains("type=\"date\""),
        "no box follows the browser's locale"
    );

    let base = [
        ("_csrf", b.csrf.as_str()),
        ("tenant.name", "Siân Evans"),
        ("property.postcode", "CF24 4HQ"),
        ("tenancy.jurisdiction", "wales"),
        ("deposit.amount_pence", "1100"),
        ("deposit.instalments[0].received_date-day", "15"),
        ("deposit.instalments[0].received_date-month", "3"),
        ("deposit.instalments[0].received_date-year", "2023"),
    ];
    let with_consent = |d: &'static str, m: &'static str, y: &'static str| {
        let mut pairs = base.to_vec();
        pairs.extend([
            ("tenant.consent_date-day", d),
            ("tenant.consent_date-month", m),
            ("tenant.consent_date-year", y),
        ]);
        pairs
    };
    let bad = app
        .post_form("/cases", Some(&b.cookie), &with_consent("31", "2", "2026"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = tenantcase::domain::dates::BAD_DATE_ON_PAGES;
    assert!(
        bad.text
            .contains(&format!("<a href=\"#tenant.consent_date\">{said}</a>")),
        "{}",
        bad.text
    );
    assert!(bad.text.contains(
        "name=\"tenant.consent_date-day\" type=\"text\" inputmode=\"numeric\" value=\"31\""
    ));
    assert!(bad.text.contains("name=\"deposit.instalments[0].received_date-month\" type=\"text\" inputmode=\"numeric\" value=\"03\""));

    let good = app
        .post_form("/cases", Some(&b.cookie), &with_consent("20", "11", "2026"))
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.text);
    let location = good.header("location").unwrap_or_default().to_string();
    let page = app.get(&location, Some(&b.cookie)).await;
    assert!(page.text.contains("15 March 2023"));
    assert!(page.text.contains("20 November 2026"));
}

#[tokio::test]
async fn a_phone_intake_is_one_short_page_and_the_postcode_gives_the_nation() {
    let app = TestApp::new().await;
    app.user("vol@example.org", tenantcase::domain::user::Role::Volunteer)
        .await;
    let b = app.sign_in("vol@example.org").await;
    let form = app.get("/cases/new", Some(&b.cookie)).await;
    assert_eq!(
        form.view.as_ref().map(|v| v.template.as_str()),
        Some("cases/intake.html")
    );
    // Consent today (the test clock's 26 November 2026) unless changed.
    assert!(form.text.contains(
        "name=\"tenant.consent_date-day\" type=\"text\" inputmode=\"numeric\" value=\"26\""
    ));
    assert!(
        !form.text.contains("name=\"tenancy.jurisdiction\""),
        "the nation is not asked first"
    );
    let fields = form.text.matches("class=\"form-group").count();
    assert!(fields <= 10, "a short page: {fields} fields");

    let post = async |postcode: &str, nation: Option<&str>| {
        let mut pairs = vec![
            ("_csrf", b.csrf.as_str()),
            ("tenant.name", "Siân Evans"),
            ("tenant.phone", "07700 900123"),
            ("property.postcode", postcode),
            ("tenant.consent_date-day", "26"),
            ("tenant.consent_date-month", "11"),
            ("tenant.consent_date-year", "2026"),
            ("landlord.name", "Cathays Student Homes"),
            ("deposit.amount_pence", "950"),
            ("deposit.instalments[0].received_date-day", "1"),
            ("deposit.instalments[0].received_date-month", "9"),
            ("deposit.instalments[0].received_date-year", "2025"),
            ("deposit.scheme", "none"),
        ];
        if let Some(n) = nation {
            pairs.push(("tenancy.jurisdiction", n));
        }
        app.post_form("/cases", Some(&b.cookie), &pairs).await
    };
    let wales = post("CF24 4HQ", None).await;
    assert_eq!(wales.status, StatusCode::SEE_OTHER, "{}", wales.text);
    let page = app
        .get(
            wales.header("location").unwrap_or_default(),
            Some(&b.cookie),
        )
        .await;
    for text in [
        "Wales",
        "Cathays Student Homes",
        "£950.00",
        "1 September 2025",
        "07700 900123",
    ] {
        assert!(page.text.contains(text), "case page shows {text}");
    }

    // Chester and Deeside share CH: the nation is asked, the rest kept.
    let across = post("CH5 1AA", None).await;
    assert_eq!(across.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(across.text.contains("name=\"tenancy.jurisdiction\""));
    assert!(across.text.contains("value=\"Cathays Student Homes\""));
    let answered = post("CH5 1AA", Some("wales")).await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.text);
}

#[tokio::test]
async fn someone_of_several_groups_chooses_the_case_group_on_the_intake_page() {
    let app = TestApp::new().await;
    app.user_in(
        "two@example.org",
        tenantcase::domain::user::Role::Coordinator,
        &["Leeds", "Cardiff"],
    )
    .await;
    let b = app.sign_in("two@example.org").await;
    let form = app.get("/cases/new", Some(&b.cookie)).await;
    assert!(
        form.text
            .contains("<option value=\"\">Choose a group</option>")
    );
    for g in ["Leeds", "Cardiff"] {
        assert!(
            form.text
                .contains(&format!("<option value=\"{g}\">{g}</option>")),
            "{g}"
        );
    }
}

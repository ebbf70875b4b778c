//! The tenant portal: access codes, the status page, messages, evidence, the "Your case"
//! sheet. What a tenant sees is checked by content, and what they must never see is
//! checked too.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantcase::domain::user::Role;

use crate::support::*;

struct World {
    app: TestApp,
    token: String,
    case: String,
    reference: String,
    code: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let reference = case["reference"].as_str().unwrap_or_default().to_string();
    let code = access_code(&app, &token, &id).await;
    World {
        app,
        token,
        case: id,
        reference,
        code,
    }
}

#[tokio::test]
async fn access_codes_are_readable_replaceable_and_kept_only_as_a_hash() {
    let w = world().await;
    let code = &w.code;
    assert_eq!(code.len(), 19, "{code}");
    assert!(
        code.split('-').all(|g| g.len() == 4
            && g.chars()
                .all(|c| "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".contains(c))),
        "{code}"
    );
    let stored = tenantcase::db::portal::access_code(
        &w.app.state.db,
        uuid::Uuid::parse_str(&w.case).unwrap_or_default(),
    )
    .await
    .expect("query")
    .expect("a stored code");
    assert!(
        !stored.code_hash.contains(&code.replace('-', "")),
        "only a hash is kept"
    );
    assert_eq!(stored.code_hash.len(), 64);

    let tenant = w.app.tenant_sign_in(&w.reference, code).await;
    assert!(tenant.is_some(), "the code works");
    let tenant = tenant.unwrap_or_else(|| unreachable!());
    // Typed in lower case with spaces, it works too.
    let typed = code.to_lowercase().replace('-', " ");
    assert!(
        w.app
            .tenant_sign_in(&w.reference.to_lowercase(), &typed)
            .await
            .is_some()
    );

    // The session is in use (and so kept in memory) when the code is replaced.
    let page = w.app.get("/status/case", Some(&tenant.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&w.reference), "{}", page.text);
    let newer = access_code(&w.app, &w.token, &w.case).await;
    assert_ne!(&newer, code);
    assert!(
        w.app.tenant_sign_in(&w.reference, code).await.is_none(),
        "the old code stops working"
    );
    let page = w.app.get("/status/case", Some(&tenant.cookie)).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the old code's sessions end"
    );
    assert!(w.app.tenant_sign_in(&w.reference, &newer).await.is_some());
    let timeline = w
        .app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{}/timeline", w.case),
            &w.token,
            None,
        )
        .await;
    assert!(timeline.text.contains("access_code_issued"));
    assert!(
        !timeline.text.contains(&newer),
        "the code is never kept on the timeline"
    );
}

#[tokio::test]
async fn a_new_code_replaces_the_tenants_only_after_the_volunteer_confirms() {
    let w = world().await;
    let staff = w.app.sign_in("api@example.org").await;
    let page = w
        .app
        .get(&format!("/cases/{}", w.case), Some(&staff.cookie))
        .await;
    let ask = format!("href=\"/cases/{}/access-code\"", w.case);
    assert!(
        page.text.contains(&ask),
        "a link to the question, not a form"
    );

    // The question, by the link or by a stale form without the confirmation.
    let question = w
        .app
        .get(
            &format!("/cases/{}/access-code", w.case),
            Some(&staff.cookie),
        )
        .await;
    assert_eq!(question.status, StatusCode::OK);
    assert!(
        question
            .text
            .contains("Replace Łukasz Nowak's access code?"),
        "{}",
        question.text
    );
    assert!(question.text.contains("name=\"replace\" value=\"yes\""));
    let stale = w
        .app
        .post_form(
            &format!("/cases/{}/access-code", w.case),
            Some(&staff.cookie),
            &[("_csrf", &staff.csrf)],
        )
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert!(stale.text.contains("access code?"), "{}", stale.text);
    assert!(
        w.app.tenant_sign_in(&w.reference, &w.code).await.is_some(),
        "asking replaced nothing"
    );

    let done = w
        .app
        .post_form(
            &format!("/cases/{}/access-code", w.case),
            Some(&staff.cookie),
            &[("_csrf", &staff.csrf), ("replace", "yes")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        done.text.contains("New access code for Łukasz Nowak"),
        "{}",
        done.text
    );
    assert!(
        w.app.tenant_sign_in(&w.reference, &w.code).await.is_none(),
        "once confirmed, the old code stops working"
    );
}

#[tokio::test]
async fn a_wrong_pair_never_says_which_part_is_wrong_and_tries_are_limited() {
    let w = world().await;
    let (pre, csrf) = w.app.anonymous("/status").await;
    let attempt = |reference: &'static str, code: String| {
        let (pre, csrf, app) = (pre.clone(), csrf.clone(), &w.app);
        async move {
            app.post_form(
                "/status",
                Some(&pre),
                &[("_csrf", &csrf), ("reference", reference), ("code", &code)],
            )
            .await
        }
    };
    let unknown = attempt("TC-2026-09999", w.code.clone()).await;
    let wrong = attempt("TC-2026-00001", "3333-4444-5555-6666".into()).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = "The case reference and access code do not match";
    assert!(unknown.text.contains(message) && wrong.text.contains(message));
    let strip = |t: &str| {
        t.replace("TC-2026-09999", "REF")
            .replace("TC-2026-00001", "REF")
    };
    assert_eq!(
        strip(&unknown.text),
        strip(&wrong.text),
        "the same answer either way"
    );
    assert!(
        !wrong.text.contains("3333-4444-5555-6666"),
        "the code typed is not shown back"
    );
    let empty = attempt("", String::new()).await;
    assert!(
        empty.text.contains("Enter your case reference")
            && empty.text.contains("Enter your access code")
    );

    // Four more wrong codes for this reference (five in all) and it is locked, even for
    // the right code.
    for _ in 0..4 {
        attempt("TC-2026-00001", "2222-2222-2222-2222".into()).await;
    }
    let locked = attempt("TC-2026-00001", "2222-2222-2222-2222".into()).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.text.contains("too many tries"), "{}", locked.text);
    assert!(w.app.tenant_sign_in(&w.reference, &w.code).await.is_none());
}

#[tokio::test]
async fn the_status_page_tells_the_tenant_where_things_stand_and_nothing_internal() {
    let w = world().await;
    let app = &w.app;
    let note = "Internal: landlord sounds difficult, check Companies House";
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{}/notes", w.case),
            &w.token,
            Some(json!({"text": note})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let draft = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{}/letters", w.case),
            &w.token,
            Some(json!({"type": "L2"})),
        )
        .await
        .json();
    app.clock.set(time::macros::datetime!(2026-11-25 09:00 UTC));
    let sent = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{}/letters", w.case),
            &w.token,
            Some(json!({"type": "L1"})),
        )
        .await
        .json();
    let sent_id = sent["id"].as_str().unwrap_or_default();
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/letters/{sent_id}/sent"),
            &w.token,
            Some(json!({"method": "post", "date": "2026-11-25"})),
        )
        .await;
    app.clock.set(time::macros::datetime!(2026-11-26 10:00 UTC));
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let vol = app.sign_in("api@example.org").await;
    let internal = app
        .post_multipart(
            &format!("/cases/{}/documents", w.case),
            &vol.cookie,
            &[
                ("_csrf", &vol.csrf),
                ("description", "Landlord's company search"),
            ],
            Some(("company-search.png", PNG)),
        )
        .await;
    assert_eq!(internal.status, StatusCode::SEE_OTHER, "{}", internal.text);

    let tenant = app
        .tenant_sign_in(&w.reference, &w.code)
        .await
        .unwrap_or_else(|| unreachable!());
    let page = app.get("/status/case", Some(&tenant.cookie)).await.text;
    assert!(page.contains("Hello Łukasz"), "{page}");
    assert!(page.contains("Received"), "the plain status");
    assert!(
        page.contains("What happens next")
            && page.contains("A volunteer will read what you told us")
    );
    assert!(page.contains("What you can do now") && page.contains("Find your tenancy agreement"));
    assert!(
        page.contains("Your landlord has until 6 December 2026 to reply to our letter"),
        "{page}"
    );
    assert!(
        page.contains(&format!("/status/letters/{sent_id}")),
        "the sent letter"
    );
    let draft_id = draft["id"].as_str().unwrap_or_default();
    assert!(!page.contains(draft_id), "a letter not sent is not shown");
    assert!(
        page.contains("We sent a letter: &quot;Request for the return of a deposit&quot;."),
        "{page}"
    );
    for secret in [
        note,
        "Companies House",
        "company-search.png",
        "Landlord&#x27;s company search",
        "api@example.org",
    ] {
        assert!(!page.contains(secret), "the tenant must not see {secret}");
    }

    let pdf = app
        .get(&format!("/status/letters/{sent_id}"), Some(&tenant.cookie))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let not_sent = app
        .get(&format!("/status/letters/{draft_id}"), Some(&tenant.cookie))
        .await;
    assert_eq!(not_sent.status, StatusCode::NOT_FOUND);

    // Shared on purpose, the document shows.
    let docs = tenantcase::db::portal::documents_of(
        &app.state.db,
        uuid::Uuid::parse_str(&w.case).unwrap_or_default(),
    )
    .await
    .expect("documents");
    let doc = docs[0].id;
    let hidden = app
        .get(&format!("/status/documents/{doc}"), Some(&tenant.cookie))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let res = app
        .post_form(
            &format!("/documents/{doc}/visibility"),
            Some(&vol.cookie),
            &[("_csrf", &vol.csrf), ("visible", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get("/status/case", Some(&tenant.cookie)).await.text;
    assert!(
        page.contains("company-search.png") && page.contains("We shared it"),
        "{page}"
    );
    let shown = app
        .send_raw(
            axum::http::Request::get(format!("/status/documents/{doc}"))
                .header("cookie", &tenant.cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(shown.0, StatusCode::OK);
    assert_eq!(shown.2, PNG);
    assert_eq!(shown.1["content-type"], "image/png");
    assert!(
        shown.1["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
}

#[tokio::test]
async fn a_tenant_reaches_only_their_own_case() {
    let w = world().await;
    let app = &w.app;
    let other = create_case(app, &w.token, case_e1()).await;
    let other_id = other["id"].as_str().unwrap_or_default();
    let letter = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{other_id}/letters"),
            &w.token,
            Some(json!({"type": "L1"})),
        )
        .await
        .json();
    let letter_id = letter["id"].as_str().unwrap_or_default();
    app.api(
        Method::POST,
        &format!("/api/v1/letters/{letter_id}/sent"),
        &w.token,
        Some(json!({"method": "post"})),
    )
    .await;
    let tenant = app
        .tenant_sign_in(&w.reference, &w.code)
        .await
        .unwrap_or_else(|| unreachable!());
    assert_eq!(
        app.get(
            &format!("/status/letters/{letter_id}"),
            Some(&tenant.cookie)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // A tenant session opens no staff page and no API route.
    assert_eq!(
        app.get(&format!("/cases/{other_id}"), Some(&tenant.cookie))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get(&format!("/cases/{}", w.case), Some(&tenant.cookie))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let req = axum::http::Request::get(format!("/api/v1/cases/{}", w.case))
        .header("cookie", &tenant.cookie)
        .body(axum::body::Body::empty())
        .expect("request");
    assert_eq!(app.send(req).await.status, StatusCode::UNAUTHORIZED);
    // Signing out ends the session.
    let res = app
        .post_form(
            "/status/sign-out",
            Some(&tenant.cookie),
            &[("_csrf", &tenant.csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/status/case", Some(&tenant.cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn messages_go_to_the_timeline_and_needs_attention_and_replies_come_back() {
    let w = world().await;
    let app = &w.app;
    app.user_in("other@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let tenant = app
        .tenant_sign_in(&w.reference, &w.code)
        .await
        .unwrap_or_else(|| unreachable!());
    let empty = app
        .post_form(
            "/status/messages",
            Some(&tenant.cookie),
            &[("_csrf", &tenant.csrf), ("message", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text.contains("Write your message"));
    let text = "My landlord phoned and offered £200. What should I do?";
    let res = app
        .post_form(
            "/status/messages",
            Some(&tenant.cookie),
            &[("_csrf", &tenant.csrf), ("message", text)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app
        .get("/status/case?sent=message", Some(&tenant.cookie))
        .await
        .text;
    assert!(page.contains("Your message was sent"));
    assert!(page.contains("offered £200"));

    let timeline = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{}/timeline", w.case),
            &w.token,
            None,
        )
        .await
        .json();
    assert!(
        timeline.to_string().contains("tenant_message")
            && timeline.to_string().contains("offered £200")
    );
    let vol = app.sign_in("api@example.org").await;
    let home = app.get("/", Some(&vol.cookie)).await.text;
    assert!(
        home.contains("Needs attention")
            && home.contains(&w.reference)
            && home.contains("Message from the tenant"),
        "{home}"
    );
    let outsider = app.sign_in("other@example.org").await;
    let home = app.get("/", Some(&outsider.cookie)).await.text;
    assert!(!home.contains(&w.reference), "other groups do not see it");

    let reply = "Do not accept yet. We will call you tomorrow. Priya";
    let res = app
        .post_form(
            &format!("/cases/{}/messages", w.case),
            Some(&vol.cookie),
            &[("_csrf", &vol.csrf), ("message", reply)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let home = app.get("/", Some(&vol.cookie)).await.text;
    assert!(home.contains("No tenant is waiting for a reply"), "{home}");
    let page = app.get("/status/case", Some(&tenant.cookie)).await.text;
    assert!(page.contains(reply), "{page}");
    assert!(page.contains("We sent you a message."));
    assert!(!page.contains("api@example.org"));
}

#[tokio::test]
async fn evidence_uploads_are_checked_by_content_and_kept_outside_the_web_root() {
    let w = world().await;
    let app = &w.app;
    let tenant = app
        .tenant_sign_in(&w.reference, &w.code)
        .await
        .unwrap_or_else(|| unreachable!());
    let upload = |name: &'static str, bytes: Vec<u8>, csrf: String| {
        let cookie = tenant.cookie.clone();
        async move {
            app.post_multipart(
                "/status/documents",
                &cookie,
                &[("_csrf", &csrf), ("description", "Photos of the home")],
                Some((name, &bytes)),
            )
            .await
        }
    };
    let res = upload("kitchen.png", PNG.to_vec(), tenant.csrf.clone()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = app.get("/status/case", Some(&tenant.cookie)).await.text;
    assert!(
        page.contains("kitchen.png") && page.contains("You sent it"),
        "{page}"
    );
    assert!(page.contains("You sent us a document: kitchen.png."));

    // A text file named like a photo is refused by its content.
    let res = upload(
        "evil.png",
        b"<script>alert(1)</script>".to_vec(),
        tenant.csrf.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text
            .contains("The file must be a photo (JPG, PNG, WEBP or HEIC) or a PDF"),
        "{}",
        res.text
    );
    assert!(res.text.contains("Error: "), "an error summary");
    let res = upload("empty.pdf", Vec::new(), tenant.csrf.clone()).await;
    assert!(res.text.contains("Choose a file to send"));
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(11 * 1024 * 1024, b' ');
    let res = upload("big.pdf", big, tenant.csrf.clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("smaller than 10 MB"), "{}", res.text);
    let res = upload("kitchen.png", PNG.to_vec(), "0".repeat(64)).await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "an upload needs the form's token"
    );
    let res = app
        .post_multipart(
            "/status/messages",
            &tenant.cookie,
            &[("_csrf", &tenant.csrf), ("message", "hi")],
            None,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "only upload forms take multipart"
    );

    let case_id = uuid::Uuid::parse_str(&w.case).unwrap_or_default();
    let docs = tenantcase::db::portal::documents_of(&app.state.db, case_id)
        .await
        .expect("docs");
    assert_eq!(docs.len(), 1, "refused files leave nothing behind");
    let d = &docs[0];
    assert!(d.from_tenant && d.tenant_visible && d.uploaded_by.is_none());
    assert_eq!(d.content_type, "image/png");
    assert_eq!(d.description.as_deref(), Some("Photos of the home"));
    assert!(d.stored_name.len() == 32 && d.stored_name.chars().all(|c| c.is_ascii_hexdigit()));
    let stored = std::fs::read(app.uploads_dir().join(&d.stored_name)).expect("kept on disk");
    assert_eq!(stored, PNG);
    let files = std::fs::read_dir(app.uploads_dir()).expect("dir").count();
    assert_eq!(files, 1, "nothing else was written");

    // The volunteer sees who sent it and when, and can download it.
    let vol = app.sign_in("api@example.org").await;
    let case = app
        .get(&format!("/cases/{}", w.case), Some(&vol.cookie))
        .await
        .text;
    assert!(
        case.contains("kitchen.png") && case.contains("The tenant"),
        "{case}"
    );
    assert!(case.contains("Document added by the tenant: kitchen.png"));
    let got = app
        .get(&format!("/documents/{}", d.id), Some(&vol.cookie))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    app.user_in("cardiff@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let outsider = app.sign_in("cardiff@example.org").await;
    let res = app
        .post_multipart(
            &format!("/cases/{}/documents", w.case),
            &outsider.cookie,
            &[("_csrf", &outsider.csrf)],
            Some(("x.png", PNG)),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "not their group's case");
}

#[tokio::test]
async fn the_your_case_sheet_carries_the_reference_and_code_only_for_a_right_pair() {
    let w = world().await;
    let (pre, csrf) = w.app.anonymous("/status").await;
    let (status, headers, pdf) = w
        .app
        .post_form_raw(
            "/status/sheet",
            &pre,
            &[
                ("_csrf", &csrf),
                ("reference", &w.reference),
                ("code", &w.code),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let (_, text) = text_of(&pdf);
    assert!(
        text.contains(&format!("Your case reference is {}", w.reference)),
        "{text}"
    );
    assert!(
        text.contains(&format!("Your access code is {}", w.code)),
        "{text}"
    );
    assert!(text.contains("/status"), "{text}");
    let res = w
        .app
        .post_form(
            "/status/sheet",
            Some(&pre),
            &[
                ("_csrf", &csrf),
                ("reference", &w.reference),
                ("code", "2222-2222-2222-2222"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

fn answers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("nation", "wales"),
        ("postcode", "cf24 4hx"),
        ("name", "Siân Evans"),
        ("email", "sian@example.org"),
        ("phone", ""),
        ("deposit", "950"),
        ("paid_day", "1"),
        ("paid_month", "9"),
        ("paid_year", "2024"),
        ("problem", "deductions"),
        ("details", "They kept £300 for cleaning."),
    ]
}

#[tokio::test]
async fn a_tenant_asks_for_help_one_question_a_page_and_gets_a_reference_and_code() {
    let app = TestApp::new().await;
    let (leeds, cardiff) = (app.group("Leeds").await, app.group("Cardiff").await);
    let db = &app.state.db;
    app.user("admin@example.org", Role::Admin).await;
    let me = app.principal("admin@example.org").await;
    let set = |name: &'static str, areas: &'static str, rest: bool| {
        tenantcase::service::admin::GroupFields {
            name: name.into(),
            postcode_areas: areas.into(),
            takes_unmatched: rest,
            ..Default::default()
        }
    };
    let clock = app.state.clock.as_ref();
    tenantcase::service::admin::update_group(db, clock, &me, leeds, &set("Leeds", "LS", true))
        .await
        .expect("leeds");
    tenantcase::service::admin::update_group(
        db,
        clock,
        &me,
        cardiff,
        &set("Cardiff", "CF, NP", false),
    )
    .await
    .expect("cardiff");

    let (pre, csrf) = app.anonymous("/get-help").await;
    let start = app.get("/get-help", Some(&pre)).await;
    assert!(
        start.text.contains("Get help with your tenancy deposit")
            && start.text.contains("Start now")
    );
    let post = |fields: Vec<(&'static str, String)>| {
        let (pre, csrf) = (pre.clone(), csrf.clone());
        let app = &app;
        async move {
            let mut all: Vec<(&str, String)> = vec![("_csrf", csrf)];
            all.extend(fields);
            let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/get-help", Some(&pre), &pairs).await
        }
    };
    let page = post(vec![("step", "start".into())]).await;
    assert!(
        page.text.contains("Step 1 of 6") && page.text.contains("Where is the home you rented?")
    );
    // Each page asks one thing; a wrong answer is explained beside its field.
    let page = post(vec![("step", "nation".into()), ("go", "next".into())]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text.contains("Choose where the home you rented is")
            && page.text.contains("<title>Error:")
    );
    let mut so_far: Vec<(&'static str, String)> = Vec::new();
    let steps = [
        ("nation", 1),
        ("postcode", 2),
        ("name", 3),
        ("contact", 4),
        ("deposit", 5),
        ("problem", 6),
    ];
    let fields = answers();
    for (i, (step, n)) in steps.iter().enumerate() {
        let own: &[&str] = match *step {
            "contact" => &["email", "phone"],
            "deposit" => &["deposit", "paid_day", "paid_month", "paid_year"],
            "problem" => &["problem", "details"],
            s => {
                if s == "nation" {
                    &["nation"]
                } else if s == "postcode" {
                    &["postcode"]
                } else {
                    &["name"]
                }
            }
        };
        for (k, v) in &fields {
            if own.contains(k) {
                so_far.push((k, v.to_string()));
            }
        }
        let mut form = so_far.clone();
        form.push(("step", step.to_string()));
        form.push(("go", "next".into()));
        let page = post(form).await;
        assert_eq!(page.status, StatusCode::OK, "step {step}: {}", page.text);
        if i + 1 < steps.len() {
            assert!(
                page.text.contains(&format!("Step {} of 6", n + 1)),
                "after {step}"
            );
        } else {
            assert!(page.text.contains("Check your answers"), "{}", page.text);
            assert!(
                page.text.contains("Siân Evans") && page.text.contains("£950.00, paid on 1/9/2024")
            );
        }
    }
    // Going back keeps the answers.
    let mut back = so_far.clone();
    back.push(("step", "deposit".into()));
    back.push(("go", "back".into()));
    let page = post(back).await;
    assert!(page.text.contains("Step 4 of 6") && page.text.contains("sian@example.org"));

    // "Change" on the answers page asks that one question again, then returns.
    let mut change = so_far.clone();
    change.push(("step", "check".into()));
    change.push(("go", "change-postcode".into()));
    let page = post(change).await;
    assert!(
        page.text.contains("Step 2 of 6") && page.text.contains("name=\"returning\" value=\"yes\"")
    );
    let mut changed = so_far.clone();
    changed.push(("step", "postcode".into()));
    changed.push(("returning", "yes".into()));
    changed.push(("go", "next".into()));
    let page = post(changed).await;
    assert!(
        page.text.contains("Check your answers"),
        "back to the answers, not step 3"
    );

    let mut form = so_far.clone();
    form.push(("step", "check".into()));
    form.push(("go", "submit".into()));
    let page = post(form.clone()).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent is needed"
    );
    assert!(page.text.contains("Tick the box to agree"));
    let mut robot = form.clone();
    robot.push(("consent", "yes".into()));
    robot.push(("website", "http://spam.example".into()));
    assert_eq!(
        post(robot).await.status,
        StatusCode::BAD_REQUEST,
        "the honeypot"
    );
    form.push(("consent", "yes".into()));
    let done = post(form).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(
        done.text.contains("Request sent") && done.text.contains("TC-2026-00001"),
        "{}",
        done.text
    );
    let code = done
        .text
        .split("<p class=\"code\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_default()
        .to_string();
    assert_eq!(code.len(), 19, "{code}");
    assert!(done.text.contains("Volunteers from Cardiff"));

    let case_id = tenantcase::db::cases::id_of_reference(
        db,
        &tenantcase::domain::CaseReference::new(2026, 1),
    )
    .await
    .expect("query")
    .expect("a case");
    let case = tenantcase::db::cases::find(db, case_id)
        .await
        .expect("query")
        .expect("case");
    assert_eq!(case.group_id, cardiff, "routed by the CF postcode area");
    assert_eq!(case.stage, tenantcase::domain::workflow::Stage::Intake);
    assert_eq!(case.facts.tenant.name, "Siân Evans");
    assert_eq!(case.facts.deposit.amount.map(|m| m.pence()), Some(95_000));
    assert!(
        case.facts
            .account
            .as_deref()
            .unwrap_or_default()
            .contains("kept £300 for cleaning")
    );
    let tenant = app.tenant_sign_in("TC-2026-00001", &code).await;
    assert!(tenant.is_some(), "the code from the last page works");
}

#[tokio::test]
async fn requests_for_help_are_limited_per_address() {
    let app = TestApp::configured(|c| c.trust_proxy = true).await;
    app.group("Leeds").await;
    let (pre, csrf) = app.anonymous("/get-help").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let mut fields: Vec<(&str, &str)> = answers();
        fields.extend([
            ("_csrf", csrf.as_str()),
            ("step", "check"),
            ("go", "submit"),
            ("consent", "yes"),
        ]);
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        let req = axum::http::Request::post("/get-help")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &pre)
            .header("x-forwarded-for", "203.0.113.9")
            .body(axum::body::Body::from(body))
            .expect("request");
        statuses.push(app.send(req).await.status);
    }
    assert_eq!(&statuses[..5], &[StatusCode::OK; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_email_the_case_would_refuse_is_refused_on_the_page_that_asked_for_it() {
    let app = TestApp::new().await;
    app.group("Leeds").await;
    let (pre, csrf) = app.anonymous("/get-help").await;
    let mut fields: Vec<(&str, &str)> = answers();
    fields.retain(|(k, _)| *k != "email");
    fields.extend([
        ("email", "sian@localhost"),
        ("_csrf", csrf.as_str()),
        ("step", "check"),
        ("go", "submit"),
        ("consent", "yes"),
    ]);
    let page = app.post_form("/get-help", Some(&pre), &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text.contains("How can we contact you?"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("id=\"email-error\""),
        "beside the field: {}",
        page.text
    );
    assert!(
        page.text.contains("value=\"sian@localhost\""),
        "the answer is kept"
    );
}

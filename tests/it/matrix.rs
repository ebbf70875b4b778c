//! The access-control matrix: every route, HTML and API, for every kind of caller, with
//! the exact answer expected. A route that is missing from the table fails the test.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tenantcase::domain::user::Role;
use tenantcase::service::{admin, auth};
use time::macros::datetime;

use crate::support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    OtherVolunteer,
    Volunteer,
    OtherCoordinator,
    Coordinator,
    Admin,
    Disabled,
    ExpiredSession,
    RevokedToken,
}

const EVERYONE: [Who; 9] = [
    Who::Anonymous,
    Who::OtherVolunteer,
    Who::Volunteer,
    Who::OtherCoordinator,
    Who::Coordinator,
    Who::Admin,
    Who::Disabled,
    Who::ExpiredSession,
    Who::RevokedToken,
];

impl Who {
    fn signed_in(self) -> bool {
        matches!(
            self,
            Who::OtherVolunteer
                | Who::Volunteer
                | Who::OtherCoordinator
                | Who::Coordinator
                | Who::Admin
        )
    }
    fn other_group(self) -> bool {
        matches!(self, Who::OtherVolunteer | Who::OtherCoordinator)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Page,
    Api,
}

/// What a signed-in caller who passes the check gets, and who passes.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone, signed in or not.
    Public(u16),
    /// Anyone signed in.
    SignedIn(u16),
    /// Members of the case's group and admins; others get 404.
    CaseWork(u16),
    /// Coordinators of the case's group and admins; its volunteers get 403, others 404.
    CaseAssign(u16),
    /// Admins; other signed-in users get 403.
    AdminOnly(u16),
    /// Admins and coordinators (who see the volunteers of their groups); volunteers 403.
    UsersList(u16),
    /// A volunteer of the group: its coordinators and admins; other coordinators 404
    /// (not theirs to know); volunteers 403.
    UserTarget(u16),
    /// Members of the group named in the body and admins; others get 422.
    GroupIntake(u16),
    /// The owner of the token (the volunteer) and admins; others get 404.
    TokenOwner(u16),
    /// Sign-in page: 200 for callers who are not signed in, 303 home for those who are.
    LoginPage,
    /// Any caller gets this (the form checks its own input first).
    Always(u16),
}

fn expected(kind: Kind, rule: Rule, who: Who) -> StatusCode {
    let status = |n: u16| StatusCode::from_u16(n).unwrap_or(StatusCode::IM_A_TEAPOT);
    let refused = match kind {
        Kind::Page => StatusCode::SEE_OTHER,
        Kind::Api => StatusCode::UNAUTHORIZED,
    };
    match rule {
        Rule::Public(ok) | Rule::Always(ok) => status(ok),
        Rule::LoginPage if who.signed_in() => StatusCode::SEE_OTHER,
        Rule::LoginPage => StatusCode::OK,
        _ if !who.signed_in() => refused,
        Rule::SignedIn(ok) => status(ok),
        Rule::CaseWork(_) | Rule::CaseAssign(_) if who.other_group() => StatusCode::NOT_FOUND,
        Rule::CaseWork(ok) => status(ok),
        Rule::CaseAssign(_) if who == Who::Volunteer => StatusCode::FORBIDDEN,
        Rule::CaseAssign(ok) => status(ok),
        Rule::AdminOnly(ok) if who == Who::Admin => status(ok),
        Rule::AdminOnly(_) => StatusCode::FORBIDDEN,
        Rule::UsersList(ok) | Rule::UserTarget(ok)
            if matches!(who, Who::Admin | Who::Coordinator) =>
        {
            status(ok)
        }
        Rule::UsersList(ok) if who == Who::OtherCoordinator => status(ok),
        Rule::UserTarget(_) if who == Who::OtherCoordinator => StatusCode::NOT_FOUND,
        Rule::UsersList(_) | Rule::UserTarget(_) => StatusCode::FORBIDDEN,
        Rule::GroupIntake(_) if who.other_group() => StatusCode::UNPROCESSABLE_ENTITY,
        Rule::GroupIntake(ok) => status(ok),
        Rule::TokenOwner(ok) if matches!(who, Who::Volunteer | Who::Admin) => status(ok),
        Rule::TokenOwner(_) => StatusCode::NOT_FOUND,
    }
}

/// How a caller presents itself.
#[derive(Debug, Clone, Default)]
struct Creds {
    cookie: String,
    form_csrf: String,
    token: Option<String>,
}

struct World {
    app: TestApp,
    creds: Vec<(Who, Creds)>,
    case: String,
    target_user: String,
    spare_token: String,
    volunteer: String,
    letter: String,
    leeds: String,
    document: String,
}

async fn pre_session_csrf(app: &TestApp) -> (String, String) {
    let page = app.get("/login", None).await;
    let cookie = page.set_cookie("tc_csrf").unwrap_or_default();
    (
        cookie.split(';').next().unwrap_or_default().to_string(),
        page.csrf_field(),
    )
}

async fn world() -> World {
    let app = TestApp::new().await;
    let clock = app.state.clock.as_ref();
    let db = &app.state.db;
    let people = [
        (
            Who::OtherVolunteer,
            "ov@example.org",
            Role::Volunteer,
            "Cardiff",
        ),
        (Who::Volunteer, "v@example.org", Role::Volunteer, "Leeds"),
        (
            Who::OtherCoordinator,
            "oc@example.org",
            Role::Coordinator,
            "Cardiff",
        ),
        (
            Who::Coordinator,
            "c@example.org",
            Role::Coordinator,
            "Leeds",
        ),
        (Who::Admin, "a@example.org", Role::Admin, ""),
        (Who::Disabled, "d@example.org", Role::Volunteer, "Leeds"),
        (
            Who::ExpiredSession,
            "e@example.org",
            Role::Volunteer,
            "Leeds",
        ),
        (Who::RevokedToken, "r@example.org", Role::Volunteer, "Leeds"),
    ];
    let mut creds = vec![];
    let (pre_cookie, pre_csrf) = pre_session_csrf(&app).await;
    creds.push((
        Who::Anonymous,
        Creds {
            cookie: pre_cookie.clone(),
            form_csrf: pre_csrf.clone(),
            token: None,
        },
    ));
    let mut volunteer = String::new();
    for (who, email, role, group) in people {
        let groups: Vec<&str> = if group.is_empty() {
            vec![]
        } else {
            vec![group]
        };
        let id = app.user_in(email, role, &groups).await;
        if who == Who::Volunteer {
            volunteer = id.to_string();
        }
        let b = app.sign_in(email).await;
        let token = app.token(email).await;
        let c = match who {
            Who::Disabled => Creds {
                cookie: format!("{}; {pre_cookie}", b.cookie),
                form_csrf: pre_csrf.clone(),
                token: Some(token),
            },
            Who::ExpiredSession => {
                let raw = "e".repeat(64);
                let now = datetime!(2026-11-26 10:00 UTC);
                let row = tenantcase::db::entities::sessions::Model {
                    id: auth::sha256_hex(&raw),
                    user_id: id,
                    csrf_token: "c".repeat(64),
                    created_at: now - time::Duration::hours(20),
                    expires_at: now - time::Duration::hours(8),
                };
                tenantcase::db::users::insert_session(db, row)
                    .await
                    .expect("expired session");
                Creds {
                    cookie: format!("tc_session={raw}; {pre_cookie}"),
                    form_csrf: pre_csrf.clone(),
                    token: None,
                }
            }
            Who::RevokedToken => {
                let me = app.principal(email).await;
                let tokens = auth::list_tokens(db, &me, id).await.expect("tokens");
                auth::revoke_token(db, clock, &me, tokens[0].id)
                    .await
                    .expect("revoke");
                Creds {
                    cookie: pre_cookie.clone(),
                    form_csrf: pre_csrf.clone(),
                    token: Some(token),
                }
            }
            _ => Creds {
                cookie: b.cookie,
                form_csrf: b.csrf,
                token: Some(token),
            },
        };
        creds.push((who, c));
    }
    let admin_p = app.principal("a@example.org").await;
    let disabled = app.principal("d@example.org").await;
    admin::update_user(
        db,
        clock,
        &admin_p,
        disabled.user_id,
        Role::Volunteer,
        &disabled.groups,
        false,
    )
    .await
    .expect("disable");

    let vol_token = creds
        .iter()
        .find(|(w, _)| *w == Who::Volunteer)
        .and_then(|(_, c)| c.token.clone())
        .unwrap_or_default();
    // Enough facts for any letter to be written.
    let body = json!({"tenant": {"name": "Matrix Tenant", "consent_date": "2026-11-01"},
        "landlord": {"name": "A Landlord", "address": "1 Otley Road, Leeds"},
        "property": {"address": "2 Cardigan Road, Leeds"},
        "tenancy": {"jurisdiction": "england", "start_date": "2025-01-10", "end_date": "2026-01-09"},
        "deposit": {"amount_pence": 100000, "received_date": "2025-01-10", "returned_pence": 0}});
    let case = create_case(&app, &vol_token, body).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let target_user = app
        .user("target@example.org", Role::Volunteer)
        .await
        .to_string();
    let vol = app.principal("v@example.org").await;
    auth::create_token_for(db, clock, &vol, "spare")
        .await
        .expect("spare token");
    let spare_token = auth::list_tokens(db, &vol, vol.user_id)
        .await
        .expect("tokens")[0]
        .id
        .to_string();
    let case_uuid = uuid::Uuid::parse_str(&case).expect("case id");
    let kind = tenantcase::domain::letters::LetterKind::L1;
    let letter = tenantcase::service::letters::generate(
        db,
        clock,
        &vol,
        case_uuid,
        kind,
        Default::default(),
    )
    .await
    .expect("letter")
    .id
    .to_string();
    let leeds = app.group("Leeds").await.to_string();
    let document = tenantcase::service::portal::upload(
        db,
        clock,
        &app.state.store,
        tenantcase::service::portal::Uploader::Staff(&vol, case_uuid),
        tenantcase::service::portal::NewDocument {
            file_name: "matrix.png",
            bytes: PNG,
            description: None,
        },
    )
    .await
    .expect("document")
    .id
    .to_string();
    World {
        document,
        app,
        creds,
        case,
        target_user,
        spare_token,
        volunteer,
        letter,
        leeds,
    }
}

struct Route {
    kind: Kind,
    method: Method,
    path: &'static str,
    rule: Rule,
    body: fn(&World) -> Option<Value>,
}

fn none(_: &World) -> Option<Value> {
    None
}

fn routes() -> Vec<Route> {
    use Kind::*;
    use Rule::*;
    let r = |kind, method, path, rule, body| Route {
        kind,
        method,
        path,
        rule,
        body,
    };
    vec![
        r(Page, Method::GET, "/healthz", Public(200), none),
        r(Page, Method::GET, "/static/app.css", Public(200), none),
        r(Page, Method::GET, "/static/app.js", Public(200), none),
        r(Page, Method::GET, "/login", LoginPage, none),
        r(Page, Method::POST, "/login", Always(422), |_| {
            Some(json!({"email": "", "password": ""}))
        }),
        r(Page, Method::GET, "/", SignedIn(200), none),
        r(Page, Method::GET, "/cases", SignedIn(200), none),
        r(Page, Method::GET, "/cases.csv", SignedIn(200), none),
        r(Page, Method::GET, "/letters.csv", SignedIn(200), none),
        r(Page, Method::POST, "/cases", GroupIntake(303), |_| {
            Some(
                json!({"group": "Leeds", "tenant.name": "Form Tenant", "tenant.consent_date": "2026-11-01", "tenancy.jurisdiction": "wales"}),
            )
        }),
        r(Page, Method::GET, "/cases/new", SignedIn(200), none),
        r(Page, Method::GET, "/cases/{id}", CaseWork(200), none),
        r(Page, Method::GET, "/cases/{id}/edit", CaseWork(200), none),
        r(
            Page,
            Method::POST,
            "/cases/{id}/edit",
            CaseWork(303),
            |_| {
                Some(
                    json!({"_version": "1", "_status": "open", "tenant.name": "Matrix Tenant", "tenant.consent_date": "2026-11-01",
                           "landlord.name": "A Landlord", "landlord.address": "1 Otley Road, Leeds", "property.address": "2 Cardigan Road, Leeds",
                           "tenancy.jurisdiction": "england", "tenancy.start_date": "2025-01-10", "tenancy.end_date": "2026-01-09",
                           "deposit.amount_pence": "1,000.00", "deposit.instalments[0].received_date": "2025-01-10",
                           "deposit.instalments[0].amount_pence": "1,000.00", "deposit.returned_pence": "0.00"}),
                )
            },
        ),
        r(
            Page,
            Method::POST,
            "/cases/{id}/notes",
            CaseWork(303),
            |_| Some(json!({"text": "A note"})),
        ),
        r(
            Page,
            Method::POST,
            "/cases/{id}/scheme-checks",
            CaseWork(303),
            |_| Some(json!({"check_date": "2026-11-20", "check_found": "no"})),
        ),
        r(
            Page,
            Method::POST,
            "/cases/{id}/assignees",
            CaseAssign(303),
            |w| Some(json!({"assignee": w.volunteer})),
        ),
        // The volunteer took the case in, so it is theirs: taking it on is a conflict.
        r(
            Page,
            Method::POST,
            "/cases/{id}/take",
            CaseWork(409),
            |_| Some(json!({})),
        ),
        r(
            Page,
            Method::GET,
            "/cases/{id}/move?to=triage",
            CaseWork(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/cases/{id}/move",
            CaseWork(409),
            |_| Some(json!({"to": "closed"})),
        ),
        r(
            Page,
            Method::GET,
            "/cases/{id}/letters/new?type=L1",
            CaseWork(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/cases/{id}/letters",
            CaseWork(303),
            |_| Some(json!({"type": "L2"})),
        ),
        r(
            Page,
            Method::GET,
            "/letters/{letter}/pdf",
            CaseWork(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/letters/{letter}/sent",
            CaseWork(422),
            |_| Some(json!({"method": "pigeon"})),
        ),
        r(
            Page,
            Method::GET,
            "/cases/{id}/access-code",
            CaseWork(200),
            none,
        ),
        r(Page, Method::POST, "/cases/bulk", UsersList(422), |_| {
            Some(json!({"do": "close"}))
        }),
        r(
            Page,
            Method::POST,
            "/cases/{id}/access-code",
            CaseWork(200),
            |_| Some(json!({})),
        ),
        r(
            Page,
            Method::POST,
            "/cases/{id}/messages",
            CaseWork(303),
            |_| Some(json!({"message": "Hello from the matrix"})),
        ),
        // Uploads take multipart forms only; this plain form is refused once the caller
        // is known (tests/it/portal.rs covers real uploads and who may make them).
        r(
            Page,
            Method::POST,
            "/cases/{id}/documents",
            SignedIn(400),
            |_| Some(json!({})),
        ),
        r(
            Page,
            Method::GET,
            "/documents/{document}",
            CaseWork(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/documents/{document}/visibility",
            CaseWork(303),
            |_| Some(json!({"visible": "yes"})),
        ),
        // The tenant pages: none of these callers is a tenant.
        r(Page, Method::GET, "/status", Always(200), none),
        r(Page, Method::POST, "/status", Always(422), |_| {
            Some(json!({"reference": "", "code": ""}))
        }),
        r(Page, Method::GET, "/status/case", Always(303), none),
        r(Page, Method::POST, "/status/sign-out", Always(303), |_| {
            Some(json!({}))
        }),
        r(
            Page,
            Method::GET,
            "/status/letters/{letter}",
            Always(303),
            none,
        ),
        r(
            Page,
            Method::GET,
            "/status/documents/{document}",
            Always(303),
            none,
        ),
        r(Page, Method::POST, "/status/messages", Always(303), |_| {
            Some(json!({"message": "hi"}))
        }),
        r(Page, Method::POST, "/status/documents", Always(303), |_| {
            Some(json!({}))
        }),
        r(Page, Method::POST, "/status/sheet", Always(422), |_| {
            Some(json!({"reference": "", "code": ""}))
        }),
        // A link that is not a live reset link: the page that says so, for anyone.
        r(Page, Method::GET, "/reset/{token}", Always(404), none),
        r(Page, Method::POST, "/reset/{token}", Always(404), |_| {
            Some(json!({"new": "a long enough password", "confirm": "a long enough password"}))
        }),
        r(Page, Method::GET, "/get-help", Always(200), none),
        r(Page, Method::POST, "/get-help", Always(200), |_| {
            Some(json!({"step": "start"}))
        }),
        r(Page, Method::GET, "/account", SignedIn(200), none),
        r(
            Page,
            Method::POST,
            "/account/password",
            SignedIn(422),
            |_| Some(json!({"current": "wrong", "new": "x", "confirm": "y"})),
        ),
        r(Page, Method::POST, "/account/tokens", SignedIn(200), |_| {
            Some(json!({"label": "matrix"}))
        }),
        r(
            Page,
            Method::POST,
            "/account/tokens/{token}/revoke",
            TokenOwner(303),
            |_| Some(json!({})),
        ),
        r(Page, Method::GET, "/admin/users", UsersList(200), none),
        r(Page, Method::POST, "/admin/users", UsersList(422), |_| {
            Some(json!({"name": "", "role": "volunteer"}))
        }),
        r(Page, Method::GET, "/admin/users/new", UsersList(200), none),
        r(
            Page,
            Method::GET,
            "/admin/users/{user}",
            UserTarget(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/admin/users/{user}",
            UserTarget(303),
            |w| Some(json!({"role": "volunteer", "groups": w.leeds})),
        ),
        r(
            Page,
            Method::POST,
            "/admin/users/{user}/reset-link",
            UserTarget(200),
            |_| Some(json!({})),
        ),
        r(
            Page,
            Method::GET,
            "/admin/users/{user}/disable",
            UserTarget(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/admin/users/{user}/disable",
            UserTarget(303),
            |_| Some(json!({})),
        ),
        r(
            Page,
            Method::POST,
            "/admin/users/{user}/enable",
            UserTarget(303),
            |_| Some(json!({})),
        ),
        r(Page, Method::GET, "/admin/groups", AdminOnly(200), none),
        r(Page, Method::POST, "/admin/groups", AdminOnly(422), |_| {
            Some(json!({"name": ""}))
        }),
        r(
            Page,
            Method::GET,
            "/admin/groups/{gid}",
            AdminOnly(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/admin/groups/{gid}",
            AdminOnly(303),
            |_| Some(json!({"name": "Leeds", "postcode_areas": "LS"})),
        ),
        r(Page, Method::GET, "/admin/audit", AdminOnly(200), none),
        r(Page, Method::GET, "/admin/audit.csv", AdminOnly(200), none),
        r(Page, Method::POST, "/letters/batch", CaseAssign(200), |w| {
            Some(json!({"cases": w.case, "type": "L1", "format": "pdf"}))
        }),
        r(Page, Method::GET, "/letters/wording", UsersList(200), none),
        r(
            Page,
            Method::GET,
            "/letters/wording/{group}/{kind}",
            UserTarget(200),
            none,
        ),
        r(
            Page,
            Method::POST,
            "/letters/wording/{group}/{kind}",
            UserTarget(303),
            |_| Some(json!({"body": "Subject: Matrix\n\nA line."})),
        ),
        r(Api, Method::GET, "/api/v1/cases", SignedIn(200), none),
        r(Api, Method::POST, "/api/v1/cases", GroupIntake(201), |_| {
            Some(
                json!({"group": "Leeds", "tenant": {"name": "API Tenant", "consent_date": "2026-11-01"}, "tenancy": {"jurisdiction": "scotland"}}),
            )
        }),
        r(Api, Method::GET, "/api/v1/cases/{id}", CaseWork(200), none),
        r(
            Api,
            Method::PATCH,
            "/api/v1/cases/{id}",
            CaseWork(428),
            |_| Some(json!({"account": "no version"})),
        ),
        r(
            Api,
            Method::POST,
            "/api/v1/cases/{id}/notes",
            CaseWork(201),
            |_| Some(json!({"text": "API note"})),
        ),
        r(
            Api,
            Method::GET,
            "/api/v1/cases/{id}/timeline",
            CaseWork(200),
            none,
        ),
        r(
            Api,
            Method::PUT,
            "/api/v1/cases/{id}/assignees",
            CaseAssign(200),
            |w| Some(json!({"user_ids": [w.volunteer]})),
        ),
        r(
            Api,
            Method::POST,
            "/api/v1/cases/{id}/take",
            CaseWork(409),
            none,
        ),
        r(
            Api,
            Method::GET,
            "/api/v1/cases/{id}/assessment",
            CaseWork(200),
            none,
        ),
        r(
            Api,
            Method::POST,
            "/api/v1/cases/{id}/transitions",
            CaseWork(409),
            |_| Some(json!({"to": "closed"})),
        ),
        r(
            Api,
            Method::POST,
            "/api/v1/cases/{id}/letters",
            CaseWork(201),
            |_| Some(json!({"type": "L5"})),
        ),
        r(
            Api,
            Method::GET,
            "/api/v1/cases/{id}/letters",
            CaseWork(200),
            none,
        ),
        r(
            Api,
            Method::GET,
            "/api/v1/letters/{letter}/pdf",
            CaseWork(200),
            none,
        ),
        r(
            Api,
            Method::POST,
            "/api/v1/letters/{letter}/sent",
            CaseWork(422),
            |_| Some(json!({"method": "pigeon"})),
        ),
        r(
            Api,
            Method::POST,
            "/api/v1/cases/{id}/access-code",
            CaseWork(200),
            none,
        ),
        r(Api, Method::GET, "/api/v1/deadlines", SignedIn(200), none),
        r(Page, Method::GET, "/api/v1/openapi.json", Public(200), none),
        r(Api, Method::GET, "/api/v1/tokens", SignedIn(200), none),
        r(
            Api,
            Method::DELETE,
            "/api/v1/tokens/{token}",
            TokenOwner(204),
            none,
        ),
        // Last: it ends the sessions it is given.
        r(Page, Method::POST, "/logout", Always(303), |_| {
            Some(json!({}))
        }),
    ]
}

fn fill(path: &str, w: &World) -> String {
    path.replace("{id}", &w.case)
        .replace("{user}", &w.target_user)
        .replace("{token}", &w.spare_token)
        .replace("{letter}", &w.letter)
        .replace("{gid}", &w.leeds)
        .replace("{document}", &w.document)
        .replace("{group}", &w.leeds)
        .replace("{kind}", "L1")
}

async fn call(w: &World, route: &Route, creds: &Creds) -> StatusCode {
    let uri = fill(route.path, w);
    let mut req = Request::builder().method(route.method.clone()).uri(&uri);
    let body = (route.body)(w);
    let req = match route.kind {
        Kind::Page => {
            req = req.header("cookie", &creds.cookie);
            match body {
                Some(Value::Object(fields)) => {
                    let mut form = form_urlencoded::Serializer::new(String::new());
                    form.append_pair("_csrf", &creds.form_csrf);
                    for (k, v) in fields {
                        form.append_pair(&k, v.as_str().unwrap_or_default());
                    }
                    req.header("content-type", "application/x-www-form-urlencoded")
                        .body(Body::from(form.finish()))
                }
                _ => req.body(Body::empty()),
            }
        }
        Kind::Api => {
            match &creds.token {
                Some(t) => req = req.header("authorization", format!("Bearer {t}")),
                None => req = req.header("cookie", &creds.cookie),
            }
            match body {
                Some(v) => req
                    .header("content-type", "application/json")
                    .body(Body::from(v.to_string())),
                None => req.body(Body::empty()),
            }
        }
    };
    w.app.send(req.expect("request")).await.status
}

#[tokio::test]
async fn every_route_answers_every_caller_exactly_as_the_table_says() {
    let w = world().await;
    let present: Vec<Who> = w.creds.iter().map(|(who, _)| *who).collect();
    assert_eq!(present, EVERYONE, "every kind of caller takes part");
    let mut wrong = Vec::new();
    for route in routes() {
        for (who, creds) in &w.creds {
            let want = expected(route.kind, route.rule, *who);
            let got = call(&w, &route, creds).await;
            if got != want {
                wrong.push(format!(
                    "{} {} as {who:?}: got {got}, want {want}",
                    route.method, route.path
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Every `.route("path", get(..).post(..))` in the web layer, with its mount prefix.
fn declared_routes() -> BTreeSet<(String, String)> {
    let files = [
        ("src/web/mod.rs", ""),
        ("src/web/html/mod.rs", ""),
        ("src/web/api/mod.rs", "/api/v1"),
    ];
    let mut found = BTreeSet::new();
    for (file, prefix) in files {
        let text = std::fs::read_to_string(file).expect("web source");
        for chunk in text.split(".route(").skip(1) {
            let Some(path) = chunk.split('"').nth(1) else {
                continue;
            };
            // The call runs to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let end = chunk
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(chunk.len(), |(i, _)| i);
            let call = &chunk[..end];
            for method in ["get", "post", "put", "patch", "delete"] {
                let used = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if used {
                    found.insert((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
    }
    found
}

#[test]
fn the_table_covers_every_declared_route() {
    // The table names what each parameter is; the router may name it `{id}`.
    let normal = |path: &str| {
        path.replace("{user}", "{id}")
            .replace("{token}", "{id}")
            .replace("{letter}", "{id}")
            .replace("{gid}", "{id}")
            .replace("{document}", "{id}")
    };
    let declared: BTreeSet<(String, String)> = declared_routes()
        .into_iter()
        .map(|(method, path)| (method, normal(&path)))
        .collect();
    assert!(
        declared.len() > 30,
        "the route scan found too little: {declared:?}"
    );
    let tabled: BTreeSet<(String, String)> = routes()
        .iter()
        .map(|r| {
            let path = r.path.split('?').next().unwrap_or_default();
            (r.method.to_string(), normal(path))
        })
        .collect();
    let missing: Vec<_> = declared.difference(&tabled).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the access table: {missing:?}"
    );
    let stale: Vec<_> = tabled.difference(&declared).collect();
    assert!(
        stale.is_empty(),
        "table rows for routes that do not exist: {stale:?}"
    );
}

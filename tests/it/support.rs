//! Test harness: a fresh app per test, and helpers to drive it as a browser or API client.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use sea_orm::ConnectionTrait;
use serde_json::Value;
use tenantcase::app::{self, AppState};
use tenantcase::clock::MovableClock;
use tenantcase::config::Config;
use tenantcase::domain::user::Role;
use tenantcase::service::admin;
use tenantcase::service::auth::{self, NewUser};
use time::macros::datetime;
use tower::ServiceExt;

/// A password good enough for the policy.
pub const PASSWORD: &str = "a long test passphrase";

/// An app over its own database.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    /// The app's clock: 26 November 2026, 10:00 UTC, until a test moves it.
    pub clock: Arc<MovableClock>,
    /// A running server (`host:port`) that requests go to instead of `router`.
    pub remote: Option<String>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    /// A page's template and view, when the app answered in this process.
    pub view: Option<tenantcase::web::html::PageView>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of a cookie this response sets.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// The value of the first `name="_csrf"` hidden field on the page.
    pub fn csrf_field(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start = self
            .text
            .find(marker)
            .map(|i| i + marker.len())
            .expect("page has a CSRF field");
        self.text[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_string()
    }
}

/// A response's status, headers and body bytes.
async fn read_whole(res: axum::response::Response) -> (StatusCode, HeaderMap, Vec<u8>) {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, headers, bytes.to_vec())
}

/// A signed-in browser: its cookie header and the CSRF token of its session.
#[derive(Debug, Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

/// Creates a fresh database: a new schema on `TEST_DATABASE_URL`, else SQLite in memory.
pub async fn fresh_db() -> (sea_orm::DatabaseConnection, String) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = tenantcase::db::connect(&url, None)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                .await
                .expect("create schema");
            admin.close().await.ok();
            let db = tenantcase::db::connect(&url, Some(&schema))
                .await
                .expect("connect to schema");
            (db, url)
        }
        _ => {
            let url = "sqlite::memory:".to_string();
            (
                tenantcase::db::connect(&url, None)
                    .await
                    .expect("sqlite memory"),
                url,
            )
        }
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::configured(|_| {}).await
    }

    /// An app whose settings `change` adjusts first.
    pub async fn configured(change: impl FnOnce(&mut Config)) -> TestApp {
        let (db, url) = fresh_db().await;
        let mut config = Config::new(url);
        change(&mut config);
        TestApp::over(db, config).await
    }

    /// An app whose SQLite database is a file with a pool of connections, so that requests
    /// really run side by side (PostgreSQL, when configured, always does).
    pub async fn with_pool() -> (TestApp, Option<std::path::PathBuf>) {
        if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
            return (TestApp::new().await, None);
        }
        let path =
            std::env::temp_dir().join(format!("tenantcase-pool-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let db = tenantcase::db::connect(&url, None)
            .await
            .expect("sqlite file");
        (TestApp::over(db, Config::new(url)).await, Some(path))
    }

    /// An app over `db`; its requests go to the server at `remote` (`host:port`), while
    /// users, groups and tokens are made directly in the shared database.
    pub async fn remote(db: sea_orm::DatabaseConnection, url: &str, remote: &str) -> TestApp {
        let mut app = TestApp::over(db, Config::new(url)).await;
        app.remote = Some(remote.to_string());
        app
    }

    /// The same app, its requests going to the server at `remote`.
    pub fn via(&self, remote: &str) -> TestApp {
        TestApp {
            router: self.router.clone(),
            state: self.state.clone(),
            clock: self.clock.clone(),
            remote: Some(remote.to_string()),
        }
    }

    async fn over(db: sea_orm::DatabaseConnection, mut config: Config) -> TestApp {
        config.uploads = tenantcase::storage::Uploads::Folder(
            std::env::temp_dir().join(format!("tenantcase-uploads-{}", uuid::Uuid::new_v4())),
        );
        tenantcase::db::migrate(&db).await.expect("migrations run");
        let clock = Arc::new(MovableClock::new(datetime!(2026-11-26 10:00 UTC)));
        let state = AppState::new(db, clock.clone(), config);
        TestApp {
            router: app::router(state.clone()),
            state,
            clock,
            remote: None,
        }
    }

    /// The folder uploads are kept in.
    pub fn uploads_dir(&self) -> &std::path::Path {
        match &self.state.config.uploads {
            tenantcase::storage::Uploads::Folder(dir) => dir,
            other => panic!("uploads are not in a folder: {other:?}"),
        }
    }

    /// The id of the group with this name, created if need be.
    pub async fn group(&self, name: &str) -> uuid::Uuid {
        let db = &self.state.db;
        if let Some(g) = tenantcase::db::groups::by_name(db, name)
            .await
            .expect("groups")
        {
            return g.id;
        }
        let clock = self.state.clock.as_ref();
        admin::create_group(
            db,
            clock,
            None,
            &admin::GroupFields::named(name, "1 Woodhouse Lane\nLeeds LS2 9JT"),
        )
        .await
        .expect("group")
        .id
    }

    /// A user in the group "Leeds".
    pub async fn user(&self, email: &str, role: Role) -> uuid::Uuid {
        self.user_in(email, role, &["Leeds"]).await
    }

    /// A user in these groups.
    pub async fn user_in(&self, email: &str, role: Role, groups: &[&str]) -> uuid::Uuid {
        let mut ids = Vec::new();
        for g in groups {
            ids.push(self.group(g).await);
        }
        let new = NewUser {
            email: email.into(),
            name: format!("{role} {email}"),
            role,
            password: PASSWORD.into(),
            groups: ids,
        };
        let clock = self.state.clock.as_ref();
        auth::create_user(&self.state.db, clock, None, new)
            .await
            .expect("user created")
            .id
    }

    /// The principal of a user, as the app would build it.
    pub async fn principal(&self, email: &str) -> auth::Principal {
        let (user, _) = tenantcase::db::users::find_by_email(&self.state.db, email)
            .await
            .expect("query")
            .expect("user exists");
        auth::principal_of(&self.state.db, &user, None)
            .await
            .expect("principal")
    }

    pub async fn token(&self, email: &str) -> String {
        auth::create_api_token(&self.state.db, self.state.clock.as_ref(), email, "test")
            .await
            .expect("token")
    }

    /// A volunteer with an API token, ready for API calls.
    pub async fn api_user(&self) -> String {
        self.user("api@example.org", Role::Volunteer).await;
        self.token("api@example.org").await
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.respond(req).await;
        let view = res.extensions().get().cloned();
        let (status, headers, bytes) = read_whole(res).await;
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            view,
        }
    }

    /// Sends a request and keeps the body's bytes (for downloads).
    pub async fn send_raw(
        &self,
        req: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        read_whole(self.respond(req).await).await
    }

    /// The app's answer, from the router in this process or from the running server.
    async fn respond(&self, req: Request<Body>) -> axum::response::Response {
        match &self.remote {
            None => self.router.clone().oneshot(req).await.expect("infallible"),
            Some(address) => {
                let (mut parts, body) = req.into_parts();
                parts.uri = format!("http://{address}{}", parts.uri)
                    .parse()
                    .expect("a URI");
                let client = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .build_http::<Body>();
                client
                    .request(Request::from_parts(parts, body))
                    .await
                    .expect("the server answers")
                    .map(Body::new)
            }
        }
    }

    /// Posts a form and keeps the body's bytes (for downloads).
    pub async fn post_form_raw(
        &self,
        uri: &str,
        cookie: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request");
        self.send_raw(req).await
    }

    pub async fn get(&self, uri: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(uri);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    pub async fn post_form(
        &self,
        uri: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut req =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }

    /// An API call with a bearer token and an optional JSON body.
    pub async fn api(&self, method: Method, uri: &str, token: &str, body: Option<Value>) -> Reply {
        self.api_with(method, uri, token, body, &[]).await
    }

    pub async fn api_with(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).expect("request")).await
    }

    /// Signs in through the real form, as a browser would.
    pub async fn sign_in(&self, email: &str) -> Browser {
        self.try_sign_in(email, PASSWORD, None)
            .await
            .expect("signed in")
    }

    /// Signs in; `old` is a cookie the browser already carries (it is sent along).
    pub async fn try_sign_in(
        &self,
        email: &str,
        password: &str,
        old: Option<&str>,
    ) -> Option<Browser> {
        let page = self.get("/login", old).await;
        let pre = page
            .set_cookie("tc_csrf")
            .expect("login page sets a CSRF cookie");
        let pre = pre.split(';').next().unwrap_or_default().to_string();
        let mut cookie = pre.clone();
        if let Some(old) = old {
            cookie = format!("{cookie}; {old}");
        }
        let csrf = page.csrf_field();
        let res = self
            .post_form(
                "/login",
                Some(&cookie),
                &[("_csrf", &csrf), ("email", email), ("password", password)],
            )
            .await;
        let session = res.set_cookie("tc_session")?;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let cookie = session.split(';').next().unwrap_or_default().to_string();
        let page = self.get("/cases", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "signed-in list: {}", page.text);
        Some(Browser {
            csrf: page.csrf_field(),
            cookie,
        })
    }
}

/// A complete, valid case in the API's JSON shape (DOMAIN.md example E1).
pub fn case_e1() -> Value {
    serde_json::json!({
        "tenant": {"name": "Łukasz Nowak", "email": "lukasz@example.org", "phone": "07700 900123",
                   "preferred_contact": "email", "consent_date": "2026-11-20"},
        "joint_tenants": [{"name": "Zoë Price", "consent_date": "2026-11-20"}],
        "property": {"address": "12 Cardigan Road, Leeds", "postcode": "ls6 1ab"},
        "landlord": {"name": "Headingley Lettings Ltd", "kind": "agent", "address": "1 Otley Road", "email": "info@example.com"},
        "tenancy": {"jurisdiction": "england", "start_date": "2024-01-10", "end_date": "2025-01-09",
                    "rent_pence": 95000, "rent_period": "month"},
        "deposit": {"amount_pence": 110000, "received_date": "2024-01-10", "scheme": "dps",
                    "protected_date": "2024-03-01", "information_date": "2024-03-01", "returned_pence": 0},
        "deductions": [{"item": "Cleaning", "amount_pence": 18000}],
        "account": "They kept all of it."
    })
}

/// Takes in a case through the API and returns its JSON.
pub async fn create_case(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app
        .api(Method::POST, "/api/v1/cases", token, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.json()
}

/// A tenant's browser: their cookies and the CSRF token their forms carry.
#[derive(Debug, Clone)]
pub struct TenantBrowser {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    /// The cookie and form token of a visitor who is not signed in.
    pub async fn anonymous(&self, page: &str) -> (String, String) {
        let res = self.get(page, None).await;
        let cookie = res.set_cookie("tc_csrf").expect("a CSRF cookie");
        (
            cookie.split(';').next().unwrap_or_default().to_string(),
            res.csrf_field(),
        )
    }

    /// Signs a tenant in at /status; `None` if the pair is refused.
    pub async fn tenant_sign_in(&self, reference: &str, code: &str) -> Option<TenantBrowser> {
        let (pre, csrf) = self.anonymous("/status").await;
        let res = self
            .post_form(
                "/status",
                Some(&pre),
                &[("_csrf", &csrf), ("reference", reference), ("code", code)],
            )
            .await;
        let tenant = res.set_cookie("tc_tenant")?;
        assert_eq!(res.header("location"), Some("/status/case"));
        let cookie = format!("{pre}; {}", tenant.split(';').next().unwrap_or_default());
        let page = self.get("/status/case", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        Some(TenantBrowser {
            csrf: page.csrf_field(),
            cookie,
        })
    }

    /// Posts a multipart form: text fields, then one file.
    pub async fn post_multipart(
        &self,
        uri: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Reply {
        let boundary = "tenantcase-test-boundary-7f3a";
        let mut body: Vec<u8> = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(uri)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }
}

/// A tiny real PNG (1×1 pixel).
pub const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 13, b'I', b'D', b'A', b'T',
    0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
    0x1D, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
];

/// Writes a letter through the API and returns its JSON (201 expected).
pub async fn generate(app: &TestApp, token: &str, case_id: &str, body: Value) -> Value {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/letters"),
            token,
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.json()
}

/// A letter's frozen PDF, through the API.
pub async fn download(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    let req = Request::get(format!("/api/v1/letters/{id}/pdf"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let (status, headers, bytes) = app.send_raw(req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    bytes
}

/// A PDF's page count and its text, line breaks folded into spaces.
pub fn text_of(pdf: &[u8]) -> (usize, String) {
    let (pages, texts) = tenantcase::letters::pdf::read_back(pdf).expect("a readable PDF");
    (
        pages,
        texts
            .concat()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A case's new tenant access code, made through the API.
pub async fn access_code(app: &TestApp, token: &str, case: &str) -> String {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{case}/access-code"),
            token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.json()["code"].as_str().unwrap_or_default().to_string()
}

/// Every audit entry of `action` so far (reads included: the queue is flushed first), and
/// how many there are.
pub async fn audit_of(
    app: &TestApp,
    action: &str,
) -> (Vec<tenantcase::db::audit::AuditEntry>, u64) {
    app.state.reads.flush().await;
    let filter = tenantcase::db::audit::AuditFilter {
        action: Some(
            tenantcase::domain::audit::AuditAction::parse(action)
                .unwrap_or_else(|| panic!("{action} is an audit action")),
        ),
        page: 1,
        per_page: 500,
        ..Default::default()
    };
    tenantcase::db::audit::list(&app.state.db, &filter)
        .await
        .expect("audit log")
}

/// The rows of a CSV download, header first, as a spreadsheet would read them.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_string).collect())
        .collect()
}

//! HTTP: the HTML pages and the JSON API side by side, over the same services.

pub mod api;
pub mod html;
pub mod session;
pub mod templates;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::ConnectionTrait;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::app::AppState;

/// The whole app: pages (behind the session and CSRF layer), `/api/v1`, health, assets.
pub fn router(state: AppState) -> Router {
    let pages = html::routes().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        session::visitor,
    ));
    Router::new()
        .merge(pages)
        .nest("/api/v1", api::routes())
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .fallback(html::not_found)
        .layer(axum::middleware::from_fn(refuse_nul_in_query))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Content Security Policy: scripts, styles and images only from here (the one script is
/// our own `/static/app.js`; nothing inline ever runs), no framing, forms only to here.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers every response carries, unless a handler set its own.
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Pages and API answers carry personal data: no browser or proxy keeps a copy.
        // The stylesheet sets its own.
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    res
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database unavailable"})),
            )
        }
    }
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        templates::SCRIPT,
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        templates::STYLESHEET,
    )
}

/// Reads the case-list filters from query pairs, shared by the page and the API.
/// Unknown values are reported by field.
pub(crate) fn list_filter(
    pairs: &[(String, String)],
    per_page: u64,
) -> Result<crate::service::cases::CaseFilter, crate::domain::FieldErrors> {
    use crate::domain::{CaseStatus, FieldErrors, Jurisdiction};
    let mut f = crate::service::cases::CaseFilter {
        page: 1,
        per_page,
        ..Default::default()
    };
    let mut errors = FieldErrors::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "jurisdiction" => match Jurisdiction::parse(v) {
                Some(j) => f.jurisdiction = Some(j),
                None => errors.add("jurisdiction", "Must be england, wales or scotland"),
            },
            "stage" => match crate::domain::workflow::Stage::parse(v) {
                Some(s) => f.stage = Some(s),
                None => errors.add("stage", "Must be a stage such as intake, triage or court"),
            },
            "status" => match CaseStatus::parse(v) {
                Some(s) => f.status = Some(s),
                None => errors.add("status", "Must be open or closed"),
            },
            "q" => f.q = Some(v.chars().take(200).collect()),
            "sort" => match v {
                "deadline" => f.order = crate::db::cases::ListOrder::NextDeadline,
                "newest" => f.order = crate::db::cases::ListOrder::Newest,
                _ => errors.add("sort", "Must be deadline or newest"),
            },
            "page" => match v.parse::<u64>() {
                Ok(p) if (1..=100_000).contains(&p) => f.page = p,
                _ => errors.add("page", "Must be a whole number from 1"),
            },
            "per_page" => match v.parse::<u64>() {
                Ok(p) if (1..=200).contains(&p) => f.per_page = p,
                _ => errors.add("per_page", "Must be a whole number from 1 to 200"),
            },
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(errors)
    }
}

/// A frozen PDF, as a download.
pub(crate) fn pdf_response(bytes: Vec<u8>, name: &str) -> axum::response::Response {
    file_response(bytes, name, "application/pdf")
}

/// A spreadsheet to download, named `<stem>-<day>.csv`.
pub(crate) fn csv_response(
    bytes: Vec<u8>,
    stem: &str,
    day: time::Date,
) -> axum::response::Response {
    file_response(
        bytes,
        &format!("{stem}-{day}.csv"),
        "text/csv; charset=utf-8",
    )
}

/// A file to download, named `name`.
pub(crate) fn file_response(
    bytes: Vec<u8>,
    name: &str,
    content_type: &str,
) -> axum::response::Response {
    // A plain ASCII name for old clients, and the real one (RFC 6266 / 5987) for the rest.
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// An id from a path. Anything that is not a UUID is simply not found.
pub(crate) fn parse_id(raw: &str) -> Result<uuid::Uuid, crate::error::AppError> {
    uuid::Uuid::parse_str(raw).map_err(|_| crate::error::AppError::NotFound)
}

/// Why text with a NUL character is refused: PostgreSQL cannot store it, and no person
/// types one.
pub(crate) const NUL_MESSAGE: &str = "Text must not contain NUL characters";

/// Longest form field name any page uses, with room to spare.
pub(crate) const MAX_FIELD_NAME: usize = 100;
/// Most dot-separated parts in a form field name (`joint_tenants[0].consent_date` has 2).
pub(crate) const MAX_FIELD_DEPTH: usize = 4;

/// What is wrong with a url-encoded form body, if anything: a NUL character, or a field
/// name longer or deeper than any form of ours has. Checked before any handler reads it.
pub(crate) fn form_problem(body: &[u8]) -> Option<String> {
    for (k, v) in form_urlencoded::parse(body) {
        if k.contains('\0') || v.contains('\0') {
            return Some(NUL_MESSAGE.into());
        }
        if k.chars().count() > MAX_FIELD_NAME || k.split('.').count() > MAX_FIELD_DEPTH {
            return Some(format!(
                "A form field name may have at most {MAX_FIELD_NAME} characters and {MAX_FIELD_DEPTH} parts"
            ));
        }
    }
    None
}

/// A form's date boxes (`X-day`, `X-month`, `X-year`) as the one field `X` that handlers
/// read: `YYYY-MM-DD`, zero-padded, when the three are numbers; the parts as typed, joined
/// by `-`, when they are not (so the date is refused beside its boxes and shown again as
/// typed); nothing when all three are empty. Other fields keep their order.
pub(crate) fn join_date_parts(form: &[u8]) -> Option<Vec<u8>> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(form).into_owned().collect();
    let part = |base: &str, which: &str| {
        pairs
            .iter()
            .find(|(k, _)| k.strip_suffix(which) == Some(base))
            .map_or("", |(_, v)| v.trim())
    };
    let bases: Vec<&str> = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_suffix("-day"))
        .collect();
    if bases.is_empty() {
        return None;
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        if let Some(base) = k.strip_suffix("-day") {
            let (d, m, y) = (v.trim(), part(base, "-month"), part(base, "-year"));
            let digits = |s: &str, n: usize| {
                !s.is_empty() && s.len() <= n && s.bytes().all(|b| b.is_ascii_digit())
            };
            let joined = if d.is_empty() && m.is_empty() && y.is_empty() {
                String::new()
            } else if digits(d, 2) && digits(m, 2) && y.len() == 4 && digits(y, 4) {
                format!("{y}-{m:0>2}-{d:0>2}")
            } else {
                format!("{y}-{m}-{d}")
            };
            out.append_pair(base, &joined);
        } else if !["-month", "-year"]
            .iter()
            .any(|w| k.strip_suffix(w).is_some_and(|b| bases.contains(&b)))
        {
            out.append_pair(k, v);
        }
    }
    Some(out.finish().into_bytes())
}

/// Whether JSON text holds an escaped NUL (`\u0000`): a backslash that is not itself
/// escaped, then `u0000`.
pub(crate) fn has_nul_escape(json: &[u8]) -> bool {
    json.windows(6).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"\\u0000")
            && json[..i].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
    })
}

/// Refuses a query string that carries a NUL (`%00`), for every route, before any
/// handler passes it to the database.
async fn refuse_nul_in_query(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let query = req.uri().query().unwrap_or_default().to_ascii_lowercase();
    if !query.contains("%00") {
        return next.run(req).await;
    }
    if req.uri().path().starts_with("/api/") {
        crate::error::api_error(StatusCode::BAD_REQUEST, "bad_request", NUL_MESSAGE)
    } else {
        html::error_page(&crate::error::AppError::BadRequest(NUL_MESSAGE.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::{form_problem, has_nul_escape};

    #[test]
    fn form_field_names_are_bounded() {
        assert_eq!(
            form_problem(b"tenant.name=A&joint_tenants%5B0%5D.consent_date=x"),
            None
        );
        assert!(form_problem(b"a.b.c.d.e=1").is_some());
        assert!(form_problem(&[b"x".repeat(101), b"=1".to_vec()].concat()).is_some());
        assert!(form_problem(b"name=a%00b").is_some_and(|m| m.contains("NUL")));
    }

    #[test]
    fn date_boxes_become_one_field() {
        let joined = |s: &str| {
            super::join_date_parts(s.as_bytes()).map(|b| String::from_utf8(b).unwrap_or_default())
        };
        assert_eq!(
            joined("a=1&b=2"),
            None,
            "a form without date boxes stays as it is"
        );
        assert_eq!(
            joined("_csrf=t&tenancy.end_date-day=8&tenancy.end_date-month=2&tenancy.end_date-year=2024&x=y")
                .as_deref(),
            Some("_csrf=t&tenancy.end_date=2024-02-08&x=y")
        );
        assert_eq!(
            joined("date-day=&date-month=&date-year=").as_deref(),
            Some("date="),
            "three empty boxes are no date"
        );
        assert_eq!(
            joined("date-day=31&date-month=feb&date-year=24").as_deref(),
            Some("date=24-feb-31"),
            "what is not a date is kept as typed, to be refused"
        );
        assert_eq!(
            joined("d.x-day=1&d.x-month=12&d.x-year=2025&e-month=3").as_deref(),
            Some("d.x=2025-12-01&e-month=3")
        );
    }

    #[test]
    fn finds_escaped_nul_but_not_an_escaped_backslash() {
        assert!(has_nul_escape(br#"{"text": "a\u0000b"}"#));
        assert!(
            has_nul_escape(br#"{"text": "\\\u0000"}"#),
            "escaped backslash, then an escaped NUL"
        );
        assert!(
            !has_nul_escape(br#"{"text": "a\\u0000b"}"#),
            "a backslash, then the letters u0000"
        );
        assert!(!has_nul_escape(br#"{"text": "\u00e9"}"#));
    }
}

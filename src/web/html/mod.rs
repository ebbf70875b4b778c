//! The pages for volunteers: sign-in, case list, intake, case page, edit.

mod account;
mod admin;
mod admin_audit;
mod auth;
mod case_actions;
mod case_done;
mod case_edit;
mod case_form;
mod case_page;
mod case_timeline;
mod cases;
mod letters;
mod notices;
mod portal;
mod referral;
mod resets;
mod staff_portal;
mod transition_form;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

pub use notices::Notice;

use super::session::Visitor;
use super::templates;
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::AppError;

/// Largest upload body: the biggest document plus room for the form around it.
const UPLOAD_LIMIT: usize = crate::service::portal::MAX_DOCUMENT_BYTES + 64 * 1024;

/// Page routes. They need the [`super::session::visitor`] layer.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(staff_routes())
        .merge(tenant_routes())
        .merge(admin_routes())
}

/// Volunteers' and coordinators' pages: home, cases, letters, documents.
fn staff_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(cases::home))
        .route("/login", get(auth::login_page).post(auth::login))
        .route(
            "/reset/{token}",
            get(resets::reset_page).post(resets::reset),
        )
        .route("/logout", post(auth::logout))
        .route("/cases", get(cases::list).post(case_edit::create))
        .route("/cases.csv", get(cases::export))
        .route("/letters.csv", get(cases::export_letters))
        .route("/cases/new", get(case_edit::new_form))
        .route("/cases/{id}", get(cases::show))
        .route(
            "/cases/{id}/edit",
            get(case_edit::edit_form).post(case_edit::update),
        )
        .route("/cases/{id}/notes", post(case_actions::add_note))
        .route(
            "/cases/{id}/scheme-checks",
            post(case_actions::add_scheme_check),
        )
        .route("/cases/{id}/assignees", post(case_actions::assign))
        .route("/cases/{id}/take", post(case_actions::take))
        .route("/cases/bulk", post(cases::bulk))
        .route(
            "/cases/{id}/move",
            get(case_actions::move_form).post(case_actions::move_case),
        )
        .route("/cases/{id}/letters", post(letters::create))
        .route("/cases/{id}/letters/new", get(letters::new_letter))
        .route("/letters/{id}/pdf", get(letters::download))
        .route("/letters/{id}/sent", post(letters::sent))
        .route("/letters/batch", post(letters::batch))
        .route("/letters/wording", get(letters::wording_overview))
        .route(
            "/letters/wording/{group}/{kind}",
            get(letters::wording).post(letters::save_wording),
        )
        .route(
            "/cases/{id}/access-code",
            get(staff_portal::replace_code).post(staff_portal::issue_code),
        )
        .route("/cases/{id}/messages", post(staff_portal::reply))
        .route(
            "/cases/{id}/documents",
            post(staff_portal::staff_upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/documents/{id}", get(staff_portal::staff_document))
        .route(
            "/documents/{id}/visibility",
            post(staff_portal::document_visibility),
        )
}

/// The tenant's pages and the online request for help: no account needed.
fn tenant_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/status",
            get(portal::status_login_page).post(portal::status_login),
        )
        .route("/status/case", get(portal::status_page))
        .route("/status/sign-out", post(portal::status_sign_out))
        .route("/status/letters/{id}", get(portal::tenant_letter))
        .route("/status/documents/{id}", get(portal::tenant_document))
        .route("/status/messages", post(portal::tenant_message))
        .route(
            "/status/documents",
            post(portal::tenant_upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/status/sheet", post(portal::sheet))
        .route(
            "/get-help",
            get(referral::help_start).post(referral::help_step),
        )
}

/// Everyone's own account, and the admin pages.
fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route(
            "/admin/users/{id}",
            get(admin::edit_user).post(admin::update_user),
        )
        .route(
            "/admin/users/{id}/disable",
            get(admin::confirm_disable).post(admin::disable),
        )
        .route("/admin/users/{id}/enable", post(admin::enable))
        .route("/admin/users/{id}/reset-link", post(resets::make_link))
        .route(
            "/admin/groups",
            get(admin::groups).post(admin::create_group),
        )
        .route(
            "/admin/groups/{id}",
            get(admin::group).post(admin::update_group),
        )
        .route("/admin/audit", get(admin_audit::audit))
        .route("/admin/audit.csv", get(admin_audit::export))
}

/// The value of a form field, if sent.
pub(super) fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The value of a form field; empty when not sent.
pub(super) fn form_field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    form_value(pairs, name).unwrap_or_default()
}

/// A field error as the error summary lists it.
#[derive(Debug, Serialize)]
struct SummaryItem<'a> {
    field: &'a str,
    message: &'a str,
}

/// A case as pages name it in a heading or a link.
#[derive(Debug, Serialize)]
pub(super) struct CaseRef {
    /// Id.
    pub id: uuid::Uuid,
    /// Reference, e.g. TC-2026-00042.
    pub reference: String,
}

impl Choice {
    /// Every value of an enum as choices: its machine name and its words.
    pub fn all<T: Copy>(
        all: &[T],
        value: fn(T) -> &'static str,
        label: fn(T) -> &'static str,
    ) -> Vec<Choice> {
        all.iter()
            .map(|t| Choice {
                value: value(*t),
                label: label(*t).into(),
            })
            .collect()
    }
}

impl CaseRef {
    /// The case's id and reference.
    pub fn of(case: &crate::domain::CaseRecord) -> Self {
        CaseRef {
            id: case.id,
            reference: case.reference.to_string(),
        }
    }
}

/// A value to choose on a form, and its words.
#[derive(Debug, serde::Serialize)]
pub(super) struct Choice {
    /// What the form sends.
    pub value: &'static str,
    /// What people read.
    pub label: std::borrow::Cow<'static, str>,
}

/// What a form's use case came to, as the answer to the browser. Done: a redirect to where
/// `to` says. Refused for its fields: the form again, drawn by `again` with the errors beside
/// their fields and what was typed kept, answered 422. Anything else: an error page.
pub(super) async fn form_outcome<T>(
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> String,
    again: impl AsyncFnOnce(&FieldErrors) -> PageResult,
) -> PageResult {
    match result {
        Ok(done) => Ok(Redirect::to(&to(done)).into_response()),
        Err(AppError::Invalid(errors)) => again(&errors).await,
        Err(e) => Err(e.into()),
    }
}

/// The address of `path` on this site, as the visitor reached it (for links to hand on).
/// A Host header with anything but a host name's characters gives `localhost`.
pub(super) fn site_url(headers: &axum::http::HeaderMap, visitor: &Visitor, path: &str) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if visitor.secure { "https" } else { "http" };
    format!("{scheme}://{host}{path}")
}

/// The status a form's page is drawn with: 200 when it is new, 422 when it comes back with
/// errors.
pub(super) fn form_status(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The signed-in user, as the layout's navigation shows them.
#[derive(Debug, Serialize)]
struct LayoutUser<'a> {
    name: &'a str,
    admin: bool,
    manager: bool,
}

/// A page's template and its view as JSON. In debug builds every page carries it as a
/// response extension, which never goes on the wire: the snapshot tests read it.
#[derive(Debug, Clone)]
pub struct PageView {
    /// The template that drew the page.
    pub template: String,
    /// The view it was drawn from.
    pub view: serde_json::Value,
}

/// The names every page's layout is given: a view must not have fields of these names.
const LAYOUT_NAMES: [&str; 6] = ["user", "tenant", "csrf", "error_list", "errors", "done"];

/// Renders a page: `template` with its typed view `data`, plus what the layout needs (the
/// user, the CSRF token, the error summary).
fn page(
    status: StatusCode,
    template: &str,
    visitor: Option<&Visitor>,
    errors: &FieldErrors,
    data: &impl Serialize,
) -> PageResult {
    // Dates on pages are typed in day, month and year boxes, not as the API's YYYY-MM-DD.
    let errors = &errors.reworded(
        crate::domain::dates::BAD_DATE,
        crate::domain::dates::BAD_DATE_ON_PAGES,
    );
    let mut ctx = templates::context(data)?;
    // The layout's names would silently replace a view's field of the same name.
    if let Some(name) = LAYOUT_NAMES.iter().find(|n| ctx.contains_key(n)) {
        return Err(
            anyhow::anyhow!("{template}: the view's field `{name}` is a layout name").into(),
        );
    }
    let user = visitor
        .and_then(|v| v.session.as_ref())
        .map(|s| LayoutUser {
            name: &s.principal.name,
            admin: s.principal.is_admin(),
            manager: s.principal.manages_users(),
        });
    ctx.insert("user", &user);
    ctx.insert("tenant", &visitor.is_some_and(|v| v.tenant.is_some()));
    ctx.insert("csrf", &visitor.map(|v| v.csrf.as_str()).unwrap_or(""));
    ctx.insert(
        "done",
        &visitor.and_then(|v| v.done).map(notices::Notice::banner),
    );
    let mut list: Vec<SummaryItem> = errors
        .iter()
        .map(|(field, message)| SummaryItem { field, message })
        .collect();
    ctx.insert("error_list", &list);
    ctx.insert("errors", errors);
    let mut body = templates::render(template, &ctx)?;
    // The summary lists the problems in the order their fields come on the page, which
    // only the drawn page knows: a form with several problems is drawn twice.
    if list.len() > 1 {
        let at = |field: &str| {
            let exact = body.find(&format!("id=\"{field}\""));
            let part = || body.find(&format!("id=\"{field}-"));
            exact.or_else(part).unwrap_or(usize::MAX)
        };
        let before: Vec<&str> = list.iter().map(|i| i.field).collect();
        list.sort_by_key(|i| at(i.field));
        if list.iter().map(|i| i.field).ne(before) {
            ctx.insert("error_list", &list);
            body = templates::render(template, &ctx)?;
        }
    }
    let mut response = (status, Html(body)).into_response();
    if cfg!(debug_assertions) {
        let view = serde_json::to_value(data).map_err(|e| AppError::Internal(e.into()))?;
        response.extensions_mut().insert(PageView {
            template: template.to_string(),
            view,
        });
    }
    Ok(response)
}

/// What `error.html` shows.
#[derive(Debug, Serialize)]
struct ErrorView<'a> {
    title: &'a str,
    message: &'a str,
}

/// A page for an error, without the user's navigation.
pub fn error_page(err: &AppError) -> Response {
    err.log();
    let (title, message) = match err {
        AppError::NotFound => (
            "Page not found".to_string(),
            "If you typed the web address, check it is correct.".to_string(),
        ),
        AppError::Forbidden(m) => ("You cannot do that".to_string(), m.clone()),
        AppError::Unauthorized => (
            "Sign in".to_string(),
            "You need to sign in to see this page.".to_string(),
        ),
        e if e.status().is_server_error() => (
            "Sorry, there is a problem".to_string(),
            "Something went wrong on our side. Please try again later.".to_string(),
        ),
        e => ("There is a problem".to_string(), e.public_message()),
    };
    let data = ErrorView {
        title: &title,
        message: &message,
    };
    page(err.status(), "error.html", None, &FieldErrors::default(), &data).unwrap_or_else(|_| {
        (err.status(), Html(format!("<!DOCTYPE html><html lang=\"en-GB\"><title>{title}</title><main><h1>{title}</h1></main></html>")))
            .into_response()
    })
}

/// An [`AppError`] answered as an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

/// The answer to any page that does not exist.
pub async fn not_found() -> Response {
    error_page(&AppError::NotFound)
}

/// Result of a page handler.
type PageResult = Result<Response, PageError>;

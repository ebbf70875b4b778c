//! Tenants' pages: the status sign-in and page, messages, uploads and the "Your case"
//! sheet. The online request for help is in `referral.rs`; the staff side of the same
//! things on a case (access codes, replies, documents) in `staff_portal.rs`.

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use super::{Choice, PageResult, form_outcome, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::service::portal::{self, TenantSignIn, Uploader};
use crate::web::parse_id as id_of;
use crate::web::session::{
    CSRF_FIELD, TENANT_COOKIE, Tenant, Visitor, check_upload_csrf, set_cookie,
};

use super::form_field as field;

/// The address of the status page, as the tenant reached us.
fn status_url(headers: &HeaderMap, visitor: &Visitor) -> String {
    super::site_url(headers, visitor, "/status")
}

/// The reference and code typed on a form, with what checks them.
fn attempt<'a>(
    state: &'a AppState,
    visitor: &'a Visitor,
    pairs: &'a [(String, String)],
) -> portal::Attempt<'a> {
    portal::Attempt {
        key: &state.config.secret,
        address: visitor.address.as_deref(),
        reference: field(pairs, "reference"),
        code: field(pairs, "code"),
    }
}

/// A document as a download.
pub(super) fn document_response(file: portal::DocumentFile) -> Response {
    crate::web::file_response(file.bytes, &file.file_name, &file.content_type)
}

/// What `tenant/login.html` shows: the reference typed, kept. The access code never is.
#[derive(Debug, Serialize)]
struct TenantLoginPage<'a> {
    values: ReferenceTyped<'a>,
}

/// The reference as typed.
#[derive(Debug, Serialize)]
struct ReferenceTyped<'a> {
    reference: &'a str,
}

fn login_page(
    visitor: &Visitor,
    status: StatusCode,
    errors: &FieldErrors,
    reference: &str,
) -> PageResult {
    let data = TenantLoginPage {
        values: ReferenceTyped { reference },
    };
    page(status, "tenant/login.html", Some(visitor), errors, &data)
}

pub async fn status_login_page(visitor: Visitor) -> PageResult {
    if visitor.tenant.is_some() {
        return Ok(Redirect::to("/status/case").into_response());
    }
    login_page(&visitor, StatusCode::OK, &FieldErrors::default(), "")
}

fn refusal_page(visitor: &Visitor, refusal: TenantSignIn, reference: &str) -> PageResult {
    match refusal {
        TenantSignIn::Refused(errors) => login_page(
            visitor,
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors,
            reference,
        ),
        TenantSignIn::Throttled { minutes } => login_page(
            visitor,
            StatusCode::TOO_MANY_REQUESTS,
            &FieldErrors::single(
                "reference",
                format!(
                    "There have been too many tries. Wait {minutes} minutes, then try again, or contact us."
                ),
            ),
            reference,
        ),
        TenantSignIn::SignedIn(_) => {
            Err(AppError::Internal(anyhow::anyhow!("not a refusal")).into())
        }
    }
}

pub async fn status_login(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let reference = field(&pairs, "reference");
    let outcome = portal::sign_in(
        &state.db,
        state.clock.as_ref(),
        attempt(&state, &visitor, &pairs),
    )
    .await?;
    match outcome {
        TenantSignIn::SignedIn(token) => {
            let mut res = Redirect::to("/status/case").into_response();
            res.headers_mut().append(
                SET_COOKIE,
                set_cookie(TENANT_COOKIE, Some(&token), visitor.secure),
            );
            Ok(res)
        }
        refusal => refusal_page(&visitor, refusal, reference),
    }
}

/// What the tenant typed into the status page's forms, shown again beside an error.
#[derive(Debug, Default, Clone, Copy, Serialize)]
struct TenantDrafts<'a> {
    /// A message.
    message: &'a str,
    /// What a document is.
    description: &'a str,
}

/// Everything `tenant/status.html` shows.
#[derive(Debug, Serialize)]
struct StatusPage<'a> {
    /// The tenant's view of their case.
    s: portal::StatusView,
    /// What was typed.
    values: TenantDrafts<'a>,
    /// What just happened, if anything.
    notice: &'static str,
    /// What a document can be.
    kinds: Vec<Choice>,
}

async fn status_view(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    status: StatusCode,
    errors: &FieldErrors,
    values: TenantDrafts<'_>,
    sent: &str,
) -> PageResult {
    let case = portal::status(
        &state.db,
        &state.memos,
        state.clock.as_ref(),
        &tenant.session,
    )
    .await?;
    let notice = match sent {
        "message" => "Your message was sent. We will reply here.",
        "document" => "Your document was sent. Thank you.",
        _ => "",
    };
    let data = StatusPage {
        s: case,
        values,
        notice,
        kinds: DOCUMENT_KINDS
            .iter()
            .map(|k| Choice {
                value: k,
                label: (*k).into(),
            })
            .collect(),
    };
    page(status, "tenant/status.html", Some(visitor), errors, &data)
}

/// What a tenant can say a document is.
const DOCUMENT_KINDS: [&str; 6] = [
    "Tenancy agreement",
    "Inventory or check-in report",
    "Photos of the home",
    "Proof I paid the deposit",
    "Letter or e-mail from my landlord or agent",
    "Something else",
];

pub async fn status_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    status_view(
        &state,
        &visitor,
        &tenant,
        StatusCode::OK,
        &FieldErrors::default(),
        TenantDrafts::default(),
        field(&pairs, "sent"),
    )
    .await
}

pub async fn status_sign_out(State(state): State<AppState>, visitor: Visitor) -> PageResult {
    if let Some(t) = &visitor.tenant {
        portal::sign_out(&state.db, t).await?;
    }
    let mut res = Redirect::to("/status").into_response();
    res.headers_mut()
        .append(SET_COOKIE, set_cookie(TENANT_COOKIE, None, visitor.secure));
    Ok(res)
}

pub async fn tenant_letter(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> PageResult {
    let (bytes, name) = portal::letter_pdf(&state.db, &tenant.session, id_of(&id)?).await?;
    Ok(crate::web::pdf_response(bytes, &name))
}

pub async fn tenant_document(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> PageResult {
    let file =
        portal::tenant_document(&state.db, &state.store, &tenant.session, id_of(&id)?).await?;
    Ok(document_response(file))
}

pub async fn tenant_message(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let text = field(&pairs, "message");
    let result = portal::send_message(&state.db, state.clock.as_ref(), &tenant.session, text).await;
    let drafts = TenantDrafts {
        message: text,
        ..TenantDrafts::default()
    };
    let to = "/status/case?sent=message#messages";
    tenant_form_outcome(&state, &visitor, &tenant, result, to, drafts).await
}

/// A tenant's form answered: on to `to`, or the status page again (422) with the errors
/// and what was typed.
async fn tenant_form_outcome(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    result: Result<(), AppError>,
    to: &str,
    drafts: TenantDrafts<'_>,
) -> PageResult {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    form_outcome(
        result,
        |()| to.into(),
        async |e| status_view(state, visitor, tenant, status, e, drafts, "").await,
    )
    .await
}

/// A multipart upload form, read whole: its text fields and its one file.
pub(super) struct Upload {
    pub(super) fields: Vec<(String, String)>,
    file_name: String,
    bytes: Vec<u8>,
}

impl Upload {
    pub(super) fn document(&self) -> portal::NewDocument<'_> {
        portal::NewDocument {
            file_name: &self.file_name,
            bytes: &self.bytes,
            description: Some(field(&self.fields, "description")),
        }
    }
}

/// Reads an upload form. A body over the size limit becomes a field error on `file`.
pub(super) async fn read_upload(
    visitor: &Visitor,
    mut form: Multipart,
) -> Result<Result<Upload, FieldErrors>, AppError> {
    let mut up = Upload {
        fields: Vec::new(),
        file_name: String::new(),
        bytes: Vec::new(),
    };
    let too_big = || {
        FieldErrors::single(
            "file",
            format!(
                "The file must be smaller than {} MB",
                portal::MAX_DOCUMENT_MB
            ),
        )
    };
    loop {
        let next = match form.next_field().await {
            Ok(next) => next,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(Err(too_big())),
            Err(e) => {
                return Err(AppError::BadRequest(format!(
                    "The upload could not be read: {e}"
                )));
            }
        };
        let Some(f) = next else { break };
        let name = f.name().unwrap_or_default().to_string();
        if name == "file" {
            up.file_name = f.file_name().unwrap_or_default().to_string();
            match f.bytes().await {
                Ok(b) => up.bytes = b.to_vec(),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(Err(too_big())),
                Err(e) => {
                    return Err(AppError::BadRequest(format!(
                        "The upload could not be read: {e}"
                    )));
                }
            }
        } else {
            let text = f
                .text()
                .await
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            if text.contains('\0') {
                return Err(AppError::BadRequest(crate::web::NUL_MESSAGE.into()));
            }
            up.fields.push((name, text));
        }
    }
    check_upload_csrf(visitor, Some(field(&up.fields, CSRF_FIELD)))?;
    Ok(Ok(up))
}

pub async fn tenant_upload(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    form: Multipart,
) -> PageResult {
    let up = read_upload(&visitor, form).await?;
    let result = match &up {
        Err(e) => Err(AppError::Invalid(e.clone())),
        Ok(up) => portal::upload(
            &state.db,
            state.clock.as_ref(),
            &state.store,
            Uploader::Tenant(&tenant.session),
            up.document(),
        )
        .await
        .map(|_| ()),
    };
    let drafts = TenantDrafts {
        description: up.as_ref().map_or("", |u| field(&u.fields, "description")),
        ..TenantDrafts::default()
    };
    let to = "/status/case?sent=document#documents";
    tenant_form_outcome(&state, &visitor, &tenant, result, to, drafts).await
}

pub async fn sheet(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let reference = field(&pairs, "reference");
    let outcome = portal::sheet(
        &state.db,
        state.clock.as_ref(),
        attempt(&state, &visitor, &pairs),
        &status_url(&headers, &visitor),
    )
    .await?;
    match outcome {
        Ok(bytes) => Ok(crate::web::pdf_response(
            bytes,
            &format!("{}-your-case.pdf", reference.trim()),
        )),
        Err(refusal) => refusal_page(&visitor, refusal, reference),
    }
}

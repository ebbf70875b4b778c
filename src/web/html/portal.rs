//! Tenants' pages: the status sign-in and page, messages, uploads, the "Your case"
//! sheet, and the online request for help. Staff pages for the same things on a case:
//! access codes, replies, documents.

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::header::{HOST, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Choice, PageResult, page, view};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::service::portal::{self, TenantSignIn, Uploader};
use crate::service::referral::{self, Referral};
use crate::web::parse_id as id_of;
use crate::web::session::{
    CSRF_FIELD, SignedIn, TENANT_COOKIE, Tenant, Visitor, check_upload_csrf, set_cookie,
};

use super::form_field as field;

/// The address of the status page, as the tenant reached us.
fn status_url(headers: &HeaderMap, visitor: &Visitor) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if visitor.secure { "https" } else { "http" };
    format!("{scheme}://{host}/status")
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
fn document_response(file: portal::DocumentFile) -> Response {
    crate::web::file_response(file.bytes, &file.file_name, &file.content_type)
}

fn login_page(
    visitor: &Visitor,
    status: StatusCode,
    errors: &FieldErrors,
    reference: &str,
) -> PageResult {
    Ok(page(
        status,
        "tenant/login.html",
        Some(visitor),
        errors,
        json!({"values": {"reference": reference}}),
    )?)
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
    let case = portal::status(&state.db, state.clock.as_ref(), &tenant.session).await?;
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
    Ok(page(
        status,
        "tenant/status.html",
        Some(visitor),
        errors,
        view(&data)?,
    )?)
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
    match portal::send_message(&state.db, state.clock.as_ref(), &tenant.session, text).await {
        Ok(()) => Ok(Redirect::to("/status/case?sent=message#messages").into_response()),
        Err(AppError::Invalid(e)) => {
            status_view(
                &state,
                &visitor,
                &tenant,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                TenantDrafts {
                    message: text,
                    ..TenantDrafts::default()
                },
                "",
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A multipart upload form, read whole: its text fields and its one file.
struct Upload {
    fields: Vec<(String, String)>,
    file_name: String,
    bytes: Vec<u8>,
}

impl Upload {
    fn document(&self) -> portal::NewDocument<'_> {
        portal::NewDocument {
            file_name: &self.file_name,
            bytes: &self.bytes,
            description: Some(field(&self.fields, "description")),
        }
    }
}

/// Reads an upload form. A body over the size limit becomes a field error on `file`.
async fn read_upload(
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
    match result {
        Ok(()) => Ok(Redirect::to("/status/case?sent=document#documents").into_response()),
        Err(AppError::Invalid(e)) => {
            let description = up.as_ref().map_or("", |u| field(&u.fields, "description"));
            status_view(
                &state,
                &visitor,
                &tenant,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                TenantDrafts {
                    description,
                    ..TenantDrafts::default()
                },
                "",
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
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

// ---- Asking for help online ----

const STEP_FIELDS: [(&str, &[&str]); 6] = [
    ("nation", &["nation"]),
    ("postcode", &["postcode"]),
    ("name", &["name"]),
    ("contact", &["email", "phone"]),
    (
        "deposit",
        &["deposit", "paid_day", "paid_month", "paid_year"],
    ),
    ("problem", &["problem", "details"]),
];

const ANSWER_FIELDS: [&str; 12] = [
    "nation",
    "postcode",
    "name",
    "email",
    "phone",
    "deposit",
    "paid_day",
    "paid_month",
    "paid_year",
    "problem",
    "details",
    "consent",
];

fn answers(pairs: &[(String, String)]) -> Referral {
    let map: Map<String, Value> = ANSWER_FIELDS
        .iter()
        .map(|k| (k.to_string(), json!(field(pairs, k))))
        .collect();
    serde_json::from_value(Value::Object(map)).unwrap_or_default()
}

pub async fn help_start(visitor: Visitor) -> PageResult {
    Ok(page(
        StatusCode::OK,
        "help/start.html",
        Some(&visitor),
        &FieldErrors::default(),
        json!({}),
    )?)
}

/// One question's page: its number, its fields, and every other answer carried along
/// in hidden fields (nothing is kept on the server until the request is sent).
fn step_page(
    visitor: &Visitor,
    step: &str,
    r: &Referral,
    status: StatusCode,
    errors: &FieldErrors,
    returning: bool,
) -> PageResult {
    let index = referral::STEPS.iter().position(|s| *s == step).unwrap_or(0);
    let own = STEP_FIELDS[index].1;
    let values = serde_json::to_value(r).unwrap_or_default();
    let hidden: Vec<Value> = ANSWER_FIELDS
        .iter()
        .filter(|k| !own.contains(k) && **k != "consent")
        .map(|k| json!({"name": k, "value": values.get(*k).cloned().unwrap_or(json!(""))}))
        .collect();
    let problems: Vec<Value> = referral::PROBLEMS
        .iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect();
    Ok(page(
        status,
        "help/step.html",
        Some(visitor),
        errors,
        json!({"step": referral::STEPS[index], "number": index + 1, "total": referral::STEPS.len(),
               "values": values, "hidden": hidden, "returning": returning, "problems": problems}),
    )?)
}

fn check_page(
    visitor: &Visitor,
    r: &Referral,
    status: StatusCode,
    errors: &FieldErrors,
) -> PageResult {
    let values = serde_json::to_value(r).unwrap_or_default();
    let hidden: Vec<Value> = ANSWER_FIELDS
        .iter()
        .filter(|k| **k != "consent")
        .map(|k| json!({"name": k, "value": values.get(*k).cloned().unwrap_or(json!(""))}))
        .collect();
    let problem = referral::PROBLEMS
        .iter()
        .find(|(v, _)| *v == r.problem)
        .map_or("", |(_, l)| l);
    let nation = match r.nation.as_str() {
        "england" => "England",
        "wales" => "Wales",
        "scotland" => "Scotland",
        _ => "",
    };
    let paid = [&r.paid_day, &r.paid_month, &r.paid_year]
        .iter()
        .all(|p| !p.trim().is_empty())
        .then(|| {
            format!(
                "{}/{}/{}",
                r.paid_day.trim(),
                r.paid_month.trim(),
                r.paid_year.trim()
            )
        });
    let contact: Vec<&str> = [r.email.trim(), r.phone.trim()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    let deposit = crate::domain::Money::parse_pounds(&r.deposit)
        .map_or_else(|_| r.deposit.clone(), |m| m.to_string());
    let deposit = match paid {
        Some(p) => format!("{deposit}, paid on {p}"),
        None => deposit,
    };
    let happened = if r.details.trim().is_empty() {
        problem.to_string()
    } else {
        format!("{problem}.\n{}", r.details.trim())
    };
    let row =
        |step: &str, key: &str, value: &str| json!({"step": step, "key": key, "value": value});
    let rows = [
        row("nation", "Where the home is", nation),
        row("postcode", "Postcode", r.postcode.trim()),
        row("name", "Your name", r.name.trim()),
        row("contact", "How to contact you", &contact.join(", ")),
        row("deposit", "Deposit", &deposit),
        row("problem", "What has happened", &happened),
    ];
    Ok(page(
        status,
        "help/check.html",
        Some(visitor),
        errors,
        json!({"values": values, "hidden": hidden, "rows": rows}),
    )?)
}

pub async fn help_step(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = answers(&pairs);
    let today = state.clock.today();
    let step = field(&pairs, "step");
    let go = field(&pairs, "go");
    let returning = field(&pairs, "returning") == "yes";
    let index = referral::STEPS.iter().position(|s| *s == step);
    let ok = StatusCode::OK;
    let none = FieldErrors::default();
    if let Some(target) = go.strip_prefix("change-") {
        let target = referral::STEPS
            .iter()
            .copied()
            .find(|s| *s == target)
            .unwrap_or("nation");
        return step_page(&visitor, target, &r, ok, &none, true);
    }
    match (step, go, index) {
        ("start", _, _) => step_page(&visitor, "nation", &r, ok, &none, false),
        ("check", "back", _) => step_page(&visitor, "problem", &r, ok, &none, false),
        // The honeypot: a field people never see. Whatever fills it in is not a tenant.
        ("check", _, _) if !field(&pairs, "website").is_empty() => {
            tracing::warn!("online request refused: the honeypot was filled in");
            Err(AppError::BadRequest("Your request could not be sent.".into()).into())
        }
        ("check", _, _) => submit_help(&state, &visitor, &r).await,
        (_, "back", Some(0)) => help_start(visitor).await,
        (_, "back", Some(i)) => step_page(&visitor, referral::STEPS[i - 1], &r, ok, &none, false),
        (_, _, Some(i)) => {
            let errors = referral::check_step(step, &r, today);
            if !errors.is_empty() {
                return step_page(
                    &visitor,
                    step,
                    &r,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &errors,
                    returning,
                );
            }
            // Onwards: the next question; after a change, the first answer still
            // missing; else the answers to check.
            let next = if returning {
                referral::first_unanswered(&r, today)
            } else {
                referral::STEPS.get(i + 1).copied()
            };
            match next {
                Some(next) => step_page(&visitor, next, &r, ok, &none, returning),
                None => check_page(&visitor, &r, ok, &none),
            }
        }
        _ => help_start(visitor).await,
    }
}

async fn submit_help(state: &AppState, visitor: &Visitor, r: &Referral) -> PageResult {
    let result = referral::submit(
        &state.db,
        state.clock.as_ref(),
        &state.config.secret,
        visitor.address.as_deref(),
        r,
    )
    .await;
    match result {
        Ok(done) => Ok(page(
            StatusCode::OK,
            "help/done.html",
            Some(visitor),
            &FieldErrors::default(),
            json!({"reference": done.reference, "code": done.code, "group": done.group}),
        )?),
        Err(AppError::Invalid(e)) if e.contains("consent") => {
            check_page(visitor, r, StatusCode::UNPROCESSABLE_ENTITY, &e)
        }
        Err(AppError::Invalid(e)) => {
            // A problem the page checks let through: show it on the page that asks for it.
            let step = e
                .iter()
                .next()
                .map_or("nation", |(field, _)| referral::step_of(field));
            step_page(visitor, step, r, StatusCode::UNPROCESSABLE_ENTITY, &e, true)
        }
        Err(AppError::TooMany(m)) => check_page(
            visitor,
            r,
            StatusCode::TOO_MANY_REQUESTS,
            &FieldErrors::single("consent", m),
        ),
        Err(e) => Err(e.into()),
    }
}

// ---- Staff pages ----

pub async fn issue_code(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let id = id_of(&id)?;
    let code = portal::issue_code(
        &state.db,
        state.clock.as_ref(),
        &state.config.secret,
        &user.principal,
        id,
    )
    .await?;
    let case = crate::service::cases::get(&state.db, &state.reads, &user.principal, id)
        .await?
        .case;
    Ok(page(
        StatusCode::OK,
        "cases/access_code.html",
        Some(&visitor),
        &FieldErrors::default(),
        json!({"case": {"id": case.id, "reference": case.reference.to_string(),
                        "tenant": case.facts.tenant.name}, "code": code}),
    )?)
}

pub async fn reply(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = id_of(&id)?;
    let text = field(&pairs, "message");
    let result = portal::reply(&state.db, state.clock.as_ref(), &user.principal, id, text).await;
    let drafts = super::case_page::Drafts {
        reply: text,
        ..super::case_page::Drafts::default()
    };
    super::cases::case_form_outcome(&state, &user, &visitor, id, result, "messages", drafts).await
}

pub async fn staff_upload(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    form: Multipart,
) -> PageResult {
    let id = id_of(&id)?;
    let result = match read_upload(&visitor, form).await? {
        Err(e) => Err(AppError::Invalid(e)),
        Ok(up) => portal::upload(
            &state.db,
            state.clock.as_ref(),
            &state.store,
            Uploader::Staff(&user.principal, id),
            up.document(),
        )
        .await
        .map(|_| ()),
    };
    let drafts = super::case_page::Drafts::default();
    super::cases::case_form_outcome(&state, &user, &visitor, id, result, "documents", drafts).await
}

pub async fn staff_document(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, super::PageError> {
    let file = portal::staff_document(
        &state.db,
        &state.reads,
        &state.store,
        &user.principal,
        id_of(&id)?,
    )
    .await?;
    Ok(document_response(file))
}

pub async fn document_visibility(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let show = match field(&pairs, "visible") {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(
                AppError::BadRequest("Say whether the tenant should see it.".into()).into(),
            );
        }
    };
    let case = portal::set_visible(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id_of(&id)?,
        show,
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{case}#documents")).into_response())
}

//! Case pages: list, intake, case page, edit, notes.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::case_form::{self, FormValues};
use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::case::{ContactMethod, PartyKind, RentPeriod, Scheme};
use crate::domain::timeline::TimelineEvent;
use crate::domain::{CaseRecord, CaseStatus, FieldErrors, Jurisdiction};
use crate::error::AppError;
use crate::service::cases::{self, TimelineEntry};
use crate::web::session::{SignedIn, Visitor};

const PER_PAGE: u64 = 25;

fn case_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

pub async fn home(visitor: Visitor) -> impl IntoResponse {
    Redirect::to(if visitor.session.is_some() {
        "/cases"
    } else {
        "/login"
    })
}

pub async fn list(
    State(state): State<AppState>,
    _user: SignedIn,
    visitor: Visitor,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let (filter, errors) = match crate::web::list_filter(&pairs, PER_PAGE) {
        Ok(f) => (f, FieldErrors::default()),
        Err(e) => (
            cases::CaseFilter {
                page: 1,
                per_page: PER_PAGE,
                ..Default::default()
            },
            e,
        ),
    };
    let result = cases::list(&state.db, &filter).await?;
    let pages = result.total.div_ceil(result.per_page).max(1);
    let query = |page: u64| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(j) = filter.jurisdiction {
            q.append_pair("jurisdiction", j.as_str());
        }
        if let Some(s) = filter.status {
            q.append_pair("status", s.as_str());
        }
        if let Some(text) = &filter.q {
            q.append_pair("q", text);
        }
        q.append_pair("page", &page.to_string());
        format!("/cases?{}", q.finish())
    };
    let items: Vec<Value> = result
        .items
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "reference": c.reference, "tenant_name": c.tenant_name,
                "landlord_name": c.landlord_name, "postcode": c.postcode,
                "jurisdiction": c.jurisdiction.label(), "status": c.status.label(),
            })
        })
        .collect();
    let data = json!({
        "items": items,
        "total": result.total,
        "page": result.page,
        "pages": pages,
        "prev_url": (result.page > 1).then(|| query(result.page - 1)),
        "next_url": (result.page < pages).then(|| query(result.page + 1)),
        "filter": {
            "q": filter.q.clone().unwrap_or_default(),
            "jurisdiction": filter.jurisdiction.map(Jurisdiction::as_str).unwrap_or(""),
            "status": filter.status.map(CaseStatus::as_str).unwrap_or(""),
        },
        "choices": case_form::choices(),
    });
    Ok(page(
        StatusCode::OK,
        "cases/list.html",
        Some(&visitor),
        &errors,
        data,
    )?)
}

fn form_page(
    status: StatusCode,
    visitor: &Visitor,
    values: &FormValues,
    errors: &FieldErrors,
    case: Option<&CaseRecord>,
    notice: Option<&str>,
) -> PageResult {
    let data = json!({
        "values": values,
        "choices": case_form::choices(),
        "case": case.map(|c| json!({"id": c.id, "reference": c.reference.to_string(), "version": c.version,
                                     "status": c.status.as_str()})),
        "notice": notice,
    });
    Ok(page(
        status,
        "cases/form.html",
        Some(visitor),
        errors,
        data,
    )?)
}

/// When the form itself has problems (amounts that are not money), adds the domain's
/// findings so that every field's problem shows at once. `None` means the form is fine
/// as far as it goes and the service will validate it.
fn all_errors(
    input: &crate::domain::input::CaseInput,
    mut errors: FieldErrors,
    state: &AppState,
) -> Option<FieldErrors> {
    if errors.is_empty() {
        return None;
    }
    if let Err(e) = input.clone().validate(state.clock.today()) {
        errors.merge(e);
    }
    Some(errors)
}

pub async fn new_form(_user: SignedIn, visitor: Visitor) -> PageResult {
    form_page(
        StatusCode::OK,
        &visitor,
        &FormValues::new(),
        &FieldErrors::default(),
        None,
        None,
    )
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let values = case_form::values(pairs);
    let (input, errors) = case_form::to_input(&values);
    if let Some(errors) = all_errors(&input, errors, &state) {
        return form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &visitor,
            &values,
            &errors,
            None,
            None,
        );
    }
    match cases::intake(&state.db, state.clock.as_ref(), &user.principal, input).await {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
        Err(AppError::Invalid(e)) => form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &visitor,
            &values,
            &e,
            None,
            None,
        ),
        Err(e) => Err(e.into()),
    }
}

/// A field path in words: `deposit.amount_pence` → "deposit › amount".
fn field_label(path: &str) -> String {
    path.replace("_pence", "")
        .replace(['_'], " ")
        .replace('.', " › ")
}

fn timeline_view(entries: &[TimelineEntry]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| {
            let (title, detail) = match &e.event {
                TimelineEvent::Created { reference } => (format!("Case {reference} taken in"), json!(null)),
                TimelineEvent::Note { text } => ("Note".to_string(), json!(text)),
                TimelineEvent::Edited { changes } => (
                    "Case edited".to_string(),
                    changes
                        .iter()
                        .map(|c| json!({"field": field_label(&c.field), "from": c.from, "to": c.to}))
                        .collect(),
                ),
            };
            json!({"kind": e.event.kind(), "title": title, "detail": detail, "actor": e.actor,
                   "at": e.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()})
        })
        .collect()
}

async fn case_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    status: StatusCode,
    note_errors: &FieldErrors,
    note: &str,
) -> PageResult {
    let case = cases::get(&state.db, id).await?;
    let timeline = cases::timeline(&state.db, id).await?;
    let f = &case.facts;
    let labels = json!({
        "jurisdiction": f.tenancy.jurisdiction.label(),
        "status": case.status.label(),
        "scheme": f.deposit.scheme.map(Scheme::label),
        "rent_period": f.tenancy.rent_period.map(RentPeriod::label),
        "preferred_contact": f.tenant.preferred_contact.map(ContactMethod::label),
        "landlord_kind": f.landlord.as_ref().map(|l| l.kind).map(PartyKind::label),
    });
    let data = json!({
        "case": case,
        "labels": labels,
        "deductions_total": f.deductions_total().pence(),
        "timeline": timeline_view(&timeline),
        "note": note,
    });
    Ok(page(
        status,
        "cases/show.html",
        Some(visitor),
        note_errors,
        data,
    )?)
}

pub async fn show(
    State(state): State<AppState>,
    _user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    case_page(
        &state,
        &visitor,
        case_id(&id)?,
        StatusCode::OK,
        &FieldErrors::default(),
        "",
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    _user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let case = cases::get(&state.db, case_id(&id)?).await?;
    let values = case_form::from_facts(&case.facts);
    form_page(
        StatusCode::OK,
        &visitor,
        &values,
        &FieldErrors::default(),
        Some(&case),
        None,
    )
}

pub async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let version = pairs
        .iter()
        .find(|(k, _)| k == "_version")
        .and_then(|(_, v)| v.parse::<i32>().ok());
    let status = pairs
        .iter()
        .find(|(k, _)| k == "_status")
        .and_then(|(_, v)| CaseStatus::parse(v));
    let values = case_form::values(pairs);
    let current = cases::get(&state.db, id).await?;
    let (input, errors) = case_form::to_input(&values);
    let Some(version) = version else {
        return Err(AppError::BadRequest(
            "The form is missing its version. Reload the page.".into(),
        )
        .into());
    };
    let shown = |status, errors: &FieldErrors, case: &CaseRecord, notice| {
        form_page(status, &visitor, &values, errors, Some(case), notice)
    };
    if let Some(errors) = all_errors(&input, errors, &state) {
        let at_version = CaseRecord { version, ..current };
        return shown(StatusCode::UNPROCESSABLE_ENTITY, &errors, &at_version, None);
    }
    match cases::update(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id,
        version,
        input,
        status,
    )
    .await
    {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
        Err(AppError::Invalid(e)) => shown(StatusCode::UNPROCESSABLE_ENTITY, &e, &current, None),
        Err(AppError::Conflict(_)) => {
            // Show the user's input against the latest version: saving again is a
            // deliberate choice to replace the other person's changes.
            let notice = "Someone else changed this case after you opened it, so your changes have not been saved. \
                          Check the case page to see their changes. To replace them with yours, save again.";
            shown(
                StatusCode::CONFLICT,
                &FieldErrors::default(),
                &current,
                Some(notice),
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_note(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let text = pairs
        .into_iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v)
        .unwrap_or_default();
    match cases::add_note(&state.db, state.clock.as_ref(), &user.principal, id, &text).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#timeline")).into_response()),
        Err(AppError::Invalid(e)) => {
            case_page(
                &state,
                &visitor,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                &text,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

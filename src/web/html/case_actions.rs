//! The case page's small forms: notes, scheme look-ups, assignment and moves between
//! stages. Each answers with a redirect, or the case page again with its errors.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::case_form::{self};
use super::transition_form;
use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::workflow::{OutcomeCode, Route, Stage};
use crate::error::AppError;
use crate::service::cases::{self};
use crate::web::parse_id as case_id;
use crate::web::session::{SignedIn, Visitor};

/// The outcome of one of the case page's small forms: on success, back to `anchor` on the
/// case page; with field errors, the case page again (422) with the errors beside their
/// fields and what was typed kept in `drafts`; anything else is an error page.
pub(super) async fn case_form_outcome<T>(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    id: Uuid,
    result: Result<T, AppError>,
    anchor: &str,
    drafts: super::case_page::Drafts<'_>,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#{anchor}")).into_response()),
        Err(AppError::Invalid(e)) => {
            super::case_page::case_page(
                state,
                user,
                visitor,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                drafts,
            )
            .await
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
    let text = super::form_field(&pairs, "text").to_string();
    let result = cases::add_note(&state.db, state.clock.as_ref(), &user.principal, id, &text).await;
    let drafts = super::case_page::Drafts {
        note: &text,
        ..super::case_page::Drafts::default()
    };
    case_form_outcome(&state, &user, &visitor, id, result, "timeline", drafts).await
}

/// Records a look-up of the schemes from the small form on the case page.
pub async fn add_scheme_check(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let field = |name: &str| {
        Some(super::form_field(&pairs, name).to_string()).filter(|v| !v.trim().is_empty())
    };
    let check = crate::domain::input::SchemeCheckInput {
        date: field("check_date"),
        found: field("check_found").map(Value::String),
        scheme: field("check_scheme"),
        certificate: field("check_certificate"),
    };
    let result =
        cases::add_scheme_check(&state.db, state.clock.as_ref(), &user.principal, id, check).await;
    let drafts = super::case_page::Drafts {
        check: &pairs,
        ..super::case_page::Drafts::default()
    };
    case_form_outcome(&state, &user, &visitor, id, result, "scheme-checks", drafts).await
}

pub async fn assign(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let chosen: Result<Vec<Uuid>, _> = pairs
        .iter()
        .filter(|(k, _)| k == "assignee")
        .map(|(_, v)| Uuid::parse_str(v))
        .collect();
    let Ok(chosen) = chosen else {
        return Err(
            AppError::BadRequest("The form named someone who does not exist.".into()).into(),
        );
    };
    let result = cases::assign(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id,
        &chosen,
    )
    .await;
    case_form_outcome(
        &state,
        &user,
        &visitor,
        id,
        result,
        "assignees",
        super::case_page::Drafts::default(),
    )
    .await
}

fn move_target(pairs: &[(String, String)]) -> Result<Stage, AppError> {
    Stage::parse(super::form_field(pairs, "to")).ok_or(AppError::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "the parts of one form page")]
async fn move_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    id: Uuid,
    to: Stage,
    status: StatusCode,
    errors: &FieldErrors,
    values: Value,
) -> PageResult {
    let detail = cases::get(&state.db, &state.reads, &user.principal, id).await?;
    let case = &detail.case;
    let (next, guard) = cases::next_stages(case, state.clock.today());
    if !next.contains(&to) {
        let message = format!(
            "This case cannot move from \"{}\" to \"{}\".",
            case.stage.label(),
            to.label()
        );
        return Err(AppError::Conflict(message).into());
    }
    let late = to == Stage::Court && guard.claim_by.is_some_and(|c| guard.today > c);
    let codes: Vec<Value> = OutcomeCode::ALL
        .iter()
        .map(|c| json!({"value": c.as_str(), "label": c.label()}))
        .collect();
    let routes: Vec<Value> = Route::ALL
        .iter()
        .map(|r| json!({"value": r.as_str(), "label": r.label()}))
        .collect();
    let data = json!({
        "case": {"id": case.id, "reference": case.reference.to_string(), "stage": case.stage.label()},
        "to": {"value": to.as_str(), "label": to.label(), "tenant_label": to.tenant_label()},
        "needs_code": to == Stage::Closed,
        "needs_reason": matches!(to, Stage::Closed | Stage::Withdrawn) || late,
        "late": late,
        "claim_by": guard.claim_by.map(|d| d.to_string()),
        "needs_outcome": to == Stage::Resolved,
        "codes": codes,
        "routes": routes,
        "values": values,
    });
    Ok(page(
        status,
        "cases/move.html",
        Some(visitor),
        errors,
        data,
    )?)
}

pub async fn move_form(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let (id, to) = (case_id(&id)?, move_target(&pairs)?);
    let values = json!({"outcome.date": state.clock.today().to_string()});
    move_page(
        &state,
        &user,
        &visitor,
        id,
        to,
        StatusCode::OK,
        &FieldErrors::default(),
        values,
    )
    .await
}

pub async fn move_case(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let (id, to) = (case_id(&id)?, move_target(&pairs)?);
    let values = case_form::values(pairs.clone());
    let (req, errors) = transition_form::request(&values, to);
    let shown = json!(values);
    if !errors.is_empty() {
        return move_page(
            &state,
            &user,
            &visitor,
            id,
            to,
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors,
            shown,
        )
        .await;
    }
    match cases::transition(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id,
        to,
        req,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(AppError::Invalid(e)) => {
            move_page(
                &state,
                &user,
                &visitor,
                id,
                to,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                shown,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

//! The case page's small forms: notes, scheme look-ups, assignment and moves between
//! stages. Each answers with a redirect, or the case page again with its errors.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::case_form::{self, FormValues};
use super::case_page::Done;
use super::transition_form;
use super::{CaseRef, Choice, PageResult, form_outcome, page};
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
    done: Done,
    drafts: super::case_page::Drafts<'_>,
) -> PageResult {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    form_outcome(
        result,
        |_| done.page(id),
        async |e| super::case_page::case_page(state, user, visitor, id, status, e, drafts).await,
    )
    .await
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
    case_form_outcome(&state, &user, &visitor, id, result, Done::Note, drafts).await
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
    case_form_outcome(
        &state,
        &user,
        &visitor,
        id,
        result,
        Done::SchemeCheck,
        drafts,
    )
    .await
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
        Done::Assigned,
        super::case_page::Drafts::default(),
    )
    .await
}

/// "Take this case": the caller works it from now on.
pub async fn take(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let id = case_id(&id)?;
    let result = cases::take(&state.db, state.clock.as_ref(), &user.principal, id).await;
    let drafts = super::case_page::Drafts::default();
    case_form_outcome(&state, &user, &visitor, id, result, Done::Taken, drafts).await
}

fn move_target(pairs: &[(String, String)]) -> Result<Stage, AppError> {
    Stage::parse(super::form_field(pairs, "to")).ok_or(AppError::NotFound)
}

/// What `cases/move.html` shows: what moving the case to `to` needs.
#[derive(Debug, Serialize)]
struct MovePage<'a> {
    case: MovedCase,
    to: MoveTarget,
    needs_code: bool,
    needs_reason: bool,
    late: bool,
    #[serde(with = "crate::domain::case::iso_date::option")]
    claim_by: Option<time::Date>,
    needs_outcome: bool,
    codes: Vec<Choice>,
    routes: Vec<Choice>,
    values: &'a FormValues,
}

/// The case, and the stage it is at.
#[derive(Debug, Serialize)]
struct MovedCase {
    #[serde(flatten)]
    case: CaseRef,
    stage: &'static str,
}

/// The stage the case moves to, as staff and the tenant read it.
#[derive(Debug, Serialize)]
struct MoveTarget {
    value: &'static str,
    label: &'static str,
    tenant_label: &'static str,
}

async fn move_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    (id, to): (Uuid, Stage),
    errors: &FieldErrors,
    values: &FormValues,
) -> PageResult {
    let detail = cases::get(&state.db, &state.reads, &state.memos, &user.principal, id).await?;
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
    let data = MovePage {
        case: MovedCase {
            case: CaseRef::of(case),
            stage: case.stage.label(),
        },
        to: MoveTarget {
            value: to.as_str(),
            label: to.label(),
            tenant_label: to.tenant_label(),
        },
        needs_code: to == Stage::Closed,
        needs_reason: matches!(to, Stage::Closed | Stage::Withdrawn) || late,
        late,
        claim_by: guard.claim_by,
        needs_outcome: to == Stage::Resolved,
        codes: Choice::all(OutcomeCode::ALL, OutcomeCode::as_str, OutcomeCode::label),
        routes: Choice::all(Route::ALL, Route::as_str, Route::label),
        values,
    };
    let status = super::form_status(errors);
    page(status, "cases/move.html", Some(visitor), errors, &data)
}

pub async fn move_form(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let (id, to) = (case_id(&id)?, move_target(&pairs)?);
    let values = FormValues::from([("outcome.date".into(), state.clock.today().to_string())]);
    let errors = FieldErrors::default();
    move_page(&state, &user, &visitor, (id, to), &errors, &values).await
}

pub async fn move_case(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let (id, to) = (case_id(&id)?, move_target(&pairs)?);
    let values = case_form::values(pairs);
    let (req, errors) = transition_form::request(&values, to);
    let result = if errors.is_empty() {
        let clock = state.clock.as_ref();
        cases::transition(&state.db, clock, &user.principal, id, to, req).await
    } else {
        Err(AppError::Invalid(errors))
    };
    form_outcome(
        result,
        |_| Done::Moved.page(id),
        async |e| move_page(&state, &user, &visitor, (id, to), e, &values).await,
    )
    .await
}

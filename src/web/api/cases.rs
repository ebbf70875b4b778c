//! `/api/v1/cases`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header::{ETAG, IF_MATCH, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::openapi::ErrorBody;
use super::{ApiJson, Items};
use crate::app::AppState;
use crate::db::cases::{CasePage, TimelineEntry};
use crate::domain::FieldErrors;
use crate::domain::input::CaseInput;
use crate::domain::rules::Assessment;
use crate::domain::workflow::{Outcome, OutcomeCode, Stage, TransitionRequest};
use crate::domain::{CaseStatus, Jurisdiction};
use crate::error::{ApiError, AppError};
use crate::service::cases::{self, CaseDetail, DeadlineLists};
use crate::web::parse_id as case_id;
use crate::web::session::ApiCaller;

type ApiResult = Result<Response, ApiError>;

const PER_PAGE: u64 = 50;

fn with_etag(status: StatusCode, case: CaseDetail) -> Response {
    let tag = HeaderValue::from_str(&format!("\"{}\"", case.case.version))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    (status, [(ETAG, tag)], Json(case)).into_response()
}

/// Takes in a case.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases",
    responses((status = 201, description = "The case as taken in", body = CaseDetail,
        headers(("ETag" = String, description = "The case's version"),
                ("Location" = String, description = "The case's address")))))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(mut body): ApiJson<Value>,
) -> ApiResult {
    let group = match body.as_object_mut().and_then(|o| o.remove("group")) {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => {
            return Err(
                AppError::Invalid(FieldErrors::single("group", "Must be a group's name")).into(),
            );
        }
    };
    let input: CaseInput = serde_json::from_value(body).map_err(|e| {
        AppError::Invalid(FieldErrors::single(
            "body",
            format!("The body does not fit a case: {e}"),
        ))
    })?;
    let case = cases::intake(
        &state.db,
        &state.memos,
        state.clock.as_ref(),
        &caller,
        group.as_deref(),
        input,
    )
    .await?;
    let location = HeaderValue::from_str(&format!("/api/v1/cases/{}", case.case.id))
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut res = with_etag(StatusCode::CREATED, case);
    res.headers_mut().insert(LOCATION, location);
    Ok(res)
}

/// The cases of the caller's groups (admins: all), newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    params(
        ("jurisdiction" = Option<Jurisdiction>, Query, description = "Only this nation's"),
        ("stage" = Option<Stage>, Query, description = "Only cases at this stage"),
        ("status" = Option<CaseStatus>, Query, description = "Open or closed"),
        ("q" = Option<String>, Query, description = "Words of a name, a reference, a postcode"),
        ("sort" = Option<String>, Query, description = "`newest` first (the default), or by next `deadline`: soonest, or longest missed, first"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 100000, description = "From 1"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "Rows a page (50)"),
        ("assigned" = Option<String>, Query, description = "`me`: only cases the caller works"),
    ),
    responses((status = 200, description = "A page of cases", body = CasePage)))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult {
    let mut filter = crate::web::list_filter(&pairs, PER_PAGE).map_err(AppError::Invalid)?;
    if pairs.iter().any(|(k, v)| k == "assigned" && v == "me") {
        filter.assigned_to = Some(caller.user_id);
    }
    let page = cases::list(&state.db, &state.reads, &caller, &filter).await?;
    Ok(Json(page).into_response())
}

/// One case.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The case", body = CaseDetail, headers(("ETag" = String, description = "The case's version, for If-Match")))))]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let case = cases::get(
        &state.db,
        &state.reads,
        &state.memos,
        &caller,
        case_id(&id)?,
    )
    .await?;
    Ok(with_etag(StatusCode::OK, case))
}

/// The version named by `If-Match: "3"` (or `W/"3"`, or `3`).
fn if_match(headers: &HeaderMap) -> Result<Option<i32>, AppError> {
    let Some(v) = headers.get(IF_MATCH) else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|s| s.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            AppError::Invalid(FieldErrors::single(
                "If-Match",
                "Must be the case's ETag, like \"3\"",
            ))
        })
}

/// Changes a case's facts by a JSON merge patch; `null` removes a fact.
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = uuid::Uuid, Path, description = "The case's id"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the version edited")),
    responses(
        (status = 200, description = "The case as changed", body = CaseDetail, headers(("ETag" = String, description = "The case's version, for If-Match"))),
        (status = 409, description = "The case changed since that version", body = ErrorBody),
        (status = 428, description = "Neither If-Match nor version was sent", body = ErrorBody)))]
pub async fn patch(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult {
    let id = case_id(&id)?;
    let expected = if_match(&headers)?;
    let case = cases::patch(&state.db, state.clock.as_ref(), &caller, id, expected, body).await?;
    Ok(with_etag(StatusCode::OK, case))
}

/// A new note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// The note.
    #[schema(min_length = 1, max_length = 10000)]
    text: String,
}

/// Adds a note to the case's timeline.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    request_body = NoteBody,
    responses((status = 201, description = "The timeline entry", body = TimelineEntry)))]
pub async fn add_note(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NoteBody>,
) -> ApiResult {
    let entry = cases::add_note(
        &state.db,
        state.clock.as_ref(),
        &caller,
        case_id(&id)?,
        &body.text,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

/// The case's timeline, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/timeline", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "Its entries", body = Items<TimelineEntry>)))]
pub async fn timeline(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let items = cases::timeline(&state.db, &state.reads, &caller, case_id(&id)?).await?;
    Ok(Json(Items { items }).into_response())
}

/// Who works a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssigneesBody {
    /// The users who work it, members of its group.
    user_ids: Vec<Uuid>,
}

/// Sets who works the case: exactly these members of its group.
#[utoipa::path(put, path = "/api/v1/cases/{id}/assignees", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    request_body = AssigneesBody,
    responses(
        (status = 200, description = "The case", body = CaseDetail, headers(("ETag" = String, description = "The case's version, for If-Match"))),
        (status = 409, description = "Changed by someone else at the same moment", body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssigneesBody>,
) -> ApiResult {
    let case = cases::assign(
        &state.db,
        state.clock.as_ref(),
        &caller,
        case_id(&id)?,
        &body.user_ids,
    )
    .await?;
    Ok(with_etag(StatusCode::OK, case))
}

/// Takes on a case that no one works yet: the caller, a member of its group, works it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/take", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case, with the caller working it", body = CaseDetail, headers(("ETag" = String, description = "The case's version, for If-Match"))),
        (status = 409, description = "Someone already works it, or it has ended", body = ErrorBody)))]
pub async fn take(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let case = cases::take(&state.db, state.clock.as_ref(), &caller, case_id(&id)?).await?;
    Ok(with_etag(StatusCode::OK, case))
}

/// What the law gives on the case's facts today.
#[utoipa::path(get, path = "/api/v1/cases/{id}/assessment", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The assessment", body = Assessment)))]
pub async fn assessment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let a = cases::assessment(
        &state.db,
        state.clock.as_ref(),
        &state.reads,
        &caller,
        case_id(&id)?,
    )
    .await?;
    Ok(Json(a).into_response())
}

/// A request to move a case to another stage.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"to": "triage"}))]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    /// The stage to move to.
    #[schema(value_type = Stage)]
    to: String,
    /// Why (needed for some moves).
    reason: Option<String>,
    /// Why it closed (`resolved`, `not_eligible`).
    #[schema(value_type = Option<OutcomeCode>)]
    outcome_code: Option<String>,
    /// Go on although the time limit to claim has passed.
    #[serde(default, rename = "override")]
    override_time_limit: bool,
    /// What was recovered, when resolved.
    outcome: Option<Outcome>,
}

/// Moves the case to another stage.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    request_body = TransitionBody,
    responses(
        (status = 200, description = "The case at its new stage", body = CaseDetail, headers(("ETag" = String, description = "The case's version, for If-Match"))),
        (status = 409, description = "That move is not allowed from the case's stage", body = ErrorBody)))]
pub async fn transition(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransitionBody>,
) -> ApiResult {
    let id = case_id(&id)?;
    let mut errors = FieldErrors::default();
    let to = Stage::parse(&body.to);
    if to.is_none() {
        errors.add("to", "Must be a stage such as triage, court or closed");
    }
    let outcome_code = body.outcome_code.as_deref().and_then(|c| {
        let code = OutcomeCode::parse(c);
        if code.is_none() {
            errors.add(
                "outcome_code",
                "Must be an outcome code such as resolved or not_eligible",
            );
        }
        code
    });
    let Some(to) = to.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors).into());
    };
    let req = TransitionRequest {
        reason: body.reason,
        outcome_code,
        override_time_limit: body.override_time_limit,
        outcome: body.outcome,
    };
    let case = cases::transition(&state.db, state.clock.as_ref(), &caller, id, to, req).await?;
    Ok(with_etag(StatusCode::OK, case))
}

/// Overdue deadlines and those due soon: on the caller's cases, and (coordinators) their
/// groups'.
#[utoipa::path(get, path = "/api/v1/deadlines", tag = "cases",
    responses((status = 200, description = "The lists", body = Deadlines)))]
pub async fn deadlines(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult {
    let (mine, groups) = cases::deadlines(&state.db, state.clock.as_ref(), &caller).await?;
    Ok(Json(Deadlines { mine, groups }).into_response())
}

/// The overdue and due-soon lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deadlines {
    /// On the cases the caller works.
    pub mine: DeadlineLists,
    /// On their groups' cases: coordinators and admins only.
    pub groups: Option<DeadlineLists>,
}

/// A tenant's access code.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessCode {
    /// Like `7KQ2-MX9D-R4TW-H8PC`.
    pub code: String,
}

/// A new tenant access code, replacing any earlier one. The answer is the only place the
/// code ever appears.
#[utoipa::path(post, path = "/api/v1/cases/{id}/access-code", tag = "cases", params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The new code, shown only here", body = AccessCode)))]
pub async fn access_code(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let code = crate::service::portal::issue_code(
        &state.db,
        state.clock.as_ref(),
        &state.config.secret,
        &caller,
        case_id(&id)?,
        crate::service::portal::NewCode::Replace,
    )
    .await?
    .code;
    Ok(Json(AccessCode { code }).into_response())
}

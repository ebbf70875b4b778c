//! `/api/v1/cases`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header::{ETAG, IF_MATCH, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::ApiJson;
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::input::CaseInput;
use crate::domain::workflow::{Outcome, OutcomeCode, Stage, TransitionRequest};
use crate::error::{ApiError, AppError};
use crate::service::cases::{self, CaseDetail};
use crate::web::parse_id as case_id;
use crate::web::session::ApiCaller;

type ApiResult = Result<Response, ApiError>;

const PER_PAGE: u64 = 50;

fn with_etag(status: StatusCode, case: CaseDetail) -> Response {
    let tag = HeaderValue::from_str(&format!("\"{}\"", case.case.version))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    (status, [(ETAG, tag)], Json(case)).into_response()
}

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

pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let case = cases::get(&state.db, &state.reads, &caller, case_id(&id)?).await?;
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    text: String,
}

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

pub async fn timeline(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let items = cases::timeline(&state.db, &state.reads, &caller, case_id(&id)?).await?;
    Ok(Json(json!({"items": items})).into_response())
}

/// Who works a case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssigneesBody {
    user_ids: Vec<Uuid>,
}

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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    to: String,
    reason: Option<String>,
    outcome_code: Option<String>,
    #[serde(default, rename = "override")]
    override_time_limit: bool,
    outcome: Option<Outcome>,
}

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

pub async fn deadlines(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult {
    let (mine, groups) = cases::deadlines(&state.db, state.clock.as_ref(), &caller).await?;
    Ok(Json(json!({"mine": mine, "groups": groups})).into_response())
}

/// A new tenant access code, replacing any earlier one. The answer is the only place the
/// code ever appears.
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
    )
    .await?;
    Ok(Json(json!({"code": code})).into_response())
}

//! `/api/v1/cases/{id}/letters` and `/api/v1/letters/{id}`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::ApiJson;
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::letters::LetterKind;
use crate::error::{ApiError, AppError};
use crate::service::letters;
use crate::web::parse_id as case_id;
use crate::web::session::ApiCaller;

type ApiResult = Result<Response, ApiError>;

/// A letter to generate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLetter {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewLetter>,
) -> ApiResult {
    let kind = LetterKind::parse(&body.kind).ok_or_else(|| {
        AppError::Invalid(FieldErrors::single(
            "type",
            "Must be one of L1, L2, L3, L4, L5, L6",
        ))
    })?;
    let letter = letters::generate(
        &state.db,
        state.clock.as_ref(),
        &caller,
        case_id(&id)?,
        kind,
        body.fields,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(letter)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let items = letters::of_case(&state.db, &caller, case_id(&id)?).await?;
    Ok(Json(json!({"items": items})).into_response())
}

pub async fn pdf(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let (bytes, name) = letters::pdf(&state.db, &state.reads, &caller, case_id(&id)?).await?;
    Ok(crate::web::pdf_response(bytes, &name))
}

/// How and when a letter was sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sent {
    method: Option<String>,
    date: Option<String>,
    tracking: Option<String>,
}

pub async fn sent(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Sent>,
) -> ApiResult {
    let letter = letters::mark_sent(
        &state.db,
        state.clock.as_ref(),
        &caller,
        case_id(&id)?,
        body.method.as_deref(),
        body.date.as_deref(),
        body.tracking.as_deref(),
    )
    .await?;
    Ok(Json(letter).into_response())
}

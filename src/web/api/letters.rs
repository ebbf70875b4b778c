//! `/api/v1/cases/{id}/letters` and `/api/v1/letters/{id}`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::openapi::ErrorBody;
use super::{ApiJson, Items};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::letters::LetterKind;
use crate::error::{ApiError, AppError};
use crate::service::letters::{self, LetterInfo};
use crate::web::parse_id as case_id;
use crate::web::session::ApiCaller;

type ApiResult = Result<Response, ApiError>;

/// A letter to generate.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"type": "L1", "fields": {"extra": "The tenant moved out on 9 January 2025."}}))]
#[serde(deny_unknown_fields)]
pub struct NewLetter {
    /// L1 … L6.
    #[serde(rename = "type")]
    #[schema(pattern = "^L[1-6]$")]
    kind: String,
    /// The letter's own parts.
    #[serde(default)]
    #[schema(value_type = LetterFields)]
    fields: BTreeMap<String, String>,
}

/// The free-text parts a letter may take (which ones depends on its type), and the day it
/// is to be sent.
#[derive(Debug, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "describes the API; the handler reads a map")]
pub struct LetterFields {
    /// The day the letter is to be sent, YYYY-MM-DD: its date, from which the reply is
    /// counted. Today by default.
    #[schema(format = Date)]
    send_on: Option<String>,
    /// A paragraph printed before the sign-off (every type).
    #[schema(max_length = 2000)]
    extra: Option<String>,
    /// L3: the date of our earlier request.
    #[schema(max_length = 2000)]
    earlier_request: Option<String>,
    /// L3: the scheme's dispute service, offered or refused.
    #[schema(max_length = 2000)]
    adr: Option<String>,
    /// L5: the period the request covers.
    #[schema(max_length = 2000)]
    date_range: Option<String>,
    /// L6: the payment.
    #[schema(max_length = 2000)]
    payment: Option<String>,
    /// L6: why it is prohibited.
    #[schema(max_length = 2000)]
    why: Option<String>,
}

/// Writes a letter on the case and freezes it as PDF.
#[utoipa::path(post, path = "/api/v1/cases/{id}/letters", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    request_body = NewLetter,
    responses(
        (status = 201, description = "The letter", body = LetterInfo),
        (status = 409, description = "Written by someone else at the same moment", body = ErrorBody)))]
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

/// The case's letters, newest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/letters", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "Its letters", body = Items<LetterInfo>)))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let items = letters::of_case(&state.db, &caller, case_id(&id)?).await?;
    Ok(Json(Items { items }).into_response())
}

/// The frozen PDF of a letter.
#[utoipa::path(get, path = "/api/v1/letters/{id}/pdf", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id")),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>)))]
pub async fn pdf(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let (bytes, name) = letters::pdf(&state.db, &state.reads, &caller, case_id(&id)?).await?;
    Ok(crate::web::pdf_response(bytes, &name))
}

/// How and when a letter was sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Sent {
    /// `post`, `email` or `hand`.
    method: Option<String>,
    /// The day, YYYY-MM-DD: from the letter's date to today.
    #[schema(format = Date)]
    date: Option<String>,
    /// A tracking number.
    tracking: Option<String>,
    /// The stage to move the case to with it: `landlord_requested` for an L1,
    /// `letter_before_claim` for an L3 or L4, when the case is not there yet.
    stage: Option<String>,
}

/// Records how and when a letter was sent; its reply deadline starts.
#[utoipa::path(post, path = "/api/v1/letters/{id}/sent", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id")),
    request_body = Sent,
    responses(
        (status = 200, description = "The letter, with its reply deadline", body = LetterInfo),
        (status = 409, description = "Already marked sent", body = ErrorBody)))]
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
        letters::Sending {
            method: body.method.as_deref(),
            date: body.date.as_deref(),
            tracking: body.tracking.as_deref(),
            stage: body.stage.as_deref(),
        },
    )
    .await?;
    Ok(Json(letter).into_response())
}

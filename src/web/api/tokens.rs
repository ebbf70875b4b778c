//! `/api/v1/tokens`: the caller's own API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::AppState;
use crate::error::ApiError;
use crate::service::auth;
use crate::web::parse_id as case_id;
use crate::web::session::ApiCaller;

pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, ApiError> {
    let items = auth::list_tokens(&state.db, &caller, caller.user_id).await?;
    Ok(Json(json!({"items": items})).into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth::revoke_token(&state.db, state.clock.as_ref(), &caller, case_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

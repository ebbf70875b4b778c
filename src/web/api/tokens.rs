//! `/api/v1/tokens`: the caller's own API tokens.

use super::Items;
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::auth::{self, TokenInfo};
use crate::web::parse_id as case_id;
use crate::web::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The caller's API tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, description = "The tokens, newest first", body = Items<TokenInfo>)))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, ApiError> {
    let items = auth::list_tokens(&state.db, &caller, caller.user_id).await?;
    Ok(Json(Items { items }).into_response())
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = uuid::Uuid, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth::revoke_token(&state.db, state.clock.as_ref(), &caller, case_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

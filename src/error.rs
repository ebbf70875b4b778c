//! One error type for the app, and its two faces: JSON for the API, HTML for pages.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::FieldErrors;

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing there, or nothing the caller may see.
    #[error("not found")]
    NotFound,
    /// Not signed in, or the credentials are not valid.
    #[error("you need to sign in")]
    Unauthorized,
    /// Signed in but not allowed, or a failed CSRF check.
    #[error("{0}")]
    Forbidden(String),
    /// Input with field problems.
    #[error("some fields are not valid")]
    Invalid(FieldErrors),
    /// The request clashes with the current state (e.g. a stale version).
    #[error("{0}")]
    Conflict(String),
    /// A request that is malformed as a whole.
    #[error("{0}")]
    BadRequest(String),
    /// Too many requests lately from this address; try again later.
    #[error("{0}")]
    TooMany(String),
    /// An update that did not say which version it edits.
    #[error("say which version you are editing: send If-Match or a version field")]
    PreconditionRequired,
    /// The database failed.
    #[error(transparent)]
    Db(sea_orm::DbErr),
    /// Anything else that is our fault.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Told when two requests wrote the same thing at the same moment and a unique index
/// refused the second.
pub const RACED: &str = "Someone else saved a change here at the same moment. Nothing of yours was saved: please try again.";

impl From<sea_orm::DbErr> for AppError {
    /// A unique-constraint violation that no use case turned into a field error is a race
    /// lost to a concurrent request: a 409, never a 500.
    fn from(e: sea_orm::DbErr) -> Self {
        if crate::db::is_unique_violation(&e) {
            tracing::info!(error = %e, "a concurrent write won");
            AppError::Conflict(RACED.into())
        } else {
            AppError::Db(e)
        }
    }
}

impl From<crate::storage::StoreError> for AppError {
    fn from(e: crate::storage::StoreError) -> Self {
        AppError::Internal(e.into())
    }
}

impl AppError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::BadRequest(_) => "bad_request",
            AppError::TooMany(_) => "too_many_requests",
            AppError::PreconditionRequired => "precondition_required",
            AppError::Db(_) | AppError::Internal(_) => "internal",
        }
    }

    /// A message fit to show; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Db(_) | AppError::Internal(_) => {
                "Something went wrong on our side. Please try again.".into()
            }
            other => other.to_string(),
        }
    }

    /// Logs a server-side failure with its cause chain. Client errors are not logged.
    pub fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
    }
}

/// An [`AppError`] answered as JSON: `{"error":{"code","message","fields"}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let fields = match &e {
            AppError::Invalid(f) => json!(f),
            _ => json!({}),
        };
        let body =
            json!({"error": {"code": e.code(), "message": e.public_message(), "fields": fields}});
        (e.status(), axum::Json(body)).into_response()
    }
}

/// Builds an [`ApiError`] response for a status that arises outside a handler
/// (body too large, wrong content type).
pub fn api_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({"error": {"code": code, "message": message.into(), "fields": {}}});
    (status, axum::Json(body)).into_response()
}

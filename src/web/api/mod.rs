//! The JSON API under `/api/v1`.

mod cases;
mod letters;
pub mod openapi;
mod tokens;

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::error::api_error;

/// Largest JSON body accepted.
pub const BODY_LIMIT: usize = 256 * 1024;

/// API routes; every one needs a caller ([`crate::web::session::ApiCaller`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", post(cases::create).get(cases::list))
        .route("/cases/{id}", get(cases::show).patch(cases::patch))
        .route("/cases/{id}/notes", post(cases::add_note))
        .route("/cases/{id}/timeline", get(cases::timeline))
        .route("/cases/{id}/assignees", put(cases::assign))
        .route("/cases/{id}/take", post(cases::take))
        .route("/cases/{id}/assessment", get(cases::assessment))
        .route("/cases/{id}/transitions", post(cases::transition))
        .route("/cases/{id}/access-code", post(cases::access_code))
        .route(
            "/cases/{id}/letters",
            post(letters::create).get(letters::list),
        )
        .route("/letters/{id}/pdf", get(letters::pdf))
        .route("/letters/{id}/sent", post(letters::sent))
        .route("/deadlines", get(cases::deadlines))
        .route("/tokens", get(tokens::list))
        .route("/tokens/{id}", delete(tokens::revoke))
        .route("/openapi.json", get(openapi_json))
        .fallback(|| async { api_error(StatusCode::NOT_FOUND, "not_found", "No such API route") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// A list answer: `{"items": [...]}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    /// The items.
    pub items: Vec<T>,
}

/// The API's OpenAPI 3.1 document.
async fn openapi_json() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi::document(),
    )
        .into_response()
}

/// A JSON body whose rejections answer in the API's error shape: 400 for broken JSON,
/// 422 for the wrong shape or types, 413 for too large, 415 for another content type.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let too_large = || {
            api_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("The body must be at most {BODY_LIMIT} bytes"),
            )
        };
        let bytes = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| too_large())?;
        if crate::web::has_nul_escape(&bytes) {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                crate::web::NUL_MESSAGE,
            ));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(e) => {
                    api_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.body_text())
                }
                JsonRejection::JsonSyntaxError(e) => {
                    api_error(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
                }
                JsonRejection::MissingJsonContentType(_) => api_error(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Send JSON with Content-Type: application/json",
                ),
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => api_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!("The body must be at most {BODY_LIMIT} bytes"),
                ),
                other => api_error(other.status(), "bad_request", other.body_text()),
            }),
        }
    }
}

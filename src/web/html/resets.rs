//! Password reset links: made on a user's page by whoever manages them, and opened by the
//! user to choose a new password.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use uuid::Uuid;

use super::{PageResult, form_field as field, form_outcome, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::service::resets;
use crate::web::parse_id as id_of;
use crate::web::session::{SignedIn, Visitor};

/// What `admin/reset_link.html` shows: the link, once.
#[derive(Debug, Serialize)]
struct ResetLinkPage {
    user_id: Uuid,
    user_name: String,
    link: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: time::OffsetDateTime,
}

/// `POST /admin/users/{id}/reset-link`: makes the link and shows it once.
pub async fn make_link(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let id = id_of(&id)?;
    let issued = resets::issue(&state.db, state.clock.as_ref(), &user.principal, id).await?;
    let data = ResetLinkPage {
        user_id: id,
        user_name: issued.user_name,
        link: super::site_url(&headers, &visitor, &format!("/reset/{}", issued.token)),
        expires_at: issued.expires_at,
    };
    page(
        StatusCode::OK,
        "admin/reset_link.html",
        Some(&visitor),
        &FieldErrors::default(),
        &data,
    )
}

/// What `reset.html` shows.
#[derive(Debug, Serialize)]
struct ResetPage<'a> {
    user_name: &'a str,
    token: &'a str,
}

/// `GET /reset/{token}`: the form, or why the link no longer works.
pub async fn reset_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> PageResult {
    match resets::holder(&state.db, state.clock.as_ref(), &token).await {
        Ok(name) => form(&visitor, &FieldErrors::default(), &name, &token),
        Err(AppError::NotFound) => gone(&visitor),
        Err(e) => Err(e.into()),
    }
}

/// `POST /reset/{token}`: saves the new password, then to the sign-in page.
pub async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let (clock, db) = (state.clock.as_ref(), &state.db);
    let (new, confirm) = (field(&pairs, "new"), field(&pairs, "confirm"));
    match resets::choose_password(db, clock, &token, new, confirm).await {
        Err(AppError::NotFound) => gone(&visitor),
        result => {
            form_outcome(
                result,
                |()| super::Notice::PasswordReset.at("/login"),
                async |e| match resets::holder(db, clock, &token).await {
                    Ok(name) => form(&visitor, e, &name, &token),
                    Err(_) => gone(&visitor),
                },
            )
            .await
        }
    }
}

fn form(visitor: &Visitor, errors: &FieldErrors, name: &str, token: &str) -> PageResult {
    let data = ResetPage {
        user_name: name,
        token,
    };
    let status = super::form_status(errors);
    page(status, "reset.html", Some(visitor), errors, &data)
}

/// A link that is unknown, used, replaced or out of date.
fn gone(visitor: &Visitor) -> PageResult {
    #[derive(Serialize)]
    struct Gone {}
    page(
        StatusCode::NOT_FOUND,
        "reset_gone.html",
        Some(visitor),
        &FieldErrors::default(),
        &Gone {},
    )
}

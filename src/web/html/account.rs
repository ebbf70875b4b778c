//! The signed-in user's own account: password and API tokens.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::service::auth;
use crate::web::session::{SignedIn, Visitor};

/// What `account.html` shows: the user's API tokens, a token just made (shown once), and
/// a notice of what was done.
#[derive(Debug, Serialize)]
struct AccountPage<'a> {
    tokens: Vec<auth::TokenInfo>,
    new_token: Option<&'a str>,
    notice: Option<&'a str>,
}

async fn account_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    errors: &FieldErrors,
    new_token: Option<&str>,
    notice: Option<&str>,
) -> PageResult {
    let tokens = auth::list_tokens(&state.db, &user.principal, user.principal.user_id).await?;
    let data = AccountPage {
        tokens,
        new_token,
        notice,
    };
    let status = super::form_status(errors);
    page(status, "account.html", Some(visitor), errors, &data)
}

pub async fn show(State(state): State<AppState>, user: SignedIn, visitor: Visitor) -> PageResult {
    let errors = FieldErrors::default();
    account_page(&state, &user, &visitor, &errors, None, None).await
}

/// The change-password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let result = auth::change_password(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        Some(&user.session_id),
        &form.current,
        &form.new,
        &form.confirm,
    )
    .await;
    let none = FieldErrors::default();
    match result {
        Ok(()) => {
            let notice =
                "Your password has been changed. You have been signed out everywhere else.";
            account_page(&state, &user, &visitor, &none, None, Some(notice)).await
        }
        Err(AppError::Invalid(e)) => account_page(&state, &user, &visitor, &e, None, None).await,
        Err(e) => Err(e.into()),
    }
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    label: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(form): Form<TokenForm>,
) -> PageResult {
    let clock = state.clock.as_ref();
    let none = FieldErrors::default();
    match auth::create_token_for(&state.db, clock, &user.principal, &form.label).await {
        Ok(token) => account_page(&state, &user, &visitor, &none, Some(&token), None).await,
        Err(AppError::Invalid(e)) => account_page(&state, &user, &visitor, &e, None, None).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    auth::revoke_token(&state.db, state.clock.as_ref(), &user.principal, id).await?;
    Ok(Redirect::to(&super::Notice::TokenRevoked.at("/account")).into_response())
}

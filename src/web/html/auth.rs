//! Sign-in and sign-out.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};

use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::service::auth::{self, LoginOutcome};
use crate::web::session::{SESSION_COOKIE, Visitor, set_cookie};

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// What `login.html` shows: the address typed, kept.
#[derive(Debug, Serialize)]
struct LoginPage<'a> {
    email: &'a str,
}

pub async fn login_page(visitor: Visitor) -> PageResult {
    if visitor.session.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    page(
        StatusCode::OK,
        "login.html",
        Some(&visitor),
        &FieldErrors::default(),
        &LoginPage { email: "" },
    )
}

pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your e-mail address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    let data = LoginPage { email: &form.email };
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return page(status, "login.html", Some(&visitor), &errors, &data);
    }
    let outcome = auth::login(
        &state.db,
        state.clock.as_ref(),
        state.config.session_hours,
        &form.email,
        &form.password,
        visitor.session_token.as_deref(),
        visitor.address.clone(),
    )
    .await?;
    let (status, message) = match outcome {
        LoginOutcome::SignedIn(session) => {
            let cookie = set_cookie(SESSION_COOKIE, Some(&session.token), visitor.secure);
            return Ok(([(SET_COOKIE, cookie)], Redirect::to("/")).into_response());
        }
        LoginOutcome::Refused => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "The e-mail address or password is not right".to_string(),
        ),
        LoginOutcome::Throttled { minutes } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many tries to sign in. Wait {minutes} minutes, then try again."),
        ),
    };
    errors.add("email", message);
    page(status, "login.html", Some(&visitor), &errors, &data)
}

pub async fn logout(State(state): State<AppState>, visitor: Visitor) -> PageResult {
    if let Some(token) = &visitor.session_token {
        auth::logout(&state.db, token).await?;
    }
    let cookie = set_cookie(SESSION_COOKIE, None, visitor.secure);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

//! Sign-in and sign-out.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use serde_json::json;

use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::service::auth;
use crate::web::session::{SESSION_COOKIE, Visitor, set_cookie};

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn login_page(visitor: Visitor) -> PageResult {
    if visitor.session.is_some() {
        return Ok(Redirect::to("/cases").into_response());
    }
    Ok(page(
        StatusCode::OK,
        "login.html",
        Some(&visitor),
        &FieldErrors::default(),
        json!({"email": ""}),
    )?)
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
    let session = if errors.is_empty() {
        auth::login(
            &state.db,
            state.clock.as_ref(),
            state.config.session_hours,
            &form.email,
            &form.password,
            visitor.session_token.as_deref(),
        )
        .await?
    } else {
        None
    };
    let Some(session) = session else {
        if errors.is_empty() {
            errors.add("email", "The e-mail address or password is not right");
        }
        let data = json!({"email": form.email});
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "login.html",
            Some(&visitor),
            &errors,
            data,
        )?);
    };
    let cookie = set_cookie(
        SESSION_COOKIE,
        Some(&session.token),
        state.config.secure_cookies,
    );
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/cases")).into_response())
}

pub async fn logout(State(state): State<AppState>, visitor: Visitor) -> PageResult {
    if let Some(token) = &visitor.session_token {
        auth::logout(&state.db, token).await?;
    }
    let cookie = set_cookie(SESSION_COOKIE, None, state.config.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

//! Who is asking: session cookies, CSRF checks for forms, and the extractors that
//! turn a request into a [`Principal`].

use axum::body::{Body, to_bytes};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::config::Config;
use crate::error::{ApiError, AppError};
use crate::service::Principal;
use crate::service::auth::{self, SessionInfo};
use crate::service::portal::{self, TenantSession};

/// Cookie that carries the session token.
pub const SESSION_COOKIE: &str = "tc_session";
/// Cookie that carries a tenant's session token.
pub const TENANT_COOKIE: &str = "tc_tenant";
/// Cookie that carries the CSRF token of visitors who are not signed in.
pub const CSRF_COOKIE: &str = "tc_csrf";
/// Form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// Header that carries the CSRF token on API calls made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body accepted.
pub const FORM_LIMIT: usize = 256 * 1024;

/// The visitor of a page: their session, if signed in, and the CSRF token their forms
/// must carry. Put in the request by [`visitor`].
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The live session.
    pub session: Option<SessionInfo>,
    /// The session cookie's value, to end it at sign-out or rotate it at sign-in.
    pub session_token: Option<String>,
    /// The token forms must carry.
    pub csrf: String,
    /// Whether cookies set in answer must be `Secure`.
    pub secure: bool,
    /// Where the request came from.
    pub address: Option<String>,
    /// A tenant's live session (never together with a user's session).
    pub tenant: Option<TenantSession>,
    /// The tenant session cookie's value, to end it.
    pub tenant_token: Option<String>,
    /// Whether this POST's CSRF token is still to be checked: multipart uploads are
    /// checked by [`check_upload_csrf`] as their fields are read.
    pub csrf_pending: bool,
    /// What the page's banner says just happened (`?done=`), outside the case page.
    pub done: Option<super::html::Notice>,
}

/// The pages that take file uploads (multipart forms).
fn is_upload_path(path: &str) -> bool {
    path == "/status/documents"
        || path
            .strip_prefix("/cases/")
            .and_then(|rest| rest.strip_suffix("/documents"))
            .is_some_and(|id| !id.contains('/'))
}

/// Checks the CSRF field of a multipart upload against the visitor's token.
pub fn check_upload_csrf(visitor: &Visitor, sent: Option<&str>) -> Result<(), AppError> {
    if sent.is_some_and(|s| same_token(s, &visitor.csrf)) {
        Ok(())
    } else {
        Err(expired_form())
    }
}

fn expired_form() -> AppError {
    AppError::Forbidden(
        "This form has expired or did not come from tenantcase. Go back, reload the page and try again."
            .into(),
    )
}

/// Where a request came from, and whether it reached us over HTTPS: from the socket, or
/// from `X-Forwarded-For` / `X-Forwarded-Proto` when a trusted proxy is configured.
pub fn client(parts: &Parts, config: &Config) -> (Option<String>, bool) {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let socket = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    if config.trust_proxy {
        let hops: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        let forwarded = forwarded_client(&hops, config.proxies);
        let https = header("x-forwarded-proto").is_some_and(|p| p.eq_ignore_ascii_case("https"));
        (forwarded.or(socket), config.secure_cookies || https)
    } else {
        (socket, config.secure_cookies)
    }
}

/// The client's address in `X-Forwarded-For` behind `proxies` trusted proxies: each
/// proxy appends the address it was reached from, so the client is `proxies` hops from the
/// right. Anything further left was sent by the client and proves nothing. With fewer
/// hops than proxies, the left-most is the best there is. Only a real IP address counts.
pub(crate) fn forwarded_client(hops: &[&str], proxies: usize) -> Option<String> {
    let hops: Vec<&str> = hops
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    let at = hops.len().saturating_sub(proxies.max(1));
    hops.get(at)?
        .parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, Secure when configured.
/// `value: None` clears the cookie.
pub fn set_cookie(name: &str, value: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let s = match value {
        Some(v) => format!("{name}={v}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Compares two tokens in time independent of where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Middleware for the pages: loads the session, and refuses any form post whose
/// `_csrf` field does not match the visitor's token.
pub async fn visitor(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match load_visitor(&state, req).await {
        Ok((req, new_csrf_cookie, secure)) => {
            let mut res = next.run(req).await;
            if let Some(v) = new_csrf_cookie {
                res.headers_mut()
                    .append(SET_COOKIE, set_cookie(CSRF_COOKIE, Some(&v), secure));
            }
            res
        }
        Err(res) => res,
    }
}

async fn load_visitor(
    state: &AppState,
    req: Request,
) -> Result<(Request, Option<String>, bool), Response> {
    let (mut parts, body) = req.into_parts();
    let (address, secure) = client(&parts, &state.config);
    let session_token = cookie(&parts.headers, SESSION_COOKIE).filter(|t| is_token(t));
    let session = match &session_token {
        Some(t) => auth::session(&state.db, state.clock.as_ref(), t, address.clone())
            .await
            .map_err(|e| super::html::error_page(&e))?,
        None => None,
    };
    let tenant_token = cookie(&parts.headers, TENANT_COOKIE).filter(|t| is_token(t));
    let tenant = match (&session, &tenant_token) {
        (None, Some(t)) => portal::session(&state.db, &state.memos, state.clock.as_ref(), t)
            .await
            .map_err(|e| super::html::error_page(&e))?,
        _ => None,
    };
    let csrf_cookie = cookie(&parts.headers, CSRF_COOKIE).filter(|t| is_token(t));
    let (csrf, new_cookie) = match (&session, &tenant, csrf_cookie) {
        (Some(s), _, _) => (s.csrf.clone(), None),
        (None, Some(t), _) => (t.csrf.clone(), None),
        (None, None, Some(c)) => (c, None),
        (None, None, None) => {
            let fresh = auth::random_hex(32).map_err(|e| super::html::error_page(&e))?;
            (fresh.clone(), Some(fresh))
        }
    };
    let multipart = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let csrf_pending = parts.method == Method::POST && multipart;
    // Only the upload forms may skip the check here: they make it themselves, field by
    // field. Any other page refuses a multipart post outright.
    if csrf_pending && !is_upload_path(parts.uri.path()) {
        return Err(super::html::error_page(&AppError::BadRequest(
            "This form cannot be sent as an upload.".into(),
        )));
    }
    let body = if parts.method == Method::POST && !multipart {
        let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| {
            (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response()
        })?;
        if let Some(problem) = super::form_problem(&bytes) {
            return Err(super::html::error_page(&AppError::BadRequest(problem)));
        }
        let sent: Option<String> = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned());
        // A fresh token was never sent to the browser, so nothing can match it.
        if new_cookie.is_some() || !sent.is_some_and(|s| same_token(&s, &csrf)) {
            return Err(super::html::error_page(&expired_form()));
        }
        match super::join_date_parts(&bytes) {
            Some(joined) => Body::from(joined),
            None => Body::from(bytes),
        }
    } else {
        body
    };
    // A GET form with date boxes (the audit log's filter) is read the same way.
    if parts.method == Method::GET
        && let Some(query) = parts.uri.query()
        && let Some(joined) = super::join_date_parts(query.as_bytes())
        && let Ok(joined) = String::from_utf8(joined)
        && let Ok(uri) = format!("{}?{joined}", parts.uri.path()).parse()
    {
        parts.uri = uri;
    }
    let done = super::html::Notice::from_query(parts.uri.query());
    parts.extensions.insert(Visitor {
        done,
        session,
        session_token,
        csrf,
        secure,
        address,
        tenant,
        tenant_token,
        csrf_pending,
    });
    Ok((Request::from_parts(parts, body), new_cookie, secure))
}

/// A signed-in user on a page. Visitors who are not signed in are sent to the sign-in page.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who.
    pub principal: Principal,
    /// Their forms' CSRF token.
    pub csrf: String,
    /// The stored id of their session.
    pub session_id: String,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match parts
            .extensions
            .get::<Visitor>()
            .and_then(|v| v.session.clone())
        {
            Some(s) => Ok(SignedIn {
                principal: s.principal,
                csrf: s.csrf,
                session_id: s.id,
            }),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// A tenant signed in to their case. Others are sent to the status sign-in page.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// Their session.
    pub session: TenantSession,
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match parts
            .extensions
            .get::<Visitor>()
            .and_then(|v| v.tenant.clone())
        {
            Some(session) => Ok(Tenant { session }),
            None => Err(Redirect::to("/status").into_response()),
        }
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Visitor>().cloned().ok_or_else(|| {
            super::html::error_page(&AppError::Internal(anyhow::anyhow!("no visitor layer")))
        })
    }
}

/// A caller of the JSON API: a bearer token, or a session cookie (whose unsafe requests
/// must also send the `X-CSRF-Token` header).
#[derive(Debug, Clone)]
pub struct ApiCaller(pub Principal);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let clock = state.clock.as_ref();
        let (address, _) = client(parts, &state.config);
        if let Some(value) = parts.headers.get(AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or(AppError::Unauthorized)?;
            return auth::token_principal(&state.db, &state.memos, clock, token, address)
                .await?
                .map(ApiCaller)
                .ok_or(ApiError(AppError::Unauthorized));
        }
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .filter(|t| is_token(t))
            .ok_or(AppError::Unauthorized)?;
        let session = auth::session(&state.db, clock, &token, address)
            .await?
            .ok_or(AppError::Unauthorized)?;
        if !parts.method.is_safe() {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !sent.is_some_and(|s| same_token(s, &session.csrf)) {
                return Err(AppError::Forbidden(
                    "Send the X-CSRF-Token header with a session cookie".into(),
                )
                .into());
            }
        }
        Ok(ApiCaller(session.principal))
    }
}

#[cfg(test)]
mod tests {
    use super::forwarded_client;

    #[test]
    fn the_client_is_the_right_most_untrusted_hop() {
        // The client claims to be 6.6.6.6; our one proxy saw 203.0.113.9.
        assert_eq!(
            forwarded_client(&["6.6.6.6", " 203.0.113.9"], 1).as_deref(),
            Some("203.0.113.9")
        );
        // Two proxies: the outer one saw the client, the inner one the outer proxy.
        assert_eq!(
            forwarded_client(&["6.6.6.6", "203.0.113.9", "10.0.0.2"], 2).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(
            forwarded_client(&["203.0.113.9"], 3).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(forwarded_client(&["not-an-address"], 1), None);
        assert_eq!(forwarded_client(&[], 1), None);
    }
}

//! Users, password sign-in, sessions and API tokens.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use time::Duration;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::entities::{api_tokens, sessions};
use crate::db::{self, users::User};
use crate::domain::FieldErrors;
use crate::domain::user::{LoginEmail, Role, check_new_password};
use crate::error::AppError;

/// Who is asking: a signed-in user, through a session or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User id.
    pub user_id: Uuid,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl From<&User> for Principal {
    fn from(u: &User) -> Self {
        Principal {
            user_id: u.id,
            name: u.name.clone(),
            role: u.role,
        }
    }
}

/// A live session found from its cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// Whose it is.
    pub principal: Principal,
    /// The token forms of this session must carry.
    pub csrf: String,
}

/// A session just created: the cookie value (shown once, never stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Cookie value.
    pub token: String,
    /// CSRF token for forms.
    pub csrf: String,
}

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(buf))
}

/// SHA-256 of `s` as hex: how session cookies and API tokens are stored.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn hash_password(password: String) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}").into())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the e-mail is unknown, so that both cases take as long.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password".into()).unwrap_or_default());

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Password in clear; hashed here with argon2id.
    pub password: String,
}

/// Creates a user with an argon2id password hash.
#[tracing::instrument(skip_all, fields(role = %new.role))]
pub async fn create_user(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    new: NewUser,
) -> Result<User, AppError> {
    let mut errors = FieldErrors::default();
    let email = LoginEmail::parse(&new.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let name = new.name.trim().to_string();
    if name.is_empty() {
        errors.add("name", "Enter a name");
    }
    if let Err(m) = check_new_password(&new.password) {
        errors.add("password", m);
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let password = new.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(password))
        .await
        .map_err(|e| anyhow::anyhow!(e))??;
    let user = User {
        id: Uuid::now_v7(),
        email: email.as_str().into(),
        name,
        role: new.role,
        active: true,
    };
    match db::users::insert_user(db, &user, hash, clock.now()).await {
        Err(e) if db::is_unique_violation(&e) => Err(AppError::Invalid(FieldErrors::single(
            "email",
            "A user with this e-mail already exists",
        ))),
        other => other.map(|_| user).map_err(Into::into),
    }
}

/// Checks an e-mail and password. On success starts a new session, ending `previous`
/// (the session id is rotated at every sign-in).
#[tracing::instrument(skip_all)]
pub async fn login(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    session_hours: i64,
    email: &str,
    password: &str,
    previous: Option<&str>,
) -> Result<Option<NewSession>, AppError> {
    let found = match LoginEmail::parse(email) {
        Ok(e) => db::users::find_by_email(db, e.as_str()).await?,
        Err(_) => None,
    };
    let (hash, user) = match found {
        Some((user, hash)) => (hash, Some(user)),
        None => (DUMMY_HASH.clone(), None),
    };
    let pw = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let Some(user) = user.filter(|u| ok && u.active) else {
        return Ok(None);
    };
    let token = random_hex(32)?;
    let csrf = random_hex(32)?;
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    if let Some(prev) = previous {
        db::users::delete_session(&txn, &sha256_hex(prev)).await?;
    }
    db::users::insert_session(
        &txn,
        sessions::Model {
            id: sha256_hex(&token),
            user_id: user.id,
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at: now + Duration::hours(session_hours),
        },
    )
    .await?;
    db::users::delete_expired_sessions(&txn, now).await?;
    txn.commit().await?;
    tracing::info!(user = %user.id, "signed in");
    Ok(Some(NewSession { token, csrf }))
}

/// Ends the session with this cookie value.
pub async fn logout(db: &DatabaseConnection, token: &str) -> Result<(), AppError> {
    db::users::delete_session(db, &sha256_hex(token)).await?;
    Ok(())
}

/// The live session for a cookie value, if any.
pub async fn session(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    token: &str,
) -> Result<Option<SessionInfo>, AppError> {
    Ok(db::users::find_session(db, &sha256_hex(token), clock.now())
        .await?
        .map(|(s, u)| SessionInfo {
            principal: Principal::from(&u),
            csrf: s.csrf_token,
        }))
}

/// Creates an API token for the user with this e-mail and returns it. Only its hash is
/// stored, so it cannot be shown again.
pub async fn create_api_token(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    email: &str,
    label: &str,
) -> Result<String, AppError> {
    let email =
        LoginEmail::parse(email).map_err(|m| AppError::Invalid(FieldErrors::single("email", m)))?;
    let (user, _) = db::users::find_by_email(db, email.as_str())
        .await?
        .ok_or_else(|| {
            AppError::Invalid(FieldErrors::single("email", "No user has this e-mail"))
        })?;
    let token = format!("tc_{}", random_hex(32)?);
    db::users::insert_token(
        db,
        api_tokens::Model {
            id: Uuid::now_v7(),
            user_id: user.id,
            token_hash: sha256_hex(&token),
            label: label.to_string(),
            created_at: clock.now(),
            last_used_at: None,
            revoked_at: None,
        },
    )
    .await?;
    Ok(token)
}

/// The user behind a bearer token, if the token is live and the user active.
pub async fn token_principal(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    token: &str,
) -> Result<Option<Principal>, AppError> {
    let Some((t, user)) = db::users::find_token(db, &sha256_hex(token)).await? else {
        return Ok(None);
    };
    let now = clock.now();
    if t.last_used_at
        .is_none_or(|last| now - last > Duration::minutes(5))
    {
        db::users::touch_token(db, t.id, now).await?;
    }
    Ok(Some(Principal::from(&user)))
}

/// Revokes a token by id.
pub async fn revoke_api_token(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    id: Uuid,
) -> Result<(), AppError> {
    if db::users::revoke_token(db, id, clock.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// How many users exist.
pub async fn user_count(db: &DatabaseConnection) -> Result<u64, AppError> {
    Ok(db::users::count(db).await?)
}

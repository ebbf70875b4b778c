//! Users, password sign-in, sessions and API tokens.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use time::Duration;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::entities::sessions;
use crate::db::{self, users::User};
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::user::{LoginEmail, Role, check_new_password};
use crate::error::AppError;
use crate::service::throttle::{self, Limit};

pub use crate::domain::user::Principal;

pub use super::tokens::*;
/// The principal for an active user: their groups loaded, the request's address noted.
pub async fn principal_of(
    db: &impl sea_orm::ConnectionTrait,
    user: &User,
    address: Option<String>,
) -> Result<Principal, AppError> {
    Ok(Principal {
        user_id: user.id,
        name: user.name.clone(),
        role: user.role,
        groups: db::groups::of_user(db, user.id).await?,
        address,
    })
}

/// A live session found from its cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// Whose it is.
    pub principal: Principal,
    /// The token forms of this session must carry.
    pub csrf: String,
    /// The stored id of the session (a hash of the cookie).
    pub id: String,
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

pub(crate) fn hash_password(password: String) -> Result<String, AppError> {
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
    /// Groups to join.
    pub groups: Vec<Uuid>,
}

/// Creates a user with an argon2id password hash.
#[tracing::instrument(skip_all, fields(role = %new.role))]
pub async fn create_user(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: Option<&Principal>,
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
    if let Err(m) = check_new_password(&new.password, &[&new.name, &new.email]) {
        errors.add("password", m);
    }
    if let Some(a) = actor.filter(|a| !a.is_admin()) {
        if !a.manages_users() {
            return Err(AppError::Forbidden(
                "Only coordinators and admins can add users.".into(),
            ));
        }
        if !a.may_grant(new.role) {
            errors.add(
                "role",
                "Coordinators add volunteers: ask an admin for other roles",
            );
        }
        if new.groups.is_empty() || new.groups.iter().any(|g| !a.groups.contains(g)) {
            errors.add("groups", "Choose one or more of your own groups");
        }
    }
    if let Some(bad) = db::groups::first_unknown(db, &new.groups).await? {
        errors.add("groups", format!("There is no group {bad}"));
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
    let txn = db::begin_write(db).await?;
    match db::users::insert_user(&txn, &user, hash, clock.now()).await {
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::Invalid(FieldErrors::single(
                "email",
                "A user with this e-mail already exists",
            )));
        }
        other => other?,
    }
    db::groups::set_user_groups(&txn, user.id, &new.groups).await?;
    let detail = serde_json::json!({"user": user.id, "email": user.email, "role": user.role, "groups": new.groups});
    db::audit::record(
        &txn,
        clock.now(),
        actor,
        AuditAction::UserCreated,
        None,
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// What came of a sign-in attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in: a new session.
    SignedIn(NewSession),
    /// Wrong e-mail or password, or a disabled user: the same answer for all three.
    Refused,
    /// Too many failures lately for this account or address.
    Throttled {
        /// Whole minutes until another try is allowed.
        minutes: i64,
    },
}

/// Checks an e-mail and password. On success starts a new session, ending `previous`
/// (the session id is new at every sign-in). Every attempt counts against the throttle
/// (per account and per address) before the password is checked.
#[tracing::instrument(skip_all)]
pub async fn login(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    session_hours: i64,
    email: &str,
    password: &str,
    previous: Option<&str>,
    address: Option<String>,
) -> Result<LoginOutcome, AppError> {
    let now = clock.now();
    let email = LoginEmail::parse(email).ok();
    let keys = throttle_keys(email.as_ref(), address.as_deref());
    if let Some(wait) = throttle::attempt(db, now, &keys).await? {
        tracing::warn!("sign-in throttled");
        return Ok(LoginOutcome::Throttled {
            minutes: wait.whole_minutes().max(1),
        });
    }
    let found = match &email {
        Some(e) => db::users::find_by_email(db, e.as_str()).await?,
        None => None,
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
        return Ok(LoginOutcome::Refused);
    };
    throttle::succeeded(db, &keys).await?;
    let token = random_hex(32)?;
    let csrf = random_hex(32)?;
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
    let actor = principal_of(&txn, &user, address).await?;
    db::audit::record(
        &txn,
        now,
        Some(&actor),
        AuditAction::SignedIn,
        None,
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(LoginOutcome::SignedIn(NewSession { token, csrf }))
}

/// Failed sign-ins allowed per account in a window.
pub const PER_ACCOUNT: usize = 5;
/// Failed sign-ins allowed per address in a window.
pub const PER_ADDRESS: usize = 20;

/// The account first (it starts afresh on success), then the address.
fn throttle_keys(email: Option<&LoginEmail>, address: Option<&str>) -> Vec<Limit> {
    let mut keys = Vec::with_capacity(2);
    if let Some(e) = email {
        keys.push(Limit::new(format!("account:{}", e.as_str()), PER_ACCOUNT));
    }
    if let Some(a) = address {
        keys.push(Limit::new(format!("address:{a}"), PER_ADDRESS));
    }
    keys
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
    address: Option<String>,
) -> Result<Option<SessionInfo>, AppError> {
    let Some((s, u)) = db::users::find_session(db, &sha256_hex(token), clock.now()).await? else {
        return Ok(None);
    };
    let principal = principal_of(db, &u, address).await?;
    Ok(Some(SessionInfo {
        principal,
        csrf: s.csrf_token,
        id: s.id,
    }))
}

/// Changes the caller's own password after checking the current one, and ends their
/// other sessions.
pub async fn change_password(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    session_id: Option<&str>,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let hash = db::users::password_hash(db, actor.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let pw = current.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    if !ok {
        errors.add("current", "Your current password is not right");
    }
    if let Err(m) = check_new_password(new, &[&actor.name]) {
        errors.add("new", m);
    } else if new != confirm {
        errors.add("confirm", "The two new passwords are not the same");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let new = new.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(new))
        .await
        .map_err(|e| anyhow::anyhow!(e))??;
    let txn = db::begin_write(db).await?;
    db::users::set_password_hash(&txn, actor.user_id, hash).await?;
    db::users::delete_sessions_of(&txn, actor.user_id, session_id).await?;
    db::audit::record(
        &txn,
        clock.now(),
        Some(actor),
        AuditAction::PasswordChanged,
        None,
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// How many users exist.
pub async fn user_count(db: &DatabaseConnection) -> Result<u64, AppError> {
    Ok(db::users::count(db).await?)
}

//! API tokens: made once and shown once, listed (never the token), revoked, and turned
//! back into their user for each API call.

use sea_orm::DatabaseConnection;
use time::Duration;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::db::entities::api_tokens;
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::user::LoginEmail;
use crate::error::AppError;

use crate::domain::user::Principal;

use super::auth::{principal_of, random_hex, sha256_hex};
use super::memo::{Memos, Stamp, TokenHolder};

/// Creates an API token for the user with this e-mail (the command line) and returns it.
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
    let actor = principal_of(db, &user, None).await?;
    create_token_for(db, clock, &actor, label).await
}

/// Creates an API token for the caller and returns it. Only its hash is stored, so it
/// cannot be shown again.
pub async fn create_token_for(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    label: &str,
) -> Result<String, AppError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(AppError::Invalid(FieldErrors::single(
            "label",
            "Say what the token is for, in 100 characters or fewer",
        )));
    }
    let token = format!("tc_{}", random_hex(32)?);
    let id = Uuid::now_v7();
    let txn = db::begin_write(db).await?;
    db::users::insert_token(
        &txn,
        api_tokens::Model {
            id,
            user_id: actor.user_id,
            token_hash: sha256_hex(&token),
            label: label.to_string(),
            created_at: clock.now(),
            last_used_at: None,
            revoked_at: None,
        },
    )
    .await?;
    db::audit::record(
        &txn,
        clock.now(),
        Some(actor),
        AuditAction::TokenCreated,
        None,
        serde_json::json!({"token": id, "label": label}),
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// An API token as listed: never the token itself.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    /// Id.
    pub id: Uuid,
    /// What it is for.
    pub label: String,
    /// Made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// Last used (to the nearest five minutes).
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<time::OffsetDateTime>,
    /// Revoked.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<time::OffsetDateTime>,
}

/// A user's tokens, newest first. Users list their own; admins anyone's.
pub async fn list_tokens(
    db: &DatabaseConnection,
    actor: &Principal,
    user: Uuid,
) -> Result<Vec<TokenInfo>, AppError> {
    if user != actor.user_id && !actor.is_admin() {
        return Err(AppError::NotFound);
    }
    Ok(db::users::tokens_of(db, user)
        .await?
        .into_iter()
        .map(|t| TokenInfo {
            id: t.id,
            label: t.label,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        })
        .collect())
}

/// Revokes a token. Users revoke their own; admins anyone's. It stops working at once.
pub async fn revoke_token(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
) -> Result<(), AppError> {
    let token = db::users::token_by_id(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if token.user_id != actor.user_id && !actor.is_admin() {
        return Err(AppError::NotFound);
    }
    let txn = db::begin_write(db).await?;
    db::users::revoke_token(&txn, id, clock.now()).await?;
    db::audit::record(
        &txn,
        clock.now(),
        Some(actor),
        AuditAction::TokenRevoked,
        None,
        serde_json::json!({"token": id, "owner": token.user_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The user behind a bearer token, if the token is live and the user active. Who holds a
/// token is kept for a moment in `memos`; its use is recorded at most every five minutes.
pub async fn token_principal(
    db: &DatabaseConnection,
    memos: &Memos,
    clock: &dyn Clock,
    token: &str,
    address: Option<String>,
) -> Result<Option<Principal>, AppError> {
    let hash = sha256_hex(token);
    let holder = match memos.tokens.get(&hash) {
        Some(holder) => holder,
        None => {
            let stamp = Stamp::now();
            let Some((t, user)) = db::users::find_token(db, &hash).await? else {
                return Ok(None);
            };
            let holder = TokenHolder {
                token_id: t.id,
                last_used: t.last_used_at,
                principal: principal_of(db, &user, None).await?,
            };
            memos.tokens.put(hash.clone(), holder.clone(), stamp);
            holder
        }
    };
    let now = clock.now();
    if holder
        .last_used
        .is_none_or(|last| now - last > Duration::minutes(5))
    {
        db::users::touch_token(db, holder.token_id, now).await?;
        memos.tokens.forget(&hash);
    }
    Ok(Some(Principal {
        address,
        ..holder.principal
    }))
}

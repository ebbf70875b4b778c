//! Password reset links: made by whoever manages the user (admins: anyone; coordinators:
//! the volunteers of their groups), shown once, valid for 24 hours and used once. Choosing
//! a password through one signs the user out everywhere.

use sea_orm::DatabaseConnection;
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::auth::{hash_password, random_hex, sha256_hex};
use crate::clock::Clock;
use crate::db;
use crate::db::resets::ResetRow;
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::user::{Principal, check_new_password};
use crate::error::AppError;

/// How long a link works.
pub const VALID_FOR: Duration = Duration::hours(24);

/// A link just made: its secret part is shown once and kept only as a hash.
#[derive(Debug, Clone)]
pub struct IssuedReset {
    /// Whose it is.
    pub user_name: String,
    /// The secret part of `/reset/{token}`.
    pub token: String,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

/// Makes a reset link for user `id`, ending any unused earlier one. Only someone who
/// manages the user may; a disabled user must be enabled first.
pub async fn issue(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
) -> Result<IssuedReset, AppError> {
    let target = super::admin::user(db, actor, id).await?;
    if !target.active {
        return Err(AppError::Conflict(format!(
            "{} is disabled: enable them before making a reset link",
            target.name
        )));
    }
    let token = random_hex(32)?;
    let now = clock.now();
    let row = ResetRow {
        id: sha256_hex(&token),
        user_id: id,
        created_by: Some(actor.user_id),
        created_at: now,
        expires_at: now + VALID_FOR,
        used_at: None,
    };
    let expires_at = row.expires_at;
    let txn = db::begin_write(db).await?;
    db::resets::replace(&*txn, row).await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::PasswordResetIssued,
        None,
        json!({"user": id}),
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedReset {
        user_name: target.name,
        token,
        expires_at,
    })
}

/// When the user's unused link stops working, if they have one (for who manages them).
pub async fn pending(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
) -> Result<Option<OffsetDateTime>, AppError> {
    super::admin::user(db, actor, id).await?;
    Ok(db::resets::pending_for(db, id, clock.now()).await?)
}

/// The name of the user whose live link this is; not found for a link that is unknown,
/// used or out of date.
pub async fn holder(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    token: &str,
) -> Result<String, AppError> {
    db::resets::live(db, &sha256_hex(token), clock.now())
        .await?
        .map(|(_, user)| user.name)
        .ok_or(AppError::NotFound)
}

/// Sets the password of the link's user, once, and ends all their sessions.
pub async fn choose_password(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    token: &str,
    new: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let hash = sha256_hex(token);
    let now = clock.now();
    let (_, user) = db::resets::live(db, &hash, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    if let Err(m) = check_new_password(new, &[&user.name, &user.email]) {
        errors.add("new", m);
    } else if new != confirm {
        errors.add("confirm", "The two passwords are not the same");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let new = new.to_string();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(new))
        .await
        .map_err(|e| anyhow::anyhow!(e))??;
    let txn = db::begin_write(db).await?;
    if !db::resets::use_up(&*txn, &hash, now).await? {
        return Err(AppError::NotFound);
    }
    db::users::set_password_hash(&txn, user.id, password_hash).await?;
    db::users::delete_sessions_of(&txn, user.id, None).await?;
    db::audit::record(
        &txn,
        now,
        None,
        AuditAction::PasswordReset,
        None,
        json!({"user": user.id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

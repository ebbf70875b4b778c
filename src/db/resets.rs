//! Password reset links, kept as the hash of their secret.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{password_resets, users};
use super::users::User;

/// A reset link as stored.
pub type ResetRow = password_resets::Model;

/// Stores a new link, ending any unused earlier link of the same user: only the newest
/// works.
pub async fn replace(c: &impl ConnectionTrait, row: ResetRow) -> Result<(), DbErr> {
    password_resets::Entity::delete_many()
        .filter(password_resets::Column::UserId.eq(row.user_id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(c)
        .await?;
    password_resets::Entity::insert(password_resets::ActiveModel {
        id: Set(row.id),
        user_id: Set(row.user_id),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
        expires_at: Set(row.expires_at),
        used_at: Set(row.used_at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The unused, unexpired link with this hash, and its active user.
pub async fn live(
    c: &impl ConnectionTrait,
    hash: &str,
    now: OffsetDateTime,
) -> Result<Option<(ResetRow, User)>, DbErr> {
    let Some(row) = password_resets::Entity::find_by_id(hash.to_string())
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let Some(user) = users::Entity::find_by_id(row.user_id).one(c).await? else {
        return Ok(None);
    };
    let user = User::try_from(user)?;
    Ok(user.active.then_some((row, user)))
}

/// Marks the link used; false if it was used already (by a request that got there first).
pub async fn use_up(
    c: &impl ConnectionTrait,
    hash: &str,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let res = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now))
        .filter(password_resets::Column::Id.eq(hash))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// When the user's unused link stops working, if they have one.
pub async fn pending_for(
    c: &impl ConnectionTrait,
    user: Uuid,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, DbErr> {
    Ok(password_resets::Entity::find()
        .filter(password_resets::Column::UserId.eq(user))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .one(c)
        .await?
        .map(|r| r.expires_at))
}

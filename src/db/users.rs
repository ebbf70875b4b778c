//! Users, sessions and API tokens.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{api_tokens, case_assignees, sessions, users};
use crate::domain::user::Role;

/// A user as the services see it. The password hash stays in this module's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: Uuid,
    /// Sign-in address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Disabled users cannot sign in and their sessions and tokens stop working.
    pub active: bool,
}

impl TryFrom<users::Model> for User {
    type Error = DbErr;
    fn try_from(m: users::Model) -> Result<Self, DbErr> {
        Ok(User {
            role: Role::parse(&m.role)
                .ok_or_else(|| DbErr::Custom(format!("user {}: bad role", m.id)))?,
            id: m.id,
            email: m.email,
            name: m.name,
            active: m.active,
        })
    }
}

/// Inserts a user.
pub async fn insert_user(
    c: &impl ConnectionTrait,
    user: &User,
    password_hash: String,
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    let row = users::ActiveModel {
        id: Set(user.id),
        email: Set(user.email.clone()),
        name: Set(user.name.clone()),
        role: Set(user.role.as_str().into()),
        password_hash: Set(password_hash),
        active: Set(user.active),
        created_at: Set(at),
    };
    users::Entity::insert(row).exec_without_returning(c).await?;
    Ok(())
}

/// The user with this e-mail, and their password hash.
pub async fn find_by_email(
    c: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<(User, String)>, DbErr> {
    match users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(c)
        .await?
    {
        Some(m) => {
            let hash = m.password_hash.clone();
            Ok(Some((User::try_from(m)?, hash)))
        }
        None => Ok(None),
    }
}

/// How many users there are.
pub async fn count(c: &impl ConnectionTrait) -> Result<u64, DbErr> {
    users::Entity::find().count(c).await
}

/// Stores a new session.
pub async fn insert_session(c: &impl ConnectionTrait, row: sessions::Model) -> Result<(), DbErr> {
    let am = sessions::ActiveModel {
        id: Set(row.id),
        user_id: Set(row.user_id),
        csrf_token: Set(row.csrf_token),
        created_at: Set(row.created_at),
        expires_at: Set(row.expires_at),
    };
    sessions::Entity::insert(am)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Removes a session.
pub async fn delete_session(c: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    sessions::Entity::delete_by_id(id.to_string())
        .exec(c)
        .await?;
    Ok(())
}

/// Removes expired sessions.
pub async fn delete_expired_sessions(
    c: &impl ConnectionTrait,
    now: OffsetDateTime,
) -> Result<u64, DbErr> {
    let res = sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(now))
        .exec(c)
        .await?;
    Ok(res.rows_affected)
}

/// The unexpired session with this id, and its active user.
pub async fn find_session(
    c: &impl ConnectionTrait,
    id: &str,
    now: OffsetDateTime,
) -> Result<Option<(sessions::Model, User)>, DbErr> {
    // One query: the session with its user.
    let found = sessions::Entity::find_by_id(id.to_string())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .find_also_related(users::Entity)
        .one(c)
        .await?;
    let Some((s, Some(user))) = found else {
        return Ok(None);
    };
    let user = User::try_from(user)?;
    Ok(user.active.then_some((s, user)))
}

/// Stores a new API token's hash.
pub async fn insert_token(c: &impl ConnectionTrait, row: api_tokens::Model) -> Result<(), DbErr> {
    let am = api_tokens::ActiveModel {
        id: Set(row.id),
        user_id: Set(row.user_id),
        token_hash: Set(row.token_hash),
        label: Set(row.label),
        created_at: Set(row.created_at),
        last_used_at: Set(row.last_used_at),
        revoked_at: Set(row.revoked_at),
    };
    api_tokens::Entity::insert(am)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// The unrevoked token with this hash, and its active user.
pub async fn find_token(
    c: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<(api_tokens::Model, User)>, DbErr> {
    // One query: the token with its owner.
    let found = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(hash))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .find_also_related(users::Entity)
        .one(c)
        .await?;
    let Some((t, Some(user))) = found else {
        return Ok(None);
    };
    let user = User::try_from(user)?;
    Ok(user.active.then_some((t, user)))
}

/// Records that a token was used.
pub async fn touch_token(
    c: &impl ConnectionTrait,
    id: Uuid,
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::LastUsedAt, Expr::value(at))
        .filter(api_tokens::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Marks a token revoked.
pub async fn revoke_token(
    c: &impl ConnectionTrait,
    id: Uuid,
    at: OffsetDateTime,
) -> Result<bool, DbErr> {
    let res = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(at))
        .filter(api_tokens::Column::Id.eq(id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    super::auth_changed(c).await?;
    Ok(res.rows_affected == 1)
}

/// The user with this id.
pub async fn find_by_id(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<User>, DbErr> {
    users::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(User::try_from)
        .transpose()
}

/// The password hash of a user.
pub async fn password_hash(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<String>, DbErr> {
    Ok(users::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(|m| m.password_hash))
}

/// Every user, by name.
pub async fn all(c: &impl ConnectionTrait) -> Result<Vec<User>, DbErr> {
    users::Entity::find()
        .order_by_asc(users::Column::Name)
        .all(c)
        .await?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// The names of these users, by id (for "who wrote it" lines).
pub async fn names(
    c: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    Ok(by_ids(c, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// These users, in any order.
pub async fn by_ids(c: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<User>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(users::Column::Name)
        .all(c)
        .await?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// The users who work a case, by name, in one query.
pub async fn assignees_of(c: &impl ConnectionTrait, case_id: Uuid) -> Result<Vec<User>, DbErr> {
    let assigned = sea_orm::sea_query::Query::select()
        .column(case_assignees::Column::UserId)
        .from(case_assignees::Entity)
        .and_where(sea_orm::sea_query::ExprTrait::eq(
            sea_orm::sea_query::Expr::col(case_assignees::Column::CaseId),
            case_id,
        ))
        .to_owned();
    users::Entity::find()
        .filter(users::Column::Id.in_subquery(assigned))
        .order_by_asc(users::Column::Name)
        .all(c)
        .await?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// Changes a user's role and whether they are active.
pub async fn set_role_and_active(
    c: &impl ConnectionTrait,
    id: Uuid,
    role: Role,
    active: bool,
) -> Result<bool, DbErr> {
    let res = users::Entity::update_many()
        .col_expr(users::Column::Role, Expr::value(role.as_str()))
        .col_expr(users::Column::Active, Expr::value(active))
        .filter(users::Column::Id.eq(id))
        .exec(c)
        .await?;
    super::auth_changed(c).await?;
    Ok(res.rows_affected == 1)
}

/// Replaces a user's password hash.
pub async fn set_password_hash(
    c: &impl ConnectionTrait,
    id: Uuid,
    hash: String,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(hash))
        .filter(users::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (a session id).
pub async fn delete_sessions_of(
    c: &impl ConnectionTrait,
    user: Uuid,
    keep: Option<&str>,
) -> Result<(), DbErr> {
    let mut q = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user));
    if let Some(keep) = keep {
        q = q.filter(sessions::Column::Id.ne(keep));
    }
    q.exec(c).await?;
    Ok(())
}

/// A user's API tokens, newest first (revoked ones too).
pub async fn tokens_of(
    c: &impl ConnectionTrait,
    user: Uuid,
) -> Result<Vec<api_tokens::Model>, DbErr> {
    api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user))
        .order_by_desc(api_tokens::Column::Id)
        .all(c)
        .await
}

/// The token with this id.
pub async fn token_by_id(
    c: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<api_tokens::Model>, DbErr> {
    api_tokens::Entity::find_by_id(id).one(c).await
}

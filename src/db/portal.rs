//! Rows of the tenant portal: access codes, tenant sessions, documents and messages.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{access_codes, documents, messages, tenant_sessions, users};

pub use documents::Model as DocumentRow;
pub use messages::Model as MessageRow;
pub use tenant_sessions::Model as TenantSessionRow;

/// A case with tenants' messages nobody has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// The case.
    pub case_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Its lead tenant.
    pub tenant_name: String,
    /// When the oldest unanswered message came.
    pub since: OffsetDateTime,
    /// How many are unanswered.
    pub count: i64,
}

/// The cases of `groups` (`None`: every group) with unanswered tenants' messages, oldest
/// first: one query, whatever the number of messages.
pub async fn waiting(
    c: &impl ConnectionTrait,
    groups: Option<&[Uuid]>,
) -> Result<Vec<Waiting>, DbErr> {
    use super::entities::cases;
    use sea_orm::sea_query::{Alias, ExprTrait, Order, Query};
    let m = |col| Expr::col((messages::Entity, col));
    let since = || m(messages::Column::CreatedAt).min();
    let mut q = Query::select();
    q.column((messages::Entity, messages::Column::CaseId))
        .column((cases::Entity, cases::Column::Reference))
        .column((cases::Entity, cases::Column::TenantName))
        .expr_as(since(), Alias::new("since"))
        .expr_as(m(messages::Column::Id).count(), Alias::new("n"))
        .from(messages::Entity)
        .inner_join(
            cases::Entity,
            Expr::col((cases::Entity, cases::Column::Id))
                .equals((messages::Entity, messages::Column::CaseId)),
        )
        .and_where(m(messages::Column::FromTenant).eq(true))
        .and_where(m(messages::Column::AnsweredAt).is_null())
        .group_by_columns([(messages::Entity, messages::Column::CaseId)])
        .group_by_col((cases::Entity, cases::Column::Reference))
        .group_by_col((cases::Entity, cases::Column::TenantName))
        .order_by_expr(since(), Order::Asc);
    if let Some(groups) = groups {
        q.and_where(
            Expr::col((cases::Entity, cases::Column::GroupId)).is_in(groups.iter().copied()),
        );
    }
    c.query_all(&q)
        .await?
        .into_iter()
        .map(|r| {
            Ok(Waiting {
                case_id: r.try_get("", "case_id")?,
                reference: r.try_get("", "reference")?,
                tenant_name: r.try_get("", "tenant_name")?,
                since: r.try_get("", "since")?,
                count: r.try_get("", "n")?,
            })
        })
        .collect()
}

/// Replaces a case's access code hash.
pub async fn set_access_code(
    c: &impl ConnectionTrait,
    case_id: Uuid,
    hash: String,
    at: OffsetDateTime,
    by: Option<Uuid>,
) -> Result<(), DbErr> {
    access_codes::Entity::delete_by_id(case_id).exec(c).await?;
    access_codes::Entity::insert(access_codes::ActiveModel {
        case_id: Set(case_id),
        code_hash: Set(hash),
        created_at: Set(at),
        created_by: Set(by),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The hash of a case's access code, if it has one.
pub async fn access_code(
    c: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Option<access_codes::Model>, DbErr> {
    access_codes::Entity::find_by_id(case_id).one(c).await
}

/// Stores a tenant session.
pub async fn insert_tenant_session(
    c: &impl ConnectionTrait,
    row: TenantSessionRow,
) -> Result<(), DbErr> {
    tenant_sessions::Entity::insert(tenant_sessions::ActiveModel {
        id: Set(row.id),
        case_id: Set(row.case_id),
        csrf_token: Set(row.csrf_token),
        created_at: Set(row.created_at),
        expires_at: Set(row.expires_at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// A tenant session that has not expired.
pub async fn tenant_session(
    c: &impl ConnectionTrait,
    id: &str,
    now: OffsetDateTime,
) -> Result<Option<TenantSessionRow>, DbErr> {
    tenant_sessions::Entity::find_by_id(id.to_string())
        .filter(tenant_sessions::Column::ExpiresAt.gt(now))
        .one(c)
        .await
}

/// Ends one tenant session, here and, on PostgreSQL, on every server that keeps it in
/// memory ([`crate::service::memo`]).
pub async fn delete_tenant_session(c: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    tenant_sessions::Entity::delete_by_id(id.to_string())
        .exec(c)
        .await?;
    super::auth_changed(c).await
}

/// Ends every tenant session of a case (when its code changes), as
/// [`delete_tenant_session`] does.
pub async fn delete_tenant_sessions_of(
    c: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<(), DbErr> {
    tenant_sessions::Entity::delete_many()
        .filter(tenant_sessions::Column::CaseId.eq(case_id))
        .exec(c)
        .await?;
    super::auth_changed(c).await
}

/// Stores a document's record (its bytes are on disk already).
pub async fn insert_document(c: &impl ConnectionTrait, row: DocumentRow) -> Result<(), DbErr> {
    documents::Entity::insert(documents::ActiveModel {
        id: Set(row.id),
        case_id: Set(row.case_id),
        file_name: Set(row.file_name),
        content_type: Set(row.content_type),
        size_bytes: Set(row.size_bytes),
        sha256: Set(row.sha256),
        stored_name: Set(row.stored_name),
        description: Set(row.description),
        uploaded_at: Set(row.uploaded_at),
        uploaded_by: Set(row.uploaded_by),
        from_tenant: Set(row.from_tenant),
        tenant_visible: Set(row.tenant_visible),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// How many documents the tenant has sent on a case, and their bytes in all.
pub async fn tenant_uploads(c: &impl ConnectionTrait, case_id: Uuid) -> Result<(i64, i64), DbErr> {
    use sea_orm::QuerySelect;
    let row: Option<(i64, Option<i64>)> = documents::Entity::find()
        .select_only()
        .column_as(documents::Column::Id.count(), "n")
        // PostgreSQL sums a bigint as numeric: bring it back to a bigint on both.
        .column_as(
            sea_orm::sea_query::Expr::from(sea_orm::sea_query::Func::cast_as(
                sea_orm::sea_query::Func::sum(sea_orm::sea_query::Expr::col(
                    documents::Column::SizeBytes,
                )),
                sea_orm::sea_query::Alias::new("BIGINT"),
            )),
            "bytes",
        )
        .filter(documents::Column::CaseId.eq(case_id))
        .filter(documents::Column::FromTenant.eq(true))
        .into_tuple()
        .one(c)
        .await?;
    Ok(row.map_or((0, 0), |(n, bytes)| (n, bytes.unwrap_or(0))))
}

/// A case's documents, oldest first.
pub async fn documents_of(
    c: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<DocumentRow>, DbErr> {
    documents::Entity::find()
        .filter(documents::Column::CaseId.eq(case_id))
        .order_by_asc(documents::Column::UploadedAt)
        .order_by_asc(documents::Column::Id)
        .all(c)
        .await
}

/// One document.
pub async fn document(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<DocumentRow>, DbErr> {
    documents::Entity::find_by_id(id).one(c).await
}

/// Shows a document to the tenant, or hides it.
pub async fn set_document_visible(
    c: &impl ConnectionTrait,
    id: Uuid,
    visible: bool,
) -> Result<(), DbErr> {
    documents::Entity::update_many()
        .col_expr(documents::Column::TenantVisible, Expr::value(visible))
        .filter(documents::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Stores a message.
pub async fn insert_message(c: &impl ConnectionTrait, row: MessageRow) -> Result<(), DbErr> {
    messages::Entity::insert(messages::ActiveModel {
        id: Set(row.id),
        case_id: Set(row.case_id),
        from_tenant: Set(row.from_tenant),
        author_id: Set(row.author_id),
        body: Set(row.body),
        created_at: Set(row.created_at),
        answered_at: Set(row.answered_at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// A message, with the name of the user who wrote it (none for the tenant's own).
#[derive(Debug, Clone, FromQueryResult)]
pub struct MessageLine {
    /// From the tenant (else from a user, or from the group).
    pub from_tenant: bool,
    /// The name of the user who wrote it.
    pub author: Option<String>,
    /// What it says.
    pub body: String,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// When a reply answered it (the tenant's only).
    pub answered_at: Option<OffsetDateTime>,
}

/// A case's messages, oldest first, with their authors' names, read in one query.
pub async fn messages_of(
    c: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<MessageLine>, DbErr> {
    let author = messages::Entity::belongs_to(users::Entity)
        .from(messages::Column::AuthorId)
        .to(users::Column::Id)
        .into();
    messages::Entity::find()
        .select_only()
        .columns([
            messages::Column::FromTenant,
            messages::Column::Body,
            messages::Column::CreatedAt,
            messages::Column::AnsweredAt,
        ])
        .column_as(users::Column::Name, "author")
        .join(JoinType::LeftJoin, author)
        .filter(messages::Column::CaseId.eq(case_id))
        .order_by_asc(messages::Column::CreatedAt)
        .order_by_asc(messages::Column::Id)
        .into_model::<MessageLine>()
        .all(c)
        .await
}

/// Marks the tenant's unanswered messages on a case as answered.
pub async fn mark_answered(
    c: &impl ConnectionTrait,
    case_id: Uuid,
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    messages::Entity::update_many()
        .col_expr(messages::Column::AnsweredAt, Expr::value(at))
        .filter(messages::Column::CaseId.eq(case_id))
        .filter(messages::Column::FromTenant.eq(true))
        .filter(messages::Column::AnsweredAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

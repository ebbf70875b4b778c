//! The audit log: appended to, filtered, never changed.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::audit_log;
use crate::domain::audit::AuditAction;
use crate::domain::user::Principal;

/// An audit entry as read back.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Id.
    pub id: Uuid,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who (their id).
    pub actor_id: Option<Uuid>,
    /// Who (their name then).
    pub actor_name: String,
    /// What, e.g. `case.viewed`.
    pub action: String,
    /// Which case.
    pub case_id: Option<Uuid>,
    /// More about it.
    pub detail: serde_json::Value,
    /// From which network address.
    pub address: Option<String>,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this user's actions.
    pub actor: Option<Uuid>,
    /// Only about this case.
    pub case: Option<Uuid>,
    /// Only this action.
    pub action: Option<AuditAction>,
    /// From this instant.
    pub from: Option<OffsetDateTime>,
    /// Before this instant.
    pub until: Option<OffsetDateTime>,
    /// Page, from 1.
    pub page: u64,
    /// Rows a page.
    pub per_page: u64,
}

/// An audit row not yet written.
pub type NewEntry = audit_log::ActiveModel;

/// A new audit row: who (or "system"), from where, did what, to which case.
pub fn entry(
    at: OffsetDateTime,
    actor: Option<&Principal>,
    action: AuditAction,
    case: Option<Uuid>,
    detail: serde_json::Value,
) -> NewEntry {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(at),
        actor_id: Set(actor.map(|a| a.user_id)),
        actor_name: Set(actor.map_or_else(|| "system".to_string(), |a| a.name.clone())),
        action: Set(action.as_str().to_string()),
        case_id: Set(case),
        detail: Set(detail),
        address: Set(actor.and_then(|a| a.address.clone())),
    }
}

/// Appends an entry made by the tenant of `case` (who has no account): recorded as "tenant".
pub async fn record_tenant(
    c: &impl ConnectionTrait,
    at: OffsetDateTime,
    action: AuditAction,
    case: Uuid,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    let mut row = entry(at, None, action, Some(case), detail);
    row.actor_name = Set("tenant".to_string());
    audit_log::Entity::insert(row)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Appends an entry, in the caller's transaction when it is one.
pub async fn record(
    c: &impl ConnectionTrait,
    at: OffsetDateTime,
    actor: Option<&Principal>,
    action: AuditAction,
    case: Option<Uuid>,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    record_all(c, vec![entry(at, actor, action, case, detail)]).await
}

/// Appends entries in one statement, as part of the caller's transaction.
pub async fn record_all(c: &impl ConnectionTrait, rows: Vec<NewEntry>) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    audit_log::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Appends entries in one transaction.
pub async fn insert(db: &DatabaseConnection, rows: Vec<NewEntry>) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let txn = super::begin_write(db).await?;
    for chunk in rows.chunks(100) {
        audit_log::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

/// A page of the log, newest first, and how many match.
pub async fn list(
    c: &impl ConnectionTrait,
    f: &AuditFilter,
) -> Result<(Vec<AuditEntry>, u64), DbErr> {
    let mut q = audit_log::Entity::find();
    if let Some(a) = f.actor {
        q = q.filter(audit_log::Column::ActorId.eq(a));
    }
    if let Some(case) = f.case {
        q = q.filter(audit_log::Column::CaseId.eq(case));
    }
    if let Some(action) = &f.action {
        q = q.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::Column::At.gte(from));
    }
    if let Some(until) = f.until {
        q = q.filter(audit_log::Column::At.lt(until));
    }
    let total = q.clone().count(c).await?;
    let per_page = f.per_page.clamp(1, 500);
    let rows = q
        .order_by_desc(audit_log::Column::Id)
        .offset((Ord::max(f.page, 1) - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(c)
        .await?;
    let entries = rows
        .into_iter()
        .map(|m| AuditEntry {
            id: m.id,
            at: m.at,
            actor_id: m.actor_id,
            actor_name: m.actor_name,
            action: m.action,
            case_id: m.case_id,
            detail: m.detail,
            address: m.address,
        })
        .collect();
    Ok((entries, total))
}

//! Messages between a tenant and their caseworkers, and the "Needs attention" list.

use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::clock::Clock;
use crate::db;
use crate::db::portal::MessageRow;
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::timeline::TimelineEvent;
use crate::error::AppError;
use crate::service::Principal;
use crate::service::cases::VisibleCase;

fn message_text(text: &str) -> Result<String, AppError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(AppError::Invalid(FieldErrors::single(
            "message",
            "Write your message",
        )));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::Invalid(FieldErrors::single(
            "message",
            format!("Your message must be {MAX_MESSAGE_CHARS} characters or fewer"),
        )));
    }
    Ok(text)
}

/// The tenant writes to their caseworkers: on the timeline, and on "Needs attention"
/// until someone replies.
pub async fn send_message(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    session: &TenantSession,
    text: &str,
) -> Result<(), AppError> {
    let text = message_text(text)?;
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    tenant_may_write(&txn, session.case_id).await?;
    let id = Uuid::now_v7();
    db::portal::insert_message(
        &txn,
        MessageRow {
            id,
            case_id: session.case_id,
            from_tenant: true,
            author_id: None,
            body: text.clone(),
            created_at: now,
            answered_at: None,
        },
    )
    .await?;
    let event = TimelineEvent::TenantMessage { message: id, text };
    db::cases::append_event(&txn, session.case_id, now, None, &event).await?;
    db::audit::record_tenant(
        &txn,
        now,
        AuditAction::MessageSent,
        session.case_id,
        json!({"message": id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A caseworker's reply, which the tenant sees on their status page. It answers the
/// tenant's open messages.
pub async fn reply(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    case_id: Uuid,
    text: &str,
) -> Result<(), AppError> {
    VisibleCase::load(db, actor, case_id).await?;
    let text = message_text(text)?;
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    let id = Uuid::now_v7();
    db::portal::insert_message(
        &txn,
        MessageRow {
            id,
            case_id,
            from_tenant: false,
            author_id: Some(actor.user_id),
            body: text.clone(),
            created_at: now,
            answered_at: None,
        },
    )
    .await?;
    db::portal::mark_answered(&txn, case_id, now).await?;
    let event = TimelineEvent::MessageToTenant { message: id, text };
    db::cases::append_event(&txn, case_id, now, Some(actor.user_id), &event).await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::MessageSent,
        Some(case_id),
        json!({"message": id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A message as caseworkers see it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageInfo {
    /// From the tenant.
    pub from_tenant: bool,
    /// Who wrote it.
    pub from: String,
    /// What it says.
    pub body: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Whether it waits for an answer.
    pub waiting: bool,
}

/// A case's messages, for its caseworkers.
pub async fn messages(
    db: &DatabaseConnection,
    actor: &Principal,
    case_id: Uuid,
) -> Result<Vec<MessageInfo>, AppError> {
    messages_on(db, &VisibleCase::load(db, actor, case_id).await?).await
}

/// The conversation on a case the caller may see, oldest first.
pub async fn messages_on(
    db: &DatabaseConnection,
    case: &VisibleCase,
) -> Result<Vec<MessageInfo>, AppError> {
    let rows = db::portal::messages_of(db, case.id).await?;
    Ok(rows
        .into_iter()
        .map(|m| MessageInfo {
            from_tenant: m.from_tenant,
            from: if m.from_tenant {
                case.facts.tenant.name.clone()
            } else {
                m.author.unwrap_or_default()
            },
            waiting: m.from_tenant && m.answered_at.is_none(),
            body: m.body,
            at: m.created_at,
        })
        .collect())
}

/// A case that needs a caseworker's attention.
#[derive(Debug, Clone, Serialize)]
pub struct AttentionRow {
    /// Case id.
    pub case_id: Uuid,
    /// Reference.
    pub reference: String,
    /// Lead tenant.
    pub tenant_name: String,
    /// Why.
    pub reason: String,
    /// Since when.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// Cases of the actor's groups with tenants' messages nobody has answered, oldest first.
pub async fn needs_attention(
    db: &DatabaseConnection,
    actor: &Principal,
) -> Result<Vec<AttentionRow>, AppError> {
    let groups = actor.visible_groups();
    Ok(db::portal::waiting(db, groups.as_deref())
        .await?
        .into_iter()
        .map(|w| AttentionRow {
            case_id: w.case_id,
            reference: w.reference,
            tenant_name: w.tenant_name,
            reason: if w.count > 1 {
                "Messages from the tenant".into()
            } else {
                "Message from the tenant".into()
            },
            since: w.since,
        })
        .collect())
}

//! The tenant's view of their case: status, next steps, deadlines, letters, documents,
//! messages and history, in plain words.

use sea_orm::DatabaseConnection;
use serde::Serialize;
use uuid::Uuid;

use super::*;
use crate::clock::Clock;
use crate::db;
use crate::domain::CaseRecord;
use crate::domain::case::long_date;
use crate::domain::letters::LetterKind;
use crate::domain::portal::{
    AwaitedReply, HistoryLine, deadline_sentences, first_name, history_lines, next_steps,
};
use crate::error::AppError;

/// A letter the tenant can download.
#[derive(Debug, Clone, Serialize)]
pub struct TenantLetter {
    /// Id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// When it was sent, in words.
    pub sent_on: String,
}

/// A document the tenant can see.
#[derive(Debug, Clone, Serialize)]
pub struct TenantDocument {
    /// Id.
    pub id: Uuid,
    /// File name.
    pub file_name: String,
    /// What it is.
    pub description: Option<String>,
    /// Sent by the tenant (else shared by us).
    pub from_tenant: bool,
    /// When, in words.
    pub added_on: String,
}

/// A message between the tenant and us.
#[derive(Debug, Clone, Serialize)]
pub struct TenantMessage {
    /// From the tenant (else from us).
    pub from_tenant: bool,
    /// Who wrote it, as the tenant sees them ("You", or a first name).
    pub from: String,
    /// What it says.
    pub body: String,
    /// When, in words.
    pub at: String,
}

/// Everything on a tenant's status page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// The case reference.
    pub reference: String,
    /// The first name of the lead tenant.
    pub first_name: String,
    /// The status in plain words.
    pub status: &'static str,
    /// What happens next.
    pub next: &'static str,
    /// What the tenant can do now.
    pub now: &'static str,
    /// Deadlines, as sentences.
    pub deadlines: Vec<String>,
    /// Sent letters, to download.
    pub letters: Vec<TenantLetter>,
    /// Documents the tenant sees.
    pub documents: Vec<TenantDocument>,
    /// The conversation.
    pub messages: Vec<TenantMessage>,
    /// What has happened, newest first.
    pub history: Vec<HistoryLine>,
    /// The local group.
    pub group: String,
    /// Whether the case is still open (messages and uploads are welcome).
    pub open: bool,
}

/// The replies awaited on the case's sent letters.
fn awaited_replies(letters: &[db::letters::LetterHead]) -> Vec<AwaitedReply<'_>> {
    letters
        .iter()
        .filter_map(|l| {
            Some(AwaitedReply {
                due: l.reply_due?,
                kind: LetterKind::parse(&l.kind)?,
                title: &l.title,
            })
        })
        .collect()
}

/// The tenant's view of their case.
pub async fn status(
    db: &DatabaseConnection,
    memos: &crate::service::memo::Memos,
    clock: &dyn Clock,
    session: &TenantSession,
) -> Result<StatusView, AppError> {
    let case = db::cases::find(db, session.case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = clock.today();
    let letters = db::letters::of_case(db, case.id).await?;
    let sent: Vec<_> = letters.iter().filter(|l| l.sent_on.is_some()).collect();
    let group = crate::service::memo::group(db, memos, case.group_id)
        .await?
        .map(|g| g.name)
        .unwrap_or_default();
    let messages = db::portal::messages_of(db, case.id).await?;
    let documents = db::portal::documents_of(db, case.id).await?;
    let history = history(db, &case).await?;
    let (next, now) = next_steps(case.stage);
    Ok(StatusView {
        reference: case.reference.to_string(),
        first_name: first_name(&case.facts.tenant.name),
        status: case.stage.tenant_label(),
        next,
        now,
        deadlines: deadline_sentences(case.stage, &case.facts, &awaited_replies(&letters), today),
        letters: sent
            .iter()
            .map(|l| TenantLetter {
                id: l.id,
                title: l.title.clone(),
                sent_on: l.sent_on.map(long_date).unwrap_or_default(),
            })
            .collect(),
        documents: documents
            .into_iter()
            .filter(|d| d.from_tenant || d.tenant_visible)
            .map(|d| TenantDocument {
                id: d.id,
                file_name: d.file_name,
                description: d.description,
                from_tenant: d.from_tenant,
                added_on: long_date(crate::domain::dates::uk_time(d.uploaded_at).date()),
            })
            .collect(),
        messages: messages
            .iter()
            .map(|m| TenantMessage {
                from_tenant: m.from_tenant,
                from: if m.from_tenant {
                    "You".into()
                } else {
                    m.author
                        .as_deref()
                        .map_or_else(|| group.clone(), first_name)
                },
                body: m.body.clone(),
                at: long_date(crate::domain::dates::uk_time(m.created_at).date()),
            })
            .collect(),
        history,
        group,
        open: case.stage.is_open(),
    })
}

/// The tenant's short history, newest first.
async fn history(db: &DatabaseConnection, case: &CaseRecord) -> Result<Vec<HistoryLine>, AppError> {
    let entries = db::cases::timeline(db, case.id).await?;
    Ok(history_lines(
        entries.iter().map(|e| (e.at.date(), &e.event)),
    ))
}

/// The frozen copy of a letter sent on the tenant's case.
pub async fn letter_pdf(
    db: &DatabaseConnection,
    session: &TenantSession,
    letter: Uuid,
) -> Result<(Vec<u8>, String), AppError> {
    let row = db::letters::find(db, letter)
        .await?
        .filter(|l| l.case_id == session.case_id && l.sent_on.is_some())
        .ok_or(AppError::NotFound)?;
    Ok((row.pdf, format!("{}-v{}.pdf", row.kind, row.version)))
}

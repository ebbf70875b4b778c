//! Everything the case page shows about one case, read with one check of who may see it
//! and one audit row ("case.viewed"), whatever the page shows of it.

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::Principal;
use super::cases::{self, CaseDetail, VisibleCase};
use super::letters::{self, LetterInfo};
use super::portal::{self, DocumentInfo, MessageInfo};
use super::reads::ReadAudit;
use crate::db;
use crate::db::cases::TimelineEntry;
use crate::error::AppError;

/// A user who may be put on a case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Assignable {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Works the case now.
    pub checked: bool,
}

/// One case, as its caseworkers see it.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The case, its group and who works it.
    pub detail: CaseDetail,
    /// Its timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Its letters, newest first.
    pub letters: Vec<LetterInfo>,
    /// The conversation with the tenant.
    pub messages: Vec<MessageInfo>,
    /// Its documents.
    pub documents: Vec<DocumentInfo>,
    /// Whether the tenant has an access code.
    pub has_code: bool,
    /// The members of its group who may work it, when the reader may assign it.
    pub assignable: Option<Vec<Assignable>>,
}

/// Reads a case for its page.
pub async fn open(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    actor: &Principal,
    id: Uuid,
) -> Result<CaseFile, AppError> {
    let case = VisibleCase::load(db, actor, id).await?;
    reads.case_viewed(actor, id).await?;
    let timeline = db::cases::timeline(db, id).await?;
    let letters = letters::of_visible(db, &case).await?;
    let messages = portal::messages_on(db, &case).await?;
    let documents = portal::documents_on(db, &case).await?;
    let has_code = db::portal::access_code(db, id).await?.is_some();
    let group = case.group_id;
    let detail = cases::detail(db, case.into_record()).await?;
    let assignable = if actor.can_assign(group) {
        let users = super::admin::assignable(db, group).await?;
        Some(
            users
                .into_iter()
                .map(|u| Assignable {
                    checked: detail.assignees.iter().any(|a| a.id == u.id),
                    id: u.id,
                    name: u.name,
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(CaseFile {
        detail,
        timeline,
        letters,
        messages,
        documents,
        has_code,
        assignable,
    })
}

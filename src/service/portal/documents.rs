//! Evidence: uploads from the tenant or a caseworker, sharing with the tenant, downloads.

use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::clock::Clock;
use crate::db;
use crate::db::portal::DocumentRow;
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::portal::sniff_document;
use crate::domain::timeline::TimelineEvent;
use crate::error::AppError;
use crate::service::Principal;
use crate::service::auth::random_hex;
use crate::service::cases::VisibleCase;
use crate::storage::Store;

/// Who is adding a document, and so to which case.
#[derive(Debug, Clone, Copy)]
pub enum Uploader<'a> {
    /// The tenant, through their status page: to their case.
    Tenant(&'a TenantSession),
    /// A caseworker, to a case they work.
    Staff(&'a Principal, Uuid),
}

/// A file as uploaded.
#[derive(Debug, Clone, Copy)]
pub struct NewDocument<'a> {
    /// Its name on the sender's device.
    pub file_name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// What the sender says it is.
    pub description: Option<&'a str>,
}

/// Keeps an uploaded document on a case. The type is judged from the content, not the
/// name. The bytes go into `dir` under a random name; the record says who sent it and
/// when. A tenant's upload is visible to them; a caseworker's is internal until shared.
pub async fn upload(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    store: &Store,
    who: Uploader<'_>,
    doc: NewDocument<'_>,
) -> Result<DocumentRow, AppError> {
    let NewDocument {
        file_name,
        bytes,
        description,
    } = doc;
    let case_id = match who {
        Uploader::Tenant(session) => session.case_id,
        Uploader::Staff(actor, case_id) => {
            VisibleCase::load(db, actor, case_id).await?;
            case_id
        }
    };
    let (content_type, extension) = kind_of_upload(bytes)?;
    let description = description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.chars().take(200).collect::<String>());
    let stored_name = random_hex(16)?;
    store.put(&stored_name, bytes).await?;
    let now = clock.now();
    let (by, actor, from_tenant) = match who {
        Uploader::Tenant(_) => (None, None, true),
        Uploader::Staff(p, _) => (Some(p.user_id), Some(p), false),
    };
    let row = DocumentRow {
        id: Uuid::now_v7(),
        case_id,
        file_name: crate::domain::portal::clean_file_name(file_name, extension),
        content_type: content_type.into(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: hex::encode(Sha256::digest(bytes)),
        stored_name,
        description,
        uploaded_at: now,
        uploaded_by: by,
        from_tenant,
        tenant_visible: from_tenant,
    };
    let saved = record_upload(db, &row, actor, now).await;
    if let Err(e) = saved {
        // Nothing half-kept: the bytes go if the record could not be written.
        if let Err(gone) = store.delete(&row.stored_name).await {
            tracing::warn!(error = %gone, "an upload whose record failed is left in the store");
        }
        return Err(e);
    }
    Ok(row)
}

fn bad_file(message: &str) -> AppError {
    AppError::Invalid(FieldErrors::single("file", message))
}

/// The type and file extension an upload's content shows, if it is a document we take.
fn kind_of_upload(bytes: &[u8]) -> Result<(&'static str, &'static str), AppError> {
    if bytes.is_empty() {
        return Err(bad_file("Choose a file to send"));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(bad_file(&format!(
            "The file must be smaller than {MAX_DOCUMENT_MB} MB"
        )));
    }
    sniff_document(bytes)
        .ok_or_else(|| bad_file("The file must be a photo (JPG, PNG, WEBP or HEIC) or a PDF"))
}

/// Records an upload whose bytes are stored: the document, its timeline entry and its
/// audit row (as the tenant of the case, or the staff member), in one transaction. A
/// tenant's upload is held to the case's quota.
async fn record_upload(
    db: &DatabaseConnection,
    row: &DocumentRow,
    actor: Option<&Principal>,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    let (case_id, from_tenant, by) = (row.case_id, row.from_tenant, row.uploaded_by);
    let txn = db::begin_write(db).await?;
    if from_tenant {
        // Checked under the write lock (the case row on PostgreSQL), so that uploads
        // sent at once cannot pass the quota together.
        db::cases::lock(&txn, case_id).await?;
        tenant_may_write(&txn, case_id).await?;
        let (count, bytes) = db::portal::tenant_uploads(&txn, case_id).await?;
        if count >= MAX_TENANT_DOCUMENTS {
            return Err(bad_file(&format!(
                "You have sent {MAX_TENANT_DOCUMENTS} documents on this case, the most it can take. Please talk to your caseworker."
            )));
        }
        if bytes + row.size_bytes > MAX_TENANT_MB * 1024 * 1024 {
            return Err(bad_file(&format!(
                "Your documents on this case would come to more than {MAX_TENANT_MB} MB, the most it can take. Please talk to your caseworker."
            )));
        }
    }
    db::portal::insert_document(&txn, row.clone()).await?;
    let event = TimelineEvent::DocumentAdded {
        document: row.id,
        file_name: row.file_name.clone(),
        from_tenant,
    };
    db::cases::append_event(&txn, case_id, now, by, &event).await?;
    let (action, detail) = (AuditAction::DocumentAdded, json!({"document": row.id}));
    match actor {
        Some(a) => db::audit::record(&txn, now, Some(a), action, Some(case_id), detail).await?,
        None => db::audit::record_tenant(&txn, now, action, case_id, detail).await?,
    }
    txn.commit().await?;
    Ok(())
}

/// A document as caseworkers see it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// Id.
    pub id: Uuid,
    /// File name.
    pub file_name: String,
    /// What it is.
    pub description: Option<String>,
    /// Type.
    pub content_type: String,
    /// Size in kilobytes, rounded up.
    pub size_kb: i64,
    /// Who sent it: the tenant or a volunteer's name.
    pub from: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Whether the tenant sees it.
    pub tenant_visible: bool,
    /// Sent by the tenant.
    pub from_tenant: bool,
}

/// A case's documents, for its caseworkers.
pub async fn documents(
    db: &DatabaseConnection,
    actor: &Principal,
    case_id: Uuid,
) -> Result<Vec<DocumentInfo>, AppError> {
    documents_on(db, &VisibleCase::load(db, actor, case_id).await?).await
}

/// The documents of a case the caller may see.
pub async fn documents_on(
    db: &DatabaseConnection,
    case: &VisibleCase,
) -> Result<Vec<DocumentInfo>, AppError> {
    let rows = db::portal::documents_of(db, case.id).await?;
    let names = db::users::names(db, rows.iter().filter_map(|d| d.uploaded_by)).await?;
    Ok(rows
        .into_iter()
        .map(|d| DocumentInfo {
            id: d.id,
            from: if d.from_tenant {
                "The tenant".into()
            } else {
                d.uploaded_by
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default()
            },
            file_name: d.file_name,
            description: d.description,
            content_type: d.content_type,
            size_kb: (d.size_bytes + 1023) / 1024,
            at: d.uploaded_at,
            tenant_visible: d.tenant_visible,
            from_tenant: d.from_tenant,
        })
        .collect())
}

/// Shows a document to the tenant or hides it again. Returns its case.
pub async fn set_visible(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    document: Uuid,
    show: bool,
) -> Result<Uuid, AppError> {
    let doc = db::portal::document(db, document)
        .await?
        .ok_or(AppError::NotFound)?;
    VisibleCase::load(db, actor, doc.case_id).await?;
    if doc.tenant_visible == show {
        return Ok(doc.case_id);
    }
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    db::portal::set_document_visible(&txn, document, show).await?;
    let event = TimelineEvent::DocumentShared {
        document,
        file_name: doc.file_name.clone(),
        visible: show,
    };
    db::cases::append_event(&txn, doc.case_id, now, Some(actor.user_id), &event).await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::DocumentShared,
        Some(doc.case_id),
        json!({"document": document, "visible": show}),
    )
    .await?;
    txn.commit().await?;
    Ok(doc.case_id)
}

/// A document's bytes, name and type.
pub struct DocumentFile {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The file name to offer.
    pub file_name: String,
    /// Its type (sniffed at upload).
    pub content_type: String,
}

async fn read_document(store: &Store, doc: DocumentRow) -> Result<DocumentFile, AppError> {
    // Stored names are our own hex; anything else is refused rather than joined to a path.
    if !doc.stored_name.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let bytes = store.get(&doc.stored_name).await?;
    Ok(DocumentFile {
        bytes,
        file_name: doc.file_name,
        content_type: doc.content_type,
    })
}

/// A document for a caseworker of its case. The download is audited.
pub async fn staff_document(
    db: &DatabaseConnection,
    reads: &crate::service::reads::ReadAudit,
    store: &Store,
    actor: &Principal,
    document: Uuid,
) -> Result<DocumentFile, AppError> {
    let doc = db::portal::document(db, document)
        .await?
        .ok_or(AppError::NotFound)?;
    VisibleCase::load(db, actor, doc.case_id).await?;
    reads
        .record(
            Some(actor),
            AuditAction::DocumentDownloaded,
            Some(doc.case_id),
            json!({"document": document}),
        )
        .await?;
    read_document(store, doc).await
}

/// A document for the tenant: only on their case, and only if it is theirs or shared.
pub async fn tenant_document(
    db: &DatabaseConnection,
    store: &Store,
    session: &TenantSession,
    document: Uuid,
) -> Result<DocumentFile, AppError> {
    let doc = db::portal::document(db, document)
        .await?
        .filter(|d| d.case_id == session.case_id && (d.from_tenant || d.tenant_visible))
        .ok_or(AppError::NotFound)?;
    read_document(store, doc).await
}

//! Letters in a batch: one type for many cases, as one PDF or a zip of PDFs.

use std::collections::BTreeMap;

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::letters::LetterKind;
use crate::error::AppError;
use crate::letters::{Letter, pdf};
use crate::service::Principal;
use crate::service::cases::VisibleCase;

use super::*;

/// How a batch of letters is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    /// One PDF holding every letter, each numbered on its own.
    Pdf,
    /// A zip of the frozen PDFs, one file a letter.
    Zip,
}

/// Most cases in one batch.
pub const MAX_BATCH: usize = 500;

/// One letter of a batch: its file name and frozen bytes, and what was drawn.
#[derive(Debug, Clone)]
pub struct BatchItem {
    /// e.g. "TC-2026-00042-L1-v2.pdf".
    pub file_name: String,
    /// The frozen PDF.
    pub pdf: Vec<u8>,
    /// What it says, for a combined PDF.
    pub letter: Letter,
}

/// Writes a letter of `kind` for each case, all or none: if any case cannot have it,
/// nothing is written and every problem is reported against the field `cases`.
/// Coordinators (of each case's group) and admins only. `progress` is called after each
/// letter with the count done.
pub async fn batch(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    cases: &[Uuid],
    kind: LetterKind,
    fields: BTreeMap<String, String>,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<BatchItem>, AppError> {
    if cases.is_empty() {
        return Err(AppError::Invalid(FieldErrors::single(
            "cases",
            "Select at least one case",
        )));
    }
    if cases.len() > MAX_BATCH {
        return Err(AppError::Invalid(FieldErrors::single(
            "cases",
            format!("Select {MAX_BATCH} cases or fewer"),
        )));
    }
    let clean = clean_fields(kind, fields)?;
    let txn = db::begin_write(db).await?;
    let mut items = Vec::with_capacity(cases.len());
    let mut problems: Vec<String> = Vec::new();
    for (done, &case_id) in cases.iter().enumerate() {
        let case = VisibleCase::load(&txn, actor, case_id).await?;
        if !actor.can_assign(case.group_id) {
            return Err(AppError::Forbidden(
                "Only coordinators and admins write letters in batches.".into(),
            ));
        }
        match write(&txn, clock, actor, case_id, kind, &clean, clock.today()).await {
            Ok((row, letter)) => items.push(BatchItem {
                file_name: format!("{}-{}-v{}.pdf", case.reference, row.kind, row.version),
                pdf: row.pdf,
                letter,
            }),
            Err(AppError::Invalid(e)) => {
                for (_, message) in e.iter() {
                    problems.push(format!("{}: {message}", case.reference));
                }
            }
            Err(AppError::Conflict(message)) => {
                problems.push(format!("{}: {message}", case.reference));
            }
            Err(e) => return Err(e),
        }
        progress(done + 1);
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(FieldErrors::single(
            "cases",
            format!(
                "No letters were written. {} of the selected cases cannot have this letter. {}",
                problems.len(),
                problems.join(". ")
            ),
        )));
    }
    txn.commit().await?;
    Ok(items)
}

/// Packs a batch as one PDF or a zip.
pub fn pack(
    items: &[BatchItem],
    format: BatchFormat,
    created: time::OffsetDateTime,
) -> Result<Vec<u8>, AppError> {
    match format {
        BatchFormat::Pdf => {
            let letters: Vec<&Letter> = items.iter().map(|i| &i.letter).collect();
            let author = letters
                .first()
                .map(|l| l.sender.clone())
                .unwrap_or_default();
            pdf::render_many("Letters", &author, &letters, created)
                .map_err(|e| anyhow::anyhow!(e).into())
        }
        BatchFormat::Zip => {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            // The PDFs are compressed already.
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for item in items {
                zip.start_file(item.file_name.as_str(), options)
                    .map_err(|e| anyhow::anyhow!(e))?;
                std::io::Write::write_all(&mut zip, &item.pdf).map_err(|e| anyhow::anyhow!(e))?;
            }
            Ok(zip.finish().map_err(|e| anyhow::anyhow!(e))?.into_inner())
        }
    }
}

//! Letters of a case: generate (frozen on the spot), download, mark sent.

mod batch;
mod context;
mod sending;
mod writing;

pub use batch::*;
pub(crate) use context::context;
pub use context::{LetterContext, MARK_END, MARK_START};
pub use sending::*;
use writing::write;

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::Date;
use uuid::Uuid;

use super::Principal;
use crate::clock::Clock;
use crate::db;
use crate::db::letters::{LetterHead, LetterRow};
use crate::domain::audit::AuditAction;
use crate::domain::case::long_date;
use crate::domain::letters::{LetterKind, SendMethod, reply_due};
use crate::domain::rules::{self};
use crate::domain::timeline::TimelineEvent;
use crate::domain::{CaseRecord, FieldErrors};
use crate::error::AppError;
use crate::letters::{Letter, pdf, wording};
use crate::service::cases::VisibleCase;
use crate::service::reads::ReadAudit;

/// Longest free-text part.
const MAX_FIELD_CHARS: usize = 2_000;

/// A letter as listed and answered by the API (never its bytes).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterInfo {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub case_id: Uuid,
    /// L1 … L6.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its title.
    pub title: String,
    /// 1 for the first letter of this type on the case, then 2, …
    pub version: i32,
    /// SHA-256 of the frozen PDF.
    pub sha256: String,
    /// Pages.
    pub pages: i32,
    /// When it was generated.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// The day it was sent.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub sent_on: Option<Date>,
    /// How it was sent.
    pub sent_method: Option<String>,
    /// Tracking number.
    pub tracking: Option<String>,
    /// The wording used: 0 for the standard wording, n for the group's version n.
    pub template_version: i32,
    /// The reply it asks for is due on, counted from the deemed receipt of its sending.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub reply_due: Option<Date>,
    /// The letter's own date: the day it was to be sent.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub dated: Option<Date>,
    /// The reply date printed in the letter.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub printed_reply_due: Option<Date>,
    /// Sent later than planned, so the printed reply date gives the landlord less time
    /// than the law: a new version should be written and sent.
    pub printed_date_short: bool,
}

impl From<LetterHead> for LetterInfo {
    fn from(l: LetterHead) -> Self {
        LetterInfo {
            id: l.id,
            case_id: l.case_id,
            kind: l.kind,
            title: l.title,
            version: l.version,
            sha256: l.sha256,
            pages: l.pages,
            created_at: l.created_at,
            sent_on: l.sent_on,
            sent_method: l.sent_method,
            tracking: l.tracking,
            reply_due: l.reply_due,
            template_version: l.template_version,
            dated: l.dated,
            printed_reply_due: l.printed_reply_due,
            printed_date_short: matches!((l.reply_due, l.printed_reply_due), (Some(due), Some(printed)) if due > printed),
        }
    }
}

/// The facts a letter of `kind` needs that the case lacks (see
/// [`crate::domain::letters::missing_facts`]).
pub fn missing_facts(
    case: &CaseRecord,
    kind: LetterKind,
    today: Date,
) -> Vec<(&'static str, &'static str)> {
    crate::domain::letters::missing_facts(kind, &case.facts, &rules::assess(&case.facts, today))
}

/// Checks the free-text parts given for a letter of `kind`: known names, sensible lengths.
fn clean_fields(
    kind: LetterKind,
    fields: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, AppError> {
    let mut errors = FieldErrors::default();
    let allowed: Vec<&str> = kind
        .free_fields()
        .iter()
        .map(|(name, _, _)| *name)
        .collect();
    let mut clean = BTreeMap::new();
    for (name, value) in fields {
        let value = value.trim().to_string();
        if !allowed.contains(&name.as_str()) {
            errors.add(
                format!("fields.{name}"),
                format!("{} has no part called {name}", kind.as_str()),
            );
        } else if value.chars().count() > MAX_FIELD_CHARS {
            errors.add(
                format!("fields.{name}"),
                format!("Must be {MAX_FIELD_CHARS} characters or fewer"),
            );
        } else if !value.is_empty() {
            clean.insert(name, value);
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Builds and freezes a letter of `kind` for a case: the PDF bytes and their SHA-256 are
/// stored and never change. A second letter of a kind is a new version.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %case_id))]
pub async fn generate(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    case_id: Uuid,
    kind: LetterKind,
    mut fields: BTreeMap<String, String>,
) -> Result<LetterInfo, AppError> {
    VisibleCase::load(db, actor, case_id).await?;
    // The day the letter will be sent is its date, and its reply date runs from it.
    let dated = send_date(fields.remove("send_on").as_deref(), clock.today())?;
    let clean = clean_fields(kind, fields)?;
    let txn = db::begin_write(db).await?;
    let (row, _) = write(&txn, clock, actor, case_id, kind, &clean, dated).await?;
    txn.commit().await?;
    let head = db::letters::head(db, row.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(LetterInfo::from(head))
}

/// Longest a letter may be dated ahead.
const MAX_DAYS_AHEAD: i64 = 60;

/// The day a letter is to be sent: today when not given, else a date from today to
/// [`MAX_DAYS_AHEAD`] days on.
fn send_date(raw: Option<&str>, today: Date) -> Result<Date, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(today);
    };
    let bad = |m: String| AppError::Invalid(FieldErrors::single("send_on", m));
    let day = Date::parse(raw, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| bad(crate::domain::dates::BAD_DATE.into()))?;
    if day < today {
        return Err(bad(
            "Must be today or later: a letter is dated the day it is sent".into(),
        ));
    }
    if day > today + time::Duration::days(MAX_DAYS_AHEAD) {
        return Err(bad(format!(
            "Must be within {MAX_DAYS_AHEAD} days of today"
        )));
    }
    Ok(day)
}

/// The wording a group uses for `kind` now: its own (with its version number) or the
/// standard one (`None`, or a version whose body went back to the standard).
async fn wording_in_use(
    c: &impl ConnectionTrait,
    group: Uuid,
    kind: LetterKind,
) -> Result<(i32, Option<String>), AppError> {
    Ok(db::letters::current_template(c, group, kind.as_str())
        .await?
        .map_or((0, None), |t| (t.version, t.body)))
}

fn wording_error(kind: LetterKind, version: i32, e: &str) -> AppError {
    if version == 0 {
        anyhow::anyhow!("letter wording: {e}").into()
    } else {
        AppError::Invalid(FieldErrors::single(
            "type",
            format!(
                "Your group's wording of {} (version {version}) could not be filled in for this case: {e}. A coordinator can correct it under Letter wording.",
                kind.as_str()
            ),
        ))
    }
}

/// A letter being written: its case, and the wording it would have now.
#[derive(Debug)]
pub struct Draft {
    /// The case.
    pub case: CaseRecord,
    /// The wording, with every value taken from the case between [`MARK_START`] and
    /// [`MARK_END`], for a preview.
    pub wording: wording::Wording,
}

/// The letter of `kind` as it would be written now, for the page that writes it. The read
/// of the case is audited.
pub async fn draft(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    clock: &dyn Clock,
    actor: &Principal,
    case_id: Uuid,
    kind: LetterKind,
) -> Result<Draft, AppError> {
    let case = VisibleCase::load(db, actor, case_id).await?;
    reads.case_viewed(actor, case_id).await?;
    let group = db::groups::by_id(db, case.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = context(
        &case,
        &group,
        kind,
        &BTreeMap::new(),
        clock.today(),
        clock.today(),
        true,
    );
    let (version, custom) = wording_in_use(db, group.id, kind).await?;
    let wording = wording::render(kind, custom.as_deref(), &ctx)
        .map_err(|e| wording_error(kind, version, &e))?;
    Ok(Draft {
        case: case.into_record(),
        wording,
    })
}

async fn letter_of_visible_case(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
) -> Result<LetterHead, AppError> {
    let head = db::letters::head(db, id).await?.ok_or(AppError::NotFound)?;
    VisibleCase::load(db, actor, head.case_id).await?;
    Ok(head)
}

/// The case a letter belongs to, if the actor may see it.
pub async fn case_of(
    db: &DatabaseConnection,
    actor: &Principal,
    letter: Uuid,
) -> Result<Uuid, AppError> {
    Ok(letter_of_visible_case(db, actor, letter).await?.case_id)
}

/// A case's letters, newest first.
pub async fn of_case(
    db: &DatabaseConnection,
    actor: &Principal,
    case_id: Uuid,
) -> Result<Vec<LetterInfo>, AppError> {
    of_visible(db, &VisibleCase::load(db, actor, case_id).await?).await
}

/// The letters of a case the caller may see, newest first.
pub async fn of_visible(
    db: &DatabaseConnection,
    case: &VisibleCase,
) -> Result<Vec<LetterInfo>, AppError> {
    Ok(db::letters::of_case(db, case.id)
        .await?
        .into_iter()
        .map(LetterInfo::from)
        .collect())
}

/// The frozen bytes of a letter and a file name for them. The download is audited.
pub async fn pdf(
    db: &DatabaseConnection,
    reads: &super::reads::ReadAudit,
    actor: &Principal,
    id: Uuid,
) -> Result<(Vec<u8>, String), AppError> {
    let head = letter_of_visible_case(db, actor, id).await?;
    let row = db::letters::find(db, id).await?.ok_or(AppError::NotFound)?;
    let case = db::cases::find(db, head.case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    reads
        .record(
            Some(actor),
            AuditAction::LetterDownloaded,
            Some(head.case_id),
            json!({"letter": id}),
        )
        .await?;
    Ok((
        row.pdf,
        format!("{}-{}-v{}.pdf", case.reference, head.kind, head.version),
    ))
}

//! Marking a letter sent: how and when, and the reply deadline that starts.

use sea_orm::DatabaseConnection;
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::letters::{LetterKind, SendMethod, reply_due};
use crate::domain::timeline::TimelineEvent;
use crate::error::AppError;
use crate::service::Principal;

use super::*;
use crate::domain::workflow::{Stage, stage_after_letter};

/// What is said of a letter sent: how, when, its tracking number, and the stage the case
/// moves to with it, each as given (checked by [`mark_sent`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sending<'a> {
    /// `post`, `email` or `hand`.
    pub method: Option<&'a str>,
    /// The day, YYYY-MM-DD; today when not given.
    pub date: Option<&'a str>,
    /// A tracking number.
    pub tracking: Option<&'a str>,
    /// The stage to move the case to: only the one the letter brings it to
    /// ([`stage_after_letter`]).
    pub stage: Option<&'a str>,
}

/// The stage asked for with a letter sent, if any: it must be the one the letter brings
/// the case to.
fn stage_to_move(
    asked: Option<&str>,
    kind: LetterKind,
    current: Stage,
) -> Result<Option<Stage>, AppError> {
    let Some(asked) = asked.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match stage_after_letter(kind, current) {
        Some(to) if to.as_str() == asked => Ok(Some(to)),
        Some(to) => Err(AppError::Invalid(FieldErrors::single(
            "stage",
            format!(
                "A {} sent moves the case to \"{}\" only",
                kind.as_str(),
                to.label()
            ),
        ))),
        None => Err(AppError::Invalid(FieldErrors::single(
            "stage",
            format!(
                "This letter does not move the case from \"{}\": move it from the case page",
                current.label()
            ),
        ))),
    }
}

/// How, when and with what tracking number a letter written on `written` was sent, as
/// the form or the API gives them; each problem is named against its field. The date is
/// today when not given, and must lie between the day the letter was written and today.
fn read_sending(
    method: Option<&str>,
    on: Option<&str>,
    tracking: Option<&str>,
    written: Date,
    today: Date,
) -> Result<(SendMethod, Date, Option<String>), FieldErrors> {
    let mut errors = FieldErrors::default();
    let method = match method.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => SendMethod::parse(m).or_else(|| {
            errors.add("method", "Choose post, email or hand");
            None
        }),
        None => {
            errors.add("method", "Choose how the letter was sent");
            None
        }
    };
    let on = match on.map(str::trim).filter(|d| !d.is_empty()) {
        None => Some(today),
        Some(raw) => match Date::parse(raw, &time::format_description::well_known::Iso8601::DATE) {
            Ok(d) if d > today => {
                errors.add("date", "Must be today or in the past");
                None
            }
            Ok(d) if d < written => {
                errors.add(
                    "date",
                    format!(
                        "Must be on or after {}, the day the letter was written",
                        crate::domain::case::long_date(written)
                    ),
                );
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.add("date", crate::domain::dates::BAD_DATE);
                None
            }
        },
    };
    let tracking = tracking
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    if tracking.as_ref().is_some_and(|t| t.chars().count() > 100) {
        errors.add("tracking", "Must be 100 characters or fewer");
    }
    match (method, on) {
        (Some(method), Some(on)) if errors.is_empty() => Ok((method, on, tracking)),
        _ => Err(errors),
    }
}

/// Records that a letter was sent (once), which starts its reply deadline.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, letter = %id))]
pub async fn mark_sent(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    sending: Sending<'_>,
) -> Result<LetterInfo, AppError> {
    let head = letter_of_visible_case(db, actor, id).await?;
    let written = crate::domain::dates::uk_time(head.created_at).date();
    let (method, on, tracking) = read_sending(
        sending.method,
        sending.date,
        sending.tracking,
        written,
        clock.today(),
    )
    .map_err(AppError::Invalid)?;
    let kind =
        LetterKind::parse(&head.kind).ok_or_else(|| anyhow::anyhow!("unknown letter kind"))?;
    let txn = db::begin_write(db).await?;
    let case = db::cases::find(&txn, head.case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let move_to = stage_to_move(sending.stage, kind, case.stage)?;
    let due = reply_due(kind, case.facts.tenancy.jurisdiction, on, method).map(|r| r.due);
    if !db::letters::mark_sent(&txn, id, on, method.as_str(), tracking, due).await? {
        return Err(AppError::Conflict(
            "This letter is already marked as sent.".into(),
        ));
    }
    // Its reply deadline may now be the one the case leads with.
    db::cases::refresh_next_due(&*txn, Some(head.case_id), clock.today()).await?;
    let now = clock.now();
    let event = TimelineEvent::LetterSent {
        letter: id,
        title: head.title.clone(),
        method: method.as_str().into(),
        on,
        reply_due: due,
    };
    db::cases::append_event(&txn, head.case_id, now, Some(actor.user_id), &event).await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::LetterSent,
        Some(head.case_id),
        json!({"letter": id}),
    )
    .await?;
    if let Some(to) = move_to {
        let from = case.stage;
        let moved = CaseRecord {
            stage: to,
            version: case.version + 1,
            updated_at: now,
            ..case
        };
        let event = TimelineEvent::Transitioned {
            from,
            to,
            reason: Some(format!("{} sent", head.title)),
            outcome_code: None,
            overridden: false,
            outcome: None,
        };
        crate::service::cases::save_move(&txn, now, actor, &moved, (from, event)).await?;
    }
    txn.commit().await?;
    Ok(LetterInfo::from(
        db::letters::head(db, id).await?.ok_or(AppError::NotFound)?,
    ))
}

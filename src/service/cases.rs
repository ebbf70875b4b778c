//! Case use cases: intake, edit, notes, list, timeline.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Principal;
use crate::clock::Clock;
use crate::db;
pub use crate::db::cases::{CaseFilter, CasePage, TimelineEntry};
use crate::domain::input::CaseInput;
use crate::domain::timeline::{Change, TimelineEvent, diff};
use crate::domain::{CaseRecord, CaseStatus, FieldErrors};
use crate::error::AppError;

/// Longest note.
const MAX_NOTE_CHARS: usize = 10_000;

/// Message for an edit that lost a race.
pub const STALE_EDIT: &str =
    "Someone else changed this case after you opened it. Your changes were not saved over theirs.";

/// Takes in a new case: validates it, gives it the next reference of the year, and
/// records its creation on the timeline.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id))]
pub async fn intake(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    input: CaseInput,
) -> Result<CaseRecord, AppError> {
    let facts = input.validate(clock.today()).map_err(AppError::Invalid)?;
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    let reference = db::cases::next_reference(&txn, now.year()).await?;
    let record = CaseRecord {
        id: Uuid::now_v7(),
        reference,
        status: CaseStatus::Open,
        version: 1,
        created_at: now,
        updated_at: now,
        facts,
    };
    db::cases::insert(&txn, &record, actor.user_id).await?;
    let event = TimelineEvent::Created {
        reference: reference.to_string(),
    };
    db::cases::append_event(&txn, record.id, now, Some(actor.user_id), &event).await?;
    txn.commit().await?;
    tracing::debug!(case = %record.id, "case taken in");
    Ok(record)
}

/// The case with this id.
pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<CaseRecord, AppError> {
    db::cases::find(db, id).await?.ok_or(AppError::NotFound)
}

/// A filtered page of cases, newest first.
pub async fn list(db: &DatabaseConnection, filter: &CaseFilter) -> Result<CasePage, AppError> {
    Ok(db::cases::list(db, filter).await?)
}

/// Replaces a case's facts (and optionally its status) if `expected_version` is still
/// current; records what changed. An edit that changes nothing keeps the version.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn update(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    input: CaseInput,
    status: Option<CaseStatus>,
) -> Result<CaseRecord, AppError> {
    let txn = db::begin_write(db).await?;
    let current = db::cases::find(&txn, id).await?.ok_or(AppError::NotFound)?;
    let updated = apply_edit(&txn, clock, actor, current, expected_version, input, status).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Applies a JSON merge patch (RFC 7396) to a case's facts. The body may also carry
/// `version` (instead of `If-Match`) and `status`.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn patch(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    if_match: Option<i32>,
    body: Value,
) -> Result<CaseRecord, AppError> {
    let Value::Object(mut body) = body else {
        return Err(AppError::BadRequest(
            "The body must be a JSON object".into(),
        ));
    };
    let body_version = match body.remove("version") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| {
                    AppError::Invalid(FieldErrors::single("version", "Must be a whole number"))
                })?,
        ),
    };
    let expected = if_match
        .or(body_version)
        .ok_or(AppError::PreconditionRequired)?;
    let status = match body.remove("status") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_str().and_then(CaseStatus::parse).ok_or_else(|| {
            AppError::Invalid(FieldErrors::single(
                "status",
                "Must be \"open\" or \"closed\"",
            ))
        })?),
    };
    let txn = db::begin_write(db).await?;
    let current = db::cases::find(&txn, id).await?.ok_or(AppError::NotFound)?;
    let mut merged =
        serde_json::to_value(CaseInput::from(&current.facts)).map_err(|e| anyhow::anyhow!(e))?;
    merge_patch(&mut merged, Value::Object(body));
    let input: CaseInput = serde_json::from_value(merged)
        .map_err(|e| AppError::BadRequest(format!("The patch does not fit a case: {e}")))?;
    let updated = apply_edit(&txn, clock, actor, current, expected, input, status).await?;
    txn.commit().await?;
    Ok(updated)
}

async fn apply_edit(
    txn: &impl ConnectionTrait,
    clock: &dyn Clock,
    actor: &Principal,
    current: CaseRecord,
    expected_version: i32,
    input: CaseInput,
    status: Option<CaseStatus>,
) -> Result<CaseRecord, AppError> {
    if current.version != expected_version {
        return Err(AppError::Conflict(STALE_EDIT.into()));
    }
    let facts = input.validate(clock.today()).map_err(AppError::Invalid)?;
    let status = status.unwrap_or(current.status);
    let mut changes = diff(&current.facts, &facts);
    if status != current.status {
        changes.insert(
            0,
            Change {
                field: "status".into(),
                from: Some(current.status.as_str().into()),
                to: Some(status.as_str().into()),
            },
        );
    }
    if changes.is_empty() {
        return Ok(current);
    }
    let now = clock.now();
    let updated = CaseRecord {
        version: current.version + 1,
        updated_at: now,
        facts,
        status,
        ..current
    };
    if !db::cases::update(txn, &updated, expected_version).await? {
        return Err(AppError::Conflict(STALE_EDIT.into()));
    }
    let event = TimelineEvent::Edited { changes };
    db::cases::append_event(txn, updated.id, now, Some(actor.user_id), &event).await?;
    Ok(updated)
}

/// Adds a free-text note to a case's timeline.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn add_note(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    text: &str,
) -> Result<TimelineEntry, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::Invalid(FieldErrors::single(
            "text",
            "Write the note",
        )));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::Invalid(FieldErrors::single(
            "text",
            format!("Must be {MAX_NOTE_CHARS} characters or fewer"),
        )));
    }
    let txn = db::begin_write(db).await?;
    db::cases::find(&txn, id).await?.ok_or(AppError::NotFound)?;
    let now = clock.now();
    let event = TimelineEvent::Note {
        text: text.to_string(),
    };
    let entry_id = db::cases::append_event(&txn, id, now, Some(actor.user_id), &event).await?;
    txn.commit().await?;
    Ok(TimelineEntry {
        id: entry_id,
        at: now,
        actor: Some(actor.name.clone()),
        event,
    })
}

/// A case's timeline, oldest first.
pub async fn timeline(db: &DatabaseConnection, id: Uuid) -> Result<Vec<TimelineEntry>, AppError> {
    db::cases::find(db, id).await?.ok_or(AppError::NotFound)?;
    Ok(db::cases::timeline(db, id).await?)
}

/// JSON merge patch (RFC 7396): objects merge key by key, `null` removes, anything
/// else replaces.
fn merge_patch(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in fields {
                    if v.is_null() {
                        t.remove(&k);
                    } else {
                        merge_patch(t.entry(k).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other,
    }
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]});
        merge_patch(
            &mut doc,
            json!({"a": "z", "c": {"f": null}, "list": [3], "new": {"x": 1}}),
        );
        assert_eq!(
            doc,
            json!({"a": "z", "c": {"d": "e"}, "list": [3], "new": {"x": 1}})
        );
    }
}

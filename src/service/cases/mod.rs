//! Case use cases: intake, edit, notes, list, timeline.
//!
//! Also here: [`visible`] (who may see a case), [`assign`] (who works it), [`stages`]
//! (moving a case along its workflow) and [`deadlines`] (the deadline lists).

mod assign;
mod bulk;
mod deadlines;
mod stages;
mod visible;

pub use assign::*;
pub use bulk::*;
pub use deadlines::*;
pub use stages::*;
pub use visible::*;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Principal;
use super::memo::{self, Memos};
use super::reads::ReadAudit;
use crate::clock::Clock;
use crate::db;
pub use crate::db::cases::{CaseFilter, CasePage, TimelineEntry};
use crate::db::groups::Group;
use crate::domain::audit::AuditAction;
use crate::domain::input::CaseInput;
use crate::domain::patch::merge_patch;
use crate::domain::rules::{self, Assessment};
use crate::domain::timeline::{TimelineEvent, diff};
use crate::domain::workflow::Stage;
use crate::domain::{CaseRecord, FieldErrors};
use crate::error::AppError;

/// Longest note.
const MAX_NOTE_CHARS: usize = 10_000;

/// Message for an edit that lost a race.
pub const STALE_EDIT: &str =
    "Someone else changed this case after you opened it. Your changes were not saved over theirs.";

/// Which of `all` groups a new case goes in: the one named, or the actor's only group.
/// The error is the message for the `group` field.
fn intake_group(all: &[Group], actor: &Principal, name: Option<&str>) -> Result<Group, String> {
    let mine: Vec<&Group> = all.iter().filter(|g| actor.sees_group(g.id)).collect();
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => match all.iter().find(|g| g.name == n) {
            Some(g) if actor.sees_group(g.id) => Ok(g.clone()),
            Some(_) => Err(format!("You are not a member of the group \"{n}\"")),
            None => Err(format!("There is no group called \"{n}\"")),
        },
        None => match mine.as_slice() {
            [only] => Ok((*only).clone()),
            [] => Err("You are not in any group yet: ask an admin to add you to one".into()),
            _ => Err("Choose the group this case belongs to".into()),
        },
    }
}

/// Takes in a new case in a group: validates it, gives it the next reference of the
/// year, and records its creation on the timeline.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id))]
pub async fn intake(
    db: &DatabaseConnection,
    memos: &Memos,
    clock: &dyn Clock,
    actor: &Principal,
    group: Option<&str>,
    input: CaseInput,
) -> Result<CaseDetail, AppError> {
    let groups = super::admin::groups_for_intake(db, memos, clock, actor).await?;
    let group = intake_group(&groups, actor, group);
    let facts = match (input.validate(clock.today()), group.as_ref()) {
        (Ok(facts), Ok(_)) => facts,
        (facts, group) => {
            let mut errors = FieldErrors::default();
            if let Err(m) = group {
                errors.add("group", m.as_str());
            }
            if let Err(e) = facts {
                errors.merge(e);
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let group = group.map_err(|m| anyhow::anyhow!(m))?;
    // Whoever takes a case in works it, when they are of its group.
    let taker = Some(actor).filter(|a| a.member_of(group.id));
    let txn = db::begin_write(db).await?;
    let record = insert_new(&txn, clock, Some(actor), taker, group.id, facts).await?;
    txn.commit().await?;
    let assignees = taker
        .map(|a| UserRef {
            id: a.user_id,
            name: a.name.clone(),
        })
        .into_iter()
        .collect();
    tracing::debug!(case = %record.id, "case taken in");
    Ok(CaseDetail::new(record, group, assignees))
}

/// Inserts a new case at intake with the next reference of the year, puts `taker` on it,
/// and records both on the timeline and in the audit log. `actor` is `None` when a tenant
/// asked for help online. A few statements in all, since the write lock is held meanwhile.
pub(crate) async fn insert_new(
    txn: &sea_orm::DatabaseTransaction,
    clock: &dyn Clock,
    actor: Option<&Principal>,
    taker: Option<&Principal>,
    group_id: Uuid,
    facts: crate::domain::CaseFacts,
) -> Result<CaseRecord, AppError> {
    let now = clock.now();
    let reference = db::cases::next_reference(txn, now.year()).await?;
    let record = CaseRecord {
        id: Uuid::now_v7(),
        reference,
        group_id,
        stage: Stage::Intake,
        held_from: None,
        outcome: None,
        version: 1,
        created_at: now,
        updated_at: now,
        facts,
    };
    let by = actor.map(|a| a.user_id);
    db::cases::insert(txn, &record, by).await?;
    let mut events = vec![TimelineEvent::Created {
        reference: reference.to_string(),
    }];
    let mut audit = vec![db::audit::entry(
        now,
        actor,
        AuditAction::CaseCreated,
        Some(record.id),
        json!({}),
    )];
    if let Some(taker) = taker {
        db::cases::add_assignees(txn, record.id, &[taker.user_id], now).await?;
        let (event, entry) = assign::taker_on(now, taker, record.id);
        events.push(event);
        audit.push(entry);
    }
    db::cases::append_events(txn, record.id, now, by, &events).await?;
    db::audit::record_all(txn, audit).await?;
    Ok(record)
}

/// The case with this id, if the actor may see it. The read is audited.
pub async fn get(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    memos: &Memos,
    actor: &Principal,
    id: Uuid,
) -> Result<CaseDetail, AppError> {
    let (case, assignees) = VisibleCase::load_with_assignees(db, actor, id).await?;
    reads.case_viewed(actor, id).await?;
    let group = memo::group(db, memos, case.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(CaseDetail::new(case.into_record(), group, assignees))
}

/// A filtered page of the cases the actor may see, newest first. The read is audited.
pub async fn list(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    actor: &Principal,
    filter: &CaseFilter,
) -> Result<CasePage, AppError> {
    let filter = CaseFilter {
        groups: actor.visible_groups(),
        ..filter.clone()
    };
    let page = db::cases::list(db, &filter).await?;
    let shown: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
    // What was shown is kept; what was searched for (often a person's name) is not.
    let searched = filter.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let detail = json!({"searched": searched, "jurisdiction": filter.jurisdiction, "status": filter.status,
                        "assigned_to": filter.assigned_to, "page": filter.page, "shown": shown});
    reads
        .record(Some(actor), AuditAction::CasesListed, None, detail)
        .await?;
    Ok(page)
}

/// Replaces a case's facts if `expected_version` is still current; records what
/// changed. An edit that changes nothing keeps the version. The stage changes only
/// through [`transition`].
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn update(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    input: CaseInput,
) -> Result<CaseDetail, AppError> {
    let txn = db::begin_write(db).await?;
    let current = VisibleCase::load(&txn, actor, id).await?;
    let updated = apply_edit(&txn, clock, actor, current, expected_version, input).await?;
    let detail = detail(&txn, updated).await?;
    txn.commit().await?;
    Ok(detail)
}

/// Applies a JSON merge patch (RFC 7396) to a case's facts. The body may also carry
/// `version` (instead of `If-Match`).
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn patch(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    if_match: Option<i32>,
    body: Value,
) -> Result<CaseDetail, AppError> {
    let txn = db::begin_write(db).await?;
    let current = VisibleCase::load(&txn, actor, id).await?;
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
    if body.contains_key("stage") || body.contains_key("status") {
        return Err(AppError::Invalid(FieldErrors::single(
            "stage",
            "Change the stage with POST /api/v1/cases/{id}/transitions",
        )));
    }
    let mut merged =
        serde_json::to_value(CaseInput::from(&current.facts)).map_err(|e| anyhow::anyhow!(e))?;
    merge_patch(&mut merged, Value::Object(body));
    let input: CaseInput = serde_json::from_value(merged)
        .map_err(|e| AppError::BadRequest(format!("The patch does not fit a case: {e}")))?;
    let updated = apply_edit(&txn, clock, actor, current, expected, input).await?;
    let detail = detail(&txn, updated).await?;
    txn.commit().await?;
    Ok(detail)
}

async fn apply_edit(
    txn: &impl ConnectionTrait,
    clock: &dyn Clock,
    actor: &Principal,
    current: VisibleCase,
    expected_version: i32,
    input: CaseInput,
) -> Result<CaseRecord, AppError> {
    let current = current.into_record();
    if current.version != expected_version {
        return Err(AppError::Conflict(STALE_EDIT.into()));
    }
    let facts = input.validate(clock.today()).map_err(AppError::Invalid)?;
    let changes = diff(&current.facts, &facts);
    if changes.is_empty() {
        return Ok(current);
    }
    let now = clock.now();
    let updated = CaseRecord {
        version: current.version + 1,
        updated_at: now,
        facts,
        ..current
    };
    if !db::cases::update(txn, &updated, expected_version).await? {
        return Err(AppError::Conflict(STALE_EDIT.into()));
    }
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    db::audit::record(
        txn,
        now,
        Some(actor),
        AuditAction::CaseUpdated,
        Some(updated.id),
        json!({"fields": fields}),
    )
    .await?;
    let event = TimelineEvent::Edited { changes };
    db::cases::append_event(txn, updated.id, now, Some(actor.user_id), &event).await?;
    Ok(updated)
}

/// The assessment of a case: what the law gives the tenant, and by when.
pub async fn assessment(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    reads: &ReadAudit,
    actor: &Principal,
    id: Uuid,
) -> Result<Assessment, AppError> {
    let case = VisibleCase::load(db, actor, id).await?;
    reads
        .record(Some(actor), AuditAction::CaseAssessed, Some(id), json!({}))
        .await?;
    Ok(rules::assess(&case.facts, clock.today()))
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
    VisibleCase::load(&txn, actor, id).await?;
    let now = clock.now();
    let event = TimelineEvent::Note {
        text: text.to_string(),
    };
    let entry_id = db::cases::append_event(&txn, id, now, Some(actor.user_id), &event).await?;
    let detail = json!({"entry": entry_id});
    db::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::NoteAdded,
        Some(id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(TimelineEntry {
        id: entry_id,
        at: now,
        actor: Some(actor.name.clone()),
        event,
    })
}

/// A case's timeline, oldest first, if the actor may see the case.
pub async fn timeline(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    actor: &Principal,
    id: Uuid,
) -> Result<Vec<TimelineEntry>, AppError> {
    VisibleCase::load(db, actor, id).await?;
    reads
        .record(
            Some(actor),
            AuditAction::TimelineViewed,
            Some(id),
            json!({}),
        )
        .await?;
    Ok(db::cases::timeline(db, id).await?)
}

/// Records a volunteer's look-up of the nation's schemes on a case: a new entry of
/// `deposit.scheme_checks`, on the timeline like any edit. A look-up that found nothing
/// is what establishes that a deposit was never protected.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn add_scheme_check(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    check: crate::domain::input::SchemeCheckInput,
) -> Result<CaseDetail, AppError> {
    let txn = db::begin_write(db).await?;
    db::cases::lock(&txn, id).await?;
    let current = VisibleCase::load(&txn, actor, id).await?;
    let mut doc = serde_json::to_value(&current.facts).map_err(|e| anyhow::anyhow!(e))?;
    let index = current.facts.deposit.scheme_checks.len();
    let entry = serde_json::to_value(&check).map_err(|e| anyhow::anyhow!(e))?;
    match doc.pointer_mut("/deposit") {
        Some(Value::Object(deposit)) => {
            let list = deposit
                .entry("scheme_checks")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(entry);
            }
        }
        _ => return Err(anyhow::anyhow!("a case's facts have no deposit").into()),
    }
    let input: CaseInput = serde_json::from_value(doc).map_err(|e| anyhow::anyhow!(e))?;
    // Errors name the check's own fields as the small form on the case page has them
    // (`check_date`, `check_found`, …).
    let prefix = format!("deposit.scheme_checks[{index}].");
    let version = current.version;
    let updated = match apply_edit(&txn, clock, actor, current, version, input).await {
        Err(AppError::Invalid(errors)) => {
            let mut mine = FieldErrors::default();
            for (field, message) in errors.iter() {
                match field.strip_prefix(&prefix) {
                    Some(own) => mine.add(format!("check_{own}"), message),
                    None => mine.add(field, message),
                }
            }
            return Err(AppError::Invalid(mine));
        }
        other => other?,
    };
    let detail = detail(&txn, updated).await?;
    txn.commit().await?;
    Ok(detail)
}

/// The id of the case with this reference, whoever may see it (for admin filters).
pub async fn id_of_reference(
    db: &DatabaseConnection,
    reference: &crate::domain::CaseReference,
) -> Result<Option<Uuid>, AppError> {
    Ok(db::cases::id_of_reference(db, reference).await?)
}

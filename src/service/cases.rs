//! Case use cases: intake, edit, notes, list, timeline.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::Principal;
use super::reads::ReadAudit;
use crate::clock::Clock;
use crate::db;
pub use crate::db::cases::{CaseFilter, CasePage, TimelineEntry};
use crate::db::groups::Group;
use crate::domain::audit::AuditAction;
use crate::domain::case::Scheme;
use crate::domain::input::CaseInput;
use crate::domain::rules::{self, Assessment};
use crate::domain::timeline::{TimelineEvent, diff};
use crate::domain::workflow::{
    GuardFacts, Stage, TransitionError, TransitionRequest, check_transition,
};
use crate::domain::{CaseRecord, CaseStatus, FieldErrors};
use crate::error::AppError;

/// Longest note.
const MAX_NOTE_CHARS: usize = 10_000;

/// Message for an edit that lost a race.
pub const STALE_EDIT: &str =
    "Someone else changed this case after you opened it. Your changes were not saved over theirs.";

/// A case with its group and assignees: what the case page and the API show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    /// The case.
    #[serde(flatten)]
    pub case: CaseRecord,
    /// Open or closed, from the stage.
    pub status: CaseStatus,
    /// The stage in plain language, as the tenant sees it.
    pub tenant_status: &'static str,
    /// Its local group.
    pub group: Group,
    /// Who is working it.
    pub assignees: Vec<UserRef>,
}

impl CaseDetail {
    fn new(case: CaseRecord, group: Group, assignees: Vec<UserRef>) -> CaseDetail {
        CaseDetail {
            status: case.status(),
            tenant_status: case.stage.tenant_label(),
            case,
            group,
            assignees,
        }
    }
}

/// A user by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UserRef {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// Refuses a case the actor may not see as if it did not exist.
/// A case the caller may see. It is made only by [`VisibleCase::load`], the one check of
/// who may see a case: current membership of its group (admins: any). Use cases reach a
/// case's data through it; a case outside the caller's groups is "not found", exactly like
/// one that does not exist.
#[derive(Debug, Clone)]
pub struct VisibleCase(CaseRecord);

impl VisibleCase {
    /// Loads the case `id` if `actor` may see it.
    pub async fn load(
        c: &impl ConnectionTrait,
        actor: &Principal,
        id: Uuid,
    ) -> Result<VisibleCase, AppError> {
        db::cases::find(c, id)
            .await?
            .filter(|case| actor.can_work_case(case.group_id))
            .map(VisibleCase)
            .ok_or(AppError::NotFound)
    }

    /// The record itself.
    pub fn into_record(self) -> CaseRecord {
        self.0
    }
}

impl std::ops::Deref for VisibleCase {
    type Target = CaseRecord;

    fn deref(&self) -> &CaseRecord {
        &self.0
    }
}

pub(crate) async fn detail(
    c: &impl ConnectionTrait,
    case: CaseRecord,
) -> Result<CaseDetail, AppError> {
    let group = db::groups::by_id(c, case.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let assignees = db::users::assignees_of(c, case.id)
        .await?
        .into_iter()
        .map(|u| UserRef {
            id: u.id,
            name: u.name,
        })
        .collect();
    Ok(CaseDetail::new(case, group, assignees))
}

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
    clock: &dyn Clock,
    actor: &Principal,
    group: Option<&str>,
    input: CaseInput,
) -> Result<CaseDetail, AppError> {
    let group = intake_group(&db::groups::all(db).await?, actor, group);
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
    let txn = db::begin_write(db).await?;
    let record = insert_new(&txn, clock, Some(actor), group.id, facts).await?;
    txn.commit().await?;
    tracing::debug!(case = %record.id, "case taken in");
    Ok(CaseDetail::new(record, group, Vec::new()))
}

/// Inserts a new case at intake with the next reference of the year, and records its
/// creation on the timeline and in the audit log. `actor` is `None` when a tenant asked
/// for help online.
pub(crate) async fn insert_new(
    txn: &sea_orm::DatabaseTransaction,
    clock: &dyn Clock,
    actor: Option<&Principal>,
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
    let event = TimelineEvent::Created {
        reference: reference.to_string(),
    };
    db::cases::append_event(txn, record.id, now, by, &event).await?;
    db::audit::record(
        txn,
        now,
        actor,
        AuditAction::CaseCreated,
        Some(record.id),
        json!({}),
    )
    .await?;
    Ok(record)
}

/// The case with this id, if the actor may see it. The read is audited.
pub async fn get(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    actor: &Principal,
    id: Uuid,
) -> Result<CaseDetail, AppError> {
    let case = VisibleCase::load(db, actor, id).await?;
    reads
        .record(Some(actor), AuditAction::CaseViewed, Some(id), json!({}))
        .await?;
    detail(db, case.into_record()).await
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

/// The stages a case can move to now, with the guard facts they are checked against.
pub fn next_stages(case: &CaseRecord, today: time::Date) -> (Vec<Stage>, GuardFacts) {
    let scheme_known = case
        .facts
        .deposit
        .scheme
        .is_some_and(|s| !matches!(s, Scheme::None | Scheme::Unknown));
    // An override is needed only once every claim of the case is out of time.
    let claim_by = rules::assess(&case.facts, today).last_claim_by;
    (
        case.stage.next(case.held_from),
        GuardFacts {
            scheme_known,
            claim_by,
            today,
        },
    )
}

/// Moves a case to another stage if the move is legal and its guards are met; records
/// who, when and why on the timeline. An illegal move is a conflict (409).
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id, to = %to))]
pub async fn transition(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    to: Stage,
    req: TransitionRequest,
) -> Result<CaseDetail, AppError> {
    let txn = db::begin_write(db).await?;
    let current = VisibleCase::load(&txn, actor, id).await?;
    let (_, guard) = next_stages(&current, clock.today());
    let held_from = match check_transition(current.stage, current.held_from, to, &req, guard) {
        Ok(held) => held,
        Err(e @ TransitionError::Illegal { .. }) => return Err(AppError::Conflict(e.to_string())),
        Err(TransitionError::Needs(fields)) => return Err(AppError::Invalid(fields)),
    };
    let now = clock.now();
    let from = current.stage;
    let outcome = if to == Stage::Resolved {
        req.outcome.clone()
    } else {
        current.outcome.clone()
    };
    let updated = CaseRecord {
        stage: to,
        held_from,
        outcome,
        version: current.version + 1,
        updated_at: now,
        ..current.into_record()
    };
    if !db::cases::update(&txn, &updated, updated.version - 1).await? {
        return Err(AppError::Conflict(STALE_EDIT.into()));
    }
    let event = TimelineEvent::Transitioned {
        from,
        to,
        reason: req
            .reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty()),
        outcome_code: req.outcome_code,
        overridden: req.override_time_limit && to == Stage::Court,
        outcome: if to == Stage::Resolved {
            req.outcome
        } else {
            None
        },
    };
    db::cases::append_event(&txn, id, now, Some(actor.user_id), &event).await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::CaseTransitioned,
        Some(id),
        json!({"from": from, "to": to}),
    )
    .await?;
    let detail = detail(&txn, updated).await?;
    txn.commit().await?;
    Ok(detail)
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

/// Makes `users` exactly the people working a case. Coordinators of the case's group (and
/// admins) assign; only active members of that group can be assigned.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn assign(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    users: &[Uuid],
) -> Result<CaseDetail, AppError> {
    let txn = db::begin_write(db).await?;
    db::cases::lock(&txn, id).await?;
    let case = VisibleCase::load(&txn, actor, id).await?;
    if !actor.can_assign(case.group_id) {
        return Err(AppError::Forbidden(
            "Only coordinators of this case's group can assign it.".into(),
        ));
    }
    let eligible = super::admin::assignable(&txn, case.group_id).await?;
    let mut wanted: Vec<Uuid> = users.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if let Some(bad) = wanted
        .iter()
        .find(|u| !eligible.iter().any(|e| e.id == **u))
    {
        return Err(AppError::Invalid(FieldErrors::single(
            "assignees",
            format!("{bad} is not an active volunteer or coordinator of this case's group"),
        )));
    }
    let before = db::cases::assignees(&txn, id).await?;
    let name = |u: &Uuid| eligible.iter().find(|e| e.id == *u).map(|e| e.name.clone());
    let before_names = db::users::by_ids(&txn, &before).await?;
    let mut added: Vec<String> = wanted
        .iter()
        .filter(|u| !before.contains(u))
        .filter_map(name)
        .collect();
    added.sort();
    let removed: Vec<String> = before_names
        .iter()
        .filter(|u| !wanted.contains(&u.id))
        .map(|u| u.name.clone())
        .collect();
    if !added.is_empty() || !removed.is_empty() {
        let now = clock.now();
        db::cases::set_assignees(&txn, id, &wanted, now).await?;
        let event = TimelineEvent::Assigned { added, removed };
        db::cases::append_event(&txn, id, now, Some(actor.user_id), &event).await?;
        db::audit::record(
            &txn,
            now,
            Some(actor),
            AuditAction::CaseAssigned,
            Some(id),
            json!({"assignees": wanted}),
        )
        .await?;
    }
    let detail = detail(&txn, case.into_record()).await?;
    txn.commit().await?;
    Ok(detail)
}

/// Takes `user` (called `name`) off every case of `groups`, the groups they have just left,
/// and records it on each case's timeline. Part of the caller's transaction.
pub(crate) async fn end_assignments(
    txn: &sea_orm::DatabaseTransaction,
    clock: &dyn Clock,
    actor: &Principal,
    user: Uuid,
    name: &str,
    groups: &[Uuid],
) -> Result<(), AppError> {
    if groups.is_empty() {
        return Ok(());
    }
    let cases = db::cases::assigned_in_groups(txn, user, groups).await?;
    if cases.is_empty() {
        return Ok(());
    }
    db::cases::unassign(txn, user, &cases).await?;
    let now = clock.now();
    let event = TimelineEvent::Assigned {
        added: Vec::new(),
        removed: vec![name.to_string()],
    };
    for case in &cases {
        db::cases::append_event(txn, *case, now, Some(actor.user_id), &event).await?;
    }
    let detail = json!({"user": user, "cases": cases, "reason": "left the group"});
    db::audit::record(
        txn,
        now,
        Some(actor),
        AuditAction::CaseUnassigned,
        None,
        detail,
    )
    .await?;
    Ok(())
}

/// The id of the case with this reference, whoever may see it (for admin filters).
pub async fn id_of_reference(
    db: &DatabaseConnection,
    reference: &crate::domain::CaseReference,
) -> Result<Option<Uuid>, AppError> {
    Ok(db::cases::id_of_reference(db, reference).await?)
}

/// A deadline of one case, for the "Overdue" and "Due soon" lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineRow {
    /// Case id.
    pub case_id: Uuid,
    /// Case reference.
    pub reference: String,
    /// Lead tenant.
    pub tenant_name: String,
    /// Landlord or agent.
    pub landlord_name: Option<String>,
    /// Stage, in words.
    pub stage: &'static str,
    /// What is due.
    pub label: String,
    /// When.
    #[serde(with = "crate::domain::case::iso_date")]
    pub due: time::Date,
}

/// Overdue deadlines (missed, and acting on them falls to us) and deadlines due within
/// [`DUE_SOON_DAYS`] days, soonest first.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct DeadlineLists {
    /// Passed, and ours to act on.
    pub overdue: Vec<DeadlineRow>,
    /// Still running, due within the window.
    pub due_soon: Vec<DeadlineRow>,
}

/// How far ahead "Due soon" looks.
pub use crate::domain::alerts::DUE_SOON_DAYS;

fn deadline_lists(
    cases: &[CaseRecord],
    letters: &[db::letters::LetterHead],
    today: time::Date,
) -> DeadlineLists {
    use crate::domain::alerts::{Listed, listed, reply_listed};
    let mut lists = DeadlineLists::default();
    let row = |case: &CaseRecord, label: String, due: time::Date| DeadlineRow {
        case_id: case.id,
        reference: case.reference.to_string(),
        tenant_name: case.facts.tenant.name.clone(),
        landlord_name: case.facts.other_side_name().map(str::to_string),
        stage: case.stage.label(),
        label,
        due,
    };
    let mut put = |on: Option<Listed>, r: DeadlineRow| match on {
        Some(Listed::Overdue) => lists.overdue.push(r),
        Some(Listed::DueSoon) => lists.due_soon.push(r),
        None => {}
    };
    let by_id: HashMap<Uuid, &CaseRecord> = cases.iter().map(|c| (c.id, c)).collect();
    for letter in letters {
        if let (Some(due), Some(case)) = (letter.reply_due, by_id.get(&letter.case_id)) {
            let label = format!("Reply due to \"{}\"", letter.title);
            put(reply_listed(due, today), row(case, label, due));
        }
    }
    for case in cases {
        for d in rules::assess(&case.facts, today).deadlines {
            put(listed(&d, today), row(case, d.label.clone(), d.due));
        }
    }
    lists.overdue.sort_by_key(|r| r.due);
    lists.due_soon.sort_by_key(|r| r.due);
    lists
}

/// The deadline lists of the actor's own cases, and (for coordinators and admins) of
/// every case of their groups. Derived from the rules each time; none is typed in. Complete
/// at any caseload: only the cases with a deadline window open today are read
/// ([`crate::domain::alerts`]), with the cases of letters whose reply is due.
pub async fn deadlines(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
) -> Result<(DeadlineLists, Option<DeadlineLists>), AppError> {
    let today = clock.today();
    // Assignment alone never shows a case: it must also be in one of the actor's groups now.
    let visible = actor.visible_groups();
    let lists = |assigned: Option<Uuid>| {
        let groups = visible.clone();
        async move {
            let groups = groups.as_deref();
            let mut cases = db::cases::alerted_open_records(db, groups, assigned, today).await?;
            let soon = today + time::Duration::days(DUE_SOON_DAYS);
            let open = db::cases::open_case_ids(groups, assigned);
            let letters = db::letters::replies_due_by(db, open, soon).await?;
            let loaded: HashSet<Uuid> = cases.iter().map(|c| c.id).collect();
            let mut missing: Vec<Uuid> = letters
                .iter()
                .map(|l| l.case_id)
                .filter(|id| !loaded.contains(id))
                .collect();
            missing.sort_unstable();
            missing.dedup();
            cases.extend(db::cases::records(db, &missing).await?);
            Ok::<_, AppError>(deadline_lists(&cases, &letters, today))
        }
    };
    let mine = lists(Some(actor.user_id)).await?;
    let groups = if actor.coordinates() {
        Some(lists(None).await?)
    } else {
        None
    };
    Ok((mine, groups))
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

//! Who works a case: assignment by coordinators, and its end when someone leaves a group.

use sea_orm::DatabaseConnection;
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::timeline::TimelineEvent;
use crate::error::AppError;
use crate::service::Principal;

use super::*;

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
    let case = assign_in(&txn, clock, actor, id, users).await?;
    let detail = detail(&txn, case).await?;
    txn.commit().await?;
    Ok(detail)
}

/// [`assign`] inside a transaction that the caller commits.
pub(crate) async fn assign_in(
    txn: &sea_orm::DatabaseTransaction,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    users: &[Uuid],
) -> Result<crate::domain::CaseRecord, AppError> {
    db::cases::lock(txn, id).await?;
    let case = VisibleCase::load(txn, actor, id).await?;
    if !actor.can_assign(case.group_id) {
        return Err(AppError::Forbidden(
            "Only coordinators of this case's group can assign it.".into(),
        ));
    }
    let eligible = crate::service::admin::assignable(txn, case.group_id).await?;
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
    let before = db::cases::assignees(txn, id).await?;
    let name = |u: &Uuid| eligible.iter().find(|e| e.id == *u).map(|e| e.name.clone());
    let before_names = db::users::by_ids(txn, &before).await?;
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
        db::cases::set_assignees(txn, id, &wanted, now).await?;
        let event = TimelineEvent::Assigned { added, removed };
        db::cases::append_event(txn, id, now, Some(actor.user_id), &event).await?;
        db::audit::record(
            txn,
            now,
            Some(actor),
            AuditAction::CaseAssigned,
            Some(id),
            json!({"assignees": wanted}),
        )
        .await?;
    }
    Ok(case.into_record())
}

/// "Take this case": a member of a case's group puts themselves on it, when no one works
/// it yet. A case someone already works is theirs: that is a conflict (409), as is a case
/// that has ended.
#[tracing::instrument(skip_all, fields(actor = %actor.user_id, case = %id))]
pub async fn take(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
) -> Result<CaseDetail, AppError> {
    let txn = db::begin_write(db).await?;
    db::cases::lock(&txn, id).await?;
    let case = VisibleCase::load(&txn, actor, id).await?;
    let working = db::users::by_ids(&txn, &db::cases::assignees(&txn, id).await?).await?;
    if !working.is_empty() {
        let names: Vec<&str> = working.iter().map(|u| u.name.as_str()).collect();
        return Err(AppError::Conflict(format!(
            "{} already works this case.",
            names.join(" and ")
        )));
    }
    if !case.stage.is_open() {
        return Err(AppError::Conflict(
            "This case has ended: there is nothing to take on.".into(),
        ));
    }
    if !actor.member_of(case.group_id) {
        return Err(AppError::Forbidden(
            "Only members of this case's group can take it on.".into(),
        ));
    }
    put_taker_on(&txn, clock.now(), actor, id).await?;
    let detail = detail(&txn, case.into_record()).await?;
    txn.commit().await?;
    Ok(detail)
}

/// Most cases of each kind the unassigned queue shows.
pub const QUEUE_LENGTH: u64 = 25;

/// The open cases of the actor's groups (an admin's: every group) that no one works, new
/// online requests first.
pub async fn unassigned(
    db: &DatabaseConnection,
    actor: &Principal,
) -> Result<db::cases::Unassigned, AppError> {
    let groups = actor.visible_groups();
    Ok(db::cases::unassigned(db, groups.as_deref(), QUEUE_LENGTH).await?)
}

/// Puts `actor` on a case no one works yet, with its timeline entry and audit row: at
/// intake, and when they take it on. Part of the caller's transaction.
pub(crate) async fn put_taker_on(
    txn: &sea_orm::DatabaseTransaction,
    now: time::OffsetDateTime,
    actor: &Principal,
    case: Uuid,
) -> Result<(), AppError> {
    db::cases::set_assignees(txn, case, &[actor.user_id], now).await?;
    let (event, entry) = taker_on(now, actor, case);
    db::cases::append_event(txn, case, now, Some(actor.user_id), &event).await?;
    db::audit::record_all(txn, vec![entry]).await?;
    Ok(())
}

/// The timeline entry and the audit entry for `actor` taking `case` on.
pub(crate) fn taker_on(
    now: time::OffsetDateTime,
    actor: &Principal,
    case: Uuid,
) -> (TimelineEvent, db::audit::NewEntry) {
    let event = TimelineEvent::Assigned {
        added: vec![actor.name.clone()],
        removed: Vec::new(),
    };
    let detail = json!({"assignees": [actor.user_id]});
    let entry = db::audit::entry(
        now,
        Some(actor),
        AuditAction::CaseAssigned,
        Some(case),
        detail,
    );
    (event, entry)
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

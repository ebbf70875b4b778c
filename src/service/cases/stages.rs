//! Moving a case along its workflow: the moves open to it, and a move with its guards.

use sea_orm::DatabaseConnection;
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::domain::CaseRecord;
use crate::domain::audit::AuditAction;
use crate::domain::case::Scheme;
use crate::domain::rules;
use crate::domain::timeline::TimelineEvent;
use crate::domain::workflow::{
    GuardFacts, Stage, TransitionError, TransitionRequest, check_transition,
};
use crate::error::AppError;
use crate::service::Principal;

use super::*;

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
    let updated = move_in(&txn, clock, actor, id, to, req).await?;
    let detail = detail(&txn, updated).await?;
    txn.commit().await?;
    Ok(detail)
}

/// [`transition`] inside a transaction that the caller commits; the case as moved.
pub(crate) async fn move_in(
    txn: &sea_orm::DatabaseTransaction,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    to: Stage,
    req: TransitionRequest,
) -> Result<CaseRecord, AppError> {
    let current = VisibleCase::load(txn, actor, id).await?;
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
    save_move(txn, now, actor, &updated, (from, event)).await?;
    Ok(updated)
}

/// Saves a case `updated` to its next stage inside `txn`, with the move's timeline entry
/// and audit row. `from` is the stage it left.
pub(crate) async fn save_move(
    txn: &sea_orm::DatabaseTransaction,
    now: time::OffsetDateTime,
    actor: &Principal,
    updated: &CaseRecord,
    (from, event): (Stage, TimelineEvent),
) -> Result<(), AppError> {
    if !db::cases::update(txn, updated, updated.version - 1).await? {
        return Err(AppError::Conflict(STALE_EDIT.into()));
    }
    let id = updated.id;
    db::cases::append_event(txn, id, now, Some(actor.user_id), &event).await?;
    let detail = json!({"from": from, "to": updated.stage});
    db::audit::record(
        txn,
        now,
        Some(actor),
        AuditAction::CaseTransitioned,
        Some(id),
        detail,
    )
    .await?;
    Ok(())
}

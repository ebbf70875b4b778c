//! Changing several cases at once from the case list: assign a volunteer, move to a stage,
//! or close with a reason. All or nothing: one transaction, and a case that cannot be
//! changed stops the whole change, named with its reason.

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::workflow::{Stage, TransitionRequest};
use crate::error::AppError;
use crate::service::Principal;

use super::*;

/// At most this many cases are changed at once.
pub const MOST_AT_ONCE: usize = 200;

/// What to do to each selected case.
#[derive(Debug, Clone)]
pub enum BulkAction {
    /// Add this user to those who work it.
    Assign(Uuid),
    /// Move it to this stage, for this reason (if any).
    Move(Stage, Option<String>),
    /// Close it (withdrawn: the tenant reads "Closed"), for this reason.
    Close(String),
}

/// Does `action` to every case of `ids`, or to none. Coordinators (of each case's group)
/// and admins only. Answers how many cases were changed.
pub async fn bulk(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    ids: &[Uuid],
    action: &BulkAction,
) -> Result<usize, AppError> {
    if !actor.coordinates() {
        return Err(AppError::Forbidden(
            "Only coordinators and admins change several cases at once.".into(),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(invalid("cases", "Select one or more cases"));
    }
    if ids.len() > MOST_AT_ONCE {
        return Err(invalid(
            "cases",
            &format!("Select at most {MOST_AT_ONCE} cases at once"),
        ));
    }
    if let BulkAction::Close(reason) = action
        && reason.trim().is_empty()
    {
        return Err(invalid("reason", "Say why the cases are being closed"));
    }
    let txn = db::begin_write(db).await?;
    // The references the caller may see, to name a case that cannot be changed.
    let names: std::collections::HashMap<Uuid, String> = db::cases::records(&*txn, &ids)
        .await?
        .into_iter()
        .filter(|c| actor.can_work_case(c.group_id))
        .map(|c| (c.id, c.reference.to_string()))
        .collect();
    let mut problems = Vec::new();
    for id in &ids {
        if let Err(e) = one(&txn, clock, actor, *id, action).await {
            let name = names.get(id).map_or("A case", String::as_str);
            problems.push(format!("{name}: {}", why(&e)));
        }
    }
    if !problems.is_empty() {
        // Nothing is kept: the transaction ends without a commit.
        let message = format!("No case was changed. {}", problems.join(". "));
        return Err(invalid("cases", &message));
    }
    txn.commit().await?;
    Ok(ids.len())
}

async fn one(
    txn: &sea_orm::DatabaseTransaction,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    action: &BulkAction,
) -> Result<(), AppError> {
    match action {
        BulkAction::Assign(user) => {
            let mut users = db::cases::assignees(txn, id).await?;
            users.push(*user);
            assign_in(txn, clock, actor, id, &users).await?;
        }
        BulkAction::Move(to, reason) => {
            let req = TransitionRequest {
                reason: reason.clone(),
                ..TransitionRequest::default()
            };
            move_in(txn, clock, actor, id, *to, req).await?;
        }
        BulkAction::Close(reason) => {
            let req = TransitionRequest {
                reason: Some(reason.clone()),
                ..TransitionRequest::default()
            };
            move_in(txn, clock, actor, id, Stage::Withdrawn, req).await?;
        }
    }
    Ok(())
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid(FieldErrors::single(field, message))
}

/// Why one case could not be changed, in a few words.
fn why(e: &AppError) -> String {
    match e {
        AppError::NotFound => "not one of your groups' cases".into(),
        AppError::Forbidden(m) | AppError::Conflict(m) => m.clone(),
        AppError::Invalid(fields) => fields.iter().map(|(_, m)| m).collect::<Vec<_>>().join("; "),
        _ => "it could not be changed".into(),
    }
}

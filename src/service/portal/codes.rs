//! Tenants' access codes: issuing one (the only time it is shown), and whether a case has one.

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::domain::audit::AuditAction;
use crate::domain::portal::{access_code_from, code_hash, normalise_code};
use crate::domain::timeline::TimelineEvent;
use crate::error::AppError;
use crate::service::Principal;
use crate::service::cases::VisibleCase;

/// Gives a case a new tenant access code and returns it: the only time it is ever shown.
/// Any earlier code stops working, and the tenant's sessions end. A case that already has
/// a code gets a new one only when `replace` says so ([`NewCode::Replace`]); otherwise the
/// answer is [`AppError::Conflict`], so that a code is never replaced by a stale page.
pub async fn issue_code(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    key: &[u8; 32],
    actor: &Principal,
    case_id: Uuid,
    replace: NewCode,
) -> Result<IssuedCode, AppError> {
    let case = VisibleCase::load(db, actor, case_id).await?;
    let txn = db::begin_write(db).await?;
    if replace == NewCode::FirstOnly && db::portal::access_code(&*txn, case_id).await?.is_some() {
        return Err(AppError::Conflict(
            "The tenant already has an access code. Confirm that a new one should replace it."
                .into(),
        ));
    }
    let code = store_new_code(&txn, clock, key, Some(actor), case_id).await?;
    txn.commit().await?;
    Ok(IssuedCode {
        case: case.into_record(),
        code,
    })
}

/// Whether a new code may replace one the tenant already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewCode {
    /// Only if the case has none yet.
    FirstOnly,
    /// Replacing any code the tenant has.
    Replace,
}

/// A new access code and the case it opens.
#[derive(Debug)]
pub struct IssuedCode {
    /// The case.
    pub case: crate::domain::CaseRecord,
    /// The code, in groups of four: shown once, never stored.
    pub code: String,
}

pub(crate) async fn store_new_code(
    txn: &DatabaseTransaction,
    clock: &dyn Clock,
    key: &[u8; 32],
    actor: Option<&Principal>,
    case_id: Uuid,
) -> Result<String, AppError> {
    let mut bytes = [0u8; crate::domain::portal::LENGTH];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let code = access_code_from(&bytes);
    let hash = code_hash(key, &normalise_code(&code).unwrap_or_default());
    let now = clock.now();
    let by = actor.map(|a| a.user_id);
    db::portal::set_access_code(txn, case_id, hash, now, by).await?;
    db::portal::delete_tenant_sessions_of(txn, case_id).await?;
    db::cases::append_event(txn, case_id, now, by, &TimelineEvent::AccessCodeIssued).await?;
    db::audit::record(
        txn,
        now,
        actor,
        AuditAction::AccessCodeIssued,
        Some(case_id),
        json!({}),
    )
    .await?;
    Ok(code)
}

/// The case whose tenant's code is about to be replaced, for the page that asks first. The
/// read is audited: the page names the tenant.
pub async fn code_holder(
    db: &DatabaseConnection,
    reads: &crate::service::reads::ReadAudit,
    actor: &Principal,
    case_id: Uuid,
) -> Result<crate::domain::CaseRecord, AppError> {
    let case = VisibleCase::load(db, actor, case_id).await?;
    reads.case_viewed(actor, case_id).await?;
    Ok(case.into_record())
}

/// Whether the tenant of a case has an access code.
pub async fn has_code(
    db: &DatabaseConnection,
    actor: &Principal,
    case_id: Uuid,
) -> Result<bool, AppError> {
    VisibleCase::load(db, actor, case_id).await?;
    Ok(db::portal::access_code(db, case_id).await?.is_some())
}

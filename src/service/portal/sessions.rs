//! Tenant sign-in with a reference and an access code (throttled per reference and per
//! address), tenant sessions, and the "Your case" sheet.

use sea_orm::DatabaseConnection;
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use super::*;
use crate::clock::Clock;
use crate::db;
use crate::domain::audit::AuditAction;
use crate::domain::case::long_date;
use crate::domain::portal::{code_matches, normalise_code};
use crate::domain::{CaseRecord, CaseReference, FieldErrors};
use crate::error::AppError;
use crate::service::auth::{random_hex, sha256_hex};
use crate::service::memo::{Memos, Stamp};
use crate::service::throttle::{self, Limit};

/// A tenant's live session.
#[derive(Debug, Clone)]
pub struct TenantSession {
    /// The stored id (a hash of the cookie).
    pub id: String,
    /// The one case it reaches.
    pub case_id: Uuid,
    /// The token the tenant's forms carry.
    pub csrf: String,
}

/// What came of a tenant's attempt to see their case.
#[derive(Debug)]
pub enum TenantSignIn {
    /// In: the cookie value of a new session.
    SignedIn(String),
    /// The pair does not match (or either is missing): never says which.
    Refused(FieldErrors),
    /// Too many wrong tries lately from this address or for this reference.
    Throttled {
        /// Whole minutes to wait.
        minutes: i64,
    },
}

/// A tenant's try at a case reference and access code, with what checks it.
#[derive(Clone, Copy)]
pub struct Attempt<'a> {
    /// The access-code key.
    pub key: &'a [u8; 32],
    /// Where the try came from.
    pub address: Option<&'a str>,
    /// The case reference typed.
    pub reference: &'a str,
    /// The access code typed.
    pub code: &'a str,
}

/// Checks a case reference and access code: the case, or the refusal to show. Wrong
/// pairs count per address and per reference; the answer is the same whether the
/// reference exists or not.
async fn check_pair(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    attempt: Attempt<'_>,
) -> Result<Result<CaseRecord, TenantSignIn>, AppError> {
    let Attempt {
        key,
        address,
        reference,
        code,
    } = attempt;
    let mut errors = FieldErrors::default();
    if reference.trim().is_empty() {
        errors.add("reference", "Enter your case reference");
    }
    if code.trim().is_empty() {
        errors.add("code", "Enter your access code");
    }
    if !errors.is_empty() {
        return Ok(Err(TenantSignIn::Refused(errors)));
    }
    let now = clock.now();
    // "TC-2026-007" and "tc-2026-00007" are one reference, and count as one.
    let parsed = CaseReference::parse(reference.trim());
    let normal_ref =
        parsed.map_or_else(|| reference.trim().to_ascii_uppercase(), |r| r.to_string());
    let keys = [
        Limit::new(format!("tenant-ref:{normal_ref}"), PER_REFERENCE),
        Limit::new(
            format!("tenant-addr:{}", address.unwrap_or("unknown")),
            PER_ADDRESS,
        ),
    ];
    if let Some(wait) = throttle::attempt(db, now, &keys).await? {
        tracing::warn!("tenant sign-in throttled");
        return Ok(Err(TenantSignIn::Throttled {
            minutes: wait.whole_minutes().max(1),
        }));
    }
    let case_id = match parsed {
        Some(r) => db::cases::id_of_reference(db, &r).await?,
        None => None,
    };
    let stored = match case_id {
        Some(id) => db::portal::access_code(db, id).await?,
        None => None,
    };
    // Without a stored code, check against a dummy so both paths cost the same.
    let hash = stored.as_ref().map_or("00", |s| s.code_hash.as_str());
    let ok = code_matches(key, code, hash) && stored.is_some();
    let case = match case_id.filter(|_| ok) {
        Some(id) => db::cases::find(db, id).await?,
        None => None,
    };
    let Some(case) = case else {
        return Ok(Err(TenantSignIn::Refused(FieldErrors::single(
            "reference",
            "The case reference and access code do not match. Check both and try again.",
        ))));
    };
    throttle::succeeded(db, &keys).await?;
    Ok(Ok(case))
}

/// Checks a case reference and access code; a right pair starts a session limited to
/// that case.
pub async fn sign_in(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    attempt: Attempt<'_>,
) -> Result<TenantSignIn, AppError> {
    let case = match check_pair(db, clock, attempt).await? {
        Ok(case) => case,
        Err(refusal) => return Ok(refusal),
    };
    let now = clock.now();
    let token = random_hex(32)?;
    let txn = db::begin_write(db).await?;
    db::portal::insert_tenant_session(
        &txn,
        db::portal::TenantSessionRow {
            id: sha256_hex(&token),
            case_id: case.id,
            csrf_token: random_hex(32)?,
            created_at: now,
            expires_at: now + Duration::hours(TENANT_SESSION_HOURS),
        },
    )
    .await?;
    db::audit::record(
        &txn,
        now,
        None,
        AuditAction::TenantSignedIn,
        Some(case.id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(TenantSignIn::SignedIn(token))
}

/// A "Your case" sheet for the tenant to keep: their reference, their access code and
/// where to use them, as a PDF. The pair is checked (and counted) as at sign-in, so the
/// sheet shows nothing that was not typed in.
pub async fn sheet(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    attempt: Attempt<'_>,
    status_url: &str,
) -> Result<Result<Vec<u8>, TenantSignIn>, AppError> {
    let case = match check_pair(db, clock, attempt).await? {
        Ok(case) => case,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let group = db::groups::by_id(db, case.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let code = normalise_code(attempt.code).unwrap_or_default();
    let grouped: Vec<String> = code
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let (sender, sender_address) = group.letterhead();
    let letter = crate::letters::Letter {
        title: "Your case".into(),
        sender,
        sender_address,
        recipient: vec![case.facts.tenant.name.clone()],
        date: long_date(clock.today()),
        reference: format!("Your case reference: {}", case.reference),
        salutation: String::new(),
        subject: "How to check your case online".into(),
        body: vec![
            format!("Your case reference is {}.", case.reference),
            format!("Your access code is {}.", grouped.join("-")),
            format!(
                "To see how your case is going, go to {status_url} and type in both. You can read our letters, send us documents and send us a message there."
            ),
            "Keep this code private, like a PIN. Anyone who has it can see your case. If you lose it, or think someone else knows it, ask us for a new one.".into(),
        ],
        closing: vec![format!("{} volunteers", group.name)],
    };
    let bytes =
        crate::letters::pdf::render(&letter, clock.now()).map_err(|e| anyhow::anyhow!(e))?;
    Ok(Ok(bytes))
}

/// The tenant session for a cookie value, if live: from the memo while fresh.
pub async fn session(
    db: &DatabaseConnection,
    memos: &Memos,
    clock: &dyn Clock,
    token: &str,
) -> Result<Option<TenantSession>, AppError> {
    let id = sha256_hex(token);
    let now = clock.now();
    let row = match memos.tenant_sessions.get(&id) {
        Some(row) => Some(row),
        None => {
            let stamp = Stamp::now();
            let row = db::portal::tenant_session(db, &id, now).await?;
            if let Some(r) = &row {
                memos.tenant_sessions.put(id, r.clone(), stamp);
            }
            row
        }
    };
    Ok(row.filter(|s| s.expires_at > now).map(|s| TenantSession {
        id: s.id,
        case_id: s.case_id,
        csrf: s.csrf_token,
    }))
}

/// Ends a tenant session.
pub async fn sign_out(db: &DatabaseConnection, session: &TenantSession) -> Result<(), AppError> {
    Ok(db::portal::delete_tenant_session(db, &session.id).await?)
}

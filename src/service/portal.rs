//! The tenant portal: access codes, tenant sign-in, the status page, messages, evidence,
//! and self-referral. A tenant session reaches one case and only what is meant for the
//! tenant: never notes, internal documents, or volunteers' surnames.

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::Principal;
use super::auth::{random_hex, sha256_hex};
use super::cases::visible;
use super::throttle::{self, Limit};
use crate::clock::Clock;
use crate::db;
use crate::db::portal::{DocumentRow, MessageRow};
use crate::domain::case::long_date;
use crate::domain::letters::LetterKind;
use crate::domain::portal::{
    access_code_from, code_hash, code_matches, next_steps, normalise_code, sniff_document,
};
use crate::domain::rules;
use crate::domain::timeline::TimelineEvent;
use crate::domain::workflow::Stage;
use crate::domain::{CaseRecord, CaseReference, FieldErrors};
use crate::error::AppError;
use crate::storage::Store;

/// How long a tenant stays signed in.
pub const TENANT_SESSION_HOURS: i64 = 2;
/// Wrong codes allowed per case reference within the throttle's window.
pub const PER_REFERENCE: usize = 5;
/// Wrong codes allowed per address within the throttle's window.
pub const PER_ADDRESS: usize = 20;
/// Online requests for help accepted per address within the throttle's window.
pub const REFERRALS_PER_ADDRESS: usize = 5;
/// Longest message.
pub const MAX_MESSAGE_CHARS: usize = 5_000;
/// Largest document, in megabytes.
pub const MAX_DOCUMENT_MB: usize = 10;
/// Largest document.
pub const MAX_DOCUMENT_BYTES: usize = MAX_DOCUMENT_MB * 1024 * 1024;
/// Most documents a tenant may send on one case.
pub const MAX_TENANT_DOCUMENTS: i64 = 50;
/// Most megabytes a tenant may send on one case, in all.
pub const MAX_TENANT_MB: i64 = 200;

/// Told to a tenant who writes or sends a file once their case has ended.
const CASE_ENDED: &str = "Your case has ended, so it cannot take new messages or documents. If you need help again, please ask for help as a new case.";

/// Refuses a tenant's message or document once their case is closed or withdrawn: the
/// status page hides the forms, and the server says no as well.
async fn tenant_may_write(
    c: &impl sea_orm::ConnectionTrait,
    case_id: Uuid,
) -> Result<(), AppError> {
    let case = db::cases::find(c, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if case.stage.is_closed() {
        Err(AppError::Conflict(CASE_ENDED.into()))
    } else {
        Ok(())
    }
}

/// Gives a case a new tenant access code and returns it: the only time it is ever shown.
/// Any earlier code stops working, and the tenant's sessions end.
pub async fn issue_code(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    key: &[u8; 32],
    actor: &Principal,
    case_id: Uuid,
) -> Result<String, AppError> {
    visible(actor, db::cases::find(db, case_id).await?)?;
    let txn = db::begin_write(db).await?;
    let code = store_new_code(&txn, clock, key, Some(actor), case_id).await?;
    txn.commit().await?;
    Ok(code)
}

pub(super) async fn store_new_code(
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
        "access_code.issued",
        Some(case_id),
        json!({}),
    )
    .await?;
    Ok(code)
}

/// Whether the tenant of a case has an access code.
pub async fn has_code(
    db: &DatabaseConnection,
    actor: &Principal,
    case_id: Uuid,
) -> Result<bool, AppError> {
    visible(actor, db::cases::find(db, case_id).await?)?;
    Ok(db::portal::access_code(db, case_id).await?.is_some())
}

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
        "tenant.signed_in",
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

/// The tenant session for a cookie value, if live.
pub async fn session(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    token: &str,
) -> Result<Option<TenantSession>, AppError> {
    Ok(
        db::portal::tenant_session(db, &sha256_hex(token), clock.now())
            .await?
            .map(|s| TenantSession {
                id: s.id,
                case_id: s.case_id,
                csrf: s.csrf_token,
            }),
    )
}

/// Ends a tenant session.
pub async fn sign_out(db: &DatabaseConnection, session: &TenantSession) -> Result<(), AppError> {
    Ok(db::portal::delete_tenant_session(db, &session.id).await?)
}

/// A letter the tenant can download.
#[derive(Debug, Clone, Serialize)]
pub struct TenantLetter {
    /// Id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// When it was sent, in words.
    pub sent_on: String,
}

/// A document the tenant can see.
#[derive(Debug, Clone, Serialize)]
pub struct TenantDocument {
    /// Id.
    pub id: Uuid,
    /// File name.
    pub file_name: String,
    /// What it is.
    pub description: Option<String>,
    /// Sent by the tenant (else shared by us).
    pub from_tenant: bool,
    /// When, in words.
    pub added_on: String,
}

/// A message between the tenant and us.
#[derive(Debug, Clone, Serialize)]
pub struct TenantMessage {
    /// From the tenant (else from us).
    pub from_tenant: bool,
    /// Who wrote it, as the tenant sees them ("You", or a first name).
    pub from: String,
    /// What it says.
    pub body: String,
    /// When, in words.
    pub at: String,
}

/// One line of the tenant's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    /// When, in words.
    pub on: String,
    /// What happened.
    pub text: String,
}

/// Everything on a tenant's status page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// The case reference.
    pub reference: String,
    /// The first name of the lead tenant.
    pub first_name: String,
    /// The status in plain words.
    pub status: &'static str,
    /// What happens next.
    pub next: &'static str,
    /// What the tenant can do now.
    pub now: &'static str,
    /// Deadlines, as sentences.
    pub deadlines: Vec<String>,
    /// Sent letters, to download.
    pub letters: Vec<TenantLetter>,
    /// Documents the tenant sees.
    pub documents: Vec<TenantDocument>,
    /// The conversation.
    pub messages: Vec<TenantMessage>,
    /// What has happened, newest first.
    pub history: Vec<HistoryLine>,
    /// The local group.
    pub group: String,
    /// Whether the case is still open (messages and uploads are welcome).
    pub open: bool,
}

fn first_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_string()
}

/// The tenant's deadlines in plain sentences: replies we wait for, and the last day to
/// claim while the case is open.
fn deadline_sentences(
    case: &CaseRecord,
    letters: &[db::letters::LetterHead],
    today: Date,
) -> Vec<String> {
    let mut out = Vec::new();
    for l in letters {
        if let (Some(due), Some(kind)) = (l.reply_due, LetterKind::parse(&l.kind))
            && due >= today
        {
            let who = if kind == LetterKind::L5 {
                "Your landlord or agent has until"
            } else {
                "Your landlord has until"
            };
            out.push(format!(
                "{who} {} to reply to our letter \"{}\".",
                long_date(due),
                l.title
            ));
        }
    }
    if case.stage.is_open() {
        let a = rules::assess(&case.facts, today);
        // Each date says which claim it belongs to.
        let limits = [
            (
                a.claim_by,
                "The last day to claim the penalty (the extra money the landlord can be ordered to pay) is",
            ),
            (
                a.deposit_claim_by,
                "The last day to claim your deposit back is",
            ),
        ];
        for (date, words) in limits {
            if let Some(d) = date.filter(|d| *d >= today) {
                out.push(format!(
                    "{words} {}. We will make sure you know what to do before then.",
                    long_date(d)
                ));
            }
        }
    }
    out
}

/// The tenant's view of their case.
pub async fn status(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    session: &TenantSession,
) -> Result<StatusView, AppError> {
    let case = db::cases::find(db, session.case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = clock.today();
    let letters = db::letters::of_case(db, case.id).await?;
    let sent: Vec<_> = letters.iter().filter(|l| l.sent_on.is_some()).collect();
    let group = db::groups::by_id(db, case.group_id)
        .await?
        .map(|g| g.name)
        .unwrap_or_default();
    let messages = db::portal::messages_of(db, case.id).await?;
    let names = db::users::names(db, messages.iter().filter_map(|m| m.author_id)).await?;
    let documents = db::portal::documents_of(db, case.id).await?;
    let history = history(db, &case).await?;
    let (next, now) = next_steps(case.stage);
    Ok(StatusView {
        reference: case.reference.to_string(),
        first_name: first_name(&case.facts.tenant.name),
        status: case.stage.tenant_label(),
        next,
        now,
        deadlines: deadline_sentences(&case, &letters, today),
        letters: sent
            .iter()
            .map(|l| TenantLetter {
                id: l.id,
                title: l.title.clone(),
                sent_on: l.sent_on.map(long_date).unwrap_or_default(),
            })
            .collect(),
        documents: documents
            .into_iter()
            .filter(|d| d.from_tenant || d.tenant_visible)
            .map(|d| TenantDocument {
                id: d.id,
                file_name: d.file_name,
                description: d.description,
                from_tenant: d.from_tenant,
                added_on: long_date(d.uploaded_at.date()),
            })
            .collect(),
        messages: messages
            .iter()
            .map(|m| TenantMessage {
                from_tenant: m.from_tenant,
                from: if m.from_tenant {
                    "You".into()
                } else {
                    m.author_id
                        .and_then(|id| names.get(&id))
                        .map_or_else(|| group.clone(), |n| first_name(n))
                },
                body: m.body.clone(),
                at: long_date(m.created_at.date()),
            })
            .collect(),
        history,
        group,
        open: case.stage.is_open(),
    })
}

/// The tenant's short history: what they would want to know, in their words. Notes,
/// reasons, assignments, edits and drafts are left out.
async fn history(db: &DatabaseConnection, case: &CaseRecord) -> Result<Vec<HistoryLine>, AppError> {
    let entries = db::cases::timeline(db, case.id).await?;
    let mut lines: Vec<HistoryLine> = Vec::new();
    let mut last_status = "";
    for e in &entries {
        let text = match &e.event {
            TimelineEvent::Created { .. } => {
                last_status = Stage::Intake.tenant_label();
                Some("We received your request for help.".to_string())
            }
            TimelineEvent::Transitioned { to, .. } if to.tenant_label() != last_status => {
                last_status = to.tenant_label();
                Some(format!(
                    "Your case status changed to: {}.",
                    to.tenant_label()
                ))
            }
            TimelineEvent::LetterSent { title, .. } => {
                Some(format!("We sent a letter: \"{title}\"."))
            }
            TimelineEvent::TenantMessage { .. } => Some("You sent us a message.".into()),
            TimelineEvent::MessageToTenant { .. } => Some("We sent you a message.".into()),
            TimelineEvent::DocumentAdded {
                from_tenant: true,
                file_name,
                ..
            } => Some(format!("You sent us a document: {file_name}.")),
            TimelineEvent::DocumentShared {
                visible: true,
                file_name,
                ..
            } => Some(format!("We shared a document with you: {file_name}.")),
            _ => None,
        };
        if let Some(text) = text {
            lines.push(HistoryLine {
                on: long_date(e.at.date()),
                text,
            });
        }
    }
    lines.reverse();
    Ok(lines)
}

/// The frozen copy of a letter sent on the tenant's case.
pub async fn letter_pdf(
    db: &DatabaseConnection,
    session: &TenantSession,
    letter: Uuid,
) -> Result<(Vec<u8>, String), AppError> {
    let row = db::letters::find(db, letter)
        .await?
        .filter(|l| l.case_id == session.case_id && l.sent_on.is_some())
        .ok_or(AppError::NotFound)?;
    Ok((row.pdf, format!("{}-v{}.pdf", row.kind, row.version)))
}

fn message_text(text: &str) -> Result<String, AppError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(AppError::Invalid(FieldErrors::single(
            "message",
            "Write your message",
        )));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::Invalid(FieldErrors::single(
            "message",
            format!("Your message must be {MAX_MESSAGE_CHARS} characters or fewer"),
        )));
    }
    Ok(text)
}

/// The tenant writes to their caseworkers: on the timeline, and on "Needs attention"
/// until someone replies.
pub async fn send_message(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    session: &TenantSession,
    text: &str,
) -> Result<(), AppError> {
    let text = message_text(text)?;
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    tenant_may_write(&txn, session.case_id).await?;
    let id = Uuid::now_v7();
    db::portal::insert_message(
        &txn,
        MessageRow {
            id,
            case_id: session.case_id,
            from_tenant: true,
            author_id: None,
            body: text.clone(),
            created_at: now,
            answered_at: None,
        },
    )
    .await?;
    let event = TimelineEvent::TenantMessage { message: id, text };
    db::cases::append_event(&txn, session.case_id, now, None, &event).await?;
    db::audit::record_tenant(
        &txn,
        now,
        "message.sent",
        session.case_id,
        json!({"message": id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A caseworker's reply, which the tenant sees on their status page. It answers the
/// tenant's open messages.
pub async fn reply(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    case_id: Uuid,
    text: &str,
) -> Result<(), AppError> {
    visible(actor, db::cases::find(db, case_id).await?)?;
    let text = message_text(text)?;
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    let id = Uuid::now_v7();
    db::portal::insert_message(
        &txn,
        MessageRow {
            id,
            case_id,
            from_tenant: false,
            author_id: Some(actor.user_id),
            body: text.clone(),
            created_at: now,
            answered_at: None,
        },
    )
    .await?;
    db::portal::mark_answered(&txn, case_id, now).await?;
    let event = TimelineEvent::MessageToTenant { message: id, text };
    db::cases::append_event(&txn, case_id, now, Some(actor.user_id), &event).await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        "message.sent",
        Some(case_id),
        json!({"message": id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A message as caseworkers see it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageInfo {
    /// From the tenant.
    pub from_tenant: bool,
    /// Who wrote it.
    pub from: String,
    /// What it says.
    pub body: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Whether it waits for an answer.
    pub waiting: bool,
}

/// A case's messages, for its caseworkers.
pub async fn messages(
    db: &DatabaseConnection,
    actor: &Principal,
    case_id: Uuid,
) -> Result<Vec<MessageInfo>, AppError> {
    let case = visible(actor, db::cases::find(db, case_id).await?)?;
    let rows = db::portal::messages_of(db, case_id).await?;
    let names = db::users::names(db, rows.iter().filter_map(|m| m.author_id)).await?;
    Ok(rows
        .into_iter()
        .map(|m| MessageInfo {
            from_tenant: m.from_tenant,
            from: if m.from_tenant {
                case.facts.tenant.name.clone()
            } else {
                m.author_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default()
            },
            waiting: m.from_tenant && m.answered_at.is_none(),
            body: m.body,
            at: m.created_at,
        })
        .collect())
}

/// A case that needs a caseworker's attention.
#[derive(Debug, Clone, Serialize)]
pub struct AttentionRow {
    /// Case id.
    pub case_id: Uuid,
    /// Reference.
    pub reference: String,
    /// Lead tenant.
    pub tenant_name: String,
    /// Why.
    pub reason: String,
    /// Since when.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// Cases of the actor's groups with tenants' messages nobody has answered, oldest first.
pub async fn needs_attention(
    db: &DatabaseConnection,
    actor: &Principal,
) -> Result<Vec<AttentionRow>, AppError> {
    let groups = actor.visible_groups();
    Ok(db::portal::waiting(db, groups.as_deref())
        .await?
        .into_iter()
        .map(|w| AttentionRow {
            case_id: w.case_id,
            reference: w.reference,
            tenant_name: w.tenant_name,
            reason: if w.count > 1 {
                "Messages from the tenant".into()
            } else {
                "Message from the tenant".into()
            },
            since: w.since,
        })
        .collect())
}

/// Who is adding a document, and so to which case.
#[derive(Debug, Clone, Copy)]
pub enum Uploader<'a> {
    /// The tenant, through their status page: to their case.
    Tenant(&'a TenantSession),
    /// A caseworker, to a case they work.
    Staff(&'a Principal, Uuid),
}

/// A file as uploaded.
#[derive(Debug, Clone, Copy)]
pub struct NewDocument<'a> {
    /// Its name on the sender's device.
    pub file_name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// What the sender says it is.
    pub description: Option<&'a str>,
}

/// Keeps an uploaded document on a case. The type is judged from the content, not the
/// name. The bytes go into `dir` under a random name; the record says who sent it and
/// when. A tenant's upload is visible to them; a caseworker's is internal until shared.
pub async fn upload(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    store: &Store,
    who: Uploader<'_>,
    doc: NewDocument<'_>,
) -> Result<DocumentRow, AppError> {
    let NewDocument {
        file_name,
        bytes,
        description,
    } = doc;
    let case_id = match who {
        Uploader::Tenant(session) => session.case_id,
        Uploader::Staff(actor, case_id) => {
            visible(actor, db::cases::find(db, case_id).await?)?;
            case_id
        }
    };
    let bad = |m: &str| AppError::Invalid(FieldErrors::single("file", m));
    if bytes.is_empty() {
        return Err(bad("Choose a file to send"));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(bad(&format!(
            "The file must be smaller than {MAX_DOCUMENT_MB} MB"
        )));
    }
    let Some((content_type, extension)) = sniff_document(bytes) else {
        return Err(bad(
            "The file must be a photo (JPG, PNG, WEBP or HEIC) or a PDF",
        ));
    };
    let description = description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.chars().take(200).collect::<String>());
    let stored_name = random_hex(16)?;
    store.put(&stored_name, bytes).await?;
    let now = clock.now();
    let (by, actor, from_tenant) = match who {
        Uploader::Tenant(_) => (None, None, true),
        Uploader::Staff(p, _) => (Some(p.user_id), Some(p), false),
    };
    let row = DocumentRow {
        id: Uuid::now_v7(),
        case_id,
        file_name: crate::domain::portal::clean_file_name(file_name, extension),
        content_type: content_type.into(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: hex::encode(Sha256::digest(bytes)),
        stored_name,
        description,
        uploaded_at: now,
        uploaded_by: by,
        from_tenant,
        tenant_visible: from_tenant,
    };
    let saved = async {
        let txn = db::begin_write(db).await?;
        if from_tenant {
            // Checked under the write lock (the case row on PostgreSQL), so that uploads
            // sent at once cannot pass the quota together.
            db::cases::lock(&txn, case_id).await?;
            tenant_may_write(&txn, case_id).await?;
            let (count, bytes) = db::portal::tenant_uploads(&txn, case_id).await?;
            if count >= MAX_TENANT_DOCUMENTS {
                return Err(bad(&format!(
                    "You have sent {MAX_TENANT_DOCUMENTS} documents on this case, the most it can take. Please talk to your caseworker."
                )));
            }
            if bytes + row.size_bytes > MAX_TENANT_MB * 1024 * 1024 {
                return Err(bad(&format!(
                    "Your documents on this case would come to more than {MAX_TENANT_MB} MB, the most it can take. Please talk to your caseworker."
                )));
            }
        }
        db::portal::insert_document(&txn, row.clone()).await?;
        let event = TimelineEvent::DocumentAdded {
            document: row.id,
            file_name: row.file_name.clone(),
            from_tenant,
        };
        db::cases::append_event(&txn, case_id, now, by, &event).await?;
        let detail = json!({"document": row.id});
        match actor {
            Some(a) => {
                db::audit::record(&txn, now, Some(a), "document.added", Some(case_id), detail)
                    .await?
            }
            None => db::audit::record_tenant(&txn, now, "document.added", case_id, detail).await?,
        }
        txn.commit().await?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(e) = saved {
        // Nothing half-kept: the bytes go if the record could not be written.
        if let Err(gone) = store.delete(&row.stored_name).await {
            tracing::warn!(error = %gone, "an upload whose record failed is left in the store");
        }
        return Err(e);
    }
    Ok(row)
}

/// A document as caseworkers see it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// Id.
    pub id: Uuid,
    /// File name.
    pub file_name: String,
    /// What it is.
    pub description: Option<String>,
    /// Type.
    pub content_type: String,
    /// Size in kilobytes, rounded up.
    pub size_kb: i64,
    /// Who sent it: the tenant or a volunteer's name.
    pub from: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Whether the tenant sees it.
    pub tenant_visible: bool,
    /// Sent by the tenant.
    pub from_tenant: bool,
}

/// A case's documents, for its caseworkers.
pub async fn documents(
    db: &DatabaseConnection,
    actor: &Principal,
    case_id: Uuid,
) -> Result<Vec<DocumentInfo>, AppError> {
    visible(actor, db::cases::find(db, case_id).await?)?;
    let rows = db::portal::documents_of(db, case_id).await?;
    let names = db::users::names(db, rows.iter().filter_map(|d| d.uploaded_by)).await?;
    Ok(rows
        .into_iter()
        .map(|d| DocumentInfo {
            id: d.id,
            from: if d.from_tenant {
                "The tenant".into()
            } else {
                d.uploaded_by
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default()
            },
            file_name: d.file_name,
            description: d.description,
            content_type: d.content_type,
            size_kb: (d.size_bytes + 1023) / 1024,
            at: d.uploaded_at,
            tenant_visible: d.tenant_visible,
            from_tenant: d.from_tenant,
        })
        .collect())
}

/// Shows a document to the tenant or hides it again. Returns its case.
pub async fn set_visible(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    document: Uuid,
    show: bool,
) -> Result<Uuid, AppError> {
    let doc = db::portal::document(db, document)
        .await?
        .ok_or(AppError::NotFound)?;
    visible(actor, db::cases::find(db, doc.case_id).await?)?;
    if doc.tenant_visible == show {
        return Ok(doc.case_id);
    }
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    db::portal::set_document_visible(&txn, document, show).await?;
    let event = TimelineEvent::DocumentShared {
        document,
        file_name: doc.file_name.clone(),
        visible: show,
    };
    db::cases::append_event(&txn, doc.case_id, now, Some(actor.user_id), &event).await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        "document.shared",
        Some(doc.case_id),
        json!({"document": document, "visible": show}),
    )
    .await?;
    txn.commit().await?;
    Ok(doc.case_id)
}

/// A document's bytes, name and type.
pub struct DocumentFile {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The file name to offer.
    pub file_name: String,
    /// Its type (sniffed at upload).
    pub content_type: String,
}

async fn read_document(store: &Store, doc: DocumentRow) -> Result<DocumentFile, AppError> {
    // Stored names are our own hex; anything else is refused rather than joined to a path.
    if !doc.stored_name.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let bytes = store.get(&doc.stored_name).await?;
    Ok(DocumentFile {
        bytes,
        file_name: doc.file_name,
        content_type: doc.content_type,
    })
}

/// A document for a caseworker of its case. The download is audited.
pub async fn staff_document(
    db: &DatabaseConnection,
    reads: &super::reads::ReadAudit,
    store: &Store,
    actor: &Principal,
    document: Uuid,
) -> Result<DocumentFile, AppError> {
    let doc = db::portal::document(db, document)
        .await?
        .ok_or(AppError::NotFound)?;
    visible(actor, db::cases::find(db, doc.case_id).await?)?;
    reads
        .record(
            Some(actor),
            "document.downloaded",
            Some(doc.case_id),
            json!({"document": document}),
        )
        .await?;
    read_document(store, doc).await
}

/// A document for the tenant: only on their case, and only if it is theirs or shared.
pub async fn tenant_document(
    db: &DatabaseConnection,
    store: &Store,
    session: &TenantSession,
    document: Uuid,
) -> Result<DocumentFile, AppError> {
    let doc = db::portal::document(db, document)
        .await?
        .filter(|d| d.case_id == session.case_id && (d.from_tenant || d.tenant_visible))
        .ok_or(AppError::NotFound)?;
    read_document(store, doc).await
}

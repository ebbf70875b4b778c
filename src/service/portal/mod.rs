//! The tenant portal: access codes, tenant sign-in, the status page, messages, evidence,
//! and self-referral. A tenant session reaches one case and only what is meant for the
//! tenant: never notes, internal documents, or volunteers' surnames.
//!
//! One file a concern: [`codes`], [`sessions`], [`status`], [`messages`], [`documents`].

mod codes;
mod documents;
mod messages;
mod sessions;
mod status;

pub use codes::*;
pub use documents::*;
pub use messages::*;
pub use sessions::*;
pub use status::*;

use uuid::Uuid;

use crate::db;
use crate::error::AppError;

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

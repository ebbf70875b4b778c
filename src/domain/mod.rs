//! Pure rules and types of the deposit-dispute domain: no web, no database, no I/O.

pub mod alerts;
pub mod audit;
pub mod case;
pub mod dates;
mod errors;
pub mod holidays;
pub mod input;
pub mod letters;
pub mod money;
pub mod patch;
pub mod portal;
pub mod postcode;
pub mod record;
pub mod referral;
pub mod rules;
pub mod timeline;
pub mod user;
pub mod workflow;

pub use case::{CaseFacts, CaseRecord, CaseReference, CaseStatus, CaseSummary, Jurisdiction};
pub use errors::FieldErrors;
pub use money::Money;
pub use postcode::Postcode;

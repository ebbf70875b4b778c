//! A stored case: its reference, identity, stage and version around its facts, and a row
//! of the case list.

use std::fmt;

use serde::Serialize;

use super::case::{CaseFacts, CaseStatus, Jurisdiction};

/// A case's human reference, "TC-2026-00042": unique, sequential within a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseReference {
    year: i32,
    number: u32,
}

impl CaseReference {
    /// The reference for the `number`th case of `year`.
    pub fn new(year: i32, number: u32) -> CaseReference {
        CaseReference { year, number }
    }

    /// The number within its year: 42 for TC-2026-00042.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// Parses "TC-2026-00042" in any case.
    pub fn parse(input: &str) -> Option<CaseReference> {
        let s = input.trim().to_ascii_uppercase();
        let rest = s.strip_prefix("TC-")?;
        let (year, number) = rest.split_once('-')?;
        if year.len() != 4 || number.len() < 5 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(CaseReference {
            year: year.parse().ok()?,
            number: number.parse().ok()?,
        })
    }
}

impl fmt::Display for CaseReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TC-{:04}-{:05}", self.year, self.number)
    }
}

/// A stored case: its identity, stage, version and facts.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CaseRecord {
    /// Permanent id (UUIDv7).
    pub id: uuid::Uuid,
    /// Human reference.
    #[serde(serialize_with = "serialize_display")]
    #[schema(value_type = String, example = "TC-2026-00042")]
    pub reference: CaseReference,
    /// The local group the case belongs to.
    #[serde(skip)]
    pub group_id: uuid::Uuid,
    /// Where the case stands in its workflow.
    pub stage: super::workflow::Stage,
    /// For a case on hold: the stage it was paused at.
    pub held_from: Option<super::workflow::Stage>,
    /// What was recovered, once resolved.
    pub outcome: Option<super::workflow::Outcome>,
    /// Incremented by every edit; an edit must name the version it started from.
    pub version: i32,
    /// When it was taken in.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// When it was last edited.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// The facts.
    #[serde(flatten)]
    pub facts: CaseFacts,
}

/// One row of the case list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    /// Permanent id.
    pub id: uuid::Uuid,
    /// Human reference.
    pub reference: String,
    /// Where the case stands.
    pub stage: super::workflow::Stage,
    /// Where the tenancy is.
    pub jurisdiction: Jurisdiction,
    /// Lead tenant's name.
    pub tenant_name: String,
    /// Landlord's (or agent's) name.
    pub landlord_name: Option<String>,
    /// Property postcode.
    pub postcode: Option<String>,
    /// Last edit.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
}

impl CaseRecord {
    /// Open or closed, from the stage.
    pub fn status(&self) -> CaseStatus {
        CaseStatus::of(self.stage)
    }
}

impl CaseStatus {
    /// Whether a case at `stage` counts as open or closed.
    pub fn of(stage: super::workflow::Stage) -> CaseStatus {
        if stage.is_closed() {
            CaseStatus::Closed
        } else {
            CaseStatus::Open
        }
    }
}

fn serialize_display<S: serde::Serializer, T: fmt::Display>(
    v: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

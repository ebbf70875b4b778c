//! What an assessment says: breaches, deadlines and their status, facts to check, the
//! penalty range, and each tenancy's own.

use serde::Serialize;
use time::Date;

use super::figures::*;
use super::table::*;

/// A kind of breach of the protection duties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Breach {
    /// Never protected, and the deadline has passed.
    NotProtected,
    /// Protected after the deadline.
    ProtectedLate,
    /// The prescribed information was never given, and the deadline has passed.
    InformationNotGiven,
    /// The prescribed information was given after the deadline.
    InformationLate,
}

impl Breach {
    /// Words for volunteers.
    pub fn label(self) -> &'static str {
        match self {
            Breach::NotProtected => "The deposit was never protected",
            Breach::ProtectedLate => "The deposit was protected late",
            Breach::InformationNotGiven => "The prescribed information was never given",
            Breach::InformationLate => "The prescribed information was given late",
        }
    }
}

impl DeadlineStatus {
    /// Words for volunteers.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineStatus::Met => "Met",
            DeadlineStatus::Missed => "Missed",
            DeadlineStatus::Open => "Open",
            DeadlineStatus::ToCheck => "To check",
        }
    }
}

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// Done in time.
    Met,
    /// Passed without being done in time.
    Missed,
    /// Still running.
    Open,
    /// Passed, and nobody knows yet whether it was met.
    ToCheck,
}

/// A fact nobody has checked yet, which stops a breach from being asserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ToCheck {
    /// Look the deposit up in every scheme of the nation.
    SchemeLookup,
    /// The deposit is in a scheme: find the date it was protected.
    ProtectionDate,
    /// Find out whether the prescribed information was given.
    Information,
    /// The information was given: find the date.
    InformationDate,
    /// Insured or custodial: it decides the scheme's dispute window.
    SchemeProduct,
    /// Find out whether someone who paid on a tenant's behalf was given the information.
    RelevantPersonInformation,
    /// The first day of the tenancy.
    TenancyStart,
    /// The day the deposit was received.
    DepositReceived,
}

impl ToCheck {
    /// Words for volunteers.
    pub fn label(self) -> &'static str {
        match self {
            ToCheck::SchemeLookup => {
                "Look the deposit up in every scheme of the nation (by certificate number, or by name, amount, postcode and start date)"
            }
            ToCheck::ProtectionDate => "Find the date the deposit was protected",
            ToCheck::Information => {
                "Ask the tenant whether they were given the prescribed information"
            }
            ToCheck::InformationDate => "Find the date the prescribed information was given",
            ToCheck::SchemeProduct => {
                "Find out whether the scheme holds the deposit (custodial) or insures it (insured)"
            }
            ToCheck::RelevantPersonInformation => {
                "Find out whether each person who paid on a tenant's behalf was given the prescribed information"
            }
            ToCheck::TenancyStart => "Add the first day of the tenancy",
            ToCheck::DepositReceived => "Add the date the deposit was received",
        }
    }
}

/// A dated duty or time limit of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Deadline {
    /// Which rule.
    pub rule: RuleId,
    /// What must happen.
    pub label: String,
    /// By when.
    #[serde(with = "crate::domain::case::iso_date")]
    pub due: Date,
    /// Met, missed, open or to check.
    pub status: DeadlineStatus,
    /// The law.
    pub citation: &'static str,
    /// Whether acting on it falls to us (rather than to the landlord).
    pub ours: bool,
}

/// The range of the penalty, in pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PenaltyRange {
    /// Smallest award.
    pub min_pence: i64,
    /// Largest award.
    pub max_pence: i64,
}

/// What the law gives the tenant, and by when. The top-level fields describe the original
/// tenancy; `tenancies` has each tenancy, the later ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    /// Each tenancy of the case, oldest first: the original, then each renewal or periodic
    /// tenancy, with its own deadline, breaches, penalty and time limit.
    pub tenancies: Vec<TenancyAssessment>,
    /// The protection deadline (of the latest instalment); `None` where no duty applies
    /// or the dates are not known.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub protection_due: Option<Date>,
    /// Breaches established from known facts. An unchecked fact never makes one.
    pub breaches: Vec<Breach>,
    /// The penalty range; `None` where no breach gives a claim.
    pub penalty: Option<PenaltyRange>,
    /// The last day to claim the penalty: the earliest missed deadline + 6 years
    /// (Scotland: the end of the tenancy + 3 months). `None` without a breach, or in
    /// Scotland while the tenancy goes on.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub claim_by: Option<Date>,
    /// The last day to claim the deposit itself back (the end of the tenancy + 6 years;
    /// Scotland + 5 years).
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub deposit_claim_by: Option<Date>,
    /// The last day to raise a dispute with an insured scheme; `None` for custodial or
    /// unknown products.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub adr_deadline: Option<Date>,
    /// The last day any claim of the case can be brought, when every claim it has has a
    /// limit: moving to court after it needs an override.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub last_claim_by: Option<Date>,
    /// Interest on the deposit still owed after the tenancy ended (R12).
    pub interest: Option<Interest>,
    /// The refund of a holding deposit, where one was paid (R7).
    pub holding: Option<HoldingRefund>,
    /// Facts nobody has checked, which block a breach.
    pub to_check: Vec<ToCheck>,
    /// The deposit cap; `None` where no cap applies.
    pub deposit_cap_pence: Option<i64>,
    /// The part of the deposit above the cap: a prohibited payment.
    pub prohibited_excess_pence: i64,
    /// Dated duties and limits.
    pub deadlines: Vec<Deadline>,
    /// Why no duty applies, why a date is unconfirmed, which rules are not confirmed.
    pub notes: Vec<String>,
}

/// One tenancy of the case, as the assessment shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TenancyAssessment {
    /// Its first day.
    #[serde(with = "crate::domain::case::iso_date")]
    pub start_date: Date,
    /// `original`, `fixed_term`, `statutory_periodic` or `contractual_periodic`.
    pub kind: &'static str,
    /// Its protection deadline.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub protection_due: Option<Date>,
    /// Breaches established for it.
    pub breaches: Vec<Breach>,
    /// Its penalty range: one award per tenancy.
    pub penalty: Option<PenaltyRange>,
    /// The last day to claim its penalty.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub claim_by: Option<Date>,
    /// The deposit cap at this tenancy's rent, where a cap applies to its grant.
    pub deposit_cap_pence: Option<i64>,
    /// The part of the deposit above that cap: a prohibited payment.
    pub prohibited_excess_pence: i64,
}

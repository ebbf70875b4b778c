//! The rule table's types, and how a rule is looked up: by its id, its jurisdiction and
//! the date that picks its version.

use serde::Serialize;
use time::{Date, Month};

use crate::domain::case::Jurisdiction;

/// A rule's id, as DOMAIN.md numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
pub enum RuleId {
    /// Protect the deposit and give the prescribed information.
    R1,
    /// What counts as a breach.
    R2,
    /// The penalty a court or tribunal orders.
    R3,
    /// Time limit to claim.
    R4,
    /// Who is covered.
    R5,
    /// Deposit cap.
    R6,
    /// Holding deposit.
    R7,
    /// Return after agreement.
    R8,
    /// Scheme dispute (ADR) window.
    R9,
    /// Reply to a letter before claim.
    R10,
    /// Paying a court order.
    R11,
    /// Statutory interest.
    R12,
}

/// The date a versioned rule is chosen by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyDate {
    /// The day (each instalment of) the deposit was received.
    DepositReceived,
    /// The first day of the tenancy.
    TenancyStart,
    /// The rule does not change with the case's dates.
    None,
}

/// The numbers of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Param {
    /// Within `days` days beginning with the day the deposit was received.
    ProtectWithinDays {
        /// Days, counting the day of receipt as the first.
        days: i64,
    },
    /// Within `days` working days of the start of the tenancy (Scotland).
    ProtectWithinWorkingDays {
        /// Working days, counted from the day after the start.
        days: u32,
        /// Whether each instalment of a deposit paid in instalments counts from its own
        /// receipt instead.
        instalments: bool,
    },
    /// By a fixed date (transitional provisions).
    ProtectBy {
        /// The last day.
        #[serde(with = "crate::domain::case::iso_date")]
        by: Date,
    },
    /// A breach is late protection, no protection, or information late or not given.
    BreachKinds,
    /// The award is between `min` and `max` times the deposit.
    Penalty {
        /// Smallest multiple.
        min: i64,
        /// Largest multiple.
        max: i64,
    },
    /// Claim the penalty within `years` of the earliest missed deadline.
    ClaimWithinYears {
        /// Years.
        years: i32,
    },
    /// Claim the deposit itself within `years` of the end of the tenancy.
    DepositClaimWithinYears {
        /// Years.
        years: i32,
    },
    /// Claim within `months` of the end of the tenancy.
    ClaimWithinMonthsOfEnd {
        /// Calendar months.
        months: u32,
    },
    /// Applies to deposits paid on or after the rule's start.
    Eligibility,
    /// Deposit at most `weeks` of rent (`weeks_high` when annual rent is at least
    /// `high_rent_pence`).
    DepositCap {
        /// Weeks of rent.
        weeks: i64,
        /// Weeks of rent for high rents.
        weeks_high: i64,
        /// Annual rent from which `weeks_high` applies.
        high_rent_pence: i64,
    },
    /// Deposit at most `months` of rent.
    DepositCapMonths {
        /// Months of rent.
        months: i64,
    },
    /// At most `weeks` of rent as a holding deposit, refunded within `refund_days`.
    HoldingDeposit {
        /// Weeks of rent.
        weeks: i64,
        /// Days to refund.
        refund_days: i64,
        /// The deadline for agreement, in days after payment, unless agreed otherwise.
        agreement_days: i64,
    },
    /// Within `days` days of the triggering event.
    WithinDays {
        /// Days.
        days: i64,
    },
    /// The schemes' dispute windows for insured products, from the end of the tenancy
    /// (0 where a scheme has none known).
    SchemeWindow {
        /// TDS insured: calendar months.
        tds_months: u32,
        /// DPS insured: days.
        dps_days: i64,
        /// mydeposits insured: calendar months, less one day.
        mydeposits_months: u32,
    },
    /// Simple interest at `rate_bp` basis points a year.
    Interest {
        /// Basis points a year (800 is 8%).
        rate_bp: i64,
    },
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rule {
    /// R1 … R12.
    pub id: RuleId,
    /// Where it applies.
    pub jurisdiction: Jurisdiction,
    /// First day it applies (by `key`), if bounded.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub from: Option<Date>,
    /// Last day it applies (by `key`), if bounded.
    #[serde(with = "crate::domain::case::iso_date::option")]
    pub until: Option<Date>,
    /// Which date of the case picks the version.
    pub key: KeyDate,
    /// Plain English, for volunteers.
    pub label: &'static str,
    /// The law it comes from.
    pub citation: &'static str,
    /// Its numbers.
    pub param: Param,
    /// False where the source is secondary only: shown with a warning.
    pub confirmed: bool,
}

/// A date known to be valid, for the table.
pub(super) const fn d(year: i32, month: Month, day: u8) -> Option<Date> {
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => Some(date),
        Err(_) => None,
    }
}

/// Every row of the rule table: England's, then Wales's, then Scotland's.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    [
        super::england::ROWS,
        super::wales::ROWS,
        super::scotland::ROWS,
    ]
    .into_iter()
    .flatten()
}

/// The version of rule `id` in force for `jurisdiction` on `on`.
pub fn rule(id: RuleId, jurisdiction: Jurisdiction, on: Date) -> Option<&'static Rule> {
    rule_where(id, jurisdiction, on, |_| true)
}

/// The version of rule `id` in force for `jurisdiction` on `on` whose numbers are of the
/// kind `wanted` accepts (R4 has one row for the penalty and one for the deposit).
pub fn rule_where(
    id: RuleId,
    jurisdiction: Jurisdiction,
    on: Date,
    wanted: impl Fn(&Param) -> bool,
) -> Option<&'static Rule> {
    all().find(|r| {
        r.id == id
            && r.jurisdiction == jurisdiction
            && r.from.is_none_or(|f| on >= f)
            && r.until.is_none_or(|u| on <= u)
            && wanted(&r.param)
    })
}

pub(super) const fn date(year: i32, month: Month, day: u8) -> Date {
    match Date::from_calendar_date(year, month, day) {
        Ok(d) => d,
        Err(_) => Date::MIN,
    }
}

/// Whether the Renting Homes (Wales) Act 2016 governs a Welsh deposit whose regime starts
/// on `on`: the R5 row in force then has no end date (the Housing Act row before it ends
/// on 30 November 2022).
pub fn renting_homes_wales(j: Jurisdiction, on: Date) -> bool {
    j == Jurisdiction::Wales && rule(RuleId::R5, j, on).is_some_and(|r| r.until.is_none())
}

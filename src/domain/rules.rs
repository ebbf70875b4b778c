//! The rule table (DOMAIN rules R1–R12) and the assessment of a case: what the law gives
//! the tenant, and by when. Every number comes from a row of [`RULES`], which carries its
//! citation and the dates it applies between; nothing here reads a clock or a database.

use serde::Serialize;
use time::{Date, Duration, Month};

use super::Money;
use super::case::{CaseFacts, Jurisdiction, RentPeriod, Scheme, SchemeProduct, TenancyType};

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
        #[serde(with = "super::case::iso_date")]
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
    #[serde(with = "super::case::iso_date::option")]
    pub from: Option<Date>,
    /// Last day it applies (by `key`), if bounded.
    #[serde(with = "super::case::iso_date::option")]
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

const fn d(year: i32, month: Month, day: u8) -> Option<Date> {
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => Some(date),
        Err(_) => None,
    }
}

use Jurisdiction::{England, Scotland, Wales};
use Month::*;

/// The rule table. Versions of a rule for one jurisdiction never overlap.
pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::R1,
        jurisdiction: England,
        from: d(2007, April, 6),
        until: d(2012, April, 5),
        key: KeyDate::DepositReceived,
        label: "Protect the deposit and give the prescribed information within 14 days of receiving it",
        citation: "Housing Act 2004 s.213(3),(6) as enacted",
        param: Param::ProtectWithinDays { days: 14 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: England,
        from: d(2012, April, 6),
        until: None,
        key: KeyDate::DepositReceived,
        label: "Protect the deposit and give the prescribed information within 30 days beginning with the day it was received",
        citation: "Housing Act 2004 s.213(3),(6)",
        param: Param::ProtectWithinDays { days: 30 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: Wales,
        from: d(2007, April, 6),
        until: d(2012, April, 5),
        key: KeyDate::DepositReceived,
        label: "Protect the deposit and give the prescribed information within 14 days of receiving it",
        citation: "Housing Act 2004 s.213(3),(6) as enacted",
        param: Param::ProtectWithinDays { days: 14 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: Wales,
        from: d(2012, April, 6),
        until: d(2022, November, 30),
        key: KeyDate::DepositReceived,
        label: "Protect the deposit and give the prescribed information within 30 days beginning with the day it was received",
        citation: "Housing Act 2004 s.213(3),(6)",
        param: Param::ProtectWithinDays { days: 30 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: Wales,
        from: d(2022, December, 1),
        until: None,
        key: KeyDate::DepositReceived,
        label: "Protect the deposit and give the required information within 30 days starting with the day it was paid",
        citation: "Renting Homes (Wales) Act 2016 s.45",
        param: Param::ProtectWithinDays { days: 30 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: Scotland,
        from: None,
        until: d(2011, March, 6),
        key: KeyDate::DepositReceived,
        label: "A deposit received before 7 March 2011: lodge it and give the required information by 15 May 2013",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 47",
        param: Param::ProtectBy {
            by: date(2013, May, 15),
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: Scotland,
        from: d(2011, March, 7),
        until: d(2012, October, 1),
        key: KeyDate::DepositReceived,
        label: "A deposit received from 7 March 2011 to 1 October 2012: lodge it and give the required information by 13 November 2012",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 regs 4, 48",
        param: Param::ProtectBy {
            by: date(2012, November, 13),
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: Scotland,
        from: d(2012, October, 2),
        until: d(2019, November, 10),
        key: KeyDate::DepositReceived,
        label: "Lodge the deposit with an approved scheme and give the required information within 30 working days of the start of the tenancy",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 3(1) and reg 42",
        param: Param::ProtectWithinWorkingDays {
            days: 30,
            instalments: false,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R1,
        jurisdiction: Scotland,
        from: d(2019, November, 11),
        until: None,
        key: KeyDate::DepositReceived,
        label: "Lodge the deposit and give the required information within 30 working days of the start of the tenancy; a deposit paid in instalments, each instalment within 30 working days of its receipt",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 3(1),(2A) and reg 42",
        param: Param::ProtectWithinWorkingDays {
            days: 30,
            instalments: true,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R2,
        jurisdiction: England,
        from: d(2007, April, 6),
        until: None,
        key: KeyDate::None,
        label: "A breach: protected late, never protected, or prescribed information not given (to every tenant and relevant person)",
        citation: "Housing Act 2004 s.213-214",
        param: Param::BreachKinds,
        confirmed: true,
    },
    Rule {
        id: RuleId::R2,
        jurisdiction: Wales,
        from: d(2007, April, 6),
        until: None,
        key: KeyDate::None,
        label: "A breach: protected late, never protected, or required information not given",
        citation: "Renting Homes (Wales) Act 2016 s.45-47; before 1 December 2022 Housing Act 2004 s.213-214",
        param: Param::BreachKinds,
        confirmed: true,
    },
    Rule {
        id: RuleId::R2,
        jurisdiction: Scotland,
        from: d(2011, March, 7),
        until: None,
        key: KeyDate::None,
        label: "A breach: lodged late, never lodged, or required information not given",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 3, 9, 42",
        param: Param::BreachKinds,
        confirmed: true,
    },
    Rule {
        id: RuleId::R3,
        jurisdiction: England,
        from: d(2007, April, 6),
        until: None,
        key: KeyDate::DepositReceived,
        label: "The court orders 1 to 3 times the deposit. While the tenancy continues it must also order the deposit repaid or protected; after it ends it may order all or part of it repaid",
        citation: "Housing Act 2004 s.214(2A),(3),(3A),(4)",
        param: Param::Penalty { min: 1, max: 3 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R3,
        jurisdiction: Wales,
        from: d(2007, April, 6),
        until: d(2022, November, 30),
        key: KeyDate::DepositReceived,
        label: "The court orders 1 to 3 times the deposit. While the tenancy continues it must also order the deposit repaid or protected; after it ends it may order all or part of it repaid",
        citation: "Housing Act 2004 s.214(2A),(3),(3A),(4)",
        param: Param::Penalty { min: 1, max: 3 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R3,
        jurisdiction: Wales,
        from: d(2022, December, 1),
        until: None,
        key: KeyDate::DepositReceived,
        label: "The court may order up to 3 times the deposit (shown from 0 times: the minimum is not confirmed)",
        citation: "Renting Homes (Wales) Act 2016 s.46 and Sch 5",
        param: Param::Penalty { min: 0, max: 3 },
        confirmed: false,
    },
    Rule {
        id: RuleId::R3,
        jurisdiction: Scotland,
        from: d(2011, March, 7),
        until: None,
        key: KeyDate::TenancyStart,
        label: "The tribunal must order up to 3 times the deposit; it does not order the deposit itself returned (a separate civil application)",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 10",
        param: Param::Penalty { min: 0, max: 3 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Claim the penalty within 6 years of the earliest missed deadline, for each tenancy",
        citation: "Limitation Act 1980 s.9; Lowe v Governors of Sutton's Hospital in Charterhouse [2022] EW Misc 8 (CC), appeal dismissed [2024] EWHC 646 (Ch)",
        param: Param::ClaimWithinYears { years: 6 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Claim the deposit itself back within 6 years of the end of the tenancy (not confirmed)",
        citation: "Limitation Act 1980 s.5",
        param: Param::DepositClaimWithinYears { years: 6 },
        confirmed: false,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: Wales,
        from: None,
        until: d(2022, November, 30),
        key: KeyDate::DepositReceived,
        label: "Claim the penalty within 6 years of the earliest missed deadline, for each tenancy",
        citation: "Limitation Act 1980 s.9; Lowe v Governors of Sutton's Hospital in Charterhouse [2022] EW Misc 8 (CC), appeal dismissed [2024] EWHC 646 (Ch)",
        param: Param::ClaimWithinYears { years: 6 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: Wales,
        from: d(2022, December, 1),
        until: None,
        key: KeyDate::DepositReceived,
        label: "Claim the penalty within 6 years of the earliest missed deadline (as in England; not confirmed for claims under the Renting Homes (Wales) Act 2016)",
        citation: "Limitation Act 1980 s.9",
        param: Param::ClaimWithinYears { years: 6 },
        confirmed: false,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: Wales,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Claim the deposit itself back within 6 years of the end of the tenancy (not confirmed)",
        citation: "Limitation Act 1980 s.5",
        param: Param::DepositClaimWithinYears { years: 6 },
        confirmed: false,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: Scotland,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Apply to the tribunal for the penalty during the tenancy or within 3 months of its end",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 9(2)",
        param: Param::ClaimWithinMonthsOfEnd { months: 3 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: Scotland,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Claim the deposit itself back within 5 years (not confirmed)",
        citation: "Prescription and Limitation (Scotland) Act 1973 s.6",
        param: Param::DepositClaimWithinYears { years: 5 },
        confirmed: false,
    },
    Rule {
        id: RuleId::R5,
        jurisdiction: England,
        from: d(2007, April, 6),
        until: d(2026, April, 30),
        key: KeyDate::TenancyStart,
        label: "Covers assured shorthold tenancies with a deposit received on or after 6 April 2007; not company lets, resident landlords or lets over the rent limits",
        citation: "Housing Act 2004 s.212-215B",
        param: Param::Eligibility,
        confirmed: true,
    },
    Rule {
        id: RuleId::R5,
        jurisdiction: England,
        from: d(2026, May, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "Covers all assured tenancies from 1 May 2026, existing ones included (a tenancy that was an assured shorthold keeps the 2007 condition)",
        citation: "Housing Act 2004 s.212-214 and s.214(1ZA) as amended by Renters' Rights Act 2025 s.26 (in force 1 May 2026, SI 2026/421)",
        param: Param::Eligibility,
        confirmed: true,
    },
    Rule {
        id: RuleId::R5,
        jurisdiction: Wales,
        from: None,
        until: d(2022, November, 30),
        key: KeyDate::TenancyStart,
        label: "Covers assured shorthold tenancies",
        citation: "Housing Act 2004 s.212-215B",
        param: Param::Eligibility,
        confirmed: true,
    },
    Rule {
        id: RuleId::R5,
        jurisdiction: Wales,
        from: d(2022, December, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "Covers occupation contracts",
        citation: "Renting Homes (Wales) Act 2016 s.45",
        param: Param::Eligibility,
        confirmed: true,
    },
    Rule {
        id: RuleId::R5,
        jurisdiction: Scotland,
        from: d(2011, March, 7),
        until: None,
        key: KeyDate::TenancyStart,
        label: "Covers every relevant tenancy: private residential tenancies and older assured and short assured tenancies",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 3(3)",
        param: Param::Eligibility,
        confirmed: true,
    },
    Rule {
        id: RuleId::R6,
        jurisdiction: England,
        from: d(2019, June, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "A deposit above 5 weeks' rent (6 weeks' when the annual rent is £50,000 or more), at the rent of the grant or renewal, is a prohibited payment",
        citation: "Tenant Fees Act 2019 Sch 1 para 2",
        param: Param::DepositCap {
            weeks: 5,
            weeks_high: 6,
            high_rent_pence: 5_000_000,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R6,
        jurisdiction: Scotland,
        from: None,
        until: None,
        key: KeyDate::TenancyStart,
        label: "A deposit above 2 months' rent is an unlawful premium",
        citation: "Rent (Scotland) Act 1984 s.90",
        param: Param::DepositCapMonths { months: 2 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R7,
        jurisdiction: England,
        from: d(2019, June, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "A holding deposit is at most 1 week's rent, refunded within 7 days of the agreement, of the deadline for agreement (the 15th day after payment unless agreed otherwise), or of the landlord deciding not to go ahead",
        citation: "Tenant Fees Act 2019 Sch 2",
        param: Param::HoldingDeposit {
            weeks: 1,
            refund_days: 7,
            agreement_days: 15,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R7,
        jurisdiction: Wales,
        from: d(2019, September, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "A holding deposit is refunded within 7 days beginning with the day the contract is made or the deadline passes",
        citation: "Renting Homes (Fees etc.) (Wales) Act 2019 Sch 2",
        param: Param::HoldingDeposit {
            weeks: 1,
            refund_days: 7,
            agreement_days: 15,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R8,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Insured schemes: return the agreed deposit within 10 days beginning with the tenant's request",
        citation: "Housing Act 2004 Sch 10 para 6",
        param: Param::WithinDays { days: 10 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R8,
        jurisdiction: Wales,
        from: None,
        until: d(2022, November, 30),
        key: KeyDate::DepositReceived,
        label: "Insured schemes: return the agreed deposit within 10 days beginning with the tenant's request",
        citation: "Housing Act 2004 Sch 10 para 6",
        param: Param::WithinDays { days: 10 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R9,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Raise a scheme dispute in time: TDS insured 3 months from the end of the tenancy; DPS insured 90 days; mydeposits insured 3 months less one day; custodial products have no start limit",
        citation: "The schemes' own tenant guidance (TDS, DPS, mydeposits)",
        param: Param::SchemeWindow {
            tds_months: 3,
            dps_days: 90,
            mydeposits_months: 3,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R9,
        jurisdiction: Wales,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Raise a scheme dispute in time: TDS insured 3 months from the end of the tenancy; DPS insured 90 days; mydeposits insured 3 months less one day; custodial products have no start limit",
        citation: "The schemes' own tenant guidance (TDS, DPS, mydeposits)",
        param: Param::SchemeWindow {
            tds_months: 3,
            dps_days: 90,
            mydeposits_months: 3,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R9,
        jurisdiction: Scotland,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "All three Scottish schemes are custodial; their dispute windows are not confirmed",
        citation: "The Scottish schemes' own rules",
        param: Param::SchemeWindow {
            tds_months: 0,
            dps_days: 0,
            mydeposits_months: 0,
        },
        confirmed: false,
    },
    Rule {
        id: RuleId::R10,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "The landlord has 14 days from receiving a letter before claim to reply",
        citation: "Practice Direction on Pre-Action Conduct para 6(b)",
        param: Param::WithinDays { days: 14 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R10,
        jurisdiction: Wales,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "The landlord has 14 days from receiving a letter before claim to reply",
        citation: "Practice Direction on Pre-Action Conduct para 6(b)",
        param: Param::WithinDays { days: 14 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R10,
        jurisdiction: Scotland,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Letters give the landlord 14 days to reply as a courtesy (the Practice Direction does not apply in Scotland)",
        citation: "No rule: a courtesy period before an application to the First-tier Tribunal (Housing and Property Chamber)",
        param: Param::WithinDays { days: 14 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R11,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "A court order under s.214 is paid within 14 days beginning with the order",
        citation: "Housing Act 2004 s.214(3)",
        param: Param::WithinDays { days: 14 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R12,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Simple interest on a money claim at the rate the court thinks fit; 8% a year is the customary rate claimed",
        citation: "County Courts Act 1984 s.69; CPR 16.4(2)",
        param: Param::Interest { rate_bp: 800 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R12,
        jurisdiction: Wales,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Simple interest on a money claim at the rate the court thinks fit; 8% a year is the customary rate claimed",
        citation: "County Courts Act 1984 s.69; CPR 16.4(2)",
        param: Param::Interest { rate_bp: 800 },
        confirmed: true,
    },
];

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
    RULES.iter().find(|r| {
        r.id == id
            && r.jurisdiction == jurisdiction
            && r.from.is_none_or(|f| on >= f)
            && r.until.is_none_or(|u| on <= u)
            && wanted(&r.param)
    })
}

const fn date(year: i32, month: Month, day: u8) -> Date {
    match Date::from_calendar_date(year, month, day) {
        Ok(d) => d,
        Err(_) => Date::MIN,
    }
}

/// `date` plus `months` calendar months; a day past the end of the month becomes its
/// last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(December);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// Annual rent in pence, if rent and period are known.
pub fn annual_rent(rent: Money, period: RentPeriod) -> i64 {
    match period {
        RentPeriod::Month => rent.pence() * 12,
        RentPeriod::Week => rent.pence() * 52,
    }
}

/// The deposit cap: `floor(annual × weeks / 52)` pence.
pub fn deposit_cap(annual_pence: i64, param: Param) -> Option<Money> {
    let Param::DepositCap {
        weeks,
        weeks_high,
        high_rent_pence,
    } = param
    else {
        return None;
    };
    let weeks = if annual_pence >= high_rent_pence {
        weeks_high
    } else {
        weeks
    };
    Money::from_pence(annual_pence.checked_mul(weeks)? / 52)
}

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
    #[serde(with = "super::case::iso_date")]
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

/// Simple interest on money owed: what a claim states (CPR 16.4(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Interest {
    /// The rate a year, in basis points (800 is 8%).
    pub rate_bp: i64,
    /// The first day interest runs: the day after the tenancy ended, when the deposit
    /// was owed back.
    #[serde(with = "super::case::iso_date")]
    pub from: Date,
    /// The amount interest runs on.
    pub principal_pence: i64,
    /// Interest a day: floor(principal × rate ÷ 365).
    pub daily_pence: i64,
    /// Interest from `from` to the day of the assessment, both counted.
    pub to_date_pence: i64,
}

/// Simple interest on `principal_pence` at `rate_bp` from `from` to `today` (both days
/// counted), in whole pence: the daily rate is floor(principal × rate ÷ 365).
pub fn simple_interest(principal_pence: i64, rate_bp: i64, from: Date, today: Date) -> Interest {
    let daily_pence = principal_pence.saturating_mul(rate_bp) / (10_000 * 365);
    let days = ((today - from).whole_days() + 1).max(0);
    Interest {
        rate_bp,
        from,
        principal_pence,
        daily_pence,
        to_date_pence: daily_pence.saturating_mul(days),
    }
}

/// The day a court order under s.214 must be paid by: within 14 days beginning with the
/// order (R11), so the order's date + 13.
pub fn order_payment_due(j: Jurisdiction, order: Date) -> Option<Date> {
    match rule(RuleId::R11, j, order)?.param {
        Param::WithinDays { days } => Some(order + Duration::days(days - 1)),
        _ => None,
    }
}

/// A holding deposit's refund (R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HoldingRefund {
    /// The last day to refund it.
    #[serde(with = "super::case::iso_date")]
    pub refund_due: Date,
    /// Whether that day is counted from the deadline for agreement because nothing else
    /// ended the wait yet.
    pub from_default_deadline: bool,
    /// The most a holding deposit may be (England: one week's rent), if the rent is known.
    pub cap_pence: Option<i64>,
    /// The part above the cap: a prohibited payment.
    pub excess_pence: i64,
}

/// The refund of a holding deposit under R7: England, within 7 days of the agreement, of
/// the deadline for agreement (the 15th day after payment unless agreed otherwise) or of
/// the landlord deciding not to go ahead; Wales, within 7 days beginning with the day the
/// contract is made or the deadline passes.
pub fn holding_refund(facts: &CaseFacts) -> Option<HoldingRefund> {
    let h = facts.deposit.holding.as_ref()?;
    let j = facts.tenancy.jurisdiction;
    let r7 = rule(RuleId::R7, j, h.paid_date)?;
    let Param::HoldingDeposit {
        weeks,
        refund_days,
        agreement_days,
    } = r7.param
    else {
        return None;
    };
    let (trigger, default) = match h.outcome_date {
        Some(d) => (d, false),
        None => (h.paid_date + Duration::days(agreement_days), true),
    };
    let refund_due = match j {
        // "within 7 days beginning with": the trigger is day 1.
        Jurisdiction::Wales => trigger + Duration::days(refund_days - 1),
        _ => trigger + Duration::days(refund_days),
    };
    let cap = match (j, facts.tenancy.rent, facts.tenancy.rent_period) {
        (Jurisdiction::England, Some(rent), Some(period)) => {
            Some(annual_rent(rent, period).saturating_mul(weeks) / 52)
        }
        _ => None,
    };
    Some(HoldingRefund {
        refund_due,
        from_default_deadline: default,
        cap_pence: cap,
        excess_pence: cap.map_or(0, |c| (h.amount.pence() - c).max(0)),
    })
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
    #[serde(with = "super::case::iso_date::option")]
    pub protection_due: Option<Date>,
    /// Breaches established from known facts. An unchecked fact never makes one.
    pub breaches: Vec<Breach>,
    /// The penalty range; `None` where no breach gives a claim.
    pub penalty: Option<PenaltyRange>,
    /// The last day to claim the penalty: the earliest missed deadline + 6 years
    /// (Scotland: the end of the tenancy + 3 months). `None` without a breach, or in
    /// Scotland while the tenancy goes on.
    #[serde(with = "super::case::iso_date::option")]
    pub claim_by: Option<Date>,
    /// The last day to claim the deposit itself back (the end of the tenancy + 6 years;
    /// Scotland + 5 years).
    #[serde(with = "super::case::iso_date::option")]
    pub deposit_claim_by: Option<Date>,
    /// The last day to raise a dispute with an insured scheme; `None` for custodial or
    /// unknown products.
    #[serde(with = "super::case::iso_date::option")]
    pub adr_deadline: Option<Date>,
    /// The last day any claim of the case can be brought, when every claim it has has a
    /// limit: moving to court after it needs an override.
    #[serde(with = "super::case::iso_date::option")]
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

fn note_unconfirmed(rule: &Rule, notes: &mut Vec<String>) {
    if !rule.confirmed {
        notes.push(format!(
            "Not confirmed: \"{}\" ({}). Check it before relying on it.",
            rule.label, rule.citation
        ));
    }
}

/// One protection deadline: of an instalment, or of the tenancy start in Scotland.
#[derive(Debug, Clone, Copy)]
struct Due {
    due: Date,
    /// False when the count crossed computed (not published) bank holidays.
    certain: bool,
    rule: &'static Rule,
}

/// The R1 deadlines of the case, with notes and checks for what is missing.
fn protection_dues(
    facts: &CaseFacts,
    notes: &mut Vec<String>,
    to_check: &mut Vec<ToCheck>,
) -> Vec<Due> {
    let j = facts.tenancy.jurisdiction;
    let dep = &facts.deposit;
    let start = facts.tenancy.start_date;
    let mut dues = Vec::new();
    if j == Jurisdiction::Scotland {
        // The transitional dates are for tenancies that began before the duties did (2
        // October 2012); a tenancy that began later is under reg 3 whenever its deposit
        // was first paid.
        let first = dep.instalments.first().map(|i| i.received_date);
        let key = match (first, start) {
            (Some(f), Some(st)) => Some(f.max(st)),
            (f, st) => f.or(st),
        };
        let Some(r) = key.and_then(|k| rule(RuleId::R1, j, k)) else {
            to_check.push(ToCheck::TenancyStart);
            return dues;
        };
        match r.param {
            Param::ProtectBy { by } => dues.push(Due {
                due: by,
                certain: true,
                rule: r,
            }),
            Param::ProtectWithinWorkingDays { days, instalments } => {
                let triggers: Vec<Date> = if instalments && dep.instalments.len() > 1 {
                    dep.instalments.iter().map(|i| i.received_date).collect()
                } else {
                    start.into_iter().collect()
                };
                if triggers.is_empty() {
                    to_check.push(ToCheck::TenancyStart);
                }
                for t in triggers {
                    let (due, certain) = super::holidays::nth_working_day_after(t, days);
                    dues.push(Due {
                        due,
                        certain,
                        rule: r,
                    });
                }
            }
            _ => {}
        }
    } else {
        for inst in &dep.instalments {
            if let Some(r) = rule(RuleId::R1, j, inst.received_date)
                && let Param::ProtectWithinDays { days } = r.param
            {
                dues.push(Due {
                    due: inst.received_date + Duration::days(days - 1),
                    certain: true,
                    rule: r,
                });
            }
        }
        if dep.instalments.is_empty() {
            to_check.push(ToCheck::DepositReceived);
        } else if dues.is_empty() {
            notes.push(
                "No protection duty applies to a deposit received before 6 April 2007.".into(),
            );
        }
    }
    if dues.iter().any(|d| !d.certain) {
        notes.push(format!(
            "The working days were counted over bank holidays computed from statute (the published lists end in {}): a proclamation could still move one.",
            super::holidays::DATA_YEARS.end()
        ));
    }
    dues
}

/// What was found about one duty (protecting the deposit, or giving the information).
struct Duty {
    breach: Option<Breach>,
    status: DeadlineStatus,
    /// The earliest deadline this duty missed.
    earliest_missed: Option<Date>,
}

/// Judges one duty against its deadlines. `done` is the day it was done, if known;
/// `never` is true when it is established that it was never done; otherwise, with no
/// date, the duty is unknown and `check` is what to find out.
fn judge(
    dues: &[Due],
    done: Option<Date>,
    never: bool,
    today: Date,
    (late, not_done): (Breach, Breach),
) -> Duty {
    let latest = dues.iter().map(|d| d.due).max().unwrap_or(today);
    match done {
        Some(day) => {
            let missed = dues.iter().filter(|d| day > d.due).map(|d| d.due).min();
            Duty {
                breach: missed.map(|_| late),
                status: if missed.is_some() {
                    DeadlineStatus::Missed
                } else {
                    DeadlineStatus::Met
                },
                earliest_missed: missed,
            }
        }
        None if never => {
            let missed = dues.iter().filter(|d| today > d.due).map(|d| d.due).min();
            Duty {
                breach: missed.map(|_| not_done),
                status: if missed.is_some() {
                    DeadlineStatus::Missed
                } else {
                    DeadlineStatus::Open
                },
                earliest_missed: missed,
            }
        }
        None => Duty {
            breach: None,
            status: if today > latest {
                DeadlineStatus::ToCheck
            } else {
                DeadlineStatus::Open
            },
            earliest_missed: None,
        },
    }
}

/// The scheme's dispute window (R9) from the end of the tenancy, for insured products.
fn adr_deadline(
    window: Param,
    scheme: Option<Scheme>,
    product: Option<SchemeProduct>,
    end: Date,
) -> Option<Date> {
    let Param::SchemeWindow {
        tds_months,
        dps_days,
        mydeposits_months,
    } = window
    else {
        return None;
    };
    if product != Some(SchemeProduct::Insured) {
        return None;
    }
    match scheme? {
        Scheme::Tds if tds_months > 0 => Some(add_months(end, tds_months)),
        Scheme::Dps if dps_days > 0 => Some(end + Duration::days(dps_days)),
        Scheme::Mydeposits if mydeposits_months > 0 => {
            add_months(end, mydeposits_months).previous_day()
        }
        _ => None,
    }
}

/// A date in words, for labels: "1 September 2025".
fn long_date_words(d: Date) -> String {
    super::case::long_date(d)
}

fn limit_status(limit: Date, today: Date) -> DeadlineStatus {
    if today > limit {
        DeadlineStatus::Missed
    } else {
        DeadlineStatus::Open
    }
}

/// What was found about the protection duties of one tenancy.
#[derive(Debug, Clone, Default)]
struct Duties {
    breaches: Vec<Breach>,
    protection: Option<DeadlineStatus>,
    information: Option<DeadlineStatus>,
    earliest_missed: Option<Date>,
}

/// The worse of two statuses, for a duty owed to several people.
fn worse(a: DeadlineStatus, b: DeadlineStatus) -> DeadlineStatus {
    let rank = |s: DeadlineStatus| match s {
        DeadlineStatus::Met => 0,
        DeadlineStatus::Open => 1,
        DeadlineStatus::ToCheck => 2,
        DeadlineStatus::Missed => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Whether it is established that the deposit was never protected: the scheme is recorded
/// as "none", or the latest look-up of the schemes found nothing (and no scheme is named).
fn never_protected(dep: &super::case::Deposit) -> bool {
    let latest_check = dep.scheme_checks.iter().max_by_key(|c| c.date);
    dep.scheme == Some(Scheme::None)
        || (matches!(dep.scheme, None | Some(Scheme::Unknown))
            && dep.protected_date.is_none()
            && latest_check.is_some_and(|c| !c.found))
}

/// Judges the protection and information duties of one tenancy against its deadlines.
/// `renewal_start` is the first day of a later tenancy: a deposit already protected, with
/// the information already given, before it began stays compliant (s.215B).
fn judge_duties(
    facts: &CaseFacts,
    dues: &[Due],
    renewal_start: Option<Date>,
    today: Date,
    to_check: &mut Vec<ToCheck>,
) -> Duties {
    let dep = &facts.deposit;
    if let Some(start) = renewal_start
        && dep.protected_date.is_some_and(|d| d <= start)
        && dep.information_date.is_some_and(|d| d <= start)
    {
        return Duties {
            protection: Some(DeadlineStatus::Met),
            information: Some(DeadlineStatus::Met),
            ..Duties::default()
        };
    }
    let never = never_protected(dep);
    let protection = judge(
        dues,
        dep.protected_date,
        never,
        today,
        (Breach::ProtectedLate, Breach::NotProtected),
    );
    if dep.protected_date.is_none() && !never {
        let found_in_scheme = dep.scheme_checks.iter().any(|c| c.found);
        to_check.push(match dep.scheme {
            Some(Scheme::Unknown) | None if !found_in_scheme => ToCheck::SchemeLookup,
            _ => ToCheck::ProtectionDate,
        });
    }
    // A deposit never protected never had its information given: the information names
    // the scheme.
    let tenant_never = dep.information_given == Some(false) || never;
    let mut info = vec![judge(
        dues,
        dep.information_date,
        tenant_never,
        today,
        (Breach::InformationLate, Breach::InformationNotGiven),
    )];
    if dep.information_date.is_none() && !tenant_never {
        to_check.push(if dep.information_given == Some(true) {
            ToCheck::InformationDate
        } else {
            ToCheck::Information
        });
    }
    // Every relevant person (someone who paid on a tenant's behalf) is owed it too.
    for person in &dep.relevant_persons {
        let person_never = person.information_given == Some(false) || never;
        info.push(judge(
            dues,
            person.information_date,
            person_never,
            today,
            (Breach::InformationLate, Breach::InformationNotGiven),
        ));
        if person.information_date.is_none() && !person_never {
            to_check.push(ToCheck::RelevantPersonInformation);
        }
    }
    let mut out = Duties {
        protection: Some(protection.status),
        information: info.iter().map(|d| d.status).reduce(worse),
        ..Duties::default()
    };
    for duty in std::iter::once(&protection).chain(info.iter()) {
        if let Some(b) = duty.breach
            && !out.breaches.contains(&b)
        {
            out.breaches.push(b);
        }
        if let Some(m) = duty.earliest_missed {
            out.earliest_missed = Some(out.earliest_missed.map_or(m, |e| e.min(m)));
        }
    }
    out
}

/// The two R1 deadlines (protect; give the information) of one tenancy.
fn push_duty_deadlines(
    j: Jurisdiction,
    r1: &'static Rule,
    due: Date,
    duties: &Duties,
    out: &mut Vec<Deadline>,
) {
    let (protect_label, info_label) = match j {
        Jurisdiction::Scotland => (
            "Lodge the deposit with an approved scheme",
            "Give the tenant the required information",
        ),
        Jurisdiction::Wales if r1.citation.starts_with("Renting Homes") => (
            "Protect the deposit in an approved scheme",
            "Give the contract-holder the required information",
        ),
        _ => (
            "Protect the deposit in an approved scheme",
            "Give the tenant the prescribed information",
        ),
    };
    for (label, status) in [
        (protect_label, duties.protection),
        (info_label, duties.information),
    ] {
        if let Some(status) = status {
            out.push(Deadline {
                rule: RuleId::R1,
                label: label.into(),
                due,
                status,
                citation: r1.citation,
                ours: false,
            });
        }
    }
}

/// A later tenancy's own deadline: its first day is a fresh receipt of the deposit.
fn renewal_due(j: Jurisdiction, start: Date) -> Option<Due> {
    let r = rule(RuleId::R1, j, start)?;
    let (due, certain) = match r.param {
        Param::ProtectWithinDays { days } => (start + Duration::days(days - 1), true),
        Param::ProtectWithinWorkingDays { days, .. } => {
            super::holidays::nth_working_day_after(start, days)
        }
        Param::ProtectBy { by } => (by, true),
        _ => return None,
    };
    Some(Due {
        due,
        certain,
        rule: r,
    })
}

/// One tenancy of the case, as the assessment shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TenancyAssessment {
    /// Its first day.
    #[serde(with = "super::case::iso_date")]
    pub start_date: Date,
    /// `original`, `fixed_term`, `statutory_periodic` or `contractual_periodic`.
    pub kind: &'static str,
    /// Its protection deadline.
    #[serde(with = "super::case::iso_date::option")]
    pub protection_due: Option<Date>,
    /// Breaches established for it.
    pub breaches: Vec<Breach>,
    /// Its penalty range: one award per tenancy.
    pub penalty: Option<PenaltyRange>,
    /// The last day to claim its penalty.
    #[serde(with = "super::case::iso_date::option")]
    pub claim_by: Option<Date>,
    /// The deposit cap at this tenancy's rent, where a cap applies to its grant.
    pub deposit_cap_pence: Option<i64>,
    /// The part of the deposit above that cap: a prohibited payment.
    pub prohibited_excess_pence: i64,
}

/// The deposit cap (R6) for a grant or renewal starting on `start` at `rent`.
fn cap_for(
    j: Jurisdiction,
    start: Option<Date>,
    rent: Option<Money>,
    period: Option<RentPeriod>,
) -> Option<Money> {
    let (start, rent, period) = (start?, rent?, period?);
    let r = rule(RuleId::R6, j, start).filter(|r| r.confirmed)?;
    match r.param {
        Param::DepositCapMonths { months } => monthly_cap(rent, period, months),
        other => deposit_cap(annual_rent(rent, period), other),
    }
}

fn excess(cap: Option<Money>, amount: Option<Money>) -> i64 {
    match (cap, amount) {
        (Some(cap), Some(amount)) => (amount.pence() - cap.pence()).max(0),
        _ => 0,
    }
}

/// The penalty range of a tenancy with breaches, under R3 as it stood on `key`.
fn penalty_range(
    j: Jurisdiction,
    key: Option<Date>,
    amount: Option<Money>,
    breaches: &[Breach],
    notes: &mut Vec<String>,
) -> Option<PenaltyRange> {
    if breaches.is_empty() {
        return None;
    }
    let Some(amount) = amount else {
        notes.push("Add the deposit amount to work out the penalty.".into());
        return None;
    };
    let r3 = key.and_then(|k| rule(RuleId::R3, j, k))?;
    let Param::Penalty { min, max } = r3.param else {
        return None;
    };
    note_unconfirmed(r3, notes);
    Some(PenaltyRange {
        min_pence: amount.pence() * min,
        max_pence: amount.pence() * max,
    })
}

/// The last day to claim a tenancy's penalty, under R4.
fn penalty_limit(
    j: Jurisdiction,
    on: Date,
    earliest_missed: Option<Date>,
    end: Option<Date>,
    notes: &mut Vec<String>,
) -> Option<(Date, &'static Rule)> {
    let r4 = rule_where(RuleId::R4, j, on, |p| {
        matches!(
            p,
            Param::ClaimWithinYears { .. } | Param::ClaimWithinMonthsOfEnd { .. }
        )
    })?;
    let limit = match r4.param {
        Param::ClaimWithinYears { years } => {
            earliest_missed.map(|d| add_months(d, u32::try_from(years * 12).unwrap_or(72)))
        }
        Param::ClaimWithinMonthsOfEnd { months } => end.map(|e| add_months(e, months)),
        _ => None,
    }?;
    note_unconfirmed(r4, notes);
    Some((limit, r4))
}

/// Assesses a case from its facts, as of `today`.
pub fn assess(facts: &CaseFacts, today: Date) -> Assessment {
    let j = facts.tenancy.jurisdiction;
    let dep = &facts.deposit;
    let end = facts.tenancy.end_date;
    let mut notes = Vec::new();
    let mut to_check = Vec::new();
    let mut deadlines = Vec::new();
    let excluded = facts.tenancy.kind == Some(TenancyType::Excluded);
    if excluded {
        notes.push(
            "No protection duty: the tenancy is outside the deposit rules (a company let, a resident landlord, or a let above the rent limits of its time)."
                .into(),
        );
    }
    // An assured tenancy that was never a shorthold came under the duty in England only on
    // 1 May 2026 (Renters' Rights Act 2025 s.26): a deposit it took earlier gets no
    // deadline from tenantcase.
    let first_received = dep.instalments.first().map(|i| i.received_date);
    // The R5 row in force at the receipt tells: the pre-Act row has an end date.
    let assured_before_rra = j == Jurisdiction::England
        && facts.tenancy.kind == Some(TenancyType::Assured)
        && first_received
            .and_then(|d| rule(RuleId::R5, j, d))
            .is_some_and(|r| r.until.is_some());
    if assured_before_rra {
        notes.push(
            "An assured tenancy that was never a shorthold came under the protection duty on 1 May 2026 (Renters' Rights Act 2025 s.26). tenantcase sets no deadline for a deposit it took before then: check how the duty applies to it."
                .into(),
        );
    }
    let dues = if excluded || assured_before_rra {
        Vec::new()
    } else {
        protection_dues(facts, &mut notes, &mut to_check)
    };
    let protection_due = dues.iter().map(|d| d.due).max();

    let duties = if dues.is_empty() {
        Duties::default()
    } else {
        judge_duties(facts, &dues, None, today, &mut to_check)
    };
    let breaches = duties.breaches.clone();
    let earliest_missed = duties.earliest_missed;
    if let (Some(due), Some(first)) = (protection_due, dues.first()) {
        note_unconfirmed(first.rule, &mut notes);
        push_duty_deadlines(j, first.rule, due, &duties, &mut deadlines);
    }
    // R3: the penalty range, where a breach gives a claim.
    let key = match j {
        Jurisdiction::Scotland => facts.tenancy.start_date,
        _ => dep.instalments.last().map(|i| i.received_date),
    };
    let penalty = penalty_range(j, key, dep.amount, &breaches, &mut notes);

    // R4: the time limits, one for each kind of claim.
    let on = key.unwrap_or(today);
    let claim_by = if breaches.is_empty() {
        None
    } else {
        penalty_limit(j, on, earliest_missed, end, &mut notes).map(|(limit, r4)| {
            deadlines.push(Deadline {
                rule: RuleId::R4,
                label: "Last day to claim the penalty".into(),
                due: limit,
                status: limit_status(limit, today),
                citation: r4.citation,
                ours: true,
            });
            limit
        })
    };
    let mut tenancies = Vec::with_capacity(1 + facts.tenancy.renewals.len());
    if let Some(start) = facts.tenancy.start_date.or(key) {
        tenancies.push(TenancyAssessment {
            start_date: start,
            kind: "original",
            protection_due,
            breaches: breaches.clone(),
            penalty,
            claim_by,
            deposit_cap_pence: None,
            prohibited_excess_pence: 0,
        });
    }

    // Each later tenancy is a fresh receipt of the deposit, with its own deadline, its
    // own penalty and its own time limit.
    // Every penalty claim of the case, with its limit (`None`: no limit runs yet).
    let mut penalty_claims: Vec<Option<Date>> = Vec::new();
    if !breaches.is_empty() {
        penalty_claims.push(claim_by);
    }
    let renewals = if excluded {
        &[][..]
    } else {
        &facts.tenancy.renewals[..]
    };
    for r in renewals {
        let Some(due) = renewal_due(j, r.start_date) else {
            continue;
        };
        if !due.certain {
            notes.push(format!(
                "The working days were counted over bank holidays computed from statute (the published lists end in {}): a proclamation could still move one.",
                super::holidays::DATA_YEARS.end()
            ));
        }
        let duties = judge_duties(facts, &[due], Some(r.start_date), today, &mut to_check);
        let label_from = long_date_words(r.start_date);
        let mut these = Vec::new();
        push_duty_deadlines(j, due.rule, due.due, &duties, &mut these);
        for mut d in these {
            d.label = format!("{} (tenancy from {label_from})", d.label);
            deadlines.push(d);
        }
        let penalty = penalty_range(
            j,
            Some(r.start_date),
            dep.amount,
            &duties.breaches,
            &mut notes,
        );
        let claim = if duties.breaches.is_empty() {
            None
        } else {
            penalty_limit(
                j,
                r.start_date,
                duties.earliest_missed,
                r.end_date,
                &mut notes,
            )
            .map(|(limit, r4)| {
                deadlines.push(Deadline {
                    rule: RuleId::R4,
                    label: format!("Last day to claim the penalty (tenancy from {label_from})"),
                    due: limit,
                    status: limit_status(limit, today),
                    citation: r4.citation,
                    ours: true,
                });
                limit
            })
        };
        if !duties.breaches.is_empty() {
            penalty_claims.push(claim);
        }
        // A renewal is a new grant: its cap follows its own rent.
        let renewal_cap = cap_for(j, Some(r.start_date), r.rent, r.rent_period);
        tenancies.push(TenancyAssessment {
            start_date: r.start_date,
            kind: r.kind.as_str(),
            protection_due: Some(due.due),
            breaches: duties.breaches,
            penalty,
            claim_by: claim,
            deposit_cap_pence: renewal_cap.map(Money::pence),
            prohibited_excess_pence: excess(renewal_cap, dep.amount),
        });
    }
    // The deposit claim runs from the end of the last tenancy.
    let end = match facts.tenancy.renewals.last() {
        Some(last) => last.end_date,
        None => end,
    };
    let outstanding = match (dep.amount, dep.returned) {
        (Some(a), Some(r)) => r < a,
        (None, _) => false,
        (Some(_), None) => true,
    };
    let deposit_claim_by = end.filter(|_| outstanding).and_then(|e| {
        let r4 = rule_where(RuleId::R4, j, on, |p| {
            matches!(p, Param::DepositClaimWithinYears { .. })
        })?;
        let Param::DepositClaimWithinYears { years } = r4.param else {
            return None;
        };
        let limit = add_months(e, u32::try_from(years * 12).ok()?);
        note_unconfirmed(r4, &mut notes);
        deadlines.push(Deadline {
            rule: RuleId::R4,
            label: "Last day to claim the deposit back".into(),
            due: limit,
            status: limit_status(limit, today),
            citation: r4.citation,
            ours: true,
        });
        Some(limit)
    });

    // R9: the scheme's dispute window, for insured products once the tenancy has ended.
    let in_a_scheme = matches!(
        dep.scheme,
        Some(Scheme::Dps | Scheme::Tds | Scheme::Mydeposits)
    );
    if in_a_scheme && dep.scheme_product.is_none() && end.is_some() {
        to_check.push(ToCheck::SchemeProduct);
    }
    let r9 = rule(RuleId::R9, j, today);
    let adr = end
        .zip(r9)
        .and_then(|(e, r9)| adr_deadline(r9.param, dep.scheme, dep.scheme_product, e));
    if let (Some(limit), Some(r9)) = (adr, r9) {
        deadlines.push(Deadline {
            rule: RuleId::R9,
            label: "Last day to raise a dispute with the scheme".into(),
            due: limit,
            status: limit_status(limit, today),
            citation: r9.citation,
            ours: true,
        });
    }

    // R6: the deposit cap, at the rent of the grant.
    let cap = cap_for(
        j,
        facts.tenancy.start_date,
        facts.tenancy.rent,
        facts.tenancy.rent_period,
    );
    let prohibited_excess_pence = excess(cap, dep.amount);
    if let Some(original) = tenancies.first_mut() {
        original.deposit_cap_pence = cap.map(Money::pence);
        original.prohibited_excess_pence = prohibited_excess_pence;
    }

    // Every claim the case has, with its limit (`None`: no limit runs yet).
    let mut claims = penalty_claims;
    if outstanding {
        claims.push(deposit_claim_by);
    }
    let last_claim_by = if claims.is_empty() {
        None
    } else {
        claims
            .iter()
            .copied()
            .collect::<Option<Vec<Date>>>()
            .and_then(|l| l.into_iter().max())
    };

    notes.dedup();
    to_check.dedup();
    // R12: interest on the deposit still owed once the tenancy has ended.
    let owed = match (dep.amount, dep.returned) {
        (Some(a), r) => a.pence() - r.map_or(0, Money::pence),
        (None, _) => 0,
    };
    let interest = match (end, rule(RuleId::R12, j, today).map(|r| r.param)) {
        (Some(e), Some(Param::Interest { rate_bp })) if owed > 0 && e < today => e
            .next_day()
            .map(|from| simple_interest(owed, rate_bp, from, today)),
        _ => None,
    };
    let holding = holding_refund(facts);
    if let (Some(h), Some(r7)) = (
        holding,
        dep.holding
            .as_ref()
            .and_then(|h| rule(RuleId::R7, j, h.paid_date)),
    ) {
        deadlines.push(Deadline {
            rule: RuleId::R7,
            label: "Refund the holding deposit".into(),
            due: h.refund_due,
            status: if today > h.refund_due {
                DeadlineStatus::Missed
            } else {
                DeadlineStatus::Open
            },
            citation: r7.citation,
            ours: false,
        });
    }
    to_check.sort_by_key(|t| *t as u8);
    to_check.dedup();
    Assessment {
        holding,
        interest,
        tenancies,
        last_claim_by,
        protection_due,
        breaches,
        penalty,
        claim_by,
        deposit_claim_by,
        adr_deadline: adr,
        to_check,
        deposit_cap_pence: cap.map(Money::pence),
        prohibited_excess_pence,
        deadlines,
        notes,
    }
}

/// A cap of `months` months' rent: monthly rent × months, or weekly rent × 52 × months / 12
/// (floored).
pub fn monthly_cap(rent: Money, period: RentPeriod, months: i64) -> Option<Money> {
    match period {
        RentPeriod::Month => Money::from_pence(rent.pence().checked_mul(months)?),
        RentPeriod::Week => Money::from_pence(rent.pence().checked_mul(52 * months)? / 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::CaseInput;
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn facts(v: serde_json::Value) -> CaseFacts {
        let mut v = v;
        v["tenant"] = json!({"name": "T", "consent_date": "2026-11-01"});
        serde_json::from_value::<CaseInput>(v)
            .ok()
            .and_then(|i| i.validate(TODAY).ok())
            .unwrap_or_else(|| panic!("fixture must be valid"))
    }

    #[test]
    fn e1_england_late_protection_and_information() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
                "deposit": {"amount_pence": 110000, "received_date": "2024-01-10", "scheme": "dps",
                            "protected_date": "2024-03-01", "information_date": "2024-03-01"}})),
            TODAY,
        );
        assert_eq!(a.protection_due, Some(date!(2024 - 02 - 08)));
        assert_eq!(a.breaches, [Breach::ProtectedLate, Breach::InformationLate]);
        assert_eq!(
            a.penalty,
            Some(PenaltyRange {
                min_pence: 110_000,
                max_pence: 330_000
            })
        );
        assert_eq!(a.claim_by, Some(date!(2030 - 02 - 08)));
        assert_eq!(a.deadlines[0].status, DeadlineStatus::Missed);
        assert_eq!(a.deadlines[0].citation, "Housing Act 2004 s.213(3),(6)");
    }

    #[test]
    fn e2_england_before_april_2012_has_14_days() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
            "deposit": {"received_date": "2012-03-01", "scheme": "none"}})),
            TODAY,
        );
        assert_eq!(a.protection_due, Some(date!(2012 - 03 - 14)));
        assert_eq!(
            a.breaches,
            [Breach::NotProtected, Breach::InformationNotGiven]
        );
    }

    #[test]
    fn w1_wales_in_time_is_no_breach() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "wales"},
            "deposit": {"amount_pence": 90000, "received_date": "2023-03-15", "scheme": "dps",
                        "protected_date": "2023-04-10", "information_date": "2023-04-10"}})),
            TODAY,
        );
        assert_eq!(a.protection_due, Some(date!(2023 - 04 - 13)));
        assert!(a.breaches.is_empty());
        assert_eq!(a.penalty, None);
        assert!(
            a.deadlines
                .iter()
                .filter(|d| d.rule == RuleId::R1)
                .all(|d| d.status == DeadlineStatus::Met)
        );
    }

    #[test]
    fn s1_scotland_counts_working_days_of_every_part_of_the_uk() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2025-02-03"}})),
            TODAY,
        );
        // 17 March 2025 is St Patrick's Day, a bank holiday in Northern Ireland.
        assert_eq!(a.protection_due, Some(date!(2025 - 03 - 18)));
        assert_eq!(
            a.deadlines[0].citation,
            "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 3(1),(2A) and reg 42"
        );
        // Over Christmas 2024: 25, 26 Dec and 1, 2 Jan are holidays.
        assert_eq!(
            crate::domain::holidays::nth_working_day_after(date!(2024 - 12 - 20), 6).0,
            date!(2025 - 01 - 03)
        );
    }

    #[test]
    fn scotland_instalments_and_transitional_dates() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2024-01-08"},
                "deposit": {"amount_pence": 120000, "instalments": [
                    {"received_date": "2024-01-02", "amount_pence": 60000},
                    {"received_date": "2024-03-01", "amount_pence": 60000}]}}),
            ),
            TODAY,
        );
        // The second instalment counts from its own receipt: 30 working days after
        // 1 March 2024, not counting 18 March (St Patrick's Day, moved from the Sunday,
        // Northern Ireland), Good Friday 29 March or Easter Monday 1 April.
        assert_eq!(a.protection_due, Some(date!(2024 - 04 - 17)));
        let early = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2010-05-01"},
                "deposit": {"amount_pence": 50000, "received_date": "2010-05-01", "scheme": "none"}}),
            ),
            TODAY,
        );
        assert_eq!(early.protection_due, Some(date!(2013 - 05 - 15)));
        let middle = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2012-01-09"},
                "deposit": {"amount_pence": 50000, "received_date": "2012-01-09"}}),
            ),
            TODAY,
        );
        assert_eq!(middle.protection_due, Some(date!(2012 - 11 - 13)));
    }

    #[test]
    fn u1_an_unknown_scheme_is_no_breach_but_things_to_check() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
                "deposit": {"amount_pence": 90000, "received_date": "2025-05-01", "scheme": "unknown"}})),
            TODAY,
        );
        assert_eq!(a.protection_due, Some(date!(2025 - 05 - 30)));
        assert!(a.breaches.is_empty());
        assert_eq!(a.penalty, None);
        assert_eq!(a.claim_by, None);
        assert_eq!(a.to_check, [ToCheck::SchemeLookup, ToCheck::Information]);
        assert!(
            a.deadlines
                .iter()
                .all(|d| d.status == DeadlineStatus::ToCheck)
        );
        // The tenant confirms they never had the information: that alone is a breach.
        let told = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
                "deposit": {"amount_pence": 90000, "received_date": "2025-05-01", "scheme": "unknown",
                            "information_given": false}})),
            TODAY,
        );
        assert_eq!(told.breaches, [Breach::InformationNotGiven]);
        assert_eq!(told.to_check, [ToCheck::SchemeLookup]);
        assert_eq!(told.claim_by, Some(date!(2031 - 05 - 30)));
    }

    #[test]
    fn t1_a_statutory_periodic_tenancy_is_a_fresh_receipt_with_its_own_penalty() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2024-09-01", "end_date": "2025-08-31",
                "renewals": [{"start_date": "2025-09-01", "kind": "statutory_periodic"}]},
                "deposit": {"amount_pence": 90000, "received_date": "2024-09-01", "scheme": "none"}}),
            ),
            TODAY,
        );
        let range = Some(PenaltyRange {
            min_pence: 90_000,
            max_pence: 270_000,
        });
        let dues: Vec<_> = a.tenancies.iter().map(|t| t.protection_due).collect();
        assert_eq!(
            dues,
            [Some(date!(2024 - 09 - 30)), Some(date!(2025 - 09 - 30))]
        );
        assert!(a.tenancies.iter().all(|t| t.penalty == range));
        let claims: Vec<_> = a.tenancies.iter().map(|t| t.claim_by).collect();
        assert_eq!(
            claims,
            [Some(date!(2030 - 09 - 30)), Some(date!(2031 - 09 - 30))]
        );
        assert_eq!(a.tenancies[1].kind, "statutory_periodic");
        // The top-level fields describe the original tenancy.
        assert_eq!(a.protection_due, Some(date!(2024 - 09 - 30)));
        assert_eq!(a.claim_by, Some(date!(2030 - 09 - 30)));
        // No end to the periodic tenancy yet: the deposit claim has no limit running.
        assert_eq!(a.deposit_claim_by, None);
        assert_eq!(a.last_claim_by, None);
    }

    #[test]
    fn a_renewal_of_a_compliant_deposit_stays_compliant() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2024-09-01",
                "renewals": [{"start_date": "2025-09-01", "kind": "fixed_term"}]},
                "deposit": {"amount_pence": 90000, "received_date": "2024-09-01", "scheme": "tds",
                            "protected_date": "2024-09-10", "information_date": "2024-09-10"}}),
            ),
            TODAY,
        );
        assert!(a.tenancies.iter().all(|t| t.breaches.is_empty()));
        // Protected late, before the renewal: the renewal's own duty was met, the
        // original's was not.
        let late = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2024-09-01",
                "renewals": [{"start_date": "2025-09-01", "kind": "fixed_term"}]},
                "deposit": {"amount_pence": 90000, "received_date": "2024-09-01", "scheme": "tds",
                            "protected_date": "2024-12-01", "information_date": "2024-12-01"}}),
            ),
            TODAY,
        );
        assert_eq!(
            late.tenancies[0].breaches,
            [Breach::ProtectedLate, Breach::InformationLate]
        );
        assert!(late.tenancies[1].breaches.is_empty());
    }

    #[test]
    fn relevant_persons_are_owed_the_information_too() {
        let base = json!({"tenancy": {"jurisdiction": "england"},
            "deposit": {"amount_pence": 90000, "received_date": "2025-05-01", "scheme": "dps",
                        "protected_date": "2025-05-10", "information_date": "2025-05-10",
                        "relevant_persons": [{"name": "Parent Who Paid"}]}});
        let a = assess(&facts(base.clone()), TODAY);
        assert!(a.breaches.is_empty());
        assert_eq!(a.to_check, [ToCheck::RelevantPersonInformation]);
        let mut never = base;
        never["deposit"]["relevant_persons"][0]["information_given"] = json!(false);
        let a = assess(&facts(never), TODAY);
        assert_eq!(a.breaches, [Breach::InformationNotGiven]);
        assert_eq!(a.claim_by, Some(date!(2031 - 05 - 30)));
    }

    #[test]
    fn a_scheme_look_up_that_found_nothing_establishes_no_protection() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
                "deposit": {"amount_pence": 90000, "received_date": "2025-05-01",
                            "scheme_checks": [{"date": "2025-07-01", "found": false}]}})),
            TODAY,
        );
        assert_eq!(
            a.breaches,
            [Breach::NotProtected, Breach::InformationNotGiven]
        );
        let found = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
                "deposit": {"amount_pence": 90000, "received_date": "2025-05-01",
                            "scheme_checks": [{"date": "2025-07-01", "found": true, "scheme": "tds", "certificate": "TDS-123"}]}})),
            TODAY,
        );
        assert!(found.breaches.is_empty());
        assert_eq!(
            found.to_check,
            [ToCheck::ProtectionDate, ToCheck::Information]
        );
    }

    #[test]
    fn interest_runs_on_the_deposit_owed_from_the_day_after_the_tenancy_ended() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2025-01-10", "end_date": "2026-09-30"},
                "deposit": {"amount_pence": 110000, "received_date": "2025-01-10", "returned_pence": 10000}}),
            ),
            TODAY,
        );
        // £1,000.00 at 8%: 8,000 pence a year, 21 pence a day (21.9, floored); 1 October
        // to 26 November 2026 is 57 days, both counted.
        assert_eq!(
            a.interest,
            Some(Interest {
                rate_bp: 800,
                from: date!(2026 - 10 - 01),
                principal_pence: 100_000,
                daily_pence: 21,
                to_date_pence: 21 * 57,
            })
        );
        let scotland = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2025-01-10", "end_date": "2026-09-30"},
                "deposit": {"amount_pence": 110000}}),
            ),
            TODAY,
        );
        assert_eq!(scotland.interest, None, "no R12 row for Scotland");
        assert_eq!(
            order_payment_due(Jurisdiction::England, date!(2026 - 03 - 02)),
            Some(date!(2026 - 03 - 15))
        );
    }

    #[test]
    fn holding_deposits_are_refunded_in_time_and_capped_at_a_weeks_rent() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "rent_pence": 100000, "rent_period": "month"},
                "deposit": {"holding": {"amount_pence": 30000, "paid_date": "2026-10-01",
                                        "outcome": "landlord_withdrew", "outcome_date": "2026-10-05"}}}),
            ),
            TODAY,
        );
        let h = a.holding.unwrap_or_else(|| panic!("a holding deposit"));
        assert_eq!(
            h.refund_due,
            date!(2026 - 10 - 12),
            "within 7 days of the decision"
        );
        assert_eq!(h.cap_pence, Some(23_076), "one week of £12,000.00 a year");
        assert_eq!(h.excess_pence, 6_924);
        assert!(
            a.deadlines
                .iter()
                .any(|d| d.rule == RuleId::R7 && d.status == DeadlineStatus::Missed)
        );
        // Nothing ended the wait: the deadline for agreement is the 15th day after payment.
        let waiting = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
                "deposit": {"holding": {"amount_pence": 20000, "paid_date": "2026-11-20"}}})),
            TODAY,
        );
        let h = waiting
            .holding
            .unwrap_or_else(|| panic!("a holding deposit"));
        assert_eq!(
            (h.refund_due, h.from_default_deadline),
            (date!(2026 - 12 - 12), true)
        );
        // Wales: within 7 days beginning with the day the contract is made.
        let wales = assess(
            &facts(json!({"tenancy": {"jurisdiction": "wales"},
                "deposit": {"holding": {"amount_pence": 20000, "paid_date": "2026-10-01",
                                        "outcome": "agreed", "outcome_date": "2026-10-10"}}})),
            TODAY,
        );
        assert_eq!(
            wales.holding.map(|h| h.refund_due),
            Some(date!(2026 - 10 - 16))
        );
    }

    #[test]
    fn each_grant_is_capped_at_its_own_rent() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2024-06-01", "rent_pence": 100000, "rent_period": "month",
                "renewals": [{"start_date": "2025-06-01", "kind": "fixed_term", "rent_pence": 130000, "rent_period": "month"}]},
                "deposit": {"amount_pence": 120000}}),
            ),
            TODAY,
        );
        assert_eq!(a.tenancies[0].deposit_cap_pence, Some(115_384));
        assert_eq!(a.tenancies[0].prohibited_excess_pence, 4_616);
        assert_eq!(a.tenancies[1].deposit_cap_pence, Some(150_000));
        assert_eq!(
            a.tenancies[1].prohibited_excess_pence, 0,
            "the higher rent allows it"
        );
        let assured = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "type": "assured"},
                "deposit": {"amount_pence": 90000, "received_date": "2025-05-01", "scheme": "none"}}),
            ),
            TODAY,
        );
        assert!(assured.breaches.is_empty() && assured.protection_due.is_none());
        assert!(assured.notes.iter().any(|n| n.contains("1 May 2026")));
    }

    #[test]
    fn k1_scotland_caps_the_deposit_at_two_months_rent() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2025-01-06",
                "rent_pence": 90000, "rent_period": "month"}, "deposit": {"amount_pence": 200000}}),
            ),
            TODAY,
        );
        assert_eq!(a.deposit_cap_pence, Some(180_000));
        assert_eq!(a.prohibited_excess_pence, 20_000);
        assert_eq!(
            monthly_cap(
                Money::from_pence(20_000).unwrap_or_default(),
                RentPeriod::Week,
                2
            ),
            Money::from_pence(173_333)
        );
    }

    #[test]
    fn each_claim_has_its_own_time_limit() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2019-01-10", "end_date": "2021-01-09"},
                "deposit": {"amount_pence": 100000, "received_date": "2019-01-10", "scheme": "dps",
                            "scheme_product": "insured", "protected_date": "2019-03-01",
                            "information_date": "2019-01-20", "returned_pence": 0}}),
            ),
            TODAY,
        );
        assert_eq!(a.breaches, [Breach::ProtectedLate]);
        assert_eq!(
            a.claim_by,
            Some(date!(2025 - 02 - 08)),
            "the penalty claim is out of time"
        );
        assert_eq!(
            a.deposit_claim_by,
            Some(date!(2027 - 01 - 09)),
            "the deposit claim is not"
        );
        assert_eq!(a.last_claim_by, Some(date!(2027 - 01 - 09)));
        assert_eq!(
            a.adr_deadline,
            Some(date!(2021 - 04 - 09)),
            "DPS insured: 90 days"
        );
        let labels: Vec<&str> = a.deadlines.iter().map(|d| d.label.as_str()).collect();
        assert!(labels.contains(&"Last day to claim the penalty"));
        assert!(labels.contains(&"Last day to claim the deposit back"));
        // mydeposits insured: 3 months less a day; custodial: no window.
        let window = rule(RuleId::R9, Jurisdiction::England, TODAY)
            .map(|r| r.param)
            .unwrap_or(Param::BreachKinds);
        assert_eq!(
            adr_deadline(
                window,
                Some(Scheme::Mydeposits),
                Some(SchemeProduct::Insured),
                date!(2025 - 01 - 31)
            ),
            Some(date!(2025 - 04 - 29))
        );
        assert_eq!(
            adr_deadline(
                window,
                Some(Scheme::Tds),
                Some(SchemeProduct::Custodial),
                date!(2025 - 01 - 31)
            ),
            None
        );
    }

    #[test]
    fn an_excluded_tenancy_has_no_duty_and_says_why() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "type": "excluded"},
                "deposit": {"amount_pence": 90000, "received_date": "2025-05-01", "scheme": "none"}}),
            ),
            TODAY,
        );
        assert_eq!(a.protection_due, None);
        assert!(a.breaches.is_empty());
        assert!(
            a.notes.iter().any(|n| n.contains("company let")),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn c1_deposit_cap_and_prohibited_excess() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2024-06-01",
            "rent_pence": 100000, "rent_period": "month"}, "deposit": {"amount_pence": 120000}}),
            ),
            TODAY,
        );
        assert_eq!(a.deposit_cap_pence, Some(115_384));
        assert_eq!(a.prohibited_excess_pence, 4_616);
        let before = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2019-05-31",
            "rent_pence": 100000, "rent_period": "month"}, "deposit": {"amount_pence": 120000}}),
            ),
            TODAY,
        );
        assert_eq!(before.deposit_cap_pence, None, "no cap before 1 June 2019");
    }

    #[test]
    fn no_duty_before_april_2007() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
            "deposit": {"amount_pence": 50000, "received_date": "2007-04-05", "scheme": "none"}})),
            TODAY,
        );
        assert_eq!(
            (a.protection_due, a.penalty, a.claim_by),
            (None, None, None)
        );
        assert!(a.breaches.is_empty());
    }

    #[test]
    fn instalments_each_have_a_deadline_and_the_latest_is_the_cases() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "england"},
            "deposit": {"amount_pence": 100000, "scheme": "tds", "protected_date": "2024-02-20", "information_date": "2024-02-20",
                "instalments": [{"received_date": "2024-01-01", "amount_pence": 50000},
                                {"received_date": "2024-02-01", "amount_pence": 50000}]}})),
            TODAY,
        );
        assert_eq!(a.protection_due, Some(date!(2024 - 03 - 01)));
        assert_eq!(
            a.breaches,
            [Breach::ProtectedLate, Breach::InformationLate],
            "the first instalment was late"
        );
    }

    #[test]
    fn scotland_claim_by_is_three_months_after_the_end() {
        let a = assess(
            &facts(
                json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2025-02-03", "end_date": "2026-11-30"},
            "deposit": {"amount_pence": 80000, "scheme": "none"}}),
            ),
            TODAY,
        );
        assert_eq!(
            a.claim_by,
            Some(date!(2027 - 02 - 28)),
            "clamped to the end of February"
        );
        assert_eq!(
            a.penalty,
            Some(PenaltyRange {
                min_pence: 0,
                max_pence: 240_000
            })
        );
    }

    #[test]
    fn month_arithmetic_clamps() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2023 - 01 - 31), 1), date!(2023 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 02 - 29), 72), date!(2030 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 11 - 30), 3), date!(2025 - 02 - 28));
    }

    #[test]
    fn rule_versions_never_overlap() {
        for a in RULES {
            for b in RULES {
                let same_kind =
                    std::mem::discriminant(&a.param) == std::mem::discriminant(&b.param);
                if std::ptr::eq(a, b)
                    || a.id != b.id
                    || a.jurisdiction != b.jurisdiction
                    || !same_kind && a.id == RuleId::R4
                {
                    continue;
                }
                let a_end = a.until.unwrap_or(Date::MAX);
                let b_start = b.from.unwrap_or(Date::MIN);
                let b_end = b.until.unwrap_or(Date::MAX);
                let a_start = a.from.unwrap_or(Date::MIN);
                assert!(
                    a_end < b_start || b_end < a_start,
                    "{:?} {:?} overlap",
                    a.id,
                    a.jurisdiction
                );
            }
        }
    }

    #[test]
    fn no_label_or_citation_carries_a_bracketed_marker() {
        for r in RULES {
            assert!(
                !r.label.contains('['),
                "{:?} {:?}: {}",
                r.id,
                r.jurisdiction,
                r.label
            );
            // A citation's only brackets are a law report's year: "[2024] EWHC 646 (Ch)".
            for part in r.citation.split('[').skip(1) {
                let year = part.split(']').next().unwrap_or_default();
                assert!(
                    year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()),
                    "{:?} {:?}: {}",
                    r.id,
                    r.jurisdiction,
                    r.citation
                );
            }
        }
    }

    #[test]
    fn every_citation_is_explained_for_volunteers() {
        let doc = include_str!("../../docs/RULES.md");
        for r in RULES {
            assert!(
                doc.contains(r.citation),
                "docs/RULES.md lacks {:?} {:?}: {}",
                r.id,
                r.jurisdiction,
                r.citation
            );
        }
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2000i32..2040, 1u8..=12, 1u8..=28)
            .prop_map(|(y, m, d)| date(y, Month::try_from(m).unwrap_or(January), d))
    }

    /// Dates after Scotland's transitional period (which is not monotonic by law: deposits
    /// from before 7 March 2011 had until 15 May 2013, later ones until 13 November 2012).
    fn date_after_transition() -> impl Strategy<Value = Date> {
        any_date().prop_map(|d| d.max(date!(2012 - 10 - 02)))
    }

    fn case_with(j: &str, received: Date, start: Date, amount: i64) -> CaseFacts {
        facts(
            json!({"tenancy": {"jurisdiction": j, "start_date": start.to_string()},
            "deposit": {"amount_pence": amount, "received_date": received.min(TODAY).to_string(), "scheme": "none"}}),
        )
    }

    proptest! {
        #[test]
        fn a_deadline_is_never_before_its_trigger(j in proptest::sample::select(vec!["england", "wales", "scotland"]),
                                                  received in any_date(), start in any_date()) {
            let c = case_with(j, received, start, 100_000);
            if let Some(due) = assess(&c, TODAY).protection_due {
                let trigger = if j == "scotland" { start } else { received.min(TODAY) };
                prop_assert!(due >= trigger);
            }
        }

        #[test]
        fn a_later_trigger_never_gives_an_earlier_deadline(j in proptest::sample::select(vec!["england", "wales", "scotland"]),
                                                           a in date_after_transition(), b in date_after_transition()) {
            let (early, late) = (a.min(b).min(TODAY), a.max(b).min(TODAY));
            let (x, y) = (assess(&case_with(j, early, early, 1), TODAY), assess(&case_with(j, late, late, 1), TODAY));
            if let (Some(dx), Some(dy)) = (x.protection_due, y.protection_due) {
                prop_assert!(dx <= dy);
            }
            if let (Some(cx), Some(cy)) = (x.claim_by, y.claim_by) {
                prop_assert!(cx <= cy);
            }
        }

        #[test]
        fn an_unknown_fact_never_creates_a_breach(j in proptest::sample::select(vec!["england", "wales", "scotland"]),
                                                 received in any_date(), start in any_date(),
                                                 scheme in proptest::sample::select(vec![None, Some("unknown"), Some("dps"), Some("safedeposits_scotland")])) {
            // Nothing says the deposit was never protected or the information never given,
            // and no date says when either was done: nothing is established.
            let mut deposit = json!({"amount_pence": 100_000, "received_date": received.min(TODAY).to_string()});
            if let Some(s) = scheme {
                deposit["scheme"] = json!(s);
            }
            let c = facts(json!({"tenancy": {"jurisdiction": j, "start_date": start.to_string()}, "deposit": deposit}));
            let a = assess(&c, TODAY);
            prop_assert!(a.breaches.is_empty(), "{:?}", a.breaches);
            prop_assert_eq!(a.penalty, None);
            prop_assert_eq!(a.claim_by, None);
        }

        #[test]
        fn adding_a_renewal_never_removes_an_earlier_tenancys_breach(
            j in proptest::sample::select(vec!["england", "wales", "scotland"]),
            received in any_date(), gap in 1i64..2000, protected_after in proptest::option::of(0i64..3000)) {
            let received = received.min(TODAY);
            let mut deposit = json!({"amount_pence": 100_000, "received_date": received.to_string(), "scheme": "none"});
            if let Some(days) = protected_after {
                deposit["scheme"] = json!("dps");
                deposit["protected_date"] = json!((received + Duration::days(days)).min(TODAY).to_string());
                deposit["information_date"] = deposit["protected_date"].clone();
            }
            let tenancy = json!({"jurisdiction": j, "start_date": received.to_string()});
            let before = assess(&facts(json!({"tenancy": tenancy.clone(), "deposit": deposit.clone()})), TODAY);
            let mut renewed = tenancy;
            renewed["renewals"] = json!([{"start_date": (received + Duration::days(gap)).to_string(), "kind": "fixed_term"}]);
            let after = assess(&facts(json!({"tenancy": renewed, "deposit": deposit})), TODAY);
            prop_assert_eq!(&before.breaches, &after.breaches);
            prop_assert_eq!(before.tenancies.first().map(|t| &t.breaches), after.tenancies.first().map(|t| &t.breaches));
            for t in &after.tenancies {
                if let Some(due) = t.protection_due {
                    prop_assert!(due >= t.start_date, "a deadline never precedes its trigger");
                }
            }
        }

        #[test]
        fn a_scottish_count_never_lands_on_a_holiday_anywhere_in_the_uk(start in any_date(), n in 1u32..60) {
            let (due, _) = crate::domain::holidays::nth_working_day_after(start, n);
            prop_assert_eq!(crate::domain::holidays::is_working_day(due).0, true);
            prop_assert!(!crate::domain::holidays::is_uk_bank_holiday(due).0);
        }

        #[test]
        fn the_penalty_stays_between_its_minimum_and_maximum(amount in 1i64..10_000_000, received in any_date(),
                                                             j in proptest::sample::select(vec!["england", "wales", "scotland"])) {
            let a = assess(&case_with(j, received, received, amount), TODAY);
            if let Some(p) = a.penalty {
                prop_assert!(0 <= p.min_pence && p.min_pence <= p.max_pence && p.max_pence <= 3 * amount);
                prop_assert!(p.min_pence % amount == 0 && p.max_pence % amount == 0);
            }
        }

        #[test]
        fn cap_arithmetic_never_loses_a_penny(rent in 1i64..2_000_000, weekly in any::<bool>(), deposit in 1i64..50_000_000) {
            let period = if weekly { RentPeriod::Week } else { RentPeriod::Month };
            let annual = annual_rent(Money::from_pence(rent).unwrap_or_default(), period);
            let param = Param::DepositCap { weeks: 5, weeks_high: 6, high_rent_pence: 5_000_000 };
            let cap = deposit_cap(annual, param).map(Money::pence).unwrap_or(-1);
            let weeks = if annual >= 5_000_000 { 6 } else { 5 };
            prop_assert!(cap * 52 <= annual * weeks && annual * weeks < (cap + 1) * 52, "floor of annual × weeks / 52");
            let excess = (deposit - cap).max(0);
            prop_assert_eq!(deposit.min(cap) + excess, deposit, "cap plus excess is the deposit");
        }
    }
}

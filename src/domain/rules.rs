//! The rule table (DOMAIN rules R1–R12) and the assessment of a case: what the law gives
//! the tenant, and by when. Every number comes from a row of [`RULES`], which carries its
//! citation and the dates it applies between; nothing here reads a clock or a database.

use serde::Serialize;
use time::{Date, Duration, Month, Weekday};

use super::Money;
use super::case::{CaseFacts, Jurisdiction, RentPeriod, Scheme};

/// A rule's id, as DOMAIN.md numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Param {
    /// Within `days` days beginning with the day the deposit was received.
    ProtectWithinDays {
        /// Days, counting the day of receipt as the first.
        days: i64,
    },
    /// Within `days` working days of the start of the tenancy.
    ProtectWithinWorkingDays {
        /// Working days, counted from the day after the start.
        days: u32,
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
    /// Claim within `years` of the protection deadline.
    ClaimWithinYears {
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
    /// At most `weeks` of rent as a holding deposit, refunded within `refund_days`.
    HoldingDeposit {
        /// Weeks of rent.
        weeks: i64,
        /// Days to refund.
        refund_days: i64,
    },
    /// Within `days` days of the triggering event.
    WithinDays {
        /// Days.
        days: i64,
    },
    /// The scheme's window, in words (it varies by scheme and product).
    SchemeWindow,
    /// Simple interest of `percent` a year.
    Interest {
        /// Percent a year.
        percent: i64,
    },
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        from: d(2011, March, 7),
        until: None,
        key: KeyDate::TenancyStart,
        label: "Lodge the deposit with an approved scheme and give the required information within 30 working days of the start of the tenancy",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 3 and reg 42",
        param: Param::ProtectWithinWorkingDays { days: 30 },
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
        label: "The court orders the deposit returned (or protected) and between 1 and 3 times the deposit",
        citation: "Housing Act 2004 s.214(3),(4)",
        param: Param::Penalty { min: 1, max: 3 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R3,
        jurisdiction: Wales,
        from: d(2007, April, 6),
        until: d(2022, November, 30),
        key: KeyDate::DepositReceived,
        label: "The court orders the deposit returned (or protected) and between 1 and 3 times the deposit",
        citation: "Housing Act 2004 s.214(3),(4)",
        param: Param::Penalty { min: 1, max: 3 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R3,
        jurisdiction: Wales,
        from: d(2022, December, 1),
        until: None,
        key: KeyDate::DepositReceived,
        label: "The court may order up to 3 times the deposit (the minimum is not confirmed)",
        citation: "Renting Homes (Wales) Act 2016 s.47 and Sch 5",
        param: Param::Penalty { min: 0, max: 3 },
        confirmed: false,
    },
    Rule {
        id: RuleId::R3,
        jurisdiction: Scotland,
        from: d(2011, March, 7),
        until: None,
        key: KeyDate::TenancyStart,
        label: "The tribunal orders up to 3 times the deposit; there is no minimum",
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
        label: "Claim within 6 years of the protection deadline",
        citation: "Limitation Act 1980 s.9; Lowe v Charterhouse Bank [2018] EWCA Civ 1411",
        param: Param::ClaimWithinYears { years: 6 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: Wales,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Claim within 6 years of the protection deadline (assumed as in England; not confirmed)",
        citation: "Limitation Act 1980 s.9",
        param: Param::ClaimWithinYears { years: 6 },
        confirmed: false,
    },
    Rule {
        id: RuleId::R4,
        jurisdiction: Scotland,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Apply to the tribunal during the tenancy or within 3 months of its end",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 9",
        param: Param::ClaimWithinMonthsOfEnd { months: 3 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R5,
        jurisdiction: England,
        from: d(2007, April, 6),
        until: d(2026, April, 30),
        key: KeyDate::DepositReceived,
        label: "Covers deposits paid on or after 6 April 2007 for assured shorthold tenancies; a renewal of a compliant deposit stays compliant",
        citation: "Housing Act 2004 s.212-215B (Deregulation Act 2015)",
        param: Param::Eligibility,
        confirmed: true,
    },
    Rule {
        id: RuleId::R5,
        jurisdiction: England,
        from: d(2026, May, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "Covers assured tenancies (the Renters' Rights Act 2025 replaces \"shorthold\" with \"assured\"; commencement date not confirmed)",
        citation: "Housing Act 2004 s.212-214 as amended by Renters' Rights Act 2025 s.26",
        param: Param::Eligibility,
        confirmed: false,
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
        label: "Covers private residential tenancies",
        citation: "Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 3",
        param: Param::Eligibility,
        confirmed: true,
    },
    Rule {
        id: RuleId::R6,
        jurisdiction: England,
        from: d(2019, June, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "A deposit above 5 weeks' rent (6 weeks' when the annual rent is £50,000 or more) is a prohibited payment",
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
        label: "A deposit may not exceed 2 months' rent (not confirmed; not applied)",
        citation: "Rent (Scotland) Act 1984 s.90 [unconfirmed]",
        param: Param::DepositCap {
            weeks: 0,
            weeks_high: 0,
            high_rent_pence: 0,
        },
        confirmed: false,
    },
    Rule {
        id: RuleId::R7,
        jurisdiction: England,
        from: d(2019, June, 1),
        until: None,
        key: KeyDate::TenancyStart,
        label: "A holding deposit is at most 1 week's rent, refunded within 7 days of the agreement or the deadline (15 days by default)",
        citation: "Tenant Fees Act 2019 Sch 2",
        param: Param::HoldingDeposit {
            weeks: 1,
            refund_days: 7,
        },
        confirmed: true,
    },
    Rule {
        id: RuleId::R8,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Return the deposit within 10 days of both parties agreeing the amount",
        citation: "Housing Act 2004 s.213 and the scheme rules",
        param: Param::WithinDays { days: 10 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R9,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Raise a scheme dispute in time: TDS insured 3 months from the end of the tenancy; DPS insured 90 days; mydeposits insured 3 months less one day from moving out; custodial schemes by their rules",
        citation: "Scheme rules (TDS, DPS, mydeposits)",
        param: Param::SchemeWindow,
        confirmed: true,
    },
    Rule {
        id: RuleId::R9,
        jurisdiction: Scotland,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "Scheme ADR: the landlord has 14 days to give evidence and the tenant 14 days to reply",
        citation: "mydeposits Scotland scheme rules [unconfirmed]",
        param: Param::SchemeWindow,
        confirmed: false,
    },
    Rule {
        id: RuleId::R10,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "The landlord has 14 days from receiving a letter before claim to reply",
        citation: "Practice Direction on Pre-Action Conduct para 6(c)",
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
        citation: "Practice Direction on Pre-Action Conduct para 6(c)",
        param: Param::WithinDays { days: 14 },
        confirmed: true,
    },
    Rule {
        id: RuleId::R11,
        jurisdiction: England,
        from: None,
        until: None,
        key: KeyDate::None,
        label: "A court order under s.214 is payable within 14 days",
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
        label: "Statutory interest on a money claim: 8% a year, simple (not confirmed)",
        citation: "County Courts Act 1984 s.69 [unconfirmed]",
        param: Param::Interest { percent: 8 },
        confirmed: false,
    },
];

/// The version of rule `id` in force for `jurisdiction` on `on`.
pub fn rule(id: RuleId, jurisdiction: Jurisdiction, on: Date) -> Option<&'static Rule> {
    RULES.iter().find(|r| {
        r.id == id
            && r.jurisdiction == jurisdiction
            && r.from.is_none_or(|f| on >= f)
            && r.until.is_none_or(|u| on <= u)
    })
}

/// Scottish bank holidays 2020–2027, substitute days included.
/// Source: GOV.UK, "UK bank holidays" (Scotland), https://www.gov.uk/bank-holidays.
pub const SCOTTISH_BANK_HOLIDAYS: &[Date] = &[
    date(2020, January, 1),
    date(2020, January, 2),
    date(2020, April, 10),
    date(2020, May, 8),
    date(2020, May, 25),
    date(2020, August, 3),
    date(2020, November, 30),
    date(2020, December, 25),
    date(2020, December, 28),
    date(2021, January, 1),
    date(2021, January, 4),
    date(2021, April, 2),
    date(2021, May, 3),
    date(2021, May, 31),
    date(2021, August, 2),
    date(2021, November, 30),
    date(2021, December, 27),
    date(2021, December, 28),
    date(2022, January, 3),
    date(2022, January, 4),
    date(2022, April, 15),
    date(2022, May, 2),
    date(2022, June, 2),
    date(2022, June, 3),
    date(2022, August, 1),
    date(2022, September, 19),
    date(2022, November, 30),
    date(2022, December, 26),
    date(2022, December, 27),
    date(2023, January, 2),
    date(2023, January, 3),
    date(2023, April, 7),
    date(2023, May, 1),
    date(2023, May, 8),
    date(2023, May, 29),
    date(2023, August, 7),
    date(2023, November, 30),
    date(2023, December, 25),
    date(2023, December, 26),
    date(2024, January, 1),
    date(2024, January, 2),
    date(2024, March, 29),
    date(2024, May, 6),
    date(2024, May, 27),
    date(2024, August, 5),
    date(2024, December, 2),
    date(2024, December, 25),
    date(2024, December, 26),
    date(2025, January, 1),
    date(2025, January, 2),
    date(2025, April, 18),
    date(2025, May, 5),
    date(2025, May, 26),
    date(2025, August, 4),
    date(2025, December, 1),
    date(2025, December, 25),
    date(2025, December, 26),
    date(2026, January, 1),
    date(2026, January, 2),
    date(2026, April, 3),
    date(2026, May, 4),
    date(2026, May, 25),
    date(2026, August, 3),
    date(2026, November, 30),
    date(2026, December, 25),
    date(2026, December, 28),
    date(2027, January, 1),
    date(2027, January, 4),
    date(2027, March, 26),
    date(2027, May, 3),
    date(2027, May, 31),
    date(2027, August, 2),
    date(2027, November, 30),
    date(2027, December, 27),
    date(2027, December, 28),
];

/// The years [`SCOTTISH_BANK_HOLIDAYS`] covers.
pub const SCOTTISH_HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 2020..=2027;

const fn date(year: i32, month: Month, day: u8) -> Date {
    match Date::from_calendar_date(year, month, day) {
        Ok(d) => d,
        Err(_) => Date::MIN,
    }
}

/// Whether `day` is a Scottish working day: Monday to Friday, not a bank holiday.
pub fn is_scottish_working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !SCOTTISH_BANK_HOLIDAYS.contains(&day)
}

/// The `n`th Scottish working day after `start` (the day after is the first that can
/// count). The flag is false when a year passed through has no holiday data.
pub fn nth_scottish_working_day_after(start: Date, n: u32) -> (Date, bool) {
    let mut day = start;
    let mut counted = 0;
    let mut known = true;
    while counted < n {
        let Some(next) = day.next_day() else { break };
        day = next;
        known &= SCOTTISH_HOLIDAY_YEARS.contains(&day.year());
        if is_scottish_working_day(day) {
            counted += 1;
        }
    }
    (day, known)
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        }
    }
}

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// Done in time.
    Met,
    /// Passed without being done in time.
    Missed,
    /// Still running.
    Open,
}

/// A dated duty or time limit of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Which rule.
    pub rule: RuleId,
    /// What must happen.
    pub label: String,
    /// By when.
    #[serde(with = "super::case::iso_date")]
    pub due: Date,
    /// Met, missed or open.
    pub status: DeadlineStatus,
    /// The law.
    pub citation: &'static str,
    /// Whether acting on it falls to us (rather than to the landlord).
    pub ours: bool,
}

/// The range of the penalty, in pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PenaltyRange {
    /// Smallest award.
    pub min_pence: i64,
    /// Largest award.
    pub max_pence: i64,
}

/// What the law gives the tenant, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The protection deadline (of the latest instalment); `None` where no duty applies
    /// or the dates are not known.
    #[serde(with = "super::case::iso_date::option")]
    pub protection_due: Option<Date>,
    /// Breaches found.
    pub breaches: Vec<Breach>,
    /// The penalty range; `None` where no claim lies.
    pub penalty: Option<PenaltyRange>,
    /// The last day to claim.
    #[serde(with = "super::case::iso_date::option")]
    pub claim_by: Option<Date>,
    /// The deposit cap; `None` where no cap applies.
    pub deposit_cap_pence: Option<i64>,
    /// The part of the deposit above the cap: a prohibited payment.
    pub prohibited_excess_pence: i64,
    /// Dated duties and limits.
    pub deadlines: Vec<Deadline>,
    /// Warnings: unconfirmed rules used, facts missing, holiday data missing.
    pub notes: Vec<String>,
}

fn status(done: Option<Date>, due: Date, today: Date) -> DeadlineStatus {
    match done {
        Some(d) if d <= due => DeadlineStatus::Met,
        Some(_) => DeadlineStatus::Missed,
        None if today > due => DeadlineStatus::Missed,
        None => DeadlineStatus::Open,
    }
}

fn note_unconfirmed(rule: &Rule, notes: &mut Vec<String>) {
    if !rule.confirmed {
        notes.push(format!(
            "{:?} ({}) is not confirmed: check it before relying on it.",
            rule.id, rule.citation
        ));
    }
}

/// Assesses a case from its facts, as of `today`.
pub fn assess(facts: &CaseFacts, today: Date) -> Assessment {
    let j = facts.tenancy.jurisdiction;
    let dep = &facts.deposit;
    let mut notes = Vec::new();
    let mut deadlines = Vec::new();

    // R1: one deadline per instalment (England, Wales) or from the tenancy start (Scotland).
    let mut dues: Vec<(Date, &'static Rule)> = Vec::new();
    match j {
        Jurisdiction::Scotland => match facts.tenancy.start_date {
            Some(start) => {
                if let Some(r) = rule(RuleId::R1, j, start)
                    && let Param::ProtectWithinWorkingDays { days } = r.param
                {
                    let (due, known) = nth_scottish_working_day_after(start, days);
                    if !known {
                        notes.push(format!(
                            "Scottish bank holidays after {} are not in tenantcase's data: the deadline counts weekdays only.",
                            SCOTTISH_HOLIDAY_YEARS.end()
                        ));
                    }
                    dues.push((due, r));
                }
            }
            None => notes.push(
                "Add the tenancy start date to work out the deadline to lodge the deposit.".into(),
            ),
        },
        _ => {
            for inst in &dep.instalments {
                if let Some(r) = rule(RuleId::R1, j, inst.received_date)
                    && let Param::ProtectWithinDays { days } = r.param
                {
                    dues.push((inst.received_date + Duration::days(days - 1), r));
                }
            }
            if dep.instalments.is_empty() {
                notes.push(
                    "Add the date the deposit was received to work out the protection deadline."
                        .into(),
                );
            } else if dues.is_empty() {
                notes.push(
                    "No protection duty applies to a deposit received before 6 April 2007.".into(),
                );
            }
        }
    }
    let latest = dues.iter().max_by_key(|(due, _)| *due).copied();
    let protection_due = latest.map(|(due, _)| due);

    let mut breaches = Vec::new();
    if let Some((due, r1)) = latest {
        note_unconfirmed(r1, &mut notes);
        let real_scheme = dep
            .scheme
            .is_some_and(|s| !matches!(s, Scheme::None | Scheme::Unknown));
        let late = |done: Option<Date>| done.is_some_and(|d| dues.iter().any(|(due, _)| d > *due));
        let protected = status(dep.protected_date, due, today);
        if late(dep.protected_date) {
            breaches.push(Breach::ProtectedLate);
        } else if dep.protected_date.is_none() && today > due {
            if real_scheme {
                notes.push(
                    "The deposit is in a scheme but the date it was protected is not recorded."
                        .into(),
                );
            } else {
                breaches.push(Breach::NotProtected);
            }
        }
        if late(dep.information_date) {
            breaches.push(Breach::InformationLate);
        } else if dep.information_date.is_none() && today > due {
            breaches.push(Breach::InformationNotGiven);
        }
        let protect_label = match j {
            Jurisdiction::Scotland => "Lodge the deposit with an approved scheme",
            _ => "Protect the deposit in an approved scheme",
        };
        let protected = if late(dep.protected_date) {
            DeadlineStatus::Missed
        } else {
            protected
        };
        deadlines.push(Deadline {
            rule: RuleId::R1,
            label: protect_label.into(),
            due,
            status: protected,
            citation: r1.citation,
            ours: false,
        });
        let info = if late(dep.information_date) {
            DeadlineStatus::Missed
        } else {
            status(dep.information_date, due, today)
        };
        deadlines.push(Deadline {
            rule: RuleId::R1,
            label: "Give the tenant the prescribed information".into(),
            due,
            status: info,
            citation: r1.citation,
            ours: false,
        });
    }

    // R3: the penalty range, where a breach gives a claim.
    let key = match j {
        Jurisdiction::Scotland => facts.tenancy.start_date,
        _ => dep.instalments.last().map(|i| i.received_date),
    };
    let penalty = match (
        breaches.is_empty(),
        dep.amount,
        key.and_then(|k| rule(RuleId::R3, j, k)),
    ) {
        (false, Some(amount), Some(r3)) => match r3.param {
            Param::Penalty { min, max } => {
                note_unconfirmed(r3, &mut notes);
                Some(PenaltyRange {
                    min_pence: amount.pence() * min,
                    max_pence: amount.pence() * max,
                })
            }
            _ => None,
        },
        (false, None, _) => {
            notes.push("Add the deposit amount to work out the penalty.".into());
            None
        }
        _ => None,
    };

    // R4: the time limit to claim.
    let claim_by = rule(RuleId::R4, j, today).and_then(|r4| {
        let limit = match r4.param {
            Param::ClaimWithinYears { years } => {
                protection_due.map(|d| add_months(d, years as u32 * 12))
            }
            Param::ClaimWithinMonthsOfEnd { months } => {
                facts.tenancy.end_date.map(|end| add_months(end, months))
            }
            _ => None,
        }?;
        note_unconfirmed(r4, &mut notes);
        let s = if today > limit {
            DeadlineStatus::Missed
        } else {
            DeadlineStatus::Open
        };
        deadlines.push(Deadline {
            rule: RuleId::R4,
            label: "Last day to make a claim".into(),
            due: limit,
            status: s,
            citation: r4.citation,
            ours: true,
        });
        Some(limit)
    });

    // R6: the deposit cap (only confirmed rows are applied).
    let cap = match (
        facts.tenancy.start_date,
        facts.tenancy.rent,
        facts.tenancy.rent_period,
    ) {
        (Some(start), Some(rent), Some(period)) => rule(RuleId::R6, j, start)
            .filter(|r| r.confirmed)
            .and_then(|r| deposit_cap(annual_rent(rent, period), r.param)),
        _ => None,
    };
    let prohibited_excess_pence = match (cap, dep.amount) {
        (Some(cap), Some(amount)) => (amount.pence() - cap.pence()).max(0),
        _ => 0,
    };

    notes.dedup();
    Assessment {
        protection_due,
        breaches,
        penalty,
        claim_by,
        deposit_cap_pence: cap.map(Money::pence),
        prohibited_excess_pence,
        deadlines,
        notes,
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
    fn s1_scotland_counts_working_days() {
        let a = assess(
            &facts(json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2025-02-03"}})),
            TODAY,
        );
        assert_eq!(a.protection_due, Some(date!(2025 - 03 - 17)));
        // Over Christmas 2024: 25, 26 Dec and 1, 2 Jan are holidays.
        assert_eq!(
            nth_scottish_working_day_after(date!(2024 - 12 - 20), 5).0,
            date!(2024 - 12 - 31)
        );
        assert_eq!(
            nth_scottish_working_day_after(date!(2024 - 12 - 20), 6).0,
            date!(2025 - 01 - 03)
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
                if std::ptr::eq(a, b) || a.id != b.id || a.jurisdiction != b.jurisdiction {
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
        assert_eq!(
            SCOTTISH_BANK_HOLIDAYS
                .iter()
                .filter(|d| d.year() == 2026)
                .count(),
            9
        );
        assert!(SCOTTISH_BANK_HOLIDAYS.iter().all(|d| *d != Date::MIN));
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
                                                           a in any_date(), b in any_date()) {
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

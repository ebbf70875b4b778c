//! The arithmetic of the rules: months, annual rent, caps, interest, holding deposits.

use serde::Serialize;
use time::{Date, Duration, Month};

use crate::domain::Money;
use crate::domain::case::{CaseFacts, Jurisdiction, RentPeriod};

use super::table::*;

/// `date` plus `months` calendar months; a day past the end of the month becomes its
/// last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::December);
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

/// Simple interest on money owed: what a claim states (CPR 16.4(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Interest {
    /// The rate a year, in basis points (800 is 8%).
    pub rate_bp: i64,
    /// The first day interest runs: the day after the tenancy ended, when the deposit
    /// was owed back.
    #[serde(with = "crate::domain::case::iso_date")]
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
    #[serde(with = "crate::domain::case::iso_date")]
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

/// A cap of `months` months' rent: monthly rent × months, or weekly rent × 52 × months / 12
/// (floored).
pub fn monthly_cap(rent: Money, period: RentPeriod, months: i64) -> Option<Money> {
    match period {
        RentPeriod::Month => Money::from_pence(rent.pence().checked_mul(months)?),
        RentPeriod::Week => Money::from_pence(rent.pence().checked_mul(52 * months)? / 12),
    }
}

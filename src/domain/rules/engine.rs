//! The assessment of a case's facts on a day: every figure from a row of the table.

use time::{Date, Duration};

use crate::domain::Money;
use crate::domain::case::{
    CaseFacts, Jurisdiction, RentPeriod, Scheme, SchemeProduct, TenancyType,
};

use super::assessment::*;
use super::duties::*;
use super::figures::*;
use super::table::*;

pub(super) fn note_unconfirmed(rule: &Rule, notes: &mut Vec<String>) {
    if !rule.confirmed {
        notes.push(format!(
            "Not confirmed: \"{}\" ({}). Check it before relying on it.",
            rule.label, rule.citation
        ));
    }
}

/// The scheme's dispute window (R9) from the end of the tenancy, for insured products.
pub(super) fn adr_deadline(
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
pub(super) fn long_date_words(d: Date) -> String {
    crate::domain::case::long_date(d)
}

pub(super) fn limit_status(limit: Date, today: Date) -> DeadlineStatus {
    if today > limit {
        DeadlineStatus::Missed
    } else {
        DeadlineStatus::Open
    }
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

/// What is gathered while a case is assessed: notes, facts to check and dated deadlines.
#[derive(Debug, Default)]
struct Found {
    notes: Vec<String>,
    to_check: Vec<ToCheck>,
    deadlines: Vec<Deadline>,
}

impl Found {
    /// A time limit of ours: open until its day, missed after.
    fn limit(&mut self, rule: &'static Rule, label: String, limit: Date, today: Date) {
        self.deadlines.push(Deadline {
            rule: rule.id,
            label,
            due: limit,
            status: limit_status(limit, today),
            citation: rule.citation,
            ours: true,
        });
    }
}

/// Whether the protection duty applies to the deposit at all: not to an excluded tenancy,
/// nor to the deposit of an English assured tenancy (never a shorthold) taken before the
/// duty reached it on 1 May 2026 (Renters' Rights Act 2025 s.26). Returns (excluded,
/// applies).
fn duty_applies(facts: &CaseFacts, notes: &mut Vec<String>) -> (bool, bool) {
    let j = facts.tenancy.jurisdiction;
    let excluded = facts.tenancy.kind == Some(TenancyType::Excluded);
    if excluded {
        notes.push(
            "No protection duty: the tenancy is outside the deposit rules (a company let, a resident landlord, or a let above the rent limits of its time)."
                .into(),
        );
    }
    let first_received = facts.deposit.instalments.first().map(|i| i.received_date);
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
    (excluded, !excluded && !assured_before_rra)
}

/// The first tenancy, as assessed.
struct Original {
    protection_due: Option<Date>,
    breaches: Vec<Breach>,
    penalty: Option<PenaltyRange>,
    claim_by: Option<Date>,
    /// The date that picks the versions of R3 and R4 (Scotland: the tenancy's start; else
    /// the last instalment's receipt).
    key: Option<Date>,
    tenancy: Option<TenancyAssessment>,
}

/// The protection duties (R1, R2), penalty (R3) and penalty time limit (R4) of the first
/// tenancy.
fn original_tenancy(facts: &CaseFacts, applies: bool, today: Date, found: &mut Found) -> Original {
    let j = facts.tenancy.jurisdiction;
    let dep = &facts.deposit;
    let dues = if applies {
        protection_dues(facts, &mut found.notes, &mut found.to_check)
    } else {
        Vec::new()
    };
    let protection_due = dues.iter().map(|d| d.due).max();
    let duties = if dues.is_empty() {
        Duties::default()
    } else {
        judge_duties(facts, &dues, None, today, &mut found.to_check)
    };
    if let (Some(due), Some(first)) = (protection_due, dues.first()) {
        note_unconfirmed(first.rule, &mut found.notes);
        push_duty_deadlines(j, first.rule, due, &duties, &mut found.deadlines);
    }
    let key = match j {
        Jurisdiction::Scotland => facts.tenancy.start_date,
        _ => dep.instalments.last().map(|i| i.received_date),
    };
    let breaches = duties.breaches;
    let penalty = penalty_range(j, key, dep.amount, &breaches, &mut found.notes);
    let claim_by = if breaches.is_empty() {
        None
    } else {
        let on = key.unwrap_or(today);
        let end = facts.tenancy.end_date;
        penalty_limit(j, on, duties.earliest_missed, end, &mut found.notes).map(|(limit, r4)| {
            found.limit(r4, "Last day to claim the penalty".into(), limit, today);
            limit
        })
    };
    let tenancy = facts
        .tenancy
        .start_date
        .or(key)
        .map(|start| TenancyAssessment {
            start_date: start,
            kind: "original",
            protection_due,
            breaches: breaches.clone(),
            penalty,
            claim_by,
            deposit_cap_pence: None,
            prohibited_excess_pence: 0,
        });
    Original {
        protection_due,
        breaches,
        penalty,
        claim_by,
        key,
        tenancy,
    }
}

/// Each later tenancy is a fresh receipt of the deposit, with its own deadline, its own
/// penalty and its own time limit. Every penalty claim found is added to `claims` with its
/// limit (`None`: no limit runs yet).
fn later_tenancies(
    facts: &CaseFacts,
    today: Date,
    found: &mut Found,
    claims: &mut Vec<Option<Date>>,
) -> Vec<TenancyAssessment> {
    let j = facts.tenancy.jurisdiction;
    let amount = facts.deposit.amount;
    let mut out = Vec::new();
    for r in &facts.tenancy.renewals {
        let Some(due) = renewal_due(j, r.start_date) else {
            continue;
        };
        if !due.certain {
            found.notes.push(format!(
                "The working days were counted over bank holidays computed from statute (the published lists end in {}): a proclamation could still move one.",
                crate::domain::holidays::DATA_YEARS.end()
            ));
        }
        let duties = judge_duties(
            facts,
            &[due],
            Some(r.start_date),
            today,
            &mut found.to_check,
        );
        let from = long_date_words(r.start_date);
        let mut these = Vec::new();
        push_duty_deadlines(j, due.rule, due.due, &duties, &mut these);
        for mut d in these {
            d.label = format!("{} (tenancy from {from})", d.label);
            found.deadlines.push(d);
        }
        let start = Some(r.start_date);
        let penalty = penalty_range(j, start, amount, &duties.breaches, &mut found.notes);
        let claim = if duties.breaches.is_empty() {
            None
        } else {
            let missed = duties.earliest_missed;
            penalty_limit(j, r.start_date, missed, r.end_date, &mut found.notes).map(
                |(limit, r4)| {
                    let label = format!("Last day to claim the penalty (tenancy from {from})");
                    found.limit(r4, label, limit, today);
                    limit
                },
            )
        };
        if !duties.breaches.is_empty() {
            claims.push(claim);
        }
        // A renewal is a new grant: its cap follows its own rent.
        let cap = cap_for(j, start, r.rent, r.rent_period);
        out.push(TenancyAssessment {
            start_date: r.start_date,
            kind: r.kind.as_str(),
            protection_due: Some(due.due),
            breaches: duties.breaches,
            penalty,
            claim_by: claim,
            deposit_cap_pence: cap.map(Money::pence),
            prohibited_excess_pence: excess(cap, amount),
        });
    }
    out
}

/// The last day to claim the deposit itself back (R4), from the end of the last tenancy,
/// while some of it is still owed.
fn deposit_claim(
    facts: &CaseFacts,
    on: Date,
    end: Option<Date>,
    today: Date,
    found: &mut Found,
) -> Option<Date> {
    let j = facts.tenancy.jurisdiction;
    let r4 = rule_where(RuleId::R4, j, on, |p| {
        matches!(p, Param::DepositClaimWithinYears { .. })
    })?;
    let Param::DepositClaimWithinYears { years } = r4.param else {
        return None;
    };
    let limit = add_months(end?, u32::try_from(years * 12).ok()?);
    note_unconfirmed(r4, &mut found.notes);
    found.limit(
        r4,
        "Last day to claim the deposit back".into(),
        limit,
        today,
    );
    Some(limit)
}

/// The scheme's dispute window (R9), for insured products once the tenancy has ended.
fn adr_window(
    facts: &CaseFacts,
    end: Option<Date>,
    today: Date,
    found: &mut Found,
) -> Option<Date> {
    let dep = &facts.deposit;
    let in_a_scheme = matches!(
        dep.scheme,
        Some(Scheme::Dps | Scheme::Tds | Scheme::Mydeposits)
    );
    if in_a_scheme && dep.scheme_product.is_none() && end.is_some() {
        found.to_check.push(ToCheck::SchemeProduct);
    }
    let r9 = rule(RuleId::R9, facts.tenancy.jurisdiction, today)?;
    let limit = adr_deadline(r9.param, dep.scheme, dep.scheme_product, end?)?;
    let label = "Last day to raise a dispute with the scheme".into();
    found.limit(r9, label, limit, today);
    Some(limit)
}

/// The last day any claim can be brought, when every claim has a limit.
fn last_claim(claims: &[Option<Date>]) -> Option<Date> {
    claims
        .iter()
        .copied()
        .collect::<Option<Vec<Date>>>()
        .and_then(|l| l.into_iter().max())
}

/// Interest (R12) on the deposit still owed once the tenancy has ended.
fn interest_owed(facts: &CaseFacts, end: Option<Date>, today: Date) -> Option<Interest> {
    let dep = &facts.deposit;
    let owed = dep.amount?.pence() - dep.returned.map_or(0, Money::pence);
    let j = facts.tenancy.jurisdiction;
    match (end, rule(RuleId::R12, j, today).map(|r| r.param)) {
        (Some(e), Some(Param::Interest { rate_bp })) if owed > 0 && e < today => e
            .next_day()
            .map(|from| simple_interest(owed, rate_bp, from, today)),
        _ => None,
    }
}

/// The refund of a holding deposit (R7), and its deadline (the landlord's).
fn holding_deadline(facts: &CaseFacts, today: Date, found: &mut Found) -> Option<HoldingRefund> {
    let h = holding_refund(facts)?;
    let paid = facts.deposit.holding.as_ref()?.paid_date;
    if let Some(r7) = rule(RuleId::R7, facts.tenancy.jurisdiction, paid) {
        found.deadlines.push(Deadline {
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
    Some(h)
}

/// Assesses a case from its facts, as of `today`.
pub fn assess(facts: &CaseFacts, today: Date) -> Assessment {
    let j = facts.tenancy.jurisdiction;
    let dep = &facts.deposit;
    let mut found = Found::default();
    let (excluded, applies) = duty_applies(facts, &mut found.notes);
    let original = original_tenancy(facts, applies, today, &mut found);
    let mut tenancies: Vec<TenancyAssessment> = original.tenancy.clone().into_iter().collect();
    // Every claim of the case, with its limit (`None`: no limit runs yet).
    let mut claims: Vec<Option<Date>> = Vec::new();
    if !original.breaches.is_empty() {
        claims.push(original.claim_by);
    }
    if !excluded {
        tenancies.extend(later_tenancies(facts, today, &mut found, &mut claims));
    }
    // The deposit claim and the dispute window run from the end of the last tenancy.
    let end = match facts.tenancy.renewals.last() {
        Some(last) => last.end_date,
        None => facts.tenancy.end_date,
    };
    let outstanding = match (dep.amount, dep.returned) {
        (Some(a), Some(r)) => r < a,
        (None, _) => false,
        (Some(_), None) => true,
    };
    let on = original.key.unwrap_or(today);
    let deposit_claim_by = if outstanding {
        deposit_claim(facts, on, end, today, &mut found)
    } else {
        None
    };
    let adr = adr_window(facts, end, today, &mut found);
    // R6: the deposit cap, at the rent of the grant.
    let tenancy = &facts.tenancy;
    let cap = cap_for(j, tenancy.start_date, tenancy.rent, tenancy.rent_period);
    let prohibited_excess_pence = excess(cap, dep.amount);
    if let Some(first) = tenancies.first_mut().filter(|_| original.tenancy.is_some()) {
        first.deposit_cap_pence = cap.map(Money::pence);
        first.prohibited_excess_pence = prohibited_excess_pence;
    }
    if outstanding {
        claims.push(deposit_claim_by);
    }
    found.notes.dedup();
    let interest = interest_owed(facts, end, today);
    let holding = holding_deadline(facts, today, &mut found);
    let Found {
        notes,
        mut to_check,
        deadlines,
    } = found;
    to_check.sort_by_key(|t| *t as u8);
    to_check.dedup();
    Assessment {
        holding,
        interest,
        tenancies,
        last_claim_by: last_claim(&claims),
        protection_due: original.protection_due,
        breaches: original.breaches,
        penalty: original.penalty,
        claim_by: original.claim_by,
        deposit_claim_by,
        adr_deadline: adr,
        to_check,
        deposit_cap_pence: cap.map(Money::pence),
        prohibited_excess_pence,
        deadlines,
        notes,
    }
}

//! The assessment of a case's facts on a day: every figure from a row of the table.

use time::{Date, Duration};

use crate::domain::Money;
use crate::domain::case::{
    CaseFacts, Jurisdiction, RentPeriod, Scheme, SchemeProduct, TenancyType,
};

use super::assessment::*;
use super::figures::*;
use super::table::*;

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
                    let (due, certain) = crate::domain::holidays::nth_working_day_after(t, days);
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
            crate::domain::holidays::DATA_YEARS.end()
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
fn long_date_words(d: Date) -> String {
    crate::domain::case::long_date(d)
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
fn never_protected(dep: &crate::domain::case::Deposit) -> bool {
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
            crate::domain::holidays::nth_working_day_after(start, days)
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
                crate::domain::holidays::DATA_YEARS.end()
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

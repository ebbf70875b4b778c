//! The protection duties (R1, R2): when each is due, whether each was done in time, and
//! the deadlines and breaches that follow.

use time::{Date, Duration};

use crate::domain::case::{CaseFacts, Jurisdiction, Scheme};

use super::assessment::*;
use super::table::*;

/// One protection deadline: of an instalment, or of the tenancy start in Scotland.
#[derive(Debug, Clone, Copy)]
pub(super) struct Due {
    pub(super) due: Date,
    /// False when the count crossed computed (not published) bank holidays.
    pub(super) certain: bool,
    pub(super) rule: &'static Rule,
}

/// The R1 deadlines of the case, with notes and checks for what is missing.
pub(super) fn protection_dues(
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

/// What was found about the protection duties of one tenancy.
#[derive(Debug, Clone, Default)]
pub(super) struct Duties {
    pub(super) breaches: Vec<Breach>,
    pub(super) protection: Option<DeadlineStatus>,
    pub(super) information: Option<DeadlineStatus>,
    pub(super) earliest_missed: Option<Date>,
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
pub(super) fn judge_duties(
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
    let info = judge_information(dep, never, dues, today, to_check);
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

/// The duty to give the prescribed information, to the tenant and to every relevant
/// person (someone who paid on a tenant's behalf): one judgment each.
fn judge_information(
    dep: &crate::domain::case::Deposit,
    never: bool,
    dues: &[Due],
    today: Date,
    to_check: &mut Vec<ToCheck>,
) -> Vec<Duty> {
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
    info
}

/// The two R1 deadlines (protect; give the information) of one tenancy.
pub(super) fn push_duty_deadlines(
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
pub(super) fn renewal_due(j: Jurisdiction, start: Date) -> Option<Due> {
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

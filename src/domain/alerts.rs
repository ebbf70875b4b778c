//! The home page's deadline lists: which of a case's deadlines is "Overdue" or "Due soon"
//! today, and the windows of days in which any of them can be, so that the lists read only
//! the cases with a window open today (complete at any caseload, without assessing every
//! case on every page).

use time::{Date, Duration};

use super::CaseFacts;
use super::rules::{self, Deadline, DeadlineStatus};

/// How far ahead "Due soon" looks.
pub const DUE_SOON_DAYS: i64 = 14;

/// Which list a deadline is on today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// Passed, and acting on it falls to us.
    Overdue,
    /// Still running, due within [`DUE_SOON_DAYS`] days.
    DueSoon,
}

/// Where a rule deadline of the assessment stands today: missed limits that are ours to act
/// on are overdue; open deadlines due within the window are due soon.
pub fn listed(d: &Deadline, today: Date) -> Option<Listed> {
    match d.status {
        DeadlineStatus::Missed if d.ours => Some(Listed::Overdue),
        DeadlineStatus::Open if d.due <= today + Duration::days(DUE_SOON_DAYS) => {
            Some(Listed::DueSoon)
        }
        _ => None,
    }
}

/// Where a letter's reply deadline stands today: overdue once passed, due soon within the
/// window.
pub fn reply_listed(due: Date, today: Date) -> Option<Listed> {
    if due < today {
        Some(Listed::Overdue)
    } else if due <= today + Duration::days(DUE_SOON_DAYS) {
        Some(Listed::DueSoon)
    } else {
        None
    }
}

/// What a letter's reply deadline is called, in the deadline lists and on the case card.
pub fn reply_label(title: &str) -> String {
    format!("Reply due to \"{title}\"")
}

/// The deadline a case leads with: the soonest still running, else the latest missed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextDeadline {
    /// What is due.
    pub label: String,
    /// When.
    pub due: Date,
    /// It passed without being met.
    pub missed: bool,
}

/// A case's next deadline from every source: its rule deadlines and its letters' reply
/// deadlines (`replies`: the letter's title and the day its reply is due). The soonest one
/// still running leads; when none runs, the latest one missed, so that a limit that has
/// passed reads as missed and never as "none running".
pub fn next_deadline(
    deadlines: &[Deadline],
    replies: &[(&str, Date)],
    today: Date,
) -> Option<NextDeadline> {
    let rules = deadlines.iter().filter_map(|d| match d.status {
        DeadlineStatus::Open => Some((d.label.clone(), d.due, false)),
        DeadlineStatus::Missed => Some((d.label.clone(), d.due, true)),
        _ => None,
    });
    let letters = replies
        .iter()
        .map(|(title, due)| (reply_label(title), *due, *due < today));
    let all: Vec<(String, Date, bool)> = rules.chain(letters).collect();
    let running = all.iter().filter(|d| !d.2).min_by_key(|d| d.1);
    let missed = all.iter().filter(|d| d.2).max_by_key(|d| d.1);
    running.or(missed).map(|(label, due, missed)| NextDeadline {
        label: label.clone(),
        due: *due,
        missed: *missed,
    })
}

/// The day of the deadline a case leads with, of the days it has: the soonest on or after
/// `today`, else the latest before it. The case list's order ([`next_deadline`] says which
/// deadline, for the words).
pub fn leading_day(days: impl Iterator<Item = Date> + Clone, today: Date) -> Option<Date> {
    days.clone()
        .filter(|d| *d >= today)
        .min()
        .or_else(|| days.filter(|d| *d < today).max())
}

/// A leading deadline in words, as the case card and the case list say it: "Claim by: 3
/// March 2027", or "Claim by: missed 4 months ago (3 March 2026)".
pub fn deadline_text(label: &str, due: Date, missed: bool, today: Date) -> String {
    use crate::domain::dates::{ago, long_date};
    if missed {
        format!("{label}: missed {} ({})", ago(due, today), long_date(due))
    } else {
        format!("{label}: {}", long_date(due))
    }
}

/// Days in which a case's rule deadline may be listed: from `from` until `until`
/// (inclusive; `None`: for ever, as a missed limit of ours stays overdue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day.
    pub from: Date,
    /// Last day, if any.
    pub until: Option<Date>,
    /// The day the deadline falls on.
    pub due: Date,
}

/// The windows of a case's rule deadlines, from its facts. They are wide enough never to
/// miss a day on which [`listed`] lists a deadline (tested below over many days): a
/// deadline met on time never is; one of ours can be from [`DUE_SOON_DAYS`] before its day
/// for ever after; another's from then until the case's last deadline, since an unchecked
/// duty stays open until its latest instalment's deadline.
pub fn windows(facts: &CaseFacts, on: Date) -> Vec<Window> {
    let a = rules::assess(facts, on);
    let latest = a.deadlines.iter().map(|d| d.due).max();
    let mut out: Vec<Window> = a
        .deadlines
        .iter()
        .filter(|d| d.status != DeadlineStatus::Met)
        .map(|d| Window {
            from: d.due - Duration::days(DUE_SOON_DAYS),
            until: if d.ours { None } else { latest },
            due: d.due,
        })
        .collect();
    out.sort_by_key(|w| (w.from, w.until.is_none(), w.until));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::CaseInput;
    use serde_json::json;
    use time::macros::date;

    fn facts(v: serde_json::Value) -> CaseFacts {
        let mut v = v;
        v["tenant"] = json!({"name": "T", "consent_date": "2020-01-01"});
        serde_json::from_value::<CaseInput>(v)
            .ok()
            .and_then(|i| i.validate(date!(2026 - 11 - 26)).ok())
            .unwrap_or_else(|| panic!("fixture must be valid"))
    }

    fn fixtures() -> Vec<CaseFacts> {
        vec![
            // E1: protected and informed late, tenancy ended: claim limits of ours.
            facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2024-01-10", "end_date": "2025-01-09"},
                "deposit": {"amount_pence": 110000, "received_date": "2024-01-10", "scheme": "dps",
                            "protected_date": "2024-03-01", "information_date": "2024-03-01"}}),
            ),
            // Nothing known of the protection: duties to check, open until the deadline.
            facts(
                json!({"tenancy": {"jurisdiction": "wales", "start_date": "2026-10-20"},
                "deposit": {"amount_pence": 90000, "received_date": "2026-10-20", "scheme": "unknown"}}),
            ),
            // Two instalments, unchecked: the first stays open until the latest's deadline.
            facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2026-09-01"},
                "deposit": {"instalments": [
                    {"received_date": "2026-09-01", "amount_pence": 50000},
                    {"received_date": "2026-11-20", "amount_pence": 50000}]}}),
            ),
            // Scotland, ended, insured product: the tribunal window and the ADR window.
            facts(
                json!({"tenancy": {"jurisdiction": "scotland", "start_date": "2025-01-01", "end_date": "2026-10-31"},
                "deposit": {"amount_pence": 80000, "received_date": "2025-01-01", "scheme": "safedeposits_scotland",
                            "scheme_product": "insured"}}),
            ),
            // Never protected, confirmed by a look-up; a holding deposit's refund.
            facts(
                json!({"tenancy": {"jurisdiction": "england", "start_date": "2026-06-01", "end_date": "2026-11-30",
                                     "rent_pence": 100000, "rent_period": "month"},
                "deposit": {"amount_pence": 100000, "received_date": "2026-06-01", "scheme": "none",
                            "scheme_checks": [{"date": "2026-11-01", "found": false}],
                            "holding": {"amount_pence": 20000, "paid_date": "2026-05-01"}}}),
            ),
        ]
    }

    /// Whatever day it is, a deadline on a list lies in one of the case's windows.
    #[test]
    fn the_leading_day_is_the_soonest_running_else_the_latest_passed() {
        let today = date!(2026 - 11 - 26);
        let days = [
            date!(2026 - 12 - 10),
            date!(2026 - 11 - 30),
            date!(2026 - 1 - 1),
        ];
        assert_eq!(
            leading_day(days.iter().copied(), today),
            Some(date!(2026 - 11 - 30))
        );
        let passed = [date!(2026 - 1 - 1), date!(2026 - 3 - 1)];
        assert_eq!(
            leading_day(passed.iter().copied(), today),
            Some(date!(2026 - 3 - 1))
        );
        assert_eq!(leading_day(std::iter::empty(), today), None);
    }

    #[test]
    fn the_windows_never_miss_a_listed_day() {
        for (i, f) in fixtures().iter().enumerate() {
            let ws = windows(f, date!(2026 - 11 - 26));
            let mut day = date!(2023 - 01 - 01);
            let mut seen = 0;
            while day < date!(2032 - 01 - 01) {
                let shown = rules::assess(f, day)
                    .deadlines
                    .iter()
                    .any(|d| listed(d, day).is_some());
                if shown {
                    seen += 1;
                    assert!(
                        ws.iter()
                            .any(|w| w.from <= day && w.until.is_none_or(|u| day <= u)),
                        "fixture {i}: listed on {day} outside {ws:?}"
                    );
                }
                day += Duration::days(1);
            }
            assert!(seen > 0, "fixture {i} is listed on some day");
        }
    }

    #[test]
    fn a_missed_limit_of_ours_stays_overdue_and_replies_are_listed_by_their_day() {
        let e1 = &fixtures()[0];
        let ws = windows(e1, date!(2026 - 11 - 26));
        assert!(ws.iter().any(|w| w.until.is_none()), "{ws:?}");
        let today = date!(2026 - 11 - 26);
        assert_eq!(
            reply_listed(date!(2026 - 11 - 25), today),
            Some(Listed::Overdue)
        );
        assert_eq!(reply_listed(today, today), Some(Listed::DueSoon));
        assert_eq!(
            reply_listed(date!(2026 - 12 - 10), today),
            Some(Listed::DueSoon)
        );
        assert_eq!(reply_listed(date!(2026 - 12 - 11), today), None);
    }

    #[test]
    fn the_next_deadline_comes_from_rules_and_letters_and_a_passed_one_reads_missed() {
        use crate::domain::rules::RuleId;
        use time::macros::date;
        let today = date!(2026 - 11 - 26);
        let d = |label: &str, due, status| Deadline {
            rule: RuleId::R4,
            label: label.into(),
            due,
            status,
            citation: "",
            ours: true,
        };
        let claim = d(
            "Last day to claim",
            date!(2030 - 02 - 08),
            DeadlineStatus::Open,
        );
        let protect = d("Protect", date!(2024 - 02 - 08), DeadlineStatus::Missed);
        let reply = [("Request", date!(2026 - 12 - 05))];
        let next = next_deadline(&[claim.clone(), protect.clone()], &reply, today);
        assert_eq!(
            next.map(|n| (n.label, n.due, n.missed)),
            Some((
                "Reply due to \"Request\"".into(),
                date!(2026 - 12 - 05),
                false
            )),
            "a letter's reply is a deadline like any other"
        );
        let next = next_deadline(std::slice::from_ref(&protect), &[], today);
        assert_eq!(next.map(|n| n.missed), Some(true), "missed, never none");
        let late_reply = [("Request", date!(2026 - 11 - 01))];
        let next = next_deadline(&[protect], &late_reply, today);
        assert_eq!(
            next.map(|n| (n.due, n.missed)),
            Some((date!(2026 - 11 - 01), true))
        );
        assert_eq!(next_deadline(&[], &[], today), None);
    }
}

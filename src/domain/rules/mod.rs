//! The rule table (DOMAIN rules R1–R12) and the assessment of a case: what the law gives
//! the tenant, and by when. Every number comes from a row of [`all`] (the rows of [`england`], [`wales`] and [`scotland`]), which carries its
//! citation and the dates it applies between; nothing here reads a clock or a database.
//!
//! - [`table`]: the rule types and the look-up of a rule;
//! - [`figures`]: months, annual rent, caps, interest, holding deposits;
//! - [`assessment`]: what an assessment says;
//! - [`duties`]: the protection duties, when due and whether done in time;
//! - [`engine`]: [`assess`] itself.

mod assessment;
mod duties;
mod engine;
mod england;
mod figures;
mod scotland;
mod table;
mod wales;

pub use assessment::*;
pub use engine::*;
pub use figures::*;
pub use table::*;

#[cfg(test)]
mod tests {
    use super::engine::adr_deadline;
    use super::*;
    use crate::domain::Money;
    use crate::domain::case::{CaseFacts, Jurisdiction, RentPeriod, Scheme, SchemeProduct};
    use crate::domain::input::CaseInput;
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::date;
    use time::{Date, Duration, Month};

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
        for a in all() {
            for b in all() {
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
        for r in all() {
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
        let doc = include_str!("../../../docs/RULES.md");
        for r in all() {
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
            .prop_map(|(y, m, d)| date(y, Month::try_from(m).unwrap_or(Month::January), d))
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

    #[test]
    fn the_renting_homes_act_governs_welsh_deposits_from_1_december_2022() {
        use time::macros::date;
        assert!(!renting_homes_wales(
            Jurisdiction::Wales,
            date!(2022 - 11 - 30)
        ));
        assert!(renting_homes_wales(
            Jurisdiction::Wales,
            date!(2022 - 12 - 01)
        ));
        assert!(!renting_homes_wales(
            Jurisdiction::England,
            date!(2023 - 01 - 01)
        ));
    }
}

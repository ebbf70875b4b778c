//! The sections of a case as [`Checker`] builds them: people, parties, the tenancy and its
//! renewals, the deposit, its instalments, scheme look-ups and holding deposit.

use time::Date;

use super::checker::Checker;
use super::*;
use crate::domain::Money;
use crate::domain::case::*;

impl Checker {
    pub(super) fn renewals(
        &mut self,
        start: Option<Date>,
        given: Option<Vec<RenewalInput>>,
    ) -> Vec<Renewal> {
        let mut out: Vec<Renewal> = Vec::new();
        for (i, r) in self
            .limit("tenancy.renewals", given)
            .into_iter()
            .enumerate()
        {
            let prefix = format!("tenancy.renewals[{i}]");
            let start_field = format!("{prefix}.start_date");
            let start_date = self.date(&start_field, r.start_date, false);
            if start_date.is_none() && !self.errors.contains(&start_field) {
                self.errors
                    .add(&start_field, "Enter the first day of this tenancy");
            }
            let end_date = self.date(&format!("{prefix}.end_date"), r.end_date, false);
            let rent = self.money(&format!("{prefix}.rent_pence"), r.rent_pence);
            let rent_period = self.choice(
                &format!("{prefix}.rent_period"),
                r.rent_period,
                RentPeriod::parse,
                "week or month",
            );
            let kind_field = format!("{prefix}.kind");
            let kind = self.choice(
                &kind_field,
                r.kind,
                RenewalKind::parse,
                "how this tenancy came about",
            );
            if kind.is_none() && !self.errors.contains(&kind_field) {
                self.errors
                    .add(&kind_field, "Choose how this tenancy came about");
            }
            let (Some(start_date), Some(kind)) = (start_date, kind) else {
                continue;
            };
            let earlier = out.last().map(|p| p.start_date).or(start);
            if earlier.is_some_and(|e| start_date <= e) {
                self.errors.add(
                    &start_field,
                    "Must be after the start of the tenancy before it (list them oldest first)",
                );
            }
            if end_date.is_some_and(|e| e < start_date) {
                self.errors.add(
                    format!("{prefix}.end_date"),
                    "Must be on or after its start date",
                );
            }
            out.push(Renewal {
                start_date,
                end_date,
                rent,
                rent_period,
                kind,
            });
        }
        out
    }

    pub(super) fn relevant_persons(
        &mut self,
        given: Option<Vec<RelevantPersonInput>>,
    ) -> Vec<RelevantPerson> {
        let mut out = Vec::new();
        for (i, p) in self
            .limit("deposit.relevant_persons", given)
            .into_iter()
            .enumerate()
        {
            let prefix = format!("deposit.relevant_persons[{i}]");
            let name = self.required(&format!("{prefix}.name"), p.name, SHORT, "Enter their name");
            let information_date = self.date(
                &format!("{prefix}.information_date"),
                p.information_date,
                true,
            );
            let given_field = format!("{prefix}.information_given");
            let information_given = self.yes_no(&given_field, p.information_given);
            if information_given == Some(false) && information_date.is_some() {
                self.errors.add(
                    &given_field,
                    "You gave the date they were given it: choose yes, or remove the date",
                );
            }
            out.push(RelevantPerson {
                name,
                information_date,
                information_given: information_given.or(information_date.map(|_| true)),
            });
        }
        out
    }

    pub(super) fn scheme_checks(
        &mut self,
        given: Option<Vec<SchemeCheckInput>>,
    ) -> Vec<SchemeCheck> {
        let mut out = Vec::new();
        for (i, c) in self
            .limit("deposit.scheme_checks", given)
            .into_iter()
            .enumerate()
        {
            let prefix = format!("deposit.scheme_checks[{i}]");
            let date_field = format!("{prefix}.date");
            let date = self.date(&date_field, c.date, true);
            if date.is_none() && !self.errors.contains(&date_field) {
                self.errors
                    .add(&date_field, "Enter the date the schemes were checked");
            }
            let found_field = format!("{prefix}.found");
            let found = self.yes_no(&found_field, c.found);
            if found.is_none() && !self.errors.contains(&found_field) {
                self.errors
                    .add(&found_field, "Say whether the deposit was found");
            }
            let scheme = self.choice(
                &format!("{prefix}.scheme"),
                c.scheme,
                Scheme::parse,
                "a deposit scheme",
            );
            let certificate = self.text(&format!("{prefix}.certificate"), c.certificate, SHORT);
            if let (Some(date), Some(found)) = (date, found) {
                out.push(SchemeCheck {
                    date,
                    found,
                    scheme,
                    certificate,
                });
            }
        }
        out
    }

    pub(super) fn holding(&mut self, h: HoldingInput) -> Option<HoldingDeposit> {
        let blank = h.amount_pence.is_none()
            && [&h.paid_date, &h.outcome, &h.outcome_date]
                .iter()
                .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()));
        if blank {
            return None;
        }
        let amount = self.money("deposit.holding.amount_pence", h.amount_pence);
        if amount.is_none() && !self.errors.contains("deposit.holding.amount_pence") {
            self.errors.add(
                "deposit.holding.amount_pence",
                "Enter the holding deposit paid",
            );
        }
        let paid_date = self.date("deposit.holding.paid_date", h.paid_date, true);
        if paid_date.is_none() && !self.errors.contains("deposit.holding.paid_date") {
            self.errors
                .add("deposit.holding.paid_date", "Enter the date it was paid");
        }
        let outcome = self.choice(
            "deposit.holding.outcome",
            h.outcome,
            HoldingOutcome::parse,
            "what ended the wait",
        );
        let outcome_date = self.date("deposit.holding.outcome_date", h.outcome_date, true);
        if outcome.is_some() != outcome_date.is_some() {
            self.errors.add(
                "deposit.holding.outcome_date",
                "Give both what ended the wait and its date, or neither",
            );
        }
        if let (Some(p), Some(o)) = (paid_date, outcome_date)
            && o < p
        {
            self.errors.add(
                "deposit.holding.outcome_date",
                "Must be on or after the day it was paid",
            );
        }
        Some(HoldingDeposit {
            amount: amount?,
            paid_date: paid_date?,
            outcome,
            outcome_date,
        })
    }

    pub(super) fn person(&mut self, prefix: &str, p: PersonInput) -> Person {
        let name = self.required(
            &format!("{prefix}.name"),
            p.name,
            SHORT,
            "Enter the tenant's full name",
        );
        let email = self.email(&format!("{prefix}.email"), p.email);
        let phone = self.phone(&format!("{prefix}.phone"), p.phone);
        let preferred_contact = self.choice(
            &format!("{prefix}.preferred_contact"),
            p.preferred_contact,
            ContactMethod::parse,
            "e-mail, phone, text or post",
        );
        let consent_date = self.date(&format!("{prefix}.consent_date"), p.consent_date, true);
        Person {
            name,
            email,
            phone,
            preferred_contact,
            consent_date,
        }
    }

    pub(super) fn party(
        &mut self,
        prefix: &str,
        p: PartyInput,
        default_kind: PartyKind,
    ) -> Option<Party> {
        let blank = p.name.as_deref().is_none_or(|s| s.trim().is_empty())
            && p.address.as_deref().is_none_or(|s| s.trim().is_empty())
            && p.email.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank {
            return None;
        }
        let name = self.required(&format!("{prefix}.name"), p.name, SHORT, "Enter their name");
        let kind = self
            .choice(
                &format!("{prefix}.kind"),
                p.kind,
                PartyKind::parse,
                "landlord or agent",
            )
            .unwrap_or(default_kind);
        let address = self.text(&format!("{prefix}.address"), p.address, ADDRESS);
        let email = self.email(&format!("{prefix}.email"), p.email);
        let contact_name = self.text(&format!("{prefix}.contact_name"), p.contact_name, SHORT);
        Some(Party {
            name,
            kind,
            address,
            email,
            contact_name,
        })
    }

    pub(super) fn tenancy(&mut self, t: TenancyInput) -> Option<Tenancy> {
        let jurisdiction = self.choice(
            "tenancy.jurisdiction",
            t.jurisdiction.clone(),
            Jurisdiction::parse,
            "England, Wales or Scotland",
        );
        if t.jurisdiction
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            self.errors.add(
                "tenancy.jurisdiction",
                "Choose where the home is: England, Wales or Scotland",
            );
        }
        let start_date = self.date("tenancy.start_date", t.start_date, false);
        let end_date = self.date("tenancy.end_date", t.end_date, false);
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            self.errors
                .add("tenancy.end_date", "Must be on or after the start date");
        }
        let rent = self.money("tenancy.rent_pence", t.rent_pence);
        let rent_period = self.choice(
            "tenancy.rent_period",
            t.rent_period,
            RentPeriod::parse,
            "week or month",
        );
        if rent.is_some() && rent_period.is_none() && !self.errors.contains("tenancy.rent_period") {
            self.errors.add(
                "tenancy.rent_period",
                "Say whether the rent is weekly or monthly",
            );
        }
        let kind = self.choice(
            "tenancy.type",
            t.kind,
            TenancyType::parse,
            "a kind of tenancy",
        );
        let renewals = self.renewals(start_date, t.renewals);
        Some(Tenancy {
            jurisdiction: jurisdiction?,
            start_date,
            end_date,
            rent,
            rent_period,
            kind,
            renewals,
        })
    }

    pub(super) fn deposit(&mut self, d: DepositInput) -> Deposit {
        let amount = self.money("deposit.amount_pence", d.amount_pence);
        if amount == Some(Money::ZERO) {
            self.errors
                .add("deposit.amount_pence", "Must be more than £0.00");
        }
        let instalments = self.instalments(d.received_date, d.instalments, amount);
        let scheme = self.choice(
            "deposit.scheme",
            d.scheme,
            Scheme::parse,
            "a deposit scheme",
        );
        let scheme_product = self.choice(
            "deposit.scheme_product",
            d.scheme_product,
            SchemeProduct::parse,
            "insured or custodial",
        );
        let protected_date = self.date("deposit.protected_date", d.protected_date, true);
        let information_date = self.date("deposit.information_date", d.information_date, true);
        let information_given = self.yes_no("deposit.information_given", d.information_given);
        if information_given == Some(false) && information_date.is_some() {
            self.errors.add(
                "deposit.information_given",
                "You gave the date the information was given: choose yes, or remove the date",
            );
        }
        let returned = self.money("deposit.returned_pence", d.returned_pence);
        if let (Some(r), Some(a)) = (returned, amount)
            && r > a
        {
            self.errors
                .add("deposit.returned_pence", "Cannot be more than the deposit");
        }
        Deposit {
            amount,
            instalments,
            scheme,
            scheme_product,
            protected_date,
            information_date,
            information_given: information_given.or(information_date.map(|_| true)),
            returned,
            relevant_persons: self.relevant_persons(d.relevant_persons),
            scheme_checks: self.scheme_checks(d.scheme_checks),
            holding: d.holding.and_then(|h| self.holding(h)),
        }
    }

    /// The payments of the deposit: one received date as a shorthand for a single payment,
    /// or a list of instalments, which must add up to the deposit when their amounts are
    /// known. Oldest first.
    fn instalments(
        &mut self,
        received_date: Option<String>,
        given: Option<Vec<InstalmentInput>>,
        amount: Option<Money>,
    ) -> Vec<Instalment> {
        let shorthand = self.date("deposit.received_date", received_date, true);
        let given = self.limit("deposit.instalments", given);
        let mut instalments = Vec::with_capacity(given.len().max(1));
        for (i, inst) in given.into_iter().enumerate() {
            let prefix = format!("deposit.instalments[{i}]");
            let date_field = format!("{prefix}.received_date");
            let date = self.date(&date_field, inst.received_date, true);
            if date.is_none() && !self.errors.contains(&date_field) {
                self.errors
                    .add(&date_field, "Enter the date this payment was received");
            }
            let amount = self.money(&format!("{prefix}.amount_pence"), inst.amount_pence);
            let payer = self.text(&format!("{prefix}.payer"), inst.payer, SHORT);
            if let Some(received_date) = date {
                instalments.push(Instalment {
                    received_date,
                    amount,
                    payer,
                });
            }
        }
        match (shorthand, instalments.is_empty()) {
            (Some(received_date), true) => instalments.push(Instalment {
                received_date,
                amount,
                payer: None,
            }),
            (Some(_), false) => self.errors.add(
                "deposit.received_date",
                "Give either one received date or a list of instalments, not both",
            ),
            (None, _) => {}
        }
        instalments.sort_by_key(|i| i.received_date);
        let known: Option<Vec<Money>> = instalments.iter().map(|i| i.amount).collect();
        if let (Some(total), Some(parts)) = (amount, known)
            && !parts.is_empty()
        {
            let sum = parts.iter().try_fold(Money::ZERO, |s, m| s.checked_add(*m));
            if sum != Some(total) {
                let shown = sum.map_or("more than the limit".to_string(), |s| s.to_string());
                self.errors.add(
                    "deposit.instalments",
                    format!("The instalments add up to {shown} but the deposit is {total}"),
                );
            }
        }
        instalments
    }
}

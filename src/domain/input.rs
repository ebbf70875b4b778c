//! Case input as it arrives (API JSON or a converted HTML form), and its validation into
//! [`CaseFacts`]. Every problem is reported against its field path, e.g. `tenant.email`.

use serde::{Deserialize, Serialize};
use time::Date;

use super::case::*;
use super::{FieldErrors, Money, Postcode};

/// A tenant as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(format = Email, max_length = 200)]
    pub email: Option<String>,
    #[schema(max_length = 200)]
    pub phone: Option<String>,
    #[schema(value_type = Option<ContactMethod>)]
    pub preferred_contact: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub consent_date: Option<String>,
}

/// The property as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyInput {
    #[schema(max_length = 500)]
    pub address: Option<String>,
    #[schema(example = "LS6 1AB")]
    pub postcode: Option<String>,
}

/// A landlord or agent as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(value_type = Option<PartyKind>)]
    pub kind: Option<String>,
    #[schema(max_length = 500)]
    pub address: Option<String>,
    #[schema(format = Email, max_length = 200)]
    pub email: Option<String>,
    #[schema(max_length = 200)]
    pub contact_name: Option<String>,
}

/// The tenancy as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenancyInput {
    #[schema(value_type = Option<Jurisdiction>)]
    pub jurisdiction: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub start_date: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub end_date: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub rent_pence: Option<i64>,
    #[schema(value_type = Option<RentPeriod>)]
    pub rent_period: Option<String>,
    #[schema(value_type = Option<TenancyType>)]
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[schema(max_items = 50)]
    pub renewals: Option<Vec<RenewalInput>>,
}

/// A later tenancy with the same deposit, as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalInput {
    #[schema(format = Date, example = "2024-02-08")]
    pub start_date: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub end_date: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub rent_pence: Option<i64>,
    #[schema(value_type = Option<RentPeriod>)]
    pub rent_period: Option<String>,
    #[schema(value_type = Option<RenewalKind>)]
    pub kind: Option<String>,
}

/// Someone who paid on a tenant's behalf, as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelevantPersonInput {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub information_date: Option<String>,
    /// `true`, `false`, or "yes", "no" and "unknown".
    #[schema(value_type = Option<bool>)]
    pub information_given: Option<serde_json::Value>,
}

/// A look-up of the schemes, as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeCheckInput {
    #[schema(format = Date, example = "2024-02-08")]
    pub date: Option<String>,
    /// `true`, `false`, or "yes" and "no".
    #[schema(value_type = Option<bool>)]
    pub found: Option<serde_json::Value>,
    #[schema(value_type = Option<Scheme>)]
    pub scheme: Option<String>,
    #[schema(max_length = 200)]
    pub certificate: Option<String>,
}

/// One deposit instalment as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstalmentInput {
    #[schema(format = Date, example = "2024-02-08")]
    pub received_date: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub amount_pence: Option<i64>,
    #[schema(max_length = 200)]
    pub payer: Option<String>,
}

/// The deposit as submitted. `received_date` is shorthand for one instalment of the
/// whole amount.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepositInput {
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub amount_pence: Option<i64>,
    #[schema(format = Date, example = "2024-02-08")]
    pub received_date: Option<String>,
    #[schema(max_items = 50)]
    pub instalments: Option<Vec<InstalmentInput>>,
    #[schema(value_type = Option<Scheme>)]
    pub scheme: Option<String>,
    #[schema(value_type = Option<SchemeProduct>)]
    pub scheme_product: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub protected_date: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub information_date: Option<String>,
    /// `true`, `false`, or the words "yes", "no" and "unknown" (as the form sends them).
    #[schema(value_type = Option<bool>)]
    pub information_given: Option<serde_json::Value>,
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub returned_pence: Option<i64>,
    #[schema(max_items = 50)]
    pub relevant_persons: Option<Vec<RelevantPersonInput>>,
    #[schema(max_items = 50)]
    pub scheme_checks: Option<Vec<SchemeCheckInput>>,
    pub holding: Option<HoldingInput>,
}

/// A holding deposit, as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldingInput {
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub amount_pence: Option<i64>,
    #[schema(format = Date, example = "2024-02-08")]
    pub paid_date: Option<String>,
    #[schema(value_type = Option<HoldingOutcome>)]
    pub outcome: Option<String>,
    #[schema(format = Date, example = "2024-02-08")]
    pub outcome_date: Option<String>,
}

/// A deduction as submitted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeductionInput {
    #[schema(max_length = 200)]
    pub item: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub amount_pence: Option<i64>,
}

/// A whole case as submitted at intake, or after a merge patch.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    pub tenant: Option<PersonInput>,
    #[schema(max_items = 50)]
    pub joint_tenants: Option<Vec<PersonInput>>,
    pub property: Option<PropertyInput>,
    pub landlord: Option<PartyInput>,
    pub agent: Option<PartyInput>,
    pub tenancy: Option<TenancyInput>,
    pub deposit: Option<DepositInput>,
    #[schema(max_items = 50)]
    pub deductions: Option<Vec<DeductionInput>>,
    #[schema(max_length = 20000)]
    pub account: Option<String>,
}

/// Longest one-line text field.
pub const SHORT: usize = 200;
/// Longest address.
const ADDRESS: usize = 500;
/// Longest free-text account.
const LONG: usize = 20_000;
/// Most tenants, instalments or deductions on one case.
const MAX_ITEMS: usize = 50;

/// Collects field errors while converting raw input into domain types.
struct Checker {
    errors: FieldErrors,
    today: Date,
}

impl Checker {
    fn text(&mut self, field: &str, value: Option<String>, max: usize) -> Option<String> {
        let v = value
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())?;
        if v.chars().count() > max {
            self.errors
                .add(field, format!("Must be {max} characters or fewer"));
            return None;
        }
        if v.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.errors
                .add(field, "Must not contain control characters");
            return None;
        }
        Some(v)
    }

    fn required(
        &mut self,
        field: &str,
        value: Option<String>,
        max: usize,
        missing: &str,
    ) -> String {
        let had_errors = self.errors.len();
        match self.text(field, value, max) {
            Some(v) => v,
            None => {
                if self.errors.len() == had_errors {
                    self.errors.add(field, missing);
                }
                String::new()
            }
        }
    }

    fn date(&mut self, field: &str, value: Option<String>, past_only: bool) -> Option<Date> {
        let v = self.text(field, value, 20)?;
        match Date::parse(&v, &time::format_description::well_known::Iso8601::DATE) {
            Ok(d) if past_only && d > self.today => {
                self.errors.add(field, "Must be today or in the past");
                None
            }
            Ok(d) if d.year() < 1980 => {
                self.errors.add(field, "Must be in 1980 or later");
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                self.errors
                    .add(field, "Enter a real date as YYYY-MM-DD, like 2024-02-08");
                None
            }
        }
    }

    fn money(&mut self, field: &str, pence: Option<i64>) -> Option<Money> {
        let p = pence?;
        let m = Money::from_pence(p);
        if m.is_none() {
            self.errors
                .add(field, "Must be between £0.00 and £10,000,000.00");
        }
        m
    }

    fn email(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let v = self.text(field, value, 254)?;
        match email_problem(&v) {
            None => Some(v),
            Some(m) => {
                self.errors.add(field, m);
                None
            }
        }
    }

    fn phone(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let v = self.text(field, value, 40)?;
        match phone_problem(&v) {
            None => Some(v),
            Some(m) => {
                self.errors.add(field, m);
                None
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        field: &str,
        value: Option<String>,
        parse: fn(&str) -> Option<T>,
        what: &str,
    ) -> Option<T> {
        let v = self.text(field, value, SHORT)?;
        let parsed = parse(&v);
        if parsed.is_none() {
            self.errors.add(field, format!("Choose {what}"));
        }
        parsed
    }

    /// Yes, no or not known: a JSON boolean, or the words a form sends.
    fn yes_no(&mut self, field: &str, value: Option<serde_json::Value>) -> Option<bool> {
        use serde_json::Value;
        match value {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(b),
            Some(Value::String(s)) => match s.trim() {
                "yes" | "true" => Some(true),
                "no" | "false" => Some(false),
                "" | "unknown" => None,
                _ => {
                    self.errors.add(field, "Choose yes, no or not known");
                    None
                }
            },
            Some(_) => {
                self.errors.add(field, "Choose yes, no or not known");
                None
            }
        }
    }

    fn renewals(&mut self, start: Option<Date>, given: Option<Vec<RenewalInput>>) -> Vec<Renewal> {
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

    fn relevant_persons(&mut self, given: Option<Vec<RelevantPersonInput>>) -> Vec<RelevantPerson> {
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

    fn scheme_checks(&mut self, given: Option<Vec<SchemeCheckInput>>) -> Vec<SchemeCheck> {
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

    fn holding(&mut self, h: HoldingInput) -> Option<HoldingDeposit> {
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

    fn limit<T>(&mut self, field: &str, items: Option<Vec<T>>) -> Vec<T> {
        let items = items.unwrap_or_default();
        if items.len() > MAX_ITEMS {
            self.errors.add(field, format!("Give at most {MAX_ITEMS}"));
            return Vec::new();
        }
        items
    }

    fn person(&mut self, prefix: &str, p: PersonInput) -> Person {
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

    fn party(&mut self, prefix: &str, p: PartyInput, default_kind: PartyKind) -> Option<Party> {
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

    fn tenancy(&mut self, t: TenancyInput) -> Option<Tenancy> {
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

    fn deposit(&mut self, d: DepositInput) -> Deposit {
        let amount = self.money("deposit.amount_pence", d.amount_pence);
        if amount == Some(Money::ZERO) {
            self.errors
                .add("deposit.amount_pence", "Must be more than £0.00");
        }
        let shorthand = self.date("deposit.received_date", d.received_date, true);
        let given = self.limit("deposit.instalments", d.instalments);
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
}

/// What is wrong with an e-mail address, if anything.
pub fn email_problem(v: &str) -> Option<&'static str> {
    let valid = v.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
    }) && !v.chars().any(char::is_whitespace)
        && v.chars().count() <= 254;
    (!valid).then_some("Enter an e-mail address like name@example.com")
}

/// What is wrong with a phone number, if anything.
pub fn phone_problem(v: &str) -> Option<&'static str> {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    (!(allowed && (10..=15).contains(&digits)))
        .then_some("Enter a phone number, like 07700 900 982 or +44 7700 900982")
}

impl CaseInput {
    /// Checks every field and builds the case facts, or returns every problem found.
    /// `today` bounds dates that cannot be in the future (payments, consent).
    pub fn validate(self, today: Date) -> Result<CaseFacts, FieldErrors> {
        let mut c = Checker {
            errors: FieldErrors::default(),
            today,
        };
        let tenant_given = self.tenant.is_some();
        let tenant = c.person("tenant", self.tenant.unwrap_or_default());
        if tenant_given
            && tenant.consent_date.is_none()
            && !c.errors.contains("tenant.consent_date")
        {
            c.errors.add(
                "tenant.consent_date",
                "Enter the date the tenant agreed to us keeping their details",
            );
        }
        let joint = c.limit("joint_tenants", self.joint_tenants);
        let joint_tenants = joint
            .into_iter()
            .enumerate()
            .map(|(i, p)| c.person(&format!("joint_tenants[{i}]"), p))
            .collect();
        let property = self.property.unwrap_or_default();
        let address = c.text("property.address", property.address, ADDRESS);
        let postcode = c
            .text("property.postcode", property.postcode, 20)
            .and_then(|p| {
                Postcode::parse(&p)
                    .map_err(|m| c.errors.add("property.postcode", m))
                    .ok()
            });
        let landlord = self
            .landlord
            .and_then(|p| c.party("landlord", p, PartyKind::Landlord));
        let agent = self
            .agent
            .and_then(|p| c.party("agent", p, PartyKind::Agent));
        let tenancy = c.tenancy(self.tenancy.unwrap_or_default());
        let deposit = c.deposit(self.deposit.unwrap_or_default());
        let given = c.limit("deductions", self.deductions);
        let mut deductions = Vec::with_capacity(given.len());
        for (i, d) in given.into_iter().enumerate() {
            let item = c.required(
                &format!("deductions[{i}].item"),
                d.item,
                SHORT,
                "Say what the deduction is for",
            );
            let amount_field = format!("deductions[{i}].amount_pence");
            let amount = c.money(&amount_field, d.amount_pence);
            if d.amount_pence.is_none() {
                c.errors.add(&amount_field, "Enter the amount deducted");
            }
            if let Some(amount) = amount {
                deductions.push(Deduction { item, amount });
            }
        }
        let account = c.text("account", self.account, LONG);
        match tenancy {
            Some(tenancy) if c.errors.is_empty() => Ok(CaseFacts {
                tenant,
                joint_tenants,
                property: super::case::Property { address, postcode },
                landlord,
                agent,
                tenancy,
                deposit,
                deductions,
                account,
            }),
            _ => Err(c.errors),
        }
    }
}

impl From<&CaseFacts> for CaseInput {
    /// The facts as input again, so a patch can be merged over them and re-validated.
    fn from(facts: &CaseFacts) -> CaseInput {
        serde_json::to_value(facts)
            .and_then(serde_json::from_value)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn input(v: serde_json::Value) -> CaseInput {
        serde_json::from_value(v).unwrap_or_default()
    }

    fn minimal() -> serde_json::Value {
        json!({
            "tenant": {"name": "Siân Evans", "consent_date": "2026-11-20"},
            "tenancy": {"jurisdiction": "wales"}
        })
    }

    #[test]
    fn minimal_case_is_valid() {
        let facts = input(minimal()).validate(TODAY);
        assert!(facts.is_ok(), "{facts:?}");
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let errors = input(json!({
            "tenant": {"name": " ", "email": "nope", "phone": "12", "consent_date": "2026-13-01"},
            "property": {"postcode": "XYZ"},
            "tenancy": {"jurisdiction": "france", "start_date": "2024-05-01", "end_date": "2024-01-01"},
            "deposit": {"amount_pence": -5, "scheme": "bank"},
            "deductions": [{"item": "Cleaning"}]
        }))
        .validate(TODAY)
        .err()
        .unwrap_or_default();
        for field in [
            "tenant.name",
            "tenant.email",
            "tenant.phone",
            "tenant.consent_date",
            "property.postcode",
            "tenancy.jurisdiction",
            "tenancy.end_date",
            "deposit.amount_pence",
            "deposit.scheme",
            "deductions[0].amount_pence",
        ] {
            assert!(
                errors.get(field).is_some(),
                "no error for {field}: {errors:?}"
            );
        }
    }

    #[test]
    fn received_date_is_shorthand_for_one_instalment() {
        let mut v = minimal();
        v["deposit"] = json!({"amount_pence": 110000, "received_date": "2024-01-10"});
        let facts = input(v).validate(TODAY).ok();
        let inst = facts.map(|f| f.deposit.instalments).unwrap_or_default();
        assert_eq!(inst.len(), 1);
        assert_eq!(inst[0].received_date, date!(2024 - 01 - 10));
        assert_eq!(inst[0].amount.map(Money::pence), Some(110000));
    }

    #[test]
    fn instalments_must_add_up() {
        let mut v = minimal();
        v["deposit"] = json!({"amount_pence": 100000, "instalments": [
            {"received_date": "2024-01-10", "amount_pence": 50000},
            {"received_date": "2024-02-10", "amount_pence": 40000}
        ]});
        let errors = input(v).validate(TODAY).err().unwrap_or_default();
        assert_eq!(
            errors.get("deposit.instalments"),
            Some("The instalments add up to £900.00 but the deposit is £1,000.00")
        );
    }

    #[test]
    fn future_payment_dates_are_refused() {
        let mut v = minimal();
        v["deposit"] = json!({"received_date": "2026-11-27"});
        let errors = input(v).validate(TODAY).err().unwrap_or_default();
        assert_eq!(
            errors.get("deposit.received_date"),
            Some("Must be today or in the past")
        );
    }

    #[test]
    fn facts_round_trip_through_input() {
        let mut v = minimal();
        v["deposit"] =
            json!({"amount_pence": 120000, "received_date": "2024-06-01", "scheme": "tds"});
        v["deductions"] = json!([{"item": "Carpet", "amount_pence": 2500}]);
        let facts = input(v).validate(TODAY);
        let again = facts
            .as_ref()
            .ok()
            .map(|f| CaseInput::from(f).validate(TODAY));
        assert_eq!(again, Some(facts));
    }
}

//! Case input as it arrives (API JSON or a converted HTML form), and its validation into
//! [`CaseFacts`]. Every problem is reported against its field path, e.g. `tenant.email`.

use serde::{Deserialize, Serialize};
use time::Date;

mod checker;
mod sections;

use checker::Checker;

use super::case::*;
use super::{FieldErrors, Postcode};

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
    use crate::domain::Money;
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

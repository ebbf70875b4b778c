//! The case form: flat form fields named by their API path (`tenant.email`,
//! `deposit.instalments[0].amount_pence`) to and from [`CaseInput`]. Money fields take
//! pounds ("1,250.00") and carry pence to the API shape.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::Choice;

use crate::domain::case::{
    ContactMethod, HoldingOutcome, Jurisdiction, PartyKind, RenewalKind, RentPeriod, Scheme,
    SchemeProduct, TenancyType,
};
use crate::domain::input::CaseInput;
use crate::domain::timeline::flatten;
use crate::domain::{CaseFacts, CaseStatus, FieldErrors, Money};

/// Joint-tenant rows on the form.
const JOINT_SLOTS: usize = 2;
/// Deposit instalment rows on the form.
const INSTALMENT_SLOTS: usize = 3;
/// Deduction rows on the form.
const DEDUCTION_SLOTS: usize = 5;
/// Later-tenancy rows on the form.
const RENEWAL_SLOTS: usize = 2;
/// Rows for people who paid on a tenant's behalf.
const RELEVANT_PERSON_SLOTS: usize = 1;
/// Highest list index a form may use.
const MAX_INDEX: usize = 49;

/// The raw values of a submitted form, by field name, as typed.
pub type FormValues = BTreeMap<String, String>;

/// Collects a form's fields, leaving out the CSRF token and blank values.
pub fn values(pairs: Vec<(String, String)>) -> FormValues {
    pairs
        .into_iter()
        .filter(|(k, v)| !k.starts_with('_') && !v.trim().is_empty())
        .collect()
}

/// One step of a field path: a key, optionally indexed (`instalments[2]`).
fn parse_path(path: &str) -> Option<Vec<(&str, Option<usize>)>> {
    if path.split('.').count() > crate::web::MAX_FIELD_DEPTH {
        return None;
    }
    path.split('.')
        .map(|seg| match seg.split_once('[') {
            Some((key, rest)) => {
                let idx: usize = rest.strip_suffix(']')?.parse().ok()?;
                (idx <= MAX_INDEX && !key.is_empty()).then_some((key, Some(idx)))
            }
            None => (!seg.is_empty()).then_some((seg, None)),
        })
        .collect()
}

fn set_path(root: &mut Map<String, Value>, path: &[(&str, Option<usize>)], value: Value) {
    let Some(((key, idx), rest)) = path.split_first() else {
        return;
    };
    let slot = match idx {
        None => root.entry(key.to_string()).or_insert(Value::Null),
        Some(i) => {
            let list = root
                .entry(key.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = list else { return };
            if items.len() <= *i {
                items.resize(*i + 1, Value::Null);
            }
            &mut items[*i]
        }
    };
    if rest.is_empty() {
        *slot = value;
    } else {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        if let Value::Object(m) = slot {
            set_path(m, rest, value);
        }
    }
}

/// Drops the blank rows of lists (a row the volunteer left empty).
fn compact(v: &mut Value) {
    match v {
        Value::Array(items) => {
            items.retain(|i| !i.is_null());
            items.iter_mut().for_each(compact);
        }
        Value::Object(m) => m.values_mut().for_each(compact),
        _ => {}
    }
}

/// Builds case input from form values. Amounts that are not money are reported, and
/// the rest of the form is still checked by the domain.
pub fn to_input(values: &FormValues) -> (CaseInput, FieldErrors) {
    let mut errors = FieldErrors::default();
    let mut root = Map::new();
    for (name, raw) in values {
        let Some(path) = parse_path(name) else {
            errors.add(name.as_str(), "This field is not part of the form");
            continue;
        };
        let value = if name.ends_with("_pence") {
            match Money::parse_pounds(raw) {
                Ok(m) => Value::from(m.pence()),
                Err(msg) => {
                    errors.add(name.as_str(), msg);
                    continue;
                }
            }
        } else {
            Value::String(raw.trim().to_string())
        };
        set_path(&mut root, &path, value);
    }
    let mut doc = Value::Object(root);
    compact(&mut doc);
    let input = match serde_json::from_value::<CaseInput>(doc) {
        Ok(input) => input,
        Err(e) => {
            errors.add("form", format!("The form has a field we do not know: {e}"));
            CaseInput::default()
        }
    };
    (input, errors)
}

/// The form values that show stored facts for editing.
pub fn from_facts(facts: &CaseFacts) -> FormValues {
    let value = serde_json::to_value(facts).unwrap_or(Value::Null);
    flatten(&value, Money::to_pounds_input)
        .into_iter()
        .collect()
}

/// What the case form offers besides values and errors: the choices of each list, and
/// how many rows each repeated part shows.
#[derive(Debug, Serialize)]
pub struct FormChoices {
    jurisdictions: Vec<Choice>,
    schemes: Vec<Choice>,
    rent_periods: Vec<Choice>,
    tenancy_types: Vec<Choice>,
    scheme_products: Vec<Choice>,
    information_given: [Choice; 2],
    party_kinds: Vec<Choice>,
    contact_methods: Vec<Choice>,
    statuses: Vec<Choice>,
    renewal_kinds: Vec<Choice>,
    holding_outcomes: Vec<Choice>,
    joint_slots: Vec<usize>,
    instalment_slots: Vec<usize>,
    deduction_slots: Vec<usize>,
    renewal_slots: Vec<usize>,
    relevant_person_slots: Vec<usize>,
    /// Kept as they are: the case page records them, the form carries them through.
    kept: Vec<Kept>,
}

/// A value the form carries through unchanged, in a hidden field.
#[derive(Debug, Serialize)]
struct Kept {
    name: String,
    value: String,
}

/// The deposit schemes, to choose from.
pub fn schemes() -> Vec<Choice> {
    Choice::all(Scheme::ALL, Scheme::as_str, Scheme::label)
}

/// The form's choices with no values typed yet.
pub fn choices() -> FormChoices {
    choices_for(&FormValues::new())
}

/// The rows a list on the form shows: the default number, or enough for every row the
/// case already has and one more, so that editing never drops a row the form lacks.
fn slots(values: &FormValues, prefix: &str, default: usize) -> Vec<usize> {
    let used = values
        .keys()
        .filter_map(|k| {
            k.strip_prefix(prefix)?
                .split(']')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .max();
    let n = used
        .map_or(default, |u| (u + 2).max(default))
        .min(MAX_INDEX + 1);
    (0..n).collect()
}

/// The choices and list rows of the form for these values.
pub fn choices_for(values: &FormValues) -> FormChoices {
    choices_with_more(values, None)
}

/// [`choices_for`], with one more row for the list `more` ("Add another"): `joint_tenants`,
/// `deposit.instalments` or `deductions`.
pub fn choices_with_more(values: &FormValues, more: Option<&str>) -> FormChoices {
    let rows = |list: &str, default: usize| {
        let mut rows = slots(values, &format!("{list}["), default);
        if more == Some(list) && rows.len() <= MAX_INDEX {
            rows.push(rows.len());
        }
        rows
    };
    FormChoices {
        jurisdictions: Choice::all(Jurisdiction::ALL, Jurisdiction::as_str, Jurisdiction::label),
        schemes: schemes(),
        rent_periods: Choice::all(RentPeriod::ALL, RentPeriod::as_str, RentPeriod::label),
        tenancy_types: Choice::all(TenancyType::ALL, TenancyType::as_str, TenancyType::label),
        scheme_products: Choice::all(
            SchemeProduct::ALL,
            SchemeProduct::as_str,
            SchemeProduct::label,
        ),
        information_given: [
            Choice {
                value: "true",
                label: "Yes".into(),
            },
            Choice {
                value: "false",
                label: "No: the tenant confirms they never had it".into(),
            },
        ],
        party_kinds: Choice::all(PartyKind::ALL, PartyKind::as_str, PartyKind::label),
        contact_methods: Choice::all(
            ContactMethod::ALL,
            ContactMethod::as_str,
            ContactMethod::label,
        ),
        statuses: Choice::all(CaseStatus::ALL, CaseStatus::as_str, CaseStatus::label),
        renewal_kinds: Choice::all(RenewalKind::ALL, RenewalKind::as_str, RenewalKind::label),
        holding_outcomes: Choice::all(
            HoldingOutcome::ALL,
            HoldingOutcome::as_str,
            HoldingOutcome::label,
        ),
        joint_slots: rows("joint_tenants", JOINT_SLOTS),
        instalment_slots: rows("deposit.instalments", INSTALMENT_SLOTS),
        deduction_slots: rows("deductions", DEDUCTION_SLOTS),
        renewal_slots: slots(values, "tenancy.renewals[", RENEWAL_SLOTS),
        relevant_person_slots: slots(values, "deposit.relevant_persons[", RELEVANT_PERSON_SLOTS),
        kept: values
            .iter()
            .filter(|(k, _)| k.starts_with("deposit.scheme_checks["))
            .map(|(k, v)| Kept {
                name: k.clone(),
                value: v.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        values(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn nested_and_listed_fields_build_the_api_shape() {
        let (input, errors) = to_input(&form(&[
            ("_csrf", "x"),
            ("tenant.name", "Zoë"),
            ("deposit.amount_pence", "£1,100.00"),
            ("deposit.instalments[0].received_date", "2024-01-10"),
            ("deposit.instalments[1].received_date", ""),
            ("deductions[2].item", "Cleaning"),
            ("deductions[2].amount_pence", "80"),
        ]));
        assert!(errors.is_empty(), "{errors:?}");
        let v = serde_json::to_value(&input).unwrap_or_default();
        assert_eq!(v["tenant"]["name"], "Zoë");
        assert_eq!(v["deposit"]["amount_pence"], 110000);
        assert_eq!(
            v["deposit"]["instalments"].as_array().map(Vec::len),
            Some(1)
        );
        assert_eq!(v["deductions"][0]["amount_pence"], 8000);
    }

    #[test]
    fn bad_money_and_bad_names_are_reported_by_field() {
        let (_, errors) = to_input(&form(&[
            ("deposit.amount_pence", "lots"),
            ("deductions[999].item", "x"),
        ]));
        assert!(errors.get("deposit.amount_pence").is_some());
        assert!(errors.get("deductions[999].item").is_some());
    }
}

//! The move-a-case form to a [`TransitionRequest`], with each field's problem named.

use crate::domain::workflow::{Outcome, OutcomeCode, Route, Stage, TransitionRequest};
use crate::domain::{FieldErrors, Money};

use super::case_form::FormValues;

/// Reads the form. Outcome fields are read only when resolving.
pub fn request(values: &FormValues, to: Stage) -> (TransitionRequest, FieldErrors) {
    let mut errors = FieldErrors::default();
    let get = |k: &str| values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let outcome_code = get("outcome_code").and_then(|c| {
        let code = OutcomeCode::parse(c);
        if code.is_none() {
            errors.add("outcome_code", "Choose an outcome code from the list");
        }
        code
    });
    let outcome = if to == Stage::Resolved {
        outcome(values, &mut errors)
    } else {
        None
    };
    let req = TransitionRequest {
        reason: get("reason").map(str::to_string),
        outcome_code,
        override_time_limit: get("override") == Some("yes"),
        outcome,
    };
    (req, errors)
}

fn outcome(values: &FormValues, errors: &mut FieldErrors) -> Option<Outcome> {
    let mut money = |field: &str| match values
        .get(field)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
    {
        None => Some(Money::ZERO),
        Some(raw) => Money::parse_pounds(raw)
            .map_err(|m| errors.add(field, m))
            .ok(),
    };
    let deposit = money("outcome.deposit_pence");
    let penalty = money("outcome.penalty_pence");
    let prohibited = money("outcome.prohibited_pence");
    let interest = money("outcome.interest_pence");
    let route = match values
        .get("outcome.route")
        .map(String::as_str)
        .and_then(Route::parse)
    {
        Some(r) => Some(r),
        None => {
            errors.add("outcome.route", "Choose how the dispute was won");
            None
        }
    };
    let date = values.get("outcome.date").map(|v| v.trim()).and_then(|v| {
        time::Date::parse(v, &time::format_description::well_known::Iso8601::DATE).ok()
    });
    if date.is_none() {
        errors.add("outcome.date", crate::domain::dates::BAD_DATE);
    }
    Some(Outcome {
        deposit: deposit?,
        penalty: penalty?,
        prohibited: prohibited?,
        interest: interest?,
        route: route?,
        date: date?,
    })
}

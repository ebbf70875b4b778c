//! The online request for help (`/get-help`): one question a page, answers carried in
//! hidden fields, a check page, and the case it makes.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::service::referral::{self, Referral};
use crate::web::session::Visitor;

use super::form_field as field;

/// The fields each step of the request asks for.
const STEP_FIELDS: [(&str, &[&str]); 6] = [
    ("nation", &["nation"]),
    ("postcode", &["postcode"]),
    ("name", &["name"]),
    ("contact", &["email", "phone"]),
    (
        "deposit",
        &["deposit", "paid_day", "paid_month", "paid_year"],
    ),
    ("problem", &["problem", "details"]),
];

const ANSWER_FIELDS: [&str; 12] = [
    "nation",
    "postcode",
    "name",
    "email",
    "phone",
    "deposit",
    "paid_day",
    "paid_month",
    "paid_year",
    "problem",
    "details",
    "consent",
];

fn answers(pairs: &[(String, String)]) -> Referral {
    let map: Map<String, Value> = ANSWER_FIELDS
        .iter()
        .map(|k| (k.to_string(), json!(field(pairs, k))))
        .collect();
    serde_json::from_value(Value::Object(map)).unwrap_or_default()
}

pub async fn help_start(visitor: Visitor) -> PageResult {
    Ok(page(
        StatusCode::OK,
        "help/start.html",
        Some(&visitor),
        &FieldErrors::default(),
        json!({}),
    )?)
}

/// One question's page: its number, its fields, and every other answer carried along
/// in hidden fields (nothing is kept on the server until the request is sent).
fn step_page(
    visitor: &Visitor,
    step: &str,
    r: &Referral,
    status: StatusCode,
    errors: &FieldErrors,
    returning: bool,
) -> PageResult {
    let index = referral::STEPS.iter().position(|s| *s == step).unwrap_or(0);
    let own = STEP_FIELDS[index].1;
    let values = serde_json::to_value(r).unwrap_or_default();
    let hidden: Vec<Value> = ANSWER_FIELDS
        .iter()
        .filter(|k| !own.contains(k) && **k != "consent")
        .map(|k| json!({"name": k, "value": values.get(*k).cloned().unwrap_or(json!(""))}))
        .collect();
    let problems: Vec<Value> = referral::PROBLEMS
        .iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect();
    Ok(page(
        status,
        "help/step.html",
        Some(visitor),
        errors,
        json!({"step": referral::STEPS[index], "number": index + 1, "total": referral::STEPS.len(),
               "values": values, "hidden": hidden, "returning": returning, "problems": problems}),
    )?)
}

fn check_page(
    visitor: &Visitor,
    r: &Referral,
    status: StatusCode,
    errors: &FieldErrors,
) -> PageResult {
    let values = serde_json::to_value(r).unwrap_or_default();
    let hidden: Vec<Value> = ANSWER_FIELDS
        .iter()
        .filter(|k| **k != "consent")
        .map(|k| json!({"name": k, "value": values.get(*k).cloned().unwrap_or(json!(""))}))
        .collect();
    let problem = referral::PROBLEMS
        .iter()
        .find(|(v, _)| *v == r.problem)
        .map_or("", |(_, l)| l);
    let nation = match r.nation.as_str() {
        "england" => "England",
        "wales" => "Wales",
        "scotland" => "Scotland",
        _ => "",
    };
    let paid = [&r.paid_day, &r.paid_month, &r.paid_year]
        .iter()
        .all(|p| !p.trim().is_empty())
        .then(|| {
            format!(
                "{}/{}/{}",
                r.paid_day.trim(),
                r.paid_month.trim(),
                r.paid_year.trim()
            )
        });
    let contact: Vec<&str> = [r.email.trim(), r.phone.trim()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    let deposit = crate::domain::Money::parse_pounds(&r.deposit)
        .map_or_else(|_| r.deposit.clone(), |m| m.to_string());
    let deposit = match paid {
        Some(p) => format!("{deposit}, paid on {p}"),
        None => deposit,
    };
    let happened = if r.details.trim().is_empty() {
        problem.to_string()
    } else {
        format!("{problem}.\n{}", r.details.trim())
    };
    let row =
        |step: &str, key: &str, value: &str| json!({"step": step, "key": key, "value": value});
    let rows = [
        row("nation", "Where the home is", nation),
        row("postcode", "Postcode", r.postcode.trim()),
        row("name", "Your name", r.name.trim()),
        row("contact", "How to contact you", &contact.join(", ")),
        row("deposit", "Deposit", &deposit),
        row("problem", "What has happened", &happened),
    ];
    Ok(page(
        status,
        "help/check.html",
        Some(visitor),
        errors,
        json!({"values": values, "hidden": hidden, "rows": rows}),
    )?)
}

pub async fn help_step(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = answers(&pairs);
    let today = state.clock.today();
    let step = field(&pairs, "step");
    let go = field(&pairs, "go");
    let returning = field(&pairs, "returning") == "yes";
    let index = referral::STEPS.iter().position(|s| *s == step);
    let ok = StatusCode::OK;
    let none = FieldErrors::default();
    if let Some(target) = go.strip_prefix("change-") {
        let target = referral::STEPS
            .iter()
            .copied()
            .find(|s| *s == target)
            .unwrap_or("nation");
        return step_page(&visitor, target, &r, ok, &none, true);
    }
    match (step, go, index) {
        ("start", _, _) => step_page(&visitor, "nation", &r, ok, &none, false),
        ("check", "back", _) => step_page(&visitor, "problem", &r, ok, &none, false),
        // The honeypot: a field people never see. Whatever fills it in is not a tenant.
        ("check", _, _) if !field(&pairs, "website").is_empty() => {
            tracing::warn!("online request refused: the honeypot was filled in");
            Err(AppError::BadRequest("Your request could not be sent.".into()).into())
        }
        ("check", _, _) => submit_help(&state, &visitor, &r).await,
        (_, "back", Some(0)) => help_start(visitor).await,
        (_, "back", Some(i)) => step_page(&visitor, referral::STEPS[i - 1], &r, ok, &none, false),
        (_, _, Some(i)) => {
            let errors = referral::check_step(step, &r, today);
            if !errors.is_empty() {
                return step_page(
                    &visitor,
                    step,
                    &r,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &errors,
                    returning,
                );
            }
            // Onwards: the next question; after a change, the first answer still
            // missing; else the answers to check.
            let next = if returning {
                referral::first_unanswered(&r, today)
            } else {
                referral::STEPS.get(i + 1).copied()
            };
            match next {
                Some(next) => step_page(&visitor, next, &r, ok, &none, returning),
                None => check_page(&visitor, &r, ok, &none),
            }
        }
        _ => help_start(visitor).await,
    }
}

async fn submit_help(state: &AppState, visitor: &Visitor, r: &Referral) -> PageResult {
    let result = referral::submit(
        &state.db,
        state.clock.as_ref(),
        &state.config.secret,
        visitor.address.as_deref(),
        r,
    )
    .await;
    match result {
        Ok(done) => Ok(page(
            StatusCode::OK,
            "help/done.html",
            Some(visitor),
            &FieldErrors::default(),
            json!({"reference": done.reference, "code": done.code, "group": done.group}),
        )?),
        Err(AppError::Invalid(e)) if e.contains("consent") => {
            check_page(visitor, r, StatusCode::UNPROCESSABLE_ENTITY, &e)
        }
        Err(AppError::Invalid(e)) => {
            // A problem the page checks let through: show it on the page that asks for it.
            let step = e
                .iter()
                .next()
                .map_or("nation", |(field, _)| referral::step_of(field));
            step_page(visitor, step, r, StatusCode::UNPROCESSABLE_ENTITY, &e, true)
        }
        Err(AppError::TooMany(m)) => check_page(
            visitor,
            r,
            StatusCode::TOO_MANY_REQUESTS,
            &FieldErrors::single("consent", m),
        ),
        Err(e) => Err(e.into()),
    }
}

// ---- Staff pages ----

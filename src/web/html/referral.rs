//! The online request for help (`/get-help`): one question a page, answers carried in
//! hidden fields, a check page, and the case it makes.

use std::collections::BTreeMap;

use axum::extract::{Form, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::{Choice, PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::case::Jurisdiction;
use crate::error::AppError;
use crate::service::referral::{self, Problem, Referral, Step};
use crate::web::session::Visitor;

use super::form_field as field;

/// An answer carried along in a hidden field.
#[derive(Debug, Serialize)]
struct Hidden<'a> {
    name: &'static str,
    value: &'a str,
}

/// The answers in hidden fields, but for the consent and those of `own`.
fn hidden<'a>(r: &'a [(&'static str, &'a str); 12], own: &[&str]) -> Vec<Hidden<'a>> {
    r.iter()
        .filter(|(k, _)| !own.contains(k) && *k != "consent")
        .map(|(name, value)| Hidden { name, value })
        .collect()
}

/// What `help/start.html` shows: nothing but the page.
#[derive(Debug, Serialize)]
struct StartPage {}

pub async fn help_start(visitor: Visitor) -> PageResult {
    page(
        StatusCode::OK,
        "help/start.html",
        Some(&visitor),
        &FieldErrors::default(),
        &StartPage {},
    )
}

/// What `help/step.html` shows: one question, its number, and every answer.
#[derive(Debug, Serialize)]
struct StepPage<'a> {
    step: &'static str,
    number: usize,
    total: usize,
    values: BTreeMap<&'static str, &'a str>,
    /// The other answers, carried along.
    hidden: Vec<Hidden<'a>>,
    /// Every answer but the consent, for the Back button.
    answers: Vec<Hidden<'a>>,
    returning: bool,
    nations: Vec<Choice>,
    problems: Vec<Choice>,
}

/// One question's page: its number, its fields, and every other answer carried along
/// in hidden fields (nothing is kept on the server until the request is sent).
fn step_page(
    visitor: &Visitor,
    step: Step,
    r: &Referral,
    status: StatusCode,
    errors: &FieldErrors,
    returning: bool,
) -> PageResult {
    let fields = r.fields();
    let data = StepPage {
        step: step.as_str(),
        number: step.number(),
        total: Step::ALL.len(),
        values: fields.iter().copied().collect(),
        hidden: hidden(&fields, step.fields()),
        answers: hidden(&fields, &[]),
        returning,
        nations: Choice::all(Jurisdiction::ALL, Jurisdiction::as_str, Jurisdiction::label),
        problems: Choice::all(Problem::ALL, Problem::as_str, Problem::label),
    };
    page(status, "help/step.html", Some(visitor), errors, &data)
}

/// What `help/check.html` shows: the answers in words, each with a way back to change it.
#[derive(Debug, Serialize)]
struct CheckPage<'a> {
    values: BTreeMap<&'static str, &'a str>,
    hidden: Vec<Hidden<'a>>,
    rows: Vec<CheckRow>,
}

/// One answer on the check page.
#[derive(Debug, Serialize)]
struct CheckRow {
    step: &'static str,
    key: &'static str,
    value: String,
}

fn check_page(
    visitor: &Visitor,
    r: &Referral,
    status: StatusCode,
    errors: &FieldErrors,
) -> PageResult {
    let fields = r.fields();
    let data = CheckPage {
        values: fields.iter().copied().collect(),
        hidden: hidden(&fields, &[]),
        rows: r
            .summary()
            .into_iter()
            .map(|(step, value)| CheckRow {
                step: step.as_str(),
                key: step.label(),
                value,
            })
            .collect(),
    };
    page(status, "help/check.html", Some(visitor), errors, &data)
}

pub async fn help_step(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = Referral::read(|k| field(&pairs, k));
    let today = state.clock.today();
    let (step, go) = (field(&pairs, "step"), field(&pairs, "go"));
    let returning = field(&pairs, "returning") == "yes";
    let ok = StatusCode::OK;
    let none = FieldErrors::default();
    if let Some(target) = go.strip_prefix("change-") {
        let target = Step::parse(target).unwrap_or(Step::Nation);
        return step_page(&visitor, target, &r, ok, &none, true);
    }
    match (step, go, Step::parse(step)) {
        ("start", _, _) => step_page(&visitor, Step::Nation, &r, ok, &none, false),
        ("check", "back", _) => step_page(&visitor, Step::Problem, &r, ok, &none, false),
        // The honeypot: a field people never see. Whatever fills it in is not a tenant.
        ("check", _, _) if !field(&pairs, "website").is_empty() => {
            tracing::warn!("online request refused: the honeypot was filled in");
            Err(AppError::BadRequest("Your request could not be sent.".into()).into())
        }
        ("check", _, _) => submit_help(&state, &visitor, &r).await,
        (_, "back", Some(step)) => match step.previous() {
            Some(before) => step_page(&visitor, before, &r, ok, &none, false),
            None => help_start(visitor).await,
        },
        (_, _, Some(step)) => {
            let errors = r.check(step, today);
            if !errors.is_empty() {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return step_page(&visitor, step, &r, status, &errors, returning);
            }
            // Onwards: the next question; after a change, the first answer still
            // missing; else the answers to check.
            let next = if returning {
                r.first_unanswered(today)
            } else {
                step.next()
            };
            match next {
                Some(next) => step_page(&visitor, next, &r, ok, &none, returning),
                None => check_page(&visitor, &r, ok, &none),
            }
        }
        _ => help_start(visitor).await,
    }
}

/// What `help/done.html` shows: the reference and the access code, once.
#[derive(Debug, Serialize)]
struct DonePage {
    reference: String,
    code: String,
    group: String,
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
        Ok(done) => page(
            StatusCode::OK,
            "help/done.html",
            Some(visitor),
            &FieldErrors::default(),
            &DonePage {
                reference: done.reference,
                code: done.code,
                group: done.group,
            },
        ),
        Err(AppError::Invalid(e)) if e.contains("consent") => {
            check_page(visitor, r, StatusCode::UNPROCESSABLE_ENTITY, &e)
        }
        Err(AppError::Invalid(e)) => {
            // A problem the page checks let through: show it on the page that asks for it.
            let step = e
                .iter()
                .next()
                .map_or(Step::Nation, |(field, _)| Step::asking(field));
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

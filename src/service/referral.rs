//! Self-referral: a tenant asks for help online, one question a page. The answers
//! become a case at intake in the group that covers their postcode area.

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, Month};

use super::portal::REFERRALS_PER_ADDRESS;
use super::throttle::{self, Limit};
use crate::clock::Clock;
use crate::db;
use crate::db::groups::Group;
use crate::domain::input::{CaseInput, SHORT, email_problem, phone_problem};
use crate::domain::{FieldErrors, Money, Postcode};
use crate::error::AppError;

/// The questions, in order. Each is one page.
pub const STEPS: [&str; 6] = [
    "nation", "postcode", "name", "contact", "deposit", "problem",
];

/// What the tenant can say went wrong.
pub const PROBLEMS: [(&str, &str); 4] = [
    (
        "not_returned",
        "My landlord or agent has not returned my deposit",
    ),
    ("deductions", "They kept some of it and I do not agree"),
    (
        "not_protected",
        "I think my deposit was not protected in a scheme",
    ),
    ("other", "Something else about my deposit"),
];

/// The answers so far, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Referral {
    /// england, wales or scotland.
    pub nation: String,
    /// The rented home's postcode.
    pub postcode: String,
    /// The tenant's full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// The deposit, in pounds.
    pub deposit: String,
    /// The day it was paid.
    pub paid_day: String,
    /// The month it was paid.
    pub paid_month: String,
    /// The year it was paid.
    pub paid_year: String,
    /// One of [`PROBLEMS`].
    pub problem: String,
    /// In their own words.
    pub details: String,
    /// "yes" once they agree we may keep their details.
    pub consent: String,
}

/// A request that became a case: what the tenant needs to follow it.
#[derive(Debug, Clone)]
pub struct Referred {
    /// The case reference.
    pub reference: String,
    /// Their access code (shown once).
    pub code: String,
    /// The group that will help.
    pub group: String,
}

fn paid_date(r: &Referral) -> Result<Option<Date>, &'static str> {
    let parts = [&r.paid_day, &r.paid_month, &r.paid_year].map(|p| p.trim());
    if parts.iter().all(|p| p.is_empty()) {
        return Ok(None);
    }
    let msg = "Enter a real date, for example 15 3 2024, or leave all three boxes empty";
    let [d, m, y] = parts;
    let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<i32>()) else {
        return Err(msg);
    };
    let month = Month::try_from(m).map_err(|_| msg)?;
    if !(1990..=2100).contains(&y) {
        return Err("Enter the year in full, for example 2024");
    }
    Date::from_calendar_date(y, month, d)
        .map(Some)
        .map_err(|_| msg)
}

/// Checks the answer of one step, with messages written for the tenant.
pub fn check_step(step: &str, r: &Referral, today: Date) -> FieldErrors {
    let mut e = FieldErrors::default();
    match step {
        "nation" if !matches!(r.nation.as_str(), "england" | "wales" | "scotland") => {
            e.add("nation", "Choose where the home you rented is");
        }
        "postcode" => {
            if r.postcode.trim().is_empty() {
                e.add("postcode", "Enter the postcode of the home you rented");
            } else if Postcode::parse(&r.postcode).is_err() {
                e.add("postcode", "Enter a real postcode, like LS6 1AB");
            }
        }
        "name" => {
            let n = r.name.trim().chars().count();
            if n == 0 {
                e.add("name", "Enter your full name");
            } else if n > SHORT {
                e.add(
                    "name",
                    format!("Your name must be {SHORT} characters or fewer"),
                );
            }
        }
        "contact" => {
            let (email, phone) = (r.email.trim(), r.phone.trim());
            if email.is_empty() && phone.is_empty() {
                e.add(
                    "email",
                    "Enter an email address or a phone number, so we can contact you",
                );
            }
            // The same rules as the case's own fields.
            if let Some(m) = Some(email)
                .filter(|e| !e.is_empty())
                .and_then(email_problem)
            {
                e.add("email", m);
            }
            if let Some(m) = Some(phone)
                .filter(|p| !p.is_empty())
                .and_then(phone_problem)
            {
                e.add("phone", m);
            }
        }
        "deposit" => {
            if r.deposit.trim().is_empty() {
                e.add("deposit", "Enter how much deposit you paid");
            } else if let Err(m) = Money::parse_pounds(&r.deposit) {
                e.add("deposit", m);
            }
            match paid_date(r) {
                Err(m) => e.add("paid_day", m),
                Ok(Some(d)) if d > today => {
                    e.add("paid_day", "The date must be today or in the past")
                }
                Ok(_) => {}
            }
        }
        "problem" => {
            if !PROBLEMS.iter().any(|(v, _)| *v == r.problem) {
                e.add("problem", "Choose what has happened");
            }
            if r.details.chars().count() > 5_000 {
                e.add("details", "Must be 5,000 characters or fewer");
            }
        }
        _ => {}
    }
    e
}

/// The first step whose answer is missing or wrong, if any.
pub fn first_unanswered(r: &Referral, today: Date) -> Option<&'static str> {
    STEPS
        .iter()
        .copied()
        .find(|s| !check_step(s, r, today).is_empty())
}

/// The question a case field was asked by.
fn question_of(path: &str) -> &'static str {
    match path {
        p if p.starts_with("tenant.email") => "email",
        p if p.starts_with("tenant.phone") => "phone",
        p if p.starts_with("tenant.") => "name",
        p if p.starts_with("property.") => "postcode",
        p if p.starts_with("tenancy.") => "nation",
        p if p.starts_with("deposit.") => "deposit",
        _ => "details",
    }
}

/// Problems found by the case checks, put against the questions that asked for them.
fn on_questions(errors: &FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::default();
    for (path, message) in errors.iter() {
        out.add(question_of(path), message);
    }
    out
}

/// The page (step) that asks for a field.
pub fn step_of(field: &str) -> &'static str {
    match field {
        "nation" => "nation",
        "postcode" => "postcode",
        "name" => "name",
        "email" | "phone" => "contact",
        "deposit" | "paid_day" | "paid_month" | "paid_year" => "deposit",
        _ => "problem",
    }
}

/// The group for a postcode: the one whose areas include it, else the one that takes
/// the rest, else the first by name.
pub fn group_for<'a>(groups: &'a [Group], postcode: &Postcode) -> Option<&'a Group> {
    let area = postcode.area();
    groups
        .iter()
        .find(|g| g.postcode_areas.iter().any(|a| a == area))
        .or_else(|| groups.iter().find(|g| g.takes_unmatched))
        .or_else(|| groups.first())
}

fn to_input(r: &Referral, today: Date) -> Result<CaseInput, AppError> {
    let deposit = Money::parse_pounds(&r.deposit).ok().map(Money::pence);
    let paid = paid_date(r).ok().flatten().map(|d| d.to_string());
    let problem = PROBLEMS
        .iter()
        .find(|(v, _)| *v == r.problem)
        .map_or("", |(_, l)| l);
    let account = if r.details.trim().is_empty() {
        problem.to_string()
    } else {
        format!("{problem}.\n\n{}", r.details.trim())
    };
    let value = json!({
        "tenant": {
            "name": r.name.trim(),
            "email": Some(r.email.trim()).filter(|e| !e.is_empty()),
            "phone": Some(r.phone.trim()).filter(|p| !p.is_empty()),
            "consent_date": today.to_string(),
        },
        "property": {"postcode": r.postcode.trim()},
        "tenancy": {"jurisdiction": r.nation},
        "deposit": {"amount_pence": deposit, "received_date": paid},
        "account": format!("Asked for help online. {account}"),
    });
    serde_json::from_value(value).map_err(|e| anyhow::anyhow!("referral input: {e}").into())
}

/// Turns finished answers into a case with an access code. Answers are checked again;
/// requests are limited per address; a filled-in honeypot is refused.
pub async fn submit(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    key: &[u8; 32],
    address: Option<&str>,
    r: &Referral,
) -> Result<Referred, AppError> {
    let today = clock.today();
    if let Some(step) = first_unanswered(r, today) {
        return Err(AppError::Invalid(check_step(step, r, today)));
    }
    if r.consent != "yes" {
        return Err(AppError::Invalid(FieldErrors::single(
            "consent",
            "Tick the box to agree, so that we can help you",
        )));
    }
    let now = clock.now();
    let keys = [Limit::new(
        format!("referral:{}", address.unwrap_or("unknown")),
        REFERRALS_PER_ADDRESS,
    )];
    if throttle::attempt(db, now, &keys).await?.is_some() {
        return Err(AppError::TooMany(
            "We have had several requests from your connection in the last few minutes. Please wait 15 minutes and try again.".into(),
        ));
    }
    let facts = to_input(r, today)?
        .validate(today)
        .map_err(|e| AppError::Invalid(on_questions(&e)))?;
    let postcode =
        facts.property.postcode.clone().ok_or_else(|| {
            AppError::Invalid(FieldErrors::single("postcode", "Enter the postcode"))
        })?;
    let groups = db::groups::all(db).await?;
    let group = group_for(&groups, &postcode).ok_or_else(|| {
        AppError::Conflict(
            "We cannot take requests online yet. Please contact us another way.".into(),
        )
    })?;
    let txn = db::begin_write(db).await?;
    let case = super::cases::insert_new(&txn, clock, None, group.id, facts).await?;
    let code = super::portal::store_new_code(&txn, clock, key, None, case.id).await?;
    txn.commit().await?;
    tracing::info!(case = %case.id, "online request for help");
    Ok(Referred {
        reference: case.reference.to_string(),
        code,
        group: group.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn full() -> Referral {
        Referral {
            nation: "wales".into(),
            postcode: "cf24 4hx".into(),
            name: "Siân Evans".into(),
            email: "sian@example.org".into(),
            deposit: "£950".into(),
            paid_day: "1".into(),
            paid_month: "9".into(),
            paid_year: "2024".into(),
            problem: "not_returned".into(),
            ..Referral::default()
        }
    }

    #[test]
    fn each_step_says_what_is_wrong_in_plain_words() {
        let today = date!(2026 - 11 - 26);
        assert_eq!(first_unanswered(&full(), today), None);
        let mut r = full();
        r.postcode = "CF24".into();
        assert_eq!(first_unanswered(&r, today), Some("postcode"));
        assert_eq!(
            check_step("postcode", &r, today).get("postcode"),
            Some("Enter a real postcode, like LS6 1AB")
        );
        let mut r = full();
        r.email.clear();
        assert!(check_step("contact", &r, today).get("email").is_some());
        r.phone = "07700 900982".into();
        assert!(check_step("contact", &r, today).is_empty());
        let mut r = full();
        r.paid_month = "13".into();
        assert!(check_step("deposit", &r, today).get("paid_day").is_some());
        r.paid_day.clear();
        r.paid_month.clear();
        r.paid_year.clear();
        assert!(
            check_step("deposit", &r, today).is_empty(),
            "the date is optional"
        );
    }

    #[test]
    fn a_request_goes_to_the_group_of_its_postcode_area() {
        let g = |name: &str, areas: &[&str], rest: bool| Group {
            id: uuid::Uuid::now_v7(),
            name: name.into(),
            address: None,
            postcode_areas: areas.iter().map(|a| a.to_string()).collect(),
            takes_unmatched: rest,
            organisation: None,
            phone: None,
            email: None,
        };
        let groups = [
            g("Cardiff", &["CF", "NP"], false),
            g("Glasgow", &["G"], false),
            g("Leeds", &["LS"], true),
        ];
        let pc = |p: &str| Postcode::parse(p).unwrap_or_else(|_| unreachable!());
        let name = |p: &str| group_for(&groups, &pc(p)).map(|g| g.name.as_str());
        assert_eq!(name("CF24 4HX"), Some("Cardiff"));
        assert_eq!(name("G12 8QQ"), Some("Glasgow"));
        assert_eq!(name("GL1 1AA"), Some("Leeds"), "GL is not G");
        assert_eq!(
            group_for(&groups[..2], &pc("M1 1AA")).map(|g| g.name.as_str()),
            Some("Cardiff")
        );
        assert!(group_for(&[], &pc("M1 1AA")).is_none());
    }
}

//! The online request for help, as the tenant answers it: one question a page
//! ([`Step`]), the answers as typed ([`Referral`]), the checks of each answer in words a
//! tenant reads, and the case input the answers become.

use std::fmt;

use serde_json::json;
use time::{Date, Month};

use super::case::{Jurisdiction, labelled_enum};
use super::input::{CaseInput, SHORT, email_problem, phone_problem};
use super::{FieldErrors, Money, Postcode};

/// A question of the request; each is one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Which nation the home is in.
    Nation,
    /// The home's postcode.
    Postcode,
    /// The tenant's name.
    Name,
    /// An e-mail address or a phone number.
    Contact,
    /// The deposit and when it was paid.
    Deposit,
    /// What has happened.
    Problem,
}

labelled_enum!(Step {
    Nation => "nation", "Where the home is";
    Postcode => "postcode", "Postcode";
    Name => "name", "Your name";
    Contact => "contact", "How to contact you";
    Deposit => "deposit", "Deposit";
    Problem => "problem", "What has happened";
});

impl Step {
    /// The answers this step asks for, by form field.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Step::Nation => &["nation"],
            Step::Postcode => &["postcode"],
            Step::Name => &["name"],
            Step::Contact => &["email", "phone"],
            Step::Deposit => &["deposit", "paid_day", "paid_month", "paid_year"],
            Step::Problem => &["problem", "details"],
        }
    }

    /// Where the step comes, from 1.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    /// The step after this one; none after the last.
    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }

    /// The step before this one; none before the first.
    pub fn previous(self) -> Option<Step> {
        self.number().checked_sub(2).map(|i| Step::ALL[i])
    }

    /// The step that asks for a form field.
    pub fn asking(field: &str) -> Step {
        Step::ALL
            .iter()
            .copied()
            .find(|s| s.fields().contains(&field))
            .unwrap_or(Step::Problem)
    }
}

/// What the tenant can say went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    /// Nothing came back.
    NotReturned,
    /// Some was kept.
    Deductions,
    /// The deposit may not have been protected.
    NotProtected,
    /// Anything else.
    Other,
}

labelled_enum!(Problem {
    NotReturned => "not_returned", "My landlord or agent has not returned my deposit";
    Deductions => "deductions", "They kept some of it and I do not agree";
    NotProtected => "not_protected", "I think my deposit was not protected in a scheme";
    Other => "other", "Something else about my deposit";
});

/// Every answer's form field, in the order of the questions; the last is the consent.
pub const ANSWER_FIELDS: [&str; 12] = [
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

/// The answers so far. Choices are typed; the rest is kept as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Referral {
    /// Where the home is: none until a nation is chosen.
    pub nation: Option<Jurisdiction>,
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
    /// What has happened: none until it is chosen.
    pub problem: Option<Problem>,
    /// In their own words.
    pub details: String,
    /// Whether they agree we may keep their details.
    pub consent: bool,
}

impl Referral {
    /// The answers from the form fields that `get` reads. A choice that is not one of the
    /// choices is no answer.
    pub fn read<'a>(get: impl Fn(&str) -> &'a str) -> Referral {
        let text = |k: &str| get(k).to_string();
        Referral {
            nation: Jurisdiction::parse(get("nation")),
            postcode: text("postcode"),
            name: text("name"),
            email: text("email"),
            phone: text("phone"),
            deposit: text("deposit"),
            paid_day: text("paid_day"),
            paid_month: text("paid_month"),
            paid_year: text("paid_year"),
            problem: Problem::parse(get("problem")),
            details: text("details"),
            consent: get("consent") == "yes",
        }
    }

    /// Each answer's form field and value, as the form carries it: the order of
    /// [`ANSWER_FIELDS`].
    pub fn fields(&self) -> [(&'static str, &str); 12] {
        let choice = |c: Option<&'static str>| c.unwrap_or("");
        [
            ("nation", choice(self.nation.map(Jurisdiction::as_str))),
            ("postcode", &self.postcode),
            ("name", &self.name),
            ("email", &self.email),
            ("phone", &self.phone),
            ("deposit", &self.deposit),
            ("paid_day", &self.paid_day),
            ("paid_month", &self.paid_month),
            ("paid_year", &self.paid_year),
            ("problem", choice(self.problem.map(Problem::as_str))),
            ("details", &self.details),
            ("consent", if self.consent { "yes" } else { "" }),
        ]
    }

    /// The date the deposit was paid: none if all three boxes are empty.
    fn paid_date(&self) -> Result<Option<Date>, &'static str> {
        let parts = [&self.paid_day, &self.paid_month, &self.paid_year].map(|p| p.trim());
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
    pub fn check(&self, step: Step, today: Date) -> FieldErrors {
        let mut e = FieldErrors::default();
        match step {
            Step::Nation if self.nation.is_none() => {
                e.add("nation", "Choose where the home you rented is");
            }
            Step::Nation => {}
            Step::Postcode => {
                if self.postcode.trim().is_empty() {
                    e.add("postcode", "Enter the postcode of the home you rented");
                } else if Postcode::parse(&self.postcode).is_err() {
                    e.add("postcode", "Enter a real postcode, like LS6 1AB");
                }
            }
            Step::Name => {
                let n = self.name.trim().chars().count();
                if n == 0 {
                    e.add("name", "Enter your full name");
                } else if n > SHORT {
                    let m = format!("Your name must be {SHORT} characters or fewer");
                    e.add("name", m);
                }
            }
            Step::Contact => self.check_contact(&mut e),
            Step::Deposit => self.check_deposit(&mut e, today),
            Step::Problem => {
                if self.problem.is_none() {
                    e.add("problem", "Choose what has happened");
                }
                if self.details.chars().count() > 5_000 {
                    e.add("details", "Must be 5,000 characters or fewer");
                }
            }
        }
        e
    }

    fn check_contact(&self, e: &mut FieldErrors) {
        let (email, phone) = (self.email.trim(), self.phone.trim());
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

    fn check_deposit(&self, e: &mut FieldErrors, today: Date) {
        if self.deposit.trim().is_empty() {
            e.add("deposit", "Enter how much deposit you paid");
        } else if let Err(m) = Money::parse_pounds(&self.deposit) {
            e.add("deposit", m);
        }
        match self.paid_date() {
            Err(m) => e.add("paid_day", m),
            Ok(Some(d)) if d > today => e.add("paid_day", "The date must be today or in the past"),
            Ok(_) => {}
        }
    }

    /// The first step whose answer is missing or wrong, if any.
    pub fn first_unanswered(&self, today: Date) -> Option<Step> {
        Step::ALL
            .iter()
            .copied()
            .find(|s| !self.check(*s, today).is_empty())
    }

    /// What happened, in the tenant's words after the problem chosen.
    fn account(&self, gap: &str) -> String {
        let problem = self.problem.map_or("", Problem::label);
        if self.details.trim().is_empty() {
            problem.to_string()
        } else {
            format!("{problem}.{gap}{}", self.details.trim())
        }
    }

    /// The answers as the check page lists them: each step, and the answer in words.
    pub fn summary(&self) -> [(Step, String); 6] {
        let paid = [&self.paid_day, &self.paid_month, &self.paid_year]
            .iter()
            .all(|p| !p.trim().is_empty())
            .then(|| {
                let [d, m, y] = [&self.paid_day, &self.paid_month, &self.paid_year];
                format!("{}/{}/{}", d.trim(), m.trim(), y.trim())
            });
        let contact: Vec<&str> = [self.email.trim(), self.phone.trim()]
            .into_iter()
            .filter(|c| !c.is_empty())
            .collect();
        let deposit = Money::parse_pounds(&self.deposit)
            .map_or_else(|_| self.deposit.clone(), |m| m.to_string());
        let deposit = match paid {
            Some(p) => format!("{deposit}, paid on {p}"),
            None => deposit,
        };
        [
            (
                Step::Nation,
                self.nation.map_or("", Jurisdiction::label).into(),
            ),
            (Step::Postcode, self.postcode.trim().into()),
            (Step::Name, self.name.trim().into()),
            (Step::Contact, contact.join(", ")),
            (Step::Deposit, deposit),
            (Step::Problem, self.account("\n")),
        ]
    }

    /// The case the answers make, taken in on `today`.
    pub fn to_input(&self, today: Date) -> Result<CaseInput, serde_json::Error> {
        let deposit = Money::parse_pounds(&self.deposit).ok().map(Money::pence);
        let paid = self.paid_date().ok().flatten().map(|d| d.to_string());
        let value = json!({
            "tenant": {
                "name": self.name.trim(),
                "email": Some(self.email.trim()).filter(|e| !e.is_empty()),
                "phone": Some(self.phone.trim()).filter(|p| !p.is_empty()),
                "consent_date": today.to_string(),
            },
            "property": {"postcode": self.postcode.trim()},
            "tenancy": {"jurisdiction": self.nation.map(Jurisdiction::as_str)},
            "deposit": {"amount_pence": deposit, "received_date": paid},
            "account": format!("Asked for help online. {}", self.account("\n\n")),
        });
        serde_json::from_value(value)
    }
}

/// The question a case field was asked by, for a problem the case checks find.
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
pub fn on_questions(errors: &FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::default();
    for (path, message) in errors.iter() {
        out.add(question_of(path), message);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn full() -> Referral {
        Referral {
            nation: Some(Jurisdiction::Wales),
            postcode: "cf24 4hx".into(),
            name: "Siân Evans".into(),
            email: "sian@example.org".into(),
            deposit: "£950".into(),
            paid_day: "1".into(),
            paid_month: "9".into(),
            paid_year: "2024".into(),
            problem: Some(Problem::NotReturned),
            ..Referral::default()
        }
    }

    #[test]
    fn each_step_says_what_is_wrong_in_plain_words() {
        let today = date!(2026 - 11 - 26);
        assert_eq!(full().first_unanswered(today), None);
        let mut r = full();
        r.postcode = "CF24".into();
        assert_eq!(r.first_unanswered(today), Some(Step::Postcode));
        assert_eq!(
            r.check(Step::Postcode, today).get("postcode"),
            Some("Enter a real postcode, like LS6 1AB")
        );
        let mut r = full();
        r.email.clear();
        assert!(r.check(Step::Contact, today).get("email").is_some());
        r.phone = "07700 900982".into();
        assert!(r.check(Step::Contact, today).is_empty());
        let mut r = full();
        r.paid_month = "13".into();
        assert!(r.check(Step::Deposit, today).get("paid_day").is_some());
        r.paid_day.clear();
        r.paid_month.clear();
        r.paid_year.clear();
        assert!(
            r.check(Step::Deposit, today).is_empty(),
            "the date is optional"
        );
        r.paid_year = "2027".into();
        r.paid_month = "1".into();
        r.paid_day = "1".into();
        assert_eq!(
            r.check(Step::Deposit, today).get("paid_day"),
            Some("The date must be today or in the past")
        );
    }

    #[test]
    fn a_choice_that_is_not_offered_is_no_answer() {
        let form = [
            ("nation", "narnia"),
            ("problem", "not_returned"),
            ("consent", "yes"),
        ];
        let get = |k: &str| form.iter().find(|(f, _)| *f == k).map_or("", |(_, v)| *v);
        let r = Referral::read(get);
        assert_eq!(r.nation, None);
        assert_eq!(r.problem, Some(Problem::NotReturned));
        assert!(r.consent);
        assert_eq!(
            r.check(Step::Nation, date!(2026 - 11 - 26)).get("nation"),
            Some("Choose where the home you rented is")
        );
        // And the fields carry back what was read, so the form round-trips.
        let again = Referral::read(|k| {
            r.fields()
                .into_iter()
                .find(|(f, _)| *f == k)
                .map_or("", |(_, v)| v)
        });
        assert_eq!(again, r);
    }

    #[test]
    fn steps_know_their_order_and_their_fields() {
        assert_eq!(Step::Nation.number(), 1);
        assert_eq!(Step::Problem.number(), 6);
        assert_eq!(Step::Nation.previous(), None);
        assert_eq!(Step::Contact.previous(), Some(Step::Name));
        assert_eq!(Step::Deposit.next(), Some(Step::Problem));
        assert_eq!(Step::Problem.next(), None);
        assert_eq!(Step::asking("phone"), Step::Contact);
        assert_eq!(Step::asking("paid_year"), Step::Deposit);
        assert_eq!(Step::asking("details"), Step::Problem);
        let asked: Vec<&str> = Step::ALL.iter().flat_map(|s| s.fields()).copied().collect();
        assert_eq!(asked, ANSWER_FIELDS[..11]);
    }

    #[test]
    fn the_check_page_reads_the_answers_back_in_words() {
        let mut r = full();
        r.details = "  They stopped answering.  ".into();
        let summary = r.summary();
        assert_eq!(summary[0], (Step::Nation, "Wales".to_string()));
        assert_eq!(summary[4].1, "£950.00, paid on 1/9/2024");
        assert_eq!(
            summary[5].1,
            "My landlord or agent has not returned my deposit.\nThey stopped answering."
        );
        let input = r.to_input(date!(2026 - 11 - 26)).unwrap_or_default();
        assert_eq!(
            input.account.as_deref(),
            Some(
                "Asked for help online. My landlord or agent has not returned my deposit.\n\nThey stopped answering."
            )
        );
    }
}

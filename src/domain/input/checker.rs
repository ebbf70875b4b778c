//! [`Checker`]: collects field errors while raw input becomes domain types; its basic
//! checks (text, dates, money, contacts, choices).

use time::Date;

use super::*;
use crate::domain::{FieldErrors, Money};

/// Collects field errors while converting raw input into domain types.
pub(super) struct Checker {
    pub(super) errors: FieldErrors,
    pub(super) today: Date,
}

impl Checker {
    pub(super) fn text(
        &mut self,
        field: &str,
        value: Option<String>,
        max: usize,
    ) -> Option<String> {
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

    pub(super) fn required(
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

    pub(super) fn date(
        &mut self,
        field: &str,
        value: Option<String>,
        past_only: bool,
    ) -> Option<Date> {
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
                self.errors.add(field, crate::domain::dates::BAD_DATE);
                None
            }
        }
    }

    pub(super) fn money(&mut self, field: &str, pence: Option<i64>) -> Option<Money> {
        let p = pence?;
        let m = Money::from_pence(p);
        if m.is_none() {
            self.errors
                .add(field, "Must be between £0.00 and £10,000,000.00");
        }
        m
    }

    pub(super) fn email(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let v = self.text(field, value, 254)?;
        match email_problem(&v) {
            None => Some(v),
            Some(m) => {
                self.errors.add(field, m);
                None
            }
        }
    }

    pub(super) fn phone(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let v = self.text(field, value, 40)?;
        match phone_problem(&v) {
            None => Some(v),
            Some(m) => {
                self.errors.add(field, m);
                None
            }
        }
    }

    pub(super) fn choice<T: Copy>(
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
    pub(super) fn yes_no(&mut self, field: &str, value: Option<serde_json::Value>) -> Option<bool> {
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

    pub(super) fn limit<T>(&mut self, field: &str, items: Option<Vec<T>>) -> Vec<T> {
        let items = items.unwrap_or_default();
        if items.len() > MAX_ITEMS {
            self.errors.add(field, format!("Give at most {MAX_ITEMS}"));
            return Vec::new();
        }
        items
    }
}

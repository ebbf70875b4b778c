//! Money as whole pence. No floating point anywhere.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in whole pence. Never negative once validated.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Money(i64);

impl TryFrom<i64> for Money {
    type Error = String;
    fn try_from(pence: i64) -> Result<Money, String> {
        Money::from_pence(pence)
            .ok_or_else(|| format!("{pence} is not an amount from 0 to {MAX_PENCE} pence"))
    }
}

impl From<Money> for i64 {
    fn from(m: Money) -> i64 {
        m.0
    }
}

/// The largest amount tenantcase accepts: £10,000,000.00. Far above any deposit,
/// far below any overflow.
pub const MAX_PENCE: i64 = 1_000_000_000;

impl Money {
    /// Zero pounds.
    pub const ZERO: Money = Money(0);

    /// An amount from whole pence, if it lies in `0..=MAX_PENCE`.
    pub fn from_pence(pence: i64) -> Option<Money> {
        (0..=MAX_PENCE).contains(&pence).then_some(Money(pence))
    }

    /// The amount in pence.
    pub fn pence(self) -> i64 {
        self.0
    }

    /// Sum of amounts; `None` past `MAX_PENCE`.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).and_then(Money::from_pence)
    }

    /// Parses what a person types as pounds: "1250", "1,250.5", "£1,250.00".
    pub fn parse_pounds(input: &str) -> Result<Money, &'static str> {
        let s: String = input
            .trim()
            .trim_start_matches('£')
            .chars()
            .filter(|c| *c != ',' && !c.is_whitespace())
            .collect();
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        let digits_only = |t: &str| t.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > 2 {
            return Err("Enter an amount in pounds and pence, like 1,250.00");
        }
        let pounds: i64 = whole.parse().map_err(|_| "Enter a smaller amount")?;
        let pence: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().unwrap_or(0) * 10,
            _ => frac.parse::<i64>().unwrap_or(0),
        };
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .and_then(Money::from_pence)
            .ok_or("Enter an amount of £10,000,000.00 or less")
    }

    /// The amount as a plain pounds figure for form fields: "1250.00".
    pub fn to_pounds_input(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Display for Money {
    /// Formats as "£1,250.00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pounds = (self.0 / 100).to_string();
        let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
        for (i, c) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "£{grouped}.{:02}", self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_thousands_separators() {
        let m = |p| Money::from_pence(p).map(|m| m.to_string());
        assert_eq!(m(0).as_deref(), Some("£0.00"));
        assert_eq!(m(5).as_deref(), Some("£0.05"));
        assert_eq!(m(125_000).as_deref(), Some("£1,250.00"));
        assert_eq!(m(115_384).as_deref(), Some("£1,153.84"));
        assert_eq!(m(123_456_789).as_deref(), Some("£1,234,567.89"));
    }

    #[test]
    fn parses_pounds_as_typed() {
        let p = |s| Money::parse_pounds(s).map(Money::pence);
        assert_eq!(p("1250"), Ok(125_000));
        assert_eq!(p("£1,250.00"), Ok(125_000));
        assert_eq!(p(" 1250.5 "), Ok(125_050));
        assert_eq!(p("0.07"), Ok(7));
        assert!(p("12.345").is_err());
        assert!(p("-5").is_err());
        assert!(p("abc").is_err());
        assert!(p("").is_err());
        assert!(p("99999999999999999999").is_err());
    }

    #[test]
    fn deserialising_checks_the_range() {
        assert!(serde_json::from_str::<Money>("-5").is_err());
        assert_eq!(
            serde_json::from_str::<Money>("125000")
                .map(Money::pence)
                .ok(),
            Some(125_000)
        );
    }

    #[test]
    fn rejects_out_of_range_pence() {
        assert!(Money::from_pence(-1).is_none());
        assert!(Money::from_pence(MAX_PENCE + 1).is_none());
        assert_eq!(
            Money::from_pence(MAX_PENCE).map(Money::pence),
            Some(MAX_PENCE)
        );
    }
}

//! UK postcodes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A syntactically valid UK postcode, stored upper case with one space: "LS6 1AB".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// Parses a UK postcode in any case and spacing ("ls61ab", "LS6 1AB").
    pub fn parse(input: &str) -> Result<Postcode, &'static str> {
        const MSG: &str = "Enter a real UK postcode, like LS6 1AB";
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if s == "GIR0AA" {
            return Ok(Postcode("GIR 0AA".into()));
        }
        if !(5..=7).contains(&s.len()) || !s.is_ascii() {
            return Err(MSG);
        }
        let (outward, inward) = s.split_at(s.len() - 3);
        let inward_ok = {
            let b = inward.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
        };
        // Outward code shapes: A9, A99, AA9, AA99, A9A, AA9A.
        let shape: String = outward
            .chars()
            .map(|c| match c {
                'A'..='Z' => 'A',
                '0'..='9' => '9',
                _ => '?',
            })
            .collect();
        let outward_ok = matches!(
            shape.as_str(),
            "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
        );
        if inward_ok && outward_ok {
            Ok(Postcode(format!("{outward} {inward}")))
        } else {
            Err(MSG)
        }
    }

    /// The postcode as text, "LS6 1AB".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code, "LS6": the postcode area and district.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }

    /// The postcode area: the letters it starts with, "LS" for "LS6 1AB", "G" for
    /// "G12 8QQ".
    pub fn area(&self) -> &str {
        let end = self
            .0
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(self.0.len());
        &self.0[..end]
    }

    /// The nation whose law governs a home with this postcode, when its area lies in one
    /// nation only; none for an area with homes on both sides of a border (Chester and
    /// Deeside, Shrewsbury and Powys, Berwick...), which the volunteer is asked, and for
    /// Northern Ireland and the islands, which are outside the app.
    pub fn nation(&self) -> Option<crate::domain::Jurisdiction> {
        use crate::domain::Jurisdiction;
        const SCOTLAND: [&str; 15] = [
            "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE",
        ];
        const WALES: [&str; 2] = ["CF", "SA"];
        // Areas with homes in two nations.
        const ACROSS: [&str; 8] = ["CH", "SY", "HR", "LD", "NP", "TD", "LL", "GL"];
        let area = self.area();
        if SCOTLAND.contains(&area) {
            Some(Jurisdiction::Scotland)
        } else if WALES.contains(&area) {
            Some(Jurisdiction::Wales)
        } else if ACROSS.contains(&area)
            || area == "BT"
            || area == "IM"
            || area == "JE"
            || area == "GY"
        {
            None
        } else {
            Some(Jurisdiction::England)
        }
    }
}

impl TryFrom<String> for Postcode {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Postcode::parse(&value)
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_postcode_names_its_nation_unless_its_area_crosses_a_border() {
        use crate::domain::Jurisdiction::*;
        let nation = |p: &str| super::Postcode::parse(p).ok().and_then(|p| p.nation());
        assert_eq!(nation("LS6 1AB"), Some(England));
        assert_eq!(nation("G12 8QQ"), Some(Scotland));
        assert_eq!(nation("EH8 9YL"), Some(Scotland));
        assert_eq!(nation("CF24 4HQ"), Some(Wales));
        assert_eq!(nation("SA1 8PP"), Some(Wales));
        assert_eq!(
            nation("CH5 1AA"),
            None,
            "Deeside is in Wales, Chester in England"
        );
        assert_eq!(nation("TD15 1AA"), None, "Berwick is in England");
        assert_eq!(nation("BT1 1AA"), None, "Northern Ireland is not ours");
    }

    use super::*;

    #[test]
    fn the_area_is_the_leading_letters() {
        let area = |p: &str| Postcode::parse(p).map(|p| p.area().to_string());
        assert_eq!(area("ls6 1ab"), Ok("LS".into()));
        assert_eq!(area("G12 8QQ"), Ok("G".into()));
        assert_eq!(area("CF10 1AA"), Ok("CF".into()));
        assert_eq!(area("W1A 1AA"), Ok("W".into()));
    }

    #[test]
    fn accepts_every_uk_shape() {
        for (input, want) in [
            ("ls61ab", "LS6 1AB"),
            ("M1 1AE", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("cf10 1ep", "CF10 1EP"),
            ("EH1  1YZ", "EH1 1YZ"),
        ] {
            assert_eq!(
                Postcode::parse(input).map(String::from),
                Ok(want.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_postcode() {
        for input in [
            "",
            "12345",
            "LS6",
            "LS6 1A",
            "LS61 1ABC",
            "1S6 1AB",
            "LS6 AAB",
            "ŁS6 1AB",
        ] {
            assert!(Postcode::parse(input).is_err(), "{input}");
        }
    }

    #[test]
    fn outward_code() {
        assert_eq!(
            Postcode::parse("CF10 1EP").map(|p| p.outward().to_string()),
            Ok("CF10".into())
        );
    }
}

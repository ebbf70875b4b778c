//! Field-level validation errors, in the order the fields appear.

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Problems with input, each against the path of its field (`tenant.email`,
/// `deposit.instalments[1].amount_pence`), in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// Records a problem with `field`. Only the first problem per field is kept.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if !self.contains(&field) {
            self.0.push((field, message.into()));
        }
    }

    /// One error.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> FieldErrors {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    }

    /// Whether `field` has a problem.
    pub fn contains(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// The message for `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The same problems, with every message `from` said as `to`.
    pub fn reworded(&self, from: &str, to: &str) -> FieldErrors {
        FieldErrors(
            self.0
                .iter()
                .map(|(f, m)| (f.clone(), if m == from { to.into() } else { m.clone() }))
                .collect(),
        )
    }

    /// Each field and its problem, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// Adds every error of `other` that is not here yet.
    pub fn merge(&mut self, other: FieldErrors) {
        for (f, m) in other.0 {
            self.add(f, m);
        }
    }
}

impl Serialize for FieldErrors {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (f, m) in &self.0 {
            map.serialize_entry(f, m)?;
        }
        map.end()
    }
}

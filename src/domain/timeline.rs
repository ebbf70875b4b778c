//! What goes on a case's timeline, and how an edit is described.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CaseFacts, Money};

/// One changed field of an edit: its path and the values before and after, as shown to
/// people ("£1,250.00", "2024-02-08"). `None` means empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Change {
    /// Field path, e.g. `tenant.email` or `deductions[0].amount_pence`.
    pub field: String,
    /// The value before.
    pub from: Option<String>,
    /// The value after.
    pub to: Option<String>,
}

/// An entry of the timeline. Entries are only ever appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEvent {
    /// The case was taken in.
    Created {
        /// Its reference.
        reference: String,
    },
    /// Facts or status were edited.
    Edited {
        /// What changed.
        changes: Vec<Change>,
    },
    /// A free-text note.
    Note {
        /// The note.
        text: String,
    },
    /// The case moved to another stage.
    Transitioned {
        /// From.
        from: super::workflow::Stage,
        /// To.
        to: super::workflow::Stage,
        /// Why.
        reason: Option<String>,
        /// Why closed.
        outcome_code: Option<super::workflow::OutcomeCode>,
        /// Whether the time limit to claim was overridden.
        overridden: bool,
        /// What was recovered, when resolved.
        outcome: Option<super::workflow::Outcome>,
    },
    /// A letter was generated (and frozen).
    LetterGenerated {
        /// The letter.
        letter: uuid::Uuid,
        /// L1 … L6.
        #[serde(rename = "type")]
        letter_type: String,
        /// Its title.
        title: String,
        /// Which version of this kind for the case.
        version: i32,
    },
    /// A letter was sent.
    LetterSent {
        /// The letter.
        letter: uuid::Uuid,
        /// Its title.
        title: String,
        /// Post, e-mail or by hand.
        method: String,
        /// The day it was sent.
        #[serde(with = "super::case::iso_date")]
        on: time::Date,
        /// The reply it asks for is due on.
        #[serde(with = "super::case::iso_date::option")]
        reply_due: Option<time::Date>,
    },
    /// Volunteers were assigned to or taken off the case.
    Assigned {
        /// Names now assigned who were not.
        added: Vec<String>,
        /// Names no longer assigned.
        removed: Vec<String>,
    },
    /// The tenant sent a message.
    TenantMessage {
        /// The message.
        message: uuid::Uuid,
        /// What it says.
        text: String,
    },
    /// A caseworker replied to the tenant (the tenant sees it).
    MessageToTenant {
        /// The message.
        message: uuid::Uuid,
        /// What it says.
        text: String,
    },
    /// A document was added to the case.
    DocumentAdded {
        /// The document.
        document: uuid::Uuid,
        /// Its file name.
        file_name: String,
        /// Sent by the tenant through their status page.
        from_tenant: bool,
    },
    /// A document was shown to, or hidden from, the tenant.
    DocumentShared {
        /// The document.
        document: uuid::Uuid,
        /// Its file name.
        file_name: String,
        /// Whether the tenant now sees it.
        visible: bool,
    },
    /// A new tenant access code was issued (the code itself is never kept).
    AccessCodeIssued,
}

impl TimelineEvent {
    /// The machine name of the kind, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            TimelineEvent::Created { .. } => "created",
            TimelineEvent::Edited { .. } => "edited",
            TimelineEvent::Note { .. } => "note",
            TimelineEvent::Assigned { .. } => "assigned",
            TimelineEvent::Transitioned { .. } => "transitioned",
            TimelineEvent::LetterGenerated { .. } => "letter_generated",
            TimelineEvent::LetterSent { .. } => "letter_sent",
            TimelineEvent::TenantMessage { .. } => "tenant_message",
            TimelineEvent::MessageToTenant { .. } => "message_to_tenant",
            TimelineEvent::DocumentAdded { .. } => "document_added",
            TimelineEvent::DocumentShared { .. } => "document_shared",
            TimelineEvent::AccessCodeIssued => "access_code_issued",
        }
    }
}

/// Every field that differs between `old` and `new`, in field order.
pub fn diff(old: &CaseFacts, new: &CaseFacts) -> Vec<Change> {
    let flat = |f: &CaseFacts| {
        flatten(&serde_json::to_value(f).unwrap_or(Value::Null), |m| {
            m.to_string()
        })
    };
    let (before, after) = (flat(old), flat(new));
    let lookup = |list: &[(String, String)], k: &str| {
        list.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone())
    };
    let mut fields: Vec<&String> = after.iter().map(|(f, _)| f).collect();
    for (f, _) in &before {
        if !fields.contains(&f) {
            fields.push(f);
        }
    }
    fields
        .into_iter()
        .filter_map(|field| {
            let (from, to) = (lookup(&before, field), lookup(&after, field));
            (from != to).then(|| Change {
                field: field.clone(),
                from,
                to,
            })
        })
        .collect()
}

/// The leaves of a JSON document as (field path, text) pairs, in document order:
/// `tenant.email`, `deductions[0].amount_pence`. Amounts (fields ending `_pence`) are
/// written with `money`; nulls are left out.
pub fn flatten(value: &Value, money: fn(Money) -> String) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten_into("", value, money, &mut out);
    out
}

fn flatten_into(
    prefix: &str,
    value: &Value,
    money: fn(Money) -> String,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_into(&path, v, money, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten_into(&format!("{prefix}[{i}]"), v, money, out);
            }
        }
        Value::Number(n) if prefix.ends_with("_pence") => {
            let shown = n.as_i64().and_then(Money::from_pence).map(money);
            out.push((prefix.to_string(), shown.unwrap_or_else(|| n.to_string())));
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::CaseInput;
    use serde_json::json;
    use time::macros::date;

    fn facts(v: Value) -> Option<CaseFacts> {
        serde_json::from_value::<CaseInput>(v)
            .ok()?
            .validate(date!(2026 - 11 - 26))
            .ok()
    }

    #[test]
    fn diff_names_each_changed_field_with_readable_values() {
        let a = facts(json!({
            "tenant": {"name": "Zoë Price", "email": "zoe@example.org", "consent_date": "2026-11-01"},
            "tenancy": {"jurisdiction": "england"},
            "deposit": {"amount_pence": 110000}
        }));
        let b = facts(json!({
            "tenant": {"name": "Zoë Price", "consent_date": "2026-11-01"},
            "tenancy": {"jurisdiction": "england"},
            "deposit": {"amount_pence": 120000, "scheme": "dps"}
        }));
        let (Some(a), Some(b)) = (a, b) else {
            panic!("fixtures must be valid")
        };
        let changes = diff(&a, &b);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            ["deposit.amount_pence", "deposit.scheme", "tenant.email"]
        );
        assert_eq!(changes[0].from.as_deref(), Some("£1,100.00"));
        assert_eq!(changes[0].to.as_deref(), Some("£1,200.00"));
        assert_eq!(changes[2].to, None);
        assert!(diff(&a, &a).is_empty());
    }
}

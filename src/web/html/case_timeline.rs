//! A case's timeline in words, for the case page.

use serde::Serialize;

use crate::db::cases::TimelineEntry;
use crate::domain::case::long_date;
use crate::domain::timeline::TimelineEvent;

/// One timeline entry in words: a title, and a text, lines or changes beneath it.
#[derive(Debug, Default, Serialize)]
pub(super) struct TimelineItem {
    kind: &'static str,
    title: String,
    text: Option<String>,
    lines: Vec<String>,
    changes: Vec<ChangeView>,
    actor: Option<String>,
    at: String,
}

#[derive(Debug, Serialize)]
struct ChangeView {
    field: String,
    from: Option<String>,
    to: Option<String>,
}

/// A field path in words: `deposit.amount_pence` → "deposit › amount".
fn field_label(path: &str) -> String {
    path.replace("_pence", "")
        .replace(['_'], " ")
        .replace('.', " › ")
}

fn transition_lines(event: &TimelineEvent) -> Vec<String> {
    let TimelineEvent::Transitioned {
        reason,
        outcome_code,
        overridden,
        outcome,
        ..
    } = event
    else {
        return Vec::new();
    };
    let mut lines: Vec<String> = Vec::new();
    if let Some(r) = reason {
        lines.push(format!("Why: {r}"));
    }
    if let Some(code) = outcome_code {
        lines.push(format!("Outcome: {}", code.label()));
    }
    if *overridden {
        lines.push("The time limit to claim was overridden.".into());
    }
    if let Some(o) = outcome {
        lines.push(format!(
            "Recovered {} ({}): deposit {}, penalty {}, prohibited payments {}, interest {}, on {}",
            o.total(),
            o.route.label(),
            o.deposit,
            o.penalty,
            o.prohibited,
            o.interest,
            long_date(o.date)
        ));
    }
    lines
}

pub(super) fn timeline_item(e: &TimelineEntry) -> TimelineItem {
    let event = &e.event;
    TimelineItem {
        kind: event.kind(),
        title: event_title(event),
        text: match event {
            TimelineEvent::Note { text }
            | TimelineEvent::TenantMessage { text, .. }
            | TimelineEvent::MessageToTenant { text, .. } => Some(text.clone()),
            _ => None,
        },
        lines: match event {
            TimelineEvent::Transitioned { .. } => transition_lines(event),
            TimelineEvent::LetterSent {
                method,
                on,
                reply_due,
                ..
            } => {
                let due = reply_due.map(|d| format!(" Reply due by {}.", long_date(d)));
                let due = due.unwrap_or_default();
                vec![format!("Sent by {method} on {}.{due}", long_date(*on))]
            }
            _ => Vec::new(),
        },
        changes: match event {
            TimelineEvent::Edited { changes } => changes
                .iter()
                .map(|c| ChangeView {
                    field: field_label(&c.field),
                    from: c.from.clone(),
                    to: c.to.clone(),
                })
                .collect(),
            _ => Vec::new(),
        },
        actor: e.actor.clone(),
        at: e
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    }
}

/// What happened, as the timeline's heading for it.
fn event_title(event: &TimelineEvent) -> String {
    match event {
        TimelineEvent::Created { reference } => format!("Case {reference} taken in"),
        TimelineEvent::Note { .. } => "Note".to_string(),
        TimelineEvent::Assigned { added, removed } => {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("Assigned to {}", added.join(", ")));
            }
            if !removed.is_empty() {
                parts.push(format!("No longer assigned: {}", removed.join(", ")));
            }
            parts.join(". ")
        }
        TimelineEvent::Transitioned { from, to, .. } => {
            format!("Moved from {} to {}", from.label(), to.label())
        }
        TimelineEvent::LetterGenerated { title, version, .. } => {
            format!("Letter written: {title} (version {version})")
        }
        TimelineEvent::LetterSent { title, .. } => format!("Letter sent: {title}"),
        TimelineEvent::TenantMessage { .. } => "Message from the tenant".to_string(),
        TimelineEvent::MessageToTenant { .. } => "Message to the tenant".to_string(),
        TimelineEvent::DocumentAdded {
            file_name,
            from_tenant,
            ..
        } => {
            let who = if *from_tenant { " by the tenant" } else { "" };
            format!("Document added{who}: {file_name}")
        }
        TimelineEvent::DocumentShared {
            file_name, visible, ..
        } => {
            let what = if *visible { "shown to" } else { "hidden from" };
            format!("Document {what} the tenant: {file_name}")
        }
        TimelineEvent::AccessCodeIssued => "New access code for the tenant".to_string(),
        TimelineEvent::Edited { .. } => "Case edited".to_string(),
    }
}

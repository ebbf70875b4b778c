//! The case page: one read of the case ([`crate::service::case_file::open`]) turned into a
//! typed view, rendered by `templates/cases/show.html`.

use axum::http::StatusCode;
use serde::Serialize;
use uuid::Uuid;

use super::case_form;
use super::{Choice, PageResult, page};
use crate::app::AppState;
use crate::db::cases::TimelineEntry;
use crate::db::groups::Group;
use crate::domain::case::{ContactMethod, PartyKind, RentPeriod, Scheme, long_date};
use crate::domain::letters::LetterKind;
use crate::domain::rules::{self, Assessment, PenaltyRange, RuleId};
use crate::domain::timeline::TimelineEvent;
use crate::domain::workflow::Stage;
use crate::domain::{CaseRecord, FieldErrors, Money};
use crate::service::case_file::{self, Assignable, CaseFile};
use crate::service::cases;
use crate::service::letters::LetterInfo;
use crate::service::portal::{DocumentInfo, MessageInfo};
use crate::web::session::{SignedIn, Visitor};

/// What was just done to a case: the case page opens with a banner that says so and what
/// comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Done {
    /// Taken in.
    Created,
    /// Its facts changed.
    Edited,
    /// A note added.
    Note,
    /// A look-up of the schemes recorded.
    SchemeCheck,
    /// Who works it changed.
    Assigned,
    /// The reader took it on.
    Taken,
    /// It moved to another stage.
    Moved,
    /// A letter was written.
    Letter,
    /// A letter was marked sent.
    Sent,
    /// A reply went to the tenant.
    Reply,
    /// A document was added.
    Document,
}

impl Done {
    /// Each: its name in the address, the part of the page it concerns, what happened and
    /// what is next.
    const TABLE: [(Done, &'static str, &'static str, &'static str, &'static str); 11] = [
        (
            Done::Created,
            "created",
            "summary",
            "Case taken in",
            "You work this case. Next: check what the law gives the tenant, below, then write to the landlord.",
        ),
        (
            Done::Edited,
            "edited",
            "summary",
            "Changes saved",
            "What the law gives the tenant, below, uses them.",
        ),
        (
            Done::Note,
            "note",
            "timeline",
            "Note added",
            "It is on the timeline, for your group only: the tenant never sees notes.",
        ),
        (
            Done::SchemeCheck,
            "scheme-check",
            "scheme-checks",
            "Scheme look-up recorded",
            "What the law gives the tenant, below, takes it into account.",
        ),
        (
            Done::Assigned,
            "assigned",
            "assignees",
            "Saved who works this case",
            "They see it on their home page.",
        ),
        (
            Done::Taken,
            "taken",
            "summary",
            "You work this case now",
            "It is on your home page. Next: read the facts and contact the tenant.",
        ),
        (
            Done::Moved,
            "moved",
            "summary",
            "Case moved",
            "The tenant sees the new stage when they check their case.",
        ),
        (
            Done::Letter,
            "letter",
            "letters",
            "Letter written",
            "Download it and send it, then mark it sent under Letters.",
        ),
        (
            Done::Sent,
            "sent",
            "letters",
            "Letter marked as sent",
            "Its reply deadline is on your home page. If no reply comes in time, write the next letter.",
        ),
        (
            Done::Reply,
            "reply",
            "messages",
            "Reply sent to the tenant",
            "They see it when they check their case.",
        ),
        (
            Done::Document,
            "document",
            "documents",
            "Document added",
            "Choose under Documents whether the tenant sees it.",
        ),
    ];

    fn row(self) -> (Done, &'static str, &'static str, &'static str, &'static str) {
        Done::TABLE
            .into_iter()
            .find(|r| r.0 == self)
            .unwrap_or(Done::TABLE[0])
    }

    /// The `done` value in the case page's address.
    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    /// The thing done for a `done` value; none for anything else.
    pub fn parse(s: &str) -> Option<Done> {
        Done::TABLE.into_iter().find(|r| r.1 == s).map(|r| r.0)
    }

    /// Where the case page goes after it: the banner, which links to the part concerned.
    pub fn page(self, case: Uuid) -> String {
        format!("/cases/{case}?done={}#done", self.as_str())
    }
}

/// A letter's type and title.
#[derive(Debug, Serialize)]
struct KindTitle {
    value: &'static str,
    title: &'static str,
}

/// The banner of what was just done.
#[derive(Debug, Serialize)]
struct Notice {
    title: &'static str,
    next: &'static str,
    /// The part of the page it concerns.
    anchor: &'static str,
}

/// What was typed into the case page's small forms, shown again when one comes back with
/// errors, and what was just done.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Drafts<'a> {
    /// What was just done, for the banner.
    pub done: Option<Done>,
    /// A note.
    pub note: &'a str,
    /// A reply to the tenant.
    pub reply: &'a str,
    /// A look-up of the schemes.
    pub check: &'a [(String, String)],
}

/// Everything `cases/show.html` shows.
#[derive(Debug, Serialize)]
struct CasePage<'a> {
    case: &'a CaseRecord,
    group: &'a Group,
    labels: Labels,
    open: bool,
    next_deadline: Option<NextDeadline>,
    assignee_names: String,
    unreturned_pence: Option<i64>,
    deductions_total: i64,
    outcome: Option<OutcomeView>,
    assessment: AssessmentView,
    scheme_checks: Vec<SchemeCheckView>,
    moves: Vec<Choice>,
    letters: &'a [LetterInfo],
    letter_kinds: Vec<LetterChoice>,
    messages: &'a [MessageInfo],
    documents: &'a [DocumentInfo],
    has_code: bool,
    can_assign: bool,
    /// No one works the case and the reader may take it on.
    can_take: bool,
    assignable: &'a [Assignable],
    timeline: Vec<TimelineItem>,
    note: &'a str,
    reply: &'a str,
    check: std::collections::BTreeMap<&'a str, &'a str>,
    scheme_choices: Vec<Choice>,
    /// The banner of what was just done.
    notice: Option<Notice>,
    /// The letter to write now that a request went unanswered: its type and title.
    next_letter: Option<KindTitle>,
    /// By letter type, the stage marking such a letter sent offers to move the case to.
    sent_moves: std::collections::BTreeMap<&'static str, Choice>,
}

/// The facts' codes in words.
#[derive(Debug, Serialize)]
struct Labels {
    jurisdiction: &'static str,
    stage: &'static str,
    tenant_stage: &'static str,
    scheme: Option<&'static str>,
    rent_period: Option<&'static str>,
    preferred_contact: Option<&'static str>,
    landlord_kind: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct NextDeadline {
    label: String,
    #[serde(with = "crate::domain::case::iso_date")]
    due: time::Date,
    /// How long ago it was missed, in words; none while it runs.
    missed: Option<String>,
    /// The whole line, as the case card shows it.
    text: String,
}

/// The deadline the case card leads with: rules and letters' replies alike, a passed one
/// shown as missed.
fn next_deadline(
    a: &Assessment,
    letters: &[LetterInfo],
    today: time::Date,
) -> Option<NextDeadline> {
    let replies: Vec<(&str, time::Date)> = letters
        .iter()
        .filter_map(|l| Some((l.title.as_str(), l.reply_due?)))
        .collect();
    let next = crate::domain::alerts::next_deadline(&a.deadlines, &replies, today)?;
    let missed = next
        .missed
        .then(|| crate::domain::dates::ago(next.due, today));
    let text = match &missed {
        Some(ago) => format!("{}: missed {ago} ({})", next.label, long_date(next.due)),
        None => format!("{}: {}", next.label, long_date(next.due)),
    };
    Some(NextDeadline {
        label: next.label,
        due: next.due,
        missed,
        text,
    })
}

#[derive(Debug, Serialize)]
struct OutcomeView {
    total_pence: i64,
    route: &'static str,
    date: String,
}

#[derive(Debug, Serialize)]
struct AssessmentView {
    protection_due: Option<String>,
    breaches: Vec<&'static str>,
    penalty: Option<PenaltyRange>,
    claim_by: Option<String>,
    deposit_cap_pence: Option<i64>,
    cap_citation: Option<&'static str>,
    to_check: Vec<&'static str>,
    interest: Option<InterestView>,
    prohibited_excess_pence: i64,
    deadlines: Vec<DeadlineView>,
    notes: Vec<String>,
}

#[derive(Debug, Serialize)]
struct InterestView {
    percent: String,
    from: String,
    daily_pence: i64,
    to_date_pence: i64,
    citation: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct DeadlineView {
    rule: RuleId,
    label: String,
    due: String,
    status: &'static str,
    citation: &'static str,
}

#[derive(Debug, Serialize)]
struct SchemeCheckView {
    date: String,
    found: bool,
    scheme: Option<&'static str>,
    certificate: Option<String>,
}

#[derive(Debug, Serialize)]
struct LetterChoice {
    value: &'static str,
    title: &'static str,
    suits: bool,
}

/// One timeline entry in words: a title, and a text, lines or changes beneath it.
#[derive(Debug, Default, Serialize)]
struct TimelineItem {
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

fn timeline_item(e: &TimelineEntry) -> TimelineItem {
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

fn assessment_view(case: &CaseRecord, a: &Assessment, today: time::Date) -> AssessmentView {
    let f = &case.facts;
    let j = f.tenancy.jurisdiction;
    AssessmentView {
        protection_due: a.protection_due.map(|d| d.to_string()),
        breaches: a.breaches.iter().map(|b| b.label()).collect(),
        penalty: a.penalty,
        claim_by: a.claim_by.map(|d| d.to_string()),
        deposit_cap_pence: a.deposit_cap_pence,
        cap_citation: f
            .tenancy
            .start_date
            .and_then(|start| rules::rule(RuleId::R6, j, start))
            .map(|r| r.citation),
        to_check: a.to_check.iter().map(|t| t.label()).collect(),
        interest: a.interest.map(|i| InterestView {
            percent: format!("{}.{:02}", i.rate_bp / 100, i.rate_bp % 100),
            from: i.from.to_string(),
            daily_pence: i.daily_pence,
            to_date_pence: i.to_date_pence,
            citation: rules::rule(RuleId::R12, j, today).map(|r| r.citation),
        }),
        prohibited_excess_pence: a.prohibited_excess_pence,
        deadlines: a
            .deadlines
            .iter()
            .map(|d| DeadlineView {
                rule: d.rule,
                label: d.label.clone(),
                due: d.due.to_string(),
                status: d.status.label(),
                citation: d.citation,
            })
            .collect(),
        notes: a.notes.clone(),
    }
}

fn moves(case: &CaseRecord, today: time::Date) -> Vec<Choice> {
    let (next, _) = cases::next_stages(case, today);
    next.iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: if case.stage == Stage::OnHold && *s != Stage::Withdrawn {
                format!("Resume at: {}", s.label()).into()
            } else {
                format!("Move to: {}", s.label()).into()
            },
        })
        .collect()
}

fn labels(case: &CaseRecord) -> Labels {
    let f = &case.facts;
    Labels {
        jurisdiction: f.tenancy.jurisdiction.label(),
        stage: case.stage.label(),
        tenant_stage: case.stage.tenant_label(),
        scheme: f.deposit.scheme.map(Scheme::label),
        rent_period: f.tenancy.rent_period.map(RentPeriod::label),
        preferred_contact: f.tenant.preferred_contact.map(ContactMethod::label),
        landlord_kind: f.landlord.as_ref().map(|l| l.kind).map(PartyKind::label),
    }
}

/// The scheme look-ups, newest first.
fn scheme_checks(case: &CaseRecord) -> Vec<SchemeCheckView> {
    case.facts
        .deposit
        .scheme_checks
        .iter()
        .rev()
        .map(|c| SchemeCheckView {
            date: c.date.to_string(),
            found: c.found,
            scheme: c.scheme.map(Scheme::label),
            certificate: c.certificate.clone(),
        })
        .collect()
}

/// The letters that can be written, and whether each suits the case's stage. L4 accuses
/// the landlord: it is offered only once a breach is established.
fn letter_choices(case: &CaseRecord, a: &Assessment) -> Vec<LetterChoice> {
    LetterKind::ALL
        .iter()
        .filter(|k| **k != LetterKind::L4 || !a.breaches.is_empty())
        .map(|k| LetterChoice {
            value: k.as_str(),
            title: k.title(),
            suits: k.suits(case.stage),
        })
        .collect()
}

/// The case page, with `status`, the errors of a form that came back and what was typed.
pub(super) async fn case_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    id: Uuid,
    status: StatusCode,
    errors: &FieldErrors,
    drafts: Drafts<'_>,
) -> PageResult {
    let file: CaseFile = case_file::open(&state.db, &state.reads, &user.principal, id).await?;
    let today = state.clock.today();
    let case = &file.detail.case;
    let f = &case.facts;
    let a = rules::assess(f, today);
    let page_view = CasePage {
        case,
        group: &file.detail.group,
        labels: labels(case),
        open: case.stage.is_open(),
        next_deadline: next_deadline(&a, &file.letters, today),
        assignee_names: file
            .detail
            .assignees
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        unreturned_pence: f
            .deposit
            .amount
            .map(|m| m.pence() - f.deposit.returned.map_or(0, Money::pence)),
        deductions_total: f.deductions_total().pence(),
        outcome: case.outcome.as_ref().map(|o| OutcomeView {
            total_pence: o.total().pence(),
            route: o.route.label(),
            date: o.date.to_string(),
        }),
        assessment: assessment_view(case, &a, today),
        scheme_checks: scheme_checks(case),
        moves: moves(case, today),
        letters: &file.letters,
        letter_kinds: letter_choices(case, &a),
        messages: &file.messages,
        documents: &file.documents,
        has_code: file.has_code,
        can_assign: file.assignable.is_some(),
        can_take: file.detail.assignees.is_empty()
            && case.stage.is_open()
            && user.principal.member_of(case.group_id),
        assignable: file.assignable.as_deref().unwrap_or_default(),
        timeline: file.timeline.iter().map(timeline_item).collect(),
        note: drafts.note,
        reply: drafts.reply,
        check: drafts
            .check
            .iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        scheme_choices: case_form::schemes(),
        next_letter: case
            .stage
            .is_open()
            .then(|| {
                let sent: Vec<_> = file
                    .letters
                    .iter()
                    .filter_map(|l| Some((LetterKind::parse(&l.kind)?, l.reply_due)))
                    .collect();
                let breached = !a.breaches.is_empty();
                crate::domain::letters::after_unanswered_request(&sent, breached, today)
            })
            .flatten()
            .map(|k| KindTitle {
                value: k.as_str(),
                title: k.title(),
            }),
        notice: drafts.done.map(|d| {
            let (_, _, anchor, title, next) = d.row();
            Notice {
                title,
                next,
                anchor,
            }
        }),
        sent_moves: LetterKind::ALL
            .iter()
            .filter_map(|k| {
                let to = crate::domain::workflow::stage_after_letter(*k, case.stage)?;
                let label = to.label().into();
                Some((
                    k.as_str(),
                    Choice {
                        value: to.as_str(),
                        label,
                    },
                ))
            })
            .collect(),
    };
    page(status, "cases/show.html", Some(visitor), errors, &page_view)
}

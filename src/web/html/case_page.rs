//! The case page: one read of the case ([`crate::service::case_file::open`]) turned into a
//! typed view, rendered by `templates/cases/show.html`.

use axum::http::StatusCode;
use serde::Serialize;
use uuid::Uuid;

pub(super) use super::case_done::Done;
use super::case_done::Notice;
use super::case_form;
use super::case_timeline::{TimelineItem, timeline_item};
use super::{Choice, PageResult, page};
use crate::app::AppState;
use crate::db::groups::Group;
use crate::domain::case::{ContactMethod, PartyKind, RentPeriod, Scheme};
use crate::domain::letters::LetterKind;
use crate::domain::rules::{self, Assessment, PenaltyRange, RuleId};
use crate::domain::workflow::Stage;
use crate::domain::{CaseRecord, FieldErrors, Money};
use crate::service::case_file::{self, Assignable, CaseFile};
use crate::service::cases;
use crate::service::letters::LetterInfo;
use crate::service::portal::{DocumentInfo, MessageInfo};
use crate::web::session::{SignedIn, Visitor};

/// A letter's type and title.
#[derive(Debug, Serialize)]
struct KindTitle {
    value: &'static str,
    title: &'static str,
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
    let text = crate::domain::alerts::deadline_text(&next.label, next.due, next.missed, today);
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

/// The letter to write now that a request went unanswered, if any.
fn next_letter(
    case: &CaseRecord,
    a: &Assessment,
    letters: &[LetterInfo],
    today: time::Date,
) -> Option<KindTitle> {
    if !case.stage.is_open() {
        return None;
    }
    let sent: Vec<_> = letters
        .iter()
        .filter_map(|l| Some((LetterKind::parse(&l.kind)?, l.reply_due)))
        .collect();
    let breached = !a.breaches.is_empty();
    let kind = crate::domain::letters::after_unanswered_request(&sent, breached, today)?;
    Some(KindTitle {
        value: kind.as_str(),
        title: kind.title(),
    })
}

/// By letter type, the stage that marking such a letter sent offers to move the case to.
fn sent_moves(stage: Stage) -> std::collections::BTreeMap<&'static str, Choice> {
    LetterKind::ALL
        .iter()
        .filter_map(|k| {
            let to = crate::domain::workflow::stage_after_letter(*k, stage)?;
            let label = to.label().into();
            Some((
                k.as_str(),
                Choice {
                    value: to.as_str(),
                    label,
                },
            ))
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
        next_letter: next_letter(case, &a, &file.letters, today),
        notice: drafts.done.map(Done::notice),
        sent_moves: sent_moves(case.stage),
    };
    page(status, "cases/show.html", Some(visitor), errors, &page_view)
}

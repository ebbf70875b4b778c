//! Case pages: my cases, list, intake, case page, edit, notes, assignment.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::case_form::{self, FormValues};
use super::transition_form;
use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::case::{ContactMethod, PartyKind, RentPeriod, Scheme};
use crate::domain::rules::{self, DeadlineStatus};
use crate::domain::timeline::TimelineEvent;
use crate::domain::workflow::{OutcomeCode, Route, Stage};
use crate::domain::{CaseRecord, CaseStatus, CaseSummary, FieldErrors, Jurisdiction, Money};
use crate::error::AppError;
use crate::service::admin;
use crate::service::cases::{self, TimelineEntry};
use crate::web::parse_id as case_id;
use crate::web::session::{SignedIn, Visitor};

const PER_PAGE: u64 = 25;

fn summary_rows(items: &[CaseSummary]) -> Vec<Value> {
    items
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "reference": c.reference, "tenant_name": c.tenant_name,
                "landlord_name": c.landlord_name, "postcode": c.postcode,
                "jurisdiction": c.jurisdiction.label(), "stage": c.stage.label(),
            })
        })
        .collect()
}

/// "My cases": the open cases assigned to the signed-in user.
pub async fn home(State(state): State<AppState>, visitor: Visitor) -> PageResult {
    let Some(session) = &visitor.session else {
        return Ok(Redirect::to("/login").into_response());
    };
    let me = &session.principal;
    let filter = cases::CaseFilter {
        assigned_to: Some(me.user_id),
        status: Some(CaseStatus::Open),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let mine = cases::list(&state.db, &state.reads, me, &filter).await?;
    let (my_deadlines, group_deadlines) =
        cases::deadlines(&state.db, state.clock.as_ref(), me).await?;
    let attention = crate::service::portal::needs_attention(&state.db, me).await?;
    let data = json!({"items": summary_rows(&mine.items), "total": mine.total, "total_exact": mine.total_exact, "attention": attention,
                      "mine": my_deadlines, "groups": group_deadlines, "days": cases::DUE_SOON_DAYS});
    Ok(page(
        StatusCode::OK,
        "home.html",
        Some(&visitor),
        &FieldErrors::default(),
        data,
    )?)
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    list_page(&state, &user, &visitor, &pairs, StatusCode::OK, None).await
}

/// The case list, filtered by `pairs`. `batch` carries the errors and choices of a batch
/// of letters that could not be written.
pub(super) async fn list_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    pairs: &[(String, String)],
    status: StatusCode,
    batch: Option<(FieldErrors, serde_json::Value)>,
) -> PageResult {
    let (filter, errors) = match crate::web::list_filter(pairs, PER_PAGE) {
        Ok(f) => (f, FieldErrors::default()),
        Err(e) => (
            cases::CaseFilter {
                page: 1,
                per_page: PER_PAGE,
                ..Default::default()
            },
            e,
        ),
    };
    let result = cases::list(&state.db, &state.reads, &user.principal, &filter).await?;
    // Past the count limit the number of pages is not known: "Next" while pages are full.
    let pages = result
        .total_exact
        .then(|| result.total.div_ceil(result.per_page).max(1));
    let has_next = match pages {
        Some(p) => result.page < p,
        None => result.items.len() as u64 == result.per_page,
    };
    let query = |page: u64| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(j) = filter.jurisdiction {
            q.append_pair("jurisdiction", j.as_str());
        }
        if let Some(s) = filter.status {
            q.append_pair("status", s.as_str());
        }
        if let Some(text) = &filter.q {
            q.append_pair("q", text);
        }
        q.append_pair("page", &page.to_string());
        format!("/cases?{}", q.finish())
    };
    let data = json!({
        "items": summary_rows(&result.items),
        "total": result.total,
        "total_exact": result.total_exact,
        "page": result.page,
        "pages": pages,
        "prev_url": (result.page > 1).then(|| query(result.page - 1)),
        "next_url": has_next.then(|| query(result.page + 1)),
        "filter": {
            "q": filter.q.clone().unwrap_or_default(),
            "jurisdiction": filter.jurisdiction.map(Jurisdiction::as_str).unwrap_or(""),
            "status": filter.status.map(CaseStatus::as_str).unwrap_or(""),
        },
        "choices": case_form::choices(),
        "batch": user.principal.role != crate::domain::user::Role::Volunteer,
        "letter_types": crate::domain::letters::LetterKind::ALL
            .iter()
            .map(|k| json!({"value": k.as_str(), "label": format!("{}: {}", k.as_str(), k.title())}))
            .collect::<Vec<_>>(),
        "values": batch.as_ref().map_or_else(|| json!({"format": "pdf"}), |(_, v)| v.clone()),
    });
    let errors = batch.map_or(errors, |(e, _)| e);
    Ok(page(
        status,
        "cases/list.html",
        Some(visitor),
        &errors,
        data,
    )?)
}

async fn form_page(
    state: &AppState,
    status: StatusCode,
    visitor: &Visitor,
    values: &FormValues,
    errors: &FieldErrors,
    case: Option<&CaseRecord>,
    notice: Option<&str>,
) -> PageResult {
    let groups = match visitor.session.as_ref() {
        Some(s) if case.is_none() => admin::groups_for(&state.db, &s.principal).await?,
        _ => Vec::new(),
    };
    let data = json!({
        "values": values,
        "groups": groups,
        "choices": case_form::choices_for(values),
        "case": case.map(|c| json!({"id": c.id, "reference": c.reference.to_string(), "version": c.version,
                                     "stage": c.stage.label()})),
        "notice": notice,
    });
    Ok(page(
        status,
        "cases/form.html",
        Some(visitor),
        errors,
        data,
    )?)
}

/// When the form itself has problems (amounts that are not money), adds the domain's
/// findings so that every field's problem shows at once. `None` means the form is fine
/// as far as it goes and the service will validate it.
fn all_errors(
    input: &crate::domain::input::CaseInput,
    mut errors: FieldErrors,
    state: &AppState,
) -> Option<FieldErrors> {
    if errors.is_empty() {
        return None;
    }
    if let Err(e) = input.clone().validate(state.clock.today()) {
        errors.merge(e);
    }
    Some(errors)
}

pub async fn new_form(
    State(state): State<AppState>,
    _user: SignedIn,
    visitor: Visitor,
) -> PageResult {
    form_page(
        &state,
        StatusCode::OK,
        &visitor,
        &FormValues::new(),
        &FieldErrors::default(),
        None,
        None,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let mut values = case_form::values(pairs);
    let group = values.remove("group");
    let (input, errors) = case_form::to_input(&values);
    if let Some(group) = &group {
        values.insert("group".into(), group.clone());
    }
    let invalid = |errors: FieldErrors| {
        let (state, visitor, values) = (&state, &visitor, &values);
        async move {
            form_page(
                state,
                StatusCode::UNPROCESSABLE_ENTITY,
                visitor,
                values,
                &errors,
                None,
                None,
            )
            .await
        }
    };
    if let Some(errors) = all_errors(&input, errors, &state) {
        return invalid(errors).await;
    }
    match cases::intake(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        group.as_deref(),
        input,
    )
    .await
    {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}", case.case.id)).into_response()),
        Err(AppError::Invalid(e)) => invalid(e).await,
        Err(e) => Err(e.into()),
    }
}

/// A field path in words: `deposit.amount_pence` → "deposit › amount".
fn field_label(path: &str) -> String {
    path.replace("_pence", "")
        .replace(['_'], " ")
        .replace('.', " › ")
}

fn timeline_view(entries: &[TimelineEntry]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| {
            let (title, detail) = match &e.event {
                TimelineEvent::Created { reference } => (format!("Case {reference} taken in"), json!(null)),
                TimelineEvent::Note { text } => ("Note".to_string(), json!(text)),
                TimelineEvent::Assigned { added, removed } => {
                    let mut parts = Vec::new();
                    if !added.is_empty() {
                        parts.push(format!("Assigned to {}", added.join(", ")));
                    }
                    if !removed.is_empty() {
                        parts.push(format!("No longer assigned: {}", removed.join(", ")));
                    }
                    (parts.join(". "), json!(null))
                }
                TimelineEvent::Transitioned { from, to, reason, outcome_code, overridden, outcome } => {
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
                            o.total(), o.route.label(), o.deposit, o.penalty, o.prohibited, o.interest,
                            crate::domain::case::long_date(o.date)
                        ));
                    }
                    (format!("Moved from {} to {}", from.label(), to.label()), json!(lines))
                }
                TimelineEvent::LetterGenerated { title, version, .. } => {
                    (format!("Letter written: {title} (version {version})"), json!(null))
                }
                TimelineEvent::LetterSent { title, method, on, reply_due, .. } => {
                    let due = reply_due.map(|d| format!(" Reply due by {}.", crate::domain::case::long_date(d)));
                    let line = format!(
                        "Sent by {method} on {}.{}",
                        crate::domain::case::long_date(*on),
                        due.unwrap_or_default()
                    );
                    (format!("Letter sent: {title}"), json!([line]))
                }
                TimelineEvent::TenantMessage { text, .. } => {
                    ("Message from the tenant".to_string(), json!(text))
                }
                TimelineEvent::MessageToTenant { text, .. } => {
                    ("Message to the tenant".to_string(), json!(text))
                }
                TimelineEvent::DocumentAdded { file_name, from_tenant, .. } => {
                    let who = if *from_tenant { " by the tenant" } else { "" };
                    (format!("Document added{who}: {file_name}"), json!(null))
                }
                TimelineEvent::DocumentShared { file_name, visible, .. } => {
                    let what = if *visible { "shown to" } else { "hidden from" };
                    (format!("Document {what} the tenant: {file_name}"), json!(null))
                }
                TimelineEvent::AccessCodeIssued => {
                    ("New access code for the tenant".to_string(), json!(null))
                }
                TimelineEvent::Edited { changes } => (
                    "Case edited".to_string(),
                    changes
                        .iter()
                        .map(|c| json!({"field": field_label(&c.field), "from": c.from, "to": c.to}))
                        .collect(),
                ),
            };
            json!({"kind": e.event.kind(), "title": title, "detail": detail, "actor": e.actor,
                   "at": e.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()})
        })
        .collect()
}

/// What was typed into the case page's small forms, shown again when one comes back with
/// errors.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Drafts<'a> {
    /// A note.
    pub note: &'a str,
    /// A reply to the tenant.
    pub reply: &'a str,
    /// A look-up of the schemes.
    pub check: &'a [(String, String)],
}

pub(super) async fn case_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    id: Uuid,
    status: StatusCode,
    errors: &FieldErrors,
    drafts: Drafts<'_>,
) -> PageResult {
    let Drafts { note, reply, check } = drafts;
    let check: serde_json::Map<String, Value> = check
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let me = &user.principal;
    let detail = cases::get(&state.db, &state.reads, me, id).await?;
    let timeline = cases::timeline(&state.db, &state.reads, me, id).await?;
    let can_assign = me.can_assign(detail.case.group_id);
    let assignable: Vec<Value> = if can_assign {
        admin::assignable(&state.db, detail.case.group_id)
            .await?
            .into_iter()
            .map(|u| json!({"id": u.id, "name": u.name, "checked": detail.assignees.iter().any(|a| a.id == u.id)}))
            .collect()
    } else {
        Vec::new()
    };
    let case = &detail.case;
    let f = &case.facts;
    let labels = json!({
        "jurisdiction": f.tenancy.jurisdiction.label(),
        "stage": case.stage.label(),
        "tenant_stage": case.stage.tenant_label(),
        "scheme": f.deposit.scheme.map(Scheme::label),
        "rent_period": f.tenancy.rent_period.map(RentPeriod::label),
        "preferred_contact": f.tenant.preferred_contact.map(ContactMethod::label),
        "landlord_kind": f.landlord.as_ref().map(|l| l.kind).map(PartyKind::label),
    });
    let today = state.clock.today();
    let a = rules::assess(f, today);
    let next_deadline = a
        .deadlines
        .iter()
        .filter(|d| d.status == DeadlineStatus::Open)
        .min_by_key(|d| d.due)
        .map(|d| json!({"label": d.label, "due": d.due.to_string()}));
    let unreturned = f
        .deposit
        .amount
        .map(|m| m.pence() - f.deposit.returned.map_or(0, Money::pence));
    let (next, _) = cases::next_stages(case, today);
    let assessment = json!({
        "protection_due": a.protection_due.map(|d| d.to_string()),
        "breaches": a.breaches.iter().map(|b| b.label()).collect::<Vec<_>>(),
        "penalty": a.penalty,
        "claim_by": a.claim_by.map(|d| d.to_string()),
        "deposit_cap_pence": a.deposit_cap_pence,
        "cap_citation": f.tenancy.start_date
            .and_then(|start| crate::domain::rules::rule(crate::domain::rules::RuleId::R6, f.tenancy.jurisdiction, start))
            .map(|r| r.citation),
        "to_check": a.to_check.iter().map(|t| t.label()).collect::<Vec<_>>(),
        "interest": a.interest.map(|i| json!({
            "percent": format!("{}.{:02}", i.rate_bp / 100, i.rate_bp % 100),
            "from": i.from.to_string(), "daily_pence": i.daily_pence, "to_date_pence": i.to_date_pence,
            "citation": crate::domain::rules::rule(crate::domain::rules::RuleId::R12, f.tenancy.jurisdiction, today).map(|r| r.citation)})),
        "prohibited_excess_pence": a.prohibited_excess_pence,
        "deadlines": a.deadlines.iter().map(|d| json!({
            "rule": d.rule, "label": d.label, "due": d.due.to_string(), "status": d.status.label(),
            "citation": d.citation})).collect::<Vec<_>>(),
        "notes": a.notes,
    });
    let letters = crate::service::letters::of_case(&state.db, me, id).await?;
    let messages = crate::service::portal::messages(&state.db, me, id).await?;
    let documents = crate::service::portal::documents(&state.db, me, id).await?;
    let has_code = crate::service::portal::has_code(&state.db, me, id).await?;
    // L4 accuses the landlord: it is offered only once a breach is established.
    let kinds: Vec<Value> = crate::domain::letters::LetterKind::ALL
        .iter()
        .filter(|k| **k != crate::domain::letters::LetterKind::L4 || !a.breaches.is_empty())
        .map(|k| json!({"value": k.as_str(), "title": k.title(), "suits": k.suits(case.stage)}))
        .collect();
    let data = json!({
        "case": case,
        "letters": letters,
        "letter_kinds": kinds,
        "open": case.stage.is_open(),
        "assessment": assessment,
        "next_deadline": next_deadline,
        "unreturned_pence": unreturned,
        "moves": next
            .iter()
            .map(|s| {
                let label = if case.stage == Stage::OnHold && *s != Stage::Withdrawn {
                    format!("Resume at: {}", s.label())
                } else {
                    format!("Move to: {}", s.label())
                };
                json!({"value": s.as_str(), "label": label})
            })
            .collect::<Vec<_>>(),
        "outcome": case.outcome.as_ref().map(|o| json!({"total_pence": o.total().pence(), "route": o.route.label(),
            "date": o.date.to_string()})),
        "group": detail.group,
        "assignee_names": detail.assignees.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "),
        "can_assign": can_assign,
        "assignable": assignable,
        "labels": labels,
        "deductions_total": f.deductions_total().pence(),
        "timeline": timeline_view(&timeline),
        "note": note,
        "messages": messages,
        "documents": documents,
        "has_code": has_code,
        "reply": reply,
        "check": check,
        "scheme_choices": case_form::choices()["schemes"].clone(),
        "scheme_checks": f.deposit.scheme_checks.iter().rev().map(|c| json!({
            "date": c.date.to_string(), "found": c.found,
            "scheme": c.scheme.map(Scheme::label), "certificate": c.certificate})).collect::<Vec<_>>(),
    });
    Ok(page(
        status,
        "cases/show.html",
        Some(visitor),
        errors,
        data,
    )?)
}

/// The outcome of one of the case page's small forms: on success, back to `anchor` on the
/// case page; with field errors, the case page again (422) with the errors beside their
/// fields and what was typed kept in `drafts`; anything else is an error page.
pub(super) async fn case_form_outcome<T>(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    id: Uuid,
    result: Result<T, AppError>,
    anchor: &str,
    drafts: Drafts<'_>,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#{anchor}")).into_response()),
        Err(AppError::Invalid(e)) => {
            case_page(
                state,
                user,
                visitor,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                drafts,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let id = case_id(&id)?;
    case_page(
        &state,
        &user,
        &visitor,
        id,
        StatusCode::OK,
        &FieldErrors::default(),
        Drafts::default(),
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let detail = cases::get(&state.db, &state.reads, &user.principal, case_id(&id)?).await?;
    let values = case_form::from_facts(&detail.case.facts);
    let errors = FieldErrors::default();
    form_page(
        &state,
        StatusCode::OK,
        &visitor,
        &values,
        &errors,
        Some(&detail.case),
        None,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let field = |name: &str| super::form_value(&pairs, name).map(str::to_string);
    let version = field("_version").and_then(|v| v.parse::<i32>().ok());
    let Some(version) = version else {
        return Err(AppError::BadRequest(
            "The form is missing its version. Reload the page.".into(),
        )
        .into());
    };
    let values = case_form::values(pairs);
    let clock = state.clock.as_ref();
    let current = cases::get(&state.db, &state.reads, &user.principal, id)
        .await?
        .case;
    let (input, errors) = case_form::to_input(&values);
    let again = |status, errors: FieldErrors, case: CaseRecord, notice| {
        let (state, visitor, values) = (&state, &visitor, &values);
        async move { form_page(state, status, visitor, values, &errors, Some(&case), notice).await }
    };
    if let Some(errors) = all_errors(&input, errors, &state) {
        let at_version = CaseRecord { version, ..current };
        return again(StatusCode::UNPROCESSABLE_ENTITY, errors, at_version, None).await;
    }
    match cases::update(&state.db, clock, &user.principal, id, version, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(AppError::Invalid(e)) => {
            let at_version = CaseRecord { version, ..current };
            again(StatusCode::UNPROCESSABLE_ENTITY, e, at_version, None).await
        }
        Err(AppError::Conflict(_)) => {
            // Show the user's input against the latest version: saving again is a
            // deliberate choice to replace the other person's changes.
            let notice = "Someone else changed this case after you opened it, so your changes have not been saved. \
                          Check the case page to see their changes. To replace them with yours, save again.";
            again(
                StatusCode::CONFLICT,
                FieldErrors::default(),
                current,
                Some(notice),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_note(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let text = super::form_field(&pairs, "text").to_string();
    let result = cases::add_note(&state.db, state.clock.as_ref(), &user.principal, id, &text).await;
    let drafts = Drafts {
        note: &text,
        ..Drafts::default()
    };
    case_form_outcome(&state, &user, &visitor, id, result, "timeline", drafts).await
}

/// Records a look-up of the schemes from the small form on the case page.
pub async fn add_scheme_check(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let field = |name: &str| {
        Some(super::form_field(&pairs, name).to_string()).filter(|v| !v.trim().is_empty())
    };
    let check = crate::domain::input::SchemeCheckInput {
        date: field("check_date"),
        found: field("check_found").map(Value::String),
        scheme: field("check_scheme"),
        certificate: field("check_certificate"),
    };
    let result =
        cases::add_scheme_check(&state.db, state.clock.as_ref(), &user.principal, id, check).await;
    let drafts = Drafts {
        check: &pairs,
        ..Drafts::default()
    };
    case_form_outcome(&state, &user, &visitor, id, result, "scheme-checks", drafts).await
}

pub async fn assign(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let chosen: Result<Vec<Uuid>, _> = pairs
        .iter()
        .filter(|(k, _)| k == "assignee")
        .map(|(_, v)| Uuid::parse_str(v))
        .collect();
    let Ok(chosen) = chosen else {
        return Err(
            AppError::BadRequest("The form named someone who does not exist.".into()).into(),
        );
    };
    let result = cases::assign(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id,
        &chosen,
    )
    .await;
    case_form_outcome(
        &state,
        &user,
        &visitor,
        id,
        result,
        "assignees",
        Drafts::default(),
    )
    .await
}

fn move_target(pairs: &[(String, String)]) -> Result<Stage, AppError> {
    Stage::parse(super::form_field(pairs, "to")).ok_or(AppError::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "the parts of one form page")]
async fn move_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    id: Uuid,
    to: Stage,
    status: StatusCode,
    errors: &FieldErrors,
    values: Value,
) -> PageResult {
    let detail = cases::get(&state.db, &state.reads, &user.principal, id).await?;
    let case = &detail.case;
    let (next, guard) = cases::next_stages(case, state.clock.today());
    if !next.contains(&to) {
        let message = format!(
            "This case cannot move from \"{}\" to \"{}\".",
            case.stage.label(),
            to.label()
        );
        return Err(AppError::Conflict(message).into());
    }
    let late = to == Stage::Court && guard.claim_by.is_some_and(|c| guard.today > c);
    let codes: Vec<Value> = OutcomeCode::ALL
        .iter()
        .map(|c| json!({"value": c.as_str(), "label": c.label()}))
        .collect();
    let routes: Vec<Value> = Route::ALL
        .iter()
        .map(|r| json!({"value": r.as_str(), "label": r.label()}))
        .collect();
    let data = json!({
        "case": {"id": case.id, "reference": case.reference.to_string(), "stage": case.stage.label()},
        "to": {"value": to.as_str(), "label": to.label(), "tenant_label": to.tenant_label()},
        "needs_code": to == Stage::Closed,
        "needs_reason": matches!(to, Stage::Closed | Stage::Withdrawn) || late,
        "late": late,
        "claim_by": guard.claim_by.map(|d| d.to_string()),
        "needs_outcome": to == Stage::Resolved,
        "codes": codes,
        "routes": routes,
        "values": values,
    });
    Ok(page(
        status,
        "cases/move.html",
        Some(visitor),
        errors,
        data,
    )?)
}

pub async fn move_form(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let (id, to) = (case_id(&id)?, move_target(&pairs)?);
    let values = json!({"outcome.date": state.clock.today().to_string()});
    move_page(
        &state,
        &user,
        &visitor,
        id,
        to,
        StatusCode::OK,
        &FieldErrors::default(),
        values,
    )
    .await
}

pub async fn move_case(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let (id, to) = (case_id(&id)?, move_target(&pairs)?);
    let values = case_form::values(pairs.clone());
    let (req, errors) = transition_form::request(&values, to);
    let shown = json!(values);
    if !errors.is_empty() {
        return move_page(
            &state,
            &user,
            &visitor,
            id,
            to,
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors,
            shown,
        )
        .await;
    }
    match cases::transition(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id,
        to,
        req,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(AppError::Invalid(e)) => {
            move_page(
                &state,
                &user,
                &visitor,
                id,
                to,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                shown,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

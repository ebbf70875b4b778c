//! Case pages: home (my cases, deadlines, what needs attention), the case list and the
//! case page's address. Intake and editing are in `case_edit.rs`; the case page's forms
//! (notes, look-ups, assignment, moves) in `case_actions.rs`; the page itself in
//! `case_page.rs`.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Serialize;
use uuid::Uuid;

use super::case_form::{self};
use super::{Choice, PageResult, page};
use crate::app::AppState;
use crate::db::cases::ListOrder;
use crate::domain::{CaseStatus, CaseSummary, FieldErrors, Jurisdiction};
use crate::error::AppError;
use crate::service::cases::{self};
use crate::web::parse_id as case_id;
use crate::web::session::{SignedIn, Visitor};

const PER_PAGE: u64 = 25;

/// A row of a case list, in words.
#[derive(Debug, Serialize)]
struct SummaryRow<'a> {
    id: Uuid,
    reference: &'a str,
    tenant_name: &'a str,
    landlord_name: Option<&'a str>,
    postcode: Option<&'a str>,
    jurisdiction: &'static str,
    stage: &'static str,
    /// The deadline the case leads with, in words.
    next: Option<String>,
    /// Whether that deadline has passed.
    missed: bool,
}

/// The rows of a case table, with the deadline each case leads with.
async fn rows_with_deadlines<'a>(
    state: &AppState,
    items: &'a [CaseSummary],
) -> Result<Vec<SummaryRow<'a>>, AppError> {
    let today = state.clock.today();
    let ids: Vec<Uuid> = items.iter().map(|c| c.id).collect();
    let next = cases::leading_deadlines(&state.db, &ids, today).await?;
    let mut rows = summary_rows(items);
    for row in &mut rows {
        if let Some(d) = next.get(&row.id) {
            row.next = Some(crate::domain::alerts::deadline_text(
                &d.label, d.due, d.missed, today,
            ));
            row.missed = d.missed;
        }
    }
    Ok(rows)
}

fn summary_rows(items: &[CaseSummary]) -> Vec<SummaryRow<'_>> {
    items
        .iter()
        .map(|c| SummaryRow {
            next: None,
            missed: false,
            id: c.id,
            reference: &c.reference,
            tenant_name: &c.tenant_name,
            landlord_name: c.landlord_name.as_deref(),
            postcode: c.postcode.as_deref(),
            jurisdiction: c.jurisdiction.label(),
            stage: c.stage.label(),
        })
        .collect()
}

/// Cases of the unassigned queue, asked for online or not.
fn queue_rows(items: &[CaseSummary], online: bool) -> impl Iterator<Item = QueueRow<'_>> {
    summary_rows(items)
        .into_iter()
        .map(move |case| QueueRow { case, online })
}

/// What needs doing, counted: overdue deadlines and those due within a week on the
/// reader's cases, and new online requests waiting in their groups.
fn at_a_glance(mine: &cases::DeadlineLists, new_requests: usize, today: time::Date) -> Vec<String> {
    let week = today + time::Duration::days(7);
    let this_week = mine.due_soon.iter().filter(|r| r.due <= week).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    vec![
        format!("{} overdue", mine.overdue.len()),
        format!("{this_week} due this week"),
        plural(new_requests, "new request", "new requests"),
    ]
}

/// The home page: the caller's open cases, the deadline lists and what needs attention.
#[derive(Debug, Serialize)]
struct HomePage<'a> {
    items: Vec<SummaryRow<'a>>,
    total: u64,
    total_exact: bool,
    attention: Vec<crate::service::portal::AttentionRow>,
    mine: cases::DeadlineLists,
    groups: Option<cases::DeadlineLists>,
    days: i64,
    /// Open cases of the reader's groups that no one works: online requests first.
    queue: Vec<QueueRow<'a>>,
    queue_total: u64,
    queue_total_exact: bool,
    /// The line at the top: "3 overdue · 1 due this week · 2 new requests".
    at_a_glance: Vec<String>,
}

/// A case in the unassigned queue.
#[derive(Debug, Serialize)]
struct QueueRow<'a> {
    #[serde(flatten)]
    case: SummaryRow<'a>,
    /// Asked for online: no one has spoken to the tenant yet.
    online: bool,
}

/// The case list page.
#[derive(Debug, Serialize)]
struct ListPage<'a> {
    items: Vec<SummaryRow<'a>>,
    total: u64,
    total_exact: bool,
    page: u64,
    pages: Option<u64>,
    prev_url: Option<String>,
    next_url: Option<String>,
    /// These cases, every page, as a spreadsheet.
    export_url: String,
    filter: ListFilterValues<'a>,
    choices: case_form::FormChoices,
    batch: bool,
    /// Who the selected cases can be assigned to.
    people: Vec<Person>,
    /// The stages they can be moved to.
    stages: Vec<Choice>,
    letter_types: Vec<Choice>,
    values: BatchValues,
}

/// The list's filters as typed.
#[derive(Debug, Serialize)]
struct ListFilterValues<'a> {
    q: &'a str,
    jurisdiction: &'static str,
    status: &'static str,
    sort: &'static str,
}

/// The name of a list order in the address.
fn order_name(order: ListOrder) -> &'static str {
    match order {
        ListOrder::Newest => "newest",
        ListOrder::NextDeadline => "deadline",
    }
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
    let queue = cases::unassigned(&state.db, me).await?;
    let data = HomePage {
        items: rows_with_deadlines(&state, &mine.items).await?,
        total: mine.total,
        total_exact: mine.total_exact,
        attention,
        mine: my_deadlines.clone(),
        groups: group_deadlines,
        days: cases::DUE_SOON_DAYS,
        queue: queue_rows(&queue.online, true)
            .chain(queue_rows(&queue.taken_in, false))
            .collect(),
        queue_total: queue.total,
        queue_total_exact: queue.total_exact,
        at_a_glance: at_a_glance(&my_deadlines, queue.online.len(), state.clock.today()),
    };
    page(
        StatusCode::OK,
        "home.html",
        Some(&visitor),
        &FieldErrors::default(),
        &data,
    )
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    list_page(&state, &user, &visitor, &pairs, StatusCode::OK, None).await
}

/// `GET /cases.csv`: every case the list shows with the same filters and order, not only
/// one page, as a spreadsheet.
pub async fn export(
    State(state): State<AppState>,
    user: SignedIn,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let filter = page_filter(&pairs).map_err(AppError::Invalid)?;
    let today = state.clock.today();
    let bytes =
        crate::service::export::cases_csv(&state.db, &state.reads, &user.principal, &filter, today)
            .await?;
    Ok(crate::web::csv_response(bytes, "cases", today))
}

/// `GET /letters.csv`: the letters sent on the cases of the caller's groups, as a
/// spreadsheet.
pub async fn export_letters(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let bytes =
        crate::service::export::letters_csv(&state.db, &state.reads, &user.principal).await?;
    Ok(crate::web::csv_response(
        bytes,
        "letters-sent",
        state.clock.today(),
    ))
}

/// The stages the selected cases can be moved to together: not "Closed", which needs an
/// outcome for each case, nor "Withdrawn", which the close button does with its reason.
fn bulk_stages(actor: &crate::service::Principal) -> Vec<Choice> {
    use crate::domain::workflow::Stage;
    if !actor.coordinates() {
        return Vec::new();
    }
    let stages: Vec<Stage> = Stage::ALL
        .iter()
        .copied()
        .filter(|s| !matches!(s, Stage::Closed | Stage::Withdrawn))
        .collect();
    Choice::all(&stages, Stage::as_str, Stage::label)
}

/// Someone the selected cases can be assigned to, as a select's option.
#[derive(Debug, Serialize)]
struct Person {
    value: String,
    label: String,
}

/// The people a coordinator (or an admin) can assign the selected cases to: the active
/// users they manage, by name.
async fn bulk_people(state: &AppState, user: &SignedIn) -> Result<Vec<Person>, AppError> {
    if !user.principal.coordinates() {
        return Ok(Vec::new());
    }
    let mut people: Vec<Person> = crate::service::admin::users(&state.db, &user.principal)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| Person {
            value: u.id.to_string(),
            label: u.name,
        })
        .collect();
    people.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(people)
}

/// The forms for the selected cases (letters, and changes) as typed, kept.
#[derive(Debug, Clone, Serialize)]
pub(super) struct BatchValues {
    /// The letter chosen.
    #[serde(rename = "type")]
    pub kind: String,
    /// "pdf" or "zip".
    pub format: String,
    /// The ids of the cases ticked, separated by commas.
    pub cases: String,
    /// Who to assign them to.
    pub assignee: String,
    /// The stage to move them to.
    pub stage: String,
    /// Why they are moved or closed.
    pub reason: String,
}

impl Default for BatchValues {
    fn default() -> Self {
        BatchValues {
            kind: String::new(),
            format: "pdf".into(),
            cases: String::new(),
            assignee: String::new(),
            stage: String::new(),
            reason: String::new(),
        }
    }
}

/// `POST /cases/bulk`: assigns, moves or closes the cases ticked on the list, all or none,
/// then back to the list as it was filtered, with a banner.
pub async fn bulk(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    if !user.principal.coordinates() {
        return Err(AppError::Forbidden(
            "Only coordinators and admins change several cases at once.".into(),
        )
        .into());
    }
    let value = |name: &str| super::form_field(&pairs, name);
    let chosen: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "cases")
        .map(|(_, v)| v.as_str())
        .collect();
    let values = BatchValues {
        cases: chosen.join(","),
        assignee: value("assignee").into(),
        stage: value("stage").into(),
        reason: value("reason").into(),
        ..BatchValues::default()
    };
    let ids: Vec<Uuid> = chosen
        .iter()
        .map(|c| case_id(c))
        .collect::<Result<_, _>>()?;
    let reason = Some(value("reason").trim().to_string()).filter(|r| !r.is_empty());
    let action = match value("do") {
        "assign" => Uuid::parse_str(value("assignee"))
            .map(cases::BulkAction::Assign)
            .map_err(|_| FieldErrors::single("assignee", "Choose who works the cases")),
        "move" => crate::domain::workflow::Stage::parse(value("stage"))
            .map(|s| cases::BulkAction::Move(s, reason.clone()))
            .ok_or_else(|| FieldErrors::single("stage", "Choose the stage to move them to")),
        "close" => Ok(cases::BulkAction::Close(reason.clone().unwrap_or_default())),
        _ => Err(FieldErrors::single(
            "cases",
            "Choose what to do with the selected cases",
        )),
    };
    let result = match action {
        Ok(action) => {
            let clock = state.clock.as_ref();
            cases::bulk(&state.db, clock, &user.principal, &ids, &action).await
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(_) => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs.iter().filter(|(k, v)| {
                ["q", "jurisdiction", "status", "sort", "page"].contains(&k.as_str())
                    && !v.is_empty()
            }) {
                q.append_pair(k, v);
            }
            let filters = q.finish();
            let list = if filters.is_empty() {
                "/cases".to_string()
            } else {
                format!("/cases?{filters}")
            };
            Ok(Redirect::to(&super::Notice::CasesChanged.at(&list)).into_response())
        }
        Err(AppError::Invalid(e)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            list_page(&state, &user, &visitor, &pairs, status, Some((e, values))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The list's filter from the query string, as the page and its download read it. Open
/// cases are worked by their deadlines: that is their order unless another is asked.
fn page_filter(pairs: &[(String, String)]) -> Result<cases::CaseFilter, FieldErrors> {
    let mut filter = crate::web::list_filter(pairs, PER_PAGE)?;
    if filter.status == Some(CaseStatus::Open) && !pairs.iter().any(|(k, _)| k == "sort") {
        filter.order = ListOrder::NextDeadline;
    }
    Ok(filter)
}

/// The case list, filtered by `pairs`. `batch` carries the errors and choices of a batch
/// of letters that could not be written.
pub(super) async fn list_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    pairs: &[(String, String)],
    status: StatusCode,
    batch: Option<(FieldErrors, BatchValues)>,
) -> PageResult {
    let (filter, errors) = match page_filter(pairs) {
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
    // A search that finds one case opens it.
    if batch.is_none()
        && filter.q.is_some()
        && result.page == 1
        && let [only] = result.items.as_slice()
    {
        return Ok(Redirect::to(&format!("/cases/{}", only.id)).into_response());
    }
    // Past the count limit the number of pages is not known: "Next" while pages are full.
    let pages = result
        .total_exact
        .then(|| result.total.div_ceil(result.per_page).max(1));
    let has_next = match pages {
        Some(p) => result.page < p,
        None => result.items.len() as u64 == result.per_page,
    };
    // The list's address with its filters, on `page` (else as a spreadsheet, every page).
    let query = |page: Option<u64>| {
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
        q.append_pair("sort", order_name(filter.order));
        match page {
            Some(page) => format!(
                "/cases?{}",
                q.append_pair("page", &page.to_string()).finish()
            ),
            None => format!("/cases.csv?{}", q.finish()),
        }
    };
    let data = ListPage {
        items: rows_with_deadlines(state, &result.items).await?,
        total: result.total,
        total_exact: result.total_exact,
        page: result.page,
        pages,
        prev_url: (result.page > 1).then(|| query(Some(result.page - 1))),
        next_url: has_next.then(|| query(Some(result.page + 1))),
        export_url: query(None),
        filter: ListFilterValues {
            q: filter.q.as_deref().unwrap_or_default(),
            jurisdiction: filter.jurisdiction.map(Jurisdiction::as_str).unwrap_or(""),
            status: filter.status.map(CaseStatus::as_str).unwrap_or(""),
            sort: order_name(filter.order),
        },
        choices: case_form::choices(),
        batch: user.principal.coordinates(),
        people: bulk_people(state, user).await?,
        stages: bulk_stages(&user.principal),
        letter_types: crate::domain::letters::LetterKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str(),
                label: format!("{}: {}", k.as_str(), k.title()).into(),
            })
            .collect(),
        values: batch
            .as_ref()
            .map_or_else(BatchValues::default, |(_, v)| v.clone()),
    };
    let errors = batch.map_or(errors, |(e, _)| e);
    page(status, "cases/list.html", Some(visitor), &errors, &data)
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let id = case_id(&id)?;
    let drafts = super::case_page::Drafts {
        done: super::form_value(&pairs, "done").and_then(super::case_page::Done::parse),
        ..super::case_page::Drafts::default()
    };
    let errors = FieldErrors::default();
    super::case_page::case_page(&state, &user, &visitor, id, StatusCode::OK, &errors, drafts).await
}

//! Case pages: my cases, list, intake, case page, edit, notes, assignment.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::case_form::{self, FormValues};
use super::transition_form;
use super::{Choice, PageResult, page, view};
use crate::app::AppState;
use crate::domain::workflow::{OutcomeCode, Route, Stage};
use crate::domain::{CaseRecord, CaseStatus, CaseSummary, FieldErrors, Jurisdiction};
use crate::error::AppError;
use crate::service::admin;
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
}

fn summary_rows(items: &[CaseSummary]) -> Vec<SummaryRow<'_>> {
    items
        .iter()
        .map(|c| SummaryRow {
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
    filter: ListFilterValues<'a>,
    choices: Value,
    batch: bool,
    letter_types: Vec<Choice>,
    values: Value,
}

/// The list's filters as typed.
#[derive(Debug, Serialize)]
struct ListFilterValues<'a> {
    q: &'a str,
    jurisdiction: &'static str,
    status: &'static str,
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
    let data = view(&HomePage {
        items: summary_rows(&mine.items),
        total: mine.total,
        total_exact: mine.total_exact,
        attention,
        mine: my_deadlines,
        groups: group_deadlines,
        days: cases::DUE_SOON_DAYS,
    })?;
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
    let data = view(&ListPage {
        items: summary_rows(&result.items),
        total: result.total,
        total_exact: result.total_exact,
        page: result.page,
        pages,
        prev_url: (result.page > 1).then(|| query(result.page - 1)),
        next_url: has_next.then(|| query(result.page + 1)),
        filter: ListFilterValues {
            q: filter.q.as_deref().unwrap_or_default(),
            jurisdiction: filter.jurisdiction.map(Jurisdiction::as_str).unwrap_or(""),
            status: filter.status.map(CaseStatus::as_str).unwrap_or(""),
        },
        choices: case_form::choices(),
        batch: user.principal.coordinates(),
        letter_types: crate::domain::letters::LetterKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str(),
                label: format!("{}: {}", k.as_str(), k.title()).into(),
            })
            .collect(),
        values: batch
            .as_ref()
            .map_or_else(|| json!({"format": "pdf"}), |(_, v)| v.clone()),
    })?;
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
    drafts: super::case_page::Drafts<'_>,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#{anchor}")).into_response()),
        Err(AppError::Invalid(e)) => {
            super::case_page::case_page(
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
    super::case_page::case_page(
        &state,
        &user,
        &visitor,
        id,
        StatusCode::OK,
        &FieldErrors::default(),
        super::case_page::Drafts::default(),
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
    let drafts = super::case_page::Drafts {
        note: &text,
        ..super::case_page::Drafts::default()
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
    let drafts = super::case_page::Drafts {
        check: &pairs,
        ..super::case_page::Drafts::default()
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
        super::case_page::Drafts::default(),
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

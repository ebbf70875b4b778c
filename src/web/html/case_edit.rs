//! Intake and editing of a case's facts: the form, its errors beside their fields, and
//! what was typed kept.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::case_form::{self, FormValues};
use super::case_page::Done;
use super::{CaseRef, PageResult, form_outcome, page};
use crate::app::AppState;
use crate::db::groups::Group;
use crate::domain::{CaseRecord, FieldErrors};
use crate::error::AppError;
use crate::service::admin;
use crate::service::cases::{self};
use crate::web::parse_id as case_id;
use crate::web::session::{SignedIn, Visitor};

/// Where the form values keep the list an "Add another" button asked a row more for.
const MORE: &str = "_more";

/// What `cases/form.html` shows: intake of a new case, or the facts of `case` to edit.
#[derive(Debug, Serialize)]
struct FormPage<'a> {
    values: &'a FormValues,
    groups: Vec<Group>,
    choices: case_form::FormChoices,
    case: Option<EditedCase<'a>>,
    notice: Option<&'a str>,
    /// On the short intake page: whether to ask the nation (the postcode does not say).
    ask_nation: bool,
}

/// The case being edited, at the version the form was opened at.
#[derive(Debug, Serialize)]
struct EditedCase<'a> {
    #[serde(flatten)]
    case: CaseRef,
    version: i32,
    stage: &'a str,
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
    let data = FormPage {
        values,
        groups,
        // "Add another" asked for one more row of a list (kept under `_more`).
        choices: case_form::choices_with_more(values, values.get(MORE).map(String::as_str)),
        case: case.map(|c| EditedCase {
            case: CaseRef::of(c),
            version: c.version,
            stage: c.stage.label(),
        }),
        notice,
        ask_nation: errors.contains("tenancy.jurisdiction")
            || values
                .get("tenancy.jurisdiction")
                .is_some_and(|v| !v.is_empty()),
    };
    // A new case starts on the short page of what a phone call gives; the rest is added
    // on the full form later.
    let template = if case.is_some() {
        "cases/form.html"
    } else {
        "cases/intake.html"
    };
    page(status, template, Some(visitor), errors, &data)
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
    // Consent is most often given on the call itself.
    let mut values = FormValues::new();
    values.insert(
        "tenant.consent_date".into(),
        state.clock.today().to_string(),
    );
    form_page(
        &state,
        StatusCode::OK,
        &visitor,
        &values,
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
    // The nation comes from the postcode, unless its area crosses a border.
    let typed = |k: &str| values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    if typed("tenancy.jurisdiction").is_none()
        && let Some(nation) = typed("property.postcode")
            .and_then(|p| crate::domain::postcode::Postcode::parse(p).ok())
            .and_then(|p| p.nation())
    {
        values.insert("tenancy.jurisdiction".into(), nation.as_str().into());
    }
    let (input, errors) = case_form::to_input(&values);
    if let Some(group) = &group {
        values.insert("group".into(), group.clone());
    }
    let result = match all_errors(&input, errors, &state) {
        Some(errors) => Err(AppError::Invalid(errors)),
        None => {
            let (clock, group) = (state.clock.as_ref(), group.as_deref());
            cases::intake(
                &state.db,
                &state.memos,
                clock,
                &user.principal,
                group,
                input,
            )
            .await
        }
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    form_outcome(
        result,
        |case| Done::Created.page(case.case.id),
        async |e| form_page(&state, status, &visitor, &values, e, None, None).await,
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let detail = cases::get(
        &state.db,
        &state.reads,
        &state.memos,
        &user.principal,
        case_id(&id)?,
    )
    .await?;
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
    let more = field(MORE);
    let mut values = case_form::values(pairs);
    let clock = state.clock.as_ref();
    let current = cases::get(&state.db, &state.reads, &state.memos, &user.principal, id)
        .await?
        .case;
    // "Add another": the same form, with what was typed and one more row; nothing saved.
    if let Some(list) = more {
        values.insert(MORE.into(), list);
        let at_version = CaseRecord { version, ..current };
        let none = FieldErrors::default();
        return form_page(
            &state,
            StatusCode::OK,
            &visitor,
            &values,
            &none,
            Some(&at_version),
            None,
        )
        .await;
    }
    let (input, errors) = case_form::to_input(&values);
    let result = match all_errors(&input, errors, &state) {
        Some(errors) => Err(AppError::Invalid(errors)),
        None => cases::update(&state.db, clock, &user.principal, id, version, input).await,
    };
    if let Err(AppError::Conflict(_)) = result {
        // Show the user's input against the latest version: saving again is a
        // deliberate choice to replace the other person's changes.
        let notice = "Someone else changed this case after you opened it, so your changes have not been saved. \
                      Check the case page to see their changes. To replace them with yours, save again.";
        let (status, none) = (StatusCode::CONFLICT, FieldErrors::default());
        let current = Some(&current);
        return form_page(
            &state,
            status,
            &visitor,
            &values,
            &none,
            current,
            Some(notice),
        )
        .await;
    }
    let at_version = CaseRecord { version, ..current };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    form_outcome(
        result,
        |_| Done::Edited.page(id),
        async |e| {
            form_page(
                &state,
                status,
                &visitor,
                &values,
                e,
                Some(&at_version),
                None,
            )
            .await
        },
    )
    .await
}

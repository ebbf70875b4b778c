//! Intake and editing of a case's facts: the form, its errors beside their fields, and
//! what was typed kept.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Serialize;

use super::case_form::{self, FormValues};
use super::{CaseRef, PageResult, page};
use crate::app::AppState;
use crate::db::groups::Group;
use crate::domain::{CaseRecord, FieldErrors};
use crate::error::AppError;
use crate::service::admin;
use crate::service::cases::{self};
use crate::web::parse_id as case_id;
use crate::web::session::{SignedIn, Visitor};

/// What `cases/form.html` shows: intake of a new case, or the facts of `case` to edit.
#[derive(Debug, Serialize)]
struct FormPage<'a> {
    values: &'a FormValues,
    groups: Vec<Group>,
    choices: case_form::FormChoices,
    case: Option<EditedCase<'a>>,
    notice: Option<&'a str>,
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
        choices: case_form::choices_for(values),
        case: case.map(|c| EditedCase {
            case: CaseRef::of(c),
            version: c.version,
            stage: c.stage.label(),
        }),
        notice,
    };
    page(status, "cases/form.html", Some(visitor), errors, &data)
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

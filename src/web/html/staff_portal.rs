//! The staff side of the tenant portal, on a case: access codes, replies to the tenant,
//! documents and whether the tenant sees them.

use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use super::{CaseRef, PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::service::portal::{self, NewCode, Uploader};
use crate::web::parse_id as id_of;
use crate::web::session::{SignedIn, Visitor};

use super::case_page::Done;
use super::form_field as field;
use super::portal::{document_response, read_upload};

/// The access-code form: a first code at once; a code that would replace one only once
/// the volunteer has confirmed it (`replace=yes`), else the confirmation page.
pub async fn issue_code(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let (clock, key) = (state.clock.as_ref(), &state.config.secret);
    let replace = if field(&pairs, "replace") == "yes" {
        NewCode::Replace
    } else {
        NewCode::FirstOnly
    };
    let id = id_of(&id)?;
    let issued = match portal::issue_code(&state.db, clock, key, &user.principal, id, replace).await
    {
        Err(AppError::Conflict(_)) => return confirm_new_code(&state, &user, &visitor, id).await,
        other => other?,
    };
    let data = AccessCodePage {
        case: CaseRef::of(&issued.case),
        tenant_name: &issued.case.facts.tenant.name,
        code: &issued.code,
    };
    page(
        StatusCode::OK,
        "cases/access_code.html",
        Some(&visitor),
        &FieldErrors::default(),
        &data,
    )
}

/// `GET /cases/{id}/access-code`: asks before a new code replaces the tenant's.
pub async fn replace_code(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    confirm_new_code(&state, &user, &visitor, id_of(&id)?).await
}

async fn confirm_new_code(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    id: uuid::Uuid,
) -> PageResult {
    let case = portal::code_holder(&state.db, &state.reads, &user.principal, id).await?;
    let data = ReplaceCodePage {
        case: CaseRef::of(&case),
        tenant_name: &case.facts.tenant.name,
    };
    page(
        StatusCode::OK,
        "cases/replace_code.html",
        Some(visitor),
        &FieldErrors::default(),
        &data,
    )
}

/// What `cases/replace_code.html` shows: whose code would be replaced.
#[derive(Debug, Serialize)]
struct ReplaceCodePage<'a> {
    case: CaseRef,
    tenant_name: &'a str,
}

/// What `cases/access_code.html` shows: the new code, once.
#[derive(Debug, Serialize)]
struct AccessCodePage<'a> {
    case: CaseRef,
    tenant_name: &'a str,
    code: &'a str,
}

pub async fn reply(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = id_of(&id)?;
    let text = field(&pairs, "message");
    let result = portal::reply(&state.db, state.clock.as_ref(), &user.principal, id, text).await;
    let drafts = super::case_page::Drafts {
        reply: text,
        ..super::case_page::Drafts::default()
    };
    super::case_actions::case_form_outcome(&state, &user, &visitor, id, result, Done::Reply, drafts)
        .await
}

pub async fn staff_upload(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    form: Multipart,
) -> PageResult {
    let id = id_of(&id)?;
    let result = match read_upload(&visitor, form).await? {
        Err(e) => Err(AppError::Invalid(e)),
        Ok(up) => portal::upload(
            &state.db,
            state.clock.as_ref(),
            &state.store,
            Uploader::Staff(&user.principal, id),
            up.document(),
        )
        .await
        .map(|_| ()),
    };
    let drafts = super::case_page::Drafts::default();
    super::case_actions::case_form_outcome(
        &state,
        &user,
        &visitor,
        id,
        result,
        Done::Document,
        drafts,
    )
    .await
}

pub async fn staff_document(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, super::PageError> {
    let file = portal::staff_document(
        &state.db,
        &state.reads,
        &state.store,
        &user.principal,
        id_of(&id)?,
    )
    .await?;
    Ok(document_response(file))
}

pub async fn document_visibility(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let show = match field(&pairs, "visible") {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(
                AppError::BadRequest("Say whether the tenant should see it.".into()).into(),
            );
        }
    };
    let case = portal::set_visible(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id_of(&id)?,
        show,
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{case}#documents")).into_response())
}

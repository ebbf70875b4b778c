//! Letter pages: choose and write a letter, download it, mark it sent.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{PageResult, form_field, form_value, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::letters::LetterKind;
use crate::error::AppError;
use crate::service::{cases, letters, templates};
use crate::web::parse_id as id_of;
use crate::web::session::{SignedIn, Visitor};

fn kind_of(pairs: &[(String, String)]) -> Result<LetterKind, AppError> {
    LetterKind::parse(form_field(pairs, "type")).ok_or(AppError::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "the parts of one form page")]
async fn write_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    case_id: Uuid,
    kind: LetterKind,
    status: StatusCode,
    errors: &FieldErrors,
    values: &BTreeMap<String, String>,
) -> PageResult {
    let case = cases::get(&state.db, &state.reads, &user.principal, case_id)
        .await?
        .case;
    let preview = letters::preview(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        case_id,
        kind,
    )
    .await?;
    let marked = |text: &str| {
        let mut escaped = Vec::with_capacity(text.len());
        let _ = tera::escape_html(text, &mut escaped);
        String::from_utf8_lossy(&escaped)
            .replace(letters::MARK_START, "<mark>")
            .replace(letters::MARK_END, "</mark>")
    };
    let preview = json!({
        "subject": marked(&preview.subject),
        "paragraphs": preview.paragraphs.iter().map(|p| marked(p)).collect::<Vec<_>>(),
    });
    let fields: Vec<_> = kind
        .free_fields()
        .iter()
        .map(|(name, label, hint)| json!({"name": format!("fields.{name}"), "label": label, "hint": hint}))
        .collect();
    let mut shown: BTreeMap<String, String> = values
        .iter()
        .filter(|(k, _)| k.as_str() != "send_on")
        .map(|(k, v)| (format!("fields.{k}"), v.clone()))
        .collect();
    let send_on = values
        .get("send_on")
        .filter(|v| !v.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| state.clock.today().to_string());
    shown.insert("send_on".into(), send_on);
    // Facts the letter needs and the case lacks: listed with a link to each field, and
    // the letter cannot be made until they are added.
    let missing: Vec<Value> = letters::missing_facts(&case, kind, state.clock.today())
        .into_iter()
        .map(|(field, what)| json!({"href": format!("/cases/{}/edit#{field}", case.id), "what": what}))
        .collect();
    let mut shown_errors = FieldErrors::default();
    for (field, message) in errors.iter() {
        if field.starts_with("fields.") || field == "type" {
            shown_errors.add(field, message);
        } else if !missing.is_empty() {
            shown_errors.add(
                "missing-facts",
                "This letter needs facts the case does not have yet",
            );
        } else {
            shown_errors.add(field, message);
        }
    }
    let errors = &shown_errors;
    let data = json!({
        "missing": missing,
        "case": {"id": case.id, "reference": case.reference.to_string()},
        "kind": {"value": kind.as_str(), "title": kind.title()},
        "fields": fields,
        "values": shown,
        "preview": preview,
    });
    Ok(page(
        status,
        "letters/write.html",
        Some(visitor),
        errors,
        data,
    )?)
}

pub async fn new_letter(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let (id, kind) = (id_of(&id)?, kind_of(&pairs)?);
    write_page(
        &state,
        &user,
        &visitor,
        id,
        kind,
        StatusCode::OK,
        &FieldErrors::default(),
        &BTreeMap::new(),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let (id, kind) = (id_of(&id)?, kind_of(&pairs)?);
    let mut fields: BTreeMap<String, String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("fields.")
                .map(|name| (name.to_string(), v.clone()))
        })
        .collect();
    fields.insert("send_on".into(), form_field(&pairs, "send_on").to_string());
    match letters::generate(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id,
        kind,
        fields.clone(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#letters")).into_response()),
        Err(AppError::Invalid(e)) => {
            write_page(
                &state,
                &user,
                &visitor,
                id,
                kind,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                &fields,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn download(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let (bytes, name) = letters::pdf(&state.db, &state.reads, &user.principal, id_of(&id)?).await?;
    Ok(crate::web::pdf_response(bytes, &name))
}

pub async fn sent(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = id_of(&id)?;
    let field = |name: &str| form_value(&pairs, name);
    let clock = state.clock.as_ref();
    let result = letters::mark_sent(
        &state.db,
        clock,
        &user.principal,
        id,
        field("method"),
        field("date"),
        field("tracking"),
    )
    .await;
    match result {
        Ok(l) => Ok(Redirect::to(&format!("/cases/{}#letters", l.case_id)).into_response()),
        Err(AppError::Invalid(e)) => {
            // Each letter has its own form: point every message at that letter's field.
            let mut errors = FieldErrors::default();
            for (name, message) in e.iter() {
                let target = match name {
                    "method" => format!("method-{id}-post"),
                    other => format!("{other}-{id}"),
                };
                errors.add(target, message);
            }
            let case_id = letters::case_of(&state.db, &user.principal, id).await?;
            super::case_page::case_page(
                &state,
                &user,
                &visitor,
                case_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                super::case_page::Drafts::default(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Letters for the cases ticked on the case list: one PDF or a zip. If any case cannot
/// have the letter, none is written and the list comes back with the reasons.
pub async fn batch(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let value = |name: &str| form_field(&pairs, name);
    let chosen: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "cases")
        .map(|(_, v)| v.as_str())
        .collect();
    let values =
        json!({"type": value("type"), "format": value("format"), "cases": chosen.join(",")});
    let mut errors = FieldErrors::default();
    let kind = LetterKind::parse(value("type"));
    if kind.is_none() {
        errors.add("type", "Choose a letter");
    }
    let format = match value("format") {
        "pdf" => Some(letters::BatchFormat::Pdf),
        "zip" => Some(letters::BatchFormat::Zip),
        _ => {
            errors.add("format", "Choose one PDF or a zip file");
            None
        }
    };
    let ids: Vec<Uuid> = chosen.iter().map(|c| id_of(c)).collect::<Result<_, _>>()?;
    if ids.is_empty() {
        errors.add("cases", "Select at least one case");
    }
    let result = match (kind, format) {
        (Some(kind), Some(format)) if errors.is_empty() => {
            let clock = state.clock.as_ref();
            letters::batch(
                &state.db,
                clock,
                &user.principal,
                &ids,
                kind,
                BTreeMap::new(),
                &mut |_| {},
            )
            .await
            .and_then(|items| Ok((letters::pack(&items, format, clock.now())?, kind, format)))
        }
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok((bytes, kind, format)) => {
            let stamp = state.clock.today();
            Ok(match format {
                letters::BatchFormat::Pdf => crate::web::pdf_response(
                    bytes,
                    &format!("letters-{}-{stamp}.pdf", kind.as_str()),
                ),
                letters::BatchFormat::Zip => crate::web::file_response(
                    bytes,
                    &format!("letters-{}-{stamp}.zip", kind.as_str()),
                    "application/zip",
                ),
            })
        }
        Err(AppError::Invalid(e)) => {
            super::cases::list_page(
                &state,
                &user,
                &visitor,
                &pairs,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((e, values)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn wording_kind(raw: &str) -> Result<LetterKind, AppError> {
    LetterKind::parse(raw).ok_or(AppError::NotFound)
}

pub async fn wording_overview(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
) -> PageResult {
    let rows = templates::overview(&state.db, &user.principal).await?;
    Ok(page(
        StatusCode::OK,
        "letters/wording_list.html",
        Some(&visitor),
        &FieldErrors::default(),
        json!({"rows": rows}),
    )?)
}

async fn wording_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    (group, kind): (Uuid, LetterKind),
    status: StatusCode,
    errors: &FieldErrors,
    body: Option<&str>,
) -> PageResult {
    let detail = templates::detail(&state.db, &user.principal, group, kind).await?;
    let body = body.map_or_else(|| detail.current.clone(), str::to_string);
    Ok(page(
        status,
        "letters/wording.html",
        Some(visitor),
        errors,
        json!({"t": detail, "values": {"body": body}}),
    )?)
}

pub async fn wording(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path((group, kind)): Path<(String, String)>,
) -> PageResult {
    let key = (id_of(&group)?, wording_kind(&kind)?);
    wording_page(
        &state,
        &user,
        &visitor,
        key,
        StatusCode::OK,
        &FieldErrors::default(),
        None,
    )
    .await
}

pub async fn save_wording(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path((group, kind)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let (group, kind) = (id_of(&group)?, wording_kind(&kind)?);
    let standard = pairs.iter().any(|(k, _)| k == "standard");
    let body = form_field(&pairs, "body");
    let result = templates::save(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        group,
        kind,
        (!standard).then_some(body),
    )
    .await;
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/letters/wording/{group}/{}", kind.as_str())).into_response(),
        ),
        Err(AppError::Invalid(e)) => {
            wording_page(
                &state,
                &user,
                &visitor,
                (group, kind),
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                Some(body),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

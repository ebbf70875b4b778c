//! Letter pages: choose and write a letter, download it, mark it sent.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use uuid::Uuid;

use super::case_page::Done;
use super::{CaseRef, Notice, PageResult, form_field, form_outcome, form_value, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::letters::LetterKind;
use crate::error::AppError;
use crate::service::{letters, templates};
use crate::web::parse_id as id_of;
use crate::web::session::{SignedIn, Visitor};

fn kind_of(pairs: &[(String, String)]) -> Result<LetterKind, AppError> {
    LetterKind::parse(form_field(pairs, "type")).ok_or(AppError::NotFound)
}

/// What `letters/write.html` shows: the letter's free fields, the facts it still needs,
/// and a preview with every value taken from the case marked.
#[derive(Debug, Serialize)]
struct WritePage {
    missing: Vec<MissingFact>,
    case: CaseRef,
    kind: KindView,
    fields: Vec<FreeField>,
    values: BTreeMap<String, String>,
    preview: PreviewView,
}

/// A fact the letter needs and the case lacks, with a link to its field.
#[derive(Debug, Serialize)]
struct MissingFact {
    href: String,
    what: &'static str,
}

/// The letter's kind.
#[derive(Debug, Serialize)]
struct KindView {
    value: &'static str,
    title: &'static str,
}

/// A field the volunteer fills in.
#[derive(Debug, Serialize)]
struct FreeField {
    name: String,
    label: &'static str,
    hint: &'static str,
}

/// The wording, HTML-escaped, with the case's values in `<mark>`.
#[derive(Debug, Serialize)]
struct PreviewView {
    subject: String,
    paragraphs: Vec<String>,
}

impl PreviewView {
    fn of(wording: &crate::letters::wording::Wording) -> Self {
        let marked = |text: &str| {
            let mut escaped = Vec::with_capacity(text.len());
            let _ = tera::escape_html(text, &mut escaped);
            String::from_utf8_lossy(&escaped)
                .replace(letters::MARK_START, "<mark>")
                .replace(letters::MARK_END, "</mark>")
        };
        PreviewView {
            subject: marked(&wording.subject),
            paragraphs: wording.paragraphs.iter().map(|p| marked(p)).collect(),
        }
    }
}

/// The write-a-letter page. `values` are the free fields and the send date as typed.
async fn write_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    (case_id, kind): (Uuid, LetterKind),
    errors: &FieldErrors,
    values: &BTreeMap<String, String>,
) -> PageResult {
    let clock = state.clock.as_ref();
    let letters::Draft { case, wording } = letters::draft(
        &state.db,
        &state.reads,
        clock,
        &user.principal,
        case_id,
        kind,
    )
    .await?;
    let mut shown: BTreeMap<String, String> = values
        .iter()
        .filter(|(k, _)| k.as_str() != "send_on")
        .map(|(k, v)| (format!("fields.{k}"), v.clone()))
        .collect();
    let send_on = values
        .get("send_on")
        .filter(|v| !v.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| clock.today().to_string());
    shown.insert("send_on".into(), send_on);
    // Facts the letter needs and the case lacks: listed with a link to each field, and
    // the letter cannot be made until they are added.
    let missing: Vec<MissingFact> = letters::missing_facts(&case, kind, clock.today())
        .into_iter()
        .map(|(field, what)| MissingFact {
            href: format!("/cases/{}/edit#{field}", case.id),
            what,
        })
        .collect();
    let errors = shown_errors(errors, !missing.is_empty());
    let data = WritePage {
        missing,
        case: CaseRef::of(&case),
        kind: KindView {
            value: kind.as_str(),
            title: kind.title(),
        },
        fields: kind
            .free_fields()
            .iter()
            .map(|(name, label, hint)| FreeField {
                name: format!("fields.{name}"),
                label,
                hint,
            })
            .collect(),
        values: shown,
        preview: PreviewView::of(&wording),
    };
    let status = super::form_status(&errors);
    page(status, "letters/write.html", Some(visitor), &errors, &data)
}

/// The errors as the write page shows them: a fact the case lacks is named once, at the
/// list of missing facts, rather than at a field the page does not have.
fn shown_errors(errors: &FieldErrors, facts_missing: bool) -> FieldErrors {
    let mut shown = FieldErrors::default();
    for (field, message) in errors.iter() {
        if field.starts_with("fields.") || field == "type" || !facts_missing {
            shown.add(field, message);
        } else {
            shown.add(
                "missing-facts",
                "This letter needs facts the case does not have yet",
            );
        }
    }
    shown
}

pub async fn new_letter(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let (id, kind) = (id_of(&id)?, kind_of(&pairs)?);
    let (errors, values) = (FieldErrors::default(), BTreeMap::new());
    write_page(&state, &user, &visitor, (id, kind), &errors, &values).await
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
    let clock = state.clock.as_ref();
    let result =
        letters::generate(&state.db, clock, &user.principal, id, kind, fields.clone()).await;
    form_outcome(
        result,
        |_| Done::Letter.page(id),
        async |e| write_page(&state, &user, &visitor, (id, kind), e, &fields).await,
    )
    .await
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
    let sending = letters::Sending {
        method: field("method"),
        date: field("date"),
        tracking: field("tracking"),
        stage: field("stage"),
    };
    let result = letters::mark_sent(&state.db, clock, &user.principal, id, sending).await;
    form_outcome(
        result,
        |l| Done::Sent.page(l.case_id),
        async |e| {
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
            let (status, drafts) = (StatusCode::UNPROCESSABLE_ENTITY, Default::default());
            super::case_page::case_page(&state, &user, &visitor, case_id, status, &errors, drafts)
                .await
        },
    )
    .await
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
    let values = super::cases::BatchValues {
        kind: value("type").into(),
        format: value("format").into(),
        cases: chosen.join(","),
        ..super::cases::BatchValues::default()
    };
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

/// What `letters/wording_list.html` shows: each group's wording of each letter.
#[derive(Debug, Serialize)]
struct WordingListPage {
    rows: Vec<templates::TemplateSummary>,
}

/// What `letters/wording.html` shows: one wording, its versions, and the text as typed.
#[derive(Debug, Serialize)]
struct WordingPage<'a> {
    t: templates::TemplateDetail,
    values: WordingTyped<'a>,
}

/// The wording as typed.
#[derive(Debug, Serialize)]
struct WordingTyped<'a> {
    body: &'a str,
}

pub async fn wording_overview(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
) -> PageResult {
    let rows = templates::overview(&state.db, &user.principal).await?;
    page(
        StatusCode::OK,
        "letters/wording_list.html",
        Some(&visitor),
        &FieldErrors::default(),
        &WordingListPage { rows },
    )
}

async fn wording_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    (group, kind): (Uuid, LetterKind),
    errors: &FieldErrors,
    body: Option<&str>,
) -> PageResult {
    let detail = templates::detail(&state.db, &user.principal, group, kind).await?;
    let body = body.map_or_else(|| detail.current.clone(), str::to_string);
    let data = WordingPage {
        t: detail,
        values: WordingTyped { body: &body },
    };
    let status = super::form_status(errors);
    page(status, "letters/wording.html", Some(visitor), errors, &data)
}

pub async fn wording(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path((group, kind)): Path<(String, String)>,
) -> PageResult {
    let key = (id_of(&group)?, wording_kind(&kind)?);
    let errors = FieldErrors::default();
    wording_page(&state, &user, &visitor, key, &errors, None).await
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
    form_outcome(
        result,
        |_| Notice::WordingSaved.at(&format!("/letters/wording/{group}/{}", kind.as_str())),
        async |e| wording_page(&state, &user, &visitor, (group, kind), e, Some(body)).await,
    )
    .await
}

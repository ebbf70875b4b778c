//! The audit log page, for admins: filtered by user, case, action and dates.

use axum::extract::{Query, State};
use serde::Serialize;
use time::format_description::well_known::Iso8601;
use time::{Date, Time};
use uuid::Uuid;

use super::{Choice, PageResult, page};
use crate::app::AppState;
use crate::db::audit::{AuditEntry, AuditFilter};
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::error::AppError;
use crate::service::admin;
use crate::web::session::{SignedIn, Visitor};

use super::admin::forbid_unless_admin;
use super::form_field as field;

/// The audit filter from the query string, with a message beside each field that is wrong.
async fn read_filter(
    state: &AppState,
    pairs: &[(String, String)],
) -> Result<(AuditFilter, FieldErrors), AppError> {
    let mut errors = FieldErrors::default();
    let mut filter = AuditFilter {
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let text = |k: &str| field(pairs, k).trim().to_string();
    if !text("user").is_empty() {
        match Uuid::parse_str(&text("user")) {
            Ok(id) => filter.actor = Some(id),
            Err(_) => errors.add("user", "Choose a user from the list"),
        }
    }
    if !text("case").is_empty() {
        let reference = crate::domain::CaseReference::parse(&text("case"));
        match reference {
            Some(r) => match crate::service::cases::id_of_reference(&state.db, &r).await? {
                Some(id) => filter.case = Some(id),
                None => errors.add("case", "No case has this reference"),
            },
            None => errors.add("case", "Enter a case reference like TC-2026-00042"),
        }
    }
    if !text("action").is_empty() {
        match AuditAction::parse(&text("action")) {
            Some(a) => filter.action = Some(a),
            None => errors.add("action", "Choose an action from the list"),
        }
    }
    for (key, is_from) in [("from", true), ("until", false)] {
        let raw = text(key);
        if raw.is_empty() {
            continue;
        }
        match Date::parse(&raw, &Iso8601::DATE) {
            Ok(d) if is_from => filter.from = Some(d.with_time(Time::MIDNIGHT).assume_utc()),
            Ok(d) => {
                filter.until = d
                    .next_day()
                    .map(|n| n.with_time(Time::MIDNIGHT).assume_utc())
            }
            Err(_) => errors.add(key, crate::domain::dates::BAD_DATE),
        }
    }
    Ok((filter, errors))
}

/// The audit log, newest first, 100 entries a page.
pub async fn audit(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    forbid_unless_admin(&user)?;
    let users = admin::users(&state.db, &user.principal).await?;
    let (mut filter, errors) = read_filter(&state, &pairs).await?;
    let text = |k: &str| field(&pairs, k).trim().to_string();
    if let Ok(p) = text("page").parse::<u64>() {
        filter.page = p.clamp(1, 100_000);
    }
    let (entries, total) = admin::audit(&state.db, &state.reads, &user.principal, &filter).await?;
    let values = AuditValues {
        user: text("user"),
        case: text("case"),
        action: text("action"),
        from: text("from"),
        until: text("until"),
    };
    let query = filter_query(&values);
    let data = AuditPage {
        entries: entries.iter().map(EntryView::of).collect(),
        total,
        users,
        export_url: format!("/admin/audit.csv?{query}"),
        older_url: format!("/admin/audit?{query}&page={}", filter.page + 1),
        values,
        actions: Choice::all(AuditAction::ALL, AuditAction::as_str, AuditAction::label),
        page: filter.page,
        more: total > filter.page * filter.per_page,
    };
    let status = super::form_status(&errors);
    page(status, "admin/audit.html", Some(&visitor), &errors, &data)
}

/// `GET /admin/audit.csv`: every entry the filter matches, as a spreadsheet (admins).
pub async fn export(
    State(state): State<AppState>,
    user: SignedIn,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    forbid_unless_admin(&user)?;
    let (filter, errors) = read_filter(&state, &pairs).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors).into());
    }
    let bytes =
        crate::service::export::audit_csv(&state.db, &state.reads, &user.principal, &filter)
            .await?;
    Ok(crate::web::csv_response(
        bytes,
        "audit-log",
        state.clock.today(),
    ))
}

/// The audit page's filter as a query string, for its links.
fn filter_query(values: &AuditValues) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("user", &values.user)
        .append_pair("case", &values.case)
        .append_pair("action", &values.action)
        .append_pair("from", &values.from)
        .append_pair("until", &values.until)
        .finish()
}

/// What `admin/audit.html` shows: a page of entries and the filter that chose them.
#[derive(Debug, Serialize)]
struct AuditPage<'a> {
    entries: Vec<EntryView<'a>>,
    total: u64,
    users: Vec<admin::UserRow>,
    /// These entries, every page, as a spreadsheet.
    export_url: String,
    /// The next page of older entries.
    older_url: String,
    values: AuditValues,
    actions: Vec<Choice>,
    page: u64,
    more: bool,
}

/// The filter as typed, kept.
#[derive(Debug, Serialize)]
struct AuditValues {
    user: String,
    case: String,
    action: String,
    from: String,
    until: String,
}

/// One entry of the log, with its action in words and its detail as text.
#[derive(Debug, Serialize)]
struct EntryView<'a> {
    #[serde(flatten)]
    entry: &'a AuditEntry,
    action_label: &'a str,
    detail_text: String,
}

impl<'a> EntryView<'a> {
    fn of(entry: &'a AuditEntry) -> Self {
        let label = AuditAction::parse(&entry.action).map(AuditAction::label);
        EntryView {
            entry,
            action_label: label.unwrap_or(entry.action.as_str()),
            detail_text: entry.detail.to_string(),
        }
    }
}

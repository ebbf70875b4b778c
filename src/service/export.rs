//! Spreadsheets out, as CSV: the case list as the caller filtered it, the letters sent, and
//! (admins) the audit log. Only what the caller may see; a cell that a spreadsheet would
//! run as a formula is made inert. Each download is itself audited.

use std::borrow::Cow;

use sea_orm::DatabaseConnection;
use serde_json::json;

use super::Principal;
use super::reads::ReadAudit;
use crate::db;
use crate::db::cases::CaseFilter;
use crate::domain::audit::AuditAction;
use crate::domain::case::long_date;
use crate::error::AppError;

/// At most this many cases go in one file.
pub const MAX_ROWS: u64 = 50_000;

/// Cases are read this many at a time.
const BATCH: u64 = 500;

/// A cell as a spreadsheet will only show it: text that begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return could be run as a formula, so it gets a leading `'`.
pub fn inert(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The rows of every page, read [`BATCH`] at a time from page 1 by `page`, until a page
/// comes back short or there are [`MAX_ROWS`].
async fn every_page<F, Fut>(mut page: F) -> Result<Vec<Vec<String>>, AppError>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<Vec<String>>, AppError>>,
{
    let mut rows = Vec::new();
    for number in 1u64.. {
        let more = page(number).await?;
        let full = more.len() as u64 == BATCH;
        rows.extend(more);
        if !full || rows.len() as u64 >= MAX_ROWS {
            break;
        }
    }
    rows.truncate(usize::try_from(MAX_ROWS).unwrap_or(usize::MAX));
    Ok(rows)
}

/// Rows under a header, as CSV (RFC 4180, CRLF line ends), every cell made inert.
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(header).map_err(anyhow::Error::from)?;
    for row in rows {
        out.write_record(row.iter().map(|c| inert(c).into_owned()))
            .map_err(anyhow::Error::from)?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))
}

/// The header of the cases file.
const CASE_HEADER: [&str; 9] = [
    "Reference",
    "Tenant",
    "Landlord or agent",
    "Postcode",
    "Nation",
    "Stage",
    "Next deadline",
    "Deadline due",
    "Last changed",
];

/// Every case of the caller's groups (admins: all) that `filter` matches, in its order,
/// up to [`MAX_ROWS`], as CSV, with the deadline each leads with `today`. The export is
/// audited once, with how many cases it held and never the search words.
pub async fn cases_csv(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    actor: &Principal,
    filter: &CaseFilter,
    today: time::Date,
) -> Result<Vec<u8>, AppError> {
    let filter = CaseFilter {
        groups: actor.visible_groups(),
        per_page: BATCH,
        ..filter.clone()
    };
    let rows = every_page(|page| {
        let filter = CaseFilter {
            page,
            ..filter.clone()
        };
        async move {
            let page = db::cases::list(db, &filter).await?;
            let ids: Vec<_> = page.items.iter().map(|c| c.id).collect();
            let deadlines = super::cases::leading_deadlines(db, &ids, today).await?;
            let rows = page.items.into_iter().map(|case| {
                let next = deadlines.get(&case.id);
                vec![
                    case.reference,
                    case.tenant_name,
                    case.landlord_name.unwrap_or_default(),
                    case.postcode.unwrap_or_default(),
                    case.jurisdiction.label().to_string(),
                    case.stage.label().to_string(),
                    next.map(|d| d.label.clone()).unwrap_or_default(),
                    next.map(|d| d.due.to_string()).unwrap_or_default(),
                    long_date(crate::domain::dates::uk_time(case.updated_at).date()),
                ]
            });
            Ok(rows.collect())
        }
    })
    .await?;
    let searched = filter.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let detail = json!({"searched": searched, "jurisdiction": filter.jurisdiction,
                        "status": filter.status, "assigned_to": filter.assigned_to,
                        "rows": rows.len()});
    reads
        .record(Some(actor), AuditAction::CasesExported, None, detail)
        .await?;
    to_csv(&CASE_HEADER, &rows)
}

/// The header of the letters-sent file.
const LETTER_HEADER: [&str; 8] = [
    "Case",
    "Letter",
    "Version",
    "Title",
    "Sent on",
    "Sent by",
    "Tracking",
    "Reply due",
];

/// The letters sent on the cases of the caller's groups (admins: all), latest first, up to
/// [`MAX_ROWS`], as CSV.
pub async fn letters_csv(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    actor: &Principal,
) -> Result<Vec<u8>, AppError> {
    let groups = actor.visible_groups();
    let sent = db::letters::sent_in(db, groups.as_deref(), MAX_ROWS).await?;
    let rows: Vec<Vec<String>> = sent
        .into_iter()
        .map(|l| {
            vec![
                l.reference,
                l.kind,
                l.version.to_string(),
                l.title,
                l.sent_on.to_string(),
                l.sent_method.unwrap_or_default(),
                l.tracking.unwrap_or_default(),
                l.reply_due.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    reads
        .record(
            Some(actor),
            AuditAction::LettersExported,
            None,
            json!({"rows": rows.len()}),
        )
        .await?;
    to_csv(&LETTER_HEADER, &rows)
}

/// The header of the audit log file.
const AUDIT_HEADER: [&str; 7] = [
    "When", "Who", "Action", "Case", "Address", "Detail", "Entry",
];

/// The audit log entries `filter` matches (admins only), newest first, up to
/// [`MAX_ROWS`], as CSV. Cases are named by id, as in the log.
pub async fn audit_csv(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    actor: &Principal,
    filter: &db::audit::AuditFilter,
) -> Result<Vec<u8>, AppError> {
    let filter = db::audit::AuditFilter {
        per_page: BATCH,
        ..filter.clone()
    };
    let rows = every_page(|page| {
        let filter = db::audit::AuditFilter {
            page,
            ..filter.clone()
        };
        async move {
            let (entries, _) = super::admin::audit(db, reads, actor, &filter).await?;
            let rows = entries.into_iter().map(|e| {
                let action =
                    AuditAction::parse(&e.action).map_or(e.action.clone(), |a| a.label().into());
                vec![
                    e.at.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                    e.actor_name,
                    action,
                    e.case_id.map(|c| c.to_string()).unwrap_or_default(),
                    e.address.unwrap_or_default(),
                    e.detail.to_string(),
                    e.id.to_string(),
                ]
            });
            Ok(rows.collect())
        }
    })
    .await?;
    reads
        .record(
            Some(actor),
            AuditAction::AuditExported,
            None,
            json!({"rows": rows.len()}),
        )
        .await?;
    to_csv(&AUDIT_HEADER, &rows)
}

#[cfg(test)]
#[expect(
    clippy::expect_used,
    reason = "a test should fail loudly at the first surprise"
)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_inert() {
        for risky in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(inert(risky), format!("'{risky}"));
        }
        for plain in ["Ana Nowak", "", "1 = 1", "'quoted", "£1,100"] {
            assert_eq!(inert(plain), plain);
        }
    }

    #[tokio::test]
    async fn pages_are_read_until_one_is_short_or_the_file_is_full() {
        let batch = usize::try_from(BATCH).expect("small");
        let mut asked = Vec::new();
        let rows = every_page(|n| {
            asked.push(n);
            async move { Ok(vec![vec![n.to_string()]; if n < 3 { batch } else { 3 }]) }
        })
        .await
        .expect("rows");
        assert_eq!(asked, [1, 2, 3]);
        assert_eq!(rows.len(), 2 * batch + 3);
        assert_eq!(rows.last(), Some(&vec!["3".to_string()]));
        let rows = every_page(|_| async move { Ok(vec![Vec::new(); batch]) })
            .await
            .expect("rows");
        assert_eq!(rows.len() as u64, MAX_ROWS, "a file stops at the limit");
    }

    #[test]
    fn a_file_reads_back_cell_for_cell() {
        let rows = vec![
            vec![
                "TC-2026-00001".to_string(),
                "Nowak, Ana \"Ania\"".to_string(),
            ],
            vec!["TC-2026-00002".to_string(), "=1+1".to_string()],
        ];
        let bytes = to_csv(&["Reference", "Tenant"], &rows).expect("csv");
        assert!(bytes.ends_with(b"\r\n"));
        let mut back = csv::Reader::from_reader(bytes.as_slice());
        let read: Vec<Vec<String>> = back
            .records()
            .map(|r| r.expect("row").iter().map(str::to_string).collect())
            .collect();
        assert_eq!(read[0][1], "Nowak, Ana \"Ania\"");
        assert_eq!(read[1][1], "'=1+1");
    }
}

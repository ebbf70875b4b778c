//! The home page's deadline lists, complete at any caseload.

use std::collections::{HashMap, HashSet};

use sea_orm::DatabaseConnection;
use serde::Serialize;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db;
use crate::domain::CaseRecord;
use crate::domain::rules::{self};
use crate::error::AppError;
use crate::service::Principal;

/// A deadline of one case, for the "Overdue" and "Due soon" lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineRow {
    /// Case id.
    pub case_id: Uuid,
    /// Case reference.
    pub reference: String,
    /// Lead tenant.
    pub tenant_name: String,
    /// Landlord or agent.
    pub landlord_name: Option<String>,
    /// Stage, in words.
    pub stage: &'static str,
    /// What is due.
    pub label: String,
    /// When.
    #[serde(with = "crate::domain::case::iso_date")]
    pub due: time::Date,
    /// Days since it passed, when it has.
    pub overdue_days: Option<i64>,
}

/// Overdue deadlines (missed, and acting on them falls to us) and deadlines due within
/// [`DUE_SOON_DAYS`] days, soonest first.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct DeadlineLists {
    /// Passed, and ours to act on.
    pub overdue: Vec<DeadlineRow>,
    /// Still running, due within the window.
    pub due_soon: Vec<DeadlineRow>,
}

/// How far ahead "Due soon" looks.
pub use crate::domain::alerts::DUE_SOON_DAYS;

fn deadline_lists(
    cases: &[CaseRecord],
    letters: &[db::letters::LetterHead],
    today: time::Date,
) -> DeadlineLists {
    use crate::domain::alerts::{Listed, listed, reply_listed};
    let mut lists = DeadlineLists::default();
    let row = |case: &CaseRecord, label: String, due: time::Date| DeadlineRow {
        case_id: case.id,
        reference: case.reference.to_string(),
        tenant_name: case.facts.tenant.name.clone(),
        landlord_name: case.facts.other_side_name().map(str::to_string),
        stage: case.stage.label(),
        label,
        due,
        overdue_days: (due < today).then(|| (today - due).whole_days()),
    };
    let mut put = |on: Option<Listed>, r: DeadlineRow| match on {
        Some(Listed::Overdue) => lists.overdue.push(r),
        Some(Listed::DueSoon) => lists.due_soon.push(r),
        None => {}
    };
    let by_id: HashMap<Uuid, &CaseRecord> = cases.iter().map(|c| (c.id, c)).collect();
    for letter in letters {
        if let (Some(due), Some(case)) = (letter.reply_due, by_id.get(&letter.case_id)) {
            let label = crate::domain::alerts::reply_label(&letter.title);
            put(reply_listed(due, today), row(case, label, due));
        }
    }
    for case in cases {
        for d in rules::assess(&case.facts, today).deadlines {
            put(listed(&d, today), row(case, d.label.clone(), d.due));
        }
    }
    lists.overdue.sort_by_key(|r| r.due);
    lists.due_soon.sort_by_key(|r| r.due);
    lists
}

/// The deadline lists of the actor's own cases, and (for coordinators and admins) of
/// every case of their groups. Derived from the rules each time; none is typed in. Complete
/// at any caseload: only the cases with a deadline window open today are read
/// ([`crate::domain::alerts`]), with the cases of letters whose reply is due.
pub async fn deadlines(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
) -> Result<(DeadlineLists, Option<DeadlineLists>), AppError> {
    let today = clock.today();
    // Assignment alone never shows a case: it must also be in one of the actor's groups now.
    let visible = actor.visible_groups();
    let lists = |assigned: Option<Uuid>| {
        let groups = visible.clone();
        async move {
            let groups = groups.as_deref();
            let mut cases = db::cases::alerted_open_records(db, groups, assigned, today).await?;
            let soon = today + time::Duration::days(DUE_SOON_DAYS);
            let open = db::cases::open_case_ids(groups, assigned);
            let letters = db::letters::replies_due_by(db, open, soon).await?;
            let loaded: HashSet<Uuid> = cases.iter().map(|c| c.id).collect();
            let mut missing: Vec<Uuid> = letters
                .iter()
                .map(|l| l.case_id)
                .filter(|id| !loaded.contains(id))
                .collect();
            missing.sort_unstable();
            missing.dedup();
            cases.extend(db::cases::records(db, &missing).await?);
            Ok::<_, AppError>(deadline_lists(&cases, &letters, today))
        }
    };
    let mine = lists(Some(actor.user_id)).await?;
    let groups = if actor.coordinates() {
        Some(lists(None).await?)
    } else {
        None
    };
    Ok((mine, groups))
}

/// The deadline a listed case leads with, as its case card says it.
#[derive(Debug, Clone, Serialize)]
pub struct LeadingDeadline {
    /// What is due.
    pub label: String,
    /// When.
    #[serde(with = "crate::domain::case::iso_date")]
    pub due: time::Date,
    /// Whether it has passed.
    pub missed: bool,
}

/// The deadline each of these cases leads with on `today` (rules and letters' replies
/// alike: [`crate::domain::alerts::next_deadline`], as on the case card); cases with none
/// are left out. Two queries, whatever the number of cases.
pub async fn leading_deadlines(
    db: &DatabaseConnection,
    ids: &[Uuid],
    today: time::Date,
) -> Result<HashMap<Uuid, LeadingDeadline>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let cases = db::cases::records(db, ids).await?;
    let letters = db::letters::replies_of(db, ids).await?;
    let mut out = HashMap::new();
    for case in cases {
        let a = rules::assess(&case.facts, today);
        let replies: Vec<(&str, time::Date)> = letters
            .iter()
            .filter(|l| l.case_id == case.id)
            .filter_map(|l| Some((l.title.as_str(), l.reply_due?)))
            .collect();
        if let Some(next) = crate::domain::alerts::next_deadline(&a.deadlines, &replies, today) {
            out.insert(
                case.id,
                LeadingDeadline {
                    label: next.label,
                    due: next.due,
                    missed: next.missed,
                },
            );
        }
    }
    Ok(out)
}

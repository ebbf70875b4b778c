//! Case queries: references, rows, the list, and the timeline.

mod list;
mod timeline;

pub use list::*;
pub use timeline::*;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{case_alerts, case_assignees, case_search_terms, cases, letters, users};
use super::users::User;
use crate::domain::workflow::Stage;
use crate::domain::{CaseFacts, CaseRecord, CaseReference};

/// Takes the next reference number for `year`. Atomic on both databases: the counter row
/// is created or incremented in one statement, which holds its lock until commit.
pub async fn next_reference(c: &impl ConnectionTrait, year: i32) -> Result<CaseReference, DbErr> {
    let (table, year_col, last) = ("case_counters", "year", "last");
    let stmt = Query::insert()
        .into_table(table)
        .columns([year_col, last])
        .values([year.into(), 1.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(year_col)
                .value(
                    last,
                    sea_orm::sea_query::ExprTrait::add(Expr::col((table, last)), 1),
                )
                .to_owned(),
        )
        .returning_col(last)
        .to_owned();
    let row = c
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::Custom("no counter row".into()))?;
    let n: i32 = row.try_get("", last)?;
    let n = u32::try_from(n).map_err(|e| DbErr::Custom(e.to_string()))?;
    Ok(CaseReference::new(year, n))
}

fn outcome_json(rec: &CaseRecord) -> Result<Option<serde_json::Value>, DbErr> {
    rec.outcome
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| DbErr::Json(e.to_string()))
}

fn facts_json(facts: &CaseFacts) -> Result<serde_json::Value, DbErr> {
    serde_json::to_value(facts).map_err(|e| DbErr::Json(e.to_string()))
}

/// Inserts a new case row.
pub async fn insert(
    c: &impl ConnectionTrait,
    rec: &CaseRecord,
    created_by: Option<Uuid>,
) -> Result<(), DbErr> {
    let today = crate::domain::dates::uk_time(rec.updated_at).date();
    let windows = crate::domain::alerts::windows(&rec.facts, today);
    let row = cases::ActiveModel {
        id: Set(rec.id),
        reference: Set(rec.reference.to_string()),
        group_id: Set(rec.group_id),
        jurisdiction: Set(rec.facts.tenancy.jurisdiction.as_str().into()),
        stage: Set(rec.stage.as_str().into()),
        held_from: Set(rec.held_from.map(|s| s.as_str().to_string())),
        outcome: Set(outcome_json(rec)?),
        tenant_name: Set(rec.facts.tenant.name.clone()),
        other_side_name: Set(rec.facts.other_side_name().map(str::to_string)),
        postcode: Set(rec.facts.property.postcode.as_ref().map(|p| p.to_string())),
        facts: Set(facts_json(&rec.facts)?),
        version: Set(rec.version),
        created_by: Set(created_by),
        created_at: Set(rec.created_at),
        updated_at: Set(rec.updated_at),
        // A new case has no letters yet: its leading deadline is its rules' alone.
        next_due: Set(Some(
            crate::domain::alerts::leading_day(windows.iter().map(|w| w.due), today)
                .unwrap_or(NO_DEADLINE),
        )),
    };
    cases::Entity::insert(row).exec_without_returning(c).await?;
    insert_terms(c, rec).await?;
    write_alerts(c, rec.id, windows).await
}

/// Rewrites, from the case's facts, the windows of days in which its deadlines can be on
/// the deadline lists ([`crate::domain::alerts::windows`]), and the deadline it leads with.
pub async fn replace_alerts(c: &impl ConnectionTrait, rec: &CaseRecord) -> Result<(), DbErr> {
    case_alerts::Entity::delete_many()
        .filter(case_alerts::Column::CaseId.eq(rec.id))
        .exec(c)
        .await?;
    let today = crate::domain::dates::uk_time(rec.updated_at).date();
    write_alerts(c, rec.id, crate::domain::alerts::windows(&rec.facts, today)).await?;
    refresh_next_due(c, Some(rec.id), today).await
}

/// Stores a case's deadline windows.
async fn write_alerts(
    c: &impl ConnectionTrait,
    case: Uuid,
    windows: Vec<crate::domain::alerts::Window>,
) -> Result<(), DbErr> {
    let rows: Vec<_> = windows
        .into_iter()
        .zip(0..)
        .map(|(w, seq)| case_alerts::ActiveModel {
            case_id: Set(case),
            seq: Set(seq),
            from_date: Set(w.from),
            until_date: Set(w.until),
            due_date: Set(Some(w.due)),
        })
        .collect();
    if !rows.is_empty() {
        case_alerts::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// The `next_due` of a case with no deadline at all: after every real one.
pub const NO_DEADLINE: time::Date = time::macros::date!(9999 - 12 - 31);

/// The daily refresh of `next_due` ([`refresh_next_due`] for every case whose leading
/// deadline has passed), in a write transaction of its own.
pub async fn refresh_passed(
    db: &sea_orm::DatabaseConnection,
    today: time::Date,
) -> Result<(), DbErr> {
    let txn = super::begin_write(db).await?;
    refresh_next_due(&*txn, None, today).await?;
    txn.commit().await
}

/// Writes `next_due`, the day of the deadline a case leads with as of `today`: the soonest
/// rule deadline (not met) or letter reply still running, else the latest passed. For one
/// case, or for every case whose `next_due` has passed (the daily refresh).
pub async fn refresh_next_due(
    c: &impl ConnectionTrait,
    case: Option<Uuid>,
    today: time::Date,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Func, SimpleExpr, UnionType};
    let case_col = || Expr::col((cases::Entity, cases::Column::Id));
    // Every deadline day of the case in the outer query, as one column `d`.
    let days = |running: bool| {
        let cmp = |col: Expr| {
            if running {
                col.gte(today)
            } else {
                col.lt(today)
            }
        };
        let mut rules = Query::select()
            .expr_as(
                Expr::col(case_alerts::Column::DueDate),
                sea_orm::sea_query::Alias::new("d"),
            )
            .from(case_alerts::Entity)
            .and_where(
                Expr::col((case_alerts::Entity, case_alerts::Column::CaseId))
                    .equals((cases::Entity, cases::Column::Id)),
            )
            .and_where(cmp(Expr::col(case_alerts::Column::DueDate)))
            .to_owned();
        let replies = Query::select()
            .expr(Expr::col(letters::Column::ReplyDue))
            .from(letters::Entity)
            .and_where(
                Expr::col((letters::Entity, letters::Column::CaseId))
                    .equals((cases::Entity, cases::Column::Id)),
            )
            .and_where(cmp(Expr::col(letters::Column::ReplyDue)))
            .to_owned();
        rules.union(UnionType::All, replies);
        let agg: SimpleExpr = if running {
            Func::min(Expr::col(sea_orm::sea_query::Alias::new("d"))).into()
        } else {
            Func::max(Expr::col(sea_orm::sea_query::Alias::new("d"))).into()
        };
        let picked = Query::select()
            .expr(agg)
            .from_subquery(rules, sea_orm::sea_query::Alias::new("days"))
            .to_owned();
        SimpleExpr::SubQuery(None, Box::new(picked.into()))
    };
    // A case with no deadline sorts last.
    let none = Expr::val(NO_DEADLINE);
    let next = Func::coalesce([days(true), days(false), none]);
    let mut update = Query::update();
    update
        .table(cases::Entity)
        .value(cases::Column::NextDue, next);
    match case {
        Some(id) => update.and_where(case_col().eq(id)),
        // Only a case whose deadline has passed can lead with another one now.
        None => update.and_where(Expr::col(cases::Column::NextDue).lt(today)),
    };
    c.execute(&update).await?;
    Ok(())
}

/// Rewrites the search terms of a case from its facts.
pub(crate) async fn replace_terms(c: &impl ConnectionTrait, rec: &CaseRecord) -> Result<(), DbErr> {
    case_search_terms::Entity::delete_many()
        .filter(case_search_terms::Column::CaseId.eq(rec.id))
        .exec(c)
        .await?;
    insert_terms(c, rec).await
}

/// Stores the search terms of a case that has none yet.
async fn insert_terms(c: &impl ConnectionTrait, rec: &CaseRecord) -> Result<(), DbErr> {
    let rows = rec
        .facts
        .search_terms(&rec.reference)
        .into_iter()
        .map(|term| case_search_terms::ActiveModel {
            term: Set(term),
            case_id: Set(rec.id),
        });
    case_search_terms::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Writes `rec` over the stored case if its stored version is still `expected`.
/// Returns false when someone else changed it first.
pub async fn update(
    c: &impl ConnectionTrait,
    rec: &CaseRecord,
    expected: i32,
) -> Result<bool, DbErr> {
    let res = cases::Entity::update_many()
        .col_expr(
            cases::Column::Jurisdiction,
            Expr::value(rec.facts.tenancy.jurisdiction.as_str()),
        )
        .col_expr(cases::Column::Stage, Expr::value(rec.stage.as_str()))
        .col_expr(
            cases::Column::HeldFrom,
            Expr::value(rec.held_from.map(|s| s.as_str().to_string())),
        )
        .col_expr(cases::Column::Outcome, Expr::value(outcome_json(rec)?))
        .col_expr(
            cases::Column::TenantName,
            Expr::value(rec.facts.tenant.name.clone()),
        )
        .col_expr(
            cases::Column::OtherSideName,
            Expr::value(rec.facts.other_side_name().map(str::to_string)),
        )
        .col_expr(
            cases::Column::Postcode,
            Expr::value(rec.facts.property.postcode.as_ref().map(|p| p.to_string())),
        )
        .col_expr(cases::Column::Facts, Expr::value(facts_json(&rec.facts)?))
        .col_expr(cases::Column::Version, Expr::value(rec.version))
        .col_expr(cases::Column::UpdatedAt, Expr::value(rec.updated_at))
        .filter(cases::Column::Id.eq(rec.id))
        .filter(cases::Column::Version.eq(expected))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    replace_terms(c, rec).await?;
    replace_alerts(c, rec).await?;
    Ok(true)
}

impl TryFrom<cases::Model> for CaseRecord {
    type Error = DbErr;
    fn try_from(m: cases::Model) -> Result<Self, DbErr> {
        let bad = |what: &str| DbErr::Custom(format!("case {}: bad {what}", m.id));
        Ok(CaseRecord {
            id: m.id,
            reference: CaseReference::parse(&m.reference).ok_or_else(|| bad("reference"))?,
            group_id: m.group_id,
            stage: Stage::parse(&m.stage).ok_or_else(|| bad("stage"))?,
            held_from: m
                .held_from
                .as_deref()
                .map(|h| Stage::parse(h).ok_or_else(|| bad("held_from")))
                .transpose()?,
            outcome: m
                .outcome
                .clone()
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| DbErr::Json(e.to_string()))?,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
            facts: serde_json::from_value(m.facts.clone())
                .map_err(|e| DbErr::Json(e.to_string()))?,
        })
    }
}

/// Locks a case's row until the transaction ends (PostgreSQL; SQLite's write transaction
/// already holds the whole database), so that use cases that read and then write a case's
/// children (letter versions, assignees) take their turns.
pub async fn lock(c: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    let stmt = Query::update()
        .table(cases::Entity)
        .value(cases::Column::Version, Expr::col(cases::Column::Version))
        .and_where(Expr::col(cases::Column::Id).eq(id))
        .to_owned();
    c.execute(&stmt).await?;
    Ok(())
}

/// The case with this id.
pub async fn find(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<CaseRecord>, DbErr> {
    cases::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(CaseRecord::try_from)
        .transpose()
}

/// A case with the users assigned to it, by name, read in one query.
pub async fn find_with_assignees(
    c: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<(CaseRecord, Vec<User>)>, DbErr> {
    let assignment = case_assignees::Entity::belongs_to(cases::Entity)
        .from(case_assignees::Column::CaseId)
        .to(cases::Column::Id)
        .into();
    let assignee = case_assignees::Entity::belongs_to(users::Entity)
        .from(case_assignees::Column::UserId)
        .to(users::Column::Id)
        .into();
    let mut rows = cases::Entity::find_by_id(id)
        .join_rev(JoinType::LeftJoin, assignment)
        .join(JoinType::LeftJoin, assignee)
        .select_also(users::Entity)
        .order_by_asc(users::Column::Name)
        .all(c)
        .await?
        .into_iter();
    let Some((case, first)) = rows.next() else {
        return Ok(None);
    };
    let assignees = first
        .into_iter()
        .chain(rows.filter_map(|(_, u)| u))
        .map(User::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some((CaseRecord::try_from(case)?, assignees)))
}

/// The ids of the cases assigned to `user`, as a subquery.
pub(super) fn assigned_cases(user: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(case_assignees::Column::CaseId)
        .from(case_assignees::Entity)
        .and_where(Expr::col(case_assignees::Column::UserId).eq(user))
        .to_owned()
}

/// The cases with a deadline window open on `today` ([`replace_alerts`]).
fn alerted_on(today: time::Date) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(case_alerts::Column::CaseId)
        .from(case_alerts::Entity)
        .and_where(Expr::col(case_alerts::Column::FromDate).lte(today))
        .and_where(
            Expr::col(case_alerts::Column::UntilDate)
                .is_null()
                .or(Expr::col(case_alerts::Column::UntilDate).gte(today)),
        )
        .to_owned()
}

/// Open cases (of these groups; worked by this user) that may have a deadline on the
/// deadline lists today: every one, however many cases there are.
pub async fn alerted_open_records(
    c: &impl ConnectionTrait,
    groups: Option<&[Uuid]>,
    assigned_to: Option<Uuid>,
    today: time::Date,
) -> Result<Vec<CaseRecord>, DbErr> {
    open_cases(groups, assigned_to)
        .filter(cases::Column::Id.in_subquery(alerted_on(today)))
        .all(c)
        .await?
        .into_iter()
        .map(CaseRecord::try_from)
        .collect()
}

/// Open cases, of these groups and worked by this user when given.
fn open_cases(
    groups: Option<&[Uuid]>,
    assigned_to: Option<Uuid>,
) -> sea_orm::Select<cases::Entity> {
    let mut q = cases::Entity::find().filter(
        cases::Column::Stage.is_in(
            Stage::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| s.as_str()),
        ),
    );
    if let Some(groups) = groups {
        q = q.filter(cases::Column::GroupId.is_in(groups.iter().copied()));
    }
    if let Some(user) = assigned_to {
        q = q.filter(cases::Column::Id.in_subquery(assigned_cases(user)));
    }
    q
}

/// The ids of open cases, of these groups and worked by this user when given, as a
/// subquery.
pub fn open_case_ids(
    groups: Option<&[Uuid]>,
    assigned_to: Option<Uuid>,
) -> sea_orm::sea_query::SelectStatement {
    sea_orm::QueryTrait::into_query(
        open_cases(groups, assigned_to)
            .select_only()
            .column(cases::Column::Id),
    )
}

/// Up to `n` cases after `after` in id order (all of them, a batch at a time).
pub async fn batch_after(
    c: &impl ConnectionTrait,
    after: Option<Uuid>,
    n: u64,
) -> Result<Vec<CaseRecord>, DbErr> {
    let mut q = cases::Entity::find();
    if let Some(after) = after {
        q = q.filter(cases::Column::Id.gt(after));
    }
    q.order_by_asc(cases::Column::Id)
        .limit(n)
        .all(c)
        .await?
        .into_iter()
        .map(CaseRecord::try_from)
        .collect()
}

/// Every case with one of these ids.
pub async fn records(c: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<CaseRecord>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = cases::Entity::find()
            .filter(cases::Column::Id.is_in(chunk.iter().copied()))
            .all(c)
            .await?;
        for m in rows {
            out.push(CaseRecord::try_from(m)?);
        }
    }
    Ok(out)
}

/// The ids of the users assigned to a case.
pub async fn assignees(c: &impl ConnectionTrait, case_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(case_assignees::Entity::find()
        .filter(case_assignees::Column::CaseId.eq(case_id))
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.user_id)
        .collect())
}

/// Makes `users` exactly the assignees of a case.
pub async fn set_assignees(
    c: &impl ConnectionTrait,
    case_id: Uuid,
    users: &[Uuid],
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    case_assignees::Entity::delete_many()
        .filter(case_assignees::Column::CaseId.eq(case_id))
        .exec(c)
        .await?;
    add_assignees(c, case_id, users, at).await
}

/// Puts `users` on a case that none of them works yet.
pub async fn add_assignees(
    c: &impl ConnectionTrait,
    case_id: Uuid,
    users: &[Uuid],
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    if users.is_empty() {
        return Ok(());
    }
    let rows = users.iter().map(|u| case_assignees::ActiveModel {
        case_id: Set(case_id),
        user_id: Set(*u),
        assigned_at: Set(at),
    });
    case_assignees::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// The cases of `groups` that `user` is assigned to.
pub async fn assigned_in_groups(
    c: &impl ConnectionTrait,
    user: Uuid,
    groups: &[Uuid],
) -> Result<Vec<Uuid>, DbErr> {
    cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .filter(cases::Column::GroupId.is_in(groups.iter().copied()))
        .filter(cases::Column::Id.in_subquery(assigned_cases(user)))
        .into_tuple::<Uuid>()
        .all(c)
        .await
}

/// Takes `user` off these cases.
pub async fn unassign(
    c: &impl ConnectionTrait,
    user: Uuid,
    case_ids: &[Uuid],
) -> Result<(), DbErr> {
    case_assignees::Entity::delete_many()
        .filter(case_assignees::Column::UserId.eq(user))
        .filter(case_assignees::Column::CaseId.is_in(case_ids.iter().copied()))
        .exec(c)
        .await?;
    Ok(())
}

/// The id of the case with this reference.
pub async fn id_of_reference(
    c: &impl ConnectionTrait,
    reference: &CaseReference,
) -> Result<Option<Uuid>, DbErr> {
    Ok(cases::Entity::find()
        .filter(cases::Column::Reference.eq(reference.to_string()))
        .one(c)
        .await?
        .map(|m| m.id))
}

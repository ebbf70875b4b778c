//! The case list: filters, word-prefix search driven by the rarest word, counts capped
//! at [`COUNT_LIMIT`].

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::db::entities::{case_assignees, case_search_terms, cases};
use crate::domain::case::search_words;
use crate::domain::workflow::Stage;
use crate::domain::{CaseReference, CaseStatus, CaseSummary, Jurisdiction, Postcode};

use super::*;

/// Matches are counted exactly up to this many; past it a list says "more than 1,000", so
/// that a page never counts a whole large caseload.
pub const COUNT_LIMIT: u64 = 1_000;

/// Filters and page of the case list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only cases in this jurisdiction.
    pub jurisdiction: Option<Jurisdiction>,
    /// Only open or only closed cases.
    pub status: Option<CaseStatus>,
    /// Only cases at this stage.
    pub stage: Option<Stage>,
    /// Free text over reference, tenant and landlord names, and postcode.
    pub q: Option<String>,
    /// Only cases of these groups (`None`: every group).
    pub groups: Option<Vec<Uuid>>,
    /// Only cases assigned to this user.
    pub assigned_to: Option<Uuid>,
    /// The order of the rows.
    pub order: ListOrder,
    /// Page number, from 1.
    pub page: u64,
    /// Rows a page.
    pub per_page: u64,
}

/// The order of the case list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Newest first.
    #[default]
    Newest,
    /// By the day of the deadline each case leads with, soonest (or longest missed) first;
    /// cases without one last; the older case first on the same day.
    NextDeadline,
}

/// A page of the case list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CasePage {
    /// The rows.
    pub items: Vec<CaseSummary>,
    /// Rows that match in all, counted up to [`COUNT_LIMIT`].
    pub total: u64,
    /// Whether `total` is exact; when it is not, more than [`COUNT_LIMIT`] rows match.
    pub total_exact: bool,
    /// This page, from 1.
    pub page: u64,
    /// Rows a page.
    pub per_page: u64,
}

/// Matches of one search word are counted up to this many to find the rarest word.
const WORD_COUNT_LIMIT: u64 = 5_000;

fn term_col() -> Expr {
    Expr::col((case_search_terms::Entity, case_search_terms::Column::Term))
}

/// The index range of terms that start with `word`.
fn term_range(word: &str) -> (String, String) {
    (word.to_string(), format!("{word}\u{10FFFF}"))
}

/// The ids of the cases with a term that starts with `word`, as a subquery.
fn cases_with_word(word: &str) -> sea_orm::sea_query::SelectStatement {
    let (lo, hi) = term_range(word);
    Query::select()
        .column(case_search_terms::Column::CaseId)
        .from(case_search_terms::Entity)
        .and_where(term_col().gte(lo))
        .and_where(term_col().lt(hi))
        .to_owned()
}

/// How many terms start with `word`, up to [`WORD_COUNT_LIMIT`].
async fn word_matches(c: &impl ConnectionTrait, word: &str) -> Result<u64, DbErr> {
    let (lo, hi) = term_range(word);
    case_search_terms::Entity::find()
        .select_only()
        .column(case_search_terms::Column::CaseId)
        .filter(term_col().gte(lo))
        .filter(term_col().lt(hi))
        .limit(WORD_COUNT_LIMIT)
        .count(c)
        .await
}

/// One page of the case list, newest first.
pub async fn list(c: &impl ConnectionTrait, f: &CaseFilter) -> Result<CasePage, DbErr> {
    let mut q = cases::Entity::find();
    if let Some(groups) = &f.groups {
        q = q.filter(cases::Column::GroupId.is_in(groups.iter().copied()));
    }
    if let Some(user) = f.assigned_to {
        q = q.filter(cases::Column::Id.in_subquery(assigned_cases(user)));
    }
    if let Some(j) = f.jurisdiction {
        q = q.filter(cases::Column::Jurisdiction.eq(j.as_str()));
    }
    if let Some(s) = f.status {
        let stages = match s {
            CaseStatus::Open => Stage::not_closed(),
            CaseStatus::Closed => Stage::closed(),
        };
        q = q.filter(cases::Column::Stage.is_in(stages.iter().map(|s| s.as_str())));
    }
    if let Some(stage) = f.stage {
        q = q.filter(cases::Column::Stage.eq(stage.as_str()));
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = searched(c, q, text).await?;
    }
    let counted = q
        .clone()
        .select_only()
        .column(cases::Column::Id)
        .limit(COUNT_LIMIT + 1)
        .count(c)
        .await?;
    let per_page = f.per_page.clamp(1, 200);
    let page = Ord::max(f.page, 1);
    // Both orders follow an index that leads with the group, so a page reads its rows
    // and no more.
    let q = match f.order {
        ListOrder::Newest => q.order_by_desc(cases::Column::Id),
        ListOrder::NextDeadline => q
            .order_by_asc(cases::Column::NextDue)
            .order_by_asc(cases::Column::Id),
    };
    let rows = q
        .offset((page - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(c)
        .await?;
    let items = rows
        .into_iter()
        .map(summary_of)
        .collect::<Result<_, DbErr>>()?;
    Ok(CasePage {
        items,
        total: Ord::min(counted, COUNT_LIMIT),
        total_exact: counted <= COUNT_LIMIT,
        page,
        per_page,
    })
}

/// A case row as lists show it.
fn summary_of(m: cases::Model) -> Result<CaseSummary, DbErr> {
    Ok(CaseSummary {
        stage: Stage::parse(&m.stage).ok_or_else(|| DbErr::Custom("bad stage".into()))?,
        jurisdiction: Jurisdiction::parse(&m.jurisdiction)
            .ok_or_else(|| DbErr::Custom("bad jurisdiction".into()))?,
        id: m.id,
        reference: m.reference,
        tenant_name: m.tenant_name,
        landlord_name: m.other_side_name,
        postcode: m.postcode,
        updated_at: m.updated_at,
    })
}

/// Open cases that no one works, of `groups` (`None`: every group).
#[derive(Debug, Clone, Default)]
pub struct Unassigned {
    /// Asked for online (no one took them in): newest first, at most the limit.
    pub online: Vec<CaseSummary>,
    /// Taken in by someone who is not of the case's group: newest first, at most the limit.
    pub taken_in: Vec<CaseSummary>,
    /// How many there are in all, counted up to [`COUNT_LIMIT`].
    pub total: u64,
    /// Whether `total` is the exact count (false: more than [`COUNT_LIMIT`]).
    pub total_exact: bool,
}

/// The queue of open cases of `groups` that no one works: new online requests first.
pub async fn unassigned(
    c: &impl ConnectionTrait,
    groups: Option<&[Uuid]>,
    limit: u64,
) -> Result<Unassigned, DbErr> {
    let mut q = cases::Entity::find()
        .filter(cases::Column::Stage.is_in(Stage::queued().iter().map(|s| s.as_str())))
        .filter(
            cases::Column::Id.not_in_subquery(
                Query::select()
                    .column(case_assignees::Column::CaseId)
                    .from(case_assignees::Entity)
                    .to_owned(),
            ),
        );
    if let Some(groups) = groups {
        q = q.filter(cases::Column::GroupId.is_in(groups.iter().copied()));
    }
    let total = q
        .clone()
        .select_only()
        .column(cases::Column::Id)
        .limit(COUNT_LIMIT + 1)
        .count(c)
        .await?;
    let newest =
        |q: sea_orm::Select<cases::Entity>| q.order_by_desc(cases::Column::Id).limit(limit).all(c);
    let online = newest(q.clone().filter(cases::Column::CreatedBy.is_null())).await?;
    let taken_in = newest(q.filter(cases::Column::CreatedBy.is_not_null())).await?;
    Ok(Unassigned {
        online: online
            .into_iter()
            .map(summary_of)
            .collect::<Result<_, _>>()?,
        taken_in: taken_in
            .into_iter()
            .map(summary_of)
            .collect::<Result<_, _>>()?,
        total: Ord::min(total, COUNT_LIMIT),
        total_exact: total <= COUNT_LIMIT,
    })
}

/// `q` narrowed to the cases that `text` finds: a reference, else every word starting one
/// of a case's search terms.
async fn searched(
    c: &impl ConnectionTrait,
    mut q: sea_orm::Select<cases::Entity>,
    text: &str,
) -> Result<sea_orm::Select<cases::Entity>, DbErr> {
    if let Some(reference) = CaseReference::parse(text) {
        q = q.filter(cases::Column::Reference.eq(reference.to_string()));
    } else {
        // A whole postcode is one term ("ls61ab"), far more selective than its halves.
        let words = match Postcode::parse(text) {
            Ok(pc) => search_words(&pc.as_str().replace(' ', "")),
            Err(_) => search_words(text),
        };
        if words.is_empty() {
            q = q.filter(Expr::val(1).eq(0));
        }
        // Every word must start one of the case's terms. The rarest word drives: its
        // index range gives the candidate cases, and each other word is checked on
        // those cases alone (by case id), so a common first name costs nothing extra
        // once a rare word (a surname, a number) narrows the search.
        let mut ranked = Vec::with_capacity(words.len());
        for word in words {
            let n = word_matches(c, &word).await?;
            ranked.push((n, word));
        }
        ranked.sort();
        // When even the rarest word is common, intersecting the words' ranges is
        // cheaper than checking each candidate case.
        let all_common = ranked.first().is_some_and(|(n, _)| *n >= WORD_COUNT_LIMIT);
        let words: Vec<String> = ranked.into_iter().map(|(_, w)| w).collect();
        let driving = if all_common { words.len() } else { 1 };
        for word in &words[..driving.min(words.len())] {
            q = q.filter(cases::Column::Id.in_subquery(cases_with_word(word)));
        }
        for word in words.iter().skip(driving) {
            let mut on_this_case = cases_with_word(word);
            on_this_case.and_where(
                Expr::col((case_search_terms::Entity, case_search_terms::Column::CaseId))
                    .equals((cases::Entity, cases::Column::Id)),
            );
            q = q.filter(Expr::exists(on_this_case));
        }
    }
    Ok(q)
}

//! Letter rows: inserted frozen, later marked sent; never rewritten otherwise.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect,
};
use time::Date;
use uuid::Uuid;

use super::entities::{cases, letter_templates, letters};

pub use letters::Model as LetterRow;

/// Columns without the PDF bytes, for lists.
fn without_bytes() -> sea_orm::Select<letters::Entity> {
    letters::Entity::find().select_only().columns([
        letters::Column::Id,
        letters::Column::CaseId,
        letters::Column::Kind,
        letters::Column::Version,
        letters::Column::Title,
        letters::Column::Fields,
        letters::Column::Sha256,
        letters::Column::Pages,
        letters::Column::CreatedAt,
        letters::Column::CreatedBy,
        letters::Column::SentOn,
        letters::Column::SentMethod,
        letters::Column::Tracking,
        letters::Column::ReplyDue,
        letters::Column::TemplateVersion,
        letters::Column::Dated,
        letters::Column::PrintedReplyDue,
    ])
}

/// A letter without its bytes.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct LetterHead {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub version: i32,
    pub title: String,
    pub fields: serde_json::Value,
    pub sha256: String,
    pub pages: i32,
    pub created_at: time::OffsetDateTime,
    pub created_by: Option<Uuid>,
    pub sent_on: Option<Date>,
    pub sent_method: Option<String>,
    pub tracking: Option<String>,
    pub reply_due: Option<Date>,
    pub template_version: i32,
    pub dated: Option<Date>,
    pub printed_reply_due: Option<Date>,
}

/// The next version number for a case's letters of one kind.
pub async fn next_version(
    c: &impl ConnectionTrait,
    case_id: Uuid,
    kind: &str,
) -> Result<i32, DbErr> {
    let last = without_bytes()
        .filter(letters::Column::CaseId.eq(case_id))
        .filter(letters::Column::Kind.eq(kind))
        .order_by_desc(letters::Column::Version)
        .into_model::<LetterHead>()
        .one(c)
        .await?;
    Ok(last.map_or(1, |l| l.version + 1))
}

/// Stores a generated letter.
pub async fn insert(c: &impl ConnectionTrait, row: LetterRow) -> Result<(), DbErr> {
    let am = letters::ActiveModel {
        id: Set(row.id),
        case_id: Set(row.case_id),
        kind: Set(row.kind),
        version: Set(row.version),
        title: Set(row.title),
        fields: Set(row.fields),
        pdf: Set(row.pdf),
        sha256: Set(row.sha256),
        pages: Set(row.pages),
        created_at: Set(row.created_at),
        created_by: Set(row.created_by),
        sent_on: Set(row.sent_on),
        sent_method: Set(row.sent_method),
        tracking: Set(row.tracking),
        reply_due: Set(row.reply_due),
        template_version: Set(row.template_version),
        dated: Set(row.dated),
        printed_reply_due: Set(row.printed_reply_due),
    };
    letters::Entity::insert(am)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// A letter with its bytes.
pub async fn find(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<LetterRow>, DbErr> {
    letters::Entity::find_by_id(id).one(c).await
}

/// A letter without its bytes.
pub async fn head(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<LetterHead>, DbErr> {
    without_bytes()
        .filter(letters::Column::Id.eq(id))
        .into_model::<LetterHead>()
        .one(c)
        .await
}

/// A sent letter with its case's reference, for the letters-sent spreadsheet.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct SentLetter {
    /// The case's reference.
    pub reference: String,
    /// L1, L2, ...
    pub kind: String,
    /// Its version among the case's letters of that kind.
    pub version: i32,
    /// Its title.
    pub title: String,
    /// When it was sent.
    pub sent_on: Date,
    /// How: post, email or hand.
    pub sent_method: Option<String>,
    /// A tracking number, if any.
    pub tracking: Option<String>,
    /// When a reply is due, if one is asked for.
    pub reply_due: Option<Date>,
}

/// The letters sent on the cases of `groups` (`None`: every group), latest sent first, at
/// most `limit`.
pub async fn sent_in(
    c: &impl ConnectionTrait,
    groups: Option<&[Uuid]>,
    limit: u64,
) -> Result<Vec<SentLetter>, DbErr> {
    let case = letters::Entity::belongs_to(cases::Entity)
        .from(letters::Column::CaseId)
        .to(cases::Column::Id)
        .into();
    let mut query = letters::Entity::find()
        .select_only()
        .column(cases::Column::Reference)
        .columns([
            letters::Column::Kind,
            letters::Column::Version,
            letters::Column::Title,
            letters::Column::SentOn,
            letters::Column::SentMethod,
            letters::Column::Tracking,
            letters::Column::ReplyDue,
        ])
        .join(JoinType::InnerJoin, case)
        .filter(letters::Column::SentOn.is_not_null());
    if let Some(groups) = groups {
        query = query.filter(cases::Column::GroupId.is_in(groups.iter().copied()));
    }
    query
        .order_by_desc(letters::Column::SentOn)
        .order_by_desc(letters::Column::Id)
        .limit(limit)
        .into_model::<SentLetter>()
        .all(c)
        .await
}

/// A case's letters, newest first, without their bytes.
pub async fn of_case(c: &impl ConnectionTrait, case_id: Uuid) -> Result<Vec<LetterHead>, DbErr> {
    without_bytes()
        .filter(letters::Column::CaseId.eq(case_id))
        .order_by_desc(letters::Column::Id)
        .into_model::<LetterHead>()
        .all(c)
        .await
}

/// Sent letters whose reply is due by `until` (overdue ones included), of the cases the
/// subquery names.
pub async fn replies_due_by(
    c: &impl ConnectionTrait,
    cases: sea_orm::sea_query::SelectStatement,
    until: Date,
) -> Result<Vec<LetterHead>, DbErr> {
    without_bytes()
        .filter(letters::Column::ReplyDue.lte(until))
        .filter(letters::Column::CaseId.in_subquery(cases))
        .into_model::<LetterHead>()
        .all(c)
        .await
}

/// Sent letters awaiting a reply (a reply day is set), of these cases.
pub async fn replies_of(
    c: &impl ConnectionTrait,
    cases: &[Uuid],
) -> Result<Vec<LetterHead>, DbErr> {
    without_bytes()
        .filter(letters::Column::ReplyDue.is_not_null())
        .filter(letters::Column::CaseId.is_in(cases.iter().copied()))
        .into_model::<LetterHead>()
        .all(c)
        .await
}

/// Records how and when a letter was sent, if it was not already.
pub async fn mark_sent(
    c: &impl ConnectionTrait,
    id: Uuid,
    on: Date,
    method: &str,
    tracking: Option<String>,
    reply_due: Option<Date>,
) -> Result<bool, DbErr> {
    let res = letters::Entity::update_many()
        .col_expr(letters::Column::SentOn, Expr::value(on))
        .col_expr(letters::Column::SentMethod, Expr::value(method))
        .col_expr(letters::Column::Tracking, Expr::value(tracking))
        .col_expr(letters::Column::ReplyDue, Expr::value(reply_due))
        .filter(letters::Column::Id.eq(id))
        .filter(letters::Column::SentOn.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// A group's saved versions of a letter type's wording, oldest first.
pub async fn template_versions(
    c: &impl ConnectionTrait,
    group: Uuid,
    kind: &str,
) -> Result<Vec<letter_templates::Model>, DbErr> {
    letter_templates::Entity::find()
        .filter(letter_templates::Column::GroupId.eq(group))
        .filter(letter_templates::Column::Kind.eq(kind))
        .order_by_asc(letter_templates::Column::Version)
        .all(c)
        .await
}

/// The version of a letter type's wording a group uses now, if it ever saved one.
pub async fn current_template(
    c: &impl ConnectionTrait,
    group: Uuid,
    kind: &str,
) -> Result<Option<letter_templates::Model>, DbErr> {
    letter_templates::Entity::find()
        .filter(letter_templates::Column::GroupId.eq(group))
        .filter(letter_templates::Column::Kind.eq(kind))
        .order_by_desc(letter_templates::Column::Version)
        .one(c)
        .await
}

/// Stores a new version of a group's wording.
pub async fn insert_template(
    c: &impl ConnectionTrait,
    row: letter_templates::Model,
) -> Result<(), DbErr> {
    let am = letter_templates::ActiveModel {
        id: Set(row.id),
        group_id: Set(row.group_id),
        kind: Set(row.kind),
        version: Set(row.version),
        body: Set(row.body),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
    };
    letter_templates::Entity::insert(am)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

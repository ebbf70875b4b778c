//! A case's timeline: appended to, read oldest first with who made each entry.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::entities::{case_events, users};
use crate::domain::timeline::TimelineEvent;

/// A timeline entry with the name of who made it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    /// Entry id.
    pub id: Uuid,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who, if a user.
    pub actor: Option<String>,
    /// What.
    #[serde(flatten)]
    pub event: TimelineEvent,
}

/// Appends an entry to a case's timeline.
pub async fn append_event(
    c: &impl ConnectionTrait,
    case_id: Uuid,
    at: OffsetDateTime,
    actor: Option<Uuid>,
    event: &TimelineEvent,
) -> Result<Uuid, DbErr> {
    let ids = append_events(c, case_id, at, actor, std::slice::from_ref(event)).await?;
    ids.into_iter()
        .next()
        .ok_or_else(|| DbErr::Custom("no timeline entry was written".into()))
}

/// Appends entries to a case's timeline, in this order, in one statement.
pub async fn append_events(
    c: &impl ConnectionTrait,
    case_id: Uuid,
    at: OffsetDateTime,
    actor: Option<Uuid>,
    events: &[TimelineEvent],
) -> Result<Vec<Uuid>, DbErr> {
    let mut ids = Vec::with_capacity(events.len());
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        // Version 7 ids from one process increase, so the timeline keeps this order.
        let id = Uuid::now_v7();
        ids.push(id);
        rows.push(case_events::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            at: Set(at),
            actor_id: Set(actor),
            kind: Set(event.kind().into()),
            data: Set(serde_json::to_value(event).map_err(|e| DbErr::Json(e.to_string()))?),
        });
    }
    if !rows.is_empty() {
        case_events::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
    }
    Ok(ids)
}

/// A case's timeline, oldest first, with the names of who did what, read in one query.
pub async fn timeline(
    c: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<TimelineEntry>, DbErr> {
    let actor = case_events::Entity::belongs_to(users::Entity)
        .from(case_events::Column::ActorId)
        .to(users::Column::Id)
        .into();
    let rows: Vec<(Uuid, OffsetDateTime, serde_json::Value, Option<String>)> =
        case_events::Entity::find()
            .select_only()
            .columns([
                case_events::Column::Id,
                case_events::Column::At,
                case_events::Column::Data,
            ])
            .column(users::Column::Name)
            .join(JoinType::LeftJoin, actor)
            .filter(case_events::Column::CaseId.eq(case_id))
            .order_by_asc(case_events::Column::Id)
            .into_tuple()
            .all(c)
            .await?;
    rows.into_iter()
        .map(|(id, at, data, actor)| {
            let event = serde_json::from_value(data).map_err(|e| DbErr::Json(e.to_string()))?;
            Ok(TimelineEntry {
                id,
                at,
                actor,
                event,
            })
        })
        .collect()
}

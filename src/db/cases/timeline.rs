//! A case's timeline: appended to, read oldest first with who made each entry.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
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
    let id = Uuid::now_v7();
    let row = case_events::ActiveModel {
        id: Set(id),
        case_id: Set(case_id),
        at: Set(at),
        actor_id: Set(actor),
        kind: Set(event.kind().into()),
        data: Set(serde_json::to_value(event).map_err(|e| DbErr::Json(e.to_string()))?),
    };
    case_events::Entity::insert(row)
        .exec_without_returning(c)
        .await?;
    Ok(id)
}

/// A case's timeline, oldest first, with the names of who did what.
pub async fn timeline(
    c: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<TimelineEntry>, DbErr> {
    let rows = case_events::Entity::find()
        .filter(case_events::Column::CaseId.eq(case_id))
        .order_by_asc(case_events::Column::Id)
        .all(c)
        .await?;
    let mut actor_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let names: Vec<(Uuid, String)> = users::Entity::find()
        .filter(users::Column::Id.is_in(actor_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    rows.into_iter()
        .map(|r| {
            let actor = r.actor_id.and_then(|a| {
                names
                    .iter()
                    .find(|(id, _)| *id == a)
                    .map(|(_, n)| n.clone())
            });
            let event = serde_json::from_value(r.data).map_err(|e| DbErr::Json(e.to_string()))?;
            Ok(TimelineEntry {
                id: r.id,
                at: r.at,
                actor,
                event,
            })
        })
        .collect()
}

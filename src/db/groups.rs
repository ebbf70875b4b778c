//! Local groups and who belongs to them.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{group_members, groups};

/// A group, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Group {
    /// Id.
    pub id: Uuid,
    /// Name, e.g. "Leeds".
    pub name: String,
    /// Postal address for letterheads, one line per line.
    pub address: Option<String>,
    /// Postcode areas whose self-referrals come here, e.g. `["LS", "BD"]`.
    pub postcode_areas: Vec<String>,
    /// Takes the self-referrals that no group's areas match.
    pub takes_unmatched: bool,
    /// The organisation it belongs to, which leads its letterhead.
    pub organisation: Option<String>,
    /// Telephone for replies to its letters.
    pub phone: Option<String>,
    /// E-mail for replies to its letters.
    pub email: Option<String>,
}

impl Group {
    /// The letterhead: the organisation (or the group, without one), then the group as a
    /// sub-line, its address, and the telephone and e-mail for replies.
    pub fn letterhead(&self) -> (String, Vec<String>) {
        let mut lines = Vec::new();
        let head = match &self.organisation {
            Some(org) => {
                lines.push(self.name.clone());
                org.clone()
            }
            None => self.name.clone(),
        };
        lines.extend(self.address_lines());
        lines.extend(self.phone.iter().map(|p| format!("Telephone: {p}")));
        lines.extend(self.email.iter().map(|e| format!("E-mail: {e}")));
        (head, lines)
    }

    /// How to reach the group for a reply, in words: "by telephone on …, by e-mail at …
    /// or by post to the address above"; empty when the group has none.
    pub fn reply_to(&self) -> String {
        let mut ways: Vec<String> = Vec::new();
        ways.extend(self.phone.iter().map(|p| format!("by telephone on {p}")));
        ways.extend(self.email.iter().map(|e| format!("by e-mail at {e}")));
        if self
            .address
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty())
        {
            ways.push("by post to the address above".into());
        }
        match ways.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }

    /// The postal address, a trimmed line each, blank lines left out.
    pub fn address_lines(&self) -> Vec<String> {
        self.address
            .iter()
            .flat_map(|a| a.lines())
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }
}

impl From<groups::Model> for Group {
    fn from(m: groups::Model) -> Self {
        Group {
            id: m.id,
            name: m.name,
            address: m.address,
            postcode_areas: m
                .postcode_areas
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            takes_unmatched: m.takes_unmatched,
            organisation: m.organisation,
            phone: m.phone,
            email: m.email,
        }
    }
}

/// Inserts a group.
pub async fn insert(
    c: &impl ConnectionTrait,
    group: &Group,
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    let row = groups::ActiveModel {
        id: Set(group.id),
        name: Set(group.name.clone()),
        address: Set(group.address.clone()),
        postcode_areas: Set(group.postcode_areas.join(", ")),
        takes_unmatched: Set(group.takes_unmatched),
        created_at: Set(at),
        organisation: Set(group.organisation.clone()),
        phone: Set(group.phone.clone()),
        email: Set(group.email.clone()),
    };
    groups::Entity::insert(row)
        .exec_without_returning(c)
        .await?;
    super::auth_changed(c).await
}

/// Changes a group's name, address and areas; false if there is no such group.
pub async fn update(c: &impl ConnectionTrait, group: &Group) -> Result<bool, DbErr> {
    let res = groups::Entity::update_many()
        .col_expr(groups::Column::Name, Expr::value(group.name.clone()))
        .col_expr(groups::Column::Address, Expr::value(group.address.clone()))
        .col_expr(
            groups::Column::PostcodeAreas,
            Expr::value(group.postcode_areas.join(", ")),
        )
        .col_expr(
            groups::Column::TakesUnmatched,
            Expr::value(group.takes_unmatched),
        )
        .col_expr(
            groups::Column::Organisation,
            Expr::value(group.organisation.clone()),
        )
        .col_expr(groups::Column::Phone, Expr::value(group.phone.clone()))
        .col_expr(groups::Column::Email, Expr::value(group.email.clone()))
        .filter(groups::Column::Id.eq(group.id))
        .exec(c)
        .await?;
    super::auth_changed(c).await?;
    Ok(res.rows_affected == 1)
}

/// Leaves `id` the only group that takes unmatched self-referrals.
pub async fn only_one_takes_unmatched(c: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    groups::Entity::update_many()
        .col_expr(groups::Column::TakesUnmatched, Expr::value(false))
        .filter(groups::Column::Id.ne(id))
        .exec(c)
        .await?;
    super::auth_changed(c).await
}

/// Every group, by name.
pub async fn all(c: &impl ConnectionTrait) -> Result<Vec<Group>, DbErr> {
    Ok(groups::Entity::find()
        .order_by_asc(groups::Column::Name)
        .all(c)
        .await?
        .into_iter()
        .map(Group::from)
        .collect())
}

/// The group with this name (exact match).
pub async fn by_name(c: &impl ConnectionTrait, name: &str) -> Result<Option<Group>, DbErr> {
    Ok(groups::Entity::find()
        .filter(groups::Column::Name.eq(name))
        .one(c)
        .await?
        .map(Group::from))
}

/// The group with this id.
pub async fn by_id(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Group>, DbErr> {
    Ok(groups::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(Group::from))
}

/// The first of `ids` that is not a group, if any.
pub async fn first_unknown(c: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Option<Uuid>, DbErr> {
    let known: Vec<Uuid> = groups::Entity::find()
        .filter(groups::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    Ok(ids.iter().copied().find(|id| !known.contains(id)))
}

/// The ids of the groups a user belongs to.
pub async fn of_user(c: &impl ConnectionTrait, user: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(group_members::Entity::find()
        .filter(group_members::Column::UserId.eq(user))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.group_id)
        .collect())
}

/// Every (group, user) membership of these users.
pub async fn memberships(
    c: &impl ConnectionTrait,
    users: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    Ok(group_members::Entity::find()
        .filter(group_members::Column::UserId.is_in(users.iter().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|m| (m.group_id, m.user_id))
        .collect())
}

/// The ids of a group's members.
pub async fn members(c: &impl ConnectionTrait, group: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(group_members::Entity::find()
        .filter(group_members::Column::GroupId.eq(group))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// Locks a group's row until the transaction ends (see [`super::cases::lock`]).
pub async fn lock(c: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    let stmt = sea_orm::sea_query::Query::update()
        .table(groups::Entity)
        .value(groups::Column::Name, Expr::col(groups::Column::Name))
        .and_where(sea_orm::sea_query::ExprTrait::eq(
            Expr::col(groups::Column::Id),
            id,
        ))
        .to_owned();
    c.execute(&stmt).await?;
    Ok(())
}

/// Makes `groups` exactly the groups `user` belongs to.
pub async fn set_user_groups(
    c: &impl ConnectionTrait,
    user: Uuid,
    groups: &[Uuid],
) -> Result<(), DbErr> {
    group_members::Entity::delete_many()
        .filter(group_members::Column::UserId.eq(user))
        .exec(c)
        .await?;
    let rows = groups.iter().map(|g| group_members::ActiveModel {
        group_id: Set(*g),
        user_id: Set(user),
    });
    group_members::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    super::auth_changed(c).await
}

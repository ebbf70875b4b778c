//! Managing groups and users (admins), and reading the audit log.

use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

use super::Principal;
use super::memo::Memos;
use crate::clock::Clock;
use crate::db::{self, audit::AuditEntry, audit::AuditFilter, groups::Group, users::User};
use crate::domain::FieldErrors;
use crate::domain::audit::AuditAction;
use crate::domain::user::Role;
use crate::error::AppError;

fn admin_only(actor: &Principal) -> Result<(), AppError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only admins can do this.".into()))
    }
}

/// Every group. Anyone signed in may list them (to choose one at intake).
pub async fn groups(db: &DatabaseConnection) -> Result<Vec<Group>, AppError> {
    Ok(db::groups::all(db).await?)
}

/// The groups `actor` may put cases in: all for admins, their own for others.
pub async fn groups_for(
    db: &DatabaseConnection,
    actor: &Principal,
) -> Result<Vec<Group>, AppError> {
    Ok(db::groups::all(db)
        .await?
        .into_iter()
        .filter(|g| actor.sees_group(g.id))
        .collect())
}

/// What a group form holds, as typed.
#[derive(Debug, Clone, Default)]
pub struct GroupFields {
    /// Name, e.g. "Leeds".
    pub name: String,
    /// Postal address, one line per line.
    pub address: String,
    /// Postcode areas, e.g. "LS, BD".
    pub postcode_areas: String,
    /// Takes the self-referrals that no group's areas match.
    pub takes_unmatched: bool,
    /// The organisation, which leads the letterhead.
    pub organisation: String,
    /// Telephone for replies to letters.
    pub phone: String,
    /// E-mail for replies to letters.
    pub email: String,
}

impl GroupFields {
    /// A group with a name and an address only.
    pub fn named(name: &str, address: &str) -> Self {
        GroupFields {
            name: name.into(),
            address: address.into(),
            ..Default::default()
        }
    }

    fn validate(&self, id: Uuid) -> Result<Group, AppError> {
        let mut errors = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            errors.add("name", "Enter a group name of 80 characters or fewer");
        }
        let address = Some(self.address.trim())
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        if address.as_ref().is_some_and(|a| a.chars().count() > 500) {
            errors.add("address", "Must be 500 characters or fewer");
        }
        let mut areas: Vec<String> = Vec::new();
        for raw in self
            .postcode_areas
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|a| !a.is_empty())
        {
            let area = raw.to_ascii_uppercase();
            if area.len() > 2 || !area.chars().all(|c| c.is_ascii_alphabetic()) {
                errors.add(
                    "postcode_areas",
                    format!(
                        "\"{raw}\" is not a postcode area: use the one or two letters a postcode starts with, such as LS or G"
                    ),
                );
                break;
            }
            if !areas.contains(&area) {
                areas.push(area);
            }
        }
        let optional = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_string);
        let organisation = optional(&self.organisation);
        if organisation
            .as_ref()
            .is_some_and(|o| o.chars().count() > 120)
        {
            errors.add("organisation", "Must be 120 characters or fewer");
        }
        let phone = optional(&self.phone);
        if let Some(m) = phone
            .as_deref()
            .and_then(crate::domain::input::phone_problem)
        {
            errors.add("phone", m);
        }
        let email = optional(&self.email);
        if let Some(m) = email
            .as_deref()
            .and_then(crate::domain::input::email_problem)
        {
            errors.add("email", m);
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(Group {
            id,
            name: name.to_string(),
            address,
            postcode_areas: areas,
            takes_unmatched: self.takes_unmatched,
            organisation,
            phone,
            email,
        })
    }
}

fn name_taken(e: &sea_orm::DbErr) -> Option<AppError> {
    db::is_unique_violation(e).then(|| {
        AppError::Invalid(FieldErrors::single(
            "name",
            "There is already a group with this name",
        ))
    })
}

/// Creates a group. `actor` is `None` for the command line.
pub async fn create_group(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: Option<&Principal>,
    fields: &GroupFields,
) -> Result<Group, AppError> {
    if let Some(a) = actor {
        admin_only(a)?;
    }
    let group = fields.validate(Uuid::now_v7())?;
    let txn = db::begin_write(db).await?;
    if let Err(e) = db::groups::insert(&txn, &group, clock.now()).await {
        return Err(name_taken(&e).unwrap_or_else(|| e.into()));
    }
    if group.takes_unmatched {
        db::groups::only_one_takes_unmatched(&txn, group.id).await?;
    }
    db::audit::record(
        &txn,
        clock.now(),
        actor,
        AuditAction::GroupCreated,
        None,
        json!({"group": group.id, "name": group.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(group)
}

/// The setting that names the organisation.
const ORGANISATION: &str = "organisation";

/// What the first group is called when the organisation has no name.
pub const FIRST_GROUP: &str = "Our group";

/// Names the organisation, unless it has a name already (the first name is kept).
pub async fn name_organisation(db: &DatabaseConnection, name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::Invalid(FieldErrors::single(
            "organisation",
            "Give the organisation's name, up to 80 characters",
        )));
    }
    Ok(db::settings::set_once(db, ORGANISATION, name).await?)
}

/// The groups of the organisation; on a first run, when there are none and an admin takes
/// in a case, the first group is made for them, named after the organisation, so that a
/// small group need not meet groups until it has several. It can be renamed later.
pub async fn groups_for_intake(
    db: &DatabaseConnection,
    memos: &Memos,
    clock: &dyn Clock,
    actor: &Principal,
) -> Result<Arc<Vec<Group>>, AppError> {
    let all = crate::service::memo::all_groups(db, memos).await?;
    if !all.is_empty() || !actor.is_admin() {
        return Ok(all);
    }
    let organisation = db::settings::get(db, ORGANISATION).await?;
    let name = organisation.as_deref().unwrap_or(FIRST_GROUP);
    let fields = GroupFields {
        organisation: organisation.clone().unwrap_or_default(),
        // It answers the online requests for help too, from any area.
        takes_unmatched: true,
        ..GroupFields::named(name, "")
    };
    match create_group(db, clock, Some(actor), &fields).await {
        // Another first case made it a moment ago.
        Ok(_) | Err(AppError::Invalid(_)) => Ok(Arc::new(db::groups::all(db).await?)),
        Err(e) => Err(e),
    }
}

/// One group, for its edit page (admins).
pub async fn group(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
) -> Result<Group, AppError> {
    admin_only(actor)?;
    db::groups::by_id(db, id).await?.ok_or(AppError::NotFound)
}

/// Changes a group's name, address and postcode areas (admins).
pub async fn update_group(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    fields: &GroupFields,
) -> Result<Group, AppError> {
    admin_only(actor)?;
    let group = fields.validate(id)?;
    let txn = db::begin_write(db).await?;
    match db::groups::update(&txn, &group).await {
        Ok(true) => {}
        Ok(false) => return Err(AppError::NotFound),
        Err(e) => return Err(name_taken(&e).unwrap_or_else(|| e.into())),
    }
    if group.takes_unmatched {
        db::groups::only_one_takes_unmatched(&txn, group.id).await?;
    }
    db::audit::record(
        &txn,
        clock.now(),
        Some(actor),
        AuditAction::GroupUpdated,
        None,
        json!({"group": group.id, "name": group.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(group)
}

/// Resolves group names to ids; unknown names are a field error on `field`.
pub async fn group_ids(
    db: &DatabaseConnection,
    names: &[String],
    field: &str,
) -> Result<Vec<Uuid>, AppError> {
    let all = db::groups::all(db).await?;
    names
        .iter()
        .map(|n| {
            all.iter()
                .find(|g| g.name == *n)
                .map(|g| g.id)
                .ok_or_else(|| {
                    AppError::Invalid(FieldErrors::single(
                        field,
                        format!("There is no group called \"{n}\""),
                    ))
                })
        })
        .collect()
}

/// A user with their groups, as admins see them.
#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Whether they can sign in.
    pub active: bool,
    /// Their groups.
    pub groups: Vec<Group>,
}

fn rows(users: Vec<User>, memberships: &[(Uuid, Uuid)], groups: &[Group]) -> Vec<UserRow> {
    users
        .into_iter()
        .map(|u| UserRow {
            groups: groups
                .iter()
                .filter(|g| memberships.contains(&(g.id, u.id)))
                .cloned()
                .collect(),
            id: u.id,
            name: u.name,
            email: u.email,
            role: u.role,
            active: u.active,
        })
        .collect()
}

fn managers_only(actor: &Principal) -> Result<(), AppError> {
    if actor.manages_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only coordinators and admins can manage users.".into(),
        ))
    }
}

fn groups_of(row: &UserRow) -> Vec<Uuid> {
    row.groups.iter().map(|g| g.id).collect()
}

/// The users the actor manages, with their groups: everyone for admins, the volunteers of
/// their groups for coordinators.
pub async fn users(db: &DatabaseConnection, actor: &Principal) -> Result<Vec<UserRow>, AppError> {
    managers_only(actor)?;
    let users = db::users::all(db).await?;
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let memberships = db::groups::memberships(db, &ids).await?;
    let all = rows(users, &memberships, &db::groups::all(db).await?);
    Ok(all
        .into_iter()
        .filter(|u| actor.manages(u.role, &groups_of(u)))
        .collect())
}

/// One user with their groups.
pub async fn user(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
) -> Result<UserRow, AppError> {
    managers_only(actor)?;
    let user = db::users::find_by_id(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let memberships = db::groups::memberships(db, &[id]).await?;
    rows(vec![user], &memberships, &db::groups::all(db).await?)
        .pop()
        .filter(|u| actor.manages(u.role, &groups_of(u)))
        .ok_or(AppError::NotFound)
}

/// Active members of a group who can be assigned cases, by name.
pub async fn assignable(
    db: &impl sea_orm::ConnectionTrait,
    group: Uuid,
) -> Result<Vec<User>, AppError> {
    let ids = db::groups::members(db, group).await?;
    Ok(db::users::by_ids(db, &ids)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .collect())
}

/// Changes a user's role, groups and whether they may sign in. Disabling ends their
/// sessions at once; their tokens stop working because every use checks the user.
pub async fn update_user(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    id: Uuid,
    role: Role,
    groups: &[Uuid],
    active: bool,
) -> Result<(), AppError> {
    let target = user(db, actor, id).await?;
    let groups: Vec<Uuid> = if actor.is_admin() {
        groups.to_vec()
    } else {
        if !actor.may_grant(role) {
            return Err(AppError::Invalid(FieldErrors::single(
                "role",
                "Coordinators manage volunteers: ask an admin to change a role",
            )));
        }
        if let Some(bad) = groups.iter().find(|g| !actor.groups.contains(g)) {
            return Err(AppError::Invalid(FieldErrors::single(
                "groups",
                format!("You cannot add people to group {bad}"),
            )));
        }
        // Groups the coordinator does not run stay as they were.
        let kept = target
            .groups
            .iter()
            .map(|g| g.id)
            .filter(|g| !actor.groups.contains(g));
        kept.chain(groups.iter().copied()).collect()
    };
    let groups = groups.as_slice();
    if actor.would_demote_self(id, role, active) {
        return Err(AppError::Invalid(FieldErrors::single(
            "role",
            "You cannot take away your own admin role or disable yourself: ask another admin",
        )));
    }
    if let Some(bad) = db::groups::first_unknown(db, groups).await? {
        return Err(AppError::Invalid(FieldErrors::single(
            "groups",
            format!("There is no group {bad}"),
        )));
    }
    let txn = db::begin_write(db).await?;
    if !db::users::set_role_and_active(&txn, id, role, active).await? {
        return Err(AppError::NotFound);
    }
    db::groups::set_user_groups(&txn, id, groups).await?;
    let left: Vec<Uuid> = groups_of(&target)
        .into_iter()
        .filter(|g| !groups.contains(g))
        .collect();
    super::cases::end_assignments(&txn, clock, actor, id, &target.name, &left).await?;
    if !active {
        db::users::delete_sessions_of(&txn, id, None).await?;
    }
    let detail = json!({"user": id, "role": role, "groups": groups, "active": active});
    db::audit::record(
        &txn,
        clock.now(),
        Some(actor),
        AuditAction::UserUpdated,
        None,
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A page of the audit log, with every read audited so far.
pub async fn audit(
    db: &DatabaseConnection,
    reads: &super::reads::ReadAudit,
    actor: &Principal,
    filter: &AuditFilter,
) -> Result<(Vec<AuditEntry>, u64), AppError> {
    admin_only(actor)?;
    // Reads are audited off the request path: what was read until now is in the log.
    reads.flush().await;
    Ok(db::audit::list(db, filter).await?)
}

/// The setting that holds the fingerprint of the access-code key.
const KEY_FINGERPRINT: &str = "access_code_key_fingerprint";

/// Checks that this server's access-code key is the one the database was set up with (the
/// first server to start records its fingerprint). A server with another key would refuse
/// every tenant's code, so it must not start.
pub async fn check_secret(db: &DatabaseConnection, secret: &[u8; 32]) -> Result<(), AppError> {
    let ours = crate::domain::portal::key_fingerprint(secret);
    let kept = db::settings::set_once(db, KEY_FINGERPRINT, &ours).await?;
    if kept == ours {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This database was set up with another secret key (TENANTCASE_SECRET, or secret.key beside the database). Tenants' access codes would stop working: start every server of one database with the same key."
                .into(),
        ))
    }
}

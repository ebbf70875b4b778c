//! Admin pages: users, groups, the audit log.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Serialize;
use uuid::Uuid;

use super::{Choice, Notice, PageResult, form_outcome, page};
use crate::app::AppState;
use crate::db::groups::Group;
use crate::domain::FieldErrors;
use crate::domain::user::Role;
use crate::error::AppError;
use crate::service::{admin, auth, resets};
use crate::web::parse_id as id_of;
use crate::web::session::{SignedIn, Visitor};

fn forbid_unless_manager(user: &SignedIn) -> Result<(), AppError> {
    if user.principal.manages_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only coordinators and admins can see this page.".into(),
        ))
    }
}

pub(super) fn forbid_unless_admin(user: &SignedIn) -> Result<(), AppError> {
    if user.principal.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only admins can see this page.".into()))
    }
}

use super::form_field as field;

fn chosen_groups(pairs: &[(String, String)]) -> Result<Vec<Uuid>, AppError> {
    pairs
        .iter()
        .filter(|(k, _)| k == "groups")
        .map(|(_, v)| Uuid::parse_str(v).map_err(|_| AppError::BadRequest("Unknown group.".into())))
        .collect()
}

/// What `admin/users.html` shows.
#[derive(Debug, Serialize)]
struct UsersPage {
    users: Vec<admin::UserRow>,
}

pub async fn users(State(state): State<AppState>, user: SignedIn, visitor: Visitor) -> PageResult {
    let users = admin::users(&state.db, &user.principal).await?;
    page(
        StatusCode::OK,
        "admin/users.html",
        Some(&visitor),
        &FieldErrors::default(),
        &UsersPage { users },
    )
}

/// What the user form keeps of what was typed.
#[derive(Debug, Default, Clone, Serialize)]
struct UserValues {
    name: String,
    email: String,
    role: String,
    groups: Vec<Uuid>,
}

impl UserValues {
    fn typed(pairs: &[(String, String)], groups: Vec<Uuid>) -> Self {
        UserValues {
            name: field(pairs, "name").into(),
            email: field(pairs, "email").into(),
            role: field(pairs, "role").into(),
            groups,
        }
    }
}

/// What `admin/user_form.html` shows: a new user, or `existing`.
#[derive(Debug, Serialize)]
struct UserFormPage<'a> {
    existing: Option<&'a admin::UserRow>,
    groups: Vec<Group>,
    roles: Vec<Choice>,
    values: &'a UserValues,
    /// Until when the user's unused reset link works, if they have one.
    #[serde(with = "time::serde::rfc3339::option")]
    reset_until: Option<time::OffsetDateTime>,
}

async fn user_form(
    state: &AppState,
    visitor: &Visitor,
    errors: &FieldErrors,
    existing: Option<&admin::UserRow>,
    values: &UserValues,
) -> PageResult {
    let me = visitor.session.as_ref().map(|s| &s.principal);
    let groups = match me {
        Some(p) => admin::groups_for(&state.db, p).await?,
        None => Vec::new(),
    };
    let roles = Role::ALL
        .into_iter()
        .filter(|r| me.is_some_and(|p| p.may_grant(*r)))
        .map(|r| Choice {
            value: r.as_str(),
            label: r.description().into(),
        })
        .collect();
    let reset_until = match (me, existing) {
        (Some(p), Some(u)) => resets::pending(&state.db, state.clock.as_ref(), p, u.id).await?,
        _ => None,
    };
    let data = UserFormPage {
        existing,
        groups,
        roles,
        values,
        reset_until,
    };
    let status = super::form_status(errors);
    page(status, "admin/user_form.html", Some(visitor), errors, &data)
}

pub async fn new_user(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
) -> PageResult {
    forbid_unless_manager(&user)?;
    let values = UserValues {
        role: Role::Volunteer.as_str().into(),
        ..UserValues::default()
    };
    user_form(&state, &visitor, &FieldErrors::default(), None, &values).await
}

/// The role chosen on the user form, or the field error.
fn chosen_role(pairs: &[(String, String)]) -> Result<Role, AppError> {
    Role::parse(field(pairs, "role"))
        .ok_or_else(|| AppError::Invalid(FieldErrors::single("role", "Choose a role")))
}

pub async fn create_user(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    forbid_unless_manager(&user)?;
    let groups = chosen_groups(&pairs)?;
    let values = UserValues::typed(&pairs, groups.clone());
    let result = match chosen_role(&pairs) {
        Ok(role) => {
            let new = auth::NewUser {
                email: field(&pairs, "email").to_string(),
                name: field(&pairs, "name").to_string(),
                role,
                password: field(&pairs, "password").to_string(),
                groups,
            };
            auth::create_user(&state.db, state.clock.as_ref(), Some(&user.principal), new).await
        }
        Err(e) => Err(e),
    };
    form_outcome(
        result,
        |_| Notice::UserAdded.at("/admin/users"),
        async |e| user_form(&state, &visitor, e, None, &values).await,
    )
    .await
}

pub async fn edit_user(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let target = admin::user(&state.db, &user.principal, id_of(&id)?).await?;
    let values = UserValues {
        role: target.role.as_str().into(),
        groups: target.groups.iter().map(|g| g.id).collect(),
        ..UserValues::default()
    };
    let errors = FieldErrors::default();
    user_form(&state, &visitor, &errors, Some(&target), &values).await
}

pub async fn update_user(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let target = admin::user(&state.db, &user.principal, id_of(&id)?).await?;
    let groups = chosen_groups(&pairs)?;
    let values = UserValues::typed(&pairs, groups.clone());
    let result = match chosen_role(&pairs) {
        Ok(role) => {
            let clock = state.clock.as_ref();
            let (db, me, active) = (&state.db, &user.principal, target.active);
            admin::update_user(db, clock, me, target.id, role, &groups, active).await
        }
        Err(e) => Err(e),
    };
    form_outcome(
        result,
        |()| Notice::UserSaved.at("/admin/users"),
        async |e| user_form(&state, &visitor, e, Some(&target), &values).await,
    )
    .await
}

/// What `admin/confirm_disable.html` shows.
#[derive(Debug, Serialize)]
struct ConfirmDisablePage {
    target: admin::UserRow,
}

pub async fn confirm_disable(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let target = admin::user(&state.db, &user.principal, id_of(&id)?).await?;
    page(
        StatusCode::OK,
        "admin/confirm_disable.html",
        Some(&visitor),
        &FieldErrors::default(),
        &ConfirmDisablePage { target },
    )
}

async fn set_active(state: &AppState, user: &SignedIn, id: &str, active: bool) -> PageResult {
    let target = admin::user(&state.db, &user.principal, id_of(id)?).await?;
    let groups: Vec<Uuid> = target.groups.iter().map(|g| g.id).collect();
    admin::update_user(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        target.id,
        target.role,
        &groups,
        active,
    )
    .await?;
    let done = if active {
        Notice::UserEnabled
    } else {
        Notice::UserDisabled
    };
    Ok(Redirect::to(&done.at(&format!("/admin/users/{}", target.id))).into_response())
}

pub async fn disable(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    set_active(&state, &user, &id, false).await
}

pub async fn enable(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    set_active(&state, &user, &id, true).await
}

fn group_fields(pairs: &[(String, String)]) -> admin::GroupFields {
    admin::GroupFields {
        name: field(pairs, "name").into(),
        address: field(pairs, "address").into(),
        postcode_areas: field(pairs, "postcode_areas").into(),
        takes_unmatched: field(pairs, "takes_unmatched") == "yes",
        organisation: field(pairs, "organisation").into(),
        phone: field(pairs, "phone").into(),
        email: field(pairs, "email").into(),
    }
}

/// What the group forms keep of what was typed.
#[derive(Debug, Serialize)]
struct GroupValues<'a> {
    name: &'a str,
    address: &'a str,
    postcode_areas: &'a str,
    organisation: &'a str,
    phone: &'a str,
    email: &'a str,
    /// "yes" when ticked, as the checkbox sends it.
    takes_unmatched: &'static str,
}

impl<'a> From<&'a admin::GroupFields> for GroupValues<'a> {
    fn from(f: &'a admin::GroupFields) -> Self {
        GroupValues {
            name: &f.name,
            address: &f.address,
            postcode_areas: &f.postcode_areas,
            organisation: &f.organisation,
            phone: &f.phone,
            email: &f.email,
            takes_unmatched: if f.takes_unmatched { "yes" } else { "" },
        }
    }
}

/// What `admin/groups.html` shows: every group, and the form to add one.
#[derive(Debug, Serialize)]
struct GroupsPage<'a> {
    groups: Vec<Group>,
    values: GroupValues<'a>,
}

async fn groups_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    errors: &FieldErrors,
    fields: &admin::GroupFields,
) -> PageResult {
    forbid_unless_admin(user)?;
    let data = GroupsPage {
        groups: admin::groups(&state.db).await?,
        values: fields.into(),
    };
    let status = super::form_status(errors);
    page(status, "admin/groups.html", Some(visitor), errors, &data)
}

pub async fn groups(State(state): State<AppState>, user: SignedIn, visitor: Visitor) -> PageResult {
    let (errors, fields) = (FieldErrors::default(), admin::GroupFields::default());
    groups_page(&state, &user, &visitor, &errors, &fields).await
}

pub async fn create_group(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = group_fields(&pairs);
    let clock = state.clock.as_ref();
    let result = admin::create_group(&state.db, clock, Some(&user.principal), &fields).await;
    form_outcome(
        result,
        |_| Notice::GroupAdded.at("/admin/groups"),
        async |e| groups_page(&state, &user, &visitor, e, &fields).await,
    )
    .await
}

/// What `admin/group.html` shows: one group's form.
#[derive(Debug, Serialize)]
struct GroupPage<'a> {
    id: Uuid,
    values: GroupValues<'a>,
}

fn group_page(
    visitor: &Visitor,
    errors: &FieldErrors,
    id: Uuid,
    fields: &admin::GroupFields,
) -> PageResult {
    let data = GroupPage {
        id,
        values: fields.into(),
    };
    let status = super::form_status(errors);
    page(status, "admin/group.html", Some(visitor), errors, &data)
}

pub async fn group(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    forbid_unless_admin(&user)?;
    let id = id_of(&id)?;
    let g = admin::group(&state.db, &user.principal, id).await?;
    let fields = admin::GroupFields {
        name: g.name,
        address: g.address.unwrap_or_default(),
        postcode_areas: g.postcode_areas.join(", "),
        takes_unmatched: g.takes_unmatched,
        organisation: g.organisation.unwrap_or_default(),
        phone: g.phone.unwrap_or_default(),
        email: g.email.unwrap_or_default(),
    };
    group_page(&visitor, &FieldErrors::default(), id, &fields)
}

pub async fn update_group(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    forbid_unless_admin(&user)?;
    let id = id_of(&id)?;
    let fields = group_fields(&pairs);
    let clock = state.clock.as_ref();
    let result = admin::update_group(&state.db, clock, &user.principal, id, &fields).await;
    form_outcome(
        result,
        |_| Notice::GroupSaved.at("/admin/groups"),
        async |e| group_page(&visitor, e, id, &fields),
    )
    .await
}

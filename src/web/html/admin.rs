//! Admin pages: users, groups, the audit log.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{PageResult, page};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::user::Role;
use crate::error::AppError;
use crate::service::{admin, auth};
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

const ROLES: [(&str, &str); 3] = [
    ("volunteer", "Volunteer: works the cases of their groups"),
    (
        "coordinator",
        "Coordinator: also assigns the cases of their groups",
    ),
    ("admin", "Admin: everything, in every group"),
];

use super::form_field as field;

fn chosen_groups(pairs: &[(String, String)]) -> Result<Vec<Uuid>, AppError> {
    pairs
        .iter()
        .filter(|(k, _)| k == "groups")
        .map(|(_, v)| Uuid::parse_str(v).map_err(|_| AppError::BadRequest("Unknown group.".into())))
        .collect()
}

pub async fn users(State(state): State<AppState>, user: SignedIn, visitor: Visitor) -> PageResult {
    let users = admin::users(&state.db, &user.principal).await?;
    Ok(page(
        StatusCode::OK,
        "admin/users.html",
        Some(&visitor),
        &FieldErrors::default(),
        json!({"users": users}),
    )?)
}

async fn user_form(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    errors: &FieldErrors,
    existing: Option<&admin::UserRow>,
    values: Value,
) -> PageResult {
    let me = visitor.session.as_ref().map(|s| &s.principal);
    let admin = me.is_some_and(|p| p.is_admin());
    let groups = match me {
        Some(p) => admin::groups_for(&state.db, p).await?,
        None => Vec::new(),
    };
    let roles: Vec<Value> = ROLES
        .iter()
        .filter(|(v, _)| admin || *v == "volunteer")
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect();
    let data = json!({"existing": existing, "groups": groups, "roles": roles, "values": values});
    Ok(page(
        status,
        "admin/user_form.html",
        Some(visitor),
        errors,
        data,
    )?)
}

pub async fn new_user(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
) -> PageResult {
    forbid_unless_manager(&user)?;
    user_form(
        &state,
        &visitor,
        StatusCode::OK,
        &FieldErrors::default(),
        None,
        json!({"role": "volunteer", "groups": []}),
    )
    .await
}

pub async fn create_user(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    forbid_unless_manager(&user)?;
    let groups = chosen_groups(&pairs)?;
    let values = json!({"name": field(&pairs, "name"), "email": field(&pairs, "email"),
                        "role": field(&pairs, "role"), "groups": groups});
    let Some(role) = Role::parse(field(&pairs, "role")) else {
        let errors = FieldErrors::single("role", "Choose a role");
        return user_form(
            &state,
            &visitor,
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors,
            None,
            values,
        )
        .await;
    };
    let new = auth::NewUser {
        email: field(&pairs, "email").to_string(),
        name: field(&pairs, "name").to_string(),
        role,
        password: field(&pairs, "password").to_string(),
        groups,
    };
    match auth::create_user(&state.db, state.clock.as_ref(), Some(&user.principal), new).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(AppError::Invalid(e)) => {
            user_form(
                &state,
                &visitor,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                None,
                values,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_user(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let target = admin::user(&state.db, &user.principal, id_of(&id)?).await?;
    let groups: Vec<Uuid> = target.groups.iter().map(|g| g.id).collect();
    let values = json!({"role": target.role, "groups": groups});
    user_form(
        &state,
        &visitor,
        StatusCode::OK,
        &FieldErrors::default(),
        Some(&target),
        values,
    )
    .await
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
    let values = json!({"role": field(&pairs, "role"), "groups": groups});
    let errors = |e: FieldErrors| {
        let (state, visitor, target, values) = (&state, &visitor, &target, values.clone());
        async move {
            user_form(
                state,
                visitor,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                Some(target),
                values,
            )
            .await
        }
    };
    let Some(role) = Role::parse(field(&pairs, "role")) else {
        return errors(FieldErrors::single("role", "Choose a role")).await;
    };
    let clock = state.clock.as_ref();
    match admin::update_user(
        &state.db,
        clock,
        &user.principal,
        target.id,
        role,
        &groups,
        target.active,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/admin/users").into_response()),
        Err(AppError::Invalid(e)) => errors(e).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn confirm_disable(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult {
    let target = admin::user(&state.db, &user.principal, id_of(&id)?).await?;
    Ok(page(
        StatusCode::OK,
        "admin/confirm_disable.html",
        Some(&visitor),
        &FieldErrors::default(),
        json!({"target": target}),
    )?)
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
    Ok(Redirect::to("/admin/users").into_response())
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

fn group_values(f: &admin::GroupFields) -> Value {
    json!({"name": f.name, "address": f.address, "postcode_areas": f.postcode_areas,
           "organisation": f.organisation, "phone": f.phone, "email": f.email,
           "takes_unmatched": if f.takes_unmatched { "yes" } else { "" }})
}

async fn groups_page(
    state: &AppState,
    user: &SignedIn,
    visitor: &Visitor,
    status: StatusCode,
    errors: &FieldErrors,
    values: Value,
) -> PageResult {
    forbid_unless_admin(user)?;
    let groups = admin::groups(&state.db).await?;
    let data = json!({"groups": groups, "values": values});
    Ok(page(
        status,
        "admin/groups.html",
        Some(visitor),
        errors,
        data,
    )?)
}

pub async fn groups(State(state): State<AppState>, user: SignedIn, visitor: Visitor) -> PageResult {
    groups_page(
        &state,
        &user,
        &visitor,
        StatusCode::OK,
        &FieldErrors::default(),
        json!({}),
    )
    .await
}

pub async fn create_group(
    State(state): State<AppState>,
    user: SignedIn,
    visitor: Visitor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = group_fields(&pairs);
    match admin::create_group(
        &state.db,
        state.clock.as_ref(),
        Some(&user.principal),
        &fields,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/groups").into_response()),
        Err(AppError::Invalid(e)) => {
            groups_page(
                &state,
                &user,
                &visitor,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e,
                group_values(&fields),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn group_page(
    visitor: &Visitor,
    status: StatusCode,
    errors: &FieldErrors,
    id: Uuid,
    values: Value,
) -> PageResult {
    Ok(page(
        status,
        "admin/group.html",
        Some(visitor),
        errors,
        json!({"id": id, "values": values}),
    )?)
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
    group_page(
        &visitor,
        StatusCode::OK,
        &FieldErrors::default(),
        id,
        group_values(&fields),
    )
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
    match admin::update_group(
        &state.db,
        state.clock.as_ref(),
        &user.principal,
        id,
        &fields,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/groups").into_response()),
        Err(AppError::Invalid(e)) => group_page(
            &visitor,
            StatusCode::UNPROCESSABLE_ENTITY,
            &e,
            id,
            group_values(&fields),
        ),
        Err(e) => Err(e.into()),
    }
}

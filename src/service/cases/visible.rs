//! Who may see a case ([`VisibleCase`]), and a case with its group and assignees.

use sea_orm::ConnectionTrait;
use serde::Serialize;
use uuid::Uuid;

use crate::db;
use crate::db::groups::Group;
use crate::domain::{CaseRecord, CaseStatus};
use crate::error::AppError;
use crate::service::Principal;

/// A case with its group and assignees: what the case page and the API show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    /// The case.
    #[serde(flatten)]
    pub case: CaseRecord,
    /// Open or closed, from the stage.
    pub status: CaseStatus,
    /// The stage in plain language, as the tenant sees it.
    pub tenant_status: &'static str,
    /// Its local group.
    pub group: Group,
    /// Who is working it.
    pub assignees: Vec<UserRef>,
}

impl CaseDetail {
    pub(crate) fn new(case: CaseRecord, group: Group, assignees: Vec<UserRef>) -> CaseDetail {
        CaseDetail {
            status: case.status(),
            tenant_status: case.stage.tenant_label(),
            case,
            group,
            assignees,
        }
    }
}

/// A user by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UserRef {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

impl From<db::users::User> for UserRef {
    fn from(u: db::users::User) -> UserRef {
        UserRef {
            id: u.id,
            name: u.name,
        }
    }
}

/// A case the caller may see. It is made only by [`VisibleCase::load`] (or
/// [`VisibleCase::load_with_assignees`]), the one check of
/// who may see a case: current membership of its group (admins: any). Use cases reach a
/// case's data through it; a case outside the caller's groups is "not found", exactly like
/// one that does not exist.
#[derive(Debug, Clone)]
pub struct VisibleCase(CaseRecord);

impl VisibleCase {
    /// Loads the case `id` if `actor` may see it.
    pub async fn load(
        c: &impl ConnectionTrait,
        actor: &Principal,
        id: Uuid,
    ) -> Result<VisibleCase, AppError> {
        db::cases::find(c, id)
            .await?
            .filter(|case| actor.can_work_case(case.group_id))
            .map(VisibleCase)
            .ok_or(AppError::NotFound)
    }

    /// Loads the case `id`, with who works it, if `actor` may see it.
    pub async fn load_with_assignees(
        c: &impl ConnectionTrait,
        actor: &Principal,
        id: Uuid,
    ) -> Result<(VisibleCase, Vec<UserRef>), AppError> {
        let (case, users) = db::cases::find_with_assignees(c, id)
            .await?
            .filter(|(case, _)| actor.can_work_case(case.group_id))
            .ok_or(AppError::NotFound)?;
        Ok((
            VisibleCase(case),
            users.into_iter().map(UserRef::from).collect(),
        ))
    }

    /// The record itself.
    pub fn into_record(self) -> CaseRecord {
        self.0
    }
}

impl std::ops::Deref for VisibleCase {
    type Target = CaseRecord;

    fn deref(&self) -> &CaseRecord {
        &self.0
    }
}

pub(crate) async fn detail(
    c: &impl ConnectionTrait,
    case: CaseRecord,
) -> Result<CaseDetail, AppError> {
    let group = db::groups::by_id(c, case.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let assignees = db::users::assignees_of(c, case.id)
        .await?
        .into_iter()
        .map(UserRef::from)
        .collect();
    Ok(CaseDetail::new(case, group, assignees))
}

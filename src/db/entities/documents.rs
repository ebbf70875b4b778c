//! `documents`: evidence and other files on a case. The bytes live on disk under
//! `stored_name`, outside anything the server serves by path.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub stored_name: String,
    pub description: Option<String>,
    pub uploaded_at: TimeDateTimeWithTimeZone,
    pub uploaded_by: Option<Uuid>,
    pub from_tenant: bool,
    pub tenant_visible: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

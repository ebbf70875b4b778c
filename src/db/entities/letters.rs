//! `letters`: generated letters, frozen as sent (bytes and SHA-256), with how and when
//! they were sent and the reply deadline that starts.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "letters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub version: i32,
    pub title: String,
    pub fields: Json,
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub pages: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub created_by: Option<Uuid>,
    pub sent_on: Option<Date>,
    pub sent_method: Option<String>,
    pub tracking: Option<String>,
    pub reply_due: Option<Date>,
    pub template_version: i32,
    pub dated: Option<TimeDate>,
    pub printed_reply_due: Option<TimeDate>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

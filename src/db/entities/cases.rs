//! `cases`: one row per dispute. The facts live in `facts` (the API's JSON shape);
//! `tenant_name`, `other_side_name` and `postcode` are copies kept for listing, written in
//! the same statement as the facts; search terms live in `case_search_terms`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub reference: String,
    pub group_id: Uuid,
    pub jurisdiction: String,
    pub stage: String,
    pub held_from: Option<String>,
    pub outcome: Option<Json>,
    pub tenant_name: String,
    pub other_side_name: Option<String>,
    pub postcode: Option<String>,
    pub facts: Json,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub next_due: Option<TimeDate>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! Settings every server of one database must agree on.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

const TABLE: &str = "settings";

/// The value of setting `key`.
pub async fn get(c: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    let stmt = Query::select()
        .column(Alias::new("value"))
        .from(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("key")).eq(key))
        .to_owned();
    match c.query_one(&stmt).await? {
        Some(row) => Ok(Some(row.try_get("", "value")?)),
        None => Ok(None),
    }
}

/// Sets `key` to `value` unless it is set already; answers the value it has after.
pub async fn set_once(c: &impl ConnectionTrait, key: &str, value: &str) -> Result<String, DbErr> {
    let stmt = Query::insert()
        .into_table(Alias::new(TABLE))
        .columns([Alias::new("key"), Alias::new("value")])
        .values([key.into(), value.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(Alias::new("key"))
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    c.execute(&stmt).await?;
    get(c, key)
        .await?
        .ok_or_else(|| DbErr::Custom(format!("setting {key} was not kept")))
}

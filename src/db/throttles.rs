//! Throttle counters: one row per key, counted with one atomic upsert.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};
use time::{Duration, OffsetDateTime};

const TABLE: &str = "throttles";

fn col(name: &'static str) -> Expr {
    Expr::col((Alias::new(TABLE), Alias::new(name)))
}

/// Counts one attempt against `key`, in one statement, and returns the attempts in the
/// key's window so far (this one included) and when that window started. A window older
/// than `window` starts again with this attempt.
pub async fn hit(
    c: &impl ConnectionTrait,
    key: &str,
    now: OffsetDateTime,
    window: Duration,
) -> Result<(i32, OffsetDateTime), DbErr> {
    let expired = || col("window_start").lte(now - window);
    let stmt = Query::insert()
        .into_table(Alias::new(TABLE))
        .columns([
            Alias::new("key"),
            Alias::new("attempts"),
            Alias::new("window_start"),
        ])
        .values([key.into(), 1.into(), now.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(Alias::new("key"))
                .value(
                    Alias::new("attempts"),
                    Expr::case(expired(), 1).finally(col("attempts").add(1)),
                )
                .value(
                    Alias::new("window_start"),
                    Expr::case(expired(), now).finally(col("window_start")),
                )
                .to_owned(),
        )
        .returning(Query::returning().columns([Alias::new("attempts"), Alias::new("window_start")]))
        .to_owned();
    let row = c
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::Custom("no throttle row".into()))?;
    Ok((
        row.try_get("", "attempts")?,
        row.try_get("", "window_start")?,
    ))
}

/// Forgets `key`'s attempts.
pub async fn clear(c: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    let stmt = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("key")).eq(key))
        .to_owned();
    c.execute(&stmt).await?;
    Ok(())
}

/// Takes one attempt off `key` (one that turned out to be allowed).
pub async fn refund(c: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    let stmt = Query::update()
        .table(Alias::new(TABLE))
        .value(Alias::new("attempts"), col("attempts").sub(1))
        .and_where(Expr::col(Alias::new("key")).eq(key))
        .and_where(Expr::col(Alias::new("attempts")).gt(0))
        .to_owned();
    c.execute(&stmt).await?;
    Ok(())
}

/// Removes the rows of windows that ended before `cutoff`.
pub async fn prune(c: &impl ConnectionTrait, cutoff: OffsetDateTime) -> Result<(), DbErr> {
    let stmt = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("window_start")).lt(cutoff))
        .to_owned();
    c.execute(&stmt).await?;
    Ok(())
}

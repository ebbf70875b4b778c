//! Throttles that hold across restarts and servers, one version number per letter, and
//! indexes that lead with the group for the lists volunteers and coordinators see.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{self, ConnectionTrait, Statement};

use crate::m20261126_000001_init::{index, ts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Throttles {
    Table,
    Key,
    Attempts,
    WindowStart,
}

#[derive(DeriveIden)]
enum Letters {
    Table,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
}

/// Letters that share a (case, kind, version) with an earlier one, from concurrent
/// writes before versions were unique: each gets the next free version of its kind.
async fn renumber_duplicate_letters(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, case_id, kind, version FROM letters ORDER BY case_id, kind, id",
        ))
        .await?;
    let mut seen: Vec<(String, String, i32)> = Vec::new();
    let mut top: std::collections::HashMap<(String, String), i32> = Default::default();
    let mut fixes = Vec::new();
    for r in &rows {
        let id: sea_orm::prelude::Uuid = r.try_get("", "id")?;
        let case: sea_orm::prelude::Uuid = r.try_get("", "case_id")?;
        let kind: String = r.try_get("", "kind")?;
        let version: i32 = r.try_get("", "version")?;
        let key = (case.to_string(), kind.clone());
        let max = top.entry(key.clone()).or_insert(0);
        *max = Ord::max(*max, version);
        let this = (key.0.clone(), key.1.clone(), version);
        if seen.contains(&this) {
            fixes.push((id, key));
        } else {
            seen.push(this);
        }
    }
    for (id, key) in fixes {
        let next = top.get(&key).copied().unwrap_or(0) + 1;
        top.insert(key, next);
        let stmt = Query::update()
            .table(Letters::Table)
            .value(Alias::new("version"), next)
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        db.execute(&stmt).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per throttled key (an account, an address, a case reference): attempts
        // in the window that started at `window_start`.
        m.create_table(
            Table::create()
                .table(Throttles::Table)
                .col(
                    ColumnDef::new(Throttles::Key)
                        .text()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Throttles::Attempts).integer().not_null())
                .col(ts(Throttles::WindowStart))
                .to_owned(),
        )
        .await?;
        renumber_duplicate_letters(m).await?;
        m.create_index(
            index(
                "idx_letters_version_unique",
                Letters::Table,
                &["case_id", "kind", "version"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_cases_group_stage_id",
            Cases::Table,
            &["group_id", "stage", "id"],
        ))
        .await?;
        m.create_index(index(
            "idx_cases_group_jur_id",
            Cases::Table,
            &["group_id", "jurisdiction", "id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_cases_group_jur_id",
            "idx_cases_group_stage_id",
            "idx_letters_version_unique",
        ] {
            m.drop_index(Index::drop().name(name).to_owned()).await?;
        }
        m.drop_table(Table::drop().table(Throttles::Table).to_owned())
            .await
    }
}

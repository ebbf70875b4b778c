//! The case list's order by next deadline: each deadline window keeps the day its deadline
//! falls on, and each case keeps the day of the deadline it leads with (`next_due`: the
//! soonest still running, else the latest passed), refreshed by the app when the case or
//! its letters change and each day as deadlines pass. The app fills both for existing
//! cases the first time it starts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseAlerts {
    Table,
    DueDate,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    NextDue,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CaseAlerts::Table)
                .add_column(ColumnDef::new(CaseAlerts::DueDate).date().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(ColumnDef::new(Cases::NextDue).date().null())
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_cases_next_due", vec!["next_due", "id"]),
            (
                "idx_cases_group_next_due",
                vec!["group_id", "next_due", "id"],
            ),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(Cases::Table);
            for c in cols {
                idx.col(Alias::new(c));
            }
            m.create_index(idx.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_cases_next_due", "idx_cases_group_next_due"] {
            m.drop_index(Index::drop().name(name).table(Cases::Table).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::NextDue)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CaseAlerts::Table)
                .drop_column(CaseAlerts::DueDate)
                .to_owned(),
        )
        .await
    }
}

//! `case_alerts`: when each case's rule deadlines can appear on the home page's "Overdue"
//! and "Due soon" lists, so that the lists read only those cases, complete at any size.
//! The rows are written from the rules by the app (in the same transaction as every change
//! of a case); the app fills them for existing cases the first time it starts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseAlerts {
    Table,
    CaseId,
    Seq,
    FromDate,
    UntilDate,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseAlerts::Table)
                .col(ColumnDef::new(CaseAlerts::CaseId).uuid().not_null())
                .col(ColumnDef::new(CaseAlerts::Seq).integer().not_null())
                .col(ColumnDef::new(CaseAlerts::FromDate).date().not_null())
                .col(ColumnDef::new(CaseAlerts::UntilDate).date().null())
                .primary_key(Index::create().col(CaseAlerts::CaseId).col(CaseAlerts::Seq))
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseAlerts::Table, CaseAlerts::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_alerts_from")
                .table(CaseAlerts::Table)
                .col(CaseAlerts::FromDate)
                .col(CaseAlerts::CaseId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseAlerts::Table).to_owned())
            .await
    }
}

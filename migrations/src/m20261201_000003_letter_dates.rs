//! A letter's own date (the day it is to be sent) and the reply date printed in it, so
//! that a letter sent later than its date can be shown to give the landlord too little time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Letters {
    Table,
    Dated,
    PrintedReplyDue,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Letters::Dated, Letters::PrintedReplyDue] {
            m.alter_table(
                Table::alter()
                    .table(Letters::Table)
                    .add_column(ColumnDef::new(col).date().null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Letters::PrintedReplyDue, Letters::Dated] {
            m.alter_table(
                Table::alter()
                    .table(Letters::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

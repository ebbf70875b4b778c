//! The organisation a group belongs to, and the telephone and e-mail its letters give for
//! replies.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Groups {
    Table,
    Organisation,
    Phone,
    Email,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Groups::Organisation, Groups::Phone, Groups::Email] {
            m.alter_table(
                Table::alter()
                    .table(Groups::Table)
                    .add_column(ColumnDef::new(col).text().null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Groups::Email, Groups::Phone, Groups::Organisation] {
            m.alter_table(
                Table::alter()
                    .table(Groups::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

//! Per-group wording of letter templates, kept as numbered versions, and the version each
//! letter was written with.

use sea_orm_migration::prelude::*;

use crate::m20261126_000001_init::{index, text, text_null, ts, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LetterTemplates {
    Table,
    Id,
    GroupId,
    Kind,
    Version,
    Body,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Letters {
    Table,
    TemplateVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per saved version; a NULL body means "back to the standard wording".
        m.create_table(
            Table::create()
                .table(LetterTemplates::Table)
                .col(uuid_pk(LetterTemplates::Id))
                .col(ColumnDef::new(LetterTemplates::GroupId).uuid().not_null())
                .col(text(LetterTemplates::Kind))
                .col(
                    ColumnDef::new(LetterTemplates::Version)
                        .integer()
                        .not_null(),
                )
                .col(text_null(LetterTemplates::Body))
                .col(ColumnDef::new(LetterTemplates::CreatedBy).uuid().null())
                .col(ts(LetterTemplates::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(LetterTemplates::Table, LetterTemplates::GroupId)
                        .to(Groups::Table, Groups::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "idx_letter_templates_version",
                LetterTemplates::Table,
                &["group_id", "kind", "version"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        // 0: the standard wording shipped with tenantcase; n: the group's version n.
        m.alter_table(
            Table::alter()
                .table(Letters::Table)
                .add_column(
                    ColumnDef::new(Letters::TemplateVersion)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Letters::Table)
                .drop_column(Letters::TemplateVersion)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(LetterTemplates::Table).to_owned())
            .await
    }
}

//! One-time links that let a user choose a new password: made by an admin or a
//! coordinator, kept only as a hash, valid for 24 hours and used once.

use sea_orm_migration::prelude::*;

use crate::m20261126_000001_init::{index, text, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    UserId,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PasswordResets::Table)
                // The SHA-256 of the link's secret part.
                .col(text(PasswordResets::Id).primary_key())
                .col(ColumnDef::new(PasswordResets::UserId).uuid().not_null())
                .col(ColumnDef::new(PasswordResets::CreatedBy).uuid().null())
                .col(ts(PasswordResets::CreatedAt))
                .col(ts(PasswordResets::ExpiresAt))
                .col(ts_null(PasswordResets::UsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PasswordResets::Table, PasswordResets::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PasswordResets::Table, PasswordResets::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_password_resets_user",
            PasswordResets::Table,
            &["user_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await
    }
}

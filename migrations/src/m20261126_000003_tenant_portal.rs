//! The tenant portal: access codes (hashed), tenant sessions, evidence documents, messages
//! between tenants and caseworkers, and the postcode areas that route self-referrals.

use sea_orm_migration::prelude::*;

use crate::m20261126_000001_init::{index, text, text_null, ts, ts_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccessCodes {
    Table,
    CaseId,
    CodeHash,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum TenantSessions {
    Table,
    Id,
    CaseId,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    CaseId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    StoredName,
    Description,
    UploadedAt,
    UploadedBy,
    FromTenant,
    TenantVisible,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    CaseId,
    FromTenant,
    AuthorId,
    Body,
    CreatedAt,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    PostcodeAreas,
    TakesUnmatched,
}

fn case_fk<T: IntoIden>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Cases::Table, Cases::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One code a case; only a keyed hash of it is kept.
        m.create_table(
            Table::create()
                .table(AccessCodes::Table)
                .col(uuid_pk(AccessCodes::CaseId))
                .col(text(AccessCodes::CodeHash))
                .col(ts(AccessCodes::CreatedAt))
                .col(ColumnDef::new(AccessCodes::CreatedBy).uuid().null())
                .foreign_key(&mut case_fk(AccessCodes::Table, AccessCodes::CaseId))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenantSessions::Table)
                .col(
                    ColumnDef::new(TenantSessions::Id)
                        .text()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(TenantSessions::CaseId).uuid().not_null())
                .col(text(TenantSessions::CsrfToken))
                .col(ts(TenantSessions::CreatedAt))
                .col(ts(TenantSessions::ExpiresAt))
                .foreign_key(&mut case_fk(TenantSessions::Table, TenantSessions::CaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_tenant_sessions_case",
            TenantSessions::Table,
            &["case_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Documents::Table)
                .col(uuid_pk(Documents::Id))
                .col(ColumnDef::new(Documents::CaseId).uuid().not_null())
                .col(text(Documents::FileName))
                .col(text(Documents::ContentType))
                .col(
                    ColumnDef::new(Documents::SizeBytes)
                        .big_integer()
                        .not_null(),
                )
                .col(text(Documents::Sha256))
                .col(text(Documents::StoredName))
                .col(text_null(Documents::Description))
                .col(ts(Documents::UploadedAt))
                .col(ColumnDef::new(Documents::UploadedBy).uuid().null())
                .col(ColumnDef::new(Documents::FromTenant).boolean().not_null())
                .col(
                    ColumnDef::new(Documents::TenantVisible)
                        .boolean()
                        .not_null(),
                )
                .foreign_key(&mut case_fk(Documents::Table, Documents::CaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_documents_case",
            Documents::Table,
            &["case_id", "uploaded_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Messages::Table)
                .col(uuid_pk(Messages::Id))
                .col(ColumnDef::new(Messages::CaseId).uuid().not_null())
                .col(ColumnDef::new(Messages::FromTenant).boolean().not_null())
                .col(ColumnDef::new(Messages::AuthorId).uuid().null())
                .col(text(Messages::Body))
                .col(ts(Messages::CreatedAt))
                .col(ts_null(Messages::AnsweredAt))
                .foreign_key(&mut case_fk(Messages::Table, Messages::CaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_messages_case",
            Messages::Table,
            &["case_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "idx_messages_waiting",
            Messages::Table,
            &["from_tenant", "answered_at"],
        ))
        .await?;

        // Postcode areas ("LS, BD") route self-referrals to a group; one group may take
        // the referrals no area matches.
        m.alter_table(
            Table::alter()
                .table(Groups::Table)
                .add_column(
                    ColumnDef::new(Groups::PostcodeAreas)
                        .text()
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Groups::Table)
                .add_column(
                    ColumnDef::new(Groups::TakesUnmatched)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Groups::TakesUnmatched, Groups::PostcodeAreas] {
            m.alter_table(
                Table::alter()
                    .table(Groups::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for table in [
            Messages::Table.into_iden(),
            Documents::Table.into_iden(),
            TenantSessions::Table.into_iden(),
            AccessCodes::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

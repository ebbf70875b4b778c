//! Users, local groups, sessions, API tokens, cases (with assignees, search terms,
//! reference counters and timelines), and the audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    Role,
    PasswordHash,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    Name,
    Address,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    GroupId,
    UserId,
}

#[derive(DeriveIden)]
enum CaseAssignees {
    Table,
    CaseId,
    UserId,
    AssignedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    Action,
    CaseId,
    Detail,
    Address,
}

#[derive(DeriveIden)]
enum Letters {
    Table,
    Id,
    CaseId,
    Kind,
    Version,
    Title,
    Fields,
    Pdf,
    Sha256,
    Pages,
    CreatedAt,
    CreatedBy,
    SentOn,
    SentMethod,
    Tracking,
    ReplyDue,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    Label,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum CaseCounters {
    Table,
    Year,
    Last,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Reference,
    GroupId,
    Jurisdiction,
    Stage,
    HeldFrom,
    Outcome,
    TenantName,
    OtherSideName,
    Postcode,
    Facts,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseSearchTerms {
    Table,
    Term,
    CaseId,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    Id,
    CaseId,
    At,
    ActorId,
    Kind,
    Data,
}

pub(crate) fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub(crate) fn ts_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

pub(crate) fn uuid_pk(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

pub(crate) fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

pub(crate) fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

pub(crate) fn index(
    name: &str,
    table: impl IntoIden,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(Alias::new(*c));
    }
    idx.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(uuid_pk(Users::Id))
                .col(text(Users::Email).unique_key())
                .col(text(Users::Name))
                .col(text(Users::Role))
                .col(text(Users::PasswordHash))
                .col(
                    ColumnDef::new(Users::Active)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(ts(Users::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Groups::Table)
                .col(uuid_pk(Groups::Id))
                .col(text(Groups::Name).unique_key())
                .col(text_null(Groups::Address))
                .col(ts(Groups::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GroupMembers::Table)
                .col(ColumnDef::new(GroupMembers::GroupId).uuid().not_null())
                .col(ColumnDef::new(GroupMembers::UserId).uuid().not_null())
                .primary_key(
                    Index::create()
                        .col(GroupMembers::GroupId)
                        .col(GroupMembers::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(GroupMembers::Table, GroupMembers::GroupId)
                        .to(Groups::Table, Groups::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(GroupMembers::Table, GroupMembers::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_group_members_user",
            GroupMembers::Table,
            &["user_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(ColumnDef::new(Sessions::Id).text().not_null().primary_key())
                .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
                .col(text(Sessions::CsrfToken))
                .col(ts(Sessions::CreatedAt))
                .col(ts(Sessions::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_sessions_user", Sessions::Table, &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(uuid_pk(ApiTokens::Id))
                .col(ColumnDef::new(ApiTokens::UserId).uuid().not_null())
                .col(text(ApiTokens::TokenHash).unique_key())
                .col(text(ApiTokens::Label))
                .col(ts(ApiTokens::CreatedAt))
                .col(ts_null(ApiTokens::LastUsedAt))
                .col(ts_null(ApiTokens::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiTokens::Table, ApiTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_api_tokens_user", ApiTokens::Table, &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(CaseCounters::Table)
                .col(
                    ColumnDef::new(CaseCounters::Year)
                        .integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(CaseCounters::Last).integer().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Cases::Table)
                .col(uuid_pk(Cases::Id))
                .col(text(Cases::Reference).unique_key())
                .col(ColumnDef::new(Cases::GroupId).uuid().not_null())
                .col(text(Cases::Jurisdiction))
                .col(text(Cases::Stage))
                .col(text_null(Cases::HeldFrom))
                .col(ColumnDef::new(Cases::Outcome).json().null())
                .col(text(Cases::TenantName))
                .col(text_null(Cases::OtherSideName))
                .col(text_null(Cases::Postcode))
                .col(ColumnDef::new(Cases::Facts).json().not_null())
                .col(ColumnDef::new(Cases::Version).integer().not_null())
                .col(ColumnDef::new(Cases::CreatedBy).uuid().null())
                .col(ts(Cases::CreatedAt))
                .col(ts(Cases::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Cases::Table, Cases::GroupId)
                        .to(Groups::Table, Groups::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Cases::Table, Cases::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        // The list is ordered newest first (UUIDv7 ids sort by creation) and filtered by
        // stage and/or jurisdiction: each combination has an index that ends in id.
        m.create_index(index(
            "idx_cases_stage_jur_id",
            Cases::Table,
            &["stage", "jurisdiction", "id"],
        ))
        .await?;
        m.create_index(index("idx_cases_stage_id", Cases::Table, &["stage", "id"]))
            .await?;
        m.create_index(index(
            "idx_cases_jur_id",
            Cases::Table,
            &["jurisdiction", "id"],
        ))
        .await?;
        m.create_index(index("idx_cases_postcode", Cases::Table, &["postcode"]))
            .await?;
        m.create_index(index(
            "idx_cases_group_id",
            Cases::Table,
            &["group_id", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(CaseAssignees::Table)
                .col(ColumnDef::new(CaseAssignees::CaseId).uuid().not_null())
                .col(ColumnDef::new(CaseAssignees::UserId).uuid().not_null())
                .col(ts(CaseAssignees::AssignedAt))
                .primary_key(
                    Index::create()
                        .col(CaseAssignees::CaseId)
                        .col(CaseAssignees::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseAssignees::Table, CaseAssignees::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseAssignees::Table, CaseAssignees::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_case_assignees_user",
            CaseAssignees::Table,
            &["user_id", "case_id"],
        ))
        .await?;

        // A generated letter is frozen: its bytes and their SHA-256 never change.
        m.create_table(
            Table::create()
                .table(Letters::Table)
                .col(uuid_pk(Letters::Id))
                .col(ColumnDef::new(Letters::CaseId).uuid().not_null())
                .col(text(Letters::Kind))
                .col(ColumnDef::new(Letters::Version).integer().not_null())
                .col(text(Letters::Title))
                .col(ColumnDef::new(Letters::Fields).json().not_null())
                .col(ColumnDef::new(Letters::Pdf).blob().not_null())
                .col(text(Letters::Sha256))
                .col(ColumnDef::new(Letters::Pages).integer().not_null())
                .col(ts(Letters::CreatedAt))
                .col(ColumnDef::new(Letters::CreatedBy).uuid().null())
                .col(ColumnDef::new(Letters::SentOn).date().null())
                .col(text_null(Letters::SentMethod))
                .col(text_null(Letters::Tracking))
                .col(ColumnDef::new(Letters::ReplyDue).date().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Letters::Table, Letters::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_letters_case",
            Letters::Table,
            &["case_id", "kind", "version"],
        ))
        .await?;

        // The audit log has no foreign keys: it must outlive what it speaks of.
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(uuid_pk(AuditLog::Id))
                .col(ts(AuditLog::At))
                .col(ColumnDef::new(AuditLog::ActorId).uuid().null())
                .col(text(AuditLog::ActorName))
                .col(text(AuditLog::Action))
                .col(ColumnDef::new(AuditLog::CaseId).uuid().null())
                .col(ColumnDef::new(AuditLog::Detail).json().not_null())
                .col(text_null(AuditLog::Address))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_audit_case", AuditLog::Table, &["case_id", "id"]))
            .await?;
        m.create_index(index(
            "idx_audit_actor",
            AuditLog::Table,
            &["actor_id", "id"],
        ))
        .await?;
        m.create_index(index(
            "idx_audit_action",
            AuditLog::Table,
            &["action", "id"],
        ))
        .await?;

        // Word-prefix search: one row per (term, case). Terms compare byte by byte on
        // both databases (collation "C" on PostgreSQL) so that a prefix is an index range.
        let mut term = text(CaseSearchTerms::Term);
        if m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            term.extra("COLLATE \"C\"");
        }
        m.create_table(
            Table::create()
                .table(CaseSearchTerms::Table)
                .col(term)
                .col(ColumnDef::new(CaseSearchTerms::CaseId).uuid().not_null())
                .primary_key(
                    Index::create()
                        .col(CaseSearchTerms::Term)
                        .col(CaseSearchTerms::CaseId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseSearchTerms::Table, CaseSearchTerms::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_case_search_terms_case",
            CaseSearchTerms::Table,
            &["case_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(CaseEvents::Table)
                .col(uuid_pk(CaseEvents::Id))
                .col(ColumnDef::new(CaseEvents::CaseId).uuid().not_null())
                .col(ts(CaseEvents::At))
                .col(ColumnDef::new(CaseEvents::ActorId).uuid().null())
                .col(text(CaseEvents::Kind))
                .col(ColumnDef::new(CaseEvents::Data).json().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseEvents::Table, CaseEvents::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseEvents::Table, CaseEvents::ActorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_case_events_case_id",
            CaseEvents::Table,
            &["case_id", "id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            Letters::Table.into_iden(),
            CaseAssignees::Table.into_iden(),
            CaseEvents::Table.into_iden(),
            CaseSearchTerms::Table.into_iden(),
            Cases::Table.into_iden(),
            CaseCounters::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            GroupMembers::Table.into_iden(),
            Groups::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

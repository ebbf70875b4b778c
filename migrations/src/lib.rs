//! Database migrations for tenantcase. A migration that has shipped is never edited:
//! add a new one instead.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_init;
mod m20261126_000002_letter_templates;
mod m20261126_000003_tenant_portal;
mod m20261201_000001_security;
mod m20261201_000002_settings;
mod m20261201_000003_letter_dates;
mod m20261201_000004_group_contact;
mod m20261201_000005_case_alerts;
mod m20261201_000006_password_resets;
mod m20261201_000007_next_due;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_init::Migration),
            Box::new(m20261126_000002_letter_templates::Migration),
            Box::new(m20261126_000003_tenant_portal::Migration),
            Box::new(m20261201_000001_security::Migration),
            Box::new(m20261201_000002_settings::Migration),
            Box::new(m20261201_000003_letter_dates::Migration),
            Box::new(m20261201_000004_group_contact::Migration),
            Box::new(m20261201_000005_case_alerts::Migration),
            Box::new(m20261201_000006_password_resets::Migration),
            Box::new(m20261201_000007_next_due::Migration),
        ]
    }
}

//! The application state and how it is built.

use std::sync::Arc;

use axum::Router;
use sea_orm::DatabaseConnection;

use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::service::memo::Memos;
use crate::service::reads::ReadAudit;
use crate::storage::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Database pool.
    pub db: DatabaseConnection,
    /// Where "now" comes from.
    pub clock: SharedClock,
    /// Settings.
    pub config: Arc<Config>,
    /// Where reads are audited, off the request path.
    pub reads: ReadAudit,
    /// Where uploaded documents' bytes are kept.
    pub store: Store,
    /// Who is behind each bearer token, and the groups, kept for a moment.
    pub memos: Arc<Memos>,
}

impl AppState {
    /// Connects to the configured database, migrates it, and uses the system clock.
    pub async fn connect(config: Config) -> anyhow::Result<AppState> {
        let db = crate::db::connect(&config.database_url, None).await?;
        crate::db::migrate(&db).await?;
        Ok(AppState::new(db, Arc::new(SystemClock), config))
    }

    /// State over an open, migrated database. Starts the audit writer for reads, so it
    /// must be called inside a Tokio runtime.
    pub fn new(db: DatabaseConnection, clock: SharedClock, config: Config) -> AppState {
        AppState {
            reads: ReadAudit::start(db.clone(), clock.clone()),
            store: Store::new(config.uploads.clone()),
            memos: Arc::default(),
            db,
            clock,
            config: Arc::new(config),
        }
    }
}

/// The whole HTTP app.
pub fn router(state: AppState) -> Router {
    crate::web::router(state)
}

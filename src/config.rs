//! Runtime configuration: one typed struct, filled from the command line and environment.

use std::net::SocketAddr;

/// The default database: an SQLite file beside the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tenantcase.db?mode=rwc";

/// Settings the running app needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Database connection URL (`sqlite://…` or `postgres://…`).
    pub database_url: String,
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Mark cookies `Secure` (set when served over TLS or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Believe `X-Forwarded-For` and `X-Forwarded-Proto` (set only behind a proxy that
    /// sets them).
    pub trust_proxy: bool,
    /// How long a sign-in lasts.
    pub session_hours: i64,
}

impl Config {
    /// Settings for `database_url` with every other setting at its default.
    pub fn new(database_url: impl Into<String>) -> Config {
        Config {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: false,
            trust_proxy: false,
            session_hours: 12,
        }
    }
}

//! Limits on repeated attempts: staff sign-ins, tenants' access codes and online requests.
//! Counters live in the database, so they hold across restarts and across several servers
//! on one database, and each attempt is counted by one atomic statement before it is
//! checked: of 60 wrong passwords sent at once, exactly the allowed number are checked.

use sea_orm::DatabaseConnection;
use time::{Duration, OffsetDateTime};

use crate::db;
use crate::error::AppError;

/// How long a window of attempts lasts.
pub const WINDOW: Duration = Duration::minutes(15);

/// One counter and the attempts it allows in a [`WINDOW`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// What is counted: `account:…`, `address:…`, `tenant-ref:…`.
    pub key: String,
    /// Attempts allowed in a window.
    pub allowed: usize,
}

impl Limit {
    /// A counter for `key` allowing `allowed` attempts a window.
    pub fn new(key: impl Into<String>, allowed: usize) -> Limit {
        Limit {
            key: key.into(),
            allowed,
        }
    }
}

/// Counts one attempt against every limit. `Some(wait)` when any of them is used up: the
/// attempt must not go ahead, and may be tried again after `wait`.
pub async fn attempt(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    limits: &[Limit],
) -> Result<Option<Duration>, AppError> {
    let mut wait: Option<Duration> = None;
    for limit in limits {
        let (attempts, started) = db::throttles::hit(db, &limit.key, now, WINDOW).await?;
        if usize::try_from(attempts).unwrap_or(usize::MAX) > limit.allowed {
            let left = (started + WINDOW - now).max(Duration::seconds(1));
            wait = Some(wait.map_or(left, |w| w.max(left)));
        }
    }
    if wait.is_some() {
        // Now and then, drop the rows of windows long gone.
        db::throttles::prune(db, now - WINDOW * 4).await?;
    }
    Ok(wait)
}

/// After a successful attempt: the first limit (the account or reference) starts afresh,
/// and the attempt is taken off the others (the address), so that people who get it right
/// are never throttled by their own successes.
pub async fn succeeded(db: &DatabaseConnection, limits: &[Limit]) -> Result<(), AppError> {
    if let Some((first, rest)) = limits.split_first() {
        db::throttles::clear(db, &first.key).await?;
        for limit in rest {
            db::throttles::refund(db, &limit.key).await?;
        }
    }
    Ok(())
}

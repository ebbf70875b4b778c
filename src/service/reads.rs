//! Audit rows for reads, written off the request path. A read (a case viewed, a list
//! shown, a document downloaded) must be audited, but should not wait for a write, nor
//! take SQLite's write lock on every page. Reads hand their rows to one background task,
//! which writes them in batches, one transaction each. Nothing is lost on a clean shutdown:
//! [`ReadAudit::close`] waits until every queued row is written. Changes are still audited
//! in their own transaction, as before.

use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::Principal;
use crate::clock::SharedClock;
use crate::db;
use crate::error::AppError;

/// Rows waiting at most before readers wait for the writer (back-pressure, never loss).
const QUEUE: usize = 20_000;
/// Most rows in one transaction.
const BATCH: usize = 1_000;

enum Msg {
    Row(Box<db::audit::NewEntry>),
    /// Answered once everything sent before it is written.
    Flush(oneshot::Sender<()>),
    /// Write what is queued, answer, and stop.
    Close(oneshot::Sender<()>),
}

/// The handle reads use to be audited. Cheap to clone.
#[derive(Clone)]
pub struct ReadAudit {
    tx: mpsc::Sender<Msg>,
    db: DatabaseConnection,
    clock: SharedClock,
}

impl std::fmt::Debug for ReadAudit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadAudit")
    }
}

impl ReadAudit {
    /// Starts the writer for `db`; rows are stamped with `clock`. Must be called inside a
    /// Tokio runtime.
    pub fn start(db: DatabaseConnection, clock: SharedClock) -> ReadAudit {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(writer(db.clone(), rx));
        ReadAudit { tx, db, clock }
    }

    /// Queues an audit row for a read by `actor`. If the writer has stopped (after
    /// [`ReadAudit::close`]), the row is written at once instead.
    pub async fn record(
        &self,
        actor: Option<&Principal>,
        action: crate::domain::audit::AuditAction,
        case: Option<Uuid>,
        detail: serde_json::Value,
    ) -> Result<(), AppError> {
        let row = db::audit::entry(self.clock.now(), actor, action, case, detail);
        match self.tx.send(Msg::Row(Box::new(row))).await {
            Ok(()) => Ok(()),
            Err(mpsc::error::SendError(Msg::Row(row))) => {
                db::audit::insert(&self.db, vec![*row]).await?;
                Ok(())
            }
            Err(_) => Ok(()),
        }
    }

    /// Records that `actor` read case `case`.
    pub async fn case_viewed(&self, actor: &Principal, case: Uuid) -> Result<(), AppError> {
        self.record(
            Some(actor),
            crate::domain::audit::AuditAction::CaseViewed,
            Some(case),
            serde_json::json!({}),
        )
        .await
    }

    /// Waits until every row queued so far is written (before the log is read).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }

    /// Writes every queued row and stops the writer; later reads write their rows at once.
    pub async fn close(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Close(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

/// Writes a batch, trying again a few times; a batch that still fails is logged (its
/// actions and cases, never its details).
async fn write(db: &DatabaseConnection, rows: &mut Vec<db::audit::NewEntry>) {
    if rows.is_empty() {
        return;
    }
    let mut wait = std::time::Duration::from_millis(50);
    for attempt in 1..=5 {
        match db::audit::insert(db, rows.clone()).await {
            Ok(()) => {
                rows.clear();
                return;
            }
            Err(e) if attempt < 5 => {
                tracing::warn!(error = %e, attempt, "audit rows not written yet; trying again");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::error!(error = %e, rows = rows.len(), "audit rows could not be written");
                rows.clear();
            }
        }
    }
}

/// How long the writer waits for more rows after the first of a batch: rows written
/// together cost one transaction, instead of one each, and leave the CPU to the reads.
const LINGER: std::time::Duration = std::time::Duration::from_millis(25);

async fn writer(db: DatabaseConnection, mut rx: mpsc::Receiver<Msg>) {
    let mut rows = Vec::with_capacity(BATCH);
    let mut deadline = tokio::time::Instant::now();
    loop {
        let msg = if rows.is_empty() {
            rx.recv().await
        } else {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(msg) => msg,
                Err(_) => {
                    write(&db, &mut rows).await;
                    continue;
                }
            }
        };
        let Some(msg) = msg else { break };
        match msg {
            Msg::Row(r) => {
                if rows.is_empty() {
                    deadline = tokio::time::Instant::now() + LINGER;
                }
                rows.push(*r);
                if rows.len() >= BATCH {
                    write(&db, &mut rows).await;
                }
            }
            Msg::Flush(done) => {
                write(&db, &mut rows).await;
                let _ = done.send(());
            }
            Msg::Close(done) => {
                rx.close();
                // Whatever was sent before the queue closed is still in it.
                let mut waiting = vec![done];
                while let Ok(msg) = rx.try_recv() {
                    match msg {
                        Msg::Row(r) => rows.push(*r),
                        Msg::Flush(d) | Msg::Close(d) => waiting.push(d),
                    }
                }
                write(&db, &mut rows).await;
                for d in waiting {
                    let _ = d.send(());
                }
                return;
            }
        }
    }
    write(&db, &mut rows).await;
}

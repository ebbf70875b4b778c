//! Database access: connecting, migrating, and the queries the services use.
//! Rows become domain types here; nothing here renders or knows about HTTP.

pub mod audit;
pub mod cases;
pub mod entities;
pub mod groups;
pub mod letters;
pub mod portal;
pub mod resets;
pub mod settings;
pub mod throttles;
pub mod users;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, SqlErr, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Connects to `url`. For an SQLite file, creates its folder first; an in-memory SQLite
/// database uses one connection, since each connection would otherwise see its own.
pub async fn connect(url: &str, schema: Option<&str>) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        if url.contains(":memory:") || url.contains("mode=memory") {
            opts.max_connections(1).min_connections(1);
        } else {
            if let Some(file) = sqlite_file(url) {
                create_private(file)
                    .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", file.display())))?;
            }
            // WAL lets readers run beside the one writer; NORMAL sync is durable across
            // crashes of the process in WAL mode, and loses at most the last transactions
            // on a power cut. Writers queue on the lock for up to the busy timeout.
            // A connection to a local file cannot go stale: pinging it before each use
            // would only add a round trip to its thread.
            opts.max_connections(SQLITE_CONNECTIONS)
                .min_connections(1)
                .test_before_acquire(false)
                .map_sqlx_sqlite_opts(sqlite_pragmas);
            let readers = Database::connect(opts).await?;
            open_sqlite_writer(url, &readers).await?;
            return Ok(readers);
        }
    } else {
        // A connection idle for a while may have been closed by the server or a proxy;
        // one in steady use is not pinged before every query.
        opts.max_connections(postgres_pool_size())
            .min_connections(2)
            .test_before_acquire_if_idle_for(std::time::Duration::from_secs(30));
    }
    if let Some(schema) = schema {
        opts.set_schema_search_path(schema);
    }
    Database::connect(opts).await
}

/// How every connection to an SQLite file is set up.
fn sqlite_pragmas(o: SqliteConnectOptions) -> SqliteConnectOptions {
    o.journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(std::time::Duration::from_secs(10))
        .pragma("cache_size", "-16000")
        .pragma("temp_store", "memory")
        // Pages of the file are read where it is mapped, not copied by a system call
        // into each connection's cache.
        .pragma("mmap_size", "268435456")
        // A commit copies the log back into the file only once it holds 10,000 pages
        // (40 MB); before that, `serve` does it every second off the write path
        // ([`checkpoint`]), so a writer seldom holds the lock through a copy and its fsync.
        .pragma("wal_autocheckpoint", "10000")
}

/// Copies what the write-ahead log holds back into an SQLite file, as far as readers
/// allow, without waiting for them or blocking the writer (`PASSIVE`). Returns the pages in
/// the log and the pages copied. Nothing to do on PostgreSQL or in memory.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<(i64, i64), DbErr> {
    if !is_sqlite_pool(db) {
        return Ok((0, 0));
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA wal_checkpoint(PASSIVE)",
        ))
        .await?;
    let at = |i: usize| row.as_ref().and_then(|r| r.try_get_by_index::<i64>(i).ok());
    Ok((at(1).unwrap_or(0), at(2).unwrap_or(0)))
}

/// The connection through which this process writes to an SQLite file, beside the pool
/// of readers it belongs to. SQLite empties a connection's page cache whenever another
/// connection has written since its last transaction; when every write goes through the
/// same connection, the writer's cache stays warm, and a write transaction holds the lock
/// for less time (docs/PERFORMANCE.md).
struct SqliteWriter {
    /// The options of the readers' pool: alive while that pool is.
    readers: std::sync::Weak<SqliteConnectOptions>,
    conn: DatabaseConnection,
}

/// The writers of the SQLite pools this process has opened.
static SQLITE_WRITER_CONNS: LazyLock<Mutex<Vec<SqliteWriter>>> =
    LazyLock::new(|| Mutex::new(Vec::new()));

/// Opens the writer of `readers`, a pool of `url`, and forgets those of pools that are
/// gone. Its one connection is opened at the first write.
async fn open_sqlite_writer(url: &str, readers: &DatabaseConnection) -> Result<(), DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .max_connections(1)
        .min_connections(0)
        .idle_timeout(std::time::Duration::from_secs(600))
        .test_before_acquire(false)
        .map_sqlx_sqlite_opts(sqlite_pragmas);
    let conn = Database::connect(opts).await?;
    let options = readers.get_sqlite_connection_pool().connect_options();
    let mut writers = SQLITE_WRITER_CONNS
        .lock()
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    writers.retain(|w| w.readers.strong_count() > 0);
    writers.push(SqliteWriter {
        readers: Arc::downgrade(&options),
        conn,
    });
    Ok(())
}

/// The writer opened beside `readers`, if any.
fn sqlite_writer(readers: &DatabaseConnection) -> Option<DatabaseConnection> {
    let options = readers.get_sqlite_connection_pool().connect_options();
    let writers = SQLITE_WRITER_CONNS.lock().ok()?;
    writers
        .iter()
        .find(|w| {
            w.readers
                .upgrade()
                .is_some_and(|r| Arc::ptr_eq(&r, &options))
        })
        .map(|w| w.conn.clone())
}

/// Creates an SQLite file's folder (0700) and the file itself (0600) if they are missing,
/// so that the database, and the journal files SQLite makes with its permissions, are
/// readable by the server's user only.
fn create_private(file: &Path) -> std::io::Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Connections to an SQLite file: readers run side by side in WAL mode, one writes at a
/// time.
const SQLITE_CONNECTIONS: u32 = 8;

/// Connections to PostgreSQL: `DATABASE_POOL_SIZE`, else four per core (at least 8, at
/// most 64), so that several servers stay within the server's `max_connections`.
fn postgres_pool_size() -> u32 {
    std::env::var("DATABASE_POOL_SIZE")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|n| (1..=1000).contains(n))
        .unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            u32::try_from(cores * 4).unwrap_or(64).clamp(8, 64)
        })
}

/// The file of an SQLite URL (`:memory:` for an in-memory one).
pub fn sqlite_file(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty()).then(|| Path::new(path))
}

/// The key of the PostgreSQL advisory lock that servers take to migrate one at a time.
const MIGRATION_LOCK: i64 = 0x7465_6e61_6e74; // "tenant"

/// Applies every pending migration, one server at a time: several servers of one database
/// can start together. On PostgreSQL the migrations run in one transaction that holds an
/// advisory lock; on SQLite they run under the database's write lock.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                .await?;
            Migrator::up(&txn, None).await?;
            fill_alerts(&txn).await?;
            fill_terms(&txn).await?;
            txn.commit().await
        }
        _ => {
            let txn = begin_write(db).await?;
            Migrator::up(&*txn, None).await?;
            fill_alerts(&*txn).await?;
            fill_terms(&*txn).await?;
            txn.commit().await
        }
    }
}

/// Runs `each` over every case, once in the life of the database: `key` in the settings
/// marks it done.
async fn once_over_cases<C: ConnectionTrait>(
    c: &C,
    key: &str,
    each: impl AsyncFn(&C, &crate::domain::CaseRecord) -> Result<(), DbErr>,
) -> Result<(), DbErr> {
    if settings::get(c, key).await?.is_some() {
        return Ok(());
    }
    let mut after: Option<uuid::Uuid> = None;
    loop {
        let batch = cases::batch_after(c, after, 1_000).await?;
        let Some(last) = batch.last().map(|r| r.id) else {
            break;
        };
        for rec in &batch {
            each(c, rec).await?;
        }
        after = Some(last);
    }
    settings::set_once(c, key, "1").await?;
    Ok(())
}

/// Writes the deadline windows of every case once, after the migration that made their
/// table: they come from the rules, which only the app knows. From then on each change of a
/// case rewrites its own.
async fn fill_alerts(c: &impl ConnectionTrait) -> Result<(), DbErr> {
    // Written again once the windows kept their deadline's day and cases their next.
    once_over_cases(c, "case_alerts_due_filled", async |c, rec| {
        cases::replace_alerts(c, rec).await
    })
    .await
}

/// Rewrites the search terms of every case once, after the search learnt more of a case
/// (phone numbers, e-mail addresses, street words, the reference's number alone). From then
/// on each change of a case rewrites its own.
async fn fill_terms(c: &impl ConnectionTrait) -> Result<(), DbErr> {
    once_over_cases(c, "case_terms_v2", async |c, rec| {
        cases::replace_terms(c, rec).await
    })
    .await
}

/// Writers to an SQLite file take turns here before they ask SQLite for its write lock, so
/// that they queue in order instead of sleeping in SQLite's busy handler. One process
/// serves one database, so one gate is enough; an in-memory database has one connection and
/// needs none, and PostgreSQL locks rows, not the database.
static SQLITE_WRITERS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(1)));

/// A transaction that writes. It derefs to the [`DatabaseTransaction`] and can be passed
/// wherever a connection is taken; on SQLite it also holds the writers' turn until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedSemaphorePermit>,
}

impl WriteTxn {
    /// Commits, and gives the turn to the next writer.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// Whether `db` is a pool of several connections to one SQLite file.
fn is_sqlite_pool(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
        && db
            .get_sqlite_connection_pool()
            .options()
            .get_max_connections()
            > 1
}

/// Starts a transaction that will write. On SQLite it waits its turn among this process's
/// writers, then takes the write lock at once (`BEGIN IMMEDIATE`), so that a transaction
/// that reads before it writes never fails because another writer got there first. It
/// runs on the file's writer connection ([`SqliteWriter`]).
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let (turn, writer) = if is_sqlite_pool(db) {
        let turn = Arc::clone(&SQLITE_WRITERS)
            .acquire_owned()
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        (Some(turn), sqlite_writer(db))
    } else {
        (None, None)
    };
    let txn = writer
        .as_ref()
        .unwrap_or(db)
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok(WriteTxn { txn, _turn: turn })
}

/// Changes made so far to who people are: roles, active flags, memberships, revoked tokens
/// and groups. What is kept in memory about them ([`crate::service::memo`]) is used only
/// while this count is what it was when it was read.
static AUTH_EPOCH: AtomicU64 = AtomicU64::new(0);

/// The changes made so far to who people are.
pub fn auth_epoch() -> u64 {
    AUTH_EPOCH.load(Ordering::SeqCst)
}

/// Notes here that who someone is has changed.
pub fn note_auth_change() {
    AUTH_EPOCH.fetch_add(1, Ordering::SeqCst);
}

/// The PostgreSQL channel on which servers tell each other of such changes.
const AUTH_CHANNEL: &str = "tenantcase_auth";

/// Records a change to who someone is, made through `c`: noted here at once and, on
/// PostgreSQL, told to every other server when the transaction commits.
async fn auth_changed(c: &impl ConnectionTrait) -> Result<(), DbErr> {
    note_auth_change();
    if c.get_database_backend() == DbBackend::Postgres {
        c.execute_unprepared(&format!("SELECT pg_notify('{AUTH_CHANNEL}', '')"))
            .await?;
    }
    Ok(())
}

/// Listens, on PostgreSQL, for the changes other servers make to who people are, and notes
/// each one here. When the listening connection drops, a change is noted too, since one may
/// have been missed. Does nothing on SQLite, which one server serves.
pub async fn listen_for_auth_changes(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::sqlx::postgres::PgListener;
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let pool = db.get_postgres_connection_pool();
    let mut listener = PgListener::connect_with(pool)
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    listener
        .listen(AUTH_CHANNEL)
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    tokio::spawn(async move {
        loop {
            let heard = listener.try_recv().await;
            note_auth_change();
            match heard {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => {
                    tracing::warn!("lost the database's notices of changed users; listening again");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}

/// Brings SQLite's planner statistics up to date (PostgreSQL's autovacuum keeps its own):
/// the row counts per index (`sqlite_stat1`) that choose between the case indexes. SQLite is
/// built here with STAT4, whose value samples make it prepare a statement again every time
/// its parameters change, about 0.1 ms a query: more than the samples save on these short,
/// indexed queries, so they are not kept. `analysis_limit` bounds the work on a large
/// database.
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let txn = begin_write(db).await?;
    txn.execute_unprepared("PRAGMA analysis_limit = 1000; ANALYZE")
        .await?;
    let stat4 = Statement::from_string(
        DbBackend::Sqlite,
        "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'",
    );
    if txn.query_one_raw(stat4).await?.is_some() {
        // ANALYZE of the schema table makes this connection read what is left.
        txn.execute_unprepared("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema")
            .await?;
    }
    txn.commit().await
}

/// Whether `err` is a unique-constraint violation.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
#[expect(
    clippy::expect_used,
    reason = "a test should fail loudly at the first surprise"
)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[tokio::test]
    async fn an_sqlite_file_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("tc-perm-{}", uuid::Uuid::new_v4()));
        let file = dir.join("inner").join("t.db");
        let db = connect(&format!("sqlite://{}?mode=rwc", file.display()), None).await;
        assert!(db.is_ok(), "{db:?}");
        let mode = |p: &Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .ok()
        };
        assert_eq!(mode(&file), Some(0o600));
        assert_eq!(mode(&dir.join("inner")), Some(0o700));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `.cargo/config.toml` builds SQLite with QPSG. Without it, a statement with a bound
    /// `LIMIT` (every `.one()`) is prepared again on every call: the plan codes the bound
    /// value as a constant, so the statement runs `OP_Integer` for it, not `OP_Variable`.
    #[tokio::test]
    async fn sqlite_plans_do_not_depend_on_bound_values() {
        let db = connect("sqlite::memory:", None)
            .await
            .expect("in-memory SQLite");
        let used = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT sqlite_compileoption_used('ENABLE_QPSG') AS used",
            ))
            .await
            .expect("compile options")
            .and_then(|r| r.try_get::<i32>("", "used").ok());
        assert_eq!(used, Some(1), "SQLite is built with SQLITE_ENABLE_QPSG");
        let plan = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "EXPLAIN SELECT 1 LIMIT ?",
                [7.into()],
            ))
            .await
            .expect("explain");
        let opcodes: Vec<String> = plan
            .iter()
            .filter_map(|r| r.try_get::<String>("", "opcode").ok())
            .collect();
        assert!(opcodes.iter().any(|o| o == "Variable"), "{opcodes:?}");
    }

    /// Writes to an SQLite file go through its one writer connection, and the readers see
    /// them; the writer of a pool that is gone is forgotten.
    #[tokio::test]
    async fn an_sqlite_file_has_one_writer_beside_its_readers() {
        let dir = std::env::temp_dir().join(format!("tc-writer-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let db = connect(&url, None).await.expect("connect");
        let writer = sqlite_writer(&db).expect("a writer beside the readers");
        let memory = connect("sqlite::memory:", None).await.expect("memory");
        assert!(
            sqlite_writer(&memory).is_none(),
            "one connection needs none"
        );

        db.execute_unprepared("CREATE TABLE t (n INTEGER)")
            .await
            .expect("create");
        assert_eq!(
            sqlite_writer(&db)
                .expect("writer")
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "PRAGMA wal_autocheckpoint"
                ))
                .await
                .expect("pragma")
                .and_then(|r| r.try_get_by_index::<i64>(0).ok()),
            Some(10_000),
            "commits leave the log to the checkpoint task"
        );
        let txn = begin_write(&db).await.expect("begin");
        txn.execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .expect("insert");
        // The writer's one connection is the one in the transaction.
        let pool = writer.get_sqlite_connection_pool();
        assert_eq!((pool.size(), pool.num_idle()), (1, 0));
        txn.commit().await.expect("commit");
        let seen = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT count(*) AS n FROM t",
            ))
            .await
            .expect("count")
            .and_then(|r| r.try_get::<i64>("", "n").ok());
        assert_eq!(seen, Some(1));
        // With no reader in the way, a checkpoint copies the whole log.
        let (log, copied) = checkpoint(&db).await.expect("checkpoint");
        assert!(log > 0 && copied == log, "{log} {copied}");

        let ours = Arc::downgrade(&db.get_sqlite_connection_pool().connect_options());
        db.close().await.expect("close");
        let other = connect(&url, None).await.expect("connect again");
        let writers = SQLITE_WRITER_CONNS.lock().expect("writers");
        assert!(
            !writers.iter().any(
                |w| std::sync::Weak::ptr_eq(&w.readers, &ours) && w.readers.strong_count() == 0
            ),
            "the closed pool's writer is forgotten"
        );
        drop(writers);
        drop(other);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            sqlite_file("sqlite://data/x.db?mode=rwc"),
            Some(Path::new("data/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), Some(Path::new(":memory:")));
    }
}

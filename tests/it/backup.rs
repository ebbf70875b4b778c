//! Backup and restore: an instance with cases, letters, a tenant's access code and an
//! upload goes into one archive and comes back whole; a damaged or mismatched archive is
//! refused before anything is written.

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use tenantcase::backup::{Target, backup, check, restore};
use tenantcase::domain::user::Role;
use tenantcase::service::portal;
use tenantcase::storage::{Store, Uploads};

use crate::support::*;

/// A throwaway folder.
fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tenantcase-backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// How many rows of each table of the SQLite file `a` are not in `b`, and the other way
/// round, over every table: zero when the two hold the same data.
async fn differences(a: &std::path::Path, b: &std::path::Path) -> Vec<(String, i64)> {
    use sea_orm::sqlx::{self, Connection};
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(a);
    let mut db = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("open");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ATTACH DATABASE '{}' AS b",
        b.display()
    )))
    .execute(&mut db)
    .await
    .expect("attach");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut db)
    .await
    .expect("tables");
    assert!(tables.len() > 10, "{tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let sql = format!(
            "SELECT (SELECT count(*) FROM (SELECT * FROM main.\"{t}\" EXCEPT SELECT * FROM b.\"{t}\")) \
             + (SELECT count(*) FROM (SELECT * FROM b.\"{t}\" EXCEPT SELECT * FROM main.\"{t}\")) \
             + abs((SELECT count(*) FROM main.\"{t}\") - (SELECT count(*) FROM b.\"{t}\"))"
        );
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut db)
            .await
            .expect("compare");
        out.push((t, n));
    }
    db.close().await.expect("close");
    out
}

/// Backs up `app` into `archive`.
async fn backup_of(
    app: &TestApp,
    archive: &std::path::Path,
) -> anyhow::Result<tenantcase::backup::Manifest> {
    let key = app.state.config.secret;
    let now = time::OffsetDateTime::now_utc();
    backup(&app.state.db, &app.state.store, &key, archive, now).await
}

/// A restore into a new SQLite file, uploads folder and key in `dir`.
fn new_place(dir: &std::path::Path) -> Target {
    Target {
        database_url: format!("sqlite://{}/tenantcase.db?mode=rwc", dir.display()),
        store: Store::new(Uploads::Folder(dir.join("uploads"))),
        key_dir: dir.to_path_buf(),
        key: None,
    }
}

#[tokio::test]
async fn an_instance_round_trips_through_one_archive_and_a_bad_one_is_refused() {
    let (app, file) = TestApp::with_pool().await;
    app.user("vol@example.org", Role::Volunteer).await;
    let token = app.token("vol@example.org").await;
    let case = create_case(&app, &token, case_e1()).await;
    let id = case["id"].as_str().unwrap_or_default();
    let reference = case["reference"].as_str().unwrap_or_default().to_string();
    generate(&app, &token, id, json!({"type": "L1"})).await;
    let code = access_code(&app, &token, id).await;
    let vol = app.sign_in("vol@example.org").await;
    let upload = app
        .post_multipart(
            &format!("/cases/{id}/documents"),
            &vol.cookie,
            &[("_csrf", &vol.csrf), ("description", "Check-in report")],
            Some(("check-in.png", PNG)),
        )
        .await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.text);
    app.state.reads.flush().await;

    let dir = temp_dir();
    let archive = dir.join("backup.zip");
    let key = app.state.config.secret;
    let manifest = backup_of(&app, &archive).await.expect("backup");
    let names: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names.iter().filter(|n| n.starts_with("uploads/")).count(),
        1,
        "{names:?}"
    );
    assert!(names.contains(&"secret.key"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&archive)
            .expect("archive")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the archive is its owner's only");
    }
    assert_eq!(
        names.contains(&"tenantcase.db"),
        file.is_some(),
        "{names:?}"
    );
    assert!(
        backup_of(&app, &archive).await.is_err(),
        "an archive is never written over"
    );

    // Restored into a new place, the instance is the same, table by table and file by file.
    let new = dir.join("restored");
    let mut target = new_place(&new);
    if file.is_none() {
        target.database_url = app.state.config.database_url.clone();
    }
    let new_url = target.database_url.clone();
    let restored = restore(&archive, &target).await.expect("restore");
    assert_eq!(restored, manifest);
    assert_eq!(
        std::fs::read(new.join("secret.key")).expect("the key"),
        key.to_vec()
    );
    let stored: Vec<_> = std::fs::read_dir(app.uploads_dir())
        .expect("uploads")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(stored.len(), 1);
    for name in &stored {
        assert_eq!(
            std::fs::read(new.join("uploads").join(name)).expect("restored upload"),
            std::fs::read(app.uploads_dir().join(name)).expect("upload"),
        );
    }
    if let Some(original) = &file {
        let diff = differences(original, &new.join("tenantcase.db")).await;
        assert!(diff.iter().all(|(_, n)| *n == 0), "{diff:?}");

        // The restored instance works: the tenant's code opens their case there.
        let db = tenantcase::db::connect(&new_url, None)
            .await
            .expect("connect");
        let clock = tenantcase::clock::FixedClock(app.state.clock.now());
        let attempt = portal::Attempt {
            key: &key,
            address: None,
            reference: &reference,
            code: &code,
        };
        let signed = portal::sign_in(&db, &clock, attempt)
            .await
            .expect("sign-in");
        assert!(
            matches!(signed, portal::TenantSignIn::SignedIn(_)),
            "{signed:?}"
        );
        db.close().await.expect("close");
        // Restoring over a database that holds data is refused.
        let again = restore(&archive, &target).await;
        let message = format!("{:#}", again.expect_err("refused"));
        assert!(message.contains("holds a database already"), "{message}");
    }

    // Another key here: refused, and nothing written.
    let elsewhere = dir.join("elsewhere");
    let refused = restore(
        &archive,
        &Target {
            key: Some([7u8; 32]),
            ..new_place(&elsewhere)
        },
    )
    .await;
    if file.is_some() {
        let message = format!("{:#}", refused.expect_err("another key"));
        assert!(message.contains("access-code key"), "{message}");
        assert!(!elsewhere.join("tenantcase.db").exists(), "nothing written");
    } else {
        assert!(
            refused.is_err(),
            "a PostgreSQL archive and an SQLite target"
        );
    }

    // A damaged archive: one byte changed in the middle of a file.
    let mut bytes = std::fs::read(&archive).expect("archive");
    let at = bytes
        .windows(8)
        .position(|w| w == b"IHDR\x00\x00\x00\x01")
        .expect("the PNG's header in the archive");
    bytes[at + 5] ^= 0xff;
    let damaged = dir.join("damaged.zip");
    std::fs::write(&damaged, &bytes).expect("write");
    let message = format!("{:#}", check(&damaged).expect_err("damaged"));
    assert!(message.contains("damaged"), "{message}");
    std::fs::write(&damaged, b"not a zip").expect("write");
    assert!(check(&damaged).is_err());

    let _ = std::fs::remove_dir_all(&dir);
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

#[tokio::test]
async fn a_backup_taken_while_cases_are_taken_in_is_a_consistent_copy() {
    let (app, file) = TestApp::with_pool().await;
    let Some(original) = file else {
        return; // The database copy is SQLite's; PostgreSQL's is pg_dump's.
    };
    app.user("vol@example.org", Role::Volunteer).await;
    let token = app.token("vol@example.org").await;
    let dir = temp_dir();
    let archive = dir.join("busy.zip");
    let intake = async {
        for _ in 0..40 {
            create_case(&app, &token, case_e1()).await;
        }
    };
    let taken = async {
        // Let some cases in first.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        backup_of(&app, &archive).await
    };
    let ((), manifest) = tokio::join!(intake, taken);
    manifest.expect("backup under load");
    let new = dir.join("restored");
    let target = new_place(&new);
    restore(&archive, &target).await.expect("restore");
    let url = target.database_url.clone();
    // Every case in the copy came with its timeline, its audit row and its search terms:
    // no transaction is half in it.
    let db = tenantcase::db::connect(&url, None).await.expect("connect");
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
                .await
                .expect("query")
                .and_then(|r| r.try_get_by_index::<i64>(0).ok())
                .expect("a count")
        }
    };
    let cases = count("SELECT count(*) FROM cases").await;
    assert!(cases <= 40);
    assert_eq!(
        count("SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)").await,
        0
    );
    assert_eq!(
        count("SELECT count(DISTINCT case_id) FROM audit_log WHERE action = 'case.created'").await,
        cases
    );
    assert_eq!(
        count("SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_search_terms t WHERE t.case_id = c.id)").await,
        0
    );
    db.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(original);
}

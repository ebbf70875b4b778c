//! One archive of a whole instance, and putting it back.
//!
//! `backup` writes a zip file holding:
//! - `tenantcase.db`: a consistent copy of an SQLite database, made with `VACUUM INTO`
//!   inside one read transaction, so it can be taken while `serve` runs;
//! - `uploads/<name>`: every uploaded document the database names, from the store;
//! - `secret.key`: the access-code key, without which no tenant's code would match;
//! - `manifest.json`: what the archive holds, with each file's size and SHA-256.
//!
//! For PostgreSQL the archive holds the uploads and the key; the database itself is dumped
//! with `pg_dump` (docs/OPERATIONS.md).
//!
//! `restore` reads the whole archive and checks it against its manifest before it writes
//! anything, and refuses a damaged archive, one of another kind of database, one whose key
//! is not the key already here, and an SQLite file that already holds data.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail, ensure};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QuerySelect};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::entities::documents;
use crate::storage::Store;

/// The version of the archive's layout.
const FORMAT: u32 = 1;

/// The name of the database copy in the archive.
const DATABASE_FILE: &str = "tenantcase.db";

/// The name of the key in the archive.
const KEY_FILE: &str = "secret.key";

/// The name of the manifest in the archive.
const MANIFEST_FILE: &str = "manifest.json";

/// Where uploads go in the archive.
const UPLOADS: &str = "uploads/";

/// What an archive holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout's version.
    pub format: u32,
    /// When it was made (RFC 3339).
    pub made_at: String,
    /// `sqlite` or `postgres`: the kind of database it came from.
    pub database: String,
    /// Whether the database itself is in the archive (SQLite only).
    pub has_database: bool,
    /// The fingerprint of the access-code key, as the database records it.
    pub key_fingerprint: String,
    /// Every file but the manifest.
    pub files: Vec<ManifestFile>,
}

/// One file of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Its name in the archive.
    pub name: String,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, in hex.
    pub sha256: String,
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds `bytes` to the archive as `name`, and to the manifest.
fn add<W: Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    files: &mut Vec<ManifestFile>,
    name: &str,
    mut bytes: impl Read,
) -> anyhow::Result<()> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true)
        .unix_permissions(0o600);
    zip.start_file(name, options)?;
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = bytes.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        zip.write_all(&buf[..n])?;
        total += n as u64;
    }
    files.push(ManifestFile {
        name: name.to_string(),
        bytes: total,
        sha256: hex(&hasher.finalize()),
    });
    Ok(())
}

/// Writes an archive of the instance behind `db`, `store` and `key` to `out`, which must
/// not exist yet. Returns its manifest.
pub async fn backup(
    db: &DatabaseConnection,
    store: &Store,
    key: &[u8; 32],
    out: &Path,
    now: time::OffsetDateTime,
) -> anyhow::Result<Manifest> {
    ensure!(
        !out.exists(),
        "{} exists already: choose a new file",
        out.display()
    );
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let partial = out.with_extension("partial");
    let copy = out.with_extension("db-copy");
    let result: anyhow::Result<Manifest> = async {
        // The archive holds personal data and the key: readable by its owner only.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        let mut zip = zip::ZipWriter::new(file);
        let mut files = Vec::new();
        let names = if sqlite {
            let _ = std::fs::remove_file(&copy);
            let target = copy.display().to_string().replace('\'', "''");
            db.execute_unprepared(&format!("VACUUM INTO '{target}'"))
                .await
                .context("copying the database")?;
            let file = std::fs::File::open(&copy)?;
            add(&mut zip, &mut files, DATABASE_FILE, file)?;
            // The uploads named in the copy, not in the live database, which has moved on.
            use sea_orm::sqlx::Connection;
            let options = sea_orm::sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&copy)
                .read_only(true);
            let mut reader = sea_orm::sqlx::SqliteConnection::connect_with(&options).await?;
            let names: Vec<String> =
                sea_orm::sqlx::query_scalar("SELECT stored_name FROM documents")
                    .fetch_all(&mut reader)
                    .await?;
            reader.close().await?;
            names
        } else {
            stored_names(db).await?
        };
        for name in names {
            let bytes = store
                .get(&name)
                .await
                .with_context(|| format!("reading the upload {name}"))?;
            add(
                &mut zip,
                &mut files,
                &format!("{UPLOADS}{name}"),
                bytes.as_slice(),
            )?;
        }
        add(&mut zip, &mut files, KEY_FILE, key.as_slice())?;
        let manifest = Manifest {
            format: FORMAT,
            made_at: now.format(&time::format_description::well_known::Rfc3339)?,
            database: if sqlite { "sqlite" } else { "postgres" }.into(),
            has_database: sqlite,
            key_fingerprint: crate::domain::portal::key_fingerprint(key),
            files,
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .unix_permissions(0o600);
        zip.start_file(MANIFEST_FILE, options)?;
        zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
        zip.finish()?.sync_all()?;
        std::fs::rename(&partial, out)?;
        Ok(manifest)
    }
    .await;
    for leftover in ["", "-wal", "-shm"] {
        let mut name = copy.clone().into_os_string();
        name.push(leftover);
        let _ = std::fs::remove_file(name);
    }
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// The names under which the database's uploads are stored.
async fn stored_names(db: &DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
    documents::Entity::find()
        .select_only()
        .column(documents::Column::StoredName)
        .into_tuple()
        .all(db)
        .await
}

/// An archive read back whole and checked against its manifest.
#[derive(Debug)]
pub struct Checked {
    /// What it holds.
    pub manifest: Manifest,
    /// Each file by name, as checked.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Checked {
    fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }
}

/// Reads the archive at `path` and checks every file against the manifest: its size and
/// checksum, no file missing, none left out of the manifest.
pub fn check(path: &Path) -> anyhow::Result<Checked> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut zip = zip::ZipArchive::new(file).with_context(|| {
        format!(
            "{} is not a tenantcase backup (not a zip file)",
            path.display()
        )
    })?;
    let manifest: Manifest = {
        let mut entry = zip
            .by_name(MANIFEST_FILE)
            .context("the archive has no manifest: it is not a tenantcase backup")?;
        let mut text = Vec::new();
        entry.read_to_end(&mut text)?;
        serde_json::from_slice(&text).context("the archive's manifest cannot be read")?
    };
    ensure!(
        manifest.format == FORMAT,
        "the archive's layout is version {}; this tenantcase reads version {FORMAT}",
        manifest.format
    );
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i)?;
        let name = entry.name()?.into_owned();
        if name == MANIFEST_FILE {
            continue;
        }
        let Some(listed) = manifest.files.iter().find(|f| f.name == name) else {
            bail!("the archive is damaged: {name} is not in its manifest");
        };
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .with_context(|| format!("the archive is damaged: {name} cannot be read"))?;
        ensure!(
            bytes.len() as u64 == listed.bytes && hex(&Sha256::digest(&bytes)) == listed.sha256,
            "the archive is damaged: {name} is not what its manifest says"
        );
        files.push((name, bytes));
    }
    for listed in &manifest.files {
        ensure!(
            files.iter().any(|(n, _)| *n == listed.name),
            "the archive is damaged: {} is missing",
            listed.name
        );
    }
    Ok(Checked { manifest, files })
}

/// Where a restore puts things.
#[derive(Debug, Clone)]
pub struct Target {
    /// The database URL it is for.
    pub database_url: String,
    /// The uploads store.
    pub store: Store,
    /// The folder of `secret.key`.
    pub key_dir: PathBuf,
    /// The key already in force here (`TENANTCASE_SECRET` or `secret.key`), if any.
    pub key: Option<[u8; 32]>,
}

/// Puts the archive at `path` back into `target`, once it has been checked whole.
/// Returns what it held.
pub async fn restore(path: &Path, target: &Target) -> anyhow::Result<Manifest> {
    let checked = check(path)?;
    let manifest = &checked.manifest;
    let key: [u8; 32] = checked
        .file(KEY_FILE)
        .context("the archive has no key")?
        .try_into()
        .map_err(|_| anyhow::anyhow!("the archive's key is not 32 bytes"))?;
    ensure!(
        crate::domain::portal::key_fingerprint(&key) == manifest.key_fingerprint,
        "the archive is damaged: its key is not the one its manifest names"
    );
    if let Some(here) = &target.key {
        ensure!(
            *here == key,
            "the archive's access-code key is not the key here ({}): restore into a new place, or remove that key first",
            target.key_dir.join(KEY_FILE).display()
        );
    }
    let to_sqlite = target.database_url.starts_with("sqlite:");
    ensure!(
        (manifest.database == "sqlite") == to_sqlite,
        "the archive holds a {} database, and DATABASE_URL is {} one",
        manifest.database,
        if to_sqlite {
            "an SQLite"
        } else {
            "a PostgreSQL"
        }
    );
    let database_file = if manifest.has_database {
        let file = crate::db::sqlite_file(&target.database_url)
            .filter(|f| !f.to_string_lossy().starts_with(':'))
            .map(Path::to_path_buf)
            .context("DATABASE_URL names no SQLite file to restore into")?;
        let holds_data = std::fs::metadata(&file).is_ok_and(|m| m.len() > 0);
        ensure!(
            !holds_data,
            "{} holds a database already: restore into a new place, or move it away first",
            file.display()
        );
        Some(file)
    } else {
        None
    };

    // Everything is checked: write.
    if let Some(file) = &database_file {
        let bytes = checked
            .file(DATABASE_FILE)
            .context("the archive has no database")?;
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        write_private(file, bytes)?;
    }
    for (name, bytes) in &checked.files {
        if let Some(upload) = name.strip_prefix(UPLOADS) {
            target
                .store
                .put(upload, bytes)
                .await
                .with_context(|| format!("storing the upload {upload}"))?;
        }
    }
    if target.key.is_none() {
        std::fs::create_dir_all(&target.key_dir)?;
        write_private(&target.key_dir.join(KEY_FILE), &key)?;
    }
    if database_file.is_some() {
        let db = crate::db::connect(&target.database_url, None).await?;
        let answer = db
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?
            .and_then(|r| r.try_get_by_index::<String>(0).ok());
        db.close().await?;
        ensure!(
            answer.as_deref() == Some("ok"),
            "the restored database fails SQLite's integrity check: {answer:?}"
        );
    }
    Ok(checked.manifest)
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

//! Runtime configuration: one typed struct, filled from the command line and environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use sha2::Digest;

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
    /// With `trust_proxy`: how many proxies in front append to `X-Forwarded-For`.
    pub proxies: usize,
    /// How long a sign-in lasts.
    pub session_hours: i64,
    /// The key for the keyed hash of tenants' access codes. A code checks only against
    /// the key it was issued under, so `serve` keeps it in a file (see [`load_secret`]).
    pub secret: [u8; 32],
    /// Where uploaded documents are kept: a folder the web server never serves by path, or
    /// a bucket shared by several servers.
    pub uploads: crate::storage::Uploads,
}

impl Config {
    /// Settings for `database_url` with every other setting at its default.
    pub fn new(database_url: impl Into<String>) -> Config {
        Config {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: false,
            trust_proxy: false,
            proxies: 1,
            session_hours: 12,
            secret: random_secret(),
            uploads: crate::storage::Uploads::Folder(
                std::env::temp_dir().join("tenantcase-uploads"),
            ),
        }
    }
}

fn random_secret() -> [u8; 32] {
    let mut key = [0u8; 32];
    // Without the OS's randomness nothing here is safe: stop rather than use a weak key.
    #[expect(
        clippy::expect_used,
        reason = "no safe way to go on without randomness"
    )]
    getrandom::fill(&mut key).expect("the operating system's random number generator");
    key
}

/// The folder beside the database for files that belong with it: the folder of an SQLite
/// file, or `./data` for a server database.
pub fn data_dir(database_url: &str) -> PathBuf {
    database_url
        .strip_prefix("sqlite://")
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.starts_with(':'))
        .and_then(|path| Path::new(path).parent().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("data"))
}

/// The access-code key: `TENANTCASE_SECRET` (any string of 32 or more characters) if
/// set, else the 32 bytes in `dir/secret.key`, created with fresh random bytes (and
/// readable by its owner only) the first time.
pub fn load_secret(dir: &Path) -> anyhow::Result<[u8; 32]> {
    use anyhow::Context;
    if let Some(key) = existing_secret(dir)? {
        return Ok(key);
    }
    let file = dir.join("secret.key");
    match std::fs::read(&file) {
        Ok(bytes) => bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("{} must hold exactly 32 bytes", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let key = random_secret();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options
                .open(&file)
                .with_context(|| format!("creating {}", file.display()))?;
            std::io::Write::write_all(&mut f, &key)?;
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", file.display())),
    }
}

/// The access-code key already in force for `dir`, as [`load_secret`] finds it, without
/// making one: `None` when there is none yet.
pub fn existing_secret(dir: &Path) -> anyhow::Result<Option<[u8; 32]>> {
    use anyhow::Context;
    if let Ok(text) = std::env::var("TENANTCASE_SECRET") {
        anyhow::ensure!(
            text.chars().count() >= 32,
            "TENANTCASE_SECRET must be at least 32 characters long"
        );
        return Ok(Some(sha2::Sha256::digest(text.as_bytes()).into()));
    }
    let file = dir.join("secret.key");
    match std::fs::read(&file) {
        Ok(bytes) => bytes
            .try_into()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{} must hold exactly 32 bytes", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_live_beside_an_sqlite_database() {
        assert_eq!(data_dir(DEFAULT_DATABASE_URL), PathBuf::from("data"));
        assert_eq!(
            data_dir("sqlite:///srv/tc/main.db?mode=rwc"),
            PathBuf::from("/srv/tc")
        );
        assert_eq!(data_dir("sqlite::memory:"), PathBuf::from("data"));
        assert_eq!(data_dir("postgres://u@h/db"), PathBuf::from("data"));
    }

    #[test]
    fn the_secret_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("tc-secret-{}", uuid::Uuid::new_v4()));
        let first = load_secret(&dir);
        let second = load_secret(&dir);
        assert!(first.is_ok());
        assert_eq!(first.ok(), second.ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Where uploaded documents' bytes live, through the `object_store` crate: a private folder
//! by default, or any S3-compatible bucket, so that several servers can share one store.
//!
//! The database keeps each document's record; the store keeps only its bytes, under a
//! random name that says nothing about the case or the tenant.

use std::path::PathBuf;
use std::sync::Arc;

use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use tokio::sync::OnceCell;

/// Where the bytes go, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploads {
    /// A folder on this machine, made private (0700, files 0600) on first use.
    Folder(PathBuf),
    /// A bucket: `s3://bucket` or `s3://bucket/prefix`. Credentials, region and endpoint
    /// come from the usual `AWS_*` variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_REGION`, `AWS_ENDPOINT`, `AWS_ALLOW_HTTP` for a local emulator).
    Bucket(String),
}

impl Uploads {
    /// `UPLOADS_URL` if set (`s3://…`, or `file:///path`), else the folder `default`.
    pub fn from_env(default: PathBuf) -> anyhow::Result<Uploads> {
        match std::env::var("UPLOADS_URL") {
            Ok(url) if !url.trim().is_empty() => Uploads::parse(url.trim()),
            _ => Ok(Uploads::Folder(
                std::env::var_os("UPLOADS_DIR").map_or(default, Into::into),
            )),
        }
    }

    /// Reads an uploads URL.
    pub fn parse(url: &str) -> anyhow::Result<Uploads> {
        if let Some(path) = url.strip_prefix("file://") {
            anyhow::ensure!(
                path.starts_with('/'),
                "UPLOADS_URL: a file:// URL needs an absolute path, like file:///srv/uploads"
            );
            return Ok(Uploads::Folder(PathBuf::from(path)));
        }
        anyhow::ensure!(
            url.strip_prefix("s3://")
                .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/')),
            "UPLOADS_URL must be s3://bucket[/prefix] or file:///path, not {url:?}"
        );
        Ok(Uploads::Bucket(url.to_string()))
    }
}

/// The store itself, opened on first use and shared by every request.
#[derive(Debug, Clone)]
pub struct Store {
    config: Uploads,
    opened: Arc<OnceCell<Opened>>,
}

#[derive(Debug)]
struct Opened {
    store: Arc<dyn ObjectStore>,
    prefix: Option<StorePath>,
}

/// A store that could not be reached or used.
#[derive(Debug, thiserror::Error)]
#[error("document store: {0}")]
pub struct StoreError(String);

fn failed(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError(format!("{what}: {e}"))
}

impl Store {
    /// A store for this configuration; nothing is touched until it is first used.
    pub fn new(config: Uploads) -> Store {
        Store {
            config,
            opened: Arc::new(OnceCell::new()),
        }
    }

    /// What it was configured with.
    pub fn config(&self) -> &Uploads {
        &self.config
    }

    async fn open(&self) -> Result<&Opened, StoreError> {
        self.opened
            .get_or_try_init(|| async {
                match &self.config {
                    Uploads::Folder(dir) => {
                        let mut folder = tokio::fs::DirBuilder::new();
                        folder.recursive(true);
                        #[cfg(unix)]
                        folder.mode(0o700);
                        folder
                            .create(dir)
                            .await
                            .map_err(|e| failed("creating the uploads folder", e))?;
                        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                            .map_err(|e| failed("opening the uploads folder", e))?;
                        Ok(Opened {
                            store: Arc::new(store),
                            prefix: None,
                        })
                    }
                    Uploads::Bucket(url) => {
                        let store = object_store::aws::AmazonS3Builder::from_env()
                            .with_url(url.as_str())
                            .build()
                            .map_err(|e| failed("opening the bucket", e))?;
                        let prefix = url
                            .trim_start_matches("s3://")
                            .split_once('/')
                            .map_or("", |(_, p)| p.trim_matches('/'));
                        Ok(Opened {
                            store: Arc::new(store),
                            prefix: (!prefix.is_empty()).then(|| StorePath::from(prefix)),
                        })
                    }
                }
            })
            .await
    }

    fn location(opened: &Opened, name: &str) -> StorePath {
        match &opened.prefix {
            Some(prefix) => prefix.clone().join(name),
            None => StorePath::from(name),
        }
    }

    /// Checks that the store can be opened and listed: `serve` calls it before it starts,
    /// so a wrong bucket or key is found at once, not at the first upload.
    pub async fn check(&self) -> Result<(), StoreError> {
        let opened = self.open().await?;
        opened
            .store
            .list_with_delimiter(opened.prefix.as_ref())
            .await
            .map(|_| ())
            .map_err(|e| failed("listing the store", e))
    }

    /// Keeps `bytes` under `name` (our own random hex).
    pub async fn put(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let opened = self.open().await?;
        let location = Store::location(opened, name);
        opened
            .store
            .put(&location, PutPayload::from(bytes.to_vec()))
            .await
            .map_err(|e| failed("storing an upload", e))?;
        // A folder's files are readable by the server's user only.
        #[cfg(unix)]
        if let Uploads::Folder(dir) = &self.config {
            use std::os::unix::fs::PermissionsExt;
            tokio::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o600))
                .await
                .map_err(|e| failed("storing an upload", e))?;
        }
        Ok(())
    }

    /// The bytes kept under `name`.
    pub async fn get(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let opened = self.open().await?;
        let location = Store::location(opened, name);
        let got = opened
            .store
            .get(&location)
            .await
            .map_err(|e| failed("reading a document", e))?;
        let bytes = got
            .bytes()
            .await
            .map_err(|e| failed("reading a document", e))?;
        Ok(bytes.to_vec())
    }

    /// Removes what is kept under `name`; a name already gone is not an error.
    pub async fn delete(&self, name: &str) -> Result<(), StoreError> {
        let opened = self.open().await?;
        let location = Store::location(opened, name);
        match opened.store.delete(&location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed("removing a document", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_urls_are_read_or_refused() {
        assert_eq!(
            Uploads::parse("s3://evidence/tc").ok(),
            Some(Uploads::Bucket("s3://evidence/tc".into()))
        );
        assert_eq!(
            Uploads::parse("file:///srv/up").ok(),
            Some(Uploads::Folder("/srv/up".into()))
        );
        for bad in [
            "s3://",
            "s3:///x",
            "file://relative",
            "http://x/y",
            "evidence",
        ] {
            assert!(Uploads::parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_folder_keeps_bytes_privately_and_forgets_them() {
        let dir = std::env::temp_dir().join(format!("tc-store-{}", uuid::Uuid::new_v4()));
        let store = Store::new(Uploads::Folder(dir.clone()));
        store
            .check()
            .await
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(store.put("00ff", b"evidence").await.is_ok());
        assert_eq!(
            store.get("00ff").await.ok().as_deref(),
            Some(&b"evidence"[..])
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &std::path::Path| {
                std::fs::metadata(p)
                    .map(|m| m.permissions().mode() & 0o777)
                    .ok()
            };
            assert_eq!(mode(&dir), Some(0o700));
            assert_eq!(mode(&dir.join("00ff")), Some(0o600));
        }
        assert!(store.delete("00ff").await.is_ok());
        assert!(store.get("00ff").await.is_err());
        assert!(store.delete("00ff").await.is_ok(), "deleting twice is fine");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Runs against a real bucket when `TEST_UPLOADS_URL` names one (CI: an S3 emulator).
    #[tokio::test]
    async fn a_bucket_keeps_bytes_under_its_prefix_and_forgets_them() {
        let Some(bucket) = std::env::var("TEST_UPLOADS_URL")
            .ok()
            .filter(|u| u.starts_with("s3://"))
        else {
            return;
        };
        let url = format!(
            "{}/unit-{}",
            bucket.trim_end_matches('/'),
            uuid::Uuid::new_v4().simple()
        );
        let store = Store::new(Uploads::parse(&url).unwrap_or_else(|e| panic!("{e}")));
        if let Err(e) = store.check().await {
            panic!("{e}");
        }
        if let Err(e) = store.put("0a0b", b"bucket evidence").await {
            panic!("{e}");
        }
        assert_eq!(
            store.get("0a0b").await.ok().as_deref(),
            Some(&b"bucket evidence"[..])
        );
        let elsewhere = Store::new(Uploads::Bucket(bucket.clone()));
        assert!(
            elsewhere.get("0a0b").await.is_err(),
            "the prefix keeps it apart"
        );
        assert!(store.delete("0a0b").await.is_ok());
        assert!(store.get("0a0b").await.is_err());
    }
}

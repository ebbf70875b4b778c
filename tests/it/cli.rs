//! The binary itself: the README's commands on a fresh SQLite file.

use std::io::Write;
use std::process::{Command, Stdio};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_tenantcase");

fn temp_db() -> (tempdir::Dir, String) {
    let dir = tempdir::Dir::new();
    let url = format!("sqlite://{}/nested/t.db?mode=rwc", dir.path());
    (dir, url)
}

/// A throwaway folder, removed on drop.
mod tempdir {
    pub struct Dir(std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            let p = std::env::temp_dir().join(format!("tenantcase-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&p).expect("temp dir");
            Dir(p)
        }
        pub fn path(&self) -> String {
            self.0.display().to_string()
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn run(url: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("binary ends");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn users_tokens_and_migrations_from_the_command_line() {
    let (_dir, url) = temp_db();
    let (ok, out, err) = run(&url, &["migrate", "status"], "");
    assert!(ok, "{err}");
    assert!(out.contains("m20261126_000001_init\tPending"), "{out}");
    let (ok, _, err) = run(&url, &["migrate"], "");
    assert!(ok, "{err}");
    let (_, out, _) = run(&url, &["migrate", "status"], "");
    assert!(out.contains("m20261126_000001_init\tApplied"), "{out}");

    let (ok, out, err) = run(&url, &["group", "add", "Leeds"], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "Created group Leeds");
    let (ok, _, err) = run(&url, &["group", "add", "Leeds"], "");
    assert!(!ok);
    assert!(
        err.contains("There is already a group with this name"),
        "{err}"
    );
    let grouped = [
        "user",
        "add",
        "--email",
        "v@example.org",
        "--name",
        "V",
        "--role",
        "volunteer",
        "--group",
        "Leeds",
        "--password-stdin",
    ];
    let (ok, _, err) = run(&url, &grouped, "a good long password\n");
    assert!(ok, "{err}");
    let unknown = [
        "user",
        "add",
        "--email",
        "w@example.org",
        "--name",
        "W",
        "--role",
        "volunteer",
        "--group",
        "York",
        "--password-stdin",
    ];
    let (ok, _, err) = run(&url, &unknown, "a good long password\n");
    assert!(!ok);
    assert!(err.contains("There is no group called \"York\""), "{err}");

    let add = [
        "user",
        "add",
        "--email",
        "ana@example.org",
        "--name",
        "Ana",
        "--role",
        "admin",
        "--password-stdin",
    ];
    let (ok, out, err) = run(&url, &add, "a good long password\n");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "Created Ana (ana@example.org) as admin");
    let (ok, _, err) = run(&url, &add, "a good long password\n");
    assert!(!ok, "the same e-mail twice");
    assert!(
        err.contains("email: A user with this e-mail already exists"),
        "{err}"
    );
    let (ok, _, err) = run(
        &url,
        &[
            "user",
            "add",
            "--email",
            "b@example.org",
            "--name",
            "B",
            "--role",
            "volunteer",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!ok);
    assert!(
        err.contains("password: Use at least 12 characters"),
        "{err}"
    );

    let (ok, out, err) = run(&url, &["token", "create", "--email", "ana@example.org"], "");
    assert!(ok, "{err}");
    let token = out.trim();
    assert!(token.starts_with("tc_") && token.len() == 67, "{token}");
    assert!(err.contains("shown only once"));
    let (ok, _, err) = run(
        &url,
        &["token", "create", "--email", "nobody@example.org"],
        "",
    );
    assert!(!ok);
    assert!(err.contains("No user has this e-mail"), "{err}");
}

#[tokio::test]
async fn serve_migrates_prints_the_url_and_answers() {
    let (_dir, url) = temp_db();
    let mut child = tokio::process::Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut printed = Vec::new();
    let address = loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
            .await
            .expect("serve prints in time")
            .expect("read")
            .expect("serve keeps running");
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("tenantcase is running at http://") {
            break rest.to_string();
        }
    };
    assert!(
        printed.iter().any(|l| l.contains("user add --email")),
        "first-admin hint: {printed:?}"
    );
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connects");
    stream
        .write_all(
            format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .expect("request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("response");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#"{"status":"ok"}"#), "{response}");
    child.kill().await.ok();
}

#[tokio::test]
async fn letters_in_a_batch_from_the_command_line() {
    let (dir, url) = temp_db();
    for args in [
        &["migrate"][..],
        &["group", "add", "Leeds", "--areas", "LS, bd"],
        &[
            "user",
            "add",
            "--email",
            "c@example.org",
            "--name",
            "Cora Coordinator",
            "--role",
            "coordinator",
            "--group",
            "Leeds",
            "--password-stdin",
        ],
    ] {
        let (ok, _, err) = run(&url, args, "a good long password\n");
        assert!(ok, "{args:?}: {err}");
    }
    // Two cases, taken in as the coordinator would through the app.
    let db = tenantcase::db::connect(&url, None).await.expect("connect");
    let clock = tenantcase::clock::SystemClock;
    let (user, _) = tenantcase::db::users::find_by_email(&db, "c@example.org")
        .await
        .expect("query")
        .expect("user");
    let me = tenantcase::service::auth::principal_of(&db, &user, None)
        .await
        .expect("principal");
    for name in ["Łukasz Nowak", "Siân Evans"] {
        let mut case = crate::support::case_e1();
        case["tenant"]["name"] = serde_json::json!(name);
        case["tenant"]["consent_date"] = serde_json::json!("2026-01-02");
        let input = serde_json::from_value(case).expect("input");
        tenantcase::service::cases::intake(&db, &Default::default(), &clock, &me, None, input)
            .await
            .expect("intake");
    }
    let group = tenantcase::db::groups::by_name(&db, "Leeds")
        .await
        .expect("query")
        .expect("group");
    assert_eq!(group.postcode_areas, ["LS", "BD"]);
    drop(db);

    let year = time::OffsetDateTime::now_utc().year();
    let (a, b) = (format!("TC-{year}-00001"), format!("TC-{year}-00002"));
    let out = format!("{}/letters.zip", dir.path());
    let batch = [
        "letters",
        "batch",
        "--as",
        "c@example.org",
        "--type",
        "L5",
        "--case",
        &a,
        "--case",
        &b,
        "--out",
        &out,
    ];
    let (ok, stdout, err) = run(&url, &batch, "");
    assert!(ok, "{err}");
    assert_eq!(stdout.trim(), format!("Wrote 2 letters to {out}"));
    let file = std::fs::File::open(&out).expect("the zip was written");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    assert_eq!(zip.len(), 2);
    let mut pdf = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name(&format!("{b}-L5-v1.pdf")).expect("entry"),
        &mut pdf,
    )
    .expect("read");
    let (_, text) = tenantcase::letters::pdf::read_back(&pdf).expect("pdf");
    assert!(text.concat().contains("Siân Evans"), "{text:?}");

    let out_pdf = format!("{}/letters.pdf", dir.path());
    let by_stage = [
        "letters",
        "batch",
        "--as",
        "c@example.org",
        "--type",
        "L2",
        "--stage",
        "intake",
        "--group",
        "Leeds",
        "--out",
        &out_pdf,
    ];
    let (ok, stdout, err) = run(&url, &by_stage, "");
    assert!(ok, "{err}");
    assert!(stdout.contains("Wrote 2 letters"), "{stdout}");
    let (pages, _) =
        tenantcase::letters::pdf::read_back(&std::fs::read(&out_pdf).expect("pdf")).expect("pdf");
    assert!(pages >= 2);

    let (ok, _, err) = run(
        &url,
        &[
            "letters",
            "batch",
            "--as",
            "c@example.org",
            "--type",
            "L9",
            "--case",
            &a,
            "--out",
            &out,
        ],
        "",
    );
    assert!(!ok);
    assert!(err.contains("L9 is not a letter type"), "{err}");

    // The newest migrations undo and redo cleanly.
    // Down, one at a time, until the letter-templates migration is undone too.
    for _ in 0..20 {
        let (_, status, _) = run(&url, &["migrate", "status"], "");
        if status.contains("m20261126_000002_letter_templates\tPending") {
            break;
        }
        let (ok, _, err) = run(&url, &["migrate", "down"], "");
        assert!(ok, "{err}");
    }
    let (_, status, _) = run(&url, &["migrate", "status"], "");
    assert!(
        status.contains("m20261126_000002_letter_templates\tPending"),
        "{status}"
    );
    assert!(
        status.contains("m20261126_000001_init\tApplied"),
        "{status}"
    );
    let (ok, _, err) = run(&url, &["migrate"], "");
    assert!(ok, "{err}");
}

#[tokio::test]
async fn a_server_with_another_secret_key_refuses_to_start() {
    let (_dir, url) = temp_db();
    let serve = |secret: &'static str| {
        let url = url.clone();
        async move {
            let mut child = tokio::process::Command::new(BIN)
                .args(["serve", "--bind", "127.0.0.1:0"])
                .env("DATABASE_URL", &url)
                .env("TENANTCASE_SECRET", secret)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("serve starts");
            let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
            let started = loop {
                match tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
                    .await
                    .expect("serve answers in time")
                    .expect("read")
                {
                    Some(line) if line.starts_with("tenantcase is running") => break true,
                    Some(_) => continue,
                    None => break false,
                }
            };
            let mut err = String::new();
            if !started {
                child
                    .stderr
                    .take()
                    .expect("stderr")
                    .read_to_string(&mut err)
                    .await
                    .expect("stderr read");
            }
            let _ = child.kill().await;
            (started, err)
        }
    };
    assert!(serve("the first key, at least 32 characters long").await.0);
    assert!(
        serve("the first key, at least 32 characters long").await.0,
        "same key: fine"
    );
    let (started, err) = serve("another key, also 32 characters long or more").await;
    assert!(!started, "another key must not serve");
    assert!(err.contains("another secret key"), "{err}");
}

//! Several `serve` processes over one PostgreSQL database, as a larger group or a
//! federation runs them behind a load balancer: they start together, refuse a server with
//! another secret key, share their throttles, and read each other's uploads. Runs when
//! `TEST_DATABASE_URL` is PostgreSQL; uploads go to the bucket in `TEST_UPLOADS_URL` when
//! it is set (an S3 emulator in CI), else to one shared folder.

use std::process::Stdio;

use axum::http::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use tenantcase::domain::user::Role;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use crate::support::*;

const BIN: &str = env!("CARGO_BIN_EXE_tenantcase");
const SECRET: &str = "one key for every server of this group, 32+ characters";

/// A running `serve`, killed when dropped.
struct Server {
    _child: tokio::process::Child,
    address: String,
}

/// Starts `serve`; the error is what it wrote to stderr when it did not start.
async fn serve(url: &str, secret: &str, uploads: &str) -> Result<Server, String> {
    let mut child = tokio::process::Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", url)
        .env("TENANTCASE_SECRET", secret)
        .env("UPLOADS_URL", uploads)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("serve runs");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
            .await
            .expect("serve starts or stops in time")
            .expect("stdout read");
        match line {
            Some(line) => {
                if let Some(address) = line.strip_prefix("tenantcase is running at http://") {
                    return Ok(Server {
                        _child: child,
                        address: address.trim_end_matches('/').to_string(),
                    });
                }
            }
            None => {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err).await;
                }
                return Err(err);
            }
        }
    }
}

/// `base` with its database name replaced by `name`.
fn with_database(base: &str, name: &str) -> String {
    let (head, tail) = base.split_once("://").expect("a URL");
    let (authority, rest) = tail.split_once('/').unwrap_or((tail, ""));
    let query = rest.split_once('?').map(|(_, q)| format!("?{q}"));
    format!("{head}://{authority}/{name}{}", query.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_postgresql_database() {
    let Some(base) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    else {
        return;
    };
    let name = format!("tc_servers_{}", uuid::Uuid::new_v4().simple());
    let admin = tenantcase::db::connect(&base, None).await.expect("connect");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create a database");
    let url = with_database(&base, &name);
    let folder = std::env::temp_dir().join(format!("tc-shared-{}", uuid::Uuid::new_v4()));
    let uploads = match std::env::var("TEST_UPLOADS_URL") {
        Ok(bucket) if !bucket.is_empty() => format!(
            "{}/servers-{}",
            bucket.trim_end_matches('/'),
            uuid::Uuid::new_v4().simple()
        ),
        _ => format!("file://{}", folder.display()),
    };

    // Both start at once on an empty database: one migrates, the other waits for it.
    let (a, b) = tokio::join!(serve(&url, SECRET, &uploads), serve(&url, SECRET, &uploads));
    let a = a.unwrap_or_else(|e| panic!("the first server starts: {e}"));
    let b = b.unwrap_or_else(|e| panic!("the second server starts: {e}"));

    // A server with another key would issue codes the others cannot check: it refuses.
    let refused = serve(
        &url,
        "another key altogether, also 32+ characters",
        &uploads,
    )
    .await;
    let err = refused
        .err()
        .expect("a server with another key must not start");
    assert!(err.contains("another secret key"), "{err}");

    let db = tenantcase::db::connect(&url, None).await.expect("connect");
    let app = TestApp::remote(db, &url, &a.address).await;
    let on_a = app.via(&a.address);
    let on_b = app.via(&b.address);
    app.user("vol@example.org", Role::Volunteer).await;
    let token = app.token("vol@example.org").await;

    // Throttles are shared: five wrong passwords on A, and B refuses the right one.
    app.user("target@example.org", Role::Volunteer).await;
    for _ in 0..5 {
        let res = on_a
            .try_sign_in("target@example.org", "not the password at all", None)
            .await;
        assert!(res.is_none());
    }
    let (cookie, csrf) = on_b.anonymous("/login").await;
    let res = on_b
        .post_form(
            "/login",
            Some(&cookie),
            &[
                ("_csrf", csrf.as_str()),
                ("email", "target@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);

    // A case taken in on A is read on B; its tenant's code, issued on B, works on A.
    let case = create_case(&on_a, &token, case_e1()).await;
    let id = case["id"].as_str().expect("id");
    let read = on_b
        .api(Method::GET, &format!("/api/v1/cases/{id}"), &token, None)
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json()["reference"], case["reference"]);
    let code = access_code(&on_b, &token, id).await;
    let reference = case["reference"].as_str().expect("reference");
    let tenant = on_a
        .tenant_sign_in(reference, &code)
        .await
        .expect("the code issued on B works on A");

    // The tenant's upload through A is downloaded by their volunteer through B.
    let mut evidence = PNG.to_vec();
    evidence.extend_from_slice(b"two servers, one store");
    let res = on_a
        .post_multipart(
            "/status/documents",
            &tenant.cookie,
            &[("_csrf", &tenant.csrf), ("description", "Photos")],
            Some(("kitchen.png", &evidence)),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let case_id = uuid::Uuid::parse_str(id).expect("uuid");
    let docs = tenantcase::db::portal::documents_of(&app.state.db, case_id)
        .await
        .expect("documents");
    assert_eq!(docs.len(), 1);
    let vol = on_b.sign_in("vol@example.org").await;
    let (status, _, bytes) = on_b
        .send_raw(
            axum::http::Request::get(format!("/documents/{}", docs[0].id))
                .header("cookie", &vol.cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, evidence, "B reads what A stored");

    drop((a, b));
    app.state.db.clone().close().await.ok();
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .ok();
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(
        with_database("postgres://u@h:5432/tc_dev", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}

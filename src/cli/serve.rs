//! `serve`: connect, migrate, check the key and the document store, then serve until
//! Ctrl-C or SIGTERM, writing every queued audit row before it stops.

use super::commands::describe;
use super::*;
use crate::app::{self, AppState};
use crate::config::Config;
use crate::service::demo;

pub(super) async fn serve(database_url: String, args: ServeArgs) -> anyhow::Result<()> {
    let data = crate::config::data_dir(&database_url);
    let config = Config {
        database_url,
        bind: args.bind,
        secure_cookies: args.secure_cookies,
        trust_proxy: args.trust_proxy,
        proxies: usize::from(args.proxies),
        session_hours: 12,
        secret: crate::config::load_secret(&data)?,
        uploads: crate::storage::Uploads::from_env(data.join("uploads"))?,
    };
    let state = AppState::connect(config).await?;
    state.store.check().await?;
    crate::db::refresh_statistics(&state.db).await?;
    // The write-ahead log is copied back into the SQLite file every second, off the write
    // path (a commit does it only past 40 MB of log).
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            if let Err(e) = crate::db::checkpoint(&db).await {
                tracing::warn!(error = %e, "the database's log was not copied back");
            }
        }
    });
    // Cases whose leading deadline has passed lead with another: now, then every hour.
    let (db, clock) = (state.db.clone(), state.clock.clone());
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            let today = clock.today();
            if let Err(e) = crate::db::cases::refresh_passed(&db, today).await {
                tracing::warn!(error = %e, "the cases' next deadlines were not brought up to date");
            }
        }
    });
    // Hear at once of users and groups changed by another server of this database.
    crate::db::listen_for_auth_changes(&state.db).await?;
    // Every server of one database must hash tenants' codes with the same key.
    crate::service::admin::check_secret(&state.db, &state.config.secret)
        .await
        .map_err(|e| anyhow::anyhow!(e.public_message()))?;
    if args.demo {
        match demo::seed(&state.db, state.clock.as_ref(), &state.config.secret)
            .await
            .map_err(describe)?
        {
            Some(password) => {
                println!("Demo caseload created. Every demo user's password is {password}:");
                for (email, what) in demo::sign_ins() {
                    println!("  {email} ({what})");
                }
            }
            None => println!("Demo: the database already has cases; nothing seeded."),
        }
    }
    if auth::user_count(&state.db).await.map_err(describe)? == 0 {
        println!("No users yet. Create the first admin with:");
        println!(
            "  cargo run --release -- user add --email you@example.org --name \"Your Name\" --role admin --organisation \"Your organisation\" --password-stdin"
        );
        println!("and type the password (at least 12 characters), then press Ctrl-D.");
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    println!("tenantcase is running at http://{addr}");
    let reads = state.reads.clone();
    let app = app::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    // Every read audited before the stop is written before the process ends.
    reads.close().await;
    served?;
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = async {
            if let Ok(mut s) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                s.recv().await;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

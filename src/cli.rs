//! The command line: one binary, subcommands.

use std::io::Read;
use std::net::SocketAddr;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use migration::{Migrator, MigratorTrait};

use crate::app::{self, AppState};
use crate::clock::SystemClock;
use crate::config::{Config, DEFAULT_DATABASE_URL};
use crate::domain::user::Role;
use crate::error::AppError;
use crate::service::{admin, auth, demo};

/// Casework tracker for tenancy deposit disputes.
#[derive(Debug, Parser)]
#[command(name = "tenantcase", version, about)]
pub struct Cli {
    /// Database URL: an SQLite file by default, or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the web app.
    Serve(ServeArgs),
    /// Apply, undo or list database migrations.
    Migrate {
        /// up (default), down, or status.
        #[arg(value_enum, default_value = "up")]
        action: MigrateAction,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage local groups.
    Group {
        #[command(subcommand)]
        command: GroupCommand,
    },
    /// Write letters in a batch.
    Letters {
        #[command(subcommand)]
        command: LettersCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Measure performance: prints figures, passes or fails nothing.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

/// `bench` subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Draw N different letters as PDF on one thread and report letters per second.
    Letters {
        /// How many letters.
        #[arg(long, default_value_t = 2_000)]
        count: usize,
    },
    /// Fill an empty database with synthetic cases and time the case list's queries.
    Cases {
        /// How many cases.
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// An empty database to fill. Default: a new SQLite file in the temp folder.
        #[arg(long)]
        target: Option<String>,
    },
    /// Serve a minimal axum app (one small JSON answer, no database), to measure the
    /// machine's ceiling with the same load tool in the same minute as tenantcase.
    Baseline {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8099")]
        bind: SocketAddr,
    },
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Seed a sample caseload (when the database has no cases).
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies Secure: set this when serving over HTTPS or behind a TLS proxy.
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy in front.
    #[arg(long, env = "TRUST_PROXY")]
    pub trust_proxy: bool,
    /// How many trusted proxies stand in front (with --trust-proxy): the client is the
    /// address that many hops from the right of X-Forwarded-For.
    #[arg(long, env = "TRUSTED_PROXIES", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=10))]
    pub proxies: u8,
}

/// Migration actions.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MigrateAction {
    /// Apply pending migrations.
    Up,
    /// Undo the latest migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A group to join (repeat for several).
        #[arg(long = "group")]
        groups: Vec<String>,
        /// Read the password from standard input (the only way to give it).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// `group` subcommands.
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a local group, e.g. "Leeds".
    Add {
        /// Its name.
        name: String,
        /// Its postal address for letterheads (use "\n" between lines).
        #[arg(long)]
        address: Option<String>,
        /// Postcode areas whose self-referrals it takes, e.g. "LS, BD".
        #[arg(long)]
        areas: Option<String>,
        /// It also takes the self-referrals that no group's areas match.
        #[arg(long)]
        unmatched: bool,
    },
}

/// `letters` subcommands.
#[derive(Debug, Subcommand)]
pub enum LettersCommand {
    /// Write one letter type for many cases, into one PDF or a zip (by the file's
    /// extension). Each letter is also kept on its case, as if written on the case page.
    Batch {
        /// The coordinator or admin who signs the letters (their e-mail).
        #[arg(long = "as")]
        signer: String,
        /// L1 … L6.
        #[arg(long = "type")]
        kind: String,
        /// A case reference, e.g. TC-2026-00042 (repeat for several).
        #[arg(long = "case")]
        cases: Vec<String>,
        /// Or: every open case at this stage, e.g. advice_given.
        #[arg(long)]
        stage: Option<String>,
        /// With --stage: only the cases of this group.
        #[arg(long)]
        group: Option<String>,
        /// Where to write: a .pdf or a .zip file.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

/// `token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it once.
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

/// Roles on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Coordinator,
    Volunteer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Coordinator => Role::Coordinator,
            RoleArg::Volunteer => Role::Volunteer,
        }
    }
}

fn describe(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => {
            let lines: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow::anyhow!(lines.join("; "))
        }
        other => anyhow::anyhow!(other),
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(cli.database_url, args).await,
        Command::Migrate { action } => {
            let db = crate::db::connect(&cli.database_url, None).await?;
            match action {
                MigrateAction::Up => Migrator::up(&db, None).await?,
                MigrateAction::Down => Migrator::down(&db, Some(1)).await?,
                MigrateAction::Status => {
                    for m in Migrator::get_migration_with_status(&db).await? {
                        println!("{}\t{}", m.name(), m.status());
                    }
                }
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    groups,
                    ..
                },
        } => {
            let state = AppState::connect(Config::new(cli.database_url)).await?;
            let groups = admin::group_ids(&state.db, &groups, "group")
                .await
                .map_err(describe)?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password")?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let new = auth::NewUser {
                email,
                name,
                role: role.into(),
                password,
                groups,
            };
            let user = auth::create_user(&state.db, &SystemClock, None, new)
                .await
                .map_err(describe)?;
            println!("Created {} ({}) as {}", user.name, user.email, user.role);
            Ok(())
        }
        Command::Group {
            command:
                GroupCommand::Add {
                    name,
                    address,
                    areas,
                    unmatched,
                },
        } => {
            let state = AppState::connect(Config::new(cli.database_url)).await?;
            let fields = admin::GroupFields {
                name,
                address: address.unwrap_or_default().replace("\\n", "\n"),
                postcode_areas: areas.unwrap_or_default(),
                takes_unmatched: unmatched,
                ..Default::default()
            };
            let group = admin::create_group(&state.db, &SystemClock, None, &fields)
                .await
                .map_err(describe)?;
            println!("Created group {}", group.name);
            Ok(())
        }
        Command::Bench {
            command: BenchCommand::Letters { count },
        } => crate::bench::letters(count),
        Command::Bench {
            command: BenchCommand::Cases { count, target },
        } => {
            let url = match target {
                Some(url) => url,
                None => {
                    let path = std::env::temp_dir()
                        .join(format!("tenantcase-bench-{}.db", std::process::id()));
                    format!("sqlite://{}?mode=rwc", path.display())
                }
            };
            let db = crate::db::connect(&url, None).await?;
            crate::db::migrate(&db).await?;
            println!("bench database: {url}");
            crate::bench::cases(&db, count).await
        }
        Command::Bench {
            command: BenchCommand::Baseline { bind },
        } => crate::bench::baseline(bind).await,
        Command::Letters {
            command:
                LettersCommand::Batch {
                    signer,
                    kind,
                    cases,
                    stage,
                    group,
                    out,
                },
        } => {
            let state = AppState::connect(Config::new(cli.database_url)).await?;
            let batch = BatchArgs {
                signer,
                kind,
                cases,
                stage,
                group,
                out,
            };
            let done = letters_batch(&state, batch).await;
            state.reads.close().await;
            done
        }
        Command::Token {
            command: TokenCommand::Create { email, label },
        } => {
            let state = AppState::connect(Config::new(cli.database_url)).await?;
            let token = auth::create_api_token(&state.db, &SystemClock, &email, &label)
                .await
                .map_err(describe)?;
            println!("{token}");
            eprintln!(
                "Keep this token safe: it is shown only once. Send it as `Authorization: Bearer <token>`."
            );
            Ok(())
        }
    }
}

struct BatchArgs {
    signer: String,
    kind: String,
    cases: Vec<String>,
    stage: Option<String>,
    group: Option<String>,
    out: std::path::PathBuf,
}

async fn letters_batch(state: &AppState, args: BatchArgs) -> anyhow::Result<()> {
    use crate::domain::letters::LetterKind;
    use crate::service::{cases, letters};
    let db = &state.db;
    let kind = LetterKind::parse(&args.kind)
        .with_context(|| format!("{} is not a letter type: use L1 to L6", args.kind))?;
    let format = match args.out.extension().and_then(|e| e.to_str()) {
        Some("zip") => letters::BatchFormat::Zip,
        Some("pdf") => letters::BatchFormat::Pdf,
        _ => anyhow::bail!("--out must end in .pdf or .zip"),
    };
    let email = crate::domain::user::LoginEmail::parse(&args.signer).map_err(anyhow::Error::msg)?;
    let (user, _) = crate::db::users::find_by_email(db, email.as_str())
        .await?
        .with_context(|| format!("No user has the e-mail {}", args.signer))?;
    let actor = auth::principal_of(db, &user, None)
        .await
        .map_err(describe)?;
    let mut ids = Vec::new();
    for raw in &args.cases {
        let reference = crate::domain::CaseReference::parse(raw)
            .with_context(|| format!("{raw} is not a case reference like TC-2026-00042"))?;
        let id = cases::id_of_reference(db, &reference)
            .await
            .map_err(describe)?
            .with_context(|| format!("There is no case {raw}"))?;
        ids.push(id);
    }
    if let Some(stage) = &args.stage {
        let stage = crate::domain::workflow::Stage::parse(stage)
            .with_context(|| format!("{stage} is not a stage"))?;
        let groups = match &args.group {
            Some(name) => Some(
                admin::group_ids(db, std::slice::from_ref(name), "group")
                    .await
                    .map_err(describe)?,
            ),
            None => None,
        };
        let filter = crate::db::cases::CaseFilter {
            stage: Some(stage),
            groups,
            page: 1,
            per_page: letters::MAX_BATCH as u64,
            ..Default::default()
        };
        let found = cases::list(db, &state.reads, &actor, &filter)
            .await
            .map_err(describe)?;
        ids.extend(found.items.iter().map(|c| c.id));
    }
    let bar = indicatif::ProgressBar::new(ids.len() as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} letters ({eta} left)")
    {
        bar.set_style(style);
    }
    let items = letters::batch(
        db,
        &SystemClock,
        &actor,
        &ids,
        kind,
        Default::default(),
        &mut |done| bar.set_position(done as u64),
    )
    .await
    .map_err(describe);
    bar.finish_and_clear();
    let items = items?;
    let bytes = letters::pack(&items, format, time::OffsetDateTime::now_utc()).map_err(describe)?;
    std::fs::write(&args.out, bytes).with_context(|| format!("writing {}", args.out.display()))?;
    println!("Wrote {} letters to {}", items.len(), args.out.display());
    Ok(())
}

async fn serve(database_url: String, args: ServeArgs) -> anyhow::Result<()> {
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
    // Every server of one database must hash tenants' codes with the same key.
    crate::service::admin::check_secret(&state.db, &state.config.secret)
        .await
        .map_err(|e| anyhow::anyhow!(e.public_message()))?;
    if args.demo {
        match demo::seed(&state.db, state.clock.as_ref())
            .await
            .map_err(describe)?
        {
            Some(password) => println!(
                "Demo caseload created. Sign in as {} with password {password}",
                demo::DEMO_EMAIL
            ),
            None => println!("Demo: the database already has cases; nothing seeded."),
        }
    }
    if auth::user_count(&state.db).await.map_err(describe)? == 0 {
        println!("No users yet. Create the first admin with:");
        println!(
            "  cargo run --release -- user add --email you@example.org --name \"Your Name\" --role admin --password-stdin"
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

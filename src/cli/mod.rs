//! The command line: one binary, subcommands. The arguments are here; what each command
//! does is in `commands.rs`, and `serve` in `serve.rs`.

mod commands;
mod serve;

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::DEFAULT_DATABASE_URL;
use crate::domain::user::Role;
use crate::service::auth;

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
    /// Write one archive of the database (SQLite), the uploads and the access-code key.
    Backup {
        /// The archive to write (a zip file); it must not exist yet.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Check an archive made by `backup` and put it back: into a new SQLite file, the
    /// uploads store and the key's folder.
    Restore {
        /// The archive.
        file: std::path::PathBuf,
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
        /// The organisation's name, kept the first time it is given: the first case an
        /// admin takes in before there is any group goes into a group of this name.
        #[arg(long)]
        organisation: Option<String>,
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

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.database_url;
    match cli.command {
        Command::Serve(args) => serve::serve(url, args).await,
        Command::Migrate { action } => commands::migrate(&url, action).await,
        Command::User { command } => commands::user(url, command).await,
        Command::Group { command } => commands::group(url, command).await,
        Command::Bench { command } => commands::bench(command).await,
        Command::Letters { command } => commands::letters(url, command).await,
        Command::Token { command } => commands::token(url, command).await,
        Command::Backup { out } => commands::backup(url, &out).await,
        Command::Restore { file } => commands::restore(url, &file).await,
    }
}

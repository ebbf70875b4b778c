//! What each command does, apart from `serve`.

use std::io::Read;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};

use super::*;
use crate::app::AppState;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::error::AppError;
use crate::service::{admin, auth};

pub(super) fn describe(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => {
            let lines: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow::anyhow!(lines.join("; "))
        }
        other => anyhow::anyhow!(other),
    }
}

/// `migrate up|down|status`.
pub(super) async fn migrate(url: &str, action: MigrateAction) -> anyhow::Result<()> {
    let db = crate::db::connect(url, None).await?;
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

/// `user add`: the password is read from standard input.
pub(super) async fn user(url: String, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        email,
        name,
        role,
        groups,
        organisation,
        ..
    } = command;
    let state = AppState::connect(Config::new(url)).await?;
    if let Some(name) = organisation {
        admin::name_organisation(&state.db, &name)
            .await
            .map_err(describe)?;
    }
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

/// `group add`.
pub(super) async fn group(url: String, command: GroupCommand) -> anyhow::Result<()> {
    let GroupCommand::Add {
        name,
        address,
        areas,
        unmatched,
    } = command;
    let state = AppState::connect(Config::new(url)).await?;
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

/// `bench letters|cases|baseline`.
pub(super) async fn bench(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Letters { count } => crate::bench::letters(count),
        BenchCommand::Cases { count, target } => {
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
        BenchCommand::Baseline { bind } => crate::bench::baseline(bind).await,
    }
}

/// `letters batch`.
pub(super) async fn letters(url: String, command: LettersCommand) -> anyhow::Result<()> {
    let LettersCommand::Batch {
        signer,
        kind,
        cases,
        stage,
        group,
        out,
    } = command;
    let state = AppState::connect(Config::new(url)).await?;
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

/// `token create`: prints the token once.
pub(super) async fn token(url: String, command: TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Create { email, label } = command;
    let state = AppState::connect(Config::new(url)).await?;
    let token = auth::create_api_token(&state.db, &SystemClock, &email, &label)
        .await
        .map_err(describe)?;
    println!("{token}");
    eprintln!(
        "Keep this token safe: it is shown only once. Send it as `Authorization: Bearer <token>`."
    );
    Ok(())
}

/// `backup --out FILE`.
pub(super) async fn backup(url: String, out: &std::path::Path) -> anyhow::Result<()> {
    let data = crate::config::data_dir(&url);
    let key = crate::config::existing_secret(&data)?.with_context(|| {
        format!(
            "no access-code key here (TENANTCASE_SECRET, or {}): is DATABASE_URL the instance to back up?",
            data.join("secret.key").display()
        )
    })?;
    let db = crate::db::connect(&url, None).await?;
    let store =
        crate::storage::Store::new(crate::storage::Uploads::from_env(data.join("uploads"))?);
    let manifest =
        crate::backup::backup(&db, &store, &key, out, time::OffsetDateTime::now_utc()).await?;
    db.close().await?;
    println!("{}", out.display());
    let uploads = manifest
        .files
        .iter()
        .filter(|f| f.name.starts_with("uploads/"))
        .count();
    if manifest.has_database {
        eprintln!("Backed up the database, {uploads} uploads and the access-code key.");
    } else {
        eprintln!(
            "Backed up {uploads} uploads and the access-code key. The database is PostgreSQL: dump it too, with pg_dump --format=custom (docs/OPERATIONS.md)."
        );
    }
    Ok(())
}

/// `restore FILE`.
pub(super) async fn restore(url: String, file: &std::path::Path) -> anyhow::Result<()> {
    let data = crate::config::data_dir(&url);
    let target = crate::backup::Target {
        store: crate::storage::Store::new(crate::storage::Uploads::from_env(data.join("uploads"))?),
        key: crate::config::existing_secret(&data)?,
        key_dir: data,
        database_url: url,
    };
    let manifest = crate::backup::restore(file, &target).await?;
    eprintln!(
        "Restored {} files, backed up {}.{}",
        manifest.files.len(),
        manifest.made_at,
        if manifest.has_database {
            ""
        } else {
            " Restore the PostgreSQL database from its pg_dump with pg_restore."
        }
    );
    Ok(())
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

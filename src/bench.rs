//! Benchmarks, run as `tenantcase bench …`. They measure; they never assert.

use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::db;
use crate::db::cases::{CaseFilter, ListOrder};
use crate::domain::case::{
    Deposit, Instalment, Party, PartyKind, Person, Property, Scheme, Tenancy,
};
use crate::domain::workflow::Stage;
use crate::domain::{
    CaseFacts, CaseRecord, CaseReference, CaseStatus, Jurisdiction, Money, Postcode,
};

const SURNAMES: &[&str] = &[
    "Nowak", "Price", "Evans", "Popescu", "Mohammed", "O'Brien", "Shah", "García", "Okafor",
    "Chen", "Jones", "MacLeod", "Smith", "Williams", "Brown", "Taylor", "Davies", "Wilson",
    "Thomas", "Roberts",
];
const GIVEN: &[&str] = &[
    "Ana", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Gwen", "Harry", "Iona", "Jamal", "Kasia",
    "Liam",
];
const AREAS: &[(&str, Jurisdiction)] = &[
    ("LS6", Jurisdiction::England),
    ("M14", Jurisdiction::England),
    ("B29", Jurisdiction::England),
    ("CF24", Jurisdiction::Wales),
    ("SA1", Jurisdiction::Wales),
    ("EH8", Jurisdiction::Scotland),
    ("G12", Jurisdiction::Scotland),
];

fn synthetic(i: usize, group_id: Uuid) -> CaseRecord {
    let (area, jurisdiction) = AREAS[i % AREAS.len()];
    let postcode = Postcode::parse(&format!(
        "{area} {}{}{}",
        i % 10,
        (b'A' + (i % 26) as u8) as char,
        (b'A' + (i / 26 % 26) as u8) as char
    ))
    .ok();
    let name = format!(
        "{} {} {i}",
        GIVEN[i % GIVEN.len()],
        SURNAMES[i / GIVEN.len() % SURNAMES.len()]
    );
    let now = datetime!(2026-11-26 10:00 UTC);
    CaseRecord {
        id: Uuid::now_v7(),
        reference: CaseReference::new(2020 + (i / 20_000) as i32, (i % 20_000) as u32 + 1),
        group_id,
        stage: Stage::ALL[i % Stage::ALL.len()],
        held_from: (Stage::ALL[i % Stage::ALL.len()] == Stage::OnHold).then_some(Stage::Triage),
        outcome: None,
        version: 1,
        created_at: now,
        updated_at: now,
        facts: CaseFacts {
            tenant: Person {
                name,
                email: None,
                phone: None,
                preferred_contact: None,
                consent_date: Some(date!(2026 - 11 - 01)),
            },
            joint_tenants: vec![],
            property: Property {
                address: Some(format!("{i} Example Road")),
                postcode,
            },
            landlord: Some(Party {
                name: format!("Landlord {}", i % 997),
                kind: PartyKind::Landlord,
                address: None,
                email: None,
                contact_name: None,
            }),
            agent: None,
            tenancy: Tenancy {
                jurisdiction,
                start_date: None,
                end_date: None,
                rent: None,
                rent_period: None,
                kind: None,
                renewals: Vec::new(),
            },
            deposit: synthetic_deposit(i),
            deductions: vec![],
            account: None,
        },
    }
}

/// One case in ten was never protected (received in 2019: its limit has passed, so it is
/// overdue for ever), one in ten was received in November 2026 (its deadline is due soon or
/// has just passed); the rest have no dates and so no deadlines.
fn synthetic_deposit(i: usize) -> Deposit {
    let received = match i % 10 {
        0 => Some(date!(2019 - 04 - 02)),
        1 => Some(date!(2026 - 11 - 01)),
        _ => None,
    };
    Deposit {
        amount: Money::from_pence(100_000 + (i as i64 % 50_000)),
        instalments: received
            .map(|d| {
                vec![Instalment {
                    received_date: d,
                    amount: None,
                    payer: None,
                }]
            })
            .unwrap_or_default(),
        scheme: received.map(|_| Scheme::None),
        ..Deposit::default()
    }
}

/// The admin a seeded database has, for load tests through the API.
pub const BENCH_EMAIL: &str = "bench@example.org";

/// A minimal axum app on `bind`: one small JSON answer, no database. Load tools measure it
/// beside tenantcase to show how much of a figure is the machine.
pub async fn baseline(bind: std::net::SocketAddr) -> anyhow::Result<()> {
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
    );
    let listener = tokio::net::TcpListener::bind(bind).await?;
    println!("baseline app at http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// Local groups a seeded caseload is spread over, as in a federation.
pub const SEED_GROUPS: usize = 10;

/// Fills `db` with `count` synthetic cases spread over [`SEED_GROUPS`] new groups, in
/// batches of one transaction each. Returns the groups' ids.
pub async fn seed_cases(db: &DatabaseConnection, count: usize) -> anyhow::Result<Vec<Uuid>> {
    let creator = Uuid::now_v7();
    // The first seeding of a database makes bench@example.org, for `token create`.
    let email = match db::users::find_by_email(db, BENCH_EMAIL).await? {
        None => BENCH_EMAIL.to_string(),
        Some(_) => format!("bench-{creator}@example.org"),
    };
    let user = db::users::User {
        id: creator,
        email,
        name: "Bench".into(),
        role: crate::domain::user::Role::Admin,
        active: true,
    };
    let at = datetime!(2026-11-26 10:00 UTC);
    db::users::insert_user(db, &user, String::new(), at).await?;
    let mut groups = Vec::with_capacity(SEED_GROUPS);
    for n in 0..SEED_GROUPS {
        let group = db::groups::Group {
            id: Uuid::now_v7(),
            name: format!("Bench {n} {creator}"),
            address: None,
            postcode_areas: vec![],
            takes_unmatched: false,
            organisation: None,
            phone: None,
            email: None,
        };
        db::groups::insert(db, &group, at).await?;
        groups.push(group.id);
    }
    for start in (0..count).step_by(2_000) {
        let txn = db::begin_write(db).await?;
        for i in start..(start + 2_000).min(count) {
            let case = synthetic(i, groups[i % SEED_GROUPS]);
            db::cases::insert(&txn, &case, Some(creator)).await?;
        }
        txn.commit().await?;
    }
    Ok(groups)
}

async fn time_query(db: &DatabaseConnection, name: &str, filter: CaseFilter) -> anyhow::Result<()> {
    let mut runs = Vec::new();
    let mut total = 0;
    for _ in 0..15 {
        let t = Instant::now();
        total = db::cases::list(db, &filter).await?.total;
        runs.push(t.elapsed());
    }
    runs.sort();
    let median: Duration = runs[runs.len() / 2];
    println!(
        "list_{name}_ms={:.2} matches={total}",
        median.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Seeds `count` cases into an empty database and times the case list's queries.
pub async fn cases(db: &DatabaseConnection, count: usize) -> anyhow::Result<()> {
    let t = Instant::now();
    let groups = seed_cases(db, count).await?;
    println!("seeded {count} cases in {:.1}s", t.elapsed().as_secs_f64());
    // `serve` brings the planner statistics up to date when it starts; a fresh bulk load
    // has none yet.
    crate::db::refresh_statistics(db).await?;
    for (name, filter) in admin_probes(count)
        .into_iter()
        .chain(member_probes(&groups))
    {
        time_query(db, name, filter).await?;
    }
    time_deadlines(db, &groups[..2]).await
}

/// The lists an admin reads, 25 rows a page: filtered, searched, and deep in the list.
fn admin_probes(count: usize) -> Vec<(&'static str, CaseFilter)> {
    let probe = synthetic(count / 2, Uuid::nil());
    let f = CaseFilter::default;
    let q = |text: Option<String>| CaseFilter { q: text, ..f() };
    let open = Some(CaseStatus::Open);
    let probes = [
        ("all", f()),
        (
            "jurisdiction",
            CaseFilter {
                jurisdiction: Some(Jurisdiction::Wales),
                ..f()
            },
        ),
        (
            "status",
            CaseFilter {
                status: Some(CaseStatus::Closed),
                ..f()
            },
        ),
        (
            "status_jurisdiction",
            CaseFilter {
                status: open,
                jurisdiction: Some(Jurisdiction::Scotland),
                ..f()
            },
        ),
        ("q_reference", q(Some(probe.reference.to_string()))),
        ("q_name", q(Some(probe.facts.tenant.name.clone()))),
        (
            "q_postcode",
            q(probe.facts.property.postcode.map(|p| p.to_string())),
        ),
        (
            "deep_page",
            CaseFilter {
                page: (count / 50).max(1) as u64,
                ..f()
            },
        ),
    ];
    probes
        .into_iter()
        .map(|(name, filter)| {
            (
                name,
                CaseFilter {
                    page: filter.page.max(1),
                    per_page: 25,
                    ..filter
                },
            )
        })
        .collect()
}

/// The lists a volunteer (of the first group) and a coordinator (of the first two) read,
/// 50 rows a page.
fn member_probes(groups: &[Uuid]) -> Vec<(&'static str, CaseFilter)> {
    let f = CaseFilter::default;
    let volunteer = |filter: CaseFilter| CaseFilter {
        groups: Some(vec![groups[0]]),
        ..filter
    };
    let probes = [
        ("volunteer_all", volunteer(f())),
        (
            "volunteer_open_england",
            volunteer(CaseFilter {
                status: Some(CaseStatus::Open),
                jurisdiction: Some(Jurisdiction::England),
                ..f()
            }),
        ),
        (
            "volunteer_stage",
            volunteer(CaseFilter {
                stage: Some(Stage::AdviceGiven),
                ..f()
            }),
        ),
        (
            "volunteer_q_name",
            volunteer(CaseFilter {
                q: Some("Jamal Evans".into()),
                ..f()
            }),
        ),
        (
            "coordinator_open",
            CaseFilter {
                groups: Some(groups[..2].to_vec()),
                status: Some(CaseStatus::Open),
                ..f()
            },
        ),
        (
            "volunteer_open_by_deadline",
            volunteer(CaseFilter {
                status: Some(CaseStatus::Open),
                order: ListOrder::NextDeadline,
                ..f()
            }),
        ),
        (
            "coordinator_open_by_deadline",
            CaseFilter {
                groups: Some(groups[..2].to_vec()),
                status: Some(CaseStatus::Open),
                order: ListOrder::NextDeadline,
                ..f()
            },
        ),
    ];
    probes
        .into_iter()
        .map(|(name, filter)| {
            (
                name,
                CaseFilter {
                    page: 1,
                    per_page: 50,
                    ..filter
                },
            )
        })
        .collect()
}

/// Times the home page's deadline lists of a coordinator of `groups`.
async fn time_deadlines(db: &DatabaseConnection, groups: &[Uuid]) -> anyhow::Result<()> {
    let coordinator = crate::domain::user::Principal {
        user_id: Uuid::now_v7(),
        name: "Bench".into(),
        role: crate::domain::user::Role::Coordinator,
        groups: groups.to_vec(),
        address: None,
    };
    let clock = crate::clock::MovableClock::new(datetime!(2026-11-26 10:00 UTC));
    let mut runs = Vec::new();
    let mut counts = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let (_, lists) = crate::service::cases::deadlines(db, &clock, &coordinator)
            .await
            .map_err(|e| anyhow::anyhow!(e.public_message()))?;
        runs.push(t.elapsed());
        let lists = lists.unwrap_or_default();
        counts = (lists.overdue.len(), lists.due_soon.len());
    }
    runs.sort();
    println!(
        "deadlines_coordinator_ms={:.1} overdue={} due_soon={}",
        runs[runs.len() / 2].as_secs_f64() * 1000.0,
        counts.0,
        counts.1
    );
    Ok(())
}

/// A different letter for each `i`: names, amounts and lengths vary.
fn sample_letter(i: usize) -> crate::letters::Letter {
    let given = [
        "Łukasz", "Zoë", "Ștefan", "Siân", "Aisha", "Tomás", "Grace", "Mei",
    ];
    let name = format!(
        "{} {}",
        given[i % given.len()],
        SURNAMES[i % SURNAMES.len()]
    );
    let amount = Money::from_pence(50_000 + (i as i64 * 1_337) % 250_000).unwrap_or_default();
    let paragraphs = 2 + i % 4;
    crate::letters::Letter {
        title: "Request for the return of a deposit".into(),
        sender: "Leeds Tenants' Union".into(),
        sender_address: vec!["1 Woodhouse Lane".into(), "Leeds LS2 9JT".into()],
        recipient: vec![format!("Landlord {}", i % 97), format!("{} Otley Road", i % 300), "Leeds LS6 3AA".into()],
        date: "26 November 2026".into(),
        reference: format!("Our reference: TC-2026-{:05}", i % 99_999),
        salutation: "Dear Sir or Madam".into(),
        subject: format!("Deposit of {name} at {} Example Road", i % 200),
        body: (0..paragraphs)
            .map(|p| {
                format!(
                    "{name} paid a deposit of {amount} on 10 January 2024. Paragraph {p}: we ask you to return \
                     the balance within 10 days, to give reasons and receipts for any deduction, and to agree \
                     to the scheme's free dispute service if you do not accept this request."
                )
            })
            .collect(),
        closing: vec!["Yours faithfully".into(), "Ana Volunteer".into(), "for Leeds Tenants' Union".into()],
    }
}

/// Draws `count` different letters on this thread and reports the rate and size. The last
/// line is machine-readable: `letters_per_second=<n> mean_bytes=<n>`.
pub fn letters(count: usize) -> anyhow::Result<()> {
    let created = datetime!(2026-11-26 10:00 UTC);
    crate::letters::pdf::fonts()?; // parse the font before the clock starts
    let letters: Vec<_> = (0..count.max(1)).map(sample_letter).collect();
    let started = Instant::now();
    let mut bytes = 0usize;
    for letter in &letters {
        let pdf = crate::letters::pdf::render(letter, created)?;
        bytes += pdf.len();
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{} letters in {secs:.3}s on one thread", letters.len());
    println!(
        "letters_per_second={:.0} mean_bytes={}",
        letters.len() as f64 / secs,
        bytes / letters.len()
    );
    Ok(())
}

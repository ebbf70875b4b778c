//! A realistic sample caseload, so that a newcomer sees a living system.

use sea_orm::DatabaseConnection;
use serde_json::json;
use time::Duration;

use super::auth::{self, NewUser};
use super::portal::TenantSession;
use crate::clock::{Clock, FixedClock};
use crate::db;
use crate::domain::Jurisdiction;
use crate::domain::Money;
use crate::domain::input::CaseInput;
use crate::domain::letters::LetterKind;
use crate::domain::referral::{Problem, Referral};
use crate::domain::user::Role;
use crate::domain::workflow::stage_after_letter;
use crate::domain::workflow::{Outcome, OutcomeCode, Route, Stage, TransitionRequest};
use crate::error::AppError;

/// Sign-in of the demo coordinator.
pub const DEMO_EMAIL: &str = "demo@tenantcase.example";

/// The demo's admin, of no group: sees and manages everything.
pub const DEMO_ADMIN_EMAIL: &str = "admin@tenantcase.example";

/// The demo's volunteers, one for each group in the order of the groups.
const DEMO_VOLUNTEERS: [(&str, &str); 3] = [
    ("vic@tenantcase.example", "Vic Okoro"),
    ("rhian@tenantcase.example", "Rhian Hughes"),
    ("iain@tenantcase.example", "Iain Ross"),
];

/// Every demo sign-in: e-mail address and what they are.
pub fn sign_ins() -> Vec<(&'static str, &'static str)> {
    let mut all = vec![
        (DEMO_ADMIN_EMAIL, "admin, every group"),
        (DEMO_EMAIL, "coordinator of Leeds, Cardiff and Glasgow"),
    ];
    let groups = [
        "volunteer in Leeds",
        "volunteer in Cardiff",
        "volunteer in Glasgow",
    ];
    all.extend(DEMO_VOLUNTEERS.iter().map(|(email, _)| *email).zip(groups));
    all
}

const TENANTS: &[(&str, &str)] = &[
    ("Łukasz Nowak", "LS6 1AB"),
    ("Zoë Price", "M14 5RT"),
    ("Siân Evans", "CF24 4HQ"),
    ("Ștefan Popescu", "B29 6BD"),
    ("Aisha Mohammed", "EH8 9YL"),
    ("Connor O'Brien", "G12 8QQ"),
    ("Priya Shah", "LE2 1TY"),
    ("Tomás García", "SA1 8PP"),
    ("Grace Okafor", "NE6 5AA"),
    ("Mei Chen", "BS7 8HP"),
    ("Dafydd Jones", "LL57 2DG"),
    ("Fiona MacLeod", "AB24 3FX"),
];

const LANDLORDS: &[(&str, &str)] = &[
    ("Headingley Lettings Ltd", "agent"),
    ("Mr R Patel", "landlord"),
    ("Cathays Student Homes", "agent"),
    ("Ms J Whitmore", "landlord"),
    ("Northern Rentals", "agent"),
    ("Clyde Property Management", "agent"),
];

fn jurisdiction_for(postcode: &str) -> &'static str {
    let area: String = postcode
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    match area.as_str() {
        "CF" | "SA" | "LL" => "wales",
        "EH" | "G" | "AB" => "scotland",
        _ => "england",
    }
}

/// Creates the demo coordinator (returning its password, shown once) and a sample
/// caseload, unless cases exist already: cases at every stage, letters sent whose replies
/// are overdue or due soon, a tenant's message waiting for an answer, cases no volunteer
/// has taken and requests for help made online. Returns `None` when nothing was seeded.
pub async fn seed(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    key: &[u8; 32],
) -> Result<Option<String>, AppError> {
    let one = db::cases::CaseFilter {
        per_page: 1,
        ..Default::default()
    };
    if !db::cases::list(db, &one).await?.items.is_empty() {
        return Ok(None);
    }
    let groups = demo_groups(db, clock).await?;
    let all: Vec<_> = groups.iter().map(|g| g.id).collect();
    let password = format!("demo-{}", &auth::random_hex(8)?);
    let new = |email: &str, name: &str, role, groups: Vec<_>| NewUser {
        email: email.into(),
        name: name.into(),
        role,
        password: password.clone(),
        groups,
    };
    let user = auth::create_user(
        db,
        clock,
        None,
        new(DEMO_EMAIL, "Dee Demo", Role::Coordinator, all),
    )
    .await?;
    let admin = new(DEMO_ADMIN_EMAIL, "Ada Admin", Role::Admin, Vec::new());
    auth::create_user(db, clock, None, admin).await?;
    let mut volunteers = Vec::new();
    for (i, (email, name)) in DEMO_VOLUNTEERS.into_iter().enumerate() {
        volunteers.push(
            auth::create_user(
                db,
                clock,
                None,
                new(email, name, Role::Volunteer, vec![groups[i].id]),
            )
            .await?,
        );
    }
    let actor = auth::principal_of(db, &user, None).await?;
    let memos = super::memo::Memos::default();
    // Two of Leeds's cases began weeks ago: their L1s were sent then, and the replies are
    // now overdue (sent 30 days ago) and due soon (sent 9 days ago).
    let mut letters_back = [30, 9].into_iter();
    for i in 0..36usize {
        let target = Stage::ALL[i % Stage::ALL.len()];
        let (group, mine) = (group_of(i), i % 2 == 0);
        let sends_l1 = group == 0 && mine && stage_after_letter(LetterKind::L1, target).is_some();
        let days_back = if sends_l1 { letters_back.next() } else { None };
        let then = FixedClock(clock.now() - Duration::days(days_back.unwrap_or(0)));
        let clock: &dyn Clock = if days_back.is_some() { &then } else { clock };
        let (input, _, deposit) = demo_case(i, clock.today())?;
        let case =
            super::cases::intake(db, &memos, clock, &actor, Some(&groups[group].name), input)
                .await?
                .case;
        // Cases are taken in by the coordinator; some wait in the queue for a volunteer.
        let mut who = Vec::new();
        if mine {
            who.push(volunteers[group].id);
        }
        if i % 4 == 0 || i % 4 == 1 {
            who.push(user.id);
        }
        super::cases::assign(db, clock, &actor, case.id, &who).await?;
        walk(db, clock, &actor, case.id, Stage::Intake, target).await?;
        if days_back.is_some() {
            send_l1(db, clock, &actor, case.id, target).await?;
        }
        if i % 3 == 0 {
            let note = format!(
                "Called the tenant. Deposit {} paid by bank transfer; they will send the statement.",
                Money::from_pence(deposit).unwrap_or_default()
            );
            super::cases::add_note(db, clock, &actor, case.id, &note).await?;
        }
        if i == 4 {
            let tenant = TenantSession {
                id: String::new(),
                case_id: case.id,
                csrf: String::new(),
            };
            let text =
                "Hello, I found the check-in report with photos of every room. Shall I send it?";
            super::portal::send_message(db, clock, &tenant, text).await?;
        }
    }
    online_requests(db, clock, key).await?;
    Ok(Some(password))
}

/// The demo's group for its case `i`: by the nation of the tenant's postcode.
fn group_of(i: usize) -> usize {
    match jurisdiction_for(TENANTS[i % TENANTS.len()].1) {
        "england" => 0,
        "wales" => 1,
        _ => 2,
    }
}

/// Writes an L1 on the demo case and records it sent by post today (by `clock`), moving the
/// case on as the letter does.
async fn send_l1(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &super::Principal,
    id: uuid::Uuid,
    at: Stage,
) -> Result<(), AppError> {
    let letter =
        super::letters::generate(db, clock, actor, id, LetterKind::L1, Default::default()).await?;
    let stage = stage_after_letter(LetterKind::L1, at).map(Stage::as_str);
    let sending = super::letters::Sending {
        method: Some("post"),
        date: None,
        tracking: None,
        stage,
    };
    super::letters::mark_sent(db, clock, actor, letter.id, sending).await?;
    Ok(())
}

/// Two requests for help that came in through the website, waiting for a volunteer.
async fn online_requests(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    key: &[u8; 32],
) -> Result<(), AppError> {
    let paid = clock.today() - Duration::days(500);
    for (name, postcode, problem) in [
        ("Olu Adeyemi", "LS4 2PR", Problem::NotReturned),
        ("Carys Morgan", "CF11 9LJ", Problem::Deductions),
    ] {
        let nation = Jurisdiction::parse(jurisdiction_for(postcode));
        let referral = Referral {
            nation,
            postcode: postcode.into(),
            name: name.into(),
            email: format!("{}@example.org", name.to_lowercase().replace(' ', ".")),
            phone: "07700 900555".into(),
            deposit: "950".into(),
            paid_day: paid.day().to_string(),
            paid_month: u8::from(paid.month()).to_string(),
            paid_year: paid.year().to_string(),
            problem: Some(problem),
            details: "I moved out six weeks ago and have heard nothing about my deposit.".into(),
            consent: true,
        };
        super::referral::submit(db, clock, key, None, &referral).await?;
    }
    Ok(())
}

/// The demo's three groups, one a nation, made unless they exist.
async fn demo_groups(
    db: &DatabaseConnection,
    clock: &dyn Clock,
) -> Result<Vec<crate::db::groups::Group>, AppError> {
    let mut groups = Vec::new();
    for (name, address, areas) in [
        (
            "Leeds",
            "Leeds Tenants' Union\n1 Woodhouse Lane\nLeeds LS2 9JT",
            "LS, BD, HD, WF",
        ),
        (
            "Cardiff",
            "Cardiff Renters\n10 Cathays Terrace\nCardiff CF24 4HX",
            "CF, NP, SA",
        ),
        (
            "Glasgow",
            "Glasgow Tenants Network\n5 Byres Road\nGlasgow G11 5RD",
            "G, PA, ML",
        ),
    ] {
        let group = match db::groups::by_name(db, name).await? {
            Some(g) => g,
            None => {
                let fields = super::admin::GroupFields {
                    postcode_areas: areas.into(),
                    // Leeds also takes online requests from areas no group covers.
                    takes_unmatched: name == "Leeds",
                    ..super::admin::GroupFields::named(name, address)
                };
                super::admin::create_group(db, clock, None, &fields).await?
            }
        };
        groups.push(group);
    }
    Ok(groups)
}

/// The demo's case number `i`: varied facts in the nation of its postcode. Returns the
/// input, the nation and the deposit in pence.
fn demo_case(i: usize, today: time::Date) -> Result<(CaseInput, &'static str, i64), AppError> {
    let (name, postcode) = TENANTS[i % TENANTS.len()];
    let (landlord, kind) = LANDLORDS[i % LANDLORDS.len()];
    let jurisdiction = jurisdiction_for(postcode);
    let start = today - Duration::days(400 + (i as i64 * 47) % 900);
    let received = start - Duration::days(3);
    let rent = 55_000 + (i as i64 * 7_500) % 90_000;
    let deposit = rent * 5 / 4 / 100 * 100;
    let protected = match i % 4 {
        0 => Some(received + Duration::days(12)),
        1 => Some(received + Duration::days(45)),
        _ => None,
    };
    let scheme = match (jurisdiction, protected) {
        (_, None) => {
            if i.is_multiple_of(3) {
                "none"
            } else {
                "unknown"
            }
        }
        ("scotland", _) => "safedeposits_scotland",
        _ => ["dps", "tds", "mydeposits"][i % 3],
    };
    let end = (i % 3 != 2).then(|| start + Duration::days(365));
    let input: CaseInput = serde_json::from_value(json!({
        "tenant": {
            "name": name,
            "email": format!("tenant{i}@example.org"),
            "preferred_contact": if i.is_multiple_of(2) { "email" } else { "text" },
            "phone": format!("07700 900{:03}", i),
            "consent_date": (today - Duration::days(i as i64 % 20)).to_string(),
        },
        "joint_tenants": if i.is_multiple_of(5) {
            json!([{"name": "Sam Taylor", "consent_date": (today - Duration::days(2)).to_string()}])
        } else { json!([]) },
        "property": {"address": format!("{} Example Road", 10 + i), "postcode": postcode},
        "landlord": {"name": landlord, "kind": kind, "email": "lettings@example.com",
                     "address": format!("{} Market Street\n{}", 2 + i % 40, postcode)},
        "tenancy": {
            "jurisdiction": jurisdiction,
            "start_date": start.to_string(),
            "end_date": end.map(|d| d.to_string()),
            "rent_pence": rent,
            "rent_period": "month",
        },
        "deposit": {
            "amount_pence": deposit,
            "received_date": received.to_string(),
            "scheme": scheme,
            "protected_date": protected.map(|d| d.to_string()),
            "information_date": protected.filter(|_| i % 8 != 1).map(|d| d.to_string()),
            "returned_pence": if i.is_multiple_of(6) { deposit / 2 } else { 0 },
        },
        "deductions": if i.is_multiple_of(2) {
            json!([{"item": "Professional cleaning", "amount_pence": 18_000},
                   {"item": "Carpet stain, bedroom", "amount_pence": 9_500 + i as i64 * 100}])
        } else { json!([]) },
        "account": "The landlord says the flat was left dirty. I cleaned it before I left and have photos. \
                    I have asked twice for my deposit back and had no reply.",
    }))
    .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
    Ok((input, jurisdiction, deposit))
}

/// Moves a demo case along the shortest legal path to `target`, filling in what the
/// guards ask for. Targets the guards refuse (ADR without a scheme) are left short.
async fn walk(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &super::Principal,
    id: uuid::Uuid,
    from: Stage,
    target: Stage,
) -> Result<(), AppError> {
    let mut paths: Vec<Vec<Stage>> = vec![vec![from]];
    let mut seen = vec![from];
    let path = loop {
        let Some(path) = (!paths.is_empty()).then(|| paths.remove(0)) else {
            return Ok(());
        };
        let last = path.last().copied().unwrap_or(from);
        if last == target {
            break path;
        }
        for next in last.next(None) {
            if !seen.contains(&next) {
                seen.push(next);
                paths.push(path.iter().copied().chain([next]).collect());
            }
        }
    };
    for to in path.into_iter().skip(1) {
        let req = TransitionRequest {
            reason: Some("Recorded for the demo".into()),
            outcome_code: Some(OutcomeCode::Resolved),
            override_time_limit: true,
            outcome: Some(Outcome {
                deposit: Money::from_pence(95_000).unwrap_or_default(),
                penalty: Money::from_pence(95_000).unwrap_or_default(),
                prohibited: Money::ZERO,
                interest: Money::ZERO,
                route: Route::Settlement,
                date: clock.today(),
            }),
        };
        match super::cases::transition(db, clock, actor, id, to, req).await {
            Ok(_) => {}
            Err(AppError::Invalid(_)) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

//! Groups' own wording of letter types. Every saved wording is a new version and the old
//! ones stay; the standard wording shipped with tenantcase is always there to go back to.
//! Coordinators change the wording of their own groups, admins of any group.

use std::collections::BTreeMap;

use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::Principal;
use crate::clock::Clock;
use crate::db;
use crate::db::entities::letter_templates;
use crate::db::groups::Group;
use crate::domain::audit::AuditAction;
use crate::domain::input::CaseInput;
use crate::domain::letters::LetterKind;
use crate::domain::{CaseFacts, CaseRecord, CaseReference, FieldErrors};
use crate::error::AppError;
use crate::letters::wording;

/// Longest wording a group may save.
const MAX_WORDING_CHARS: usize = 20_000;

/// Admins edit any group's wording, coordinators their own groups'. Volunteers are told
/// no; coordinators of other groups are not told the group exists.
fn may_edit(actor: &Principal, group: Uuid) -> Result<(), AppError> {
    if actor.leads(group) {
        Ok(())
    } else if actor.coordinates() {
        Err(AppError::NotFound)
    } else {
        Err(AppError::Forbidden(
            "Only coordinators and admins change the wording of letters.".into(),
        ))
    }
}

/// One letter type of one group, for the overview.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateSummary {
    /// The group.
    pub group_id: Uuid,
    /// The group's name.
    pub group: String,
    /// L1 … L6.
    pub kind: &'static str,
    /// The letter's title.
    pub title: &'static str,
    /// The version in use: 0 for the standard wording.
    pub version: i32,
    /// Whether the group's own wording is in use.
    pub custom: bool,
}

/// The letter types of every group `actor` may change.
pub async fn overview(
    db: &DatabaseConnection,
    actor: &Principal,
) -> Result<Vec<TemplateSummary>, AppError> {
    if !actor.coordinates() {
        return Err(AppError::Forbidden(
            "Only coordinators and admins change the wording of letters.".into(),
        ));
    }
    let mut out = Vec::new();
    for group in db::groups::all(db).await? {
        if !actor.sees_group(group.id) {
            continue;
        }
        for kind in LetterKind::ALL {
            let current = db::letters::current_template(db, group.id, kind.as_str()).await?;
            out.push(TemplateSummary {
                group_id: group.id,
                group: group.name.clone(),
                kind: kind.as_str(),
                title: kind.title(),
                version: current.as_ref().map_or(0, |t| t.version),
                custom: current.is_some_and(|t| t.body.is_some()),
            });
        }
    }
    Ok(out)
}

/// A saved version of a group's wording.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    /// 1, 2, …
    pub version: i32,
    /// The wording; `None` when this version went back to the standard wording.
    pub body: Option<String>,
    /// Who saved it.
    pub by: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
}

/// One letter type of one group: the wording in use, the standard one and every version.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateDetail {
    /// The group.
    pub group: Group,
    /// L1 … L6.
    pub kind: &'static str,
    /// The letter's title.
    pub title: &'static str,
    /// The version in use: 0 for the standard wording.
    pub version: i32,
    /// Whether the group's own wording is in use.
    pub custom: bool,
    /// The wording in use.
    pub current: String,
    /// The standard wording.
    pub standard: &'static str,
    /// Saved versions, newest first.
    pub versions: Vec<VersionRow>,
    /// The names a wording can print.
    pub names: Vec<&'static str>,
}

/// The wording of `kind` for `group`, with its history.
pub async fn detail(
    db: &DatabaseConnection,
    actor: &Principal,
    group: Uuid,
    kind: LetterKind,
) -> Result<TemplateDetail, AppError> {
    may_edit(actor, group)?;
    let group = db::groups::by_id(db, group)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = db::letters::template_versions(db, group.id, kind.as_str()).await?;
    let names = db::users::names(db, rows.iter().filter_map(|r| r.created_by)).await?;
    let current = rows.last();
    let versions = rows
        .iter()
        .rev()
        .map(|r| VersionRow {
            version: r.version,
            body: r.body.clone(),
            by: r.created_by.and_then(|id| names.get(&id).cloned()),
            at: r.created_at,
        })
        .collect();
    let standard = wording::standard(kind);
    Ok(TemplateDetail {
        kind: kind.as_str(),
        title: kind.title(),
        version: current.map_or(0, |t| t.version),
        custom: current.is_some_and(|t| t.body.is_some()),
        current: current
            .and_then(|t| t.body.clone())
            .unwrap_or_else(|| standard.to_string()),
        standard,
        versions,
        names: super::letters::LetterContext::NAMES.to_vec(),
        group,
    })
}

/// Two cases to try a wording on: one with every fact recorded, one with almost none,
/// so that a wording that only works for some cases is caught when it is saved.
fn samples() -> Result<[CaseRecord; 2], AppError> {
    let facts = |v: serde_json::Value| -> Result<CaseFacts, AppError> {
        let input: CaseInput =
            serde_json::from_value(v).map_err(|e| anyhow::anyhow!("sample case: {e}"))?;
        input
            .validate(time::macros::date!(2026 - 11 - 26))
            .map_err(|e| anyhow::anyhow!("sample case: {e:?}").into())
    };
    let full = facts(json!({
        "tenant": {"name": "Siân Evans", "consent_date": "2026-11-01"},
        "joint_tenants": [{"name": "Ștefan Popescu", "consent_date": "2026-11-01"}],
        "property": {"address": "12 Cardigan Road, Leeds", "postcode": "LS6 1AB"},
        "landlord": {"name": "A Landlord", "kind": "landlord", "address": "1 Otley Road"},
        "tenancy": {"jurisdiction": "england", "start_date": "2024-06-01", "end_date": "2025-05-31",
                    "rent_pence": 100000, "rent_period": "month"},
        "deposit": {"amount_pence": 120000, "received_date": "2024-06-01", "scheme": "dps",
                    "protected_date": "2024-08-01", "information_date": "2024-08-01", "returned_pence": 20000},
        "deductions": [{"item": "Cleaning", "amount_pence": 18000}]
    }))?;
    let bare = facts(json!({
        "tenant": {"name": "Ana", "consent_date": "2026-11-01"},
        "tenancy": {"jurisdiction": "scotland"}
    }))?;
    let at = time::macros::datetime!(2026-11-26 10:00 UTC);
    let record = |facts| CaseRecord {
        id: Uuid::nil(),
        reference: CaseReference::new(2026, 1),
        group_id: Uuid::nil(),
        stage: crate::domain::workflow::Stage::AdviceGiven,
        held_from: None,
        outcome: None,
        version: 1,
        created_at: at,
        updated_at: at,
        facts,
    };
    Ok([record(full), record(bare)])
}

/// Checks a wording as a group would use it: allowed tags, a subject line, and that it
/// fills in for a full case and for a bare one, with and without the free-text parts.
fn check(body: &str, kind: LetterKind, group: &Group, today: time::Date) -> Result<(), AppError> {
    let invalid = |m: String| AppError::Invalid(FieldErrors::single("body", m));
    if body.is_empty() {
        return Err(invalid("Enter the wording of the letter".into()));
    }
    if body.chars().count() > MAX_WORDING_CHARS {
        return Err(invalid(format!(
            "Must be {MAX_WORDING_CHARS} characters or fewer"
        )));
    }
    if !body.starts_with("Subject:") {
        return Err(invalid(
            "Start with the subject line, for example \"Subject: Return of my deposit\"".into(),
        ));
    }
    let filled: BTreeMap<String, String> = kind
        .free_fields()
        .iter()
        .map(|(name, _, _)| (name.to_string(), "Sample text".to_string()))
        .collect();
    for case in samples()? {
        for fields in [&filled, &BTreeMap::new()] {
            let ctx = super::letters::context(&case, group, kind, fields, today, today, false);
            wording::render(kind, Some(body), &ctx)
                .map_err(|e| invalid(format!("The wording could not be filled in: {e}")))?;
        }
    }
    Ok(())
}

/// Saves a new version of a group's wording of `kind`; `None` goes back to the standard
/// wording (also as a new version). Returns the version number.
pub async fn save(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Principal,
    group: Uuid,
    kind: LetterKind,
    body: Option<&str>,
) -> Result<i32, AppError> {
    may_edit(actor, group)?;
    let found = db::groups::by_id(db, group)
        .await?
        .ok_or(AppError::NotFound)?;
    // Line endings from a browser are CRLF; the wording is kept with LF.
    let body = body.map(|b| b.replace("\r\n", "\n").trim().to_string());
    if let Some(b) = &body {
        check(b, kind, &found, clock.today())?;
    }
    let txn = db::begin_write(db).await?;
    db::groups::lock(&txn, group).await?;
    let version = db::letters::current_template(&txn, group, kind.as_str())
        .await?
        .map_or(1, |t| t.version + 1);
    let now = clock.now();
    db::letters::insert_template(
        &txn,
        letter_templates::Model {
            id: Uuid::now_v7(),
            group_id: group,
            kind: kind.as_str().into(),
            version,
            body: body.clone(),
            created_by: Some(actor.user_id),
            created_at: now,
        },
    )
    .await?;
    db::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::WordingSaved,
        None,
        json!({"group": group, "type": kind.as_str(), "version": version, "standard": body.is_none()}),
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leeds() -> Group {
        Group {
            id: Uuid::nil(),
            name: "Leeds".into(),
            address: Some("1 Woodhouse Lane".into()),
            postcode_areas: Vec::new(),
            takes_unmatched: false,
            organisation: None,
            phone: Some("0113 496 0000".into()),
            email: None,
        }
    }

    #[test]
    fn every_name_offered_to_coordinators_is_one_a_letter_can_print() {
        let today = time::macros::date!(2026 - 11 - 26);
        let [full, _] = samples().unwrap_or_else(|_| unreachable!("samples build"));
        let leeds = leeds();
        let ctx = super::super::letters::context(
            &full,
            &leeds,
            LetterKind::L1,
            &BTreeMap::new(),
            today,
            today,
            false,
        );
        for name in super::super::letters::LetterContext::NAMES {
            assert!(ctx.contains_key(name), "{name} is offered but not given");
        }
        assert!(!ctx.contains_key("landlord_favourite_colour"));
    }

    #[test]
    fn the_standard_wording_passes_the_checks_a_groups_wording_must_pass() {
        let today = time::macros::date!(2026 - 11 - 26);
        assert!(samples().is_ok(), "{:?}", samples().err());
        for kind in LetterKind::ALL.iter().copied() {
            let standard = wording::standard(kind);
            assert!(
                check(standard, kind, &leeds(), today).is_ok(),
                "{kind:?}: {:?}",
                check(standard, kind, &leeds(), today).err()
            );
        }
    }
}

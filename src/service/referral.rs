//! Self-referral: a tenant asks for help online, one question a page
//! ([`crate::domain::referral`]). The answers become a case at intake in the group that
//! covers their postcode area.

pub use crate::domain::referral::{Problem, Referral, Step};

use sea_orm::DatabaseConnection;

use super::portal::REFERRALS_PER_ADDRESS;
use super::throttle::{self, Limit};
use crate::clock::Clock;
use crate::db;
use crate::db::groups::Group;
use crate::domain::referral::on_questions;
use crate::domain::{FieldErrors, Postcode};
use crate::error::AppError;

/// A request that became a case: what the tenant needs to follow it.
#[derive(Debug, Clone)]
pub struct Referred {
    /// The case reference.
    pub reference: String,
    /// Their access code (shown once).
    pub code: String,
    /// The group that will help.
    pub group: String,
}

/// The group for a postcode: the one whose areas include it, else the one that takes
/// the rest, else the first by name.
pub fn group_for<'a>(groups: &'a [Group], postcode: &Postcode) -> Option<&'a Group> {
    let area = postcode.area();
    groups
        .iter()
        .find(|g| g.postcode_areas.iter().any(|a| a == area))
        .or_else(|| groups.iter().find(|g| g.takes_unmatched))
        .or_else(|| groups.first())
}

/// Turns finished answers into a case with an access code. Answers are checked again;
/// requests are limited per address; a filled-in honeypot is refused.
pub async fn submit(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    key: &[u8; 32],
    address: Option<&str>,
    r: &Referral,
) -> Result<Referred, AppError> {
    let today = clock.today();
    if let Some(step) = r.first_unanswered(today) {
        return Err(AppError::Invalid(r.check(step, today)));
    }
    if !r.consent {
        return Err(AppError::Invalid(FieldErrors::single(
            "consent",
            "Tick the box to agree, so that we can help you",
        )));
    }
    let now = clock.now();
    let keys = [Limit::new(
        format!("referral:{}", address.unwrap_or("unknown")),
        REFERRALS_PER_ADDRESS,
    )];
    if throttle::attempt(db, now, &keys).await?.is_some() {
        return Err(AppError::TooMany(
            "We have had several requests from your connection in the last few minutes. Please wait 15 minutes and try again.".into(),
        ));
    }
    let facts = r
        .to_input(today)
        .map_err(|e| anyhow::anyhow!("referral input: {e}"))?
        .validate(today)
        .map_err(|e| AppError::Invalid(on_questions(&e)))?;
    let postcode =
        facts.property.postcode.clone().ok_or_else(|| {
            AppError::Invalid(FieldErrors::single("postcode", "Enter the postcode"))
        })?;
    let groups = db::groups::all(db).await?;
    let group = group_for(&groups, &postcode).ok_or_else(|| {
        AppError::Conflict(
            "We cannot take requests online yet. Please contact us another way.".into(),
        )
    })?;
    let txn = db::begin_write(db).await?;
    let case = super::cases::insert_new(&txn, clock, None, None, group.id, facts).await?;
    let code = super::portal::store_new_code(&txn, clock, key, None, case.id).await?;
    txn.commit().await?;
    tracing::info!(case = %case.id, "online request for help");
    Ok(Referred {
        reference: case.reference.to_string(),
        code,
        group: group.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_goes_to_the_group_of_its_postcode_area() {
        let g = |name: &str, areas: &[&str], rest: bool| Group {
            id: uuid::Uuid::now_v7(),
            name: name.into(),
            address: None,
            postcode_areas: areas.iter().map(|a| a.to_string()).collect(),
            takes_unmatched: rest,
            organisation: None,
            phone: None,
            email: None,
        };
        let groups = [
            g("Cardiff", &["CF", "NP"], false),
            g("Glasgow", &["G"], false),
            g("Leeds", &["LS"], true),
        ];
        let pc = |p: &str| Postcode::parse(p).unwrap_or_else(|_| unreachable!());
        let name = |p: &str| group_for(&groups, &pc(p)).map(|g| g.name.as_str());
        assert_eq!(name("CF24 4HX"), Some("Cardiff"));
        assert_eq!(name("G12 8QQ"), Some("Glasgow"));
        assert_eq!(name("GL1 1AA"), Some("Leeds"), "GL is not G");
        assert_eq!(
            group_for(&groups[..2], &pc("M1 1AA")).map(|g| g.name.as_str()),
            Some("Cardiff")
        );
        assert!(group_for(&[], &pc("M1 1AA")).is_none());
    }
}

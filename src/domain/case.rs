//! The facts of a deposit case, as validated domain types.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::{Money, Postcode};

/// Where the tenancy is: the law differs across the three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// England.
    England,
    /// Wales.
    Wales,
    /// Scotland.
    Scotland,
}

/// The status of a case in the list filters: open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Being worked.
    Open,
    /// Finished.
    Closed,
}

/// Which product of a scheme holds the deposit: it decides the dispute (ADR) window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SchemeProduct {
    /// The landlord keeps the money and insures it with the scheme.
    Insured,
    /// The scheme holds the money.
    Custodial,
}

/// The kind of tenancy, which decides whether the protection duty applies at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenancyType {
    /// An assured shorthold tenancy (England, and Wales before 1 December 2022).
    AssuredShorthold,
    /// An assured tenancy (England from 1 May 2026, and older ones).
    Assured,
    /// An occupation contract (Wales from 1 December 2022).
    OccupationContract,
    /// A private residential tenancy (Scotland).
    PrivateResidential,
    /// Outside the deposit rules: a company let, a resident landlord, or a let above the
    /// rent limits of its time.
    Excluded,
}

/// How a tenancy that follows another came about. Each is a new tenancy, with a fresh
/// receipt of the deposit on its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RenewalKind {
    /// A new fixed term.
    FixedTerm,
    /// The statutory periodic tenancy that follows a fixed term.
    StatutoryPeriodic,
    /// A periodic tenancy agreed in the contract.
    ContractualPeriodic,
}

/// Whether a rent figure is weekly or monthly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RentPeriod {
    /// Rent per week.
    Week,
    /// Rent per calendar month.
    Month,
}

/// Who the other side is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// The landlord in person or a landlord company.
    Landlord,
    /// A letting or managing agent.
    Agent,
}

/// How the tenant prefers to be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    /// By e-mail.
    Email,
    /// By phone.
    Phone,
    /// By text message.
    Text,
    /// By post.
    Post,
}

/// A government-approved tenancy deposit scheme, or what is known of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// Deposit Protection Service (England and Wales).
    Dps,
    /// Tenancy Deposit Scheme (England and Wales).
    Tds,
    /// mydeposits (England and Wales).
    Mydeposits,
    /// SafeDeposits Scotland.
    SafedepositsScotland,
    /// Letting Protection Service Scotland.
    LpsScotland,
    /// mydeposits Scotland.
    MydepositsScotland,
    /// Not protected in any scheme.
    None,
    /// Not known yet.
    Unknown,
}

/// Generates `as_str`, `label`, `ALL` and `parse` for a unit enum from one table.
macro_rules! labelled_enum {
    ($ty:ty { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        impl $ty {
            /// Every value, in display order.
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];
            /// The machine name used in the API and the database.
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $key),+ }
            }
            /// The words shown to people.
            pub fn label(self) -> &'static str {
                match self { $(<$ty>::$variant => $label),+ }
            }
            /// The value for a machine name.
            pub fn parse(s: &str) -> Option<$ty> {
                match s { $($key => Some(<$ty>::$variant),)+ _ => None }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use labelled_enum;

labelled_enum!(Jurisdiction {
    England => "england", "England";
    Wales => "wales", "Wales";
    Scotland => "scotland", "Scotland";
});
labelled_enum!(CaseStatus {
    Open => "open", "Open";
    Closed => "closed", "Closed";
});
labelled_enum!(SchemeProduct {
    Insured => "insured", "Insured (the landlord or agent holds the money)";
    Custodial => "custodial", "Custodial (the scheme holds the money)";
});
labelled_enum!(TenancyType {
    AssuredShorthold => "assured_shorthold", "Assured shorthold tenancy";
    Assured => "assured", "Assured tenancy";
    OccupationContract => "occupation_contract", "Occupation contract (Wales)";
    PrivateResidential => "private_residential", "Private residential tenancy (Scotland)";
    Excluded => "excluded", "Excluded: a company let, a resident landlord, or rent above the limits";
});
labelled_enum!(RenewalKind {
    FixedTerm => "fixed_term", "A new fixed term";
    StatutoryPeriodic => "statutory_periodic", "A statutory periodic tenancy";
    ContractualPeriodic => "contractual_periodic", "A contractual periodic tenancy";
});
labelled_enum!(HoldingOutcome {
    Agreed => "agreed", "The agreement was made";
    DeadlinePassed => "deadline_passed", "The deadline for agreement passed";
    LandlordWithdrew => "landlord_withdrew", "The landlord decided not to go ahead";
});
labelled_enum!(RentPeriod {
    Week => "week", "a week";
    Month => "month", "a month";
});
labelled_enum!(PartyKind {
    Landlord => "landlord", "Landlord";
    Agent => "agent", "Letting agent";
});
labelled_enum!(ContactMethod {
    Email => "email", "E-mail";
    Phone => "phone", "Phone call";
    Text => "text", "Text message";
    Post => "post", "Post";
});
labelled_enum!(Scheme {
    Dps => "dps", "Deposit Protection Service (DPS)";
    Tds => "tds", "Tenancy Deposit Scheme (TDS)";
    Mydeposits => "mydeposits", "mydeposits";
    SafedepositsScotland => "safedeposits_scotland", "SafeDeposits Scotland";
    LpsScotland => "lps_scotland", "Letting Protection Service Scotland";
    MydepositsScotland => "mydeposits_scotland", "mydeposits Scotland";
    None => "none", "Not protected";
    Unknown => "unknown", "Not known yet";
});

pub use super::dates::{iso_date, long_date};

/// A tenant: the lead tenant or a joint tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// How they prefer to be contacted.
    pub preferred_contact: Option<ContactMethod>,
    /// The day they consented to us processing their data.
    #[serde(with = "iso_date::option")]
    pub consent_date: Option<Date>,
}

/// The rented home.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Property {
    /// Postal address, without the postcode.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<Postcode>,
}

/// The landlord or the letting agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Party {
    /// Name of the person or company.
    pub name: String,
    /// Landlord or agent.
    pub kind: PartyKind,
    /// Postal address.
    pub address: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// The person letters are addressed to, as they would be greeted: "Mr Ahmed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
}

/// The tenancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tenancy {
    /// Which law applies.
    pub jurisdiction: Jurisdiction,
    /// First day of the tenancy.
    #[serde(with = "iso_date::option")]
    pub start_date: Option<Date>,
    /// Last day of the tenancy, if it has ended or an end is agreed.
    #[serde(with = "iso_date::option")]
    pub end_date: Option<Date>,
    /// Rent, in pence, per `rent_period`.
    #[serde(rename = "rent_pence")]
    pub rent: Option<Money>,
    /// Whether `rent` is weekly or monthly.
    pub rent_period: Option<RentPeriod>,
    /// The kind of tenancy, if known.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TenancyType>,
    /// The tenancies that followed this one with the same deposit, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renewals: Vec<Renewal>,
}

/// A tenancy that followed the original one (a renewal, or a periodic tenancy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Renewal {
    /// Its first day: a fresh receipt of the deposit.
    #[serde(with = "iso_date")]
    pub start_date: Date,
    /// Its last day, if it has ended or an end is agreed.
    #[serde(default, with = "iso_date::option")]
    pub end_date: Option<Date>,
    /// Its rent, in pence, per `rent_period`.
    #[serde(rename = "rent_pence", default)]
    pub rent: Option<Money>,
    /// Whether `rent` is weekly or monthly.
    #[serde(default)]
    pub rent_period: Option<RentPeriod>,
    /// How it came about.
    pub kind: RenewalKind,
}

/// Someone who paid towards the deposit on a tenant's behalf (a "relevant person"): the
/// information is owed to them too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelevantPerson {
    /// Their name.
    pub name: String,
    /// The day they were given the information.
    #[serde(default, with = "iso_date::option")]
    pub information_date: Option<Date>,
    /// Whether they were given it (`None`: not known).
    #[serde(default)]
    pub information_given: Option<bool>,
}

/// What ended a holding deposit's wait: it decides when the refund is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HoldingOutcome {
    /// The tenancy agreement was made (or, in Wales, the contract).
    Agreed,
    /// The deadline for agreement passed.
    DeadlinePassed,
    /// The landlord decided not to go ahead.
    LandlordWithdrew,
}

/// A holding deposit paid to reserve the home before the tenancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HoldingDeposit {
    /// How much.
    #[serde(rename = "amount_pence")]
    pub amount: Money,
    /// The day it was paid.
    #[serde(with = "iso_date")]
    pub paid_date: Date,
    /// What ended the wait, if it has ended.
    #[serde(default)]
    pub outcome: Option<HoldingOutcome>,
    /// The day of that outcome.
    #[serde(default, with = "iso_date::option")]
    pub outcome_date: Option<Date>,
}

/// A volunteer's look-up of the nation's schemes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SchemeCheck {
    /// When the schemes were checked.
    #[serde(with = "iso_date")]
    pub date: Date,
    /// Whether the deposit was found.
    pub found: bool,
    /// The scheme it was found in.
    #[serde(default)]
    pub scheme: Option<Scheme>,
    /// Its certificate or deposit id.
    #[serde(default)]
    pub certificate: Option<String>,
}

/// One payment towards the deposit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Instalment {
    /// The day the landlord or agent received it.
    #[serde(with = "iso_date")]
    pub received_date: Date,
    /// How much, if known.
    #[serde(rename = "amount_pence")]
    pub amount: Option<Money>,
    /// Who paid it, if not the tenant (a guarantor, a council scheme).
    pub payer: Option<String>,
}

/// The deposit and what has happened to it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deposit {
    /// Total deposit.
    #[serde(rename = "amount_pence")]
    pub amount: Option<Money>,
    /// Payments that made it up.
    pub instalments: Vec<Instalment>,
    /// The protection scheme, if known.
    pub scheme: Option<Scheme>,
    /// The scheme's product (insured or custodial), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_product: Option<SchemeProduct>,
    /// The day it was protected in the scheme.
    #[serde(with = "iso_date::option")]
    pub protected_date: Option<Date>,
    /// The day the prescribed information was given.
    #[serde(with = "iso_date::option")]
    pub information_date: Option<Date>,
    /// Whether the prescribed information was given: `Some(false)` when the tenant
    /// confirms it never was, `None` while nobody has checked. A date means yes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information_given: Option<bool>,
    /// How much has been returned so far.
    #[serde(rename = "returned_pence")]
    pub returned: Option<Money>,
    /// People who paid on a tenant's behalf.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relevant_persons: Vec<RelevantPerson>,
    /// Look-ups of the schemes, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheme_checks: Vec<SchemeCheck>,
    /// A holding deposit paid before the tenancy, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holding: Option<HoldingDeposit>,
}

/// A deduction the landlord or agent claims from the deposit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deduction {
    /// What it is for, in their words.
    pub item: String,
    /// How much.
    #[serde(rename = "amount_pence")]
    pub amount: Money,
}

/// Everything known about a deposit dispute. Serialises to the API's JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseFacts {
    /// The lead tenant.
    pub tenant: Person,
    /// Other tenants on the same tenancy.
    pub joint_tenants: Vec<Person>,
    /// The rented home.
    pub property: Property,
    /// The landlord.
    pub landlord: Option<Party>,
    /// The letting agent, if there is one.
    pub agent: Option<Party>,
    /// The tenancy.
    pub tenancy: Tenancy,
    /// The deposit.
    pub deposit: Deposit,
    /// Deductions claimed.
    pub deductions: Vec<Deduction>,
    /// The tenant's account in their own words.
    pub account: Option<String>,
}

impl CaseFacts {
    /// Total of the deductions claimed, saturating at the money ceiling.
    pub fn deductions_total(&self) -> Money {
        self.deductions
            .iter()
            .try_fold(Money::ZERO, |sum, d| sum.checked_add(d.amount))
            .unwrap_or(Money::from_pence(super::money::MAX_PENCE).unwrap_or_default())
    }

    /// The name shown in lists: the landlord's, else the agent's.
    pub fn other_side_name(&self) -> Option<&str> {
        self.landlord
            .as_ref()
            .or(self.agent.as_ref())
            .map(|p| p.name.as_str())
    }

    /// The words the case list's search finds this case by: the reference (and its number
    /// alone), names, phone numbers (also as their digits alone), e-mail addresses, the
    /// home's street words and postcode (also without its space), and the landlord and agent.
    /// See [`search_words`].
    pub fn search_terms(&self, reference: &CaseReference) -> std::collections::BTreeSet<String> {
        let mut text: Vec<String> = vec![reference.to_string(), reference.number().to_string()];
        let people = std::iter::once(&self.tenant).chain(&self.joint_tenants);
        for person in people {
            text.push(person.name.clone());
            text.extend(person.email.clone());
            if let Some(phone) = &person.phone {
                text.push(phone.clone());
                text.push(phone.chars().filter(char::is_ascii_digit).collect());
            }
        }
        text.extend(self.property.address.clone());
        text.extend(
            self.landlord
                .iter()
                .chain(&self.agent)
                .map(|p| p.name.clone()),
        );
        if let Some(pc) = &self.property.postcode {
            text.push(pc.to_string());
            text.push(pc.as_str().replace(' ', ""));
        }
        text.iter().flat_map(|t| search_words(t)).collect()
    }
}

/// Longest search term kept.
const MAX_TERM_CHARS: usize = 40;

/// Splits text into lower-case search words: runs of letters and digits. "O'Brien,
/// LS6 1AB" gives `o`, `brien`, `ls6`, `1ab`.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(MAX_TERM_CHARS).collect())
        .collect()
}

pub use super::record::{CaseRecord, CaseReference, CaseSummary};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_split_on_anything_but_letters_and_digits() {
        assert_eq!(
            search_words("Łukasz O'Brien-Nowak, LS6 1AB"),
            ["łukasz", "o", "brien", "nowak", "ls6", "1ab"]
        );
        assert!(search_words("100% _ --").iter().all(|w| w == "100"));
    }

    #[test]
    fn reference_round_trips() {
        let r = CaseReference::new(2026, 42);
        assert_eq!(r.to_string(), "TC-2026-00042");
        assert_eq!(CaseReference::parse("tc-2026-00042"), Some(r));
        assert_eq!(
            CaseReference::new(2026, 123_456).to_string(),
            "TC-2026-123456"
        );
        assert_eq!(CaseReference::parse("TC-2026-42"), None);
        assert_eq!(CaseReference::parse("XX-2026-00042"), None);
    }

    #[test]
    fn enum_tables_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::parse(s.as_str()), Some(*s));
            let json = serde_json::to_string(s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        for j in Jurisdiction::ALL {
            assert_eq!(Jurisdiction::parse(j.as_str()), Some(*j));
        }
    }
}

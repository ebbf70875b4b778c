//! What a letter's wording is rendered from: [`LetterContext`], built from the case's facts,
//! its assessment and the group. The names a group's own wording may use are its fields
//! ([`LetterContext::NAMES`]), so the two cannot drift apart.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use crate::db::groups::Group;
use crate::domain::case::{Scheme, long_date};
use crate::domain::letters::{LetterKind, SendMethod, reply_due, times_in_words};
use crate::domain::rules::{self, Assessment, Param, RuleId};
use crate::domain::{CaseFacts, CaseRecord, Jurisdiction, Money};

/// Defines [`LetterContext`] and the list of its field names from one list of fields.
macro_rules! letter_context {
    ($( $(#[doc = $doc:literal])+ $name:ident : $ty:ty, )+) => {
        /// Everything a letter's wording can print.
        #[derive(Debug, Clone, Default, Serialize)]
        pub struct LetterContext {
            $( $(#[doc = $doc])+ pub $name: $ty, )+
        }

        impl LetterContext {
            /// The names a wording can print: the fields, in order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),+];
        }
    };
}

letter_context! {
    /// Every tenant's name: "Ana Popescu and Zoë Price".
    tenants: String,
    /// The lead tenant's name.
    tenant_name: String,
    /// The address and postcode, or "the property".
    property: String,
    /// The tenancy's first day, in words.
    tenancy_start: Option<String>,
    /// The tenancy's last day, in words.
    tenancy_end: Option<String>,
    /// The deposit.
    deposit: String,
    /// The day it was paid, in words.
    paid_on: Option<String>,
    /// What was returned.
    returned: String,
    /// What is still owed.
    balance: String,
    /// The deductions claimed: "Cleaning (£180.00); …".
    deductions: String,
    /// Their total.
    deductions_total: String,
    /// Whether the scheme is known (not "none" or "unknown").
    scheme_known: bool,
    /// The scheme's name.
    scheme: Option<&'static str>,
    /// The protection deadline, in words.
    protection_due: String,
    /// The breaches, in the words of the nation's law.
    breaches: String,
    /// "protect the deposit in an authorised scheme" or, in Scotland, "lodge …".
    protect_words: &'static str,
    /// The least penalty.
    penalty_min: Option<String>,
    /// The most penalty.
    penalty_max: Option<String>,
    /// The deposit cap.
    cap: Option<String>,
    /// The part of the deposit above the cap.
    excess: Option<String>,
    /// The law of the protection duty.
    r1_citation: &'static str,
    /// The law of the penalty.
    r3_citation: &'static str,
    /// What the court or tribunal must or may order.
    order_words: &'static str,
    /// "between £1,100.00 and £3,300.00" or "up to …".
    penalty_words: Option<String>,
    /// The law of interest.
    interest_citation: Option<&'static str>,
    /// "8%".
    interest_rate: Option<String>,
    /// The day interest runs from, in words.
    interest_from: Option<String>,
    /// Interest a day.
    interest_daily: Option<String>,
    /// Interest to the letter's date.
    interest_to_date: Option<String>,
    /// "has" for one tenant, "have" for several.
    have: &'static str,
    /// Whether a pre-action protocol applies (not in Scotland).
    pre_action: bool,
    /// "start court proceedings" or the tribunal's words.
    proceedings: &'static str,
    /// "going to court" or "an application to the tribunal".
    going_to_forum: &'static str,
    /// "costs" or, in Scotland, "expenses".
    costs_word: &'static str,
    /// "prescribed information" or "required information".
    information_words: &'static str,
    /// "tenancy" or, in Wales under the 2016 Act, "occupation contract".
    tenancy_word: &'static str,
    /// "tenant" or "contract-holder".
    tenant_word: &'static str,
    /// The nation's law on fees.
    fees_law: &'static str,
    /// The cap in words: "five weeks' rent".
    cap_words: String,
    /// "a prohibited payment" or "an unlawful premium".
    excess_words: &'static str,
    /// How the excess is recovered.
    recover_route: &'static str,
    /// When a holding deposit was to be refunded, in words.
    holding_refund_due: Option<String>,
    /// The reply date printed in the letter, in words.
    reply_by: Option<String>,
    /// The time it gives, in words.
    reply_within: Option<String>,
    /// "between one and three times the deposit".
    penalty_multiples: String,
    /// "court" or the tribunal's name.
    forum: &'static str,
    /// The case reference.
    reference: String,
    /// The group's name.
    group: String,
    /// How to reply to the group.
    reply_to: String,
    /// The letter's own free-text parts.
    fields: BTreeMap<String, String>,
}

fn money(m: Option<Money>) -> String {
    m.map_or_else(|| "[amount not recorded]".to_string(), |m| m.to_string())
}

fn date(d: Option<Date>) -> Option<String> {
    d.map(long_date)
}

/// Marks where a computed value starts and ends in a preview.
pub const MARK_START: char = '\u{E000}';
/// See [`MARK_START`].
pub const MARK_END: char = '\u{E001}';

fn mark_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => *s = format!("{MARK_START}{s}{MARK_END}"),
        serde_json::Value::Object(m) => m.values_mut().for_each(mark_strings),
        serde_json::Value::Array(a) => a.iter_mut().for_each(mark_strings),
        _ => {}
    }
}

/// A breach in the words of the nation's law: Scotland lodges deposits and gives the
/// "required" information, as does Wales under the 2016 Act.
fn breach_words(b: rules::Breach, j: crate::domain::Jurisdiction, information: &str) -> String {
    use rules::Breach;
    let scotland = j == crate::domain::Jurisdiction::Scotland;
    match b {
        Breach::NotProtected if scotland => {
            "the deposit was never lodged with an approved scheme".into()
        }
        Breach::ProtectedLate if scotland => "the deposit was lodged late".into(),
        Breach::NotProtected => "the deposit was never protected".into(),
        Breach::ProtectedLate => "the deposit was protected late".into(),
        Breach::InformationNotGiven => format!("the {information} was never given"),
        Breach::InformationLate => format!("the {information} was given late"),
    }
}

/// What the court or tribunal must, and what it may, order (R3), and how the penalty is
/// put: "between" a least and a most, or "up to" a most.
fn order_words(
    j: Jurisdiction,
    r3: Option<&rules::Rule>,
    ended: bool,
) -> (&'static str, &'static str) {
    match (j, r3.map(|r| r.param)) {
        (Jurisdiction::Scotland, _) => ("must order you", "up to"),
        (_, Some(Param::Penalty { min, .. })) if min > 0 && ended => (
            "may order you to repay all or part of the deposit, and must order you",
            "between",
        ),
        (_, Some(Param::Penalty { min, .. })) if min > 0 => (
            "must order you to repay the deposit or protect it, and must order you",
            "between",
        ),
        _ => ("may order you", "up to"),
    }
}

/// The penalty's range in money, "between" or "up to".
fn penalty_words(range: &str, a: &Assessment) -> Option<String> {
    let p = a.penalty?;
    let pounds = |pence| Money::from_pence(pence).unwrap_or_default();
    Some(if range == "between" {
        format!(
            "between {} and {}",
            pounds(p.min_pence),
            pounds(p.max_pence)
        )
    } else {
        format!("up to {}", pounds(p.max_pence))
    })
}

/// The penalty in multiples of the deposit, from the R3 row.
fn penalty_multiples(r3: Option<&rules::Rule>) -> String {
    match r3.map(|r| r.param) {
        Some(Param::Penalty { min, max }) if min > 0 => format!(
            "between {} and {} times the deposit",
            times_in_words(min),
            times_in_words(max)
        ),
        Some(Param::Penalty { max, .. }) => {
            format!("up to {} times the deposit", times_in_words(max))
        }
        _ => String::new(),
    }
}

/// The cap in words, from the R6 row of the grant: weeks (England) or months (Scotland).
fn cap_words(f: &CaseFacts) -> String {
    let j = f.tenancy.jurisdiction;
    let row = f
        .tenancy
        .start_date
        .and_then(|start| rules::rule(RuleId::R6, j, start));
    match row.map(|r| r.param) {
        Some(Param::DepositCap {
            weeks,
            weeks_high,
            high_rent_pence,
        }) => {
            let high = match (f.tenancy.rent, f.tenancy.rent_period) {
                (Some(r), Some(p)) => rules::annual_rent(r, p) >= high_rent_pence,
                _ => false,
            };
            let n = if high { weeks_high } else { weeks };
            format!("{} weeks' rent", times_in_words(n))
        }
        Some(Param::DepositCapMonths { months }) => {
            format!("{} months' rent", times_in_words(months))
        }
        _ => String::new(),
    }
}

/// The nation's law on fees, what an excess is called, and how it is recovered.
fn fees_words(j: Jurisdiction) -> (&'static str, &'static str, &'static str) {
    match j {
        Jurisdiction::England => (
            "the Tenant Fees Act 2019",
            "a prohibited payment",
            "recover it through the First-tier Tribunal under section 15 of the Tenant Fees Act 2019, and report the matter to the local trading standards service",
        ),
        Jurisdiction::Wales => (
            "the Renting Homes (Fees etc.) (Wales) Act 2019",
            "a prohibited payment",
            "recover it through the county court under the Renting Homes (Fees etc.) (Wales) Act 2019",
        ),
        Jurisdiction::Scotland => (
            "section 90 of the Rent (Scotland) Act 1984",
            "an unlawful premium",
            "take further steps to recover it",
        ),
    }
}

/// "A, B and C".
fn names_in_words(names: &[&str]) -> String {
    match names {
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

impl LetterContext {
    /// The context of a letter of `kind` on `case`, written `today` and dated `dated`.
    pub fn new(
        case: &CaseRecord,
        group: &Group,
        kind: LetterKind,
        fields: &BTreeMap<String, String>,
        today: Date,
        dated: Date,
    ) -> LetterContext {
        let f = &case.facts;
        let j = f.tenancy.jurisdiction;
        // The penalty's law is the one of the deposit's regime (its receipt; in Scotland
        // the tenancy start), never today's.
        let regime_date = if j == Jurisdiction::Scotland {
            f.tenancy.start_date
        } else {
            f.deposit.instalments.first().map(|i| i.received_date)
        }
        .unwrap_or(today);
        let mut ctx = LetterContext::words_of_law(j, rules::renting_homes_wales(j, regime_date));
        ctx.state_facts(case, group, fields);
        let a = rules::assess(f, today);
        ctx.state_assessment(f, &a, (today, dated, regime_date));
        // Printed for first-class post, the slowest way: the landlord has the full time
        // whichever way the letter goes on its date.
        let reply = reply_due(kind, j, dated, SendMethod::Post);
        ctx.reply_by = reply.as_ref().map(|r| long_date(r.due));
        ctx.reply_within = reply.map(|r| r.within);
        ctx
    }

    /// The words of the law the tenancy is under: each nation's, and in Wales under the
    /// Renting Homes (Wales) Act 2016 (`rhwa`) occupation contracts and contract-holders.
    fn words_of_law(j: Jurisdiction, rhwa: bool) -> LetterContext {
        let scotland = j == Jurisdiction::Scotland;
        let (fees_law, excess_words, recover_route) = fees_words(j);
        let pick = |yes: bool, a: &'static str, b: &'static str| if yes { a } else { b };
        LetterContext {
            protect_words: pick(
                scotland,
                "lodge the deposit with an approved scheme",
                "protect the deposit in an authorised scheme",
            ),
            pre_action: !scotland,
            proceedings: pick(
                scotland,
                "apply to the First-tier Tribunal (Housing and Property Chamber)",
                "start court proceedings",
            ),
            going_to_forum: pick(scotland, "an application to the tribunal", "going to court"),
            costs_word: pick(scotland, "expenses", "costs"),
            information_words: pick(
                scotland || rhwa,
                "required information",
                "prescribed information",
            ),
            tenancy_word: pick(rhwa, "occupation contract", "tenancy"),
            tenant_word: pick(rhwa, "contract-holder", "tenant"),
            fees_law,
            excess_words,
            recover_route,
            forum: pick(
                scotland,
                "First-tier Tribunal (Housing and Property Chamber)",
                "court",
            ),
            ..LetterContext::default()
        }
    }

    /// What the case records: the people, the home, the deposit and what was kept, and the
    /// group that writes.
    fn state_facts(&mut self, case: &CaseRecord, group: &Group, fields: &BTreeMap<String, String>) {
        let f = &case.facts;
        let mut names: Vec<&str> = vec![f.tenant.name.as_str()];
        names.extend(f.joint_tenants.iter().map(|t| t.name.as_str()));
        let mut property: Vec<String> = f.property.address.iter().cloned().collect();
        property.extend(f.property.postcode.iter().map(|p| p.to_string()));
        let returned = f.deposit.returned.unwrap_or_default();
        let balance = f
            .deposit
            .amount
            .map(|a| Money::from_pence((a.pence() - returned.pence()).max(0)).unwrap_or_default());
        self.tenants = names_in_words(&names);
        self.have = if names.len() == 1 { "has" } else { "have" };
        self.tenant_name = f.tenant.name.clone();
        self.property = if property.is_empty() {
            "the property".to_string()
        } else {
            property.join(", ")
        };
        self.tenancy_start = date(f.tenancy.start_date);
        self.tenancy_end = date(f.tenancy.end_date);
        self.deposit = money(f.deposit.amount);
        self.paid_on = date(f.deposit.instalments.first().map(|i| i.received_date));
        self.returned = returned.to_string();
        self.balance = money(balance);
        self.deductions = f
            .deductions
            .iter()
            .map(|d| format!("{} ({})", d.item, d.amount))
            .collect::<Vec<_>>()
            .join("; ");
        self.deductions_total = f.deductions_total().to_string();
        self.scheme_known = f
            .deposit
            .scheme
            .is_some_and(|s| !matches!(s, Scheme::None | Scheme::Unknown));
        self.scheme = f.deposit.scheme.map(|s| s.label());
        self.cap_words = cap_words(f);
        self.reference = case.reference.to_string();
        self.group = group.name.clone();
        self.reply_to = group.reply_to();
        self.fields = fields.clone();
    }

    /// What the rules find: the breaches, the penalty, the caps, the interest to the
    /// letter's date, and the law each rests on.
    fn state_assessment(&mut self, f: &CaseFacts, a: &Assessment, dates: (Date, Date, Date)) {
        let (today, dated, regime_date) = dates;
        let j = f.tenancy.jurisdiction;
        let citation = |id| rules::rule(id, j, today).map_or("", |r| r.citation);
        let r1 = a.deadlines.iter().find(|d| d.rule == RuleId::R1);
        let r3 = rules::rule(RuleId::R3, j, regime_date);
        let ended = f.tenancy.end_date.is_some_and(|e| e <= today);
        let (order_words, range) = order_words(j, r3, ended);
        // Interest on the balance, to the letter's own date (R12).
        let interest = a.interest.map(|i| {
            rules::simple_interest(i.principal_pence, i.rate_bp, i.from, dated.max(i.from))
        });
        let pounds = |pence| money(Money::from_pence(pence));
        self.protection_due =
            date(a.protection_due).unwrap_or_else(|| "the date the law sets".into());
        self.breaches = a
            .breaches
            .iter()
            .map(|b| breach_words(*b, j, self.information_words))
            .collect::<Vec<_>>()
            .join("; ");
        self.penalty_min = a.penalty.map(|p| pounds(p.min_pence));
        self.penalty_max = a.penalty.map(|p| pounds(p.max_pence));
        self.cap = a.deposit_cap_pence.map(pounds);
        self.excess = (a.prohibited_excess_pence > 0).then(|| pounds(a.prohibited_excess_pence));
        self.r1_citation = r1.map_or_else(|| citation(RuleId::R1), |d| d.citation);
        self.r3_citation = r3.map_or_else(|| citation(RuleId::R3), |r| r.citation);
        self.order_words = order_words;
        self.penalty_words = penalty_words(range, a);
        self.penalty_multiples = penalty_multiples(r3);
        self.interest_citation = rules::rule(RuleId::R12, j, today).map(|r| r.citation);
        self.interest_rate = interest.map(|i| format!("{}%", i.rate_bp as f64 / 100.0));
        self.interest_from = interest.map(|i| long_date(i.from));
        self.interest_daily = interest.map(|i| pounds(i.daily_pence));
        self.interest_to_date = interest.map(|i| pounds(i.to_date_pence));
        self.holding_refund_due = a.holding.map(|h| long_date(h.refund_due));
    }

    /// The context to render a wording with; `marked` wraps every computed text in
    /// [`MARK_START`] and [`MARK_END`], for a preview that shows what was filled in.
    pub fn into_tera(self, marked: bool) -> tera::Context {
        let mut value = serde_json::to_value(&self).unwrap_or_default();
        if marked {
            mark_strings(&mut value);
        }
        tera::Context::from_serialize(&value).unwrap_or_default()
    }
}

/// Everything a letter template can print, as a tera context.
pub(crate) fn context(
    case: &CaseRecord,
    group: &Group,
    kind: LetterKind,
    fields: &BTreeMap<String, String>,
    today: Date,
    dated: Date,
    marked: bool,
) -> tera::Context {
    LetterContext::new(case, group, kind, fields, today, dated).into_tera(marked)
}

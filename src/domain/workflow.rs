//! The life of a case as an explicit state machine: stages, the legal moves between
//! them, their guards, and what each stage means to a tenant.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::{FieldErrors, Money};

/// Where a case stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Just taken in.
    Intake,
    /// Deciding whether and how we can help.
    Triage,
    /// Collecting documents and facts.
    FactsGathering,
    /// The tenant has been told what the law gives them.
    AdviceGiven,
    /// We have asked the landlord or agent to return the deposit.
    LandlordRequested,
    /// The deposit scheme's free dispute service (ADR) is deciding.
    SchemeAdr,
    /// A letter before claim has been sent.
    LetterBeforeClaim,
    /// Talking about a settlement.
    Negotiating,
    /// A claim is before the county court or the First-tier Tribunal.
    Court,
    /// Collecting money that was awarded.
    Enforcement,
    /// The dispute has ended; the outcome is recorded.
    Resolved,
    /// Finished with; nothing more to do.
    Closed,
    /// Paused, to be taken up again where it stopped.
    OnHold,
    /// The tenant no longer wants our help.
    Withdrawn,
}

macro_rules! stage_table {
    ($($variant:ident => $key:literal, $label:literal, $tenant:literal;)+) => {
        impl Stage {
            /// Every stage, in the usual order of a case.
            pub const ALL: &'static [Stage] = &[$(Stage::$variant),+];
            /// The machine name, as stored and in the API.
            pub fn as_str(self) -> &'static str {
                match self { $(Stage::$variant => $key),+ }
            }
            /// The name volunteers see.
            pub fn label(self) -> &'static str {
                match self { $(Stage::$variant => $label),+ }
            }
            /// The plain-language status a tenant sees. The one place it is defined.
            pub fn tenant_label(self) -> &'static str {
                match self { $(Stage::$variant => $tenant),+ }
            }
            /// The stage for a machine name.
            pub fn parse(s: &str) -> Option<Stage> {
                match s { $($key => Some(Stage::$variant),)+ _ => None }
            }
        }
    };
}

stage_table! {
    Intake => "intake", "Intake", "Received";
    Triage => "triage", "Triage", "We're reviewing your case";
    FactsGathering => "facts_gathering", "Gathering facts", "We're reviewing your case";
    AdviceGiven => "advice_given", "Advice given", "We're reviewing your case";
    LandlordRequested => "landlord_requested", "Landlord asked", "Waiting for your landlord";
    SchemeAdr => "scheme_adr", "With the scheme (ADR)", "With the deposit scheme";
    LetterBeforeClaim => "letter_before_claim", "Letter before claim", "Waiting for your landlord";
    Negotiating => "negotiating", "Negotiating", "Waiting for your landlord";
    Court => "court", "Court or tribunal", "At court or tribunal";
    Enforcement => "enforcement", "Enforcement", "Collecting payment";
    Resolved => "resolved", "Resolved", "Resolved";
    Closed => "closed", "Closed", "Closed";
    OnHold => "on_hold", "On hold", "On hold";
    Withdrawn => "withdrawn", "Withdrawn", "Closed";
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Stage {
    /// Whether work on the case goes on (not resolved, closed or withdrawn).
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Resolved | Stage::Closed | Stage::Withdrawn)
    }

    /// Whether the case counts as closed in lists.
    pub fn is_closed(self) -> bool {
        matches!(self, Stage::Closed | Stage::Withdrawn)
    }

    /// The stages at which a case no one works waits in the "Unassigned" queue: those where
    /// there is work to do (not ended, not paused).
    pub fn queued() -> Vec<Stage> {
        Stage::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open() && *s != Stage::OnHold)
            .collect()
    }

    /// The stages listed as "open" (everything not closed).
    pub fn not_closed() -> Vec<Stage> {
        Stage::ALL
            .iter()
            .copied()
            .filter(|s| !s.is_closed())
            .collect()
    }

    /// The stages listed as "closed".
    pub fn closed() -> Vec<Stage> {
        Stage::ALL
            .iter()
            .copied()
            .filter(|s| s.is_closed())
            .collect()
    }

    /// The stages a case can move to next, ignoring guards. `held_from` is the stage an
    /// on-hold case was paused at.
    pub fn next(self, held_from: Option<Stage>) -> Vec<Stage> {
        use Stage::*;
        let mut next = match self {
            Intake => vec![Triage],
            Triage => vec![FactsGathering, Closed],
            FactsGathering => vec![AdviceGiven],
            AdviceGiven => vec![LandlordRequested, Resolved],
            LandlordRequested => vec![SchemeAdr, LetterBeforeClaim, Court, Resolved],
            SchemeAdr => vec![LetterBeforeClaim, Court, Enforcement, Resolved],
            LetterBeforeClaim => vec![Negotiating, Court, Resolved],
            Negotiating => vec![Court, Enforcement, Resolved],
            Court => vec![Enforcement, Resolved],
            Enforcement => vec![Resolved],
            Resolved => vec![Closed],
            Withdrawn => vec![Closed],
            Closed => vec![],
            OnHold => held_from
                .filter(|s| s.is_open() && *s != OnHold)
                .into_iter()
                .chain([Withdrawn])
                .collect(),
        };
        if self.is_open() && self != OnHold {
            next.extend([OnHold, Withdrawn]);
        }
        next
    }
}

/// Why a case was closed or rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeCode {
    /// Money was recovered or the dispute settled.
    Resolved,
    /// Outside what we help with (not a deposit dispute, not a private tenancy).
    NotEligible,
    /// The law gives the tenant nothing more.
    NoClaim,
    /// Sent to another service.
    Referred,
    /// The same dispute is already a case.
    Duplicate,
    /// The tenant stopped replying.
    LostContact,
    /// The tenant withdrew.
    Withdrawn,
    /// Anything else (say why).
    Other,
}

impl OutcomeCode {
    /// Every code, in display order.
    pub const ALL: &'static [OutcomeCode] = &[
        OutcomeCode::Resolved,
        OutcomeCode::NotEligible,
        OutcomeCode::NoClaim,
        OutcomeCode::Referred,
        OutcomeCode::Duplicate,
        OutcomeCode::LostContact,
        OutcomeCode::Withdrawn,
        OutcomeCode::Other,
    ];

    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeCode::Resolved => "resolved",
            OutcomeCode::NotEligible => "not_eligible",
            OutcomeCode::NoClaim => "no_claim",
            OutcomeCode::Referred => "referred",
            OutcomeCode::Duplicate => "duplicate",
            OutcomeCode::LostContact => "lost_contact",
            OutcomeCode::Withdrawn => "withdrawn",
            OutcomeCode::Other => "other",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            OutcomeCode::Resolved => "Resolved",
            OutcomeCode::NotEligible => "Not eligible for our help",
            OutcomeCode::NoClaim => "No claim in law",
            OutcomeCode::Referred => "Referred elsewhere",
            OutcomeCode::Duplicate => "Duplicate case",
            OutcomeCode::LostContact => "Lost contact with the tenant",
            OutcomeCode::Withdrawn => "Tenant withdrew",
            OutcomeCode::Other => "Other",
        }
    }

    /// The code for a machine name.
    pub fn parse(s: &str) -> Option<OutcomeCode> {
        OutcomeCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

/// How the dispute was won.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// The landlord or agent paid when asked.
    LandlordPaid,
    /// The scheme's adjudicator awarded it.
    AdrAward,
    /// An agreed settlement.
    Settlement,
    /// A court or tribunal judgment.
    Judgment,
    /// Nothing was recovered.
    NothingRecovered,
}

impl Route {
    /// Every route, in display order.
    pub const ALL: &'static [Route] = &[
        Route::LandlordPaid,
        Route::AdrAward,
        Route::Settlement,
        Route::Judgment,
        Route::NothingRecovered,
    ];

    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::LandlordPaid => "landlord_paid",
            Route::AdrAward => "adr_award",
            Route::Settlement => "settlement",
            Route::Judgment => "judgment",
            Route::NothingRecovered => "nothing_recovered",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Route::LandlordPaid => "The landlord or agent paid",
            Route::AdrAward => "Scheme ADR award",
            Route::Settlement => "Settlement",
            Route::Judgment => "Court or tribunal judgment",
            Route::NothingRecovered => "Nothing recovered",
        }
    }

    /// The route for a machine name.
    pub fn parse(s: &str) -> Option<Route> {
        Route::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

/// What was recovered, and how, when a case is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Outcome {
    /// The deposit (or part of it) returned.
    #[serde(rename = "deposit_pence")]
    pub deposit: Money,
    /// The penalty for not protecting the deposit.
    #[serde(rename = "penalty_pence")]
    pub penalty: Money,
    /// Prohibited payments refunded.
    #[serde(rename = "prohibited_pence")]
    pub prohibited: Money,
    /// Interest.
    #[serde(rename = "interest_pence")]
    pub interest: Money,
    /// How it was won.
    pub route: Route,
    /// When the money came, or the dispute ended.
    #[serde(with = "super::case::iso_date")]
    pub date: Date,
}

impl Outcome {
    /// Everything recovered.
    pub fn total(&self) -> Money {
        [self.penalty, self.prohibited, self.interest]
            .iter()
            .try_fold(self.deposit, |sum, m| sum.checked_add(*m))
            .unwrap_or(self.deposit)
    }
}

/// A request to move a case to another stage, with what the guards may ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransitionRequest {
    /// Why, in the volunteer's words.
    pub reason: Option<String>,
    /// Why closed or rejected.
    pub outcome_code: Option<OutcomeCode>,
    /// Go to court although the time limit has passed.
    pub override_time_limit: bool,
    /// What was recovered (to resolve).
    pub outcome: Option<Outcome>,
}

/// What the guards need to know about the case besides its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardFacts {
    /// Whether the deposit is in a known scheme.
    pub scheme_known: bool,
    /// The last day to claim, if known.
    pub claim_by: Option<Date>,
    /// Today.
    pub today: Date,
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// Not a legal move from here.
    Illegal {
        /// Where the case is.
        from: Stage,
        /// Where it was asked to go.
        to: Stage,
    },
    /// Legal, but a guard wants more (field errors).
    Needs(FieldErrors),
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransitionError::Illegal { from, to } => {
                write!(
                    f,
                    "A case cannot move from \"{}\" to \"{}\"",
                    from.label(),
                    to.label()
                )
            }
            TransitionError::Needs(_) => f.write_str("This move needs more information"),
        }
    }
}

/// Checks a move from `from` to `to`. On success returns the new `held_from` value.
pub fn check_transition(
    from: Stage,
    held_from: Option<Stage>,
    to: Stage,
    req: &TransitionRequest,
    facts: GuardFacts,
) -> Result<Option<Stage>, TransitionError> {
    if !from.next(held_from).contains(&to) {
        return Err(TransitionError::Illegal { from, to });
    }
    let mut errors = FieldErrors::default();
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let closing = to == Stage::Closed;
    if closing || to == Stage::Withdrawn {
        if reason.is_none() {
            errors.add("reason", "Say why the case is being closed");
        }
        if closing && req.outcome_code.is_none() {
            errors.add("outcome_code", "Choose an outcome code");
        }
    }
    if to == Stage::SchemeAdr && !facts.scheme_known {
        errors.add(
            "to",
            "Record which deposit scheme holds the deposit before using its ADR",
        );
    }
    if to == Stage::Court
        && let Some(limit) = facts.claim_by
        && facts.today > limit
    {
        if !req.override_time_limit {
            errors.add(
                "override",
                format!("The time limit to claim passed on {limit}. Tick the override to go to court anyway, and say why"),
            );
        } else if reason.is_none() {
            errors.add(
                "reason",
                "Say why the case goes to court after the time limit",
            );
        }
    }
    if to == Stage::Resolved && req.outcome.is_none() {
        errors.add("outcome", "Record what was recovered and how");
    }
    if !errors.is_empty() {
        return Err(TransitionError::Needs(errors));
    }
    Ok(match to {
        Stage::OnHold => Some(from),
        _ => None,
    })
}

/// The stage that sending a letter of `kind` brings a case to, when the case is not there
/// yet: an L1 asks the landlord or agent for the deposit (landlord asked); an L3 or L4 is a
/// letter before claim. A case that is past it, paused, withdrawn or finished is not moved
/// by a letter, and other letters move nothing.
pub fn stage_after_letter(
    kind: crate::domain::letters::LetterKind,
    current: Stage,
) -> Option<Stage> {
    use crate::domain::letters::LetterKind;
    use Stage::*;
    let target = match kind {
        LetterKind::L1 => LandlordRequested,
        LetterKind::L3 | LetterKind::L4 => LetterBeforeClaim,
        LetterKind::L2 | LetterKind::L5 | LetterKind::L6 => return None,
    };
    // The path a dispute takes up to a letter before claim, in order.
    let path = [
        Intake,
        Triage,
        FactsGathering,
        AdviceGiven,
        LandlordRequested,
        SchemeAdr,
        LetterBeforeClaim,
    ];
    let at = path.iter().position(|s| *s == current)?;
    let to = path.iter().position(|s| *s == target)?;
    (at < to).then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn facts() -> GuardFacts {
        GuardFacts {
            scheme_known: true,
            claim_by: Some(date!(2030 - 01 - 01)),
            today: TODAY,
        }
    }

    fn ok(from: Stage, to: Stage, req: &TransitionRequest) -> bool {
        check_transition(from, None, to, req, facts()).is_ok()
    }

    #[test]
    fn the_usual_path_is_legal() {
        let plain = TransitionRequest::default();
        for (from, to) in [
            (Stage::Intake, Stage::Triage),
            (Stage::Triage, Stage::FactsGathering),
            (Stage::FactsGathering, Stage::AdviceGiven),
            (Stage::AdviceGiven, Stage::LandlordRequested),
            (Stage::LandlordRequested, Stage::LetterBeforeClaim),
            (Stage::LetterBeforeClaim, Stage::Negotiating),
            (Stage::Negotiating, Stage::Court),
            (Stage::Court, Stage::Enforcement),
        ] {
            assert!(ok(from, to, &plain), "{from:?} -> {to:?}");
        }
        assert!(!ok(Stage::Intake, Stage::Court, &plain));
        assert!(!ok(Stage::Closed, Stage::Triage, &plain));
    }

    #[test]
    fn closing_needs_a_reason_and_a_code() {
        let Err(TransitionError::Needs(e)) = check_transition(
            Stage::Triage,
            None,
            Stage::Closed,
            &TransitionRequest::default(),
            facts(),
        ) else {
            panic!("closing without a reason was allowed");
        };
        assert!(e.contains("reason") && e.contains("outcome_code"));
        let req = TransitionRequest {
            reason: Some("Not a deposit dispute".into()),
            outcome_code: Some(OutcomeCode::NotEligible),
            ..Default::default()
        };
        assert!(ok(Stage::Triage, Stage::Closed, &req));
    }

    #[test]
    fn court_after_the_time_limit_needs_an_override_and_a_reason() {
        let late = GuardFacts {
            claim_by: Some(date!(2026 - 01 - 01)),
            ..facts()
        };
        let plain = TransitionRequest::default();
        let r = check_transition(Stage::LandlordRequested, None, Stage::Court, &plain, late);
        assert!(matches!(r, Err(TransitionError::Needs(e)) if e.contains("override")));
        let overridden = TransitionRequest {
            override_time_limit: true,
            ..Default::default()
        };
        let r = check_transition(
            Stage::LandlordRequested,
            None,
            Stage::Court,
            &overridden,
            late,
        );
        assert!(matches!(r, Err(TransitionError::Needs(e)) if e.contains("reason")));
        let with_reason = TransitionRequest {
            reason: Some("Limitation disputed".into()),
            ..overridden
        };
        assert!(
            check_transition(
                Stage::LandlordRequested,
                None,
                Stage::Court,
                &with_reason,
                late
            )
            .is_ok()
        );
    }

    #[test]
    fn adr_needs_a_known_scheme() {
        let unknown = GuardFacts {
            scheme_known: false,
            ..facts()
        };
        let r = check_transition(
            Stage::LandlordRequested,
            None,
            Stage::SchemeAdr,
            &TransitionRequest::default(),
            unknown,
        );
        assert!(matches!(r, Err(TransitionError::Needs(e)) if e.contains("to")));
    }

    #[test]
    fn on_hold_resumes_where_it_stopped() {
        let held = check_transition(
            Stage::Negotiating,
            None,
            Stage::OnHold,
            &TransitionRequest::default(),
            facts(),
        );
        assert_eq!(held, Ok(Some(Stage::Negotiating)));
        assert_eq!(
            Stage::OnHold.next(Some(Stage::Negotiating)),
            [Stage::Negotiating, Stage::Withdrawn]
        );
    }

    #[test]
    fn tenant_labels_are_plain() {
        assert_eq!(
            Stage::LandlordRequested.tenant_label(),
            "Waiting for your landlord"
        );
        assert_eq!(Stage::Withdrawn.tenant_label(), "Closed");
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(*s));
        }
    }

    fn any_stage() -> impl Strategy<Value = Stage> {
        proptest::sample::select(Stage::ALL.to_vec())
    }

    fn any_request() -> impl Strategy<Value = TransitionRequest> {
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(reason, code, over, outcome)| TransitionRequest {
                reason: reason.then(|| "because".to_string()),
                outcome_code: code.then_some(OutcomeCode::Other),
                override_time_limit: over,
                outcome: outcome.then_some(Outcome {
                    deposit: Money::ZERO,
                    penalty: Money::ZERO,
                    prohibited: Money::ZERO,
                    interest: Money::ZERO,
                    route: Route::Settlement,
                    date: TODAY,
                }),
            },
        )
    }

    proptest! {
        /// Whatever is attempted, in whatever order, the case only ever takes legal
        /// steps from Intake, closed cases never move, and closing always had a reason
        /// and a code.
        #[test]
        fn no_sequence_of_events_reaches_an_illegal_state(
            attempts in proptest::collection::vec((any_stage(), any_request(), any::<bool>()), 0..60)
        ) {
            let mut stage = Stage::Intake;
            let mut held: Option<Stage> = None;
            for (to, req, scheme_known) in attempts {
                let guard = GuardFacts { scheme_known, claim_by: Some(date!(2026 - 06 - 01)), today: TODAY };
                match check_transition(stage, held, to, &req, guard) {
                    Ok(new_held) => {
                        prop_assert!(stage.next(held).contains(&to));
                        prop_assert!(stage != Stage::Closed);
                        if to == Stage::Closed {
                            prop_assert!(req.reason.is_some() && req.outcome_code.is_some());
                        }
                        if to == Stage::SchemeAdr { prop_assert!(scheme_known); }
                        if to == Stage::Court { prop_assert!(req.override_time_limit && req.reason.is_some()); }
                        if to == Stage::Resolved { prop_assert!(req.outcome.is_some()); }
                        if to == Stage::OnHold { prop_assert_eq!(new_held, Some(stage)); }
                        stage = to;
                        held = new_held;
                    }
                    Err(TransitionError::Illegal { .. }) => prop_assert!(!stage.next(held).contains(&to)),
                    Err(TransitionError::Needs(e)) => prop_assert!(!e.is_empty()),
                }
                prop_assert!(stage != Stage::OnHold || held.is_some_and(|h| h.is_open() && h != Stage::OnHold));
            }
        }
    }

    #[test]
    fn a_sent_letter_moves_a_case_only_forwards() {
        use crate::domain::letters::LetterKind::{L1, L2, L3, L4};
        assert_eq!(
            stage_after_letter(L1, Stage::Intake),
            Some(Stage::LandlordRequested)
        );
        assert_eq!(
            stage_after_letter(L1, Stage::AdviceGiven),
            Some(Stage::LandlordRequested)
        );
        assert_eq!(stage_after_letter(L1, Stage::LandlordRequested), None);
        assert_eq!(
            stage_after_letter(L1, Stage::LetterBeforeClaim),
            None,
            "never back"
        );
        assert_eq!(
            stage_after_letter(L3, Stage::LandlordRequested),
            Some(Stage::LetterBeforeClaim)
        );
        assert_eq!(
            stage_after_letter(L4, Stage::SchemeAdr),
            Some(Stage::LetterBeforeClaim)
        );
        assert_eq!(stage_after_letter(L4, Stage::Negotiating), None);
        assert_eq!(
            stage_after_letter(L3, Stage::OnHold),
            None,
            "a paused case stays paused"
        );
        assert_eq!(stage_after_letter(L1, Stage::Withdrawn), None);
        assert_eq!(stage_after_letter(L2, Stage::Intake), None);
    }
}

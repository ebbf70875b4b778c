//! The letters caseworkers send (DOMAIN L1–L6): what each is, when it makes sense, and
//! the reply deadline sending it starts.

use serde::Serialize;
use time::Date;

use super::case::Jurisdiction;
use super::rules::{self, Param, RuleId};
use super::workflow::Stage;

/// A kind of letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum LetterKind {
    /// Request for return of the deposit / dispute of deductions.
    L1,
    /// Request for protection details and prescribed information.
    L2,
    /// Letter before claim: return of the deposit.
    L3,
    /// Letter before claim: deposit not protected or information not given.
    L4,
    /// Subject access request (UK GDPR Art. 15).
    L5,
    /// Holding deposit / prohibited payment.
    L6,
}

/// How long the recipient has to reply, from the day the letter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// As many days as the rule table's row for this rule says.
    Rule(RuleId),
    /// One calendar month (UK GDPR Art. 12(3) for subject access requests).
    OneMonth,
}

impl LetterKind {
    /// Every kind.
    pub const ALL: &'static [LetterKind] = &[
        LetterKind::L1,
        LetterKind::L2,
        LetterKind::L3,
        LetterKind::L4,
        LetterKind::L5,
        LetterKind::L6,
    ];

    /// "L1" … "L6".
    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::L1 => "L1",
            LetterKind::L2 => "L2",
            LetterKind::L3 => "L3",
            LetterKind::L4 => "L4",
            LetterKind::L5 => "L5",
            LetterKind::L6 => "L6",
        }
    }

    /// The kind for "L1" … "L6".
    pub fn parse(s: &str) -> Option<LetterKind> {
        LetterKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Its title (the PDF title and the list label).
    pub fn title(self) -> &'static str {
        match self {
            LetterKind::L1 => "Request for the return of a deposit",
            LetterKind::L2 => "Request for deposit protection details",
            LetterKind::L3 => "Letter before claim: return of the deposit",
            LetterKind::L4 => "Letter before claim: deposit protection",
            LetterKind::L5 => "Subject access request",
            LetterKind::L6 => "Refund of a prohibited payment",
        }
    }

    /// The tera template holding its wording.
    pub fn template(self) -> &'static str {
        match self {
            LetterKind::L1 => "letters/L1.txt",
            LetterKind::L2 => "letters/L2.txt",
            LetterKind::L3 => "letters/L3.txt",
            LetterKind::L4 => "letters/L4.txt",
            LetterKind::L5 => "letters/L5.txt",
            LetterKind::L6 => "letters/L6.txt",
        }
    }

    /// How long the recipient has to reply.
    pub fn reply(self) -> Reply {
        match self {
            LetterKind::L1 => Reply::Rule(RuleId::R8),
            LetterKind::L5 => Reply::OneMonth,
            _ => Reply::Rule(RuleId::R10),
        }
    }

    /// The stages in which this letter usually makes sense.
    pub fn suits(self, stage: Stage) -> bool {
        use Stage::*;
        match self {
            LetterKind::L1 => matches!(stage, FactsGathering | AdviceGiven | LandlordRequested),
            LetterKind::L2 => matches!(stage, Triage | FactsGathering | AdviceGiven),
            LetterKind::L3 => matches!(stage, LandlordRequested | LetterBeforeClaim | Negotiating),
            LetterKind::L4 => matches!(
                stage,
                AdviceGiven | LandlordRequested | LetterBeforeClaim | Negotiating
            ),
            LetterKind::L5 => matches!(
                stage,
                Triage | FactsGathering | AdviceGiven | LandlordRequested
            ),
            LetterKind::L6 => matches!(stage, FactsGathering | AdviceGiven | LandlordRequested),
        }
    }

    /// The free-text parts a volunteer may write: (field, label, hint).
    pub fn free_fields(self) -> &'static [(&'static str, &'static str, &'static str)] {
        const EXTRA: (&str, &str, &str) = (
            "extra",
            "Anything to add",
            "A paragraph printed before the sign-off",
        );
        match self {
            LetterKind::L3 => &[
                (
                    "earlier_request",
                    "Date of our earlier request",
                    "For example 3 March 2025",
                ),
                (
                    "adr",
                    "The scheme's free dispute service (ADR)",
                    "For example: offered on 3 March 2025 and refused",
                ),
                EXTRA,
            ],
            LetterKind::L5 => &[
                (
                    "date_range",
                    "Period the request covers",
                    "For example: January 2023 to today",
                ),
                EXTRA,
            ],
            LetterKind::L6 => &[
                (
                    "payment",
                    "The payment",
                    "For example: holding deposit of £250.00 paid on 1 May 2025",
                ),
                (
                    "why",
                    "Why it is prohibited",
                    "For example: the tenancy went ahead and it was not refunded",
                ),
                EXTRA,
            ],
            _ => &[EXTRA],
        }
    }
}

/// When the reply to a letter is due, and how the letter words the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyDue {
    /// The last day for a reply.
    pub due: Date,
    /// The window in words: "10 days", "one month".
    pub within: String,
    /// The law or rule the window comes from.
    pub citation: &'static str,
}

/// The day a letter sent on `sent` by `method` is taken to arrive (CPR 6.26 by analogy):
/// first-class post, the second business day after posting; e-mail or by hand on a
/// business day, that day; otherwise the next business day. Business days are those of
/// the letter's nation.
pub fn deemed_receipt(sent: Date, method: SendMethod, jurisdiction: Jurisdiction) -> Date {
    use super::holidays::{EW, S, is_business_day};
    let nation = if jurisdiction == Jurisdiction::Scotland {
        S
    } else {
        EW
    };
    let next_business = |from: Date| {
        let mut d = from;
        loop {
            match d.next_day() {
                Some(n) => d = n,
                None => return d,
            }
            if is_business_day(d, nation) {
                return d;
            }
        }
    };
    match method {
        SendMethod::Post => next_business(next_business(sent)),
        SendMethod::Email | SendMethod::Hand if is_business_day(sent, nation) => sent,
        SendMethod::Email | SendMethod::Hand => next_business(sent),
    }
}

/// The reply deadline of a letter of `kind` sent on `sent` by `method` in `jurisdiction`,
/// counted from its deemed receipt. Rules missing for a jurisdiction fall back to
/// England's row. "Within 10 days beginning with" (R8) counts the day of receipt as the
/// first; "14 days from receipt" (R10) starts the day after.
pub fn reply_due(
    kind: LetterKind,
    jurisdiction: Jurisdiction,
    sent: Date,
    method: SendMethod,
) -> Option<ReplyDue> {
    let receipt = deemed_receipt(sent, method, jurisdiction);
    match kind.reply() {
        Reply::OneMonth => Some(ReplyDue {
            due: rules::add_months(receipt, 1),
            within: "one month".into(),
            citation: "UK GDPR Art. 12(3)",
        }),
        Reply::Rule(id) => {
            let row = rules::rule(id, jurisdiction, sent)
                .or_else(|| rules::rule(id, Jurisdiction::England, sent))?;
            match row.param {
                Param::WithinDays { days } => Some(ReplyDue {
                    due: receipt
                        + time::Duration::days(if id == RuleId::R8 { days - 1 } else { days }),
                    within: format!("{days} days"),
                    citation: row.citation,
                }),
                _ => None,
            }
        }
    }
}

/// The facts a letter of `kind` must state that the case does not have yet: the field of
/// each (an API path, like `landlord.address`) and what to add. A letter is written only
/// when this is empty, so no letter ever reaches a landlord with a gap or a placeholder.
pub fn missing_facts(
    kind: LetterKind,
    facts: &super::case::CaseFacts,
    assessment: &rules::Assessment,
) -> Vec<(&'static str, &'static str)> {
    let mut out = addresses_missing(facts);
    let amount = facts.deposit.amount.is_none();
    let received = facts.deposit.instalments.is_empty();
    let start = facts.tenancy.start_date.is_none();
    let end = facts.tenancy.end_date.is_none();
    let returned = facts.deposit.returned.is_none();
    let scotland = facts.tenancy.jurisdiction == Jurisdiction::Scotland;
    let mut need = |missing: bool, field: &'static str, what: &'static str| {
        if missing {
            out.push((field, what));
        }
    };
    const AMOUNT: &str = "Add the deposit paid";
    const RETURNED: &str = "Add how much has been returned so far (£0.00 if nothing)";
    match kind {
        LetterKind::L1 => {
            need(amount, "deposit.amount_pence", AMOUNT);
            need(end, "tenancy.end_date", "Add the date the tenancy ended");
            need(returned, "deposit.returned_pence", RETURNED);
        }
        LetterKind::L2 => {
            need(amount, "deposit.amount_pence", AMOUNT);
            need(
                assessment.protection_due.is_none(),
                if scotland {
                    "tenancy.start_date"
                } else {
                    "deposit.received_date"
                },
                "Add the date the deposit was paid (in Scotland, the start of the tenancy), so that the letter can say when it had to be protected",
            );
        }
        LetterKind::L3 => {
            need(amount, "deposit.amount_pence", AMOUNT);
            need(
                received,
                "deposit.received_date",
                "Add the date the deposit was paid",
            );
            need(
                start,
                "tenancy.start_date",
                "Add the date the tenancy began",
            );
            need(end, "tenancy.end_date", "Add the date the tenancy ended");
            need(returned, "deposit.returned_pence", RETURNED);
        }
        LetterKind::L4 => {
            need(amount, "deposit.amount_pence", AMOUNT);
            need(
                received,
                "deposit.received_date",
                "Add the date the deposit was paid",
            );
            need(
                start,
                "tenancy.start_date",
                "Add the date the tenancy began",
            );
        }
        LetterKind::L5 | LetterKind::L6 => {}
    }
    out
}

/// The addresses every letter needs: where it goes, and the home it is about.
fn addresses_missing(facts: &super::case::CaseFacts) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let recipient = facts.agent.as_ref().or(facts.landlord.as_ref());
    match recipient {
        None => out.push((
            "landlord.name",
            "Add the landlord's or letting agent's name",
        )),
        Some(p) if p.address.as_deref().is_none_or(|a| a.trim().is_empty()) => {
            let field = if facts.agent.is_some() {
                "agent.address"
            } else {
                "landlord.address"
            };
            out.push((
                field,
                "Add the postal address the letter goes to (the landlord's or the agent's)",
            ));
        }
        Some(_) => {}
    }
    if facts.property.address.is_none() && facts.property.postcode.is_none() {
        out.push(("property.address", "Add the address of the rented home"));
    }
    out
}

/// A multiple of the deposit in words, as letters print it.
pub fn times_in_words(n: i64) -> String {
    match n {
        0 => "no".into(),
        1 => "one".into(),
        2 => "two".into(),
        3 => "three".into(),
        4 => "four".into(),
        5 => "five".into(),
        6 => "six".into(),
        n => n.to_string(),
    }
}

/// How a letter was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SendMethod {
    /// By post.
    Post,
    /// By e-mail.
    Email,
    /// By hand.
    Hand,
}

impl SendMethod {
    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            SendMethod::Post => "post",
            SendMethod::Email => "email",
            SendMethod::Hand => "hand",
        }
    }

    /// The method for a machine name.
    pub fn parse(s: &str) -> Option<SendMethod> {
        [SendMethod::Post, SendMethod::Email, SendMethod::Hand]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// The letter to write next when the landlord or agent has not answered a request (L1) by
/// its reply date: an L4 when the protection duties were breached (it claims the penalty as
/// well as the deposit), else an L3. None while no request's reply is overdue, and once a
/// letter before claim (L3 or L4) has been written. `letters` are each letter's kind and the
/// day its reply is due, if it was sent.
pub fn after_unanswered_request(
    letters: &[(LetterKind, Option<Date>)],
    breached: bool,
    today: Date,
) -> Option<LetterKind> {
    let before_claim = letters
        .iter()
        .any(|(k, _)| matches!(k, LetterKind::L3 | LetterKind::L4));
    let unanswered = letters
        .iter()
        .any(|(k, due)| *k == LetterKind::L1 && due.is_some_and(|d| d < today));
    (unanswered && !before_claim).then_some(if breached {
        LetterKind::L4
    } else {
        LetterKind::L3
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reply_deadlines_run_from_deemed_receipt() {
        // Thursday 26 November 2026, first-class post: deemed received Monday 30 November.
        let sent = date!(2026 - 11 - 26);
        let post = SendMethod::Post;
        assert_eq!(
            deemed_receipt(sent, post, Jurisdiction::England),
            date!(2026 - 11 - 30)
        );
        // In Scotland 30 November 2026 is St Andrew's Day: Tuesday 1 December.
        assert_eq!(
            deemed_receipt(sent, post, Jurisdiction::Scotland),
            date!(2026 - 12 - 01)
        );
        // E-mail on a Saturday: the next business day.
        assert_eq!(
            deemed_receipt(
                date!(2026 - 11 - 28),
                SendMethod::Email,
                Jurisdiction::Wales
            ),
            date!(2026 - 11 - 30)
        );
        assert_eq!(
            deemed_receipt(sent, SendMethod::Hand, Jurisdiction::England),
            sent
        );
        // L1 (R8): 10 days beginning with receipt. L3 (R10): 14 days after it.
        assert_eq!(
            reply_due(LetterKind::L1, Jurisdiction::England, sent, post).map(|d| d.due),
            Some(date!(2026 - 12 - 09))
        );
        assert_eq!(
            reply_due(LetterKind::L3, Jurisdiction::Wales, sent, post).map(|d| d.due),
            Some(date!(2026 - 12 - 14))
        );
        assert_eq!(
            reply_due(LetterKind::L4, Jurisdiction::Scotland, sent, post).map(|d| d.due),
            Some(date!(2026 - 12 - 15))
        );
        assert_eq!(
            reply_due(
                LetterKind::L5,
                Jurisdiction::England,
                date!(2026 - 01 - 29),
                SendMethod::Hand
            )
            .map(|d| d.due),
            Some(date!(2026 - 02 - 28))
        );
        for k in LetterKind::ALL {
            assert_eq!(LetterKind::parse(k.as_str()), Some(*k));
            assert!(reply_due(*k, Jurisdiction::Scotland, sent, post).is_some());
        }
        let words = |k| reply_due(k, Jurisdiction::England, sent, post).map(|r| r.within);
        assert_eq!(words(LetterKind::L1).as_deref(), Some("10 days"));
        assert_eq!(words(LetterKind::L3).as_deref(), Some("14 days"));
        assert_eq!(words(LetterKind::L5).as_deref(), Some("one month"));
    }

    #[test]
    fn an_unanswered_request_suggests_the_letter_before_claim() {
        use time::macros::date;
        let today = date!(2026 - 12 - 10);
        let sent = [(LetterKind::L1, Some(date!(2026 - 12 - 05)))];
        assert_eq!(
            after_unanswered_request(&sent, true, today),
            Some(LetterKind::L4)
        );
        assert_eq!(
            after_unanswered_request(&sent, false, today),
            Some(LetterKind::L3)
        );
        let running = [(LetterKind::L1, Some(date!(2026 - 12 - 12)))];
        assert_eq!(
            after_unanswered_request(&running, true, today),
            None,
            "still in time"
        );
        let unsent = [(LetterKind::L1, None)];
        assert_eq!(after_unanswered_request(&unsent, true, today), None);
        let done = [sent[0], (LetterKind::L3, None)];
        assert_eq!(
            after_unanswered_request(&done, true, today),
            None,
            "already written"
        );
    }
}

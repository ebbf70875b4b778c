//! The banner the case page opens with after an action on the case: what was done, and
//! what comes next.

use serde::Serialize;
use uuid::Uuid;

/// What was just done to a case: the case page opens with a banner that says so and what
/// comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Done {
    /// Taken in.
    Created,
    /// Its facts changed.
    Edited,
    /// A note added.
    Note,
    /// A look-up of the schemes recorded.
    SchemeCheck,
    /// Who works it changed.
    Assigned,
    /// The reader took it on.
    Taken,
    /// It moved to another stage.
    Moved,
    /// A letter was written.
    Letter,
    /// A letter was marked sent.
    Sent,
    /// A reply went to the tenant.
    Reply,
    /// A document was added.
    Document,
}

impl Done {
    /// Every thing that can be done, for reading the address back.
    const ALL: [Done; 11] = [
        Done::Created,
        Done::Edited,
        Done::Note,
        Done::SchemeCheck,
        Done::Assigned,
        Done::Taken,
        Done::Moved,
        Done::Letter,
        Done::Sent,
        Done::Reply,
        Done::Document,
    ];

    /// Its name in the address, the part of the page it concerns, what happened and what
    /// is next.
    fn row(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Done::Created => (
                "created",
                "summary",
                "Case taken in",
                "You work this case. Next: check what the law gives the tenant, below, then write to the landlord.",
            ),
            Done::Edited => (
                "edited",
                "summary",
                "Changes saved",
                "What the law gives the tenant, below, uses them.",
            ),
            Done::Note => (
                "note",
                "timeline",
                "Note added",
                "It is on the timeline, for your group only: the tenant never sees notes.",
            ),
            Done::SchemeCheck => (
                "scheme-check",
                "scheme-checks",
                "Scheme look-up recorded",
                "What the law gives the tenant, below, takes it into account.",
            ),
            Done::Assigned => (
                "assigned",
                "assignees",
                "Saved who works this case",
                "They see it on their home page.",
            ),
            Done::Taken => (
                "taken",
                "summary",
                "You work this case now",
                "It is on your home page. Next: read the facts and contact the tenant.",
            ),
            Done::Moved => (
                "moved",
                "summary",
                "Case moved",
                "The tenant sees the new stage when they check their case.",
            ),
            Done::Letter => (
                "letter",
                "letters",
                "Letter written",
                "Download it and send it, then mark it sent under Letters.",
            ),
            Done::Sent => (
                "sent",
                "letters",
                "Letter marked as sent",
                "Its reply deadline is on your home page. If no reply comes in time, write the next letter.",
            ),
            Done::Reply => (
                "reply",
                "messages",
                "Reply sent to the tenant",
                "They see it when they check their case.",
            ),
            Done::Document => (
                "document",
                "documents",
                "Document added",
                "Choose under Documents whether the tenant sees it.",
            ),
        }
    }

    /// The banner for it.
    pub fn notice(self) -> Notice {
        let (_, anchor, title, next) = self.row();
        Notice {
            title,
            next,
            anchor,
        }
    }

    /// The `done` value in the case page's address.
    pub fn as_str(self) -> &'static str {
        self.row().0
    }

    /// The thing done for a `done` value; none for anything else.
    pub fn parse(s: &str) -> Option<Done> {
        Done::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Where the case page goes after it: the banner, which links to the part concerned.
    pub fn page(self, case: Uuid) -> String {
        format!("/cases/{case}?done={}#done", self.as_str())
    }
}

/// The banner of what was just done.
#[derive(Debug, Serialize)]
pub(super) struct Notice {
    pub title: &'static str,
    pub next: &'static str,
    /// The part of the page it concerns.
    pub anchor: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thing_done_reads_back_from_its_address() {
        let mut names: Vec<&str> = Done::ALL.iter().map(|d| d.as_str()).collect();
        for d in Done::ALL {
            assert_eq!(Done::parse(d.as_str()), Some(d));
            assert!(
                d.page(Uuid::nil())
                    .ends_with(&format!("?done={}#done", d.as_str()))
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Done::ALL.len(), "every name is its own");
        assert_eq!(Done::parse("anything else"), None);
    }
}

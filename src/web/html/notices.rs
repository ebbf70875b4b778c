//! What a page says at its top after an action that sent the visitor there (`?done=…`):
//! what happened, and what is next. The case page has its own ([`super::case_done`]).

use serde::Serialize;

/// An action that just happened, outside the case page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A user was added.
    UserAdded,
    /// A user's role or groups changed.
    UserSaved,
    /// A user was disabled.
    UserDisabled,
    /// A user may sign in again.
    UserEnabled,
    /// A group was added.
    GroupAdded,
    /// A group's details changed.
    GroupSaved,
    /// A group's wording of a letter was saved.
    WordingSaved,
    /// An API token was revoked.
    TokenRevoked,
    /// Several cases were changed at once.
    CasesChanged,
    /// A new password was chosen through a reset link.
    PasswordReset,
}

/// The banner's words.
#[derive(Debug, Serialize)]
pub struct Banner {
    /// What happened.
    pub title: &'static str,
    /// What is next.
    pub next: &'static str,
}

impl Notice {
    /// Every notice.
    pub const ALL: [Notice; 10] = [
        Notice::UserAdded,
        Notice::UserSaved,
        Notice::UserDisabled,
        Notice::UserEnabled,
        Notice::GroupAdded,
        Notice::GroupSaved,
        Notice::WordingSaved,
        Notice::TokenRevoked,
        Notice::CasesChanged,
        Notice::PasswordReset,
    ];

    /// Its name in `?done=`.
    pub fn key(self) -> &'static str {
        match self {
            Notice::UserAdded => "user-added",
            Notice::UserSaved => "user-saved",
            Notice::UserDisabled => "user-disabled",
            Notice::UserEnabled => "user-enabled",
            Notice::GroupAdded => "group-added",
            Notice::GroupSaved => "group-saved",
            Notice::WordingSaved => "wording-saved",
            Notice::TokenRevoked => "token-revoked",
            Notice::CasesChanged => "cases-changed",
            Notice::PasswordReset => "password-reset",
        }
    }

    /// The notice named `key`, if any.
    pub fn parse(key: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.key() == key)
    }

    /// The notice named by a query string's `done`, if any.
    pub fn from_query(query: Option<&str>) -> Option<Notice> {
        form_urlencoded::parse(query?.as_bytes())
            .find(|(k, _)| k == "done")
            .and_then(|(_, v)| Notice::parse(&v))
    }

    /// `path` (which may have a query already) with this notice, landing on the banner.
    pub fn at(self, path: &str) -> String {
        let join = if path.contains('?') { '&' } else { '?' };
        format!("{path}{join}done={}#done", self.key())
    }

    /// What the banner says.
    pub fn banner(self) -> Banner {
        let (title, next) = match self {
            Notice::UserAdded => (
                "User added",
                "Give them their e-mail address and password; they can change the password on their account page.",
            ),
            Notice::UserSaved => (
                "User changed",
                "Their new role and groups apply from their next page.",
            ),
            Notice::UserDisabled => (
                "User disabled",
                "They are signed out and cannot sign in. Their cases and notes stay; let them sign in again from their page.",
            ),
            Notice::UserEnabled => (
                "User can sign in again",
                "They sign in with the password they had, or a reset link from their page.",
            ),
            Notice::GroupAdded => (
                "Group added",
                "Add its volunteers under Users, and its postcode areas so that online requests reach it.",
            ),
            Notice::GroupSaved => (
                "Group changed",
                "Letters written from now on use its new details.",
            ),
            Notice::WordingSaved => (
                "Wording saved",
                "Letters of this kind written from now on use it; letters already written keep theirs.",
            ),
            Notice::TokenRevoked => (
                "API token revoked",
                "Anything that used it can no longer reach tenantcase.",
            ),
            Notice::PasswordReset => (
                "Your new password is saved",
                "Sign in with it. You were signed out everywhere else.",
            ),
            Notice::CasesChanged => (
                "The selected cases were changed",
                "Each case's timeline says what changed and who changed it.",
            ),
        };
        Banner { title, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_notice_reads_back_from_its_address() {
        for n in Notice::ALL {
            let at = n.at("/x");
            let query = at
                .split_once('?')
                .map(|(_, q)| q.split('#').next().unwrap_or(""));
            assert_eq!(Notice::from_query(query), Some(n), "{at}");
            assert!(!n.banner().title.is_empty());
        }
        assert_eq!(
            Notice::CasesChanged.at("/cases?status=open"),
            "/cases?status=open&done=cases-changed#done"
        );
        assert_eq!(Notice::from_query(Some("done=nothing")), None);
        assert_eq!(Notice::from_query(None), None);
    }
}

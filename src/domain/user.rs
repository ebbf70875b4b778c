//! People who use tenantcase to work cases, and their roles.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works the cases of their groups.
    Volunteer,
    /// Manages the cases and volunteers of their groups.
    Coordinator,
    /// Everything.
    Admin,
}

impl Role {
    /// Every role, the least first.
    pub const ALL: [Role; 3] = [Role::Volunteer, Role::Coordinator, Role::Admin];

    /// What the role may do, in a sentence for whoever grants it.
    pub fn description(self) -> &'static str {
        match self {
            Role::Volunteer => "Volunteer: works the cases of their groups",
            Role::Coordinator => "Coordinator: also assigns the cases of their groups",
            Role::Admin => "Admin: everything, in every group",
        }
    }

    /// The machine name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    /// The role for a machine name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "volunteer" => Some(Role::Volunteer),
            "coordinator" => Some(Role::Coordinator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is asking: a signed-in user (through a session or an API token), their role and
/// their groups. Every access rule is a method here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User id.
    pub user_id: Uuid,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The local groups they belong to.
    pub groups: Vec<Uuid>,
    /// The network address the request came from, for the audit log.
    pub address: Option<String>,
}

impl Principal {
    /// Admins see every group; others see their own.
    pub fn sees_group(&self, group: Uuid) -> bool {
        self.role == Role::Admin || self.groups.contains(&group)
    }

    /// Cases of a group are read and worked (edits, notes) by its members and by admins.
    pub fn can_work_case(&self, group: Uuid) -> bool {
        self.sees_group(group)
    }

    /// Whether they belong to the group: members can be assigned its cases, and take on
    /// one that no one works.
    pub fn member_of(&self, group: Uuid) -> bool {
        self.groups.contains(&group)
    }

    /// Coordinators assign the cases of their groups; admins any.
    pub fn can_assign(&self, group: Uuid) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Coordinator => self.groups.contains(&group),
            Role::Volunteer => false,
        }
    }

    /// Coordinators and admins: they see their groups' deadline lists, write letters in
    /// batches and change the wording of letters.
    pub fn coordinates(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Coordinator)
    }

    /// Whether this principal leads `group`: admins lead every group, coordinators their
    /// own (they assign its cases and change its letters' wording).
    pub fn leads(&self, group: Uuid) -> bool {
        self.can_assign(group)
    }

    /// Whether setting user `id` to `role` (and `active` or not) would take this principal's
    /// own admin role away or disable them: refused, so that an admin cannot lock the
    /// organisation out by mistake.
    pub fn would_demote_self(&self, id: Uuid, role: Role, active: bool) -> bool {
        id == self.user_id && (!active || role != Role::Admin)
    }

    /// Whether this principal may give someone `role`: admins any, coordinators only the
    /// volunteer role.
    pub fn may_grant(&self, role: Role) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Coordinator => role == Role::Volunteer,
            Role::Volunteer => false,
        }
    }

    /// Only admins manage groups and read the audit log.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Admins manage every user; coordinators the volunteers of their groups.
    pub fn manages_users(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Coordinator)
    }

    /// Whether this principal may manage a user with `role` in `groups`.
    pub fn manages(&self, role: Role, groups: &[Uuid]) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Coordinator => {
                role == Role::Volunteer && groups.iter().any(|g| self.groups.contains(g))
            }
            Role::Volunteer => false,
        }
    }

    /// The groups whose cases a list shows: `None` for all (admins).
    pub fn visible_groups(&self) -> Option<Vec<Uuid>> {
        (self.role != Role::Admin).then(|| self.groups.clone())
    }
}

/// A normalised (trimmed, lower-case) e-mail address used to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginEmail(String);

impl LoginEmail {
    /// Parses an address like `name@example.org`.
    pub fn parse(input: &str) -> Result<LoginEmail, &'static str> {
        let s = input.trim().to_lowercase();
        let ok = s.len() <= 254
            && !s.chars().any(char::is_whitespace)
            && s.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'));
        if ok {
            Ok(LoginEmail(s))
        } else {
            Err("Enter an e-mail address like name@example.org")
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The least strength a password must have, as zxcvbn scores it (0 to 4): 3 is "safely
/// unguessable", about 10⁸ guesses or more.
const MIN_PASSWORD_SCORE: u8 = 3;

/// Checks a new password against the policy: 12 to 1024 characters, and hard to guess as
/// zxcvbn judges it (common passwords, words, keyboard runs, repeats, dates, and `about`:
/// the person's own name and e-mail address, and the words of this app all count against
/// it).
pub fn check_new_password(password: &str, about: &[&str]) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if n > 1024 {
        return Err("Use 1024 characters or fewer".into());
    }
    // Words of this app and its work count against a password as its own words would.
    // zxcvbn matches whole words, so names and addresses are split into theirs.
    let own: Vec<String> = about
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() > 2)
        .map(str::to_lowercase)
        .collect();
    let words: Vec<&str> = own
        .iter()
        .map(String::as_str)
        .chain([
            "tenantcase",
            "tenant",
            "deposit",
            "landlord",
            "letting",
            "agent",
        ])
        .collect();
    let judged = zxcvbn::zxcvbn(password, &words);
    if u8::from(judged.score()) >= MIN_PASSWORD_SCORE {
        return Ok(());
    }
    let why = judged.feedback().and_then(|f| {
        f.warning()
            .map(|w| w.to_string())
            .or_else(|| f.suggestions().first().map(|s| s.to_string()))
    });
    Err(match why {
        Some(why) => format!("This password is too easy to guess. {why}"),
        None => "This password is too easy to guess: add another word or two".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            LoginEmail::parse(" Ana@Example.ORG ").map(|e| e.0),
            Ok("ana@example.org".into())
        );
        assert!(LoginEmail::parse("ana").is_err());
        assert!(LoginEmail::parse("a b@example.org").is_err());
    }

    #[test]
    fn short_or_common_passwords_are_refused() {
        assert!(check_new_password("short", &[]).is_err());
        assert!(
            check_new_password("Password1234", &[]).is_err(),
            "common, in any case"
        );
        assert!(
            check_new_password("zzzzzzzzzzzzzz", &[]).is_err(),
            "one character repeated"
        );
        assert!(
            check_new_password("qwertyuiop1234", &[]).is_err(),
            "a keyboard run"
        );
        assert!(check_new_password("tenantcase1234", &[]).is_err());
        let err = check_new_password("dragon123456", &[]);
        assert!(
            err.as_ref()
                .is_err_and(|m| m.starts_with("This password is too easy to guess")),
            "{err:?}"
        );
        assert!(check_new_password("a long enough passphrase", &[]).is_ok());
        assert!(check_new_password("tulip kettle orbit gravel", &[]).is_ok());
    }

    #[test]
    fn access_follows_role_and_group() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let p = |role| Principal {
            user_id: Uuid::nil(),
            name: String::new(),
            role,
            groups: vec![a],
            address: None,
        };
        assert!(p(Role::Volunteer).can_work_case(a));
        assert!(!p(Role::Volunteer).can_work_case(b));
        assert!(!p(Role::Volunteer).can_assign(a));
        assert!(p(Role::Coordinator).can_assign(a));
        assert!(!p(Role::Coordinator).can_assign(b));
        assert!(p(Role::Admin).can_assign(b) && p(Role::Admin).can_work_case(b));
        assert_eq!(p(Role::Admin).visible_groups(), None);
        assert_eq!(p(Role::Coordinator).visible_groups(), Some(vec![a]));
        assert!(p(Role::Coordinator).manages(Role::Volunteer, &[b, a]));
        assert!(!p(Role::Coordinator).manages(Role::Volunteer, &[b]));
        assert!(!p(Role::Coordinator).manages(Role::Coordinator, &[a]));
        assert!(!p(Role::Volunteer).manages(Role::Volunteer, &[a]));
        assert!(!p(Role::Volunteer).coordinates());
        assert!(p(Role::Coordinator).coordinates() && p(Role::Admin).coordinates());
        assert!(p(Role::Coordinator).leads(a) && !p(Role::Coordinator).leads(b));
        assert!(!p(Role::Volunteer).leads(a) && p(Role::Admin).leads(b));
        assert!(p(Role::Coordinator).may_grant(Role::Volunteer));
        assert!(!p(Role::Coordinator).may_grant(Role::Coordinator));
        assert!(p(Role::Admin).may_grant(Role::Admin));
        assert!(!p(Role::Volunteer).may_grant(Role::Volunteer));
    }
}

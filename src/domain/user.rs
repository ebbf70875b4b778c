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

/// Passwords that are long enough but among the most used (from public breach
/// frequency lists), compared after lower-casing.
const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678910",
    "123456789101",
    "qwertyuiopas",
    "qwertyuiop123",
    "qwerty123456",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "iloveyou1234",
    "abcdefghijkl",
    "abc123456789",
    "111111111111",
    "000000000000",
    "aaaaaaaaaaaa",
    "letmein12345",
    "welcome12345",
    "welcome123456",
    "administrator",
    "administrator1",
    "changeme1234",
    "monkey123456",
    "football1234",
    "baseball1234",
    "superman1234",
    "trustno11234",
    "sunshine1234",
    "princess1234",
    "starwars1234",
    "dragon123456",
    "master123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "qazwsxedcrfv",
    "asdfghjkl123",
    "asdfghjkl;'#",
    "zxcvbnm12345",
    "correcthorsebatterystaple",
    "correct horse battery staple",
    "tenantcase123",
    "tenantcase1234",
    "deposit12345",
    "landlord1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "passw0rd1234",
    "qwertyqwerty",
    "11223344556677",
];

/// Checks a new password against the policy: 12 characters or more, and not a common one.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if n > 1024 {
        return Err("Use 1024 characters or fewer".into());
    }
    let lower = password.to_lowercase();
    let one_char = lower.chars().all(|c| lower.starts_with(c));
    if one_char || COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err("This password is too common: choose one that is harder to guess".into());
    }
    Ok(())
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
        assert!(check_new_password("short").is_err());
        assert!(
            check_new_password("Password1234").is_err(),
            "common, in any case"
        );
        assert!(
            check_new_password("zzzzzzzzzzzzzz").is_err(),
            "one character repeated"
        );
        assert!(check_new_password("a long enough passphrase").is_ok());
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

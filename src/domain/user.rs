//! People who use tenantcase to work cases, and their roles.

use std::fmt;

use serde::{Deserialize, Serialize};

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

/// Checks a new password against the policy.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if n > 1024 {
        return Err("Use 1024 characters or fewer".into());
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
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("a long enough passphrase").is_ok());
    }
}

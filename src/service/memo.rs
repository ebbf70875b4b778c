//! Who is behind a bearer token or a tenant's session, and each group, kept in memory for a
//! moment, so that a busy API client's reads cost one query for the case and not three more
//! for the caller, and a tenant's status page does not read their session each time.
//!
//! An entry is used only while it is younger than [`FRESH_FOR`] and no change to who people
//! are ([`crate::db::auth_epoch`]: a role, an active flag, a membership, a revoked token, an
//! ended tenant session, a group) has been made since it was read. On this server such a
//! change makes every entry stale at once. Another server of the same PostgreSQL database hears of it by `NOTIFY` when
//! the change commits ([`crate::db::listen_for_auth_changes`]); if it missed the notice, the
//! entry ages out within [`FRESH_FOR`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::db;
use crate::db::groups::Group;
use crate::domain::user::Principal;

/// How long an entry may be used without reading it again.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// At most this many entries are kept; past it, a memo starts again empty.
const MAX_ENTRIES: usize = 10_000;

/// What is kept: the callers behind bearer tokens (by the token's hash), tenant sessions,
/// and groups.
#[derive(Debug, Default)]
pub struct Memos {
    /// The caller behind a token, by the token's hash.
    pub tokens: Memo<String, TokenHolder>,
    /// Live tenant sessions, by their stored id. Ending one counts as a change to who
    /// people are ([`crate::db::portal::delete_tenant_session`]).
    pub tenant_sessions: Memo<String, db::portal::TenantSessionRow>,
    /// Groups by id.
    pub groups: Memo<Uuid, Group>,
    /// Every group, in name order.
    pub all_groups: Memo<(), Arc<Vec<Group>>>,
}

/// A live token and who holds it.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    /// The token's id.
    pub token_id: Uuid,
    /// When it was last recorded as used.
    pub last_used: Option<time::OffsetDateTime>,
    /// Its holder, without a network address.
    pub principal: Principal,
}

/// Values by key, each used while fresh.
#[derive(Debug)]
pub struct Memo<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
}

#[derive(Debug)]
struct Entry<V> {
    value: V,
    stamp: Stamp,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

/// Taken before a value is read from the database, and handed to [`Memo::put`] with it, so
/// that a value read before a change is never used after it.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    epoch: u64,
    read_at: Instant,
}

impl Stamp {
    /// Now, and the changes made so far.
    pub fn now() -> Stamp {
        Stamp {
            epoch: db::auth_epoch(),
            read_at: Instant::now(),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// The value kept for `key`, if it is still fresh.
    pub fn get(&self, key: &K) -> Option<V> {
        self.get_at(key, Instant::now())
    }

    fn get_at(&self, key: &K, now: Instant) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        let fresh = entry.stamp.epoch == db::auth_epoch()
            && now.saturating_duration_since(entry.stamp.read_at) < FRESH_FOR;
        fresh.then(|| entry.value.clone())
    }

    /// Keeps `value` for `key`, as read after `stamp` was taken.
    pub fn put(&self, key: K, value: V, stamp: Stamp) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key, Entry { value, stamp });
        }
    }

    /// Forgets the value for `key`.
    pub fn forget(&self, key: &K) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }
}

/// The group `id`, from the memo while fresh.
pub async fn group(
    c: &impl sea_orm::ConnectionTrait,
    memos: &Memos,
    id: Uuid,
) -> Result<Option<Group>, sea_orm::DbErr> {
    if let Some(g) = memos.groups.get(&id) {
        return Ok(Some(g));
    }
    let stamp = Stamp::now();
    let found = db::groups::by_id(c, id).await?;
    if let Some(g) = &found {
        memos.groups.put(id, g.clone(), stamp);
    }
    Ok(found)
}

/// Every group in name order, from the memo while fresh.
pub async fn all_groups(
    c: &impl sea_orm::ConnectionTrait,
    memos: &Memos,
) -> Result<Arc<Vec<Group>>, sea_orm::DbErr> {
    if let Some(all) = memos.all_groups.get(&()) {
        return Ok(all);
    }
    let stamp = Stamp::now();
    let all = Arc::new(db::groups::all(c).await?);
    memos.all_groups.put((), Arc::clone(&all), stamp);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_used_while_fresh_and_not_after_a_change() {
        let memo: Memo<&str, u32> = Memo::default();
        // Other tests in this process may make changes at any moment: try a few times.
        let kept = (0..5).any(|_| {
            memo.put("k", 1, Stamp::now());
            memo.get(&"k") == Some(1)
        });
        assert!(kept, "a fresh entry is used");
        memo.put("k", 1, Stamp::now());
        assert_eq!(
            memo.get_at(&"k", Instant::now() + FRESH_FOR),
            None,
            "aged out"
        );

        memo.put("k", 2, Stamp::now());
        db::note_auth_change();
        assert_eq!(memo.get(&"k"), None, "a change since it was read");

        // A value read before a change, and kept after it, is not used either.
        let before = Stamp::now();
        db::note_auth_change();
        memo.put("k", 3, before);
        assert_eq!(memo.get(&"k"), None);

        memo.put("k", 4, Stamp::now());
        memo.forget(&"k");
        assert_eq!(memo.get(&"k"), None);
    }
}

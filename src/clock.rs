//! Where "now" comes from, so that rules and tests are deterministic.

use std::sync::Arc;

use time::{Date, OffsetDateTime};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;

    /// Today's date in the UK (see [`crate::domain::dates::uk_time`]).
    fn today(&self) -> Date {
        crate::domain::dates::uk_time(self.now()).date()
    }
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock stopped at one instant, for tests and benchmarks.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// A clock that stands still until it is moved: for tests of what happens as time passes
/// (session expiry, throttle windows reopening, letters written days before they are sent).
#[derive(Debug)]
pub struct MovableClock(std::sync::Mutex<OffsetDateTime>);

impl MovableClock {
    /// A clock standing at `at`.
    pub fn new(at: OffsetDateTime) -> MovableClock {
        MovableClock(std::sync::Mutex::new(at))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: OffsetDateTime) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: time::Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for MovableClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A shared clock.
pub type SharedClock = Arc<dyn Clock>;

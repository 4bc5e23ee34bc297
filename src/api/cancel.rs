//! A cancellation token with an optional deadline, shared by any number of calls (like a Go
//! context). Triggering it is one atomic store, so a signal handler may do it.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// No deadline set.
const NO_DEADLINE: u64 = u64::MAX;

#[derive(Debug)]
struct Flags {
    cancelled: AtomicBool,
    /// Nanoseconds after [`epoch`], or [`NO_DEADLINE`].
    deadline: AtomicU64,
}

/// Every call observing a `Cancel` ends with `Cancelled` once [`Cancel::cancel`] is called, and
/// with `Timeout` once its deadline ([`Cancel::set_timeout`]) has passed: at once between
/// attempts and during every sleep, and within about 50 ms while an HTTP request is in flight.
/// Clones share one state.
#[derive(Debug, Clone)]
pub struct Cancel(Arc<Flags>);

impl Default for Cancel {
    fn default() -> Cancel {
        Cancel(Arc::new(Flags {
            cancelled: AtomicBool::new(false),
            deadline: AtomicU64::new(NO_DEADLINE),
        }))
    }
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// A token whose deadline is `timeout` from now.
    pub fn with_timeout(timeout: Duration) -> Cancel {
        let cancel = Cancel::new();
        cancel.set_timeout(timeout);
        cancel
    }

    /// Asks every call that observes this token to stop; they return a `Cancelled` error.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Sets the deadline to `timeout` from now (replacing any earlier one). Calls observing the
    /// token end by then with a `Timeout` error, whatever the client's own `timeoutMs`.
    pub fn set_timeout(&self, timeout: Duration) {
        let at = Instant::now()
            .saturating_duration_since(epoch())
            .saturating_add(timeout);
        let nanos = u64::try_from(at.as_nanos()).unwrap_or(NO_DEADLINE - 1);
        self.0.deadline.store(nanos, Ordering::SeqCst);
    }

    /// The deadline, if one is set.
    pub fn deadline(&self) -> Option<Instant> {
        match self.0.deadline.load(Ordering::SeqCst) {
            NO_DEADLINE => None,
            nanos => epoch().checked_add(Duration::from_nanos(nanos)),
        }
    }
}

/// The instant deadlines are counted from (fixed at first use).
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag_and_the_deadline() {
        let cancel = Cancel::new();
        let clone = cancel.clone();
        assert_eq!(clone.deadline(), None);
        cancel.set_timeout(Duration::from_secs(5));
        let left = clone.deadline().unwrap() - Instant::now();
        assert!(left > Duration::from_secs(4) && left <= Duration::from_secs(5));
        assert!(!clone.is_cancelled());
        cancel.cancel();
        assert!(clone.is_cancelled());
    }

    #[test]
    fn huge_timeouts_do_not_overflow() {
        let cancel = Cancel::with_timeout(Duration::MAX);
        assert!(cancel.deadline().is_some_and(|d| d > Instant::now()));
    }
}

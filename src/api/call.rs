//! What bounds one call: a deadline for the whole of it (attempts, backoff and `Retry-After`
//! sleeps included) and the [`Cancel`] token that may stop it.

use std::thread;
use std::time::{Duration, Instant};

use super::Cancel;
use crate::error::{Error, Result};

/// The longest a sleep goes without looking at the cancel token.
const CANCEL_CHECK: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    deadline: Instant,
    /// The time the call was given, for messages.
    limit: Duration,
    cancel: Option<&'a Cancel>,
}

impl<'a> Call<'a> {
    /// A call that may run for `limit`, or until the token's own deadline when it has one.
    pub(crate) fn new(limit: Duration, cancel: Option<&'a Cancel>) -> Call<'a> {
        let now = Instant::now();
        let deadline = cancel.and_then(Cancel::deadline).unwrap_or_else(|| {
            now.checked_add(limit)
                .unwrap_or(now + Duration::from_secs(86_400))
        });
        Call {
            deadline,
            limit: deadline.saturating_duration_since(now),
            cancel,
        }
    }

    /// The same call, also ending `limit` from now if that comes first (one poll of a wait).
    pub(crate) fn within(&self, limit: Duration) -> Call<'a> {
        let now = Instant::now();
        match now.checked_add(limit) {
            Some(end) if end < self.deadline => Call {
                deadline: end,
                limit,
                cancel: self.cancel,
            },
            _ => *self,
        }
    }

    /// The time the call was given when it started.
    pub(crate) fn limit(&self) -> Duration {
        self.limit
    }

    pub(crate) fn cancel(&self) -> Option<&'a Cancel> {
        self.cancel
    }

    /// Time left before the deadline (zero once it has passed).
    pub(crate) fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.is_some_and(Cancel::is_cancelled)
    }

    /// `Err` once the call is cancelled or out of time.
    pub(crate) fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(cancelled());
        }
        if self.left().is_zero() {
            return Err(self.out_of_time());
        }
        Ok(())
    }

    /// The error of a call whose deadline has passed.
    pub(crate) fn out_of_time(&self) -> Error {
        Error::timeout(format!(
            "the call did not finish within its time limit ({} ms)",
            self.limit.as_millis()
        ))
    }

    /// Sleeps for `total` (never past the deadline), looking at the cancel token as it goes.
    pub(crate) fn sleep(&self, total: Duration) -> Result<()> {
        let end = Instant::now() + total.min(self.left());
        loop {
            if self.is_cancelled() {
                return Err(cancelled());
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            thread::sleep(left.min(CANCEL_CHECK));
            super::check::run(); // may trigger the token, seen at the top of the loop
        }
    }
}

pub(crate) fn cancelled() -> Error {
    Error::cancelled("the call was cancelled")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tokens_deadline_replaces_the_clients_limit() {
        let token = Cancel::with_timeout(Duration::from_secs(100));
        let call = Call::new(Duration::from_secs(1), Some(&token));
        assert!(call.left() > Duration::from_secs(99));
        let call = Call::new(Duration::from_secs(1), None);
        assert!(call.left() <= Duration::from_secs(1));
    }

    #[test]
    fn within_only_narrows() {
        let call = Call::new(Duration::from_secs(10), None);
        assert!(call.within(Duration::from_secs(1)).left() <= Duration::from_secs(1));
        assert!(call.within(Duration::from_secs(100)).left() > Duration::from_secs(9));
    }

    #[test]
    fn a_cancelled_sleep_ends_at_once() {
        let token = Cancel::new();
        token.cancel();
        let call = Call::new(Duration::from_secs(10), Some(&token));
        let start = Instant::now();
        assert_eq!(
            call.sleep(Duration::from_secs(5)).unwrap_err().status(),
            crate::Status::Cancelled
        );
        assert!(start.elapsed() < Duration::from_millis(100));
        assert_eq!(call.check().unwrap_err().status(), crate::Status::Cancelled);
    }

    #[test]
    fn sleeps_stop_at_the_deadline() {
        let call = Call::new(Duration::from_millis(50), None);
        let start = Instant::now();
        call.sleep(Duration::from_secs(5)).unwrap();
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(call.check().unwrap_err().status(), crate::Status::Timeout);
    }
}

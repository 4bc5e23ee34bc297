//! Cancelling a wait from another thread (or a signal handler: it is one atomic store).

use std::sync::atomic::{AtomicBool, Ordering};

/// A flag a wait checks between polls and while it sleeps (every 50 ms at most).
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks every wait that observes this flag to stop; they return a `Cancelled` error.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

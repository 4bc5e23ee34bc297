//! A check the calling thread runs while its call waits: at every look at the cancel token
//! during a wait for an answer or a sleep (about every 20 ms), never at the start of a call, so
//! a call that is answered at once never runs it. `ps_call_hooked` installs one that lets the
//! caller's runtime work during the call (Python runs its signal handlers there); when it asks
//! to stop, the call's token is triggered and the call ends as cancelled.

use std::cell::RefCell;
use std::rc::Rc;

/// Returns true to stop the call.
pub type Check = Rc<dyn Fn() -> bool>;

thread_local! {
    static CHECK: RefCell<Option<Check>> = const { RefCell::new(None) };
}

/// Runs `body` with `check` run by this thread's waits (replacing, then restoring, an outer
/// one: a call made from inside a check has its own).
pub fn checking<T>(check: Check, body: impl FnOnce() -> T) -> T {
    let outer = CHECK.with(|c| c.replace(Some(check)));
    struct Restore(Option<Check>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            CHECK.with(|c| *c.borrow_mut() = outer);
        }
    }
    let _restore = Restore(outer);
    body()
}

/// Runs this thread's check, if any: true if it asks to stop the call.
pub(crate) fn stop_requested() -> bool {
    // Cloned out first: the check may make a call of its own, which installs its own check.
    let check = CHECK.with(|c| c.borrow().clone());
    check.is_some_and(|check| check())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_check_applies_to_its_own_thread_and_scope_only() {
        assert!(!stop_requested());
        let runs = Rc::new(Cell::new(0));
        let counted = Rc::clone(&runs);
        checking(
            Rc::new(move || {
                counted.set(counted.get() + 1);
                true
            }),
            || {
                assert!(stop_requested());
                assert!(!std::thread::spawn(stop_requested).join().unwrap());
                // A nested scope has its own check, and the outer one is back after it.
                checking(Rc::new(|| false), || assert!(!stop_requested()));
                assert!(stop_requested());
            },
        );
        assert_eq!(runs.get(), 2);
        assert!(!stop_requested());
    }
}

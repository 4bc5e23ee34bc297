//! A check the calling thread runs while its call waits: at every look at the cancel token
//! during a wait for an answer or a sleep (about every 20 ms), never at the start of a call, so
//! a call that is answered at once never runs it. `ps_call_hooked` installs one that lets the
//! caller's runtime work during the call (Python runs its signal handlers there); to stop the
//! call, it triggers the call's token, and the wait that ran it ends the call as cancelled.

use std::cell::RefCell;
use std::rc::Rc;

/// Runs the caller's check (and triggers the call's token if it asks to stop).
pub type Check = Rc<dyn Fn()>;

thread_local! {
    static CHECK: RefCell<Option<Check>> = const { RefCell::new(None) };
}

/// Runs `body` with `check` run by this thread's waits (replacing, then restoring, an outer
/// one: a call made from inside a check has its own).
pub(crate) fn checking<T>(check: Check, body: impl FnOnce() -> T) -> T {
    crate::scoped::scoped(&CHECK, check, body)
}

/// Runs this thread's check, if any.
pub(crate) fn run() {
    // Cloned out first: the check may make a call of its own, which installs its own check.
    if let Some(check) = CHECK.with(|c| c.borrow().clone()) {
        check();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_check_applies_to_its_own_thread_and_scope_only() {
        let (outer, inner) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let (o, i) = (Rc::clone(&outer), Rc::clone(&inner));
        run(); // none installed: nothing runs
        checking(Rc::new(move || o.set(o.get() + 1)), || {
            run();
            std::thread::spawn(run).join().unwrap(); // another thread has none
            // A nested scope has its own check, and the outer one is back after it.
            checking(Rc::new(move || i.set(i.get() + 1)), run);
            run();
        });
        run();
        assert_eq!((outer.get(), inner.get()), (2, 1));
    }
}

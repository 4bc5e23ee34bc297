//! A thread-local value set for the length of a call and restored after it, however the call
//! ends: how a call tells the code that runs under ureq on its thread (the same thread) which
//! cancel token and which check are its own. A call made inside another (from a check) sets its
//! own, and the outer one is back once it returns.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `body` with `slot` holding `value`, then puts back what it held before.
pub(crate) fn scoped<T: 'static, R>(
    slot: &'static LocalKey<RefCell<Option<T>>>,
    value: T,
    body: impl FnOnce() -> R,
) -> R {
    struct Restore<T: 'static>(&'static LocalKey<RefCell<Option<T>>>, Option<T>);
    impl<T: 'static> Drop for Restore<T> {
        fn drop(&mut self) {
            let outer = self.1.take();
            self.0.with(|s| *s.borrow_mut() = outer);
        }
    }
    let outer = slot.with(|s| s.replace(Some(value)));
    let _restore = Restore(slot, outer);
    body()
}

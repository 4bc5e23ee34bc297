//! The C ABI: the only unsafe code of the crate. `boundary` checks every pointer and string and
//! catches panics; `exports` holds the `ps_*` functions, each a few lines long. Conventions are
//! stated once, in docs/ABI.md and at the top of include/paperspace.h.

#![allow(non_camel_case_types)] // the C names are the contract

mod boundary;
mod exports;

use crate::api::Cancel;
use crate::client::Client;

/// An API client. Create with `ps_client_new`, free once with `ps_client_free`.
/// A `const ps_client*` may be used from many threads at once.
pub struct ps_client(Client);

/// A cancellation flag for `ps_machines_wait_cancellable`. Create with `ps_cancel_new`,
/// trigger from any thread (or a signal handler), free once with `ps_cancel_free`.
pub struct ps_cancel(Cancel);

/// Functions of the caller's runtime that `ps_call_hooked` calls on the calling thread: the
/// call runs between `suspend` and `resume`, and `check` runs, between a `resume` and a
/// `suspend`, about every 20 ms while the call waits. For Python (CPython's own functions, as
/// pointers): `PyEval_SaveThread`, `PyEval_RestoreThread`, `PyErr_CheckSignals`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ps_runtime_hooks {
    /// Lets the runtime go on without this thread; returns what `resume` takes.
    pub suspend: Option<unsafe extern "C" fn() -> *mut std::ffi::c_void>,
    /// Takes the runtime back (with what `suspend` returned).
    pub resume: Option<unsafe extern "C" fn(*mut std::ffi::c_void)>,
    /// Nonzero stops the call (it ends with `PS_STATUS_CANCELLED`, and `check` is not run again).
    pub check: Option<unsafe extern "C" fn() -> std::ffi::c_int>,
}

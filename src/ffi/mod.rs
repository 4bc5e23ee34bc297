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

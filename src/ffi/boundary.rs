//! Everything that touches raw pointers: reading C strings, writing out-parameters, and
//! turning panics into a status. Every export goes through here.

use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::rc::Rc;

use super::{ps_cancel, ps_client, ps_runtime_hooks};
use crate::api::Operation;
use crate::client::{Client, Config};
use crate::error::{Error, Result, Status};

/// Runs one operation export: checks `out_json`, sets it to NULL, runs the call with panics
/// caught, then stores exactly one owned string in it (result or error JSON).
///
/// # Safety
/// Every non-NULL pointer must be valid as the header describes.
pub(super) unsafe fn operation(
    op: Operation,
    client: *const ps_client,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    out_json: *mut *mut c_char,
) -> Status {
    // SAFETY: per the contract.
    unsafe { answer_to(out_json, || run(op, client, params_json, cancel)) }
}

/// `ps_call`: [`operation`] with the operation named by a C string.
///
/// # Safety
/// Every non-NULL pointer must be valid as the header describes.
pub(super) unsafe fn call_by_name(
    client: *const ps_client,
    name: *const c_char,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    out_json: *mut *mut c_char,
) -> Status {
    // SAFETY: per the contract.
    unsafe { answer_to(out_json, || answer(client, name, params_json, cancel)) }
}

/// Checks `out_json`, sets it to NULL, runs `call`, then stores exactly one owned string in it.
///
/// # Safety
/// `out_json` is NULL or writable.
unsafe fn answer_to(
    out_json: *mut *mut c_char,
    call: impl FnOnce() -> (Result<String>, &'static str),
) -> Status {
    if out_json.is_null() {
        return Status::InvalidArgument; // nowhere to report to, so nothing is sent
    }
    // SAFETY: out_json is non-NULL and, per the contract, points to writable storage.
    unsafe { *out_json = ptr::null_mut() };
    let (result, operation) = call();
    let (status, text) = deliver(result, operation);
    // SAFETY: checked non-NULL above.
    unsafe { *out_json = text };
    status
}

/// The outcome of a call of the operation named by `name`, and the name its errors give.
///
/// # Safety
/// Every non-NULL pointer must be valid as the header describes.
unsafe fn answer(
    client: *const ps_client,
    name: *const c_char,
    params_json: *const c_char,
    cancel: *const ps_cancel,
) -> (Result<String>, &'static str) {
    // SAFETY: per the contract; NULL reads as "".
    let found = unsafe { text(name, "operation") }.and_then(|name| {
        Operation::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
            Error::invalid_argument(format!(
                "unknown operation; the operations are: {}",
                known.join(", ")
            ))
        })
    });
    match found {
        // SAFETY: per the contract.
        Ok(op) => unsafe { run(op, client, params_json, cancel) },
        Err(error) => (Err(error), "call"),
    }
}

/// Runs one operation with panics caught; its errors name it.
///
/// # Safety
/// Every non-NULL pointer must be valid as the header describes.
unsafe fn run(
    op: Operation,
    client: *const ps_client,
    params_json: *const c_char,
    cancel: *const ps_cancel,
) -> (Result<String>, &'static str) {
    let result = guarded(|| {
        // SAFETY: the contract makes non-NULL pointers valid for the duration of the call.
        let client =
            unsafe { client.as_ref() }.ok_or_else(|| Error::invalid_argument("client is NULL"))?;
        let params = unsafe { text(params_json, "params_json") }?;
        let cancel = unsafe { cancel.as_ref() }.map(|c| &c.0);
        client.0.call_json_cancellable(op, params, cancel)
    });
    (result, op.name())
}

/// `ps_call_hooked`: [`call_by_name`] between the runtime's `suspend` and `resume`, with its
/// `check` run by the call's waits (see [`hooked`]).
///
/// # Safety
/// Every non-NULL pointer must be valid as the header describes; the hooks must be callable
/// on this thread as the header describes.
pub(super) unsafe fn call_hooked(
    client: *const ps_client,
    name: *const c_char,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    out_json: *mut *mut c_char,
    hooks: *const ps_runtime_hooks,
) -> Status {
    // SAFETY: per the contract.
    let ran = unsafe {
        hooked(cancel, hooks, |cancel| {
            call_by_name(client, name, params_json, cancel, out_json)
        })
    };
    match ran {
        Some((status, _)) => status,
        None if out_json.is_null() => Status::InvalidArgument,
        None => {
            let (status, text) = deliver(Err(incomplete_hooks()), "call");
            // SAFETY: non-NULL, writable per the contract.
            unsafe { *out_json = text };
            status
        }
    }
}

/// The caller's function that makes an answer into a value of its runtime.
type Make = unsafe extern "C" fn(*const c_char, usize) -> *mut c_void;

/// `ps_call_into`: [`call_hooked`] whose answer (result or error JSON) `make` turns into a
/// value of the caller's runtime, with the runtime resumed; that value is returned and the
/// status stored in `out_status`. A call the runtime's check asked to stop makes nothing (NULL:
/// the runtime knows why it stopped).
///
/// # Safety
/// As [`call_hooked`]; `make` must be callable on this thread with the runtime resumed, and
/// `out_status` is NULL or writable.
pub(super) unsafe fn call_into(
    client: *const ps_client,
    name: *const c_char,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    hooks: *const ps_runtime_hooks,
    make: Option<Make>,
    out_status: *mut Status,
) -> *mut c_void {
    let Some(make) = make.filter(|_| !out_status.is_null()) else {
        return ptr::null_mut(); // nowhere to report to, so nothing is sent
    };
    // SAFETY: per the contract.
    let ran = unsafe {
        hooked(cancel, hooks, |cancel| {
            answer(client, name, params_json, cancel)
        })
    };
    let ((result, operation), asked_to_stop) =
        ran.unwrap_or_else(|| ((Err(incomplete_hooks()), "call"), false));
    let (status, text) = outcome(result, operation);
    // SAFETY: checked non-NULL above; writable per the contract.
    unsafe { *out_status = status };
    if asked_to_stop {
        return ptr::null_mut();
    }
    // SAFETY: the caller's function, on its thread, its runtime resumed (`hooked` has returned).
    unsafe { make(text.as_ptr().cast(), text.len()) }
}

fn incomplete_hooks() -> Error {
    Error::invalid_argument("hooks is NULL or incomplete")
}

/// Runs `body` between the runtime's `suspend` and `resume`, with its `check` run by the call's
/// waits (see [`crate::api::check`]), and the token `body` must observe: `cancel`, or one made
/// for the call when it is NULL (a check that stops the call triggers it). Returns what `body`
/// returned and whether a check asked to stop (nonzero); `None`, with nothing called, for NULL
/// or incomplete hooks.
///
/// # Safety
/// `cancel` is NULL or valid for the call; the hooks must be callable on this thread as the
/// header describes.
unsafe fn hooked<T>(
    cancel: *const ps_cancel,
    hooks: *const ps_runtime_hooks,
    body: impl FnOnce(*const ps_cancel) -> T,
) -> Option<(T, bool)> {
    // SAFETY: NULL or valid per the contract.
    let hooks = unsafe { hooks.as_ref() }.copied()?;
    let (suspend, resume, check) = (hooks.suspend?, hooks.resume?, hooks.check?);
    let own_token;
    // SAFETY: NULL or valid for the call, per the contract.
    let cancel = match unsafe { cancel.as_ref() } {
        Some(cancel) => cancel,
        None => {
            own_token = ps_cancel(crate::api::Cancel::new());
            &own_token
        }
    };
    let token = cancel.0.clone();
    /// Gives the runtime back when the call ends, however it ends.
    struct Resumed(Rc<Cell<*mut c_void>>, unsafe extern "C" fn(*mut c_void));
    impl Drop for Resumed {
        fn drop(&mut self) {
            // SAFETY: the runtime's resume, with what its suspend returned, on the same thread.
            unsafe { (self.1)(self.0.get()) }
        }
    }
    // SAFETY: the runtime's own functions, called on the thread that called us, in pairs.
    let state = Rc::new(Cell::new(unsafe { suspend() }));
    let resumed = Resumed(Rc::clone(&state), resume);
    let (stopped, asked) = (Cell::new(false), Rc::new(Cell::new(false)));
    let asked_to_stop = Rc::clone(&asked);
    let process = std::process::id();
    let check = Rc::new(move || {
        if stopped.get() {
            return;
        }
        // SAFETY: as above; the runtime is ours again between resume and suspend.
        let verdict = unsafe {
            resume(state.get());
            let verdict = check();
            state.set(suspend());
            verdict
        };
        // A check that forked (a Python handler may) returns in the child too: the child
        // stops here, never reading the parent's answer off the connection they share.
        let forked = std::process::id() != process;
        if verdict != 0 || forked {
            stopped.set(true);
            asked_to_stop.set(verdict != 0);
            token.cancel();
        }
    });
    let out = crate::api::check::checking(check, || body(cancel));
    drop(resumed);
    Some((out, asked.get()))
}

/// `ps_client_new`: builds a client from config JSON.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out_client` and `out_error` are NULL or
/// point to writable storage.
pub(super) unsafe fn new_client(
    config_json: *const c_char,
    out_client: *mut *mut ps_client,
    out_error: *mut *mut c_char,
) -> Status {
    if !out_error.is_null() {
        // SAFETY: non-NULL, writable per the contract.
        unsafe { *out_error = ptr::null_mut() };
    }
    let result = guarded(|| {
        if out_client.is_null() {
            return Err(Error::invalid_argument("out_client is NULL"));
        }
        // SAFETY: non-NULL, writable per the contract.
        unsafe { *out_client = ptr::null_mut() };
        let config = Config::from_json(unsafe { text(config_json, "config_json") }?)?;
        let client = Box::new(ps_client(Client::new(config)?));
        // SAFETY: checked non-NULL above.
        unsafe { *out_client = Box::into_raw(client) };
        Ok(())
    });
    match result {
        Ok(()) => Status::Ok,
        Err(error) if out_error.is_null() => error.status(),
        Err(error) => {
            let (status, text) = deliver(Err(error), "client_new");
            // SAFETY: checked non-NULL above.
            unsafe { *out_error = text };
            status
        }
    }
}

/// Runs `body`, turning a panic into a `Panic` error.
pub(super) fn guarded<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(Error::panic(format!("panic inside the library: {what}")))
    })
}

/// A borrowed, strictly UTF-8 view of a C string; NULL reads as "".
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string valid for the call.
unsafe fn text<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Ok("");
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Error::invalid_argument(format!(
            "{name} is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// The status and the owned C string the caller receives (freed by `ps_string_free`). JSON
/// text never holds a NUL byte (serde escapes it); should a result hold one anyway, the caller
/// gets an `internal` error, so the status and the string always agree.
fn deliver(result: Result<String>, operation: &str) -> (Status, *mut c_char) {
    let (status, text) = outcome(result, operation);
    match CString::new(text) {
        Ok(text) => (status, text.into_raw()),
        Err(_) => {
            let error = Error::internal("the result contained a NUL byte");
            let text = CString::new(error.to_json_string(operation)).unwrap_or_default();
            (Status::Internal, text.into_raw())
        }
    }
}

/// The status and the text of a call's answer: the result JSON, or the error JSON.
fn outcome(result: Result<String>, operation: &str) -> (Status, String) {
    match result {
        Ok(json) => (Status::Ok, json),
        Err(error) => (error.status(), error.to_json_string(operation)),
    }
}

/// Frees a string made by [`deliver`].
///
/// # Safety
/// `s` is NULL or came from this library and was not freed before.
pub(super) unsafe fn free_c_string(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by CString::into_raw in this library, freed once per the contract.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Frees a boxed object handed out with `Box::into_raw`.
///
/// # Safety
/// `p` is NULL or came from this library's matching `_new` and was not freed before.
pub(super) unsafe fn free_box<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: per the contract.
        drop(unsafe { Box::from_raw(p) });
    }
}

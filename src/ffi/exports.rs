//! The exported `ps_*` functions. Conventions (ownership, NULL, UTF-8, threads, status codes)
//! are stated once at the top of the header; each function only says what it does.

use std::ffi::{CString, c_char, c_void};
use std::ptr;
use std::sync::OnceLock;

use super::boundary::{self, free_box, free_c_string, guarded};
use super::{ps_cancel, ps_client, ps_runtime_hooks};
use crate::api::{Cancel, Operation};
use crate::error::Status;

/// Creates a client from config JSON (`apiKey`, `baseUrl`, `timeoutMs`, `connectTimeoutMs`,
/// `maxRetries`, `userAgent`; NULL or "" means `{}`). On success stores the client in
/// `*out_client`; otherwise stores the error JSON in `*out_error` (when `out_error` is not NULL).
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_client_new(
    config_json: *const c_char,
    out_client: *mut *mut ps_client,
    out_error: *mut *mut c_char,
) -> Status {
    unsafe { boundary::new_client(config_json, out_client, out_error) }
}

/// Frees a client. NULL is ignored. No call may be in flight on it, and it is freed once.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_client_free(client: *mut ps_client) {
    let _ = guarded(|| {
        unsafe { free_box(client) };
        Ok(())
    });
}

/// Lists templates. Params: exact-match filters `id`, `name`, `label`, `os`, `dtCreated`,
/// `teamId`, `userId`, `region` (`null` matches null). Result: JSON array of templates.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_templates_list(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::TemplatesList,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Creates a machine. Params: `region`, `machineType`, `size`, `billingType`, `machineName`,
/// `templateId` and the optional ones of docs/ABI.md. Never retried once sent. Result: the
/// new machine.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_create(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesCreate,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Asks whether a machine type can be requested in a region. Params: `region`, `machineType`
/// (`GPU+`, `P4000`, `P5000`, `P6000` or `V100`). Result: `{"available": bool}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_availability(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesAvailability,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Shows one machine with its last 10 events. Params: `machineId`. Result: the machine.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_show(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesShow,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Lists machines. Params: exact-match filters on machine fields (`machineId`, `name`,
/// `state`, `region`, ...) and `limit`/`skip`. Result: JSON array of machines.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_list(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesList,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Waits until a machine reaches a state. Params: `machineId`, `state` (`off`,
/// `serviceready`, `ready`), optional `intervalMs` (default 5000) and `timeoutMs` (default
/// 600000). Result: the machine. See `ps_machines_wait_cancellable` to interrupt it.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_wait(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesWait,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// `ps_machines_wait` that returns `PS_STATUS_CANCELLED` once `cancel` is triggered: within
/// about 50 ms while it sleeps between polls; a poll in flight finishes first (each poll is
/// bounded by the wait's remaining time and by `timeoutMs`). `cancel` may be NULL (then it is
/// `ps_machines_wait`).
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_wait_cancellable(
    client: *const ps_client,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesWait,
            client,
            params_json,
            cancel,
            out_json,
        )
    }
}

/// Starts a machine. Params: `machineId`. Result: `{}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_start(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesStart,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Stops a machine. Params: `machineId`. Result: `{}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_stop(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesStop,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Restarts a machine. Params: `machineId`. Result: `{}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_restart(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesRestart,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Destroys a machine (irreversible). Params: `machineId`, optional `releasePublicIp`.
/// Result: `{}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_destroy(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesDestroy,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Lists the team's users. Params: exact-match filters `id`, `email`, `firstname`,
/// `lastname`, `dtCreated`, `teamId`. Result: JSON array of users.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_users_list(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::UsersList,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Changes a machine's settings. Params: `machineId` and any of `machineName`,
/// `shutdownTimeoutInHours` (whole number or null), `shutdownTimeoutForces`,
/// `performAutoSnapshot`, `autoSnapshotFrequency` (`hour`, `day`, `week` or null),
/// `autoSnapshotSaveCount`, `dynamicPublicIp`, `assignPublicIp`. Result: `{}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_update(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesUpdate,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// A machine's usage in a billing month. Params: `machineId`, `billingMonth` (`YYYY-MM`).
/// Result: `{"machineId", "utilization": {...}, "storageUtilization": {...}}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_utilization(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesUtilization,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Gives a team user access to a machine, or takes it away. Params: `machineId`,
/// `userId`, `enableAccess` (bool). Result: the machine.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_set_access(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesSetAccess,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Lists the team's networks. Params: exact-match filters `id`, `name`, `region`,
/// `dtCreated`, `network`, `netmask`, `teamId`. Result: JSON array of networks.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_networks_list(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::NetworksList,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Creates a startup script. Params: `scriptName` and exactly one of `scriptText` or
/// `scriptFile` (a local path, read by the library: at most 16 KB of UTF-8); optional
/// `scriptDescription`, `isEnabled`, `runOnce`, `machineId`. Result: the script.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_scripts_create(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::ScriptsCreate,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Lists scripts. Params: exact-match filters `id`, `ownerType`, `ownerId`, `name`,
/// `description`, `dtCreated`, `isEnabled`, `runOnce`. Result: JSON array of scripts.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_scripts_list(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::ScriptsList,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Shows a script and the machines that use it. Params: `scriptId`. Result: the script
/// with `machines` (`machineId`, `dtLastRun`).
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_scripts_show(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::ScriptsShow,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// A script's text. Params: `scriptId`. Result: a JSON string.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_scripts_text(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::ScriptsText,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Destroys a script and detaches it from its machines. Params: `scriptId`. Result: `{}`.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_scripts_destroy(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::ScriptsDestroy,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Creates a resource delegation. Params: e.g. `{"machine": {"ids": ["ps123abc"]}}`.
/// Result: an array with one delegation; its `accessTokenId` is a secret.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_resource_delegations_create(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::ResourceDelegationsCreate,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Waits until every listed machine reaches a state, polling the list once per interval.
/// Params: `machineIds` (1 to 10000, no repeats), `state` (`off`, `serviceready`, `ready`),
/// optional `intervalMs` (default 5000) and `timeoutMs` (default 600000). Result: the machines,
/// in the order asked. Use `ps_call` with a `ps_cancel` to interrupt it.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_machines_wait_many(
    client: *const ps_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe {
        boundary::operation(
            Operation::MachinesWaitMany,
            client,
            params_json,
            ptr::null(),
            out_json,
        )
    }
}

/// Runs any operation by its name (`"machines_show"`, ...; see `ps_operations`), observing
/// `cancel` (may be NULL): triggered, the call ends with `PS_STATUS_CANCELLED`; past its
/// deadline (`ps_cancel_set_timeout`), with `PS_STATUS_TIMEOUT`. An unknown name is
/// `PS_STATUS_INVALID_ARGUMENT`, and the message lists the known names.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_call(
    client: *const ps_client,
    operation: *const c_char,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    out_json: *mut *mut c_char,
) -> Status {
    unsafe { boundary::call_by_name(client, operation, params_json, cancel, out_json) }
}

/// `ps_call` for a caller whose runtime has work to do while the call waits, such as Python's
/// signal handlers: the call runs between `hooks->suspend()` and `hooks->resume()`, and about
/// every 20 ms while it waits for an answer or sleeps (never while it connects or sends, nor in
/// a call answered within 20 ms) `hooks->resume()`, `hooks->check()`, `hooks->suspend()` run on
/// the calling thread. A nonzero `check()` triggers the call's token (one is made if `cancel` is
/// NULL): the call ends with `PS_STATUS_CANCELLED`, and `check` is not run again; so does a
/// call whose `check` forked, in the child (the connection is the parent's). NULL or
/// incomplete `hooks` is `PS_STATUS_INVALID_ARGUMENT`, with nothing called and nothing sent.
/// docs/ABI.md, "Calls that let the caller's runtime run".
///
/// # Safety
/// See the conventions at the top of this header; the hooks must be safe to call on the
/// calling thread, in that order.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_call_hooked(
    client: *const ps_client,
    operation: *const c_char,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    out_json: *mut *mut c_char,
    hooks: *const ps_runtime_hooks,
) -> Status {
    unsafe { boundary::call_hooked(client, operation, params_json, cancel, out_json, hooks) }
}

/// `ps_call_hooked` whose answer is made into a value of the caller's runtime instead of an
/// owned string: once the call has ended and the runtime is resumed, `make(text, len)` is
/// called with the result JSON (`PS_STATUS_OK`) or the error JSON (any other status), `len`
/// bytes of UTF-8, not NUL-terminated, valid only during that call; what `make` returns is
/// returned, and the status is stored in `*out_status`. A call the hooks' `check()` asked to
/// stop returns NULL without calling `make` (the runtime knows why it stopped; the status is
/// `PS_STATUS_CANCELLED`). NULL `make` or `out_status` returns NULL with nothing sent.
/// For Python, `make` is CPython's `PyUnicode_FromStringAndSize`: the answer arrives as a `str`
/// in one foreign call. docs/ABI.md, "Calls that let the caller's runtime run".
///
/// # Safety
/// As `ps_call_hooked`; `make` must be safe to call on the calling thread with the runtime
/// resumed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_call_into(
    client: *const ps_client,
    operation: *const c_char,
    params_json: *const c_char,
    cancel: *const ps_cancel,
    hooks: *const ps_runtime_hooks,
    make: Option<unsafe extern "C" fn(text: *const c_char, len: usize) -> *mut c_void>,
    out_status: *mut Status,
) -> *mut c_void {
    unsafe {
        boundary::call_into(
            client,
            operation,
            params_json,
            cancel,
            hooks,
            make,
            out_status,
        )
    }
}

/// Describes every operation as static JSON (do not free): an array of `{"name", "method",
/// "path", "safeToRetry", "params": [{"name", "types", "required"}], "result"}`, where
/// `result` is `object`, `array`, `empty` (the call returns `{}`) or `string`.
#[unsafe(no_mangle)]
pub extern "C" fn ps_operations() -> *const c_char {
    static OPERATIONS: OnceLock<CString> = OnceLock::new();
    OPERATIONS
        .get_or_init(|| CString::new(crate::api::operations_json()).unwrap_or_default())
        .as_ptr()
}

/// Frees a string this library returned. NULL is ignored. Never use `free()` on them.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_string_free(s: *mut c_char) {
    let _ = guarded(|| {
        unsafe { free_c_string(s) };
        Ok(())
    });
}

/// Creates a cancellation flag (never NULL).
#[unsafe(no_mangle)]
pub extern "C" fn ps_cancel_new() -> *mut ps_cancel {
    Box::into_raw(Box::new(ps_cancel(Cancel::new())))
}

/// Triggers a cancellation flag: every call observing it returns `PS_STATUS_CANCELLED`.
/// Thread-safe and async-signal-safe (one atomic store). NULL is ignored.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_cancel_trigger(cancel: *const ps_cancel) {
    if let Some(cancel) = unsafe { cancel.as_ref() } {
        cancel.0.cancel();
    }
}

/// Sets the deadline of a cancellation flag to `timeout_ms` from now (replacing an earlier
/// one): every call observing it ends by then with `PS_STATUS_TIMEOUT`, whatever the client's
/// `timeoutMs`. Thread-safe. NULL is ignored.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_cancel_set_timeout(cancel: *const ps_cancel, timeout_ms: u64) {
    if let Some(cancel) = unsafe { cancel.as_ref() } {
        cancel
            .0
            .set_timeout(std::time::Duration::from_millis(timeout_ms));
    }
}

/// Frees a cancellation flag. NULL is ignored. No call may still observe it.
///
/// # Safety
/// See the conventions at the top of this header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_cancel_free(cancel: *mut ps_cancel) {
    let _ = guarded(|| {
        unsafe { free_box(cancel) };
        Ok(())
    });
}

/// The library version, e.g. "0.1.0" (static; do not free).
#[unsafe(no_mangle)]
pub extern "C" fn ps_version() -> *const c_char {
    static VERSION: OnceLock<CString> = OnceLock::new();
    VERSION
        .get_or_init(|| CString::new(crate::VERSION).unwrap_or_default())
        .as_ptr()
}

/// The snake_case name of a status code ("ok", "validation", ...; "unknown" for other
/// values). Static; do not free.
#[unsafe(no_mangle)]
pub extern "C" fn ps_status_name(code: i32) -> *const c_char {
    static NAMES: OnceLock<Vec<(i32, CString)>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        Status::ALL
            .iter()
            .map(|s| (s.code(), CString::new(s.name()).unwrap_or_default()))
            .collect()
    });
    let name = names
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n.as_c_str());
    name.unwrap_or(c"unknown").as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn read(p: *const c_char) -> &'static str {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    #[test]
    fn static_strings() {
        assert_eq!(read(ps_version()), crate::VERSION);
        assert_eq!(read(ps_status_name(2)), "validation");
        assert_eq!(read(ps_status_name(-1)), "unknown");
    }
}

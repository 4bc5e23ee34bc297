//! `ps_call_hooked`: the call runs between the runtime's `suspend` and `resume`, and while it
//! waits (for an answer, or in a sleep) `resume`, `check`, `suspend` run on the calling thread
//! about every 20 ms; a nonzero `check` stops the call as cancelled and is not run again.
//! Incomplete hooks are refused before anything is called or sent. `ps_call_into` does the same
//! and hands the answer to the caller's `make` once the runtime is resumed.
#![cfg(feature = "emulator")]

mod common;

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::ptr;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

#[repr(C)]
struct Hooks {
    suspend: Option<unsafe extern "C" fn() -> *mut c_void>,
    resume: Option<unsafe extern "C" fn(*mut c_void)>,
    check: Option<unsafe extern "C" fn() -> c_int>,
}

enum PsClient {}

unsafe extern "C" {
    fn ps_client_new(config: *const c_char, out: *mut *mut PsClient, err: *mut *mut c_char) -> i32;
    fn ps_client_free(client: *mut PsClient);
    fn ps_call_hooked(
        client: *const PsClient,
        operation: *const c_char,
        params: *const c_char,
        cancel: *const c_void,
        out: *mut *mut c_char,
        hooks: *const Hooks,
    ) -> i32;
    fn ps_call_into(
        client: *const PsClient,
        operation: *const c_char,
        params: *const c_char,
        cancel: *const c_void,
        hooks: *const Hooks,
        make: Option<unsafe extern "C" fn(*const c_char, usize) -> *mut c_void>,
        out_status: *mut i32,
    ) -> *mut c_void;
    fn ps_string_free(s: *mut c_char);
}

const CANCELLED: i32 = 8;
const INVALID_ARGUMENT: i32 = 1;

thread_local! {
    /// What the hooks saw on this thread: "s" suspend, "r" resume, "c" check.
    static SEEN: RefCell<String> = const { RefCell::new(String::new()) };
    /// `check` asks to stop from its n-th run on (0: never). Per thread, as tests run at once.
    static STOP_FROM: Cell<usize> = const { Cell::new(0) };
}
const STATE: usize = 0x5eed;

unsafe extern "C" fn suspend() -> *mut c_void {
    SEEN.with(|s| s.borrow_mut().push('s'));
    STATE as *mut c_void
}
unsafe extern "C" fn resume(state: *mut c_void) {
    assert_eq!(state as usize, STATE, "resume gets what suspend returned");
    SEEN.with(|s| s.borrow_mut().push('r'));
}
unsafe extern "C" fn check() -> c_int {
    let runs = SEEN.with(|s| {
        s.borrow_mut().push('c');
        s.borrow().matches('c').count()
    });
    let from = STOP_FROM.with(Cell::get);
    c_int::from(from > 0 && runs >= from)
}

/// The runtime's value made of an answer: the text, boxed ("m" in what the hooks saw).
unsafe extern "C" fn make(text: *const c_char, len: usize) -> *mut c_void {
    SEEN.with(|s| s.borrow_mut().push('m'));
    // SAFETY: the library hands `len` bytes valid for this call.
    let bytes = unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) };
    Box::into_raw(Box::new(String::from_utf8(bytes.to_vec()).unwrap())).cast()
}

/// Which export a call goes through.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Via {
    Hooked,
    Into,
}

const HOOKS: Hooks = Hooks {
    suspend: Some(suspend),
    resume: Some(resume),
    check: Some(check),
};

/// One hooked call on this thread: its status, its string, what the hooks saw, and its time.
fn hooked(
    url: &str,
    operation: &str,
    hooks: *const Hooks,
    via: Via,
) -> (i32, String, String, Duration) {
    hooked_with(url, operation, hooks, via, 0)
}

/// A client of the C ABI for the emulator at `url` (freed by the caller).
fn new_client(url: &str, max_retries: u32) -> *mut PsClient {
    let config = json!({"apiKey": paperspace::emulator::ADMIN_KEY, "baseUrl": url, "maxRetries": max_retries});
    let config = CString::new(config.to_string()).unwrap();
    let mut client = ptr::null_mut();
    // SAFETY: a valid string and out-pointer.
    let status = unsafe { ps_client_new(config.as_ptr(), &mut client, ptr::null_mut()) };
    assert_eq!(status, 0);
    client
}

fn hooked_with(
    url: &str,
    operation: &str,
    hooks: *const Hooks,
    via: Via,
    max_retries: u32,
) -> (i32, String, String, Duration) {
    let operation = CString::new(operation).unwrap();
    let client = new_client(url, max_retries);
    // SAFETY: valid strings and out-pointers; everything made here is freed here.
    unsafe {
        SEEN.with(|s| s.borrow_mut().clear());
        let started = Instant::now();
        let (status, text) = match via {
            Via::Hooked => {
                let mut out = ptr::null_mut();
                let status = ps_call_hooked(
                    client,
                    operation.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    &mut out,
                    hooks,
                );
                let text = if out.is_null() {
                    String::new()
                } else {
                    CStr::from_ptr(out).to_string_lossy().into_owned()
                };
                ps_string_free(out);
                (status, text)
            }
            Via::Into => {
                let mut status = -1;
                let made = ps_call_into(
                    client,
                    operation.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    hooks,
                    Some(make),
                    &mut status,
                );
                let text = if made.is_null() {
                    String::new()
                } else {
                    *Box::from_raw(made.cast::<String>())
                };
                (status, text)
            }
        };
        let took = started.elapsed();
        ps_client_free(client);
        (status, text, SEEN.with(|s| s.borrow().clone()), took)
    }
}

#[test]
fn a_call_answered_at_once_only_suspends_and_resumes() {
    let emu = emulator();
    STOP_FROM.with(|s| s.set(0));
    let (status, text, seen, _) = hooked(emu.url(), "templates_list", &HOOKS, Via::Hooked);
    assert_eq!(status, 0, "{text}");
    assert!(text.starts_with('['));
    assert_eq!(seen, "sr");
    // ps_call_into: the same answer, made once the runtime is resumed.
    let (status, made, seen, _) = hooked(emu.url(), "templates_list", &HOOKS, Via::Into);
    assert_eq!(
        (status, made.as_str(), seen.as_str()),
        (0, text.as_str(), "srm")
    );
}

#[test]
fn an_error_is_made_from_the_error_json() {
    let emu = emulator();
    STOP_FROM.with(|s| s.set(0));
    for via in [Via::Hooked, Via::Into] {
        let (status, text, _, _) = hooked(emu.url(), "machines_show", &HOOKS, via);
        assert_eq!(status, 2, "{via:?}: {text}"); // validation: machineId is required
        assert!(text.contains(r#""kind":"validation""#), "{via:?}: {text}");
        let (status, text, _, _) = hooked(emu.url(), "no_such_operation", &HOOKS, via);
        assert_eq!(status, INVALID_ARGUMENT, "{via:?}: {text}");
        assert!(text.contains("unknown operation"), "{via:?}: {text}");
    }
}

#[test]
fn checks_run_in_pairs_while_the_answer_is_awaited_and_a_stop_cancels_the_call() {
    let emu = emulator();
    for via in [Via::Hooked, Via::Into] {
        emu.add_faults(&json!({"path": "/users/getUsers", "delayMs": 300, "count": 1}).to_string())
            .unwrap();
        STOP_FROM.with(|s| s.set(0));
        let (status, _, seen, took) = hooked(emu.url(), "users_list", &HOOKS, via);
        assert_eq!(status, 0);
        assert!(took >= Duration::from_millis(290), "{took:?}");
        // Suspended once for the call; each check between a resume and a suspend; resumed at
        // the end (then the answer made, for ps_call_into).
        let checks = seen.matches('c').count();
        assert!((8..=20).contains(&checks), "about every 20 ms: {seen}");
        let made = if via == Via::Into { "m" } else { "" };
        assert_eq!(seen, format!("s{}r{made}", "rcs".repeat(checks)));

        // A check that asks to stop: the call ends at once as cancelled, and is not checked
        // again; ps_call_into makes nothing of it (the runtime knows why it stopped).
        emu.add_faults(
            &json!({"path": "/users/getUsers", "delayMs": 3000, "count": 1}).to_string(),
        )
        .unwrap();
        STOP_FROM.with(|s| s.set(3));
        let (status, text, seen, took) = hooked(emu.url(), "users_list", &HOOKS, via);
        assert_eq!(status, CANCELLED, "{text}");
        match via {
            Via::Hooked => assert!(text.contains(r#""kind":"cancelled""#), "{text}"),
            Via::Into => assert_eq!(text, ""),
        }
        assert_eq!(seen, "srcsrcsrcsr");
        assert!(took < Duration::from_millis(500), "{took:?}");
    }
}

#[test]
fn checks_run_during_a_retry_sleep_too() {
    let emu = emulator();
    for via in [Via::Hooked, Via::Into] {
        let before = requests(&emu, "GET /templates/getTemplates");
        let fault = json!({"path": "/templates/getTemplates", "status": 503, "headers": {"Retry-After": "1"}, "count": 1});
        emu.add_faults(&fault.to_string()).unwrap();
        STOP_FROM.with(|s| s.set(2));
        let (status, text, seen, took) = hooked_with(emu.url(), "templates_list", &HOOKS, via, 1);
        // Stopped in the 1 s sleep before the retry, at its second check.
        assert_eq!(status, CANCELLED, "{text}");
        assert_eq!(seen, "srcsrcsr");
        assert!(took < Duration::from_millis(500), "{took:?}");
        assert_eq!(requests(&emu, "GET /templates/getTemplates"), before + 1);
    }
}

#[test]
fn incomplete_hooks_are_refused_before_anything_is_called_or_sent() {
    let emu = emulator();
    let before = requests(&emu, "GET /templates/getTemplates");
    for via in [Via::Hooked, Via::Into] {
        for hooks in [
            ptr::null(),
            &Hooks {
                suspend: None,
                ..HOOKS
            } as *const Hooks,
            &Hooks {
                resume: None,
                ..HOOKS
            },
            &Hooks {
                check: None,
                ..HOOKS
            },
        ] {
            let (status, text, seen, _) = hooked(emu.url(), "templates_list", hooks, via);
            assert_eq!(status, INVALID_ARGUMENT);
            assert!(text.contains("hooks is NULL or incomplete"), "{text}");
            // ps_call_into makes the error (the runtime was never suspended).
            assert_eq!(seen, if via == Via::Into { "m" } else { "" });
        }
    }
    assert_eq!(requests(&emu, "GET /templates/getTemplates"), before);
}

#[test]
fn call_into_without_make_or_a_status_to_report_to_sends_nothing() {
    let emu = emulator();
    let before = requests(&emu, "GET /templates/getTemplates");
    let name = CString::new("templates_list").unwrap();
    let client = new_client(emu.url(), 0);
    SEEN.with(|s| s.borrow_mut().clear());
    // SAFETY: valid strings and pointers; the client is freed here.
    unsafe {
        let mut status = -1;
        let made = ps_call_into(
            client,
            name.as_ptr(),
            ptr::null(),
            ptr::null(),
            &HOOKS,
            None,
            &mut status,
        );
        assert!(made.is_null());
        assert_eq!(status, -1, "nowhere it was asked to go");
        let made = ps_call_into(
            client,
            name.as_ptr(),
            ptr::null(),
            ptr::null(),
            &HOOKS,
            Some(make),
            ptr::null_mut(),
        );
        assert!(made.is_null());
        ps_client_free(client);
    }
    assert_eq!(SEEN.with(|s| s.borrow().clone()), "");
    assert_eq!(requests(&emu, "GET /templates/getTemplates"), before);
}

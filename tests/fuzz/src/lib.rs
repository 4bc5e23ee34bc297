//! The fuzz targets' bodies, shared by the libFuzzer targets of this cargo-fuzz project
//! (`fuzz_targets/*.rs`, `make fuzz`) and by the corpus-replay test of the main crate
//! (`tests/hostile_inputs.rs`, part of `cargo test` and of `make test-hardening`), which
//! includes this file with `#[path]`. It uses only the public surface: the C ABI exports and
//! `Client::call_json` against a tiny in-process HTTP server.
//!
//! The operations come from the table: the ABI targets read `ps_operations()` and call
//! `ps_call` by name, the decoders iterate `Operation::ALL`. What a target needs beyond the
//! table (valid parameters, the members of a result's objects) is in one map keyed by the
//! operation's name, `CASES`; an operation without an entry fails loudly.
//!
//! Every target panics (a finding) when an oracle fails: a call returned `panic` (99) or
//! `internal` (98), an out string was missing or not the documented JSON, the error code and
//! the returned status disagree, or a decoder accepted a body of the wrong shape.

#![allow(clippy::missing_safety_doc, dead_code)]

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use paperspace::api::ResultKind;
use paperspace::{Client, Config, Operation, Status};
use serde_json::Value;

#[repr(C)]
pub struct PsClient {
    _private: [u8; 0],
}
#[repr(C)]
pub struct PsCancel {
    _private: [u8; 0],
}

unsafe extern "C" {
    fn ps_client_new(config: *const c_char, out: *mut *mut PsClient, err: *mut *mut c_char) -> i32;
    fn ps_client_free(client: *mut PsClient);
    fn ps_call(
        c: *const PsClient,
        operation: *const c_char,
        p: *const c_char,
        cancel: *const PsCancel,
        o: *mut *mut c_char,
    ) -> i32;
    fn ps_call_hooked(
        c: *const PsClient,
        operation: *const c_char,
        p: *const c_char,
        cancel: *const PsCancel,
        o: *mut *mut c_char,
        hooks: *const Hooks,
    ) -> i32;
    fn ps_call_into(
        c: *const PsClient,
        operation: *const c_char,
        p: *const c_char,
        cancel: *const PsCancel,
        hooks: *const Hooks,
        make: Option<unsafe extern "C" fn(*const c_char, usize) -> *mut c_void>,
        out_status: *mut i32,
    ) -> *mut c_void;
    fn ps_operations() -> *const c_char;
    fn ps_string_free(s: *mut c_char);
    fn ps_cancel_new() -> *mut PsCancel;
    fn ps_cancel_trigger(cancel: *const PsCancel);
    fn ps_cancel_set_timeout(cancel: *const PsCancel, timeout_ms: u64);
    fn ps_cancel_free(cancel: *mut PsCancel);
    fn ps_status_name(code: i32) -> *const c_char;
    fn ps_version() -> *const c_char;
}

/// The names of the operations, as the C ABI describes them (`ps_operations()`), in table
/// order: the ABI targets pick an operation by its index here and call it through `ps_call`.
pub fn operation_names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let text = unsafe { CStr::from_ptr(ps_operations()) }
            .to_str()
            .expect("ps_operations() is UTF-8");
        let described: Vec<Value> = serde_json::from_str(text).expect("ps_operations() is JSON");
        let names: Vec<CString> = described
            .iter()
            .map(|op| CString::new(op["name"].as_str().expect("a name")).unwrap())
            .collect();
        assert!(!names.is_empty(), "ps_operations() lists no operation");
        names
    })
}

/// The operation a selector byte picks, by its index in `ps_operations()`.
fn pick(selector: u8) -> &'static CStr {
    let names = operation_names();
    &names[usize::from(selector) % names.len()]
}

/// The statuses a call may return (never `internal` or `panic`).
const EXPECTED: [i32; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/// `data` as a NUL-terminated C string: cut at the first NUL, as C would read it.
pub fn c_string(data: &[u8]) -> Vec<u8> {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let mut v = Vec::with_capacity(end + 1);
    v.extend_from_slice(&data[..end]);
    v.push(0);
    v
}

/// Takes and checks an owned out string: present, JSON, and for errors the documented object
/// whose `code` and `kind` agree with `status`.
unsafe fn take_out(what: &str, status: i32, out: *mut c_char) -> String {
    assert!(!out.is_null(), "{what}: status {status} and no string");
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .unwrap_or_else(|_| panic!("{what}: the out string is not UTF-8"))
        .to_owned();
    unsafe { ps_string_free(out) };
    checked(what, status, text)
}

/// Checks an answer's text: JSON, and for errors the documented object whose `code` and `kind`
/// agree with `status` (never `internal` or `panic`).
fn checked(what: &str, status: i32, text: String) -> String {
    assert!(
        EXPECTED.contains(&status),
        "{what}: status {status} (internal or panic is a bug)"
    );
    let value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{what}: the out string is not JSON ({e}): {text:.300}"));
    if status != 0 {
        assert_eq!(value["code"], status, "{what}: {text:.300}");
        let name = unsafe { CStr::from_ptr(ps_status_name(status)) }
            .to_str()
            .unwrap();
        assert_eq!(value["kind"], name, "{what}: {text:.300}");
        assert!(value["message"].is_string(), "{what}: {text:.300}");
        assert!(value["operation"].is_string(), "{what}: {text:.300}");
    }
    text
}

/// A client of the C ABI pointed at a closed loopback port, with no retries: valid params end
/// quickly in a transport error.
fn closed_port_client() -> *const PsClient {
    static CLIENT: OnceLock<usize> = OnceLock::new();
    *CLIENT.get_or_init(|| {
        let port = closed_port();
        let config = format!(
            "{{\"apiKey\": \"fuzz-key\", \"baseUrl\": \"http://127.0.0.1:{port}\", \"maxRetries\": 0, \"timeoutMs\": 2000, \"connectTimeoutMs\": 1000}}\0"
        );
        let mut client = ptr::null_mut();
        let status = unsafe { ps_client_new(config.as_ptr().cast(), &mut client, ptr::null_mut()) };
        assert_eq!(status, 0);
        client as usize
    }) as *const PsClient
}

/// A loopback port with nothing listening (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Target `abi_client_new`: arbitrary bytes as `config_json`, with and without `out_error`.
pub fn abi_client_new(data: &[u8]) {
    let config = c_string(data);
    let mut client = ptr::null_mut();
    let mut error = ptr::null_mut();
    let status = unsafe { ps_client_new(config.as_ptr().cast(), &mut client, &mut error) };
    if status == 0 {
        assert!(
            !client.is_null() && error.is_null(),
            "client_new: ok without a client"
        );
        unsafe { ps_client_free(client) };
    } else {
        assert!(
            client.is_null(),
            "client_new: a client with status {status}"
        );
        unsafe { take_out("client_new", status, error) };
    }
    let mut client = ptr::null_mut();
    let again = unsafe { ps_client_new(config.as_ptr().cast(), &mut client, ptr::null_mut()) };
    assert_eq!(status, again, "client_new: not deterministic");
    unsafe { ps_client_free(client) };
}

/// The selector byte of `abi_operation` that names the operation in the input instead.
pub const NAMED: u8 = 0xff;

/// Target `abi_operation`: the first byte picks an operation of `ps_operations()` (by index,
/// modulo their number), the rest is `params_json`, through `ps_call` without a cancel token;
/// the client points at a closed port. With the first byte [`NAMED`], the rest is the
/// operation's name, a newline, then the params: an unknown name must be `invalid_argument`.
/// Also asks `ps_status_name` about the first four bytes as a code.
pub fn abi_operation(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if let Some(code) = data.get(..4) {
        let code = i32::from_le_bytes(code.try_into().unwrap());
        let name = unsafe { CStr::from_ptr(ps_status_name(code)) };
        assert!(!name.to_bytes().is_empty());
    }
    let (name, params) = if selector == NAMED {
        let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let params = rest.get(split + 1..).unwrap_or_default();
        (c_string(&rest[..split]), params)
    } else {
        (pick(selector).to_bytes_with_nul().to_vec(), rest)
    };
    let known = operation_names()
        .iter()
        .any(|n| n.to_bytes_with_nul() == name.as_slice());
    let label = String::from_utf8_lossy(&name[..name.len() - 1]).into_owned();
    let params = c_string(params);
    let mut out = ptr::null_mut();
    let status = unsafe {
        ps_call(
            closed_port_client(),
            name.as_ptr().cast(),
            params.as_ptr().cast(),
            ptr::null(),
            &mut out,
        )
    };
    let text = unsafe { take_out(&label, status, out) };
    if !known {
        assert_eq!(status, 1, "unknown operation {label:?}: {text:.300}");
        // A name that is text gets the list of the known ones.
        if std::str::from_utf8(&name).is_ok() {
            assert!(
                text.contains("machines_show"),
                "the message lists the operations: {text:.300}"
            );
        }
        return;
    }
    // Nothing can succeed against a closed port; start/stop/... never return a result.
    assert_ne!(
        status, 0,
        "{label}: success against a closed port: {text:.200}"
    );
    assert!(
        matches!(status, 1 | 2 | 4 | 5),
        "{label}: status {status}: {text:.300}"
    );
}

/// Runtime hooks that do nothing (the calls here never wait long), for the hooked exports.
#[repr(C)]
pub struct Hooks {
    suspend: Option<unsafe extern "C" fn() -> *mut c_void>,
    resume: Option<unsafe extern "C" fn(*mut c_void)>,
    check: Option<unsafe extern "C" fn() -> c_int>,
}
unsafe extern "C" fn suspend() -> *mut c_void {
    ptr::null_mut()
}
unsafe extern "C" fn resume(_: *mut c_void) {}
unsafe extern "C" fn check() -> c_int {
    0
}
static HOOKS: Hooks = Hooks {
    suspend: Some(suspend),
    resume: Some(resume),
    check: Some(check),
};

/// `ps_call_into`'s `make`: the answer as a boxed string (checked UTF-8 by the caller).
unsafe extern "C" fn make(text: *const c_char, len: usize) -> *mut c_void {
    // SAFETY: the library hands `len` bytes valid for this call.
    let bytes = unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) };
    Box::into_raw(Box::new(bytes.to_vec())).cast()
}

/// Runs one call through `ps_call`, `ps_call_hooked` or `ps_call_into` (`via` 0, 1, 2): the same
/// call each way, whose status and checked answer are returned.
unsafe fn call_via(
    via: usize,
    name: &CStr,
    params: &[u8],
    cancel: *const PsCancel,
    label: &str,
) -> (i32, String) {
    let (client, name, params) = (closed_port_client(), name.as_ptr(), params.as_ptr().cast());
    let mut out = ptr::null_mut();
    unsafe {
        match via {
            0 => {
                let status = ps_call(client, name, params, cancel, &mut out);
                (status, take_out(label, status, out))
            }
            1 => {
                let status = ps_call_hooked(client, name, params, cancel, &mut out, &HOOKS);
                (status, take_out(label, status, out))
            }
            _ => {
                let mut status = -1;
                let made = ps_call_into(
                    client,
                    name,
                    params,
                    cancel,
                    &HOOKS,
                    Some(make),
                    &mut status,
                );
                assert!(!made.is_null(), "{label}: status {status} and nothing made");
                let bytes = *Box::from_raw(made.cast::<Vec<u8>>());
                let text = String::from_utf8(bytes)
                    .unwrap_or_else(|_| panic!("{label}: the answer is not UTF-8"));
                (status, checked(label, status, text))
            }
        }
    }
}

/// How `abi_call_cancellable` sets up the call's `ps_cancel` (first byte, modulo 5; the rest of
/// it divided by 5 picks the export: `ps_call`, `ps_call_hooked` or `ps_call_into`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum CancelMode {
    /// No token (NULL).
    Null,
    /// A fresh token, never triggered.
    Fresh,
    /// A token triggered before the call.
    Triggered,
    /// A token whose deadline (`ps_cancel_set_timeout(0)`) has passed.
    Expired,
    /// A token with the largest deadline (`u64::MAX` ms: must not overflow).
    Far,
}

/// Target `abi_call_cancellable`: the first byte sets up the cancel token ([`CancelMode`]),
/// the second picks an operation of `ps_operations()`, the rest is `params_json`, through
/// `ps_call` against a closed port. A call that gets past its parameters ends `cancelled`
/// on a triggered token and `timeout` on an expired one.
pub fn abi_call_cancellable(data: &[u8]) {
    let [mode, selector, rest @ ..] = data else {
        return;
    };
    let via = usize::from(*mode) / 5 % 3;
    let mode = [
        CancelMode::Null,
        CancelMode::Fresh,
        CancelMode::Triggered,
        CancelMode::Expired,
        CancelMode::Far,
    ][usize::from(*mode) % 5];
    let name = pick(*selector);
    let label = format!("{} (via {via})", name.to_string_lossy());
    let params = c_string(rest);
    let cancel = match mode {
        CancelMode::Null => ptr::null_mut(),
        _ => unsafe { ps_cancel_new() },
    };
    match mode {
        CancelMode::Triggered => unsafe { ps_cancel_trigger(cancel) },
        CancelMode::Expired => unsafe { ps_cancel_set_timeout(cancel, 0) },
        CancelMode::Far => unsafe { ps_cancel_set_timeout(cancel, u64::MAX) },
        CancelMode::Null | CancelMode::Fresh => {}
    }
    let (status, text) = unsafe { call_via(via, name, &params, cancel, &label) };
    unsafe { ps_cancel_free(cancel) };
    let allowed: &[i32] = match mode {
        // Bad parameters are reported before the token is looked at.
        CancelMode::Triggered => &[1, 2, 8],
        CancelMode::Expired => &[1, 2, 5],
        CancelMode::Null | CancelMode::Fresh | CancelMode::Far => &[1, 2, 4, 5],
    };
    assert!(
        allowed.contains(&status),
        "{label} ({mode:?}): status {status}, want one of {allowed:?}: {text:.300}"
    );
}

// ---- response decoders, through Client::call_json against an in-process server ----

/// The answer the in-process server gives next: status line code and body.
static ANSWER: Mutex<(u16, Vec<u8>)> = Mutex::new((200, Vec::new()));

/// The URL of a loopback server that answers every request with `ANSWER`.
fn answer_server() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream);
            }
        });
        url
    })
}

fn serve(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    // Read the head, then a body if one is announced (only creates and destroys send one).
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let announced: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let at = head.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut have = head.len() - at;
    while have < announced {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => have += n,
        }
    }
    let (status, body) = ANSWER.lock().unwrap().clone();
    let mut answer = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    let _ = stream.write_all(&answer);
}

/// Statuses the decode target serves; 2xx bodies go through the result decoders, others
/// through the error-body parser. (429 and 5xx would be retried; retries are off.)
const DECODE_STATUSES: [u16; 9] = [200, 201, 204, 400, 401, 404, 429, 500, 503];

fn decode_client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::new(Config {
            max_retries: Some(0),
            timeout_ms: Some(5_000),
            ..Config::new("fuzz-key", answer_server())
        })
        .unwrap()
    })
}

/// The members a 2xx result's objects must have (the array's elements, for an array result).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Members {
    /// A string `id` (templates, machines, users, networks, scripts).
    Id,
    /// A boolean `available`.
    Available,
    /// Any members.
    Any,
}

/// What the targets need of one operation beyond the table: parameters that pass the
/// library's rules (so that a call reaches the server), and the members of its result's
/// objects (the table says whether the result is an array, an object, a string or empty).
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub params: &'static str,
    pub members: Members,
}

/// Every operation's [`Case`], keyed by name. An operation of the table without one fails
/// [`case`] (and the replay test `every_operation_has_its_case`).
const CASES: &[(&str, Case)] = &[
    (
        "templates_list",
        Case {
            params: r#"{"os": "Ubuntu 18.04 Server", "label": null}"#,
            members: Members::Id,
        },
    ),
    (
        "machines_create",
        Case {
            params: r#"{"region": "East Coast (NY2)", "machineType": "C4", "size": 50, "billingType": "hourly", "machineName": "f", "templateId": "t1", "email": "a@b.co", "password": "pw-fuzz", "firstName": "A", "lastName": "B"}"#,
            members: Members::Id,
        },
    ),
    (
        "machines_availability",
        Case {
            params: r#"{"region": "Europe (AMS1)", "machineType": "V100"}"#,
            members: Members::Available,
        },
    ),
    (
        "machines_show",
        Case {
            params: r#"{"machineId": "ps1"}"#,
            members: Members::Id,
        },
    ),
    (
        "machines_list",
        Case {
            params: r#"{"state": "ready", "limit": 10, "skip": 0}"#,
            members: Members::Id,
        },
    ),
    (
        "machines_wait",
        Case {
            params: r#"{"machineId": "ps1", "state": "ready", "intervalMs": 1, "timeoutMs": 50}"#,
            members: Members::Id,
        },
    ),
    (
        "machines_start",
        Case {
            params: r#"{"machineId": "ps1"}"#,
            members: Members::Any,
        },
    ),
    (
        "machines_stop",
        Case {
            params: r#"{"machineId": "ps1"}"#,
            members: Members::Any,
        },
    ),
    (
        "machines_restart",
        Case {
            params: r#"{"machineId": "ps1"}"#,
            members: Members::Any,
        },
    ),
    (
        "machines_destroy",
        Case {
            params: r#"{"machineId": "ps1", "releasePublicIp": true}"#,
            members: Members::Any,
        },
    ),
    (
        "users_list",
        Case {
            params: r#"{"email": "a@b.co"}"#,
            members: Members::Id,
        },
    ),
    (
        "machines_update",
        Case {
            params: r#"{"machineId": "ps1", "machineName": "renamed", "shutdownTimeoutInHours": 8, "autoSnapshotFrequency": null}"#,
            members: Members::Any,
        },
    ),
    (
        "machines_utilization",
        Case {
            params: r#"{"machineId": "ps1", "billingMonth": "2019-04"}"#,
            members: Members::Any,
        },
    ),
    (
        "machines_set_access",
        Case {
            params: r#"{"machineId": "ps1", "userId": "u1", "enableAccess": true}"#,
            members: Members::Any,
        },
    ),
    (
        "networks_list",
        Case {
            params: r#"{"region": "East Coast (NY2)"}"#,
            members: Members::Id,
        },
    ),
    (
        "scripts_create",
        Case {
            params: r#"{"scriptName": "s", "scriptText": "echo hi", "runOnce": true}"#,
            members: Members::Id,
        },
    ),
    (
        "scripts_list",
        Case {
            params: r#"{"isEnabled": true}"#,
            members: Members::Id,
        },
    ),
    (
        "scripts_show",
        Case {
            params: r#"{"scriptId": "sc1"}"#,
            members: Members::Id,
        },
    ),
    (
        "scripts_text",
        Case {
            params: r#"{"scriptId": "sc1"}"#,
            members: Members::Any,
        },
    ),
    (
        "scripts_destroy",
        Case {
            params: r#"{"scriptId": "sc1"}"#,
            members: Members::Any,
        },
    ),
    (
        "resource_delegations_create",
        Case {
            params: r#"{"machine": {"ids": ["ps1"]}}"#,
            members: Members::Any,
        },
    ),
    (
        "machines_wait_many",
        Case {
            params: r#"{"machineIds": ["ps1"], "state": "ready", "intervalMs": 1, "timeoutMs": 50}"#,
            members: Members::Id,
        },
    ),
];

/// The [`Case`] of `op`; panics naming the operation when it has none.
pub fn case(op: Operation) -> Case {
    CASES
        .iter()
        .find(|(name, _)| *name == op.name())
        .map(|(_, case)| *case)
        .unwrap_or_else(|| {
            panic!(
                "no case for the operation {}: add its valid params and result members to CASES in tests/fuzz/src/lib.rs",
                op.name()
            )
        })
}

/// A JSON object, whatever its members (never an array read positionally). Read through
/// serde's ignoring path, like the client: JSON's grammar allows a lone surrogate escape or
/// `1e400` in a member, which `serde_json::Value` could not hold.
struct AnyObject;

impl<'de> serde::Deserialize<'de> for AnyObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = AnyObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AnyObject, A::Error> {
                use serde::de::IgnoredAny;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyObject)
            }
        }
        d.deserialize_map(Members)
    }
}

/// Whether `text` is an object with the members `members` asks for (or, with `array`, an
/// array of such objects); other members are not looked at.
fn has_members(members: Members, array: bool, text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Identified {
        #[allow(dead_code)]
        id: String,
    }
    #[derive(serde::Deserialize)]
    struct Available {
        #[allow(dead_code)]
        available: bool,
    }
    fn reads<T: serde::de::DeserializeOwned>(array: bool, text: &str) -> bool {
        if array {
            serde_json::from_str::<Vec<T>>(text).is_ok()
        } else {
            serde_json::from_str::<T>(text).is_ok()
        }
    }
    match members {
        Members::Id => reads::<Identified>(array, text),
        Members::Available => reads::<Available>(array, text),
        Members::Any => reads::<AnyObject>(array, text),
    }
}

/// Whether `body` has the shape docs/ABI.md says `op` returns: the table's result kind, with
/// the members of its [`Case`] in each object.
fn has_documented_shape(op: Operation, body: &str) -> bool {
    let members = case(op).members;
    match op.result_kind() {
        ResultKind::Array => has_members(members, true, body),
        ResultKind::Object => has_members(members, false, body),
        ResultKind::String => serde_json::from_str::<String>(body).is_ok(),
        ResultKind::Empty => true,
    }
}

/// Target `decode_responses`: the first byte picks the operation (by its index in the table,
/// modulo their number), the second the status the server answers with, the rest is the
/// body. Oracles: a 2xx answer is the body unchanged when it has the documented shape and a
/// `decode` error otherwise (`{}` for the 204 operations, whatever the body); a non-2xx answer
/// is an `api` error with that HTTP status whose details are the body parsed as JSON, or its
/// text.
pub fn decode_responses(data: &[u8]) {
    let [selector, answer, body @ ..] = data else {
        return;
    };
    let op = Operation::ALL[usize::from(*selector) % Operation::ALL.len()];
    let status = DECODE_STATUSES[usize::from(*answer) % DECODE_STATUSES.len()];
    let params = case(op).params;
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    *ANSWER.lock().unwrap() = (status, body.to_vec());
    let outcome = decode_client().call_json(op, params);
    // A 204 answer has no body, whatever bytes follow its head.
    let body: &[u8] = if status == 204 { b"" } else { body };
    let text = String::from_utf8_lossy(body);
    let no_result = op.result_kind() == ResultKind::Empty;
    match (status, outcome) {
        // The 204 operations ignore a 2xx body; one that is not UTF-8 text is refused while
        // it is read, before the operation sees it (a Decode error, as for every operation).
        (200..=299, Err(e)) if no_result && std::str::from_utf8(body).is_err() => {
            assert_eq!(
                e.status(),
                Status::Decode,
                "{op:?} {status}: {}",
                e.message()
            );
        }
        (200..=299, outcome) if no_result => {
            assert_eq!(
                outcome.as_deref().ok(),
                Some("{}"),
                "{op:?} {status}: {outcome:?}"
            );
        }
        // A wait for many rebuilds its result from the listed (or shown) machines.
        (200..=299, Ok(result)) if op == Operation::MachinesWaitMany => {
            let machines: Vec<Value> = serde_json::from_str(&result).expect("an array");
            assert_eq!(machines.len(), 1, "{result:.300}");
            assert_eq!(machines[0]["id"], "ps1");
            assert_eq!(machines[0]["state"], "ready", "a wait ended early");
        }
        (200..=299, Ok(result)) => {
            assert_eq!(
                result.as_bytes(),
                body,
                "{op:?}: the result is not the body"
            );
            assert!(
                has_documented_shape(op, &result),
                "{op:?}: accepted a body of the wrong shape: {result:.300}"
            );
            if op == Operation::MachinesWait {
                #[derive(serde::Deserialize)]
                struct State {
                    state: Option<String>,
                }
                let seen: State = serde_json::from_str(&result).expect("a machine");
                assert_eq!(seen.state.as_deref(), Some("ready"), "a wait ended early");
            }
        }
        (200..=299, Err(e))
            if matches!(op, Operation::MachinesWait | Operation::MachinesWaitMany) =>
        {
            assert!(
                matches!(
                    e.status(),
                    Status::Decode | Status::Timeout | Status::MachineError
                ),
                "wait {status}: {:?} {}",
                e.status(),
                e.message()
            );
        }
        (200..=299, Err(e)) => {
            assert_eq!(
                e.status(),
                Status::Decode,
                "{op:?} {status}: {}",
                e.message()
            );
            assert!(
                !has_documented_shape(op, &text) || std::str::from_utf8(body).is_err(),
                "{op:?}: refused a body of the documented shape: {text:.300}"
            );
        }
        (_, Ok(result)) => panic!("{op:?}: HTTP {status} gave a result: {result:.200}"),
        (_, Err(e)) => {
            assert_eq!(e.status(), Status::Api, "{op:?} {status}: {}", e.message());
            assert_eq!(e.http_status(), Some(status));
            let details = if op == Operation::MachinesCreate {
                // With new-user fields the details wrap the original ones.
                &e.details()["response"]
            } else {
                e.details()
            };
            let expected = match serde_json::from_str::<Value>(&text) {
                Ok(parsed) => parsed,
                Err(_) if text.trim().is_empty() => Value::Null,
                Err(_) => Value::String(text.into_owned()),
            };
            assert_eq!(
                details,
                &as_scrubbed(expected, op.answer_holds_a_secret(), None),
                "{op:?}: details are not the body, scrubbed"
            );
            let json = e.to_json(op.name()).to_string();
            assert!(
                !json.contains("pw-fuzz"),
                "the password leaked: {json:.300}"
            );
        }
    }
}

/// What the client's scrubber must make of a server's error body: the values of members named
/// like secrets replaced; for an operation whose answer holds a secret, every string and number
/// but `name` and `status` replaced too.
fn as_scrubbed(value: Value, withhold: bool, key: Option<&str>) -> Value {
    const REDACTED: &str = "<redacted>";
    let secret_member = key.is_some_and(|k| {
        paperspace::error::SECRET_MEMBERS.contains(&k.to_ascii_lowercase().as_str())
    });
    match value {
        _ if secret_member => Value::String(REDACTED.into()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = as_scrubbed(v, withhold, Some(&k));
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| as_scrubbed(v, withhold, key))
                .collect(),
        ),
        Value::String(_) | Value::Number(_)
            if withhold && !matches!(key, Some("name" | "status")) =>
        {
            Value::String(REDACTED.into())
        }
        other => other,
    }
}

/// The decode target's server is shared: one call at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Target `decode_models`: the body through every public response type of
/// `paperspace::model` (what the typed Rust API returns), checking that what decodes
/// re-encodes and decodes to the same value.
pub fn decode_models(data: &[u8]) {
    use paperspace::model::delegation::ResourceDelegation;
    use paperspace::model::machine::{Availability, Machine, MachineEvent};
    use paperspace::model::network::Network;
    use paperspace::model::script::{Script, ScriptDetails};
    use paperspace::model::settings::Utilization;
    use paperspace::model::template::Template;
    use paperspace::model::user::User;
    fn round_trip<T>(data: &[u8])
    where
        T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
    {
        if let Ok(value) = serde_json::from_slice::<T>(data) {
            let again = serde_json::to_vec(&value).expect("a decoded value encodes");
            let back: T = serde_json::from_slice(&again).expect("an encoded value decodes");
            assert_eq!(back, value);
        }
    }
    round_trip::<Machine>(data);
    round_trip::<Vec<Machine>>(data);
    round_trip::<MachineEvent>(data);
    round_trip::<Template>(data);
    round_trip::<Vec<Template>>(data);
    round_trip::<User>(data);
    round_trip::<Vec<User>>(data);
    round_trip::<Availability>(data);
    round_trip::<Utilization>(data);
    round_trip::<Vec<Network>>(data);
    round_trip::<Script>(data);
    round_trip::<Vec<Script>>(data);
    round_trip::<ScriptDetails>(data);
    round_trip::<Vec<ResourceDelegation>>(data);
}

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target, by name (for the replay test).
pub const TARGETS: [(&str, Target); 5] = [
    ("abi_client_new", abi_client_new),
    ("abi_operation", abi_operation),
    ("abi_call_cancellable", abi_call_cancellable),
    ("decode_responses", decode_responses),
    ("decode_models", decode_models),
];

/// The version the C ABI reports (a cheap liveness check of the linked library).
pub fn version() -> String {
    unsafe { CStr::from_ptr(ps_version()) }
        .to_string_lossy()
        .into_owned()
}

//! The fuzz targets' bodies, shared by the libFuzzer targets of this cargo-fuzz project
//! (`fuzz_targets/*.rs`, `make fuzz`) and by the corpus-replay test of the main crate
//! (`tests/hostile_inputs.rs`, part of `cargo test` and of `make test-hardening`), which
//! includes this file with `#[path]`. It uses only the public surface: the C ABI exports and
//! `Client::call_json` against a tiny in-process HTTP server.
//!
//! Every target panics (a finding) when an oracle fails: a call returned `panic` (99) or
//! `internal` (98), an out string was missing or not the documented JSON, the error code and
//! the returned status disagree, or a decoder accepted a body of the wrong shape.

#![allow(clippy::missing_safety_doc, dead_code)]

use std::ffi::{CStr, c_char};
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

type OpFn = unsafe extern "C" fn(*const PsClient, *const c_char, *mut *mut c_char) -> i32;

unsafe extern "C" {
    fn ps_client_new(config: *const c_char, out: *mut *mut PsClient, err: *mut *mut c_char) -> i32;
    fn ps_client_free(client: *mut PsClient);
    fn ps_templates_list(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_create(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_availability(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_show(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_list(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_wait(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_wait_cancellable(
        c: *const PsClient,
        p: *const c_char,
        cancel: *const PsCancel,
        o: *mut *mut c_char,
    ) -> i32;
    fn ps_machines_start(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_stop(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_restart(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_machines_destroy(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_users_list(c: *const PsClient, p: *const c_char, o: *mut *mut c_char) -> i32;
    fn ps_string_free(s: *mut c_char);
    fn ps_cancel_new() -> *mut PsCancel;
    fn ps_cancel_trigger(cancel: *const PsCancel);
    fn ps_cancel_free(cancel: *mut PsCancel);
    fn ps_status_name(code: i32) -> *const c_char;
    fn ps_version() -> *const c_char;
}

const OPS: [(&str, OpFn); 11] = [
    ("templates_list", ps_templates_list),
    ("machines_create", ps_machines_create),
    ("machines_availability", ps_machines_availability),
    ("machines_show", ps_machines_show),
    ("machines_list", ps_machines_list),
    ("machines_wait", ps_machines_wait),
    ("machines_start", ps_machines_start),
    ("machines_stop", ps_machines_stop),
    ("machines_restart", ps_machines_restart),
    ("machines_destroy", ps_machines_destroy),
    ("users_list", ps_users_list),
];

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
    assert!(
        EXPECTED.contains(&status),
        "{what}: status {status} (internal or panic is a bug)"
    );
    assert!(!out.is_null(), "{what}: status {status} and no string");
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .unwrap_or_else(|_| panic!("{what}: the out string is not UTF-8"))
        .to_owned();
    unsafe { ps_string_free(out) };
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

/// Target `abi_operation`: the first byte picks one of the 11 `ps_<resource>_<verb>(client,
/// params, out)` exports, the rest is `params_json`; the client points at a closed port. Also
/// asks `ps_status_name` about the first four bytes as a code.
pub fn abi_operation(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if let Some(code) = data.get(..4) {
        let code = i32::from_le_bytes(code.try_into().unwrap());
        let name = unsafe { CStr::from_ptr(ps_status_name(code)) };
        assert!(!name.to_bytes().is_empty());
    }
    let (name, op) = OPS[usize::from(selector) % OPS.len()];
    if name == "machines_wait" && waits_long(rest) {
        return;
    }
    let params = c_string(rest);
    let mut out = ptr::null_mut();
    let status = unsafe { op(closed_port_client(), params.as_ptr().cast(), &mut out) };
    let text = unsafe { take_out(name, status, out) };
    // Nothing can succeed against a closed port; start/stop/... never return a result.
    assert_ne!(
        status, 0,
        "{name}: success against a closed port: {text:.200}"
    );
    assert!(
        matches!(status, 1 | 2 | 4 | 5),
        "{name}: status {status}: {text:.300}"
    );
}

/// Target `abi_wait_cancellable`: params for `ps_machines_wait_cancellable`, with a cancel flag
/// that is NULL, fresh, or already triggered (first byte).
pub fn abi_wait_cancellable(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if waits_long(rest) && selector % 3 != 2 {
        return;
    }
    let params = c_string(rest);
    let cancel = match selector % 3 {
        0 => ptr::null_mut(),
        _ => unsafe { ps_cancel_new() },
    };
    if selector % 3 == 2 {
        unsafe { ps_cancel_trigger(cancel) };
    }
    let mut out = ptr::null_mut();
    let status = unsafe {
        ps_machines_wait_cancellable(
            closed_port_client(),
            params.as_ptr().cast(),
            cancel,
            &mut out,
        )
    };
    let text = unsafe { take_out("machines_wait_cancellable", status, out) };
    assert!(
        matches!(status, 1 | 2 | 4 | 5 | 8),
        "wait: status {status}: {text:.300}"
    );
    unsafe { ps_cancel_free(cancel) };
}

/// A wait is bounded by its own timeout only after its first poll; against a closed port the
/// first poll fails at once, so every wait ends fast. Kept as a hook should that change.
fn waits_long(_params: &[u8]) -> bool {
    false
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

/// Valid parameters of each operation, so every call reaches the server.
fn valid_params(op: Operation) -> &'static str {
    match op {
        Operation::MachinesCreate => {
            r#"{"region": "East Coast (NY2)", "machineType": "C4", "size": 50, "billingType": "hourly", "machineName": "f", "templateId": "t1", "email": "a@b.co", "password": "pw-fuzz", "firstName": "A", "lastName": "B"}"#
        }
        Operation::MachinesAvailability => r#"{"region": "Europe (AMS1)", "machineType": "V100"}"#,
        Operation::MachinesWait => {
            r#"{"machineId": "ps1", "state": "ready", "intervalMs": 1, "timeoutMs": 50}"#
        }
        Operation::MachinesShow
        | Operation::MachinesStart
        | Operation::MachinesStop
        | Operation::MachinesRestart => r#"{"machineId": "ps1"}"#,
        Operation::MachinesDestroy => r#"{"machineId": "ps1", "releasePublicIp": true}"#,
        Operation::MachinesUpdate => {
            r#"{"machineId": "ps1", "machineName": "renamed", "shutdownTimeoutInHours": 8, "autoSnapshotFrequency": null}"#
        }
        Operation::MachinesUtilization => r#"{"machineId": "ps1", "billingMonth": "2019-04"}"#,
        Operation::MachinesSetAccess => {
            r#"{"machineId": "ps1", "userId": "u1", "enableAccess": true}"#
        }
        Operation::ScriptsCreate => r#"{"scriptName": "s", "scriptText": "echo hi"}"#,
        Operation::ScriptsShow | Operation::ScriptsText | Operation::ScriptsDestroy => {
            r#"{"scriptId": "sc1"}"#
        }
        Operation::ResourceDelegationsCreate => r#"{"machine": {"ids": ["ps1"]}}"#,
        _ => "{}",
    }
}

/// Whether `body` has the shape docs/ABI.md says `op` returns: an array of objects with a
/// string `id`, an object with a string `id`, or `{"available": bool}`; other members are not
/// looked at. (Through serde's ignoring path, like the client: JSON's grammar allows a lone
/// surrogate escape or `1e400` in a member, which `serde_json::Value` could not hold.)
/// A JSON object, whatever its members (never an array read positionally).
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

fn has_documented_shape(op: Operation, body: &str) -> bool {
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
    match (op, op.result_kind()) {
        (Operation::MachinesAvailability, _) => serde_json::from_str::<Available>(body).is_ok(),
        (Operation::MachinesUtilization | Operation::MachinesSetAccess, _) => {
            serde_json::from_str::<AnyObject>(body).is_ok()
        }
        (Operation::ResourceDelegationsCreate, _) => {
            serde_json::from_str::<Vec<AnyObject>>(body).is_ok()
        }
        (_, ResultKind::Array) => serde_json::from_str::<Vec<Identified>>(body).is_ok(),
        (_, ResultKind::String) => serde_json::from_str::<String>(body).is_ok(),
        _ => serde_json::from_str::<Identified>(body).is_ok(),
    }
}

/// Target `decode_responses`: the first byte picks the operation and the status the server
/// answers with, the rest is the body. Oracles: a 2xx answer is the body unchanged when it has
/// the documented shape and a `decode` error otherwise (`{}` for the 204 operations, whatever
/// the body); a non-2xx answer is an `api` error with that HTTP status whose details are the
/// body parsed as JSON, or its text.
pub fn decode_responses(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let op = Operation::ALL[usize::from(selector) % Operation::ALL.len()];
    let status = DECODE_STATUSES[usize::from(selector / 16) % DECODE_STATUSES.len()];
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    *ANSWER.lock().unwrap() = (status, body.to_vec());
    let outcome = decode_client().call_json(op, valid_params(op));
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
        (200..=299, Err(e)) if op == Operation::MachinesWait => {
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
            match serde_json::from_str::<Value>(&text) {
                Ok(parsed) => assert_eq!(details, &parsed, "{op:?}: details are not the body"),
                Err(_) if text.trim().is_empty() => assert!(details.is_null()),
                Err(_) => assert_eq!(details, &Value::String(text.into_owned())),
            }
            let json = e.to_json(op.name()).to_string();
            assert!(
                !json.contains("pw-fuzz"),
                "the password leaked: {json:.300}"
            );
        }
    }
}

/// The decode target's server is shared: one call at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Target `decode_models`: the body through every public response type of
/// `paperspace::model` (what the typed Rust API returns), checking that what decodes
/// re-encodes and decodes to the same value.
pub fn decode_models(data: &[u8]) {
    use paperspace::model::machine::{Availability, Machine, MachineEvent};
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
}

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target, by name (for the replay test).
pub const TARGETS: [(&str, Target); 5] = [
    ("abi_client_new", abi_client_new),
    ("abi_operation", abi_operation),
    ("abi_wait_cancellable", abi_wait_cancellable),
    ("decode_responses", decode_responses),
    ("decode_models", decode_models),
];

/// The version the C ABI reports (a cheap liveness check of the linked library).
pub fn version() -> String {
    unsafe { CStr::from_ptr(ps_version()) }
        .to_string_lossy()
        .into_owned()
}

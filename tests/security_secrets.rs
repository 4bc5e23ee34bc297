//! The API key, a new-user password and a delegation's access token never appear in an error
//! (message, JSON, Debug, Display), in a log line of the emulator, or in the Debug output of
//! the client, its config, the parameters or a typed result: every output of every operation
//! of the table is captured and searched, on success, on validation failures, on server
//! refusals, under every fault, and against servers that echo the request back.
#![cfg(feature = "emulator")]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::*;
use paperspace::emulator::{Emulator, Scenario};
use paperspace::model::machine::CreateMachine;
use paperspace::model::{Params, Secret};
use paperspace::{Client, Config, Operation, Status};
use serde_json::{Value, json};

const KEY: &str = "sk-live-7f3a9c2e51d04b8aa6e0f1d2c3b4a5e6";
const PASSWORD: &str = "Pw-0c9d8e7f-secret-42";

/// Every text the tests produced, to be searched at the end.
#[derive(Default)]
struct Outputs(Vec<String>);

impl Outputs {
    fn error(&mut self, op: Operation, err: &paperspace::Error) {
        self.0.push(err.to_json(op.name()).to_string());
        self.0.push(format!("{err:?}"));
        self.0.push(format!("{err}"));
        self.0.push(err.message().to_string());
        self.0.push(err.details().to_string());
    }

    fn outcome(&mut self, op: Operation, outcome: &paperspace::Result<String>) {
        match outcome {
            Ok(text) => self.0.push(text.clone()),
            Err(err) => self.error(op, err),
        }
    }

    fn assert_clean(&self, secrets: &[&str]) {
        assert!(!self.0.is_empty());
        for text in &self.0 {
            for secret in secrets {
                assert!(!text.contains(secret), "a secret leaked into: {text}");
                // Also a long piece of it (a truncated or split copy).
                assert!(
                    !text.contains(&secret[..12]),
                    "a secret leaked into: {text}"
                );
            }
        }
    }
}

/// An emulator whose scenario knows `KEY` as the admin's key, logging into `log`.
fn emulator_logging(log: Arc<Mutex<Vec<String>>>) -> Emulator {
    let mut scenario: Value = serde_json::from_str(paperspace::emulator::DEFAULT_SCENARIO_JSON)
        .expect("the default scenario is JSON");
    scenario["users"][0]["apiKey"] = json!(KEY);
    scenario["delays"] =
        json!({"provisionMs": 20, "startMs": 20, "stopMs": 20, "restartMs": 20, "destroyMs": 20});
    let scenario = Scenario::from_json(&scenario.to_string()).unwrap();
    Emulator::start_with_logger("127.0.0.1:0", scenario, move |line| {
        log.lock().unwrap().push(line.to_string());
    })
    .unwrap()
}

/// `DELETE /__emulator/faults`: drops the faults a call did not use up.
fn clear_faults(emu: &Emulator) {
    let mut s = std::net::TcpStream::connect(emu.address()).unwrap();
    s.write_all(b"DELETE /__emulator/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    assert_eq!(emu.stats()["faultsPending"], 0);
}

fn new_user_create(name: &str, email: &str) -> Value {
    let mut params = ubuntu_c4(name);
    params["email"] = json!(email);
    params["password"] = json!(PASSWORD);
    params["firstName"] = json!("Sansa");
    params["lastName"] = json!("Stark");
    params
}

/// Parameters of every operation that pass the library's rules, keyed by the operation's
/// name; `machine` is the id of an existing machine. The create carries a new-user password.
/// An operation of the table without an entry fails [`params_for`].
fn valid_params(name: &str, machine: &str) -> Option<Value> {
    Some(match name {
        "templates_list" => json!({}),
        "machines_create" => new_user_create("table", "table@example.com"),
        "machines_availability" => json!({"region": "Europe (AMS1)", "machineType": "V100"}),
        "machines_show" => json!({"machineId": machine}),
        "machines_list" => json!({"limit": 5}),
        "machines_wait" => {
            json!({"machineId": machine, "state": "off", "intervalMs": 10, "timeoutMs": 100})
        }
        "machines_start" => json!({"machineId": "psnothere"}),
        "machines_stop" | "machines_restart" => json!({"machineId": machine}),
        "machines_destroy" => json!({"machineId": machine, "releasePublicIp": true}),
        "users_list" => json!({"email": "nobody@example.com"}),
        "machines_update" => json!({"machineId": machine, "machineName": "renamed"}),
        "machines_utilization" => json!({"machineId": machine, "billingMonth": "2019-04"}),
        "machines_set_access" => {
            json!({"machineId": machine, "userId": "um7x2p4j", "enableAccess": true})
        }
        "networks_list" => json!({"region": "East Coast (NY2)"}),
        "scripts_create" => json!({"scriptName": "s", "scriptText": "echo hi"}),
        "scripts_list" => json!({}),
        "scripts_show" | "scripts_text" | "scripts_destroy" => json!({"scriptId": "scnothere"}),
        "resource_delegations_create" => json!({"machine": {"ids": [machine]}}),
        "machines_wait_many" => {
            json!({"machineIds": [machine, "psnothere"], "state": "off", "intervalMs": 10, "timeoutMs": 100})
        }
        _ => return None,
    })
}

/// [`valid_params`] of `op`; panics naming the operation when it has none.
fn params_for(op: Operation, machine: &str) -> Value {
    valid_params(op.name(), machine).unwrap_or_else(|| {
        panic!(
            "no valid params for {} in tests/security_secrets.rs: add them to valid_params",
            op.name()
        )
    })
}

#[test]
fn secrets_stay_out_of_errors_logs_and_debug_output() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let emu = emulator_logging(Arc::clone(&log));
    let mut out = Outputs::default();
    let client = Client::new(Config {
        max_retries: Some(1),
        timeout_ms: Some(1_000),
        ..Config::new(KEY, emu.url())
    })
    .unwrap();
    out.0.push(format!("{client:?}"));
    out.0.push(format!("{:?}", Config::new(KEY, emu.url())));
    out.0.push(format!(
        "{:?}",
        Config::from_json(&json!({"apiKey": KEY, "baseUrl": emu.url()}).to_string()).unwrap()
    ));
    let with_user: CreateMachine =
        CreateMachine::from_json(&new_user_create("dbg", "dbg@example.com").to_string()).unwrap();
    out.0.push(format!("{with_user:?}"));
    out.0.push(format!("{:?}", Secret(PASSWORD.into())));

    // Success, then every fault, on a create with a new user and on the other operations.
    let run = |out: &mut Outputs, op: Operation, params: &Value| {
        let outcome = client.call_json(op, &params.to_string());
        out.outcome(op, &outcome);
    };
    run(
        &mut out,
        Operation::MachinesCreate,
        &new_user_create("ok", "ok@example.com"),
    );
    let faults = [
        r#"{"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "status": 500}"#,
        r#"{"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "action": "close"}"#,
        r#"{"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "action": "garbage"}"#,
        r#"{"path": "/machines/createSingleMachinePublic", "status": 400}"#,
        r#"{"path": "/machines/createSingleMachinePublic", "action": "truncate", "stage": "afterHandling"}"#,
        r#"{"path": "/machines/createSingleMachinePublic", "delayMs": 1500, "stage": "afterHandling"}"#,
        r#"{"path": "/machines/createSingleMachinePublic", "status": 200, "body": "{\"id\": 7}"}"#,
    ];
    for (i, fault) in faults.iter().enumerate() {
        emu.add_faults(fault).unwrap();
        // The lookup of the user after a failed create goes through a fault too, sometimes.
        if i % 2 == 1 {
            emu.add_faults(r#"{"path": "/users/getUsers", "status": 503, "count": 2}"#)
                .unwrap();
        }
        run(
            &mut out,
            Operation::MachinesCreate,
            &new_user_create(&format!("f{i}"), &format!("f{i}@example.com")),
        );
        clear_faults(&emu);
    }
    // Rules broken locally and on the server, with the password present.
    let mut bad = new_user_create("bad", "not-an-email");
    bad["size"] = json!(1);
    run(&mut out, Operation::MachinesCreate, &bad);
    let mut clash = new_user_create("clash", "c@example.com");
    clash["userId"] = json!("uq8w3kz5");
    run(&mut out, Operation::MachinesCreate, &clash);
    let mut half = ubuntu_c4("half");
    half["password"] = json!(PASSWORD);
    run(&mut out, Operation::MachinesCreate, &half);
    // Wrong JSON types and unknown keys next to the password.
    for text in [
        json!({"password": PASSWORD, "size": "big"}).to_string(),
        json!({"password": PASSWORD, "passwrd": PASSWORD}).to_string(),
        format!(r#"{{"password": "{PASSWORD}", "size": 50,"#),
        format!(r#"{{"password": ["{PASSWORD}"]}}"#),
        format!(r#"{{"password": {{"{PASSWORD}": 1}}}}"#),
    ] {
        let outcome = client.call_json(Operation::MachinesCreate, &text);
        assert_eq!(
            outcome.as_ref().unwrap_err().status(),
            Status::InvalidArgument
        );
        out.outcome(Operation::MachinesCreate, &outcome);
    }
    // Every other operation, plain and faulted.
    let id = serde_json::from_str::<Value>(
        &client
            .call_json(Operation::MachinesCreate, &ubuntu_c4("other").to_string())
            .unwrap(),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Every operation of the table, plain and faulted (the destroy, in table order, comes
    // before operations that then find the machine gone: their refusals are outputs too).
    for &op in Operation::ALL {
        let params = params_for(op, &id);
        run(&mut out, op, &params);
        for fault in [
            r#"{"status": 500}"#,
            r#"{"action": "close", "count": 2}"#,
            r#"{"action": "garbage"}"#,
            r#"{"status": 200, "body": "{\"unexpected\": true}"}"#,
        ] {
            emu.add_faults(fault).unwrap();
            run(&mut out, op, &params);
            clear_faults(&emu);
        }
    }
    // A client with a wrong key: the server refuses it; the refusal must not echo it.
    let wrong = Client::new(Config::new("sk-wrong-0123456789abcdef", emu.url())).unwrap();
    let refused = wrong.call_json(Operation::TemplatesList, "");
    assert_eq!(refused.as_ref().unwrap_err().http_status(), Some(401));
    out.outcome(Operation::TemplatesList, &refused);

    out.0.extend(log.lock().unwrap().iter().cloned());
    assert!(
        log.lock().unwrap().len() > 50,
        "the emulator logged the requests"
    );
    out.assert_clean(&[KEY, PASSWORD, "sk-wrong-0123456789abcdef"]);
}

#[test]
fn config_errors_never_echo_the_key() {
    let mut out = Outputs::default();
    for config in [
        json!({"apiKey": KEY, "baseUrl": "http://example.com"}),
        json!({"apiKey": KEY, "baseUrl": "http://127.0.0.1:1", "timeoutMs": 0}),
        json!({"apiKey": KEY, "baseUrl": "http://127.0.0.1:1", "maxRetries": 99}),
        json!({"apiKey": format!("{KEY}\r\n"), "baseUrl": "http://127.0.0.1:1"}),
        json!({"apiKey": KEY, "baseUrl": "http://127.0.0.1:1", "userAgent": "a\nb"}),
    ] {
        let err = Client::new(Config::from_json(&config.to_string()).unwrap()).unwrap_err();
        assert_eq!(err.status(), Status::Config, "{config}");
        out.error(Operation::TemplatesList, &err);
    }
    for text in [
        json!({"apiKey": KEY, "bogus": 1}).to_string(),
        json!({"apiKey": [KEY]}).to_string(),
        json!({"apiKey": {KEY: true}}).to_string(),
        format!(r#"{{"apiKey": "{KEY}", "#),
        format!(r#"{{"apiKey": "{KEY}" "baseUrl": 1}}"#),
    ] {
        let err = Config::from_json(&text).unwrap_err();
        assert_eq!(err.status(), Status::InvalidArgument, "{text}");
        out.error(Operation::TemplatesList, &err);
    }
    out.assert_clean(&[KEY]);
}

#[test]
fn a_key_or_password_given_as_a_number_is_not_echoed() {
    // A mistyped secret (a number instead of a string) is still a secret.
    let digits = "982451653120987";
    let err = Config::from_json(&format!(r#"{{"apiKey": {digits}}}"#)).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(!err.message().contains(digits), "{}", err.message());
    let err = CreateMachine::from_json(&format!(r#"{{"password": {digits}}}"#)).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(!err.message().contains(digits), "{}", err.message());
}

/// How a [`Reflector`] puts the request it got (head and body, as text) into its answer.
#[derive(Debug, Clone, Copy)]
enum Echo {
    /// 400 with an error object quoting the request, like a debugging proxy would.
    Refusal,
    /// 200 with the request as a bare JSON string (a decoder may quote it in its error).
    BareString,
    /// 200 with an array holding the request as a string.
    StringInArray,
}

impl Echo {
    fn answer(self, request: &str) -> (u16, String) {
        match self {
            Echo::Refusal => (
                400,
                json!({"error": {"status": 400, "message": format!("bad request: {request}")}, "echo": request})
                    .to_string(),
            ),
            Echo::BareString => (200, json!(request).to_string()),
            Echo::StringInArray => (200, json!([request]).to_string()),
        }
    }
}

/// A loopback server that reflects every request it gets in its answer ([`Echo`]): the
/// client must not hand the key or the password back to its caller in an error. Bounded: it
/// stops accepting after 30 s or when dropped.
struct Reflector {
    url: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Reflector {
    fn start(echo: Echo) -> Reflector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline && !stopping.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => reflect(stream, echo),
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Reflector {
            url,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Reflector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request (its head, then the body its `content-length` announces) and answers
/// with it reflected.
fn reflect(mut s: TcpStream, echo: Echo) {
    s.set_nonblocking(false).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < end + length {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let (status, body) = echo.answer(&String::from_utf8_lossy(&request));
    let answer = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.write_all(answer.as_bytes());
}

#[test]
fn a_server_echoing_the_request_does_not_make_the_client_leak() {
    let mut out = Outputs::default();
    for echo in [Echo::Refusal, Echo::BareString, Echo::StringInArray] {
        let server = Reflector::start(echo);
        let client = Client::new(Config {
            max_retries: Some(0),
            timeout_ms: Some(5_000),
            ..Config::new(KEY, &server.url)
        })
        .unwrap();
        for &op in Operation::ALL {
            let params = params_for(op, "psecho1");
            let outcome = client.call_json(op, &params.to_string());
            match (&outcome, echo) {
                (Err(err), _) => out.error(op, err),
                (Ok(_), Echo::Refusal) => panic!("{}: a 400 gave a result", op.name()),
                // A 2xx answer of the right shape is the server's own text, returned as it
                // came (an operation answering 204, a string result): not an error.
                (Ok(_), _) => {}
            }
        }
    }
    // Every operation was refused at least once (the 400s), so the search covers all.
    assert!(out.0.len() >= Operation::ALL.len() * 5);
    let echoed = out.0.iter().filter(|t| t.contains("x-api-key")).count();
    assert!(echoed > 0, "the servers' echoes reached the errors");
    out.assert_clean(&[KEY, PASSWORD]);
}

/// A delegation's token in a typed result never shows in its Debug output.
#[test]
fn a_delegation_token_does_not_debug_print() {
    use paperspace::model::delegation::Delegation;
    let token = TOKEN;
    let body = json!([{"delegation": {"machine": {"ids": ["ps1"]}}, "isEnabled": true,
        "accessTokenId": token, "dtCreated": "2019-04-01T10:00:00.000Z", "id": 7}])
    .to_string();
    let server = Answerer::start(200, body.clone());
    let client = Client::new(Config::new(KEY, &server.url)).unwrap();
    let created = client
        .create_resource_delegation(&Delegation::machines(&["ps1"]))
        .unwrap();
    assert_eq!(
        created[0].access_token_id.as_ref().map(|t| t.expose()),
        Some(token)
    );
    let shown = format!("{created:?}");
    assert!(!shown.contains(token), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    // The JSON form returns the server's answer itself: the token is the result.
    let text = client
        .call_json(
            Operation::ResourceDelegationsCreate,
            r#"{"machine": {"ids": ["ps1"]}}"#,
        )
        .unwrap();
    assert_eq!(text, body);
}

/// A server that answers every request with one fixed answer (bounded like [`Reflector`]).
struct Answerer {
    url: String,
    _stop: StopOnDrop,
}

struct StopOnDrop(Arc<AtomicBool>, Option<JoinHandle<()>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
        if let Some(thread) = self.1.take() {
            let _ = thread.join();
        }
    }
}

impl Answerer {
    fn start(status: u16, body: String) -> Answerer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline && !stopping.load(Ordering::SeqCst) {
                let Ok((mut s, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(2));
                    continue;
                };
                s.set_nonblocking(false).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(answer.as_bytes());
            }
        });
        Answerer {
            url,
            _stop: StopOnDrop(stop, Some(thread)),
        }
    }
}

const TOKEN: &str = "tok-live-81c4e0b7d2a95f36";

/// Runs a delegation create through both forms against a server answering `status` and
/// `body`; the typed form must fail, and the token must stay out of every error. (The JSON
/// form's result is the server's own text when it is an array of objects: the token is then
/// the result, not an error.)
fn delegation_errors_are_clean(answers: &[(u16, Value)]) {
    use paperspace::model::delegation::Delegation;
    let mut out = Outputs::default();
    for (status, body) in answers {
        let server = Answerer::start(*status, body.to_string());
        let client = Client::new(Config {
            max_retries: Some(0),
            ..Config::new(KEY, &server.url)
        })
        .unwrap();
        let op = Operation::ResourceDelegationsCreate;
        if let Err(err) = client.call_json(op, r#"{"machine": {"ids": ["ps1"]}}"#) {
            out.error(op, &err);
        }
        match client.create_resource_delegation(&Delegation::machines(&["ps1"])) {
            Err(err) => out.error(op, &err),
            Ok(created) => panic!("{status} {body}: accepted {created:?}"),
        }
    }
    out.assert_clean(&[TOKEN]);
}

/// An answer to a delegation create that is not of its shape, with the new token in it: the
/// decode error names where the shape broke, never the value found there.
#[test]
fn a_delegation_token_in_a_malformed_answer_stays_out_of_the_error() {
    delegation_errors_are_clean(&[
        (200, json!({"accessTokenId": TOKEN})),
        (200, json!([TOKEN])),
        (200, json!([{"accessTokenId": TOKEN}, TOKEN])),
        (200, json!([{"accessTokenId": TOKEN, "isEnabled": TOKEN}])),
        (200, json!([{"accessTokenId": TOKEN, "id": TOKEN}])),
    ]);
}

/// A refusal of a delegation create whose body carries the token (a server echoing what it
/// made): the token must not reach the error's details.
#[test]

fn a_delegation_token_in_a_refusal_stays_out_of_the_error() {
    delegation_errors_are_clean(&[
        (
            409,
            json!({"error": {"status": 409, "message": "exists"}, "accessTokenId": TOKEN}),
        ),
        (
            500,
            json!({"message": format!("created {TOKEN} but failed")}),
        ),
    ]);
}

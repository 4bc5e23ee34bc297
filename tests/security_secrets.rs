//! The API key and a new-user password never appear in an error (message, JSON, Debug,
//! Display), in a log line of the emulator, or in the Debug output of the client, its config
//! or the parameters: every output of every operation is captured and searched, on success,
//! on validation failures, on server refusals and under every fault.
#![cfg(feature = "emulator")]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
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
    let others = [
        (Operation::TemplatesList, json!({})),
        (
            Operation::MachinesAvailability,
            json!({"region": "Europe (AMS1)", "machineType": "V100"}),
        ),
        (Operation::MachinesShow, json!({"machineId": id})),
        (Operation::MachinesList, json!({"limit": 5})),
        (
            Operation::MachinesWait,
            json!({"machineId": id, "state": "off", "intervalMs": 10, "timeoutMs": 100}),
        ),
        (Operation::MachinesStop, json!({"machineId": id})),
        (Operation::MachinesStart, json!({"machineId": "psnothere"})),
        (Operation::MachinesRestart, json!({"machineId": id})),
        (Operation::UsersList, json!({"email": "nobody@example.com"})),
        (Operation::MachinesDestroy, json!({"machineId": id})),
    ];
    for (op, params) in &others {
        run(&mut out, *op, params);
        for fault in [
            r#"{"status": 500}"#,
            r#"{"action": "close", "count": 2}"#,
            r#"{"action": "garbage"}"#,
            r#"{"status": 200, "body": "{\"unexpected\": true}"}"#,
        ] {
            emu.add_faults(fault).unwrap();
            run(&mut out, *op, params);
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

/// A server that reflects the request it got (head and body) in its answer, like a debugging
/// proxy would: the client must not hand the key or the password back to its caller.
fn reflecting_server(status: u16, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut served = 0;
        while served < requests && Instant::now() < deadline {
            let Ok((mut s, _)) = listener.accept() else {
                thread::sleep(Duration::from_millis(5));
                continue;
            };
            served += 1;
            s.set_nonblocking(false).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = s.read(&mut buf) {
                request.extend_from_slice(&buf[..n]);
            }
            let text = String::from_utf8_lossy(&request).into_owned();
            let body = json!({"error": {"status": status, "message": format!("bad request: {text}")}, "echo": text})
                .to_string();
            let answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(answer.as_bytes());
        }
    });
    url
}

#[test]
fn a_server_echoing_the_request_does_not_make_the_client_leak() {
    let mut out = Outputs::default();
    for status in [400, 200] {
        // create with a new user: the create, then the users lookup, both echoed.
        let url = reflecting_server(status, 2);
        let client = Client::new(Config {
            max_retries: Some(0),
            ..Config::new(KEY, &url)
        })
        .unwrap();
        let outcome = client.call_json(
            Operation::MachinesCreate,
            &new_user_create("echo", "echo@example.com").to_string(),
        );
        assert!(outcome.is_err(), "{outcome:?}");
        out.outcome(Operation::MachinesCreate, &outcome);
    }
    out.assert_clean(&[KEY, PASSWORD]);
}

//! Limits of what a caller can pass: over-long values, arrays where objects belong.
#![cfg(feature = "emulator")]

mod common;

use common::*;
use paperspace::{Client, Config, Operation, Status};
use serde_json::json;

/// A request URL longer than the HTTP library accepts (65534 bytes) is the caller's error,
/// not `internal`.
#[test]
fn a_url_over_the_http_limit_is_a_caller_error() {
    let client = Client::new(Config {
        max_retries: Some(0),
        ..Config::new("key", "http://127.0.0.1:1")
    })
    .unwrap();
    let id = "a".repeat(70_000);
    for op in [Operation::MachinesShow, Operation::MachinesStart] {
        let err = client
            .call_json(op, &json!({ "machineId": id }).to_string())
            .unwrap_err();
        assert!(
            matches!(err.status(), Status::Validation | Status::InvalidArgument),
            "{op:?}: {:?} {}",
            err.status(),
            err.message()
        );
    }
}

/// serde reads a struct from a JSON array positionally; a config is an object only.
#[test]
fn a_config_is_an_object_never_an_array() {
    let err = Config::from_json(r#"["k", "http://127.0.0.1:1", 1000, 1000, 0, "ua"]"#)
        .expect_err("an array is not a config");
    assert_eq!(err.status(), Status::InvalidArgument);
}

#[test]
fn parameters_are_objects_never_arrays() {
    let emu = emulator();
    let client = admin(&emu);
    // serde would read a struct from an array positionally: every operation of the table
    // refuses arrays, whatever they hold.
    let positional_create = r#"["East Coast (NY2)", "C4", 50, "hourly", "m", "t04azgph"]"#;
    for &op in Operation::ALL {
        for params in [
            "[]",
            r#"["ps1"]"#,
            r#"[{"machineId": "ps1"}]"#,
            positional_create,
        ] {
            let err = client.call_json(op, params).unwrap_err();
            assert_eq!(
                err.status(),
                Status::InvalidArgument,
                "{} {params}",
                op.name()
            );
        }
    }
    let stats = emu.stats();
    assert_eq!(stats["requests"], json!({}), "nothing was sent");
}

#[test]
fn long_but_legal_values_reach_the_server() {
    let emu = emulator();
    let client = client(&emu, json!({"maxRetries": 0}));
    // 8 KiB: far below the URL limit; the emulator answers 404 for an unknown id.
    let id = "p".repeat(8 * 1024);
    let err = client
        .call_json(
            Operation::MachinesShow,
            &json!({ "machineId": id }).to_string(),
        )
        .unwrap_err();
    assert!(
        matches!(err.status(), Status::Api | Status::Transport),
        "{:?} {}",
        err.status(),
        err.message()
    );
    // A name of 64 KiB in a create body (POST, no URL limit) is refused by the server's rules
    // or accepted, never an internal error.
    let mut params = ubuntu_c4(&"n".repeat(64 * 1024));
    params["startOnCreate"] = json!(false);
    match client.call_json(Operation::MachinesCreate, &params.to_string()) {
        Ok(text) => assert!(text.contains("\"id\"")),
        Err(err) => assert!(
            matches!(err.status(), Status::Api | Status::Transport),
            "{err}"
        ),
    }
}

/// `ps_operations()` describes, for every parameter, the JSON types it accepts; bindings and
/// the hostile C caller rely on it. A parameter that accepts no type at all cannot be given.
#[test]

fn every_parameter_accepts_some_json_type() {
    let untyped: Vec<String> = Operation::ALL
        .iter()
        .flat_map(|op| {
            op.params()
                .into_iter()
                .filter(|field| field.types.is_empty())
                .map(move |field| format!("{}.{}", op.name(), field.name))
        })
        .collect();
    assert!(untyped.is_empty(), "no JSON type listed for {untyped:?}");
}

/// A `scriptFile` that never ends or never opens (a FIFO with no writer) must not hold the
/// call past its time limit: the call's deadline bounds the whole call.
#[test]

fn a_script_file_that_blocks_does_not_outlive_the_deadline() {
    use std::time::{Duration, Instant};
    let fifo = std::env::temp_dir().join(format!("ps-fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let client = Client::new(Config {
        max_retries: Some(0),
        timeout_ms: Some(500),
        ..Config::new("key", "http://127.0.0.1:1")
    })
    .unwrap();
    let params = json!({"scriptName": "f", "scriptFile": fifo.to_str().unwrap()}).to_string();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(
            client
                .call_json(Operation::ScriptsCreate, &params)
                .map(drop),
        );
    });
    let started = Instant::now();
    let outcome = finished.recv_timeout(Duration::from_secs(3));
    // Release a call still blocked in open(): a writer opens the FIFO and closes it.
    if outcome.is_err() {
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
    }
    let _ = std::fs::remove_file(&fifo);
    let err = outcome
        .unwrap_or_else(|_| panic!("still blocked after {:?}", started.elapsed()))
        .unwrap_err();
    assert!(
        matches!(err.status(), Status::Timeout | Status::Validation),
        "{err}"
    );
}

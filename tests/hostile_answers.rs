//! A server that puts the API key anywhere in its answers, or nests them without end: no error
//! carries the key (every error passes one scrubber), decode messages name the JSON path and
//! the expected type but never the value, and an answer deeper than 128 levels is `decode`.
#![cfg(feature = "emulator")]

mod common;

use common::*;
use paperspace::emulator::{ADMIN_KEY, Emulator};
use paperspace::model::machine::WaitParams;
use paperspace::{Operation, Status};
use serde_json::{Value, json};

fn answer(emu: &Emulator, path: &str, status: u16, body: &str) {
    emu.add_faults(
        &json!({"path": path, "status": status, "body": body, "count": 100}).to_string(),
    )
    .unwrap();
}

/// The error of `op` as C sees it and as Rust prints it; neither may hold the key.
fn assert_no_key(err: &paperspace::Error, op: Operation) {
    for text in [
        err.to_json(op.name()).to_string(),
        format!("{err:?}"),
        err.to_string(),
    ] {
        assert!(!text.contains(ADMIN_KEY), "{}: {text}", op.name());
    }
}

#[test]
fn decode_errors_name_the_path_not_the_value() {
    let cases = [
        (
            Operation::MachinesShow,
            "/machines/getMachinePublic",
            format!("\"{ADMIN_KEY}\""),
        ),
        (
            Operation::TemplatesList,
            "/templates/getTemplates",
            format!("[\"{ADMIN_KEY}\"]"),
        ),
        (
            Operation::MachinesAvailability,
            "/machines/getAvailability",
            format!("{{\"available\": \"{ADMIN_KEY}\"}}"),
        ),
        (
            Operation::ScriptsText,
            "/scripts/getScriptText",
            format!("{{\"text\": \"{ADMIN_KEY}\"}}"),
        ),
    ];
    let emu = emulator();
    for (op, path, body) in cases {
        answer(&emu, path, 200, &body);
        let params = match op {
            Operation::MachinesShow => json!({"machineId": "ps1"}),
            Operation::MachinesAvailability => {
                json!({"region": "Europe (AMS1)", "machineType": "V100"})
            }
            Operation::ScriptsText => json!({"scriptId": "sc1"}),
            _ => json!({}),
        };
        let err = admin(&emu).call_json(op, &params.to_string()).unwrap_err();
        assert_eq!(err.status(), Status::Decode, "{}", op.name());
        assert!(
            err.message().starts_with("unexpected response at $"),
            "{}",
            err.message()
        );
        assert_no_key(&err, op);
    }
    let err = admin(&emu)
        .call_json(
            Operation::MachinesAvailability,
            r#"{"region": "Europe (AMS1)", "machineType": "V100"}"#,
        )
        .unwrap_err();
    assert_eq!(
        err.message(),
        "unexpected response at $.available (line 1, column 34): invalid type: string, expected a boolean"
    );
}

#[test]
fn a_wait_never_quotes_the_key_from_a_failed_event_or_a_state() {
    let emu = emulator();
    let client = admin(&emu);
    let failed = json!({"id": "ps1", "state": "starting",
        "events": [{"name": "start", "state": "error", "errorMsg": format!("denied for {ADMIN_KEY}")}]});
    answer(&emu, "/machines/getMachinePublic", 200, &failed.to_string());
    let err = client
        .wait_for_machine(&WaitParams::new("ps1", "ready"), None)
        .unwrap_err();
    assert_eq!(err.status(), Status::MachineError);
    assert_eq!(err.details()["event"]["errorMsg"], "denied for <redacted>");
    assert_no_key(&err, Operation::MachinesWait);

    let emu = emulator();
    let client = admin(&emu);
    let odd_state = json!({"id": "ps1", "state": ADMIN_KEY, "events": []});
    answer(
        &emu,
        "/machines/getMachinePublic",
        200,
        &odd_state.to_string(),
    );
    let params = json!({"machineId": "ps1", "state": "ready", "timeoutMs": 300, "intervalMs": 50});
    let err = client
        .call_json(Operation::MachinesWait, &params.to_string())
        .unwrap_err();
    assert_eq!(err.status(), Status::Timeout);
    assert_eq!(err.details()["state"], "<redacted>");
    assert_no_key(&err, Operation::MachinesWait);
}

#[test]
fn the_user_lookup_after_a_failed_create_is_scrubbed() {
    let emu = emulator();
    answer(
        &emu,
        "/machines/createSingleMachinePublic",
        500,
        r#"{"error": {"message": "boom"}}"#,
    );
    let user = json!([{"id": "u1", "email": "new@example.com", "firstname": ADMIN_KEY}]);
    answer(&emu, "/users/getUsers", 200, &user.to_string());
    let mut params = ubuntu_c4("n");
    for (k, v) in [
        ("email", "new@example.com"),
        ("password", "pw-secret-123"),
        ("firstName", "A"),
        ("lastName", "B"),
    ] {
        params[k] = json!(v);
    }
    let err = admin(&emu)
        .call_json(Operation::MachinesCreate, &params.to_string())
        .unwrap_err();
    assert_eq!(err.status(), Status::Api);
    assert_eq!(err.details()["userCreated"], true);
    assert_eq!(err.details()["user"]["firstname"], "<redacted>");
    assert_no_key(&err, Operation::MachinesCreate);
}

#[test]
fn answers_deeper_than_128_levels_are_refused() {
    let emu = emulator();
    let deep = format!(
        r#"{{"id": "ps1", "state": "ready", "x": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    answer(&emu, "/machines/getMachinePublic", 200, &deep);
    let err = admin(&emu)
        .call_json(Operation::MachinesShow, r#"{"machineId": "ps1"}"#)
        .unwrap_err();
    assert_eq!(err.status(), Status::Decode);
    assert_eq!(
        err.message(),
        "unexpected response: nested deeper than 128 levels"
    );
    let err = admin(&emu).show_machine("ps1").unwrap_err();
    assert_eq!(err.status(), Status::Decode);
}

#[test]
fn an_oversized_error_answer_keeps_its_status_and_is_retried() {
    let emu = emulator();
    let huge = format!("[{}0]", "0,".repeat(9 * 1024 * 1024));
    emu.add_faults(
        &json!({"path": "/templates/getTemplates", "status": 503, "body": huge, "count": 1, "headers": {"Retry-After": "0"}})
            .to_string(),
    )
    .unwrap();
    let client = admin(&emu);
    let templates: Value =
        serde_json::from_str(&client.call_json(Operation::TemplatesList, "").unwrap()).unwrap();
    assert!(templates.as_array().is_some_and(|t| !t.is_empty()));
    assert_eq!(requests(&emu, TEMPLATES), 2, "the 503 was retried");
}

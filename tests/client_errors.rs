//! Every error path of the client against the emulator: local validation, server refusals,
//! retries, faults, wait failures, the new-user recovery, and that secrets never leak.
#![cfg(feature = "emulator")]

mod common;

use std::time::{Duration, Instant};

use common::*;
use paperspace::emulator::MEMBER_KEY;
use paperspace::model::machine::WaitParams;
use paperspace::{Cancel, Operation, Status};
use serde_json::{Value, json};

fn error_of(client: &paperspace::Client, op: Operation, params: Value) -> Value {
    let err = client
        .call_json(op, &params.to_string())
        .expect_err("the call fails");
    err.to_json(op.name())
}

#[test]
fn validation_reports_every_field_and_sends_nothing() {
    let emu = emulator();
    let client = admin(&emu);
    let err = error_of(
        &client,
        Operation::MachinesCreate,
        json!({"region": "Moon", "machineType": "Z9", "size": 5000, "billingType": "hourly",
               "machineName": "x", "templateId": "t04azgph", "userId": "u1", "email": "jon@example.com"}),
    );
    assert_eq!(
        (err["code"].as_i64(), err["kind"].as_str()),
        (Some(2), Some("validation"))
    );
    assert_eq!(err["httpStatus"], Value::Null);
    assert_eq!(err["operation"], "machines_create");
    assert_eq!(
        err["details"],
        json!({
            "region": "must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'",
            "machineType": "must be one of 'Air', 'Standard', 'Pro', 'Advanced', 'GPU+', 'P4000', 'P5000', 'P6000', 'V100', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', or 'C10'",
            "size": "must be between 50 and 2000 GB",
            "email": "cannot be used with userId",
        })
    );
    assert_eq!(requests(&emu, CREATE), 0);
}

#[test]
fn wrong_types_and_unknown_keys_are_invalid_arguments() {
    let emu = emulator();
    let client = admin(&emu);
    for params in [
        json!({"machineId": 42}),
        json!({"machineID": "ps1"}),
        json!([]),
    ] {
        let err = error_of(&client, Operation::MachinesShow, params.clone());
        assert_eq!(err["kind"], "invalid_argument", "{params}");
    }
    let err = client
        .call_json(Operation::MachinesShow, "{not json")
        .unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert_eq!(requests(&emu, SHOW), 0);
}

#[test]
fn server_side_rules_come_back_as_api_errors() {
    let emu = emulator();
    let client = admin(&emu);
    let mut windows_cpu = ubuntu_c4("win");
    windows_cpu["templateId"] = json!("tk9izniv");
    let err = error_of(&client, Operation::MachinesCreate, windows_cpu);
    assert_eq!(
        (err["kind"].as_str(), err["httpStatus"].as_u64()),
        (Some("api"), Some(400))
    );
    assert_eq!(err["details"]["error"]["status"], 400);
    assert_eq!(err["message"], err["details"]["error"]["message"]);

    let mut missing_template = ubuntu_c4("nope");
    missing_template["templateId"] = json!("tdoesnotexist");
    let err = error_of(&client, Operation::MachinesCreate, missing_template);
    assert_eq!(
        (err["httpStatus"].as_u64(), err["message"].as_str()),
        (Some(400), Some("templateId not found"))
    );

    let member = client_for_key(&emu, MEMBER_KEY);
    let err = error_of(&member, Operation::MachinesCreate, ubuntu_c4("member"));
    assert_eq!(
        (err["kind"].as_str(), err["httpStatus"].as_u64()),
        (Some("api"), Some(403))
    );

    let stranger = client_for_key(&emu, "no-such-key");
    let err = error_of(&stranger, Operation::TemplatesList, json!({}));
    assert_eq!(
        (err["httpStatus"].as_u64(), err["message"].as_str()),
        (Some(401), Some("Invalid API token"))
    );
}

fn client_for_key(emu: &paperspace::emulator::Emulator, key: &str) -> paperspace::Client {
    client(emu, json!({"apiKey": key}))
}

#[test]
fn safe_calls_retry_and_unsafe_calls_do_not() {
    let emu = emulator();
    let client = client(&emu, json!({"maxRetries": 2}));
    emu.add_faults(r#"[{"path": "/templates/getTemplates", "count": 2, "status": 503}]"#)
        .unwrap();
    assert!(client.call_json(Operation::TemplatesList, "").is_ok());
    assert_eq!(requests(&emu, TEMPLATES), 3);

    emu.add_faults(r#"[{"path": "/templates/getTemplates", "count": 3, "status": 502}]"#)
        .unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!((err.status(), err.http_status()), (Status::Api, Some(502)));
    assert_eq!(requests(&emu, TEMPLATES), 6);

    emu.add_faults(
        r#"[{"path": "/machines/createSingleMachinePublic", "count": 1, "status": 503}]"#,
    )
    .unwrap();
    let err = client
        .call_json(Operation::MachinesCreate, &ubuntu_c4("once").to_string())
        .unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert_eq!(requests(&emu, CREATE), 1);
    assert_eq!(emu.stats()["machinesCreated"], 0);

    emu.add_faults(r#"[{"path": "/machines/createSingleMachinePublic", "action": "close"}]"#)
        .unwrap();
    let err = client
        .call_json(Operation::MachinesCreate, &ubuntu_c4("dropped").to_string())
        .unwrap_err();
    assert_eq!(err.status(), Status::Transport);
    assert_eq!(
        requests(&emu, CREATE),
        2,
        "a dropped create is not sent again"
    );
}

#[test]
fn retry_after_is_honoured() {
    let emu = emulator();
    let client = client(&emu, json!({"maxRetries": 1}));
    emu.add_faults(
        r#"[{"path": "/users/getUsers", "status": 429, "headers": {"Retry-After": "1"}}]"#,
    )
    .unwrap();
    let started = Instant::now();
    client.call_json(Operation::UsersList, "").unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(requests(&emu, USERS), 2);

    let no_retry = common::client(&emu, json!({"maxRetries": 0}));
    emu.add_faults(
        r#"[{"path": "/users/getUsers", "status": 429, "headers": {"Retry-After": "1"}}]"#,
    )
    .unwrap();
    let err = no_retry.call_json(Operation::UsersList, "").unwrap_err();
    assert_eq!(err.http_status(), Some(429));
}

#[test]
fn faults_map_to_stable_statuses() {
    let emu = emulator();
    let client = client(&emu, json!({"maxRetries": 0, "timeoutMs": 300}));
    let cases = [
        (
            r#"{"path": "/templates/getTemplates", "delayMs": 1000}"#,
            Status::Timeout,
        ),
        (
            r#"{"path": "/templates/getTemplates", "action": "close"}"#,
            Status::Transport,
        ),
        (
            r#"{"path": "/templates/getTemplates", "action": "truncate"}"#,
            Status::Transport,
        ),
        (
            r#"{"path": "/templates/getTemplates", "action": "garbage"}"#,
            Status::Decode,
        ),
        (
            r#"{"path": "/templates/getTemplates", "status": 200, "body": "{\"id\": 1}"}"#,
            Status::Decode,
        ),
        (
            r#"{"path": "/templates/getTemplates", "status": 500, "body": "oops"}"#,
            Status::Api,
        ),
    ];
    for (fault, expected) in cases {
        emu.add_faults(fault).unwrap();
        let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
        assert_eq!(err.status(), expected, "{fault}: {err}");
    }
    assert!(
        client.call_json(Operation::TemplatesList, "").is_ok(),
        "the faults are used up"
    );
}

#[test]
fn transport_errors_to_a_closed_port() {
    let client = paperspace::Client::new(paperspace::Config {
        max_retries: Some(0),
        ..paperspace::Config::new("k", "http://127.0.0.1:1")
    })
    .unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!(
        (err.status(), err.message()),
        (Status::Transport, "connection refused")
    );
}

#[test]
fn failed_create_reports_whether_the_new_user_exists() {
    let emu = emulator();
    let client = admin(&emu);
    emu.add_faults(r#"[{"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "status": 500}]"#)
        .unwrap();
    let mut params = ubuntu_c4("with user");
    for (key, value) in [
        ("email", "arya@example.com"),
        ("password", "valar-morghulis-42"),
        ("firstName", "Arya"),
        ("lastName", "Stark"),
    ] {
        params[key] = json!(value);
    }
    let err = error_of(&client, Operation::MachinesCreate, params.clone());
    assert_eq!(
        (err["kind"].as_str(), err["httpStatus"].as_u64()),
        (Some("api"), Some(500))
    );
    assert_eq!(err["details"]["userCreated"], true);
    assert_eq!(err["details"]["user"]["email"], "arya@example.com");
    assert_eq!(err["details"]["response"]["error"]["status"], 500);
    assert!(!err.to_string().contains("valar-morghulis-42"));
    assert_eq!(emu.stats()["machinesCreated"], 0);

    // The user now exists, so the same create is refused before any machine step.
    params["email"] = json!("arya@example.com");
    let err = error_of(&client, Operation::MachinesCreate, params);
    assert_eq!(err["httpStatus"], 400);
    assert_eq!(err["details"]["userCreated"], true);
    assert!(!err.to_string().contains("valar-morghulis-42"));
}

#[test]
fn waits_time_out_and_cancel() {
    let emu = emulator_with(json!({"delays": {"provisionMs": 60000}}));
    let client = admin(&emu);
    let created = client.call_json(Operation::MachinesCreate, &ubuntu_c4("slow").to_string());
    let slow: Value = serde_json::from_str(&created.unwrap()).unwrap();
    let wait = |timeout: i64| WaitParams {
        interval_ms: Some(20),
        timeout_ms: Some(timeout),
        ..WaitParams::new(slow["id"].as_str().unwrap(), "ready")
    };

    let err = client.wait_for_machine(&wait(200), None).unwrap_err();
    assert_eq!(err.status(), Status::Timeout);
    assert_eq!(err.details()["state"], "provisioning");
    assert_eq!(err.details()["target"], "ready");

    let cancel = Cancel::new();
    let started = Instant::now();
    let err = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            cancel.cancel();
        });
        client
            .wait_for_machine(&wait(30_000), Some(&cancel))
            .unwrap_err()
    });
    assert_eq!(err.status(), Status::Cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn capacity_failures_end_waits_at_once() {
    let emu = emulator_with(json!({
        "availability": [{"region": "East Coast (NY2)", "machineType": "P5000", "available": false}],
        "delays": {"provisionMs": 50},
    }));
    let client = admin(&emu);
    let mut params = ubuntu_c4("no capacity");
    params["machineType"] = json!("P5000");
    let doomed: Value = serde_json::from_str(
        &client
            .call_json(Operation::MachinesCreate, &params.to_string())
            .unwrap(),
    )
    .unwrap();
    let params = WaitParams {
        interval_ms: Some(20),
        timeout_ms: Some(10_000),
        ..WaitParams::new(doomed["id"].as_str().unwrap(), "ready")
    };
    let err = client.wait_for_machine(&params, None).unwrap_err();
    assert_eq!(err.status(), Status::MachineError, "{err}");
    assert_eq!(err.details()["event"]["name"], "start");
    assert!(
        err.message().contains("insufficient capacity"),
        "{}",
        err.message()
    );
}

#[test]
fn the_api_key_never_appears_in_errors() {
    let emu = emulator();
    let secret = "sk-very-secret-0123456789";
    let client = client(&emu, json!({"apiKey": secret, "maxRetries": 0}));
    let mut texts = vec![format!("{client:?}")];
    for (op, params) in [
        (Operation::TemplatesList, json!({})),
        (Operation::MachinesShow, json!({"machineId": "psnothere"})),
        (Operation::MachinesCreate, json!({"size": 1})),
    ] {
        let err = client.call_json(op, &params.to_string()).unwrap_err();
        texts.push(err.to_json(op.name()).to_string());
        texts.push(format!("{err:?}"));
    }
    for text in texts {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn a_wait_polls_once_more_just_before_its_deadline() {
    let emu = emulator_with(json!({"delays": {"provisionMs": 60000}}));
    let client = admin(&emu);
    let created = client.call_json(Operation::MachinesCreate, &ubuntu_c4("slow").to_string());
    let slow: Value = serde_json::from_str(&created.unwrap()).unwrap();
    let params = WaitParams {
        interval_ms: Some(5_000),
        timeout_ms: Some(300),
        ..WaitParams::new(slow["id"].as_str().unwrap(), "ready")
    };
    let started = Instant::now();
    let err = client.wait_for_machine(&params, None).unwrap_err();
    assert_eq!(err.status(), Status::Timeout);
    // The last poll starts 100 ms before the deadline, and the wait ends within its 300 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        requests(&emu, SHOW),
        2,
        "one poll at the start, one just before the deadline"
    );
}

#[test]
fn a_stalled_poll_cannot_outlast_the_wait() {
    let emu = emulator_with(json!({"delays": {"provisionMs": 60000}}));
    let client = admin(&emu);
    let created = client.call_json(Operation::MachinesCreate, &ubuntu_c4("stalled").to_string());
    let slow: Value = serde_json::from_str(&created.unwrap()).unwrap();
    emu.add_faults(r#"{"path": "/machines/getMachinePublic", "delayMs": 3000}"#)
        .unwrap();
    let params =
        json!({"machineId": slow["id"], "state": "ready", "intervalMs": 50, "timeoutMs": 300});
    let started = Instant::now();
    let err = client
        .call_json(Operation::MachinesWait, &params.to_string())
        .unwrap_err();
    assert_eq!(err.status(), Status::Timeout, "{err}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );

    let negative = json!({"machineId": slow["id"], "state": "ready", "intervalMs": -1});
    let err = client
        .call_json(Operation::MachinesWait, &negative.to_string())
        .unwrap_err();
    assert_eq!(err.status(), Status::Validation);
    assert_eq!(
        err.details()["intervalMs"],
        "must be between 1 and 86400000 (24 hours)"
    );
}

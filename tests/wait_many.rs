//! `machines_wait_many`: one list request per interval whatever the number of machines, the
//! machines in the order asked, fail-fast on a failed start, and the bounds of a single wait.
#![cfg(feature = "emulator")]

mod common;

use common::*;
use paperspace::{Operation, Status};
use serde_json::{Value, json};

const LIST: &str = "GET /machines/getMachines";

fn create(client: &paperspace::Client, name: &str, start: bool) -> String {
    let mut params = ubuntu_c4(name);
    params["startOnCreate"] = json!(start);
    let created: Value = serde_json::from_str(
        &client
            .call_json(Operation::MachinesCreate, &params.to_string())
            .unwrap(),
    )
    .unwrap();
    created["id"].as_str().unwrap().to_string()
}

#[test]
fn many_machines_cost_one_list_per_interval() {
    let emu = emulator_with(json!({"delays": {"provisionMs": 600, "startMs": 100}}));
    let client = admin(&emu);
    let ids: Vec<String> = (0..12)
        .map(|i| create(&client, &format!("m{i}"), true))
        .collect();
    let mut asked = ids.clone();
    asked.reverse();
    let params =
        json!({"machineIds": asked, "state": "ready", "intervalMs": 100, "timeoutMs": 20000});
    let shows_before = requests(&emu, SHOW);
    let result = client
        .call_json(Operation::MachinesWaitMany, &params.to_string())
        .unwrap();
    let machines: Vec<Value> = serde_json::from_str(&result).unwrap();
    let got: Vec<&str> = machines.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(got, asked.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(machines.iter().all(|m| m["state"] == "ready"));
    let lists = requests(&emu, LIST);
    // About 700 ms of provisioning and starting at 100 ms per poll: one list per poll.
    assert!((5..=12).contains(&lists), "{lists} list requests");
    assert_eq!(
        requests(&emu, SHOW),
        shows_before,
        "no machine was shown on its own"
    );
}

#[test]
fn a_failed_start_ends_the_wait_at_once() {
    // C4 in Europe cannot start: every start ends with an event in state error, and off.
    let emu = emulator_with(json!({
        "delays": {"provisionMs": 50, "startMs": 50},
        "availability": [{"region": "Europe (AMS1)", "machineType": "C4", "available": false}],
    }));
    let client = admin(&emu);
    let fine = create(&client, "fine", true);
    let mut params = ubuntu_c4("no capacity");
    params["region"] = json!("Europe (AMS1)");
    let created: Value = serde_json::from_str(
        &client
            .call_json(Operation::MachinesCreate, &params.to_string())
            .unwrap(),
    )
    .unwrap();
    let stuck = created["id"].as_str().unwrap().to_string();
    let wait = json!({"machineIds": [fine, stuck], "state": "ready", "intervalMs": 50, "timeoutMs": 10000});
    let started = std::time::Instant::now();
    let err = client
        .call_json(Operation::MachinesWaitMany, &wait.to_string())
        .unwrap_err();
    assert_eq!(err.status(), Status::MachineError, "{err}");
    assert_eq!(err.details()["machineId"], json!(stuck));
    assert_eq!(err.details()["event"]["state"], "error");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert_eq!(
        requests(&emu, SHOW),
        1,
        "the machine back in off was shown once"
    );
}

#[test]
fn a_machine_that_never_starts_is_shown_once_then_times_out() {
    let emu = emulator_with(json!({"delays": {"provisionMs": 50}}));
    let client = admin(&emu);
    let off = create(&client, "off", false);
    let wait = json!({"machineIds": [off], "state": "ready", "intervalMs": 50, "timeoutMs": 800});
    let err = client
        .call_json(Operation::MachinesWaitMany, &wait.to_string())
        .unwrap_err();
    assert_eq!(err.status(), Status::Timeout, "{err}");
    assert_eq!(err.details()["pending"], json!([off]));
    assert_eq!(err.details()["states"][&off], "off");
    assert_eq!(requests(&emu, SHOW), 1);
}

#[test]
fn a_missing_machine_is_shown_and_its_404_returned() {
    let emu = emulator();
    let client = admin(&emu);
    let params = json!({"machineIds": ["psmissing1"], "state": "ready", "intervalMs": 50, "timeoutMs": 2000});
    let err = client
        .call_json(Operation::MachinesWaitMany, &params.to_string())
        .unwrap_err();
    assert_eq!((err.status(), err.http_status()), (Status::Api, Some(404)));
}

#[test]
fn parameters_are_checked_before_any_request() {
    let emu = emulator();
    let client = admin(&emu);
    for (params, field, why) in [
        (json!({"state": "ready"}), "machineIds", "is required"),
        (
            json!({"machineIds": [], "state": "ready"}),
            "machineIds",
            "must list at least one machine",
        ),
        (
            json!({"machineIds": ["a", "a"], "state": "ready"}),
            "machineIds",
            "must not repeat an id",
        ),
        (
            json!({"machineIds": ["a"], "state": "running"}),
            "state",
            "must be one of 'off', 'serviceready', or 'ready'",
        ),
        (
            json!({"machineIds": ["a"], "state": "ready", "timeoutMs": 0}),
            "timeoutMs",
            "must be between 1 and 86400000 (24 hours)",
        ),
    ] {
        let err = client
            .call_json(Operation::MachinesWaitMany, &params.to_string())
            .unwrap_err();
        assert_eq!(err.status(), Status::Validation, "{params}");
        assert_eq!(err.details()[field], why, "{params}");
    }
    assert_eq!(requests(&emu, LIST), 0);
}

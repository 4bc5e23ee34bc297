//! Every call is bounded as a whole and can be cancelled (docs/ABI.md, "Retries and time
//! limits"): the client's `timeoutMs` or a token's deadline covers attempts, backoff and
//! `Retry-After` sleeps; a triggered token ends sleeps at once and a request in flight within
//! 20 ms. Times are asserted with generous upper bounds (the machines are noisy), but each
//! bound is far below what the call took before these rules.
#![cfg(feature = "emulator")]

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::*;
use paperspace::{Cancel, Operation, Status};
use serde_json::{Value, json};

fn fault(emu: &paperspace::emulator::Emulator, spec: Value) {
    emu.add_faults(&spec.to_string()).unwrap();
}

/// Runs `body` and returns its result with the time it took.
fn timed<T>(body: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = body();
    (value, started.elapsed())
}

#[test]
fn a_retry_after_longer_than_the_time_left_is_not_waited_for() {
    let emu = emulator();
    fault(
        &emu,
        json!({"path": "/templates/getTemplates", "status": 503, "count": 5, "headers": {"Retry-After": "10"}}),
    );
    let client = client(&emu, json!({"timeoutMs": 2000, "maxRetries": 1}));
    let (result, took) = timed(|| client.call_json(Operation::TemplatesList, ""));
    let err = result.unwrap_err();
    assert_eq!((err.status(), err.http_status()), (Status::Api, Some(503)));
    assert_eq!(
        requests(&emu, TEMPLATES),
        1,
        "the 10 s sleep was not started"
    );
    assert!(took < Duration::from_millis(500), "{took:?}");
}

#[test]
fn the_token_deadline_bounds_a_stalled_request() {
    let emu = emulator();
    fault(
        &emu,
        json!({"path": "/templates/getTemplates", "delayMs": 3000, "count": 1}),
    );
    let client = client(&emu, json!({"timeoutMs": 30000}));
    let token = Cancel::with_timeout(Duration::from_millis(200));
    let (result, took) =
        timed(|| client.call_json_cancellable(Operation::TemplatesList, "", Some(&token)));
    assert_eq!(result.unwrap_err().status(), Status::Timeout);
    assert!(took >= Duration::from_millis(190), "{took:?}");
    assert!(took < Duration::from_millis(400), "{took:?}");
}

#[test]
fn the_token_deadline_may_be_longer_than_the_clients_timeout() {
    let emu = emulator();
    fault(
        &emu,
        json!({"path": "/templates/getTemplates", "delayMs": 600, "count": 2}),
    );
    let client = client(&emu, json!({"timeoutMs": 300}));
    let token = Cancel::with_timeout(Duration::from_secs(5));
    let result = client.call_json_cancellable(Operation::TemplatesList, "", Some(&token));
    assert!(result.is_ok(), "{result:?}");
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!(err.status(), Status::Timeout, "{err}");
}

#[test]
fn cancelling_interrupts_a_request_in_flight() {
    let emu = emulator();
    fault(
        &emu,
        json!({"path": "/users/getUsers", "delayMs": 5000, "count": 1}),
    );
    let client = client(&emu, json!({"timeoutMs": 30000}));
    let token = Cancel::new();
    let trigger = token.clone();
    let canceller = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        trigger.cancel();
        Instant::now()
    });
    let result = client.call_json_cancellable(Operation::UsersList, "", Some(&token));
    let ended = Instant::now();
    let cancelled_at = canceller.join().unwrap();
    let err = result.unwrap_err();
    assert_eq!(err.status(), Status::Cancelled, "{err}");
    assert_eq!(err.message(), "the call was cancelled");
    assert!(
        ended.duration_since(cancelled_at) < Duration::from_millis(100),
        "{:?}",
        ended.duration_since(cancelled_at)
    );
    // The interrupted connection is not reused: the next call gets a clean answer.
    let users: Value =
        serde_json::from_str(&client.call_json(Operation::UsersList, "").unwrap()).unwrap();
    assert!(users.as_array().is_some_and(|u| !u.is_empty()));
}

#[test]
fn cancelling_ends_a_retry_after_sleep_at_once() {
    let emu = emulator();
    fault(
        &emu,
        json!({"path": "/templates/getTemplates", "status": 429, "count": 5, "headers": {"Retry-After": "20"}}),
    );
    let client = client(&emu, json!({"timeoutMs": 60000, "maxRetries": 3}));
    let token = Cancel::new();
    let trigger = token.clone();
    let canceller = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        trigger.cancel();
        Instant::now()
    });
    let result = client.call_json_cancellable(Operation::TemplatesList, "", Some(&token));
    let ended = Instant::now();
    let cancelled_at = canceller.join().unwrap();
    assert_eq!(result.unwrap_err().status(), Status::Cancelled);
    assert!(ended.duration_since(cancelled_at) < Duration::from_millis(100));
    assert_eq!(requests(&emu, TEMPLATES), 1);
}

#[test]
fn a_cancelled_wait_against_retry_after_ends_cancelled() {
    let emu = emulator();
    let client = client(&emu, json!({"timeoutMs": 5000}));
    let created: Value = serde_json::from_str(
        &client
            .call_json(Operation::MachinesCreate, &ubuntu_c4("w").to_string())
            .unwrap(),
    )
    .unwrap();
    fault(
        &emu,
        json!({"path": "/machines/getMachinePublic", "status": 503, "count": 50, "headers": {"Retry-After": "1"}}),
    );
    let wait = json!({"machineId": created["id"], "state": "off", "timeoutMs": 2000});
    let token = Cancel::new();
    let trigger = token.clone();
    let canceller = thread::spawn(move || {
        thread::sleep(Duration::from_millis(500));
        trigger.cancel();
        Instant::now()
    });
    let result =
        client.call_json_cancellable(Operation::MachinesWait, &wait.to_string(), Some(&token));
    let ended = Instant::now();
    let cancelled_at = canceller.join().unwrap();
    assert_eq!(result.unwrap_err().status(), Status::Cancelled);
    assert!(ended.duration_since(cancelled_at) < Duration::from_millis(100));
}

#[test]
fn a_wait_ends_within_its_time_when_polls_are_dropped() {
    let emu = emulator_with(json!({"delays": {"provisionMs": 60000}}));
    let client = client(&emu, json!({"timeoutMs": 1500, "maxRetries": 2}));
    let created: Value = serde_json::from_str(
        &client
            .call_json(Operation::MachinesCreate, &ubuntu_c4("d").to_string())
            .unwrap(),
    )
    .unwrap();
    fault(
        &emu,
        json!({"path": "/machines/getMachinePublic", "delayMs": 1400, "action": "close", "count": 50}),
    );
    let wait =
        json!({"machineId": created["id"], "state": "ready", "timeoutMs": 2000, "intervalMs": 100});
    let (result, took) = timed(|| client.call_json(Operation::MachinesWait, &wait.to_string()));
    let err = result.unwrap_err();
    assert!(
        matches!(err.status(), Status::Timeout | Status::Transport),
        "{err}"
    );
    assert!(took < Duration::from_millis(2200), "{took:?}");
}

#[test]
fn the_clients_timeout_covers_backoff_and_attempts_together() {
    let emu = emulator();
    // Every attempt answers after 400 ms with a 502; backoff adds 200 and 400 ms.
    fault(
        &emu,
        json!({"path": "/users/getUsers", "status": 502, "delayMs": 400, "count": 20}),
    );
    let client = client(&emu, json!({"timeoutMs": 1000, "maxRetries": 10}));
    let (result, took) = timed(|| client.call_json(Operation::UsersList, ""));
    let err = result.unwrap_err();
    assert!(
        matches!(err.status(), Status::Api | Status::Timeout),
        "{err}"
    );
    assert!(took < Duration::from_millis(1200), "{took:?}");
}

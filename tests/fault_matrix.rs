//! The fault matrix: every operation x every fault the emulator can inject, each cell asserting
//! the outcome docs/ABI.md documents: the exact status (and HTTP status), how many requests the
//! server saw (safe calls retried exactly `maxRetries` times on 429/502/503 and dropped
//! connections; create, start, stop, restart and destroy never sent twice), and for the unsafe
//! operations that the server-side effect happened at most once (machines created, events).
//!
//! Each cell runs against its own emulator so that no fault or machine leaks into another.
//! Timeouts are short and `Retry-After: 0` is used where the cell is not about backoff.
#![cfg(feature = "emulator")]

mod common;

use std::time::{Duration, Instant};

use common::*;
use paperspace::api::ResultKind;
use paperspace::emulator::Emulator;
use paperspace::{Client, Operation, Status};
use serde_json::{Value, json};

/// Retries of safe calls in every cell.
const MAX_RETRIES: u64 = 2;
/// The client's per-call timeout in every cell; the slow fault answers well after it.
const TIMEOUT_MS: u64 = 2_000;
const SLOW_MS: u64 = 4_000;

/// The faults of the matrix (the columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// 500 with the standard error body, on every attempt.
    Status500,
    /// 502 without Retry-After (so the client's own backoff runs), on every attempt.
    Status502,
    /// 503 with `Retry-After: 0`, on every attempt.
    Status503,
    /// 429 with `Retry-After: 0`, on every attempt.
    TooMany,
    /// 429 with `Retry-After: 1` once, then the real answer.
    TooManyOnceRetryAfter1,
    /// 503 (`Retry-After: 0`) on the first two attempts, then the real answer.
    Unavailable503TwiceThenOk,
    /// The real answer, delayed past the client's timeout (after the server acted).
    SlowerThanTimeout,
    /// The connection dropped without an answer (after the server acted).
    DroppedConnection,
    /// The real answer cut in the middle of its body (after the server acted).
    TruncatedBody,
    /// 200 with an HTML page.
    NonJson200,
    /// 200 with JSON of the wrong shape for the operation.
    WrongShape200,
    /// 502 with a proxy's HTML page, on every attempt.
    NonJson502,
}

const FAULTS: [Fault; 12] = [
    Fault::Status500,
    Fault::Status502,
    Fault::Status503,
    Fault::TooMany,
    Fault::TooManyOnceRetryAfter1,
    Fault::Unavailable503TwiceThenOk,
    Fault::SlowerThanTimeout,
    Fault::DroppedConnection,
    Fault::TruncatedBody,
    Fault::NonJson200,
    Fault::WrongShape200,
    Fault::NonJson502,
];

/// What a cell must end with.
#[derive(Debug, PartialEq)]
struct Expected {
    /// `Status::Ok` for success.
    status: Status,
    http_status: Option<u16>,
    /// Requests the server saw for the operation's endpoint.
    requests: u64,
    /// Whether the server-side effect of an unsafe operation happened (exactly once).
    effect: bool,
}

/// What an operation needs before it runs; the id it yields fills `{machineId}`/`{scriptId}`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Setup {
    Nothing,
    /// A machine created with `startOnCreate: false`, settled in `off`.
    OffMachine,
    /// A machine created and started, settled in `ready`.
    ReadyMachine,
    /// A script of the caller's.
    Script,
}

/// The server-side effect of an unsafe operation, read from the emulator, that must happen at
/// most once (and only when the fault let the request through).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Effect {
    /// A safe operation: nothing may change.
    Nothing,
    MachineCreated,
    /// A start, stop, restart or destroy event on the machine.
    MachineEvent,
    MachineRenamed,
    AccessGiven,
    ScriptAdded,
    ScriptRemoved,
    DelegationAdded,
}

/// One operation (a row): what the table says of it, and the test data it needs.
struct Row {
    op: Operation,
    /// `METHOD /path` of the endpoint; `{machineId}`/`{scriptId}` are the set-up's id.
    endpoint: String,
    safe: bool,
    /// False for the operations the API answers with 204: their 2xx body is ignored.
    has_body: bool,
    /// A 2xx body that is valid JSON of the wrong shape for this operation.
    wrong_shape: &'static str,
    setup: Setup,
    effect: Effect,
    /// Valid parameters, given the set-up's id.
    params: fn(&str) -> Value,
}

/// The member user of the default scenario (given access by machines_set_access).
const MEMBER_ID: &str = "um7x2p4j";

/// The row of `op`; an operation of the table without its test data here fails the matrix.
fn row(op: Operation) -> Row {
    type P = fn(&str) -> Value;
    let (wrong_shape, setup, effect, params): (&str, Setup, Effect, P) = match op.name() {
        "templates_list" => (r#"{"id": "t1"}"#, Setup::Nothing, Effect::Nothing, |_| {
            json!({})
        }),
        "machines_create" => (
            r#"[{"id": "ps1"}]"#,
            Setup::Nothing,
            Effect::MachineCreated,
            |_| ubuntu_c4("matrix cell"),
        ),
        "machines_availability" => (
            r#"{"available": "yes"}"#,
            Setup::Nothing,
            Effect::Nothing,
            |_| json!({"region": "East Coast (NY2)", "machineType": "P5000"}),
        ),
        "machines_show" => (
            r#"{"id": 42, "state": "ready"}"#,
            Setup::ReadyMachine,
            Effect::Nothing,
            |id| json!({"machineId": id}),
        ),
        "machines_list" => (
            r#"[{"name": "no id"}]"#,
            Setup::ReadyMachine,
            Effect::Nothing,
            |_| json!({}),
        ),
        "machines_wait" => (
            r#"[]"#,
            Setup::ReadyMachine,
            Effect::Nothing,
            |id| json!({"machineId": id, "state": "ready", "intervalMs": 10, "timeoutMs": 20000}),
        ),
        "machines_start" => (
            r#"{"unexpected": [1, 2]}"#,
            Setup::OffMachine,
            Effect::MachineEvent,
            |id| json!({"machineId": id}),
        ),
        "machines_stop" => (
            r#"[true]"#,
            Setup::ReadyMachine,
            Effect::MachineEvent,
            |id| json!({"machineId": id}),
        ),
        "machines_restart" => (
            r#""restarted""#,
            Setup::ReadyMachine,
            Effect::MachineEvent,
            |id| json!({"machineId": id}),
        ),
        "machines_destroy" => (
            r#"{"destroyed": "maybe"}"#,
            Setup::ReadyMachine,
            Effect::MachineEvent,
            |id| json!({"machineId": id, "releasePublicIp": false}),
        ),
        "users_list" => (r#"{"users": []}"#, Setup::Nothing, Effect::Nothing, |_| {
            json!({})
        }),
        "machines_update" => (
            r#"{"updated": 1}"#,
            Setup::ReadyMachine,
            Effect::MachineRenamed,
            |id| json!({"machineId": id, "machineName": "matrix renamed"}),
        ),
        "machines_utilization" => (
            r#"["no", "object"]"#,
            Setup::ReadyMachine,
            Effect::Nothing,
            |id| json!({"machineId": id, "billingMonth": "2026-12"}),
        ),
        "machines_set_access" => (
            r#"[{"id": "ps1"}]"#,
            Setup::ReadyMachine,
            Effect::AccessGiven,
            |id| json!({"machineId": id, "userId": MEMBER_ID, "enableAccess": true}),
        ),
        "networks_list" => (r#"{"id": "n1"}"#, Setup::Nothing, Effect::Nothing, |_| {
            json!({})
        }),
        "scripts_create" => (
            r#"{"id": false}"#,
            Setup::Nothing,
            Effect::ScriptAdded,
            |_| json!({"scriptName": "matrix script", "scriptText": "echo matrix"}),
        ),
        "scripts_list" => (r#"[{"id": 7}]"#, Setup::Script, Effect::Nothing, |_| {
            json!({})
        }),
        "scripts_show" => (
            r#"{"name": "no id"}"#,
            Setup::Script,
            Effect::Nothing,
            |id| json!({"scriptId": id}),
        ),
        "scripts_text" => (
            r#"{"text": "not a string"}"#,
            Setup::Script,
            Effect::Nothing,
            |id| json!({"scriptId": id}),
        ),
        "scripts_destroy" => (
            r#"{"destroyed": true}"#,
            Setup::Script,
            Effect::ScriptRemoved,
            |id| json!({"scriptId": id}),
        ),
        "resource_delegations_create" => (
            r#"{"delegation": {}}"#,
            Setup::ReadyMachine,
            Effect::DelegationAdded,
            |id| json!({"machine": {"ids": [id]}}),
        ),
        "machines_wait_many" => (
            r#"{"id": "ps1"}"#,
            Setup::ReadyMachine,
            Effect::Nothing,
            |id| json!({"machineIds": [id], "state": "ready", "intervalMs": 10, "timeoutMs": 20000}),
        ),
        other => {
            panic!("the fault matrix has no test data for the operation {other}: add it to row()")
        }
    };
    let method = match op.method() {
        paperspace::api::Method::Get => "GET",
        paperspace::api::Method::Post => "POST",
    };
    Row {
        op,
        endpoint: format!("{method} {}", op.path()),
        safe: op.safe_to_retry(),
        has_body: op.result_kind() != paperspace::api::ResultKind::Empty,
        wrong_shape,
        setup,
        effect,
        params,
    }
}

impl Fault {
    /// The fault object for `row`'s endpoint.
    fn spec(self, row: &Row) -> Value {
        let (method, path) = row.endpoint.split_once(' ').unwrap();
        let path = path.replace("{machineId}", "*").replace("{scriptId}", "*");
        let all = MAX_RETRIES + 1; // every attempt of the call
        let mut f = match self {
            Fault::Status500 => json!({"status": 500, "count": all}),
            Fault::Status502 => json!({"status": 502, "count": all}),
            Fault::Status503 => {
                json!({"status": 503, "count": all, "headers": {"Retry-After": "0"}})
            }
            Fault::TooMany => json!({"status": 429, "count": all, "headers": {"Retry-After": "0"}}),
            Fault::TooManyOnceRetryAfter1 => {
                json!({"status": 429, "count": 1, "headers": {"Retry-After": "1"}})
            }
            Fault::Unavailable503TwiceThenOk => {
                json!({"status": 503, "count": 2, "headers": {"Retry-After": "0"}})
            }
            Fault::SlowerThanTimeout => {
                json!({"delayMs": SLOW_MS, "stage": "afterHandling", "count": all})
            }
            Fault::DroppedConnection => {
                json!({"action": "close", "stage": "afterHandling", "count": all})
            }
            Fault::TruncatedBody => {
                json!({"action": "truncate", "stage": "afterHandling", "count": all})
            }
            Fault::NonJson200 => json!({"action": "garbage", "count": all}),
            Fault::WrongShape200 => json!({"status": 200, "body": row.wrong_shape, "count": all}),
            Fault::NonJson502 => json!({"action": "garbage", "status": 502, "count": all}),
        };
        f["method"] = json!(method);
        f["path"] = json!(path);
        f
    }

    /// The documented outcome of this fault on `row` (docs/ABI.md, "Retries and timeouts").
    fn expected(self, row: &Row) -> Expected {
        let attempts = if row.safe { MAX_RETRIES + 1 } else { 1 };
        let api = |code: u16, requests: u64| Expected {
            status: Status::Api,
            http_status: Some(code),
            requests,
            effect: false,
        };
        match self {
            Fault::Status500 => api(500, 1), // 500 is not retryable, even for safe calls
            Fault::Status502 | Fault::NonJson502 => api(502, attempts),
            Fault::Status503 => api(503, attempts),
            Fault::TooMany => api(429, attempts),
            Fault::TooManyOnceRetryAfter1 if row.safe => ok(2),
            Fault::TooManyOnceRetryAfter1 => api(429, 1),
            Fault::Unavailable503TwiceThenOk if row.safe => ok(3),
            Fault::Unavailable503TwiceThenOk => api(503, 1),
            // A timed-out call is not retried (it may have reached the server).
            Fault::SlowerThanTimeout => Expected {
                status: Status::Timeout,
                http_status: None,
                requests: 1,
                effect: !row.safe,
            },
            Fault::DroppedConnection | Fault::TruncatedBody => Expected {
                status: Status::Transport,
                http_status: None,
                requests: attempts,
                effect: !row.safe,
            },
            // A 2xx body that does not decode is not retried; 204 operations ignore it.
            Fault::NonJson200 | Fault::WrongShape200 if row.has_body => Expected {
                status: Status::Decode,
                http_status: None,
                requests: 1,
                effect: false,
            },
            Fault::NonJson200 | Fault::WrongShape200 => ok(1),
        }
    }
}

fn ok(requests: u64) -> Expected {
    Expected {
        status: Status::Ok,
        http_status: None,
        requests,
        effect: false,
    }
}

/// Emulator transitions are short so set-up settles fast; destroy stays in progress for the
/// whole cell so its event is still counted.
fn matrix_emulator() -> Emulator {
    emulator_with(json!({"delays": {
        "provisionMs": 30, "startMs": 30, "stopMs": 30, "restartMs": 30, "destroyMs": 600000
    }}))
}

/// Creates what a row needs (a machine settled in its state, or a script); returns its id.
fn set_up(emu: &Emulator, setup: Setup) -> String {
    let helper = client(emu, json!({}));
    let (start, state) = match setup {
        Setup::Nothing => return String::new(),
        Setup::Script => {
            let script = json!({"scriptName": "matrix set-up", "scriptText": "echo set-up"});
            let created: Value = serde_json::from_str(
                &helper
                    .call_json(Operation::ScriptsCreate, &script.to_string())
                    .expect("set-up script"),
            )
            .unwrap();
            return created["id"].as_str().unwrap().to_string();
        }
        Setup::OffMachine => (false, "off"),
        Setup::ReadyMachine => (true, "ready"),
    };
    let mut params = ubuntu_c4("matrix");
    params["startOnCreate"] = json!(start);
    let created: Value = serde_json::from_str(
        &helper
            .call_json(Operation::MachinesCreate, &params.to_string())
            .expect("set-up create"),
    )
    .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let wait = json!({"machineId": id, "state": state, "intervalMs": 10, "timeoutMs": 10000});
    helper
        .call_json(Operation::MachinesWait, &wait.to_string())
        .expect("set-up wait");
    id
}

/// The amount of `effect` on the emulator now (a removal counts down, so its delta is +1).
fn measure(emu: &Emulator, effect: Effect, id: &str) -> i64 {
    let stats = emu.stats();
    let count = |key: &str| stats[key].as_i64().unwrap();
    match effect {
        Effect::Nothing | Effect::MachineEvent => count("events"),
        Effect::MachineCreated => count("machinesCreated"),
        Effect::ScriptAdded => count("scripts"),
        Effect::ScriptRemoved => -count("scripts"),
        Effect::DelegationAdded => count("delegations"),
        Effect::MachineRenamed => {
            let shown = client(emu, json!({}))
                .show_machine(id)
                .expect("show after the cell");
            i64::from(shown.name.as_deref() == Some("matrix renamed"))
        }
        Effect::AccessGiven => {
            let member = client(emu, json!({"apiKey": paperspace::emulator::MEMBER_KEY}));
            i64::from(member.show_machine(id).is_ok())
        }
    }
}

/// What a cell observed.
#[derive(Debug)]
struct Observed {
    status: Status,
    http_status: Option<u16>,
    requests: u64,
    /// The row's effect (for safe rows: the emulator's event count).
    effect: i64,
    machines_created: u64,
    error_json: Option<Value>,
    result: Option<String>,
    elapsed: Duration,
}

fn run_cell(row: &Row, fault: Fault) -> (Observed, Observed) {
    let emu = matrix_emulator();
    let id = set_up(&emu, row.setup);
    let endpoint = row
        .endpoint
        .replace("{machineId}", &id)
        .replace("{scriptId}", &id);
    let snapshot = |emu: &Emulator| {
        (
            requests(emu, &endpoint),
            measure(emu, row.effect, &id),
            emu.stats()["machinesCreated"].as_u64().unwrap(),
        )
    };
    let (req0, effect0, created0) = snapshot(&emu);
    let before = Observed {
        status: Status::Ok,
        http_status: None,
        requests: req0,
        effect: effect0,
        machines_created: created0,
        error_json: None,
        result: None,
        elapsed: Duration::ZERO,
    };
    emu.add_faults(&fault.spec(row).to_string()).unwrap();
    let cell_client: Client = client(
        &emu,
        json!({"maxRetries": MAX_RETRIES, "timeoutMs": TIMEOUT_MS, "connectTimeoutMs": TIMEOUT_MS}),
    );
    let params = (row.params)(&id).to_string();
    let started = Instant::now();
    let outcome = cell_client.call_json(row.op, &params);
    let elapsed = started.elapsed();
    let (req1, effect1, created1) = snapshot(&emu);
    let (status, http_status, error_json, result) = match outcome {
        Ok(text) => (Status::Ok, None, None, Some(text)),
        Err(e) => (
            e.status(),
            e.http_status(),
            Some(e.to_json(row.op.name())),
            None,
        ),
    };
    (
        before,
        Observed {
            status,
            http_status,
            requests: req1,
            effect: effect1,
            machines_created: created1,
            error_json,
            result,
            elapsed,
        },
    )
}

/// Runs every fault on one operation, the cells in parallel (each has its own emulator);
/// returns the failures (empty when the row holds).
fn check_row(row: &Row) -> Vec<String> {
    let observed: Vec<(Observed, Observed)> = std::thread::scope(|scope| {
        let cells: Vec<_> = FAULTS
            .iter()
            .map(|&fault| scope.spawn(move || run_cell(row, fault)))
            .collect();
        cells.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let mut failures = Vec::new();
    for (fault, (before, got)) in FAULTS.into_iter().zip(observed) {
        let want = fault.expected(row);
        let cell = format!("{} x {fault:?}", row.op.name());
        let mut problems = Vec::new();
        if got.status != want.status {
            problems.push(format!("status {:?}, want {:?}", got.status, want.status));
        }
        if got.http_status != want.http_status {
            problems.push(format!(
                "httpStatus {:?}, want {:?}",
                got.http_status, want.http_status
            ));
        }
        let sent = got.requests - before.requests;
        if sent != want.requests {
            problems.push(format!("{sent} requests, want {}", want.requests));
        }
        if let Some(error) = &got.error_json {
            if error["kind"] != got.status.name() || error["code"] != got.status.code() {
                problems.push(format!("error JSON kind/code mismatch: {error}"));
            }
            if error["operation"] != row.op.name() {
                problems.push(format!("error JSON operation: {error}"));
            }
            if fault == Fault::NonJson502 && row.op.answer_holds_a_secret() {
                // The server's text is withheld: it could quote a token the client never knew.
                if error["details"] != "<redacted>"
                    || !error["message"]
                        .as_str()
                        .unwrap_or_default()
                        .starts_with("HTTP 502 (")
                {
                    problems.push(format!("server text not withheld: {error}"));
                }
            } else if fault == Fault::NonJson502 {
                let raw = error["details"].as_str().unwrap_or_default();
                if !raw.contains("502 Bad Gateway")
                    || error["message"] != "HTTP 502 with a non-JSON body"
                {
                    problems.push(format!("non-JSON 502 not reported as raw text: {error}"));
                }
            }
            if got.status == Status::Api && fault != Fault::NonJson502 {
                // The emulator's standard error body, parsed.
                if error["details"]["error"]["status"] != json!(want.http_status) {
                    problems.push(format!("API error details: {error}"));
                }
            }
        }
        if let Some(result) = &got.result {
            let value: Value = serde_json::from_str(result).unwrap_or(Value::Null);
            let shaped = match row.op.result_kind() {
                _ if !row.has_body => value == json!({}),
                _ if row.op == Operation::MachinesAvailability => value["available"].is_boolean(),
                ResultKind::Object => value.is_object(),
                ResultKind::Array => value.is_array(),
                ResultKind::String => value.is_string(),
                _ => false,
            };
            if !shaped {
                problems.push(format!("result of the wrong shape: {result}"));
            }
        }
        if fault == Fault::TooManyOnceRetryAfter1
            && row.safe
            && got.elapsed < Duration::from_millis(950)
        {
            problems.push(format!("Retry-After: 1 not honoured ({:?})", got.elapsed));
        }
        if matches!(fault, Fault::Status503 | Fault::TooMany)
            && got.elapsed > Duration::from_secs(3)
        {
            problems.push(format!("Retry-After: 0 took {:?}", got.elapsed));
        }
        if fault == Fault::SlowerThanTimeout && got.elapsed > Duration::from_millis(SLOW_MS) {
            problems.push(format!(
                "the timeout did not bound the call ({:?})",
                got.elapsed
            ));
        }
        // Unsafe operations: the server acted at most once, and only when the fault let it;
        // safe ones changed nothing.
        let effect = got.effect - before.effect;
        let want_effect = i64::from(want.effect);
        if effect != want_effect {
            problems.push(format!(
                "{:?} happened {effect} times, want {want_effect}",
                row.effect
            ));
        }
        let created = got.machines_created - before.machines_created;
        if row.effect != Effect::MachineCreated && created != 0 {
            problems.push(format!("{created} machines created"));
        }
        if problems.is_empty() {
            eprintln!(
                "ok   {cell}: {:?} {:?}, {sent} request(s), {:?}",
                got.status, got.http_status, got.elapsed
            );
        } else {
            failures.push(format!("{cell}: {}", problems.join("; ")));
        }
    }
    failures
}

fn assert_row(op: Operation) {
    let failures = check_row(&row(op));
    assert!(
        failures.is_empty(),
        "{} cell(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The operations with a test function below; one of the table without it fails here.
const TESTED: [&str; 22] = [
    "templates_list",
    "machines_create",
    "machines_availability",
    "machines_show",
    "machines_list",
    "machines_wait",
    "machines_start",
    "machines_stop",
    "machines_restart",
    "machines_destroy",
    "users_list",
    "machines_update",
    "machines_utilization",
    "machines_set_access",
    "networks_list",
    "scripts_create",
    "scripts_list",
    "scripts_show",
    "scripts_text",
    "scripts_destroy",
    "resource_delegations_create",
    "machines_wait_many",
];

#[test]
fn the_matrix_covers_every_operation_and_fault() {
    let table: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
    assert_eq!(
        table, TESTED,
        "each operation of the table has its test function here"
    );
    for &op in Operation::ALL {
        let row = row(op); // panics for an operation without test data
        assert_eq!(row.safe, row.effect == Effect::Nothing, "{}", op.name());
    }
    // The documented outcomes, spot-checked against docs/ABI.md's table.
    assert_eq!(
        Fault::Status503
            .expected(&row(Operation::UsersList))
            .requests,
        3
    );
    assert_eq!(
        Fault::Status503
            .expected(&row(Operation::MachinesCreate))
            .requests,
        1
    );
    assert_eq!(
        Fault::NonJson200
            .expected(&row(Operation::MachinesStop))
            .status,
        Status::Ok
    );
}

#[test]
fn templates_list() {
    assert_row(Operation::TemplatesList);
}

#[test]
fn machines_create() {
    assert_row(Operation::MachinesCreate);
}

#[test]
fn machines_availability() {
    assert_row(Operation::MachinesAvailability);
}

#[test]
fn machines_show() {
    assert_row(Operation::MachinesShow);
}

#[test]
fn machines_list() {
    assert_row(Operation::MachinesList);
}

#[test]
fn machines_wait() {
    assert_row(Operation::MachinesWait);
}

#[test]
fn machines_start() {
    assert_row(Operation::MachinesStart);
}

#[test]
fn machines_stop() {
    assert_row(Operation::MachinesStop);
}

#[test]
fn machines_restart() {
    assert_row(Operation::MachinesRestart);
}

#[test]
fn machines_destroy() {
    assert_row(Operation::MachinesDestroy);
}

#[test]
fn users_list() {
    assert_row(Operation::UsersList);
}

#[test]
fn machines_update() {
    assert_row(Operation::MachinesUpdate);
}

#[test]
fn machines_utilization() {
    assert_row(Operation::MachinesUtilization);
}

#[test]
fn machines_set_access() {
    assert_row(Operation::MachinesSetAccess);
}

#[test]
fn networks_list() {
    assert_row(Operation::NetworksList);
}

#[test]
fn scripts_create() {
    assert_row(Operation::ScriptsCreate);
}

#[test]
fn scripts_list() {
    assert_row(Operation::ScriptsList);
}

#[test]
fn scripts_show() {
    assert_row(Operation::ScriptsShow);
}

#[test]
fn scripts_text() {
    assert_row(Operation::ScriptsText);
}

#[test]
fn scripts_destroy() {
    assert_row(Operation::ScriptsDestroy);
}

#[test]
fn resource_delegations_create() {
    assert_row(Operation::ResourceDelegationsCreate);
}

#[test]
fn machines_wait_many() {
    assert_row(Operation::MachinesWaitMany);
}

//! Fault injection: every action, every source (scenario, control endpoint, Rust API, request
//! header), and the partial failure of create with a new user. Connection-level faults are
//! checked on a raw TCP socket, byte by byte.

#![cfg(feature = "emulator")]

mod emulator_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use emulator_support::{Api, create_body, fast, start};
use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, Scenario};
use serde_json::{Value, json};

const TEMPLATES: &str = "/templates/getTemplates";

/// Sends one raw HTTP/1.1 request and reads until the server closes the connection.
fn raw(api: &Api, request: &str) -> Vec<u8> {
    let address = api.emulator.url().trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut received = Vec::new();
    stream
        .read_to_end(&mut received)
        .expect("the server closes the connection (EOF), no timeout");
    received
}

fn get_request(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\n{extra}\r\n")
}

fn split_head(bytes: &[u8]) -> (String, Vec<u8>) {
    let at = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    (
        String::from_utf8(bytes[..at].to_vec()).unwrap(),
        bytes[at + 4..].to_vec(),
    )
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("Content-Length")
        .parse()
        .unwrap()
}

#[test]
fn status_fault_with_retry_after_then_the_real_answer() {
    let api = start(fast());
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "status": 503, "headers": {"Retry-After": "1"}}"#)
        .unwrap();
    assert_eq!(api.emulator.stats()["faultsPending"], 1);
    let r = api.get(TEMPLATES, Some(ADMIN_KEY));
    assert_eq!(r.error(503), "Service Unavailable");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let r = api.get(TEMPLATES, Some(ADMIN_KEY));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("retry-after"), None);
    let stats = api.emulator.stats();
    assert_eq!(stats["requests"]["GET /templates/getTemplates"], 2);
    assert_eq!(stats["faultsPending"], 0);
}

#[test]
fn count_wildcards_methods_and_order() {
    let api = start(fast());
    api.emulator
        .add_faults(
            r#"[{"method": "POST", "path": "/machines/*/start", "count": 2, "status": 502},
                {"method": "GET", "path": "/users/getUsers", "status": 429, "body": "slow down"},
                {"path": "/machines/getMachines", "status": 500},
                {"path": "/machines/getMachines", "status": 504}]"#,
        )
        .unwrap();
    assert_eq!(api.emulator.stats()["faultsPending"], 5);
    assert_eq!(
        api.post("/machines/ps1/start", Some(ADMIN_KEY), "")
            .error(502),
        "Bad Gateway"
    );
    assert_eq!(
        api.post("/machines/ps2/start/", Some(ADMIN_KEY), "")
            .error(502),
        "Bad Gateway"
    );
    assert_eq!(
        api.post("/machines/ps3/start", Some(ADMIN_KEY), "").status,
        404
    );
    assert_eq!(
        api.post("/machines/ps3/stop", Some(ADMIN_KEY), "").status,
        404
    );
    let r = api.get("/users/getUsers?id=x", Some(ADMIN_KEY));
    assert_eq!((r.status, r.body.as_str()), (429, "slow down"));
    assert_eq!(
        api.get("/machines/getMachines", None).error(500),
        "Internal Server Error"
    );
    assert_eq!(
        api.get("/machines/getMachines", None).error(504),
        "Gateway Timeout"
    );
    assert_eq!(
        api.get("/machines/getMachines", None).error(401),
        "Invalid API token"
    );
    assert_eq!(api.emulator.stats()["faultsPending"], 0);
}

#[test]
fn a_fault_without_path_strikes_the_next_api_request_but_not_control_paths() {
    let api = start(fast());
    api.emulator.add_faults(r#"{"status": 500}"#).unwrap();
    assert_eq!(api.get("/__emulator/stats", None).status, 200);
    assert_eq!(api.get("/users/getUsers", Some(ADMIN_KEY)).status, 500);
    assert_eq!(api.get("/users/getUsers", Some(ADMIN_KEY)).status, 200);
}

#[test]
fn delay_only_delays_the_real_answer() {
    let api = start(fast());
    api.emulator.add_faults(r#"{"path": "/templates/getTemplates", "delayMs": 150, "headers": {"X-Delayed": "yes"}}"#).unwrap();
    let t = Instant::now();
    let r = api.get(TEMPLATES, Some(ADMIN_KEY));
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json().as_array().unwrap().len(), 15);
    assert_eq!(r.header("x-delayed"), Some("yes"));
    let t = Instant::now();
    api.get(TEMPLATES, Some(ADMIN_KEY));
    assert!(t.elapsed() < Duration::from_millis(150));
    // A delay with a status: the status comes late.
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "delayMs": 100, "status": 503}"#)
        .unwrap();
    let t = Instant::now();
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 503);
    assert!(t.elapsed() >= Duration::from_millis(100));
}

#[test]
fn close_sends_no_byte() {
    let api = start(fast());
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "action": "close"}"#)
        .unwrap();
    let received = raw(&api, &get_request(TEMPLATES, ""));
    assert!(
        received.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&received)
    );
    // ureq sees a transport error, and its next request works on a new connection.
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "action": "close"}"#)
        .unwrap();
    let result = api
        .agent
        .get(api.url(TEMPLATES))
        .header("x-api-key", ADMIN_KEY)
        .call();
    assert!(result.is_err(), "{result:?}");
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 200);
    assert_eq!(
        api.emulator.stats()["requests"]["GET /templates/getTemplates"],
        3
    );
}

#[test]
fn truncate_announces_more_than_it_sends() {
    let api = start(fast());
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "action": "truncate", "status": 200, "body": "[{\"id\":\"t04azgph\"}]"}"#)
        .unwrap();
    let (head, body) = split_head(&raw(&api, &get_request(TEMPLATES, "")));
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(content_length(&head), 19);
    assert_eq!(body, b"[{\"id\":\"t");
    // ureq reports the short body as an error.
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "action": "truncate"}"#)
        .unwrap();
    let mut response = api
        .agent
        .get(api.url(TEMPLATES))
        .header("x-api-key", ADMIN_KEY)
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 500);
    assert!(response.body_mut().read_to_string().is_err());
}

#[test]
fn truncate_after_handling_cuts_the_real_answer_of_a_create_that_happened() {
    let api = start(fast());
    api.emulator
        .add_faults(r#"{"path": "/machines/createSingleMachinePublic", "action": "truncate", "stage": "afterHandling"}"#)
        .unwrap();
    let body = create_body(json!({})).to_string();
    let request = format!(
        "POST /machines/createSingleMachinePublic HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (head, received) = split_head(&raw(&api, &request));
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let announced = content_length(&head);
    assert_eq!(received.len(), announced / 2);
    assert!(
        String::from_utf8(received)
            .unwrap()
            .starts_with("{\"id\":\"ps")
    );
    // The machine was created all the same.
    assert_eq!(
        api.admin_json("/machines/getMachines")
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn garbage_is_not_json() {
    let api = start(fast());
    api.emulator
        .add_faults(
            r#"[{"path": "/users/getUsers", "action": "garbage"},
                                {"path": "/users/getUsers", "action": "garbage", "status": 502}]"#,
        )
        .unwrap();
    let r = api.get("/users/getUsers", Some(ADMIN_KEY));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(r.body.starts_with("<html>"));
    assert!(serde_json::from_str::<Value>(&r.body).is_err());
    let r = api.get("/users/getUsers", Some(ADMIN_KEY));
    assert_eq!(r.status, 502);
    assert!(r.body.contains("502 Bad Gateway"));
}

#[test]
fn a_fault_header_applies_to_its_request_only() {
    let api = start(fast());
    let with = |fault: &str| {
        let mut r = api
            .agent
            .get(api.url(TEMPLATES))
            .header("x-api-key", ADMIN_KEY)
            .header("X-Emulator-Fault", fault)
            .call()
            .unwrap();
        let status = r.status().as_u16();
        let retry = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, retry, r.body_mut().read_to_string().unwrap())
    };
    let (status, retry, body) =
        with(r#"{"status": 429, "headers": {"Retry-After": "2"}, "path": "/ignored", "count": 5}"#);
    assert_eq!((status, retry.as_deref()), (429, Some("2")));
    assert_eq!(
        body,
        r#"{"error":{"name":"Error","status":429,"message":"Too Many Requests"}}"#
    );
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 200);
    // It wins over a queued fault, which stays queued.
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "status": 500}"#)
        .unwrap();
    assert_eq!(with(r#"{"status": 503}"#).0, 503);
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 500);
    // Delay and close work through the header too.
    let t = Instant::now();
    assert_eq!(with(r#"{"delayMs": 80}"#).0, 200);
    assert!(t.elapsed() >= Duration::from_millis(80));
    let received = raw(
        &api,
        &get_request(TEMPLATES, "x-emulator-fault: {\"action\": \"close\"}\r\n"),
    );
    assert!(received.is_empty());
    let (status, _, body) = with("{not json");
    assert_eq!(status, 400);
    let message = serde_json::from_str::<Value>(&body).unwrap()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with("Invalid x-emulator-fault header: "),
        "{message}"
    );
    let (status, _, body) = with(r#"{"action": "explode"}"#);
    assert_eq!(status, 400);
    assert!(body.contains("unknown variant"), "{body}");
}

#[test]
fn the_control_endpoint_queues_and_clears_faults() {
    let api = start(fast());
    let r = api.post(
        "/__emulator/faults",
        None,
        r#"[{"path": "/users/getUsers", "status": 500, "count": 3}]"#,
    );
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    let r = api.post(
        "/__emulator/faults/",
        None,
        r#"{"path": "/templates/getTemplates", "status": 502}"#,
    );
    assert_eq!(r.status, 204);
    let stats = api.get("/__emulator/stats", None).json();
    assert_eq!(stats["faultsPending"], 4);
    for bad in [
        "nope",
        "42",
        r#"{"path": "no-slash"}"#,
        r#"{"status": 700}"#,
        r#"[{"count": 0}]"#,
        r#"{"typo": 1}"#,
    ] {
        let r = api.post("/__emulator/faults", None, bad);
        assert!(r.error(400).starts_with("Invalid faults: "), "{bad}");
    }
    assert_eq!(api.emulator.stats()["faultsPending"], 4);
    assert!(api.emulator.add_faults(r#"{"method": "PATCH"}"#).is_err());
    let r = api
        .agent
        .delete(api.url("/__emulator/faults"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(api.emulator.stats()["faultsPending"], 0);
    assert_eq!(api.get("/users/getUsers", Some(ADMIN_KEY)).status, 200);
    // Control paths are not counted.
    assert_eq!(
        api.emulator.stats()["requests"],
        json!({"GET /users/getUsers": 1})
    );
}

#[test]
fn scenario_faults_are_queued_at_start() {
    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["faults"] =
        json!([{"method": "GET", "path": "/templates/getTemplates", "status": 500, "count": 2}]);
    let api = start(Scenario::from_json(&scenario.to_string()).unwrap());
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 500);
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 500);
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 200);
}

#[test]
fn user_created_then_machine_failed() {
    let api = start(fast());
    api.emulator
        .add_faults(r#"{"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "status": 500}"#)
        .unwrap();
    // A create without new-user fields does not reach that stage: the fault waits.
    api.create(json!({}));
    assert_eq!(api.emulator.stats()["faultsPending"], 1);
    let body = create_body(
        json!({"email": "jon@example.com", "password": "secret123", "firstName": "Jon", "lastName": "Snow"}),
    );
    let r = api.post(
        "/machines/createSingleMachinePublic",
        Some(ADMIN_KEY),
        &body.to_string(),
    );
    assert_eq!(r.error(500), "Internal Server Error");
    // The documented recovery: the user exists, the machine does not.
    let users = api.admin_json("/users/getUsers?email=jon%40example.com");
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["firstname"], "Jon");
    let machines = api.admin_json("/machines/getMachines");
    assert_eq!(machines.as_array().unwrap().len(), 1);
    let stats = api.emulator.stats();
    assert_eq!(
        (stats["machinesCreated"].clone(), stats["users"].clone()),
        (json!(1), json!(3))
    );
    // Retrying the same body now fails on the email, as the real API would.
    let r = api.post(
        "/machines/createSingleMachinePublic",
        Some(ADMIN_KEY),
        &body.to_string(),
    );
    assert_eq!(
        r.error(400),
        "email is already associated with a Paperspace account"
    );
    // The same through the request header, with a dropped connection instead of a status.
    let body = create_body(json!({"email": "arya@example.com", "password": "p", "firstName": "Arya", "lastName": "Stark"}))
        .to_string();
    let request = format!(
        "POST /machines/createSingleMachinePublic HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\nx-emulator-fault: {{\"stage\": \"afterUserCreated\", \"action\": \"close\"}}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert!(raw(&api, &request).is_empty());
    assert_eq!(
        api.admin_json("/users/getUsers?firstname=Arya")
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(api.emulator.stats()["machinesCreated"], 1);
}

#[test]
fn respond_after_handling_keeps_the_effect() {
    let api = start(fast());
    api.emulator
        .add_faults(r#"{"path": "/machines/createSingleMachinePublic", "stage": "afterHandling", "status": 502, "headers": {"Retry-After": "3"}}"#)
        .unwrap();
    let r = api.post(
        "/machines/createSingleMachinePublic",
        Some(ADMIN_KEY),
        &create_body(json!({})).to_string(),
    );
    assert_eq!(r.error(502), "Bad Gateway");
    assert_eq!(r.header("retry-after"), Some("3"));
    assert_eq!(api.emulator.stats()["machinesCreated"], 1);
}

#[test]
fn shutdown_during_a_delay_is_prompt() {
    let api = start(fast());
    api.emulator
        .add_faults(r#"{"path": "/templates/getTemplates", "delayMs": 60000}"#)
        .unwrap();
    let url = api.url(TEMPLATES);
    let agent = api.agent.clone();
    let waiting = std::thread::spawn(move || {
        agent
            .get(url)
            .header("x-api-key", ADMIN_KEY)
            .call()
            .map(|r| r.status().as_u16())
    });
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    api.emulator.shutdown();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let _ = waiting.join().unwrap();
}

/// Every path of the calls beyond templates, machines and users: (method, path).
const MORE_PATHS: [(&str, &str); 10] = [
    ("POST", "/machines/psfault1/updateMachinePublic"),
    (
        "GET",
        "/machines/getUtilization?machineId=psfault1&billingMonth=2019-01",
    ),
    ("POST", "/machines/psfault1/setMachineAccess"),
    ("GET", "/networks/getNetworks"),
    ("POST", "/scripts/createScript"),
    ("GET", "/scripts/getScripts"),
    ("GET", "/scripts/getScript?scriptId=scfault1"),
    ("GET", "/scripts/getScriptText?scriptId=scfault1"),
    ("POST", "/scripts/scfault1/destroy"),
    ("POST", "/resourceDelegations/create"),
];

#[test]
fn every_source_of_faults_works_on_the_other_calls_and_stats_count_them() {
    let api = start(fast());
    // From the header: the answer is the fault's, nothing is handled.
    for (method, path) in MORE_PATHS {
        let r = api.send(
            method,
            path,
            Some(ADMIN_KEY),
            &[("x-emulator-fault", r#"{"status": 503}"#)],
            if method == "POST" { b"{}" } else { b"" },
        );
        assert_eq!(r.error(503), "Service Unavailable", "{method} {path}");
    }
    // From the queue, with a wildcard, then the real answer.
    api.emulator
        .add_faults(
            r#"[{"path": "/scripts/*/destroy", "status": 429},
                {"method": "GET", "path": "/networks/getNetworks", "action": "garbage"},
                {"path": "/resourceDelegations/create", "status": 500, "count": 2}]"#,
        )
        .unwrap();
    let r = api.post("/scripts/scother/destroy", Some(ADMIN_KEY), "");
    assert_eq!(r.error(429), "Too Many Requests");
    let r = api.post("/scripts/scother/destroy", Some(ADMIN_KEY), "");
    assert_eq!(
        r.error(404),
        "Not found. Please contact support@paperspace.com for help."
    );
    let r = api.get("/networks/getNetworks", Some(ADMIN_KEY));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("502 Bad Gateway"));
    assert_eq!(
        api.get("/networks/getNetworks", Some(ADMIN_KEY))
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    for _ in 0..2 {
        let r = api.post("/resourceDelegations/create", Some(ADMIN_KEY), "{}");
        assert_eq!(r.error(500), "Internal Server Error");
    }
    // From the scenario.
    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["faults"] = json!([{"path": "/scripts/getScriptText", "status": 504}]);
    let other = start(Scenario::from_json(&scenario.to_string()).unwrap());
    let r = other.get("/scripts/getScriptText?scriptId=sc1", Some(ADMIN_KEY));
    assert_eq!(r.error(504), "Gateway Timeout");

    let stats = api.emulator.stats();
    let requests = &stats["requests"];
    for (method, path) in MORE_PATHS {
        let path = path.split('?').next().unwrap();
        let expected = match path {
            "/networks/getNetworks" | "/resourceDelegations/create" => 3,
            _ => 1,
        };
        let key = format!("{method} {path}");
        assert_eq!(requests[&key], expected, "{key}");
    }
    assert_eq!(requests["POST /scripts/scother/destroy"], 2);
    assert_eq!(stats["faultsPending"], 0);
}

//! The exact request of every operation of the table, against what the official Node client
//! (paperspace-node 0.2.4) sends for the same arguments (docs/ABI.md, "Requests are the ones
//! the official client sends"): the method; the path with its ids percent-encoded; GET
//! parameters in the query string, percent-encoded as RFC 3986 (space `%20`, `+` `%2B`, `(`
//! `%28`), `null` as the literal `null`, booleans as `true`/`false`; POST parameters in a
//! compact JSON body, path parameters included, with `content-type: application/json`; the key
//! in `x-api-key`.
//!
//! The expected requests are written out by hand, not computed by the library's encoder. The
//! Node client sends parameters in the order the caller wrote them; the arguments below are
//! written in the order the library sends them (query keys sorted by name, body keys in the
//! order of the parameter type), so that the two requests are equal byte for byte.

use std::path::PathBuf;

use paperspace::api::ResultKind;
use paperspace::{Client, Config, Operation, Status};
use recorder::{Recorded, Recorder};
use serde_json::json;

const KEY: &str = "sk-encoding-5b0e2c9d7a";

/// What the Node client sends for one call: method, path and query, and the POST body.
struct Expected {
    method: &'static str,
    target: &'static str,
    body: Option<&'static str>,
}

const fn get(target: &'static str) -> Expected {
    Expected {
        method: "GET",
        target,
        body: None,
    }
}

const fn post(target: &'static str, body: &'static str) -> Expected {
    Expected {
        method: "POST",
        target,
        body: Some(body),
    }
}

/// One case per operation, keyed by its name: the arguments (JSON text, as a caller of
/// `ps_call` writes them) and the request they make. An operation of the table without a case
/// fails `every_operation_sends_what_the_node_client_sends`.
fn case(name: &str) -> Option<(&'static str, Expected)> {
    Some(match name {
        "templates_list" => (
            r#"{"label": null, "os": "Ubuntu 18.04 Server", "region": "East Coast (NY2)"}"#,
            get(
                "/templates/getTemplates?label=null&os=Ubuntu%2018.04%20Server&region=East%20Coast%20%28NY2%29",
            ),
        ),
        "machines_create" => (
            r#"{"region": "East Coast (NY2)", "machineType": "C4", "size": 50, "billingType": "hourly",
                "machineName": "ci runner", "templateId": "t04azgph", "assignPublicIp": true,
                "startOnCreate": false, "email": "a+b@example.com", "password": "pw-1",
                "firstName": "Ada", "lastName": "L"}"#,
            post(
                "/machines/createSingleMachinePublic",
                r#"{"region":"East Coast (NY2)","machineType":"C4","size":50,"billingType":"hourly","machineName":"ci runner","templateId":"t04azgph","assignPublicIp":true,"startOnCreate":false,"email":"a+b@example.com","password":"pw-1","firstName":"Ada","lastName":"L"}"#,
            ),
        ),
        "machines_availability" => (
            r#"{"machineType": "GPU+", "region": "East Coast (NY2)"}"#,
            get("/machines/getAvailability?machineType=GPU%2B&region=East%20Coast%20%28NY2%29"),
        ),
        "machines_show" => (
            r#"{"machineId": "ps 1+2"}"#,
            get("/machines/getMachinePublic?machineId=ps%201%2B2"),
        ),
        "machines_list" => (
            r#"{"cpus": 2, "limit": 10, "networkId": null, "skip": 0, "state": "ready", "updatesPending": false}"#,
            get(
                "/machines/getMachines?cpus=2&limit=10&networkId=null&skip=0&state=ready&updatesPending=false",
            ),
        ),
        // The wait polls show with the machine id only (Node's `machines.waitfor` too); the
        // answer is already in the target state, so one poll.
        "machines_wait" => (
            r#"{"machineId": "ps/1", "state": "ready", "intervalMs": 1, "timeoutMs": 5000}"#,
            get("/machines/getMachinePublic?machineId=ps%2F1"),
        ),
        "machines_start" => (
            r#"{"machineId": "ps 1/2"}"#,
            post("/machines/ps%201%2F2/start", r#"{"machineId":"ps 1/2"}"#),
        ),
        "machines_stop" => (
            r#"{"machineId": "ps1"}"#,
            post("/machines/ps1/stop", r#"{"machineId":"ps1"}"#),
        ),
        "machines_restart" => (
            r#"{"machineId": "ps(1)"}"#,
            post("/machines/ps%281%29/restart", r#"{"machineId":"ps(1)"}"#),
        ),
        "machines_destroy" => (
            r#"{"machineId": "ps1", "releasePublicIp": true}"#,
            post(
                "/machines/ps1/destroyMachine",
                r#"{"machineId":"ps1","releasePublicIp":true}"#,
            ),
        ),
        "users_list" => (
            r#"{"email": "a+b@example.com", "firstname": null}"#,
            get("/users/getUsers?email=a%2Bb%40example.com&firstname=null"),
        ),
        "machines_update" => (
            r#"{"machineId": "ps1", "machineName": "new name", "shutdownTimeoutInHours": null,
                "performAutoSnapshot": true, "autoSnapshotFrequency": "day", "autoSnapshotSaveCount": 3}"#,
            post(
                "/machines/ps1/updateMachinePublic",
                r#"{"machineId":"ps1","machineName":"new name","shutdownTimeoutInHours":null,"performAutoSnapshot":true,"autoSnapshotFrequency":"day","autoSnapshotSaveCount":3}"#,
            ),
        ),
        "machines_utilization" => (
            r#"{"billingMonth": "2019-04", "machineId": "ps1"}"#,
            get("/machines/getUtilization?billingMonth=2019-04&machineId=ps1"),
        ),
        "machines_set_access" => (
            r#"{"machineId": "ps1", "userId": "u1", "enableAccess": false}"#,
            post(
                "/machines/ps1/setMachineAccess",
                r#"{"machineId":"ps1","userId":"u1","enableAccess":false}"#,
            ),
        ),
        "networks_list" => (
            r#"{"region": "Europe (AMS1)", "teamId": null}"#,
            get("/networks/getNetworks?region=Europe%20%28AMS1%29&teamId=null"),
        ),
        "scripts_create" => (
            r#"{"scriptName": "nginx", "scriptText": "apt-get install -y nginx\necho \"done\"",
                "scriptDescription": "web", "isEnabled": true, "runOnce": false, "machineId": "ps1"}"#,
            post(
                "/scripts/createScript",
                r#"{"scriptName":"nginx","scriptText":"apt-get install -y nginx\necho \"done\"","scriptDescription":"web","isEnabled":true,"runOnce":false,"machineId":"ps1"}"#,
            ),
        ),
        "scripts_list" => (
            r#"{"isEnabled": true, "ownerType": "team"}"#,
            get("/scripts/getScripts?isEnabled=true&ownerType=team"),
        ),
        "scripts_show" => (
            r#"{"scriptId": "sc 1"}"#,
            get("/scripts/getScript?scriptId=sc%201"),
        ),
        "scripts_text" => (
            r#"{"scriptId": "sc1"}"#,
            get("/scripts/getScriptText?scriptId=sc1"),
        ),
        "scripts_destroy" => (
            r#"{"scriptId": "sc/1"}"#,
            post("/scripts/sc%2F1/destroy", r#"{"scriptId":"sc/1"}"#),
        ),
        // Client-side: one list of every machine per interval (Node's `machines.list({})`);
        // the answer lists the machine in the target state, so one list.
        "machines_wait_many" => (
            r#"{"machineIds": ["x1"], "state": "ready", "intervalMs": 1, "timeoutMs": 5000}"#,
            get("/machines/getMachines"),
        ),
        "resource_delegations_create" => (
            r#"{"machine": {"ids": ["ps1", "ps2"]}}"#,
            post(
                "/resourceDelegations/create",
                r#"{"machine":{"ids":["ps1","ps2"]}}"#,
            ),
        ),
        _ => return None,
    })
}

/// A 2xx answer of the shape `op` returns (by the table's result kind), so that the call
/// succeeds and the test sees the whole exchange.
fn answer_for(op: Operation) -> (u16, &'static str) {
    match op.result_kind() {
        // A wait for many finds its machine `x1` in the target state.
        ResultKind::Array => (200, r#"[{"id":"x1","state":"ready"}]"#),
        // Enough for every object result: an id, availability's flag, a wait's target state.
        ResultKind::Object => (200, r#"{"id":"x1","available":true,"state":"ready"}"#),
        ResultKind::String => (200, r#""echo hi""#),
        ResultKind::Empty => (204, ""),
    }
}

fn client(url: &str) -> Client {
    Client::new(Config {
        max_retries: Some(0),
        timeout_ms: Some(5_000),
        ..Config::new(KEY, url)
    })
    .unwrap()
}

/// The differences between the request `got` and the one expected, as readable lines.
fn compare(got: &Recorded, want: &Expected) -> Vec<String> {
    let mut problems = Vec::new();
    let line = format!("{} {}", got.method, got.target);
    let wanted = format!("{} {}", want.method, want.target);
    if line != wanted {
        problems.push(format!("request line {line:?}, want {wanted:?}"));
    }
    let keys = got.headers_named("x-api-key");
    if keys != [KEY] {
        problems.push(format!("x-api-key headers {keys:?}"));
    }
    let types = got.headers_named("content-type");
    let body = String::from_utf8_lossy(&got.body);
    match want.body {
        Some(text) => {
            if types != ["application/json"] {
                problems.push(format!("content-type headers {types:?}"));
            }
            if body != text {
                problems.push(format!("body {body}\n   want {text}"));
            }
            let length = got.headers_named("content-length");
            if length != [text.len().to_string()] {
                problems.push(format!("content-length {length:?}"));
            }
        }
        None => {
            if !types.is_empty() || !got.body.is_empty() {
                problems.push(format!(
                    "a GET with content-type {types:?} and body {body:?}"
                ));
            }
            if !got.headers_named("transfer-encoding").is_empty() {
                problems.push("a GET with transfer-encoding".into());
            }
        }
    }
    problems
}

#[test]
fn every_operation_sends_what_the_node_client_sends() {
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for &op in Operation::ALL {
        let Some((params, want)) = case(op.name()) else {
            missing.push(op.name());
            continue;
        };
        let (status, body) = answer_for(op);
        let server = Recorder::start(status, body);
        let outcome = client(&server.url()).call_json(op, params);
        let requests = server.requests();
        match &outcome {
            Ok(text) if op.result_kind() == ResultKind::Empty => assert_eq!(text, "{}"),
            Ok(text) => assert_eq!(text, body, "{}", op.name()),
            Err(err) => wrong.push(format!("{}: the call failed: {err}", op.name())),
        }
        if op.method() == paperspace::api::Method::Post {
            assert_eq!(want.method, "POST", "{}: the table says POST", op.name());
        } else {
            assert_eq!(want.method, "GET", "{}: the table says GET", op.name());
        }
        match requests.as_slice() {
            [one] => wrong.extend(
                compare(one, &want)
                    .into_iter()
                    .map(|p| format!("{}: {p}", op.name())),
            ),
            many => wrong.push(format!("{}: {} requests, want 1", op.name(), many.len())),
        }
    }
    if !missing.is_empty() {
        wrong.push(format!(
            "no request case in tests/request_encoding.rs for {missing:?}"
        ));
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// A file in the temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!("ps-encoding-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn a_script_file_is_sent_as_its_text() {
    let text = "#!/bin/bash\necho \"héllo\"\tdone\n";
    let file = TempFile::new("script.sh", text.as_bytes());
    let server = Recorder::start(200, r#"{"id":"sc1"}"#);
    let params = json!({"scriptName": "from file", "scriptFile": file.path(), "runOnce": true});
    let result = client(&server.url())
        .call_json(Operation::ScriptsCreate, &params.to_string())
        .unwrap();
    assert_eq!(result, r#"{"id":"sc1"}"#);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let want = post(
        "/scripts/createScript",
        "{\"scriptName\":\"from file\",\"scriptText\":\"#!/bin/bash\\necho \\\"héllo\\\"\\tdone\\n\",\"runOnce\":true}",
    );
    assert_eq!(compare(&requests[0], &want), Vec::<String>::new());
}

#[test]
fn a_script_file_of_exactly_16384_bytes_is_sent() {
    let text = "x".repeat(16_384);
    let file = TempFile::new("exact.sh", text.as_bytes());
    let server = Recorder::start(200, r#"{"id":"sc1"}"#);
    let params = json!({"scriptName": "big", "scriptFile": file.path()});
    client(&server.url())
        .call_json(Operation::ScriptsCreate, &params.to_string())
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body, json!({"scriptName": "big", "scriptText": text}));
}

#[test]
fn a_script_file_too_large_or_not_utf8_is_refused_before_sending() {
    let large = TempFile::new("large.sh", "x".repeat(16_385).as_bytes());
    let latin1 = TempFile::new("latin1.sh", b"echo caf\xe9\n");
    let cases = [
        (
            large.path().to_string(),
            "is larger than the API's limit of 16384 bytes",
        ),
        (latin1.path().to_string(), "is not UTF-8 text"),
    ];
    for (path, why) in cases {
        let server = Recorder::start(200, r#"{"id":"sc1"}"#);
        let params = json!({"scriptName": "s", "scriptFile": path});
        let err = client(&server.url())
            .call_json(Operation::ScriptsCreate, &params.to_string())
            .unwrap_err();
        assert_eq!(err.status(), Status::Validation, "{path}: {err}");
        assert_eq!(err.details(), &json!({"scriptFile": why}), "{path}");
        assert_eq!(server.requests().len(), 0, "{path}: a request was sent");
    }
}

/// A loopback HTTP server that records every request (method, target, headers, body) and
/// answers each with one fixed answer, closing the connection. Bounded: it stops accepting
/// after 30 s or when dropped.
mod recorder {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread::{self, JoinHandle};
    use std::time::{Duration, Instant};

    /// One request as it arrived.
    #[derive(Debug, Clone)]
    pub struct Recorded {
        pub method: String,
        /// The path and query string, as sent.
        pub target: String,
        /// Names in lower case, values trimmed, in the order sent.
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Recorded {
        /// The values of every header called `name` (lower case).
        pub fn headers_named(&self, name: &str) -> Vec<String> {
            self.headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect()
        }
    }

    pub struct Recorder {
        port: u16,
        requests: Arc<Mutex<Vec<Recorded>>>,
        stop: Arc<AtomicBool>,
        thread: Option<JoinHandle<()>>,
    }

    impl Recorder {
        /// Answers every request with `status` and `body` (no body for 204).
        pub fn start(status: u16, body: &'static str) -> Recorder {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let port = listener.local_addr().unwrap().port();
            let requests = Arc::new(Mutex::new(Vec::new()));
            let stop = Arc::new(AtomicBool::new(false));
            let (seen, stopping) = (Arc::clone(&requests), Arc::clone(&stop));
            let thread = thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(30);
                while Instant::now() < deadline && !stopping.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => serve(stream, status, body, &seen),
                        Err(_) => thread::sleep(Duration::from_millis(2)),
                    }
                }
            });
            Recorder {
                port,
                requests,
                stop,
                thread: Some(thread),
            }
        }

        pub fn url(&self) -> String {
            format!("http://127.0.0.1:{}", self.port)
        }

        /// The requests recorded so far. A request is recorded before it is answered, so
        /// every call that has returned is in the list.
        pub fn requests(&self) -> Vec<Recorded> {
            self.requests.lock().unwrap().clone()
        }
    }

    impl Drop for Recorder {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }

    fn serve(mut stream: TcpStream, status: u16, body: &str, seen: &Mutex<Vec<Recorded>>) {
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let Some(request) = read_request(&mut stream) else {
            return;
        };
        seen.lock().unwrap().push(request);
        let answer = if status == 204 {
            "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".to_string()
        } else {
            format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        };
        let _ = stream.write_all(answer.as_bytes());
    }

    /// Reads one request: the head, then as many body bytes as `content-length` announces.
    fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let end = loop {
            if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return None,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        };
        let head = String::from_utf8_lossy(&data[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = data[end + 4..].to_vec();
        while body.len() < length {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => body.extend_from_slice(&buf[..n]),
            }
        }
        Some(Recorded {
            method,
            target,
            headers,
            body,
        })
    }
}

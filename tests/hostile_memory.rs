//! The memory one call may use, whatever the server sends within the 16 MiB body cap: peak RSS
//! growth of at most 64 MiB per call (docs/RELIABILITY.md). One test function, so no other test
//! of this binary allocates meanwhile; the answers are built before each measurement.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

use paperspace::{Client, Config, Operation, Status};

const MIB: usize = 1024 * 1024;
const BOUND_KIB: u64 = 64 * 1024;

/// A server that answers every connection with `response` (built once, never copied).
fn serve(response: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = stream.write_all(response);
        }
    });
    url
}

fn leak_response(status: u16, body: Vec<u8>) -> &'static [u8] {
    let mut response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    Box::leak(response.into_boxed_slice())
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Peak RSS growth (KiB) while `body` runs.
fn peak_growth(body: impl FnOnce()) -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let before = status_kib("VmHWM:");
    body();
    status_kib("VmHWM:").saturating_sub(before)
}

fn client(url: &str) -> Client {
    Client::new(Config {
        max_retries: Some(0),
        timeout_ms: Some(30_000),
        ..Config::new("memory-test-key", url)
    })
    .unwrap()
}

/// The answers, built on demand so that each process holds only its own.
fn case(index: usize) -> Option<(&'static str, Operation, &'static str, &'static [u8])> {
    let almost = 16 * MIB - 64;
    let repeat = |open: &str, close: &str, item: &str| {
        let mut body = open.as_bytes().to_vec();
        while body.len() + item.len() + close.len() < almost {
            body.extend_from_slice(item.as_bytes());
        }
        body.pop();
        body.extend_from_slice(close.as_bytes());
        body
    };
    Some(match index {
        0 => (
            "500 of small numbers",
            Operation::TemplatesList,
            "{}",
            leak_response(500, repeat("[", "]", "0,")),
        ),
        1 => (
            "500 of control bytes",
            Operation::TemplatesList,
            "{}",
            leak_response(500, vec![1u8; almost]),
        ),
        2 => (
            "a wait poll with millions of events",
            Operation::MachinesWait,
            r#"{"machineId": "ps1", "state": "ready", "timeoutMs": 300}"#,
            leak_response(
                200,
                repeat(r#"{"id": "ps1", "state": "off", "events": ["#, "]}", "{},"),
            ),
        ),
        3 => (
            "200 of many templates",
            Operation::TemplatesList,
            "{}",
            leak_response(200, repeat("[", "]", r#"{"id":"t"},"#)),
        ),
        4 => (
            "a show of many unknown members",
            Operation::MachinesShow,
            r#"{"machineId": "ps1"}"#,
            leak_response(200, repeat(r#"{"id": "ps1", "x": ["#, "]}", "[],")),
        ),
        _ => return None,
    })
}

const CASE_VAR: &str = "PAPERSPACE_MEMORY_CASE";

/// One case, in a process of its own (started by the test below; idle otherwise).
#[test]
fn memory_case() {
    let Some(index) = std::env::var(CASE_VAR).ok().and_then(|i| i.parse().ok()) else {
        return;
    };
    let (what, op, params, response) = case(index).unwrap();
    let client = client(&serve(response));
    let mut status = Status::Ok;
    let growth = peak_growth(|| {
        status = match client.call_json(op, params) {
            Ok(_) => Status::Ok,
            Err(e) => e.status(),
        };
    });
    println!("MEASURED {what}: {status:?}, peak growth {growth} KiB");
}

#[test]
fn one_call_stays_within_64_mib_whatever_the_answer() {
    let mut report = Vec::new();
    for index in 0.. {
        if case(index).is_none() {
            break;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "memory_case", "--nocapture", "--test-threads=1"])
            .env(CASE_VAR, index.to_string())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.split_once("MEASURED ").map(|(_, rest)| rest))
            .unwrap_or_else(|| panic!("case {index} printed nothing: {stdout}"));
        let growth: u64 = line
            .rsplit("peak growth ")
            .next()
            .and_then(|t| t.trim_end_matches(" KiB").parse().ok())
            .unwrap();
        report.push(line.to_string());
        assert!(growth <= BOUND_KIB, "{line}\n{}", report.join("\n"));
    }
    println!("{}", report.join("\n"));
}

//! Connection handling: bursts of new connections, one agent shared by threads, keep-alive
//! and `Connection: close`, HTTP/1.0, `Expect: 100-continue`, HEAD, and pipelined requests
//! answered in order.

#![cfg(feature = "emulator")]

mod emulator_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use emulator_support::{Api, fast, start};
use paperspace::emulator::ADMIN_KEY;

const TEMPLATES: &str = "/templates/getTemplates";

fn connect(api: &Api) -> TcpStream {
    let stream = TcpStream::connect(api.emulator.url().trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

fn read_all(mut stream: TcpStream) -> String {
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .expect("the server closes the connection");
    text
}

/// One agent (one connection pool) used by 8 threads at once, several rounds: every
/// connection opened in a burst must be served.
#[test]
fn one_agent_shared_by_threads() {
    let api = start(fast());
    let url = api.url(TEMPLATES);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .max_idle_connections_per_host(16)
        .build()
        .into();
    for _ in 0..5 {
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..10 {
                        let mut r = agent
                            .get(&url)
                            .header("x-api-key", ADMIN_KEY)
                            .call()
                            .unwrap();
                        assert_eq!(r.status().as_u16(), 200);
                        r.body_mut().read_to_string().unwrap();
                    }
                });
            }
        });
    }
    assert_eq!(
        api.emulator.stats()["requests"]["GET /templates/getTemplates"],
        400
    );
}

/// A new connection per request from 16 threads.
#[test]
fn bursts_of_new_connections() {
    let api = start(fast());
    let url = api.url(TEMPLATES);
    std::thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| {
                for _ in 0..10 {
                    let agent = emulator_support::agent();
                    let r = agent
                        .get(&url)
                        .header("x-api-key", ADMIN_KEY)
                        .call()
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 200);
                }
            });
        }
    });
    assert_eq!(
        api.emulator.stats()["requests"]["GET /templates/getTemplates"],
        160
    );
}

#[test]
fn connection_close_and_http_1_0_end_the_connection() {
    let api = start(fast());
    for request in [
        format!(
            "GET {TEMPLATES}?id=t04azgph HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\nConnection: close\r\n\r\n"
        ),
        format!("GET {TEMPLATES}?id=t04azgph HTTP/1.0\r\nx-api-key: {ADMIN_KEY}\r\n\r\n"),
    ] {
        let mut stream = connect(&api);
        stream.write_all(request.as_bytes()).unwrap();
        let text = read_all(stream);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("\r\nConnection: close\r\n"), "{text}");
        assert!(
            text.ends_with("\"dtCreated\":\"2018-06-15T06:00:34.531Z\"}]"),
            "{text}"
        );
    }
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let api = start(fast());
    // The first answer is held back: the second must still come after it.
    api.emulator
        .add_faults(r#"{"path": "/users/getUsers", "delayMs": 150, "status": 503}"#)
        .unwrap();
    let mut stream = connect(&api);
    let requests = format!(
        "GET /users/getUsers HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\n\r\n\
         GET {TEMPLATES}?id=t04azgph HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(requests.as_bytes()).unwrap();
    let text = read_all(stream);
    let first = text.find("HTTP/1.1 503").expect("the 503");
    let second = text.find("HTTP/1.1 200").expect("the 200");
    assert!(first < second, "{text}");
}

#[test]
fn expect_100_continue_and_head() {
    let api = start(fast());
    let body = emulator_support::create_body(serde_json::json!({})).to_string();
    let mut stream = connect(&api);
    let head = format!(
        "POST /machines/createSingleMachinePublic HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut interim = Vec::new();
    let mut byte = [0u8; 1];
    while !interim.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        interim.push(byte[0]);
    }
    assert!(interim.starts_with(b"HTTP/1.1 100 Continue\r\n"));
    stream.write_all(body.as_bytes()).unwrap();
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200 OK\r\n"));
    // HEAD: the headers of the answer, no body.
    let mut stream = connect(&api);
    stream
        .write_all(b"HEAD /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let text = read_all(stream);
    assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"), "{text}");
    assert!(text.ends_with("\r\n\r\n"), "{text}");
}

#[test]
fn malformed_requests_get_400_from_the_http_layer() {
    let api = start(fast());
    let mut stream = connect(&api);
    stream.write_all(b"NONSENSE\r\n\r\n").unwrap();
    let text = read_all(stream);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    // The emulator still serves others.
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 200);
}

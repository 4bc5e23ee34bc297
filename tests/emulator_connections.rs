//! Connection handling: bursts of new connections, one agent shared by threads, 64 keep-alive
//! connections at once, keep-alive and `Connection: close`, HTTP/1.0, `Expect: 100-continue`,
//! HEAD, pipelined requests answered in order, chunked bodies, the HTTP layer's refusals, the
//! connection limit, and a prompt shutdown with idle connections open.

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

/// Runs `work` on its own thread and fails the test if it has not finished within `limit`
/// (a hang fails instead of blocking the suite).
fn within(limit: Duration, work: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        work();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => worker.join().unwrap(),
        // The work panicked: report its panic.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(worker.join().unwrap_err())
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("not finished within {limit:?}")
        }
    }
}

/// 64 keep-alive connections opened at the same moment: 16 threads share one agent whose pool
/// keeps 64, each holding 4 answers unread at a time (so 4 connections each), 50 requests per
/// thread. Every request must be answered.
#[test]
fn sixty_four_keep_alive_connections_at_once() {
    let api = start(fast());
    let url = api.url(TEMPLATES);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .max_idle_connections_per_host(64)
        .max_idle_connections(64)
        .build()
        .into();
    within(Duration::from_secs(60), move || {
        let barrier = std::sync::Barrier::new(16);
        std::thread::scope(|s| {
            for _ in 0..16 {
                s.spawn(|| {
                    barrier.wait();
                    let mut left = 50;
                    while left > 0 {
                        let batch = left.min(4);
                        let mut held = Vec::new();
                        for _ in 0..batch {
                            let r = agent
                                .get(&url)
                                .header("x-api-key", ADMIN_KEY)
                                .call()
                                .expect("answered");
                            assert_eq!(r.status().as_u16(), 200);
                            held.push(r);
                        }
                        for mut r in held {
                            let text = r.body_mut().read_to_string().expect("whole body");
                            assert!(text.starts_with("[{"), "{text}");
                        }
                        left -= batch;
                    }
                });
            }
        });
    });
    assert_eq!(
        api.emulator.stats()["requests"]["GET /templates/getTemplates"],
        800
    );
}

/// Sends one keep-alive request on a new connection and reads its whole answer, leaving the
/// connection open and idle.
fn idle_connection(api: &Api) -> TcpStream {
    let mut stream = connect(api);
    stream
        .write_all(b"GET /__emulator/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut received = Vec::new();
    let mut byte = [0u8; 1];
    while !received.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        received.push(byte[0]);
    }
    let head = String::from_utf8(received).unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(!head.contains("Connection: close"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    stream
}

#[test]
fn shutdown_is_prompt_with_idle_keep_alive_connections() {
    let api = start(fast());
    let idle: Vec<TcpStream> = (0..10).map(|_| idle_connection(&api)).collect();
    let t = std::time::Instant::now();
    api.emulator.shutdown();
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    // Every connection was ended by the server.
    for mut stream in idle {
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        assert!(rest.is_empty());
    }
}

/// Above 256 open connections a new one gets a 503 and a log line; the others are served.
#[test]
fn connections_over_the_limit_are_refused_with_a_log_line() {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = std::sync::Arc::clone(&log);
    let emulator =
        paperspace::emulator::Emulator::start_with_logger("127.0.0.1:0", fast(), move |l| {
            sink.lock().unwrap().push(l.to_owned())
        })
        .unwrap();
    let api = Api {
        emulator,
        agent: emulator_support::agent(),
    };
    let open: Vec<TcpStream> = (0..256).map(|_| idle_connection(&api)).collect();
    let mut extra = connect(&api);
    let _ = extra.write_all(b"GET /__emulator/stats HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut text = String::new();
    let _ = extra.read_to_string(&mut text);
    assert!(
        text.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{text}"
    );
    assert!(text.contains("Too many open connections"), "{text}");
    // The log line is written by the logger thread: wait for it a bounded time.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let refused = |l: &String| l.starts_with("refused a connection from 127.0.0.1:");
    while !log.lock().unwrap().iter().any(refused) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        log.lock().unwrap().iter().any(refused),
        "{:?}",
        log.lock().unwrap()
    );
    // Once one closes, a new connection is served again.
    drop(open);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut stream = connect(&api);
        let _ = stream
            .write_all(b"GET /__emulator/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        if text.starts_with("HTTP/1.1 200 OK\r\n") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{text}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_chunked_body_is_read() {
    let api = start(fast());
    let body = emulator_support::create_body(serde_json::json!({})).to_string();
    let (first, second) = body.split_at(10);
    let mut stream = connect(&api);
    let request = format!(
        "POST /machines/createSingleMachinePublic HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         {:x}\r\n{first}\r\n{:x};ext=1\r\n{second}\r\n0\r\nX-Trailer: y\r\n\r\n",
        first.len(),
        second.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let text = read_all(stream);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.contains("\"state\":\"provisioning\""), "{text}");
}

#[test]
fn too_large_bodies_and_heads_are_refused() {
    let api = start(fast());
    // A declared body over 1 MiB: 413 at once, without reading it, then the connection ends.
    let mut stream = connect(&api);
    stream
        .write_all(
            format!(
                "POST /machines/createSingleMachinePublic HTTP/1.1\r\nHost: x\r\n\
                 x-api-key: {ADMIN_KEY}\r\nContent-Length: {}\r\n\r\n{{",
                (1 << 20) + 1
            )
            .as_bytes(),
        )
        .unwrap();
    let text = read_all(stream);
    assert!(
        text.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\"message\":\"The request body is too large\"}}"),
        "{text}"
    );
    // The same in chunks.
    let mut stream = connect(&api);
    let chunk = "x".repeat(64 * 1024);
    let mut request = String::from(
        "POST /machines/createSingleMachinePublic HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for _ in 0..17 {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    let _ = stream.write_all(request.as_bytes());
    let text = read_all(stream);
    assert!(
        text.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{text}"
    );
    // A head over 64 KiB.
    let mut stream = connect(&api);
    let big = "a".repeat(70 * 1024);
    let _ = stream.write_all(format!("GET /x HTTP/1.1\r\nX-Big: {big}\r\n\r\n").as_bytes());
    let text = read_all(stream);
    assert!(text.starts_with("HTTP/1.1 431 "), "{text}");
    // Both Content-Length and Transfer-Encoding, or an unknown transfer coding: 400.
    for framing in [
        "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip\r\n",
        "Content-Length: 1x\r\n",
    ] {
        let mut stream = connect(&api);
        stream
            .write_all(format!("POST /x HTTP/1.1\r\nHost: x\r\n{framing}\r\n").as_bytes())
            .unwrap();
        let text = read_all(stream);
        assert!(
            text.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{framing}: {text}"
        );
    }
    assert_eq!(api.get(TEMPLATES, Some(ADMIN_KEY)).status, 200);
}

fn with_timeouts(idle_ms: u64, header_ms: u64, body_ms: u64) -> Api {
    let timeouts = paperspace::emulator::Timeouts {
        idle: Duration::from_millis(idle_ms),
        header: Duration::from_millis(header_ms),
        body: Duration::from_millis(body_ms),
    };
    Api {
        emulator: paperspace::emulator::Emulator::start_with(
            "127.0.0.1:0",
            fast(),
            paperspace::emulator::Options {
                timeouts,
                ..Default::default()
            },
        )
        .unwrap(),
        agent: emulator_support::agent(),
    }
}

/// 256 connections that say nothing (more) take every slot; once the idle timeout has passed
/// the server has closed them, and a new client is served.
#[test]
fn idle_connections_free_their_slots_after_the_idle_timeout() {
    // The idle timeout leaves time to open all 256 on a loaded machine.
    let api = with_timeouts(3000, 10_000, 10_000);
    let mut open: Vec<TcpStream> = (0..236).map(|_| idle_connection(&api)).collect();
    // And some that never sent a byte.
    open.extend((0..20).map(|_| connect(&api)));
    let refused = read_all(connect(&api));
    assert!(
        refused.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{refused}"
    );
    let started = std::time::Instant::now();
    // Each idle connection is closed by the server without a byte (EOF).
    for stream in &mut open {
        let mut byte = [0u8; 1];
        assert_eq!(stream.read(&mut byte).unwrap(), 0);
    }
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(6), "{waited:?}");
    // The slots are free again (the server drops a closed connection's slot at once, but give
    // the threads a bounded moment).
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let r = api.get(TEMPLATES, Some(ADMIN_KEY));
        if r.status == 200 {
            break;
        }
        assert_eq!(r.status, 503);
        assert!(std::time::Instant::now() < deadline, "never served again");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn slow_headers_and_slow_bodies_get_408() {
    let api = with_timeouts(10_000, 300, 300);
    let started = std::time::Instant::now();
    let mut stream = connect(&api);
    stream
        .write_all(b"GET /templates/getTemplates HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let text = read_all(stream);
    assert!(
        text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{text}"
    );
    assert!(text.contains("Connection: close"), "{text}");
    assert!(
        text.ends_with(r#"{"error":{"name":"Error","status":408,"message":"Request Timeout"}}"#),
        "{text}"
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    let mut stream = connect(&api);
    stream
        .write_all(
            format!(
                "POST /machines/createSingleMachinePublic HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\nContent-Length: 10\r\n\r\n{{\"a\""
            )
            .as_bytes(),
        )
        .unwrap();
    let text = read_all(stream);
    assert!(
        text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{text}"
    );
    // Nothing was created.
    assert_eq!(api.emulator.stats()["machinesCreated"], 0);
    // A client that sends its request in pieces within the time is served.
    let mut stream = connect(&api);
    stream
        .write_all(b"GET /templates/getTemplates HTTP/1.1\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    stream
        .write_all(format!("x-api-key: {ADMIN_KEY}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    assert!(read_all(stream).starts_with("HTTP/1.1 200 OK\r\n"));
}

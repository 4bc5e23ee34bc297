//! A static keep-alive HTTP/1.1 server with canned answers, for the benchmark only.
//!
//! `GET /templates/getTemplates...` answers the templates body (`?label=big`: the big body, for
//! the memory rows), `POST /machines/createSingleMachinePublic` the machine body, anything else a
//! small 404. One
//! blocking thread per connection (the cheapest wake-up path for sequential keep-alive
//! clients), pipelined requests answered in one write, `Connection: close` honoured.
//! It listens on loopback only and exits by itself after `--max-seconds`.
//!
//! Usage: server --templates FILE --machine FILE [--big FILE] [--listen 127.0.0.1:0]
//!        [--max-seconds 1800]
//! Prints `{"url": "http://127.0.0.1:PORT", "pid": PID}` once listening.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

struct Canned {
    templates: Vec<u8>,
    machine: Vec<u8>,
    not_found: Vec<u8>,
    big: Vec<u8>,
}

fn response(status: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nServer: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One parsed request head: its total length (head + body) and what to answer.
enum Parsed {
    Incomplete,
    Bad,
    Request { len: usize, which: u8, close: bool },
}

fn parse(buf: &[u8]) -> Parsed {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return if buf.len() > 64 * 1024 {
            Parsed::Bad
        } else {
            Parsed::Incomplete
        };
    };
    let head = &buf[..end];
    let mut content_length = 0usize;
    let mut close = false;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"content-length") {
            match std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                Some(n) => content_length = n,
                None => return Parsed::Bad,
            }
        } else if name.eq_ignore_ascii_case(b"connection") && value.eq_ignore_ascii_case(b"close") {
            close = true;
        }
    }
    let len = end + 4 + content_length;
    if buf.len() < len {
        return Parsed::Incomplete;
    }
    let which = if head.starts_with(b"GET /templates/getTemplates?label=big ") {
        3
    } else if head.starts_with(b"GET /templates/getTemplates") {
        0
    } else if head.starts_with(b"POST /machines/createSingleMachinePublic") {
        1
    } else {
        2
    };
    Parsed::Request { len, which, close }
}

fn serve(mut stream: TcpStream, canned: &Canned) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut filled = 0usize;
    let mut out = Vec::with_capacity(64 * 1024);
    loop {
        let n = stream.read(&mut buf[filled..])?;
        if n == 0 {
            return Ok(());
        }
        filled += n;
        let mut start = 0usize;
        let mut close = false;
        loop {
            match parse(&buf[start..filled]) {
                Parsed::Incomplete => break,
                Parsed::Bad => {
                    out.extend_from_slice(&response("400 Bad Request", b"{}"));
                    close = true;
                    break;
                }
                Parsed::Request {
                    len,
                    which,
                    close: c,
                } => {
                    let answer = match which {
                        0 => &canned.templates,
                        1 => &canned.machine,
                        3 if !canned.big.is_empty() => &canned.big,
                        _ => &canned.not_found,
                    };
                    if answer.len() > 64 * 1024 {
                        // a big answer goes out on its own, never copied into `out`
                        stream.write_all(&out)?;
                        out.clear();
                        stream.write_all(answer)?;
                    } else {
                        out.extend_from_slice(answer);
                    }
                    start += len;
                    if c {
                        close = true;
                        break;
                    }
                }
            }
        }
        if !out.is_empty() {
            stream.write_all(&out)?;
            out.clear();
        }
        if close {
            return Ok(());
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0); // a request body larger than the buffer
        }
    }
}

fn main() {
    let mut listen = "127.0.0.1:0".to_string();
    let mut templates = None;
    let mut machine = None;
    let mut big = None;
    let mut max_seconds = 1800u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("option needs a value");
        match arg.as_str() {
            "--listen" => listen = value(),
            "--templates" => templates = Some(value()),
            "--machine" => machine = Some(value()),
            "--big" => big = Some(value()),
            "--max-seconds" => max_seconds = value().parse().expect("--max-seconds N"),
            other => panic!("unknown option {other}"),
        }
    }
    let read = |p: Option<String>| {
        std::fs::read(p.expect("--templates and --machine are required"))
            .expect("readable body file")
    };
    let canned = Arc::new(Canned {
        templates: response("200 OK", &read(templates)),
        machine: response("200 OK", &read(machine)),
        not_found: response(
            "404 Not Found",
            br#"{"error":{"name":"Error","status":404,"message":"Not found."}}"#,
        ),
        big: big.map_or_else(Vec::new, |path| {
            response("200 OK", &std::fs::read(path).expect("readable --big file"))
        }),
    });
    let listener = TcpListener::bind(&listen).expect("bind");
    let addr = listener.local_addr().expect("local addr");
    assert!(
        addr.ip().is_loopback(),
        "the bench server listens on loopback only"
    );
    println!(
        "{{\"url\": \"http://{addr}\", \"pid\": {}}}",
        std::process::id()
    );
    std::io::stdout().flush().ok();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(max_seconds));
        eprintln!("bench server: --max-seconds reached, exiting");
        std::process::exit(0);
    });
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let canned = Arc::clone(&canned);
        std::thread::spawn(move || {
            let _ = serve(stream, &canned);
        });
    }
}

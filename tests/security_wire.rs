//! What reaches the wire, and what the client accepts back: header injection refused before
//! anything is sent, ids that cannot leave their path segment or query value, plain http only
//! to loopback, https verified, no redirects followed, response bodies capped, slow bodies
//! bounded. Hostile servers are tiny raw `TcpListener`s on loopback, each bounded in time.
#![cfg(feature = "emulator")]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::*;
use paperspace::{Client, Config, Operation, Status};
use serde_json::json;

/// A loopback server that accepts up to `max` connections for at most 10 s, hands each to
/// `serve` after reading the request head, and counts them.
struct RawServer {
    port: u16,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Vec<Vec<u8>>>>,
}

impl RawServer {
    fn start(max: usize, serve: impl Fn(&mut TcpStream) + Send + 'static) -> RawServer {
        RawServer::start_with(max, true, serve)
    }

    /// `read_heads`: read each request head before serving (false for non-HTTP clients).
    fn start_with(
        max: usize,
        read_heads: bool,
        serve: impl Fn(&mut TcpStream) + Send + 'static,
    ) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut heads = Vec::new();
            while count.load(Ordering::SeqCst) < max
                && Instant::now() < deadline
                && !stopping.load(Ordering::SeqCst)
            {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        count.fetch_add(1, Ordering::SeqCst);
                        stream.set_nonblocking(false).unwrap();
                        stream
                            .set_read_timeout(Some(Duration::from_secs(5)))
                            .unwrap();
                        if read_heads {
                            heads.push(read_head(&mut stream));
                        }
                        serve(&mut stream);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
            heads
        });
        RawServer {
            port,
            accepted,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// The request heads received so far (stops accepting).
    fn heads(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread
            .take()
            .unwrap()
            .join()
            .unwrap()
            .into_iter()
            .map(|h| String::from_utf8_lossy(&h).into_owned())
            .collect()
    }
}

/// Reads up to the end of the request head (or whatever came before EOF or the timeout).
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    head
}

fn config(key: &str, base: &str) -> Config {
    Config {
        max_retries: Some(0),
        timeout_ms: Some(3_000),
        connect_timeout_ms: Some(2_000),
        ..Config::new(key, base)
    }
}

#[test]
fn control_characters_in_headers_are_refused_before_sending() {
    let server = RawServer::start(1, |_| {});
    let base = server.url("http");
    let keys = [
        "key\r\nX-Injected: 1",
        "key\nX-Injected: 1",
        "key\rX",
        "key\u{0}",
        "key\u{7f}",
        "key\u{85}",
        "\tkey",
    ];
    for key in keys {
        let err = Client::new(config(key, &base)).unwrap_err();
        assert_eq!(err.status(), Status::Config, "{key:?}");
        assert!(!err.message().contains(key), "{}", err.message());
    }
    for agent in ["ua\r\nX-Injected: 1", "ua\n", "ua\u{0}", ""] {
        let cfg = Config {
            user_agent: Some(agent.into()),
            ..config("key", &base)
        };
        assert_eq!(
            Client::new(cfg).unwrap_err().status(),
            Status::Config,
            "{agent:?}"
        );
    }
    // The same through JSON, as the C ABI reads it.
    for json in [
        r#"{"apiKey": "k\r\nX-Injected: 1", "baseUrl": "BASE"}"#,
        r#"{"apiKey": "k", "userAgent": "a\r\nX-Injected: 1", "baseUrl": "BASE"}"#,
    ] {
        let cfg = Config::from_json(&json.replace("BASE", &base)).unwrap();
        assert_eq!(Client::new(cfg).unwrap_err().status(), Status::Config);
    }
    thread::sleep(Duration::from_millis(100));
    assert_eq!(server.accepted(), 0, "nothing reached the wire");
}

#[test]
fn keys_that_are_not_visible_ascii_are_sent_verbatim_or_refused() {
    // Only control characters are refused (docs/ABI.md); other non-ASCII text goes out as its
    // UTF-8 bytes, unchanged and on one header line, or is refused as Config: never mangled,
    // never an `internal` error.
    let server = RawServer::start(1, |s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
    });
    let key = "clé-secrète";
    match Client::new(config(key, &server.url("http"))) {
        Err(err) => assert_eq!(err.status(), Status::Config),
        Ok(client) => match client.call_json(Operation::TemplatesList, "") {
            Ok(body) => assert_eq!(body, "[]"),
            Err(err) => assert_eq!(err.status(), Status::Config, "{err}"),
        },
    }
    let heads = server.heads();
    if let Some(head) = heads.first() {
        let line = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("x-api-key:"))
            .expect("one x-api-key line");
        assert_eq!(line, format!("x-api-key: {key}"));
    }
}

#[test]
fn ids_stay_inside_their_path_segment_and_query_value() {
    let emu = emulator();
    let client = client(&emu, json!({"maxRetries": 0}));
    let cases = [
        ("../users/getUsers", "/machines/..%2Fusers%2FgetUsers"),
        (
            "../../templates/getTemplates?x=",
            "/machines/..%2F..%2Ftemplates%2FgetTemplates%3Fx%3D",
        ),
        ("ps1/stop", "/machines/ps1%2Fstop"),
        ("ps1#frag", "/machines/ps1%23frag"),
        ("%2e%2e", "/machines/%252e%252e"),
        ("ps 1+2", "/machines/ps%201%2B2"),
        ("\u{0}\r\n", "/machines/%00%0D%0A"),
        ("é", "/machines/%C3%A9"),
    ];
    for (id, path) in cases {
        for (op, action) in [
            (Operation::MachinesStart, "start"),
            (Operation::MachinesStop, "stop"),
            (Operation::MachinesRestart, "restart"),
            (Operation::MachinesDestroy, "destroyMachine"),
        ] {
            let err = client
                .call_json(op, &json!({"machineId": id}).to_string())
                .unwrap_err();
            assert_eq!(err.http_status(), Some(404), "{id:?} {action}: {err}");
            let key = format!("POST {path}/{action}");
            assert_eq!(requests(&emu, &key), 1, "{key} in {}", emu.stats());
        }
    }
    // Query values: one parameter stays one parameter.
    let err = client
        .call_json(
            Operation::MachinesShow,
            &json!({"machineId": "x&machineId=ps1"}).to_string(),
        )
        .unwrap_err();
    assert_eq!(err.http_status(), Some(404));
    let stats = emu.stats();
    let requests = stats["requests"].as_object().unwrap();
    let paths: Vec<&String> = requests.keys().collect();
    for path in &paths {
        assert!(
            path.starts_with("POST /machines/") || path.as_str() == SHOW,
            "a request left its path: {path}"
        );
    }
    assert!(
        !requests.contains_key(USERS) && !requests.contains_key(TEMPLATES),
        "{paths:?}"
    );
}

#[test]
fn dot_segments_are_not_sent_as_path_segments() {
    // `.` and `..` are unreserved characters, but as a whole segment a server or proxy that
    // normalises paths (RFC 3986 5.2.4) would resolve them: `/machines/../stop` is `/stop`.
    let server = RawServer::start(4, |s| {
        let _ = s
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    let client = Client::new(config("key", &server.url("http"))).unwrap();
    for id in ["..", "."] {
        let err = client
            .call_json(
                Operation::MachinesStop,
                &json!({"machineId": id}).to_string(),
            )
            .unwrap_err();
        assert!(
            matches!(err.status(), Status::Api | Status::Validation),
            "{err}"
        );
    }
    let heads = server.heads();
    for head in heads {
        let line = head.lines().next().unwrap_or_default().to_string();
        assert!(
            !line.contains("/../") && !line.contains("/./"),
            "a dot segment went on the wire: {line}"
        );
    }
}

#[test]
fn plain_http_only_to_loopback() {
    for bad in [
        "http://example.com",
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://0.0.0.0:8080",
        "http://127.0.0.1.nip.io",
        "http://localhost.example.com",
        "http://127.0.0.1@example.com",
        "http://[::ffff:10.0.0.1]",
        "ftp://127.0.0.1",
        "file:///etc/passwd",
        "127.0.0.1:8080",
        "",
        "https://",
        "https://example.com?x=1",
        "https://example.com/#x",
    ] {
        let err = Client::new(config("key", bad)).unwrap_err();
        assert_eq!(err.status(), Status::Config, "{bad:?}: {err}");
        assert!(!err.to_json("client_new").to_string().contains("\"key\""));
    }
    for good in [
        "http://127.0.0.1:1",
        "http://127.5.6.7:1",
        "http://localhost:1",
        "http://LOCALHOST:1/",
        "http://[::1]:1",
        "https://example.com",
    ] {
        Client::new(config("key", good)).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    // The same through the config JSON of the C ABI.
    let cfg = Config::from_json(r#"{"apiKey": "k", "baseUrl": "http://203.0.113.5"}"#).unwrap();
    assert_eq!(Client::new(cfg).unwrap_err().status(), Status::Config);
}

#[test]
fn https_to_a_plain_tcp_server_fails_with_transport() {
    // What a plain HTTP server answers to a TLS hello: an HTTP error, in clear text.
    let server = RawServer::start_with(1, false, |s| {
        let mut hello = [0u8; 512];
        let _ = s.read(&mut hello);
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n[]");
    });
    let client = Client::new(config("sk-https-secret", &server.url("https"))).unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!(err.status(), Status::Transport, "{err}");
    assert_eq!(server.accepted(), 1);
}

#[test]
fn https_with_a_self_signed_certificate_fails_with_transport() {
    let Some(tls) = SelfSignedServer::start() else {
        eprintln!("skipped: no openssl command to serve a self-signed certificate");
        return;
    };
    let client = Client::new(config("sk-tls-secret", &tls.url)).unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!(err.status(), Status::Transport, "{err}");
    assert!(!err.to_json("x").to_string().contains("sk-tls-secret"));
}

#[test]
fn ca_file_trusts_a_private_certificate_authority() {
    let Some(tls) = SelfSignedServer::start() else {
        eprintln!("skipped: no openssl command to serve a self-signed certificate");
        return;
    };
    let trusting = Client::new(Config {
        ca_file: Some(tls.cert.display().to_string()),
        ..config("sk-tls-secret", &tls.url)
    })
    .unwrap();
    // The handshake succeeds; `s_server -www` then answers 200 with an HTML page.
    let err = trusting
        .call_json(Operation::TemplatesList, "")
        .unwrap_err();
    assert_eq!(err.status(), Status::Decode, "{err}");
    let missing = Client::new(Config {
        ca_file: Some("/nonexistent/ca.pem".into()),
        ..config("sk-tls-secret", &tls.url)
    })
    .unwrap_err();
    assert_eq!(missing.status(), Status::Config);
    assert!(
        missing
            .message()
            .starts_with("caFile /nonexistent/ca.pem cannot be read: "),
        "{}",
        missing.message()
    );
    let not_pem = Client::new(Config {
        ca_file: Some("Cargo.toml".into()),
        ..config("sk-tls-secret", &tls.url)
    })
    .unwrap_err();
    assert_eq!(
        not_pem.message(),
        "caFile Cargo.toml holds no PEM certificate"
    );
}

/// `openssl s_server` with a fresh certificate for 127.0.0.1 signed by a fresh private
/// authority (`cert` is the authority's), killed on drop.
struct SelfSignedServer {
    child: std::process::Child,
    url: String,
    cert: std::path::PathBuf,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl SelfSignedServer {
    fn start() -> Option<SelfSignedServer> {
        use std::process::{Command, Stdio};
        let dir = std::env::temp_dir().join(format!("ps-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let dir = TempDir(dir);
        let (key, cert) = (dir.0.join("key.pem"), dir.0.join("cert.pem"));
        let (ca_key, ca) = (dir.0.join("ca-key.pem"), dir.0.join("ca.pem"));
        let (csr, ext) = (dir.0.join("leaf.csr"), dir.0.join("leaf.ext"));
        std::fs::write(
            &ext,
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .ok()?;
        let openssl = |args: &[&std::ffi::OsStr]| {
            Command::new("openssl")
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let os = |s: &'static str| std::ffi::OsStr::new(s);
        // A private authority, and a certificate for 127.0.0.1 that it signs.
        let made = openssl(&[
            os("req"),
            os("-x509"),
            os("-newkey"),
            os("rsa:2048"),
            os("-nodes"),
            os("-days"),
            os("1"),
            os("-subj"),
            os("/CN=paperspace test authority"),
            os("-keyout"),
            ca_key.as_os_str(),
            os("-out"),
            ca.as_os_str(),
        ]) && openssl(&[
            os("req"),
            os("-newkey"),
            os("rsa:2048"),
            os("-nodes"),
            os("-subj"),
            os("/CN=127.0.0.1"),
            os("-keyout"),
            key.as_os_str(),
            os("-out"),
            csr.as_os_str(),
        ]) && openssl(&[
            os("x509"),
            os("-req"),
            os("-in"),
            csr.as_os_str(),
            os("-CA"),
            ca.as_os_str(),
            os("-CAkey"),
            ca_key.as_os_str(),
            os("-CAcreateserial"),
            os("-days"),
            os("1"),
            os("-extfile"),
            ext.as_os_str(),
            os("-out"),
            cert.as_os_str(),
        ]);
        if !made {
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-key")
            .arg(&key)
            .arg("-cert")
            .arg(&cert)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let server = SelfSignedServer {
            child,
            url: format!("https://127.0.0.1:{port}"),
            cert: ca,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }
}

impl Drop for SelfSignedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn redirects_are_not_followed_so_the_key_stays_home() {
    let elsewhere = RawServer::start(1, |s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
    });
    let target = format!("{}/templates/getTemplates", elsewhere.url("http"));
    let server = RawServer::start(1, move |s| {
        let answer = format!(
            "HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let _ = s.write_all(answer.as_bytes());
    });
    let client = Client::new(config("sk-redirect-secret", &server.url("http"))).unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!((err.status(), err.http_status()), (Status::Api, Some(302)));
    thread::sleep(Duration::from_millis(100));
    assert_eq!(elsewhere.accepted(), 0, "the redirect was followed");
    assert!(server.heads()[0].contains("x-api-key: sk-redirect-secret"));
}

/// A 2xx answer announcing `length` bytes of a JSON array, streamed as fast as it is read.
fn huge_body(status: u16, length: usize, chunked: bool) -> impl Fn(&mut TcpStream) {
    move |s: &mut TcpStream| {
        let head = if chunked {
            format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
        } else {
            format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
            )
        };
        if s.write_all(head.as_bytes()).is_err() {
            return;
        }
        let block = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent < length {
            let n = block.len().min(length - sent);
            let written = if chunked {
                s.write_all(format!("{n:x}\r\n").as_bytes())
                    .and_then(|()| s.write_all(&block[..n]))
                    .and_then(|()| s.write_all(b"\r\n"))
            } else {
                s.write_all(&block[..n])
            };
            if written.is_err() {
                return; // the client stopped reading: what the cap is for
            }
            sent += n;
        }
        if chunked {
            let _ = s.write_all(b"0\r\n\r\n");
        }
    }
}

#[test]
fn response_bodies_are_capped_at_16_mib() {
    let over = 16 * 1024 * 1024 + 1;
    for (status, chunked) in [(200, false), (200, true)] {
        let server = RawServer::start(1, huge_body(status, over, chunked));
        let client = Client::new(Config {
            timeout_ms: Some(20_000),
            ..config("key", &server.url("http"))
        })
        .unwrap();
        let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
        assert_eq!(err.status(), Status::Decode, "chunked={chunked}: {err}");
        assert!(err.message().contains("16777216"), "{}", err.message());
    }
    // Exactly at the cap is read whole (and then is simply not a JSON array of templates).
    let at = 16 * 1024 * 1024;
    let server = RawServer::start(1, huge_body(200, at, false));
    let client = Client::new(Config {
        timeout_ms: Some(20_000),
        ..config("key", &server.url("http"))
    })
    .unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!(err.status(), Status::Decode, "{err}");
    assert!(err.message().contains("unexpected response"), "{err}");
    // An error answer over the cap keeps its status and 64 KiB of its text, and says so.
    let server = RawServer::start(1, huge_body(500, over, false));
    let client = Client::new(Config {
        timeout_ms: Some(20_000),
        ..config("key", &server.url("http"))
    })
    .unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!(err.status(), Status::Api, "{err}");
    assert_eq!(err.http_status(), Some(500));
    assert_eq!(
        err.message(),
        "HTTP 500 with a body over 65536 bytes (truncated)"
    );
    assert_eq!(err.details().as_str().map(str::len), Some(65_536));
}

#[test]
fn a_trickling_body_is_bounded_by_the_timeout() {
    let server = RawServer::start(1, |s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[");
        for _ in 0..100 {
            thread::sleep(Duration::from_millis(50));
            if s.write_all(b" ").is_err() {
                return;
            }
        }
    });
    let client = Client::new(Config {
        timeout_ms: Some(500),
        ..config("key", &server.url("http"))
    })
    .unwrap();
    let started = Instant::now();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert_eq!(err.status(), Status::Timeout, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_huge_response_head_is_refused() {
    let server = RawServer::start(1, |s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ");
        let block = vec![b'a'; 64 * 1024];
        for _ in 0..64 {
            if s.write_all(&block).is_err() {
                return;
            }
        }
        let _ = s.write_all(b"\r\nContent-Length: 2\r\n\r\n[]");
    });
    let client = Client::new(config("key", &server.url("http"))).unwrap();
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    assert!(
        matches!(err.status(), Status::Transport | Status::Decode),
        "{err}"
    );
}

#[test]
fn garbage_instead_of_http_is_a_transport_error() {
    for reply in [
        &b"SSH-2.0-OpenSSH_9.0\r\n"[..],
        b"\x16\x03\x01\x00\x05hello",
        b"HTTP/1.1 99999 What\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n[]",
        b"\0\0\0\0",
    ] {
        let reply = reply.to_vec();
        let server = RawServer::start(1, move |s| {
            let _ = s.write_all(&reply);
        });
        let client = Client::new(config("key", &server.url("http"))).unwrap();
        let started = Instant::now();
        let err = client
            .call_json(Operation::TemplatesList, "")
            .expect_err("garbage is not a success");
        assert!(
            matches!(
                err.status(),
                Status::Transport | Status::Timeout | Status::Decode
            ),
            "{err:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

/// Bytes a server sends on a kept-alive connection after its answer, unasked (a second answer
/// smuggled in ahead of the next request), are never read as the next call's answer: the
/// connection is probed before it is used again, found dirty and dropped, and the next call
/// gets a connection of its own. (The pool's probe right after an answer is skipped, as it
/// would find nothing yet; this one must stay.)
#[test]
fn bytes_sent_after_an_answer_unasked_are_never_the_next_answer() {
    fn answer(s: &mut TcpStream, id: &str) {
        let body = format!(r#"[{{"id":"{id}"}}]"#);
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
        let _ = s.write_all(format!("{head}{body}").as_bytes());
    }
    let served = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&served);
    let server = RawServer::start(2, move |s| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            answer(s, "first");
            thread::sleep(Duration::from_millis(50));
            answer(s, "smuggled");
            // Held open a while: a client that reused it would send its request here.
            s.set_read_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            let _ = read_head(s);
        } else {
            answer(s, "second");
        }
    });
    let client = Client::new(config("key", &server.url("http"))).unwrap();
    let first = client.call_json(Operation::TemplatesList, "").unwrap();
    assert_eq!(first, r#"[{"id":"first"}]"#);
    thread::sleep(Duration::from_millis(200)); // the smuggled answer has arrived by now
    let second = client.call_json(Operation::TemplatesList, "").unwrap();
    assert_eq!(second, r#"[{"id":"second"}]"#);
    assert_eq!(server.accepted(), 2);
}

//! The `paperspace-emulator` binary: URL line, request log, signals, arguments, exit codes.
//! Also a throughput measurement, ignored by default:
//! `cargo test --release --features emulator --test emulator_bin -- --ignored --nocapture`.

#![cfg(feature = "emulator")]

mod emulator_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, Emulator, Scenario};

const BIN: &str = env!("CARGO_BIN_EXE_paperspace-emulator");

fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

fn url_of(line: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(value.as_object().unwrap().len(), 1, "{line}");
    value["url"].as_str().unwrap().to_owned()
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the emulator did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn prints_its_url_logs_requests_and_exits_on_sigterm() {
    let (mut child, line) = spawn(&[]);
    let url = url_of(&line);
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );
    assert_eq!(line, format!("{{\"url\": \"{url}\"}}\n"));
    let agent = emulator_support::agent();
    let response = agent
        .get(format!("{url}/templates/getTemplates?label=null"))
        .header("x-api-key", ADMIN_KEY)
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let response = agent
        .post(format!("{url}/machines/createSingleMachinePublic"))
        .header("x-api-key", ADMIN_KEY)
        .send(r#"{"password": "hunter2"}"#)
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    signal(&child, "TERM");
    assert_eq!(wait(&mut child).code(), Some(0));
    let mut rest = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert_eq!(rest, "", "one line on stdout only");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines[0].starts_with("GET /templates/getTemplates?label=null 200 "),
        "{log}"
    );
    assert!(lines[0].ends_with("ms"), "{log}");
    assert!(
        lines[1].starts_with("POST /machines/createSingleMachinePublic 400 "),
        "{log}"
    );
    assert!(
        !log.contains(ADMIN_KEY) && !log.contains("hunter2"),
        "{log}"
    );
}

#[test]
fn quiet_listen_scenario_and_sigint() {
    let dir = std::env::temp_dir().join(format!("ps-emulator-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scenario.json");
    let mut scenario: serde_json::Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["users"][0]["apiKey"] = "custom-key".into();
    std::fs::write(&file, scenario.to_string()).unwrap();
    let (mut child, line) = spawn(&[
        "--quiet",
        "--listen",
        "127.0.0.1:0",
        "--scenario",
        file.to_str().unwrap(),
    ]);
    let url = url_of(&line);
    let agent = emulator_support::agent();
    let status = |key: &str| {
        agent
            .get(format!("{url}/users/getUsers"))
            .header("x-api-key", key)
            .call()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status("custom-key"), 200);
    assert_eq!(status(ADMIN_KEY), 401);
    signal(&child, "INT");
    assert_eq!(wait(&mut child).code(), Some(0));
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert_eq!(log, "");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_and_bad_arguments() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Usage: paperspace-emulator [--listen ADDR] [--scenario FILE] [--quiet]")
    );
    for (args, expect) in [
        (&["--bogus"][..], "unknown argument \"--bogus\""),
        (&["--listen"][..], "--listen needs a value"),
        (&["--listen", "localhost"][..], "--listen wants HOST:PORT"),
        (
            &["--listen", "127.0.0.1:99999"][..],
            "--listen wants HOST:PORT",
        ),
        (&["--quiet=yes"][..], "unknown argument"),
        (
            &["--idle-timeout-ms", "0"][..],
            "--idle-timeout-ms wants a whole number of milliseconds from 1, not \"0\"",
        ),
        (
            &["--header-timeout-ms=1.5"][..],
            "--header-timeout-ms wants a whole number of milliseconds from 1, not \"1.5\"",
        ),
        (
            &["--body-timeout-ms"][..],
            "--body-timeout-ms needs a value",
        ),
        (
            &["--scenario", "/nonexistent/scenario.json"][..],
            "bad scenario file /nonexistent/scenario.json",
        ),
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    let file = std::env::temp_dir().join(format!("ps-emulator-bad-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"users": [], "delays": {"provisionMs": "slow"}}"#).unwrap();
    let (code, _, err) = run(&["--scenario", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad scenario file") && err.contains("expected u64 at line 1"),
        "{err}"
    );
    std::fs::remove_file(file).unwrap();
}

/// The idle timeout flag: an idle connection is closed after it.
#[test]
fn the_idle_timeout_flag_closes_idle_connections() {
    let (mut child, line) = spawn(&["--quiet", "--idle-timeout-ms", "200"]);
    let url = url_of(&line);
    let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let started = Instant::now();
    let mut byte = [0u8; 1];
    assert_eq!(stream.read(&mut byte).unwrap(), 0);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(150) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    signal(&child, "TERM");
    assert_eq!(wait(&mut child).code(), Some(0));
}

/// A stderr pipe that nobody reads fills up; the log then drops lines (counted) and requests,
/// stats and SIGTERM are served as usual.
#[test]
fn an_unread_log_pipe_never_holds_up_requests_or_shutdown() {
    let (mut child, line) = spawn(&[]);
    let url = url_of(&line);
    // The lines fill the pipe (64 KiB) after some hundreds and the queue holds 4096 more, so
    // 6000 pipelined requests on one connection get past both.
    let n = 6000;
    let request = format!(
        "GET /users/getUsers?filler={} HTTP/1.1\r\nHost: x\r\nx-api-key: {ADMIN_KEY}\r\n\r\n",
        "x".repeat(100)
    );
    let address = url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        for _ in 0..n {
            writer.write_all(request.as_bytes()).unwrap();
        }
    });
    let (mut answered, mut seen, mut buf) = (0, Vec::new(), [0u8; 65536]);
    let marker = b"HTTP/1.1 200 OK\r\n";
    while answered < n {
        let got = match stream.read(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => other.expect("answers keep coming"),
        };
        assert!(got > 0, "closed after {answered} answers");
        seen.extend_from_slice(&buf[..got]);
        let mut last = 0;
        for (i, w) in seen.windows(marker.len()).enumerate() {
            if w == marker {
                answered += 1;
                last = i + marker.len();
            }
        }
        seen.drain(..last.max(seen.len().saturating_sub(marker.len())));
    }
    sender.join().unwrap();
    let agent = emulator_support::agent();
    let mut stats = agent.get(format!("{url}/__emulator/stats")).call().unwrap();
    let stats: serde_json::Value =
        serde_json::from_str(&stats.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(stats["routes"]["GET /users/getUsers"], n, "{stats}");
    let dropped = stats["logLinesDropped"].as_u64().unwrap();
    assert!(dropped > 0, "{stats}");
    signal(&child, "TERM");
    assert_eq!(wait(&mut child).code(), Some(0));
    // The log holds whole lines, in order; the others were dropped, not lost halfway.
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() >= 100, "{}", lines.len());
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("GET /users/getUsers?filler=") && l.ends_with("ms"))
    );
    assert!(
        lines.len() as u64 + dropped <= n + 1,
        "{} + {dropped}",
        lines.len()
    );
}

/// Sequential keep-alive requests per second on one ureq Agent (run with --release).
#[test]
#[ignore]
fn throughput_of_templates_list() {
    let emulator = Emulator::start("127.0.0.1:0", Scenario::default()).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/templates/getTemplates", emulator.url());
    let call = || {
        let mut r = agent
            .get(&url)
            .header("x-api-key", ADMIN_KEY)
            .call()
            .unwrap();
        let text = r.body_mut().read_to_string().unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 15);
    };
    for _ in 0..500 {
        call();
    }
    let n = 20_000;
    let t = Instant::now();
    for _ in 0..n {
        call();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} sequential keep-alive GET /templates/getTemplates: {:.0} requests/s, {:.1} us each",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
}

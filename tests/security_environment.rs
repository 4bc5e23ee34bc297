//! The process environment cannot turn the client against its user: a loopback base URL never
//! goes through a proxy, `HTTPS_PROXY`/`ALL_PROXY` apply to https base URLs only and honour
//! `NO_PROXY`, the `proxy` config key wins (null: none), an error caused by the proxy names it
//! but never its password, and over-long header values are refused up front.
//!
//! The environment is process-wide, so every test here holds one lock while it changes it.
#![cfg(feature = "emulator")]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use common::*;
use paperspace::{Client, Config, Operation, Status};

const PROXY_VARS: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

static ENV: Mutex<()> = Mutex::new(());

/// Holds the environment lock with every proxy variable cleared, then sets `vars`.
fn environment(vars: &[(&str, &str)]) -> MutexGuard<'static, ()> {
    let guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: every test of this binary that reads or writes the environment holds ENV.
    unsafe {
        for name in PROXY_VARS {
            std::env::remove_var(name);
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
    }
    guard
}

/// A listener standing in for a proxy: it reports the head of the first request it gets and
/// closes the connection.
struct FakeProxy {
    url: String,
    heads: mpsc::Receiver<String>,
}

fn fake_proxy() -> FakeProxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, heads) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
        }
    });
    FakeProxy { url, heads }
}

fn https_client(extra: &str) -> Client {
    let config = format!(
        r#"{{"apiKey": "sk-proxy-test-key", "baseUrl": "https://api.example.test", "maxRetries": 0, "timeoutMs": 5000{extra}}}"#
    );
    Client::new(Config::from_json(&config).unwrap()).unwrap()
}

#[test]
fn a_loopback_base_url_never_uses_a_proxy() {
    let proxy = fake_proxy();
    let _env = environment(&[
        ("HTTP_PROXY", &proxy.url),
        ("HTTPS_PROXY", &proxy.url),
        ("ALL_PROXY", &proxy.url),
        ("http_proxy", &proxy.url),
    ]);
    let emu = emulator();
    let templates = admin(&emu).call_json(Operation::TemplatesList, "");
    assert!(templates.is_ok(), "{templates:?}");
    assert!(
        proxy
            .heads
            .recv_timeout(Duration::from_millis(200))
            .is_err()
    );
}

#[test]
fn https_goes_through_the_environments_proxy_and_errors_name_it() {
    let proxy = fake_proxy();
    let _env = environment(&[("HTTPS_PROXY", &proxy.url)]);
    let err = https_client("")
        .call_json(Operation::TemplatesList, "")
        .unwrap_err();
    let head = proxy.heads.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(
        head.starts_with("CONNECT api.example.test:443 HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(!head.contains("sk-proxy-test-key"), "{head}");
    assert_eq!(err.status(), Status::Transport, "{err}");
    assert!(
        err.message()
            .starts_with(&format!("through the proxy {}: ", proxy.url)),
        "{}",
        err.message()
    );
}

#[test]
fn all_proxy_is_used_when_https_proxy_is_not_set() {
    let proxy = fake_proxy();
    let _env = environment(&[("ALL_PROXY", &proxy.url)]);
    let _ = https_client("").call_json(Operation::UsersList, "");
    let head = proxy.heads.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(head.starts_with("CONNECT api.example.test:443 "), "{head}");
}

#[test]
fn no_proxy_and_a_null_proxy_key_go_direct() {
    let proxy = fake_proxy();
    for (extra, no_proxy) in [("", ".example.test"), (r#", "proxy": null"#, "")] {
        let _env = environment(&[("HTTPS_PROXY", &proxy.url), ("NO_PROXY", no_proxy)]);
        let err = https_client(extra)
            .call_json(Operation::TemplatesList, "")
            .unwrap_err();
        assert!(!err.message().contains("proxy"), "{}", err.message());
    }
    assert!(
        proxy
            .heads
            .recv_timeout(Duration::from_millis(200))
            .is_err()
    );
}

#[test]
fn the_proxy_key_wins_and_its_password_stays_out_of_errors() {
    let proxy = fake_proxy();
    let _env = environment(&[]);
    let with_auth = proxy.url.replace("http://", "http://me:pw-proxy-secret@");
    let client = https_client(&format!(r#", "proxy": "{with_auth}""#));
    assert!(!format!("{client:?}").contains("pw-proxy-secret"));
    let err = client.call_json(Operation::TemplatesList, "").unwrap_err();
    let head = proxy.heads.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(head.starts_with("CONNECT api.example.test:443 "), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\nproxy-authorization: basic "),
        "{head}"
    );
    for text in [
        err.to_json("templates_list").to_string(),
        format!("{err:?}"),
    ] {
        assert!(!text.contains("pw-proxy-secret"), "{text}");
    }
    let bad = Client::new(
        Config::from_json(
            r#"{"apiKey": "k", "baseUrl": "https://a.example", "proxy": "socks5://u:pw-9@p:1"}"#,
        )
        .unwrap(),
    )
    .unwrap_err();
    assert_eq!(bad.status(), Status::Config);
    assert!(!bad.message().contains("pw-9"), "{}", bad.message());
}

#[test]
fn over_long_header_values_are_config_errors() {
    let long = "k".repeat(200 * 1024);
    for key in ["apiKey", "userAgent"] {
        let mut config =
            serde_json::json!({"apiKey": "sk-short-key", "baseUrl": "http://127.0.0.1:1"});
        config[key] = serde_json::json!(long);
        let err = Client::new(Config::from_json(&config.to_string()).unwrap()).unwrap_err();
        assert_eq!(err.status(), Status::Config);
        assert_eq!(err.message(), format!("{key} is longer than 1024 bytes"));
    }
}

//! The HTTP side: configuration, one ureq Agent per client, and the single request path every
//! operation takes (auth header, timeouts, retry policy, error mapping).

use std::borrow::Cow;
use std::io::{ErrorKind, Read};
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use ureq::http::Uri;

use crate::api::call::{Call, cancelled};
use crate::environment::{self, env_value};
use crate::transport::{CancellableConnector, LiteralFirstResolver};

use crate::error::{Error, Result};
use crate::model::Secret;

/// The hosted API (switched off in July 2024; point `baseUrl` at the emulator instead).
pub const DEFAULT_BASE_URL: &str = "https://api.paperspace.io";
/// Environment variable read when the config has no `apiKey`.
pub const API_KEY_ENV: &str = "PAPERSPACE_API_KEY";
/// Environment variable read when the config has no `baseUrl`.
pub const BASE_URL_ENV: &str = "PAPERSPACE_API_HOST";
/// Largest response body read; a larger one is a [`Status::Decode`](crate::Status) error.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

const DEFAULT_TIMEOUT_MS: u64 = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 10_000;
const DEFAULT_MAX_RETRIES: u32 = 2;
const MAX_TIMEOUT_MS: u64 = 3_600_000;
const MAX_RETRIES: u32 = 10;
/// An attempt whose call has about the client's whole `timeoutMs` left keeps the agent's own
/// limit (setting a per-request one costs a copy of the agent's config).
const SLACK: Duration = Duration::from_millis(5);
/// The most of a server's error text an error keeps (64 KiB).
pub const MAX_ERROR_TEXT: usize = 64 * 1024;
/// The longest `apiKey` and `userAgent` (header values; servers refuse far shorter headers).
const MAX_HEADER_VALUE: usize = 1024;
/// A server asking to wait longer than this is not retried: the error goes back to the caller.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Client configuration. As JSON (the C ABI's `config_json`) the keys are `apiKey`, `baseUrl`,
/// `timeoutMs`, `connectTimeoutMs`, `maxRetries`, `userAgent`, `proxy` and `caFile`; unknown
/// keys are rejected.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Sent as `x-api-key`; else the `PAPERSPACE_API_KEY` environment variable.
    pub api_key: Option<Secret>,
    /// Else `PAPERSPACE_API_HOST`, else [`DEFAULT_BASE_URL`]. Plain `http://` only for loopback.
    pub base_url: Option<String>,
    /// Bound on a whole call: attempts, backoff and `Retry-After` sleeps (default 30 000).
    pub timeout_ms: Option<i64>,
    /// Bound on establishing a connection (default 10 000).
    pub connect_timeout_ms: Option<i64>,
    /// Retries of safe calls on connect errors, 429, 502, 503 and 504 (default 2).
    pub max_retries: Option<i64>,
    /// Replaces the default `paperspace/<version>` User-Agent.
    pub user_agent: Option<String>,
    /// An http proxy URL (`http://[user:password@]host:port`) for https base URLs; `Some(None)`
    /// (JSON null) means none, whatever the environment; absent means `HTTPS_PROXY`/`ALL_PROXY`
    /// unless `NO_PROXY` exempts the host. A loopback host is never proxied.
    #[serde(default, deserialize_with = "crate::model::present")]
    pub proxy: Option<Option<Secret>>,
    /// A PEM file of the certificates to trust instead of the built-in roots (else the
    /// `SSL_CERT_FILE` environment variable).
    pub ca_file: Option<String>,
}

impl Config {
    /// A config with an API key and a base URL, the rest default.
    pub fn new(api_key: &str, base_url: &str) -> Config {
        Config {
            api_key: Some(Secret(api_key.into())),
            base_url: Some(base_url.into()),
            ..Config::default()
        }
    }

    /// Reads a config from JSON text (empty text means `{}`).
    pub fn from_json(text: &str) -> Result<Config> {
        crate::model::read_object("config", text)
    }
}

/// A Core API client: immutable after [`Client::new`], cheap to share between threads
/// (`&Client` is all every operation needs), one pool of keep-alive connections.
pub struct Client {
    agent: ureq::Agent,
    /// The process the agent (and its pooled connections) belongs to.
    pid: u32,
    /// The agent of a process forked from `pid` (made on its first call there).
    forked: OnceLock<(u32, ureq::Agent)>,
    agent_config: ureq::config::Config,
    timeout: Duration,
    base_url: String,
    api_key: Secret,
    max_retries: u32,
    /// `http://host:port` of the proxy in use, named in transport errors.
    proxy_label: Option<String>,
    proxy_password: Option<Secret>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// How one HTTP attempt went, when it did not produce a response.
struct Failure {
    error: Error,
    /// True when the request certainly never reached the server (so even a create may retry).
    not_sent: bool,
}

/// Whether an operation may be repeated without changing the result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    Safe,
    Unsafe,
}

impl Client {
    /// Checks the config and builds the HTTP agent. No request is sent.
    pub fn new(config: Config) -> Result<Client> {
        let api_key = match config.api_key {
            Some(key) => key,
            None => Secret(env_value(API_KEY_ENV).unwrap_or_default()),
        };
        if api_key.expose().trim().is_empty() {
            return Err(Error::config(format!(
                "no API key: set apiKey in the config or the {API_KEY_ENV} environment variable"
            )));
        }
        if api_key.expose().chars().any(char::is_control) {
            return Err(Error::config("apiKey must not contain control characters"));
        }
        if api_key.expose().len() > MAX_HEADER_VALUE {
            return Err(Error::config(format!(
                "apiKey is longer than {MAX_HEADER_VALUE} bytes"
            )));
        }
        let base_url = match config.base_url {
            Some(url) => url,
            None => env_value(BASE_URL_ENV).unwrap_or_else(|| DEFAULT_BASE_URL.into()),
        };
        let base_url = check_base_url(&base_url)?;
        let timeout = millis("timeoutMs", config.timeout_ms, DEFAULT_TIMEOUT_MS)?;
        let connect_timeout = millis(
            "connectTimeoutMs",
            config.connect_timeout_ms,
            DEFAULT_CONNECT_TIMEOUT_MS,
        )?;
        let max_retries = match config.max_retries {
            None => DEFAULT_MAX_RETRIES,
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| *n <= MAX_RETRIES)
                .ok_or_else(|| {
                    Error::config(format!("maxRetries must be between 0 and {MAX_RETRIES}"))
                })?,
        };
        let user_agent = config
            .user_agent
            .unwrap_or_else(|| format!("paperspace/{}", crate::VERSION));
        if user_agent.is_empty() || user_agent.chars().any(char::is_control) {
            return Err(Error::config(
                "userAgent must be non-empty without control characters",
            ));
        }
        if user_agent.len() > MAX_HEADER_VALUE {
            return Err(Error::config(format!(
                "userAgent is longer than {MAX_HEADER_VALUE} bytes"
            )));
        }
        let host = base_url
            .parse::<Uri>()
            .ok()
            .and_then(|uri| uri.host().map(str::to_string))
            .unwrap_or_default();
        let configured = config
            .proxy
            .as_ref()
            .map(|p| p.as_ref().map(Secret::expose));
        let proxy = environment::choose_proxy(&base_url, &host, configured)?;
        let roots = environment::root_certs(config.ca_file.as_deref())?;
        let tls = ureq::tls::TlsConfig::builder().root_certs(roots).build();
        let config = ureq::Agent::config_builder()
            .proxy(proxy.as_ref().map(|p| p.proxy.clone()))
            .tls_config(tls)
            .http_status_as_error(false)
            .https_only(base_url.starts_with("https:"))
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(connect_timeout))
            .user_agent(user_agent)
            .build();
        Ok(Client {
            agent: new_agent(&config),
            pid: std::process::id(),
            forked: OnceLock::new(),
            agent_config: config,
            timeout,
            base_url,
            api_key,
            max_retries,
            proxy_label: proxy.as_ref().map(|p| p.label.clone()),
            proxy_password: proxy.and_then(|p| p.password),
        })
    }

    /// The agent of this process. After `fork()` the child never touches the parent's pooled
    /// connections (they are the parent's sockets) nor the pool's lock (another thread of the
    /// parent may have held it): its first call makes an agent of its own. A process forked
    /// from that child again gets a fresh agent per call.
    fn agent(&self) -> Cow<'_, ureq::Agent> {
        let pid = std::process::id();
        if pid == self.pid {
            return Cow::Borrowed(&self.agent);
        }
        let (owner, agent) = self
            .forked
            .get_or_init(|| (pid, new_agent(&self.agent_config)));
        if *owner == pid {
            Cow::Borrowed(agent)
        } else {
            Cow::Owned(new_agent(&self.agent_config))
        }
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound on a whole call (`timeoutMs`), unless its cancel token has a deadline.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// `error` with the API key scrubbed from its message and details: every error passes
    /// here before it leaves the client (a server may echo the key back).
    pub(crate) fn scrubbed(&self, error: Error) -> Error {
        let error = error
            .redacted(self.api_key.expose())
            .without_secret_members();
        match &self.proxy_password {
            Some(password) => error.redacted(password.expose()),
            None => error,
        }
    }

    /// `GET path?query`; safe, so retried per the policy. Returns the 2xx body text.
    pub(crate) fn get(
        &self,
        path: &str,
        query: &[(String, String)],
        call: &Call<'_>,
    ) -> Result<String> {
        let mut url = format!("{}{path}", self.base_url);
        for (i, (key, value)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            percent_encode_into(&mut url, key);
            url.push('=');
            percent_encode_into(&mut url, value);
        }
        self.send(&url, None, Idempotency::Safe, call)
    }

    /// `POST path` with a JSON body. Returns the 2xx body text ("" for a 204).
    pub(crate) fn post(
        &self,
        path: &str,
        body: &str,
        idempotency: Idempotency,
        call: &Call<'_>,
    ) -> Result<String> {
        let url = format!("{}{path}", self.base_url);
        self.send(&url, Some(body), idempotency, call)
    }

    /// One logical request: attempts, retries with backoff, error mapping, all within the
    /// call's deadline. A sleep that would pass the deadline is not started: the call ends
    /// with the last attempt's error.
    fn send(
        &self,
        url: &str,
        post_body: Option<&str>,
        idempotency: Idempotency,
        call: &Call<'_>,
    ) -> Result<String> {
        let mut attempt = 0;
        loop {
            call.check()?;
            let outcome = self.attempt(url, post_body, call);
            if call.is_cancelled() {
                return Err(cancelled());
            }
            let (error, retry_after) = match outcome {
                Ok((status, body, _)) if (200..300).contains(&status) => return Ok(body),
                Ok((status, body, retry_after)) => {
                    let retryable =
                        idempotency == Idempotency::Safe && matches!(status, 429 | 502 | 503 | 504);
                    let error = api_error(status, &body);
                    if !retryable {
                        return Err(error);
                    }
                    (error, retry_after)
                }
                Err(Failure { error, not_sent }) => {
                    let retryable = error.status() == crate::Status::Transport
                        && (idempotency == Idempotency::Safe || not_sent);
                    if !retryable {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            let delay = retry_after.unwrap_or_else(|| backoff(attempt));
            if attempt >= self.max_retries || delay > MAX_RETRY_AFTER || delay >= call.left() {
                return Err(error);
            }
            call.sleep(delay)?;
            attempt += 1;
        }
    }

    /// One HTTP exchange within what is left of the call: `(status, body, Retry-After)` or
    /// why there is no response.
    fn attempt(
        &self,
        url: &str,
        post_body: Option<&str>,
        call: &Call<'_>,
    ) -> Result<(u16, String, Option<Duration>), Failure> {
        let key = self.api_key.expose();
        let agent = self.agent();
        // The agent's own limit is the client's timeoutMs; a call with less time left (a
        // retry, a poll near the end of a wait, a cancel token's deadline) narrows it.
        let left = call.left().max(Duration::from_millis(1));
        let narrow = left + SLACK < self.timeout || left > self.timeout;
        let sent = match post_body {
            None => {
                let request = agent.get(url).header("x-api-key", key);
                let request = if narrow {
                    request.config().timeout_global(Some(left)).build()
                } else {
                    request
                };
                request.header("accept", "application/json").call()
            }
            Some(body) => {
                let request = agent.post(url).header("x-api-key", key);
                let request = if narrow {
                    request.config().timeout_global(Some(left)).build()
                } else {
                    request
                };
                let request = request.header("accept", "application/json");
                if body.is_empty() {
                    request.send_empty()
                } else {
                    request.content_type("application/json").send(body)
                }
            }
        };
        let mut response = sent.map_err(|e| self.through_proxy(transport_failure(e)))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let success = (200..300).contains(&status);
        let bytes = if success {
            response
                .body_mut()
                .with_config()
                .limit(MAX_BODY_BYTES)
                .read_to_vec()
                .map_err(transport_failure)?
        } else {
            // An error keeps at most MAX_ERROR_TEXT of the server's text; the rest is not read
            // (the connection is then not reused), so its size cannot hide the status.
            let mut bytes = Vec::new();
            response
                .body_mut()
                .as_reader()
                .take(MAX_ERROR_TEXT as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| transport_failure(ureq::Error::Io(e)))?;
            bytes
        };
        let body = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) if success => {
                return Err(Failure {
                    error: Error::decode(format!("response body is not UTF-8: {e}")),
                    not_sent: false,
                });
            }
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Ok((status, body, retry_after))
    }
}

/// `base_url` without a trailing slash, if it is a usable base: http(s), a host, no query;
/// plain http only to loopback so the API key never crosses a network in clear text.
fn check_base_url(url: &str) -> Result<String> {
    let trimmed = url.trim_end_matches('/');
    // The value itself is never quoted: a caller who swapped apiKey and baseUrl would see the key.
    let bad = |why: &str| Error::config(format!("baseUrl {why}"));
    let uri: Uri = trimmed.parse().map_err(|_| bad("is not a valid URL"))?;
    let host = uri.host().ok_or_else(|| bad("has no host"))?;
    if uri.query().is_some() || trimmed.contains('#') {
        return Err(bad("must not have a query or fragment"));
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback(host) => {}
        Some("http") => {
            return Err(bad(&format!(
                "uses plain http to the non-loopback host {host}; use https"
            )));
        }
        _ => {
            return Err(bad(
                "must start with https:// (or http:// for a loopback host)",
            ));
        }
    }
    Ok(trimmed.to_string())
}

pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn millis(field: &str, value: Option<i64>, default: u64) -> Result<Duration> {
    match value.map_or(Some(default), |ms| u64::try_from(ms).ok()) {
        Some(ms @ 1..=MAX_TIMEOUT_MS) => Ok(Duration::from_millis(ms)),
        _ => Err(Error::config(format!(
            "{field} must be between 1 and {MAX_TIMEOUT_MS}"
        ))),
    }
}

/// Exponential backoff between retries: 200 ms, 400 ms, 800 ms, ... capped at 5 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << attempt.min(5)).min(5_000))
}

fn new_agent(config: &ureq::config::Config) -> ureq::Agent {
    ureq::Agent::with_parts(
        config.clone(),
        CancellableConnector::default(),
        LiteralFirstResolver::default(),
    )
}

impl Client {
    /// A transport failure names the proxy it went through, if any (its host and port only).
    fn through_proxy(&self, failure: Failure) -> Failure {
        match &self.proxy_label {
            Some(label)
                if matches!(
                    failure.error.status(),
                    crate::Status::Transport | crate::Status::Timeout
                ) =>
            {
                Failure {
                    error: failure
                        .error
                        .prefixed(&format!("through the proxy {label}: ")),
                    ..failure
                }
            }
            _ => failure,
        }
    }
}

/// Maps a ureq error to our status. The messages never include headers, so never the key.
fn transport_failure(error: ureq::Error) -> Failure {
    use ureq::Error as E;
    use ureq::Timeout as T;
    let not_sent = match &error {
        E::HostNotFound | E::ConnectionFailed => true,
        E::Timeout(T::Resolve | T::Connect) => true,
        E::Io(io) => matches!(
            io.kind(),
            ErrorKind::ConnectionRefused | ErrorKind::AddrNotAvailable
        ),
        _ => false,
    };
    let error = match error {
        E::Timeout(T::Resolve | T::Connect) => {
            Error::timeout("connecting timed out (connectTimeoutMs)")
        }
        E::Timeout(_) => Error::timeout("no complete answer in time (timeoutMs)"),
        E::HostNotFound => Error::transport("host not found"),
        E::ConnectionFailed => Error::transport("connection failed"),
        E::BodyExceedsLimit(limit) => Error::decode(format!("response body exceeds {limit} bytes")),
        E::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            Error::transport("connection refused")
        }
        E::Io(io) => Error::transport(format!("I/O error: {io}")),
        // The base URL is checked up front, so only the caller's parameters can break the URL
        // (e.g. one longer than the HTTP library accepts).
        E::BadUri(_) | E::Http(_) => Error::invalid_argument(format!(
            "the parameters do not fit in a request URL: {error}"
        )),
        other => Error::transport(other.to_string()),
    };
    Failure { error, not_sent }
}

/// The error of a non-2xx answer: the nested `{"error": {...}}` body, the flat
/// `{"status", "message"}` body, or raw text. `details` is the parsed body, else the text; a
/// body over [`MAX_ERROR_TEXT`] is kept as its first 64 KiB of text, and the message says so.
fn api_error(status: u16, body: &str) -> Error {
    if body.len() > MAX_ERROR_TEXT {
        let mut end = MAX_ERROR_TEXT;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        return Error::api(
            status,
            format!("HTTP {status} with a body over {MAX_ERROR_TEXT} bytes (truncated)"),
            Value::String(body[..end].to_string()),
        );
    }
    match serde_json::from_str::<Value>(body) {
        Ok(parsed) => {
            let message = parsed
                .pointer("/error/message")
                .or_else(|| parsed.get("message"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP {status}"));
            Error::api(status, message, parsed)
        }
        Err(_) if body.trim().is_empty() => Error::api(
            status,
            format!("HTTP {status} with an empty body"),
            Value::Null,
        ),
        Err(_) => Error::api(
            status,
            format!("HTTP {status} with a non-JSON body"),
            Value::String(body.into()),
        ),
    }
}

/// Appends `text` percent-encoded (RFC 3986: everything but unreserved characters), so a space
/// is `%20`, `+` is `%2B` and `/` cannot change the path.
pub(crate) fn percent_encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use serde_json::json;

    #[test]
    fn percent_encoding_matches_the_api_docs() {
        let mut out = String::new();
        percent_encode_into(&mut out, "East Coast (NY2)");
        out.push('&');
        percent_encode_into(&mut out, "GPU+");
        out.push('&');
        percent_encode_into(&mut out, "../x/ü");
        assert_eq!(out, "East%20Coast%20%28NY2%29&GPU%2B&..%2Fx%2F%C3%BC");
    }

    #[test]
    fn base_url_errors_do_not_quote_the_value() {
        let err = check_base_url("sk-secret-key-123").unwrap_err();
        assert_eq!(
            err.message(),
            "baseUrl must start with https:// (or http:// for a loopback host)"
        );
        let err = check_base_url("http://example.com:8080/x").unwrap_err();
        assert_eq!(
            err.message(),
            "baseUrl uses plain http to the non-loopback host example.com; use https"
        );
    }

    #[test]
    fn base_url_rules() {
        assert_eq!(
            check_base_url("https://api.paperspace.io/").unwrap(),
            "https://api.paperspace.io"
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://[::1]:1").is_ok());
        for bad in [
            "http://example.com",
            "ftp://127.0.0.1",
            "not a url",
            "https://x?y=1",
            "/relative",
        ] {
            assert_eq!(
                check_base_url(bad).unwrap_err().status(),
                Status::Config,
                "{bad}"
            );
        }
    }

    #[test]
    fn config_rejects_unknown_keys_and_bad_values() {
        assert_eq!(
            Config::from_json(r#"{"apikey":"x"}"#).unwrap_err().status(),
            Status::InvalidArgument
        );
        let cfg = |json: &str| Client::new(Config::from_json(json).unwrap()).unwrap_err();
        assert_eq!(
            cfg(r#"{"apiKey":"k\r\nx: y","baseUrl":"http://127.0.0.1:1"}"#).status(),
            Status::Config
        );
        assert_eq!(
            cfg(r#"{"apiKey":"k","baseUrl":"http://127.0.0.1:1","timeoutMs":0}"#).status(),
            Status::Config
        );
        assert_eq!(
            cfg(r#"{"apiKey":"k","baseUrl":"http://127.0.0.1:1","maxRetries":11}"#).status(),
            Status::Config
        );
        assert_eq!(
            cfg(r#"{"apiKey":"k","baseUrl":"http://127.0.0.1:1","userAgent":"a\nb"}"#).status(),
            Status::Config
        );
        for negative in [
            r#""timeoutMs":-1"#,
            r#""connectTimeoutMs":-5"#,
            r#""maxRetries":-1"#,
        ] {
            let json = format!(r#"{{"apiKey":"k","baseUrl":"http://127.0.0.1:1",{negative}}}"#);
            assert_eq!(cfg(&json).status(), Status::Config, "{negative}");
        }
        assert_eq!(
            cfg(r#"{"apiKey":" ","baseUrl":"http://127.0.0.1:1"}"#).status(),
            Status::Config
        );
    }

    #[test]
    fn debug_output_hides_the_key() {
        let client = Client::new(Config::new("very-secret-key", "http://127.0.0.1:1")).unwrap();
        assert!(!format!("{client:?}").contains("very-secret-key"));
        let config = Config::new("very-secret-key", "http://127.0.0.1:1");
        assert!(!format!("{config:?}").contains("very-secret-key"));
    }

    #[test]
    fn error_bodies_of_every_shape() {
        let nested = api_error(
            404,
            r#"{"error":{"name":"Error","status":404,"message":"Not found."}}"#,
        );
        assert_eq!(
            (nested.message(), nested.http_status()),
            ("Not found.", Some(404))
        );
        assert_eq!(nested.details()["error"]["name"], "Error");
        let flat = api_error(400, r#"{"status":400,"message":"Invalid API token"}"#);
        assert_eq!(flat.message(), "Invalid API token");
        let text = api_error(502, "<html>Bad Gateway</html>");
        assert_eq!(text.message(), "HTTP 502 with a non-JSON body");
        assert_eq!(text.details(), &json!("<html>Bad Gateway</html>"));
        let empty = api_error(500, "");
        assert_eq!(
            (empty.message(), empty.details()),
            ("HTTP 500 with an empty body", &Value::Null)
        );
    }

    #[test]
    fn backoff_grows_and_caps() {
        let ms: Vec<u128> = (0..8).map(|a| backoff(a).as_millis()).collect();
        assert_eq!(ms, [200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    }
}

//! The one error type of the library and the stable status codes the C ABI returns.

use serde::Serialize;
use serde_json::{Map, Value};

/// Stable status codes. Append-only: a number, once published, keeps its meaning forever.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Success.
    Ok = 0,
    /// A NULL pointer, invalid UTF-8, malformed JSON, a wrong JSON type or an unknown key.
    InvalidArgument = 1,
    /// The parameters break a documented API rule; found before any request was sent.
    Validation = 2,
    /// The client configuration is unusable (no API key, bad base URL, ...).
    Config = 3,
    /// The request could not be sent or the answer could not be read (DNS, connect, TLS, I/O).
    Transport = 4,
    /// A time limit ran out: the HTTP call's or, for a wait, the wait's own.
    Timeout = 5,
    /// The server answered with a non-2xx status.
    Api = 6,
    /// The server's 2xx answer is not the JSON the operation returns.
    Decode = 7,
    /// The caller cancelled the operation (a wait).
    Cancelled = 8,
    /// A machine operation the client waits for ended in the event state `error`.
    MachineError = 9,
    /// A bug in this library: please report it.
    Internal = 98,
    /// A panic inside the library was caught at the C boundary.
    Panic = 99,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: [Status; 12] = [
        Status::Ok,
        Status::InvalidArgument,
        Status::Validation,
        Status::Config,
        Status::Transport,
        Status::Timeout,
        Status::Api,
        Status::Decode,
        Status::Cancelled,
        Status::MachineError,
        Status::Internal,
        Status::Panic,
    ];

    /// The numeric code, as returned by the C ABI.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The stable snake_case name (`kind` in the error JSON).
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::InvalidArgument => "invalid_argument",
            Status::Validation => "validation",
            Status::Config => "config",
            Status::Transport => "transport",
            Status::Timeout => "timeout",
            Status::Api => "api",
            Status::Decode => "decode",
            Status::Cancelled => "cancelled",
            Status::MachineError => "machine_error",
            Status::Internal => "internal",
            Status::Panic => "panic",
        }
    }

    /// The status with this code, if there is one (codes come from C and are not trusted).
    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Per-field problems of a rejected parameter set: field name -> what is wrong with it.
pub type FieldProblems = Map<String, Value>;

/// Everything that can go wrong: a stable [`Status`], a human message, the HTTP status when the
/// server answered, and structured details (per-field problems, the server's error body, the
/// state of a wait, ...). No error ever holds the API key or a password.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    status: Status,
    message: String,
    http_status: Option<u16>,
    details: Value,
}

impl Error {
    fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status,
            message: message.into(),
            http_status: None,
            details: Value::Null,
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(Status::InvalidArgument, message)
    }

    pub(crate) fn validation(problems: FieldProblems) -> Error {
        let summary: Vec<String> = problems
            .iter()
            .map(|(field, why)| format!("{field} {}", why.as_str().unwrap_or_default()))
            .collect();
        Error::new(
            Status::Validation,
            format!("invalid parameters: {}", summary.join("; ")),
        )
        .with_details(Value::Object(problems))
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(Status::Config, message)
    }

    pub(crate) fn transport(message: impl Into<String>) -> Error {
        Error::new(Status::Transport, message)
    }

    pub(crate) fn timeout(message: impl Into<String>) -> Error {
        Error::new(Status::Timeout, message)
    }

    pub(crate) fn api(http_status: u16, message: impl Into<String>, body: Value) -> Error {
        Error {
            http_status: Some(http_status),
            ..Error::new(Status::Api, message)
        }
        .with_details(body)
    }

    pub(crate) fn decode(message: impl Into<String>) -> Error {
        Error::new(Status::Decode, message)
    }

    pub(crate) fn cancelled(message: impl Into<String>) -> Error {
        Error::new(Status::Cancelled, message)
    }

    pub(crate) fn machine_error(message: impl Into<String>, details: Value) -> Error {
        Error::new(Status::MachineError, message).with_details(details)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Error {
        Error::new(Status::Internal, message)
    }

    pub(crate) fn panic(message: impl Into<String>) -> Error {
        Error::new(Status::Panic, message)
    }

    /// This error with the value of every member named like a secret (`accessTokenId`,
    /// `password`, `apiKey`, ...: [`SECRET_MEMBERS`], any letter case) replaced, at any depth
    /// of its details: a server may echo a secret the client never knew.
    /// A `validation` error's details are the library's own per-field problems (`password:
    /// "is required"`), not a server's: they are left as they are.
    pub(crate) fn without_secret_members(mut self) -> Error {
        if self.status != Status::Validation {
            redact_members(&mut self.details);
        }
        self
    }

    /// This `api` error without the server's text: the message is `HTTP <status>` and every
    /// string of the details but `name` and `status` is replaced. For an operation whose answer
    /// holds a secret the client cannot know beforehand (a delegation's token), so that a
    /// refusal quoting it in free text cannot leak it.
    pub(crate) fn without_server_text(mut self) -> Error {
        if self.status == Status::Api {
            if let Some(code) = self.http_status {
                self.message =
                    format!("HTTP {code} (the server's text is withheld: it may hold a new token)");
            }
            redact_strings(&mut self.details, None);
        }
        self
    }

    /// This error with `prefix` before its message.
    pub(crate) fn prefixed(mut self, prefix: &str) -> Error {
        self.message.insert_str(0, prefix);
        self
    }

    pub(crate) fn with_details(mut self, details: Value) -> Error {
        self.details = details;
        self
    }

    /// This error with every occurrence of `secret` in its message and details (strings,
    /// object keys, numbers) replaced by `<redacted>`: a server may echo the API key or a
    /// password back. A secret shorter than [`MIN_SCRUBBED_LEN`] is replaced only where a
    /// whole string or number is that secret (a key `k` would otherwise mangle every word).
    pub(crate) fn redacted(mut self, secret: &str) -> Error {
        if !secret.is_empty() {
            self.message = scrub(&self.message, secret).unwrap_or(self.message);
            redact_value(&mut self.details, secret);
        }
        self
    }

    /// The stable status of this error.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The human-readable message (not a contract: match on [`Error::status`]).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the server's answer, for [`Status::Api`] errors.
    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// Structured details: per-field problems for [`Status::Validation`], the server's parsed
    /// error body (or its raw text) for [`Status::Api`], the last machine seen by a wait, ...
    pub fn details(&self) -> &Value {
        &self.details
    }

    /// The flat error object of the C ABI (`code`, `kind`, `message`, `operation`,
    /// `httpStatus`, `details`, `version`).
    pub fn to_json(&self, operation: &str) -> Value {
        serde_json::to_value(self.wire(operation)).unwrap_or(Value::Null)
    }

    /// [`Error::to_json`] as text, keys in the documented order.
    pub fn to_json_string(&self, operation: &str) -> String {
        serde_json::to_string(&self.wire(operation)).unwrap_or_default()
    }

    fn wire<'a>(&'a self, operation: &'a str) -> WireError<'a> {
        WireError {
            code: self.status.code(),
            kind: self.status.name(),
            message: &self.message,
            operation,
            http_status: self.http_status,
            details: &self.details,
            version: crate::VERSION,
        }
    }
}

const REDACTED: &str = "<redacted>";

/// Members whose values are secrets wherever they appear (compared without letter case).
pub const SECRET_MEMBERS: [&str; 7] = [
    "accesstokenid",
    "accesstoken",
    "token",
    "password",
    "apikey",
    "api_key",
    "x-api-key",
];

fn redact_members(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(redact_members),
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if SECRET_MEMBERS.contains(&key.to_ascii_lowercase().as_str()) {
                    *member = Value::String(REDACTED.into());
                } else {
                    redact_members(member);
                }
            }
        }
        _ => {}
    }
}

/// Replaces every string (and every number) below `key`, except the members `name` and
/// `status`, which say what kind of refusal it was.
fn redact_strings(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| redact_strings(v, key)),
        Value::Object(map) => {
            for (k, member) in map.iter_mut() {
                redact_strings(member, Some(k));
            }
        }
        Value::String(_) | Value::Number(_) if !matches!(key, Some("name" | "status")) => {
            *value = Value::String(REDACTED.into());
        }
        _ => {}
    }
}

/// Secrets at least this long are scrubbed wherever they appear inside a text.
pub const MIN_SCRUBBED_LEN: usize = 8;

/// `text` with `secret` replaced, or `None` when it does not hold it.
fn scrub(text: &str, secret: &str) -> Option<String> {
    if secret.len() >= MIN_SCRUBBED_LEN {
        text.contains(secret)
            .then(|| text.replace(secret, REDACTED))
    } else {
        (text == secret).then(|| REDACTED.to_string())
    }
}

fn redact_value(value: &mut Value, secret: &str) {
    match value {
        Value::String(text) => {
            if let Some(clean) = scrub(text, secret) {
                *text = clean;
            }
        }
        Value::Number(number) if scrub(&number.to_string(), secret).is_some() => {
            *value = Value::String(REDACTED.into());
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, secret)),
        Value::Object(map) => {
            if map.keys().any(|k| scrub(k, secret).is_some()) {
                let entries = std::mem::take(map);
                *map = entries
                    .into_iter()
                    .map(|(k, v)| (scrub(&k, secret).unwrap_or(k), v))
                    .collect();
            }
            map.values_mut().for_each(|v| redact_value(v, secret));
        }
        _ => {}
    }
}

/// The error JSON, field by field, in the documented order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireError<'a> {
    code: i32,
    kind: &'static str,
    message: &'a str,
    operation: &'a str,
    http_status: Option<u16>,
    details: &'a Value,
    version: &'static str,
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_and_names_are_stable() {
        let table: Vec<(i32, &str)> = Status::ALL.iter().map(|s| (s.code(), s.name())).collect();
        assert_eq!(
            table,
            [
                (0, "ok"),
                (1, "invalid_argument"),
                (2, "validation"),
                (3, "config"),
                (4, "transport"),
                (5, "timeout"),
                (6, "api"),
                (7, "decode"),
                (8, "cancelled"),
                (9, "machine_error"),
                (98, "internal"),
                (99, "panic"),
            ]
        );
        assert_eq!(Status::from_code(6), Some(Status::Api));
        assert_eq!(Status::from_code(10), None);
    }

    #[test]
    fn error_json_keys_come_in_the_documented_order() {
        let text = Error::timeout("slow").to_json_string("machines_wait");
        assert_eq!(
            text,
            format!(
                r#"{{"code":5,"kind":"timeout","message":"slow","operation":"machines_wait","httpStatus":null,"details":null,"version":"{}"}}"#,
                crate::VERSION
            )
        );
    }

    #[test]
    fn error_json_is_flat() {
        let err = Error::api(404, "Not found", json!({"error": {"status": 404}}));
        let v = err.to_json("machines_show");
        assert_eq!(v["code"], 6);
        assert_eq!(v["kind"], "api");
        assert_eq!(v["message"], "Not found");
        assert_eq!(v["operation"], "machines_show");
        assert_eq!(v["httpStatus"], 404);
        assert_eq!(v["details"]["error"]["status"], 404);
        assert_eq!(v["version"], crate::VERSION);
    }

    #[test]
    fn secrets_are_scrubbed_from_messages_and_details() {
        let echo =
            json!({"error": {"message": "bad key sk-12345"}, "sk-12345": ["x sk-12345 y", 1]});
        let err = Error::api(400, "bad key sk-12345", echo).redacted("sk-12345");
        assert_eq!(err.message(), "bad key <redacted>");
        assert_eq!(
            err.details(),
            &json!({"error": {"message": "bad key <redacted>"}, "<redacted>": ["x <redacted> y", 1]})
        );
    }

    #[test]
    fn a_key_echoed_as_a_number_is_scrubbed() {
        let echo = json!({"key": 31337424242_u64, "near": [1.5, 31337424242_u64]});
        let err = Error::api(400, "HTTP 400", echo).redacted("31337424242");
        assert_eq!(
            err.details(),
            &json!({"key": "<redacted>", "near": [1.5, "<redacted>"]})
        );
    }

    #[test]
    fn short_secrets_are_scrubbed_only_where_whole() {
        let echo = json!({"apiKey": "k", "skip": "keep k here"});
        let err = Error::api(400, "skip must not be negative", echo).redacted("k");
        assert_eq!(err.message(), "skip must not be negative");
        assert_eq!(
            err.details(),
            &json!({"apiKey": "<redacted>", "skip": "keep k here"})
        );
    }

    #[test]
    fn validation_lists_every_field() {
        let mut problems = FieldProblems::new();
        problems.insert("region".into(), json!("is required"));
        problems.insert("size".into(), json!("must be between 50 and 2000"));
        let err = Error::validation(problems);
        assert_eq!(
            err.to_string(),
            "invalid parameters: region is required; size must be between 50 and 2000"
        );
        assert_eq!(
            err.to_json("x")["details"]["size"],
            "must be between 50 and 2000"
        );
        assert_eq!(err.to_json("x")["httpStatus"], Value::Null);
    }
}

//! Fault injection: what a fault object says, how it is read and checked, and the queue that
//! hands the next matching fault to a request. Which answer a fault produces is decided in
//! `handle.rs`; this file only knows the data.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// What a fault does to the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Answer with `status` (default 500) and `body` (default: the standard error body).
    Respond,
    /// Close the connection without sending a byte.
    Close,
    /// Send the status line and headers with a `Content-Length` larger than the bytes that
    /// follow, then close.
    Truncate,
    /// Answer with `status` (default 200) and a body that is not JSON (an HTML page).
    Garbage,
}

/// When a fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// Instead of handling the request: nothing changes on the server.
    #[default]
    BeforeHandling,
    /// After the request was handled for real (its effects stay), replacing or cutting its
    /// answer: the case of a response lost on the way back.
    AfterHandling,
    /// Only for a create with new-user fields: the user is stored, then the fault answers
    /// instead of creating the machine (the documented partial failure).
    AfterUserCreated,
}

/// One fault, as read from a scenario, the control endpoint or the `x-emulator-fault` header.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// `GET` or `POST`; `None` matches any method.
    pub method: Option<String>,
    /// The path's segments (`*` matches any one segment); `None` matches every API path.
    pub path: Option<Vec<String>>,
    /// How many more matching requests this fault strikes.
    pub remaining: u64,
    pub status: Option<u16>,
    pub body: Option<String>,
    pub headers: Vec<(String, String)>,
    pub delay_ms: u64,
    pub action: Option<Action>,
    pub stage: Stage,
}

/// The JSON form, checked field by field by serde (unknown keys are refused so typos show).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FaultSpec {
    method: Option<String>,
    path: Option<String>,
    count: Option<u64>,
    status: Option<u16>,
    body: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    delay_ms: Option<u64>,
    action: Option<Action>,
    stage: Option<Stage>,
}

/// Headers a fault may not set: the emulator owns the framing of its answers.
const RESERVED_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

impl Fault {
    /// Reads one fault object.
    pub fn from_value(value: Value) -> Result<Fault, String> {
        let spec: FaultSpec = serde_json::from_value(value).map_err(|e| format!("fault: {e}"))?;
        let method = match spec.method {
            None => None,
            Some(m) => {
                let upper = m.to_ascii_uppercase();
                if upper != "GET" && upper != "POST" {
                    return Err(format!("fault: method must be GET or POST, not {m:?}"));
                }
                Some(upper)
            }
        };
        let path = match spec.path {
            None => None,
            Some(p) if p.starts_with('/') => Some(segments(&p)),
            Some(p) => return Err(format!("fault: path must start with '/', not {p:?}")),
        };
        if spec.count == Some(0) {
            return Err("fault: count must be at least 1".into());
        }
        if let Some(status) = spec.status {
            if !(200..=599).contains(&status) {
                return Err(format!(
                    "fault: status must be from 200 to 599, not {status}"
                ));
            }
        }
        let mut headers = Vec::new();
        for (name, value) in spec.headers.unwrap_or_default() {
            let token = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !token {
                return Err(format!("fault: {name:?} is not a valid header name"));
            }
            if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(format!("fault: header {name} cannot be set by a fault"));
            }
            if value.chars().any(|c| c.is_control() && c != '\t') {
                return Err(format!(
                    "fault: the value of header {name} has a control character"
                ));
            }
            headers.push((name, value));
        }
        Ok(Fault {
            method,
            path,
            remaining: spec.count.unwrap_or(1),
            status: spec.status,
            body: spec.body,
            headers,
            delay_ms: spec.delay_ms.unwrap_or(0),
            action: spec.action,
            stage: spec.stage.unwrap_or_default(),
        })
    }

    /// Reads a fault object or an array of them.
    pub fn parse_list(text: &str) -> Result<Vec<Fault>, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("faults are not JSON: {e}"))?;
        Fault::from_values(value)
    }

    /// A fault object or an array of them, already parsed as JSON.
    pub fn from_values(value: Value) -> Result<Vec<Fault>, String> {
        match value {
            Value::Array(items) => items.into_iter().map(Fault::from_value).collect(),
            object @ Value::Object(_) => Ok(vec![Fault::from_value(object)?]),
            _ => Err("faults must be a JSON object or an array of objects".into()),
        }
    }

    /// True when the fault only delays (or adds headers to) the real answer.
    pub fn only_delays(&self) -> bool {
        self.action.is_none() && self.status.is_none() && self.body.is_none()
    }

    fn matches(&self, method: &str, path: &[&str]) -> bool {
        let method_ok = self.method.as_deref().is_none_or(|m| m == method);
        let path_ok = self.path.as_ref().is_none_or(|want| {
            want.len() == path.len() && want.iter().zip(path).all(|(w, p)| w == "*" || w == p)
        });
        method_ok && path_ok
    }
}

/// `/machines/x/start/` -> `["machines", "x", "start"]` (a trailing slash does not count).
pub fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Pending faults, oldest first.
#[derive(Debug, Default)]
pub struct FaultQueue {
    faults: Vec<Fault>,
}

impl FaultQueue {
    pub fn extend(&mut self, faults: Vec<Fault>) {
        self.faults.extend(faults);
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// How many requests the pending faults will still strike.
    pub fn pending(&self) -> u64 {
        self.faults.iter().map(|f| f.remaining).sum()
    }

    /// Takes one strike of the oldest fault that matches the request at this stage
    /// (`after_user_created` selects the faults of that stage, otherwise all others).
    pub fn take(&mut self, method: &str, path: &str, after_user_created: bool) -> Option<Fault> {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let index = self.faults.iter().position(|f| {
            (f.stage == Stage::AfterUserCreated) == after_user_created && f.matches(method, &segs)
        })?;
        let fault = &mut self.faults[index];
        fault.remaining -= 1;
        if fault.remaining == 0 {
            Some(self.faults.remove(index))
        } else {
            Some(fault.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_field() {
        let f = Fault::from_value(json!({
            "method": "get", "path": "/machines/*/start/", "count": 2, "status": 503,
            "body": "x", "headers": {"Retry-After": "1"}, "delayMs": 5, "action": "respond",
            "stage": "afterHandling"
        }))
        .unwrap();
        assert_eq!(f.method.as_deref(), Some("GET"));
        assert_eq!(
            f.path,
            Some(vec!["machines".into(), "*".into(), "start".into()])
        );
        assert_eq!((f.remaining, f.status, f.delay_ms), (2, Some(503), 5));
        assert_eq!(
            f.headers,
            vec![("Retry-After".to_string(), "1".to_string())]
        );
        assert_eq!(
            (f.action, f.stage),
            (Some(Action::Respond), Stage::AfterHandling)
        );
    }

    #[test]
    fn refuses_bad_faults() {
        for bad in [
            json!({"path": "/x", "bogus": 1}),
            json!({"path": "x"}),
            json!({"method": "PUT"}),
            json!({"count": 0}),
            json!({"status": 99}),
            json!({"action": "explode"}),
            json!({"headers": {"Content-Length": "3"}}),
            json!({"headers": {"X-A": "a\r\nb: c"}}),
            json!(42),
        ] {
            assert!(Fault::from_values(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_queue_counts_down_in_order() {
        let mut q = FaultQueue::default();
        q.extend(
            Fault::from_values(json!([
                {"path": "/machines/*/start", "count": 2, "status": 500},
                {"method": "GET", "status": 502},
                {"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated"}
            ]))
            .unwrap(),
        );
        assert_eq!(q.pending(), 4);
        assert_eq!(
            q.take("POST", "/machines/ps1/start/", false)
                .unwrap()
                .status,
            Some(500)
        );
        assert_eq!(
            q.take("GET", "/templates/getTemplates", false)
                .unwrap()
                .status,
            Some(502)
        );
        assert!(q.take("POST", "/machines/ps1/stop", false).is_none());
        assert!(
            q.take("POST", "/machines/createSingleMachinePublic", false)
                .is_none()
        );
        assert!(
            q.take("POST", "/machines/createSingleMachinePublic", true)
                .is_some()
        );
        assert_eq!(
            q.take("POST", "/machines/ps2/start", false).unwrap().status,
            Some(500)
        );
        assert_eq!(q.pending(), 0);
    }
}

//! Helpers shared by the emulator's integration tests: a started emulator plus a ureq agent
//! that returns every status as a response.

#![allow(dead_code)] // each test file uses a different subset

use std::time::{Duration, Instant};

use paperspace::emulator::{ADMIN_KEY, Emulator, Scenario};
use serde_json::Value;

pub struct Api {
    pub emulator: Emulator,
    pub agent: ureq::Agent,
}

pub struct Resp {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The message of an error body, after checking the whole shape.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "body: {}", self.body);
        let v = self.json();
        assert_eq!(v["error"]["name"], "Error", "{}", self.body);
        assert_eq!(v["error"]["status"], status, "{}", self.body);
        assert_eq!(v.as_object().unwrap().len(), 1);
        assert_eq!(v["error"].as_object().unwrap().len(), 3);
        v["error"]["message"].as_str().unwrap().to_owned()
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// The default scenario with short delays.
pub fn fast() -> Scenario {
    Scenario::default().with_delays_ms(40)
}

/// The default scenario with the given delays (ms): provision, start, stop, restart, destroy.
pub fn with_delays(provision: u64, start: u64, stop: u64, restart: u64, destroy: u64) -> Scenario {
    let mut scenario: Value =
        serde_json::from_str(paperspace::emulator::DEFAULT_SCENARIO_JSON).unwrap();
    scenario["delays"] = serde_json::json!({
        "provisionMs": provision, "startMs": start, "stopMs": stop,
        "restartMs": restart, "destroyMs": destroy
    });
    Scenario::from_json(&scenario.to_string()).unwrap()
}

pub fn start(scenario: Scenario) -> Api {
    Api {
        emulator: Emulator::start("127.0.0.1:0", scenario).expect("emulator starts"),
        agent: agent(),
    }
}

fn into_resp(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut response = result.expect("request completes");
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    Resp {
        status: response.status().as_u16(),
        body: response.body_mut().read_to_string().expect("body reads"),
        headers,
    }
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.url())
    }

    pub fn get(&self, path: &str, key: Option<&str>) -> Resp {
        let mut request = self.agent.get(self.url(path));
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        into_resp(request.call())
    }

    pub fn post(&self, path: &str, key: Option<&str>, body: &str) -> Resp {
        let mut request = self
            .agent
            .post(self.url(path))
            .header("content-type", "application/json");
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        into_resp(request.send(body))
    }

    /// A request with extra headers (and a body for POST).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        if let Some(key) = key {
            builder = builder.header("x-api-key", key);
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if body.is_empty() {
            into_resp(self.agent.run(builder.body(()).expect("a valid request")))
        } else {
            into_resp(
                self.agent
                    .run(builder.body(body.to_vec()).expect("a valid request")),
            )
        }
    }

    /// POST as the admin, expecting 200 and JSON.
    pub fn admin_post(&self, path: &str, body: Value) -> Value {
        let r = self.post(path, Some(ADMIN_KEY), &body.to_string());
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.json()
    }

    /// GET as the admin, expecting 200 and JSON.
    pub fn admin_json(&self, path: &str) -> Value {
        let r = self.get(path, Some(ADMIN_KEY));
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.json()
    }

    /// Creates a machine as the admin with `extra` merged into a valid body; returns it.
    pub fn create(&self, extra: Value) -> Value {
        let r = self.post(
            "/machines/createSingleMachinePublic",
            Some(ADMIN_KEY),
            &create_body(extra).to_string(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    pub fn show(&self, id: &str) -> Value {
        self.admin_json(&format!("/machines/getMachinePublic?machineId={id}"))
    }

    /// Polls show until the machine reads `state`; returns the machine.
    pub fn wait_for(&self, id: &str, state: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let m = self.show(id);
            if m["state"] == state {
                return m;
            }
            assert!(Instant::now() < deadline, "{id} never became {state}: {m}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// A valid create body (Ubuntu 18.04 server template, CPU machine) with `extra` merged in.
pub fn create_body(extra: Value) -> Value {
    let mut body = serde_json::json!({
        "region": "East Coast (NY2)",
        "machineType": "C2",
        "size": 50,
        "billingType": "hourly",
        "machineName": "test machine",
        "templateId": "t04azgph"
    });
    for (k, v) in extra.as_object().expect("extra is an object") {
        body[k] = v.clone();
    }
    body
}

/// True for an address of the three documentation blocks the emulator hands out as public.
pub fn is_public_test_address(ip: &str) -> bool {
    ["203.0.113.", "198.51.100.", "192.0.2."]
        .iter()
        .any(|block| {
            ip.strip_prefix(block)
                .is_some_and(|h| h.parse::<u8>().is_ok_and(|h| (1..255).contains(&h)))
        })
}

/// Percent-encoding of a query value (every byte but unreserved characters).
pub fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The 27 machine keys, in the order of the captured bodies.
pub const MACHINE_KEYS: [&str; 27] = [
    "id",
    "name",
    "os",
    "ram",
    "cpus",
    "gpu",
    "storageTotal",
    "storageUsed",
    "usageRate",
    "shutdownTimeoutInHours",
    "shutdownTimeoutForces",
    "performAutoSnapshot",
    "autoSnapshotFrequency",
    "autoSnapshotSaveCount",
    "dynamicPublicIp",
    "agentType",
    "dtCreated",
    "state",
    "updatesPending",
    "networkId",
    "privateIpAddress",
    "publicIpAddress",
    "region",
    "userId",
    "teamId",
    "scriptId",
    "dtLastRun",
];

/// The keys of a JSON object in the order they appear in its text.
pub fn key_order(text: &str) -> Vec<String> {
    // serde_json's Map sorts keys unless preserve_order is on, so read the text itself.
    let mut keys = Vec::new();
    let mut depth = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            '"' => {
                let start = i + 1;
                let mut end = start;
                let mut escaped = false;
                for (j, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        end = j;
                        break;
                    }
                }
                let rest = text[end + 1..].trim_start();
                if depth == 1 && rest.starts_with(':') {
                    keys.push(text[start..end].to_owned());
                }
            }
            _ => {}
        }
    }
    keys
}

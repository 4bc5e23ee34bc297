//! `machines wait many`: client-side, waits for many machines at the cost of one `machines
//! list` per interval, however many they are. A machine missing from the list (beyond its first
//! page, or gone) is shown on its own; so is one that falls back to `off` while the target is
//! another state, to read its newest event (the list has no events): an event in state `error`
//! ends the wait at once with `machine_error`, as for a single wait.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;

use super::call::Call;
use super::wait::{LAST_POLL, Progress, millis};
use super::{Operation, decode};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::Params;
use crate::model::machine::{Machine, MachineFilter, MachineRef, WaitManyParams, WaitParams};

/// A listed machine: its id and state, and its JSON text as the server sent it.
struct Listed<'a> {
    id: &'a str,
    state: String,
    text: &'a RawValue,
}

fn listed(body: &str) -> Result<Vec<Listed<'_>>> {
    #[derive(Deserialize)]
    struct Fields<'a> {
        #[serde(borrow)]
        id: &'a str,
        #[serde(default)]
        state: Option<String>,
    }
    let machines: Vec<&RawValue> = decode(body)?;
    machines
        .into_iter()
        .map(|text| {
            let fields: Fields = decode(text.get())?;
            Ok(Listed {
                id: fields.id,
                state: fields.state.unwrap_or_default(),
                text,
            })
        })
        .collect()
}

impl Client {
    /// Waits until every machine of `params` reaches the state, polling `machines list` every
    /// `intervalMs`; returns the machines in the order asked. The same bounds, fail-fast and
    /// cancellation as [`Client::wait_for_machine`].
    ///
    /// ```no_run
    /// use paperspace::model::machine::WaitManyParams;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let ready = client.wait_for_machines(&WaitManyParams::new(&["psxs9sp8u", "ps5vn2w7"], "ready"), None)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn wait_for_machines(
        &self,
        params: &WaitManyParams,
        cancel: Option<&super::Cancel>,
    ) -> Result<Vec<Machine>> {
        let call = Call::new(self.timeout(), cancel);
        let body = crate::transport::watching(cancel, || self.wait_many_json(params, &call))
            .map_err(|error| self.scrubbed(error))?;
        decode(&body)
    }

    /// The table's wait many.
    pub(crate) fn wait_many_json(
        &self,
        params: &WaitManyParams,
        call: &Call<'_>,
    ) -> Result<String> {
        params.validate()?;
        let target = params.target();
        let interval = millis(params.interval_ms, WaitParams::DEFAULT_INTERVAL_MS);
        let limit = millis(params.timeout_ms, WaitParams::DEFAULT_TIMEOUT_MS);
        let wait = Call::new(limit, call.cancel()).within(limit);
        let ids: Vec<&str> = params
            .machine_ids
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut reached: HashMap<&str, String> = HashMap::new();
        let mut last_state: HashMap<&str, String> = HashMap::new();
        let timed_out = |last_state: &HashMap<&str, String>, reached: &HashMap<&str, String>| {
            let pending: Vec<&str> = ids
                .iter()
                .copied()
                .filter(|id| !reached.contains_key(id))
                .collect();
            let states: serde_json::Map<String, serde_json::Value> = pending
                .iter()
                .map(|id| (id.to_string(), json!(last_state.get(id))))
                .collect();
            Error::timeout(format!(
                "{} of {} machines did not reach state '{target}' within {} ms",
                pending.len(),
                ids.len(),
                wait.limit().as_millis()
            ))
            .with_details(json!({"target": target, "pending": pending, "states": states}))
        };
        loop {
            let Some(body) =
                self.poll(Operation::MachinesList, &MachineFilter::default(), &wait)?
            else {
                return Err(timed_out(&last_state, &reached));
            };
            let machines = listed(&body)?;
            let by_id: HashMap<&str, &Listed> = machines.iter().map(|m| (m.id, m)).collect();
            for &id in &ids {
                if reached.contains_key(id) {
                    continue;
                }
                let fell_back = |state: &str| {
                    state == "off"
                        && target != "off"
                        && last_state.get(id).map(String::as_str) != Some("off")
                };
                let seen = match by_id.get(id) {
                    Some(m) if m.state == target => {
                        Some((m.state.clone(), m.text.get().to_string()))
                    }
                    Some(m) if !fell_back(&m.state) => {
                        last_state.insert(id, m.state.clone());
                        None
                    }
                    // Missing from the list, or fell back to off: read it whole.
                    _ => {
                        let Some(shown) =
                            self.poll(Operation::MachinesShow, &MachineRef::new(id), &wait)?
                        else {
                            return Err(timed_out(&last_state, &reached));
                        };
                        let progress: Progress = decode(&shown)?;
                        let state = progress.state.as_deref().unwrap_or_default().to_string();
                        if state != target {
                            if let Some(failed) = progress.failure(&target) {
                                return Err(failed);
                            }
                            last_state.insert(id, state);
                            None
                        } else {
                            Some((state, shown.clone()))
                        }
                    }
                };
                if let Some((state, text)) = seen {
                    last_state.insert(id, state);
                    reached.insert(id, text);
                }
            }
            if reached.len() == ids.len() {
                let texts: Vec<&str> = ids.iter().map(|id| reached[id].as_str()).collect();
                return Ok(format!("[{}]", texts.join(",")));
            }
            let left = wait.left();
            if left <= LAST_POLL {
                return Err(timed_out(&last_state, &reached));
            }
            wait.sleep(interval.min(left - LAST_POLL))?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn listed_machines_keep_their_text() {
        let body = r#"[{"id": "ps1", "state": "ready", "x": [1, {"y": null}]}, {"id": "ps2"}]"#;
        let machines = listed(body).unwrap();
        assert_eq!(
            machines[0].text.get(),
            r#"{"id": "ps1", "state": "ready", "x": [1, {"y": null}]}"#
        );
        assert_eq!((machines[1].id, machines[1].state.as_str()), ("ps2", ""));
        assert!(listed(r#"[{"state": "off"}]"#).is_err());
    }

    #[test]
    fn intervals_default_like_a_single_wait() {
        assert_eq!(
            millis(None, WaitParams::DEFAULT_INTERVAL_MS),
            Duration::from_secs(5)
        );
    }
}

//! `machines wait`: client-side, polls `machines show` until the machine reaches a state.

use std::borrow::Cow;
use std::thread;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;

use super::{Cancel, decode};
use crate::client::Client;
use crate::error::{Error, Result, Status};
use crate::model::Params;
use crate::model::machine::{Machine, MachineRef, WaitParams};

/// What a poll needs to know of the machine (borrowed from the body, not copied).
#[derive(Deserialize)]
struct Progress<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    state: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    events: Option<Vec<EventProgress<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventProgress<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    state: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    error_msg: Option<Cow<'a, str>>,
}

/// The longest a wait sleeps without looking at its [`Cancel`].
const CANCEL_CHECK: Duration = Duration::from_millis(50);

impl Client {
    /// Polls `machines show` every `intervalMs` until the machine's state is the target
    /// (`off`, `serviceready` or `ready`) and returns it. Fails fast with
    /// [`Status::MachineError`](crate::Status) when the newest event is in state `error`,
    /// with `Timeout` after `timeoutMs`, and with `Cancelled` once `cancel` is set.
    ///
    /// ```no_run
    /// use paperspace::Cancel;
    /// use paperspace::model::machine::WaitParams;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let params = WaitParams { interval_ms: Some(1_000), ..WaitParams::new("psxs9sp8u", "ready") };
    /// let cancel = Cancel::new(); // cancel.cancel() from another thread stops the wait
    /// let machine = client.wait_for_machine(&params, Some(&cancel))?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn wait_for_machine(
        &self,
        params: &WaitParams,
        cancel: Option<&Cancel>,
    ) -> Result<Machine> {
        decode(&self.wait_json(params, cancel)?)
    }

    pub(crate) fn wait_json(&self, params: &WaitParams, cancel: Option<&Cancel>) -> Result<String> {
        params.validate()?;
        let target = params.target();
        let interval = millis(params.interval_ms, WaitParams::DEFAULT_INTERVAL_MS);
        let limit = millis(params.timeout_ms, WaitParams::DEFAULT_TIMEOUT_MS);
        let deadline = Instant::now() + limit;
        let machine_id = params.machine_id.as_deref().unwrap_or_default();
        let show = MachineRef::new(machine_id);
        let timed_out = |last_state: Option<&str>| {
            let seen = last_state.map_or("none".into(), |s| format!("'{s}'"));
            Error::timeout(format!(
                "machine {machine_id} did not reach state '{target}' within {} ms (last state: {seen})",
                limit.as_millis()
            ))
            .with_details(json!({"machineId": machine_id, "state": last_state, "target": target}))
        };
        let mut last_state: Option<String> = None;
        loop {
            check_cancel(cancel)?;
            let left = deadline.saturating_duration_since(Instant::now());
            let body = match self.show_body_within(&show, Some(left)) {
                Ok(body) => body,
                // The poll ran out of the wait's own time: that is the wait timing out.
                Err(e) if e.status() == Status::Timeout && Instant::now() >= deadline => {
                    return Err(timed_out(last_state.as_deref()));
                }
                Err(e) => return Err(e),
            };
            let progress: Progress = decode(&body)?;
            let state = progress.state.as_deref().unwrap_or_default();
            if state == target {
                return Ok(body);
            }
            if let Some(failed) = progress
                .events
                .iter()
                .flatten()
                .next()
                .filter(|e| e.state.as_deref() == Some("error"))
            {
                let name = failed.name.as_deref().unwrap_or("unknown");
                let why = failed.error_msg.as_deref().unwrap_or_default();
                return Err(Error::machine_error(
                    format!("machine {}: the {name} event failed: {why}", progress.id),
                    json!({"machineId": progress.id, "state": state, "target": target,
                           "event": {"name": name, "state": "error", "errorMsg": why}}),
                ));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out(Some(state)));
            }
            last_state = Some(state.to_string());
            // The last sleep ends at the deadline, so a wait always polls once more right then.
            sleep_unless_cancelled(interval.min(left), cancel)?;
        }
    }
}

/// A validated (so positive) millisecond count, or the default.
fn millis(value: Option<i64>, default: u64) -> Duration {
    Duration::from_millis(
        value
            .and_then(|ms| u64::try_from(ms).ok())
            .unwrap_or(default),
    )
}

fn check_cancel(cancel: Option<&Cancel>) -> Result<()> {
    match cancel {
        Some(c) if c.is_cancelled() => Err(Error::cancelled("the wait was cancelled")),
        _ => Ok(()),
    }
}

fn sleep_unless_cancelled(total: Duration, cancel: Option<&Cancel>) -> Result<()> {
    let end = Instant::now() + total;
    loop {
        check_cancel(cancel)?;
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        thread::sleep(left.min(CANCEL_CHECK));
    }
}

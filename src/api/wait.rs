//! `machines wait`: client-side, polls `machines show` until the machine reaches a state.

use std::borrow::Cow;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::call::Call;
use super::{Cancel, Operation, decode};
use crate::client::Client;
use crate::error::{Error, Result, Status};
use crate::model::Params;
use crate::model::machine::{Machine, MachineRef, WaitParams};

/// What a poll needs to know of the machine (borrowed from the body, not copied).
#[derive(Deserialize)]
pub(super) struct Progress<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) state: Option<Cow<'a, str>>,
    /// Only the newest event is kept: a wait reads nothing else of the list, however long.
    #[serde(borrow, default)]
    events: FirstEvent<'a>,
}

impl Progress<'_> {
    /// The `machine_error` of a machine whose newest event is in state `error`.
    pub(super) fn failure(&self, target: &str) -> Option<Error> {
        let failed = self
            .events
            .0
            .as_ref()
            .filter(|e| e.state.as_deref() == Some("error"))?;
        let state = self.state.as_deref().unwrap_or_default();
        let name = failed.name.as_deref().unwrap_or("unknown");
        let why = failed.error_msg.as_deref().unwrap_or_default();
        Some(Error::machine_error(
            format!("machine {}: the {name} event failed: {why}", self.id),
            json!({"machineId": self.id, "state": state, "target": target,
                   "event": {"name": name, "state": "error", "errorMsg": why}}),
        ))
    }
}

/// The first element of the `events` array (or null), the rest skipped without being kept.
#[derive(Default)]
struct FirstEvent<'a>(Option<EventProgress<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstEvent<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = FirstEvent<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of events or null")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<FirstEvent<'a>, E> {
                Ok(FirstEvent(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<FirstEvent<'a>, A::Error> {
                let first = seq.next_element::<EventProgress<'a>>()?;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(FirstEvent(first))
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventProgress<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) state: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    error_msg: Option<Cow<'a, str>>,
}

/// The time kept for the last poll of a wait, before its deadline.
pub(super) const LAST_POLL: Duration = Duration::from_millis(100);

impl Client {
    /// Polls `machines show` every `intervalMs` until the machine's state is the target
    /// (`off`, `serviceready` or `ready`) and returns it. Fails fast with
    /// [`Status::MachineError`](crate::Status) when the newest event is in state `error`,
    /// with `Timeout` after `timeoutMs` (or the token's deadline, if sooner), and with
    /// `Cancelled` once `cancel` is triggered. Each poll is bounded by the client's
    /// `timeoutMs` and by the time the wait has left.
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
        let call = Call::new(self.timeout(), cancel);
        let body = crate::transport::watching(cancel, || self.wait_json(params, &call))
            .map_err(|error| self.scrubbed(error))?;
        decode(&body)
    }

    /// The table's wait. `call` brings the cancel token; the wait's own `timeoutMs` (and the
    /// token's deadline, if sooner) bounds it, not the client's.
    pub(crate) fn wait_json(&self, params: &WaitParams, call: &Call<'_>) -> Result<String> {
        params.validate()?;
        let target = params.target();
        let interval = millis(params.interval_ms, WaitParams::DEFAULT_INTERVAL_MS);
        let limit = millis(params.timeout_ms, WaitParams::DEFAULT_TIMEOUT_MS);
        let wait = Call::new(limit, call.cancel()).within(limit);
        let machine_id = params.machine_id.as_deref().unwrap_or_default();
        let show = MachineRef::new(machine_id);
        let timed_out = |last_state: Option<&str>| {
            let seen = last_state.map_or("none".into(), |s| format!("'{s}'"));
            Error::timeout(format!(
                "machine {machine_id} did not reach state '{target}' within {} ms (last state: {seen})",
                wait.limit().as_millis()
            ))
            .with_details(json!({"machineId": machine_id, "state": last_state, "target": target}))
        };
        let mut last_state: Option<String> = None;
        loop {
            let Some(body) = self.poll(Operation::MachinesShow, &show, &wait)? else {
                return Err(timed_out(last_state.as_deref()));
            };
            let progress: Progress = decode(&body)?;
            let state = progress.state.as_deref().unwrap_or_default();
            if state == target {
                return Ok(body);
            }
            if let Some(failed) = progress.failure(&target) {
                return Err(failed);
            }
            let left = wait.left();
            if left <= LAST_POLL {
                return Err(timed_out(Some(state)));
            }
            last_state = Some(state.to_string());
            // The last sleep ends just before the deadline, so a wait always polls once more
            // then, and still ends within its time.
            wait.sleep(interval.min(left - LAST_POLL))?;
        }
    }
}

impl Client {
    /// One poll of a wait, bounded by the client's `timeoutMs` and the wait's time left.
    /// `None` when it ran out of the wait's own time: that is the wait timing out.
    pub(super) fn poll<P: Params>(
        &self,
        operation: Operation,
        params: &P,
        wait: &Call<'_>,
    ) -> Result<Option<String>> {
        match self.request(operation, params, &wait.within(self.timeout())) {
            Ok(body) => Ok(Some(body)),
            Err(e) if e.status() == Status::Timeout && wait.left().is_zero() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A validated (so positive) millisecond count, or the default.
pub(super) fn millis(value: Option<i64>, default: u64) -> Duration {
    Duration::from_millis(
        value
            .and_then(|ms| u64::try_from(ms).ok())
            .unwrap_or(default),
    )
}

//! A machine and its event log. Every transition is stored with its start and end times when it
//! is requested, so the state at any moment is computed from the clock when the machine is
//! read: no timer threads, and reads are consistent with each other.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the capacity error of a start says (the message of the real API).
pub const CAPACITY_ERROR: &str =
    "This machine type can't start due to insufficient capacity. Please try again later.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    /// `starts`: an automatic start follows (startOnCreate).
    Create {
        starts: bool,
    },
    /// `automatic`: the start that follows create; the machine reads `provisioning` meanwhile.
    Start {
        automatic: bool,
    },
    Stop,
    Restart,
    Deactivate,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Create { .. } => "create",
            EventKind::Start { .. } => "start",
            EventKind::Stop => "stop",
            EventKind::Restart => "restart",
            EventKind::Deactivate => "deactivate",
        }
    }
}

/// One machine event: `new` from `created_ms`, `in progress` from `begin_ms`, `done` (or
/// `error` when `error` is set) from `end_ms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "SavedEvent")]
pub struct Event {
    pub kind: EventKind,
    pub handle: String,
    pub created_ms: i64,
    pub begin_ms: i64,
    pub end_ms: i64,
    // Read through `SavedEvent` (`from` above); skipped here so that the derive does not ask
    // for a `'static` input.
    #[serde(skip_deserializing)]
    pub error: Option<&'static str>,
}

impl Event {
    /// The event's `state` at `now`.
    pub fn state_at(&self, now: i64) -> &'static str {
        if now >= self.end_ms {
            if self.error.is_some() {
                "error"
            } else {
                "done"
            }
        } else if now >= self.begin_ms {
            "in progress"
        } else {
            "new"
        }
    }

    /// `dtModified` at `now`: the time of the last change of state.
    pub fn modified_at(&self, now: i64) -> i64 {
        if now >= self.end_ms {
            self.end_ms
        } else if now >= self.begin_ms {
            self.begin_ms
        } else {
            self.created_ms
        }
    }
}

/// The state a machine reads as, plus `Gone` once a destroy has finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Provisioning,
    Starting,
    Stopping,
    Restarting,
    /// The end of a start or restart: services up, the agent not yet.
    ServiceReady,
    Ready,
    Off,
    Gone,
}

impl Phase {
    /// The states in which a machine runs (and is billed by the hour).
    pub fn is_running(self) -> bool {
        matches!(
            self,
            Phase::Starting
                | Phase::ServiceReady
                | Phase::Ready
                | Phase::Restarting
                | Phase::Stopping
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Phase::Provisioning => "provisioning",
            Phase::Starting => "starting",
            Phase::Stopping => "stopping",
            Phase::Restarting => "restarting",
            Phase::ServiceReady => "serviceready",
            Phase::Ready => "ready",
            Phase::Off | Phase::Gone => "off",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    /// Creation order, unique for the emulator's life (not saved: a restore renumbers), the
    /// key of the list indexes (`index.rs`).
    #[serde(skip)]
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub machine_type: String,
    pub billing_type: String,
    pub size_gb: u64,
    /// The template's OS text, shown as `os` once provisioned.
    pub os: String,
    pub agent_type: String,
    pub region: String,
    pub user_id: String,
    pub team_id: String,
    pub network_id: String,
    pub private_ip: String,
    /// A static public address (assignPublicIp), or the address a dynamic IP gets while running.
    pub public_ip: Option<String>,
    pub dynamic_public_ip: bool,
    /// The startup script attached to the machine (create's `scriptId`, scripts create's
    /// `machineId`), until the script is destroyed.
    pub script: Option<ScriptLink>,
    pub shutdown_timeout_in_hours: Value,
    pub shutdown_timeout_forces: bool,
    pub perform_auto_snapshot: bool,
    pub auto_snapshot_frequency: Value,
    pub auto_snapshot_save_count: Value,
    pub created_ms: i64,
    /// The share of a start or restart (percent) that reads `serviceready` at its end.
    pub service_ready_percent: u8,
    /// Users of the team given access by setMachineAccess: they see the machine and may start,
    /// stop and restart it.
    pub accessors: Vec<String>,
    /// In the order they were requested; their `begin_ms` never decrease.
    pub events: Vec<Event>,
}

/// A script attached to a machine, with what decides when it runs (copied from the script,
/// which cannot be changed once created).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScriptLink {
    pub id: String,
    pub attached_ms: i64,
    pub enabled: bool,
    pub run_once: bool,
}

impl Machine {
    /// The hardware fields (os, ram, gpu, storage, region, network) appear when the create
    /// event goes in progress.
    pub fn provisioned_at(&self, now: i64) -> bool {
        self.events
            .first()
            .is_some_and(|create| now >= create.begin_ms)
    }

    /// The state at `now`, from the latest event that has begun.
    pub fn phase_at(&self, now: i64) -> Phase {
        match self.events.iter().rev().find(|e| e.begin_ms <= now) {
            None => Phase::Provisioning,
            Some(e) if now < e.end_ms && self.service_ready(e, now) => Phase::ServiceReady,
            Some(e) if now < e.end_ms => match e.kind {
                EventKind::Create { .. } | EventKind::Start { automatic: true } => {
                    Phase::Provisioning
                }
                EventKind::Start { .. } => Phase::Starting,
                EventKind::Stop => Phase::Stopping,
                EventKind::Restart => Phase::Restarting,
                EventKind::Deactivate => Phase::Off,
            },
            Some(e) => settled(e),
        }
    }

    /// True in the last part of a start or restart that will succeed.
    fn service_ready(&self, e: &Event, now: i64) -> bool {
        let share = (e.end_ms - e.begin_ms) * i64::from(self.service_ready_percent) / 100;
        matches!(e.kind, EventKind::Start { .. } | EventKind::Restart)
            && e.error.is_none()
            && share > 0
            && now >= e.end_ms - share
    }

    /// The first time after `now` at which `phase_at` may change (an event begins or ends, or
    /// a start or restart reaches its `serviceready` share); `None` once nothing will change.
    pub fn next_change(&self, now: i64) -> Option<i64> {
        self.events
            .iter()
            .flat_map(|e| {
                let share = (e.end_ms - e.begin_ms) * i64::from(self.service_ready_percent) / 100;
                [e.begin_ms, e.end_ms, e.end_ms - share]
            })
            .filter(|&t| t > now)
            .min()
    }

    /// The state the machine ends in once every requested transition is over.
    pub fn target(&self) -> Phase {
        self.events.last().map_or(Phase::Provisioning, settled)
    }

    /// True once a destroy was requested.
    pub fn destroying(&self) -> bool {
        self.events.iter().any(|e| e.kind == EventKind::Deactivate)
    }

    /// Queues a transition after the ones still running: it reads `new` until they finish.
    pub fn queue(
        &mut self,
        kind: EventKind,
        handle: String,
        now: i64,
        duration_ms: i64,
        error: Option<&'static str>,
    ) {
        let begin = self.events.last().map_or(now, |e| e.end_ms.max(now));
        self.events.push(Event {
            kind,
            handle,
            created_ms: now,
            begin_ms: begin,
            end_ms: begin + duration_ms,
            error,
        });
    }

    /// Destroy: transitions not yet requested (the automatic start) are dropped, pending and
    /// running ones finish now, and a `deactivate` event runs for `duration_ms`, after which
    /// the machine is gone.
    pub fn deactivate(&mut self, handle: String, now: i64, duration_ms: i64) {
        self.events.retain(|e| e.created_ms <= now);
        for e in &mut self.events {
            if e.end_ms > now {
                e.begin_ms = e.begin_ms.min(now);
                e.end_ms = now;
                e.error = None;
            }
        }
        self.events.push(Event {
            kind: EventKind::Deactivate,
            handle,
            created_ms: now,
            begin_ms: now,
            end_ms: now + duration_ms,
            error: None,
        });
    }

    /// The events visible at `now`, newest first (by creation; the later request first when
    /// two were created at once), at most `limit`. The automatic start is created when create
    /// ends, after any action asked for while provisioning, so request order is not enough.
    pub fn recent_events(&self, now: i64, limit: usize) -> impl Iterator<Item = &Event> {
        let mut visible: Vec<&Event> = self
            .events
            .iter()
            .rev()
            .filter(|e| e.created_ms <= now)
            .collect();
        visible.sort_by_key(|e| std::cmp::Reverse(e.created_ms));
        visible.truncate(limit);
        visible.into_iter()
    }

    /// When the attached script last ran (`dtLastRun`): the end of a start or restart that
    /// succeeded after the script was attached, the first one for a run-once script. A
    /// disabled script never runs.
    pub fn last_script_run(&self, now: i64) -> Option<i64> {
        let link = self.script.as_ref().filter(|l| l.enabled)?;
        let mut runs = self
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Start { .. } | EventKind::Restart))
            .filter(|e| e.error.is_none() && e.end_ms <= now && e.begin_ms >= link.attached_ms)
            .map(|e| e.end_ms);
        if link.run_once {
            runs.next()
        } else {
            runs.next_back()
        }
    }

    /// Milliseconds within `from..to` during which the machine was running (starting, ready,
    /// restarting or stopping: the states that are billed).
    pub fn running_ms(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        // The phase only changes at an event's begin or end, so it is constant between two
        // consecutive such times.
        let mut points: Vec<i64> = self
            .events
            .iter()
            .flat_map(|e| [e.begin_ms, e.end_ms])
            .filter(|&t| t > from && t < to)
            .collect();
        points.push(from);
        points.push(to);
        points.sort_unstable();
        points.dedup();
        points
            .windows(2)
            .filter(|w| self.phase_at(w[0]).is_running())
            .map(|w| w[1] - w[0])
            .sum()
    }

    /// When the machine is gone (its destroy finished), if it was destroyed.
    pub fn gone_at(&self) -> Option<i64> {
        self.events
            .iter()
            .find(|e| e.kind == EventKind::Deactivate)
            .map(|e| e.end_ms)
    }

    /// True while a dynamic public IP is attached (it is released when the machine stops).
    pub fn dynamic_ip_attached(&self, now: i64) -> bool {
        matches!(
            self.phase_at(now),
            Phase::ServiceReady | Phase::Ready | Phase::Restarting | Phase::Stopping
        )
    }
}

/// An event as a state file holds it: the error as text, which is read back as the one error
/// events have (the capacity error).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SavedEvent {
    kind: EventKind,
    handle: String,
    created_ms: i64,
    begin_ms: i64,
    end_ms: i64,
    error: Option<String>,
}

impl From<SavedEvent> for Event {
    fn from(saved: SavedEvent) -> Event {
        Event {
            kind: saved.kind,
            handle: saved.handle,
            created_ms: saved.created_ms,
            begin_ms: saved.begin_ms,
            end_ms: saved.end_ms,
            error: saved.error.map(|_| CAPACITY_ERROR),
        }
    }
}

/// The state after an event has finished.
fn settled(event: &Event) -> Phase {
    match event.kind {
        EventKind::Create { starts: true } => Phase::Ready,
        EventKind::Create { starts: false } | EventKind::Stop => Phase::Off,
        EventKind::Start { .. } | EventKind::Restart if event.error.is_some() => Phase::Off,
        EventKind::Start { .. } | EventKind::Restart => Phase::Ready,
        EventKind::Deactivate => Phase::Gone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine {
        Machine {
            seq: 0,
            id: "ps1".into(),
            name: "m".into(),
            machine_type: "C1".into(),
            billing_type: "hourly".into(),
            size_gb: 50,
            os: "Ubuntu 18.04 Server".into(),
            agent_type: "LinuxHeadless".into(),
            region: "Europe (AMS1)".into(),
            user_id: "u1".into(),
            team_id: "te1".into(),
            network_id: "n1".into(),
            private_ip: "10.64.0.1".into(),
            public_ip: None,
            dynamic_public_ip: false,
            script: None,
            shutdown_timeout_in_hours: Value::from(168),
            shutdown_timeout_forces: false,
            perform_auto_snapshot: false,
            auto_snapshot_frequency: Value::Null,
            auto_snapshot_save_count: Value::Null,
            created_ms: 0,
            service_ready_percent: 0,
            accessors: Vec::new(),
            events: Vec::new(),
        }
    }

    #[test]
    fn create_then_automatic_start() {
        let mut m = machine();
        m.events.push(Event {
            kind: EventKind::Create { starts: true },
            handle: "h1".into(),
            created_ms: 0,
            begin_ms: 25,
            end_ms: 50,
            error: None,
        });
        m.events.push(Event {
            kind: EventKind::Start { automatic: true },
            handle: "h2".into(),
            created_ms: 50,
            begin_ms: 50,
            end_ms: 100,
            error: None,
        });
        assert_eq!(m.phase_at(0), Phase::Provisioning);
        assert!(!m.provisioned_at(10) && m.provisioned_at(25));
        assert_eq!(m.events[0].state_at(10), "new");
        assert_eq!(m.events[0].state_at(30), "in progress");
        assert_eq!(m.phase_at(60), Phase::Provisioning);
        assert_eq!(m.recent_events(40, 10).count(), 1);
        assert_eq!(m.recent_events(60, 10).count(), 2);
        assert_eq!(m.phase_at(100), Phase::Ready);
        m.queue(EventKind::Stop, "h3".into(), 120, 10, None);
        m.queue(
            EventKind::Start { automatic: false },
            "h4".into(),
            121,
            10,
            Some(CAPACITY_ERROR),
        );
        assert_eq!(m.events[3].state_at(125), "new");
        assert_eq!(m.phase_at(125), Phase::Stopping);
        assert_eq!(m.phase_at(135), Phase::Starting);
        assert_eq!(m.phase_at(140), Phase::Off);
        assert_eq!(m.events[3].state_at(140), "error");
        m.deactivate("h5".into(), 150, 10);
        assert_eq!(m.phase_at(155), Phase::Off);
        assert_eq!(m.phase_at(160), Phase::Gone);
    }

    #[test]
    fn destroy_drops_what_has_not_begun() {
        let mut m = machine();
        m.queue(EventKind::Create { starts: true }, "h1".into(), 0, 50, None);
        m.events.push(Event {
            kind: EventKind::Start { automatic: true },
            handle: "h2".into(),
            created_ms: 50,
            begin_ms: 50,
            end_ms: 100,
            error: None,
        });
        m.deactivate("h3".into(), 10, 20);
        let names: Vec<_> = m.events.iter().map(|e| e.kind.name()).collect();
        assert_eq!(names, ["create", "deactivate"]);
        assert_eq!(m.events[0].state_at(10), "done");
        assert_eq!(m.phase_at(10), Phase::Off);
        assert_eq!(m.phase_at(30), Phase::Gone);
    }

    #[test]
    fn running_time_counts_starting_ready_and_stopping() {
        let mut m = machine();
        m.queue(
            EventKind::Create { starts: false },
            "h1".into(),
            0,
            10,
            None,
        );
        m.queue(
            EventKind::Start { automatic: false },
            "h2".into(),
            100,
            20,
            None,
        );
        m.queue(EventKind::Stop, "h3".into(), 200, 30, None);
        // off 0..100, starting 100..120, ready 120..200, stopping 200..230, off after.
        assert_eq!(m.running_ms(0, 1000), 130);
        assert_eq!(m.running_ms(110, 210), 100);
        assert_eq!(m.running_ms(300, 1000), 0);
        assert_eq!(m.running_ms(50, 40), 0);
        // A start that fails for capacity runs while it starts, then the machine is off.
        m.queue(
            EventKind::Start { automatic: false },
            "h4".into(),
            400,
            10,
            Some(CAPACITY_ERROR),
        );
        assert_eq!(m.running_ms(0, 1000), 140);
    }

    #[test]
    fn script_runs_at_each_successful_start_after_it_is_attached() {
        let mut m = machine();
        m.queue(
            EventKind::Start { automatic: false },
            "h1".into(),
            0,
            10,
            None,
        );
        m.script = Some(ScriptLink {
            id: "sc1".into(),
            attached_ms: 5,
            enabled: true,
            run_once: false,
        });
        assert_eq!(m.last_script_run(100), None);
        m.queue(EventKind::Restart, "h2".into(), 20, 10, None);
        m.queue(
            EventKind::Restart,
            "h3".into(),
            40,
            10,
            Some(CAPACITY_ERROR),
        );
        m.queue(EventKind::Restart, "h4".into(), 60, 10, None);
        assert_eq!(m.last_script_run(35), Some(30));
        assert_eq!(m.last_script_run(100), Some(70));
        m.script.as_mut().unwrap().run_once = true;
        assert_eq!(m.last_script_run(100), Some(30));
        m.script.as_mut().unwrap().enabled = false;
        assert_eq!(m.last_script_run(100), None);
    }

    #[test]
    fn starts_end_in_serviceready() {
        let mut m = machine();
        m.service_ready_percent = 20;
        m.queue(
            EventKind::Start { automatic: false },
            "h1".into(),
            0,
            100,
            None,
        );
        assert_eq!(m.phase_at(79), Phase::Starting);
        assert_eq!(m.phase_at(80), Phase::ServiceReady);
        assert_eq!(m.phase_at(100), Phase::Ready);
        m.queue(EventKind::Restart, "h2".into(), 200, 100, None);
        assert_eq!(m.phase_at(279), Phase::Restarting);
        assert_eq!(m.phase_at(285), Phase::ServiceReady);
        // A start that fails never reaches serviceready; a stop has none.
        m.queue(EventKind::Stop, "h3".into(), 300, 100, None);
        assert_eq!(m.phase_at(399), Phase::Stopping);
        m.queue(
            EventKind::Start { automatic: false },
            "h4".into(),
            400,
            100,
            Some(CAPACITY_ERROR),
        );
        assert_eq!(m.phase_at(499), Phase::Starting);
        assert_eq!(m.phase_at(500), Phase::Off);
    }

    #[test]
    fn the_state_changes_only_at_next_change() {
        let mut m = machine();
        m.service_ready_percent = 20;
        m.queue(EventKind::Create { starts: true }, "h1".into(), 0, 50, None);
        m.events.push(Event {
            kind: EventKind::Start { automatic: true },
            handle: "h2".into(),
            created_ms: 50,
            begin_ms: 50,
            end_ms: 100,
            error: None,
        });
        m.queue(EventKind::Stop, "h3".into(), 120, 30, None);
        m.queue(EventKind::Restart, "h4".into(), 130, 40, None);
        m.queue(
            EventKind::Start { automatic: false },
            "h5".into(),
            300,
            50,
            Some(CAPACITY_ERROR),
        );
        m.deactivate("h6".into(), 400, 20);
        let (mut t, mut seen) = (-1, vec![m.phase_at(-1)]);
        while let Some(next) = m.next_change(t) {
            assert!(next > t);
            assert!(
                (t..next).all(|u| m.phase_at(u) == m.phase_at(t)),
                "{t}..{next}"
            );
            t = next;
            seen.push(m.phase_at(t));
        }
        assert_eq!(t, 420);
        assert_eq!(m.phase_at(t + 1_000_000), Phase::Gone);
        seen.dedup();
        use Phase::*;
        assert_eq!(
            seen,
            [
                Provisioning,
                ServiceReady,
                Ready,
                Stopping,
                Restarting,
                ServiceReady,
                Ready,
                Starting,
                Off,
                Gone
            ]
        );
    }

    #[test]
    fn events_are_newest_first_by_creation() {
        let mut m = machine();
        m.queue(EventKind::Create { starts: true }, "h1".into(), 0, 50, None);
        m.events.push(Event {
            kind: EventKind::Start { automatic: true },
            handle: "h2".into(),
            created_ms: 50,
            begin_ms: 50,
            end_ms: 100,
            error: None,
        });
        // A stop asked for while provisioning: requested after the automatic start was
        // stored, created before it appears.
        m.queue(EventKind::Stop, "h3".into(), 20, 10, None);
        let order: Vec<&str> = m
            .recent_events(200, 10)
            .map(|e| e.handle.as_str())
            .collect();
        assert_eq!(order, ["h2", "h3", "h1"]);
        let order: Vec<&str> = m.recent_events(30, 10).map(|e| e.handle.as_str()).collect();
        assert_eq!(order, ["h3", "h1"]);
        assert_eq!(m.recent_events(200, 1).count(), 1);
    }
}

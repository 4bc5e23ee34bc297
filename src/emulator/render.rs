//! The machine and event JSON the API sends. serde writes struct fields in declaration order,
//! which here is the order of the captured bodies (27 machine keys, then `events` on show).

use serde::Serialize;
use serde_json::Value;

use super::hardware;
use super::machine::{Event, Machine};
use super::time::iso8601;

/// How many events show returns.
pub const SHOWN_EVENTS: usize = 10;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineView<'a> {
    id: &'a str,
    name: &'a str,
    os: Option<&'a str>,
    ram: Option<String>,
    cpus: u32,
    gpu: Option<&'static str>,
    storage_total: Option<String>,
    storage_used: Option<&'static str>,
    usage_rate: String,
    shutdown_timeout_in_hours: &'a Value,
    shutdown_timeout_forces: bool,
    perform_auto_snapshot: bool,
    auto_snapshot_frequency: &'a Value,
    auto_snapshot_save_count: &'a Value,
    dynamic_public_ip: bool,
    agent_type: &'a str,
    dt_created: String,
    state: &'static str,
    updates_pending: bool,
    network_id: Option<&'a str>,
    private_ip_address: Option<&'a str>,
    public_ip_address: Option<&'a str>,
    region: Option<&'a str>,
    user_id: &'a str,
    team_id: &'a str,
    script_id: Option<&'a str>,
    dt_last_run: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<EventView<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView<'a> {
    name: &'static str,
    state: &'static str,
    error_msg: &'static str,
    handle: &'a str,
    dt_modified: String,
    dt_finished: Option<String>,
    dt_created: String,
}

/// The machine as it reads at `now`; `with_events` adds the last events (show).
pub fn machine<'a>(m: &'a Machine, now: i64, with_events: bool) -> MachineView<'a> {
    let provisioned = m.provisioned_at(now);
    let specs = specs(m, now);
    let public_ip = public_ip(m, now);
    let when = |value: &'a str| provisioned.then_some(value);
    MachineView {
        id: &m.id,
        name: &m.name,
        os: when(m.os.as_str()),
        ram: specs.map(|(_, ram, _)| ram.to_string()),
        cpus: specs.map_or(1, |(cpus, _, _)| cpus),
        gpu: specs.map(|(_, _, gpu)| gpu),
        storage_total: provisioned.then(|| hardware::storage_bytes(m.size_gb).to_string()),
        storage_used: provisioned.then_some("0"),
        usage_rate: format!("{} {}", m.machine_type, m.billing_type),
        shutdown_timeout_in_hours: &m.shutdown_timeout_in_hours,
        shutdown_timeout_forces: m.shutdown_timeout_forces,
        perform_auto_snapshot: m.perform_auto_snapshot,
        auto_snapshot_frequency: &m.auto_snapshot_frequency,
        auto_snapshot_save_count: &m.auto_snapshot_save_count,
        dynamic_public_ip: m.dynamic_public_ip,
        agent_type: &m.agent_type,
        dt_created: iso8601(m.created_ms),
        state: m.phase_at(now).name(),
        updates_pending: false,
        network_id: when(m.network_id.as_str()),
        private_ip_address: when(m.private_ip.as_str()),
        public_ip_address: public_ip,
        region: when(m.region.as_str()),
        user_id: &m.user_id,
        team_id: &m.team_id,
        script_id: m.script.as_ref().map(|l| l.id.as_str()),
        dt_last_run: m.last_script_run(now).map(iso8601),
        events: with_events.then(|| {
            m.recent_events(now, SHOWN_EVENTS)
                .map(|e| event(e, now))
                .collect()
        }),
    }
}

/// CPUs, RAM and GPU of a machine once it is provisioned.
pub fn specs(m: &Machine, now: i64) -> Option<(u32, u64, &'static str)> {
    hardware::specs(&m.machine_type).filter(|_| m.provisioned_at(now))
}

/// `publicIpAddress`: a static address is the machine's from create on; a dynamic one only
/// while it runs.
pub fn public_ip(m: &Machine, now: i64) -> Option<&str> {
    if m.dynamic_public_ip && !m.dynamic_ip_attached(now) {
        None
    } else {
        m.public_ip.as_deref()
    }
}

fn event(e: &Event, now: i64) -> EventView<'_> {
    let state = e.state_at(now);
    let finished = matches!(state, "done" | "error");
    EventView {
        name: e.kind.name(),
        state,
        error_msg: if state == "error" {
            e.error.unwrap_or("")
        } else {
            ""
        },
        handle: &e.handle,
        dt_modified: iso8601(e.modified_at(now)),
        dt_finished: finished.then(|| iso8601(e.end_ms)),
        dt_created: iso8601(e.created_ms),
    }
}

/// JSON text of anything serializable (the emulator's own types never fail to serialize).
pub fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

//! The machines list filters, compared on the machine's own fields: the same answer as
//! rendering the machine's JSON and matching the field's text (`query::matches`), without
//! rendering anything but the filtered fields.

use serde_json::Value;

use super::hardware;
use super::machine::Machine;
use super::query;
use super::render;
use super::time::iso8601;

/// The list filters (reference §2.6, plus the two boolean fields it leaves out); `machineId`
/// filters `id`.
pub const FILTERS: [&str; 27] = [
    "machineId",
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

/// Whether the machine as it reads at `now` passes the filter `key=wanted` (one of
/// [`FILTERS`]): strings as they are, numbers and booleans as their JSON text, null as `null`.
pub fn matches(m: &Machine, key: &str, wanted: &str, now: i64) -> bool {
    let text = |value: &str| value == wanted;
    let nullable = |value: Option<&str>| value.map_or(wanted == "null", text);
    let flag = |value: bool| wanted == if value { "true" } else { "false" };
    let provisioned = || m.provisioned_at(now);
    match key {
        "machineId" => text(&m.id),
        "name" => text(&m.name),
        "os" => nullable(provisioned().then_some(m.os.as_str())),
        "ram" => nullable(render::specs(m, now).map(|s| s.1.to_string()).as_deref()),
        "cpus" => text(&render::specs(m, now).map_or(1, |s| s.0).to_string()),
        "gpu" => nullable(render::specs(m, now).map(|s| s.2)),
        "storageTotal" => nullable(
            provisioned()
                .then(|| hardware::storage_bytes(m.size_gb).to_string())
                .as_deref(),
        ),
        "storageUsed" => nullable(provisioned().then_some("0")),
        // `<machineType> <billingType>`, compared without building it.
        "usageRate" => wanted
            .strip_prefix(m.machine_type.as_str())
            .and_then(|rest| rest.strip_prefix(' '))
            .is_some_and(|billing| billing == m.billing_type),
        "shutdownTimeoutInHours" => json(&m.shutdown_timeout_in_hours, wanted),
        "shutdownTimeoutForces" => flag(m.shutdown_timeout_forces),
        "performAutoSnapshot" => flag(m.perform_auto_snapshot),
        "autoSnapshotFrequency" => json(&m.auto_snapshot_frequency, wanted),
        "autoSnapshotSaveCount" => json(&m.auto_snapshot_save_count, wanted),
        "dynamicPublicIp" => flag(m.dynamic_public_ip),
        "agentType" => text(&m.agent_type),
        "dtCreated" => text(&iso8601(m.created_ms)),
        "state" => text(m.phase_at(now).name()),
        "updatesPending" => flag(false),
        "networkId" => nullable(provisioned().then_some(m.network_id.as_str())),
        "privateIpAddress" => nullable(provisioned().then_some(m.private_ip.as_str())),
        "publicIpAddress" => nullable(render::public_ip(m, now)),
        "region" => nullable(provisioned().then_some(m.region.as_str())),
        "userId" => text(&m.user_id),
        "teamId" => text(&m.team_id),
        "scriptId" => nullable(m.script.as_ref().map(|l| l.id.as_str())),
        "dtLastRun" => nullable(m.last_script_run(now).map(iso8601).as_deref()),
        // Not a filter: list only passes keys of FILTERS.
        _ => true,
    }
}

fn json(value: &Value, wanted: &str) -> bool {
    query::matches(Some(value), wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::machine::{CAPACITY_ERROR, EventKind, ScriptLink};

    fn machine(id: &str, machine_type: &str) -> Machine {
        Machine {
            seq: 0,
            id: id.into(),
            name: format!("name {id}"),
            machine_type: machine_type.into(),
            billing_type: "hourly".into(),
            size_gb: 50,
            os: "Ubuntu 18.04 Server".into(),
            agent_type: "LinuxHeadless".into(),
            region: "Europe (AMS1)".into(),
            user_id: "u1".into(),
            team_id: "te1".into(),
            network_id: "n1".into(),
            private_ip: "10.64.0.2".into(),
            public_ip: None,
            dynamic_public_ip: false,
            script: None,
            shutdown_timeout_in_hours: Value::from(168),
            shutdown_timeout_forces: false,
            perform_auto_snapshot: false,
            auto_snapshot_frequency: Value::Null,
            auto_snapshot_save_count: Value::Null,
            created_ms: 1_000,
            service_ready_percent: 20,
            accessors: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Machines that between them give every field each of its shapes over time.
    fn machines() -> Vec<Machine> {
        let mut a = machine("psa", "C2");
        a.queue(
            EventKind::Create { starts: true },
            "h1".into(),
            1_000,
            100,
            None,
        );
        a.queue(
            EventKind::Start { automatic: true },
            "h2".into(),
            1_000,
            100,
            None,
        );
        a.script = Some(ScriptLink {
            id: "sc1".into(),
            attached_ms: 1_000,
            enabled: true,
            run_once: false,
        });
        a.public_ip = Some("203.0.113.7".into());
        a.dynamic_public_ip = true;
        a.queue(EventKind::Stop, "h3".into(), 1_250, 100, None);
        let mut b = machine("psb", "GPU+");
        b.billing_type = "monthly".into();
        b.public_ip = Some("198.51.100.9".into());
        b.shutdown_timeout_in_hours = Value::Null;
        b.shutdown_timeout_forces = true;
        b.perform_auto_snapshot = true;
        b.auto_snapshot_frequency = Value::from("day");
        b.auto_snapshot_save_count = Value::from(3);
        b.queue(
            EventKind::Create { starts: false },
            "h4".into(),
            1_000,
            200,
            None,
        );
        b.queue(
            EventKind::Restart,
            "h5".into(),
            1_300,
            100,
            Some(CAPACITY_ERROR),
        );
        b.deactivate("h6".into(), 1_500, 100);
        let mut c = machine("psc", "Unknown type");
        c.name = "null".into();
        c.queue(
            EventKind::Create { starts: true },
            "h7".into(),
            1_000,
            100,
            None,
        );
        vec![a, b, c]
    }

    #[test]
    fn the_same_answer_as_matching_the_rendered_json() {
        let all = machines();
        let times = [
            900, 1_000, 1_024, 1_030, 1_060, 1_090, 1_110, 1_300, 1_560, 1_700,
        ];
        // Every value any field takes at any of the times, plus texts that match nothing or
        // only a null.
        let mut values: Vec<String> = ["null", "true", "false", "", "1", "0", "C2", "hourly"]
            .map(str::to_owned)
            .to_vec();
        for m in &all {
            for &now in &times {
                let view = serde_json::to_value(render::machine(m, now, false)).unwrap();
                for v in view.as_object().unwrap().values() {
                    values.push(v.as_str().map_or_else(|| v.to_string(), str::to_owned));
                }
            }
        }
        values.sort();
        values.dedup();
        let mut compared = 0;
        for m in &all {
            for &now in &times {
                let view = serde_json::to_value(render::machine(m, now, false)).unwrap();
                for key in FILTERS {
                    let field = if key == "machineId" { "id" } else { key };
                    assert!(view.get(field).is_some(), "{field} is not rendered");
                    for wanted in &values {
                        let expected = query::matches(view.get(field), wanted);
                        assert_eq!(
                            matches(m, key, wanted, now),
                            expected,
                            "{} {key}={wanted:?} at {now}: {}",
                            m.id,
                            view[field]
                        );
                        compared += usize::from(expected);
                    }
                }
            }
        }
        // Each machine at each time matches its own value of every field at least.
        assert!(compared >= all.len() * times.len() * FILTERS.len());
    }
}

//! Machines: the parameters of create, availability, show, list, wait, start, stop, restart and
//! destroy, and the machine, event and availability objects.

use serde::{Deserialize, Serialize};

use super::rules::{self, MAX_SIZE_GB, MIN_SIZE_GB};
use super::{Filter, Params, Problems, Secret, present, string_or_number};
use crate::error::Result;

/// Parameters of `machines create` (`POST /machines/createSingleMachinePublic`).
///
/// The six required fields are `Option`s so that a missing one is reported together with every
/// other problem; [`CreateMachine::new`] sets them all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateMachine {
    /// One of [`rules::REGIONS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// One of [`rules::MACHINE_TYPES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_type: Option<String>,
    /// Storage in GB, 50 to 2000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// `monthly` or `hourly`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Static public IP; exclusive with `dynamic_public_ip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assign_public_ip: Option<bool>,
    /// IP attached on start, released on stop; exclusive with `assign_public_ip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_public_ip: Option<bool>,
    /// Defaults to true on the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_on_create: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// An existing team user; exclusive with the four new-user fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// New user: all four of `email`, `password`, `first_name`, `last_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub take_initial_snapshot: Option<bool>,
    /// Needs `take_initial_snapshot = true` and `restore_point_frequency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_snapshot_as_restore_point: Option<bool>,
    /// Only `shutdown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_point_frequency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_nvlink: Option<bool>,
}

impl CreateMachine {
    /// The six required parameters; set optional ones on the result.
    pub fn new(
        region: &str,
        machine_type: &str,
        size: i64,
        billing_type: &str,
        machine_name: &str,
        template_id: &str,
    ) -> CreateMachine {
        CreateMachine {
            region: Some(region.into()),
            machine_type: Some(machine_type.into()),
            size: Some(size),
            billing_type: Some(billing_type.into()),
            machine_name: Some(machine_name.into()),
            template_id: Some(template_id.into()),
            ..CreateMachine::default()
        }
    }

    /// True when the parameters ask the server to create a new team user first.
    pub fn creates_user(&self) -> bool {
        self.new_user_fields().iter().any(|(_, present)| *present)
    }

    fn new_user_fields(&self) -> [(&'static str, bool); 4] {
        [
            ("email", self.email.is_some()),
            ("password", self.password.is_some()),
            ("firstName", self.first_name.is_some()),
            ("lastName", self.last_name.is_some()),
        ]
    }
}

impl Params for CreateMachine {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.require("region", self.region.as_deref());
        p.one_of("region", self.region.as_deref(), &rules::REGIONS);
        p.require("machineType", self.machine_type.as_deref());
        p.one_of(
            "machineType",
            self.machine_type.as_deref(),
            &rules::MACHINE_TYPES,
        );
        match self.size {
            None => p.add("size", "is required"),
            Some(size) if !(MIN_SIZE_GB..=MAX_SIZE_GB).contains(&size) => p.add(
                "size",
                format!("must be between {MIN_SIZE_GB} and {MAX_SIZE_GB} GB"),
            ),
            Some(_) => {}
        }
        p.require("billingType", self.billing_type.as_deref());
        p.one_of(
            "billingType",
            self.billing_type.as_deref(),
            &rules::BILLING_TYPES,
        );
        p.require("machineName", self.machine_name.as_deref());
        p.require("templateId", self.template_id.as_deref());
        if self.assign_public_ip == Some(true) && self.dynamic_public_ip == Some(true) {
            p.add("dynamicPublicIp", "cannot be used with assignPublicIp");
        }
        if self.user_id.is_some() {
            for (field, present) in self.new_user_fields() {
                if present {
                    p.add(field, "cannot be used with userId");
                }
            }
        } else if self.creates_user() {
            for (field, present) in self.new_user_fields() {
                if !present {
                    p.add(field, "is required when creating a new user");
                }
            }
            p.require("email", self.email.as_deref());
            p.require("password", self.password.as_ref().map(Secret::expose));
            p.require("firstName", self.first_name.as_deref());
            p.require("lastName", self.last_name.as_deref());
        }
        p.email("email", self.email.as_deref());
        p.email("notificationEmail", self.notification_email.as_deref());
        p.one_of(
            "restorePointFrequency",
            self.restore_point_frequency.as_deref(),
            &rules::RESTORE_POINT_FREQUENCIES,
        );
        if self.mark_snapshot_as_restore_point == Some(true) {
            if self.take_initial_snapshot != Some(true) {
                p.add(
                    "takeInitialSnapshot",
                    "must be true when markSnapshotAsRestorePoint is true",
                );
            }
            if self.restore_point_frequency.is_none() {
                p.add(
                    "restorePointFrequency",
                    "is required when markSnapshotAsRestorePoint is true",
                );
            }
        }
        p.finish()
    }
}

/// Parameters of `machines availability`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AvailabilityParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// One of [`rules::AVAILABILITY_MACHINE_TYPES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_type: Option<String>,
}

impl Params for AvailabilityParams {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.require("region", self.region.as_deref());
        p.one_of("region", self.region.as_deref(), &rules::REGIONS);
        p.require("machineType", self.machine_type.as_deref());
        p.one_of(
            "machineType",
            self.machine_type.as_deref(),
            &rules::AVAILABILITY_MACHINE_TYPES,
        );
        p.finish()
    }
}

/// Parameters of `machines show`, `start`, `stop` and `restart`: one machine id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MachineRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
}

impl MachineRef {
    pub fn new(machine_id: &str) -> MachineRef {
        MachineRef {
            machine_id: Some(machine_id.into()),
        }
    }
}

impl Params for MachineRef {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.path_segment("machineId", self.machine_id.as_deref());
        p.finish()
    }
}

/// Parameters of `machines destroy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DestroyMachine {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
    /// Also release the machine's static public IP (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_public_ip: Option<bool>,
}

impl Params for DestroyMachine {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.path_segment("machineId", self.machine_id.as_deref());
        p.finish()
    }
}

/// Filters of `machines list` (exact matches; `Some(None)` matches null) and paging.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MachineFilter {
    /// Matches the machine's `id` (the API calls this filter `machineId`).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub machine_id: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub os: Filter<String>,
    /// Bytes, as the decimal string the API uses.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub ram: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub cpus: Filter<i64>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub gpu: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub storage_total: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub storage_used: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_rate: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub shutdown_timeout_in_hours: Filter<i64>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub perform_auto_snapshot: Filter<bool>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_snapshot_frequency: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_snapshot_save_count: Filter<i64>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub agent_type: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub dt_created: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub updates_pending: Filter<bool>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub network_id: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub private_ip_address: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub public_ip_address: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub region: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub team_id: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_id: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub dt_last_run: Filter<String>,
    /// Page size (server default 1000). A short page means the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Machines to skip: page 3 of 1000 is `limit=1000, skip=2000`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<i64>,
}

impl Params for MachineFilter {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        if self.limit.is_some_and(|l| l < 1) {
            p.add("limit", "must be at least 1");
        }
        if self.skip.is_some_and(|s| s < 0) {
            p.add("skip", "must not be negative");
        }
        p.finish()
    }
}

/// Parameters of `machines wait` (client-side: polls `machines show`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaitParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
    /// `off`, `serviceready` or `ready` (any letter case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Time between polls; default [`WaitParams::DEFAULT_INTERVAL_MS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_ms: Option<i64>,
    /// Bound on the whole wait; default [`WaitParams::DEFAULT_TIMEOUT_MS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i64>,
}

impl WaitParams {
    /// The official clients poll every 5 s.
    pub const DEFAULT_INTERVAL_MS: u64 = 5_000;
    /// Ten minutes, like terraform's create timeout.
    pub const DEFAULT_TIMEOUT_MS: u64 = 600_000;
    const MAX_MS: i64 = 86_400_000;

    pub fn new(machine_id: &str, state: &str) -> WaitParams {
        WaitParams {
            machine_id: Some(machine_id.into()),
            state: Some(state.into()),
            ..WaitParams::default()
        }
    }

    /// The target state, lower-cased.
    pub fn target(&self) -> String {
        self.state
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

impl Params for WaitParams {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.path_segment("machineId", self.machine_id.as_deref());
        p.require("state", self.state.as_deref());
        if self.state.is_some() {
            p.one_of("state", Some(&self.target()), &rules::WAIT_STATES);
        }
        for (field, value) in [
            ("intervalMs", self.interval_ms),
            ("timeoutMs", self.timeout_ms),
        ] {
            if value.is_some_and(|ms| !(1..=Self::MAX_MS).contains(&ms)) {
                p.add(
                    field,
                    format!("must be between 1 and {} (24 hours)", Self::MAX_MS),
                );
            }
        }
        p.finish()
    }
}

/// Parameters of `machines wait many` (client-side: polls `machines list`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaitManyParams {
    /// The machines to wait for (1 to [`WaitManyParams::MAX_MACHINES`], no repeats).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_ids: Option<Vec<String>>,
    /// `off`, `serviceready` or `ready` (any letter case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Time between polls; default [`WaitParams::DEFAULT_INTERVAL_MS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_ms: Option<i64>,
    /// Bound on the whole wait; default [`WaitParams::DEFAULT_TIMEOUT_MS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i64>,
}

impl WaitManyParams {
    /// The most machines one wait follows.
    pub const MAX_MACHINES: usize = 10_000;

    pub fn new(machine_ids: &[&str], state: &str) -> WaitManyParams {
        WaitManyParams {
            machine_ids: Some(machine_ids.iter().map(|id| id.to_string()).collect()),
            state: Some(state.into()),
            ..WaitManyParams::default()
        }
    }

    /// The target state, lower-cased.
    pub fn target(&self) -> String {
        self.state
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

impl Params for WaitManyParams {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        match &self.machine_ids {
            None => p.add("machineIds", "is required"),
            Some(ids) if ids.is_empty() => p.add("machineIds", "must list at least one machine"),
            Some(ids) if ids.len() > Self::MAX_MACHINES => p.add(
                "machineIds",
                format!("must list at most {} machines", Self::MAX_MACHINES),
            ),
            Some(ids) => {
                let mut seen = std::collections::HashSet::new();
                for id in ids {
                    if id.trim().is_empty() {
                        p.add("machineIds", "must not hold an empty id");
                    } else if !seen.insert(id.as_str()) {
                        p.add("machineIds", "must not repeat an id");
                    }
                }
            }
        }
        let single = WaitParams {
            machine_id: Some("checked above".into()),
            state: self.state.clone(),
            interval_ms: self.interval_ms,
            timeout_ms: self.timeout_ms,
        };
        if let Err(error) = single.validate() {
            if let Some(problems) = error.details().as_object() {
                for (field, why) in problems {
                    p.add(field, why.as_str().unwrap_or_default());
                }
            }
        }
        p.finish()
    }
}

/// A machine as list, show, create and wait return it. Every field but `id` may be null or
/// absent; unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Machine {
    pub id: String,
    pub name: Option<String>,
    pub os: Option<String>,
    /// Bytes, as the decimal string the API sends.
    #[serde(deserialize_with = "string_or_number")]
    pub ram: Option<String>,
    pub cpus: Option<i64>,
    pub gpu: Option<String>,
    #[serde(deserialize_with = "string_or_number")]
    pub storage_total: Option<String>,
    #[serde(deserialize_with = "string_or_number")]
    pub storage_used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_type: Option<String>,
    pub usage_rate: Option<String>,
    pub shutdown_timeout_in_hours: Option<i64>,
    pub shutdown_timeout_forces: Option<bool>,
    pub perform_auto_snapshot: Option<bool>,
    pub auto_snapshot_frequency: Option<String>,
    pub auto_snapshot_save_count: Option<i64>,
    pub dynamic_public_ip: Option<bool>,
    pub agent_type: Option<String>,
    pub dt_created: Option<String>,
    pub state: Option<String>,
    pub updates_pending: Option<bool>,
    pub network_id: Option<String>,
    pub private_ip_address: Option<String>,
    pub public_ip_address: Option<String>,
    pub region: Option<String>,
    pub user_id: Option<String>,
    pub team_id: Option<String>,
    pub script_id: Option<String>,
    pub dt_last_run: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_point_snapshot_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_point_frequency: Option<String>,
    /// The last 10 events, newest first (show and wait only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<MachineEvent>>,
}

/// One machine event (`create`, `start`, `stop`, `restart`, `deactivate`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MachineEvent {
    pub name: Option<String>,
    /// `new`, `in progress`, `done` or `error`.
    pub state: Option<String>,
    pub error_msg: Option<String>,
    pub handle: Option<String>,
    pub dt_modified: Option<String>,
    pub dt_finished: Option<String>,
    pub dt_created: Option<String>,
}

/// The answer of `machines availability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub available: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(params: &impl Params) -> serde_json::Value {
        params.validate().unwrap_err().details().clone()
    }

    #[test]
    fn create_reports_every_problem_at_once() {
        let params = CreateMachine::from_json(
            r#"{"region":"Mars","size":10,"billingType":"weekly","machineName":"",
                "assignPublicIp":true,"dynamicPublicIp":true,"userId":"u1","email":"a@b.co",
                "markSnapshotAsRestorePoint":true,"restorePointFrequency":"daily"}"#,
        )
        .unwrap();
        assert_eq!(
            problems(&params),
            json!({
                "region": "must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'",
                "machineType": "is required",
                "size": "must be between 50 and 2000 GB",
                "billingType": "must be one of 'monthly', or 'hourly'",
                "machineName": "must not be empty",
                "templateId": "is required",
                "dynamicPublicIp": "cannot be used with assignPublicIp",
                "email": "cannot be used with userId",
                "restorePointFrequency": "must be one of 'shutdown'",
                "takeInitialSnapshot": "must be true when markSnapshotAsRestorePoint is true",
            })
        );
    }

    #[test]
    fn new_user_needs_all_four_fields() {
        let mut params = CreateMachine::new("Europe (AMS1)", "C4", 50, "hourly", "m", "t1");
        params.email = Some("jon@example.com".into());
        assert_eq!(
            problems(&params),
            json!({
                "password": "is required when creating a new user",
                "firstName": "is required when creating a new user",
                "lastName": "is required when creating a new user",
            })
        );
    }

    #[test]
    fn a_valid_create_passes_and_hides_the_password() {
        let mut params = CreateMachine::new("East Coast (NY2)", "GPU+", 2000, "monthly", "m", "t1");
        params.email = Some("jon@example.com".into());
        params.password = Some(Secret("secret123".into()));
        params.first_name = Some("Jon".into());
        params.last_name = Some("Snow".into());
        params.validate().unwrap();
        assert!(!format!("{params:?}").contains("secret123"));
        assert_eq!(
            serde_json::to_value(&params).unwrap()["password"],
            "secret123"
        );
    }

    #[test]
    fn wrong_types_and_unknown_keys_are_invalid_arguments() {
        for text in [r#"{"size":"50"}"#, r#"{"regoin":"x"}"#, "[1]", "{"] {
            let err = CreateMachine::from_json(text).unwrap_err();
            assert_eq!(err.status(), crate::Status::InvalidArgument, "{text}");
        }
    }

    #[test]
    fn availability_only_for_dedicated_gpus() {
        let params = AvailabilityParams {
            region: Some("Europe (AMS1)".into()),
            machine_type: Some("C4".into()),
        };
        assert_eq!(
            problems(&params),
            json!({"machineType": "must be one of 'GPU+', 'P4000', 'P5000', 'P6000', or 'V100'"})
        );
    }

    #[test]
    fn machine_ids_cannot_be_dot_segments() {
        for id in [".", ".."] {
            assert_eq!(
                problems(&MachineRef::new(id)),
                json!({"machineId": "must not be '.' or '..'"})
            );
            assert_eq!(
                problems(&WaitParams::new(id, "ready")),
                json!({"machineId": "must not be '.' or '..'"})
            );
            let destroy = DestroyMachine {
                machine_id: Some(id.into()),
                release_public_ip: None,
            };
            assert_eq!(
                problems(&destroy),
                json!({"machineId": "must not be '.' or '..'"})
            );
        }
        MachineRef::new("...").validate().unwrap();
        MachineRef::new("ps.1").validate().unwrap();
    }

    #[test]
    fn wait_states_are_case_insensitive() {
        WaitParams::new("ps1", "READY").validate().unwrap();
        let params = WaitParams {
            interval_ms: Some(0),
            ..WaitParams::new("ps1", "running")
        };
        assert_eq!(
            problems(&params),
            json!({
                "state": "must be one of 'off', 'serviceready', or 'ready'",
                "intervalMs": "must be between 1 and 86400000 (24 hours)",
            })
        );
    }

    #[test]
    fn filters_tell_null_from_absent() {
        let filter = MachineFilter::from_json(r#"{"networkId":null,"cpus":2}"#).unwrap();
        assert_eq!(filter.network_id, Some(None));
        assert_eq!(filter.cpus, Some(Some(2)));
        assert_eq!(filter.name, None);
        let pairs = super::super::query_pairs(&filter).unwrap();
        assert_eq!(
            pairs,
            [
                ("cpus".into(), "2".into()),
                ("networkId".into(), "null".into())
            ]
        );
    }

    #[test]
    fn fixtures_decode() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
        let read = |name: &str| std::fs::read_to_string(format!("{dir}{name}")).unwrap();
        let machine: Machine = serde_json::from_str(&read("Machines_FullLifecycle.json")).unwrap();
        assert_eq!(machine.ram.as_deref(), Some("4294967296"));
        assert_eq!(machine.events.as_ref().map(Vec::len), Some(7));
        let created: Machine = serde_json::from_str(&read("Machines_CreateMachine.json")).unwrap();
        assert_eq!(
            (created.state.as_deref(), created.ram),
            (Some("provisioning"), None)
        );
        let list: Vec<Machine> = serde_json::from_str(&read("Machines_ListMachines.json")).unwrap();
        assert_eq!(list[0].id, "pslwpsvsx");
        let a: Availability = serde_json::from_str(&read("Machines_Availability.json")).unwrap();
        assert!(a.available);
    }
}

//! Machine settings and usage: the parameters of update, utilization and set access, and the
//! utilization object.

use serde::{Deserialize, Serialize};

use super::{Filter, Params, Problems, present, rules};
use crate::error::Result;

/// Parameters of `machines update` (`POST /machines/{machineId}/updateMachinePublic`). Every
/// field but `machine_id` is optional; absent fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateMachine {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
    /// The machine's new `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_name: Option<String>,
    /// Whole hours; `Some(None)` (JSON null) means never shut down.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub shutdown_timeout_in_hours: Filter<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown_timeout_forces: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perform_auto_snapshot: Option<bool>,
    /// `hour`, `day` or `week`; `Some(None)` (JSON null) clears it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_snapshot_frequency: Filter<String>,
    /// How many auto snapshots to keep (a whole number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_snapshot_save_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_public_ip: Option<bool>,
    /// A static public IP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assign_public_ip: Option<bool>,
}

impl UpdateMachine {
    /// An update of `machine_id` that changes nothing yet; set the fields to change.
    pub fn new(machine_id: &str) -> UpdateMachine {
        UpdateMachine {
            machine_id: Some(machine_id.into()),
            ..UpdateMachine::default()
        }
    }
}

impl Params for UpdateMachine {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.path_segment("machineId", self.machine_id.as_deref());
        if let Some(name) = &self.machine_name {
            p.require("machineName", Some(name));
        }
        if let Some(Some(hours)) = self.shutdown_timeout_in_hours {
            if hours < 1 {
                p.add("shutdownTimeoutInHours", "must be at least 1 (null: never)");
            }
        }
        if let Some(Some(frequency)) = &self.auto_snapshot_frequency {
            p.one_of(
                "autoSnapshotFrequency",
                Some(frequency),
                &rules::AUTO_SNAPSHOT_FREQUENCIES,
            );
        }
        if self.auto_snapshot_save_count.is_some_and(|n| n < 1) {
            p.add("autoSnapshotSaveCount", "must be at least 1");
        }
        p.finish()
    }
}

/// Parameters of `machines utilization`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UtilizationParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
    /// `YYYY-MM`, e.g. `2019-04`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_month: Option<String>,
}

impl UtilizationParams {
    pub fn new(machine_id: &str, billing_month: &str) -> UtilizationParams {
        UtilizationParams {
            machine_id: Some(machine_id.into()),
            billing_month: Some(billing_month.into()),
        }
    }
}

impl Params for UtilizationParams {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.require("machineId", self.machine_id.as_deref());
        p.require("billingMonth", self.billing_month.as_deref());
        if let Some(month) = &self.billing_month {
            if !month.trim().is_empty() && !rules::is_billing_month(month) {
                p.add("billingMonth", "must be a month as YYYY-MM, e.g. 2019-04");
            }
        }
        p.finish()
    }
}

/// Parameters of `machines set access`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetAccess {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
    /// A user of the caller's team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// True gives access, false takes it away.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_access: Option<bool>,
}

impl SetAccess {
    pub fn new(machine_id: &str, user_id: &str, enable_access: bool) -> SetAccess {
        SetAccess {
            machine_id: Some(machine_id.into()),
            user_id: Some(user_id.into()),
            enable_access: Some(enable_access),
        }
    }
}

impl Params for SetAccess {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.path_segment("machineId", self.machine_id.as_deref());
        p.require("userId", self.user_id.as_deref());
        if self.enable_access.is_none() {
            p.add("enableAccess", "is required");
        }
        p.finish()
    }
}

/// The answer of `machines utilization`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Utilization {
    pub machine_id: Option<String>,
    pub utilization: MachineUsage,
    pub storage_utilization: StorageUsage,
}

/// The machine's running time in the month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MachineUsage {
    pub machine_id: Option<String>,
    pub seconds_used: Option<f64>,
    /// A decimal string, e.g. `"0.40"`.
    pub hourly_rate: Option<String>,
    pub billing_month: Option<String>,
}

/// The machine's storage in the month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StorageUsage {
    pub machine_id: Option<String>,
    pub seconds_used: Option<f64>,
    /// A decimal string, e.g. `"5.00"`.
    pub monthly_rate: Option<String>,
    pub billing_month: Option<String>,
}

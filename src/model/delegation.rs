//! Resource delegations: a token that gives limited access to listed resources (for example
//! streaming a machine) to someone without the API key.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Params, Problems, Secret};
use crate::error::Result;

/// Parameters of `resource delegations create`: the delegated resources, keyed by kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<DelegatedIds>,
}

/// The ids of the delegated resources of one kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelegatedIds {
    pub ids: Vec<String>,
}

impl Delegation {
    /// A delegation of the machines `ids`.
    pub fn machines(ids: &[&str]) -> Delegation {
        Delegation {
            machine: Some(DelegatedIds {
                ids: ids.iter().map(|id| id.to_string()).collect(),
            }),
        }
    }
}

impl Params for Delegation {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        match &self.machine {
            None => p.add("machine", "is required"),
            Some(machine) if machine.ids.is_empty() => {
                p.add("machine", "must list at least one id in ids")
            }
            Some(machine) if machine.ids.iter().any(|id| id.trim().is_empty()) => {
                p.add("machine", "ids must not be empty")
            }
            Some(_) => {}
        }
        p.finish()
    }
}

/// One created delegation. `access_token_id` is the secret token (never in `Debug` output).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceDelegation {
    /// The delegation as it was sent.
    pub delegation: Value,
    pub is_enabled: Option<bool>,
    pub access_token_id: Option<Secret>,
    pub dt_created: Option<String>,
    pub id: Option<i64>,
}

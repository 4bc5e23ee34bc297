//! Networks: the list filters and the network object.

use serde::{Deserialize, Serialize};

use super::{Filter, Params, present};
use crate::error::Result;

/// Filters of `networks list`: exact matches. `Some(None)` matches `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkFilter {
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Filter<String>,
    /// Full region name, e.g. `Europe (AMS1)`.
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
    pub dt_created: Filter<String>,
    /// The network address, e.g. `10.64.21.0`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub network: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub netmask: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub team_id: Filter<String>,
}

impl Params for NetworkFilter {
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// A private network of the team in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Network {
    pub id: String,
    pub name: Option<String>,
    pub region: Option<String>,
    pub dt_created: Option<String>,
    pub network: Option<String>,
    pub netmask: Option<String>,
    pub team_id: Option<String>,
}

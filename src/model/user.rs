//! Users: the list filters and the user object.

use serde::{Deserialize, Serialize};

use super::{Filter, Params, present};
use crate::error::Result;

/// Filters of `users list`: exact matches. Note the API's lower-case `firstname`/`lastname`
/// here, unlike the `firstName`/`lastName` of machines create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserFilter {
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
    pub email: Filter<String>,
    #[serde(rename = "firstname")]
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub firstname: Filter<String>,
    #[serde(rename = "lastname")]
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub lastname: Filter<String>,
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
    pub team_id: Filter<String>,
}

impl Params for UserFilter {
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// A user of the caller's team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, rename = "firstname")]
    pub firstname: Option<String>,
    #[serde(default, rename = "lastname")]
    pub lastname: Option<String>,
    #[serde(default)]
    pub dt_created: Option<String>,
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_owner: Option<bool>,
}

//! Templates and users exactly as the API renders them: serde writes the fields in the order
//! declared here, which is the order of the captured bodies (fixtures/ListTemplates.json,
//! Templates_TeamTemplate.json, Users_GetUsers.json). The same types are read from scenarios.

use serde::{Deserialize, Deserializer, Serialize};

/// A template. Public templates have only `id`, `name`, `label`, `os` and `dtCreated`; the keys
/// that do not apply are absent, not null. Team templates add `teamId`, `userId` (nullable) and
/// `region`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Template {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub label: Option<String>,
    pub os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// `None`: the key is absent; `Some(None)`: the key is present and null.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub dt_created: String,
}

/// A user. `apiKey` exists only in scenarios (a user without one cannot call the API) and is
/// never rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub is_owner: bool,
    pub dt_created: String,
    pub team_id: String,
    #[serde(default, skip_serializing)]
    pub api_key: Option<String>,
}

/// A private network, rendered in the order of the reference's sample (`id, name, region,
/// dtCreated, network, netmask, teamId`). Scenarios may list some; the emulator adds one per
/// team and region.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Network {
    pub id: String,
    pub name: String,
    pub region: String,
    pub dt_created: String,
    /// The network address, e.g. `10.64.21.0`.
    pub network: String,
    pub netmask: String,
    pub team_id: String,
}

/// One availability answer of a scenario; `"*"` matches any region or machine type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AvailabilityRule {
    pub region: String,
    pub machine_type: String,
    pub available: bool,
}

/// A present key becomes `Some(..)`, so that `null` is `Some(None)` and absence stays `None`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_template_round_trips_in_fixture_order() {
        let text = r#"{"id":"t456def","name":"t456def","label":"New Template 1","os":"Ubuntu","teamId":"te1","userId":null,"region":"East Coast (NY2)","dtCreated":"2017-02-06T18:46:44.882Z"}"#;
        let t: Template = serde_json::from_str(text).unwrap();
        assert_eq!(t.user_id, Some(None));
        assert_eq!(serde_json::to_string(&t).unwrap(), text);
    }

    #[test]
    fn public_template_has_no_team_keys() {
        let text = r#"{"id":"tibsmjg","name":"paperspace/tibsmjg","label":null,"os":"Ubuntu 16.04 Desktop","dtCreated":"2017-12-19T22:20:05.924Z"}"#;
        let t: Template = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), text);
    }

    #[test]
    fn users_render_without_their_key() {
        let text = r#"{"id":"u1","email":"a@b.c","firstname":"A","lastname":"B","isAdmin":true,"isOwner":false,"dtCreated":"2017-04-15T16:20:59.609Z","teamId":"te1","apiKey":"k"}"#;
        let u: User = serde_json::from_str(text).unwrap();
        assert_eq!(u.api_key.as_deref(), Some("k"));
        let out = serde_json::to_string(&u).unwrap();
        assert_eq!(out, text.replace(r#","apiKey":"k""#, ""));
    }
}

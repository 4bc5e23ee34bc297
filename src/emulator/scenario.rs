//! The scenario: everything the emulator starts from (users and their keys, templates,
//! networks, availability, delays, status of create, faults, id seed). Read from JSON; unknown keys are
//! refused so that a typo does not silently fall back to a default.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use serde::Deserialize;
use serde_json::Value;

use super::faults::Fault;
use super::records::{AvailabilityRule, Network, Template, User};
use crate::model::rules;

/// The scenario the emulator ships with (see docs/EMULATOR.md).
pub const DEFAULT_SCENARIO_JSON: &str = include_str!("default_scenario.json");

/// How long each machine transition takes, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Delays {
    pub provision_ms: u64,
    pub start_ms: u64,
    pub stop_ms: u64,
    pub restart_ms: u64,
    pub destroy_ms: u64,
    /// The last part of a start or restart (in percent of its duration, 0 to 100) during which
    /// the machine reads `serviceready` before `ready`.
    pub service_ready_percent: u8,
}

impl Default for Delays {
    fn default() -> Delays {
        Delays {
            provision_ms: 200,
            start_ms: 200,
            stop_ms: 200,
            restart_ms: 200,
            destroy_ms: 200,
            service_ready_percent: 20,
        }
    }
}

/// A checked scenario. Build one with [`Scenario::from_json`] or take [`Scenario::default`].
#[derive(Debug, Clone)]
pub struct Scenario {
    pub(crate) seed: Option<u64>,
    pub(crate) create_status: u16,
    pub(crate) delays: Delays,
    pub(crate) users: Vec<User>,
    pub(crate) templates: Vec<Template>,
    pub(crate) networks: Vec<Network>,
    pub(crate) availability: Vec<AvailabilityRule>,
    pub(crate) faults: Vec<Fault>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ScenarioSpec {
    seed: Option<u64>,
    create_status: Option<u16>,
    #[serde(default)]
    delays: Delays,
    users: Vec<User>,
    #[serde(default)]
    templates: Vec<Template>,
    #[serde(default)]
    networks: Vec<Network>,
    #[serde(default)]
    availability: Vec<AvailabilityRule>,
    #[serde(default)]
    faults: Vec<Value>,
}

impl Default for Scenario {
    /// The shipped default scenario (`src/emulator/default_scenario.json`).
    fn default() -> Scenario {
        Scenario::from_json(DEFAULT_SCENARIO_JSON).expect("the shipped default scenario is valid")
    }
}

impl Scenario {
    /// Reads and checks a scenario; the error says what is wrong and where.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let spec: ScenarioSpec =
            serde_json::from_str(text).map_err(|e| format!("scenario: {e}"))?;
        let create_status = spec.create_status.unwrap_or(200);
        if !matches!(create_status, 200 | 201) {
            return Err(format!(
                "scenario: createStatus must be 200 or 201, not {create_status}"
            ));
        }
        if spec.delays.service_ready_percent > 100 {
            return Err(format!(
                "scenario: delays.serviceReadyPercent must be from 0 to 100, not {}",
                spec.delays.service_ready_percent
            ));
        }
        check_users(&spec.users)?;
        check_templates(&spec.templates, &spec.users)?;
        check_networks(&spec.networks, &spec.users)?;
        check_availability(&spec.availability)?;
        let mut faults = Vec::new();
        for (i, fault) in spec.faults.into_iter().enumerate() {
            faults
                .push(Fault::from_value(fault).map_err(|e| format!("scenario: faults[{i}]: {e}"))?);
        }
        Ok(Scenario {
            seed: spec.seed,
            create_status,
            delays: spec.delays,
            users: spec.users,
            templates: spec.templates,
            networks: spec.networks,
            availability: spec.availability,
            faults,
        })
    }

    /// The same scenario with every transition delay set to `ms` (handy in tests).
    pub fn with_delays_ms(mut self, ms: u64) -> Scenario {
        self.delays = Delays {
            provision_ms: ms,
            start_ms: ms,
            stop_ms: ms,
            restart_ms: ms,
            destroy_ms: ms,
            service_ready_percent: self.delays.service_ready_percent,
        };
        self
    }

    /// The same scenario with ids drawn from `seed`, so that runs repeat.
    pub fn with_seed(mut self, seed: u64) -> Scenario {
        self.seed = Some(seed);
        self
    }

    /// The transition delays.
    pub fn delays(&self) -> Delays {
        self.delays
    }
}

fn check_users(users: &[User]) -> Result<(), String> {
    let (mut ids, mut emails, mut keys) = (HashSet::new(), HashSet::new(), HashSet::new());
    for (i, user) in users.iter().enumerate() {
        let at = format!("scenario: users[{i}]");
        if !user.id.starts_with('u') || user.id.len() < 2 {
            return Err(format!(
                "{at}: id must look like u + letters, not {:?}",
                user.id
            ));
        }
        if !user.team_id.starts_with("te") || user.team_id.len() < 3 {
            return Err(format!("{at}: teamId must look like te + letters"));
        }
        if !ids.insert(user.id.as_str()) {
            return Err(format!("{at}: the id {} is used twice", user.id));
        }
        if !emails.insert(user.email.to_ascii_lowercase()) {
            return Err(format!("{at}: the email {} is used twice", user.email));
        }
        if let Some(key) = &user.api_key {
            if key.is_empty() || !keys.insert(key.as_str()) {
                return Err(format!("{at}: apiKey must be non-empty and unique"));
            }
        }
    }
    Ok(())
}

fn check_templates(templates: &[Template], users: &[User]) -> Result<(), String> {
    let mut ids = HashSet::new();
    for (i, template) in templates.iter().enumerate() {
        let at = format!("scenario: templates[{i}]");
        if !template.id.starts_with('t') {
            return Err(format!("{at}: id must look like t + letters"));
        }
        if !ids.insert(template.id.as_str()) {
            return Err(format!("{at}: the id {} is used twice", template.id));
        }
        if let Some(team) = &template.team_id {
            if !users.iter().any(|u| &u.team_id == team) {
                return Err(format!("{at}: teamId {team} has no users"));
            }
        }
        if let Some(region) = &template.region {
            if !rules::REGIONS.contains(&region.as_str()) {
                return Err(format!(
                    "{at}: region must be one of {}",
                    rules::one_of(&rules::REGIONS)
                ));
            }
        }
    }
    Ok(())
}

fn check_networks(networks: &[Network], users: &[User]) -> Result<(), String> {
    let (mut ids, mut addresses) = (HashSet::new(), HashSet::new());
    for (i, network) in networks.iter().enumerate() {
        let at = format!("scenario: networks[{i}]");
        if !network.id.starts_with('n') || network.id.len() < 2 {
            return Err(format!("{at}: id must look like n + letters"));
        }
        if !ids.insert(network.id.as_str()) {
            return Err(format!("{at}: the id {} is used twice", network.id));
        }
        if !rules::REGIONS.contains(&network.region.as_str()) {
            return Err(format!(
                "{at}: region must be one of {}",
                rules::one_of(&rules::REGIONS)
            ));
        }
        if !users.iter().any(|u| u.team_id == network.team_id) {
            return Err(format!("{at}: teamId {} has no users", network.team_id));
        }
        // Machines get addresses from the network's /24, so that is the only shape allowed.
        let is_24 = network
            .network
            .parse::<Ipv4Addr>()
            .is_ok_and(|a| a.octets()[3] == 0);
        if !is_24 || network.netmask != "255.255.255.0" {
            return Err(format!(
                "{at}: network must be an IPv4 address ending in .0 and netmask 255.255.255.0"
            ));
        }
        if !addresses.insert(network.network.as_str()) {
            return Err(format!(
                "{at}: the network {} is used twice",
                network.network
            ));
        }
    }
    Ok(())
}

fn check_availability(rules_list: &[AvailabilityRule]) -> Result<(), String> {
    for (i, rule) in rules_list.iter().enumerate() {
        let at = format!("scenario: availability[{i}]");
        if rule.region != "*" && !rules::REGIONS.contains(&rule.region.as_str()) {
            return Err(format!(
                "{at}: region must be \"*\" or one of {}",
                rules::one_of(&rules::REGIONS)
            ));
        }
        if rule.machine_type != "*" && !rules::MACHINE_TYPES.contains(&rule.machine_type.as_str()) {
            return Err(format!(
                "{at}: machineType must be \"*\" or one of the 19 machine types"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scenario_is_valid() {
        let s = Scenario::default();
        assert_eq!(s.templates.len(), 15);
        assert_eq!(s.users.len(), 2);
        assert_eq!(s.delays, Delays::default());
        assert_eq!(s.create_status, 200);
        assert!(s.availability.is_empty() && s.faults.is_empty());
    }

    #[test]
    fn minimal_scenario_takes_defaults() {
        let s = Scenario::from_json(
            r#"{"users":[{"id":"u1","email":"a@x","firstname":"a","lastname":"b","dtCreated":"2020-01-01T00:00:00.000Z","teamId":"te1","apiKey":"k"}]}"#,
        )
        .unwrap();
        assert_eq!(s.delays.provision_ms, 200);
        assert!(s.seed.is_none());
    }

    const NETWORK: &str = r#"{"id":"n1","name":"a","region":"Europe (AMS1)","dtCreated":"d","network":"10.64.9.0","netmask":"255.255.255.0","teamId":"te1"}"#;

    /// A scenario with one network, `change` replacing one of its fields.
    fn network(user: &str, change: &str) -> String {
        let key = &change[..change.find(':').unwrap()];
        let start = NETWORK.find(key).unwrap();
        let end = start + NETWORK[start..].find([',', '}']).unwrap();
        let n = format!("{}{change}{}", &NETWORK[..start], &NETWORK[end..]);
        format!(r#"{{"users":[{user}],"networks":[{n}]}}"#)
    }

    #[test]
    fn accepts_a_network() {
        let user = r#"{"id":"u1","email":"a@x","firstname":"a","lastname":"b","dtCreated":"d","teamId":"te1","apiKey":"k"}"#;
        let s = Scenario::from_json(&network(user, r#""name":"b""#)).unwrap();
        assert_eq!(s.networks[0].name, "b");
    }

    #[test]
    fn refuses_mistakes() {
        let user = r#"{"id":"u1","email":"a@x","firstname":"a","lastname":"b","dtCreated":"d","teamId":"te1","apiKey":"k"}"#;
        for bad in [
            "{}".to_string(),
            format!(r#"{{"users":[{user}],"typo":1}}"#),
            format!(r#"{{"users":[{user},{user}]}}"#),
            format!(r#"{{"users":[{user}],"createStatus":204}}"#),
            format!(r#"{{"users":[{user}],"delays":{{"provisionMs":-1}}}}"#),
            format!(r#"{{"users":[{user}],"delays":{{"serviceReadyPercent":101}}}}"#),
            format!(
                r#"{{"users":[{user}],"availability":[{{"region":"Mars","machineType":"C1","available":false}}]}}"#
            ),
            format!(r#"{{"users":[{user}],"faults":[{{"action":"explode"}}]}}"#),
            format!(
                r#"{{"users":[{user}],"templates":[{{"id":"t1","name":"t1","os":"x","teamId":"te9","dtCreated":"d"}}]}}"#
            ),
            network(user, r#""id":"x1""#),
            network(user, r#""teamId":"te9""#),
            network(user, r#""region":"Mars""#),
            network(user, r#""network":"10.64.0.1""#),
            network(user, r#""netmask":"255.255.0.0""#),
            format!(r#"{{"users":[{user}],"networks":[{n},{n}]}}"#, n = NETWORK),
        ] {
            assert!(Scenario::from_json(&bad).is_err(), "{bad}");
        }
    }
}

//! Private networks: `GET /networks/getNetworks` (the caller's team's networks, exact-match
//! filters) and the network the emulator adds for each team and region.

use std::collections::HashSet;

use serde_json::Value;

use super::error::Reply;
use super::ids::Ids;
use super::query::{self, Query};
use super::records::{Network, User};
use super::render;
use super::state::{Caller, State};
use crate::model::rules;

const FILTERS: [&str; 7] = [
    "id",
    "name",
    "region",
    "dtCreated",
    "network",
    "netmask",
    "teamId",
];

pub fn list(state: &State, caller: &Caller, query: &Query) -> Reply {
    let filtered = query.filters(&FILTERS).next().is_some();
    let visible: Vec<&Network> = state
        .networks
        .iter()
        .filter(|n| n.team_id == caller.team_id)
        .filter(|n| {
            !filtered || {
                let value = serde_json::to_value(n).unwrap_or(Value::Null);
                query::passes(&value, query, &FILTERS, |k| k)
            }
        })
        .collect();
    Reply::json(200, render::to_json(&visible))
}

/// One network per team (in the order teams first appear among the users) and region, created
/// with the team's first user, on the first free /24 from 10.64.0.0 that `existing` does not
/// use.
pub fn team_networks(users: &[User], existing: &[Network], ids: &mut Ids) -> Vec<Network> {
    let mut used: HashSet<String> = existing.iter().map(|n| n.network.clone()).collect();
    let mut taken_ids: HashSet<String> = existing.iter().map(|n| n.id.clone()).collect();
    let mut teams: Vec<&User> = Vec::new();
    for user in users {
        if !teams.iter().any(|u| u.team_id == user.team_id) {
            teams.push(user);
        }
    }
    let mut next = 0u32;
    let mut added = Vec::new();
    for first in teams {
        for region in rules::REGIONS {
            let address = loop {
                let candidate = format!("10.{}.{}.0", 64 + next / 256, next % 256);
                next += 1;
                if used.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let id = loop {
                let id = ids.with_prefix("n", 6);
                if taken_ids.insert(id.clone()) {
                    break id;
                }
            };
            added.push(Network {
                id,
                name: format!("Default network {}", region_code(region)),
                region: region.to_owned(),
                dt_created: first.dt_created.clone(),
                network: address,
                netmask: "255.255.255.0".to_owned(),
                team_id: first.team_id.clone(),
            });
        }
    }
    added
}

/// `East Coast (NY2)` -> `NY2`.
fn region_code(region: &str) -> &str {
    region
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, team: &str) -> User {
        User {
            id: id.into(),
            email: format!("{id}@x"),
            firstname: "a".into(),
            lastname: "b".into(),
            is_admin: false,
            is_owner: false,
            dt_created: format!("2020-01-0{}T00:00:00.000Z", id.len()),
            team_id: team.into(),
            api_key: None,
        }
    }

    #[test]
    fn one_network_per_team_and_region_on_free_addresses() {
        let existing = vec![Network {
            id: "nfixed".into(),
            name: "x".into(),
            region: "Europe (AMS1)".into(),
            dt_created: "d".into(),
            network: "10.64.1.0".into(),
            netmask: "255.255.255.0".into(),
            team_id: "te1".into(),
        }];
        let users = [user("u1", "te1"), user("u22", "te2"), user("u333", "te1")];
        let added = team_networks(&users, &existing, &mut Ids::new(Some(1)));
        let summary: Vec<(&str, &str, &str, &str)> = added
            .iter()
            .map(|n| {
                (
                    n.team_id.as_str(),
                    n.region.as_str(),
                    n.network.as_str(),
                    n.name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "te1",
                    "East Coast (NY2)",
                    "10.64.0.0",
                    "Default network NY2"
                ),
                (
                    "te1",
                    "West Coast (CA1)",
                    "10.64.2.0",
                    "Default network CA1"
                ),
                ("te1", "Europe (AMS1)", "10.64.3.0", "Default network AMS1"),
                (
                    "te2",
                    "East Coast (NY2)",
                    "10.64.4.0",
                    "Default network NY2"
                ),
                (
                    "te2",
                    "West Coast (CA1)",
                    "10.64.5.0",
                    "Default network CA1"
                ),
                ("te2", "Europe (AMS1)", "10.64.6.0", "Default network AMS1"),
            ]
        );
        assert!(
            added
                .iter()
                .all(|n| n.id.len() == 7 && n.id.starts_with('n'))
        );
        assert_eq!(added[3].dt_created, "2020-01-03T00:00:00.000Z");
    }
}

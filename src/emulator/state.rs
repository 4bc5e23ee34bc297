//! Everything the emulator remembers, behind one mutex held for the short time a request
//! needs it: users and their keys, templates, machines, networks, pending faults, counters.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};

use super::addresses::Addresses;
use super::delegations::Delegation;
use super::error::ApiError;
use super::faults::FaultQueue;
use super::fields;
use super::ids::Ids;
use super::index::{Candidates, MachineIndex, position};
use super::machine::Machine;
use super::networks;
use super::records::{AvailabilityRule, Network, Template, User};
use super::routes::Route;
use super::scenario::{Delays, Scenario};
use super::scripts::Script;

/// Who is calling, from the API key.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub team_id: String,
    pub is_admin: bool,
}

pub struct State {
    pub users: Vec<User>,
    /// API key -> index in `users` (users are only ever appended).
    keys: HashMap<String, usize>,
    pub templates: Vec<Template>,
    /// In creation order (ascending `seq`), which is the order of list. Changed only through
    /// `add_machine`, `edit_machine`, `purge` and `set_machines`, which keep `index` in step.
    machines: Vec<Machine>,
    index: MachineIndex,
    /// The `seq` of the next machine.
    next_seq: u64,
    /// The scenario's networks, then one per team and region (the default of a create).
    pub networks: Vec<Network>,
    /// In creation order, which is the order of list.
    pub scripts: Vec<Script>,
    pub delegations: Vec<Delegation>,
    /// The private and public addresses live machines hold.
    pub addresses: Addresses,
    pub ids: Ids,
    pub delays: Delays,
    availability: Vec<AvailabilityRule>,
    pub create_status: u16,
    pub faults: FaultQueue,
    requests: BTreeMap<String, u64>,
    routes: BTreeMap<&'static str, u64>,
    machines_created: u64,
}

/// How many distinct request paths the stats count one by one.
pub const MAX_PATHS: usize = 1000;
/// The stats key of the requests past [`MAX_PATHS`] distinct paths.
const OTHER_PATHS: &str = "(other paths)";

impl State {
    pub fn new(scenario: Scenario) -> State {
        let keys = scenario
            .users
            .iter()
            .enumerate()
            .filter_map(|(i, u)| u.api_key.clone().map(|k| (k, i)))
            .collect();
        let mut faults = FaultQueue::default();
        faults.extend(scenario.faults);
        let mut ids = Ids::new(scenario.seed);
        let mut all_networks = scenario.networks;
        let added = networks::team_networks(&scenario.users, &all_networks, &mut ids);
        all_networks.extend(added);
        State {
            users: scenario.users,
            keys,
            templates: scenario.templates,
            machines: Vec::new(),
            index: MachineIndex::default(),
            next_seq: 0,
            networks: all_networks,
            scripts: Vec::new(),
            delegations: Vec::new(),
            addresses: Addresses::default(),
            ids,
            delays: scenario.delays,
            availability: scenario.availability,
            create_status: scenario.create_status,
            faults,
            requests: BTreeMap::new(),
            routes: BTreeMap::new(),
            machines_created: 0,
        }
    }

    /// The caller of a key; a missing or unknown key is refused like the API refused it.
    pub fn caller(&self, api_key: Option<&str>) -> Result<Caller, ApiError> {
        let user = api_key
            .and_then(|k| self.keys.get(k))
            .map(|&i| &self.users[i])
            .ok_or_else(|| ApiError::new(401, "Invalid API token"))?;
        Ok(Caller {
            user_id: user.id.clone(),
            team_id: user.team_id.clone(),
            is_admin: user.is_admin,
        })
    }

    /// Counts a request by its route, and by its path as requested while fewer than
    /// [`MAX_PATHS`] distinct paths were seen (the others share one key), so that the counts
    /// stay small whatever paths clients send. Counters saturate instead of wrapping.
    pub fn count_request(&mut self, method: &str, path: &str, route: &Route) {
        let count = self.routes.entry(route.label()).or_default();
        *count = count.saturating_add(1);
        let key = format!("{method} {path}");
        let key = if self.requests.len() < MAX_PATHS || self.requests.contains_key(&key) {
            key
        } else {
            OTHER_PATHS.to_owned()
        };
        let count = self.requests.entry(key).or_default();
        *count = count.saturating_add(1);
    }

    /// Forgets machines whose destroy has finished (nothing to do, at the cost of one look at
    /// the index, until the first of them is due).
    pub fn purge(&mut self, now: i64) {
        let gone = self.index.gone_by(now);
        if gone.is_empty() {
            return;
        }
        let machines: Vec<&Machine> = gone
            .iter()
            .filter_map(|&seq| position(&self.machines, seq))
            .map(|p| &self.machines[p])
            .collect();
        self.index.remove(&machines);
        for m in machines {
            // Its addresses go back to the pools.
            self.addresses.release_private(&m.network_id, &m.private_ip);
            if let Some(ip) = &m.public_ip {
                self.addresses.release_public(ip);
            }
        }
        let gone: HashSet<u64> = gone.into_iter().collect();
        self.machines.retain(|m| !gone.contains(&m.seq));
    }

    /// Replaces every machine (a restore), numbering and indexing them as read at `now`.
    pub fn set_machines(&mut self, machines: Vec<Machine>, now: i64) {
        self.index.clear();
        self.machines = machines;
        for m in &mut self.machines {
            m.seq = self.next_seq;
            self.next_seq += 1;
            self.index.insert(m, now);
        }
    }

    /// Every machine, in creation order.
    pub fn machines(&self) -> &[Machine] {
        &self.machines
    }

    /// Changes the machine at `position` through `edit`, re-indexing it as read at `now`.
    pub fn edit_machine<R>(
        &mut self,
        position: usize,
        now: i64,
        edit: impl FnOnce(&mut Machine) -> R,
    ) -> R {
        self.index.remove(&[&self.machines[position]]);
        let result = edit(&mut self.machines[position]);
        self.index.insert(&self.machines[position], now);
        result
    }

    fn position_of(&self, id: &str) -> Option<usize> {
        position(&self.machines, self.index.seq_of(id)?)
    }

    /// The page of list: the machines the caller sees that pass `filters` at `now` (after
    /// `purge` and `settle` at `now`), in creation order, `skip`ped and `limit`ed. Only the
    /// machines the index offers are read, none of them when the index knows the answer.
    pub fn list_page(
        &self,
        caller: &Caller,
        filters: &[(&str, &str)],
        now: i64,
        (skip, limit): (usize, usize),
    ) -> Vec<&Machine> {
        let machines = &self.machines;
        let at = |seq: &u64| position(machines, *seq).map(|p| &machines[p]);
        let passes = |m: &&Machine| {
            State::machine_visible(m, caller)
                && filters
                    .iter()
                    .all(|&(key, wanted)| fields::matches(m, key, wanted, now))
        };
        match self.index.candidates(caller, filters, now, machines.len()) {
            Candidates::Exact(set) => set
                .get(skip..)
                .unwrap_or_default()
                .iter()
                .take(limit)
                .filter_map(at)
                .collect(),
            Candidates::All => machines
                .iter()
                .filter(passes)
                .skip(skip)
                .take(limit)
                .collect(),
            Candidates::Some(set) => set
                .iter()
                .filter_map(at)
                .filter(passes)
                .skip(skip)
                .take(limit)
                .collect(),
            Candidates::One(seq) => seq
                .as_ref()
                .and_then(at)
                .into_iter()
                .filter(passes)
                .skip(skip)
                .take(limit)
                .collect(),
        }
    }

    /// Brings the index of states up to `now`.
    pub fn settle(&mut self, now: i64) {
        self.index.settle(&self.machines, now);
    }

    /// The index of a machine the caller can see (being destroyed or not); else the 404.
    pub fn visible_machine(
        &mut self,
        id: &str,
        caller: &Caller,
        now: i64,
    ) -> Result<usize, ApiError> {
        self.purge(now);
        self.position_of(id)
            .filter(|&i| State::machine_visible(&self.machines[i], caller))
            .ok_or_else(ApiError::not_found)
    }

    /// Availability of a machine type in a region: the first matching scenario rule, else true.
    pub fn available(&self, region: &str, machine_type: &str) -> bool {
        self.availability
            .iter()
            .find(|r| {
                (r.region == "*" || r.region == region)
                    && (r.machine_type == "*" || r.machine_type == machine_type)
            })
            .is_none_or(|r| r.available)
    }

    /// The network a team's machines join in a region when create names none.
    pub fn default_network(&self, team_id: &str, region: &str) -> Option<&Network> {
        self.networks
            .iter()
            .find(|n| n.team_id == team_id && n.region == region)
    }

    /// A fresh id with `prefix` and `len` random characters that no machine, user or script
    /// has.
    pub fn fresh_id(&mut self, prefix: &str, len: usize) -> String {
        loop {
            let id = self.ids.with_prefix(prefix, len);
            let taken = self.index.seq_of(&id).is_some()
                || self.users.iter().any(|u| u.id == id)
                || self.scripts.iter().any(|s| s.id == id);
            if !taken {
                return id;
            }
        }
    }

    pub fn machines_created(&self) -> u64 {
        self.machines_created
    }

    pub fn set_machines_created(&mut self, n: u64) {
        self.machines_created = n;
    }

    /// The address pools from the machines there are (after a restore).
    pub fn rebuild_addresses(&mut self) {
        self.addresses = Addresses::default();
        for m in &self.machines {
            self.addresses
                .hold(&m.network_id, &m.private_ip, m.public_ip.as_deref());
        }
    }

    /// Adds a new machine, numbered after every other, indexed as read at `now`.
    pub fn add_machine(&mut self, mut machine: Machine, now: i64) {
        self.machines_created = self.machines_created.saturating_add(1);
        machine.seq = self.next_seq;
        self.next_seq += 1;
        self.index.insert(&machine, now);
        self.machines.push(machine);
    }

    /// Whether a template is visible to a team: public ones, and the team's own.
    pub fn template_visible(template: &Template, team_id: &str) -> bool {
        template.team_id.as_deref().is_none_or(|t| t == team_id)
    }

    /// Whether a machine is visible to a caller: the team's machines for an admin, one's own
    /// machines and those one was given access to for a member.
    pub fn machine_visible(machine: &Machine, caller: &Caller) -> bool {
        if caller.is_admin {
            machine.team_id == caller.team_id
        } else {
            machine.user_id == caller.user_id || machine.accessors.contains(&caller.user_id)
        }
    }

    /// The index of a machine the caller can see, not being destroyed; else the API's 404.
    pub fn usable_machine(
        &mut self,
        id: &str,
        caller: &Caller,
        now: i64,
    ) -> Result<usize, ApiError> {
        let index = self.visible_machine(id, caller, now)?;
        if self.machines[index].destroying() {
            return Err(ApiError::not_found());
        }
        Ok(index)
    }

    /// The body of `GET /__emulator/stats`.
    pub fn stats(&mut self, now: i64) -> Value {
        self.purge(now);
        let events: usize = self
            .machines
            .iter()
            .map(|m| m.recent_events(now, usize::MAX).count())
            .sum();
        json!({
            "requests": self.requests,
            "routes": self.routes,
            "machines": self.machines.len(),
            "machinesCreated": self.machines_created,
            "users": self.users.len(),
            "events": events,
            "networks": self.networks.len(),
            "scripts": self.scripts.len(),
            "delegations": self.delegations.len(),
            "faultsPending": self.faults.pending(),
        })
    }
}

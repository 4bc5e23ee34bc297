//! Indexes over the machines, kept in step with every change, so that list with the usual
//! filters (state, region, name, userId, teamId, and what the caller may see) walks only the
//! machines that can match instead of all of them.
//!
//! Machines are keyed by `seq`, their creation number, which never changes (positions in
//! `State::machines` shift when destroyed machines are removed). A machine's state depends on
//! the clock: the state index holds each machine's state as of `settled_at`, and `settle`
//! moves the machines whose next change of state has come, oldest change first, so after
//! `settle(now)` it is exact at `now` for the cost of the changes since the last request.
//! List still checks every filter on each candidate, so the indexes only choose where to look.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::machine::Machine;
use super::state::Caller;

type Keyed = HashMap<String, Seqs>;

static NO_MACHINES: Seqs = Seqs(Vec::new());

/// Seqs in ascending order. A sorted vector rather than a tree: new machines have the highest
/// seq (an append), reading is a walk through contiguous memory, and list's `skip` through a
/// set that needs no check is a slice.
#[derive(Default)]
struct Seqs(Vec<u64>);

impl Seqs {
    fn insert(&mut self, seq: u64) {
        match self.0.last() {
            Some(&last) if last >= seq => {
                if let Err(at) = self.0.binary_search(&seq) {
                    self.0.insert(at, seq);
                }
            }
            _ => self.0.push(seq),
        }
    }

    fn remove(&mut self, seq: u64) {
        if let Ok(at) = self.0.binary_search(&seq) {
            self.0.remove(at);
        }
    }

    fn remove_all(&mut self, seqs: &HashSet<u64>) {
        match seqs.iter().next() {
            // One machine (an edit): a search and a move instead of a pass.
            Some(&seq) if seqs.len() == 1 => self.remove(seq),
            _ => self.0.retain(|seq| !seqs.contains(seq)),
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn as_slice(&self) -> &[u64] {
        &self.0
    }
}

#[derive(Default)]
pub struct MachineIndex {
    ids: HashMap<String, u64>,
    teams: Keyed,
    owners: Keyed,
    /// Each machine under its owner and under each of its accessors: what a member sees.
    viewers: Keyed,
    names: Keyed,
    /// By the machine's region (list shows it only once the machine is provisioned).
    regions: Keyed,
    /// By state name as of `settled_at`.
    states: Keyed,
    /// seq -> the state it is indexed under and when that may change next.
    placed: HashMap<u64, (&'static str, Option<i64>)>,
    /// (time of the next change of state, seq), soonest first.
    changes: BTreeSet<(i64, u64)>,
    /// (time the destroy finishes, seq), soonest first.
    gone: BTreeSet<(i64, u64)>,
    settled_at: i64,
}

/// Where list looks for matches, in creation order.
pub enum Candidates<'a> {
    /// Every machine.
    All,
    /// These machines, by seq.
    Some(&'a [u64]),
    /// Exactly the machines that match, by seq: list skips through them without reading a
    /// machine.
    Exact(&'a [u64]),
    /// At most this one (a `machineId` filter).
    One(Option<u64>),
}

impl MachineIndex {
    pub fn seq_of(&self, id: &str) -> Option<u64> {
        self.ids.get(id).copied()
    }

    /// Adds a machine as it reads at `now`.
    pub fn insert(&mut self, m: &Machine, now: i64) {
        self.ids.insert(m.id.clone(), m.seq);
        add(&mut self.teams, &m.team_id, m.seq);
        add(&mut self.owners, &m.user_id, m.seq);
        add(&mut self.viewers, &m.user_id, m.seq);
        for user in &m.accessors {
            add(&mut self.viewers, user, m.seq);
        }
        add(&mut self.names, &m.name, m.seq);
        add(&mut self.regions, &m.region, m.seq);
        if let Some(at) = m.gone_at() {
            self.gone.insert((at, m.seq));
        }
        self.place(m, now);
    }

    /// Takes machines out, from the same field values they were inserted with. Each set they
    /// are in is swept once, so removing many machines at once (purge) costs at most one pass
    /// over the sets, not one per machine.
    pub fn remove(&mut self, machines: &[&Machine]) {
        let seqs: HashSet<u64> = machines.iter().map(|m| m.seq).collect();
        let mut states = Vec::new();
        for m in machines {
            self.ids.remove(&m.id);
            if let Some(at) = m.gone_at() {
                self.gone.remove(&(at, m.seq));
            }
            if let Some((state, next)) = self.placed.remove(&m.seq) {
                states.push(state);
                if let Some(at) = next {
                    self.changes.remove(&(at, m.seq));
                }
            }
        }
        sweep(
            &mut self.teams,
            machines.iter().map(|m| m.team_id.as_str()),
            &seqs,
        );
        sweep(
            &mut self.owners,
            machines.iter().map(|m| m.user_id.as_str()),
            &seqs,
        );
        let viewers = machines
            .iter()
            .flat_map(|m| std::iter::once(&m.user_id).chain(&m.accessors))
            .map(String::as_str);
        sweep(&mut self.viewers, viewers, &seqs);
        sweep(
            &mut self.names,
            machines.iter().map(|m| m.name.as_str()),
            &seqs,
        );
        sweep(
            &mut self.regions,
            machines.iter().map(|m| m.region.as_str()),
            &seqs,
        );
        sweep(&mut self.states, states.into_iter(), &seqs);
    }

    fn place(&mut self, m: &Machine, now: i64) {
        let state = m.phase_at(now).name();
        let next = m.next_change(now);
        add(&mut self.states, state, m.seq);
        if let Some(at) = next {
            self.changes.insert((at, m.seq));
        }
        self.placed.insert(m.seq, (state, next));
    }

    fn unplace(&mut self, seq: u64) {
        if let Some((state, next)) = self.placed.remove(&seq) {
            take(&mut self.states, state, seq);
            if let Some(at) = next {
                self.changes.remove(&(at, seq));
            }
        }
    }

    /// Brings the state index to `now`. A clock that went back leaves it as it is (and list
    /// does not use it at that `now`).
    pub fn settle(&mut self, machines: &[Machine], now: i64) {
        if now < self.settled_at {
            return;
        }
        while let Some(&(at, seq)) = self.changes.first() {
            if at > now {
                break;
            }
            self.unplace(seq);
            if let Some(p) = position(machines, seq) {
                self.place(&machines[p], now);
            }
        }
        self.settled_at = now;
    }

    /// The machines whose destroy has finished by `now`.
    pub fn gone_by(&self, now: i64) -> Vec<u64> {
        self.gone
            .iter()
            .take_while(|&&(at, _)| at <= now)
            .map(|&(_, seq)| seq)
            .collect()
    }

    /// Forgets everything (before a restore indexes the restored machines).
    pub fn clear(&mut self) {
        *self = MachineIndex {
            settled_at: self.settled_at,
            ..MachineIndex::default()
        };
    }

    /// The smallest set that holds every machine the caller sees and `filters` can match, or
    /// `All` when that set holds most of the `total` machines (walking all of them in order
    /// costs less than a lookup per machine of the set).
    pub fn candidates(
        &self,
        caller: &Caller,
        filters: &[(&str, &str)],
        now: i64,
        total: usize,
    ) -> Candidates<'_> {
        if let Some(&(_, id)) = filters.iter().find(|(key, _)| *key == "machineId") {
            return Candidates::One(self.seq_of(id));
        }
        let visible = if caller.is_admin {
            get(&self.teams, &caller.team_id)
        } else {
            get(&self.viewers, &caller.user_id)
        };
        // An administrator whose team holds every machine sees them all.
        let sees_all = caller.is_admin && visible.len() == total;
        let (mut best, mut exact) = (visible, filters.is_empty());
        for &(key, wanted) in filters {
            // The set, and whether being in it is the same as passing the filter.
            let (set, same) = match key {
                "name" => (get(&self.names, wanted), true),
                "userId" => (get(&self.owners, wanted), true),
                "teamId" => (get(&self.teams, wanted), true),
                // A region reads null until provisioned, so null is no region's key, and a
                // machine not yet provisioned is in its region's set without matching.
                "region" if wanted != "null" => (get(&self.regions, wanted), false),
                // Only exact once settled at this very time.
                "state" if now == self.settled_at => (get(&self.states, wanted), true),
                _ => continue,
            };
            if set.len() < best.len() {
                best = set;
                exact = same && sees_all && filters.iter().all(|&f| f == (key, wanted));
            }
        }
        if exact {
            Candidates::Exact(best.as_slice())
        } else if best.len() * 2 > total {
            Candidates::All
        } else {
            Candidates::Some(best.as_slice())
        }
    }
}

/// The position of a machine in `machines` (in seq order) from its seq.
pub fn position(machines: &[Machine], seq: u64) -> Option<usize> {
    let first = machines.first()?.seq;
    // Seqs grow by at least one per machine, so a machine sits at most `seq - first` in; it
    // sits exactly there until a destroyed machine before it is removed.
    let most = usize::try_from(seq.checked_sub(first)?)
        .ok()?
        .min(machines.len() - 1);
    if machines[most].seq == seq {
        return Some(most);
    }
    machines[..most].binary_search_by_key(&seq, |m| m.seq).ok()
}

fn get<'a>(map: &'a Keyed, key: &str) -> &'a Seqs {
    map.get(key).unwrap_or(&NO_MACHINES)
}

fn add(map: &mut Keyed, key: &str, seq: u64) {
    match map.get_mut(key) {
        Some(set) => set.insert(seq),
        None => {
            map.insert(key.to_owned(), Seqs(vec![seq]));
        }
    }
}

/// Removes `seqs` from the sets of `keys`, and each set that ends empty (names are mostly
/// unique: the map must not keep one empty set per machine ever created).
fn sweep<'k>(map: &mut Keyed, keys: impl Iterator<Item = &'k str>, seqs: &HashSet<u64>) {
    let keys: HashSet<&str> = keys.collect();
    for key in keys {
        if let Some(set) = map.get_mut(key) {
            set.remove_all(seqs);
            if set.0.is_empty() {
                map.remove(key);
            }
        }
    }
}

/// Removes `seq` from `key`'s set, and the set once empty.
fn take(map: &mut Keyed, key: &str, seq: u64) {
    if let Some(set) = map.get_mut(key) {
        set.remove(seq);
        if set.0.is_empty() {
            map.remove(key);
        }
    }
}

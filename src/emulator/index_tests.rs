//! List through the indexes against list by rendering every visible machine and matching its
//! JSON (what list did before it had indexes): the same answer for random filters, callers and
//! pages after random creates, actions, updates, access changes and destroys at advancing
//! times (and a clock that sometimes steps back).

use serde_json::{Value, json};

use super::access;
use super::create;
use super::fields::FILTERS;
use super::machines;
use super::query::{self, Query};
use super::render;
use super::routes::MachineAction;
use super::scenario::{DEFAULT_SCENARIO_JSON, Scenario};
use super::state::{Caller, State};
use super::update;

/// A small deterministic generator (64-bit LCG), so that a failure replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const REGIONS: [&str; 3] = ["East Coast (NY2)", "West Coast (CA1)", "Europe (AMS1)"];
const NAMES: [&str; 4] = ["alpha", "beta", "gamma", "null"];
const STATES: [&str; 8] = [
    "provisioning",
    "starting",
    "serviceready",
    "ready",
    "stopping",
    "restarting",
    "off",
    "bogus",
];

fn state() -> State {
    let mut s: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    s["delays"] = json!({"provisionMs": 40, "startMs": 30, "stopMs": 20, "restartMs": 50,
                         "destroyMs": 25});
    // A second team, whose machines the first team never sees.
    s["users"].as_array_mut().unwrap().push(json!({
        "id": "uother01", "email": "other@example.com", "firstname": "O", "lastname": "T",
        "isAdmin": true, "isOwner": true, "dtCreated": "2019-01-10T09:00:00.000Z",
        "teamId": "teother01", "apiKey": "other-key"
    }));
    State::new(Scenario::from_json(&s.to_string()).unwrap())
}

/// The old list: every visible machine rendered and its JSON matched.
fn reference(state: &State, caller: &Caller, query: &Query, now: i64) -> Vec<Value> {
    let skip = query.get("skip").map_or(0, |s| s.parse().unwrap());
    let limit = query.get("limit").map_or(1000, |s| s.parse().unwrap());
    state
        .machines()
        .iter()
        .filter(|m| State::machine_visible(m, caller))
        .map(|m| serde_json::to_value(render::machine(m, now, false)).unwrap())
        .filter(|v| {
            query::passes(
                v,
                query,
                &FILTERS,
                |k| {
                    if k == "machineId" { "id" } else { k }
                },
            )
        })
        .skip(skip)
        .take(limit)
        .collect()
}

/// One random change; `two_teams`: the second team creates machines too (else the first team
/// holds every machine, which lets list trust its indexes without reading machines).
fn change(state: &mut State, rng: &mut Rng, callers: &[Caller; 3], two_teams: bool, now: i64) {
    let ids: Vec<(String, String)> = state
        .machines()
        .iter()
        .map(|m| (m.id.clone(), m.user_id.clone()))
        .collect();
    let admin = &callers[if two_teams { rng.below(2) * 2 } else { 0 }];
    let target = (!ids.is_empty()).then(|| ids[rng.below(ids.len())].clone());
    match (rng.below(8), target) {
        (0..=2, _) | (_, None) => {
            let owner = if admin.user_id == "uq8w3kz5" && rng.below(2) == 0 {
                json!("um7x2p4j")
            } else {
                json!(null)
            };
            let body = json!({
                "region": rng.pick(&REGIONS), "machineType": "C2", "size": 50,
                "billingType": "hourly", "machineName": rng.pick(&NAMES),
                "templateId": "t04azgph", "startOnCreate": rng.below(3) > 0,
                "dynamicPublicIp": rng.below(4) == 0, "userId": owner
            });
            let _ = create::create(state, admin, body.to_string().as_bytes(), now, None);
        }
        (3, Some((id, owner))) => {
            let action = [
                MachineAction::Start,
                MachineAction::Stop,
                MachineAction::Restart,
            ][rng.below(3)];
            // The owner or an accessor acts; the others are refused (and change nothing).
            let by = if owner == "um7x2p4j" {
                &callers[1]
            } else {
                &callers[rng.below(3)]
            };
            let _ = machines::act(state, by, action, &id, b"", now);
        }
        (4, Some((id, _))) => {
            let body = json!({"machineName": rng.pick(&NAMES)}).to_string();
            let _ = update::update(state, admin, &id, body.as_bytes(), now);
        }
        (5, Some((id, _))) => {
            let body = json!({"userId": "um7x2p4j", "enableAccess": rng.below(2) == 0});
            let _ = access::set_access(state, admin, &id, body.to_string().as_bytes(), now);
        }
        (_, Some((id, _))) => {
            let _ = machines::act(state, admin, MachineAction::Destroy, &id, b"", now);
        }
    }
}

fn random_query(state: &State, rng: &mut Rng) -> String {
    let mut pairs: Vec<String> = Vec::new();
    for _ in 0..rng.below(4) {
        let pair = match rng.below(9) {
            0 | 1 => format!("state={}", rng.pick(&STATES)),
            2 => format!("region={}", rng.pick(&[REGIONS[0], REGIONS[1], "null"])),
            3 => format!("name={}", rng.pick(&NAMES)),
            4 => format!("userId={}", rng.pick(&["uq8w3kz5", "um7x2p4j", "uother01"])),
            5 => format!("teamId={}", rng.pick(&["tekq7vm2d", "teother01", "nope"])),
            6 => match state.machines() {
                [] => "machineId=psnone".to_owned(),
                all => format!("machineId={}", all[rng.below(all.len())].id),
            },
            7 => format!("dynamicPublicIp={}", rng.pick(&["true", "false"])),
            _ => format!("publicIpAddress={}", rng.pick(&["null", "203.0.113.1"])),
        };
        pairs.push(pair);
    }
    if rng.below(3) == 0 {
        pairs.push(format!("skip={}", rng.below(5)));
    }
    if rng.below(3) == 0 {
        pairs.push(format!("limit={}", rng.below(6)));
    }
    pairs.join("&").replace(' ', "%20")
}

#[test]
fn list_through_the_indexes_answers_like_a_full_scan() {
    run(7, true);
}

#[test]
fn list_trusting_the_indexes_answers_like_a_full_scan() {
    run(11, false);
}

fn run(seed: u64, two_teams: bool) {
    let mut state = state();
    let callers = ["emulator-admin-key", "emulator-member-key", "other-key"]
        .map(|key| state.caller(Some(key)).unwrap());
    let mut rng = Rng(seed);
    let mut now = 1_600_000_000_000;
    let mut nonempty = 0;
    for step in 0..1000 {
        // Mostly forward by up to 15 ms; now and then a step back, as a wall clock may.
        now += rng.below(16) as i64;
        if step % 97 == 0 {
            now -= 7;
        }
        change(&mut state, &mut rng, &callers, two_teams, now);
        let query = Query::parse(&random_query(&state, &mut rng));
        let caller = &callers[rng.below(3)];
        let reply = machines::list(&mut state, caller, &query, now).unwrap();
        let got: Vec<Value> = serde_json::from_slice(&reply.body).unwrap();
        let expected = reference(&state, caller, &query, now);
        assert_eq!(
            got, expected,
            "step {step}, {query:?} as {}",
            caller.user_id
        );
        nonempty += usize::from(!got.is_empty());
    }
    assert!(state.machines().len() > 50, "{}", state.machines().len());
    assert!(nonempty > 250, "{nonempty}");
}

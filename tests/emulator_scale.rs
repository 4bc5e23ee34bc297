//! The emulator with 50,000 machines: latency of create, show and list, printed (p50, p99), and
//! p99 held under 5 ms. Ignored by default (it takes a while, and wants a release build):
//! `cargo test --release --features emulator --test emulator_scale -- --ignored --nocapture`.

#![cfg(feature = "emulator")]

mod emulator_support;

use std::time::{Duration, Instant};

use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, Emulator, Scenario};
use serde_json::{Value, json};

const MACHINES: usize = 50_000;
/// 253 machines fit in a network's /24.
const NETWORKS: usize = 200;

fn scenario() -> Scenario {
    let mut s: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    let networks: Vec<Value> = (0..NETWORKS)
        .map(|k| {
            json!({"id": format!("nscale{k:03}"), "name": format!("scale {k}"),
                   "region": "East Coast (NY2)", "dtCreated": "2020-01-01T00:00:00.000Z",
                   "network": format!("10.{}.{}.0", 100 + k / 256, k % 256),
                   "netmask": "255.255.255.0", "teamId": "tekq7vm2d"})
        })
        .collect();
    s["networks"] = Value::Array(networks);
    Scenario::from_json(&s.to_string()).unwrap()
}

fn percentiles(name: &str, mut times: Vec<Duration>) -> Duration {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let (p50, p99) = (at(0.50), at(0.99));
    println!(
        "{name}: {} requests at {MACHINES} machines, p50 {:.2} ms, p99 {:.2} ms",
        times.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
    p99
}

#[test]
#[ignore]
fn latency_at_fifty_thousand_machines() {
    let emulator = Emulator::start("127.0.0.1:0", scenario()).unwrap();
    let agent = emulator_support::agent();
    let url = emulator.url().to_owned();
    let create = |i: usize| {
        let body = emulator_support::create_body(json!({
            "machineName": format!("scale-{i}"), "startOnCreate": false,
            "networkId": format!("nscale{:03}", i / 250)
        }));
        let started = Instant::now();
        let mut r = agent
            .post(format!("{url}/machines/createSingleMachinePublic"))
            .header("x-api-key", ADMIN_KEY)
            .header("content-type", "application/json")
            .send(body.to_string())
            .unwrap();
        let text = r.body_mut().read_to_string().unwrap();
        let took = started.elapsed();
        assert_eq!(r.status(), 200, "{text}");
        let m: Value = serde_json::from_str(&text).unwrap();
        (m["id"].as_str().unwrap().to_owned(), took)
    };
    let mut ids = Vec::with_capacity(MACHINES);
    let mut create_times = Vec::new();
    for i in 0..MACHINES {
        let (id, took) = create(i);
        ids.push(id);
        if i >= MACHINES - 2000 {
            create_times.push(took);
        }
    }
    let get = |path: String| {
        let started = Instant::now();
        let mut r = agent
            .get(format!("{url}{path}"))
            .header("x-api-key", ADMIN_KEY)
            .call()
            .unwrap();
        let text = r.body_mut().read_to_string().unwrap();
        let took = started.elapsed();
        assert_eq!(r.status(), 200, "{path}: {text}");
        took
    };
    let show_times: Vec<Duration> = (0..2000)
        .map(|i| {
            get(format!(
                "/machines/getMachinePublic?machineId={}",
                ids[i * 24 % MACHINES]
            ))
        })
        .collect();
    let list_times: Vec<Duration> = (0..500)
        .map(|i| get(format!("/machines/getMachines?limit=20&skip={}", i * 97)))
        .collect();
    let by_id_times: Vec<Duration> = (0..200)
        .map(|i| {
            get(format!(
                "/machines/getMachines?machineId={}",
                ids[i * 211 % MACHINES]
            ))
        })
        .collect();
    let p99 = [
        percentiles("create", create_times),
        percentiles("show", show_times),
        percentiles("list limit=20", list_times),
        percentiles("list machineId=", by_id_times),
    ];
    assert_eq!(emulator.stats()["machines"], MACHINES);
    for p in p99 {
        assert!(p < Duration::from_millis(5), "p99 {p:?}");
    }
}

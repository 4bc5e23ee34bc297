//! Machine lifecycles: states and events over time, actions, destroy, capacity errors,
//! permissions, and concurrent creates.

#![cfg(feature = "emulator")]

mod emulator_support;

use std::collections::HashSet;
use std::thread;
use std::time::{Duration, Instant};

use emulator_support::{Api, fast, start, with_delays};
use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, MEMBER_KEY, Scenario};
use serde_json::{Value, json};

const NOT_FOUND: &str = "Not found. Please contact support@paperspace.com for help.";
const MEMBER_ID: &str = "um7x2p4j";
const CAPACITY: &str =
    "This machine type can't start due to insufficient capacity. Please try again later.";

fn id_of(m: &Value) -> String {
    m["id"].as_str().unwrap().to_owned()
}

fn act(api: &Api, id: &str, action: &str, key: &str) -> u16 {
    let r = api.post(&format!("/machines/{id}/{action}"), Some(key), "");
    if r.status == 204 {
        assert_eq!(r.body, "");
    }
    r.status
}

/// `(name, state)` of the events, newest first.
fn events(m: &Value) -> Vec<(String, String)> {
    m["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn ev(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn sleep_until(start: Instant, ms: u64) {
    let at = start + Duration::from_millis(ms);
    if let Some(left) = at.checked_duration_since(Instant::now()) {
        thread::sleep(left);
    }
}

fn uuid_like(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && parts[2].starts_with('4')
}

#[test]
fn create_moves_through_provisioning_to_ready() {
    // A long provisioning, so that each quarter can be observed with a wide margin.
    let api = start(with_delays(1000, 40, 40, 40, 40));
    let t0 = Instant::now();
    let created = api.create(
        json!({"templateId": "tk9izniv", "machineType": "Air", "machineName": "My Machine 1"}),
    );
    let id = id_of(&created);

    // Right after create: like fixtures/Machines_GetMachine_Create_New.json.
    let m = api.show(&id);
    assert_eq!(m["state"], "provisioning");
    for key in [
        "os",
        "ram",
        "gpu",
        "storageTotal",
        "storageUsed",
        "networkId",
        "privateIpAddress",
        "region",
    ] {
        assert_eq!(m[key], Value::Null, "{key}");
    }
    assert_eq!(m["cpus"], 1);
    assert_eq!(events(&m), ev(&[("create", "new")]));
    let create = &m["events"][0];
    assert_eq!(create["dtModified"], create["dtCreated"]);
    assert_eq!(create["dtCreated"], created["dtCreated"]);
    assert_eq!(create["dtFinished"], Value::Null);
    assert_eq!(create["errorMsg"], "");
    assert!(uuid_like(create["handle"].as_str().unwrap()));
    let mut keys: Vec<&String> = create.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "dtCreated",
            "dtFinished",
            "dtModified",
            "errorMsg",
            "handle",
            "name",
            "state"
        ]
    );

    // A quarter in: create in progress, hardware filled (fixtures/GetMachinePublic.json).
    sleep_until(t0, 375);
    let m = api.show(&id);
    assert_eq!(m["state"], "provisioning");
    assert_eq!(events(&m), ev(&[("create", "in progress")]));
    assert_eq!(m["os"], "Windows 10 (Server 2016) - Licensed");
    assert_eq!(m["ram"], "4294967296");
    assert_eq!(m["cpus"], 2);
    assert_eq!(m["gpu"], "GRID K120Q (512MB)");
    assert_eq!(m["storageTotal"], "53687091200");
    assert_eq!(m["storageUsed"], "0");
    assert_eq!(m["region"], "East Coast (NY2)");
    assert_eq!(m["usageRate"], "Air hourly");
    assert_eq!(m["agentType"], "WindowsDesktop");
    let network = m["networkId"].as_str().unwrap();
    assert!(network.len() == 7 && network.starts_with('n'), "{network}");
    let ip = m["privateIpAddress"].as_str().unwrap();
    assert!(
        ip.starts_with("10.64.") && ip.split('.').count() == 4,
        "{ip}"
    );
    assert_eq!(m["publicIpAddress"], Value::Null);

    // Past half: create done, the automatic start in progress, still provisioning
    // (fixtures/Machines_GetMachine_Create_InProgress.json).
    sleep_until(t0, 750);
    let m = api.show(&id);
    assert_eq!(m["state"], "provisioning");
    assert_eq!(
        events(&m),
        ev(&[("start", "in progress"), ("create", "done")])
    );
    let done = &m["events"][1];
    assert_eq!(done["dtFinished"], done["dtModified"]);
    assert_eq!(m["events"][0]["dtCreated"], done["dtFinished"]);

    let m = api.wait_for(&id, "ready");
    assert!(t0.elapsed() >= Duration::from_millis(1000));
    assert_eq!(events(&m), ev(&[("start", "done"), ("create", "done")]));
    // The list shows the same machine without events.
    let list = api.admin_json("/machines/getMachines");
    let mut listed = list[0].clone();
    assert!(listed.get("events").is_none());
    let mut shown = m.clone();
    shown.as_object_mut().unwrap().remove("events");
    listed.as_object_mut().unwrap().remove("state");
    shown.as_object_mut().unwrap().remove("state");
    assert_eq!(listed, shown);
}

#[test]
fn start_on_create_false_ends_off_without_a_start() {
    let api = start(fast());
    let id = id_of(&api.create(json!({"startOnCreate": false})));
    let m = api.wait_for(&id, "off");
    assert_eq!(events(&m), ev(&[("create", "done")]));
    assert_eq!(m["region"], "East Coast (NY2)");
}

#[test]
fn start_stop_restart_with_events() {
    // Create stays `new` for 400 ms; each later step has 300 ms to be observed.
    let api = start(with_delays(1600, 300, 300, 300, 300));
    let id = id_of(&api.create(json!({"startOnCreate": false})));
    // Start while still provisioning: queued behind create, it reads `new` meanwhile.
    assert_eq!(act(&api, &id, "start", ADMIN_KEY), 204);
    let m = api.show(&id);
    assert_eq!(m["state"], "provisioning");
    assert_eq!(events(&m), ev(&[("start", "new"), ("create", "new")]));
    // Start again: already on its way to ready, a no-op.
    assert_eq!(act(&api, &id, "start", ADMIN_KEY), 204);
    assert_eq!(api.show(&id)["events"].as_array().unwrap().len(), 2);
    let m = api.wait_for(&id, "starting");
    assert_eq!(
        events(&m)[0],
        ("start".to_string(), "in progress".to_string())
    );
    let m = api.wait_for(&id, "ready");
    assert_eq!(events(&m), ev(&[("start", "done"), ("create", "done")]));

    assert_eq!(act(&api, &id, "stop", ADMIN_KEY), 204);
    let m = api.show(&id);
    assert_eq!(m["state"], "stopping");
    assert_eq!(
        events(&m)[0],
        ("stop".to_string(), "in progress".to_string())
    );
    let m = api.wait_for(&id, "off");
    assert_eq!(events(&m)[0], ("stop".to_string(), "done".to_string()));
    // Stop when off: no-op, no event.
    assert_eq!(act(&api, &id, "stop", ADMIN_KEY), 204);
    assert_eq!(api.show(&id)["events"].as_array().unwrap().len(), 3);

    assert_eq!(act(&api, &id, "start", ADMIN_KEY), 204);
    assert_eq!(api.show(&id)["state"], "starting");
    api.wait_for(&id, "ready");
    assert_eq!(act(&api, &id, "restart", ADMIN_KEY), 204);
    let m = api.show(&id);
    assert_eq!(m["state"], "restarting");
    assert_eq!(
        events(&m)[0],
        ("restart".to_string(), "in progress".to_string())
    );
    let m = api.wait_for(&id, "ready");
    assert_eq!(
        events(&m),
        ev(&[
            ("restart", "done"),
            ("start", "done"),
            ("stop", "done"),
            ("start", "done"),
            ("create", "done")
        ])
    );
    // Trailing slashes are tolerated on actions too.
    assert_eq!(act(&api, &id, "stop/", ADMIN_KEY), 204);
    assert_eq!(api.show(&id)["state"], "stopping");
}

#[test]
fn show_returns_the_last_ten_events_newest_first() {
    let api = start(Scenario::default().with_delays_ms(0));
    let id = id_of(&api.create(json!({})));
    api.wait_for(&id, "ready");
    for _ in 0..6 {
        assert_eq!(act(&api, &id, "restart", ADMIN_KEY), 204);
    }
    assert_eq!(act(&api, &id, "stop", ADMIN_KEY), 204);
    assert_eq!(act(&api, &id, "start", ADMIN_KEY), 204);
    let m = api.wait_for(&id, "ready");
    let names: Vec<String> = events(&m).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "start", "stop", "restart", "restart", "restart", "restart", "restart", "restart",
            "start", "create"
        ]
    );
    assert!(events(&m).iter().all(|(_, s)| s == "done"));
    assert_eq!(api.emulator.stats()["events"], 10);
}

#[test]
fn destroy_reads_off_then_disappears() {
    let api = start(with_delays(40, 40, 40, 40, 500));
    let id = id_of(&api.create(json!({})));
    api.wait_for(&id, "ready");
    let r = api.post(
        &format!("/machines/{id}/destroyMachine"),
        Some(ADMIN_KEY),
        r#"{"releasePublicIp": true}"#,
    );
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    // Like fixtures/Machines_FullLifecycle.json: off, with deactivate in progress.
    let m = api.show(&id);
    assert_eq!(m["state"], "off");
    assert_eq!(
        events(&m),
        ev(&[
            ("deactivate", "in progress"),
            ("start", "done"),
            ("create", "done")
        ])
    );
    assert_eq!(m["events"][0]["dtFinished"], Value::Null);
    // Actions on a machine being destroyed: not found; destroy again: a no-op.
    assert_eq!(act(&api, &id, "start", ADMIN_KEY), 404);
    assert_eq!(act(&api, &id, "destroyMachine", ADMIN_KEY), 204);
    assert_eq!(api.emulator.stats()["machines"], 1);
    thread::sleep(Duration::from_millis(550));
    let r = api.get(
        &format!("/machines/getMachinePublic?machineId={id}"),
        Some(ADMIN_KEY),
    );
    assert_eq!(r.error(404), NOT_FOUND);
    assert_eq!(api.admin_json("/machines/getMachines"), json!([]));
    let r = api.post(
        &format!("/machines/{id}/destroyMachine"),
        Some(ADMIN_KEY),
        "",
    );
    assert_eq!(r.error(404), NOT_FOUND);
    let stats = api.emulator.stats();
    assert_eq!(
        (stats["machines"].clone(), stats["machinesCreated"].clone()),
        (json!(0), json!(1))
    );
}

#[test]
fn destroy_body_is_checked_and_destroy_cuts_pending_transitions() {
    // The automatic start would appear after 1 s: the destroy comes long before.
    let api = start(with_delays(2000, 40, 40, 40, 40));
    let id = id_of(&api.create(json!({})));
    let r = api.post(
        &format!("/machines/{id}/destroyMachine"),
        Some(ADMIN_KEY),
        "[]",
    );
    assert_eq!(r.error(400), "The request body must be a JSON object");
    let r = api.post(
        &format!("/machines/{id}/destroyMachine"),
        Some(ADMIN_KEY),
        r#"{"releasePublicIp": "yes"}"#,
    );
    assert_eq!(r.error(400), "Parameter releasePublicIp must be a boolean");
    // Destroyed while provisioning: the create ends now, the automatic start never happens.
    assert_eq!(act(&api, &id, "destroyMachine", ADMIN_KEY), 204);
    let m = api.show(&id);
    assert_eq!(m["state"], "off");
    assert_eq!(
        events(&m),
        ev(&[("deactivate", "in progress"), ("create", "done")])
    );
}

#[test]
fn unknown_machines_are_404_for_every_action() {
    let api = start(fast());
    for action in ["start", "stop", "restart", "destroyMachine"] {
        let r = api.post(
            &format!("/machines/psnothere/{action}"),
            Some(ADMIN_KEY),
            "{}",
        );
        assert_eq!(r.error(404), NOT_FOUND, "{action}");
    }
}

#[test]
fn permissions_of_actions() {
    let api = start(fast());
    let admins = id_of(&api.create(json!({})));
    let members = id_of(&api.create(json!({"userId": MEMBER_ID})));
    api.wait_for(&admins, "ready");
    api.wait_for(&members, "ready");
    // A member cannot see the admin's machine at all.
    for action in ["stop", "restart", "destroyMachine"] {
        let r = api.post(
            &format!("/machines/{admins}/{action}"),
            Some(MEMBER_KEY),
            "",
        );
        assert_eq!(r.error(404), NOT_FOUND);
    }
    // start/stop/restart are the owner's; the admin may not run them on a member's machine.
    for action in ["stop", "restart", "start"] {
        let r = api.post(
            &format!("/machines/{members}/{action}"),
            Some(ADMIN_KEY),
            "",
        );
        let verb = action;
        assert_eq!(
            r.error(403),
            format!("Only the owner of machine {members} can {verb} it")
        );
    }
    // The owner can.
    assert_eq!(act(&api, &members, "stop", MEMBER_KEY), 204);
    api.wait_for(&members, "off");
    // Destroy: the owner or a team administrator.
    assert_eq!(act(&api, &members, "destroyMachine", ADMIN_KEY), 204);
    assert_eq!(act(&api, &admins, "destroyMachine", ADMIN_KEY), 204);
    let owned = id_of(&api.create(json!({"userId": MEMBER_ID})));
    assert_eq!(act(&api, &owned, "destroyMachine", MEMBER_KEY), 204);
}

#[test]
fn insufficient_capacity_fails_the_start_event() {
    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["delays"] =
        json!({"provisionMs": 40, "startMs": 400, "stopMs": 40, "restartMs": 40, "destroyMs": 40});
    scenario["availability"] =
        json!([{"region": "Europe (AMS1)", "machineType": "P4000", "available": false}]);
    let api = start(Scenario::from_json(&scenario.to_string()).unwrap());
    let body = json!({"region": "Europe (AMS1)", "machineType": "P4000"});
    let id = id_of(&api.create(body));
    let m = api.wait_for(&id, "off");
    assert_eq!(events(&m), ev(&[("start", "error"), ("create", "done")]));
    let start = &m["events"][0];
    assert_eq!(start["errorMsg"], CAPACITY);
    assert_eq!(start["dtFinished"], start["dtModified"]);
    assert_ne!(start["dtFinished"], Value::Null);
    // A later start fails the same way; other regions are fine.
    assert_eq!(act(&api, &id, "start", ADMIN_KEY), 204);
    assert_eq!(api.show(&id)["state"], "starting");
    let m = api.wait_for(&id, "off");
    assert_eq!(events(&m)[0], ("start".to_string(), "error".to_string()));
    let other = id_of(&api.create(json!({"region": "West Coast (CA1)", "machineType": "P4000"})));
    api.wait_for(&other, "ready");
}

#[test]
fn public_addresses() {
    let api = start(fast());
    let fixed = id_of(&api.create(json!({"assignPublicIp": true})));
    let dynamic = id_of(&api.create(json!({"dynamicPublicIp": true})));
    let m = api.wait_for(&fixed, "ready");
    assert!(emulator_support::is_public_test_address(
        m["publicIpAddress"].as_str().unwrap()
    ));
    assert_eq!(m["dynamicPublicIp"], false);
    let m = api.wait_for(&dynamic, "ready");
    assert!(emulator_support::is_public_test_address(
        m["publicIpAddress"].as_str().unwrap()
    ));
    assert_eq!(m["dynamicPublicIp"], true);
    act(&api, &fixed, "stop", ADMIN_KEY);
    act(&api, &dynamic, "stop", ADMIN_KEY);
    assert!(api.wait_for(&fixed, "off")["publicIpAddress"].is_string());
    assert_eq!(
        api.wait_for(&dynamic, "off")["publicIpAddress"],
        Value::Null
    );
}

#[test]
fn concurrent_creates_lose_nothing() {
    let api = start(fast());
    const THREADS: usize = 8;
    const EACH: usize = 10;
    let ids: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let api = &api;
                s.spawn(move || {
                    let agent = emulator_support::agent();
                    (0..EACH)
                        .map(|i| {
                            let body = emulator_support::create_body(
                                json!({"machineName": format!("m{t}-{i}")}),
                            );
                            let mut r = agent
                                .post(api.url("/machines/createSingleMachinePublic"))
                                .header("x-api-key", ADMIN_KEY)
                                .send(body.to_string())
                                .unwrap();
                            assert_eq!(r.status().as_u16(), 200);
                            let m: Value =
                                serde_json::from_str(&r.body_mut().read_to_string().unwrap())
                                    .unwrap();
                            id_of(&m)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(ids.len(), THREADS * EACH);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), THREADS * EACH);
    let listed = api.admin_json("/machines/getMachines");
    let listed: HashSet<String> = listed.as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(listed, ids.iter().cloned().collect::<HashSet<_>>());
    let names = api.admin_json("/machines/getMachines?name=m3-7");
    assert_eq!(names.as_array().unwrap().len(), 1);
    let stats = api.emulator.stats();
    assert_eq!(stats["machines"], THREADS * EACH);
    assert_eq!(stats["machinesCreated"], THREADS * EACH);
    assert_eq!(
        stats["requests"]["POST /machines/createSingleMachinePublic"],
        THREADS * EACH
    );
    assert_eq!(stats["requests"]["GET /machines/getMachines"], 2);
}

#[test]
fn seeded_scenarios_repeat_their_ids() {
    let first = start(Scenario::default().with_seed(7));
    let second = start(Scenario::default().with_seed(7));
    let a = first.create(json!({}));
    let b = second.create(json!({}));
    assert_eq!(a["id"], b["id"]);
}

/// The end of every start reads `serviceready` (20% of it by default, `serviceReadyPercent`
/// in the delays), the automatic one included; 0 turns it off.
#[test]
fn machines_pass_through_serviceready_on_their_way_to_ready() {
    let api = start(with_delays(400, 400, 40, 400, 40));
    let id = id_of(&api.create(json!({})));
    let m = api.wait_for(&id, "serviceready");
    assert_eq!(
        events(&m),
        ev(&[("start", "in progress"), ("create", "done")])
    );
    api.wait_for(&id, "ready");
    assert_eq!(act(&api, &id, "restart", ADMIN_KEY), 204);
    let m = api.wait_for(&id, "serviceready");
    assert_eq!(m["events"][0]["name"], "restart");
    assert_eq!(act(&api, &id, "restart", ADMIN_KEY), 204);
    api.wait_for(&id, "ready");

    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["delays"] = json!({"provisionMs": 300, "startMs": 300, "serviceReadyPercent": 0});
    let api = start(Scenario::from_json(&scenario.to_string()).unwrap());
    let id = id_of(&api.create(json!({})));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = api.show(&id)["state"].as_str().unwrap().to_owned();
        assert_ne!(state, "serviceready");
        if state == "ready" {
            break;
        }
        assert!(Instant::now() < deadline);
        thread::sleep(Duration::from_millis(5));
    }
}

/// A stop asked for while provisioning is requested before the automatic start appears:
/// events stay newest first by their creation time.
#[test]
fn events_are_newest_first_even_when_queued_during_provisioning() {
    let api = start(with_delays(200, 40, 40, 40, 40));
    let id = id_of(&api.create(json!({})));
    assert_eq!(act(&api, &id, "stop", ADMIN_KEY), 204);
    let m = api.wait_for(&id, "off");
    assert_eq!(
        events(&m),
        ev(&[("start", "done"), ("stop", "done"), ("create", "done")])
    );
    let created: Vec<&str> = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["dtCreated"].as_str().unwrap())
        .collect();
    let mut sorted = created.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(created, sorted);
}

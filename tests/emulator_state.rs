//! The state file: what requests changed survives a shutdown and a SIGKILL (after the save
//! window), is written atomically and readable by its owner only, and a bad file is refused.

#![cfg(feature = "emulator")]

mod emulator_support;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use emulator_support::{Api, agent, fast};
use paperspace::emulator::{ADMIN_KEY, Emulator, MEMBER_KEY, Options};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_paperspace-emulator");

/// A fresh directory for one test's state file.
fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ps-state-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn with_state(file: &Path) -> Api {
    let options = Options {
        state_file: Some(file.to_owned()),
        ..Options::default()
    };
    Api {
        emulator: Emulator::start_with("127.0.0.1:0", fast(), options).unwrap(),
        agent: agent(),
    }
}

/// The machine without what changes with the clock.
fn steady(mut m: Value) -> Value {
    let m2 = m.as_object_mut().unwrap();
    m2.remove("state");
    m2.remove("events");
    m
}

#[test]
fn everything_requests_changed_survives_a_restart() {
    let dir = dir("restart");
    let file = dir.join("state.json");
    let api = with_state(&file);
    let script = api.admin_post(
        "/scripts/createScript",
        json!({"scriptName": "boot", "scriptText": "echo hi"}),
    );
    let m = api.create(json!({"scriptId": script["id"], "assignPublicIp": true,
                              "email": "new@example.com", "password": "pw123456",
                              "firstName": "New", "lastName": "User"}));
    let id = m["id"].as_str().unwrap().to_owned();
    let other = api.create(json!({"machineName": "second"}));
    let other_id = other["id"].as_str().unwrap();
    api.wait_for(&id, "ready");
    assert_eq!(
        api.post(
            &format!("/machines/{other_id}/setMachineAccess"),
            Some(ADMIN_KEY),
            &json!({"userId": "um7x2p4j", "enableAccess": true}).to_string()
        )
        .status,
        200
    );
    let token = api.admin_post(
        "/resourceDelegations/create",
        json!({"machine": {"ids": [id]}}),
    )[0]["accessTokenId"]
        .clone();
    let before = (
        api.admin_json("/machines/getMachines"),
        api.admin_json("/scripts/getScripts"),
        api.admin_json("/users/getUsers"),
        api.admin_json("/networks/getNetworks"),
        api.show(&id),
    );
    drop(api);

    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!dir.join("state.json.tmp").exists());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(ADMIN_KEY) && !text.contains(MEMBER_KEY));
    assert!(text.contains(token.as_str().unwrap()));

    let api = with_state(&file);
    let after = api.admin_json("/machines/getMachines");
    let steady_all =
        |v: &Value| -> Vec<Value> { v.as_array().unwrap().iter().cloned().map(steady).collect() };
    assert_eq!(steady_all(&after), steady_all(&before.0));
    assert_eq!(api.admin_json("/scripts/getScripts"), before.1);
    assert_eq!(api.admin_json("/users/getUsers"), before.2);
    assert_eq!(api.admin_json("/networks/getNetworks"), before.3);
    let shown = api.show(&id);
    assert_eq!(shown["events"], before.4["events"]);
    assert_eq!(shown["state"], "ready");
    assert_eq!(shown["dtLastRun"], before.4["dtLastRun"]);
    // The accessor still sees the shared machine; counters and delegation ids carry on.
    let listed = api.get("/machines/getMachines", Some(MEMBER_KEY)).json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(api.emulator.stats()["machinesCreated"], 2);
    let next = api.admin_post(
        "/resourceDelegations/create",
        json!({"machine": {"ids": [id]}}),
    );
    assert_eq!(next[0]["id"], 2);
    // Addresses held before are still held: a new machine gets another one.
    let third = api.create(json!({"assignPublicIp": true}));
    assert_ne!(third["publicIpAddress"], shown["publicIpAddress"]);
    drop(api);
    std::fs::remove_dir_all(dir).unwrap();
}

fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    (child, v["url"].as_str().unwrap().to_owned())
}

#[test]
fn acknowledged_creates_survive_sigkill_after_the_save_window() {
    let dir = dir("kill");
    let file = dir.join("state.json");
    let state = file.to_str().unwrap();
    let (mut child, url) = spawn(&["--quiet", "--state", state]);
    let agent = agent();
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = emulator_support::create_body(json!({"machineName": format!("m{i}")}));
        let mut r = agent
            .post(format!("{url}/machines/createSingleMachinePublic"))
            .header("x-api-key", ADMIN_KEY)
            .header("content-type", "application/json")
            .send(body.to_string())
            .unwrap();
        assert_eq!(r.status(), 200);
        let m: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        ids.push(m["id"].as_str().unwrap().to_owned());
    }
    // The documented window: saved about 100 ms after the change.
    std::thread::sleep(Duration::from_millis(500));
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, url) = spawn(&["--quiet", "--state", state]);
    for (i, id) in ids.iter().enumerate() {
        let mut r = agent
            .get(format!("{url}/machines/getMachinePublic?machineId={id}"))
            .header("x-api-key", ADMIN_KEY)
            .call()
            .unwrap();
        assert_eq!(r.status(), 200, "{id}");
        let m: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        assert_eq!(m["name"], format!("m{i}"));
    }
    // SIGTERM saves too, at once: a machine created just before it is there after.
    let body = emulator_support::create_body(json!({"machineName": "last"}));
    let r = agent
        .post(format!("{url}/machines/createSingleMachinePublic"))
        .header("x-api-key", ADMIN_KEY)
        .header("content-type", "application/json")
        .send(body.to_string())
        .unwrap();
    assert_eq!(r.status(), 200);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(10));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"name\":\"last\""));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_bad_state_file_is_refused() {
    let dir = dir("bad");
    let file = dir.join("state.json");
    std::fs::write(&file, r#"{"version": 1, "machines": "many"}"#).unwrap();
    let out = Command::new(BIN)
        .args(["--state", file.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "paperspace-emulator: bad state file {}: ",
            file.display()
        )),
        "{err}"
    );
    std::fs::write(&file, r#"{"version": 9, "ids": 1, "machinesCreated": 0, "users": [], "networks": [], "machines": [], "scripts": [], "delegations": []}"#).unwrap();
    let options = Options {
        state_file: Some(file.clone()),
        ..Options::default()
    };
    let err = Emulator::start_with("127.0.0.1:0", fast(), options)
        .err()
        .unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(
        err.to_string(),
        format!(
            "state file {}: version 9 is not 1, the version this emulator writes",
            file.display()
        )
    );
    // A missing file is a fresh start, written once something changes.
    let fresh = dir.join("fresh.json");
    let api = with_state(&fresh);
    assert!(!fresh.exists());
    api.create(json!({}));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !fresh.exists() {
        assert!(Instant::now() < deadline, "never saved");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(api);
    std::fs::remove_dir_all(dir).unwrap();
}

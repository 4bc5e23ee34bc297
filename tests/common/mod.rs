//! Shared set-up of the client integration tests: an in-process emulator and clients for it.
#![allow(dead_code)] // each test file uses its own subset

use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, Emulator, Scenario};
use paperspace::{Client, Config};
use serde_json::{Value, json};

/// An emulator with the shipped default scenario.
pub fn emulator() -> Emulator {
    Emulator::start("127.0.0.1:0", Scenario::default()).expect("emulator starts")
}

/// An emulator with the default scenario's users and templates and the given top-level keys.
pub fn emulator_with(overrides: Value) -> Emulator {
    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    for (key, value) in overrides.as_object().expect("an object") {
        scenario[key] = value.clone();
    }
    let scenario = Scenario::from_json(&scenario.to_string()).expect("scenario is valid");
    Emulator::start("127.0.0.1:0", scenario).expect("emulator starts")
}

/// A team-admin client of `emu`, with fast retries left at their defaults.
pub fn admin(emu: &Emulator) -> Client {
    client(emu, json!({}))
}

/// A client of `emu` with extra config keys (the admin key unless `apiKey` is given).
pub fn client(emu: &Emulator, extra: Value) -> Client {
    let mut config = json!({"apiKey": ADMIN_KEY, "baseUrl": emu.url()});
    for (key, value) in extra.as_object().expect("an object") {
        config[key] = value.clone();
    }
    Client::new(Config::from_json(&config.to_string()).unwrap()).unwrap()
}

/// How many requests the emulator saw for `"<METHOD> <path>"`.
pub fn requests(emu: &Emulator, key: &str) -> u64 {
    emu.stats()["requests"][key].as_u64().unwrap_or(0)
}

/// A create request for a CPU machine from the Ubuntu 18.04 template, as JSON params.
pub fn ubuntu_c4(name: &str) -> Value {
    json!({
        "region": "East Coast (NY2)", "machineType": "C4", "size": 50,
        "billingType": "hourly", "machineName": name, "templateId": "t04azgph",
    })
}

pub const CREATE: &str = "POST /machines/createSingleMachinePublic";
pub const TEMPLATES: &str = "GET /templates/getTemplates";
pub const SHOW: &str = "GET /machines/getMachinePublic";
pub const USERS: &str = "GET /users/getUsers";

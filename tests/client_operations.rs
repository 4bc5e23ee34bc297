//! Every operation through the Rust API and the JSON API, against the emulator.
#![cfg(feature = "emulator")]

mod common;

use common::*;
use paperspace::model::machine::{
    AvailabilityParams, CreateMachine, DestroyMachine, MachineFilter, WaitParams,
};
use paperspace::model::template::TemplateFilter;
use paperspace::model::user::UserFilter;
use paperspace::{Operation, Status};
use serde_json::{Value, json};

fn call(client: &paperspace::Client, op: Operation, params: Value) -> Value {
    let text = client
        .call_json(op, &params.to_string())
        .unwrap_or_else(|e| panic!("{op:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn templates_list_and_filters() {
    let emu = emulator();
    let client = admin(&emu);
    let all = client.list_templates(&TemplateFilter::default()).unwrap();
    assert_eq!(all.len(), 15, "14 public templates and the team's own");
    assert!(
        all.iter()
            .any(|t| t.id == "t04azgph" && t.os.as_deref() == Some("Ubuntu 18.04 Server"))
    );

    let windows = TemplateFilter {
        label: Some(Some("Windows 10".into())),
        ..TemplateFilter::default()
    };
    let ids: Vec<String> = client
        .list_templates(&windows)
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, ["tk9izniv", "taoz1uxr"]);

    let unlabelled = call(&client, Operation::TemplatesList, json!({"label": null}));
    assert_eq!(
        unlabelled,
        json!([{"id": "tibsmjg", "name": "paperspace/tibsmjg", "label": null,
        "os": "Ubuntu 16.04 Desktop", "dtCreated": "2017-12-19T22:20:05.924Z"}])
    );

    let in_ny2 = call(
        &client,
        Operation::TemplatesList,
        json!({"region": "East Coast (NY2)"}),
    );
    assert_eq!(in_ny2.as_array().unwrap().len(), 1);
    assert!(in_ny2[0]["teamId"].is_string());
}

#[test]
fn json_results_are_the_servers_text() {
    let emu = emulator();
    let client = admin(&emu);
    let ours = client.call_json(Operation::TemplatesList, "").unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let theirs = agent
        .get(format!("{}/templates/getTemplates", emu.url()))
        .header("x-api-key", paperspace::emulator::ADMIN_KEY)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn machine_lifecycle() {
    let emu = emulator();
    let client = admin(&emu);

    let availability = client
        .machine_availability(&AvailabilityParams {
            region: Some("Europe (AMS1)".into()),
            machine_type: Some("GPU+".into()),
        })
        .unwrap();
    assert!(availability.available);

    let created = client
        .create_machine(&CreateMachine::new(
            "East Coast (NY2)",
            "C4",
            50,
            "hourly",
            "lifecycle",
            "t04azgph",
        ))
        .unwrap();
    assert!(created.id.starts_with("ps"), "{}", created.id);
    assert_eq!(created.state.as_deref(), Some("provisioning"));
    assert_eq!(
        (created.ram.as_deref(), created.region.as_deref()),
        (None, None)
    );

    let fast = |state: &str| WaitParams {
        interval_ms: Some(20),
        timeout_ms: Some(5_000),
        ..WaitParams::new(&created.id, state)
    };
    let ready = client.wait_for_machine(&fast("ready"), None).unwrap();
    assert_eq!(ready.state.as_deref(), Some("ready"));
    assert_eq!(ready.region.as_deref(), Some("East Coast (NY2)"));
    assert_eq!(ready.storage_total.as_deref(), Some("53687091200"));

    let shown = client.show_machine(&created.id).unwrap();
    assert_eq!(shown.id, created.id);
    assert!(!shown.events.unwrap().is_empty());

    let listed = client
        .list_machines(&MachineFilter {
            machine_id: Some(Some(created.id.clone())),
            ..MachineFilter::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].events, None, "list carries no events");

    client.stop_machine(&created.id).unwrap();
    assert_eq!(
        client
            .wait_for_machine(&fast("off"), None)
            .unwrap()
            .state
            .as_deref(),
        Some("off")
    );
    client.start_machine(&created.id).unwrap();
    assert_eq!(
        client
            .wait_for_machine(&fast("ready"), None)
            .unwrap()
            .state
            .as_deref(),
        Some("ready")
    );
    assert_eq!(
        call(
            &client,
            Operation::MachinesRestart,
            json!({"machineId": created.id})
        ),
        json!({})
    );
    client.wait_for_machine(&fast("ready"), None).unwrap();

    client
        .destroy_machine(&DestroyMachine {
            machine_id: Some(created.id.clone()),
            release_public_ip: Some(true),
        })
        .unwrap();
    let gone = (0..100).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        client.show_machine(&created.id).err()
    });
    let gone = gone.expect("a destroyed machine ends up not found");
    assert_eq!(
        (gone.status(), gone.http_status()),
        (Status::Api, Some(404))
    );
    assert_eq!(
        gone.message(),
        "Not found. Please contact support@paperspace.com for help."
    );
}

#[test]
fn list_filters_and_paging() {
    let emu = emulator();
    let client = admin(&emu);
    for i in 0..3 {
        call(
            &client,
            Operation::MachinesCreate,
            ubuntu_c4(&format!("page-{i}")),
        );
    }
    let page = call(
        &client,
        Operation::MachinesList,
        json!({"limit": 2, "skip": 1}),
    );
    assert_eq!(page.as_array().unwrap().len(), 2);
    let named = call(&client, Operation::MachinesList, json!({"name": "page-1"}));
    assert_eq!(named.as_array().unwrap().len(), 1);
    assert_eq!(named[0]["name"], "page-1");
    let none = call(
        &client,
        Operation::MachinesList,
        json!({"name": "page-1", "state": "off"}),
    );
    assert_eq!(none, json!([]));
}

#[test]
fn users_list_with_lower_case_filters() {
    let emu = emulator();
    let client = admin(&emu);
    let users = client.list_users(&UserFilter::default()).unwrap();
    assert_eq!(
        users.len(),
        2,
        "the admin and the member of the default team"
    );
    let first = &users[0];
    let filter = UserFilter {
        firstname: first.firstname.clone().map(Some),
        ..UserFilter::default()
    };
    let found = client.list_users(&filter).unwrap();
    assert!(found.iter().all(|u| u.firstname == first.firstname));
    assert_eq!(requests(&emu, USERS), 2);
}

#[test]
fn one_client_many_threads() {
    let emu = emulator();
    let client = admin(&emu);
    std::thread::scope(|scope| {
        for i in 0..8 {
            let client = &client;
            scope.spawn(move || {
                for _ in 0..10 {
                    assert_eq!(
                        client
                            .list_templates(&TemplateFilter::default())
                            .unwrap()
                            .len(),
                        15
                    );
                }
                call(
                    client,
                    Operation::MachinesCreate,
                    ubuntu_c4(&format!("thread-{i}")),
                );
            });
        }
    });
    assert_eq!(requests(&emu, TEMPLATES), 80);
    assert_eq!(requests(&emu, CREATE), 8);
    assert_eq!(
        client
            .list_machines(&MachineFilter::default())
            .unwrap()
            .len(),
        8
    );
}

//! `POST /machines/createSingleMachinePublic`: one failing request per rule, in the documented
//! order, and the exact shape of a success.

#![cfg(feature = "emulator")]

mod emulator_support;

use emulator_support::{Api, MACHINE_KEYS, create_body, fast, key_order, start};
use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, MEMBER_KEY, Scenario};
use serde_json::{Value, json};

const PATH: &str = "/machines/createSingleMachinePublic";
const TEAM: &str = "tekq7vm2d";
const ADMIN_ID: &str = "uq8w3kz5";
const MEMBER_ID: &str = "um7x2p4j";

fn refused(api: &Api, body: &str) -> (u16, String) {
    let r = api.post(PATH, Some(ADMIN_KEY), body);
    let status = r.status;
    (status, r.error(status))
}

fn refused_with(api: &Api, extra: Value) -> (u16, String) {
    refused(api, &create_body(extra).to_string())
}

fn bad(message: &str) -> (u16, String) {
    (400, message.to_owned())
}

#[test]
fn success_has_the_captured_shape() {
    let api = start(fast());
    let r = api.post(PATH, Some(ADMIN_KEY), &create_body(json!({})).to_string());
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(key_order(&r.body), MACHINE_KEYS);
    let m = r.json();
    let id = m["id"].as_str().unwrap();
    assert!(id.len() == 9 && id.starts_with("ps"), "{id}");
    assert!(
        id[2..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    let dt = m["dtCreated"].as_str().unwrap();
    assert!(
        dt.len() == 24 && dt.ends_with('Z') && dt.as_bytes()[10] == b'T',
        "{dt}"
    );
    let expected = json!({
        "id": id, "name": "test machine", "os": null, "ram": null, "cpus": 1, "gpu": null,
        "storageTotal": null, "storageUsed": null, "usageRate": "C2 hourly",
        "shutdownTimeoutInHours": 168, "shutdownTimeoutForces": false,
        "performAutoSnapshot": false, "autoSnapshotFrequency": null, "autoSnapshotSaveCount": null,
        "dynamicPublicIp": false, "agentType": "LinuxHeadless", "dtCreated": dt,
        "state": "provisioning", "updatesPending": false, "networkId": null,
        "privateIpAddress": null, "publicIpAddress": null, "region": null,
        "userId": ADMIN_ID, "teamId": TEAM, "scriptId": null, "dtLastRun": null
    });
    assert_eq!(m, expected);
}

#[test]
fn create_status_can_be_201() {
    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["createStatus"] = json!(201);
    let api = start(Scenario::from_json(&scenario.to_string()).unwrap());
    let r = api.post(PATH, Some(ADMIN_KEY), &create_body(json!({})).to_string());
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["state"], "provisioning");
}

#[test]
fn auth_and_permission_come_before_the_body() {
    let api = start(fast());
    let r = api.post(PATH, None, "not json");
    assert_eq!(r.error(401), "Invalid API token");
    let r = api.post(PATH, Some(MEMBER_KEY), "not json");
    assert_eq!(
        r.error(403),
        "Only the team administrator can create machines; team members cannot create machines themselves"
    );
    let r = api.post(PATH, Some(MEMBER_KEY), &create_body(json!({})).to_string());
    assert_eq!(r.status, 403);
    assert_eq!(api.emulator.stats()["machinesCreated"], 0);
}

#[test]
fn body_shape_and_types() {
    let api = start(fast());
    let object = "The request body must be a JSON object";
    assert_eq!(refused(&api, ""), bad(object));
    assert_eq!(refused(&api, "not json"), bad(object));
    assert_eq!(refused(&api, "[1]"), bad(object));
    assert_eq!(refused(&api, "null"), bad(object));
    // Required fields in order: region, machineType, size, billingType, machineName, templateId.
    assert_eq!(
        refused(&api, "{}"),
        bad("Missing required parameter region")
    );
    let full = create_body(json!({}));
    for (i, key) in [
        "region",
        "machineType",
        "size",
        "billingType",
        "machineName",
        "templateId",
    ]
    .iter()
    .enumerate()
    {
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(*key);
        assert_eq!(
            refused(&api, &body.to_string()),
            bad(&format!("Missing required parameter {key}")),
            "{i}"
        );
        body[*key] = Value::Null;
        assert_eq!(
            refused(&api, &body.to_string()),
            bad(&format!("Missing required parameter {key}"))
        );
    }
    assert_eq!(
        refused_with(&api, json!({"region": 1})),
        bad("Parameter region must be a string")
    );
    assert_eq!(
        refused_with(&api, json!({"size": "50"})),
        bad("Parameter size must be a number")
    );
    assert_eq!(
        refused_with(&api, json!({"machineName": ["x"]})),
        bad("Parameter machineName must be a string")
    );
    assert_eq!(
        refused_with(&api, json!({"templateId": 7})),
        bad("Parameter templateId must be a string")
    );
    // The first failing field wins: region comes before size.
    assert_eq!(
        refused_with(&api, json!({"size": "x", "region": false})),
        bad("Parameter region must be a string")
    );
    for (key, value, kind) in [
        ("assignPublicIp", json!("true"), "a boolean"),
        ("dynamicPublicIp", json!(1), "a boolean"),
        ("startOnCreate", json!("no"), "a boolean"),
        ("networkId", json!(5), "a string"),
        ("teamId", json!(true), "a string"),
        ("userId", json!(1), "a string"),
        ("email", json!(1), "a string"),
        ("password", json!(1), "a string"),
        ("firstName", json!(1), "a string"),
        ("lastName", json!(1), "a string"),
        ("notificationEmail", json!({}), "a string"),
        ("scriptId", json!(1), "a string"),
        ("takeInitialSnapshot", json!("yes"), "a boolean"),
        ("markSnapshotAsRestorePoint", json!(0), "a boolean"),
        ("restorePointFrequency", json!(1), "a string"),
        ("enableNvlink", json!("y"), "a boolean"),
        ("isManaged", json!("y"), "a boolean"),
        ("shutdownTimeoutInHours", json!("24"), "a number"),
        ("performAutoSnapshot", json!("y"), "a boolean"),
        ("autoSnapshotFrequency", json!(1), "a string"),
        ("autoSnapshotSaveCount", json!("3"), "a number"),
    ] {
        assert_eq!(
            refused_with(&api, json!({ key: value })),
            bad(&format!("Parameter {key} must be {kind}")),
            "{key}"
        );
    }
    assert_eq!(api.emulator.stats()["machinesCreated"], 0);
}

#[test]
fn value_rules_in_order() {
    let api = start(fast());
    assert_eq!(
        refused_with(&api, json!({"region": "NY2"})),
        bad("region must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'")
    );
    assert_eq!(
        refused_with(&api, json!({"machineType": "K80"})),
        bad(
            "machineType must be one of 'Air', 'Standard', 'Pro', 'Advanced', 'GPU+', 'P4000', 'P5000', 'P6000', 'V100', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', or 'C10'"
        )
    );
    assert_eq!(
        refused_with(&api, json!({"billingType": "weekly"})),
        bad("billingType must be one of 'monthly', or 'hourly'")
    );
    let size = bad("size must be a whole number of GB from 50 to 2000");
    for value in [json!(49), json!(2001), json!(50.5), json!(0), json!(-100)] {
        assert_eq!(refused_with(&api, json!({"size": value})), size, "{value}");
    }
    assert_eq!(
        refused_with(
            &api,
            json!({"assignPublicIp": true, "dynamicPublicIp": true})
        ),
        bad("assignPublicIp and dynamicPublicIp cannot both be true")
    );
    assert_eq!(
        refused_with(&api, json!({"userId": MEMBER_ID, "email": "x@example.com"})),
        bad("userId cannot be combined with email, password, firstName or lastName")
    );
    assert_eq!(
        refused_with(&api, json!({"email": "x@example.com", "firstName": "X"})),
        bad(
            "email, password, firstName and lastName are all required to create a new user; missing: password, lastName"
        )
    );
    for field in ["email", "password", "firstName", "lastName"] {
        let mut user =
            json!({"email": "x@example.com", "password": "p", "firstName": "X", "lastName": "Y"});
        user[field] = json!(" ");
        assert_eq!(
            refused_with(&api, user),
            bad(&format!("{field} must not be empty"))
        );
    }
    assert_eq!(
        refused_with(&api, json!({"restorePointFrequency": "daily"})),
        bad("restorePointFrequency must be one of 'shutdown'")
    );
    let restore = bad(
        "markSnapshotAsRestorePoint requires takeInitialSnapshot to be true and restorePointFrequency to be set",
    );
    assert_eq!(
        refused_with(&api, json!({"markSnapshotAsRestorePoint": true})),
        restore
    );
    assert_eq!(
        refused_with(
            &api,
            json!({"markSnapshotAsRestorePoint": true, "takeInitialSnapshot": true})
        ),
        restore
    );
    assert_eq!(
        refused_with(
            &api,
            json!({"markSnapshotAsRestorePoint": true, "restorePointFrequency": "shutdown"})
        ),
        restore
    );
    let timeout = bad("shutdownTimeoutInHours must be a positive whole number or null");
    for value in [json!(1.5), json!(0), json!(-24)] {
        assert_eq!(
            refused_with(&api, json!({"shutdownTimeoutInHours": value})),
            timeout
        );
    }
    assert_eq!(
        refused_with(&api, json!({"autoSnapshotFrequency": "month"})),
        bad("autoSnapshotFrequency must be one of 'hour', 'day', or 'week', or null")
    );
    assert_eq!(
        refused_with(&api, json!({"autoSnapshotSaveCount": 2.5})),
        bad("autoSnapshotSaveCount must be a positive whole number or null")
    );
    assert_eq!(
        refused_with(&api, json!({"templateId": "tnothere"})),
        bad("templateId not found")
    );
    // The team template was made in East Coast (NY2) and creates machines there only.
    assert_eq!(
        refused_with(
            &api,
            json!({"templateId": "t456def", "machineType": "GPU+", "region": "Europe (AMS1)"})
        ),
        bad("templateId t456def can only create machines in region East Coast (NY2)")
    );
    assert_eq!(
        refused_with(&api, json!({"templateId": "tk9izniv", "machineType": "C4"})),
        bad("Windows os templates cannot be used to create CPU-only machine types 'C1' - 'C10'")
    );
    assert_eq!(
        refused_with(
            &api,
            json!({"templateId": "t04azgph", "machineType": "Pro"})
        ),
        bad(
            "Ubuntu os templates cannot be used to create GRID GPU machine types: 'Air', 'Standard', 'Pro', or 'Advanced'"
        )
    );
    assert_eq!(
        refused_with(&api, json!({"teamId": "teother"})),
        bad("teamId must be the id of your own team")
    );
    assert_eq!(
        refused_with(&api, json!({"userId": "unothere"})),
        bad("userId not found in your team")
    );
    assert_eq!(
        refused_with(
            &api,
            json!({"email": "MEMBER@example.com", "password": "p", "firstName": "a", "lastName": "b"})
        ),
        bad("email is already associated with a Paperspace account")
    );
    // Earlier rules win over later ones.
    assert_eq!(
        refused_with(
            &api,
            json!({"region": "Mars", "templateId": "tnothere", "size": 1})
        ),
        bad("region must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'")
    );
    assert_eq!(
        refused_with(&api, json!({"templateId": "tnothere", "teamId": "teother"})),
        bad("templateId not found")
    );
    let stats = api.emulator.stats();
    assert_eq!(
        (stats["machinesCreated"].clone(), stats["users"].clone()),
        (json!(0), json!(2))
    );
}

#[test]
fn accepted_variants() {
    let api = start(fast());
    // Bounds, explicit own team, an existing user, extra keys (ignored), null optionals.
    let m = api.create(json!({"size": 2000, "teamId": TEAM, "userId": MEMBER_ID, "machineId": "x",
                              "tags": ["a"], "shutdownTimeoutInHours": null, "notificationEmail": null}));
    assert_eq!(m["userId"], MEMBER_ID);
    assert_eq!(m["shutdownTimeoutInHours"], Value::Null);
    let m = api.create(
        json!({"size": 50.0, "billingType": "monthly", "machineType": "P5000",
                              "templateId": "tk9izniv",
                              "takeInitialSnapshot": true, "markSnapshotAsRestorePoint": true,
                              "restorePointFrequency": "shutdown", "shutdownTimeoutInHours": 24}),
    );
    assert_eq!(m["usageRate"], "P5000 monthly");
    assert_eq!(m["agentType"], "WindowsDesktop");
    assert_eq!(m["shutdownTimeoutInHours"], 24);
    // Whole numbers are stored as such; a static public address is there at once.
    let n = api.create(
        json!({"shutdownTimeoutInHours": 12.0, "autoSnapshotFrequency": "hour",
                              "autoSnapshotSaveCount": 3, "assignPublicIp": true}),
    );
    assert_eq!(n["shutdownTimeoutInHours"], 12);
    assert!(n["shutdownTimeoutInHours"].is_u64());
    assert_eq!(n["autoSnapshotFrequency"], "hour");
    assert_eq!(n["autoSnapshotSaveCount"], 3);
    assert!(emulator_support::is_public_test_address(
        n["publicIpAddress"].as_str().unwrap()
    ));
    assert_eq!(n["privateIpAddress"], Value::Null);
    // The team template (Ubuntu) with a dedicated-GPU type.
    let m = api.create(json!({"templateId": "t456def", "machineType": "GPU+"}));
    assert_eq!(m["state"], "provisioning");
    assert_eq!(api.emulator.stats()["machinesCreated"], 4);
}

#[test]
fn new_user_is_created_on_the_team() {
    let api = start(fast());
    let m = api.create(json!({"email": "new@example.com", "password": "secret123",
                              "firstName": "Jon", "lastName": "Snow"}));
    let users = api.admin_json("/users/getUsers?email=new%40example.com");
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 1);
    let user = &users[0];
    let id = user["id"].as_str().unwrap();
    assert!(id.len() == 8 && id.starts_with('u'), "{id}");
    assert_eq!(m["userId"], id);
    assert_eq!(
        *user,
        json!({"id": id, "email": "new@example.com", "firstname": "Jon", "lastname": "Snow",
               "isAdmin": false, "isOwner": false, "dtCreated": m["dtCreated"], "teamId": TEAM})
    );
    // The same email cannot be used again.
    let again = create_body(
        json!({"email": "new@example.com", "password": "p", "firstName": "a", "lastName": "b"}),
    );
    let r = api.post(PATH, Some(ADMIN_KEY), &again.to_string());
    assert_eq!(
        r.error(400),
        "email is already associated with a Paperspace account"
    );
    assert_eq!(api.emulator.stats()["users"], 3);
}

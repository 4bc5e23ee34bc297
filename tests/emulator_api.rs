//! The emulator's read endpoints, auth, routing and stats, against exact values.

#![cfg(feature = "emulator")]

mod emulator_support;

use emulator_support::{MACHINE_KEYS, enc, fast, key_order, start};
use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, MEMBER_KEY, Scenario};
use serde_json::{Value, json};

const NOT_FOUND: &str = "Not found. Please contact support@paperspace.com for help.";
const TEAM: &str = "tekq7vm2d";
const ADMIN_ID: &str = "uq8w3kz5";
const MEMBER_ID: &str = "um7x2p4j";

/// A body captured from the live API (tests/fixtures, copied from the 2019 captures).
fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn templates_are_the_captured_public_ones_plus_the_team_template() {
    let api = start(fast());
    let r = api.get("/templates/getTemplates", Some(ADMIN_KEY));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let list = r.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 15);
    assert_eq!(
        list[0],
        json!({"id": "tgdcijpo", "name": "paperspace/tgdcijpo", "label": "H2O",
               "os": "Ubuntu 16.04 Desktop", "dtCreated": "2018-04-19T16:25:35.706Z"})
    );
    // Same keys, same order, same values as the capture.
    let captured: Value = serde_json::from_str(&fixture("ListTemplates.json")).unwrap();
    assert_eq!(Value::from(list[..14].to_vec()), captured);
    let public_text = &r.body[1..r.body.find("},").unwrap() + 1];
    assert_eq!(
        key_order(public_text),
        ["id", "name", "label", "os", "dtCreated"]
    );
    let team_text = &r.body[r.body.rfind("{\"id\"").unwrap()..r.body.len() - 1];
    assert_eq!(
        key_order(team_text),
        [
            "id",
            "name",
            "label",
            "os",
            "teamId",
            "userId",
            "region",
            "dtCreated"
        ]
    );
    assert_eq!(list[14]["teamId"], TEAM);
    assert_eq!(list[14]["userId"], ADMIN_ID);
    // Both keys of the team see its template.
    assert_eq!(
        api.get("/templates/getTemplates/", Some(MEMBER_KEY))
            .json()
            .as_array()
            .unwrap()
            .len(),
        15
    );
}

#[test]
fn template_filters_match_exactly_including_null() {
    let api = start(fast());
    let ids = |query: &str| -> Vec<String> {
        api.admin_json(&format!("/templates/getTemplates?{query}"))
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("label=null"), ["tibsmjg"]);
    assert_eq!(
        ids(&format!("label={}", enc("ML in a Box"))),
        ["tmp07rk7", "to97uzxb"]
    );
    assert_eq!(ids("label=ML+in+a+Box"), ["tmp07rk7", "to97uzxb"]);
    assert_eq!(
        ids(&format!(
            "os={}&label=Windows%2010",
            enc("Windows 10 (Server 2016) - Licensed")
        )),
        ["tk9izniv"]
    );
    assert_eq!(ids("dtCreated=2018-06-15T06:00:34.531Z"), ["t04azgph"]);
    assert_eq!(
        ids(&format!("region={}", enc("East Coast (NY2)"))),
        ["t456def"]
    );
    assert_eq!(ids("teamId=null").len(), 14);
    assert_eq!(ids(&format!("teamId={TEAM}")), ["t456def"]);
    assert_eq!(ids("userId=null").len(), 14);
    assert_eq!(ids("id=t04azgph&name=paperspace/t04azgph"), ["t04azgph"]);
    assert!(ids("id=t04azgph&name=other").is_empty());
    assert!(ids("label=ml%20in%20a%20box").is_empty());
    // Unknown parameters are ignored.
    assert_eq!(ids("foo=bar").len(), 15);
}

#[test]
fn team_templates_are_visible_to_their_team_only() {
    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["users"].as_array_mut().unwrap().push(json!({
        "id": "uother01", "email": "other@example.com", "firstname": "O", "lastname": "T",
        "isAdmin": true, "isOwner": true, "dtCreated": "2020-01-01T00:00:00.000Z",
        "teamId": "teother01", "apiKey": "other-key"
    }));
    let api = start(Scenario::from_json(&scenario.to_string()).unwrap());
    let r = api.get("/templates/getTemplates", Some("other-key"));
    assert_eq!(r.json().as_array().unwrap().len(), 14);
    // Nor can the other team create from it.
    let body = emulator_support::create_body(json!({"templateId": "t456def", "machineType": "C1"}));
    let r = api.post(
        "/machines/createSingleMachinePublic",
        Some("other-key"),
        &body.to_string(),
    );
    assert_eq!(r.error(400), "templateId not found");
    // Users are per team.
    let users = api.get("/users/getUsers", Some("other-key")).json();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["id"], "uother01");
}

#[test]
fn users_list_is_the_team_with_lower_case_filters() {
    let api = start(fast());
    let r = api.get("/users/getUsers", Some(MEMBER_KEY));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!([
            {"id": ADMIN_ID, "email": "admin@example.com", "firstname": "Ada", "lastname": "Admin",
             "isAdmin": true, "isOwner": true, "dtCreated": "2019-01-10T09:00:00.000Z", "teamId": TEAM},
            {"id": MEMBER_ID, "email": "member@example.com", "firstname": "Max", "lastname": "Member",
             "isAdmin": false, "isOwner": false, "dtCreated": "2019-01-11T09:30:00.000Z", "teamId": TEAM}
        ])
    );
    let first = &r.body[1..r.body.find('}').unwrap() + 1];
    assert_eq!(
        key_order(first),
        [
            "id",
            "email",
            "firstname",
            "lastname",
            "isAdmin",
            "isOwner",
            "dtCreated",
            "teamId"
        ]
    );
    let ids = |q: &str| -> Vec<Value> {
        api.admin_json(&format!("/users/getUsers?{q}"))
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].clone())
            .collect()
    };
    assert_eq!(ids("email=member%40example.com"), [json!(MEMBER_ID)]);
    assert_eq!(ids("firstname=Ada&lastname=Admin"), [json!(ADMIN_ID)]);
    assert_eq!(
        ids(&format!("id={MEMBER_ID}&teamId={TEAM}")),
        [json!(MEMBER_ID)]
    );
    assert_eq!(ids("dtCreated=2019-01-10T09:00:00.000Z"), [json!(ADMIN_ID)]);
    assert!(
        ids("firstName=Ada").len() == 2,
        "camelCase is not a users filter"
    );
    assert!(ids("email=nobody%40example.com").is_empty());
}

#[test]
fn availability_answers_from_the_scenario_and_checks_its_parameters() {
    let mut scenario: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    scenario["availability"] = json!([
        {"region": "Europe (AMS1)", "machineType": "V100", "available": false},
        {"region": "*", "machineType": "P6000", "available": false}
    ]);
    let api = start(Scenario::from_json(&scenario.to_string()).unwrap());
    let ask = |region: &str, machine_type: &str| {
        api.get(
            &format!(
                "/machines/getAvailability?region={}&machineType={}",
                enc(region),
                enc(machine_type)
            ),
            Some(ADMIN_KEY),
        )
    };
    let r = ask("East Coast (NY2)", "GPU+");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"available":true}"#));
    assert_eq!(
        ask("Europe (AMS1)", "V100").json(),
        json!({"available": false})
    );
    assert_eq!(
        ask("West Coast (CA1)", "V100").json(),
        json!({"available": true})
    );
    assert_eq!(
        ask("West Coast (CA1)", "P6000").json(),
        json!({"available": false})
    );
    // Parentheses raw, as the docs' example sends them.
    let r = api.get(
        "/machines/getAvailability?region=East%20Coast%20(NY2)&machineType=P4000",
        Some(ADMIN_KEY),
    );
    assert_eq!(r.json(), json!({"available": true}));
    // An unencoded `+` is a space, as on the real server.
    let r = api.get(
        "/machines/getAvailability?region=East%20Coast%20(NY2)&machineType=GPU+",
        Some(ADMIN_KEY),
    );
    assert_eq!(
        r.error(400),
        "machineType must be one of 'GPU+', 'P4000', 'P5000', 'P6000', or 'V100'"
    );
    let r = api.get(
        "/machines/getAvailability?machineType=P4000",
        Some(ADMIN_KEY),
    );
    assert_eq!(r.error(400), "Missing required parameter region");
    let r = api.get(
        "/machines/getAvailability?region=East%20Coast%20(NY2)",
        Some(ADMIN_KEY),
    );
    assert_eq!(r.error(400), "Missing required parameter machineType");
    assert_eq!(
        ask("NY2", "P4000").error(400),
        "region must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'"
    );
    assert_eq!(
        ask("East Coast (NY2)", "C1").error(400),
        "machineType must be one of 'GPU+', 'P4000', 'P5000', 'P6000', or 'V100'"
    );
}

#[test]
fn keys_are_checked_case_insensitively_by_header_name() {
    let api = start(fast());
    assert_eq!(
        api.get("/templates/getTemplates", None).error(401),
        "Invalid API token"
    );
    assert_eq!(
        api.get("/templates/getTemplates", Some("nope")).error(401),
        "Invalid API token"
    );
    assert_eq!(
        api.get("/users/getUsers", Some("")).error(401),
        "Invalid API token"
    );
    assert_eq!(
        api.post("/machines/ps1/start", None, "").error(401),
        "Invalid API token"
    );
    for name in ["X-API-Key", "X-Api-Key", "x-api-key"] {
        let r = api
            .agent
            .get(api.url("/templates/getTemplates"))
            .header(name, ADMIN_KEY)
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{name}");
    }
}

#[test]
fn unknown_paths_and_wrong_methods_are_the_standard_404() {
    let api = start(fast());
    for (method, path) in [
        ("GET", "/nope"),
        ("GET", "/"),
        ("POST", "/templates/getTemplates"),
        ("GET", "/machines/createSingleMachinePublic"),
        ("GET", "/machines/ps1/start"),
        ("POST", "/machines/ps1/explode"),
        ("POST", "/machines/getMachines"),
        ("GET", "/__emulator/nope"),
    ] {
        let r = if method == "GET" {
            api.get(path, Some(ADMIN_KEY))
        } else {
            api.post(path, Some(ADMIN_KEY), "{}")
        };
        assert_eq!(r.error(404), NOT_FOUND, "{method} {path}");
        assert_eq!(
            r.body,
            r#"{"error":{"name":"Error","status":404,"message":"Not found. Please contact support@paperspace.com for help."}}"#
        );
        let captured = fixture("404Response.json");
        assert_eq!(r.json(), serde_json::from_str::<Value>(&captured).unwrap());
    }
    // Unknown paths are 404 even without a key.
    assert_eq!(api.get("/nope", None).error(404), NOT_FOUND);
}

#[test]
fn show_and_list_visibility_and_not_found() {
    let api = start(fast());
    let mine = api.create(json!({"machineName": "admin's"}));
    let theirs = api.create(json!({"machineName": "member's", "userId": MEMBER_ID}));
    let (mine, theirs) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
    let names = |key: &str| -> Vec<String> {
        let r = api.get("/machines/getMachines", Some(key));
        assert_eq!(r.status, 200);
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(ADMIN_KEY), ["admin's", "member's"]);
    assert_eq!(names(MEMBER_KEY), ["member's"]);
    let r = api.get(
        &format!("/machines/getMachinePublic?machineId={mine}"),
        Some(MEMBER_KEY),
    );
    assert_eq!(r.error(404), NOT_FOUND);
    let r = api.get(
        &format!("/machines/getMachinePublic?machineId={theirs}"),
        Some(MEMBER_KEY),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["userId"], MEMBER_ID);
    let r = api.get(
        "/machines/getMachinePublic?machineId=psnothere",
        Some(ADMIN_KEY),
    );
    assert_eq!(r.error(404), NOT_FOUND);
    let r = api.get("/machines/getMachinePublic", Some(ADMIN_KEY));
    assert_eq!(r.error(400), "Missing required parameter machineId");
    // A trailing slash is tolerated.
    let r = api.get(
        &format!("/machines/getMachinePublic/?machineId={mine}"),
        Some(ADMIN_KEY),
    );
    assert_eq!(r.status, 200);
    let keys = key_order(&r.body);
    assert_eq!(keys[..27], MACHINE_KEYS);
    assert_eq!(keys[27], "events");
    let r = api.get("/machines/getMachines/", Some(ADMIN_KEY));
    let first = &r.body[1..r.body.len() - 1];
    let first = &first[..first.find("},{").map_or(first.len(), |i| i + 1)];
    assert_eq!(key_order(first), MACHINE_KEYS);
}

#[test]
fn machine_list_filters_limit_and_skip() {
    let api = start(fast());
    let a =
        api.create(json!({"machineName": "a", "region": "Europe (AMS1)", "machineType": "GPU+"}));
    let b = api.create(json!({"machineName": "b", "startOnCreate": false, "size": 100}));
    let c =
        api.create(json!({"machineName": "c", "userId": MEMBER_ID, "region": "West Coast (CA1)"}));
    let (a, b, c) = (
        a["id"].as_str().unwrap(),
        b["id"].as_str().unwrap(),
        c["id"].as_str().unwrap(),
    );
    api.wait_for(a, "ready");
    api.wait_for(b, "off");
    api.wait_for(c, "ready");
    let ids = |q: &str| -> Vec<String> {
        api.admin_json(&format!("/machines/getMachines?{q}"))
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(""), [a, b, c]);
    assert_eq!(ids(&format!("machineId={b}")), [b]);
    assert_eq!(
        ids(&format!("id={b}")),
        [a, b, c],
        "id is not a filter, machineId is"
    );
    assert_eq!(ids(&format!("region={}", enc("Europe (AMS1)"))), [a]);
    assert_eq!(ids("region=West%20Coast%20(CA1)"), [c]);
    assert_eq!(ids("usageRate=GPU%2B%20hourly"), [a]);
    assert_eq!(ids("state=off"), [b]);
    assert_eq!(ids("state=ready&userId="), Vec::<String>::new());
    assert_eq!(ids(&format!("state=ready&userId={MEMBER_ID}")), [c]);
    assert_eq!(ids("cpus=1"), [b, c]);
    assert_eq!(ids("cpus=8"), [a]);
    assert_eq!(ids("storageTotal=107374182400"), [b]);
    assert_eq!(ids("shutdownTimeoutInHours=168").len(), 3);
    assert_eq!(ids("dynamicPublicIp=false&updatesPending=false").len(), 3);
    assert_eq!(
        ids("scriptId=null&publicIpAddress=null&dtLastRun=null").len(),
        3
    );
    assert_eq!(
        ids("autoSnapshotFrequency=null&performAutoSnapshot=false").len(),
        3
    );
    assert_eq!(
        ids(&format!("teamId={TEAM}&agentType=LinuxHeadless")),
        [a, b, c]
    );
    assert_eq!(ids("gpu=Quadro%20M4000&ram=32212254720"), [a]);
    assert!(ids("os=null").is_empty());
    assert_eq!(ids(&format!("os={}", enc("Ubuntu 18.04 Server"))).len(), 3);
    // Pagination: creation order, skip then limit.
    assert_eq!(ids("limit=2"), [a, b]);
    assert_eq!(ids("limit=2&skip=2"), [c]);
    assert_eq!(ids("skip=1"), [b, c]);
    assert_eq!(ids("limit=0"), Vec::<String>::new());
    assert_eq!(ids("skip=5"), Vec::<String>::new());
    assert_eq!(ids("limit=1&skip=1&state=ready"), [c]);
    for bad in ["limit=-1", "limit=abc", "limit=", "limit=1.5"] {
        let r = api.get(&format!("/machines/getMachines?{bad}"), Some(ADMIN_KEY));
        assert_eq!(
            r.error(400),
            "limit must be a non-negative integer",
            "{bad}"
        );
    }
    let r = api.get("/machines/getMachines?skip=x", Some(ADMIN_KEY));
    assert_eq!(r.error(400), "skip must be a non-negative integer");
}

#[test]
fn stats_count_requests_as_requested() {
    let api = start(fast());
    api.get("/templates/getTemplates", Some(ADMIN_KEY));
    api.get("/templates/getTemplates?label=null", Some(ADMIN_KEY));
    api.get("/templates/getTemplates/", None);
    api.get("/nope", None);
    let m = api.create(json!({}));
    api.post(
        &format!("/machines/{}/stop", m["id"].as_str().unwrap()),
        Some(ADMIN_KEY),
        "",
    );
    let r = api.get("/__emulator/stats", None);
    assert_eq!(r.status, 200);
    let stats = r.json();
    assert_eq!(stats, api.emulator.stats());
    let id = m["id"].as_str().unwrap();
    assert_eq!(
        stats["requests"],
        json!({
            "GET /templates/getTemplates": 2,
            "GET /templates/getTemplates/": 1,
            "GET /nope": 1,
            "POST /machines/createSingleMachinePublic": 1,
            (format!("POST /machines/{id}/stop")): 1
        })
    );
    assert_eq!(
        stats["routes"],
        json!({
            "GET /templates/getTemplates": 3,
            "(no route)": 1,
            "POST /machines/createSingleMachinePublic": 1,
            "POST /machines/:machineId/stop": 1
        })
    );
    assert_eq!(stats["machines"], 1);
    assert_eq!(stats["machinesCreated"], 1);
    assert_eq!(stats["users"], 2);
    assert_eq!(stats["faultsPending"], 0);
    // The create event at least; the start and stop events once they are due.
    assert!(stats["events"].as_u64().unwrap() >= 1);
}

#[test]
fn stats_stay_small_whatever_paths_are_sent() {
    let api = start(fast());
    for i in 0..1100 {
        let r = api.post(&format!("/machines/ps{i}/start"), Some(ADMIN_KEY), "");
        assert_eq!(r.status, 404);
    }
    api.post("/machines/ps0/start", Some(ADMIN_KEY), "");
    let stats = api.emulator.stats();
    let requests = stats["requests"].as_object().unwrap();
    // 1000 paths one by one, then one key for the rest.
    assert_eq!(requests.len(), 1001);
    assert_eq!(requests["POST /machines/ps0/start"], 2);
    assert_eq!(requests["(other paths)"], 100);
    assert_eq!(
        stats["routes"],
        json!({"POST /machines/:machineId/start": 1101})
    );
}

#[test]
fn the_openapi_description_is_served_as_committed() {
    let api = start(fast());
    let r = api.get("/__emulator/openapi.json", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json")).unwrap();
    assert_eq!(r.body, committed);
    assert_eq!(r.json()["openapi"], "3.1.0");
    // A control path: no key, never counted.
    assert_eq!(api.emulator.stats()["requests"], json!({}));
}

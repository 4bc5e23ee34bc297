//! Networks (the team's per region, filters, the network of a created machine), scripts
//! (create as JSON and as the Node client's multipart upload, list, show, text, destroy, the
//! machines that run them) and resource delegations (their tokens stay out of logs and stats).

#![cfg(feature = "emulator")]

mod emulator_support;

use std::sync::{Arc, Mutex};

use emulator_support::{Api, agent, enc, fast, key_order, start};
use paperspace::emulator::{ADMIN_KEY, DEFAULT_SCENARIO_JSON, Emulator, MEMBER_KEY, Scenario};
use serde_json::{Value, json};

const TEAM: &str = "tekq7vm2d";
const MEMBER_ID: &str = "um7x2p4j";
const NOT_FOUND: &str = "Not found. Please contact support@paperspace.com for help.";
const NETWORK_KEYS: [&str; 7] = [
    "id",
    "name",
    "region",
    "dtCreated",
    "network",
    "netmask",
    "teamId",
];
const SCRIPT_KEYS: [&str; 8] = [
    "id",
    "ownerType",
    "ownerId",
    "name",
    "description",
    "dtCreated",
    "isEnabled",
    "runOnce",
];

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The default scenario plus a second team (key `other-key`) and one network of its own.
fn two_teams() -> Scenario {
    let mut s: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    s["users"].as_array_mut().unwrap().push(json!({
        "id": "uother12", "email": "o@example.com", "firstname": "O", "lastname": "T",
        "isAdmin": true, "dtCreated": "2020-02-02T00:00:00.000Z", "teamId": "teother1",
        "apiKey": "other-key"
    }));
    s["networks"] = json!([{
        "id": "nlab001", "name": "Lab", "region": "Europe (AMS1)",
        "dtCreated": "2020-03-03T00:00:00.000Z", "network": "10.64.0.0",
        "netmask": "255.255.255.0", "teamId": TEAM
    }]);
    s["delays"] =
        json!({"provisionMs": 40, "startMs": 40, "stopMs": 40, "restartMs": 40, "destroyMs": 40});
    Scenario::from_json(&s.to_string()).unwrap()
}

#[test]
fn each_team_has_a_network_per_region() {
    let api = start(fast());
    let r = api.get("/networks/getNetworks", Some(MEMBER_KEY));
    assert_eq!(r.status, 200);
    let networks = r.json();
    let networks = networks.as_array().unwrap();
    assert_eq!(networks.len(), 3);
    let first = r.body.find('}').unwrap();
    assert_eq!(key_order(&r.body[1..=first]), NETWORK_KEYS);
    for (n, (region, name, address)) in networks.iter().zip([
        ("East Coast (NY2)", "Default network NY2", "10.64.0.0"),
        ("West Coast (CA1)", "Default network CA1", "10.64.1.0"),
        ("Europe (AMS1)", "Default network AMS1", "10.64.2.0"),
    ]) {
        let id = n["id"].as_str().unwrap();
        assert!(id.len() == 7 && id.starts_with('n'), "{id}");
        assert_eq!(
            *n,
            json!({"id": id, "name": name, "region": region,
                   "dtCreated": "2019-01-10T09:00:00.000Z", "network": address,
                   "netmask": "255.255.255.0", "teamId": TEAM})
        );
    }
    assert_eq!(api.admin_json("/networks/getNetworks"), r.json());
}

#[test]
fn network_filters_match_exactly() {
    let api = start(two_teams());
    let all = api.admin_json("/networks/getNetworks");
    // The scenario's network first, then the team's three; never the other team's.
    assert_eq!(all.as_array().unwrap().len(), 4);
    assert_eq!(all[0]["id"], "nlab001");
    assert_eq!(all[1]["network"], "10.64.1.0");
    let ny2 = id_of(&all[1]);
    let count = |query: &str| {
        api.admin_json(&format!("/networks/getNetworks?{query}"))
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&format!("region={}", enc("Europe (AMS1)"))), 2);
    assert_eq!(count("region=Europe%20(AMS1)&name=Lab"), 1);
    assert_eq!(count(&format!("id={ny2}")), 1);
    assert_eq!(count("netmask=255.255.255.0"), 4);
    assert_eq!(count("network=10.64.0.0"), 1);
    assert_eq!(count("dtCreated=2020-03-03T00:00:00.000Z"), 1);
    assert_eq!(count(&format!("teamId={TEAM}")), 4);
    assert_eq!(count("teamId=teother1"), 0);
    assert_eq!(count("teamId=null"), 0);
    assert_eq!(count("name=lab"), 0);
    // The other team sees its own three.
    let r = api.get("/networks/getNetworks", Some("other-key"));
    let theirs = r.json();
    assert_eq!(theirs.as_array().unwrap().len(), 3);
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["teamId"] == "teother1")
    );
    assert_eq!(theirs[0]["network"], "10.64.4.0");
    assert_eq!(theirs[0]["dtCreated"], "2020-02-02T00:00:00.000Z");
}

#[test]
fn a_machine_joins_its_team_network_in_its_region() {
    let api = start(two_teams());
    let all = api.admin_json("/networks/getNetworks");
    let by_region = |region: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|n| n["region"] == region && n["name"] != "Lab")
            .cloned()
            .unwrap()
    };
    let id = id_of(&api.create(json!({"region": "West Coast (CA1)"})));
    let m = api.wait_for(&id, "ready");
    let ca1 = by_region("West Coast (CA1)");
    assert_eq!(m["networkId"], ca1["id"]);
    let ip = m["privateIpAddress"].as_str().unwrap();
    let host: u32 = ip.strip_prefix("10.64.2.").unwrap().parse().unwrap();
    assert!((2..=254).contains(&host), "{ip}");
    let listed = api.admin_json(&format!(
        "/machines/getMachines?networkId={}",
        ca1["id"].as_str().unwrap()
    ));
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // A named network of the team in the same region.
    let id = id_of(&api.create(json!({"region": "Europe (AMS1)", "networkId": "nlab001"})));
    let m = api.wait_for(&id, "ready");
    assert_eq!(m["networkId"], "nlab001");
    assert!(
        m["privateIpAddress"]
            .as_str()
            .unwrap()
            .starts_with("10.64.0.")
    );

    let body = |extra: Value| emulator_support::create_body(extra).to_string();
    let path = "/machines/createSingleMachinePublic";
    let r = api.post(
        path,
        Some(ADMIN_KEY),
        &body(json!({"networkId": "nlab001"})),
    );
    assert_eq!(
        r.error(400),
        "networkId must be a network in region East Coast (NY2)"
    );
    let r = api.post(
        path,
        Some(ADMIN_KEY),
        &body(json!({"networkId": "nnothere"})),
    );
    assert_eq!(r.error(400), "networkId not found");
    let theirs = api.get("/networks/getNetworks", Some("other-key")).json();
    let r = api.post(
        path,
        Some(ADMIN_KEY),
        &body(json!({"networkId": theirs[0]["id"]})),
    );
    assert_eq!(r.error(400), "networkId not found");
    assert_eq!(api.emulator.stats()["machinesCreated"], 2);
}

fn create_script(api: &Api, key: &str, body: Value) -> emulator_support::Resp {
    api.post("/scripts/createScript", Some(key), &body.to_string())
}

#[test]
fn scripts_create_list_show_text_destroy() {
    let api = start(fast());
    let r = create_script(
        &api,
        ADMIN_KEY,
        json!({"scriptName": "boot", "scriptText": "services start nginx"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(key_order(&r.body), SCRIPT_KEYS);
    let script = r.json();
    let id = id_of(&script);
    assert!(id.len() == 8 && id.starts_with("sc"), "{id}");
    let created = script["dtCreated"].as_str().unwrap();
    assert_eq!(
        script,
        json!({"id": id, "ownerType": "team", "ownerId": TEAM, "name": "boot",
               "description": null, "dtCreated": created, "isEnabled": true, "runOnce": false})
    );
    assert_eq!(
        api.admin_json("/scripts/getScripts"),
        json!([script.clone()])
    );
    let r = api.get(
        &format!("/scripts/getScriptText?scriptId={id}"),
        Some(ADMIN_KEY),
    );
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#""services start nginx""#)
    );
    let shown = api.admin_json(&format!("/scripts/getScript?scriptId={id}"));
    let mut expected = script.clone();
    expected["machines"] = json!([]);
    assert_eq!(shown, expected);

    // A member's script is the member's; the team's is visible to the member too.
    let r = create_script(
        &api,
        MEMBER_KEY,
        json!({"scriptName": "boot", "scriptText": "echo member",
               "scriptDescription": "mine", "isEnabled": false, "runOnce": true}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let mine = r.json();
    assert_eq!(
        (
            &mine["ownerType"],
            &mine["ownerId"],
            &mine["description"],
            &mine["isEnabled"],
            &mine["runOnce"]
        ),
        (
            &json!("user"),
            &json!(MEMBER_ID),
            &json!("mine"),
            &json!(false),
            &json!(true)
        )
    );
    let member_list = api.get("/scripts/getScripts", Some(MEMBER_KEY)).json();
    assert_eq!(member_list, json!([script.clone(), mine.clone()]));
    assert_eq!(
        api.admin_json("/scripts/getScripts")
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Filters, exact match, null included.
    let count = |query: &str| {
        api.admin_json(&format!("/scripts/getScripts?{query}"))
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count("ownerType=user"), 1);
    assert_eq!(count(&format!("ownerId={TEAM}")), 1);
    assert_eq!(count("name=boot"), 2);
    assert_eq!(count("description=null"), 1);
    assert_eq!(count("description=mine&isEnabled=false&runOnce=true"), 1);
    assert_eq!(count(&format!("id={id}&runOnce=true")), 0);
    assert_eq!(count(&format!("dtCreated={created}&id={id}")), 1);

    // The member cannot destroy the team's script; the administrator can.
    let r = api.post(&format!("/scripts/{id}/destroy"), Some(MEMBER_KEY), "");
    assert_eq!(
        r.error(403),
        "Only the script's owner or a team administrator can destroy a script"
    );
    let r = api.post(
        &format!("/scripts/{id}/destroy"),
        Some(ADMIN_KEY),
        &json!({"scriptId": id}).to_string(),
    );
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    for path in [
        format!("/scripts/getScript?scriptId={id}"),
        format!("/scripts/getScriptText?scriptId={id}"),
    ] {
        assert_eq!(api.get(&path, Some(ADMIN_KEY)).error(404), NOT_FOUND);
    }
    let r = api.post(&format!("/scripts/{id}/destroy"), Some(ADMIN_KEY), "");
    assert_eq!(r.error(404), NOT_FOUND);
    assert_eq!(api.admin_json("/scripts/getScripts"), json!([mine]));
    assert_eq!(api.emulator.stats()["scripts"], 1);
}

#[test]
fn script_create_checks_its_parameters() {
    let api = start(fast());
    let limit = "x".repeat(16 * 1024);
    let cases = [
        (
            json!({"scriptText": "a"}),
            "Missing required parameter scriptName",
        ),
        (
            json!({"scriptName": 5, "scriptText": "a"}),
            "Parameter scriptName must be a string",
        ),
        (
            json!({"scriptName": "s", "scriptText": 1}),
            "Parameter scriptText must be a string",
        ),
        (
            json!({"scriptName": "s", "scriptText": "a", "scriptDescription": []}),
            "Parameter scriptDescription must be a string",
        ),
        (
            json!({"scriptName": "s", "scriptText": "a", "isEnabled": "true"}),
            "Parameter isEnabled must be a boolean",
        ),
        (
            json!({"scriptName": "s", "scriptText": "a", "runOnce": 0}),
            "Parameter runOnce must be a boolean",
        ),
        (
            json!({"scriptName": "s", "scriptText": "a", "machineId": 1}),
            "Parameter machineId must be a string",
        ),
        (
            json!({"scriptName": "s"}),
            "Missing required parameter: either scriptFile or scriptText",
        ),
        (
            json!({"scriptName": "", "scriptText": "a"}),
            "scriptName must not be empty",
        ),
        (
            json!({"scriptName": "s", "scriptText": format!("{limit}y")}),
            "Script data is limited to 16 KB (16384 bytes)",
        ),
        (json!(["s"]), "The request body must be a JSON object"),
    ];
    for (body, message) in cases {
        let r = create_script(&api, ADMIN_KEY, body.clone());
        let shown: String = body.to_string().chars().take(80).collect();
        assert_eq!(r.error(400), message, "{shown}");
    }
    // Exactly 16 KB is fine; the same name for the same owner is not.
    let r = create_script(
        &api,
        ADMIN_KEY,
        json!({"scriptName": "big", "scriptText": limit}),
    );
    assert_eq!(r.status, 200);
    let r = create_script(
        &api,
        ADMIN_KEY,
        json!({"scriptName": "big", "scriptText": "a"}),
    );
    assert_eq!(r.error(400), "A script named big already exists");
    let r = create_script(
        &api,
        ADMIN_KEY,
        json!({"scriptName": "s", "scriptText": "a", "machineId": "psnothere"}),
    );
    assert_eq!(r.error(404), NOT_FOUND);
    for path in ["/scripts/getScript", "/scripts/getScriptText?scriptId="] {
        let r = api.get(path, Some(ADMIN_KEY));
        assert_eq!(r.error(400), "Missing required parameter scriptId");
    }
    assert_eq!(api.emulator.stats()["scripts"], 1);
}

#[test]
fn machines_run_their_script_when_they_start() {
    let api = start(fast());
    let enabled = id_of(&api.admin_post(
        "/scripts/createScript",
        json!({"scriptName": "a", "scriptText": "echo a"}),
    ));
    let disabled = id_of(&api.admin_post(
        "/scripts/createScript",
        json!({"scriptName": "b", "scriptText": "echo b", "isEnabled": false}),
    ));
    let m = api.create(json!({"scriptId": enabled}));
    let id = id_of(&m);
    assert_eq!(m["scriptId"], enabled.as_str());
    assert_eq!(m["dtLastRun"], Value::Null);
    let shown = api.admin_json(&format!("/scripts/getScript?scriptId={enabled}"));
    assert_eq!(
        shown["machines"],
        json!([{"machineId": id, "dtLastRun": null}])
    );
    let ready = api.wait_for(&id, "ready");
    let ran = ready["dtLastRun"].as_str().unwrap().to_owned();
    // The run is when the automatic start finished.
    assert_eq!(ready["events"][0]["dtFinished"], ran.as_str());
    let shown = api.admin_json(&format!("/scripts/getScript?scriptId={enabled}"));
    assert_eq!(
        shown["machines"],
        json!([{"machineId": id, "dtLastRun": ran}])
    );

    // A disabled script, attached by scripts create's machineId to a machine that exists.
    let other = id_of(&api.create(json!({})));
    api.wait_for(&other, "ready");
    let r = create_script(
        &api,
        ADMIN_KEY,
        json!({"scriptName": "c", "scriptText": "echo c", "machineId": other}),
    );
    assert_eq!(r.status, 200);
    let attached = id_of(&r.json());
    assert_eq!(api.show(&other)["scriptId"], attached.as_str());
    assert_eq!(api.show(&other)["dtLastRun"], Value::Null);
    let off_script = api.create(json!({"scriptId": disabled}));
    let m = api.wait_for(&id_of(&off_script), "ready");
    assert_eq!(m["dtLastRun"], Value::Null);

    // Destroying the script detaches it from its machine.
    assert_eq!(
        api.post(&format!("/scripts/{enabled}/destroy"), Some(ADMIN_KEY), "")
            .status,
        204
    );
    let m = api.show(&id);
    assert_eq!(
        (&m["scriptId"], &m["dtLastRun"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        api.admin_json(&format!("/machines/getMachines?scriptId={attached}"))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let r = api.post(
        "/machines/createSingleMachinePublic",
        Some(ADMIN_KEY),
        &emulator_support::create_body(json!({"scriptId": enabled})).to_string(),
    );
    assert_eq!(r.error(400), "scriptId not found");
    // A member's script is visible to the administrator, who may attach it.
    let members = api
        .post(
            "/scripts/createScript",
            Some(MEMBER_KEY),
            &json!({"scriptName": "m", "scriptText": "m"}).to_string(),
        )
        .json();
    let m = api.create(json!({"scriptId": members["id"]}));
    assert_eq!(m["scriptId"], members["id"]);
}

/// A multipart body as the Node client's upload sends it: one file part named `file`.
fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, filename, data) in parts {
        body.push_str(&format!("--{boundary}\r\n"));
        match filename {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(data);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body.into_bytes()
}

#[test]
fn scripts_upload_as_multipart_with_parameters_in_the_query() {
    let api = start(fast());
    let boundary = "--------------------------847362519";
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let headers = [("content-type", content_type.as_str())];
    let upload = |query: &str, parts: &[(&str, Option<&str>, &str)]| {
        api.send(
            "POST",
            &format!("/scripts/createScript?{query}"),
            Some(ADMIN_KEY),
            &headers,
            &multipart(boundary, parts),
        )
    };
    let r = upload(
        "scriptName=from%20file&scriptDescription=up&isEnabled=false&runOnce=true",
        &[("file", Some("boot.sh"), "#!/bin/bash\necho up\n")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let script = r.json();
    assert_eq!(
        (
            &script["name"],
            &script["description"],
            &script["isEnabled"],
            &script["runOnce"]
        ),
        (
            &json!("from file"),
            &json!("up"),
            &json!(false),
            &json!(true)
        )
    );
    let text = api.admin_json(&format!(
        "/scripts/getScriptText?scriptId={}",
        id_of(&script)
    ));
    assert_eq!(text, "#!/bin/bash\necho up\n");
    // A form field works like a query parameter.
    let r = upload(
        "",
        &[
            ("scriptName", None, "field"),
            ("scriptFile", Some("x.ps1"), "Write-Host hi"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["name"], "field");

    let r = upload(
        "scriptName=both&scriptText=echo",
        &[("file", Some("a.sh"), "echo")],
    );
    assert_eq!(r.error(400), "Only one of scriptFile or scriptText allowed");
    let r = upload("scriptName=none", &[("other", None, "x")]);
    assert_eq!(
        r.error(400),
        "The multipart body cannot be read: no file part (file or scriptFile)"
    );
    let r = upload(
        "scriptName=flag&isEnabled=yes",
        &[("file", Some("a.sh"), "echo")],
    );
    assert_eq!(r.error(400), "Parameter isEnabled must be a boolean");
    let big = "x".repeat(16 * 1024 + 1);
    let r = upload("scriptName=big", &[("file", Some("a.sh"), &big)]);
    assert_eq!(
        r.error(400),
        "Script data is limited to 16 KB (16384 bytes)"
    );
    let r = api.send(
        "POST",
        "/scripts/createScript?scriptName=x",
        Some(ADMIN_KEY),
        &[("content-type", "multipart/form-data")],
        b"--a\r\n",
    );
    assert_eq!(
        r.error(400),
        "The multipart body cannot be read: no boundary parameter"
    );
    let r = api.send(
        "POST",
        "/scripts/createScript?scriptName=x",
        Some(ADMIN_KEY),
        &headers,
        b"not multipart at all",
    );
    assert_eq!(
        r.error(400),
        "The multipart body cannot be read: no boundary line"
    );
    assert_eq!(api.emulator.stats()["scripts"], 2);
}

#[test]
fn delegations_return_a_new_token_each_time() {
    let api = start(fast());
    let a = id_of(&api.create(json!({})));
    let b = id_of(&api.create(json!({})));
    let body = json!({"machine": {"ids": [a, b]}});
    let r = api.post(
        "/resourceDelegations/create",
        Some(ADMIN_KEY),
        &body.to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let first = r.json();
    assert_eq!(first.as_array().unwrap().len(), 1);
    let item = &first[0];
    assert_eq!(
        key_order(&r.body[1..r.body.len() - 1]),
        [
            "delegation",
            "isEnabled",
            "accessTokenId",
            "dtCreated",
            "id"
        ]
    );
    let token = item["accessTokenId"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|c| c.is_ascii_alphanumeric()));
    let dt = item["dtCreated"].as_str().unwrap();
    assert_eq!(
        *item,
        json!({"delegation": body, "isEnabled": true, "accessTokenId": token,
               "dtCreated": dt, "id": 1})
    );
    let again = api.admin_post(
        "/resourceDelegations/create",
        json!({"machine": {"ids": [a]}}),
    );
    assert_eq!(again[0]["id"], 2);
    assert_ne!(again[0]["accessTokenId"], token.as_str());
    assert_eq!(api.emulator.stats()["delegations"], 2);
}

#[test]
fn delegations_refuse_bad_bodies_and_unknown_machines() {
    let api = start(fast());
    let id = id_of(&api.create(json!({})));
    let shape = r#"A delegation is an object like {"machine": {"ids": ["ps123abc"]}}"#;
    let ids_message = "machine.ids must be a non-empty array of machine ids";
    for (body, message) in [
        ("", shape),
        ("[]", shape),
        ("{}", shape),
        (r#"{"machine": {"ids": []}}"#, ids_message),
        (r#"{"machine": {"ids": "ps1"}}"#, ids_message),
        (r#"{"machine": {"ids": [null]}}"#, ids_message),
        (r#"{"machine": ["ps1"]}"#, ids_message),
        (
            r#"{"job": {"ids": ["j1"]}}"#,
            "Unknown resource type job: only machine can be delegated",
        ),
    ] {
        let r = api.post("/resourceDelegations/create", Some(ADMIN_KEY), body);
        assert_eq!(r.error(400), message, "{body}");
    }
    let body = json!({"machine": {"ids": [id, "psnothere"]}}).to_string();
    let r = api.post("/resourceDelegations/create", Some(ADMIN_KEY), &body);
    assert_eq!(r.error(404), NOT_FOUND);
    // A member cannot delegate a machine they cannot see.
    let body = json!({"machine": {"ids": [id]}}).to_string();
    let r = api.post("/resourceDelegations/create", Some(MEMBER_KEY), &body);
    assert_eq!(r.error(404), NOT_FOUND);
    assert_eq!(api.emulator.stats()["delegations"], 0);
}

#[test]
fn delegation_tokens_never_reach_the_log_or_the_stats() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&lines);
    let emulator = Emulator::start_with_logger("127.0.0.1:0", fast(), move |line| {
        sink.lock().unwrap().push(line.to_owned())
    })
    .unwrap();
    let api = Api {
        emulator,
        agent: agent(),
    };
    let id = id_of(&api.create(json!({})));
    let body = json!({"machine": {"ids": [id]}});
    let token = api.admin_post("/resourceDelegations/create", body)[0]["accessTokenId"]
        .as_str()
        .unwrap()
        .to_owned();
    let stats = api.get("/__emulator/stats", None).body;
    assert!(!stats.contains(&token));
    // The line is written once the answer is sent: wait for it a bounded time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let logged = |l: &String| l.starts_with("POST /resourceDelegations/create 200");
    while !lines.lock().unwrap().iter().any(logged) {
        assert!(std::time::Instant::now() < deadline, "no log line");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(lines.lock().unwrap().iter().all(|l| !l.contains(&token)));
}

/// Creates a machine; the status and body of the answer.
fn try_create(api: &Api, extra: Value) -> emulator_support::Resp {
    api.post(
        "/machines/createSingleMachinePublic",
        Some(ADMIN_KEY),
        &emulator_support::create_body(extra).to_string(),
    )
}

#[test]
fn private_addresses_are_unique_per_network_and_a_full_network_refuses() {
    let api = start(Scenario::default().with_delays_ms(5));
    for _ in 0..253 {
        assert_eq!(
            try_create(&api, json!({"startOnCreate": false})).status,
            200
        );
    }
    let ny2 = api.admin_json("/networks/getNetworks?name=Default%20network%20NY2")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = try_create(&api, json!({}));
    assert_eq!(
        r.error(400),
        format!("No free private IP address in network {ny2}")
    );
    // Another region's network still has room.
    assert_eq!(
        try_create(&api, json!({"region": "Europe (AMS1)"})).status,
        200
    );
    let machines = api.admin_json("/machines/getMachines");
    let ips: std::collections::HashSet<&str> = machines
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["networkId"] == ny2.as_str())
        .map(|m| m["privateIpAddress"].as_str().unwrap())
        .collect();
    assert_eq!(ips.len(), 253);
    // A destroyed machine gives its address back once it is gone.
    let first = id_of(&machines[0]);
    let freed = machines[0]["privateIpAddress"].as_str().unwrap().to_owned();
    assert_eq!(
        api.post(
            &format!("/machines/{first}/destroyMachine"),
            Some(ADMIN_KEY),
            ""
        )
        .status,
        204
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let again = loop {
        let r = try_create(&api, json!({}));
        if r.status == 200 {
            break r.json();
        }
        assert!(std::time::Instant::now() < deadline, "{}", r.body);
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let again = api.wait_for(&id_of(&again), "ready");
    assert_eq!(again["privateIpAddress"], freed.as_str());
}

#[test]
fn public_addresses_are_unique_and_running_out_is_an_error() {
    let mut s: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap();
    s["networks"] = json!([{
        "id": "nextra01", "name": "Extra", "region": "East Coast (NY2)",
        "dtCreated": "2020-03-03T00:00:00.000Z", "network": "10.80.0.0",
        "netmask": "255.255.255.0", "teamId": TEAM
    }]);
    s["delays"] =
        json!({"provisionMs": 5, "startMs": 5, "stopMs": 5, "restartMs": 5, "destroyMs": 5});
    let api = start(Scenario::from_json(&s.to_string()).unwrap());
    let network = |name: &str| {
        api.admin_json(&format!("/networks/getNetworks?name={}", enc(name)))[0]["id"].clone()
    };
    let (ca1, ny2) = (
        network("Default network CA1"),
        network("Default network NY2"),
    );
    let mut public = std::collections::HashSet::new();
    for i in 0..762 {
        let (region, network) = match i / 253 {
            0 => ("East Coast (NY2)", json!("nextra01")),
            1 => ("West Coast (CA1)", ca1.clone()),
            2 => ("Europe (AMS1)", Value::Null),
            _ => ("East Coast (NY2)", ny2.clone()),
        };
        let r = try_create(
            &api,
            json!({"region": region, "networkId": network, "assignPublicIp": true,
                   "startOnCreate": false}),
        );
        assert_eq!(r.status, 200, "{i}: {}", r.body);
        assert!(public.insert(r.json()["publicIpAddress"].as_str().unwrap().to_owned()));
    }
    let r = try_create(&api, json!({"assignPublicIp": true, "networkId": ny2}));
    assert_eq!(r.error(400), "No free public IP address");
    let r = try_create(&api, json!({"dynamicPublicIp": true, "networkId": ny2}));
    assert_eq!(r.error(400), "No free public IP address");
    // Update cannot take one either, until one is given back.
    let plain = id_of(&api.create(json!({"networkId": ny2})));
    let path = format!("/machines/{plain}/updateMachinePublic");
    let r = api.post(&path, Some(ADMIN_KEY), r#"{"assignPublicIp": true}"#);
    assert_eq!(r.error(400), "No free public IP address");
    let holder = api.admin_json("/machines/getMachines?limit=1");
    let released = holder[0]["publicIpAddress"].as_str().unwrap().to_owned();
    let r = api.post(
        &format!("/machines/{}/updateMachinePublic", id_of(&holder[0])),
        Some(ADMIN_KEY),
        r#"{"assignPublicIp": false}"#,
    );
    assert_eq!(r.status, 204);
    let r = api.post(&path, Some(ADMIN_KEY), r#"{"assignPublicIp": true}"#);
    assert_eq!(r.status, 204);
    assert_eq!(api.show(&plain)["publicIpAddress"], released.as_str());
}

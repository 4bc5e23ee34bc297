//! The official Node client (paperspace-node 0.2.4, installed unchanged by `npm ci` in
//! tests/node_client) calls every Core API call it has against the emulator:
//! tests/node_client/run.js checks each answer. `.ci/run` installs node and the package, so a
//! missing one is a failure here, not a skip.

#![cfg(feature = "emulator")]

use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use paperspace::emulator::{ADMIN_KEY, Emulator, MEMBER_KEY, Scenario};

/// The whole run takes a few seconds; past this the child is killed and the test fails.
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn the_official_node_client_works_unchanged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node_client");
    assert!(
        dir.join("node_modules/paperspace-node/package.json")
            .is_file(),
        "paperspace-node is not installed: run `npm ci` in {} (.ci/run does)",
        dir.display()
    );
    let emulator = Emulator::start("127.0.0.1:0", Scenario::default().with_delays_ms(60))
        .expect("emulator starts");
    let mut child = Command::new("node")
        .arg("run.js")
        .current_dir(&dir)
        .env("PAPERSPACE_CONFIG_HOST", emulator.url())
        .env("EMULATOR_ADMIN_KEY", ADMIN_KEY)
        .env("EMULATOR_MEMBER_KEY", MEMBER_KEY)
        // The client reads a key from ~/.paperspace only when none is given; keep it away
        // from the real home anyway, and from any NODE_ENV that would change its host.
        .env("HOME", &dir)
        .env_remove("NODE_ENV")
        .env_remove("PAPERSPACE_API_KEY")
        // aws-sdk (a dependency of the client) prints a notice on load.
        .env("AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): .ci/run installs nodejs and npm"));
    let started = Instant::now();
    while child.try_wait().expect("child status").is_none() {
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            break;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("child output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "run.js failed ({}) after {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status,
        started.elapsed()
    );
    // run.js also checks that these are all the Core calls the client has.
    assert_eq!(
        stdout.trim(),
        "node client checked: machines.availability machines.create machines.destroy \
         machines.list machines.restart machines.setAccessForUser machines.show machines.start \
         machines.stop machines.update machines.utilization machines.waitfor networks.list \
         resourceDelegations.create scripts.create scripts.destroy scripts.list scripts.show \
         scripts.text templates.list users.list",
        "{stderr}"
    );
    // Every route of the client's Core calls reached the emulator, and only those.
    let routes = emulator.stats()["routes"].clone();
    let mut seen: Vec<&String> = routes.as_object().unwrap().keys().collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "GET /machines/getAvailability",
            "GET /machines/getMachinePublic",
            "GET /machines/getMachines",
            "GET /machines/getUtilization",
            "GET /networks/getNetworks",
            "GET /scripts/getScript",
            "GET /scripts/getScriptText",
            "GET /scripts/getScripts",
            "GET /templates/getTemplates",
            "GET /users/getUsers",
            "POST /machines/:machineId/destroyMachine",
            "POST /machines/:machineId/restart",
            "POST /machines/:machineId/setMachineAccess",
            "POST /machines/:machineId/start",
            "POST /machines/:machineId/stop",
            "POST /machines/:machineId/updateMachinePublic",
            "POST /machines/createSingleMachinePublic",
            "POST /resourceDelegations/create",
            "POST /scripts/:scriptId/destroy",
            "POST /scripts/createScript",
        ],
        "{routes}"
    );
}

//! Soak of the Rust API: many mixed calls on one client against an emulator, with the RSS after
//! warm-up and at the end. Ignored by plain `cargo test`; run by tests/hardening/run.sh
//! (`SOAK_CALLS`, default 5000; `PS_URL`, an emulator started with --quiet, else one
//! in-process). Fails when RSS grew by more than 10 MiB after warm-up.
#![cfg(feature = "emulator")]

mod common;

use paperspace::emulator::ADMIN_KEY;
use paperspace::model::machine::{AvailabilityParams, MachineFilter};
use paperspace::model::template::TemplateFilter;
use paperspace::model::user::UserFilter;
use paperspace::{Client, Config, Operation, Status};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn call(client: &Client, k: u64) {
    let outcome = match k % 8 {
        0 => client
            .list_templates(&TemplateFilter {
                label: Some(Some("Ubuntu 18.04 Server".into())),
                ..TemplateFilter::default()
            })
            .map(|t| assert_eq!(t.len(), 1))
            .map_err(|e| e.status()),
        1 => client
            .list_machines(&MachineFilter {
                limit: Some(5),
                ..MachineFilter::default()
            })
            .map(drop)
            .map_err(|e| e.status()),
        2 => client
            .list_users(&UserFilter::default())
            .map(drop)
            .map_err(|e| e.status()),
        3 => client
            .machine_availability(&AvailabilityParams {
                region: Some("Europe (AMS1)".into()),
                machine_type: Some("V100".into()),
            })
            .map(drop)
            .map_err(|e| e.status()),
        4 => match client.show_machine("psnone") {
            Err(e) if e.http_status() == Some(404) => Ok(()),
            other => panic!("show: {other:?}"),
        },
        5 => match client.call_json(Operation::MachinesCreate, r#"{"size": 1}"#) {
            Err(e) if e.status() == Status::Validation => Ok(()),
            other => panic!("create: {other:?}"),
        },
        6 => match client.call_json(Operation::UsersList, "{\"bad json") {
            Err(e) if e.status() == Status::InvalidArgument => Ok(()),
            other => panic!("invalid: {other:?}"),
        },
        _ => client
            .call_json(Operation::TemplatesList, "{}")
            .map(drop)
            .map_err(|e| e.status()),
    };
    outcome.unwrap_or_else(|status| panic!("call {k}: {status:?}"));
}

#[test]
#[ignore = "a soak: run by tests/hardening/run.sh"]
fn soak_rust_api() {
    let calls: u64 = std::env::var("SOAK_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let local = std::env::var("PS_URL").is_err().then(common::emulator);
    let url = std::env::var("PS_URL").unwrap_or_else(|_| local.as_ref().unwrap().url().to_string());
    let client = Client::new(Config::new(ADMIN_KEY, &url)).unwrap();
    let warm = (calls / 10).min(1_000);
    for k in 0..warm {
        call(&client, k);
    }
    let start = rss_kib();
    for k in warm..calls {
        call(&client, k);
    }
    let end = rss_kib();
    println!(
        "soak rust: calls={calls} rss_start_kib={start} rss_end_kib={end} growth_kib={}",
        end as i64 - start as i64
    );
    assert!(
        end <= start + 10 * 1024,
        "RSS grew from {start} KiB to {end} KiB over {calls} calls"
    );
}

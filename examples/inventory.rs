//! Prints the caller's users, machines and GPU availability per region: the read-only
//! operations. Reads PAPERSPACE_API_KEY and PAPERSPACE_API_HOST (see create_machine.rs).

use paperspace::model::machine::{AvailabilityParams, MachineFilter};
use paperspace::model::rules::{AVAILABILITY_MACHINE_TYPES, REGIONS};
use paperspace::model::user::UserFilter;
use paperspace::{Client, Config};

fn main() {
    if let Err(error) = run() {
        eprintln!("{} error: {error}", error.status().name());
        std::process::exit(1);
    }
}

fn run() -> paperspace::Result<()> {
    let client = Client::new(Config::default())?;
    for user in client.list_users(&UserFilter::default())? {
        println!("user {} {:?}", user.id, user.email);
    }
    let mut skip = 0;
    loop {
        let page = client.list_machines(&MachineFilter {
            limit: Some(100),
            skip: Some(skip),
            ..Default::default()
        })?;
        for machine in &page {
            println!(
                "machine {} {:?} {:?}",
                machine.id, machine.name, machine.state
            );
        }
        if page.len() < 100 {
            break; // a short page is the last one
        }
        skip += 100;
    }
    for region in REGIONS {
        for machine_type in AVAILABILITY_MACHINE_TYPES {
            let params = AvailabilityParams {
                region: Some(region.into()),
                machine_type: Some(machine_type.into()),
            };
            let available = client.machine_availability(&params)?.available;
            println!(
                "{region:18} {machine_type:6} {}",
                if available {
                    "available"
                } else {
                    "unavailable"
                }
            );
        }
    }
    Ok(())
}

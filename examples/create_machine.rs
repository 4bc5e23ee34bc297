//! Creates a CPU machine from an Ubuntu template, waits until it is ready, then stops, starts,
//! restarts and destroys it. Reads PAPERSPACE_API_KEY and PAPERSPACE_API_HOST, e.g. against the
//! emulator:
//!
//! ```sh
//! cargo run --features emulator --bin paperspace-emulator &   # prints {"url": ...}
//! PAPERSPACE_API_KEY=emulator-admin-key PAPERSPACE_API_HOST=http://127.0.0.1:PORT \
//!     cargo run --example create_machine
//! ```

use paperspace::model::machine::{CreateMachine, DestroyMachine, WaitParams};
use paperspace::model::template::TemplateFilter;
use paperspace::{Client, Config};

fn main() {
    if let Err(error) = run() {
        eprintln!("{} error: {error}", error.status().name());
        std::process::exit(1);
    }
}

fn run() -> paperspace::Result<()> {
    let client = Client::new(Config::default())?;
    let templates = client.list_templates(&TemplateFilter::default())?;
    let ubuntu = templates
        .iter()
        .find(|t| t.os.as_deref().is_some_and(|os| os.contains("Ubuntu")))
        .expect("an Ubuntu template");
    println!("template {} ({:?})", ubuntu.id, ubuntu.os);

    let params = CreateMachine::new(
        "East Coast (NY2)",
        "C4",
        50,
        "hourly",
        "example",
        &ubuntu.id,
    );
    let machine = client.create_machine(&params)?;
    println!("created {} ({:?})", machine.id, machine.state);

    let until = |state: &str| WaitParams {
        interval_ms: Some(200),
        ..WaitParams::new(&machine.id, state)
    };
    let ready = client.wait_for_machine(&until("ready"), None)?;
    println!(
        "ready: {} CPUs, {:?} bytes of RAM, {:?}",
        ready.cpus.unwrap_or(0),
        ready.ram,
        ready.region
    );

    client.stop_machine(&machine.id)?;
    client.wait_for_machine(&until("off"), None)?;
    client.start_machine(&machine.id)?;
    client.wait_for_machine(&until("ready"), None)?;
    client.restart_machine(&machine.id)?;
    client.wait_for_machine(&until("ready"), None)?;
    println!("stopped, started and restarted");

    client.destroy_machine(&DestroyMachine {
        machine_id: Some(machine.id.clone()),
        release_public_ip: None,
    })?;
    println!("destroyed {}", machine.id);
    Ok(())
}

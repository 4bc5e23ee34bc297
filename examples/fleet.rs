//! Manages a small fleet: a startup script attached at create, three machines waited for
//! together (one list request per poll), their settings changed, a team member given access,
//! last month's usage, a delegation token for streaming, then everything destroyed. Reads
//! PAPERSPACE_API_KEY and PAPERSPACE_API_HOST (see create_machine.rs).

use paperspace::model::delegation::Delegation;
use paperspace::model::machine::{CreateMachine, DestroyMachine, WaitManyParams};
use paperspace::model::network::NetworkFilter;
use paperspace::model::script::{CreateScript, ScriptFilter};
use paperspace::model::settings::{SetAccess, UpdateMachine, UtilizationParams};
use paperspace::model::template::TemplateFilter;
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
    let script = client.create_script(&CreateScript::from_text(
        "fleet bootstrap",
        "apt-get update && apt-get install -y nginx",
    ))?;
    println!("script {} {:?}", script.id, script.name);
    let ubuntu = client
        .list_templates(&TemplateFilter::default())?
        .into_iter()
        .find(|t| t.os.as_deref().is_some_and(|os| os.contains("Ubuntu")))
        .expect("an Ubuntu template");
    let network = client
        .list_networks(&NetworkFilter {
            region: Some(Some("East Coast (NY2)".into())),
            ..NetworkFilter::default()
        })?
        .into_iter()
        .next();
    let mut ids = Vec::new();
    for n in 1..=3 {
        let mut params = CreateMachine::new(
            "East Coast (NY2)",
            "C4",
            50,
            "hourly",
            &format!("fleet {n}"),
            &ubuntu.id,
        );
        params.script_id = Some(script.id.clone());
        params.network_id = network.as_ref().map(|n| n.id.clone());
        ids.push(client.create_machine(&params)?.id);
    }
    let asked: Vec<&str> = ids.iter().map(String::as_str).collect();
    for machine in client.wait_for_machines(&WaitManyParams::new(&asked, "ready"), None)? {
        println!(
            "machine {} {:?} at {:?}",
            machine.id, machine.state, machine.private_ip_address
        );
    }
    for id in &ids {
        client.update_machine(&UpdateMachine {
            shutdown_timeout_in_hours: Some(Some(8)),
            auto_snapshot_frequency: Some(Some("day".into())),
            auto_snapshot_save_count: Some(3),
            ..UpdateMachine::new(id)
        })?;
    }
    let shown = client.show_script(&script.id)?;
    println!("script used by {} machines", shown.machines.len());
    println!("script text: {}", client.script_text(&script.id)?);
    if let Some(member) = client
        .list_users(&UserFilter::default())?
        .into_iter()
        .nth(1)
    {
        client.set_machine_access(&SetAccess::new(&ids[0], &member.id, true))?;
        println!("{} may use {}", member.id, ids[0]);
    }
    let usage = client.machine_utilization(&UtilizationParams::new(&ids[0], "2026-11"))?;
    println!(
        "{} s last month at {:?} an hour",
        usage.utilization.seconds_used.unwrap_or(0.0),
        usage.utilization.hourly_rate
    );
    let delegation = client.create_resource_delegation(&Delegation::machines(&asked))?;
    // The token is a secret: Debug output shows it redacted; send it only where it must go.
    println!(
        "delegation {:?}",
        delegation.first().map(|d| &d.access_token_id)
    );
    for id in &ids {
        client.destroy_machine(&DestroyMachine {
            machine_id: Some(id.clone()),
            release_public_ip: Some(true),
        })?;
    }
    client.destroy_script(&script.id)?;
    println!(
        "scripts left: {}",
        client.list_scripts(&ScriptFilter::default())?.len()
    );
    Ok(())
}

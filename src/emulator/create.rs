//! `POST /machines/createSingleMachinePublic`: every documented rule, checked in a fixed order
//! with one 400 answer for the first rule that fails (docs/EMULATOR.md lists them), then the
//! new user (if asked for), then the machine.

use serde_json::{Map, Value};

use super::addresses;
use super::error::{ApiError, Reply};
use super::faults::Fault;
use super::hardware;
use super::machine::{CAPACITY_ERROR, Event, EventKind, Machine, ScriptLink};
use super::records::{Network, User};
use super::render;
use super::state::{Caller, State};
use super::time::iso8601;
use super::update;
use crate::model::rules;

/// What a handler answers: a reply, or (create only) a fault that struck after the user was
/// created.
pub enum Answer {
    Reply(Reply),
    Fault(Fault),
}

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Num,
    Bool,
}

impl Kind {
    fn fits(self, v: &Value) -> bool {
        match self {
            Kind::Str => v.is_string(),
            Kind::Num => v.is_number(),
            Kind::Bool => v.is_boolean(),
        }
    }

    fn article(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::Num => "a number",
            Kind::Bool => "a boolean",
        }
    }
}

const REQUIRED: [(&str, Kind); 6] = [
    ("region", Kind::Str),
    ("machineType", Kind::Str),
    ("size", Kind::Num),
    ("billingType", Kind::Str),
    ("machineName", Kind::Str),
    ("templateId", Kind::Str),
];

/// Optional fields and their types; `null` counts as absent (terraform sends
/// `shutdownTimeoutInHours: null`). Other keys are ignored, as the API ignored them.
const OPTIONAL: [(&str, Kind); 21] = [
    ("assignPublicIp", Kind::Bool),
    ("dynamicPublicIp", Kind::Bool),
    ("startOnCreate", Kind::Bool),
    ("networkId", Kind::Str),
    ("teamId", Kind::Str),
    ("userId", Kind::Str),
    ("email", Kind::Str),
    ("password", Kind::Str),
    ("firstName", Kind::Str),
    ("lastName", Kind::Str),
    ("notificationEmail", Kind::Str),
    ("scriptId", Kind::Str),
    ("takeInitialSnapshot", Kind::Bool),
    ("markSnapshotAsRestorePoint", Kind::Bool),
    ("restorePointFrequency", Kind::Str),
    ("enableNvlink", Kind::Bool),
    ("isManaged", Kind::Bool),
    ("shutdownTimeoutInHours", Kind::Num),
    ("performAutoSnapshot", Kind::Bool),
    ("autoSnapshotFrequency", Kind::Str),
    ("autoSnapshotSaveCount", Kind::Num),
];

const NEW_USER_FIELDS: [&str; 4] = ["email", "password", "firstName", "lastName"];

/// The body's fields, typed-checked; absent and null read as `None`.
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }
    fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }
    fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(false)
    }
}

fn must_be_one_of(field: &str, choices: &[&str]) -> ApiError {
    ApiError::bad_request(format!("{field} must be one of {}", rules::one_of(choices)))
}

/// Checks the body against every rule that needs no stored data (steps 3-12 of the order).
fn check_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map,
        _ => {
            return Err(ApiError::bad_request(
                "The request body must be a JSON object",
            ));
        }
    };
    let f = Fields(&object);
    for (key, kind) in REQUIRED {
        match f.get(key) {
            None => {
                return Err(ApiError::bad_request(format!(
                    "Missing required parameter {key}"
                )));
            }
            Some(v) if !kind.fits(v) => {
                return Err(ApiError::bad_request(format!(
                    "Parameter {key} must be {}",
                    kind.article()
                )));
            }
            Some(_) => {}
        }
    }
    for (key, kind) in OPTIONAL {
        if f.get(key).is_some_and(|v| !kind.fits(v)) {
            return Err(ApiError::bad_request(format!(
                "Parameter {key} must be {}",
                kind.article()
            )));
        }
    }
    let text = |key| f.str(key).unwrap_or_default();
    if !rules::REGIONS.contains(&text("region")) {
        return Err(must_be_one_of("region", &rules::REGIONS));
    }
    if !rules::MACHINE_TYPES.contains(&text("machineType")) {
        return Err(must_be_one_of("machineType", &rules::MACHINE_TYPES));
    }
    if !rules::BILLING_TYPES.contains(&text("billingType")) {
        return Err(must_be_one_of("billingType", &rules::BILLING_TYPES));
    }
    let size = f.get("size").and_then(Value::as_f64).unwrap_or(f64::NAN);
    let (min, max) = (rules::MIN_SIZE_GB as f64, rules::MAX_SIZE_GB as f64);
    if size.fract() != 0.0 || !(min..=max).contains(&size) {
        return Err(ApiError::bad_request(format!(
            "size must be a whole number of GB from {} to {}",
            rules::MIN_SIZE_GB,
            rules::MAX_SIZE_GB
        )));
    }
    if f.flag("assignPublicIp") && f.flag("dynamicPublicIp") {
        return Err(ApiError::bad_request(
            "assignPublicIp and dynamicPublicIp cannot both be true",
        ));
    }
    let given: Vec<&str> = NEW_USER_FIELDS
        .into_iter()
        .filter(|k| f.get(k).is_some())
        .collect();
    if f.get("userId").is_some() && !given.is_empty() {
        return Err(ApiError::bad_request(
            "userId cannot be combined with email, password, firstName or lastName",
        ));
    }
    if let Some(empty) = given.iter().find(|k| text(k).trim().is_empty()) {
        return Err(ApiError::bad_request(format!("{empty} must not be empty")));
    }
    if !given.is_empty() && given.len() < NEW_USER_FIELDS.len() {
        let missing: Vec<&str> = NEW_USER_FIELDS
            .into_iter()
            .filter(|k| !given.contains(k))
            .collect();
        return Err(ApiError::bad_request(format!(
            "email, password, firstName and lastName are all required to create a new user; missing: {}",
            missing.join(", ")
        )));
    }
    if let Some(freq) = f.str("restorePointFrequency") {
        if !rules::RESTORE_POINT_FREQUENCIES.contains(&freq) {
            return Err(must_be_one_of(
                "restorePointFrequency",
                &rules::RESTORE_POINT_FREQUENCIES,
            ));
        }
    }
    if f.flag("markSnapshotAsRestorePoint")
        && !(f.flag("takeInitialSnapshot") && f.get("restorePointFrequency").is_some())
    {
        return Err(ApiError::bad_request(
            "markSnapshotAsRestorePoint requires takeInitialSnapshot to be true and restorePointFrequency to be set",
        ));
    }
    // The values update accepts for the same fields (reference §2.8, §4).
    update::whole_or_null(&object, "shutdownTimeoutInHours")?;
    if let Some(freq) = f.str("autoSnapshotFrequency") {
        if !update::AUTO_SNAPSHOT_FREQUENCIES.contains(&freq) {
            return Err(ApiError::bad_request(format!(
                "autoSnapshotFrequency must be one of {}, or null",
                rules::one_of(&update::AUTO_SNAPSHOT_FREQUENCIES)
            )));
        }
    }
    update::whole_or_null(&object, "autoSnapshotSaveCount")?;
    Ok(object)
}

/// Handles a create; `stage_fault` is a per-request fault for the after-user-created stage.
pub fn create(
    state: &mut State,
    caller: &Caller,
    body: &[u8],
    now: i64,
    stage_fault: Option<&Fault>,
) -> Result<Answer, ApiError> {
    if !caller.is_admin {
        return Err(ApiError::new(
            403,
            "Only the team administrator can create machines; team members cannot create machines themselves",
        ));
    }
    let object = check_body(body)?;
    let f = Fields(&object);
    let text = |key| f.str(key).unwrap_or_default();
    let machine_type = text("machineType");
    let template = state
        .templates
        .iter()
        .find(|t| t.id == text("templateId") && State::template_visible(t, &caller.team_id))
        .ok_or_else(|| ApiError::bad_request("templateId not found"))?;
    if let Some(why) = rules::template_os_refusal(&template.os, machine_type) {
        return Err(ApiError::bad_request(why));
    }
    // A team template was made from a machine in one region and only creates machines there.
    if let Some(only) = template.region.as_deref().filter(|r| *r != text("region")) {
        return Err(ApiError::bad_request(format!(
            "templateId {} can only create machines in region {only}",
            template.id
        )));
    }
    let os = template.os.clone();
    if f.str("teamId").is_some_and(|t| t != caller.team_id) {
        return Err(ApiError::bad_request(
            "teamId must be the id of your own team",
        ));
    }
    if let Some(user_id) = f.str("userId") {
        if !state
            .users
            .iter()
            .any(|u| u.id == user_id && u.team_id == caller.team_id)
        {
            return Err(ApiError::bad_request("userId not found in your team"));
        }
    }
    let region = text("region");
    let network = match f.str("networkId") {
        None => state.default_network(&caller.team_id, region),
        Some(id) => {
            let network = state
                .networks
                .iter()
                .find(|n| n.id == id && n.team_id == caller.team_id)
                .ok_or_else(|| ApiError::bad_request("networkId not found"))?;
            if network.region != region {
                return Err(ApiError::bad_request(format!(
                    "networkId must be a network in region {region}"
                )));
            }
            Some(network)
        }
    };
    // Every team has a network in every region from the start, so this never misses.
    let network = network
        .cloned()
        .ok_or_else(|| ApiError::new(500, format!("The team has no network in region {region}")))?;
    let script = match f.str("scriptId") {
        None => None,
        Some(id) => Some(
            state
                .scripts
                .iter()
                .find(|s| s.id == id && s.visible_to(caller))
                .map(|s| s.link(now))
                .ok_or_else(|| ApiError::bad_request("scriptId not found"))?,
        ),
    };
    // Addresses are checked before the new user is stored, and taken with the machine; the
    // machines whose destroy has finished give theirs back first.
    state.purge(now);
    if !state.addresses.private_free(&network.id) {
        return Err(addresses::no_private(&network.id));
    }
    if (f.flag("assignPublicIp") || f.flag("dynamicPublicIp")) && !state.addresses.public_free() {
        return Err(addresses::no_public());
    }
    let owner = if let Some(email) = f.str("email") {
        if state
            .users
            .iter()
            .any(|u| u.email.eq_ignore_ascii_case(email))
        {
            return Err(ApiError::bad_request(
                "email is already associated with a Paperspace account",
            ));
        }
        // The documented order: the user exists before the machine step, whatever happens next.
        let id = state.fresh_id("u", 7);
        state.users.push(User {
            id: id.clone(),
            email: email.to_owned(),
            firstname: text("firstName").to_owned(),
            lastname: text("lastName").to_owned(),
            is_admin: false,
            is_owner: false,
            dt_created: iso8601(now),
            team_id: caller.team_id.clone(),
            api_key: None,
        });
        let path = "/machines/createSingleMachinePublic";
        let fault = stage_fault
            .cloned()
            .or_else(|| state.faults.take("POST", path, true));
        if let Some(fault) = fault {
            return Ok(Answer::Fault(fault));
        }
        id
    } else {
        f.str("userId").unwrap_or(&caller.user_id).to_owned()
    };

    let machine = build_machine(state, caller, &f, os, owner, (network, script), now)?;
    let body = render::to_json(&render::machine(&machine, now, false));
    state.add_machine(machine, now);
    Ok(Answer::Reply(Reply::json(state.create_status, body)))
}

fn build_machine(
    state: &mut State,
    caller: &Caller,
    f: &Fields,
    os: String,
    owner: String,
    (network, script): (Network, Option<ScriptLink>),
    now: i64,
) -> Result<Machine, ApiError> {
    let text = |key| f.str(key).unwrap_or_default().to_owned();
    let (region, machine_type) = (text("region"), text("machineType"));
    let starts = f
        .get("startOnCreate")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let provision = state.delays.provision_ms as i64;
    let capacity = state.available(&region, &machine_type);
    let wants_ip = f.flag("assignPublicIp") || f.flag("dynamicPublicIp");
    let mut events = vec![Event {
        kind: EventKind::Create { starts },
        handle: state.ids.uuid_v4(),
        created_ms: now,
        begin_ms: now + provision / 4,
        end_ms: now + if starts { provision / 2 } else { provision },
        error: None,
    }];
    if starts {
        // The API starts a new machine by itself; the start event appears when create is done.
        let at = now + provision / 2;
        events.push(Event {
            kind: EventKind::Start { automatic: true },
            handle: state.ids.uuid_v4(),
            created_ms: at,
            begin_ms: at,
            end_ms: now + provision,
            error: (!capacity).then_some(CAPACITY_ERROR),
        });
    }
    Ok(Machine {
        // Numbered by `State::add_machine`.
        seq: 0,
        id: state.fresh_id("ps", 7),
        name: text("machineName"),
        size_gb: f.get("size").and_then(Value::as_f64).unwrap_or(0.0) as u64,
        agent_type: hardware::agent_type(&os).to_owned(),
        os,
        billing_type: text("billingType"),
        region,
        machine_type,
        user_id: owner,
        team_id: caller.team_id.clone(),
        private_ip: state.addresses.take_private(&network, &mut state.ids)?,
        network_id: network.id,
        public_ip: match wants_ip {
            true => Some(state.addresses.take_public(&mut state.ids)?),
            false => None,
        },
        dynamic_public_ip: f.flag("dynamicPublicIp"),
        script,
        shutdown_timeout_in_hours: update::whole_or_null(f.0, "shutdownTimeoutInHours")
            .ok()
            .flatten()
            .unwrap_or(Value::from(168)),
        shutdown_timeout_forces: false,
        perform_auto_snapshot: f.flag("performAutoSnapshot"),
        auto_snapshot_frequency: f
            .get("autoSnapshotFrequency")
            .cloned()
            .unwrap_or(Value::Null),
        auto_snapshot_save_count: update::whole_or_null(f.0, "autoSnapshotSaveCount")
            .ok()
            .flatten()
            .unwrap_or(Value::Null),
        created_ms: now,
        service_ready_percent: state.delays.service_ready_percent,
        accessors: Vec::new(),
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str) -> Result<(), String> {
        check_body(body.as_bytes())
            .map(|_| ())
            .map_err(|e| e.message)
    }

    const OK: &str = r#""region":"Europe (AMS1)","machineType":"C2","size":50,"billingType":"hourly","machineName":"m","templateId":"t04azgph""#;

    #[test]
    fn body_rules_in_order() {
        assert_eq!(check(&format!("{{{OK}}}")), Ok(()));
        assert_eq!(
            check("[]").unwrap_err(),
            "The request body must be a JSON object"
        );
        assert_eq!(
            check("{}").unwrap_err(),
            "Missing required parameter region"
        );
        assert_eq!(
            check(&format!(r#"{{{OK},"size":"50"}}"#)).unwrap_err(),
            "Parameter size must be a number"
        );
        assert_eq!(
            check(&format!(r#"{{{OK},"size":50.5}}"#)).unwrap_err(),
            "size must be a whole number of GB from 50 to 2000"
        );
        assert_eq!(check(&format!(r#"{{{OK},"size":2000.0}}"#)), Ok(()));
        assert_eq!(
            check(&format!(
                r#"{{{OK},"shutdownTimeoutInHours":null,"unknown":[1]}}"#
            )),
            Ok(())
        );
    }
}

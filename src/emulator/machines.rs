//! Machine endpoints other than create: show, list, availability and the four actions.

use serde_json::Value;

use super::error::{ApiError, Reply};
use super::fields::FILTERS;
use super::machine::{CAPACITY_ERROR, EventKind, Phase};
use super::query::Query;
use super::render::{self, MachineView};
use super::routes::MachineAction;
use super::state::{Caller, State};
use crate::model::rules;

const DEFAULT_LIMIT: usize = 1000;

fn required<'q>(query: &'q Query, key: &str) -> Result<&'q str, ApiError> {
    query
        .get(key)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("Missing required parameter {key}")))
}

/// `GET /machines/getMachinePublic?machineId=`.
pub fn show(
    state: &mut State,
    caller: &Caller,
    query: &Query,
    now: i64,
) -> Result<Reply, ApiError> {
    let id = required(query, "machineId")?;
    let index = state.visible_machine(id, caller, now)?;
    let machine = &state.machines()[index];
    Ok(Reply::json(
        200,
        render::to_json(&render::machine(machine, now, true)),
    ))
}

fn count(query: &Query, key: &str, default: usize) -> Result<usize, ApiError> {
    match query.get(key) {
        None => Ok(default),
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(v.parse().unwrap_or(usize::MAX))
        }
        Some(_) => Err(ApiError::bad_request(format!(
            "{key} must be a non-negative integer"
        ))),
    }
}

/// `GET /machines/getMachines`: the visible machines in creation order, filtered, then
/// `skip`ped and `limit`ed; only the page is rendered.
pub fn list(
    state: &mut State,
    caller: &Caller,
    query: &Query,
    now: i64,
) -> Result<Reply, ApiError> {
    let limit = count(query, "limit", DEFAULT_LIMIT)?;
    let skip = count(query, "skip", 0)?;
    state.purge(now);
    state.settle(now);
    let filters: Vec<(&str, &str)> = query.filters(&FILTERS).collect();
    let views: Vec<MachineView> = state
        .list_page(caller, &filters, now, (skip, limit))
        .into_iter()
        .map(|m| render::machine(m, now, false))
        .collect();
    Ok(Reply::json(200, render::to_json(&views)))
}

/// `GET /machines/getAvailability?region=&machineType=`.
pub fn availability(state: &State, query: &Query) -> Result<Reply, ApiError> {
    let region = required(query, "region")?;
    let machine_type = required(query, "machineType")?;
    if !rules::REGIONS.contains(&region) {
        return Err(ApiError::bad_request(format!(
            "region must be one of {}",
            rules::one_of(&rules::REGIONS)
        )));
    }
    if !rules::AVAILABILITY_MACHINE_TYPES.contains(&machine_type) {
        return Err(ApiError::bad_request(format!(
            "machineType must be one of {}",
            rules::one_of(&rules::AVAILABILITY_MACHINE_TYPES)
        )));
    }
    let available = state.available(region, machine_type);
    Ok(Reply::json(200, format!("{{\"available\":{available}}}")))
}

/// `POST /machines/:id/{start,stop,restart,destroyMachine}`: 204, empty body.
pub fn act(
    state: &mut State,
    caller: &Caller,
    action: MachineAction,
    id: &str,
    body: &[u8],
    now: i64,
) -> Result<Reply, ApiError> {
    let index = state.visible_machine(id, caller, now)?;
    if action == MachineAction::Destroy {
        return destroy(state, caller, index, body, now);
    }
    let machine = &state.machines()[index];
    if machine.destroying() {
        return Err(ApiError::not_found());
    }
    if machine.user_id != caller.user_id && !machine.accessors.contains(&caller.user_id) {
        return Err(ApiError::new(
            403,
            format!("Only the owner of machine {id} can {} it", action.verb()),
        ));
    }
    let capacity = state.available(&machine.region, &machine.machine_type);
    let error = (!capacity).then_some(CAPACITY_ERROR);
    let target = machine.target();
    let delays = state.delays;
    let (kind, duration, error) = match action {
        // Already running (or on the way there): a no-op, as the API documents.
        MachineAction::Start if target == Phase::Ready => return Ok(Reply::no_content()),
        MachineAction::Stop if target == Phase::Off => return Ok(Reply::no_content()),
        MachineAction::Start => (
            EventKind::Start { automatic: false },
            delays.start_ms,
            error,
        ),
        MachineAction::Stop => (EventKind::Stop, delays.stop_ms, None),
        _ => (EventKind::Restart, delays.restart_ms, error),
    };
    let handle = state.ids.uuid_v4();
    state.edit_machine(index, now, |m| {
        m.queue(kind, handle, now, duration as i64, error);
    });
    Ok(Reply::no_content())
}

fn destroy(
    state: &mut State,
    caller: &Caller,
    index: usize,
    body: &[u8],
    now: i64,
) -> Result<Reply, ApiError> {
    if !body.iter().all(u8::is_ascii_whitespace) {
        let release = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map.get("releasePublicIp").cloned(),
            _ => {
                return Err(ApiError::bad_request(
                    "The request body must be a JSON object",
                ));
            }
        };
        if release.is_some_and(|v| !v.is_boolean() && !v.is_null()) {
            return Err(ApiError::bad_request(
                "Parameter releasePublicIp must be a boolean",
            ));
        }
    }
    let machine = &state.machines()[index];
    if machine.destroying() {
        return Ok(Reply::no_content());
    }
    if machine.user_id != caller.user_id && !caller.is_admin {
        return Err(ApiError::new(
            403,
            "Only the machine owner or a team administrator can destroy a machine",
        ));
    }
    let handle = state.ids.uuid_v4();
    let duration = state.delays.destroy_ms as i64;
    state.edit_machine(index, now, |m| m.deactivate(handle, now, duration));
    Ok(Reply::no_content())
}

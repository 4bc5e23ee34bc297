//! `POST /machines/:machineId/setMachineAccess`: gives a user of the team access to a machine
//! (or takes it away); an accessor sees the machine and may start, stop and restart it.

use serde_json::Value;

use super::error::{ApiError, Reply};
use super::render;
use super::state::{Caller, State};
use super::update::object_body;

/// `enableAccess` as a boolean; the text `"true"`/`"false"` is read too, as the documentation's
/// curl example sends it.
fn enable_access(value: Option<&Value>) -> Result<bool, ApiError> {
    match value {
        None | Some(Value::Null) => Err(ApiError::bad_request(
            "Missing required parameter enableAccess",
        )),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" => Ok(true),
        Some(Value::String(s)) if s == "false" => Ok(false),
        Some(_) => Err(ApiError::bad_request(
            "Parameter enableAccess must be a boolean",
        )),
    }
}

pub fn set_access(
    state: &mut State,
    caller: &Caller,
    id: &str,
    body: &[u8],
    now: i64,
) -> Result<Reply, ApiError> {
    let index = state.usable_machine(id, caller, now)?;
    let body = object_body(body)?;
    let user_id = match body.get("userId") {
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request("Missing required parameter userId"));
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(ApiError::bad_request("Parameter userId must be a string"));
        }
    };
    let enable = enable_access(body.get("enableAccess"))?;
    if state.machines()[index].user_id != caller.user_id && !caller.is_admin {
        return Err(ApiError::new(
            403,
            "Only the machine owner or a team administrator can set access to a machine",
        ));
    }
    if !state
        .users
        .iter()
        .any(|u| u.id == user_id && u.team_id == caller.team_id)
    {
        return Err(ApiError::bad_request("userId not found in your team"));
    }
    state.edit_machine(index, now, |machine| {
        let has = machine.accessors.contains(&user_id);
        // The owner always has access: giving it again or taking it away changes nothing.
        if enable && !has && machine.user_id != user_id {
            machine.accessors.push(user_id);
        } else if !enable && has {
            machine.accessors.retain(|u| *u != user_id);
        }
    });
    let machine = &state.machines()[index];
    Ok(Reply::json(
        200,
        render::to_json(&render::machine(machine, now, false)),
    ))
}

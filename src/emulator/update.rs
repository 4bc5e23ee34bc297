//! `POST /machines/:machineId/updateMachinePublic`: every field optional, each checked for its
//! type and value before anything changes; 204.

use serde_json::{Map, Value};

use super::error::{ApiError, Reply};
use super::state::{Caller, State};
use crate::model::rules;

/// The values `autoSnapshotFrequency` takes (reference §4; `null` turns it off).
pub const AUTO_SNAPSHOT_FREQUENCIES: [&str; 3] = ["hour", "day", "week"];

/// The changes a valid body asks for; `None` leaves a field as it is.
#[derive(Default)]
struct Changes {
    name: Option<String>,
    shutdown_timeout_in_hours: Option<Value>,
    shutdown_timeout_forces: Option<bool>,
    perform_auto_snapshot: Option<bool>,
    auto_snapshot_frequency: Option<Value>,
    auto_snapshot_save_count: Option<Value>,
    dynamic_public_ip: Option<bool>,
    assign_public_ip: Option<bool>,
}

/// A body that is empty or a JSON object; anything else is the API's 400.
pub fn object_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request(
            "The request body must be a JSON object",
        )),
    }
}

fn wrong_type(key: &str, article: &str) -> ApiError {
    ApiError::bad_request(format!("Parameter {key} must be {article}"))
}

fn flag(body: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong_type(key, "a boolean")),
    }
}

/// A positive whole number, or `null` (which the API reads as "never" / "no limit").
pub fn whole_or_null(body: &Map<String, Value>, key: &str) -> Result<Option<Value>, ApiError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(Value::Null)),
        Some(Value::Number(n)) => {
            let v = n.as_f64().unwrap_or(f64::NAN);
            if v.fract() != 0.0 || !(1.0..=1e9).contains(&v) {
                return Err(ApiError::bad_request(format!(
                    "{key} must be a positive whole number or null"
                )));
            }
            Ok(Some(Value::from(v as u64)))
        }
        Some(_) => Err(wrong_type(key, "a number")),
    }
}

/// Checks every field, in the order of the reference's parameter list.
fn check(body: &Map<String, Value>) -> Result<Changes, ApiError> {
    let name = match body.get("machineName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => {
            return Err(ApiError::bad_request("machineName must not be empty"));
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(wrong_type("machineName", "a string")),
    };
    let shutdown_timeout_in_hours = whole_or_null(body, "shutdownTimeoutInHours")?;
    let shutdown_timeout_forces = flag(body, "shutdownTimeoutForces")?;
    let perform_auto_snapshot = flag(body, "performAutoSnapshot")?;
    let auto_snapshot_frequency = match body.get("autoSnapshotFrequency") {
        None => None,
        Some(Value::Null) => Some(Value::Null),
        Some(Value::String(s)) if AUTO_SNAPSHOT_FREQUENCIES.contains(&s.as_str()) => {
            Some(Value::from(s.as_str()))
        }
        Some(Value::String(_)) => {
            return Err(ApiError::bad_request(format!(
                "autoSnapshotFrequency must be one of {}, or null",
                rules::one_of(&AUTO_SNAPSHOT_FREQUENCIES)
            )));
        }
        Some(_) => return Err(wrong_type("autoSnapshotFrequency", "a string")),
    };
    let auto_snapshot_save_count = whole_or_null(body, "autoSnapshotSaveCount")?;
    let dynamic_public_ip = flag(body, "dynamicPublicIp")?;
    let assign_public_ip = flag(body, "assignPublicIp")?;
    if dynamic_public_ip == Some(true) && assign_public_ip == Some(true) {
        return Err(ApiError::bad_request(
            "assignPublicIp and dynamicPublicIp cannot both be true",
        ));
    }
    Ok(Changes {
        name,
        shutdown_timeout_in_hours,
        shutdown_timeout_forces,
        perform_auto_snapshot,
        auto_snapshot_frequency,
        auto_snapshot_save_count,
        dynamic_public_ip,
        assign_public_ip,
    })
}

pub fn update(
    state: &mut State,
    caller: &Caller,
    id: &str,
    body: &[u8],
    now: i64,
) -> Result<Reply, ApiError> {
    let index = state.usable_machine(id, caller, now)?;
    let changes = check(&object_body(body)?)?;
    if state.machines()[index].user_id != caller.user_id && !caller.is_admin {
        return Err(ApiError::new(
            403,
            "Only the machine owner or a team administrator can update a machine",
        ));
    }
    // The two kinds of public IP exclude each other: turning one on turns the other off
    // unless the body says otherwise (both true was refused above).
    let m = &state.machines()[index];
    let mut static_ip = m.public_ip.is_some() && !m.dynamic_public_ip;
    let mut dynamic = m.dynamic_public_ip;
    if let Some(d) = changes.dynamic_public_ip {
        dynamic = d;
        static_ip &= !d || changes.assign_public_ip.is_some();
    }
    if let Some(a) = changes.assign_public_ip {
        static_ip = a;
        dynamic &= !a || changes.dynamic_public_ip.is_some();
    }
    let public_ip = match (m.public_ip.clone(), static_ip || dynamic) {
        (None, false) => None,
        (Some(ip), false) => {
            state.addresses.release_public(&ip);
            None
        }
        (Some(ip), true) => Some(ip),
        (None, true) => Some(state.addresses.take_public(&mut state.ids)?),
    };
    state.edit_machine(index, now, |m| {
        m.dynamic_public_ip = dynamic;
        m.public_ip = public_ip;
        if let Some(name) = changes.name {
            m.name = name;
        }
        if let Some(v) = changes.shutdown_timeout_in_hours {
            m.shutdown_timeout_in_hours = v;
        }
        if let Some(v) = changes.shutdown_timeout_forces {
            m.shutdown_timeout_forces = v;
        }
        if let Some(v) = changes.perform_auto_snapshot {
            m.perform_auto_snapshot = v;
        }
        if let Some(v) = changes.auto_snapshot_frequency {
            m.auto_snapshot_frequency = v;
        }
        if let Some(v) = changes.auto_snapshot_save_count {
            m.auto_snapshot_save_count = v;
        }
    });
    Ok(Reply::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refusal(body: Value) -> String {
        let Value::Object(map) = body else {
            unreachable!()
        };
        match check(&map) {
            Ok(_) => String::new(),
            Err(e) => e.message,
        }
    }

    #[test]
    fn checks_types_and_values() {
        assert_eq!(refusal(json!({"machineName": "x", "machineId": 5})), "");
        assert_eq!(
            refusal(json!({"machineName": 1})),
            "Parameter machineName must be a string"
        );
        assert_eq!(
            refusal(json!({"shutdownTimeoutInHours": 1.5})),
            "shutdownTimeoutInHours must be a positive whole number or null"
        );
        assert_eq!(
            refusal(json!({"shutdownTimeoutInHours": 0})),
            "shutdownTimeoutInHours must be a positive whole number or null"
        );
        assert_eq!(
            refusal(json!({"shutdownTimeoutInHours": "24"})),
            "Parameter shutdownTimeoutInHours must be a number"
        );
        assert_eq!(refusal(json!({"shutdownTimeoutInHours": 24.0})), "");
        assert_eq!(
            refusal(json!({"autoSnapshotFrequency": "month"})),
            "autoSnapshotFrequency must be one of 'hour', 'day', or 'week', or null"
        );
        assert_eq!(
            refusal(json!({"performAutoSnapshot": "true"})),
            "Parameter performAutoSnapshot must be a boolean"
        );
        assert_eq!(
            refusal(json!({"assignPublicIp": true, "dynamicPublicIp": true})),
            "assignPublicIp and dynamicPublicIp cannot both be true"
        );
        assert!(object_body(b"  ").unwrap().is_empty());
        assert!(object_body(b"[1]").is_err());
    }
}

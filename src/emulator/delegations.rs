//! `POST /resourceDelegations/create`: a delegation of named resources (only machines) and a
//! new access token for it. The token is a secret: it is only ever written in this answer,
//! never in logs, stats or errors.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::{ApiError, Reply};
use super::ids;
use super::render;
use super::state::{Caller, State};
use super::time::iso8601;

/// A stored delegation. No `Debug`: the token must not end up in a debug print. It is written
/// to the state file (readable by its owner only), as a real service keeps its tokens.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delegation {
    pub id: u64,
    pub delegation: Map<String, Value>,
    pub token: String,
    pub created_ms: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DelegationView<'a> {
    delegation: &'a Map<String, Value>,
    is_enabled: bool,
    access_token_id: &'a str,
    dt_created: String,
    id: u64,
}

const SHAPE: &str = r#"A delegation is an object like {"machine": {"ids": ["ps123abc"]}}"#;

/// The machine ids of a delegation body, after checking its shape.
fn machine_ids(body: &Map<String, Value>) -> Result<Vec<&str>, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(SHAPE));
    }
    if let Some(other) = body.keys().find(|k| *k != "machine") {
        return Err(ApiError::bad_request(format!(
            "Unknown resource type {other}: only machine can be delegated"
        )));
    }
    let ids = body
        .get("machine")
        .and_then(|m| m.get("ids"))
        .and_then(Value::as_array)
        .filter(|ids| !ids.is_empty())
        .and_then(|ids| ids.iter().map(Value::as_str).collect::<Option<Vec<&str>>>())
        .ok_or_else(|| {
            ApiError::bad_request("machine.ids must be a non-empty array of machine ids")
        })?;
    Ok(ids)
}

pub fn create(
    state: &mut State,
    caller: &Caller,
    body: &[u8],
    now: i64,
) -> Result<Reply, ApiError> {
    let body = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map,
        _ => return Err(ApiError::bad_request(SHAPE)),
    };
    let ids = machine_ids(&body)?;
    for id in &ids {
        state.visible_machine(id, caller, now)?;
    }
    let token = ids::secret_token()
        .map_err(|_| ApiError::new(500, "No randomness for a new access token"))?;
    let delegation = Delegation {
        id: state.delegations.len() as u64 + 1,
        delegation: body,
        token,
        created_ms: now,
    };
    let view = [DelegationView {
        delegation: &delegation.delegation,
        is_enabled: true,
        access_token_id: &delegation.token,
        dt_created: iso8601(delegation.created_ms),
        id: delegation.id,
    }];
    let text = render::to_json(&view);
    state.delegations.push(delegation);
    Ok(Reply::json(200, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids_of(v: Value) -> Result<Vec<String>, String> {
        let Value::Object(map) = v else {
            unreachable!()
        };
        machine_ids(&map)
            .map(|ids| ids.into_iter().map(str::to_owned).collect())
            .map_err(|e| e.message)
    }

    #[test]
    fn shapes() {
        assert_eq!(
            ids_of(json!({"machine": {"ids": ["a", "b"]}})),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(ids_of(json!({})).unwrap_err(), SHAPE);
        assert_eq!(
            ids_of(json!({"job": {}})).unwrap_err(),
            "Unknown resource type job: only machine can be delegated"
        );
        for bad in [
            json!({"machine": {}}),
            json!({"machine": {"ids": []}}),
            json!({"machine": {"ids": [1]}}),
            json!({"machine": ["a"]}),
        ] {
            assert_eq!(
                ids_of(bad).unwrap_err(),
                "machine.ids must be a non-empty array of machine ids"
            );
        }
    }
}

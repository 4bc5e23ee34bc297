//! Startup scripts: create (a JSON body, or the Node client's multipart upload with the other
//! parameters in the query string), list, show (with the machines that use the script), text
//! and destroy (which detaches the script from its machines).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::{ApiError, Reply};
use super::machine::ScriptLink;
use super::multipart;
use super::query::{self, Query};
use super::render;
use super::state::{Caller, State};
use super::time::iso8601;

/// Script data is limited to 16 KB (reference §2.8b).
pub const MAX_SCRIPT_BYTES: usize = 16 * 1024;

const FILTERS: [&str; 8] = [
    "id",
    "ownerType",
    "ownerId",
    "name",
    "description",
    "dtCreated",
    "isEnabled",
    "runOnce",
];

/// A stored script. A team administrator's scripts belong to the team, a member's to the
/// member.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Script {
    pub id: String,
    /// `team` or `user`.
    pub owner_type: String,
    pub owner_id: String,
    /// The owner's team, for visibility.
    pub team_id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_ms: i64,
    pub is_enabled: bool,
    pub run_once: bool,
    pub text: String,
}

/// The script as the API renders it (no text).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScriptView<'a> {
    id: &'a str,
    owner_type: &'a str,
    owner_id: &'a str,
    name: &'a str,
    description: Option<&'a str>,
    dt_created: String,
    is_enabled: bool,
    run_once: bool,
}

/// Show adds the machines that use the script.
#[derive(Serialize)]
struct ScriptWithMachines<'a> {
    #[serde(flatten)]
    script: ScriptView<'a>,
    machines: Vec<MachineRun>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MachineRun {
    machine_id: String,
    dt_last_run: Option<String>,
}

impl Script {
    /// Team scripts are visible to the team; a member's scripts to the member and the team's
    /// administrators.
    pub fn visible_to(&self, caller: &Caller) -> bool {
        self.team_id == caller.team_id
            && (self.owner_type == "team" || caller.is_admin || self.owner_id == caller.user_id)
    }

    fn may_destroy(&self, caller: &Caller) -> bool {
        caller.is_admin || (self.owner_type == "user" && self.owner_id == caller.user_id)
    }

    /// What a machine keeps when the script is attached to it at `now`.
    pub fn link(&self, now: i64) -> ScriptLink {
        ScriptLink {
            id: self.id.clone(),
            attached_ms: now,
            enabled: self.is_enabled,
            run_once: self.run_once,
        }
    }

    fn view(&self) -> ScriptView<'_> {
        ScriptView {
            id: &self.id,
            owner_type: &self.owner_type,
            owner_id: &self.owner_id,
            name: &self.name,
            description: self.description.as_deref(),
            dt_created: iso8601(self.created_ms),
            is_enabled: self.is_enabled,
            run_once: self.run_once,
        }
    }
}

/// The parameters of a create, from a JSON body or from a multipart upload's query string,
/// text parts and file part.
struct Params {
    fields: Map<String, Value>,
    /// Booleans may come as the text `true`/`false` (query strings and form fields).
    textual: bool,
}

impl Params {
    fn read(body: &[u8], content_type: Option<&str>, query: &Query) -> Result<Params, ApiError> {
        let Some(ct) = content_type.filter(|ct| multipart::is_multipart(ct)) else {
            return match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(fields)) => Ok(Params {
                    fields,
                    textual: false,
                }),
                _ => Err(ApiError::bad_request(
                    "The request body must be a JSON object",
                )),
            };
        };
        let unreadable = |why: String| {
            ApiError::bad_request(format!("The multipart body cannot be read: {why}"))
        };
        let boundary =
            multipart::boundary(ct).ok_or_else(|| unreadable("no boundary parameter".into()))?;
        let parts = multipart::parse(body, boundary).map_err(unreadable)?;
        let mut fields: Map<String, Value> = query
            .pairs()
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .collect();
        let mut file = None;
        for part in parts {
            let is_file =
                part.filename.is_some() || part.name == "file" || part.name == "scriptFile";
            if is_file {
                if file.is_some() {
                    return Err(ApiError::bad_request(
                        "Only one script file can be uploaded",
                    ));
                }
                file = Some(part.data);
            } else {
                let text = String::from_utf8(part.data)
                    .map_err(|_| unreadable(format!("the part {} is not UTF-8", part.name)))?;
                fields.insert(part.name, Value::from(text));
            }
        }
        let file = file.ok_or_else(|| unreadable("no file part (file or scriptFile)".into()))?;
        if fields.get("scriptText").is_some_and(|v| !v.is_null()) {
            return Err(ApiError::bad_request(
                "Only one of scriptFile or scriptText allowed",
            ));
        }
        let text = String::from_utf8(file)
            .map_err(|_| ApiError::bad_request("The script file must be UTF-8 text"))?;
        fields.insert("scriptText".into(), Value::from(text));
        Ok(Params {
            fields,
            textual: true,
        })
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<&str>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::bad_request(format!(
                "Parameter {key} must be a string"
            ))),
        }
    }

    fn flag(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if self.textual && s == "true" => Ok(true),
            Some(Value::String(s)) if self.textual && s == "false" => Ok(false),
            Some(_) => Err(ApiError::bad_request(format!(
                "Parameter {key} must be a boolean"
            ))),
        }
    }
}

/// `POST /scripts/createScript`.
pub fn create(
    state: &mut State,
    caller: &Caller,
    body: &[u8],
    content_type: Option<&str>,
    query: &Query,
    now: i64,
) -> Result<Reply, ApiError> {
    let params = Params::read(body, content_type, query)?;
    let name = params
        .string("scriptName")?
        .ok_or_else(|| ApiError::bad_request("Missing required parameter scriptName"))?;
    let text = params.string("scriptText")?;
    let description = params.string("scriptDescription")?;
    let is_enabled = params.flag("isEnabled", true)?;
    let run_once = params.flag("runOnce", false)?;
    let machine_id = params.string("machineId")?;
    let text = text.ok_or_else(|| {
        ApiError::bad_request("Missing required parameter: either scriptFile or scriptText")
    })?;
    if name.is_empty() {
        return Err(ApiError::bad_request("scriptName must not be empty"));
    }
    if text.len() > MAX_SCRIPT_BYTES {
        return Err(ApiError::bad_request(
            "Script data is limited to 16 KB (16384 bytes)",
        ));
    }
    let (owner_type, owner_id) = if caller.is_admin {
        ("team", caller.team_id.clone())
    } else {
        ("user", caller.user_id.clone())
    };
    let taken = state
        .scripts
        .iter()
        .any(|s| s.owner_type == owner_type && s.owner_id == owner_id && s.name == name);
    if taken {
        return Err(ApiError::bad_request(format!(
            "A script named {name} already exists"
        )));
    }
    let machine = match machine_id {
        None => None,
        Some(id) => {
            let index = state.usable_machine(id, caller, now)?;
            let machine = &state.machines()[index];
            if machine.user_id != caller.user_id && !caller.is_admin {
                return Err(ApiError::new(
                    403,
                    format!(
                        "Only the machine owner or a team administrator can attach a script to machine {id}"
                    ),
                ));
            }
            Some(index)
        }
    };
    let script = Script {
        id: state.fresh_id("sc", 6),
        owner_type: owner_type.to_owned(),
        owner_id,
        team_id: caller.team_id.clone(),
        name: name.to_owned(),
        description: description.map(str::to_owned),
        created_ms: now,
        is_enabled,
        run_once,
        text: text.to_owned(),
    };
    if let Some(index) = machine {
        let link = script.link(now);
        state.edit_machine(index, now, |m| m.script = Some(link));
    }
    let body = render::to_json(&script.view());
    state.scripts.push(script);
    Ok(Reply::json(200, body))
}

/// `GET /scripts/getScripts`: the visible scripts in creation order, filtered.
pub fn list(state: &State, caller: &Caller, query: &Query) -> Reply {
    let filtered = query.filters(&FILTERS).next().is_some();
    let views: Vec<ScriptView> = state
        .scripts
        .iter()
        .filter(|s| s.visible_to(caller))
        .map(Script::view)
        .filter(|view| {
            !filtered || {
                let value = serde_json::to_value(view).unwrap_or(Value::Null);
                query::passes(&value, query, &FILTERS, |k| k)
            }
        })
        .collect();
    Reply::json(200, render::to_json(&views))
}

fn find<'s>(state: &'s State, caller: &Caller, query: &Query) -> Result<&'s Script, ApiError> {
    let id = query
        .get("scriptId")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request("Missing required parameter scriptId"))?;
    state
        .scripts
        .iter()
        .find(|s| s.id == id && s.visible_to(caller))
        .ok_or_else(ApiError::not_found)
}

/// `GET /scripts/getScript?scriptId=`: the script plus its machines and when it last ran on
/// each.
pub fn show(
    state: &mut State,
    caller: &Caller,
    query: &Query,
    now: i64,
) -> Result<Reply, ApiError> {
    state.purge(now);
    let script = find(state, caller, query)?;
    let machines = state
        .machines()
        .iter()
        .filter(|m| m.script.as_ref().is_some_and(|l| l.id == script.id))
        .map(|m| MachineRun {
            machine_id: m.id.clone(),
            dt_last_run: m.last_script_run(now).map(iso8601),
        })
        .collect();
    let body = ScriptWithMachines {
        script: script.view(),
        machines,
    };
    Ok(Reply::json(200, render::to_json(&body)))
}

/// `GET /scripts/getScriptText?scriptId=`: the text as a JSON string.
pub fn text(state: &State, caller: &Caller, query: &Query) -> Result<Reply, ApiError> {
    let script = find(state, caller, query)?;
    Ok(Reply::json(200, render::to_json(&script.text)))
}

/// `POST /scripts/:scriptId/destroy`: 204; the machines that used it no longer do.
pub fn destroy(state: &mut State, caller: &Caller, id: &str, now: i64) -> Result<Reply, ApiError> {
    let index = state
        .scripts
        .iter()
        .position(|s| s.id == id && s.visible_to(caller))
        .ok_or_else(ApiError::not_found)?;
    if !state.scripts[index].may_destroy(caller) {
        return Err(ApiError::new(
            403,
            "Only the script's owner or a team administrator can destroy a script",
        ));
    }
    state.scripts.remove(index);
    for p in 0..state.machines().len() {
        if state.machines()[p]
            .script
            .as_ref()
            .is_some_and(|l| l.id == id)
        {
            state.edit_machine(p, now, |m| m.script = None);
        }
    }
    Ok(Reply::no_content())
}

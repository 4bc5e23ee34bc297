//! Startup scripts: the parameters of create, list, show, text and destroy, and the script
//! objects.

use serde::{Deserialize, Serialize};

use super::{Filter, Params, Problems, present, rules};
use crate::error::{Error, Result};

/// Parameters of `scripts create`. Exactly one of `script_text` and `script_file` (a local
/// file the library reads and sends as the text) is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateScript {
    /// Unique among the owner's scripts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    /// At most 16 KB of text: bash on Linux machines, PowerShell on Windows ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_text: Option<String>,
    /// A local path; the file (at most 16 KB of UTF-8) is sent as `scriptText`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_description: Option<String>,
    /// Default true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    /// Default false: run at every boot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_once: Option<bool>,
    /// Attach the script to this machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
}

impl CreateScript {
    /// A script named `name` with the text `text`.
    pub fn from_text(name: &str, text: &str) -> CreateScript {
        CreateScript {
            script_name: Some(name.into()),
            script_text: Some(text.into()),
            ..CreateScript::default()
        }
    }

    /// The text of `script_file`, or why it cannot be sent.
    fn read_file(path: &str) -> std::result::Result<String, String> {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking open: a FIFO without a writer (or a device) must not block the call;
        // only a regular file is read.
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(|e| format!("cannot be read: {e}"))?;
        let is_file = file
            .metadata()
            .map_err(|e| format!("cannot be read: {e}"))?
            .is_file();
        if !is_file {
            return Err("must be a regular file".to_string());
        }
        let mut bytes = Vec::new();
        // One byte over the limit is enough to know it is too large.
        let limit = rules::MAX_SCRIPT_BYTES as u64 + 1;
        file.take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot be read: {e}"))?;
        if bytes.len() > rules::MAX_SCRIPT_BYTES {
            return Err(too_large());
        }
        String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())
    }
}

fn too_large() -> String {
    format!(
        "is larger than the API's limit of {} bytes",
        rules::MAX_SCRIPT_BYTES
    )
}

impl Params for CreateScript {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.require("scriptName", self.script_name.as_deref());
        match (&self.script_text, &self.script_file) {
            (None, None) => p.add("scriptText", "is required (or scriptFile)"),
            (Some(_), Some(_)) => p.add("scriptFile", "cannot be used with scriptText"),
            (Some(text), None) if text.len() > rules::MAX_SCRIPT_BYTES => {
                p.add("scriptText", too_large())
            }
            (Some(_), None) => {}
            (None, Some(path)) => {
                if let Err(why) = CreateScript::read_file(path) {
                    p.add("scriptFile", why);
                }
            }
        }
        if let Some(id) = &self.machine_id {
            p.require("machineId", Some(id));
        }
        p.finish()
    }

    /// The body carries the file's text as `scriptText` (the file is read again here, so a
    /// file changed since validation is checked again).
    fn body_json(&self) -> Result<String> {
        let mut sent = self.clone();
        if let Some(path) = sent.script_file.take() {
            let text = CreateScript::read_file(&path).map_err(|why| {
                let mut p = Problems::default();
                p.add("scriptFile", why);
                p.finish().unwrap_err()
            })?;
            sent.script_text = Some(text);
        }
        serde_json::to_string(&sent).map_err(|e| Error::internal(e.to_string()))
    }
}

/// Filters of `scripts list`: exact matches. `Some(None)` matches `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScriptFilter {
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Filter<String>,
    /// `user` or `team`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_type: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_id: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub dt_created: Filter<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_enabled: Filter<bool>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub run_once: Filter<bool>,
}

impl Params for ScriptFilter {
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// Parameters of `scripts show`, `text` and `destroy`: one script id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScriptRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_id: Option<String>,
}

impl ScriptRef {
    pub fn new(script_id: &str) -> ScriptRef {
        ScriptRef {
            script_id: Some(script_id.into()),
        }
    }
}

impl Params for ScriptRef {
    fn validate(&self) -> Result<()> {
        let mut p = Problems::default();
        p.path_segment("scriptId", self.script_id.as_deref());
        p.finish()
    }
}

/// A startup script (without its text: see `scripts text`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Script {
    pub id: String,
    /// `user` or `team`.
    pub owner_type: Option<String>,
    pub owner_id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub dt_created: Option<String>,
    pub is_enabled: Option<bool>,
    pub run_once: Option<bool>,
}

/// `scripts show`: the script and the machines that use it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScriptDetails {
    #[serde(flatten)]
    pub script: Script,
    #[serde(default)]
    pub machines: Vec<ScriptMachine>,
}

/// A machine that uses a script, and when the script last ran there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScriptMachine {
    pub machine_id: Option<String>,
    pub dt_last_run: Option<String>,
}

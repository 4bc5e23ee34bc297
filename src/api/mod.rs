//! The operations, one file per resource. Each has a typed form (`Client::list_templates`, ...)
//! and a JSON form ([`Client::call_json`]) that the C ABI uses: it reads the parameters from
//! JSON, validates them, and returns the server's own JSON text once its shape is checked, so
//! the answer is parsed once and never re-encoded.

mod cancel;
mod machines;
mod templates;
mod users;
mod wait;

pub use cancel::Cancel;

use serde::Deserialize;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::Params;

/// Every operation of the API, named as in the C ABI (`ps_<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    TemplatesList,
    MachinesCreate,
    MachinesAvailability,
    MachinesShow,
    MachinesList,
    MachinesWait,
    MachinesStart,
    MachinesStop,
    MachinesRestart,
    MachinesDestroy,
    UsersList,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 11] = [
        Operation::TemplatesList,
        Operation::MachinesCreate,
        Operation::MachinesAvailability,
        Operation::MachinesShow,
        Operation::MachinesList,
        Operation::MachinesWait,
        Operation::MachinesStart,
        Operation::MachinesStop,
        Operation::MachinesRestart,
        Operation::MachinesDestroy,
        Operation::UsersList,
    ];

    /// `templates_list`, `machines_create`, ... (the `operation` of error JSON).
    pub fn name(self) -> &'static str {
        match self {
            Operation::TemplatesList => "templates_list",
            Operation::MachinesCreate => "machines_create",
            Operation::MachinesAvailability => "machines_availability",
            Operation::MachinesShow => "machines_show",
            Operation::MachinesList => "machines_list",
            Operation::MachinesWait => "machines_wait",
            Operation::MachinesStart => "machines_start",
            Operation::MachinesStop => "machines_stop",
            Operation::MachinesRestart => "machines_restart",
            Operation::MachinesDestroy => "machines_destroy",
            Operation::UsersList => "users_list",
        }
    }
}

/// What the JSON form returns for the operations the API answers with 204 No Content.
pub const EMPTY_RESULT: &str = "{}";

impl Client {
    /// Runs `operation` with parameters given as JSON text (empty means `{}`) and returns the
    /// result as JSON text: the server's answer, or [`EMPTY_RESULT`] for start, stop, restart
    /// and destroy.
    pub fn call_json(&self, operation: Operation, params_json: &str) -> Result<String> {
        self.call_json_cancellable(operation, params_json, None)
    }

    /// [`Client::call_json`] with a [`Cancel`] that a wait observes.
    pub fn call_json_cancellable(
        &self,
        operation: Operation,
        params_json: &str,
        cancel: Option<&Cancel>,
    ) -> Result<String> {
        use Operation as O;
        match operation {
            O::TemplatesList => self.templates_json(&Params::from_json(params_json)?),
            O::MachinesCreate => self.create_json(&Params::from_json(params_json)?),
            O::MachinesAvailability => self.availability_json(&Params::from_json(params_json)?),
            O::MachinesShow => self.show_json(&Params::from_json(params_json)?),
            O::MachinesList => self.machines_json(&Params::from_json(params_json)?),
            O::MachinesWait => self.wait_json(&Params::from_json(params_json)?, cancel),
            O::MachinesStart => self.power_json("start", &Params::from_json(params_json)?),
            O::MachinesStop => self.power_json("stop", &Params::from_json(params_json)?),
            O::MachinesRestart => self.power_json("restart", &Params::from_json(params_json)?),
            O::MachinesDestroy => self.destroy_json(&Params::from_json(params_json)?),
            O::UsersList => self.users_json(&Params::from_json(params_json)?),
        }
    }
}

/// Decodes a 2xx body into `T`; a body of another shape is a `Decode` error.
pub(crate) fn decode<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| Error::decode(format!("unexpected response: {e}")))
}

/// Returns `body` unchanged once it decodes as `Shape` (a cheap, borrowing view of it).
pub(crate) fn checked<Shape>(body: String) -> Result<String>
where
    Shape: for<'a> Deserialize<'a>,
{
    decode::<Shape>(&body)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_abi_suffixes() {
        let names: Vec<&str> = Operation::ALL.iter().map(|o| o.name()).collect();
        assert_eq!(
            names,
            [
                "templates_list",
                "machines_create",
                "machines_availability",
                "machines_show",
                "machines_list",
                "machines_wait",
                "machines_start",
                "machines_stop",
                "machines_restart",
                "machines_destroy",
                "users_list",
            ]
        );
    }
}

//! The operations. `table.rs` declares every one of them once; each has a typed form
//! (`Client::list_templates`, ...) and a JSON form ([`Client::call_json`]) that the C ABI uses:
//! it reads the parameters from JSON, validates them, and returns the server's own JSON text
//! once its shape is checked, so the answer is parsed once and never re-encoded.

#[macro_use]
mod operation;
pub(crate) mod call;
mod cancel;
pub(crate) mod check;
mod machines;
mod request;
mod resources;
mod shape;
mod table;
mod wait;
mod wait_many;

pub use cancel::Cancel;
pub use operation::{Description, Method, ResultKind};
pub use shape::MAX_DEPTH;
pub(crate) use shape::{checked, decode};
pub use table::Operation;

use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::Params;
use call::Call;

/// What the JSON form returns for the operations the API answers with 204 No Content.
pub const EMPTY_RESULT: &str = "{}";

impl Operation {
    /// Whether a successful answer holds a secret the client cannot know beforehand (a
    /// delegation's token), so that errors must not quote the server's text.
    pub fn answer_holds_a_secret(self) -> bool {
        self == Operation::ResourceDelegationsCreate
    }

    /// The row of the table, as `ps_operations()` publishes it.
    pub fn describe(self) -> Description {
        Description {
            name: self.name(),
            method: self.method(),
            path: self.path(),
            safe_to_retry: self.safe_to_retry(),
            params: self.params(),
            result: self.result_kind(),
        }
    }
}

/// Every operation described, as the JSON array `ps_operations()` returns.
pub fn operations_json() -> String {
    let all: Vec<Description> = Operation::ALL.iter().map(|op| op.describe()).collect();
    serde_json::to_string(&all).unwrap_or_else(|_| "[]".into())
}

impl Client {
    /// Runs `operation` with parameters given as JSON text (empty means `{}`) and returns the
    /// result as JSON text: the server's answer, or [`EMPTY_RESULT`] for the operations the
    /// API answers with 204.
    pub fn call_json(&self, operation: Operation, params_json: &str) -> Result<String> {
        self.call_json_cancellable(operation, params_json, None)
    }

    /// [`Client::call_json`] observing a [`Cancel`]: it ends the call with `Cancelled` when
    /// triggered, and its deadline (if set) replaces the client's `timeoutMs`.
    pub fn call_json_cancellable(
        &self,
        operation: Operation,
        params_json: &str,
        cancel: Option<&Cancel>,
    ) -> Result<String> {
        let call = Call::new(self.timeout(), cancel);
        crate::transport::watching(cancel, || operation.run(self, params_json, &call))
            .map_err(|error| self.scrubbed_for(operation, error))
    }

    /// [`Client::scrubbed`], and for an operation whose answer holds a new secret, without the
    /// server's text at all.
    fn scrubbed_for(&self, operation: Operation, error: Error) -> Error {
        let error = self.scrubbed(error);
        if operation.answer_holds_a_secret() {
            error.without_server_text()
        } else {
            error
        }
    }

    /// The typed form of an operation that returns a value.
    pub(crate) fn typed<P: Params, R: DeserializeOwned>(
        &self,
        operation: Operation,
        params: &P,
    ) -> Result<R> {
        let call = Call::new(self.timeout(), None);
        let body = self
            .request(operation, params, &call)
            .map_err(|error| self.scrubbed_for(operation, error))?;
        decode(&body).map_err(|error| self.scrubbed_for(operation, error))
    }

    /// The typed form of an operation the API answers with 204.
    pub(crate) fn typed_empty<P: Params>(&self, operation: Operation, params: &P) -> Result<()> {
        let call = Call::new(self.timeout(), None);
        self.request(operation, params, &call)
            .map(drop)
            .map_err(|error| self.scrubbed(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
            assert!(seen.insert(op.name()), "{} twice", op.name());
        }
        assert_eq!(Operation::ALL.len(), 22);
        assert_eq!(Operation::from_name("machines_explode"), None);
    }

    #[test]
    fn path_keys_are_required_string_parameters() {
        for &op in Operation::ALL {
            let params = op.params();
            let mut rest = op.path();
            while let Some(start) = rest.find('{') {
                let end = rest[start..].find('}').unwrap() + start;
                let key = &rest[start + 1..end];
                let field = params.iter().find(|f| f.name == key);
                assert!(
                    field.is_some_and(|f| f.required && f.types == ["string"]),
                    "{}: {key}",
                    op.name()
                );
                rest = &rest[end..];
            }
        }
    }

    #[test]
    fn the_description_is_json_of_every_row() {
        let all: serde_json::Value = serde_json::from_str(&operations_json()).unwrap();
        let show = &all[3];
        assert_eq!(
            show,
            &serde_json::json!({
                "name": "machines_show", "method": "GET", "path": "/machines/getMachinePublic",
                "safeToRetry": true, "result": "object",
                "params": [{"name": "machineId", "types": ["string"], "required": true}],
            })
        );
        assert_eq!(all.as_array().unwrap().len(), Operation::ALL.len());
    }
}

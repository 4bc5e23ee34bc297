//! The default way to run a row of the table, the way the official client sends it: GET
//! parameters in the query string, POST parameters in a compact JSON body (path parameters
//! too), `{key}` in the path filled from the parameter `key`, percent-encoded.

use serde_json::Value;

use super::call::Call;
use super::{Method, Operation};
use crate::client::{Client, Idempotency, percent_encode_into};
use crate::error::{Error, Result};
use crate::model::{Params, query_pairs};

impl Client {
    /// Validates `params`, sends the request and returns the 2xx body text.
    pub(crate) fn request<P: Params>(
        &self,
        operation: Operation,
        params: &P,
        call: &Call<'_>,
    ) -> Result<String> {
        params.validate()?;
        let idempotency = if operation.safe_to_retry() {
            Idempotency::Safe
        } else {
            Idempotency::Unsafe
        };
        match operation.method() {
            Method::Get => {
                let pairs = query_pairs(params)?;
                let path = fill_path(operation.path(), |key| {
                    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
                })?;
                self.get(&path, &pairs, call)
            }
            Method::Post => {
                let body = params.body_json()?;
                let path = if operation.path().contains('{') {
                    let value: Value =
                        serde_json::from_str(&body).map_err(|e| Error::internal(e.to_string()))?;
                    fill_path(operation.path(), |key| {
                        value.get(key).and_then(Value::as_str).map(str::to_string)
                    })?
                } else {
                    operation.path().to_string()
                };
                self.post(&path, &body, idempotency, call)
            }
        }
    }
}

/// `template` with each `{key}` replaced by the percent-encoded value of `key`.
fn fill_path(template: &str, value_of: impl Fn(&str) -> Option<String>) -> Result<String> {
    let mut path = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|i| i + start)
            .ok_or_else(|| Error::internal("unclosed '{' in a path template"))?;
        path.push_str(&rest[..start]);
        let key = &rest[start + 1..end];
        let value = value_of(key)
            .ok_or_else(|| Error::internal(format!("no value for the path key {key}")))?;
        percent_encode_into(&mut path, &value);
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::fill_path;

    #[test]
    fn ids_stay_inside_their_path_segment() {
        let id = |v: &'static str| move |_: &str| Some(v.to_string());
        assert_eq!(
            fill_path("/machines/{machineId}/start", id("ps123abc")).unwrap(),
            "/machines/ps123abc/start"
        );
        assert_eq!(
            fill_path("/machines/{machineId}/stop", id("../users")).unwrap(),
            "/machines/..%2Fusers/stop"
        );
        assert_eq!(
            fill_path("/templates/getTemplates", id("x")).unwrap(),
            "/templates/getTemplates"
        );
    }
}

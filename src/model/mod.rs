//! Parameters and responses of every operation, with the validation the API documents.
//!
//! Parameters use the API's own camelCase JSON keys. Reading them from JSON rejects unknown keys
//! and wrong JSON types ([`Status::InvalidArgument`](crate::Status)); [`Params::validate`] then
//! checks every documented rule and reports all problems at once, per field
//! ([`Status::Validation`](crate::Status)).

pub mod delegation;
pub mod describe;
pub mod machine;
pub mod network;
pub mod rules;
pub mod script;
pub mod settings;
pub mod template;
pub mod user;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, FieldProblems, Result};

/// A parameter set of one operation.
pub trait Params: Serialize + for<'de> Deserialize<'de> {
    /// Checks every documented rule; `Err` lists each failing field.
    fn validate(&self) -> Result<()>;

    /// Reads parameters from JSON text; empty text means `{}`.
    fn from_json(text: &str) -> Result<Self> {
        read_object("params", text)
    }

    /// The JSON body of a POST: the parameters as they are, compact.
    fn body_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::internal(e.to_string()))
    }
}

/// Reads a JSON object (empty text means `{}`) into `T`; `what` names it in errors.
pub(crate) fn read_object<T: for<'de> Deserialize<'de>>(what: &str, text: &str) -> Result<T> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    // serde also reads a struct from a JSON array, positionally: `["ps1"]` would be
    // `{"machineId": "ps1"}`. Parameters and configs are objects only.
    if !text.trim_start().starts_with('{') {
        return Err(Error::invalid_argument(format!(
            "{what}: invalid type: expected a JSON object"
        )));
    }
    serde_json::from_str(text)
        .map_err(|e| Error::invalid_argument(format!("{what}: {}", plain(&e))))
}

/// A serde error in the words of JSON rather than Rust (`expected i64` -> `expected an integer`).
pub(crate) fn plain(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = text
        .replace("expected i64", "expected an integer")
        .replace("expected u16", "expected an integer");
    text.replace("invalid type: floating point", "invalid type: number")
}

/// Collects the problems of a parameter set so that all of them are reported at once.
#[derive(Default)]
pub(crate) struct Problems(FieldProblems);

impl Problems {
    pub(crate) fn add(&mut self, field: &str, why: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| json!(why.into()));
    }

    /// `field` must be present and not blank.
    pub(crate) fn require(&mut self, field: &str, value: Option<&str>) {
        match value {
            None => self.add(field, "is required"),
            Some(v) if v.trim().is_empty() => self.add(field, "must not be empty"),
            Some(_) => {}
        }
    }

    /// `field` must be present, not blank, and usable as one URL path segment: `.` and `..`
    /// would be resolved away by any server or proxy that normalises paths (RFC 3986 5.2.4).
    pub(crate) fn path_segment(&mut self, field: &str, value: Option<&str>) {
        self.require(field, value);
        if matches!(value, Some("." | "..")) {
            self.add(field, "must not be '.' or '..'");
        }
    }

    /// `field`, when present, must be one of `choices`.
    pub(crate) fn one_of(&mut self, field: &str, value: Option<&str>, choices: &[&str]) {
        if let Some(v) = value {
            if !choices.contains(&v) {
                self.add(field, format!("must be one of {}", rules::one_of(choices)));
            }
        }
    }

    /// `field`, when present, must look like an email address.
    pub(crate) fn email(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value {
            let plausible = v.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && domain.contains('.') && !v.contains(char::is_whitespace)
            });
            if !plausible {
                self.add(field, "must be an email address");
            }
        }
    }

    pub(crate) fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::validation(self.0))
        }
    }
}

/// A filter value: absent (`None`), `null` (`Some(None)`, matches JSON null) or a value.
pub type Filter<T> = Option<Option<T>>;

/// Deserializes a present key into `Some(..)`, so that `null` becomes `Some(None)`.
pub(crate) fn present<'de, T, D>(
    deserializer: D,
) -> std::result::Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A string that never shows in `Debug` output (API keys, passwords), nor in the error of a
/// JSON value of the wrong type given for it (serde would quote a number or a boolean).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Secret, E> {
                Ok(Secret(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(
                self,
                v: String,
            ) -> std::result::Result<Secret, E> {
                Ok(Secret(v))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> std::result::Result<Secret, E> {
                Err(not_a_string())
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> std::result::Result<Secret, E> {
                Err(not_a_string())
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> std::result::Result<Secret, E> {
                Err(not_a_string())
            }
            fn visit_i128<E: serde::de::Error>(self, _: i128) -> std::result::Result<Secret, E> {
                Err(not_a_string())
            }
            fn visit_u128<E: serde::de::Error>(self, _: u128) -> std::result::Result<Secret, E> {
                Err(not_a_string())
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> std::result::Result<Secret, E> {
                Err(not_a_string())
            }
        }
        fn not_a_string<E: serde::de::Error>() -> E {
            E::custom("invalid type: a secret must be a string (value not shown)")
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A numeric field the API sends as a string (`ram`, `storageTotal`): kept as the API sent it;
/// a plain number is accepted too and kept as its decimal text.
pub(crate) fn string_or_number<'de, D>(
    deserializer: D,
) -> std::result::Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "expected a string or number, got {other}"
            )));
        }
    })
}

/// The smallest shape every returned template, machine and user has: a string `id`.
/// Checking it allocates nothing and skips every other key.
#[derive(Deserialize)]
pub(crate) struct Identified {
    #[allow(dead_code)] // read by serde: a missing or non-string id fails the check
    id: AnyString,
}

/// Accepts any JSON string without keeping it.
pub(crate) struct AnyString;

impl<'de> Deserialize<'de> for AnyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = AnyString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> std::result::Result<AnyString, E> {
                Ok(AnyString)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Accepts any JSON object without keeping it.
pub(crate) struct AnyObject;

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = AnyObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<AnyObject, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(AnyObject)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The query-string pairs of a GET operation's parameters: strings as they are, numbers and
/// booleans as JSON text, `null` as the literal `null` (how the API matches null).
pub(crate) fn query_pairs(params: &impl Serialize) -> Result<Vec<(String, String)>> {
    let value = serde_json::to_value(params).map_err(|e| Error::internal(e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(Error::internal("parameters did not serialize to an object"));
    };
    Ok(map
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (key, text)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_keep_the_first_reason_per_field() {
        let mut p = Problems::default();
        p.require("region", None);
        p.require("machineName", Some("  "));
        p.one_of("billingType", Some("weekly"), &rules::BILLING_TYPES);
        p.email("email", Some("not-an-address"));
        p.add("region", "second reason is dropped");
        let err = p.finish().unwrap_err();
        assert_eq!(
            err.details(),
            &json!({
                "region": "is required",
                "machineName": "must not be empty",
                "billingType": "must be one of 'monthly', or 'hourly'",
                "email": "must be an email address",
            })
        );
    }

    #[test]
    fn type_errors_speak_json() {
        let err = machine::CreateMachine::from_json(r#"{"size": "50"}"#).unwrap_err();
        assert_eq!(
            err.message(),
            "params: invalid type: string \"50\", expected an integer at line 1 column 13"
        );
        let err = machine::CreateMachine::from_json(r#"{"size": 1e30}"#).unwrap_err();
        assert!(
            err.message().starts_with("params: invalid type: number"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn params_are_objects_never_arrays() {
        use machine::{CreateMachine, MachineRef};
        use template::TemplateFilter;
        for text in ["[]", r#"["ps1"]"#, "null", "1", r#""ps1""#, "true"] {
            let err = MachineRef::from_json(text).unwrap_err();
            assert_eq!(err.status(), crate::Status::InvalidArgument, "{text}");
            assert_eq!(
                TemplateFilter::from_json(text).unwrap_err().status(),
                crate::Status::InvalidArgument,
                "{text}"
            );
        }
        let positional = r#"["East Coast (NY2)", "C4", 50, "hourly", "m", "t1"]"#;
        assert!(CreateMachine::from_json(positional).is_err());
        assert_eq!(
            MachineRef::from_json(r#" {"machineId": "ps1"}"#)
                .unwrap()
                .machine_id
                .as_deref(),
            Some("ps1")
        );
        assert_eq!(MachineRef::from_json(" \n").unwrap(), MachineRef::default());
    }

    #[test]
    fn secrets_do_not_debug_print() {
        assert_eq!(format!("{:?}", Secret("hunter2".into())), "\"<redacted>\"");
    }

    #[test]
    fn secrets_of_the_wrong_type_are_not_quoted_in_errors() {
        assert_eq!(
            serde_json::from_str::<Secret>(r#""hunter2""#).unwrap(),
            Secret("hunter2".into())
        );
        for text in ["31337424242", "-31337424242", "31337424242.5", "true"] {
            let err = serde_json::from_str::<Secret>(text)
                .unwrap_err()
                .to_string();
            assert!(
                !err.contains("31337424242") && !err.contains("true"),
                "{err}"
            );
            assert!(err.contains("must be a string"), "{err}");
        }
    }
}

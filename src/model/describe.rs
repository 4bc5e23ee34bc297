//! The description of a parameter type (its JSON keys, the JSON types each accepts, which are
//! required), read from the type itself so that it can never disagree with it: the key names
//! from serde, the types by trying one value of each JSON type, the required keys from
//! validating `{}`.

use serde::Serialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::{Value, json};

use super::Params;

/// One parameter of an operation, as `ps_operations()` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: &'static str,
    /// The JSON types the parameter accepts: `string`, `integer`, `number`, `boolean`,
    /// `object`, `array`, `null`.
    pub types: Vec<&'static str>,
    pub required: bool,
}

/// Every parameter of `P`, in declaration order.
pub fn fields<P: Params>() -> Vec<Field> {
    let required = match P::from_json("{}").and_then(|p| p.validate()) {
        Err(error) => error.details().clone(),
        Ok(()) => Value::Null,
    };
    keys::<P>()
        .iter()
        .map(|&name| Field {
            name,
            types: accepted_types::<P>(name),
            required: required.get(name).and_then(Value::as_str) == Some("is required"),
        })
        .collect()
}

/// The JSON keys of a parameter struct, as serde names them.
pub fn keys<P: Params>() -> &'static [&'static str] {
    let mut recorder = KeyRecorder(&[]);
    let _ = P::deserialize(&mut recorder);
    recorder.0
}

fn accepted_types<P: Params>(key: &str) -> Vec<&'static str> {
    let samples = [
        ("string", json!("x")),
        ("integer", json!(1)),
        ("number", json!(1.5)),
        ("boolean", json!(true)),
        ("object", json!({})),
        ("array", json!([])),
        ("null", Value::Null),
    ];
    samples
        .into_iter()
        .filter(|(_, sample)| accepts::<P>(key, sample))
        .map(|(name, _)| name)
        // A float-accepting parameter also takes whole numbers: call it a number only.
        .filter(|&name| name != "integer" || !accepts::<P>(key, &json!(1.5)))
        .collect()
}

/// Whether `{key: sample}` reads, and validates as far as `key` goes (a `null` for a required
/// key reads as absent, and validation then says it is required).
fn accepts<P: Params>(key: &str, sample: &Value) -> bool {
    match P::from_json(&json!({ key: sample }).to_string()) {
        // A sample of the right type may still lack what the type needs inside (an object's
        // required members): only a type mismatch refuses the type.
        Err(error) => !error.message().contains("invalid type"),
        Ok(params) => match params.validate() {
            Err(error) => error.details().get(key).and_then(Value::as_str) != Some("is required"),
            Ok(()) => true,
        },
    }
}

/// A deserializer that only notes the field names serde asks a struct for.
struct KeyRecorder(&'static [&'static str]);

#[derive(Debug)]
struct Recorded;

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("recorded")
    }
}

impl std::error::Error for Recorded {}

impl de::Error for Recorded {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Recorded
    }
}

impl<'de> Deserializer<'de> for &mut KeyRecorder {
    type Error = Recorded;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Recorded> {
        self.0 = fields;
        Err(Recorded)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Recorded> {
        Err(Recorded)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::machine::{DestroyMachine, WaitParams};

    #[test]
    fn describes_names_types_and_required_keys() {
        assert_eq!(
            fields::<DestroyMachine>(),
            vec![
                Field {
                    name: "machineId",
                    types: vec!["string"],
                    required: true
                },
                Field {
                    name: "releasePublicIp",
                    types: vec!["boolean", "null"],
                    required: false
                },
            ]
        );
        let wait = fields::<WaitParams>();
        assert_eq!(wait[2].name, "intervalMs");
        assert_eq!(wait[1].types, vec!["string"]);
        assert_eq!(wait[2].types, vec!["integer", "null"]);
    }
}

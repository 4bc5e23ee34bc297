//! Query strings: decoding (`%XX` and `+` as a space, as the API's Node server decoded them)
//! and the exact-match filters of the list endpoints.

use serde_json::Value;

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: &str) -> Query {
        let pairs = raw
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        Query { pairs }
    }

    /// The value of `key` (the last one when it is repeated).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every decoded pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The pairs whose key is one of `keys` (repeated keys all apply, combined with AND).
    pub fn filters<'a>(&'a self, keys: &'a [&str]) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.pairs
            .iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Percent-decoding of one query component; `+` is a space, a malformed escape stays as it is.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// Whether a field's value matches a query value: strings as they are, numbers and booleans as
/// their JSON text, and `null` matches a null or absent field.
pub fn matches(field: Option<&Value>, wanted: &str) -> bool {
    match field {
        None | Some(Value::Null) => wanted == "null",
        Some(Value::String(s)) => s == wanted,
        Some(Value::Bool(b)) => wanted == if *b { "true" } else { "false" },
        Some(Value::Number(n)) => n.to_string() == wanted,
        Some(other) => serde_json::to_string(other).is_ok_and(|text| text == wanted),
    }
}

/// Whether a JSON object passes every filter of `query` among `keys`; `rename` maps a query
/// key to the field it filters (machines list filters `id` through `machineId`).
pub fn passes(object: &Value, query: &Query, keys: &[&str], rename: fn(&str) -> &str) -> bool {
    query
        .filters(keys)
        .all(|(key, wanted)| matches(object.get(rename(key)), wanted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_like_the_api() {
        let q = Query::parse("region=East%20Coast%20(NY2)&machineType=GPU%2B&x=a+b&bad=%zz&e=%");
        assert_eq!(q.get("region"), Some("East Coast (NY2)"));
        assert_eq!(q.get("machineType"), Some("GPU+"));
        assert_eq!(q.get("x"), Some("a b"));
        assert_eq!(q.get("bad"), Some("%zz"));
        assert_eq!(q.get("e"), Some("%"));
        assert_eq!(q.get("missing"), None);
        assert_eq!(Query::parse("a=1&a=2").get("a"), Some("2"));
        assert_eq!(decode("%E2%9C%93"), "\u{2713}");
    }

    #[test]
    fn matching() {
        assert!(matches(Some(&json!("x")), "x"));
        assert!(matches(Some(&json!(2)), "2"));
        assert!(matches(Some(&json!(false)), "false"));
        assert!(matches(Some(&Value::Null), "null"));
        assert!(matches(None, "null"));
        assert!(!matches(None, "x"));
        assert!(!matches(Some(&json!("x")), "null"));
    }
}

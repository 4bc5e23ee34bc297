//! Checking and decoding 2xx answers. A body nested deeper than [`MAX_DEPTH`] is refused
//! everywhere (no binding's decoder then meets a depth it cannot handle), and a decode error
//! names where in the body and what was expected, never the value found there (a server may
//! put the API key anywhere).

use serde::Deserialize;

use crate::error::{Error, Result};

/// The deepest nesting of arrays and objects an answer may have.
pub const MAX_DEPTH: usize = 128;

/// Decodes a 2xx body into `T`; a body of another shape is a `Decode` error.
pub(crate) fn decode<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T> {
    check_depth(body)?;
    serde_json::from_str(body).map_err(|e| decode_error(body, &e))
}

/// Returns `body` unchanged once it decodes as `Shape` (a cheap, borrowing view of it).
pub(crate) fn checked<Shape>(body: String) -> Result<String>
where
    Shape: for<'a> Deserialize<'a>,
{
    decode::<Shape>(&body)?;
    Ok(body)
}

fn check_depth(body: &str) -> Result<()> {
    let bytes = body.as_bytes();
    // A body with no more opening brackets than the limit cannot nest deeper than it, and
    // counting them is cheap (counted in chunks whose count fits a byte, a loop the compiler
    // vectorises: a tenth of the time of the scan below): most answers never need the scan.
    let openers: usize = bytes
        .chunks(255)
        .map(|chunk| {
            let in_chunk: u8 = chunk
                .iter()
                .map(|&b| u8::from((b == b'[') | (b == b'{')))
                .sum();
            usize::from(in_chunk)
        })
        .sum();
    if openers <= MAX_DEPTH {
        return Ok(());
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // Skip a string whole: to its closing quote, stepping over escapes (most of an
            // answer is strings, and this inner search is what the compiler vectorises).
            b'"' => {
                i += 1;
                loop {
                    match bytes[i..].iter().position(|&b| b == b'"' || b == b'\\') {
                        Some(at) if bytes[i + at] == b'\\' => i += at + 2,
                        Some(at) => {
                            i += at;
                            break;
                        }
                        None => return Ok(()), // an unclosed string: serde reports it
                    }
                    if i >= bytes.len() {
                        return Ok(());
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::decode(format!(
                        "unexpected response: nested deeper than {MAX_DEPTH} levels"
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// `unexpected response at $[3].id (line 1, column 42): invalid type: a number, expected a
/// string`: serde's words without the value it quotes, and the JSON path where it stopped.
fn decode_error(body: &str, error: &serde_json::Error) -> Error {
    let offset = offset_of(body, error.line(), error.column());
    Error::decode(format!(
        "unexpected response at {} (line {}, column {}): {}",
        path_at(body, offset),
        error.line(),
        error.column(),
        without_values(&error.to_string())
    ))
}

/// serde_json's message with the values it quotes left out: `invalid type: string "abc",
/// expected a string at line 1 column 9` becomes `invalid type: string, expected a string`.
fn without_values(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    };
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(kind) {
            let found = rest.split([' ', ',']).next().unwrap_or_default();
            let expected = rest
                .rfind(", expected ")
                .map(|at| &rest[at..])
                .unwrap_or_default();
            let found = match found {
                "floating" | "integer" => "number",
                "map" => "object",
                "sequence" => "array",
                "unit" => "null",
                other => other,
            };
            return format!("{kind}{found}{expected}");
        }
    }
    // Other messages (EOF, syntax, missing field `id`) quote no value of the body.
    match message.find('"') {
        Some(quote) => message[..quote].trim_end().to_string(),
        None => message.to_string(),
    }
}

/// The byte offset of serde's 1-based line and column (its column counts bytes).
fn offset_of(body: &str, line: usize, column: usize) -> usize {
    let line_start: usize = body
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(body.len())
}

/// The JSON path (`$`, `$.events[2].state`) of the value being read at `offset`.
fn path_at(body: &str, offset: usize) -> String {
    enum Step {
        Key(String),
        Index(usize),
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut text = String::new();
    let mut last_string = String::new();
    for &byte in &body.as_bytes()[..offset] {
        if in_string {
            match byte {
                _ if escaped => {
                    escaped = false;
                    text.push(byte as char);
                }
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    last_string = std::mem::take(&mut text);
                }
                _ => text.push(byte as char),
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' => steps.push(Step::Key(String::new())),
            b'[' => steps.push(Step::Index(0)),
            b'}' | b']' => {
                steps.pop();
            }
            b':' => {
                if let Some(Step::Key(key)) = steps.last_mut() {
                    *key = std::mem::take(&mut last_string);
                }
            }
            b',' => {
                if let Some(Step::Index(i)) = steps.last_mut() {
                    *i += 1;
                }
            }
            _ => {}
        }
    }
    let mut path = String::from("$");
    for step in steps {
        match step {
            Step::Key(key) if key.is_empty() => {}
            Step::Key(key) => {
                // Keys are ASCII-cleaned for the message (a byte-wise scan cannot split UTF-8).
                let key: String = key
                    .chars()
                    .filter(|c| c.is_ascii_graphic())
                    .take(64)
                    .collect();
                path.push('.');
                path.push_str(&key);
            }
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Identified;

    #[test]
    fn messages_name_the_path_and_never_the_value() {
        let body = r#"[{"id": "ps1"}, {"id": "ps2"}, {"id": 31337424242}]"#;
        let err = decode::<Vec<Identified>>(body).err().unwrap();
        assert_eq!(err.status(), crate::Status::Decode);
        assert_eq!(
            err.message(),
            "unexpected response at $[2].id (line 1, column 49): invalid type: number, expected a string"
        );
        let err = decode::<Identified>(r#""the-api-key""#).err().unwrap();
        assert!(!err.message().contains("the-api-key"), "{}", err.message());
        assert!(
            err.message().starts_with("unexpected response at $ "),
            "{}",
            err.message()
        );
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Available {
            available: bool,
        }
        let err = decode::<Available>("{\"available\":\n \"the-api-key\"}").unwrap_err();
        assert_eq!(
            err.message(),
            "unexpected response at $.available (line 2, column 14): invalid type: string, expected a boolean"
        );
    }

    #[test]
    fn nesting_is_limited_everywhere() {
        let deep = format!(
            r#"{{"id": "ps1", "x": {}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = decode::<Identified>(&deep).err().unwrap();
        assert_eq!(
            err.message(),
            "unexpected response: nested deeper than 128 levels"
        );
        let ok = format!(
            r#"{{"id": "ps1", "x": {}{}}}"#,
            "[".repeat(127),
            "]".repeat(127)
        );
        assert!(decode::<Identified>(&ok).is_ok());
        // The limit itself, with exactly as many brackets as it (the count alone decides) and
        // with one more, one level deeper (the scan decides).
        let at_limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(check_depth(&at_limit).is_ok());
        let over = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(check_depth(&over).is_err());
        let wide = format!("[{}]", "[],".repeat(10_000) + "[]");
        assert!(check_depth(&wide).is_ok(), "many brackets, depth 2");
        // Brackets inside strings do not count, escaped quotes included.
        let quoted = format!(
            r#"{{"id": "{}\"{}\\"}}"#,
            "[".repeat(1000),
            "{".repeat(1000)
        );
        assert!(decode::<Identified>(&quoted).is_ok(), "{quoted:.40}");
        let after = format!(
            r#"{{"id": "a\"[", "x": {}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(check_depth(&after).is_err());
    }
}

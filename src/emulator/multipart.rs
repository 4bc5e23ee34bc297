//! `multipart/form-data` bodies (RFC 7578), enough for the official Node client's script
//! upload: the boundary from the `Content-Type` header, then each part's
//! `Content-Disposition` name and filename and its bytes.

/// One part of the body.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// Set for a file part.
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// More parts than this is not a script upload.
const MAX_PARTS: usize = 64;

/// True when a `Content-Type` value is `multipart/form-data`.
pub fn is_multipart(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// The `boundary` parameter of a `Content-Type` value (quoted or not).
pub fn boundary(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty() && value.len() <= 70).then_some(value)
    })
}

/// The parts of a body; the error says what is wrong with it.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    // The first delimiter may follow a preamble; later ones follow a CRLF.
    let mut at = find(body, delimiter, 0).ok_or("no boundary line")? + delimiter.len();
    let next_delimiter = [b"\r\n", delimiter].concat();
    let mut parts = Vec::new();
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        if !rest.starts_with(b"\r\n") {
            return Err("a boundary line is not followed by CRLF".into());
        }
        if parts.len() == MAX_PARTS {
            return Err(format!("more than {MAX_PARTS} parts"));
        }
        let head_start = at + 2;
        let head_end = find(body, b"\r\n\r\n", head_start).ok_or("a part has no end of headers")?;
        let data_start = head_end + 4;
        let data_end = find(body, &next_delimiter, head_end + 2).ok_or("a part has no end")?;
        if data_end < data_start {
            return Err("a part has no end of headers".into());
        }
        let head = std::str::from_utf8(&body[head_start..head_end])
            .map_err(|_| "part headers are not UTF-8")?;
        let (name, filename) = disposition(head)?;
        parts.push(Part {
            name,
            filename,
            data: body[data_start..data_end].to_vec(),
        });
        at = data_end + next_delimiter.len();
    }
}

/// The `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(head: &str) -> Result<(String, Option<String>), String> {
    let value = head
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        })
        .ok_or("a part has no Content-Disposition header")?;
    let mut params = value.split(';');
    if !params
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("form-data"))
    {
        return Err("a part is not form-data".into());
    }
    let (mut name, mut filename) = (None, None);
    for param in params {
        let Some((key, raw)) = param.split_once('=') else {
            continue;
        };
        let raw = raw.trim();
        let unquoted = raw
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(raw)
            .to_owned();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(unquoted),
            "filename" => filename = Some(unquoted),
            _ => {}
        }
    }
    Ok((name.ok_or("a part has no name")?, filename))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_node_client_upload() {
        let ct = "multipart/form-data; boundary=--------------------------123";
        assert!(is_multipart(ct));
        assert!(!is_multipart("application/json"));
        let b = boundary(ct).unwrap();
        assert_eq!(b, "--------------------------123");
        let body = concat!(
            "----------------------------123\r\n",
            "Content-Disposition: form-data; name=\"file\"; filename=\"s.sh\"\r\n",
            "Content-Type: application/x-sh\r\n\r\n",
            "echo hi\r\n\r\n",
            "----------------------------123\r\n",
            "Content-Disposition: form-data; name=\"x\"\r\n\r\n",
            "1\r\n",
            "----------------------------123--\r\n",
        );
        let parts = parse(body.as_bytes(), b).unwrap();
        assert_eq!(
            parts,
            [
                Part {
                    name: "file".into(),
                    filename: Some("s.sh".into()),
                    data: b"echo hi\r\n".to_vec()
                },
                Part {
                    name: "x".into(),
                    filename: None,
                    data: b"1".to_vec()
                }
            ]
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\""),
            Some("a b")
        );
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn refuses_broken_bodies() {
        for bad in [
            "",
            "--b",
            "--bxx",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
            "--b\r\nX: y\r\n\r\n1\r\n--b--",
            "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--b--",
            "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--",
        ] {
            assert!(parse(bad.as_bytes(), "b").is_err(), "{bad:?}");
        }
        assert_eq!(parse(b"--b--", "b").unwrap(), []);
    }
}

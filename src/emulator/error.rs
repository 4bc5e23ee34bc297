//! The API's error answer: `{"error":{"name":"Error","status":N,"message":"..."}}` (the shape of
//! fixtures/404Response.json), and the replies the handlers build.

use serde::Serialize;

/// The message of the API's standard not-found answer.
pub const NOT_FOUND: &str = "Not found. Please contact support@paperspace.com for help.";

/// An error answer: HTTP status and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, message)
    }

    pub fn not_found() -> ApiError {
        ApiError::new(404, NOT_FOUND)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorInner<'a>,
}

#[derive(Serialize)]
struct ErrorInner<'a> {
    name: &'static str,
    status: u16,
    message: &'a str,
}

/// The error body for `status` and `message`.
pub fn error_body(status: u16, message: &str) -> String {
    super::render::to_json(&ErrorBody {
        error: ErrorInner {
            name: "Error",
            status,
            message,
        },
    })
}

/// The message of a fault's default body, per status.
pub fn standard_message(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Invalid API token",
        403 => "Forbidden",
        404 => NOT_FOUND,
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => reason(status),
    }
}

/// The reason phrase of a status line.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Emulated Status",
    }
}

/// A complete answer, before it is written to the connection.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: Some("application/json"),
            headers: Vec::new(),
            body: body.into_bytes(),
        }
    }

    /// 204 with an empty body: the answer of start, stop, restart and destroy.
    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            content_type: None,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Reply {
        Reply::json(e.status, error_body(e.status, &e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_body_is_the_fixture() {
        let fixture = r#"{"error":{"name":"Error","status":404,"message":"Not found. Please contact support@paperspace.com for help."}}"#;
        assert_eq!(error_body(404, NOT_FOUND), fixture);
    }
}

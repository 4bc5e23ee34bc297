//! One client connection, served by its own thread: HTTP/1.1 requests read with `httparse`
//! (keep-alive, pipelining, HTTP/1.0, `Expect: 100-continue`, `Content-Length` and chunked
//! bodies), handed to `handle`, and answered in request order, each answer in one write. The
//! `close` and `truncate` faults act on the socket directly.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use super::error::{ApiError, Reply, error_body, reason, standard_message};
use super::handle::{self, Incoming, Outcome, Shared};
use super::query::Query;
use super::routes;

/// Request bodies larger than this are refused (413): the API's bodies are tiny.
pub const BODY_LIMIT: usize = 1 << 20;
/// A request line plus headers larger than this is refused (431).
const HEAD_LIMIT: usize = 64 * 1024;
/// More headers than this in one request are refused (431).
const MAX_HEADERS: usize = 100;
/// How often a connection waiting for bytes checks whether the emulator is shutting down
/// (shutdown also ends every socket, so this is only a fallback).
const POLL: Duration = Duration::from_millis(250);
/// An answer the client does not read for this long ends the connection.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// After a final answer, how long unread request bytes are drained before the socket closes
/// (closing with unread bytes would reset the connection and could destroy the answer).
const LINGER: Duration = Duration::from_secs(2);

/// What a request's head says, copied out of the read buffer.
struct Head {
    method: String,
    /// The request target as sent (origin form; the path of an absolute URL).
    target: String,
    api_key: Option<String>,
    fault_header: Option<String>,
    content_type: Option<String>,
    framing: Framing,
    expect_continue: bool,
    /// The client asked to close after this answer (or is HTTP/1.0 without keep-alive).
    close_after: bool,
    /// HTTP/1.0 with `Connection: keep-alive`: the answer says it keeps the connection.
    keep_alive_10: bool,
}

#[derive(Clone, Copy)]
enum Framing {
    Empty,
    Length(usize),
    Chunked,
}

/// Why a request could not be read.
enum Refusal {
    /// The connection ended or failed (or the emulator is shutting down): nothing to answer.
    Gone,
    /// A protocol error: answer this status, then close.
    Status(u16),
}

impl From<io::Error> for Refusal {
    fn from(_: io::Error) -> Refusal {
        Refusal::Gone
    }
}

/// How long a connection may take over each part of a request before it is dropped, so that
/// idle or slow clients free their slot (see `server.rs`'s connection limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Between requests on a kept-alive connection (and before the first): the connection is
    /// closed without an answer.
    pub idle: Duration,
    /// From a request's first byte to the end of its headers: 408, then close.
    pub header: Duration,
    /// From the end of the headers to the end of the body: 408, then close.
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            idle: Duration::from_secs(60),
            header: Duration::from_secs(30),
            body: Duration::from_secs(30),
        }
    }
}

/// What running out of time means where the connection is waiting.
#[derive(Clone, Copy)]
enum Overdue {
    /// Idle between requests: close quietly.
    Idle,
    /// In the middle of a request: answer 408.
    Slow,
}

pub struct Connection<'a> {
    stream: TcpStream,
    /// Bytes received and not yet consumed (the start of the next request when pipelined).
    buf: Vec<u8>,
    shared: &'a Shared,
    /// When the current wait for bytes runs out, and what that means.
    deadline: (Instant, Overdue),
}

impl<'a> Connection<'a> {
    pub fn new(stream: TcpStream, shared: &'a Shared) -> Self {
        Connection {
            stream,
            buf: Vec::new(),
            shared,
            deadline: (Instant::now() + shared.timeouts.idle, Overdue::Idle),
        }
    }

    /// Serves requests until the client closes, asks to close, a fault closes, or shutdown.
    pub fn serve(mut self) {
        if self.configure().is_err() {
            return;
        }
        loop {
            let head = match self.read_head() {
                Ok(head) => head,
                Err(Refusal::Gone) => return,
                Err(Refusal::Status(status)) => return self.refuse(status),
            };
            let started = Instant::now();
            let (outcome, close_after) = match self.read_body(&head) {
                Ok(body) => (self.handle(&head, body), head.close_after),
                Err(Refusal::Gone) => return,
                // The unread rest of a too-large body ends the connection after the answer.
                Err(Refusal::Status(413)) => (
                    Outcome::Reply(ApiError::new(413, "The request body is too large").into()),
                    true,
                ),
                Err(Refusal::Status(status)) => return self.refuse(status),
            };
            let keep = self.write_outcome(&head, &outcome, close_after);
            if self.shared.logs() {
                let status = match &outcome {
                    Outcome::Reply(r) => r.status.to_string(),
                    Outcome::Close => "closed".to_owned(),
                    Outcome::Truncate(r) => format!("{} truncated", r.status),
                };
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                self.shared.log_line(format!(
                    "{} {} {status} {ms:.1}ms",
                    head.method, head.target
                ));
            }
            if !keep || self.shared.stopping() {
                return;
            }
        }
    }

    fn configure(&self) -> io::Result<()> {
        // Answers go out in one write each; no need to wait for more to fill a packet.
        self.stream.set_nodelay(true)?;
        self.stream.set_read_timeout(Some(POLL))?;
        self.stream.set_write_timeout(Some(WRITE_TIMEOUT))
    }

    /// Reads more bytes into the buffer; 0 means the client closed its side.
    fn fill(&mut self) -> Result<usize, Refusal> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e) if is_wait(&e) => {
                    if self.shared.stopping() {
                        return Err(Refusal::Gone);
                    }
                    if Instant::now() >= self.deadline.0 {
                        return Err(match self.deadline.1 {
                            Overdue::Idle => Refusal::Gone,
                            Overdue::Slow => Refusal::Status(408),
                        });
                    }
                }
                Err(_) => return Err(Refusal::Gone),
            }
        }
    }

    fn read_head(&mut self) -> Result<Head, Refusal> {
        let timeouts = self.shared.timeouts;
        // A pipelined request's first bytes may already be here.
        let mut begun = !self.buf.is_empty();
        self.deadline = if begun {
            (Instant::now() + timeouts.header, Overdue::Slow)
        } else {
            (Instant::now() + timeouts.idle, Overdue::Idle)
        };
        loop {
            if !begun && !self.buf.is_empty() {
                begun = true;
                self.deadline = (Instant::now() + timeouts.header, Overdue::Slow);
            }
            if !self.buf.is_empty() {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut request = httparse::Request::new(&mut headers);
                match request.parse(&self.buf) {
                    Ok(httparse::Status::Complete(length)) if length > HEAD_LIMIT => {
                        return Err(Refusal::Status(431));
                    }
                    Ok(httparse::Status::Complete(length)) => {
                        let head = Head::read(&request)?;
                        self.buf.drain(..length);
                        return Ok(head);
                    }
                    Ok(httparse::Status::Partial) if self.buf.len() > HEAD_LIMIT => {
                        return Err(Refusal::Status(431));
                    }
                    Ok(httparse::Status::Partial) => {}
                    Err(httparse::Error::TooManyHeaders) => return Err(Refusal::Status(431)),
                    Err(_) => return Err(Refusal::Status(400)),
                }
            }
            if self.fill()? == 0 {
                // Closed between requests, or in the middle of one: nothing to answer.
                return Err(Refusal::Gone);
            }
        }
    }

    fn read_body(&mut self, head: &Head) -> Result<Vec<u8>, Refusal> {
        self.deadline = (Instant::now() + self.shared.timeouts.body, Overdue::Slow);
        match head.framing {
            Framing::Empty => Ok(Vec::new()),
            Framing::Length(length) => {
                if length > BODY_LIMIT {
                    return Err(Refusal::Status(413));
                }
                if self.buf.len() < length && head.expect_continue {
                    self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
                }
                while self.buf.len() < length {
                    if self.fill()? == 0 {
                        return Err(Refusal::Gone);
                    }
                }
                Ok(self.buf.drain(..length).collect())
            }
            Framing::Chunked => {
                if self.buf.is_empty() && head.expect_continue {
                    self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
                }
                self.read_chunked()
            }
        }
    }

    /// A chunked body: chunks up to the last (size 0), then trailer lines (ignored) up to an
    /// empty line.
    fn read_chunked(&mut self) -> Result<Vec<u8>, Refusal> {
        let mut body = Vec::new();
        loop {
            let (consumed, size) = loop {
                match httparse::parse_chunk_size(&self.buf) {
                    Ok(httparse::Status::Complete(found)) => break found,
                    Ok(httparse::Status::Partial) if self.buf.len() > HEAD_LIMIT => {
                        return Err(Refusal::Status(400));
                    }
                    Ok(httparse::Status::Partial) => self.more()?,
                    Err(_) => return Err(Refusal::Status(400)),
                }
            };
            if size == 0 {
                self.buf.drain(..consumed);
                break;
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            if size > BODY_LIMIT - body.len() {
                return Err(Refusal::Status(413));
            }
            while self.buf.len() < consumed + size + 2 {
                self.more()?;
            }
            if &self.buf[consumed + size..consumed + size + 2] != b"\r\n" {
                return Err(Refusal::Status(400));
            }
            body.extend_from_slice(&self.buf[consumed..consumed + size]);
            self.buf.drain(..consumed + size + 2);
        }
        // Trailer section: header lines, ignored, then CRLF.
        let mut trailers = 0;
        loop {
            match self.buf.windows(2).position(|w| w == b"\r\n") {
                Some(0) => {
                    self.buf.drain(..2);
                    return Ok(body);
                }
                Some(end) => {
                    trailers += end + 2;
                    self.buf.drain(..end + 2);
                }
                None => self.more()?,
            }
            if trailers > HEAD_LIMIT || self.buf.len() > HEAD_LIMIT {
                return Err(Refusal::Status(431));
            }
        }
    }

    /// Like `fill`, where the end of the connection is premature.
    fn more(&mut self) -> Result<(), Refusal> {
        match self.fill()? {
            0 => Err(Refusal::Gone),
            _ => Ok(()),
        }
    }

    fn handle(&self, head: &Head, body: Vec<u8>) -> Outcome {
        let (path, raw_query) = head
            .target
            .split_once('?')
            .unwrap_or((head.target.as_str(), ""));
        let request = Incoming {
            method: head.method.clone(),
            path: path.to_owned(),
            query: Query::parse(raw_query),
            api_key: head.api_key.clone(),
            fault_header: head.fault_header.clone(),
            content_type: head.content_type.clone(),
            body,
        };
        handle::handle(self.shared, &request, &routes::route(&head.method, path))
    }

    /// Writes an outcome; returns whether the connection stays open for the next request.
    fn write_outcome(&mut self, head: &Head, outcome: &Outcome, close_after: bool) -> bool {
        match outcome {
            Outcome::Reply(reply) => {
                let keep_alive = head.keep_alive_10 && !close_after;
                let mut bytes = head_bytes(reply, reply.body.len(), close_after, keep_alive);
                if head.method != "HEAD" && reply.status != 204 {
                    bytes.extend_from_slice(&reply.body);
                }
                // One write per answer: no small-packet delays.
                if self.stream.write_all(&bytes).is_err() {
                    return false;
                }
                if close_after {
                    self.linger();
                    return false;
                }
                true
            }
            Outcome::Close => {
                // Not a byte: the client sees its connection end.
                let _ = self.stream.shutdown(Shutdown::Both);
                false
            }
            Outcome::Truncate(reply) => {
                let mut bytes = head_bytes(reply, reply.body.len(), false, false);
                bytes.extend_from_slice(&reply.body[..reply.body.len() / 2]);
                let _ = self.stream.write_all(&bytes);
                let _ = self.stream.shutdown(Shutdown::Both);
                false
            }
        }
    }

    /// Answers a request the HTTP layer could not read (400, 413, 431), then closes.
    fn refuse(mut self, status: u16) {
        let reply = Reply::json(status, error_body(status, standard_message(status)));
        let bytes = head_bytes(&reply, reply.body.len(), true, false);
        let mut out = bytes;
        out.extend_from_slice(&reply.body);
        if self.stream.write_all(&out).is_ok() {
            self.linger();
        }
    }

    /// Ends the connection after a final answer: sends the end of stream, then drains what
    /// the client still sends for a moment so that closing does not reset the connection.
    fn linger(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let deadline = Instant::now() + LINGER;
        let mut sink = [0u8; 16 * 1024];
        while Instant::now() < deadline && !self.shared.stopping() {
            match self.stream.read(&mut sink) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if is_wait(&e) => {}
                Err(_) => return,
            }
        }
    }
}

impl Head {
    fn read(request: &httparse::Request<'_, '_>) -> Result<Head, Refusal> {
        let method = request.method.unwrap_or_default().to_owned();
        let target = origin_form(request.path.unwrap_or("/"));
        let http10 = request.version == Some(0);
        let mut head = Head {
            method,
            target,
            api_key: None,
            fault_header: None,
            content_type: None,
            framing: Framing::Empty,
            expect_continue: false,
            close_after: false,
            keep_alive_10: false,
        };
        let (mut close, mut keep_alive) = (false, false);
        let mut length: Option<usize> = None;
        let mut chunked = false;
        for header in request.headers.iter() {
            let name = header.name;
            let value = String::from_utf8_lossy(header.value);
            if name.eq_ignore_ascii_case("x-api-key") {
                head.api_key = Some(value.into_owned());
            } else if name.eq_ignore_ascii_case("x-emulator-fault") {
                head.fault_header = Some(value.into_owned());
            } else if name.eq_ignore_ascii_case("content-type") {
                head.content_type = Some(value.into_owned());
            } else if name.eq_ignore_ascii_case("connection") {
                for token in value.split(',').map(str::trim) {
                    close |= token.eq_ignore_ascii_case("close");
                    keep_alive |= token.eq_ignore_ascii_case("keep-alive");
                }
            } else if name.eq_ignore_ascii_case("expect") {
                // HTTP/1.0 has no interim answers.
                head.expect_continue = !http10 && value.trim().eq_ignore_ascii_case("100-continue");
            } else if name.eq_ignore_ascii_case("content-length") {
                let value = value.trim();
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Refusal::Status(400));
                }
                // All digits: too large for usize is simply too large.
                let parsed = value.parse::<usize>().unwrap_or(usize::MAX);
                if length.is_some_and(|l| l != parsed) {
                    return Err(Refusal::Status(400));
                }
                length = Some(parsed);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                // Only plain chunked framing; a compressed body is not something to decode.
                if chunked || !value.trim().eq_ignore_ascii_case("chunked") {
                    return Err(Refusal::Status(400));
                }
                chunked = true;
            }
        }
        head.framing = match (chunked, length) {
            (true, Some(_)) => return Err(Refusal::Status(400)),
            (true, None) => Framing::Chunked,
            (false, Some(0) | None) => Framing::Empty,
            (false, Some(n)) => Framing::Length(n),
        };
        head.close_after = close || (http10 && !keep_alive);
        head.keep_alive_10 = http10 && keep_alive && !close;
        Ok(head)
    }
}

/// `http://host:port/path?q` -> `/path?q`; an origin-form target stays as it is.
fn origin_form(target: &str) -> String {
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    let Some(after_scheme) = ["http://", "https://"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map(|scheme| &target[scheme.len()..])
    else {
        return target.to_owned();
    };
    match after_scheme.find(['/', '?']) {
        Some(i) if after_scheme[i..].starts_with('/') => after_scheme[i..].to_owned(),
        Some(i) => format!("/{}", &after_scheme[i..]),
        None => "/".to_owned(),
    }
}

fn is_wait(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Status line and headers of a reply; `length` is the announced body length.
fn head_bytes(reply: &Reply, length: usize, close: bool, keep_alive: bool) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    if reply.status != 204 {
        if let Some(ct) = reply.content_type {
            out.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        out.push_str(&format!("Content-Length: {length}\r\n"));
    }
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if close {
        out.push_str("Connection: close\r\n");
    } else if keep_alive {
        out.push_str("Connection: keep-alive\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.reserve(reply.body.len());
    bytes
}

#[cfg(test)]
mod tests {
    use super::origin_form;

    #[test]
    fn absolute_targets_become_paths() {
        assert_eq!(origin_form("/a?b"), "/a?b");
        assert_eq!(origin_form("http://h:1/a/b?c"), "/a/b?c");
        assert_eq!(origin_form("HTTPS://h"), "/");
        assert_eq!(origin_form("http://h?x"), "/?x");
        assert_eq!(origin_form("*"), "*");
    }
}

//! The workers: each takes requests from tiny_http, answers them through `handle`, and writes
//! the answer straight to the client socket (see `front.rs` for why), in request order.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::Instant;

use tiny_http::{Request, Response, Server};

use super::error::{ApiError, Reply, reason};
use super::front::{Links, PROBE_PATH};
use super::handle::{self, Incoming, Outcome, Shared};
use super::query::Query;
use super::routes;

/// Request bodies larger than this are refused (413): the API's bodies are tiny.
const BODY_LIMIT: u64 = 1 << 20;

/// Receives one line per request (method, path and query, status, duration).
pub type Logger = Box<dyn Fn(&str) + Send + Sync>;

pub struct Worker {
    pub server: Arc<Server>,
    pub shared: Arc<Shared>,
    pub links: Arc<Links>,
    pub logger: Option<Arc<Logger>>,
}

impl Worker {
    pub fn run(self) {
        loop {
            match self.server.recv() {
                Ok(request) => self.serve(request),
                // `unblock` at shutdown; anything else is tiny_http's accept loop failing.
                Err(_) if self.shared.stopping() => return,
                Err(_) => {}
            }
        }
    }

    fn serve(&self, mut request: Request) {
        if request.url() == PROBE_PATH {
            // The front checking a new connection: answered through tiny_http, not counted.
            let _ = request.respond(Response::empty(204));
            return;
        }
        let started = Instant::now();
        let method = request.method().as_str().to_owned();
        let url = request.url().to_owned();
        let (path, raw_query) = url.split_once('?').unwrap_or((url.as_str(), ""));
        let header = |name: &'static str| {
            request
                .headers()
                .iter()
                .find(|h| h.field.equiv(name))
                .map(|h| h.value.as_str().to_owned())
        };
        let api_key = header("x-api-key");
        let fault_header = header("x-emulator-fault");
        let connection = header("connection")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let http10 = request.http_version().0 == 1 && request.http_version().1 == 0;
        let close_after =
            connection.contains("close") || (http10 && !connection.contains("keep-alive"));
        let peer = request.remote_addr().copied();

        let mut body = Vec::new();
        let read = request
            .as_reader()
            .take(BODY_LIMIT + 1)
            .read_to_end(&mut body);
        let outcome = if read.is_err() {
            Outcome::Close
        } else if body.len() as u64 > BODY_LIMIT {
            Outcome::Reply(ApiError::new(413, "The request body is too large").into())
        } else {
            let req = Incoming {
                method: method.clone(),
                path: path.to_owned(),
                query: Query::parse(raw_query),
                api_key,
                fault_header,
                body,
            };
            handle::handle(&self.shared, &req, &routes::route(&method, path))
        };

        // tiny_http hands out one writer per request and lets it write only after the answers
        // to earlier requests on the same connection: waiting on it keeps answers in order.
        let mut turn = request.into_writer();
        let _ = turn.write(&[]);
        let client = peer.and_then(|p| self.links.client(&p));
        if let Some(client) = &client {
            write_outcome(client, &outcome, method == "HEAD", close_after);
        }
        drop(turn);

        if let Some(log) = &self.logger {
            let status = match &outcome {
                Outcome::Reply(r) => r.status.to_string(),
                Outcome::Close => "closed".to_owned(),
                Outcome::Truncate(r) => format!("{} truncated", r.status),
            };
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            log(&format!("{method} {url} {status} {ms:.1}ms"));
        }
    }
}

/// Status line and headers of a reply; `length` is the announced body length.
fn head(reply: &Reply, length: usize, close: bool) -> Vec<u8> {
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
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn write_outcome(client: &TcpStream, outcome: &Outcome, is_head: bool, close_after: bool) {
    let mut stream = client;
    match outcome {
        Outcome::Reply(reply) => {
            let mut bytes = head(reply, reply.body.len(), close_after);
            if !is_head && reply.status != 204 {
                bytes.extend_from_slice(&reply.body);
            }
            // One write per answer: no small-packet delays, and no interleaving.
            let sent = stream.write_all(&bytes);
            if close_after || sent.is_err() {
                let _ = client.shutdown(Shutdown::Both);
            }
        }
        Outcome::Close => {
            let _ = client.shutdown(Shutdown::Both);
        }
        Outcome::Truncate(reply) => {
            let mut bytes = head(reply, reply.body.len(), false);
            bytes.extend_from_slice(&reply.body[..reply.body.len() / 2]);
            let _ = stream.write_all(&bytes);
            let _ = client.shutdown(Shutdown::Both);
        }
    }
}

//! The TCP side of the emulator: one thread accepts connections and gives each its own thread
//! (see `http.rs`), up to [`MAX_CONNECTIONS`] at once. Shutdown wakes the accept loop with a
//! connection of its own, ends every open socket, and waits for the connection threads.

use std::collections::HashMap;
use std::io::Write;
use std::net::{Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::error::{Reply, error_body};
use super::handle::Shared;
use super::http::Connection;

/// Open connections above this are refused with a 503 (and a log line).
pub const MAX_CONNECTIONS: usize = 256;
/// How long shutdown waits for the connection threads to end.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// The open connections, each by an id, with a handle on its socket to end it at shutdown.
#[derive(Default)]
struct Open {
    sockets: HashMap<u64, TcpStream>,
    next_id: u64,
    /// Set at shutdown: no connection is admitted after it.
    closed: bool,
}

#[derive(Default)]
struct Registry {
    open: Mutex<Open>,
    /// Notified whenever a connection ends.
    ended: Condvar,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a new connection in, unless the limit is reached or shutdown began.
    fn admit(&self, stream: &TcpStream) -> Result<u64, Admission> {
        let mut open = self.lock();
        if open.closed {
            return Err(Admission::Closed);
        }
        if open.sockets.len() >= MAX_CONNECTIONS {
            return Err(Admission::Full);
        }
        let handle = stream.try_clone().map_err(|_| Admission::Closed)?;
        let id = open.next_id;
        open.next_id += 1;
        open.sockets.insert(id, handle);
        Ok(id)
    }

    fn leave(&self, id: u64) {
        self.lock().sockets.remove(&id);
        self.ended.notify_all();
    }

    /// Ends every open connection and waits (a bounded time) for their threads to finish.
    fn close_all(&self) {
        let mut open = self.lock();
        open.closed = true;
        for socket in open.sockets.values() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        let _ = self
            .ended
            .wait_timeout_while(open, SHUTDOWN_WAIT, |open| !open.sockets.is_empty());
    }
}

enum Admission {
    Full,
    Closed,
}

/// Removes its connection from the registry when the connection's thread ends, even by a
/// panic.
struct Leave {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Leave {
    fn drop(&mut self) {
        self.registry.leave(self.id);
    }
}

pub struct Server {
    address: SocketAddr,
    registry: Arc<Registry>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Listens on `listen` and serves every connection with `shared`.
    pub fn start(listen: &str, shared: Arc<Shared>) -> std::io::Result<Server> {
        let listener = TcpListener::bind(listen)?;
        let address = listener.local_addr()?;
        let registry = Arc::new(Registry::default());
        let acceptor = {
            let registry = Arc::clone(&registry);
            thread::Builder::new()
                .name("emulator-accept".into())
                .spawn(move || accept_loop(&listener, &shared, &registry))?
        };
        Ok(Server {
            address,
            registry,
            acceptor: Some(acceptor),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting, ends every open connection and waits for their threads. The caller
    /// has already told `Shared` to stop.
    pub fn stop(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            // Wake the blocked accept() with a connection of our own. Should that fail, the
            // accept thread ends at its next connection; the registry admits no more.
            let mut wake = self.address;
            if wake.ip().is_unspecified() {
                wake.set_ip(if wake.is_ipv4() {
                    [127, 0, 0, 1].into()
                } else {
                    Ipv6Addr::LOCALHOST.into()
                });
            }
            if TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok() {
                let _ = acceptor.join();
            }
        }
        self.registry.close_all();
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, registry: &Arc<Registry>) {
    loop {
        let accepted = listener.accept();
        if shared.stopping() {
            return;
        }
        let Ok((stream, peer)) = accepted else {
            // Out of file descriptors or similar: back off instead of spinning.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let id = match registry.admit(&stream) {
            Ok(id) => id,
            Err(Admission::Closed) => continue,
            Err(Admission::Full) => {
                shared.log_line(format!(
                    "refused a connection from {peer}: {MAX_CONNECTIONS} connections are open, the limit"
                ));
                refuse(stream);
                continue;
            }
        };
        let leave = Leave {
            registry: Arc::clone(registry),
            id,
        };
        let shared = Arc::clone(shared);
        // On failure the closure (socket and registry entry) is dropped: the client sees its
        // connection closed. A finished connection's thread needs no join.
        let _ = thread::Builder::new()
            .name("emulator-conn".into())
            .spawn(move || {
                let _leave = leave;
                Connection::new(stream, &shared).serve();
            });
    }
}

/// Answers a connection over the limit with a 503 and closes it, without reading it.
fn refuse(mut stream: TcpStream) {
    let message = format!("Too many open connections (the emulator serves {MAX_CONNECTIONS})");
    let reply = Reply::json(503, error_body(503, &message));
    let text = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
        reply.body.len()
    );
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&reply.body);
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = stream.write_all(&bytes);
    let _ = stream.shutdown(Shutdown::Write);
}

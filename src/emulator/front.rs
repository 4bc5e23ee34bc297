//! The TCP front of the emulator. tiny_http owns the sockets it accepts and offers no way to
//! close one, yet the `close` and `truncate` faults must end a connection at a chosen byte. So
//! the emulator accepts client connections itself and relays each one to tiny_http over
//! loopback: requests flow client -> tiny_http through a relay thread, and answers are written
//! by the workers straight to the client socket, found here by the address tiny_http reports as
//! the request's peer (the relay's end of the inner connection).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Relay threads copy small buffers only; a small stack keeps many connections cheap.
const RELAY_STACK: usize = 64 * 1024;

/// One client connection: the socket to the client and the inner one to tiny_http.
struct Link {
    client: Arc<TcpStream>,
    inner: Arc<TcpStream>,
}

/// The client sockets, by the inner connection's local address (tiny_http's peer address).
#[derive(Default)]
pub struct Links {
    map: Mutex<HashMap<SocketAddr, Link>>,
}

impl Links {
    /// The client socket behind a request whose peer address tiny_http reports.
    pub fn client(&self, peer: &SocketAddr) -> Option<Arc<TcpStream>> {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(peer).map(|l| Arc::clone(&l.client))
    }

    fn insert(&self, key: SocketAddr, link: Link) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.insert(key, link);
    }

    fn remove(&self, key: &SocketAddr) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(key);
    }

    /// Ends every connection (used at shutdown): relay threads then finish by themselves.
    fn close_all(&self) {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        for link in map.values() {
            let _ = link.client.shutdown(Shutdown::Both);
            let _ = link.inner.shutdown(Shutdown::Both);
        }
    }
}

pub struct Front {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    links: Arc<Links>,
    acceptor: Option<JoinHandle<()>>,
}

impl Front {
    /// Listens on `listen` and relays every connection to tiny_http at `inner`.
    pub fn start(listen: &str, inner: SocketAddr) -> io::Result<Front> {
        let listener = TcpListener::bind(listen)?;
        let address = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let links = Arc::new(Links::default());
        let acceptor = {
            let (stopping, links) = (Arc::clone(&stopping), Arc::clone(&links));
            thread::Builder::new()
                .name("emulator-accept".into())
                .spawn(move || accept_loop(&listener, inner, &stopping, &links))?
        };
        Ok(Front {
            address,
            stopping,
            links,
            acceptor: Some(acceptor),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn links(&self) -> Arc<Links> {
        Arc::clone(&self.links)
    }

    /// Stops accepting and ends every open connection.
    pub fn stop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocked accept() with a connection of our own.
        let mut wake = self.address;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                [127, 0, 0, 1].into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        self.links.close_all();
    }
}

fn accept_loop(
    listener: &TcpListener,
    inner: SocketAddr,
    stopping: &AtomicBool,
    links: &Arc<Links>,
) {
    loop {
        let accepted = listener.accept();
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok((client, _)) = accepted else {
            // Out of file descriptors or similar: back off instead of spinning.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        // On failure the client socket is dropped: the client sees its connection closed.
        let _ = relay(client, inner, links);
    }
}

/// The request that checks a new inner connection is served (see [`probe`]).
pub const PROBE_PATH: &str = "/__emulator/probe";

/// Waits until tiny_http serves a new inner connection, by sending one request on it and
/// reading the answer. tiny_http 0.12 hands each connection to a thread pool whose `spawn` can
/// queue a connection behind busy threads when two connections arrive together (a thread
/// counted as idle is already taken); such a connection is never read. Opening the next
/// connection only once the previous one is served rules that out.
fn probe(upstream: &TcpStream) -> io::Result<()> {
    let mut stream = upstream;
    stream.write_all(format!("GET {PROBE_PATH} HTTP/1.1\r\nHost: emulator\r\n\r\n").as_bytes())?;
    upstream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 || head.len() > 4096 {
            return Err(io::Error::other("tiny_http did not answer the probe"));
        }
        head.push(byte[0]);
    }
    upstream.set_read_timeout(None)
}

/// Connects the client to tiny_http and starts the relay threads of one connection.
fn relay(client: TcpStream, inner: SocketAddr, links: &Arc<Links>) -> io::Result<()> {
    let upstream = TcpStream::connect(inner)?;
    client.set_nodelay(true)?;
    upstream.set_nodelay(true)?;
    probe(&upstream)?;
    let key = upstream.local_addr()?;
    let (client, upstream) = (Arc::new(client), Arc::new(upstream));
    links.insert(
        key,
        Link {
            client: Arc::clone(&client),
            inner: Arc::clone(&upstream),
        },
    );
    // Requests: client -> tiny_http. When the client stops sending, tiny_http sees the end too.
    {
        let (client, upstream) = (Arc::clone(&client), Arc::clone(&upstream));
        thread::Builder::new()
            .name("emulator-relay-in".into())
            .stack_size(RELAY_STACK)
            .spawn(move || {
                let _ = copy(&client, &upstream);
                let _ = upstream.shutdown(Shutdown::Write);
            })?;
    }
    // What tiny_http itself writes (only its own protocol errors and `100 Continue`) goes back
    // to the client; when tiny_http ends the connection, the client's connection ends too.
    let links = Arc::clone(links);
    thread::Builder::new()
        .name("emulator-relay-out".into())
        .stack_size(RELAY_STACK)
        .spawn(move || {
            let _ = copy(&upstream, &client);
            links.remove(&key);
            let _ = client.shutdown(Shutdown::Both);
            let _ = upstream.shutdown(Shutdown::Both);
        })?;
    Ok(())
}

fn copy(from: &TcpStream, to: &TcpStream) -> io::Result<()> {
    let mut buf = [0u8; 8192];
    let (mut from, mut to) = (from, to);
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n])?;
    }
}

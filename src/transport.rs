//! The pieces under ureq that make calls fast and cancellable: a resolver that skips the lookup
//! of IP literals, and a connector whose connections send a request in one write and stop
//! waiting for an answer once the calling thread's [`Cancel`] token is triggered.

use std::cell::RefCell;
use std::io;
use std::time::Duration;

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

use crate::api::Cancel;

/// How often a read waiting for the server looks at the cancel token.
const CANCEL_CHECK: Duration = Duration::from_millis(20);

/// Writes are held back (and sent together) up to this many bytes, or until the answer is
/// awaited.
const COALESCE_LIMIT: usize = 64 * 1024;

thread_local! {
    /// The token of the call running on this thread (ureq does its I/O on the caller's thread).
    static WATCHED: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// Runs `body` with `cancel` watched by every connection this thread reads from.
pub(crate) fn watching<T>(cancel: Option<&Cancel>, body: impl FnOnce() -> T) -> T {
    match cancel {
        Some(cancel) => crate::scoped::scoped(&WATCHED, cancel.clone(), body),
        None => body(),
    }
}

fn watched_is_cancelled() -> Option<bool> {
    WATCHED.with(|w| w.borrow().as_ref().map(Cancel::is_cancelled))
}

/// ureq's default connector, with connections that honour the watched token.
#[derive(Debug, Default)]
pub(crate) struct CancellableConnector(DefaultConnector);

impl Connector<()> for CancellableConnector {
    type Out = CancellableTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(self
            .0
            .connect(details, chained)?
            .map(|inner| CancellableTransport {
                inner,
                unsent: Vec::new(),
                answered: false,
            }))
    }
}

/// A connection that honours the watched token, and sends a request in one write: ureq writes
/// the head of a request and its body separately, and with `TCP_NODELAY` each write is a
/// packet of its own, which wakes the server once for the head alone (measured on loopback: two
/// thread switches per POST instead of one). The writes are kept until the answer is awaited
/// (or [`COALESCE_LIMIT`] bytes are waiting), then sent together, as `net/http` and curl do.
///
/// ureq's pool probes a connection twice per request, when it takes it back and when it hands
/// it out again, and each probe is three system calls (a non-blocking read between two mode
/// changes). The first is skipped: whatever the second would find (the server closed the
/// connection, or sent bytes nobody asked for) it still finds before the connection is used.
#[derive(Debug)]
pub(crate) struct CancellableTransport {
    inner: Box<dyn Transport>,
    unsent: Vec<u8>,
    /// An answer was read since the last probe: the next probe is the pool taking the
    /// connection back, right after it.
    answered: bool,
}

impl CancellableTransport {
    fn send_unsent(&mut self, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let mut sent = 0;
        while sent < self.unsent.len() {
            let output = self.inner.buffers().output();
            let n = output.len().min(self.unsent.len() - sent);
            output[..n].copy_from_slice(&self.unsent[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
        }
        self.unsent.clear();
        Ok(())
    }
}

impl Transport for CancellableTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let output = &self.inner.buffers().output()[..amount];
        self.unsent.extend_from_slice(output);
        if self.unsent.len() >= COALESCE_LIMIT {
            self.send_unsent(timeout)?;
        }
        Ok(())
    }

    /// Waits in short slices while a token is watched, so a cancelled call stops waiting for
    /// a stalled server. The connection is then dropped, never pooled half-read.
    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if !self.unsent.is_empty() {
            self.send_unsent(timeout)?;
        }
        self.answered = true;
        let Some(mut cancelled) = watched_is_cancelled() else {
            return self.inner.await_input(timeout);
        };
        let mut remaining = timeout.after;
        loop {
            if cancelled {
                return Err(ureq::Error::Io(io::Error::new(
                    io::ErrorKind::Interrupted,
                    "the call was cancelled",
                )));
            }
            let (slice, last) = match remaining {
                UreqDuration::Exact(left) if left <= CANCEL_CHECK => (left, true),
                UreqDuration::Exact(_) | UreqDuration::NotHappening => (CANCEL_CHECK, false),
            };
            let attempt = NextTimeout {
                after: UreqDuration::Exact(slice),
                ..timeout
            };
            match self.inner.await_input(attempt) {
                Err(ureq::Error::Timeout(_)) if !last => {
                    if let UreqDuration::Exact(left) = remaining {
                        remaining = UreqDuration::Exact(left.saturating_sub(slice));
                    }
                    crate::api::check::run(); // may trigger the token
                    cancelled = watched_is_cancelled().unwrap_or(false);
                }
                other => return other,
            }
        }
    }

    fn is_open(&mut self) -> bool {
        if std::mem::take(&mut self.answered) {
            return true; // probed before it is handed out again
        }
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// ureq resolves the host before every request, even when a pooled connection is reused, and
/// with a timeout set its default resolver spawns a thread per request to bound the lookup
/// (about 90 µs of CPU per call on loopback). A host that is an IP literal (the emulator, any
/// `http://127.0.0.1:...` base URL) needs no lookup: its address is returned at once. Names
/// still go through ureq's default resolver, with its timeout.
#[derive(Debug, Default)]
pub(crate) struct LiteralFirstResolver(DefaultResolver);

impl Resolver for LiteralFirstResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let literal = uri.host().and_then(|host| {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let ip = host.parse::<std::net::IpAddr>().ok()?;
            let port = uri.port_u16().or(match uri.scheme_str() {
                Some("http") => Some(80),
                Some("https") => Some(443),
                _ => None,
            })?;
            Some(std::net::SocketAddr::new(ip, port))
        });
        match literal {
            Some(addr) => {
                let mut addrs = self.empty();
                addrs.push(addr);
                Ok(addrs)
            }
            None => self.0.resolve(uri, config, timeout),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::LazyBuffers;

    /// What a connection was asked to send, one entry per write.
    type Writes = std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>;

    /// Records what it is asked to send.
    #[derive(Debug)]
    struct Recorder {
        buffers: LazyBuffers,
        writes: Writes,
    }

    impl Transport for Recorder {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, amount: usize, _: NextTimeout) -> Result<(), ureq::Error> {
            let sent = self.buffers.output()[..amount].to_vec();
            self.writes.lock().unwrap().push(sent);
            Ok(())
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
            Ok(false)
        }
        fn is_open(&mut self) -> bool {
            true
        }
    }

    fn transport(
        output_size: usize,
    ) -> (
        CancellableTransport,
        std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
    ) {
        let writes = std::sync::Arc::default();
        let inner = Recorder {
            buffers: LazyBuffers::new(1024, output_size),
            writes: std::sync::Arc::clone(&writes),
        };
        let transport = CancellableTransport {
            inner: Box::new(inner),
            unsent: Vec::new(),
            answered: false,
        };
        (transport, writes)
    }

    fn write(t: &mut CancellableTransport, bytes: &[u8]) {
        t.buffers().output()[..bytes.len()].copy_from_slice(bytes);
        t.transmit_output(bytes.len(), NextTimeout::default())
            .unwrap();
    }

    #[test]
    fn a_request_head_and_body_leave_in_one_write_when_the_answer_is_awaited() {
        let (mut t, writes) = transport(4096);
        write(
            &mut t,
            b"POST /machines/createSingleMachinePublic HTTP/1.1\r\n\r\n",
        );
        write(&mut t, b"{\"size\":50}");
        assert!(
            writes.lock().unwrap().is_empty(),
            "nothing is sent before the answer is awaited"
        );
        t.await_input(NextTimeout::default()).unwrap();
        assert_eq!(
            *writes.lock().unwrap(),
            vec![
                b"POST /machines/createSingleMachinePublic HTTP/1.1\r\n\r\n{\"size\":50}".to_vec()
            ]
        );
        // Nothing is sent twice.
        t.await_input(NextTimeout::default()).unwrap();
        assert_eq!(writes.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_large_body_is_sent_in_order_once_the_limit_is_reached_in_output_sized_writes() {
        let (mut t, writes) = transport(16 * 1024);
        let body: Vec<u8> = (0..COALESCE_LIMIT + 5000)
            .map(|i| (i % 251) as u8)
            .collect();
        for chunk in body.chunks(16 * 1024) {
            write(&mut t, chunk);
        }
        let before_await: usize = writes.lock().unwrap().iter().map(Vec::len).sum();
        assert_eq!(
            before_await, COALESCE_LIMIT,
            "sent as soon as the limit was reached"
        );
        t.await_input(NextTimeout::default()).unwrap();
        let writes = writes.lock().unwrap();
        assert!(writes.iter().all(|w| w.len() <= 16 * 1024));
        assert_eq!(writes.concat(), body);
    }
    /// Counts the probes it is asked for, and finds the connection closed.
    #[derive(Debug)]
    struct Probed {
        buffers: LazyBuffers,
        probes: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Transport for Probed {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, _: usize, _: NextTimeout) -> Result<(), ureq::Error> {
            Ok(())
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
            Ok(true)
        }
        fn is_open(&mut self) -> bool {
            self.probes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            false
        }
    }

    #[test]
    fn the_probe_right_after_an_answer_is_skipped_and_the_one_before_the_next_request_is_made() {
        let probes = std::sync::Arc::default();
        let mut t = CancellableTransport {
            inner: Box::new(Probed {
                buffers: LazyBuffers::new(1024, 1024),
                probes: std::sync::Arc::clone(&probes),
            }),
            unsent: Vec::new(),
            answered: false,
        };
        // A connection never used is probed.
        assert!(!t.is_open());
        t.await_input(NextTimeout::default()).unwrap();
        // The pool takes it back right after the answer: not probed (reported open)...
        assert!(t.is_open());
        // ...and probed before it is handed out again: the closed connection is found then.
        assert!(!t.is_open());
        assert!(!t.is_open());
        assert_eq!(probes.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}

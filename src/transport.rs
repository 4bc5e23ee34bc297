//! The pieces under ureq that make calls fast and cancellable: a resolver that skips the lookup
//! of IP literals, and a connector whose connections stop waiting for an answer once the
//! calling thread's [`Cancel`] token is triggered.

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

thread_local! {
    /// The token of the call running on this thread (ureq does its I/O on the caller's thread).
    static WATCHED: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// Runs `body` with `cancel` watched by every connection this thread reads from.
pub(crate) fn watching<T>(cancel: Option<&Cancel>, body: impl FnOnce() -> T) -> T {
    let Some(cancel) = cancel else {
        return body();
    };
    let outer = WATCHED.with(|w| w.replace(Some(cancel.clone())));
    struct Restore(Option<Cancel>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            WATCHED.with(|w| *w.borrow_mut() = outer);
        }
    }
    let _restore = Restore(outer);
    body()
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
        Ok(self.0.connect(details, chained)?.map(CancellableTransport))
    }
}

#[derive(Debug)]
pub(crate) struct CancellableTransport(Box<dyn Transport>);

impl Transport for CancellableTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, timeout)
    }

    /// Waits in short slices while a token is watched, so a cancelled call stops waiting for
    /// a stalled server. The connection is then dropped, never pooled half-read.
    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let Some(mut cancelled) = watched_is_cancelled() else {
            return self.0.await_input(timeout);
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
            match self.0.await_input(attempt) {
                Err(ureq::Error::Timeout(_)) if !last => {
                    if let UreqDuration::Exact(left) = remaining {
                        remaining = UreqDuration::Exact(left.saturating_sub(slice));
                    }
                    cancelled = watched_is_cancelled().unwrap_or(false);
                }
                other => return other,
            }
        }
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
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

//! A local emulator of the (retired) Paperspace Core API: the same paths, parameters, status
//! codes and bodies as the real service, with in-memory state, machines that move through
//! their states on short delays, every documented rule enforced, and fault injection.
//!
//! ```no_run
//! use paperspace::emulator::{ADMIN_KEY, Emulator, Scenario};
//!
//! let emulator = Emulator::start("127.0.0.1:0", Scenario::default())?;
//! println!("{} (key {ADMIN_KEY})", emulator.url());
//! emulator.add_faults(r#"{"path": "/templates/getTemplates", "status": 503}"#).unwrap();
//! emulator.shutdown();
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! docs/EMULATOR.md describes the scenario format, the fault objects, the control endpoints
//! and every error answer.

mod access;
mod addresses;
mod create;
mod delegations;
mod error;
mod faults;
mod fields;
mod handle;
mod hardware;
mod http;
mod ids;
mod index;
#[cfg(test)]
mod index_tests;
mod log;
mod machine;
mod machines;
mod multipart;
mod networks;
mod openapi;
mod persist;
mod query;
mod records;
mod render;
mod routes;
mod scenario;
mod scripts;
mod server;
mod state;
mod templates;
mod time;
mod update;
mod users;
mod utilization;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use http::Timeouts;
pub use log::Logger;
pub use scenario::{DEFAULT_SCENARIO_JSON, Delays, Scenario};

use faults::Fault;
use handle::Shared;
use server::Server;
use state::State;

/// How long shutdown lets the logger thread write the lines still queued.
const LOG_DRAIN: Duration = Duration::from_secs(1);

/// The API key of the default scenario's team administrator.
pub const ADMIN_KEY: &str = "emulator-admin-key";
/// The API key of the default scenario's plain team member.
pub const MEMBER_KEY: &str = "emulator-member-key";

/// How to run an emulator beyond its scenario; `Options::default()` is what
/// [`Emulator::start`] uses.
#[derive(Default)]
pub struct Options {
    /// How long idle and slow connections may take.
    pub timeouts: Timeouts,
    /// The request log (as in [`Emulator::start_with_logger`]).
    pub log: Option<Logger>,
    /// Loads the state from this file at start when it exists, and saves it there (atomically)
    /// shortly after each change and at shutdown. docs/EMULATOR.md says what it holds.
    pub state_file: Option<PathBuf>,
}

/// A running emulator. Dropping it shuts it down.
pub struct Emulator {
    url: String,
    address: SocketAddr,
    shared: Arc<Shared>,
    server: Option<Server>,
    saver: Option<persist::Saver>,
}

impl Emulator {
    /// Starts serving `scenario` on `listen` (e.g. `"127.0.0.1:0"` for any free port).
    pub fn start(listen: &str, scenario: Scenario) -> io::Result<Emulator> {
        Emulator::start_with(listen, scenario, Options::default())
    }

    /// Like [`Emulator::start`], calling `log` with one line per request: method, path and
    /// query, status and duration (never the API key nor a body). `log` runs on a thread of its
    /// own, fed by a bounded queue: a slow or stuck `log` never holds up a request; lines that
    /// do not fit are dropped and counted (`logLinesDropped` in the stats).
    pub fn start_with_logger(
        listen: &str,
        scenario: Scenario,
        log: impl Fn(&str) + Send + Sync + 'static,
    ) -> io::Result<Emulator> {
        let options = Options {
            log: Some(Box::new(log)),
            ..Options::default()
        };
        Emulator::start_with(listen, scenario, options)
    }

    /// The general form, with [`Options`]. A state file that exists but cannot be read as a
    /// state is an `InvalidData` error naming the file and what is wrong.
    pub fn start_with(listen: &str, scenario: Scenario, options: Options) -> io::Result<Emulator> {
        let mut state = State::new(scenario);
        if let Some(path) = &options.state_file {
            match std::fs::read_to_string(path) {
                Ok(text) => persist::restore(&mut state, &text).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("state file {}: {e}", path.display()),
                    )
                })?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!("state file {}: {e}", path.display()),
                    ));
                }
            }
        }
        let persist = options.state_file.map(persist::Persist::new);
        let log = options.log.map(log::Log::start).transpose()?;
        let shared = Arc::new(Shared::new(state, log, options.timeouts, persist));
        let saver = match shared.persist() {
            Some(_) => Some(persist::Saver::start(Arc::clone(&shared))?),
            None => None,
        };
        let server = match Server::start(listen, Arc::clone(&shared)) {
            Ok(server) => server,
            Err(e) => {
                if let Some(mut saver) = saver {
                    saver.stop();
                }
                shared.close_log(Duration::ZERO);
                return Err(e);
            }
        };
        let address = server.address();
        Ok(Emulator {
            url: format!("http://{address}"),
            address,
            shared,
            server: Some(server),
            saver,
        })
    }

    /// `http://HOST:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address the emulator listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The same JSON as `GET /__emulator/stats`.
    pub fn stats(&self) -> serde_json::Value {
        self.shared.stats()
    }

    /// Adds a line to the request log (if there is one), with the same never-waiting queue as
    /// the request lines.
    pub fn log(&self, line: &str) {
        self.shared.log_line(line.to_owned());
    }

    /// Queues faults (one fault object or an array), like `POST /__emulator/faults`.
    pub fn add_faults(&self, json: &str) -> Result<(), String> {
        let faults = Fault::parse_list(json)?;
        self.shared.lock().faults.extend(faults);
        Ok(())
    }

    /// Stops accepting, ends open connections, and waits for their threads.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stop();
        if let Some(mut server) = self.server.take() {
            server.stop();
            // Everything the requests changed is in the file before the emulator is gone.
            if let Some(mut saver) = self.saver.take() {
                saver.stop();
            }
            self.shared.close_log(LOG_DRAIN);
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

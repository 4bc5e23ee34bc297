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
mod create;
mod delegations;
mod error;
mod faults;
mod handle;
mod hardware;
mod http;
mod ids;
mod machine;
mod machines;
mod multipart;
mod networks;
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
use std::sync::Arc;

pub use scenario::{DEFAULT_SCENARIO_JSON, Delays, Scenario};

use faults::Fault;
use handle::Shared;
use server::Server;
use state::State;

/// The API key of the default scenario's team administrator.
pub const ADMIN_KEY: &str = "emulator-admin-key";
/// The API key of the default scenario's plain team member.
pub const MEMBER_KEY: &str = "emulator-member-key";

/// A running emulator. Dropping it shuts it down.
pub struct Emulator {
    url: String,
    address: SocketAddr,
    shared: Arc<Shared>,
    server: Option<Server>,
}

impl Emulator {
    /// Starts serving `scenario` on `listen` (e.g. `"127.0.0.1:0"` for any free port).
    pub fn start(listen: &str, scenario: Scenario) -> io::Result<Emulator> {
        Emulator::start_inner(listen, scenario, None)
    }

    /// Like [`Emulator::start`], calling `log` with one line per request: method, path and
    /// query, status and duration (never the API key nor a body).
    pub fn start_with_logger(
        listen: &str,
        scenario: Scenario,
        log: impl Fn(&str) + Send + Sync + 'static,
    ) -> io::Result<Emulator> {
        Emulator::start_inner(listen, scenario, Some(Box::new(log)))
    }

    fn start_inner(
        listen: &str,
        scenario: Scenario,
        log: Option<http::Logger>,
    ) -> io::Result<Emulator> {
        let shared = Arc::new(Shared::new(State::new(scenario)));
        let server = Server::start(listen, Arc::clone(&shared), log.map(Arc::new))?;
        let address = server.address();
        Ok(Emulator {
            url: format!("http://{address}"),
            address,
            shared,
            server: Some(server),
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
        self.shared.lock().stats(time::now_ms())
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
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

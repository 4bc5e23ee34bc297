//! The state file (`--state FILE`, [`Options::state_file`](super::Options)): what requests
//! changed (users they created, networks, machines and their events, scripts, delegations, the
//! id generator) is loaded at start and saved after each change, debounced, and at shutdown.
//! A save writes a temporary file and renames it over the old one, so the file is always a
//! whole state, the old or the new.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::delegations::Delegation;
use super::handle::Shared;
use super::machine::Machine;
use super::records::{Network, User};
use super::scripts::Script;
use super::state::State;
use super::time::now_ms;

/// How long after a change the state is saved: changes within it share one save.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Snapshot {
    version: u32,
    ids: u64,
    machines_created: u64,
    /// Keys are not written: they come from the scenario.
    users: Vec<User>,
    networks: Vec<Network>,
    machines: Vec<Machine>,
    scripts: Vec<Script>,
    delegations: Vec<Delegation>,
}

/// The state as the file's text.
pub fn snapshot(state: &State) -> String {
    let snapshot = SnapshotRef {
        version: VERSION,
        ids: state.ids.position(),
        machines_created: state.machines_created(),
        users: &state.users,
        networks: &state.networks,
        machines: state.machines(),
        scripts: &state.scripts,
        delegations: &state.delegations,
    };
    serde_json::to_string(&snapshot).unwrap_or_default()
}

/// The same fields, borrowed, for writing.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotRef<'a> {
    version: u32,
    ids: u64,
    machines_created: u64,
    users: &'a [User],
    networks: &'a [Network],
    machines: &'a [Machine],
    scripts: &'a [Script],
    delegations: &'a [Delegation],
}

/// Replaces the changeable parts of a freshly started state with a saved one. The scenario's
/// users keep their keys; users the saved state adds (created with machines) are appended.
pub fn restore(state: &mut State, text: &str) -> Result<(), String> {
    let saved: Snapshot = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if saved.version != VERSION {
        return Err(format!(
            "version {} is not {VERSION}, the version this emulator writes",
            saved.version
        ));
    }
    for user in saved.users {
        if !state.users.iter().any(|u| u.id == user.id) {
            state.users.push(user);
        }
    }
    state.networks = saved.networks;
    state.scripts = saved.scripts;
    state.delegations = saved.delegations;
    state.ids.set_position(saved.ids);
    state.set_machines_created(saved.machines_created);
    state.set_machines(saved.machines, now_ms());
    state.rebuild_addresses();
    Ok(())
}

/// Writes `text` to a temporary file beside `path` (readable by the owner only: it holds
/// delegation tokens), flushes it to disk and renames it over `path`.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temporary)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temporary, path)?;
    // The rename itself is on disk once the directory is.
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(dir)?.sync_all()
}

/// The saving side: requests mark the state changed; a thread saves it `DEBOUNCE` later.
pub struct Persist {
    path: PathBuf,
    /// (changed since the last save, stopping)
    flags: Mutex<(bool, bool)>,
    wake: Condvar,
}

impl Persist {
    pub fn new(path: PathBuf) -> Persist {
        Persist {
            path,
            flags: Mutex::new((false, false)),
            wake: Condvar::new(),
        }
    }

    /// Notes a change; the saver thread writes it soon.
    pub fn changed(&self) {
        self.flags.lock().unwrap_or_else(PoisonError::into_inner).0 = true;
        self.wake.notify_all();
    }

    fn stop(&self) {
        self.flags.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
        self.wake.notify_all();
    }
}

/// Saves the state of `shared` (whose `persist` is set) until stopped, then once more.
pub struct Saver {
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl Saver {
    pub fn start(shared: Arc<Shared>) -> io::Result<Saver> {
        let worker = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name("emulator-state".into())
            .spawn(move || save_loop(&worker))?;
        Ok(Saver {
            thread: Some(thread),
            shared,
        })
    }

    /// Stops the thread after a last save of everything so far.
    pub fn stop(&mut self) {
        if let Some(persist) = self.shared.persist() {
            persist.stop();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn save_loop(shared: &Shared) {
    let Some(persist) = shared.persist() else {
        return;
    };
    loop {
        let stopping = {
            let flags = persist.flags.lock().unwrap_or_else(PoisonError::into_inner);
            let flags = persist
                .wake
                .wait_while(flags, |(changed, stopping)| !*changed && !*stopping)
                .unwrap_or_else(PoisonError::into_inner);
            flags.1
        };
        if !stopping {
            // Let the changes that follow closely join this save.
            let flags = persist.flags.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = persist
                .wake
                .wait_timeout_while(flags, DEBOUNCE, |(_, stopping)| !*stopping);
        }
        let (changed, stopping) = {
            let mut flags = persist.flags.lock().unwrap_or_else(PoisonError::into_inner);
            let seen = *flags;
            flags.0 = false;
            seen
        };
        if changed {
            let text = snapshot(&shared.lock());
            if let Err(e) = write_atomically(&persist.path, &text) {
                shared.log_line(format!(
                    "cannot save the state to {}: {e}",
                    persist.path.display()
                ));
            }
        }
        if stopping {
            return;
        }
    }
}

//! From a parsed request to what goes back on the wire: control endpoints, the API endpoints
//! behind the key check, and fault injection around them.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::access;
use super::create::{self, Answer};
use super::delegations;
use super::error::{ApiError, Reply, error_body, standard_message};
use super::faults::{Action, Fault, Stage};
use super::http::Timeouts;
use super::log::Log;
use super::machines;
use super::networks;
use super::openapi::OPENAPI_JSON;
use super::persist::Persist;
use super::query::Query;
use super::routes::Route;
use super::scripts;
use super::state::State;
use super::templates;
use super::time::now_ms;
use super::update;
use super::users;
use super::utilization;

/// The body of a `garbage` fault: a proxy's error page, the classic non-JSON answer.
const GARBAGE_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// A request as the handlers see it.
pub struct Incoming {
    pub method: String,
    /// The path as requested (no query), used for stats and fault matching.
    pub path: String,
    pub query: Query,
    pub api_key: Option<String>,
    pub fault_header: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What is written back.
pub enum Outcome {
    Reply(Reply),
    /// Close the connection without a byte.
    Close,
    /// Headers announcing the whole body, then half of it, then close.
    Truncate(Reply),
}

/// State shared by the connection threads.
pub struct Shared {
    pub state: Mutex<State>,
    stopping: Mutex<bool>,
    wake: Condvar,
    log: Option<Log>,
    pub timeouts: Timeouts,
    persist: Option<Persist>,
}

impl Shared {
    pub fn new(
        state: State,
        log: Option<Log>,
        timeouts: Timeouts,
        persist: Option<Persist>,
    ) -> Shared {
        Shared {
            state: Mutex::new(state),
            stopping: Mutex::new(false),
            wake: Condvar::new(),
            log,
            timeouts,
            persist,
        }
    }

    /// The state file's saver side, when there is a state file.
    pub fn persist(&self) -> Option<&Persist> {
        self.persist.as_ref()
    }

    /// True when there is a request log to write to.
    pub fn logs(&self) -> bool {
        self.log.is_some()
    }

    /// Queues a line for the request log; never waits (see `log.rs`).
    pub fn log_line(&self, line: String) {
        if let Some(log) = &self.log {
            log.line(line);
        }
    }

    /// Closes the request log, giving the logger thread `wait` to write what is queued.
    pub fn close_log(&self, wait: Duration) {
        if let Some(log) = &self.log {
            log.close(wait);
        }
    }

    /// The body of `GET /__emulator/stats`.
    pub fn stats(&self) -> serde_json::Value {
        let mut stats = self.lock().stats(now_ms());
        stats["logLinesDropped"] = self.log.as_ref().map_or(0, Log::dropped).into();
        stats
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in one request must not take the emulator down with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn stop(&self) {
        *self.stopping.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_all();
    }

    pub fn stopping(&self) -> bool {
        *self.stopping.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for a fault's delay, cut short when the emulator shuts down.
    fn sleep(&self, ms: u64) {
        if ms == 0 {
            return;
        }
        let guard = self.stopping.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self
            .wake
            .wait_timeout_while(guard, Duration::from_millis(ms), |stopping| !*stopping);
    }
}

/// Answers one request.
pub fn handle(shared: &Shared, req: &Incoming, route: &Route) -> Outcome {
    if route.is_control() {
        return Outcome::Reply(control(shared, req, route));
    }
    let header_fault = match req.fault_header.as_deref().map(parse_header_fault) {
        None => None,
        Some(Ok(fault)) => Some(fault),
        Some(Err(e)) => {
            shared.lock().count_request(&req.method, &req.path, route);
            return Outcome::Reply(ApiError::bad_request(e).into());
        }
    };
    // A per-request fault of the after-user-created stage waits for that stage in create.
    let (fault, stage_fault) = match header_fault {
        Some(f) if f.stage == Stage::AfterUserCreated => (None, Some(f)),
        other => (other, None),
    };
    let fault = {
        let mut state = shared.lock();
        state.count_request(&req.method, &req.path, route);
        fault.or_else(|| state.faults.take(&req.method, &req.path, false))
    };
    let Some(fault) = fault else {
        return handled(shared, req, route, stage_fault.as_ref());
    };
    if fault.stage == Stage::AfterHandling {
        let real = handled(shared, req, route, stage_fault.as_ref());
        shared.sleep(fault.delay_ms);
        return strike(&fault, Some(real));
    }
    shared.sleep(fault.delay_ms);
    if fault.only_delays() {
        let mut outcome = handled(shared, req, route, stage_fault.as_ref());
        if let Outcome::Reply(reply) = &mut outcome {
            reply.headers.extend(fault.headers.iter().cloned());
        }
        return outcome;
    }
    strike(&fault, None)
}

fn parse_header_fault(text: &str) -> Result<Fault, String> {
    serde_json::from_str(text)
        .map_err(|e| e.to_string())
        .and_then(Fault::from_value)
        .map(|mut f| {
            // The header applies to its own request only: path and count do not matter.
            f.method = None;
            f.path = None;
            f.remaining = 1;
            f
        })
        .map_err(|e| format!("Invalid x-emulator-fault header: {e}"))
}

/// The request handled for real (with the state lock held only meanwhile).
fn handled(shared: &Shared, req: &Incoming, route: &Route, stage_fault: Option<&Fault>) -> Outcome {
    let answer = {
        let mut state = shared.lock();
        api(&mut state, req, route, stage_fault)
    };
    // Only POSTs change the state (reads only forget machines whose destroy is over, which a
    // restart forgets the same way).
    if req.method == "POST" {
        if let Some(persist) = shared.persist() {
            persist.changed();
        }
    }
    match answer {
        Ok(Answer::Reply(reply)) => Outcome::Reply(reply),
        Err(e) => Outcome::Reply(e.into()),
        Ok(Answer::Fault(fault)) => {
            shared.sleep(fault.delay_ms);
            strike(&fault, None)
        }
    }
}

fn api(
    state: &mut State,
    req: &Incoming,
    route: &Route,
    stage_fault: Option<&Fault>,
) -> Result<Answer, ApiError> {
    if *route == Route::NotFound {
        return Err(ApiError::not_found());
    }
    let caller = state.caller(req.api_key.as_deref())?;
    let now = now_ms();
    let reply = match route {
        Route::Templates => templates::list(state, &caller, &req.query),
        Route::Users => users::list(state, &caller, &req.query),
        Route::Create => return create::create(state, &caller, &req.body, now, stage_fault),
        Route::Availability => machines::availability(state, &req.query)?,
        Route::Show => machines::show(state, &caller, &req.query, now)?,
        Route::List => machines::list(state, &caller, &req.query, now)?,
        Route::Action(action, id) => machines::act(state, &caller, *action, id, &req.body, now)?,
        Route::Update(id) => update::update(state, &caller, id, &req.body, now)?,
        Route::SetAccess(id) => access::set_access(state, &caller, id, &req.body, now)?,
        Route::Utilization => utilization::utilization(state, &caller, &req.query, now)?,
        Route::Networks => networks::list(state, &caller, &req.query),
        Route::ScriptCreate => {
            let content_type = req.content_type.as_deref();
            scripts::create(state, &caller, &req.body, content_type, &req.query, now)?
        }
        Route::ScriptList => scripts::list(state, &caller, &req.query),
        Route::ScriptShow => scripts::show(state, &caller, &req.query, now)?,
        Route::ScriptText => scripts::text(state, &caller, &req.query)?,
        Route::ScriptDestroy(id) => scripts::destroy(state, &caller, id, now)?,
        Route::DelegationCreate => delegations::create(state, &caller, &req.body, now)?,
        Route::Stats | Route::AddFaults | Route::ClearFaults | Route::OpenApi | Route::NotFound => {
            return Err(ApiError::not_found());
        }
    };
    Ok(Answer::Reply(reply))
}

/// The answer a fault gives; `real` is the real answer when the fault struck after handling.
fn strike(fault: &Fault, real: Option<Outcome>) -> Outcome {
    let standard = |status: u16| {
        let body = fault
            .body
            .clone()
            .unwrap_or_else(|| error_body(status, standard_message(status)));
        Reply::json(status, body)
    };
    let mut reply = match fault.action.unwrap_or(Action::Respond) {
        Action::Close => return Outcome::Close,
        Action::Respond => standard(fault.status.unwrap_or(500)),
        Action::Garbage => Reply {
            status: fault.status.unwrap_or(200),
            content_type: Some("text/html"),
            headers: Vec::new(),
            body: fault
                .body
                .as_deref()
                .unwrap_or(GARBAGE_PAGE)
                .as_bytes()
                .to_vec(),
        },
        Action::Truncate => match real {
            Some(Outcome::Reply(real)) if fault.status.is_none() && fault.body.is_none() => real,
            _ => standard(fault.status.unwrap_or(500)),
        },
    };
    reply.headers.extend(fault.headers.iter().cloned());
    if fault.action == Some(Action::Truncate) {
        if reply.body.is_empty() {
            // A 204 has no body to cut: announce a small JSON body instead.
            reply.status = if reply.status == 204 {
                200
            } else {
                reply.status
            };
            reply.content_type = Some("application/json");
            reply.body = b"{}".to_vec();
        }
        return Outcome::Truncate(reply);
    }
    Outcome::Reply(reply)
}

fn control(shared: &Shared, req: &Incoming, route: &Route) -> Reply {
    match route {
        Route::Stats => Reply::json(200, shared.stats().to_string()),
        Route::OpenApi => Reply::json(200, OPENAPI_JSON.to_owned()),
        Route::AddFaults => {
            let parsed = std::str::from_utf8(&req.body)
                .map_err(|_| "faults are not UTF-8 text".to_owned())
                .and_then(Fault::parse_list);
            match parsed {
                Ok(faults) => {
                    shared.lock().faults.extend(faults);
                    Reply::no_content()
                }
                Err(e) => ApiError::bad_request(format!("Invalid faults: {e}")).into(),
            }
        }
        _ => {
            shared.lock().faults.clear();
            Reply::no_content()
        }
    }
}

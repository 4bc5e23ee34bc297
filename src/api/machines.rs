//! Machine operations: create, availability, show, list, start, stop, restart, destroy.
//! (`wait` is in wait.rs.)

use std::time::Duration;

use serde_json::{Value, json};

use super::{EMPTY_RESULT, checked, decode};
use crate::client::{Client, Idempotency, percent_encode_into};
use crate::error::{Error, Result};
use crate::model::machine::{
    Availability, AvailabilityParams, CreateMachine, DestroyMachine, Machine, MachineFilter,
    MachineRef,
};
use crate::model::user::UserFilter;
use crate::model::{Identified, Params, query_pairs};

impl Client {
    /// Creates a machine. Never retried once the request may have reached the server.
    ///
    /// With new-user fields, a failure's details report whether the user exists now:
    /// `{"userCreated": true|false|null, "user": {..}|null, "response": <original details>}`
    /// (`null` when the users lookup itself failed), as the API documentation asks.
    ///
    /// ```no_run
    /// use paperspace::model::machine::CreateMachine;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let mut params = CreateMachine::new("East Coast (NY2)", "C4", 50, "hourly", "ci runner", "t04azgph");
    /// params.assign_public_ip = Some(true);
    /// let machine = client.create_machine(&params)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn create_machine(&self, params: &CreateMachine) -> Result<Machine> {
        decode(&self.create_body(params)?)
    }

    pub(crate) fn create_json(&self, params: &CreateMachine) -> Result<String> {
        checked::<Identified>(self.create_body(params)?)
    }

    fn create_body(&self, params: &CreateMachine) -> Result<String> {
        params.validate()?;
        let body = serde_json::to_string(params).map_err(|e| Error::internal(e.to_string()))?;
        let sent = self.post(
            "/machines/createSingleMachinePublic",
            Some(&body),
            Idempotency::Unsafe,
        );
        let answer = sent.and_then(checked::<Identified>);
        answer.map_err(|error| {
            let error = self.with_new_user_state(params, error);
            match &params.password {
                Some(password) => error.redacted(password.expose()),
                None => error,
            }
        })
    }

    /// Adds to a failed create's error whether its new user exists (the user is created first).
    fn with_new_user_state(&self, params: &CreateMachine, error: Error) -> Error {
        let Some(email) = params.email.as_ref().filter(|_| params.creates_user()) else {
            return error;
        };
        let filter = UserFilter {
            email: Some(Some(email.clone())),
            ..UserFilter::default()
        };
        let users = self
            .users_body(&filter)
            .and_then(|body| decode::<Vec<Value>>(&body));
        let (created, user) = match users {
            Ok(users) => (
                json!(!users.is_empty()),
                users.into_iter().next().unwrap_or(Value::Null),
            ),
            Err(_) => (Value::Null, Value::Null),
        };
        let details = json!({"userCreated": created, "user": user, "response": error.details()});
        error.with_details(details)
    }

    /// Whether a dedicated-GPU type can currently be requested in a region (a hint only).
    ///
    /// ```no_run
    /// use paperspace::model::machine::AvailabilityParams;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let params = AvailabilityParams { region: Some("Europe (AMS1)".into()), machine_type: Some("P5000".into()) };
    /// if client.machine_availability(&params)?.available { /* create it */ }
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn machine_availability(&self, params: &AvailabilityParams) -> Result<Availability> {
        decode(&self.availability_body(params)?)
    }

    pub(crate) fn availability_json(&self, params: &AvailabilityParams) -> Result<String> {
        checked::<Availability>(self.availability_body(params)?)
    }

    fn availability_body(&self, params: &AvailabilityParams) -> Result<String> {
        params.validate()?;
        self.get("/machines/getAvailability", &query_pairs(params)?)
    }

    /// One machine with its last 10 events, newest first.
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let machine = client.show_machine("psxs9sp8u")?;
    /// println!("{:?}, last event {:?}", machine.state, machine.events.unwrap_or_default().first());
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn show_machine(&self, machine_id: &str) -> Result<Machine> {
        decode(&self.show_body(&MachineRef::new(machine_id))?)
    }

    pub(crate) fn show_json(&self, params: &MachineRef) -> Result<String> {
        checked::<Identified>(self.show_body(params)?)
    }

    pub(crate) fn show_body(&self, params: &MachineRef) -> Result<String> {
        self.show_body_within(params, None)
    }

    /// Show with each attempt bounded by `limit` too (the polls of a wait).
    pub(crate) fn show_body_within(
        &self,
        params: &MachineRef,
        limit: Option<Duration>,
    ) -> Result<String> {
        params.validate()?;
        self.get_within("/machines/getMachinePublic", &query_pairs(params)?, limit)
    }

    /// The caller's machines, filtered and paged (`limit`, `skip`).
    ///
    /// ```no_run
    /// use paperspace::model::machine::MachineFilter;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let page = MachineFilter { state: Some(Some("ready".into())), limit: Some(100), skip: Some(0), ..Default::default() };
    /// let ready = client.list_machines(&page)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn list_machines(&self, filter: &MachineFilter) -> Result<Vec<Machine>> {
        decode(&self.machines_body(filter)?)
    }

    pub(crate) fn machines_json(&self, filter: &MachineFilter) -> Result<String> {
        checked::<Vec<Identified>>(self.machines_body(filter)?)
    }

    fn machines_body(&self, filter: &MachineFilter) -> Result<String> {
        filter.validate()?;
        self.get("/machines/getMachines", &query_pairs(filter)?)
    }

    /// Starts a machine (a no-op on a running one).
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// client.start_machine("psxs9sp8u")?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn start_machine(&self, machine_id: &str) -> Result<()> {
        self.power_json("start", &MachineRef::new(machine_id))
            .map(drop)
    }

    /// Stops a machine (a no-op on a stopped one).
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// client.stop_machine("psxs9sp8u")?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn stop_machine(&self, machine_id: &str) -> Result<()> {
        self.power_json("stop", &MachineRef::new(machine_id))
            .map(drop)
    }

    /// Restarts a machine.
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// client.restart_machine("psxs9sp8u")?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn restart_machine(&self, machine_id: &str) -> Result<()> {
        self.power_json("restart", &MachineRef::new(machine_id))
            .map(drop)
    }

    pub(crate) fn power_json(&self, action: &str, params: &MachineRef) -> Result<String> {
        params.validate()?;
        let path = machine_path(params.machine_id.as_deref().unwrap_or_default(), action);
        self.post(&path, None, Idempotency::Unsafe)?;
        Ok(EMPTY_RESULT.to_string())
    }

    /// Destroys a machine and its snapshots: irreversible.
    ///
    /// ```no_run
    /// use paperspace::model::machine::DestroyMachine;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let params = DestroyMachine { machine_id: Some("psxs9sp8u".into()), release_public_ip: Some(true) };
    /// client.destroy_machine(&params)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn destroy_machine(&self, params: &DestroyMachine) -> Result<()> {
        self.destroy_json(params).map(drop)
    }

    pub(crate) fn destroy_json(&self, params: &DestroyMachine) -> Result<String> {
        params.validate()?;
        let path = machine_path(
            params.machine_id.as_deref().unwrap_or_default(),
            "destroyMachine",
        );
        let body = match params.release_public_ip {
            Some(release) => json!({ "releasePublicIp": release }).to_string(),
            None => String::new(),
        };
        self.post(&path, Some(&body), Idempotency::Unsafe)?;
        Ok(EMPTY_RESULT.to_string())
    }
}

/// `/machines/<id>/<action>` with the id percent-encoded, so it cannot leave its segment.
fn machine_path(machine_id: &str, action: &str) -> String {
    let mut path = String::from("/machines/");
    percent_encode_into(&mut path, machine_id);
    path.push('/');
    path.push_str(action);
    path
}

#[cfg(test)]
mod tests {
    use super::machine_path;

    #[test]
    fn ids_stay_inside_their_path_segment() {
        assert_eq!(
            machine_path("ps123abc", "start"),
            "/machines/ps123abc/start"
        );
        assert_eq!(
            machine_path("../users", "stop"),
            "/machines/..%2Fusers/stop"
        );
    }
}

//! Machine operations: create, availability, show, list, start, stop, restart, destroy.
//! (`wait` is in wait.rs.)

use serde_json::{Value, json};

use super::call::Call;
use super::{Operation, decode};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::machine::{
    Availability, AvailabilityParams, CreateMachine, DestroyMachine, Machine, MachineFilter,
    MachineRef,
};
use crate::model::user::UserFilter;

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
        let call = Call::new(self.timeout(), None);
        let body = self
            .create_json(params, &call)
            .map_err(|error| self.scrubbed(error))?;
        decode(&body)
    }

    /// The table's create: the default request, plus the new-user lookup after a failure.
    pub(crate) fn create_json(&self, params: &CreateMachine, call: &Call<'_>) -> Result<String> {
        let op = Operation::MachinesCreate;
        let answer = self
            .request(op, params, call)
            .and_then(|body| op.finish(body));
        answer.map_err(|error| {
            let error = self.with_new_user_state(params, error, call);
            match &params.password {
                Some(password) => error.redacted(password.expose()),
                None => error,
            }
        })
    }

    /// Adds to a failed create's error whether its new user exists (the user is created first).
    /// The lookup has a time limit of its own (the client's `timeoutMs`): the create may have
    /// used up the call's, and whether the user exists is what the caller needs to know next.
    fn with_new_user_state(&self, params: &CreateMachine, error: Error, call: &Call<'_>) -> Error {
        if error.status() == crate::Status::Validation
            || error.status() == crate::Status::InvalidArgument
        {
            return error;
        }
        let Some(email) = params.email.as_ref().filter(|_| params.creates_user()) else {
            return error;
        };
        let filter = UserFilter {
            email: Some(Some(email.clone())),
            ..UserFilter::default()
        };
        let lookup = Call::new(self.timeout(), call.cancel());
        let users = self
            .request(Operation::UsersList, &filter, &lookup)
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
        self.typed(Operation::MachinesAvailability, params)
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
        self.typed(Operation::MachinesShow, &MachineRef::new(machine_id))
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
        self.typed(Operation::MachinesList, filter)
    }

    /// Starts a machine (a no-op on a running one).
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// client.start_machine("psxs9sp8u")?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn start_machine(&self, machine_id: &str) -> Result<()> {
        self.typed_empty(Operation::MachinesStart, &MachineRef::new(machine_id))
    }

    /// Stops a machine (a no-op on a stopped one).
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// client.stop_machine("psxs9sp8u")?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn stop_machine(&self, machine_id: &str) -> Result<()> {
        self.typed_empty(Operation::MachinesStop, &MachineRef::new(machine_id))
    }

    /// Restarts a machine.
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// client.restart_machine("psxs9sp8u")?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn restart_machine(&self, machine_id: &str) -> Result<()> {
        self.typed_empty(Operation::MachinesRestart, &MachineRef::new(machine_id))
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
        self.typed_empty(Operation::MachinesDestroy, params)
    }
}

//! The typed forms of the operations that need no code of their own: each is one line over
//! the table's default request. (Create is in machines.rs with the other machine calls, wait
//! in wait.rs.)

use super::Operation;
use crate::client::Client;
use crate::error::Result;
use crate::model::delegation::{Delegation, ResourceDelegation};
use crate::model::machine::Machine;
use crate::model::network::{Network, NetworkFilter};
use crate::model::script::{CreateScript, Script, ScriptDetails, ScriptFilter, ScriptRef};
use crate::model::settings::{SetAccess, UpdateMachine, Utilization, UtilizationParams};
use crate::model::template::{Template, TemplateFilter};
use crate::model::user::{User, UserFilter};

impl Client {
    /// Lists the templates visible to the caller (public ones and the team's), filtered.
    ///
    /// ```no_run
    /// use paperspace::model::template::TemplateFilter;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let filter = TemplateFilter { os: Some(Some("Ubuntu 18.04 Server".into())), ..Default::default() };
    /// let ubuntu = client.list_templates(&filter)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn list_templates(&self, filter: &TemplateFilter) -> Result<Vec<Template>> {
        self.typed(Operation::TemplatesList, filter)
    }

    /// Lists the caller's team's users, filtered.
    ///
    /// ```no_run
    /// use paperspace::model::user::UserFilter;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let filter = UserFilter { email: Some(Some("jon@example.com".into())), ..Default::default() };
    /// let jon = client.list_users(&filter)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn list_users(&self, filter: &UserFilter) -> Result<Vec<User>> {
        self.typed(Operation::UsersList, filter)
    }

    /// Changes a machine's name, shutdown timeout, auto-snapshot and public IP settings.
    ///
    /// ```no_run
    /// use paperspace::model::settings::UpdateMachine;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let update = UpdateMachine { shutdown_timeout_in_hours: Some(Some(8)), ..UpdateMachine::new("psxs9sp8u") };
    /// client.update_machine(&update)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn update_machine(&self, params: &UpdateMachine) -> Result<()> {
        self.typed_empty(Operation::MachinesUpdate, params)
    }

    /// A machine's usage and storage in one billing month (`YYYY-MM`).
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let params = paperspace::model::settings::UtilizationParams::new("psxs9sp8u", "2019-04");
    /// let used = client.machine_utilization(&params)?;
    /// println!("{:?} s at {:?}/h", used.utilization.seconds_used, used.utilization.hourly_rate);
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn machine_utilization(&self, params: &UtilizationParams) -> Result<Utilization> {
        self.typed(Operation::MachinesUtilization, params)
    }

    /// Gives a user of the team access to a machine (`enable_access: true`) or takes it away.
    ///
    /// ```no_run
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let access = paperspace::model::settings::SetAccess::new("psxs9sp8u", "u123abc", true);
    /// let machine = client.set_machine_access(&access)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn set_machine_access(&self, params: &SetAccess) -> Result<Machine> {
        self.typed(Operation::MachinesSetAccess, params)
    }

    /// Lists the team's networks, filtered.
    ///
    /// ```no_run
    /// use paperspace::model::network::NetworkFilter;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let filter = NetworkFilter { region: Some(Some("Europe (AMS1)".into())), ..Default::default() };
    /// let networks = client.list_networks(&filter)?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn list_networks(&self, filter: &NetworkFilter) -> Result<Vec<Network>> {
        self.typed(Operation::NetworksList, filter)
    }

    /// Creates a startup script from text, or from a local file the library reads.
    ///
    /// ```no_run
    /// use paperspace::model::script::CreateScript;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let script = client.create_script(&CreateScript::from_text("nginx", "apt-get install -y nginx"))?;
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn create_script(&self, params: &CreateScript) -> Result<Script> {
        self.typed(Operation::ScriptsCreate, params)
    }

    /// Lists the caller's scripts, filtered.
    pub fn list_scripts(&self, filter: &ScriptFilter) -> Result<Vec<Script>> {
        self.typed(Operation::ScriptsList, filter)
    }

    /// One script (without its text) and the machines that use it.
    pub fn show_script(&self, script_id: &str) -> Result<ScriptDetails> {
        self.typed(Operation::ScriptsShow, &ScriptRef::new(script_id))
    }

    /// A script's text.
    pub fn script_text(&self, script_id: &str) -> Result<String> {
        self.typed(Operation::ScriptsText, &ScriptRef::new(script_id))
    }

    /// Destroys a script; it is detached from every machine at once.
    pub fn destroy_script(&self, script_id: &str) -> Result<()> {
        self.typed_empty(Operation::ScriptsDestroy, &ScriptRef::new(script_id))
    }

    /// Creates a resource delegation: a token that gives limited access to the listed
    /// resources without the API key. The token is a [`Secret`](crate::model::Secret).
    ///
    /// ```no_run
    /// use paperspace::model::delegation::Delegation;
    /// # let client = paperspace::Client::new(paperspace::Config::new("key", "http://127.0.0.1:8080"))?;
    /// let created = client.create_resource_delegation(&Delegation::machines(&["psxs9sp8u"]))?;
    /// let token = created[0].access_token_id.as_ref().map(|t| t.expose());
    /// # Ok::<(), paperspace::Error>(())
    /// ```
    pub fn create_resource_delegation(
        &self,
        params: &Delegation,
    ) -> Result<Vec<ResourceDelegation>> {
        self.typed(Operation::ResourceDelegationsCreate, params)
    }
}

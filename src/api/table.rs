//! The one list of operations. Each row declares an operation's name, its HTTP method and path
//! (`{key}` is filled from the parameter of that name, percent-encoded), whether it may be
//! retried after the request may have reached the server, its parameter type and the shape of
//! its result. The `Operation` enum, its names, `ps_operations()`, the dispatch of `ps_call`,
//! the request encoding and the 204-to-`{}` rule all come from here. A row may name a method
//! of `Client` that runs it instead of the default request (create's new-user recovery, the
//! client-side wait).
//!
//! Adding an operation: docs/ADDING_AN_OPERATION.md.

use crate::model::delegation::Delegation;
use crate::model::machine::{
    Availability, AvailabilityParams, CreateMachine, DestroyMachine, MachineFilter, MachineRef,
    WaitManyParams, WaitParams,
};
use crate::model::network::NetworkFilter;
use crate::model::script::{CreateScript, ScriptFilter, ScriptRef};
use crate::model::settings::{SetAccess, UpdateMachine, UtilizationParams};
use crate::model::template::TemplateFilter;
use crate::model::user::UserFilter;
use crate::model::{AnyObject, Identified};

operations! {
    /// Lists templates.
    TemplatesList = "templates_list": GET "/templates/getTemplates", Safe, TemplateFilter => array<Identified>;
    /// Creates a machine (new-user recovery on failure).
    MachinesCreate = "machines_create": POST "/machines/createSingleMachinePublic", Unsafe, CreateMachine => object<Identified> via create_json;
    /// Whether a machine type can be requested in a region.
    MachinesAvailability = "machines_availability": GET "/machines/getAvailability", Safe, AvailabilityParams => object<Availability>;
    /// One machine with its last events.
    MachinesShow = "machines_show": GET "/machines/getMachinePublic", Safe, MachineRef => object<Identified>;
    /// The caller's machines, filtered and paged.
    MachinesList = "machines_list": GET "/machines/getMachines", Safe, MachineFilter => array<Identified>;
    /// Client-side: polls machines show until a state.
    MachinesWait = "machines_wait": GET "/machines/getMachinePublic", Safe, WaitParams => object<Identified> via wait_json;
    /// Starts a machine.
    MachinesStart = "machines_start": POST "/machines/{machineId}/start", Unsafe, MachineRef => empty;
    /// Stops a machine.
    MachinesStop = "machines_stop": POST "/machines/{machineId}/stop", Unsafe, MachineRef => empty;
    /// Restarts a machine.
    MachinesRestart = "machines_restart": POST "/machines/{machineId}/restart", Unsafe, MachineRef => empty;
    /// Destroys a machine.
    MachinesDestroy = "machines_destroy": POST "/machines/{machineId}/destroyMachine", Unsafe, DestroyMachine => empty;
    /// The team's users.
    UsersList = "users_list": GET "/users/getUsers", Safe, UserFilter => array<Identified>;
    /// Changes a machine's name, shutdown, snapshot and IP settings.
    MachinesUpdate = "machines_update": POST "/machines/{machineId}/updateMachinePublic", Unsafe, UpdateMachine => empty;
    /// A machine's usage and storage in a billing month.
    MachinesUtilization = "machines_utilization": GET "/machines/getUtilization", Safe, UtilizationParams => object<AnyObject>;
    /// Gives a team user access to a machine, or takes it away.
    MachinesSetAccess = "machines_set_access": POST "/machines/{machineId}/setMachineAccess", Unsafe, SetAccess => object<AnyObject>;
    /// The networks of the caller's team.
    NetworksList = "networks_list": GET "/networks/getNetworks", Safe, NetworkFilter => array<Identified>;
    /// Creates a startup script.
    ScriptsCreate = "scripts_create": POST "/scripts/createScript", Unsafe, CreateScript => object<Identified>;
    /// The caller's scripts.
    ScriptsList = "scripts_list": GET "/scripts/getScripts", Safe, ScriptFilter => array<Identified>;
    /// One script (without its text) and the machines that use it.
    ScriptsShow = "scripts_show": GET "/scripts/getScript", Safe, ScriptRef => object<Identified>;
    /// A script's text.
    ScriptsText = "scripts_text": GET "/scripts/getScriptText", Safe, ScriptRef => string;
    /// Destroys a script and detaches it from its machines.
    ScriptsDestroy = "scripts_destroy": POST "/scripts/{scriptId}/destroy", Unsafe, ScriptRef => empty;
    /// Creates a resource delegation (its access token is a secret).
    ResourceDelegationsCreate = "resource_delegations_create": POST "/resourceDelegations/create", Unsafe, Delegation => array<AnyObject>;
    /// Client-side: polls machines list until every listed machine reaches a state.
    MachinesWaitMany = "machines_wait_many": GET "/machines/getMachines", Safe, WaitManyParams => array<Identified> via wait_many_json;
}

//! Which endpoint a request is for: the real API's paths and methods (a trailing slash is
//! tolerated, as the API tolerated it) plus the emulator's own `/__emulator/*` control paths.

/// The four machine actions that answer 204.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineAction {
    Start,
    Stop,
    Restart,
    Destroy,
}

impl MachineAction {
    pub fn verb(self) -> &'static str {
        match self {
            MachineAction::Start => "start",
            MachineAction::Stop => "stop",
            MachineAction::Restart => "restart",
            MachineAction::Destroy => "destroy",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Templates,
    Create,
    Availability,
    Show,
    List,
    Action(MachineAction, String),
    Update(String),
    SetAccess(String),
    Utilization,
    Users,
    Networks,
    ScriptCreate,
    ScriptList,
    ScriptShow,
    ScriptText,
    ScriptDestroy(String),
    DelegationCreate,
    Stats,
    AddFaults,
    ClearFaults,
    OpenApi,
    NotFound,
}

impl Route {
    /// Control endpoints need no key, are never faulted and are not counted in stats.
    pub fn is_control(&self) -> bool {
        matches!(
            self,
            Route::Stats | Route::AddFaults | Route::ClearFaults | Route::OpenApi
        )
    }
}

impl Route {
    /// The route as method and path template (`POST /machines/:machineId/start`), the key of
    /// the stats' `routes` counts; one key for every path that is no route.
    pub fn label(&self) -> &'static str {
        match self {
            Route::Templates => "GET /templates/getTemplates",
            Route::Create => "POST /machines/createSingleMachinePublic",
            Route::Availability => "GET /machines/getAvailability",
            Route::Show => "GET /machines/getMachinePublic",
            Route::List => "GET /machines/getMachines",
            Route::Action(MachineAction::Start, _) => "POST /machines/:machineId/start",
            Route::Action(MachineAction::Stop, _) => "POST /machines/:machineId/stop",
            Route::Action(MachineAction::Restart, _) => "POST /machines/:machineId/restart",
            Route::Action(MachineAction::Destroy, _) => "POST /machines/:machineId/destroyMachine",
            Route::Update(_) => "POST /machines/:machineId/updateMachinePublic",
            Route::SetAccess(_) => "POST /machines/:machineId/setMachineAccess",
            Route::Utilization => "GET /machines/getUtilization",
            Route::Users => "GET /users/getUsers",
            Route::Networks => "GET /networks/getNetworks",
            Route::ScriptCreate => "POST /scripts/createScript",
            Route::ScriptList => "GET /scripts/getScripts",
            Route::ScriptShow => "GET /scripts/getScript",
            Route::ScriptText => "GET /scripts/getScriptText",
            Route::ScriptDestroy(_) => "POST /scripts/:scriptId/destroy",
            Route::DelegationCreate => "POST /resourceDelegations/create",
            Route::Stats => "GET /__emulator/stats",
            Route::AddFaults => "POST /__emulator/faults",
            Route::ClearFaults => "DELETE /__emulator/faults",
            Route::OpenApi => "GET /__emulator/openapi.json",
            Route::NotFound => "(no route)",
        }
    }
}

pub fn route(method: &str, path: &str) -> Route {
    let trimmed = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let segments: Vec<&str> = trimmed.split('/').skip(1).collect();
    match (method, segments.as_slice()) {
        ("GET", ["templates", "getTemplates"]) => Route::Templates,
        ("POST", ["machines", "createSingleMachinePublic"]) => Route::Create,
        ("GET", ["machines", "getAvailability"]) => Route::Availability,
        ("GET", ["machines", "getMachinePublic"]) => Route::Show,
        ("GET", ["machines", "getMachines"]) => Route::List,
        ("GET", ["machines", "getUtilization"]) => Route::Utilization,
        ("POST", ["machines", id, action]) if !id.is_empty() => {
            let id = (*id).to_owned();
            let action = match *action {
                "start" => MachineAction::Start,
                "stop" => MachineAction::Stop,
                "restart" => MachineAction::Restart,
                "destroyMachine" => MachineAction::Destroy,
                "updateMachinePublic" => return Route::Update(id),
                "setMachineAccess" => return Route::SetAccess(id),
                _ => return Route::NotFound,
            };
            Route::Action(action, id)
        }
        ("GET", ["users", "getUsers"]) => Route::Users,
        ("GET", ["networks", "getNetworks"]) => Route::Networks,
        ("POST", ["scripts", "createScript"]) => Route::ScriptCreate,
        ("GET", ["scripts", "getScripts"]) => Route::ScriptList,
        ("GET", ["scripts", "getScript"]) => Route::ScriptShow,
        ("GET", ["scripts", "getScriptText"]) => Route::ScriptText,
        ("POST", ["scripts", id, "destroy"]) if !id.is_empty() => {
            Route::ScriptDestroy((*id).to_owned())
        }
        ("POST", ["resourceDelegations", "create"]) => Route::DelegationCreate,
        ("GET", ["__emulator", "stats"]) => Route::Stats,
        ("POST", ["__emulator", "faults"]) => Route::AddFaults,
        ("DELETE", ["__emulator", "faults"]) => Route::ClearFaults,
        ("GET", ["__emulator", "openapi.json"]) => Route::OpenApi,
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("GET", "/templates/getTemplates"), Route::Templates);
        assert_eq!(route("GET", "/templates/getTemplates/"), Route::Templates);
        assert_eq!(route("POST", "/templates/getTemplates"), Route::NotFound);
        assert_eq!(
            route("POST", "/machines/ps1/destroyMachine/"),
            Route::Action(MachineAction::Destroy, "ps1".into())
        );
        assert_eq!(route("POST", "/machines//start"), Route::NotFound);
        assert_eq!(route("POST", "/machines/ps1/explode"), Route::NotFound);
        assert_eq!(route("GET", "/"), Route::NotFound);
        assert_eq!(
            route("POST", "/machines/ps1/updateMachinePublic"),
            Route::Update("ps1".into())
        );
        assert_eq!(
            route("POST", "/machines/ps1/setMachineAccess/"),
            Route::SetAccess("ps1".into())
        );
        assert_eq!(route("GET", "/machines/getUtilization"), Route::Utilization);
        assert_eq!(route("GET", "/networks/getNetworks"), Route::Networks);
        assert_eq!(route("POST", "/scripts/createScript"), Route::ScriptCreate);
        assert_eq!(route("GET", "/scripts/getScripts"), Route::ScriptList);
        assert_eq!(route("GET", "/scripts/getScript"), Route::ScriptShow);
        assert_eq!(route("GET", "/scripts/getScriptText"), Route::ScriptText);
        assert_eq!(
            route("POST", "/scripts/sc1/destroy"),
            Route::ScriptDestroy("sc1".into())
        );
        assert_eq!(route("POST", "/scripts//destroy"), Route::NotFound);
        assert_eq!(
            route("POST", "/resourceDelegations/create"),
            Route::DelegationCreate
        );
        assert_eq!(route("GET", "/resourceDelegations/create"), Route::NotFound);
        assert_eq!(
            route("POST", "/scripts/sc1/destroy/").label(),
            "POST /scripts/:scriptId/destroy"
        );
        assert_eq!(route("PUT", "/x").label(), "(no route)");
        assert_eq!(route("GET", "/templates/getTemplates//"), Route::NotFound);
    }
}

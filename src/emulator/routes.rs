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
    Users,
    Stats,
    AddFaults,
    ClearFaults,
    NotFound,
}

impl Route {
    /// Control endpoints need no key, are never faulted and are not counted in stats.
    pub fn is_control(&self) -> bool {
        matches!(self, Route::Stats | Route::AddFaults | Route::ClearFaults)
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
        ("POST", ["machines", id, action]) if !id.is_empty() => {
            let action = match *action {
                "start" => MachineAction::Start,
                "stop" => MachineAction::Stop,
                "restart" => MachineAction::Restart,
                "destroyMachine" => MachineAction::Destroy,
                _ => return Route::NotFound,
            };
            Route::Action(action, (*id).to_owned())
        }
        ("GET", ["users", "getUsers"]) => Route::Users,
        ("GET", ["__emulator", "stats"]) => Route::Stats,
        ("POST", ["__emulator", "faults"]) => Route::AddFaults,
        ("DELETE", ["__emulator", "faults"]) => Route::ClearFaults,
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
        assert_eq!(route("GET", "/templates/getTemplates//"), Route::NotFound);
    }
}

//! The OpenAPI 3.1 description of what the emulator serves, `GET /__emulator/openapi.json`:
//! docs/openapi.json, compiled in. A test checks it against the routes both ways.

/// The text of docs/openapi.json.
pub const OPENAPI_JSON: &str = include_str!("../../docs/openapi.json");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::routes::{MachineAction, Route, route};
    use serde_json::Value;

    /// One route of each kind. The match below fails to compile when a route is added, so the
    /// list (and the description) cannot fall behind.
    fn every_route() -> Vec<Route> {
        let id = || "x".to_owned();
        let all = vec![
            Route::Templates,
            Route::Create,
            Route::Availability,
            Route::Show,
            Route::List,
            Route::Action(MachineAction::Start, id()),
            Route::Action(MachineAction::Stop, id()),
            Route::Action(MachineAction::Restart, id()),
            Route::Action(MachineAction::Destroy, id()),
            Route::Update(id()),
            Route::SetAccess(id()),
            Route::Utilization,
            Route::Users,
            Route::Networks,
            Route::ScriptCreate,
            Route::ScriptList,
            Route::ScriptShow,
            Route::ScriptText,
            Route::ScriptDestroy(id()),
            Route::DelegationCreate,
            Route::Stats,
            Route::AddFaults,
            Route::ClearFaults,
            Route::OpenApi,
        ];
        for r in &all {
            match r {
                Route::Templates
                | Route::Create
                | Route::Availability
                | Route::Show
                | Route::List
                | Route::Action(..)
                | Route::Update(_)
                | Route::SetAccess(_)
                | Route::Utilization
                | Route::Users
                | Route::Networks
                | Route::ScriptCreate
                | Route::ScriptList
                | Route::ScriptShow
                | Route::ScriptText
                | Route::ScriptDestroy(_)
                | Route::DelegationCreate
                | Route::Stats
                | Route::AddFaults
                | Route::ClearFaults
                | Route::OpenApi
                | Route::NotFound => {}
            }
        }
        all
    }

    /// `(METHOD, /path/{param})` of every operation in the description.
    fn operations() -> Vec<(String, String)> {
        let doc: Value = serde_json::from_str(OPENAPI_JSON).expect("docs/openapi.json is JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let mut ops = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                ops.push((method.to_ascii_uppercase(), path.clone()));
            }
        }
        ops
    }

    #[test]
    fn every_described_operation_is_a_route_and_every_route_is_described() {
        let ops = operations();
        let mut described = Vec::new();
        for (method, path) in &ops {
            let concrete = path
                .replace("{machineId}", "ps1")
                .replace("{scriptId}", "sc1");
            let r = route(method, &concrete);
            assert_ne!(r, Route::NotFound, "{method} {path}");
            let template = path.replace('{', ":").replace('}', "");
            assert_eq!(r.label(), format!("{method} {template}"));
            described.push(r.label());
        }
        let routes = every_route();
        assert_eq!(ops.len(), routes.len());
        for r in routes {
            assert!(
                described.contains(&r.label()),
                "{} is not described",
                r.label()
            );
        }
    }

    #[test]
    fn every_schema_reference_resolves() {
        let doc: Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        let text = OPENAPI_JSON;
        let mut rest = text;
        while let Some(at) = rest.find("\"#/components/schemas/") {
            let after = &rest[at + 22..];
            let name = &after[..after.find('"').unwrap()];
            assert!(doc["components"]["schemas"][name].is_object(), "{name}");
            rest = after;
        }
    }
}

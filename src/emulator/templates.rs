//! `GET /templates/getTemplates`: public templates plus the caller's team's, filtered by exact
//! match on any template field.

use serde_json::Value;

use super::error::Reply;
use super::query::{self, Query};
use super::records::Template;
use super::render;
use super::state::{Caller, State};

const FILTERS: [&str; 8] = [
    "id",
    "name",
    "label",
    "os",
    "dtCreated",
    "teamId",
    "userId",
    "region",
];

pub fn list(state: &State, caller: &Caller, query: &Query) -> Reply {
    let filtered = query.filters(&FILTERS).next().is_some();
    let visible: Vec<&Template> = state
        .templates
        .iter()
        .filter(|t| State::template_visible(t, &caller.team_id))
        .filter(|t| {
            !filtered || {
                let value = serde_json::to_value(t).unwrap_or(Value::Null);
                query::passes(&value, query, &FILTERS, |k| k)
            }
        })
        .collect();
    Reply::json(200, render::to_json(&visible))
}

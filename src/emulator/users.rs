//! `GET /users/getUsers`: the users of the caller's team, filtered by exact match on `id`,
//! `email`, `firstname`, `lastname` (lower case, unlike create's camelCase), `dtCreated`,
//! `teamId`.

use serde_json::Value;

use super::error::Reply;
use super::query::{self, Query};
use super::records::User;
use super::render;
use super::state::{Caller, State};

const FILTERS: [&str; 6] = [
    "id",
    "email",
    "firstname",
    "lastname",
    "dtCreated",
    "teamId",
];

pub fn list(state: &State, caller: &Caller, query: &Query) -> Reply {
    let filtered = query.filters(&FILTERS).next().is_some();
    let users: Vec<&User> = state
        .users
        .iter()
        .filter(|u| u.team_id == caller.team_id)
        .filter(|u| {
            !filtered || {
                let value = serde_json::to_value(u).unwrap_or(Value::Null);
                query::passes(&value, query, &FILTERS, |k| k)
            }
        })
        .collect();
    Reply::json(200, render::to_json(&users))
}

//! `users list` (`GET /users/getUsers`).

use super::{checked, decode};
use crate::client::Client;
use crate::error::Result;
use crate::model::user::{User, UserFilter};
use crate::model::{Identified, Params, query_pairs};

impl Client {
    /// Lists the caller's team's users, filtered.
    pub fn list_users(&self, filter: &UserFilter) -> Result<Vec<User>> {
        decode(&self.users_body(filter)?)
    }

    pub(crate) fn users_json(&self, filter: &UserFilter) -> Result<String> {
        checked::<Vec<Identified>>(self.users_body(filter)?)
    }

    pub(crate) fn users_body(&self, filter: &UserFilter) -> Result<String> {
        filter.validate()?;
        self.get("/users/getUsers", &query_pairs(filter)?)
    }
}

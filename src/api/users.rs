//! `users list` (`GET /users/getUsers`).

use super::{checked, decode};
use crate::client::Client;
use crate::error::Result;
use crate::model::user::{User, UserFilter};
use crate::model::{Identified, Params, query_pairs};

impl Client {
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

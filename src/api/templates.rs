//! `templates list` (`GET /templates/getTemplates`).

use super::{checked, decode};
use crate::client::Client;
use crate::error::Result;
use crate::model::template::{Template, TemplateFilter};
use crate::model::{Identified, Params, query_pairs};

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
        decode(&self.templates_body(filter)?)
    }

    pub(crate) fn templates_json(&self, filter: &TemplateFilter) -> Result<String> {
        checked::<Vec<Identified>>(self.templates_body(filter)?)
    }

    fn templates_body(&self, filter: &TemplateFilter) -> Result<String> {
        filter.validate()?;
        self.get("/templates/getTemplates", &query_pairs(filter)?)
    }
}

//! Parameters and responses of every operation, with the validation the API documents.

pub mod rules;

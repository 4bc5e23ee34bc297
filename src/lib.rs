//! A client for the Paperspace Core API (`https://api.paperspace.io`).
//!
//! ```no_run
//! use paperspace::{Client, Config, model::template::TemplateFilter};
//!
//! let client = Client::new(Config::new("my-api-key", "http://127.0.0.1:8080"))?;
//! for template in client.list_templates(&TemplateFilter::default())? {
//!     println!("{} {:?}", template.id, template.os);
//! }
//! # Ok::<(), paperspace::Error>(())
//! ```
//!
//! Every operation validates its parameters before sending (all problems at once, per field),
//! retries only safe calls, and returns one [`Error`] type with a stable [`Status`]. The same
//! operations are exported to C as `ps_<resource>_<verb>` functions taking and returning JSON
//! (see `include/paperspace.h` and `docs/ABI.md`).

pub mod api;
pub mod client;
pub mod error;
pub mod model;

mod environment;
mod ffi;
mod scoped;
mod transport;

#[cfg(feature = "emulator")]
pub mod emulator;

pub use api::{Cancel, Operation, operations_json};
pub use client::{Client, Config};
pub use error::{Error, Result, Status};

/// This library's version (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

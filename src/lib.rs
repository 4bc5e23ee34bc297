//! A client for the Paperspace Core API.

pub mod model;

#[cfg(feature = "emulator")]
pub mod emulator;

//! aslint-lsp: the language server of aslint, a thin adapter over the `aslint` library.
//!
//! The library does the analysis (parsing, model, rules, fixes); this crate converts its results to LSP (byte
//! spans become UTF-16 positions only here, in [`document`]) and answers editor requests from the library's tree
//! and model. See README.md for the features and editor set-up.
#![forbid(unsafe_code)]

pub mod context;
pub mod convert;
pub mod document;
pub mod features;
pub mod query;
pub mod server;
pub mod shapes;
pub mod tables;

pub use server::{run_stdio, serve, service, Backend};

//! aslint: static analyzer, linter and simulator for the Amazon States Language.
//!
//! Data flows one way: bytes → [`syntax`] (spanned tree) → [`model`] (typed ASL) → [`rules`] →
//! [`diagnostics::Diagnostic`] → [`render`]. See ARCHITECTURE.md.
#![forbid(unsafe_code)]

pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod expr;
pub mod lint;
pub mod model;
pub mod render;
pub mod rules;
pub mod semantic;
pub mod sim;
pub mod suggest;
pub mod syntax;
pub mod typeflow;

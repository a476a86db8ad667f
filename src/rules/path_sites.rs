//! Helpers of the Paths rules (`invalid-path`, `invalid-intrinsic`, `invalid-context-path`,
//! `missing-dollar-suffix`, `missing-path-suffix`, `static-pass-result`, `conflicting-payload-keys`): what looks
//! like a path or an intrinsic call, key renames for fixes, and how a slot is named in messages.
//!
//! The site types and their walkers live in the semantic model ([`crate::semantic::path_sites`]), which builds the
//! expression index; they are re-exported here under their former names.

pub use crate::semantic::path_sites::{
    expr_sites, expr_sites_of, is_unknown, jsonpath_states, template_fields, walk_members,
    walk_objects, ExprSite, PathRole, TemplateField,
};
use crate::syntax::{Key, SourceKind};

/// True when a literal string value looks like it was meant as a path: `$`, `$.x`, `$[...]`, `$$`, `$$.x`.
/// Variable-like strings (`$name`) are left alone: too many literals start with `$`.
pub fn looks_like_path(s: &str) -> bool {
    s == "$"
        || s.starts_with("$.")
        || s.starts_with("$[")
        || s == "$$"
        || s.starts_with("$$.")
        || s.starts_with("$$[")
}

/// True when a literal string looks like an intrinsic call (`States.Format(...)`).
pub fn looks_like_intrinsic(s: &str) -> bool {
    s.starts_with("States.") && crate::expr::intrinsic::looks_like_call(s)
}

/// A fix-ready edit renaming a key token to `to`, keeping its quoting style.
pub fn rename_key(source: &str, kind: SourceKind, key: &Key, to: &str) -> crate::diagnostics::Edit {
    crate::rules::fixes::replace_token(source, kind, key.span, to)
}

/// Ordinal-free description of where a slot is, for messages: "`InputPath` of Task state `A`".
pub fn describe(site: &ExprSite<'_, '_>) -> String {
    Described(site).to_string()
}

/// [`describe`], formatted only when displayed (most sites never appear in a message).
pub struct Described<'s, 'm, 'a>(pub &'s ExprSite<'m, 'a>);

impl std::fmt::Display for Described<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let site = self.0;
        match site.role {
            PathRole::Template { .. } => write!(
                f,
                "`{}` in the {} of {}",
                site.key.text,
                site.container,
                site.state.describe()
            ),
            _ => write!(f, "`{}` of {}", site.key.text, site.state.describe()),
        }
    }
}

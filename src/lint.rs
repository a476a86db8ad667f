//! The lint pipeline for one document: parse → model → rules → sorted diagnostics.
use crate::diagnostics::{sort_diagnostics, Diagnostic};
use crate::model;
use crate::rules::{Context, RULES};
use crate::syntax::{self, SourceKind};

/// Lints one document with every rule, returning the findings sorted by position.
pub fn lint_source(path: &str, text: &str, kind: SourceKind) -> Vec<Diagnostic> {
    let parsed = syntax::parse(text, kind);
    let mut out = parsed.diagnostics;
    let model = parsed.root.as_ref().map(model::build);
    let ctx = Context {
        path,
        text,
        kind,
        root: parsed.root.as_ref(),
        model: model.as_ref(),
    };
    for rule in RULES {
        rule.check(&ctx, &mut out);
    }
    sort_diagnostics(&mut out);
    out
}

//! Renderers: the one [`Diagnostic`] type → human (codespan-reporting), concise and JSON text.
//!
//! Renderers never analyse anything: they only convert positions (byte spans → 1-based line:column counting
//! Unicode scalar values) and format.

mod human;
mod json;

pub use human::render_human;
pub use json::{render_json, JSON_FORMAT_VERSION};

use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::{LineIndex, Span};

/// The findings for one file, with the text they point into.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given or found (`-` or `--stdin-filename` for stdin).
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Counts over a whole run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            s.errors += r.count(Severity::Error);
            s.warnings += r.count(Severity::Warning);
            s.infos += r.count(Severity::Info);
        }
        s
    }
}

/// A 1-based position, the column counting Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Start and end positions of a span.
pub fn span_range(text: &str, index: &LineIndex, span: Span) -> (Position, Position) {
    let (l1, c1) = index.line_col(text, span.start());
    let (l2, c2) = index.line_col(text, span.end());
    (
        Position {
            line: l1,
            column: c1,
        },
        Position {
            line: l2,
            column: c2,
        },
    )
}

/// `path:line:col: severity[rule] message`, one line per finding.
pub fn render_concise(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        if r.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            let (start, _) = span_range(&r.text, &index, d.primary.span);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                r.path,
                start.line,
                start.column,
                d.severity.as_str(),
                d.rule.name,
                d.message
            ));
        }
    }
    out
}

/// The closing line of human output, e.g. `Found 2 errors and 1 warning in 3 files.`
pub fn summary_line(s: &Summary) -> String {
    fn plural(n: usize, word: &str) -> String {
        format!("{n} {word}{}", if n == 1 { "" } else { "s" })
    }
    if s.errors + s.warnings + s.infos == 0 {
        return format!("No problems found in {}.", plural(s.files, "file"));
    }
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.infos > 0 {
        parts.push(plural(s.infos, "info"));
    }
    format!("Found {} in {}.", parts.join(", "), plural(s.files, "file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_wording() {
        let s = Summary {
            files: 1,
            errors: 0,
            warnings: 0,
            infos: 0,
        };
        assert_eq!(summary_line(&s), "No problems found in 1 file.");
        let s = Summary {
            files: 3,
            errors: 1,
            warnings: 2,
            infos: 0,
        };
        assert_eq!(summary_line(&s), "Found 1 error, 2 warnings in 3 files.");
    }
}

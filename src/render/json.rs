//! The stable `--format json` contract (documented in README.md). Changing a field's meaning means bumping
//! [`JSON_FORMAT_VERSION`].
use super::{span_range, FileReport, Position, Summary};
use crate::diagnostics::{Applicability, Diagnostic};
use crate::syntax::{LineIndex, Span};
use serde_json::{json, Value};

/// Version of the JSON output contract.
pub const JSON_FORMAT_VERSION: u32 = 1;

fn pos(p: Position) -> Value {
    json!({"line": p.line, "column": p.column})
}

fn range(text: &str, index: &LineIndex, span: Span) -> Value {
    let (s, e) = span_range(text, index, span);
    json!({"start": pos(s), "end": pos(e)})
}

fn diagnostic(text: &str, index: &LineIndex, d: &Diagnostic) -> Value {
    let fix = d.fix.as_ref().map(|f| {
        json!({
            "title": f.title,
            "applicability": match f.applicability { Applicability::Safe => "safe", Applicability::Unsafe => "unsafe" },
            "edits": f.edits.iter().map(|e| json!({
                "range": range(text, index, e.span),
                "offset": {"start": e.span.start, "end": e.span.end},
                "replacement": e.replacement,
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "rule": d.rule.name,
        "code": d.rule.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "pointer": d.pointer,
        "range": range(text, index, d.primary.span),
        "offset": {"start": d.primary.span.start, "end": d.primary.span.end},
        "label": d.primary.message,
        "related": d.secondary.iter().map(|l| json!({
            "message": l.message,
            "range": range(text, index, l.span),
        })).collect::<Vec<_>>(),
        "notes": d.notes,
        "aws_code": d.aws_code,
        "help": d.help,
        "fix": fix,
    })
}

/// The whole run as one JSON document (pretty-printed, trailing newline).
pub fn render_json(reports: &[FileReport]) -> String {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let index = LineIndex::new(&r.text);
            json!({
                "path": r.path,
                "diagnostics": r.diagnostics.iter().map(|d| diagnostic(&r.text, &index, d)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let s = Summary::of(reports);
    let doc = json!({
        "version": JSON_FORMAT_VERSION,
        "files": files,
        "summary": {"files": s.files, "errors": s.errors, "warnings": s.warnings, "infos": s.infos},
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

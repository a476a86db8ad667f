//! rustc-like output through codespan-reporting.
use super::FileReport;
use crate::diagnostics::{Applicability, Diagnostic, Severity};
use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::Buffer, Config};

/// Lines longer than this (bytes) are not shown as snippets.
const MAX_SNIPPET_LINE: usize = 2000;

/// A finding without its snippet: `severity[rule]: message`, its position, notes and help.
fn buffer_line_only(
    buffer: &mut Buffer,
    report: &FileReport,
    index: &crate::syntax::LineIndex,
    d: &Diagnostic,
) {
    use std::io::Write as _;
    let (line, col) = index.line_col(&report.text, d.primary.span.start());
    let mut s = format!(
        "{}[{}]: {}\n  --> {}:{line}:{col} (line too long to show)\n",
        match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        },
        d.rule.name,
        d.message,
        report.path
    );
    for n in &d.notes {
        s.push_str(&format!("  = note: {n}\n"));
    }
    if let Some(h) = &d.help {
        s.push_str(&format!("  = help: {h}\n"));
    }
    s.push('\n');
    let _ = buffer.write_all(s.as_bytes());
}

/// Renders every finding of one file, coloured with ANSI codes when `color` is true.
pub fn render_human(report: &FileReport, color: bool) -> String {
    if report.diagnostics.is_empty() {
        return String::new();
    }
    let file = SimpleFile::new(report.path.as_str(), report.text.as_str());
    let config = Config::default();
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let len = report.text.len();
    let index = crate::syntax::LineIndex::new(&report.text);
    for d in &report.diagnostics {
        // codespan-reporting prints whole source lines: a finding on a huge line (a minified or 100 MB one-line
        // file) is rendered without its snippet instead.
        let line_len = |offset: usize| {
            let line = index.line_of(offset);
            let start = index.line_start(line).unwrap_or(0);
            let end = index.line_start(line + 1).unwrap_or(len);
            end.saturating_sub(start)
        };
        if std::iter::once(&d.primary)
            .chain(&d.secondary)
            .any(|l| line_len(l.span.start()) > MAX_SNIPPET_LINE)
        {
            buffer_line_only(&mut buffer, report, &index, d);
            continue;
        }
        let clamp = |r: std::ops::Range<usize>| {
            let s = crate::syntax::floor_char_boundary(&report.text, r.start.min(len));
            let e = crate::syntax::floor_char_boundary(&report.text, r.end.min(len)).max(s);
            s..e
        };
        let mut labels = vec![CsLabel::primary((), clamp(d.primary.span.range()))
            .with_message(d.primary.message.clone())];
        for l in &d.secondary {
            labels.push(
                CsLabel::secondary((), clamp(l.span.range())).with_message(l.message.clone()),
            );
        }
        let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
        if let Some(h) = &d.help {
            notes.push(format!("help: {h}"));
        }
        if let Some(f) = &d.fix {
            let kind = match f.applicability {
                Applicability::Safe => "fix",
                Applicability::Unsafe => "suggested fix (unsafe)",
            };
            notes.push(format!("{kind}: {}", f.title));
        }
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
            Severity::Info => CsSeverity::Note,
        };
        let cs = CsDiagnostic::new(severity)
            .with_code(d.rule.name)
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        // Rendering into a memory buffer of a file we hold cannot fail except for out-of-range spans, which are
        // clamped above; a failure would only lose this one rendering, so fall back to the concise line.
        if term::emit_to_write_style(&mut buffer, &config, &file, &cs).is_err() {
            let line = super::render_concise(std::slice::from_ref(report));
            return line;
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::invalid_json;
    use crate::syntax::Span;

    #[test]
    fn huge_lines_are_rendered_without_snippet() {
        let text = format!("{{\"a\": \"{}\" x}}", "y".repeat(5000));
        let at = text.find(" x").unwrap_or(0) + 1;
        let d = invalid_json::META.diagnostic(Span::new(at, at + 1), "unexpected `x`");
        let report = FileReport {
            path: "big.json".into(),
            text,
            diagnostics: vec![d],
        };
        let out = render_human(&report, false);
        assert!(out.contains("error[invalid-json]: unexpected `x`"), "{out}");
        assert!(
            out.contains("big.json:1:5010 (line too long to show)"),
            "{out}"
        );
        assert!(out.len() < 500, "no snippet: {}", out.len());
    }

    #[test]
    fn normal_lines_get_a_snippet() {
        let text = "{\"a\": 1 x}".to_string();
        let d = invalid_json::META
            .diagnostic(Span::new(8, 9), "unexpected `x`")
            .label("here");
        let report = FileReport {
            path: "small.json".into(),
            text,
            diagnostics: vec![d],
        };
        let out = render_human(&report, false);
        assert!(out.contains("┌─ small.json:1:9"), "{out}");
        assert!(out.contains("{\"a\": 1 x}"), "{out}");
    }
}

//! rustc-like output through codespan-reporting.
use super::FileReport;
use crate::diagnostics::{Applicability, Severity};
use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::Buffer, Config};

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
    for d in &report.diagnostics {
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

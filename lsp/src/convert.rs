//! The library's `Diagnostic` → LSP types. Spans become UTF-16 positions here and nowhere else.

use crate::document::Document;
use aslint::config::{Config, RuleSettings};
use aslint::diagnostics::{Applicability, Diagnostic, Severity};
use aslint::lint::{lint_with, LintOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, TextEdit, Uri, WorkspaceEdit,
};

/// The rule settings for a document: `aslint.toml` found from the document's folder upward, else defaults. A
/// configuration error gives the defaults and the error text (reported to the user once by the server).
pub fn settings_for(path: Option<&Path>) -> (RuleSettings, Option<String>) {
    let Some(dir) = path.and_then(Path::parent) else {
        return (RuleSettings::all(), None);
    };
    let Some(file) = Config::find(dir) else {
        return (RuleSettings::all(), None);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            return (
                RuleSettings::all(),
                Some(format!("could not read {}: {e}", file.display())),
            )
        }
    };
    match Config::parse(&text, Some(file.clone())) {
        Ok(c) => (RuleSettings::resolve(&c, &[], &[]), None),
        Err(e) => (
            RuleSettings::all(),
            Some(format!(
                "{}: {}; using the default rule levels",
                file.display(),
                e.message
            )),
        ),
    }
}

/// Lints a document as the CLI would: `*.asl.*` documents always, others only when they look like a definition
/// (an empty list otherwise).
pub fn lint_document(doc: &Document, path: &str, settings: RuleSettings) -> Vec<Diagnostic> {
    let options = LintOptions {
        rules: settings,
        require_definition: !doc.is_asl_name,
        ..LintOptions::default()
    };
    lint_with(path, &doc.text, doc.kind, &options).unwrap_or_default()
}

/// Where the rule documentation pages live: the `docsBaseUrl` initialization option, else `docs/rules/` of the
/// repository this server was built from, when it exists.
pub fn default_docs_base() -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    let dir = dir.canonicalize().ok()?;
    let uri = Uri::from_file_path(&dir)?;
    Some(format!("{}/", uri.as_str().trim_end_matches('/')))
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Converts one finding. The message is the finding's message, then its notes and help on their own lines.
pub fn to_lsp(
    d: &Diagnostic,
    doc: &Document,
    uri: &Uri,
    docs_base: Option<&str>,
) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    for n in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(n);
    }
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), doc.range(l.span)),
            message: if l.message.is_empty() {
                "related".into()
            } else {
                l.message.clone()
            },
        })
        .collect();
    let code_description = docs_base
        .and_then(|b| format!("{b}{}.md", d.rule.name).parse::<Uri>().ok())
        .map(|href| CodeDescription { href });
    lsp::Diagnostic {
        range: doc.range(d.primary.span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.name.to_string())),
        code_description,
        source: Some(format!("aslint {}", d.rule.code)),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "pointer": d.pointer, "code": d.rule.code })),
    }
}

/// A code action for a finding's fix (`None` when it has none).
pub fn fix_action(
    d: &Diagnostic,
    lsp_diag: lsp::Diagnostic,
    doc: &Document,
    uri: &Uri,
) -> Option<lsp::CodeAction> {
    let fix = d.fix.as_ref()?;
    let edits: Vec<TextEdit> = fix
        .edits
        .iter()
        .map(|e| TextEdit::new(doc.range(e.span), e.replacement.clone()))
        .collect();
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), edits);
    Some(lsp::CodeAction {
        title: fix.title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp_diag]),
        edit: Some(WorkspaceEdit::new(changes)),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        ..Default::default()
    })
}

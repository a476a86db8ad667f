//! The lint pipeline for one document: bytes → tree → model → rules → sorted diagnostics.
use crate::config::RuleSettings;
use crate::diagnostics::{sort_diagnostics, Diagnostic};
use crate::model;
use crate::rules::{invalid_json, invalid_yaml, Context, RULES};
use crate::syntax::{self, Node, SourceKind, Span};

/// Documents larger than this (16 times the 1 MiB definition quota) are not parsed: only the rules that need the
/// text alone (`definition-too-large`) report on them.
pub const MAX_ANALYZED_BYTES: usize = 16 * 1024 * 1024;

/// Options of one lint run.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub rules: RuleSettings,
    /// When true, a document whose top level is not an object with both `StartAt` and `States` is not an ASL
    /// definition and is skipped (used for `.json`/`.yaml` files found by a directory walk).
    pub require_definition: bool,
    /// The shape of the execution input (`--input-schema`, `--input-example`), for the type-flow rules;
    /// `None`: unknown.
    pub input_shape: Option<crate::typeflow::Shape>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            rules: RuleSettings::all(),
            require_definition: false,
            input_shape: None,
        }
    }
}

/// The text of a file and whether it decoded cleanly.
pub struct Decoded {
    pub text: String,
    /// A diagnostic when the bytes are not UTF-8 (the text is then a lossy decoding, for display only).
    pub error: Option<Diagnostic>,
}

/// Decodes file bytes as UTF-8. Invalid bytes give one diagnostic at the first bad byte.
pub fn decode(bytes: Vec<u8>, kind: SourceKind) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => Decoded { text, error: None },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let meta = if kind == SourceKind::Yaml {
                &invalid_yaml::META
            } else {
                &invalid_json::META
            };
            let d = meta
                .diagnostic(
                    Span::new(at, at + 1),
                    format!("the file is not valid UTF-8 (first bad byte at offset {at})"),
                )
                .label("not UTF-8")
                .note("Step Functions definitions are UTF-8 text")
                .help("re-save the file as UTF-8");
            Decoded {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                error: Some(d),
            }
        }
    }
}

/// True when a tree's top level is an object with both `StartAt` and `States`.
pub fn is_definition(root: &Node) -> bool {
    root.get("StartAt").is_some() && root.get("States").is_some()
}

/// Lints one document with every rule on at default severity, returning the findings sorted by position.
pub fn lint_source(path: &str, text: &str, kind: SourceKind) -> Vec<Diagnostic> {
    lint_with(path, text, kind, &LintOptions::default()).unwrap_or_default()
}

/// Lints one document. Returns `None` when `options.require_definition` is set and the document is not an ASL
/// definition.
pub fn lint_with(
    path: &str,
    text: &str,
    kind: SourceKind,
    options: &LintOptions,
) -> Option<Vec<Diagnostic>> {
    if options.require_definition && !(text.contains("StartAt") && text.contains("States")) {
        return None;
    }
    // Step Functions rejects anything over 1 MiB (`definition-too-large` says so from the text length alone);
    // a document many times that size is not parsed, so that it is answered promptly.
    let huge = text.len() > MAX_ANALYZED_BYTES;
    let parsed = if huge {
        syntax::ParseOutput::default()
    } else {
        syntax::parse(text, kind)
    };
    if options.require_definition && !huge && !parsed.root.as_ref().is_some_and(is_definition) {
        return None;
    }
    let mut out = parsed.diagnostics;
    let model = parsed.root.as_ref().map(model::build);
    let semantic = model.as_ref().map(crate::semantic::Semantic::build);
    let ctx = Context {
        path,
        text,
        kind,
        root: parsed.root.as_ref(),
        model: model.as_ref(),
        semantic: semantic.as_ref(),
        input_shape: options.input_shape.as_ref(),
        typeflow: Default::default(),
    };
    for (i, rule) in RULES.iter().enumerate() {
        if options.rules.level_at(i).is_some() {
            rule.check(&ctx, &mut out);
        }
    }
    apply_levels(&mut out, &options.rules);
    sort_diagnostics(&mut out);
    Some(out)
}

/// Drops findings of rules that are off and applies configured severities. A rule left at its default level
/// keeps the severity it chose per finding (some rules grade their findings).
pub fn apply_levels(diags: &mut Vec<Diagnostic>, settings: &RuleSettings) {
    diags.retain_mut(|d| match settings.level(d.rule.code) {
        Some(sev) => {
            let default = crate::rules::find_rule(d.rule.code).map(|r| r.meta().default_severity);
            if default != Some(sev) {
                d.severity = sev;
            }
            true
        }
        None => false,
    });
}

//! The Resources rules over the shared corpus: every `lambda-retry-missing` fix applies cleanly (the file still
//! parses, gains no error, and the finding is gone), in JSON, JSON5 and YAML files alike.
mod support;

use aslint::diagnostics::Severity;
use aslint::lint::lint_source;
use aslint::syntax::SourceKind;

#[test]
fn lambda_retry_fixes_apply_cleanly_on_the_corpus() {
    let Some(shared) = support::shared_dir("lambda_retry_fixes_apply_cleanly_on_the_corpus") else {
        return;
    };
    let mut fixed = 0;
    let mut failures = Vec::new();
    for file in support::corpus_files(&shared.join("corpus")) {
        let name = file.display().to_string();
        let kind = SourceKind::from_path(&name);
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let before = lint_source(&name, &text, kind);
        let errors_before = before
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        for d in before
            .iter()
            .filter(|d| d.rule.name == "lambda-retry-missing")
        {
            let Some(fix) = &d.fix else { continue };
            let mut out = text.clone();
            let mut edits = fix.edits.clone();
            edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
            for e in &edits {
                out.replace_range(e.span.range(), &e.replacement);
            }
            let after = lint_source(&name, &out, kind);
            let errors_after = after
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let still = after
                .iter()
                .any(|a| a.rule.name == "lambda-retry-missing" && a.pointer == d.pointer);
            if errors_after > errors_before || still {
                failures.push(format!("{name} {}", d.pointer));
            }
            fixed += 1;
        }
    }
    assert!(fixed > 50, "only {fixed} fixes tried");
    assert!(
        failures.is_empty(),
        "fixes that broke files:\n{}",
        failures.join("\n")
    );
}

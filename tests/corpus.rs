//! The shared corpus (`../shared/corpus`): valid sets lint without errors, known-invalid files are flagged.
//!
//! Known-invalid files whose problem only a rule of a later issue can find are listed, with that rule, in
//! `tests/corpus-deferred.toml`; a listed file that is flagged fails the test, so the list shrinks as rules land.
mod support;

use aslint::diagnostics::Severity;
use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct Deferred {
    deferred: Vec<DeferredFile>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct DeferredFile {
    file: String,
    rule: String,
    why: String,
}

fn deferred() -> BTreeMap<String, DeferredFile> {
    let text = include_str!("corpus-deferred.toml");
    let d: Deferred = toml::from_str(text).expect("tests/corpus-deferred.toml parses");
    d.deferred
        .into_iter()
        .map(|f| (f.file.clone(), f))
        .collect()
}

#[test]
fn valid_sets_have_no_errors() {
    let Some(shared) = support::shared_dir("valid_sets_have_no_errors") else {
        return;
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for set in ["real-world", "fixtures-valid"] {
        for file in support::corpus_files(&shared.join("corpus").join(set)) {
            count += 1;
            for d in support::lint_file(&file)
                .iter()
                .filter(|d| d.severity == Severity::Error)
            {
                failures.push(format!(
                    "{}: [{}] {} at {}",
                    file.display(),
                    d.rule.name,
                    d.message,
                    d.pointer
                ));
            }
        }
    }
    assert!(count > 600, "only {count} valid corpus files found");
    assert!(
        failures.is_empty(),
        "{} false errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn known_invalid_files_are_flagged() {
    let Some(shared) = support::shared_dir("known_invalid_files_are_flagged") else {
        return;
    };
    let base = shared.join("corpus");
    let deferred = deferred();
    let mut missed = Vec::new();
    let mut newly_flagged = Vec::new();
    let mut count = 0;
    for file in support::corpus_files(&base.join("known-invalid")) {
        count += 1;
        let rel = file
            .strip_prefix(&base)
            .unwrap_or(&file)
            .display()
            .to_string();
        let flagged = support::lint_file(&file)
            .iter()
            .any(|d| d.severity == Severity::Error);
        match (flagged, deferred.contains_key(&rel)) {
            (false, false) => missed.push(rel),
            (true, true) => newly_flagged.push(rel),
            _ => {}
        }
    }
    assert!(count > 90, "only {count} known-invalid files found");
    assert!(
        missed.is_empty(),
        "{} known-invalid files not flagged:\n{}",
        missed.len(),
        missed.join("\n")
    );
    assert!(
        newly_flagged.is_empty(),
        "now flagged, remove from tests/corpus-deferred.toml:\n{}",
        newly_flagged.join("\n")
    );
    for f in deferred.keys() {
        assert!(
            base.join(f).is_file(),
            "tests/corpus-deferred.toml names a missing file {f}"
        );
    }
}

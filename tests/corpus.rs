//! The shared corpus (`../shared/corpus`): valid sets lint without errors, known-invalid files are flagged.
//!
//! Known-invalid files whose problem only a rule of a later issue can find are listed, with that rule, in
//! `tests/corpus-deferred.toml`; a listed file that is flagged fails the test, so the list shrinks as rules land.
//! Files of the valid sets that are provably invalid (labelled valid by their source without ever being checked
//! against AWS) are listed there under `[[mislabeled]]` with the one rule allowed to report errors in them; the
//! test fails if that rule stops reporting them. Known-invalid files whose label comes from another validator's
//! stricter-than-AWS check are listed under `[[disputed]]`: the named rule must report them below error severity.
mod support;

use aslint::diagnostics::Severity;
use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct Deferred {
    deferred: Vec<DeferredFile>,
    #[serde(default)]
    disputed: Vec<DeferredFile>,
    #[serde(default)]
    mislabeled: Vec<DeferredFile>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct DeferredFile {
    file: String,
    rule: String,
    why: String,
}

fn lists() -> Deferred {
    let text = include_str!("corpus-deferred.toml");
    toml::from_str(text).expect("tests/corpus-deferred.toml parses")
}

fn by_file(list: Vec<DeferredFile>) -> BTreeMap<String, DeferredFile> {
    list.into_iter().map(|f| (f.file.clone(), f)).collect()
}

fn deferred() -> BTreeMap<String, DeferredFile> {
    by_file(lists().deferred)
}

/// Known-invalid files whose label AWS contradicts, with the rule that must still report them (below error).
fn disputed() -> BTreeMap<String, DeferredFile> {
    by_file(lists().disputed)
}

/// Valid-set files known to be invalid, with the rule whose errors are expected there.
fn mislabeled() -> BTreeMap<String, DeferredFile> {
    by_file(lists().mislabeled)
}

#[test]
fn valid_sets_have_no_errors() {
    let Some(shared) = support::shared_dir("valid_sets_have_no_errors") else {
        return;
    };
    let mislabeled = mislabeled();
    let base = shared.join("corpus");
    let mut failures = Vec::new();
    let mut count = 0;
    for set in ["real-world", "fixtures-valid"] {
        for file in support::corpus_files(&base.join(set)) {
            count += 1;
            let rel = file
                .strip_prefix(&base)
                .unwrap_or(&file)
                .display()
                .to_string();
            let expected = mislabeled.get(&rel).map(|m| m.rule.as_str());
            let diagnostics = support::lint_file(&file);
            if let Some(rule) = expected {
                if !diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Error && d.rule.name == rule)
                {
                    failures.push(format!(
                        "{rel}: listed under [[mislabeled]] but `{rule}` no longer reports it; remove the entry"
                    ));
                }
            }
            for d in diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error && Some(d.rule.name) != expected)
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
    for f in mislabeled.keys() {
        assert!(
            base.join(f).is_file(),
            "tests/corpus-deferred.toml names a missing file {f}"
        );
    }
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
    let disputed = disputed();
    let mut missed = Vec::new();
    let mut newly_flagged = Vec::new();
    let mut disputed_wrong = Vec::new();
    let mut count = 0;
    for file in support::corpus_files(&base.join("known-invalid")) {
        count += 1;
        let rel = file
            .strip_prefix(&base)
            .unwrap_or(&file)
            .display()
            .to_string();
        let diagnostics = support::lint_file(&file);
        let flagged = diagnostics.iter().any(|d| d.severity == Severity::Error);
        if let Some(entry) = disputed.get(&rel) {
            let reported = diagnostics
                .iter()
                .any(|d| d.rule.name == entry.rule && d.severity < Severity::Error);
            if flagged || !reported {
                disputed_wrong.push(format!(
                    "{rel}: listed under [[disputed]]: expected a finding of `{}` below error and no error",
                    entry.rule
                ));
            }
            continue;
        }
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
    assert!(disputed_wrong.is_empty(), "{}", disputed_wrong.join("\n"));
    for f in deferred.keys().chain(disputed.keys()) {
        assert!(
            base.join(f).is_file(),
            "tests/corpus-deferred.toml names a missing file {f}"
        );
    }
}

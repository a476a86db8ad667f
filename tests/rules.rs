//! The rule registry and the per-rule fixtures.
//!
//! Every rule has `fixtures/rules/<rule-name>/valid-*` files (no error of any rule, no finding of its own rule) and
//! `invalid-*` files (at least one finding of its own rule); the human output of every fixture is an insta snapshot
//! in `fixtures/rules/<rule-name>/snapshots/`.
use aslint::lint::lint_source;
use aslint::render::{render_human, FileReport};
use aslint::rules::RULES;
use aslint::syntax::SourceKind;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in RULES {
        let m = r.meta();
        assert!(codes.insert(m.code), "duplicate code {}", m.code);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        assert!(
            m.code.len() == 6
                && m.code.starts_with("ASL")
                && m.code[3..].bytes().all(|b| b.is_ascii_digit()),
            "code {} is not ASLnnn",
            m.code
        );
        assert!(
            !m.name.is_empty()
                && m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                && !m.name.starts_with('-')
                && !m.name.ends_with('-'),
            "name {} is not kebab-case",
            m.name
        );
    }
    let mut sorted: Vec<_> = RULES.iter().map(|r| r.meta().code).collect();
    sorted.sort();
    assert_eq!(
        sorted,
        RULES.iter().map(|r| r.meta().code).collect::<Vec<_>>(),
        "RULES is kept in code order"
    );
}

#[test]
fn every_rule_documents_itself() {
    for r in RULES {
        let m = r.meta();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(
                m.docs.contains(heading),
                "rule {} lacks the `{heading}` section",
                m.name
            );
        }
        assert!(
            !m.summary().is_empty() && !m.summary().contains("TODO"),
            "rule {} has no summary",
            m.name
        );
        let short = m.short_summary();
        assert!(
            !short.is_empty() && !short.contains('\n') && short.len() <= m.summary().len(),
            "rule {} has no one-line summary",
            m.name
        );
    }
}

#[test]
fn every_rule_has_valid_and_invalid_fixtures() {
    let base = root().join("fixtures/rules");
    for r in RULES {
        let m = r.meta();
        let files = fixture_files(&base.join(m.name));
        let name = |p: &PathBuf| {
            p.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string()
        };
        assert!(
            files.iter().any(|p| name(p).starts_with("valid")),
            "rule {} has no valid-* fixture",
            m.name
        );
        assert!(
            files.iter().any(|p| name(p).starts_with("invalid")),
            "rule {} has no invalid-* fixture",
            m.name
        );
    }
    // And every fixture folder belongs to a rule.
    for entry in std::fs::read_dir(&base).expect("fixtures/rules exists") {
        let entry = entry.expect("readable");
        let dir = entry.file_name().to_string_lossy().to_string();
        assert!(
            RULES.iter().any(|r| r.meta().name == dir),
            "fixtures/rules/{dir} names no rule"
        );
    }
}

#[test]
fn fixtures_give_their_findings_and_match_snapshots() {
    let base = root().join("fixtures/rules");
    let mut checked = 0;
    for r in RULES {
        let m = r.meta();
        let dir = base.join(m.name);
        for file in fixture_files(&dir) {
            let fname = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            let bytes = std::fs::read(&file).expect("fixture readable");
            let rel = format!("fixtures/rules/{}/{}", m.name, fname);
            let kind = SourceKind::from_path(&fname);
            let decoded = aslint::lint::decode(bytes, kind);
            let diagnostics = match decoded.error {
                Some(d) => vec![d],
                None => lint_source(&rel, &decoded.text, kind),
            };
            let own = diagnostics.iter().filter(|d| d.rule.code == m.code).count();
            if fname.starts_with("valid") {
                assert_eq!(
                    own, 0,
                    "{rel}: valid fixture has findings of its own rule: {diagnostics:#?}"
                );
                let errors: Vec<_> = diagnostics
                    .iter()
                    .filter(|d| d.severity == aslint::diagnostics::Severity::Error)
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{rel}: valid fixture has errors: {errors:#?}"
                );
            } else if fname.starts_with("invalid") {
                assert!(
                    own > 0,
                    "{rel}: invalid fixture has no finding of rule {}: {diagnostics:#?}",
                    m.name
                );
            } else {
                panic!("{rel}: fixture names start with valid- or invalid-");
            }
            let report = FileReport {
                path: rel.clone(),
                text: decoded.text,
                diagnostics,
            };
            let rendered = render_human(&report, false);
            insta::with_settings!({
                snapshot_path => dir.join("snapshots"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(fname.clone(), rendered);
            });
            checked += 1;
        }
    }
    assert!(
        checked >= 2 * RULES.len(),
        "only {checked} fixtures checked"
    );
}

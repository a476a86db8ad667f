//! The type-flow analysis terminates quickly and never panics on random mutations of corpus definitions:
//! rewired transitions (loops, self-loops, Choice merges), random InputPath/ResultPath/OutputPath values, and
//! random byte edits that the tolerant parsers recover from.
mod support;

use aslint::semantic::Semantic;
use aslint::syntax::{parse, SourceKind};
use aslint::typeflow::analyze;
use proptest::prelude::*;
use serde_json::Value as J;
use std::sync::OnceLock;

/// Up to 80 JSON definitions of the real-world corpus, as text (`None` without ../shared).
fn corpus() -> Option<&'static [String]> {
    static CORPUS: OnceLock<Option<Vec<String>>> = OnceLock::new();
    CORPUS
        .get_or_init(|| {
            let shared = support::shared_dir("typeflow_robustness")?;
            let files = support::corpus_files(&shared.join("corpus/real-world"));
            Some(
                files
                    .iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "json"))
                    .step_by(5)
                    .take(80)
                    .filter_map(|p| std::fs::read_to_string(p).ok())
                    .collect(),
            )
        })
        .as_deref()
}

/// Runs the analysis on `text` (termination is bounded by the analysis' step budget, not asserted by the clock).
fn analyse(text: &str) {
    let parsed = parse(text, SourceKind::Json);
    if let Some(root) = parsed.root.as_ref() {
        let model = aslint::model::build(root);
        let sem = Semantic::build(&model);
        let a = analyze(&sem);
        // Every read belongs to a state the analysis reached.
        for r in a.reads() {
            assert!(a.state(r.state).is_some());
        }
    }
}

const PATHS: &[&str] = &[
    "$",
    "$.a",
    "$.a.b",
    "$.x[0]",
    "$.Payload",
    "$.error",
    "$['a']",
    "$.a[-1]",
    "$..a",
    "$.a[*]",
];

/// Rewrites every state object of `v` (at any depth): `Next` to a random state name of the document, and
/// InputPath / ResultPath / OutputPath to random paths, driven by `picks`.
fn mutate(v: &mut J, names: &[String], picks: &mut impl Iterator<Item = usize>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        J::Object(m) => {
            if m.contains_key("Type") {
                let p = picks.next().unwrap_or(0);
                if m.contains_key("Next") && !names.is_empty() && p % 2 == 0 {
                    m.insert("Next".into(), J::String(names[p % names.len()].clone()));
                }
                for (i, field) in ["InputPath", "ResultPath", "OutputPath"].iter().enumerate() {
                    let q = picks.next().unwrap_or(0);
                    if q % 4 == i {
                        m.insert((*field).into(), J::String(PATHS[q % PATHS.len()].into()));
                    }
                }
            }
            for (_, x) in m.iter_mut() {
                mutate(x, names, picks, depth + 1);
            }
        }
        J::Array(items) => {
            for x in items {
                mutate(x, names, picks, depth + 1);
            }
        }
        _ => {}
    }
}

fn state_names(v: &J, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        J::Object(m) => {
            if let Some(J::Object(states)) = m.get("States") {
                out.extend(states.keys().cloned());
            }
            for x in m.values() {
                state_names(x, out, depth + 1);
            }
        }
        J::Array(items) => items.iter().for_each(|x| state_names(x, out, depth + 1)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn rewired_definitions(file in 0usize..80, picks in prop::collection::vec(0usize..1000, 1..200)) {
        let Some(corpus) = corpus() else { return Ok(()) };
        let Some(text) = corpus.get(file % corpus.len().max(1)) else { return Ok(()) };
        let Ok(mut v) = serde_json::from_str::<J>(text) else { return Ok(()) };
        let mut names = Vec::new();
        state_names(&v, &mut names, 0);
        let mut it = picks.into_iter().cycle();
        mutate(&mut v, &names, &mut it, 0);
        analyse(&v.to_string());
    }

    #[test]
    fn byte_edits(file in 0usize..80, edits in prop::collection::vec((0usize..100_000, 0usize..12), 1..8)) {
        let Some(corpus) = corpus() else { return Ok(()) };
        let Some(text) = corpus.get(file % corpus.len().max(1)) else { return Ok(()) };
        let mut bytes = text.clone().into_bytes();
        const INSERTS: &[&[u8]] = &[b"{", b"}", b"[", b"]", b"\"", b",", b":", b"$.", b"\"Next\": \"", b"null", b"", b"\"ResultPath\": \"$\","];
        for (at, what) in edits {
            if bytes.is_empty() { break; }
            let at = at % bytes.len();
            let ins = INSERTS[what % INSERTS.len()];
            if ins.is_empty() {
                let end = (at + 7).min(bytes.len());
                bytes.drain(at..end);
            } else {
                bytes.splice(at..at, ins.iter().copied());
            }
        }
        analyse(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn corpus_is_present_or_skipped() {
    // Fails under ASLINT_REQUIRE_SHARED=1 when ../shared is missing; otherwise checks what was loaded.
    if let Some(c) = corpus() {
        assert!(!c.is_empty(), "no JSON definitions loaded from the corpus");
    }
}

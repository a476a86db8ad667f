//! Speed of `aslint check`: the whole shared corpus in one process, its serde_json floor, and a generated
//! 10,000-state definition. Run with `cargo bench --bench check`; see BENCHMARKS.md for the goals.
//!
//! Inputs are read into memory (corpus) or generated (10k file) before timing, so the figures exclude file I/O.
//! The corpus benchmarks are skipped, with a notice, when `../shared` is absent.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aslint::lint::lint_source;
use aslint::syntax::{self, SourceKind};
use divan::counter::BytesCount;
use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

/// One corpus file, pre-read.
struct File {
    path: String,
    text: String,
    kind: SourceKind,
    /// INDEX.json says the file is strict JSON (parseable by serde_json).
    strict_json: bool,
}

struct Corpus {
    files: Vec<File>,
}

impl Corpus {
    fn bytes(&self, strict_only: bool) -> usize {
        self.files
            .iter()
            .filter(|f| !strict_only || f.strict_json)
            .map(|f| f.text.len())
            .sum()
    }
}

/// The shared corpus (every definition under `../shared/corpus/<category>/<source>/`), or `None` when absent.
fn corpus() -> Option<&'static Corpus> {
    static CORPUS: OnceLock<Option<Corpus>> = OnceLock::new();
    CORPUS
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
            if !root.is_dir() {
                eprintln!(
                    "notice: {} is absent; corpus benchmarks skipped",
                    root.display()
                );
                return None;
            }
            let corpus = load_corpus(&root);
            let strict = corpus.files.iter().filter(|f| f.strict_json).count();
            eprintln!(
                "corpus: {} files, {} bytes; strict JSON: {} files, {} bytes",
                corpus.files.len(),
                corpus.bytes(false),
                strict,
                corpus.bytes(true)
            );
            Some(corpus)
        })
        .as_ref()
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    entries.sort();
    entries
}

fn load_corpus(root: &Path) -> Corpus {
    let mut files = Vec::new();
    for category in sorted_entries(root).into_iter().filter(|p| p.is_dir()) {
        for source in sorted_entries(&category).into_iter().filter(|p| p.is_dir()) {
            let index: serde_json::Value = std::fs::read_to_string(source.join("INDEX.json"))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(serde_json::Value::Null);
            for path in sorted_entries(&source) {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name == "INDEX.json" || !path.is_file() {
                    continue;
                }
                let text = match std::fs::read_to_string(&path) {
                    Ok(t) => t,
                    Err(e) => panic!("cannot read {}: {e}", path.display()),
                };
                let path = path.to_string_lossy().into_owned();
                let strict_json =
                    index["files"][name.as_str()]["strict_json"] == serde_json::Value::Bool(true);
                files.push(File {
                    kind: SourceKind::from_path(&path),
                    path,
                    text,
                    strict_json,
                });
            }
        }
    }
    Corpus { files }
}

/// (a) Lint every corpus file (JSON, JSON5 and YAML) in one process.
#[divan::bench(sample_count = 30)]
fn corpus_lint_all(bencher: Bencher) {
    let Some(corpus) = corpus() else { return };
    bencher
        .counter(BytesCount::new(corpus.bytes(false)))
        .bench(|| {
            let mut findings = 0usize;
            for f in &corpus.files {
                findings += lint_source(&f.path, black_box(&f.text), f.kind).len();
            }
            findings
        });
}

/// (a') Lint only the strict-JSON files: the same bytes as the floor below, for the 3x comparison.
#[divan::bench(sample_count = 30)]
fn corpus_lint_strict_json(bencher: Bencher) {
    let Some(corpus) = corpus() else { return };
    bencher
        .counter(BytesCount::new(corpus.bytes(true)))
        .bench(|| {
            let mut findings = 0usize;
            for f in corpus.files.iter().filter(|f| f.strict_json) {
                findings += lint_source(&f.path, black_box(&f.text), f.kind).len();
            }
            findings
        });
}

/// (b) The floor: serde_json-parse the strict-JSON files only (JSON5 and YAML files are skipped here).
#[divan::bench(sample_count = 30)]
fn corpus_serde_json_floor(bencher: Bencher) {
    let Some(corpus) = corpus() else { return };
    bencher
        .counter(BytesCount::new(corpus.bytes(true)))
        .bench(|| {
            let mut parsed = 0usize;
            for f in corpus.files.iter().filter(|f| f.strict_json) {
                if serde_json::from_str::<serde_json::Value>(black_box(&f.text)).is_ok() {
                    parsed += 1;
                }
            }
            parsed
        });
}

/// Number of states in the generated definition.
const GENERATED_STATES: usize = 10_000;

/// A deterministic definition of exactly [`GENERATED_STATES`] states: a chain cycling Task (Parameters, Retry,
/// Catch), Pass (Parameters, ResultPath) and Choice (two rules and a Default), then a Fail (the catch target) and a
/// Succeed.
fn generated_definition() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        use std::fmt::Write as _;
        let chain = GENERATED_STATES - 2;
        let name = |i: usize| if i < chain { format!("Step {i}") } else { "Done".to_string() };
        let mut s = String::with_capacity(GENERATED_STATES * 400);
        s.push_str("{\n  \"Comment\": \"Generated benchmark definition\",\n  \"StartAt\": \"Step 0\",\n  \"States\": {\n");
        for i in 0..chain {
            let next = name(i + 1);
            let body = match i % 3 {
                0 => format!(
                    r#""Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {{ "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:step-{i}", "Payload": {{ "step": {i}, "input.$": "$" }} }},
      "ResultSelector": {{ "value.$": "$.Payload" }},
      "ResultPath": "$.step{i}",
      "TimeoutSeconds": 60,
      "Retry": [ {{ "ErrorEquals": ["Lambda.ServiceException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0, "JitterStrategy": "FULL" }} ],
      "Catch": [ {{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle error" }} ],
      "Next": "{next}""#
                ),
                1 => format!(
                    r#""Type": "Pass",
      "Parameters": {{ "index": {i}, "previous.$": "$.step{prev}", "name.$": "States.Format('step-{{}}', $.id)" }},
      "ResultPath": "$.pass{i}",
      "Next": "{next}""#,
                    prev = i - 1
                ),
                _ => format!(
                    r#""Type": "Choice",
      "Choices": [
        {{ "And": [ {{ "Variable": "$.pass{prev}.index", "IsPresent": true }}, {{ "Variable": "$.pass{prev}.index", "NumericGreaterThanEquals": 0 }} ], "Next": "{next}" }},
        {{ "Variable": "$.mode", "StringEquals": "skip", "Next": "{next}" }}
      ],
      "Default": "{next}""#,
                    prev = i - 1
                ),
            };
            let _ = write!(s, "    \"Step {i}\": {{\n      {body}\n    }},\n");
        }
        s.push_str("    \"Handle error\": {\n      \"Type\": \"Fail\",\n      \"ErrorPath\": \"$.error.Error\",\n      \"CausePath\": \"$.error.Cause\"\n    },\n");
        s.push_str("    \"Done\": {\n      \"Type\": \"Succeed\"\n    }\n  }\n}\n");
        // The generator is ours, not input: check once that it still yields exactly GENERATED_STATES states.
        let states = serde_json::from_str::<serde_json::Value>(&s)
            .ok()
            .and_then(|v| v["States"].as_object().map(|m| m.len()));
        assert_eq!(states, Some(GENERATED_STATES), "generated definition must be JSON with {GENERATED_STATES} states");
        eprintln!("generated definition: {GENERATED_STATES} states, {} bytes", s.len());
        s
    })
}

/// (c) Lint the generated 10,000-state definition.
#[divan::bench(sample_count = 20)]
fn generated_10k_lint(bencher: Bencher) {
    let text = generated_definition();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| lint_source("generated-10k.asl.json", black_box(text), SourceKind::Json).len());
}

/// (d) Parse only (aslint's spanned parser) the generated 10,000-state definition.
#[divan::bench(sample_count = 20)]
fn generated_10k_parse(bencher: Bencher) {
    let text = generated_definition();
    bencher.counter(BytesCount::new(text.len())).bench(|| {
        syntax::parse(black_box(text), SourceKind::Json)
            .diagnostics
            .len()
    });
}

/// (d') The serde_json floor for the generated definition.
#[divan::bench(sample_count = 20)]
fn generated_10k_serde_json_floor(bencher: Bencher) {
    let text = generated_definition();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| serde_json::from_str::<serde_json::Value>(black_box(text)).is_ok());
}

/// (e) The type-flow analysis alone (`aslint::typeflow::analyze`) on the generated 10,000-state definition,
/// parse, model and semantic model built before timing. Compare with `generated_10k_lint`, which includes it.
#[divan::bench(sample_count = 20)]
fn typeflow_10k_analysis(bencher: Bencher) {
    let text = generated_definition();
    let parsed = syntax::parse(text, SourceKind::Json);
    let Some(root) = parsed.root.as_ref() else {
        return;
    };
    let model = aslint::model::build(root);
    let sem = aslint::semantic::Semantic::build(&model);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| aslint::typeflow::analyze(black_box(&sem)).reads().count());
}

/// Choice states in the ring of [`choice_ring_definition`].
const RING_CHOICES: usize = 500;

/// A loop of [`RING_CHOICES`] Choice states, each with a Pass state beside it that adds a field: every state is
/// in one cycle, so the analysis iterates to its fixpoint (with widening).
fn choice_ring_definition() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        use std::fmt::Write as _;
        let n = RING_CHOICES;
        let mut s = String::from(
            "{\"StartAt\": \"Init\", \"States\": {\n  \"Init\": {\"Type\": \"Pass\", \"Result\": {\"n\": 0, \"s\": \"x\"}, \"Next\": \"C0\"},\n",
        );
        for i in 0..n {
            let next = (i + 1) % n;
            let _ = write!(
                s,
                "  \"C{i}\": {{\"Type\": \"Choice\", \"Choices\": [{{\"Variable\": \"$.n\", \"NumericGreaterThan\": {i}, \"Next\": \"P{i}\"}}, {{\"Variable\": \"$.s\", \"StringEquals\": \"y\", \"Next\": \"C{next}\"}}], \"Default\": \"Done\"}},\n  \"P{i}\": {{\"Type\": \"Pass\", \"Parameters\": {{\"n.$\": \"States.MathAdd($.n, 1)\", \"s.$\": \"$.s\", \"f{i}\": {i}}}, \"Next\": \"C{next}\"}},\n"
            );
        }
        s.push_str("  \"Done\": {\"Type\": \"Succeed\"}\n}}\n");
        s
    })
}

/// (f) Lint the Choice ring (all rules, the type flow included).
#[divan::bench(sample_count = 20)]
fn choice_ring_lint(bencher: Bencher) {
    let text = choice_ring_definition();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| lint_source("choice-ring.asl.json", black_box(text), SourceKind::Json).len());
}

/// (f'') `check --ignore types` on the Choice ring: the baseline of the "< 2x" aim (the type-flow rules off, so the
/// analysis never runs).
#[divan::bench(sample_count = 20)]
fn choice_ring_lint_without_types(bencher: Bencher) {
    let text = choice_ring_definition();
    let config = aslint::config::Config::parse("", None).expect("empty config");
    let ignore = [aslint::config::Selector::parse("types").expect("category selector")];
    let options = aslint::lint::LintOptions {
        rules: aslint::config::RuleSettings::resolve(&config, &[], &ignore),
        ..Default::default()
    };
    bencher.counter(BytesCount::new(text.len())).bench(|| {
        aslint::lint::lint_with(
            "choice-ring.asl.json",
            black_box(text),
            SourceKind::Json,
            &options,
        )
        .map_or(0, |d| d.len())
    });
}

/// (f') The type-flow analysis alone on the Choice ring.
#[divan::bench(sample_count = 20)]
fn choice_ring_typeflow(bencher: Bencher) {
    let text = choice_ring_definition();
    let parsed = syntax::parse(text, SourceKind::Json);
    let Some(root) = parsed.root.as_ref() else {
        return;
    };
    let model = aslint::model::build(root);
    let sem = aslint::semantic::Semantic::build(&model);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| aslint::typeflow::analyze(black_box(&sem)).reads().count());
}

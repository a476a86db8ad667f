//! Speed of the simulator (`aslint::sim::run`): state transitions per second on a Pass/Choice counter loop and on a
//! 10,000-item inline Map, and the time to run every AWS-recorded oracle vector. Run with
//! `cargo bench --bench sim`; see BENCHMARKS.md ("Simulator") for the goals and figures.
//!
//! Definitions are parsed and inputs built before timing; each timed iteration builds the model and runs it. The
//! items counter is the number of states entered by one run (computed once, before timing), so divan's
//! throughput column is transitions per second. The oracle benchmark is skipped, with a notice, when
//! `../shared` is absent.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aslint::model;
use aslint::sim::{self, Mocks, SimOptions, Status, Unmocked};
use aslint::syntax::{self, Node, SourceKind};
use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use serde_json::{json, Value};

fn main() {
    divan::main();
}

fn parse(v: &Value) -> Node {
    let text = v.to_string();
    syntax::parse(&text, SourceKind::Json)
        .root
        .unwrap_or_else(|| panic!("benchmark definition does not parse: {text}"))
}

/// A counter loop: `Loop?` (Choice, `$.i < limit`) → `Inc` (Pass, `States.MathAdd($.i, 1)`) → `Loop?` ...; two
/// transitions per iteration.
fn counter_loop(limit: u64) -> Node {
    parse(&json!({
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Loop?"},
            "Loop?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThan": limit, "Next": "Inc"}],
                "Default": "Done"
            },
            "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Loop?"},
            "Done": {"Type": "Succeed"}
        }
    }))
}

/// Runs once and returns the number of states entered, checking the run ended as expected.
fn states_entered(root: &Node, opts: &SimOptions, want: Status) -> usize {
    let def = model::build(root);
    let e = sim::run(&def, opts);
    assert_eq!(
        e.status, want,
        "unexpected end of the benchmark run: {:?} {:?}",
        e.error, e.cause
    );
    e.states.len()
}

fn bench_run(bencher: Bencher, root: &Node, opts: &SimOptions, want: Status) {
    let n = states_entered(root, opts, want);
    bencher.counter(ItemsCount::new(n)).bench(|| {
        let def = model::build(black_box(root));
        black_box(sim::run(&def, black_box(opts)))
    });
}

/// 3,000 iterations: 6,002 transitions, 12,006 history events, under AWS's 25,000-event limit; the run succeeds.
#[divan::bench(sample_count = 20)]
fn counter_loop_3000(bencher: Bencher) {
    let root = counter_loop(3_000);
    bench_run(bencher, &root, &SimOptions::default(), Status::Succeeded);
}

/// A 10,000-iteration loop: the run ends when the history reaches the 25,000-event limit (6,250 transitions), as
/// it would on AWS.
#[divan::bench(sample_count = 20)]
fn counter_loop_10000_to_event_limit(bencher: Bencher) {
    let root = counter_loop(10_000);
    bench_run(bencher, &root, &SimOptions::default(), Status::Failed);
}

fn inline_map() -> Node {
    parse(&json!({
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Add",
                    "States": {
                        "Add": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.n, 1)"}, "End": true}
                    }
                },
                "End": true
            }
        }
    }))
}

fn map_input(items: u64) -> SimOptions {
    SimOptions {
        input: json!({"items": (0..items).map(|n| json!({"n": n})).collect::<Vec<_>>()}),
        ..SimOptions::default()
    }
}

/// A 10,000-item inline Map whose iteration is one Pass state. Each iteration writes two state events, so the run
/// reaches the 25,000-event history limit after about 6,250 iterations (AWS would stop there too); the figure is
/// the throughput up to that point.
#[divan::bench(sample_count = 10)]
fn inline_map_10000_items(bencher: Bencher) {
    let root = inline_map();
    bench_run(bencher, &root, &map_input(10_000), Status::Failed);
}

/// The largest inline Map of this shape that completes under the history limit (6,000 items).
#[divan::bench(sample_count = 10)]
fn inline_map_6000_items(bencher: Bencher) {
    let root = inline_map();
    bench_run(bencher, &root, &map_input(6_000), Status::Succeeded);
}

/// One oracle vector, pre-parsed.
struct Vector {
    root: Node,
    opts: SimOptions,
}

fn oracle() -> Option<&'static Vec<Vector>> {
    static VECTORS: OnceLock<Option<Vec<Vector>>> = OnceLock::new();
    VECTORS
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/oracle/vectors");
            if !dir.is_dir() {
                eprintln!(
                    "notice: {} is absent; oracle benchmark skipped",
                    dir.display()
                );
                return None;
            }
            let mut files: Vec<PathBuf> = Vec::new();
            for area in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                files.extend(
                    std::fs::read_dir(area.path())
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(|e| e.path()),
                );
            }
            files.sort();
            let vectors: Vec<Vector> = files
                .iter()
                .filter_map(|f| {
                    let v: Value = serde_json::from_str(&std::fs::read_to_string(f).ok()?).ok()?;
                    let root = parse(v.get("definition")?);
                    let mocks = match v.get("mocks") {
                        Some(m) => Mocks::from_inline_value(m).ok()?,
                        None => Mocks::none(),
                    };
                    Some(Vector {
                        root,
                        opts: SimOptions {
                            input: v.get("input").cloned().unwrap_or(Value::Null),
                            context: v.get("context").cloned().unwrap_or(Value::Null),
                            mocks,
                            resources: v.get("resources").cloned().unwrap_or(Value::Null),
                            seed: 0,
                            unmocked: Unmocked::Echo,
                        },
                    })
                })
                .collect();
            eprintln!("oracle: {} vectors", vectors.len());
            Some(vectors)
        })
        .as_ref()
}

/// Every oracle vector (864), one after another: model build and run, no file I/O or JSON parsing.
#[divan::bench(sample_count = 10)]
fn oracle_all_vectors(bencher: Bencher) {
    let Some(vectors) = oracle() else {
        return;
    };
    bencher.counter(ItemsCount::new(vectors.len())).bench(|| {
        for v in vectors {
            let def = model::build(&v.root);
            black_box(sim::run(&def, &v.opts));
        }
    });
}

//! Unit tests of the interpreter on small definitions.

use super::*;
use crate::syntax::{self, SourceKind};
use serde_json::json;

fn run_json(def: &str, input: Value, mocks: Value) -> Execution {
    let parsed = syntax::parse(def, SourceKind::Json);
    let root = parsed.root.expect("test definition parses");
    let model = crate::model::build(&root);
    let opts = SimOptions {
        input,
        mocks: Mocks::from_inline_value(&mocks).expect("test mocks"),
        ..SimOptions::default()
    };
    run(&model, &opts)
}

#[test]
fn pass_chain_with_paths() {
    let e = run_json(
        r#"{"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Parameters": {"x.$": "$.v"}, "ResultPath": "$.r", "Next": "B"},
            "B": {"Type": "Pass", "OutputPath": "$.r", "End": true}}}"#,
        json!({"v": 1}),
        json!({}),
    );
    assert_eq!(e.status, Status::Succeeded);
    assert_eq!(e.output, Some(json!({"x": 1})));
    assert_eq!(e.states.len(), 2);
    assert_eq!(e.states[0].output, Some(json!({"v": 1, "r": {"x": 1}})));
}

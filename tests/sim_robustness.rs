//! The simulator never panics and always ends: every definition of the shared corpus (valid or not) is run with
//! echoed Task results, and mock configurations made of arbitrary bytes are read without panicking.

mod support;

use aslint::sim::{self, SimOptions, Unmocked};
use aslint::syntax::{self, SourceKind};
use proptest::prelude::*;

#[test]
fn every_corpus_definition_runs_to_an_end() {
    let Some(shared) = support::shared_dir("every_corpus_definition_runs_to_an_end") else {
        return;
    };
    let files = support::corpus_files(&shared.join("corpus"));
    assert!(!files.is_empty(), "the corpus is empty");
    let opts = SimOptions {
        unmocked: Unmocked::Echo,
        ..SimOptions::default()
    };
    let mut ran = 0usize;
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let name = f.display().to_string();
        let kind = SourceKind::from_path(&name);
        let text = String::from_utf8_lossy(&bytes);
        let parsed = syntax::parse(&text, kind);
        let Some(root) = parsed.root.as_ref() else {
            continue;
        };
        let model = aslint::model::build(root);
        let e = sim::run(&model, &opts);
        assert!(
            e.events.len() <= 25_001,
            "{name}: {} history events",
            e.events.len()
        );
        assert_eq!(
            e.status == sim::Status::Succeeded,
            e.output.is_some(),
            "{name}: status and output disagree"
        );
        ran += 1;
    }
    println!("simulated {ran} corpus definitions");
    assert!(
        ran > files.len() / 2,
        "only {ran} of {} definitions ran",
        files.len()
    );
}

proptest! {
    #[test]
    fn mock_configs_of_any_text_do_not_panic(text in "\\PC{0,200}", case in "[A-Za-z]{0,4}") {
        let _ = sim::cli::load_mocks(&text, None, Some(&case));
        let _ = sim::cli::parse_json_text(&text);
    }

    #[test]
    fn definitions_of_any_shape_do_not_panic(
        ty in prop::sample::select(vec!["Pass", "Task", "Choice", "Wait", "Map", "Parallel", "Fail", "Succeed", "X"]),
        field in prop::sample::select(vec!["InputPath", "OutputPath", "ResultPath", "ItemsPath", "SecondsPath", "TimestampPath", "ErrorPath", "Default", "Next"]),
        value in "[$.a-z\\[\\]0-9*()',]{0,12}",
        input in prop::sample::select(vec!["{}", "[1,2]", "{\"a\": [\"2025-01-01T00:00:00Z\"]}", "3", "null"]),
    ) {
        let def = format!(
            r#"{{"StartAt": "S", "States": {{"S": {{"Type": "{ty}", "{field}": "{value}", "Choices": [{{"Variable": "{value}", "IsPresent": true, "Next": "S"}}], "Branches": [{{"StartAt": "S", "States": {{"S": {{"Type": "Pass", "End": true}}}}}}], "ItemProcessor": {{"StartAt": "S", "States": {{"S": {{"Type": "Pass", "End": true}}}}}}, "End": true}}}}}}"#
        );
        let parsed = syntax::parse(&def, SourceKind::Json);
        if let Some(root) = parsed.root.as_ref() {
            let model = aslint::model::build(root);
            let opts = SimOptions {
                input: serde_json::from_str(input).unwrap_or_default(),
                unmocked: Unmocked::Echo,
                ..SimOptions::default()
            };
            let e = sim::run(&model, &opts);
            prop_assert!(e.events.len() <= 25_001);
        }
    }
}

//! The published JSON Schema (`schemas/asl.schema.json`): it is valid draft-07, it accepts the real-world and
//! valid-fixture corpus and the clean examples, and it rejects plain mistakes.
//!
//! To check another definition against the schema, call [`validates`]; it returns every violation as
//! `"<instance pointer>: <message>"`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aslint::diagnostics::Severity;
use aslint::syntax::SourceKind;
use serde_json::{json, Value};

/// The schema text, embedded at compile time so the tests never depend on the working directory.
const SCHEMA_TEXT: &str = include_str!("../schemas/asl.schema.json");

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(SCHEMA_TEXT)
            .unwrap_or_else(|e| panic!("schemas/asl.schema.json is not JSON: {e}"))
    })
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::draft7::new(schema())
            .unwrap_or_else(|e| panic!("schemas/asl.schema.json does not compile as draft-07: {e}"))
    })
}

/// Validates one definition against the schema: `Ok(())`, or every violation as `"<pointer>: <message>"`.
pub fn validates(definition: &Value) -> Result<(), Vec<String>> {
    let errors: Vec<String> = validator()
        .iter_errors(definition)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `<crate>/../shared/corpus`, or `None` (with a notice) when the shared material is absent. Panics instead when
/// `ASLINT_REQUIRE_SHARED=1`.
fn shared_corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("ASLINT_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!(
            "ASLINT_REQUIRE_SHARED=1 but the shared corpus is missing at {}",
            dir.display()
        );
    }
    eprintln!(
        "notice: {} is absent; skipping the corpus schema test",
        dir.display()
    );
    None
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Sorted subdirectories of `dir`.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn schema_is_valid_draft7() {
    let schema = schema();
    assert_eq!(
        schema.get("$schema").and_then(Value::as_str),
        Some("http://json-schema.org/draft-07/schema#"),
        "the schema must declare draft-07"
    );
    if let Err(e) = jsonschema::draft7::meta::validate(schema) {
        panic!(
            "schemas/asl.schema.json is not a valid draft-07 schema: {e} at {}",
            e.instance_path()
        );
    }
    // It compiles, and it is not trivially permissive.
    assert!(
        validates(&json!({})).is_err(),
        "an empty object must be rejected"
    );
    // Every state type has its own definition with additionalProperties false.
    for ty in [
        "pass", "task", "choice", "wait", "succeed", "fail", "parallel", "map",
    ] {
        let def = &schema["definitions"][format!("{ty}State")];
        assert_eq!(
            def["additionalProperties"],
            json!(false),
            "{ty}State must close its fields"
        );
        assert!(
            def["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{ty}State needs a description"
        );
    }
}

#[test]
fn corpus_strict_json_validates() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for category in ["real-world", "fixtures-valid"] {
        for source in subdirs(&corpus.join(category)) {
            let index = read_json(&source.join("INDEX.json"));
            let files = index["files"]
                .as_object()
                .unwrap_or_else(|| panic!("{}/INDEX.json has no files object", source.display()));
            for (name, meta) in files {
                if meta["strict_json"] != json!(true) {
                    continue; // JSON5 and YAML files need aslint's own parsers.
                }
                let path = source.join(name);
                checked += 1;
                if let Err(errors) = validates(&read_json(&path)) {
                    failures.push(format!(
                        "{}:\n    {}",
                        path.display(),
                        errors.join("\n    ")
                    ));
                }
            }
        }
    }
    assert!(
        checked >= 400,
        "expected at least 400 strict-JSON corpus files, found {checked}"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} corpus definitions fail the schema:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/examples")
}

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("fixtures/examples exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path.to_string_lossy();
            name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml")
        })
        .collect();
    files.sort();
    files
}

/// `with-findings*` examples are mistakes on purpose.
fn is_findings_example(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("with-findings"))
}

#[test]
fn clean_examples_validate() {
    let files = example_files();
    let json_count = files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".json"))
        .count();
    assert!(
        json_count >= 4,
        "expected at least 4 JSON examples, found {json_count}"
    );
    let mut validated = 0usize;
    let mut failures = Vec::new();
    for path in &files {
        if is_findings_example(path) {
            continue;
        }
        let path_str = path.to_string_lossy();
        let text = std::fs::read_to_string(path).expect("example is readable");
        let kind = SourceKind::from_path(&path_str);
        let diagnostics = aslint::lint::lint_source(&path_str, &text, kind);
        let errors: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            errors.is_empty(),
            "example {path_str} has lint errors: {errors:?}"
        );
        let definition = if kind == SourceKind::Json {
            read_json(path)
        } else {
            // YAML: through aslint's own parser (CloudFormation tags become null); skipped until it exists.
            match aslint::syntax::parse(&text, kind).root {
                Some(root) => root.to_json(),
                None => {
                    eprintln!("notice: {path_str}: the YAML parser gave no tree yet; schema check skipped");
                    continue;
                }
            }
        };
        validated += 1;
        if let Err(errors) = validates(&definition) {
            failures.push(format!("{path_str}:\n    {}", errors.join("\n    ")));
        }
    }
    assert!(
        validated >= 3,
        "expected at least 3 clean JSON examples, validated {validated}"
    );
    assert!(
        failures.is_empty(),
        "clean examples fail the schema:\n{}",
        failures.join("\n")
    );
}

/// The deliberately broken example is rejected for each of its mistakes.
#[test]
fn findings_example_is_rejected_for_each_mistake() {
    let definition = read_json(&examples_dir().join("with-findings.asl.json"));
    let errors = validates(&definition).expect_err("with-findings.asl.json must not validate");
    let all = errors.join("\n");
    for expected in [
        "Nxt",
        "/States/Fetch/TimeoutSeconds",
        "/States/Fetch/Retry/0/JitterStrategy",
        "/States/Store",
    ] {
        assert!(
            all.contains(expected),
            "no violation mentioning {expected:?} in:\n{all}"
        );
    }
}

/// A minimal valid machine, and a few valid variations, so the rejections below are for the stated reason.
#[test]
fn valid_inline_definitions_are_accepted() {
    let cases = [
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}),
        json!({"StartAt": "A", "TimeoutSeconds": "${MachineTimeout}", "States": {"A": {
            "Type": "Task", "Resource": "${FunctionArn}", "TimeoutSeconds": "${Timeout}", "End": true}}}),
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
            "Type": "Map", "Items": "{% $states.input.list %}", "MaxConcurrency": "{% $max %}",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "Output": "{% $states.result %}", "End": true}}}),
        json!({"StartAt": "M", "States": {"M": {
            "Type": "Map", "ItemBatcher": "${Batcher}", "End": true,
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}}}),
        json!({"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}, "End": true}}}),
        json!({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [
                {"Not": {"Variable": "$.x", "IsPresent": true}, "Next": "S"},
                {"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.m", "Next": "S"}],
                "Default": "F"},
            "S": {"Type": "Succeed"},
            "F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}),
    ];
    for (i, case) in cases.iter().enumerate() {
        if let Err(errors) = validates(case) {
            panic!("valid case {i} rejected:\n{}", errors.join("\n"));
        }
    }
}

#[test]
fn invalid_inline_definitions_are_rejected() {
    let pass = |extra: Value| {
        let mut state = json!({"Type": "Pass", "End": true});
        if let (Some(s), Some(e)) = (state.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        json!({"StartAt": "A", "States": {"A": state}})
    };
    let task = |extra: Value| {
        let mut state =
            json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
        if let (Some(s), Some(e)) = (state.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        json!({"StartAt": "A", "States": {"A": state}})
    };
    // (what, definition, the instance pointer a violation must name)
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "missing StartAt",
            json!({"States": {"A": {"Type": "Pass", "End": true}}}),
            "",
        ),
        ("missing States", json!({"StartAt": "A"}), ""),
        (
            "unknown top-level field",
            json!({"StartAt": "A", "Stats": {}, "States": {"A": {"Type": "Pass", "End": true}}}),
            "",
        ),
        (
            "unknown state field",
            pass(json!({"Nxt": "B"})),
            "/States/A",
        ),
        (
            "field of another state type",
            pass(json!({"Resource": "arn:aws:lambda:x"})),
            "/States/A",
        ),
        (
            "unknown state type",
            json!({"StartAt": "A", "States": {"A": {"Type": "Lambda", "End": true}}}),
            "/States/A/Type",
        ),
        (
            "bad QueryLanguage",
            json!({"StartAt": "A", "QueryLanguage": "JSONPATH", "States": {"A": {"Type": "Pass", "End": true}}}),
            "/QueryLanguage",
        ),
        (
            "bad Version",
            json!({"StartAt": "A", "Version": "2.0", "States": {"A": {"Type": "Pass", "End": true}}}),
            "/Version",
        ),
        (
            "TimeoutSeconds as a word",
            task(json!({"TimeoutSeconds": "ten"})),
            "/States/A/TimeoutSeconds",
        ),
        (
            "TimeoutSeconds negative",
            task(json!({"TimeoutSeconds": -5})),
            "/States/A/TimeoutSeconds",
        ),
        (
            "TimeoutSeconds fractional",
            task(json!({"TimeoutSeconds": 1.5})),
            "/States/A/TimeoutSeconds",
        ),
        (
            "End not a boolean",
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": "yes"}}}),
            "/States/A/End",
        ),
        (
            "Next and End together",
            pass(json!({"Next": "A"})),
            "/States/A",
        ),
        (
            "neither Next nor End",
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}),
            "/States/A",
        ),
        (
            "bad JitterStrategy",
            task(json!({"Retry": [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "SOME"}]})),
            "/States/A/Retry/0/JitterStrategy",
        ),
        (
            "BackoffRate below 1",
            task(json!({"Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5}]})),
            "/States/A/Retry/0/BackoffRate",
        ),
        (
            "catcher without Next",
            task(json!({"Catch": [{"ErrorEquals": ["States.ALL"]}]})),
            "/States/A/Catch/0",
        ),
        (
            "Task without Resource",
            json!({"StartAt": "A", "States": {"A": {"Type": "Task", "End": true}}}),
            "/States/A",
        ),
        (
            "Fail with Next",
            json!({"StartAt": "A", "States": {"A": {"Type": "Fail", "Next": "A"}}}),
            "/States/A",
        ),
        (
            "Choice rule without Next",
            json!({"StartAt": "A", "States": {"A": {"Type": "Choice",
            "Choices": [{"Variable": "$.x", "StringEquals": "y"}], "Default": "A"}}}),
            "/States/A/Choices/0",
        ),
        (
            "unknown comparison operator",
            json!({"StartAt": "A", "States": {"A": {"Type": "Choice",
            "Choices": [{"Variable": "$.x", "StringEqual": "y", "Next": "A"}], "Default": "A"}}}),
            "/States/A/Choices/0",
        ),
        (
            "Map without ItemProcessor",
            json!({"StartAt": "A", "States": {"A": {"Type": "Map", "End": true}}}),
            "/States/A",
        ),
        (
            "bad ProcessorConfig Mode",
            json!({"StartAt": "A", "States": {"A": {"Type": "Map", "End": true,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "PARALLEL"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}}}}),
            "/States/A/ItemProcessor/ProcessorConfig/Mode",
        ),
        (
            "ToleratedFailurePercentage above 100",
            json!({"StartAt": "A", "States": {"A": {"Type": "Map", "End": true,
            "ToleratedFailurePercentage": 101,
            "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}}}}),
            "/States/A/ToleratedFailurePercentage",
        ),
        (
            "TimeoutSeconds and TimeoutSecondsPath together",
            task(json!({"TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t"})),
            "/States/A",
        ),
        (
            "Wait with Seconds and SecondsPath",
            json!({"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}}}),
            "/States/A",
        ),
        (
            "Fail with Error and ErrorPath",
            json!({"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}}}),
            "/States/A",
        ),
        (
            "Map with Iterator and ItemProcessor",
            json!({"StartAt": "A", "States": {"A": {"Type": "Map", "End": true,
                "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}},
                "ItemProcessor": {"StartAt": "C", "States": {"C": {"Type": "Succeed"}}}}}}),
            "/States/A",
        ),
        (
            "ItemsPath that is not a path",
            json!({"StartAt": "A", "States": {"A": {"Type": "Map", "End": true, "ItemsPath": "items",
                "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}}}}),
            "/States/A/ItemsPath",
        ),
        (
            "Wait without a duration",
            json!({"StartAt": "A", "States": {"A": {"Type": "Wait", "End": true}}}),
            "/States/A",
        ),
        (
            "state name over 80 characters",
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "x".repeat(81): {"Type": "Succeed"}}}),
            "/States",
        ),
    ];
    for (what, definition, pointer) in &cases {
        match validates(definition) {
            Ok(()) => panic!("{what}: accepted, expected a rejection"),
            Err(errors) => assert!(
                errors.iter().any(|e| e.starts_with(&format!("{pointer}:"))),
                "{what}: no violation at {pointer:?}; got:\n{}",
                errors.join("\n")
            ),
        }
    }
}

/// Every Choice comparison operator of the ASL is known to the schema, with its `*Path` form (none for
/// StringMatches), and the Is* tests.
#[test]
fn choice_operators_are_complete() {
    let props = schema()["definitions"]["choiceSubRule"]["properties"]
        .as_object()
        .expect("choiceSubRule has properties");
    let mut expected = vec![
        "Variable".to_string(),
        "And".into(),
        "Or".into(),
        "Not".into(),
        "StringMatches".into(),
    ];
    for family in ["String", "Numeric", "Timestamp"] {
        for op in [
            "Equals",
            "LessThan",
            "GreaterThan",
            "LessThanEquals",
            "GreaterThanEquals",
        ] {
            expected.push(format!("{family}{op}"));
            expected.push(format!("{family}{op}Path"));
        }
    }
    expected.extend(["BooleanEquals", "BooleanEqualsPath"].map(String::from));
    expected.extend(
        [
            "IsNull",
            "IsPresent",
            "IsNumeric",
            "IsString",
            "IsBoolean",
            "IsTimestamp",
        ]
        .map(String::from),
    );
    for op in &expected {
        assert!(
            props.contains_key(op),
            "Choice operator {op} missing from the schema"
        );
    }
    assert!(
        !props.contains_key("StringMatchesPath"),
        "StringMatches has no Path form"
    );
    // The top-level rule adds Next, Condition (JSONata), Assign and Output to the same operators.
    let top = schema()["definitions"]["choiceRule"]["properties"]
        .as_object()
        .expect("choiceRule has properties");
    for key in expected
        .iter()
        .map(String::as_str)
        .chain(["Next", "Condition", "Assign", "Output"])
    {
        assert!(top.contains_key(key), "top-level Choice rule lacks {key}");
    }
}

/// The tree as JSON for the schema, with YAML tags (CloudFormation `!GetAtt` ...) standing as a `${...}`
/// placeholder: both are unknown values the schema accepts for any field.
fn tree_to_json(node: &aslint::syntax::Node) -> Value {
    use aslint::syntax::Value as V;
    match &node.value {
        V::Tagged { tag, .. } => Value::String(format!("${{{tag}}}")),
        V::Array(items) => Value::Array(items.iter().map(tree_to_json).collect()),
        V::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| (m.key.text.clone(), tree_to_json(&m.value)))
                .collect(),
        ),
        _ => node.to_json(),
    }
}

/// Schema-category rules whose invalid fixtures the schema must reject too.
const SCHEMA_EXPRESSIBLE: &[&str] = &["unknown-field", "invalid-field-type", "exclusive-fields"];

/// Invalid fixtures of those rules that draft-07 cannot reject, with the reason.
const SCHEMA_CANNOT_EXPRESS: &[(&str, &str)] = &[(
    "exclusive-fields/invalid-two-comparisons.asl.json",
    "exactly one comparison operator per Choice rule would need every pair of the ~40 operators listed",
)];

#[test]
fn schema_and_linter_agree_on_rule_fixtures() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for dir in subdirs(&base) {
        let rule = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            let valid = name.starts_with("valid");
            if !valid && !SCHEMA_EXPRESSIBLE.contains(&rule.as_str()) {
                continue;
            }
            let rel = format!("{rule}/{name}");
            if SCHEMA_CANNOT_EXPRESS.iter().any(|(f, _)| *f == rel) {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("fixture is UTF-8");
            let parsed = aslint::syntax::parse(&text, SourceKind::from_path(&name));
            let Some(root) = parsed.root else { continue };
            if !parsed.diagnostics.is_empty() {
                continue; // syntax fixtures: the schema sees a different document than the author wrote
            }
            let linter_errors =
                aslint::lint::lint_source(&name, &text, SourceKind::from_path(&name))
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
            let schema_ok = validates(&tree_to_json(&root));
            checked += 1;
            match (valid, schema_ok) {
                (true, Err(e)) => disagreements.push(format!(
                    "{rule}/{name}: linter finds {linter_errors} errors, schema rejects: {e:?}"
                )),
                (false, Ok(())) => {
                    disagreements.push(format!("{rule}/{name}: linter rejects, schema accepts"))
                }
                _ => {}
            }
        }
    }
    assert!(checked > 20, "only {checked} fixtures checked");
    assert!(
        disagreements.is_empty(),
        "schema and linter disagree:\n{}",
        disagreements.join("\n")
    );
}

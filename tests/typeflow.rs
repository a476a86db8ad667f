//! Type flow through the public API: inferred shapes per state and per path (what hover and completion use),
//! multi-state scenarios (loops, Choice merges, Catch, Map and Parallel nesting) and a given execution input.
use aslint::lint::{lint_with, LintOptions};
use aslint::semantic::Semantic;
use aslint::syntax::{parse, SourceKind};
use aslint::typeflow::{analyze, Lookup, Presence, Shape};

fn with<R>(text: &str, f: impl FnOnce(&Semantic<'_>, &aslint::typeflow::Analysis) -> R) -> R {
    let parsed = parse(text, SourceKind::Json);
    let root = parsed.root.expect("document parses");
    let model = aslint::model::build(&root);
    let sem = Semantic::build(&model);
    let a = analyze(&sem);
    f(&sem, &a)
}

fn codes(text: &str, options: &LintOptions) -> Vec<(String, String)> {
    lint_with("t.json", text, SourceKind::Json, options)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.rule.code.starts_with("ASL90"))
        .map(|d| (d.rule.name.to_string(), d.severity.as_str().to_string()))
        .collect()
}

#[test]
fn hover_and_completion_api() {
    let text = r#"{"StartAt":"Load","States":{
        "Load":{"Type":"Pass","Result":{"items":[{"sku":"a","qty":1}]},"ResultPath":"$.order","Next":"Use"},
        "Use":{"Type":"Pass","End":true}}}"#;
    with(text, |sem, a| {
        let id = sem.resolve("Use").expect("Use");
        match a.shape_at(id, "$.order.items") {
            Some(Lookup::Found(s, Presence::Always)) => {
                // A literal array is a tuple: its length and each element's shape are known.
                assert_eq!(s.describe(), "[{qty: integer, sku: string}]")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(a.fields_at(id, "$.order"), vec!["items".to_string()]);
        // The machine input is unknown: `$` is an open object with `order` added.
        assert_eq!(a.fields_at(id, "$"), vec!["order".to_string()]);
        assert_eq!(a.shape_at(id, "$.other"), Some(Lookup::Unknown));
    });
}

#[test]
fn loop_reaches_a_fixpoint_and_keeps_fields() {
    let text = r#"{"StartAt":"Init","States":{
        "Init":{"Type":"Pass","Result":{"n":0,"done":false},"Next":"Step"},
        "Step":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)","done.$":"$.done"},"Next":"Again"},
        "Again":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":10,"Next":"Step"}],"Default":"End"},
        "End":{"Type":"Succeed"}}}"#;
    with(text, |sem, a| {
        let step = sem.resolve("Step").expect("Step");
        let f = a.state(step).expect("reached");
        assert_eq!(f.incoming.len(), 2);
        assert_eq!(f.input.describe(), "{done: boolean, n: number}");
    });
    assert!(codes(text, &LintOptions::default()).is_empty());
}

#[test]
fn parallel_and_map_results() {
    let text = r#"{"StartAt":"Par","States":{
        "Par":{"Type":"Parallel","Branches":[
            {"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"a":1},"End":true}}},
            {"StartAt":"B","States":{"B":{"Type":"Pass","Result":"x","End":true}}}],
         "ResultPath":"$.par","Next":"Each"},
        "Each":{"Type":"Map","ItemsPath":"$.par","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Result":{"ok":true},"End":true}}},
         "ResultPath":"$.each","Next":"Use"},
        "Use":{"Type":"Pass","Parameters":{"a.$":"$.par[0].a","b.$":"$.par[1].nope","c.$":"$.each[0].ok"},"End":true}}}"#;
    with(text, |sem, a| {
        let id = sem.resolve("Use").expect("Use");
        assert_eq!(
            a.shape_at(id, "$.par").map(|l| l.shape().describe()),
            Some("[{a: integer}, string]".to_string())
        );
        assert_eq!(
            a.shape_at(id, "$.each").map(|l| l.shape().describe()),
            Some("array of {ok: boolean}".to_string())
        );
    });
    let found = codes(text, &LintOptions::default());
    assert_eq!(
        found,
        vec![("path-not-found".to_string(), "error".to_string())]
    );
}

#[test]
fn catch_path_merges_error_output() {
    let text = r#"{"StartAt":"Try","States":{
        "Try":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody":"m"},
          "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"After"}],"End":true},
        "After":{"Type":"Succeed"}}}"#;
    with(text, |sem, a| {
        let after = sem.resolve("After").expect("After");
        assert_eq!(
            a.shape_at(after, "$.error"),
            Some(Lookup::Found(
                Shape::Object(aslint::typeflow::Obj::closed([
                    ("Cause".to_string(), Shape::String),
                    ("Error".to_string(), Shape::String),
                ])),
                Presence::Always
            ))
        );
    });
}

#[test]
fn input_example_and_schema_make_the_input_known() {
    let text = r#"{"StartAt":"Use","States":{
        "Use":{"Type":"Wait","SecondsPath":"$.delay","Next":"Read"},
        "Read":{"Type":"Pass","Parameters":{"id.$":"$.orderId"},"End":true}}}"#;
    assert!(codes(text, &LintOptions::default()).is_empty());
    let example: serde_json::Value = serde_json::json!({"delay": "10", "id": "o-1"});
    let options = LintOptions {
        input_shape: Some(Shape::from_example(&example)),
        ..LintOptions::default()
    };
    let found = codes(text, &options);
    assert!(
        found.contains(&("type-mismatch".to_string(), "error".to_string()))
            && found.contains(&("path-not-found".to_string(), "error".to_string())),
        "{found:?}"
    );
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"delay": {"type": "integer"}, "orderId": {"type": "string"}},
        "required": ["delay"]
    });
    let options = LintOptions {
        input_shape: Some(Shape::from_schema(&schema)),
        ..LintOptions::default()
    };
    // `orderId` is optional in the schema: a warning, not an error; `delay` is an integer.
    assert_eq!(
        codes(text, &options),
        vec![("path-not-found".to_string(), "warning".to_string())]
    );
}

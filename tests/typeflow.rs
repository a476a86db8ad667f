//! Type flow through the public API: inferred shapes per state and per path (what hover and completion use),
//! multi-state scenarios (loops, Choice merges, Catch, Map and Parallel nesting) and a given execution input;
//! workflow variables, the context object and JSONata expressions in the same scenarios.
use aslint::lint::{lint_with, LintOptions};
use aslint::semantic::Semantic;
use aslint::syntax::{parse, SourceKind};
use aslint::typeflow::{analyze, Analysis, Lookup, Presence, Shape};

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

/// The shape of variable `name` on entry to `state`, described.
fn var(sem: &Semantic<'_>, a: &Analysis, state: &str, name: &str) -> String {
    let id = sem.resolve(state).expect("state exists");
    a.variable_at(id, name)
        .map_or_else(|| "not assigned".into(), |l| l.shape().describe())
}

/// The type-flow findings: rule name, severity, and the text the finding points at.
fn findings(text: &str, options: &LintOptions) -> Vec<(String, String, String)> {
    lint_with("t.json", text, SourceKind::Json, options)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.rule.code.starts_with("ASL90"))
        .map(|d| {
            (
                d.rule.name.to_string(),
                d.severity.as_str().to_string(),
                text.get(d.span().range()).unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn finding(rule: &str, severity: &str, at: &str) -> (String, String, String) {
    (rule.to_string(), severity.to_string(), at.to_string())
}

#[test]
fn counter_variable_in_a_loop_reaches_a_fixpoint() {
    let text = r#"{"StartAt":"Init","States":{
        "Init":{"Type":"Pass","Assign":{"count":0,"label":"run"},"Next":"Loop"},
        "Loop":{"Type":"Choice","Choices":[
            {"Variable":"$count","NumericLessThan":3,"Next":"Inc"},
            {"Variable":"$label","NumericEquals":1,"Next":"Done"}],"Default":"Done"},
        "Inc":{"Type":"Pass","Assign":{"count.$":"States.MathAdd($count, 1)"},"Next":"Loop"},
        "Done":{"Type":"Succeed"}}}"#;
    with(text, |sem, a| {
        // 0 on entry, then MathAdd's number: joined at the loop head.
        assert_eq!(var(sem, a, "Loop", "count"), "number");
        assert_eq!(var(sem, a, "Inc", "count"), "number");
        assert_eq!(var(sem, a, "Done", "label"), "string");
    });
    assert_eq!(
        findings(text, &LintOptions::default()),
        vec![finding("type-mismatch", "warning", "$label")]
    );
}

#[test]
fn choice_branches_join_variable_shapes() {
    let text = r#"{"StartAt":"Pick","States":{
        "Pick":{"Type":"Choice","Choices":[{"Variable":"$.fast","BooleanEquals":true,"Next":"Fast"}],"Default":"Slow"},
        "Fast":{"Type":"Pass","Assign":{"cfg":{"wait":1,"extra":"x"}},"Next":"Sleep"},
        "Slow":{"Type":"Pass","Assign":{"cfg":{"wait":"10"}},"Next":"Sleep"},
        "Sleep":{"Type":"Wait","SecondsPath":"$cfg.wait","Next":"Use"},
        "Use":{"Type":"Pass","Parameters":{"e.$":"$cfg.extra","w.$":"$cfg.nope"},"End":true}}}"#;
    with(text, |sem, a| {
        assert_eq!(
            var(sem, a, "Sleep", "cfg"),
            "{extra?: string, wait: integer | string}"
        );
    });
    // `wait` is an integer on one path and a string on the other: not provably wrong. `extra` is only on one
    // path (a warning); `nope` on none (an error).
    assert_eq!(
        findings(text, &LintOptions::default()),
        vec![
            finding("path-not-found", "warning", ".extra"),
            finding("path-not-found", "error", ".nope"),
        ]
    );
}

#[test]
fn catcher_assign_sees_the_error_output() {
    let text = r#"{"StartAt":"Call","States":{
        "Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},
          "Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"cause.$":"$.Cause","msg.$":"$.Message"},"Next":"Handle"}],
          "Assign":{"status.$":"$.StatusCode"},"Next":"Ok"},
        "Ok":{"Type":"Pass","Parameters":{"s.$":"$status"},"End":true},
        "Handle":{"Type":"Pass","Parameters":{"c.$":"$cause.detail"},"End":true}}}"#;
    with(text, |sem, a| {
        assert_eq!(var(sem, a, "Handle", "cause"), "string");
        // The state's own Assign does not apply on the catch transition.
        assert_eq!(var(sem, a, "Handle", "status"), "not assigned");
        // lambda:invoke's StatusCode is an integer.
        assert_eq!(var(sem, a, "Ok", "status"), "integer");
    });
    assert_eq!(
        findings(text, &LintOptions::default()),
        vec![
            finding("path-not-found", "error", ".Message"),
            finding("path-not-found", "error", ".detail"),
        ]
    );
}

#[test]
fn map_iterations_see_outer_variables_unless_distributed() {
    let text = r#"{"StartAt":"Init","States":{
        "Init":{"Type":"Pass","Assign":{"limits":{"pause":"5"}},"Result":{"xs":[1,2]},"Next":"Inline"},
        "Inline":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"W","States":{
            "W":{"Type":"Wait","SecondsPath":"$limits.pause","End":true}}},"ResultPath":null,"Next":"Dist"},
        "Dist":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"D","States":{
            "D":{"Type":"Wait","SecondsPath":"$limits.pause","End":true}}},"End":true}}}"#;
    with(text, |sem, a| {
        assert_eq!(var(sem, a, "W", "limits"), "{pause: string}");
        assert_eq!(var(sem, a, "D", "limits"), "not assigned");
    });
    assert_eq!(
        findings(text, &LintOptions::default()),
        vec![finding("type-mismatch", "error", "$limits.pause")]
    );
}

#[test]
fn parallel_branch_assignments_stay_inside() {
    let text = r#"{"StartAt":"Par","States":{
        "Par":{"Type":"Parallel","Assign":{"after.$":"$[0].v"},"Branches":[
            {"StartAt":"B","States":{"B":{"Type":"Pass","Assign":{"inner":{"a":1}},"Result":{"v":"x"},"End":true}}}],
          "Next":"Use"},
        "Use":{"Type":"Pass","Parameters":{"x.$":"$after"},"End":true}}}"#;
    with(text, |sem, a| {
        assert_eq!(var(sem, a, "Use", "inner"), "not assigned");
        // The Parallel's Assign sees its result: the tuple of branch outputs.
        assert_eq!(var(sem, a, "Use", "after"), "string");
    });
}

#[test]
fn jsonata_assign_and_output_feed_jsonpath_states() {
    let text = r#"{"StartAt":"Make","States":{
        "Make":{"Type":"Pass","QueryLanguage":"JSONata",
          "Assign":{"user":"{% {'name': 'ann', 'age': 3 + 4, 'tags': ['a', 'b']} %}"},
          "Output":"{% {'count': $count([1, 2]), 'ok': true and false, 'text': 'n=' & 2} %}","Next":"Read"},
        "Read":{"Type":"Pass","Parameters":{"n.$":"$user.nme","c.$":"States.MathAdd($.count, 1)","t.$":"States.MathAdd($.text, 1)"},"End":true}}}"#;
    with(text, |sem, a| {
        assert_eq!(
            var(sem, a, "Read", "user"),
            "{age: integer, name: string, tags: [string, string]}"
        );
        let id = sem.resolve("Read").expect("Read");
        assert_eq!(
            a.state(id).map(|f| f.input.describe()),
            Some("{count: integer, ok: boolean, text: string}".to_string())
        );
    });
    assert_eq!(
        findings(text, &LintOptions::default()),
        vec![
            finding("path-not-found", "error", ".nme"),
            finding("type-mismatch", "error", "$.text"),
        ]
    );
}

#[test]
fn execution_input_through_the_context_object() {
    let text = r#"{"StartAt":"Wait","States":{
        "Wait":{"Type":"Wait","SecondsPath":"$$.Execution.Input.delay","Next":"Use"},
        "Use":{"Type":"Pass","Parameters":{"o.$":"$$.Execution.Input.order","s.$":"$$.Execution.StartTime"},"End":true}}}"#;
    // Unknown input: silent.
    assert!(findings(text, &LintOptions::default()).is_empty());
    let example = serde_json::json!({"delay": "10"});
    let options = LintOptions {
        input_shape: Some(Shape::from_example(&example)),
        ..LintOptions::default()
    };
    assert_eq!(
        findings(text, &options),
        vec![
            finding("type-mismatch", "error", "$$.Execution.Input.delay"),
            finding("path-not-found", "error", ".order"),
        ]
    );
}

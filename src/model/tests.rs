//! Model tests on trees built from serde_json values (dummy spans).
use super::*;
use crate::syntax::{Member, Number, Span};

/// Test-only converter: serde_json value → tree, every node with a distinct dummy span.
pub(crate) fn tree(v: &serde_json::Value) -> Node {
    fn go(v: &serde_json::Value, next: &mut usize) -> Node {
        *next += 1;
        let span = Span::new(*next, *next + 1);
        let value = match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(Number {
                value: n.as_f64().unwrap_or(0.0),
                is_integer: n.is_i64() || n.is_u64(),
            }),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(|x| go(x, next)).collect()),
            serde_json::Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| {
                        *next += 1;
                        let key = Key {
                            text: k.clone(),
                            span: Span::new(*next, *next + 1),
                        };
                        Member {
                            key,
                            value: go(x, next),
                        }
                    })
                    .collect(),
            ),
        };
        Node::new(span, value)
    }
    let mut n = 0;
    go(v, &mut n)
}

#[test]
fn builds_nested_scopes_with_pointers() {
    let root = tree(&serde_json::json!({
        "StartAt": "P",
        "States": {
            "P": {"Type": "Parallel", "Branches": [
                {"StartAt": "a/b", "States": {"a/b": {"Type": "Pass", "End": true}}}
            ], "Next": "M"},
            "M": {"Type": "Map", "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "x~y", "States": {"x~y": {"Type": "Succeed"}}
            }, "MaxConcurrency": 5, "End": true}
        }
    }));
    let d = build(&root);
    assert_eq!(d.query_language, QueryLanguage::JsonPath);
    let names: Vec<&str> = d
        .states()
        .iter()
        .map(|s| s.state.name.text.as_str())
        .collect();
    assert_eq!(names, ["P", "a/b", "M", "x~y"]);
    let ptrs: Vec<&str> = d
        .states()
        .iter()
        .map(|s| s.state.pointer.as_str())
        .collect();
    assert_eq!(
        ptrs,
        [
            "/States/P",
            "/States/P/Branches/0/States/a~1b",
            "/States/M",
            "/States/M/ItemProcessor/States/x~0y"
        ]
    );
    let scopes = d.scopes();
    assert_eq!(scopes.len(), 3);
    assert_eq!(scopes[1].scope.kind, ScopeKind::Branch { index: 0 });
    assert_eq!(scopes[1].parent.map(|s| s.name.text.as_str()), Some("P"));
    assert_eq!(scopes[2].scope.kind, ScopeKind::ItemProcessor);
    let m = d
        .state("M")
        .map(|s| s.max_concurrency.as_ref().and_then(|f| f.value));
    assert_eq!(m, Some(Some(5)));
    let pc = d
        .state("M")
        .and_then(|s| s.item_processor.as_ref())
        .and_then(|p| p.processor_config.as_ref());
    assert_eq!(
        pc.and_then(|p| p.mode.as_ref()).and_then(|f| f.value),
        Some("DISTRIBUTED")
    );
    let kinds: Vec<ObjectKind> = d.sites().iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            ObjectKind::TopLevel,
            ObjectKind::Parallel,
            ObjectKind::Branch,
            ObjectKind::Pass,
            ObjectKind::Map,
            ObjectKind::ItemProcessor,
            ObjectKind::ProcessorConfig,
            ObjectKind::Succeed
        ]
    );
}

#[test]
fn wrong_types_stay_visible() {
    let root = tree(&serde_json::json!({
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": 3, "TimeoutSeconds": "10", "End": true}, "Bad": "oops"}
    }));
    let d = build(&root);
    let t = d.state("T");
    let r = t.and_then(|t| t.resource.as_ref());
    assert!(r.is_some_and(|f| f.value.is_none() && f.pointer == "/States/T/Resource"));
    assert!(t
        .and_then(|t| t.timeout_seconds.as_ref())
        .is_some_and(|f| f.value.is_none()));
    let bad = d.state("Bad");
    assert!(
        bad.is_some_and(|b| b.type_field.is_none() && b.object_kind() == ObjectKind::UnknownState)
    );
}

#[test]
fn broken_documents_give_partial_models() {
    for v in [
        serde_json::json!([]),
        serde_json::json!("x"),
        serde_json::json!({"States": []}),
        serde_json::json!({"States": {"A": {"Type": 7, "Retry": {}, "Choices": "x", "Branches": [1]}}}),
        serde_json::json!({"States": {"A": {"Type": "Map", "Iterator": "no", "ItemReader": 3}}}),
    ] {
        let root = tree(&v);
        let d = build(&root);
        let _ = (d.sites(), d.states(), d.scopes());
    }
    let root = tree(
        &serde_json::json!({"States": {"A": {"Type": "Map", "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Pass"}}}}}}),
    );
    let d = build(&root);
    assert_eq!(
        d.scopes().get(1).map(|s| s.scope.kind),
        Some(ScopeKind::Iterator)
    );
    assert_eq!(d.states().len(), 2);
}

#[test]
fn query_language_is_inherited() {
    let root = tree(&serde_json::json!({
        "QueryLanguage": "JSONata", "StartAt": "A",
        "States": {"A": {"Type": "Pass", "End": true}, "B": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}
    }));
    let d = build(&root);
    assert_eq!(
        d.state("A").map(|s| s.query_language),
        Some(QueryLanguage::Jsonata)
    );
    assert_eq!(
        d.state("B").map(|s| s.query_language),
        Some(QueryLanguage::JsonPath)
    );
}

#[test]
fn deep_choice_rules_do_not_overflow() {
    let mut rule = serde_json::json!({"Variable": "$.x", "IsPresent": true});
    for _ in 0..600 {
        rule = serde_json::json!({"Not": rule});
    }
    let mut top = rule;
    top["Next"] = serde_json::json!("A");
    let v =
        serde_json::json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [top]}}});
    // serde_json drops deep values on its own thread stack; build the tree on a big-stack thread.
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let root = tree(&v);
            let d = build(&root);
            let n = d.sites().len();
            drop(d);
            std::mem::forget(root);
            std::mem::forget(v);
            n
        });
    let n = handle.ok().and_then(|h| h.join().ok()).unwrap_or(0);
    assert!(n > 100 && n < 400, "{n}");
}

#[test]
fn deeply_nested_scopes_from_text_do_not_overflow() {
    // As deep as the parsers allow (and deeper): Map in Map in Map ..., linted on a normal test thread.
    for levels in [40, 90, 200] {
        let mut def = r#"{"Type":"Pass","End":true}"#.to_string();
        for i in 0..levels {
            def = format!(
                r#"{{"Type":"Map","ItemProcessor":{{"StartAt":"S{i}","States":{{"S{i}":{def}}}}},"End":true}}"#
            );
        }
        let text = format!(r#"{{"StartAt":"Top","States":{{"Top":{def}}}}}"#);
        let diags =
            crate::lint::lint_source("deep.asl.json", &text, crate::syntax::SourceKind::Json);
        let parsed = crate::syntax::parse(&text, crate::syntax::SourceKind::Json);
        if let Some(root) = parsed.root.as_ref() {
            let d = build(root);
            assert!(d.states().len() <= levels + 1);
            assert!(!d.states().is_empty());
        }
        // Whatever the parser kept, the schema rules report no error on a valid (if deep) machine.
        assert!(
            !diags.iter().any(|d| d.rule.code.starts_with("ASL1")),
            "{levels}: {:?}",
            diags.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
    }
}

#[test]
fn spec_table_is_consistent() {
    use spec::{Lang, SPECS};
    for s in SPECS {
        let mut names: Vec<&str> = s.all_fields().map(|f| f.name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "{:?} lists a field twice", s.kind);
        for group in s.exclusive {
            for f in group.iter() {
                assert!(
                    s.field(f).is_some(),
                    "{:?}: exclusive `{f}` is not a field",
                    s.kind
                );
            }
        }
        for req in s.required {
            for f in req.fields {
                assert!(
                    s.field(f).is_some(),
                    "{:?}: required `{f}` is not a field",
                    s.kind
                );
            }
        }
        for f in s.all_fields() {
            let instead = match f.lang {
                Lang::Both => continue,
                Lang::JsonPathOnly { instead } | Lang::JsonataOnly { instead } => instead,
            };
            // A plain field name must be a field of the same object allowed in the other language.
            if instead.bytes().all(|b| b.is_ascii_alphanumeric())
                && s.kind != ObjectKind::NestedChoiceRule
            {
                let other = s.field(instead);
                assert!(
                    other.is_some(),
                    "{:?}: `{}` suggests unknown `{instead}`",
                    s.kind,
                    f.name
                );
                assert_ne!(
                    other.map(|o| o.lang),
                    Some(f.lang),
                    "{:?}: `{}` suggests `{instead}`",
                    s.kind,
                    f.name
                );
            }
        }
    }
    // Every object kind has a spec.
    for k in [
        ObjectKind::TopLevel,
        ObjectKind::Task,
        ObjectKind::Credentials,
        ObjectKind::WriterConfig,
    ] {
        assert_eq!(spec::spec(k).kind, k);
    }
}

#[test]
fn nested_condition_fields_drop_only_condition() {
    assert_eq!(
        spec::NESTED_CONDITION_FIELDS.len() + 1,
        spec::CONDITION_FIELDS.len()
    );
    assert!(!spec::NESTED_CONDITION_FIELDS.contains(&"Condition"));
    assert_eq!(spec::CONDITION_FIELDS.last(), Some(&"Condition"));
}

#[test]
fn choice_rules_retriers_and_catchers_are_typed() {
    let root = tree(&serde_json::json!({
        "Comment": "c", "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [
                {"And": [
                    {"Variable": "$.a", "NumericGreaterThanEquals": 1.5},
                    {"Not": {"Variable": "$.b", "StringEqualsPath": "$.c"}}
                ], "Next": "T"},
                {"Variable": "$.t", "TimestampLessThan": "2026-01-01T00:00:00Z", "BooleanEquals": "x", "Next": "T"}
            ], "Default": "T"},
            "T": {"Type": "Task", "Resource": "r", "End": true,
                  "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0, "BackoffRate": 1.5, "JitterStrategy": "FULL"}],
                  "Catch": [{"ErrorEquals": ["E"], "Next": "C", "ResultPath": null}]}
        }
    }));
    let d = build(&root);
    assert_eq!(d.comment().and_then(|c| c.value), Some("c"));
    assert_eq!(d.start_at().and_then(|c| c.value), Some("C"));
    assert_eq!(d.top_states().len(), 2);
    let c = d.state("C").expect("C");
    let first = &c.choices[0];
    assert_eq!(first.and_rules.len(), 2);
    assert_eq!(
        first.and_rules[0].comparisons[0].operand(),
        Operand::Number(1.5)
    );
    let not = first.and_rules[1].not_rule.as_ref().expect("Not");
    assert_eq!(not.comparisons[0].operand(), Operand::Path("$.c"));
    assert_eq!(not.pointer, "/States/C/Choices/0/And/1/Not");
    let second = &c.choices[1];
    assert_eq!(second.comparisons.len(), 2);
    assert_eq!(
        second.comparisons[0].operand(),
        Operand::Timestamp("2026-01-01T00:00:00Z")
    );
    assert_eq!(second.comparisons[1].operand(), Operand::Invalid);
    let t = d.state("T").expect("T");
    let r = &t.retry[0];
    assert_eq!(r.max_attempts.as_ref().and_then(|f| f.value), Some(0));
    assert_eq!(r.backoff_rate.as_ref().and_then(|f| f.value), Some(1.5));
    assert_eq!(
        r.error_equals.as_ref().and_then(|f| f.value.clone()),
        Some(vec!["States.ALL"])
    );
    assert_eq!(
        t.catch[0].result_path.as_ref().and_then(|f| f.value),
        Some(PathOrNull::Null)
    );
    assert_eq!(t.catch[0].pointer, "/States/T/Catch/0");
    // Sites: top, Choice, 2 rules + 3 nested, Task, retrier, catcher = 10.
    let kinds: Vec<ObjectKind> = d.sites().iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ObjectKind::NestedChoiceRule)
            .count(),
        3
    );
    assert_eq!(kinds.len(), 10);
}

#[test]
fn misplaced_query_language_in_states_applies_to_the_scope() {
    let root = tree(&serde_json::json!({
        "StartAt": "A",
        "States": {"QueryLanguage": "JSONata", "A": {"Type": "Pass", "End": true}}
    }));
    let d = build(&root);
    assert_eq!(d.states().len(), 1);
    assert!(d.scope.misplaced_query_language.is_some());
    assert_eq!(
        d.state("A").map(|s| s.query_language),
        Some(QueryLanguage::Jsonata)
    );
}

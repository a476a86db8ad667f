use super::span_map::*;
use super::*;
use crate::syntax::Span;
use serde_json::json;

fn sp(a: usize, b: usize) -> Span {
    Span::new(a, b)
}

#[test]
fn classify_kinds() {
    assert!(matches!(classify("$.a"), TemplateExpr::Path(_)));
    assert!(matches!(classify("$"), TemplateExpr::Path(_)));
    assert!(matches!(
        classify("$$.Map.Item.Value"),
        TemplateExpr::ContextPath(_)
    ));
    assert!(matches!(classify("$var.x"), TemplateExpr::Variable(_)));
    assert!(matches!(
        classify("States.UUID()"),
        TemplateExpr::Intrinsic(_)
    ));
    let e = classify("hello");
    let err = e.error().cloned().unwrap_or_else(|| panic!("valid?"));
    assert_eq!(err.span, sp(0, 1));
    assert!(err.message.starts_with("expected a path"));
    let e = classify("$.a[");
    assert_eq!(e.error().map(|e| e.span), Some(sp(3, 4)));
    let e = classify("States.Format('x'");
    assert!(e.error().is_some());
}

#[test]
fn evaluates_templates_recursively() {
    let t = json!({
        "lit": "x",
        "n.$": "$.a",
        "arr": [{"m.$": "States.MathAdd($.a, 1)"}, 3],
        "deep": {"ctx.$": "$$.Execution.Id", "v.$": "$v"},
        "all.$": "$"
    });
    let input = json!({"a": 1});
    let ctx = json!({"Execution": {"Id": "id-1"}});
    let mut vars = serde_json::Map::new();
    vars.insert("v".into(), json!([true]));
    let out = eval_payload_template(&t, &input, Some(&ctx), Some(&vars))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out,
        json!({"lit": "x", "n": 1, "arr": [{"m": 2}, 3], "deep": {"ctx": "id-1", "v": [true]}, "all": {"a": 1}})
    );
}

#[test]
fn missing_path_gives_aws_message() {
    let t = json!({"value.$": "$.no_such_jsonpath"});
    let e = eval_payload_template(&t, &json!({"a": 1}), None, None)
        .err()
        .unwrap_or_else(|| panic!("no error"));
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(
        e.cause,
        "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
    );
    // An indefinite path that matches nothing is an empty list, not an error.
    let t = json!({"v.$": "$.x[*]"});
    assert_eq!(
        eval_payload_template(&t, &json!({}), None, None).ok(),
        Some(json!({"v": []}))
    );
}

#[test]
fn static_templates_are_literals() {
    let t = Template::compile(&json!({"a": [1, {"b": 2}]}));
    assert!(matches!(t, Template::Literal(_)));
    let t = Template::compile(&json!({"a": [1, {"b.$": "$"}]}));
    assert!(matches!(t, Template::Object(_)));
}

#[test]
fn span_map_json_escapes() {
    // Source: {"k": "a\"b\u00e9c\\d"} ; content: a"béc\d
    let src = r#"{"k": "a\"b\u00e9c\\d"}"#;
    let token = Span::new(6, src.len() - 1);
    assert_eq!(&src[token.range()], r#""a\"b\u00e9c\\d""#);
    let m = SpanMap::new(src, token).unwrap_or_else(|| panic!("no map"));
    assert_eq!(m.offset(0), 7); // a
    assert_eq!(m.offset(1), 8); // \"
    assert_eq!(m.offset(2), 10); // b
    assert_eq!(m.offset(3), 11); // \u00e9 (2 content bytes)
    assert_eq!(m.offset(4), 11); // inside é
    assert_eq!(m.offset(5), 17); // c
    assert_eq!(m.offset(6), 18); // \\
    assert_eq!(m.offset(7), 20); // d
    assert_eq!(m.offset(8), 21); // closing quote
    assert_eq!(m.span(sp(1, 3)), sp(8, 11));
    assert_eq!(map_span(src, token, sp(3, 5)), sp(11, 17));
    assert_eq!(content_to_source(src, token, 100), Some(21));
}

#[test]
fn span_map_surrogates_plain_and_yaml() {
    let src = r#""\ud83d\ude00x""#;
    let m = SpanMap::new(src, Span::new(0, src.len())).unwrap_or_else(|| panic!("no map"));
    assert_eq!(m.offset(4), 13);
    let src = "key: $.a.b";
    let m = SpanMap::new(src, Span::new(5, 10)).unwrap_or_else(|| panic!("no map"));
    assert_eq!(m.offset(2), 7);
    let src = "k: 'it''s $'";
    let m = SpanMap::new(src, Span::new(3, src.len())).unwrap_or_else(|| panic!("no map"));
    assert_eq!(m.offset(2), 6); // the '' pair
    assert_eq!(m.offset(3), 8);
    assert!(SpanMap::new("\"a\nb\"", Span::new(0, 5)).is_none());
    assert_eq!(
        map_span("\"a\nb\"", Span::new(0, 5), sp(1, 2)),
        Span::new(0, 5)
    );
    assert!(SpanMap::new("\"unterminated", Span::new(0, 13)).is_none());
    assert!(SpanMap::new("x", Span::new(0, 10)).is_none());
}

#[test]
fn span_map_end_to_end_with_parser() {
    // A path error inside a JSON string maps to the right source bytes.
    let src = "{\"P\": {\"x.$\": \"States.Format('\\u00e9{}', $.a[)\"}}";
    let start = src.find("\"States").unwrap_or(0);
    let token = Span::new(start, src.len() - 2);
    let decoded: serde_json::Value = serde_json::from_str(&src[token.range()]).unwrap_or_default();
    let text = decoded.as_str().unwrap_or("");
    assert_eq!(text, "States.Format('\u{e9}{}', $.a[)");
    let e = classify(text)
        .error()
        .cloned()
        .unwrap_or_else(|| panic!("valid?"));
    let mapped = map_span(src, token, e.span);
    assert_eq!(&src[mapped.range()], ")");
}

#[test]
fn check_expression_combines_every_check() {
    use super::intrinsic::IssueKind;
    assert!(check_expression("$.a.b").is_empty());
    assert!(check_expression("States.Format('{}', $.a)").is_empty());
    let i = check_expression("$.a[");
    assert_eq!(i.len(), 1);
    assert_eq!(i[0].kind, IssueKind::Path);
    assert_eq!(i[0].span, sp(3, 4));
    let i = check_expression("$states.input");
    assert_eq!(i[0].kind, IssueKind::ReservedVariable);
    assert_eq!(i[0].span, sp(0, 7));
    let i = check_expression("States.Array($states.input.x)");
    assert_eq!(i[0].kind, IssueKind::ReservedVariable);
    assert_eq!(i[0].span, sp(13, 20));
    let i = check_expression("States.MathAdd(1)");
    assert_eq!(i[0].kind, IssueKind::Arity);
    let i = check_expression("nothing");
    assert_eq!(i[0].kind, IssueKind::Syntax);
}

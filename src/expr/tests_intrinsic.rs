use super::intrinsic::*;
use super::jsonpath::{Env, Root};
use crate::syntax::Span;
use serde_json::{json, Value};

fn sp(a: usize, b: usize) -> Span {
    Span::new(a, b)
}

fn call(s: &str) -> Call {
    parse_call(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn ev(s: &str, input: &Value) -> Result<Value, EvalError> {
    let mut rng = SplitMix64(1);
    eval(&call(s), &Env::input(input), &mut rng)
}

fn ok(s: &str, input: &Value) -> Value {
    ev(s, input).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn fails(s: &str, input: &Value) -> EvalError {
    match ev(s, input) {
        Ok(v) => panic!("{s} gave {v}"),
        Err(e) => e,
    }
}

#[test]
fn parses_arguments_with_spans() {
    let c = call("States.Format('x {} \\'y\\'', $.a, 1, -2.5, true, null, $$.Execution.Id, $v.f)");
    assert_eq!(c.name, "States.Format");
    assert_eq!(c.name_span, sp(0, 13));
    assert_eq!(c.open_span, sp(13, 14));
    let spans: Vec<Span> = c.args.iter().map(|a| a.span).collect();
    assert_eq!(
        spans,
        vec![
            sp(14, 26),
            sp(28, 31),
            sp(33, 34),
            sp(36, 40),
            sp(42, 46),
            sp(48, 52),
            sp(54, 69),
            sp(71, 75)
        ]
    );
    let ArgKind::Str(t) = &c.args[0].kind else {
        panic!("not a string")
    };
    assert_eq!(t.value, "x {} 'y'");
    assert_eq!(t.parts, vec!["x ".to_string(), " 'y'".to_string()]);
    assert_eq!(t.placeholders, vec![sp(17, 19)]);
    assert_eq!(c.args[2].kind, ArgKind::Number(1.into()));
    assert!(matches!(&c.args[6].kind, ArgKind::Path { path, .. } if path.root == Root::Context));
    assert!(
        matches!(&c.args[7].kind, ArgKind::Path { path, text } if path.root == Root::Variable("v".into()) && text == "$v.f")
    );
    assert_eq!(c.span, sp(0, 76));
}

#[test]
fn parses_nested_calls_and_escapes() {
    let c = call("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)");
    let ArgKind::Call(inner) = &c.args[0].kind else {
        panic!("not a call")
    };
    assert_eq!(inner.name, "States.StringSplit");
    assert_eq!(inner.name_span, sp(20, 38));
    assert_eq!(c.args[0].span, sp(20, 65));
    let c = call("States.Format('\\{\\} and {} \\\\', 1)");
    let ArgKind::Str(t) = &c.args[0].kind else {
        panic!("not a string")
    };
    assert_eq!(t.value, "{} and {} \\");
    assert_eq!(t.placeholders.len(), 1);
    assert_eq!(t.parts, vec!["{} and ".to_string(), " \\".to_string()]);
    // Commas and parentheses inside strings and brackets are not separators.
    let c = call("States.Array('a,b)', $['x,y'])");
    assert_eq!(c.args.len(), 2);
}

#[test]
fn syntax_errors() {
    let cases: &[(&str, &str, Span)] = &[
        ("States.Format('x'", "expected `)` to close `(`", sp(13, 14)),
        ("States.Format('x)", "expected `'` to close the string", sp(14, 15)),
        ("States.Array(1) x", "unexpected text after the closing `)` of the call", sp(16, 17)),
        ("States.Array(1 2)", "expected `,` or `)` after an argument, found `2`", sp(15, 16)),
        ("States.Array(1,)", "expected an argument after `,`, found `)`", sp(15, 16)),
        ("States.Array(\"x\")", "string arguments use single quotes ('text'), not double quotes", sp(13, 14)),
        ("States.Format('a\\nb')", "invalid escape `\\n` in a string: only \\', \\{, \\} and \\\\ are escapes", sp(16, 18)),
        ("States.Array(foo)", "unexpected `foo`: an argument is a 'string', a number, true, false, null, a path or a call", sp(13, 16)),
        ("States.Array", "expected `(` after `States.Array`, found the end", sp(12, 12)),
    ];
    for (src, msg, span) in cases {
        let e = parse_call(src)
            .err()
            .unwrap_or_else(|| panic!("{src} parsed"));
        assert_eq!(&e.message, msg, "{src}");
        assert_eq!(e.span, *span, "{src}");
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let s = format!("{}1{}", "States.Array(".repeat(10_000), ")".repeat(10_000));
    let e = parse_call(&s).err().unwrap_or_else(|| panic!("parsed"));
    assert!(e.message.contains("nested more than"));
    let ok11 = format!("{}1{}", "States.Array(".repeat(11), ")".repeat(11));
    let issues = check_str(&ok11);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].kind, IssueKind::TooDeep);
    assert_eq!(issues[0].span.start(), 10 * 13);
    let ok10 = format!("{}1{}", "States.Array(".repeat(10), ")".repeat(10));
    assert!(check_str(&ok10).is_empty());
}

#[test]
fn signature_table_is_complete() {
    assert_eq!(SIGNATURES.len(), 18);
    for s in SIGNATURES {
        assert!(s.name.starts_with("States."));
        assert!(s.min <= s.params.len() || s.variadic.is_some());
    }
    assert_eq!(
        signature("States.MathRandom").map(|s| s.max()),
        Some(Some(3))
    );
    assert_eq!(signature("States.Format").map(|s| s.max()), Some(None));
}

#[test]
fn checker_reports_unknown_functions_with_suggestions() {
    let issues = check_str("States.Fromat('x')");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].kind, IssueKind::UnknownFunction);
    assert_eq!(issues[0].span, sp(0, 13));
    assert_eq!(
        issues[0].help.as_deref(),
        Some("did you mean `States.Format`?")
    );
    let issues = check_str("States.Nothing()");
    assert_eq!(issues[0].kind, IssueKind::UnknownFunction);
    let issues = check_str("States.arraylength($.a)");
    assert_eq!(
        issues[0].help.as_deref(),
        Some("did you mean `States.ArrayLength`?")
    );
}

#[test]
fn checker_reports_arity_types_and_values() {
    let issues = check_str("States.MathAdd(1)");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].kind, IssueKind::Arity);
    assert_eq!(
        issues[0].message,
        "`States.MathAdd` takes exactly 2 arguments, but 1 was given"
    );
    assert_eq!(issues[0].span, sp(14, 17));
    assert_eq!(issues[0].related.as_ref().map(|r| r.0), Some(sp(0, 14)));

    let issues = check_str("States.UUID(1, 2)");
    assert_eq!(issues[0].kind, IssueKind::Arity);
    assert_eq!(issues[0].span, sp(12, 16));

    let issues = check_str("States.MathAdd('1', 2)");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].kind, IssueKind::ArgType);
    assert_eq!(issues[0].span, sp(15, 18));
    assert_eq!(
        issues[0].message,
        "the first argument of `States.MathAdd` must be a number, found a string"
    );

    let issues = check_str("States.ArrayLength(States.Format('x'))");
    assert_eq!(issues[0].kind, IssueKind::ArgType);

    let issues = check_str("States.Hash($.a, 'SHA256')");
    assert_eq!(issues[0].kind, IssueKind::ArgValue);
    assert_eq!(issues[0].span, sp(17, 25));
    assert_eq!(issues[0].help.as_deref(), Some("did you mean 'SHA-256'?"));

    let issues = check_str("States.JsonMerge($.a, $.b, true)");
    assert_eq!(issues[0].kind, IssueKind::ArgValue);
    assert_eq!(issues[0].span, sp(27, 31));

    let issues = check_str("States.ArrayRange(1, 5000, 1)");
    assert_eq!(issues[0].kind, IssueKind::ArgValue);
    let issues = check_str("States.ArrayRange(1, 5, 0)");
    assert_eq!(issues[0].kind, IssueKind::ArgValue);
    assert_eq!(issues[0].span, sp(24, 25));

    assert!(check_str("States.ArrayRange(1, 5, $.step)").is_empty());
    assert!(check_str("States.MathRandom(1, 5)").is_empty());
    assert!(check_str("States.Format('{}-{}', $.a, States.UUID())").is_empty());
}

#[test]
fn checker_reports_format_placeholder_mismatch() {
    let issues = check_str("States.Format('{} and {}', $.a)");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].kind, IssueKind::FormatPlaceholders);
    assert_eq!(issues[0].span, sp(14, 25));
    assert_eq!(
        issues[0].message,
        "the template has 2 `{}` placeholders but 1 value is given"
    );
    assert!(check_str("States.Format('\\{\\}', )")
        .iter()
        .any(|i| i.kind == IssueKind::Syntax));
    assert!(check_str("States.Format('\\{\\}')").is_empty());
}

#[test]
fn eval_format() {
    let input = json!({"s": "str", "o": {"Arg1": 1, "Arg2": []}, "n": null, "f": 1.1, "a": [1, "x", {"k": true}]});
    assert_eq!(
        ok(
            "States.Format('v={} {} {} {} {}', $.s, $.o, $.n, $.f, $.a)",
            &input
        ),
        json!("v=str {Arg1=1, Arg2=[]} null 1.1 [1, x, {k=true}]")
    );
    assert_eq!(ok("States.Format('\\{{}\\}', 'x')", &input), json!("{x}"));
    let e = fails("States.Format('{}')", &input);
    assert_eq!(e.error, "States.IntrinsicFailure");
}

#[test]
fn eval_json_functions() {
    let input =
        json!({"e": "", "sp": " ", "j": "{\"a\": [1]}", "bad": "{", "o": {"Arg1": 1, "Arg2": []}});
    assert_eq!(ok("States.StringToJson($.e)", &input), Value::Null);
    assert_eq!(ok("States.StringToJson($.sp)", &input), Value::Null);
    assert_eq!(ok("States.StringToJson($.j)", &input), json!({"a": [1]}));
    assert_eq!(
        fails("States.StringToJson($.bad)", &input).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        ok("States.JsonToString($.o)", &input),
        json!("{\"Arg1\":1,\"Arg2\":[]}")
    );
    assert_eq!(
        ok(
            "States.JsonMerge($.o, States.StringToJson('{\"Arg1\": 2, \"z\": 0}'), false)",
            &input
        ),
        json!({"Arg1": 2, "Arg2": [], "z": 0})
    );
    assert_eq!(
        fails("States.JsonMerge($.o, $.o, true)", &input).error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn eval_array_functions() {
    let input = json!({"a": [1, 2, 3, 4, 5], "d": [1, 1.0, "1", 1, null, null]});
    assert_eq!(ok("States.Array()", &input), json!([]));
    assert_eq!(
        ok("States.Array(1, 'x', $.a[0])", &input),
        json!([1, "x", 1])
    );
    assert_eq!(
        ok("States.ArrayPartition($.a, 2)", &input),
        json!([[1, 2], [3, 4], [5]])
    );
    assert!(ev("States.ArrayPartition($.a, 0)", &input).is_err());
    assert_eq!(ok("States.ArrayContains($.a, 3)", &input), json!(true));
    assert_eq!(ok("States.ArrayContains($.a, 9)", &input), json!(false));
    assert_eq!(ok("States.ArrayRange(1, 9, 3)", &input), json!([1, 4, 7]));
    assert_eq!(ok("States.ArrayRange(5, 1, -2)", &input), json!([5, 3, 1]));
    assert_eq!(ok("States.ArrayRange(5, 1, 2)", &input), json!([]));
    assert_eq!(
        ok("States.ArrayRange(0, 999, 1)", &input)
            .as_array()
            .map(Vec::len),
        Some(1000)
    );
    assert!(ev("States.ArrayRange(0, 1000, 1)", &input).is_err());
    assert!(ev("States.ArrayRange(0, 10, 0)", &input).is_err());
    assert_eq!(ok("States.ArrayGetItem($.a, 4)", &input), json!(5));
    assert!(ev("States.ArrayGetItem($.a, 5)", &input).is_err());
    assert!(ev("States.ArrayGetItem($.a, -1)", &input).is_err());
    assert_eq!(ok("States.ArrayLength($.a)", &input), json!(5));
    assert_eq!(
        ok("States.ArrayUnique($.d)", &input),
        json!([1, 1.0, "1", null])
    );
}

#[test]
fn eval_encoding_and_hash() {
    let input =
        json!({"s": "Data to encode", "b": "RGF0YSB0byBlbmNvZGU=", "long": "x".repeat(10_001)});
    assert_eq!(
        ok("States.Base64Encode($.s)", &input),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
    assert_eq!(
        ok("States.Base64Decode($.b)", &input),
        json!("Data to encode")
    );
    assert!(ev("States.Base64Decode('!!!')", &input).is_err());
    assert!(ev("States.Base64Encode($.long)", &input).is_err());
    assert_eq!(
        ok("States.Hash('input data', 'MD5')", &input),
        json!("812f45842bc6d66ee14572ce20db8e86")
    );
    assert_eq!(
        ok("States.Hash('input data', 'SHA-1')", &input),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
    assert_eq!(
        ok("States.Hash('input data', 'SHA-256')", &input),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
    assert!(ev("States.Hash('x', 'SHA-3')", &input).is_err());
}

#[test]
fn eval_math_and_strings() {
    let input = json!({});
    assert_eq!(ok("States.MathAdd(-1.5, 0)", &input), json!(-1));
    assert_eq!(ok("States.MathAdd(2.5, 0)", &input), json!(3));
    assert_eq!(ok("States.MathAdd(-2.5, 0)", &input), json!(-2));
    assert_eq!(ok("States.MathAdd(1.5, 1.51)", &input), json!(4));
    assert_eq!(ok("States.MathAdd(-0.5, 0.5)", &input), json!(1));
    assert!(ev("States.MathAdd('1', 2)", &input).is_err());
    assert_eq!(
        ok(
            "States.StringSplit('This.is+a,test=string', '.+,=')",
            &input
        ),
        json!(["This", "is", "a", "test", "string"])
    );
    assert_eq!(ok("States.StringSplit(',,,,', ',')", &input), json!([]));
    for _ in 0..20 {
        let r = ok("States.MathRandom(3, 6)", &input);
        let n = r.as_i64().unwrap_or(-1);
        assert!((3..6).contains(&n), "{n}");
    }
    let a = ok("States.MathRandom(0, 1000000, 42)", &input);
    let b = ok("States.MathRandom(0, 1000000, 42)", &input);
    assert_eq!(a, b);
    assert!(ev("States.MathRandom(5, 5)", &input).is_err());
    let u = ok("States.UUID()", &input);
    let u = u.as_str().unwrap_or("");
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
}

#[test]
fn missing_path_argument_is_a_runtime_error() {
    let e = fails("States.Array($.nope)", &json!({"a": 1}));
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(
        e.cause,
        "The JSONPath '$.nope' could not be found in the input '{\"a\":1}'"
    );
}

#[test]
fn paths_lists_every_path_argument() {
    let c = call("States.Format('{}{}', $.a, States.Array($$.b, $v))");
    let texts: Vec<&str> = paths(&c).iter().map(|(_, t, _)| *t).collect();
    assert_eq!(texts, vec!["$.a", "$$.b", "$v"]);
}

#[test]
fn checker_reports_literal_values_sure_to_fail() {
    let kinds = |s: &str| {
        check_str(s)
            .into_iter()
            .map(|i| (i.kind, i.span))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds("States.ArrayGetItem($.a, -1)"),
        vec![(IssueKind::ArgValue, sp(25, 27))]
    );
    assert_eq!(
        kinds("States.ArrayPartition($.a, 0)"),
        vec![(IssueKind::ArgValue, sp(27, 28))]
    );
    assert_eq!(
        kinds("States.MathRandom(5, 5)"),
        vec![(IssueKind::ArgValue, sp(21, 22))]
    );
    assert_eq!(
        kinds("States.StringToJson('{x')"),
        vec![(IssueKind::ArgValue, sp(20, 24))]
    );
    assert_eq!(
        kinds("States.Base64Decode('!!')"),
        vec![(IssueKind::ArgValue, sp(20, 24))]
    );
    assert!(kinds("States.StringToJson('')").is_empty());
    assert!(kinds("States.Base64Decode('QQ==')").is_empty());
    assert!(kinds("States.ArrayGetItem($.a, 0)").is_empty());
}

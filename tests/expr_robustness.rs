//! The expression parsers and evaluators never panic, hang or overflow on any input.

use aslint::expr::intrinsic::{self, SplitMix64};
use aslint::expr::jsonpath::{Env, Path};
use aslint::expr::span_map::SpanMap;
use aslint::expr::{classify, eval_payload_template, TemplateExpr};
use aslint::syntax::Span;
use proptest::prelude::*;
use serde_json::json;

/// Strings made of the characters that matter to the grammars, so that deep and odd structures are likely.
fn grammar_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("$".to_string()),
            Just("$$".to_string()),
            Just(".".to_string()),
            Just("..".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just("?(".to_string()),
            Just("@".to_string()),
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just("*".to_string()),
            Just("-1".to_string()),
            Just("0".to_string()),
            Just("1.5e3".to_string()),
            Just(" ".to_string()),
            Just("==".to_string()),
            Just("<".to_string()),
            Just("&&".to_string()),
            Just("||".to_string()),
            Just("!".to_string()),
            Just("=~ /a.*/i".to_string()),
            Just(" in ".to_string()),
            Just("{}".to_string()),
            Just("States.Format".to_string()),
            Just("States.Array".to_string()),
            Just("States.MathAdd".to_string()),
            Just("true".to_string()),
            Just("null".to_string()),
            Just("a".to_string()),
            Just("é".to_string()),
            Just("\u{1F600}".to_string()),
            "[a-z]{1,3}".prop_map(|s| s),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn exercise(s: &str) {
    let input = json!({"a": [1, {"b": "x"}], "s": "t", "n": null, "o": {"k": [true]}});
    let env = Env::input(&input);
    if let Ok(p) = Path::parse(s) {
        let _ = p.is_definite();
        let _ = p.is_reference();
        let _ = p.query(&env).into_value();
        let mut target = input.clone();
        let _ = aslint::expr::jsonpath::set(&mut target, &p, json!(1));
        let _ = p.to_string();
    }
    let _ = intrinsic::check_str(s);
    if let Ok(c) = intrinsic::parse_call(s) {
        let mut rng = SplitMix64(3);
        let _ = intrinsic::eval(&c, &env, &mut rng);
    }
    if let TemplateExpr::Invalid(e) = classify(s) {
        assert!(e.span.end() <= s.len());
        assert!(s.is_char_boundary(e.span.start()) && s.is_char_boundary(e.span.end()));
    }
    let t = json!({ "x.$": s, "y": [ { "z.$": s } ] });
    let _ = eval_payload_template(&t, &input, None, None);
    let quoted = serde_json::to_string(s).unwrap_or_default();
    if let Some(m) = SpanMap::new(&quoted, Span::new(0, quoted.len())) {
        let _ = m.offset(s.len());
        assert_eq!(m.offset(s.len()), quoted.len() - 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn grammar_soup_never_panics(s in grammar_soup()) {
        exercise(&s);
    }

    #[test]
    fn span_map_agrees_with_serde(s in any::<String>()) {
        // For any string, mapping every char boundary through its JSON encoding lands on the encoding of that char.
        let quoted = serde_json::to_string(&s).unwrap_or_default();
        let m = SpanMap::new(&quoted, Span::new(0, quoted.len()));
        prop_assert!(m.is_some());
        let m = m.unwrap_or_else(|| unreachable!());
        for (i, c) in s.char_indices() {
            let at = m.offset(i);
            let encoded = serde_json::to_string(&c.to_string()).unwrap_or_default();
            let inner = &encoded[1..encoded.len() - 1];
            prop_assert!(quoted[at..].starts_with(inner), "{:?} at {}", s, i);
        }
    }
}

#[test]
fn pathological_inputs_are_bounded() {
    let deep_brackets = "$".to_string() + &"[".repeat(100_000);
    assert!(Path::parse(&deep_brackets).is_err());
    let deep_filters = "$".to_string() + &"[?(@".repeat(50_000);
    assert!(Path::parse(&deep_filters).is_err());
    // Long `&&`/`||` chains would build a tree as deep as the chain: capped.
    let long_and = format!("$[?(@.a{})]", " && @.a".repeat(100_000));
    assert!(Path::parse(&long_and).is_err());
    let long_or = format!("$[?(@.a{})]", " || (@.a)".repeat(100_000));
    assert!(Path::parse(&long_or).is_err());
    let ok_chain = format!("$[?(@.a{})]", " && @.a".repeat(63));
    assert!(Path::parse(&ok_chain).is_ok());
    let deep_calls = "States.Array(".repeat(100_000);
    assert!(intrinsic::parse_call(&deep_calls).is_err());
    let long_path = "$".to_string() + &".a".repeat(100_000);
    assert!(Path::parse(&long_path).is_ok());
    // A deep document (as deep as serde_json parses: 128) with a deep scan.
    let mut v = json!(1);
    for _ in 0..120 {
        v = json!({ "a": v });
    }
    let p = Path::parse("$..a").unwrap_or_else(|e| panic!("{e}"));
    let n = p.query(&Env::input(&v)).into_value();
    assert_eq!(n.and_then(|x| x.as_array().map(Vec::len)), Some(120));
}

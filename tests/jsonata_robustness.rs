//! The JSONata layer never panics, hangs or overflows: arbitrary strings and token soups through the tokenizer,
//! `jsonata-core`'s parser (with error location) and the reference extractors; whole documents through every rule.
use aslint::expr::jsonata;
use aslint::lint::lint_source;
use aslint::syntax::SourceKind;
use proptest::prelude::*;

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("$states"),
            Just(".input"),
            Just(".result"),
            Just("$x"),
            Just("$"),
            Just("$$"),
            Just(":="),
            Just("function"),
            Just("("),
            Just(")"),
            Just("["),
            Just("]"),
            Just("{"),
            Just("}"),
            Just(","),
            Just(";"),
            Just("'s'"),
            Just("\""),
            Just("'"),
            Just("`a b`"),
            Just("/re/i"),
            Just("/"),
            Just("/*"),
            Just("*/"),
            Just(" "),
            Just("1"),
            Just("2.5e3"),
            Just("+"),
            Just("*"),
            Just("**"),
            Just("?"),
            Just(":"),
            Just("~>"),
            Just("@"),
            Just("#"),
            Just("%"),
            Just("&"),
            Just("and"),
            Just("$sum"),
            Just("λ"),
            Just("é"),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn exercise(body: &str) {
    let p = jsonata::parse(body);
    if let Some(e) = &p.error {
        assert!(e.span.end() <= body.len(), "{body:?}: {e:?}");
        assert!(body.is_char_boundary(e.span.start()) && body.is_char_boundary(e.span.end()));
    }
    let _ = jsonata::variable_reads(body, &p.tokens);
    let _ = jsonata::states_refs(body, &p.tokens);
    let _ = jsonata::function_calls(body, &p.tokens);
    let _ = jsonata::delimiter_problem(body);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn token_soup_never_panics(s in soup()) {
        exercise(&s);
        let doc = serde_json::json!({
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "Assign": {"x": format!("{{% {s} %}}")},
                             "Output": format!("{{% {s} %}}"), "Next": "B"},
                       "B": {"Type": "Pass", "Output": format!("{{%{s}"), "End": true}}
        });
        let _ = lint_source("t.json", &doc.to_string(), SourceKind::Json);
    }
}

#[test]
fn pathological_bodies_are_bounded() {
    for body in [
        "(".repeat(100_000),
        "[".repeat(200) + &"]".repeat(200),
        "-".repeat(50_000) + "1",
        "$a.".repeat(20_000) + "b",
        "1+".repeat(20_000) + "1",
        "'".repeat(10_001),
        "a ".repeat(30_000) + "(",
    ] {
        exercise(&body);
    }
}

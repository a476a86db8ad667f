use super::*;

fn at(src: &str, span: Span) -> &str {
    &src[span.range()]
}

#[test]
fn enclosed_needs_both_delimiters() {
    assert_eq!(enclosed("{% 1 %}").map(|e| e.body), Some(" 1 "));
    assert_eq!(enclosed("{%%}").map(|e| e.body), Some(""));
    assert!(enclosed("{% 1 %").is_none());
    assert!(enclosed(" {% 1 %}").is_none());
    assert!(enclosed("{%}").is_none());
}

#[test]
fn delimiter_problems_are_classified() {
    assert_eq!(delimiter_problem("{% 1 %}"), None);
    assert_eq!(delimiter_problem("{%$f() %}"), None);
    assert_eq!(delimiter_problem("{% $x%}"), None);
    assert_eq!(
        delimiter_problem("{%10%}"),
        Some(DelimiterProblem::NoSpaces)
    );
    assert_eq!(
        delimiter_problem("{% 10 %"),
        Some(DelimiterProblem::NoClose {
            open: Span::new(0, 2)
        })
    );
    assert_eq!(
        delimiter_problem("10 %}"),
        Some(DelimiterProblem::NoOpen {
            close: Span::new(3, 5)
        })
    );
    assert_eq!(
        delimiter_problem(" {% x %}  "),
        Some(DelimiterProblem::SpacesOutside {
            leading: Span::new(0, 1),
            trailing: Span::new(8, 10)
        })
    );
    assert_eq!(delimiter_problem("plain text"), None);
    assert_eq!(delimiter_problem("100%"), None);
}

#[test]
fn tokenizer_spans() {
    let src = "$a.`b c` & 'x\\'y' /* c */ ~> $f(/re\\/x/i, 1.5e3)";
    let toks = tokenize(src).expect("tokenizes");
    let texts: Vec<&str> = toks.iter().map(|t| t.text(src)).collect();
    assert_eq!(
        texts,
        vec![
            "$a",
            ".",
            "`b c`",
            "&",
            "'x\\'y'",
            "~>",
            "$f",
            "(",
            "/re\\/x/i",
            ",",
            "1.5e3",
            ")"
        ]
    );
    assert_eq!(toks[8].kind, TokenKind::Regex);
    // A division after a value is not a regex.
    let toks = tokenize("a / b").expect("tokenizes");
    assert_eq!(toks.len(), 3);
    assert_eq!(toks[1].kind, TokenKind::Operator);
}

#[test]
fn unterminated_string_points_at_its_quote() {
    let p = parse(" 'abc ");
    let e = p.error.expect("error");
    assert_eq!(e.span, Span::new(1, 6));
    assert!(e.message.contains("unterminated string"), "{}", e.message);
}

#[test]
fn unclosed_paren_points_at_it() {
    let src = " $sum($states.input.items.numbers ";
    let e = parse(src).error.expect("error");
    assert_eq!(at(src, e.span), "(");
    assert!(e.message.contains("never closed"), "{}", e.message);
}

#[test]
fn mismatched_bracket_has_related_opener() {
    let src = "[1, 2)";
    let e = parse(src).error.expect("error");
    assert_eq!(at(src, e.span), ")");
    assert_eq!(
        e.related.map(|r| at(src, r.0).to_string()),
        Some("[".into())
    );
}

#[test]
fn parser_error_located_at_the_failing_token() {
    let src = " 10 + * 2 ";
    let p = parse(src);
    let e = p.error.expect("error");
    assert_eq!(at(src, e.span), "2", "{e:?}");
    let src = " 420. ";
    let e = parse(src).error.expect("error");
    assert!(!e.span.is_empty() || e.span.start() > 0, "{e:?}");
    let src = " $.store.book[?(@.price < 10)].title ";
    let e = parse(src).error.expect("error");
    assert_eq!(at(src, e.span), "?", "{e:?}");
}

#[test]
fn valid_expressions_parse() {
    for src in [
        " $states.input.a ",
        " $sum($states.input.items) ",
        " ($x := 1; $y := function($a) { $a + $x }; $y(2)) ",
        " $states.input.items[price > 10].name ",
        " $map($arr, function($v, $i) { $v & $string($i) }) ",
        " $partition($states.input, 2) ",
        " /* note */ 1 ",
        "\n 10 \n",
    ] {
        let p = parse(src);
        assert!(p.error.is_none(), "{src}: {:?}", p.error);
        assert!(p.ast.is_some(), "{src}");
    }
}

#[test]
fn empty_body_is_an_error() {
    assert!(parse("  ").error.is_some());
}

#[test]
fn variable_reads_skip_locals_builtins_and_states() {
    let src = " ($x := $a; $f := function($p) { $p + $b }; $map($c, $string) ~> $f($x) & $states.input & $$.y & $) ";
    let toks = tokenize(src).expect("tokenizes");
    let reads: Vec<String> = variable_reads(src, &toks)
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(reads, vec!["a", "b", "c"]);
    let r = &variable_reads(src, &toks)[0];
    assert_eq!(at(src, r.span), "$a");
}

#[test]
fn states_refs_have_member_spans() {
    let src = " $states.input.x & $states.`result` & $states.foo & $states ";
    let toks = tokenize(src).expect("tokenizes");
    let refs = states_refs(src, &toks);
    let members: Vec<Option<String>> = refs.iter().map(|r| r.member.clone()).collect();
    assert_eq!(
        members,
        vec![
            Some("input".into()),
            Some("result".into()),
            Some("foo".into()),
            None
        ]
    );
    assert_eq!(at(src, refs[2].member_span.expect("span")), "foo");
    assert_eq!(refs[0].steps.len(), 1);
    assert_eq!(at(src, refs[0].steps[0].1), "x");
    let src = "$states.context.Execution.`Id`.$length() & $states.context.Map.Item[0].Value";
    let toks = tokenize(src).expect("tokenizes");
    let steps: Vec<Vec<String>> = states_refs(src, &toks)
        .iter()
        .map(|r| r.steps.iter().map(|(n, _)| n.clone()).collect())
        .collect();
    assert_eq!(steps, vec![vec!["Execution", "Id"], vec!["Map", "Item"]]);
}

#[test]
fn function_calls_are_listed() {
    let src = " $sum($x) + $eval('1') + $f(1) ";
    let toks = tokenize(src).expect("tokenizes");
    let names: Vec<String> = function_calls(src, &toks)
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, vec!["sum", "eval", "f"]);
}

#[test]
fn jsonpath_lookalikes() {
    assert!(looks_like_jsonpath("$.a"));
    assert!(looks_like_jsonpath("$$.Execution.Id"));
    assert!(looks_like_jsonpath("States.Format('{}', $.a)"));
    assert!(!looks_like_jsonpath("$states.input"));
    assert!(!looks_like_jsonpath("hello"));
}

#[test]
fn deep_nesting_is_skipped_not_overflowed() {
    let src = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let p = parse(&src);
    assert!(p.skipped);
    assert!(p.error.is_none());
    let src = "[".repeat(100_000);
    let p = parse(&src);
    assert!(p.error.is_some() || p.skipped);
}

#[test]
fn never_panics_on_odd_input() {
    for src in [
        "\\", "'\\", "`", "/*", "/", "$", "$$", "{%", "é'", "\u{0}", "((]", "a.b.", "λ(", "$x :=",
    ] {
        let p = parse(src);
        if let Some(e) = p.error {
            assert!(e.span.end() <= src.len(), "{src:?}: {e:?}");
        }
    }
}

//! The YAML parser: spans, scalar resolution, tags, aliases, merge keys, duplicate keys, errors, limits, and the
//! shared corpus.
use aslint::diagnostics::Diagnostic;
use aslint::syntax::{parse_yaml, Node, ParseOutput, Span, Value, MAX_DEPTH};
use proptest::prelude::*;
use std::path::PathBuf;

fn slice(text: &str, span: Span) -> &str {
    text.get(span.range()).unwrap_or("<bad span>")
}

fn root(out: &ParseOutput) -> &Node {
    out.root.as_ref().expect("a tree")
}

fn clean(text: &str) -> ParseOutput {
    let out = parse_yaml(text);
    assert!(
        out.diagnostics.is_empty(),
        "unexpected diagnostics for {text:?}: {:#?}",
        out.diagnostics
    );
    out
}

fn rules(out: &ParseOutput) -> Vec<&'static str> {
    out.diagnostics.iter().map(|d| d.rule.name).collect()
}

fn only(out: &ParseOutput, rule: &str) -> Diagnostic {
    assert_eq!(rules(out), vec![rule], "{:#?}", out.diagnostics);
    out.diagnostics[0].clone()
}

fn int(n: &Node) -> i64 {
    let num = n.as_number().expect("a number");
    assert!(num.is_integer, "{n:?} is not an integer");
    num.as_i64().expect("fits i64")
}

fn tagged(n: &Node) -> (&str, &Node) {
    match &n.value {
        Value::Tagged { tag, value } => (tag.as_str(), value),
        other => panic!("not tagged: {other:?}"),
    }
}

// ------------------------------------------------------------------ spans

#[test]
fn spans_are_byte_offsets_after_multibyte_characters() {
    let text = "Comment: \"héllo 😀 wörld\"\nStartAt: Début\nStates:\n  Début:\n    Type: Pass # ✓ fin\n    End: true\nNote: '😀'\n";
    let out = clean(text);
    let r = root(&out);
    let comment = r.member("Comment").unwrap();
    assert_eq!(slice(text, comment.key.span), "Comment");
    assert_eq!(slice(text, comment.value.span), "\"héllo 😀 wörld\"");
    assert_eq!(comment.value.as_str(), Some("héllo 😀 wörld"));
    let start_at = r.member("StartAt").unwrap();
    assert_eq!(slice(text, start_at.key.span), "StartAt");
    assert_eq!(slice(text, start_at.value.span), "Début");
    let state = r.get("States").unwrap().member("Début").unwrap();
    assert_eq!(slice(text, state.key.span), "Début");
    let ty = state.value.member("Type").unwrap();
    assert_eq!(slice(text, ty.key.span), "Type");
    assert_eq!(slice(text, ty.value.span), "Pass");
    let end = state.value.member("End").unwrap();
    assert_eq!(slice(text, end.value.span), "true");
    assert_eq!(end.value.as_bool(), Some(true));
    let note = r.member("Note").unwrap();
    assert_eq!(slice(text, note.value.span), "'😀'");
    // The state's mapping spans from its first key to its last value.
    assert_eq!(
        slice(text, state.value.span),
        "Type: Pass # ✓ fin\n    End: true"
    );
}

#[test]
fn crlf_line_endings_and_a_bom_keep_byte_spans() {
    let text = "\u{feff}StartAt: Go\r\nStates:\r\n  Go:\r\n    Type: Pass\r\n    Result: |\r\n      line1\r\n      line2\r\n    End: true\r\n";
    let out = clean(text);
    let r = root(&out);
    let start_at = r.member("StartAt").unwrap();
    assert_eq!(start_at.key.span, Span::new(3, 10));
    assert_eq!(slice(text, start_at.value.span), "Go");
    let go = r.get("States").unwrap().member("Go").unwrap();
    assert_eq!(slice(text, go.key.span), "Go");
    let result = go.value.get("Result").unwrap();
    assert_eq!(result.as_str(), Some("line1\nline2\n"));
    assert_eq!(slice(text, result.span), "|\r\n      line1\r\n      line2");
    let end = go.value.member("End").unwrap();
    assert_eq!(slice(text, end.key.span), "End");
    assert_eq!(slice(text, end.value.span), "true");
}

#[test]
fn container_spans_cover_flow_brackets_and_block_content() {
    let text = "a: [1, {k: v}]   # trailing\nb:\n  - x\n  - y   \n# comment\nc: {}\n";
    let out = clean(text);
    let r = root(&out);
    assert_eq!(slice(text, r.get("a").unwrap().span), "[1, {k: v}]");
    let inner = &r.get("a").unwrap().as_array().unwrap()[1];
    assert_eq!(slice(text, inner.span), "{k: v}");
    assert_eq!(slice(text, r.get("b").unwrap().span), "- x\n  - y");
    assert_eq!(slice(text, r.get("c").unwrap().span), "{}");
    // Empty values get empty spans.
    let empty = clean("d: {x, y: 1}\ne:\nf: [k: ]\n");
    let e = root(&empty);
    let x = e.get("d").unwrap().get("x").unwrap();
    assert_eq!((x.span.is_empty(), &x.value), (true, &Value::Null));
    assert!(e.get("e").unwrap().span.is_empty());
    let k = e.get("f").unwrap().as_array().unwrap()[0].get("k").unwrap();
    assert!(k.span.is_empty(), "{k:?}");
    assert_eq!(r.span.start(), 0);
    assert_eq!(slice(text, r.span).lines().last(), Some("c: {}"));
}

#[test]
fn block_scalars_are_strings_spanning_indicator_to_content() {
    let text = "lit: |\n  a\n  b\n\nfold: >-  # note\n  x\n  y\nkeep: |+\n  k\n\nlast: 1\n";
    let out = clean(text);
    let r = root(&out);
    let lit = r.get("lit").unwrap();
    assert_eq!(lit.as_str(), Some("a\nb\n"));
    assert_eq!(slice(text, lit.span), "|\n  a\n  b");
    let fold = r.get("fold").unwrap();
    assert_eq!(fold.as_str(), Some("x y"));
    assert_eq!(slice(text, fold.span), ">-  # note\n  x\n  y");
    let keep = r.get("keep").unwrap();
    assert_eq!(keep.as_str(), Some("k\n\n"));
    assert_eq!(slice(text, keep.span), "|+\n  k");
    assert_eq!(int(r.get("last").unwrap()), 1);
}

// ------------------------------------------------------------------ scalars

#[test]
fn plain_scalars_resolve_with_the_core_schema() {
    let text = "\
n1: ~
n2: null
n3: NULL
n4:
b1: true
b2: True
b3: FALSE
i1: 42
i2: -7
i3: +3
i4: 0x1F
i5: 0o17
i6: 012
f1: 1.5
f2: 1e3
f3: -.5
f4: .inf
f5: -.Inf
f6: .NaN
f7: 1.
s1: yes
s2: 0b101
s3: 1_000
s4: nulls
s5: 12:30
s6: 0x
s7: 1e
s8: .
";
    let out = clean(text);
    let r = root(&out);
    for k in ["n1", "n2", "n3", "n4"] {
        assert_eq!(r.get(k).unwrap().value, Value::Null, "{k}");
    }
    assert_eq!(r.get("b1").unwrap().as_bool(), Some(true));
    assert_eq!(r.get("b2").unwrap().as_bool(), Some(true));
    assert_eq!(r.get("b3").unwrap().as_bool(), Some(false));
    assert_eq!(int(r.get("i1").unwrap()), 42);
    assert_eq!(int(r.get("i2").unwrap()), -7);
    assert_eq!(int(r.get("i3").unwrap()), 3);
    assert_eq!(int(r.get("i4").unwrap()), 31);
    assert_eq!(int(r.get("i5").unwrap()), 15);
    assert_eq!(int(r.get("i6").unwrap()), 12);
    let float = |k: &str| {
        let n = r
            .get(k)
            .unwrap()
            .as_number()
            .unwrap_or_else(|| panic!("{k}"));
        assert!(!n.is_integer, "{k} is a float");
        n.value
    };
    assert_eq!(float("f1"), 1.5);
    assert_eq!(float("f2"), 1000.0);
    assert_eq!(float("f3"), -0.5);
    assert_eq!(float("f4"), f64::INFINITY);
    assert_eq!(float("f5"), f64::NEG_INFINITY);
    assert!(float("f6").is_nan());
    assert_eq!(float("f7"), 1.0);
    for (k, s) in [
        ("s1", "yes"),
        ("s2", "0b101"),
        ("s3", "1_000"),
        ("s4", "nulls"),
        ("s5", "12:30"),
        ("s6", "0x"),
        ("s7", "1e"),
        ("s8", "."),
    ] {
        assert_eq!(r.get(k).unwrap().as_str(), Some(s), "{k}");
    }
}

#[test]
fn quoted_scalars_are_always_strings() {
    let text = "a: \"1\"\nb: '~'\nc: \"true\"\nd: ''\ne: \"esc\\n\\u00e9\"\nf: 'it''s'\n";
    let out = clean(text);
    let r = root(&out);
    assert_eq!(r.get("a").unwrap().as_str(), Some("1"));
    assert_eq!(r.get("b").unwrap().as_str(), Some("~"));
    assert_eq!(r.get("c").unwrap().as_str(), Some("true"));
    assert_eq!(r.get("d").unwrap().as_str(), Some(""));
    assert_eq!(slice(text, r.get("d").unwrap().span), "''");
    assert_eq!(r.get("e").unwrap().as_str(), Some("esc\né"));
    assert_eq!(slice(text, r.get("e").unwrap().span), "\"esc\\n\\u00e9\"");
    assert_eq!(r.get("f").unwrap().as_str(), Some("it's"));
}

#[test]
fn non_string_keys_keep_their_text() {
    let out = clean("1: one\ntrue: yes\n~: nothing\n\"q\": quoted\n");
    let keys: Vec<&str> = root(&out)
        .as_object()
        .unwrap()
        .iter()
        .map(|m| m.key.text.as_str())
        .collect();
    assert_eq!(keys, ["1", "true", "~", "q"]);
}

// ------------------------------------------------------------------ tags

#[test]
fn cloudformation_short_tags_become_tagged_values() {
    let tags = [
        "Sub",
        "GetAtt",
        "Ref",
        "Join",
        "Select",
        "If",
        "FindInMap",
        "ImportValue",
        "Base64",
        "Cidr",
        "GetAZs",
        "Split",
        "Equals",
        "Not",
        "And",
        "Or",
        "Condition",
        "MyCustomTag",
    ];
    for t in tags {
        let text = format!("Resource: !{t} Some.Value\n");
        let out = clean(&text);
        let v = root(&out).get("Resource").unwrap();
        let (tag, inner) = tagged(v);
        assert_eq!(tag, format!("!{t}"));
        assert_eq!(inner.as_str(), Some("Some.Value"));
        assert_eq!(slice(&text, v.span), format!("!{t} Some.Value"));
        assert_eq!(slice(&text, inner.span), "Some.Value");
    }
}

#[test]
fn tagged_sequences_mappings_and_nested_tags() {
    let text = "\
Resource: !Join [':', [arn, !Ref AWS::Partition, states]]
Pick: !Select
  - 0
  - !GetAZs ''
Cond: !If [IsProd, !Ref ProdArn, !Ref 'AWS::NoValue']
Map: !Custom {a: 1}
Sub: !Sub |
  arn:${AWS::Partition}
Empty: !Ref
";
    let out = clean(text);
    let r = root(&out);
    let (tag, join) = tagged(r.get("Resource").unwrap());
    assert_eq!(tag, "!Join");
    assert_eq!(
        slice(text, join.span),
        "[':', [arn, !Ref AWS::Partition, states]]"
    );
    let parts = join.as_array().unwrap()[1].as_array().unwrap();
    let (tag, reference) = tagged(&parts[1]);
    assert_eq!((tag, reference.as_str()), ("!Ref", Some("AWS::Partition")));
    assert_eq!(slice(text, parts[1].span), "!Ref AWS::Partition");

    let (tag, pick) = tagged(r.get("Pick").unwrap());
    assert_eq!(tag, "!Select");
    let items = pick.as_array().unwrap();
    assert_eq!(int(&items[0]), 0);
    let (tag, azs) = tagged(&items[1]);
    assert_eq!((tag, azs.as_str()), ("!GetAZs", Some("")));
    assert_eq!(slice(text, azs.span), "''");

    let (tag, cond) = tagged(r.get("Cond").unwrap());
    assert_eq!(tag, "!If");
    assert_eq!(cond.as_array().unwrap().len(), 3);

    let (tag, map) = tagged(r.get("Map").unwrap());
    assert_eq!(tag, "!Custom");
    assert_eq!(int(map.get("a").unwrap()), 1);
    assert_eq!(slice(text, r.get("Map").unwrap().span), "!Custom {a: 1}");

    let (tag, sub) = tagged(r.get("Sub").unwrap());
    assert_eq!(tag, "!Sub");
    assert_eq!(sub.as_str(), Some("arn:${AWS::Partition}\n"));
    assert_eq!(slice(text, sub.span), "|\n  arn:${AWS::Partition}");

    let (tag, empty) = tagged(r.get("Empty").unwrap());
    assert_eq!((tag, empty.as_str()), ("!Ref", Some("")));
}

#[test]
fn standard_tags_apply_their_type() {
    let text = "\
s: !!str 123
i: !!int \"42\"
x: !!int 0x10
f: !!float 1
b: !!bool \"true\"
n: !!null ''
m: !!map {a: 1}
q: !!seq [1, 2]
v: !<tag:yaml.org,2002:str> 7
ns: ! 12
";
    let out = clean(text);
    let r = root(&out);
    assert_eq!(r.get("s").unwrap().as_str(), Some("123"));
    assert_eq!(int(r.get("i").unwrap()), 42);
    assert_eq!(int(r.get("x").unwrap()), 16);
    let f = r.get("f").unwrap().as_number().unwrap();
    assert!(!f.is_integer && f.value == 1.0);
    assert_eq!(r.get("b").unwrap().as_bool(), Some(true));
    assert_eq!(r.get("n").unwrap().value, Value::Null);
    assert!(r.get("m").unwrap().as_object().is_some());
    assert_eq!(r.get("q").unwrap().as_array().unwrap().len(), 2);
    assert_eq!(r.get("v").unwrap().as_str(), Some("7"));
    assert_eq!(r.get("ns").unwrap().as_str(), Some("12"));
    assert_eq!(slice(text, r.get("s").unwrap().span), "!!str 123");
}

#[test]
fn standard_tags_that_do_not_fit_are_errors() {
    let text = "States:\n  A:\n    Type: !!int Pass\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert_eq!(slice(text, d.span()), "!!int Pass");
    assert_eq!(d.pointer, "/States/A/Type");
    assert!(d.message.contains("!!int"), "{}", d.message);
    assert!(!d.notes.is_empty() && d.help.is_some());
    let ty = root(&out)
        .get("States")
        .unwrap()
        .get("A")
        .unwrap()
        .get("Type");
    assert_eq!(ty.map(|n| &n.value), Some(&Value::Error));

    let out = parse_yaml("a: !!str [1]\n");
    assert_eq!(only(&out, "invalid-yaml").pointer, "/a");
}

// ------------------------------------------------------------------ anchors, aliases, merge keys

#[test]
fn aliases_copy_the_anchored_node_with_the_alias_span() {
    let text = "\
retry: &retry
  - ErrorEquals: [States.ALL]
    MaxAttempts: 3
name: &n Hello
A:
  Retry: *retry
  Name: *n
*n : key-from-alias
";
    let out = clean(text);
    let r = root(&out);
    let original = r.get("retry").unwrap();
    let a = r.get("A").unwrap();
    let copy = a.get("Retry").unwrap();
    assert_eq!(slice(text, copy.span), "*retry");
    assert_eq!(copy.value, original.value);
    assert_eq!(
        slice(text, original.span),
        "- ErrorEquals: [States.ALL]\n    MaxAttempts: 3"
    );
    let name = a.get("Name").unwrap();
    assert_eq!(name.as_str(), Some("Hello"));
    assert_eq!(slice(text, name.span), "*n");
    assert_eq!(slice(text, r.get("name").unwrap().span), "Hello");
    let alias_key = r.member("Hello").expect("alias used as a key");
    assert_eq!(slice(text, alias_key.key.span), "*n");
    assert_eq!(alias_key.value.as_str(), Some("key-from-alias"));
}

#[test]
fn unknown_and_recursive_aliases_are_errors() {
    let text = "StartAt: A\nStates: *nope\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert_eq!(slice(text, d.span()), "*nope");
    assert!(d.message.contains("*nope"), "{}", d.message);
    assert_eq!(d.pointer, "/States");
    // The partial tree keeps what came before.
    assert_eq!(root(&out).get("StartAt").unwrap().as_str(), Some("A"));

    let text = "a: &x [1, *x]\nb: 2\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert_eq!(slice(text, d.span()), "*x");
    assert_eq!(d.pointer, "/a/1");
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(slice(text, d.secondary[0].span), "&x");
    assert_eq!(int(root(&out).get("b").unwrap()), 2);
}

#[test]
fn merge_keys_merge_mappings_and_explicit_keys_win() {
    let text = "\
base: &base {Type: Task, Resource: arn:base, TimeoutSeconds: 10}
other: &other {TimeoutSeconds: 99, Comment: from other, Next: X}
State:
  <<: [*base, *other]
  Resource: arn:explicit
  End: true
Single:
  Comment: mine
  <<: *other
";
    let out = clean(text);
    let r = root(&out);
    let s = r.get("State").unwrap();
    let keys: Vec<&str> = s
        .as_object()
        .unwrap()
        .iter()
        .map(|m| m.key.text.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "Type",
            "TimeoutSeconds",
            "Comment",
            "Next",
            "Resource",
            "End"
        ]
    );
    assert_eq!(s.get("Resource").unwrap().as_str(), Some("arn:explicit"));
    assert_eq!(
        int(s.get("TimeoutSeconds").unwrap()),
        10,
        "earlier merge source wins"
    );
    assert!(s.get("<<").is_none());
    let single = r.get("Single").unwrap();
    assert_eq!(single.get("Comment").unwrap().as_str(), Some("mine"));
    assert_eq!(single.get("Next").unwrap().as_str(), Some("X"));
    assert_eq!(single.as_object().unwrap().len(), 3);

    // A quoted "<<" is an ordinary key.
    let out = clean("'<<': {a: 1}\n");
    assert!(root(&out).get("<<").is_some());

    let text = "a:\n  <<: just a string\n  b: 1\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert_eq!(slice(text, d.span()), "just a string");
    assert_eq!(d.pointer, "/a/<<");
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(slice(text, d.secondary[0].span), "<<");
    assert_eq!(int(root(&out).get("a").unwrap().get("b").unwrap()), 1);
}

#[test]
fn alias_bombs_are_capped() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='k' {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        text.push_str(&format!("{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    let out = parse_yaml(&text);
    let d = only(&out, "invalid-yaml");
    assert!(d.message.contains("too many"), "{}", d.message);
    assert!(d.span().len() >= 2 && slice(&text, d.span()).starts_with('*'));
    assert_eq!(d.secondary.len(), 1, "points at the anchored node");
    assert!(slice(&text, d.secondary[0].span).starts_with('['));
    assert!(root(&out).get("a").is_some());

    // Long strings copied many times hit the byte cap.
    let big = "y".repeat(1 << 20);
    let mut text = format!("s: &s \"{big}\"\nl: [");
    text.push_str(&vec!["*s"; 100].join(", "));
    text.push_str("]\n");
    let out = parse_yaml(&text);
    assert_eq!(
        only(&out, "invalid-yaml").message,
        "aliases expand to too many nodes"
    );
}

// ------------------------------------------------------------------ duplicate keys

#[test]
fn duplicate_keys_are_reported_on_the_later_key_and_both_kept() {
    let text = "StartAt: Greet\nStates:\n  Greet:\n    Type: Pass\n    End: true\n  Greet:\n    Type: Succeed\n";
    let out = parse_yaml(text);
    let d = only(&out, "duplicate-key");
    let second = text.rfind("Greet:").unwrap();
    assert_eq!(d.span(), Span::new(second, second + 5));
    assert_eq!(slice(text, d.span()), "Greet");
    assert_eq!(d.secondary.len(), 1);
    let first = text.find("  Greet:").unwrap() + 2;
    assert_eq!(d.secondary[0].span, Span::new(first, first + 5));
    assert_eq!(d.secondary[0].message, "first defined here");
    assert_eq!(d.pointer, "/States/Greet");
    assert!(!d.message.ends_with('.'));
    assert!(!d.notes.is_empty() && d.help.is_some());
    let states = root(&out).get("States").unwrap().as_object().unwrap();
    assert_eq!(states.len(), 2);
    assert_eq!(
        states[1].value.get("Type").unwrap().as_str(),
        Some("Succeed")
    );

    // Flow mappings and keys that need pointer escaping.
    let out = parse_yaml("m: {a/b: 1, a/b: 2}\n");
    assert_eq!(only(&out, "duplicate-key").pointer, "/m/a~1b");
}

// ------------------------------------------------------------------ errors and documents

#[test]
fn syntax_errors_have_a_position_and_keep_the_partial_tree() {
    let text = "StartAt: Greet\nStates:\n  Greet: {Type: Pass, End: true\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert!(d.span().len() <= 1);
    assert!(
        d.span().start() >= text.find("{Type").unwrap(),
        "{:?}",
        d.span()
    );
    assert!(!d.message.ends_with('.'));
    assert!(!d.notes.is_empty() && d.help.is_some());
    assert_eq!(d.pointer, "/States/Greet");
    let r = root(&out);
    assert_eq!(r.get("StartAt").unwrap().as_str(), Some("Greet"));
    let greet = r.get("States").unwrap().get("Greet").unwrap();
    assert_eq!(greet.get("Type").unwrap().as_str(), Some("Pass"));

    let text =
        "StartAt: Greet\nStates:\n  Greet:\n    Type: Pass\n   Result: misaligned\n    End: true\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    let line = text[..d.span().start()].matches('\n').count() + 1;
    assert!(line >= 5, "error on line {line}: {d:?}");
    let greet = root(&out).get("States").unwrap().get("Greet").unwrap();
    assert_eq!(greet.get("Type").unwrap().as_str(), Some("Pass"));
}

#[test]
fn a_key_without_its_value_is_kept_as_an_error_value() {
    let text = "StartAt: A\nStates: \"unterminated\n";
    let out = parse_yaml(text);
    assert_eq!(rules(&out), ["invalid-yaml"]);
    let states = root(&out).member("States").expect("key kept");
    assert_eq!(states.value.value, Value::Error);
}

#[test]
fn only_the_first_document_is_linted() {
    let text = "a: 1\n---\nb: 2\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert_eq!(slice(text, d.span()), "---");
    assert_eq!(d.pointer, "");
    let r = root(&out);
    assert_eq!(int(r.get("a").unwrap()), 1);
    assert!(r.get("b").is_none());

    // An explicit start before the one document is fine, and so is an end marker.
    clean("---\na: 1\n...\n");
}

#[test]
fn an_empty_document_is_one_error() {
    for text in ["", "# only a comment\n", "---\n", "\n\n   \n", "\u{feff}"] {
        let out = parse_yaml(text);
        only(&out, "invalid-yaml");
        assert!(out.root.is_none(), "{text:?}");
    }
    // A document that is just `null` is not empty.
    assert_eq!(clean("null\n").root.map(|n| n.value), Some(Value::Null));
}

#[test]
fn non_scalar_keys_are_errors() {
    let text = "[a, b]: c\nd: 1\n";
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert_eq!(slice(text, d.span()), "[a, b]");
    let r = root(&out);
    assert_eq!(r.as_object().unwrap().len(), 1);
    assert_eq!(int(r.get("d").unwrap()), 1);
}

// ------------------------------------------------------------------ limits

fn assert_prompt_single_depth_error(text: &str) -> ParseOutput {
    let out = parse_yaml(text);
    let d = only(&out, "invalid-yaml");
    assert!(d.message.contains("nesting"), "{}", d.message);
    out
}

#[test]
fn deep_flow_nesting_is_one_diagnostic() {
    assert_prompt_single_depth_error(&"[".repeat(100_000));
    assert_prompt_single_depth_error(&format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)));
    assert_prompt_single_depth_error(&"{a: ".repeat(100_000));
}

#[test]
fn deep_block_nesting_is_one_diagnostic_and_the_rest_is_read() {
    assert_prompt_single_depth_error(&"- ".repeat(100_000));
    let indented: String = (0..2000)
        .map(|i| format!("{}- \n", " ".repeat(i)))
        .collect();
    assert_prompt_single_depth_error(&indented);

    let mut text = String::from("Deep:\n");
    text.push_str("  ");
    text.push_str(&"- ".repeat(MAX_DEPTH + 5));
    text.push_str("x\nAfter: 1\n");
    let out = assert_prompt_single_depth_error(&text);
    let r = root(&out);
    assert_eq!(int(r.get("After").unwrap()), 1);
    let mut n = r.get("Deep").unwrap();
    let mut levels = 1; // the root mapping
    while let Some(a) = n.as_array() {
        levels += 1;
        n = &a[0];
    }
    assert_eq!(levels, MAX_DEPTH);
    assert_eq!(n.value, Value::Error);
}

#[test]
fn nesting_up_to_the_limit_is_fine() {
    // The root sequence plus MAX_DEPTH - 1 nested ones.
    let text = format!("{}x\n", "- ".repeat(MAX_DEPTH));
    clean(&text);
    let text = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
    assert_prompt_single_depth_error(&text);
}

// ------------------------------------------------------------------ robustness

const VALID: &str = "\
Comment: !Sub \"Orders in ${AWS::Region} – é 😀\"
StartAt: Invoke
States:
  Invoke:
    Type: Task
    Resource: !GetAtt ProcessFunction.Arn
    Parameters: &params
      Payload.$: $
      Items: [1, 2.5, true, null, 'q', \"d\"]
    Retry:
      - ErrorEquals: [Lambda.ServiceException]
        IntervalSeconds: 2
        MaxAttempts: 3
    Next: Done
  Again:
    <<: *params
    Text: |
      multi
      line
  Done:
    Type: Succeed
";

#[test]
fn the_robustness_seed_is_valid() {
    let out = clean(VALID);
    assert!(root(&out).get("States").is_some());
}

/// Every span of the output lies within the text, on character boundaries.
fn spans_are_sound(text: &str, out: &ParseOutput) -> Result<(), TestCaseError> {
    let ok = |sp: Span| {
        sp.start <= sp.end
            && sp.end() <= text.len()
            && text.is_char_boundary(sp.start())
            && text.is_char_boundary(sp.end())
    };
    for d in &out.diagnostics {
        prop_assert!(ok(d.span()), "diagnostic span {:?}", d.span());
        for l in &d.secondary {
            prop_assert!(ok(l.span), "label span {:?}", l.span);
        }
        prop_assert!(!d.message.is_empty() && !d.message.ends_with('.'));
    }
    let mut stack: Vec<&Node> = out.root.iter().collect();
    while let Some(n) = stack.pop() {
        prop_assert!(ok(n.span), "node span {:?}", n.span);
        match &n.value {
            Value::Array(items) => stack.extend(items),
            Value::Object(members) => {
                for m in members {
                    prop_assert!(ok(m.key.span), "key span {:?}", m.key.span);
                    stack.push(&m.value);
                }
            }
            Value::Tagged { value, .. } => stack.push(value),
            _ => {}
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC*") {
        let out = parse_yaml(&s);
        spans_are_sound(&s, &out)?;
    }

    #[test]
    fn yaml_like_strings_never_panic(s in "[-:{}\\[\\],'\"!&*|>#? \\n\\r\\tabé😀0-9.~<]{0,120}") {
        let out = parse_yaml(&s);
        spans_are_sound(&s, &out)?;
    }

    #[test]
    fn truncations_never_panic(cut in 0usize..VALID.len()) {
        let mut cut = cut;
        while !VALID.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = &VALID[..cut];
        let out = parse_yaml(text);
        spans_are_sound(text, &out)?;
    }

    #[test]
    fn byte_edits_never_panic(edits in proptest::collection::vec((0usize..VALID.len(), any::<u8>()), 1..6)) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, b) in edits {
            if let Some(x) = bytes.get_mut(at) {
                *x = b;
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let out = parse_yaml(&text);
        spans_are_sound(&text, &out)?;
    }
}

// ------------------------------------------------------------------ shared corpus

fn shared_corpus(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("ASLINT_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("{test}: ../shared/corpus is absent but ASLINT_REQUIRE_SHARED=1 demands it");
    }
    eprintln!("notice: {test} skipped: ../shared/corpus is absent");
    None
}

fn yaml_files(dir: PathBuf) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let lower = p.to_string_lossy().to_ascii_lowercase();
            if p.is_dir() {
                stack.push(p);
            } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_corpus_yaml_file_parses_cleanly() {
    let Some(dir) = shared_corpus("every_corpus_yaml_file_parses_cleanly") else {
        return;
    };
    let files = yaml_files(dir);
    assert!(!files.is_empty(), "the corpus holds YAML definitions");
    for f in &files {
        let text = std::fs::read_to_string(f).expect("corpus file is UTF-8");
        let out = parse_yaml(&text);
        assert!(
            out.diagnostics.is_empty(),
            "{}: {:#?}",
            f.display(),
            out.diagnostics
        );
        let r = out.root.as_ref().expect("a tree");
        assert!(r.get("StartAt").is_some(), "{}: no StartAt", f.display());
        assert!(
            r.get("States").and_then(Node::as_object).is_some(),
            "{}: no States object",
            f.display()
        );
    }
}

#[test]
fn the_invalid_yaml_rule_documents_itself() {
    let m = &aslint::rules::invalid_yaml::META;
    assert_eq!((m.code, m.name), ("ASL002", "invalid-yaml"));
    for heading in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## References",
    ] {
        assert!(m.docs.contains(heading), "missing {heading}");
    }
    assert!(!m.summary().is_empty() && !m.summary().contains("TODO"));
}

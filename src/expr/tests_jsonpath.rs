use super::jsonpath::*;
use crate::syntax::Span;
use serde_json::{json, Value};

fn p(s: &str) -> Path {
    match Path::parse(s) {
        Ok(p) => p,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn err(s: &str) -> ParseError {
    match Path::parse(s) {
        Ok(p) => panic!("{s} parsed as {p:?}"),
        Err(e) => e,
    }
}

fn sp(a: usize, b: usize) -> Span {
    Span::new(a, b)
}

fn q(path: &str, v: &Value) -> Option<Value> {
    p(path).query_input(v).into_value()
}

fn store() -> Value {
    json!({
        "store": {
            "book": [
                {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
                {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
                {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553", "price": 8.99},
                {"category": "fiction", "author": "J. R. R. Tolkien", "title": "LOTR", "isbn": "0-395", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        },
        "foo-bar": 1,
        "a key": {"x": [10, 20, 30, 40]}
    })
}

#[test]
fn root_and_dot_steps_with_spans() {
    let path = p("$.a.b");
    assert_eq!(path.root, Root::Input);
    assert_eq!(path.root_span, sp(0, 1));
    assert_eq!(path.span, sp(0, 5));
    assert_eq!(path.segments.len(), 2);
    assert_eq!(path.segments[0].span, sp(1, 3));
    assert_eq!(path.segments[0].selector, Selector::Name("a".into()));
    assert_eq!(path.segments[1].span, sp(3, 5));
    assert!(path.is_reference());
    assert!(path.is_definite());
    assert!(p("$").segments.is_empty());
}

#[test]
fn bracket_forms() {
    let path = p("$['a'][\"b\"][0][-1]");
    assert_eq!(
        path.segments
            .iter()
            .map(|s| s.selector.clone())
            .collect::<Vec<_>>(),
        vec![
            Selector::Name("a".into()),
            Selector::Name("b".into()),
            Selector::Index(0),
            Selector::Index(-1)
        ]
    );
    assert_eq!(path.segments[0].span, sp(1, 6));
    assert_eq!(path.segments[1].span, sp(6, 11));
    assert_eq!(path.segments[3].span, sp(14, 18));
    assert!(path.is_reference());
    assert_eq!(
        p("$['it\\'s']").segments[0].selector,
        Selector::Name("it's".into())
    );
    assert_eq!(
        p("$['a key'].x").segments[0].selector,
        Selector::Name("a key".into())
    );
}

#[test]
fn indefinite_forms_are_classified() {
    for s in [
        "$.a[*]",
        "$.a.*",
        "$..a",
        "$.a[1:3]",
        "$.a[-2:]",
        "$.a[:2]",
        "$.a[0,1]",
        "$.a[?(@.x)]",
        "$.[?(@.year < 1999)].name",
    ] {
        let path = p(s);
        assert!(!path.is_definite(), "{s} should be indefinite");
        assert!(!path.is_reference(), "{s} is not a reference path");
    }
    let u = p("$['a','b']");
    assert!(u.is_definite());
    assert!(!u.is_reference());
    assert_eq!(
        u.segments[0].selector,
        Selector::Names(vec!["a".into(), "b".into()])
    );
}

#[test]
fn context_and_variable_roots() {
    let c = p("$$.Execution.Id");
    assert_eq!(c.root, Root::Context);
    assert_eq!(c.root_span, sp(0, 2));
    assert_eq!(c.segments[1].span, sp(12, 15));
    let v = p("$name.field[0]");
    assert_eq!(v.root, Root::Variable("name".into()));
    assert_eq!(v.root_span, sp(0, 5));
    assert_eq!(v.segments[0].span, sp(5, 11));
    assert_eq!(p("$_x1").root, Root::Variable("_x1".into()));
}

#[test]
fn jayway_spellings() {
    assert_eq!(
        p("$.foo-bar").segments[0].selector,
        Selector::Name("foo-bar".into())
    );
    let f = p("$.[?(@.year < 1999)].name");
    assert!(matches!(f.segments[0].selector, Selector::Filter(_)));
    assert_eq!(f.segments[0].span, sp(1, 20));
}

#[test]
fn parse_errors_have_spans() {
    let e = err("$.a[0");
    assert_eq!(e.message, "expected `]` to close `[`");
    assert_eq!(e.span, sp(3, 4));
    let e = err("$.a['x'");
    assert_eq!(e.message, "expected `]` to close `[`");
    let e = err("$.");
    assert_eq!(e.message, "expected a name after `.`, found the end");
    assert_eq!(e.span, sp(2, 2));
    let e = err("a.b");
    assert!(e.message.starts_with("expected a path starting with `$`"));
    assert_eq!(e.span, sp(0, 1));
    let e = err("$.a b");
    assert_eq!(e.span, sp(4, 5));
    assert!(e.message.contains("after the path"), "{}", e.message);
    let e = err("$.list.length()");
    assert!(e.message.contains("not supported"));
    assert_eq!(e.span, sp(7, 15));
    let e = err("$['a");
    assert_eq!(e.span, sp(2, 3));
    let e = err("$[?(@.a == 1]");
    assert!(e.message.contains("expected `)`"), "{}", e.message);
    let e = err("$[1:2:3]");
    assert!(e.message.contains("slice steps"));
    let e = err("$[?(@.a =~ /[/)]");
    assert!(
        e.message.contains("invalid regular expression"),
        "{}",
        e.message
    );
    let e = err("$['a','b'].c");
    assert!(e.message.contains("last step"));
    assert_eq!(e.span, sp(1, 10));
}

#[test]
fn deep_filter_nesting_is_an_error_not_an_overflow() {
    let s = format!("$[?({}@.a{})]", "(".repeat(5000), ")".repeat(5000));
    let e = err(&s);
    assert!(e.message.contains("nested too deeply"));
    let s = format!("$[?({}@.a)]", "!".repeat(5000));
    assert!(Path::parse(&s).is_err());
}

#[test]
fn eval_definite() {
    let v = store();
    assert_eq!(q("$.store.bicycle.color", &v), Some(json!("red")));
    assert_eq!(q("$.store.book[0].author", &v), Some(json!("Nigel Rees")));
    assert_eq!(q("$.store.book[-1].title", &v), Some(json!("LOTR")));
    assert_eq!(q("$.store.book[9]", &v), None);
    assert_eq!(q("$.nope", &v), None);
    assert_eq!(q("$.store.bicycle.color.x", &v), None);
    assert_eq!(q("$.foo-bar", &v), Some(json!(1)));
    assert_eq!(q("$['a key'].x[1]", &v), Some(json!(20)));
    assert_eq!(q("$", &v), Some(v.clone()));
    assert_eq!(
        q("$.store.bicycle['color','price','nope']", &v),
        Some(json!({"color": "red", "price": 19.95}))
    );
    assert_eq!(p("$.nope").query_input(&v), Query::NotFound);
}

#[test]
fn eval_indefinite() {
    let v = store();
    assert_eq!(
        q("$.store.book[*].author", &v),
        Some(json!([
            "Nigel Rees",
            "Evelyn Waugh",
            "Herman Melville",
            "J. R. R. Tolkien"
        ]))
    );
    assert_eq!(q("$..isbn", &v), Some(json!(["0-553", "0-395"])));
    assert_eq!(
        q("$.store..price", &v),
        Some(json!([8.95, 12.99, 8.99, 22.99, 19.95]))
    );
    assert_eq!(q("$['a key'].x[1:3]", &v), Some(json!([20, 30])));
    assert_eq!(q("$['a key'].x[-2:]", &v), Some(json!([30, 40])));
    assert_eq!(q("$['a key'].x[:2]", &v), Some(json!([10, 20])));
    assert_eq!(q("$['a key'].x[0,2,9]", &v), Some(json!([10, 30])));
    assert_eq!(q("$.nope[*]", &v), Some(json!([])));
    assert_eq!(q("$.store.bicycle.*", &v), Some(json!(["red", 19.95])));
}

#[test]
fn eval_filters() {
    let v = store();
    assert_eq!(
        q("$.store.book[?(@.price < 10)].title", &v),
        Some(json!(["Sayings", "Moby Dick"]))
    );
    assert_eq!(
        q(
            "$.store.book[?(@.price < 10 && @.category == 'fiction')].title",
            &v
        ),
        Some(json!(["Moby Dick"]))
    );
    assert_eq!(
        q(
            "$.store.book[?(@.price > 20 || @.author == \"Nigel Rees\")].title",
            &v
        ),
        Some(json!(["Sayings", "LOTR"]))
    );
    assert_eq!(
        q("$.store.book[?(@.isbn)].title", &v),
        Some(json!(["Moby Dick", "LOTR"]))
    );
    assert_eq!(
        q("$.store.book[?(!@.isbn)].title", &v),
        Some(json!(["Sayings", "Sword"]))
    );
    assert_eq!(
        q("$.store.book[?(@.author =~ /.*REES/i)].price", &v),
        Some(json!([8.95]))
    );
    assert_eq!(
        q("$.store.book[?(@.category in ['reference'])].title", &v),
        Some(json!(["Sayings"]))
    );
    assert_eq!(
        q("$.store.book[?(@.category nin ['reference'])].title", &v),
        Some(json!(["Sword", "Moby Dick", "LOTR"]))
    );
    assert_eq!(
        q(
            "$.store.book[?(@.price >= $.store.bicycle.price)].title",
            &v
        ),
        Some(json!(["LOTR"]))
    );
    assert_eq!(
        q(
            "$.[?(@.color == 'red')].price",
            &json!([{"color": "red", "price": 1}])
        ),
        Some(json!([1]))
    );
    // A filter on an object tests the object itself.
    assert_eq!(
        q("$.store.bicycle[?(@.color == 'red')].price", &v),
        Some(json!([19.95]))
    );
}

#[test]
fn filter_spans() {
    let path = p("$[?(@.a < 1 && @.b)]");
    let Selector::Filter(f) = &path.segments[0].selector else {
        panic!("not a filter")
    };
    assert_eq!(f.span, sp(4, 18));
    let FilterKind::And(l, r) = &f.kind else {
        panic!("not an and")
    };
    assert_eq!(l.span, sp(4, 11));
    assert_eq!(r.span, sp(15, 18));
    let FilterKind::Compare {
        op,
        op_span,
        lhs,
        rhs,
    } = &l.kind
    else {
        panic!("not a comparison")
    };
    assert_eq!(*op, CmpOp::Lt);
    assert_eq!(*op_span, sp(8, 9));
    assert_eq!(lhs.span(), sp(4, 7));
    assert_eq!(rhs.span(), sp(10, 11));
}

#[test]
fn variables_and_context_eval() {
    let input = json!({"a": 1});
    let ctx = json!({"Execution": {"Id": "arn:x"}});
    let mut vars = serde_json::Map::new();
    vars.insert("name".into(), json!({"field": ["v0", "v1"]}));
    let env = Env {
        input: &input,
        context: Some(&ctx),
        variables: Some(&vars),
    };
    assert_eq!(
        p("$$.Execution.Id").query(&env).into_value(),
        Some(json!("arn:x"))
    );
    assert_eq!(
        p("$name.field[1]").query(&env).into_value(),
        Some(json!("v1"))
    );
    assert_eq!(p("$other").query(&env), Query::NotFound);
    assert_eq!(p("$$.Nope").query_input(&input), Query::NotFound);
}

#[test]
fn set_reference_paths() {
    let mut v = json!({"a": {"b": 1}, "arr": [1, 2]});
    set(&mut v, &p("$.a.c.d"), json!(5)).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(v, json!({"a": {"b": 1, "c": {"d": 5}}, "arr": [1, 2]}));
    set(&mut v, &p("$.arr[1]"), json!("x")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(v["arr"], json!([1, "x"]));
    set(&mut v, &p("$['a']['b']"), json!(null)).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(v["a"]["b"], Value::Null);
    set(&mut v, &p("$"), json!(7)).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(v, json!(7));

    let mut s = json!({"s": "text"});
    let e = set(&mut s, &p("$.s.x"), json!(1))
        .err()
        .unwrap_or_else(|| panic!("no error"));
    assert_eq!(e.span, sp(3, 5));
    assert!(e.message.contains("a string"), "{}", e.message);
    let mut a = json!({"arr": [1]});
    let e = set(&mut a, &p("$.arr[3]"), json!(1))
        .err()
        .unwrap_or_else(|| panic!("no error"));
    assert!(e.message.contains("out of bounds"));
    assert!(set(&mut a, &p("$.arr[*]"), json!(1)).is_err());
    assert!(set(&mut a, &p("$$.x"), json!(1)).is_err());
}

#[test]
fn display_is_canonical() {
    assert_eq!(p("$.a[0]['b c']").to_string(), "$['a'][0]['b c']");
    assert_eq!(p("$$.x..y[*]").to_string(), "$$['x']..['y'][*]");
}

#[test]
fn parse_prefix_stops_at_argument_end() {
    let src = "f($.a[?(@.x, 1)], 2)";
    // Filter with a comma inside brackets is an error in the filter, but a simple path stops at `,`.
    let (path, end) = Path::parse_prefix("g($.a.b, 1)", 2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(end, 7);
    assert_eq!(path.span, sp(2, 7));
    assert!(Path::parse_prefix(src, 2).is_err());
}

#[test]
fn lenient_forms_seen_in_deployed_definitions() {
    // Unquoted words in filters compare as strings.
    let v = json!({"r": [{"s": "Failure", "n": 1}, {"s": "OK", "n": 2}]});
    let path = p("$..r[?(@.s==Failure)].n");
    assert_eq!(path.query_input(&v).into_value(), Some(json!([1])));
    let Selector::Filter(f) = &path.segments[1].selector else {
        panic!("not a filter")
    };
    let FilterKind::Compare { rhs, .. } = &f.kind else {
        panic!("not a comparison")
    };
    assert_eq!(
        rhs,
        &Operand::Bare {
            text: "Failure".into(),
            span: sp(12, 19)
        }
    );
    // Script expressions parse (so a rule can point at them) and match nothing.
    let s = p("$[(@.length-1)].bar");
    assert_eq!(
        s.segments[0].selector,
        Selector::Script("@.length-1".into())
    );
    assert_eq!(s.segments[0].span, sp(1, 15));
    assert!(!s.is_definite());
    assert_eq!(s.query_input(&json!([1, 2])).into_value(), Some(json!([])));
    assert_eq!(err("$[(@.a").message, "expected `)` to close `(`");
}

#[test]
fn quoted_names_unescape_only_their_quote() {
    // As AWS runs Jayway: `\"` inside single quotes stays as written.
    let path = p(r#"$['Test\""Name"']"#);
    assert_eq!(
        path.segments[0].selector,
        Selector::Name(r#"Test\""Name""#.into())
    );
    assert_eq!(
        p(r#"$["a\"b"]"#).segments[0].selector,
        Selector::Name("a\"b".into())
    );
}

#[test]
fn jayway_word_operators() {
    let v = json!([
        {"id": 1, "tags": ["a", "b"], "name": "xy"},
        {"id": 2, "tags": [], "name": ""},
        {"id": 3, "tags": ["c"], "name": "abc"}
    ]);
    let ids = |f: &str| q(&format!("$[?({f})].id"), &v);
    assert_eq!(ids("@.tags subsetof ['a','b','c']"), Some(json!([1, 2, 3])));
    assert_eq!(ids("@.tags anyof ['b']"), Some(json!([1])));
    assert_eq!(ids("@.tags noneof ['b']"), Some(json!([2, 3])));
    assert_eq!(ids("@.name size 3"), Some(json!([3])));
    assert_eq!(ids("@.tags empty true"), Some(json!([2])));
    assert_eq!(ids("@.id in [1, 3]"), Some(json!([1, 3])));
    let e = err("$[?(@.a likes 3)]");
    assert_eq!(e.message, "unknown filter operator `likes`");
    assert_eq!(e.span, sp(8, 13));
}

#[test]
fn reserved_variables() {
    assert!(p("$states.input").uses_reserved_variable());
    assert!(!p("$state").uses_reserved_variable());
    assert_eq!(p("$x.y").variable(), Some("x"));
    assert_eq!(p("$.x").variable(), None);
}

#[test]
fn multi_name_leaf_after_wildcard_yields_objects() {
    let v = json!({"items": [{"a": 1, "b": 2, "c": 3}, {"a": 4}, 5]});
    assert_eq!(
        q("$.items[*]['a','b']", &v),
        Some(json!([{"a": 1, "b": 2}, {"a": 4}]))
    );
}

#[test]
fn jayway_equality_and_more_operators() {
    let v = json!([
        {"id": 1, "s": "1", "t": ["a", "b"], "w": "hello"},
        {"id": 2, "s": "1.0", "t": ["a"]},
    ]);
    let ids = |f: &str| q(&format!("$[?({f})].id"), &v);
    // `==` coerces between numbers and strings as Jayway does; `===` does not.
    assert_eq!(ids("@.id == '1'"), Some(json!([1])));
    assert_eq!(ids("@.s == 1"), Some(json!([1])));
    assert_eq!(ids("@.id === '1'"), Some(json!([])));
    assert_eq!(ids("@.id === 1"), Some(json!([1])));
    assert_eq!(ids("@.id !== 1"), Some(json!([2])));
    assert_eq!(ids("@.t contains 'b'"), Some(json!([1])));
    assert_eq!(ids("@.w contains 'ell'"), Some(json!([1])));
    assert_eq!(ids("@.t all ['a']"), Some(json!([1, 2])));
    assert_eq!(ids("@.w exists true"), Some(json!([1])));
    assert_eq!(ids("@.w exists false"), Some(json!([2])));
    // Ordering never coerces.
    assert_eq!(ids("@.s < 2"), Some(json!([])));
}

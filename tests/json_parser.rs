//! Property and corpus tests of the JSON / JSON5 parser.
use aslint::syntax::{parse_json, Node, Value};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Every node's span lies inside the text and on char boundaries, children inside parents.
fn check_spans(text: &str, node: &Node, depth: usize) {
    assert!(depth < 1000);
    assert!(
        node.span.end() <= text.len(),
        "span {:?} beyond text",
        node.span
    );
    assert!(text.is_char_boundary(node.span.start()) && text.is_char_boundary(node.span.end()));
    match &node.value {
        Value::Array(items) => {
            for i in items {
                assert!(node.span.start() <= i.span.start() && i.span.end() <= node.span.end());
                check_spans(text, i, depth + 1);
            }
        }
        Value::Object(members) => {
            for m in members {
                assert!(m.key.span.end() <= text.len());
                assert!(
                    text.is_char_boundary(m.key.span.start())
                        && text.is_char_boundary(m.key.span.end())
                );
                check_spans(text, &m.value, depth + 1);
            }
        }
        _ => {}
    }
}

/// Parses in both modes, checking every span is sound. (Speed is measured in benches/, never asserted here.)
fn parse_checked(text: &str) {
    for json5 in [false, true] {
        let out = parse_json(text, json5);
        if let Some(root) = &out.root {
            check_spans(text, root, 0);
        }
        for d in &out.diagnostics {
            for span in std::iter::once(d.primary.span).chain(d.secondary.iter().map(|l| l.span)) {
                assert!(span.end() <= text.len(), "{d:#?}");
                assert!(
                    text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()),
                    "{d:#?}"
                );
            }
            assert!(!d.message.is_empty() && !d.message.ends_with('.'));
        }
    }
}

const SAMPLE: &str = r#"{
  "Comment": "A sample — with ünïcode",
  "StartAt": "Hello",
  "States": {
    "Hello": {"Type": "Pass", "Result": {"x": [1, 2.5, -3e2, true, false, null]}, "Next": "World"},
    "World": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123:function:f", "End": true,
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "Parameters": {"a.$": "$.b\n\u00e9"}}
  }
}"#;

/// Pieces of JSON5 documents (and of broken ones) for the strict-vs-JSON5 property.
const JSON5_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\r\n",
    "'a'",
    "\"b\"",
    "key",
    "1",
    "-2.5e3",
    ".5",
    "5.",
    "0x1F",
    "+1",
    "Infinity",
    "NaN",
    "true",
    "null",
    "// c\n",
    "/* c */",
    "'\\''",
    "\"x\\\ny\"",
    "\"\\v\\x41\"",
    "\u{a0}",
    "01",
    "@",
];

/// A JSON value whose numbers survive a trip through f64 (integers within ±2^53, finite floats).
fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value as J;
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        (-(1i64 << 53)..(1i64 << 53)).prop_map(J::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(J::from),
        any::<String>().prop_map(J::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(J::Array),
            prop::collection::vec((any::<String>(), inner), 0..8).prop_map(|kv| {
                // Unique keys: duplicates would be reported (and serde_json keeps only one).
                J::Object(kv.into_iter().collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        parse_checked(&s);
    }

    #[test]
    fn json_ish_strings_never_panic(s in r#"[\[\]{}",:'/*\\ \nax0-9.eE+\-tfnul\u{e9}]{0,64}"#) {
        parse_checked(&s);
    }

    #[test]
    fn unicode_json_ish_strings_never_panic(s in r#"[\[\]{}",:'\\ a0.\u{85}\u{a0}\u{2028}\u{3000}\u{feff}é😀\u{1}]{0,48}"#) {
        parse_checked(&s);
    }

    /// Repeated patterns (the inputs that would expose quadratic recovery) stay within the diagnostic caps.
    #[test]
    fn repeated_patterns_stay_within_caps(pattern in r#"[\[\]{}"',:a1\\/*\n .e-]{1,6}"#) {
        let text = pattern.repeat(60_000 / pattern.len());
        for json5 in [false, true] {
            let out = parse_json(&text, json5);
            // Both caps: 200 syntax errors and 200 duplicate keys.
            prop_assert!(out.diagnostics.len() <= 400, "{} diagnostics", out.diagnostics.len());
        }
    }

    #[test]
    fn truncations_never_panic(cut in 0..SAMPLE.len()) {
        let mut cut = cut;
        while !SAMPLE.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = &SAMPLE[..cut];
        parse_checked(text);
        let out = parse_json(text, false);
        if cut < SAMPLE.trim_end().len() {
            prop_assert!(!out.diagnostics.is_empty(), "truncated at {} but no diagnostic", cut);
        }
    }

    #[test]
    fn byte_edits_never_panic(at in 0..SAMPLE.len(), with in any::<char>(), delete in any::<bool>()) {
        let mut at = at;
        while !SAMPLE.is_char_boundary(at) {
            at -= 1;
        }
        let mut text = SAMPLE.to_string();
        let next = SAMPLE[at..].chars().next().map_or(0, char::len_utf8);
        if delete {
            text.replace_range(at..at + next, "");
        } else {
            text.replace_range(at..at + next, with.encode_utf8(&mut [0; 4]));
        }
        parse_checked(&text);
    }

    /// Strict mode reports JSON5 syntax but recovers exactly as JSON5 mode: the trees are always the same.
    #[test]
    fn strict_recovers_exactly_as_json5(tokens in prop::collection::vec(prop::sample::select(JSON5_TOKENS), 0..40)) {
        let text: String = tokens.concat();
        let strict = parse_json(&text, false);
        let json5 = parse_json(&text, true);
        prop_assert_eq!(format!("{:?}", strict.root), format!("{:?}", json5.root));
        prop_assert!(strict.diagnostics.len() >= json5.diagnostics.len());
    }

    #[test]
    fn valid_json_roundtrips(v in arb_json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.unwrap();
        let out = parse_json(&text, false);
        prop_assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
        let root = out.root.expect("root");
        prop_assert_eq!(root.to_json(), v.clone());
        check_spans(&text, &root, 0);
        // Valid JSON is valid JSON5, with the same tree.
        let out5 = parse_json(&text, true);
        prop_assert!(out5.diagnostics.is_empty());
        prop_assert_eq!(out5.root.expect("root").to_json(), v);
    }
}

#[test]
fn sample_is_valid() {
    let out = parse_json(SAMPLE, false);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let expected: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
    assert_eq!(out.root.unwrap().to_json(), expected);
}

/// The shared corpus, or `None` (with a notice) when it is absent; panics then if `ASLINT_REQUIRE_SHARED=1`.
fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("ASLINT_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!(
            "shared corpus not found at {} and ASLINT_REQUIRE_SHARED=1",
            dir.display()
        );
    }
    eprintln!(
        "notice: shared corpus not found at {}; skipping corpus test",
        dir.display()
    );
    None
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn corpus() {
    let Some(dir) = corpus_dir() else { return };
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let (mut strict_checked, mut json5_checked) = (0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_json5 = name.ends_with(".json5");
        if !(name.ends_with(".json") || is_json5) || name == "INDEX.json" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let index: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_file_name("INDEX.json")).unwrap(),
        )
        .unwrap();
        let strict_json = index["files"][name]["strict_json"] == serde_json::Value::Bool(true);
        if strict_json {
            strict_checked += 1;
            let out = parse_json(&text, false);
            let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
            if !out.diagnostics.is_empty() {
                failures.push(format!(
                    "{}: strict diagnostics {:?}",
                    path.display(),
                    out.diagnostics[0].message
                ));
            } else if out.root.as_ref().map(Node::to_json) != Some(expected) {
                failures.push(format!("{}: tree differs from serde_json", path.display()));
            }
        }
        if is_json5 {
            json5_checked += 1;
            let out = parse_json(&text, true);
            if !out.diagnostics.is_empty() {
                failures.push(format!(
                    "{}: json5 diagnostics {:?}",
                    path.display(),
                    out.diagnostics[0].message
                ));
            }
        }
        for k in 1..=20 {
            let mut cut = text.len() * k / 21;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            parse_checked(&text[..cut]);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        strict_checked > 300 && json5_checked > 300,
        "{strict_checked} strict, {json5_checked} json5 files"
    );
    eprintln!("corpus: {strict_checked} strict JSON files, {json5_checked} JSON5 files");
}

/// The known-broken real file is flagged, and the rest of it still parses into an object.
#[test]
fn corpus_known_broken_file_is_flagged() {
    let Some(dir) = corpus_dir() else { return };
    let path = dir.join(
        "known-invalid/wfc/sfn-iot-data-analytics-dataset__statemachine__statemachine.asl.json",
    );
    let Ok(text) = std::fs::read_to_string(&path) else {
        panic!("missing {}", path.display());
    };
    let out = parse_json(&text, false);
    // `"Messages": "Messages.$": "$.Messages"`: one mistake, one diagnostic, and the intended member is kept.
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(
        out.diagnostics[0].message,
        "unexpected `:` after the value of `Messages`"
    );
    let root = out.root.expect("root");
    assert!(root.get("States").is_some() && root.get("StartAt").is_some());
    let params = root
        .get("States")
        .and_then(|s| s.get("BatchPutMessage"))
        .and_then(|s| s.get("Parameters"));
    assert_eq!(
        params
            .and_then(|p| p.get("Messages.$"))
            .and_then(Node::as_str),
        Some("$.Messages")
    );
}

/// No error cascades: every single-character edit of a pretty-printed definition (deleting a character, or
/// inserting one of the characters people get wrong) gives at most a few diagnostics.
#[test]
fn single_edits_do_not_cascade() {
    const DEF: &str = r#"{
  "Comment": "A sample",
  "StartAt": "Hello",
  "States": {
    "Hello": {"Type": "Pass", "Result": {"x": [1, 2.5, true, null]}, "Next": "World"},
    "World": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123:function:f",
      "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
      "End": true
    }
  }
}"#;
    let mut worst = (0, String::new());
    let mut total = 0;
    for (at, _) in DEF.char_indices() {
        for edit in ["", ",", "\"", "{", "}", "[", "]", ":", "x"] {
            let mut text = DEF.to_string();
            if edit.is_empty() {
                text.remove(at);
            } else {
                text.insert_str(at, edit);
            }
            let out = parse_json(&text, false);
            let n = out.diagnostics.len();
            total += n;
            if n > worst.0 {
                worst = (n, format!("edit {edit:?} at {at}: {:#?}", out.diagnostics));
            }
        }
    }
    assert!(worst.0 <= 4, "{} diagnostics for {}", worst.0, worst.1);
    assert!(total > 0);
}

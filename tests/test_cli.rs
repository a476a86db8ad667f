//! `aslint test`: exit codes, the runner's output, subset matching, state paths, coverage numbers on the example,
//! JUnit XML, discovery, the published schema of the test format, and clear errors for bad test files.
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn aslint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("aslint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary directory holding one test file; `{fixtures}` in the text becomes the absolute fixtures/sim path.
fn test_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = root().join("fixtures/sim");
    let path = dir.path().join(name);
    std::fs::write(
        &path,
        text.replace("{fixtures}", &fixtures.display().to_string()),
    )
    .expect("write test file");
    (dir, path)
}

fn run_file(path: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["test", path.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    aslint(&root(), &args)
}

const HEADER: &str =
    "definition: \"{fixtures}/order.asl.json\"\nmock_config: \"{fixtures}/order.mocks.json\"\n";
/// The definition only (no mocks).
const DEF_ONLY: &str = "definition: \"{fixtures}/order.asl.json\"\n";

#[test]
fn example_passes_with_full_coverage() {
    let o = aslint(&root(), &["test", "fixtures/sim"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", stderr(&o));
    assert!(out.contains("fixtures/sim/order.asltest.yaml\n"), "{out}");
    assert!(
        out.contains("fixtures/sim/durations/report.asltest.yaml\n"),
        "{out}"
    );
    assert_eq!(out.matches("\n  ok      ").count(), 9, "{out}");
    assert!(
        out.contains("inline mocks declare durations too (1 state)\n"),
        "{out}"
    );
    assert!(out.contains("test result: ok. 9 passed, 0 failed"), "{out}");
    assert!(
        out.contains(
            "coverage: fixtures/sim/order.asl.json: states 7/7 (100.0%), transitions 6/6 (100.0%)"
        ),
        "{out}"
    );
}

#[test]
fn coverage_detail_lists_what_never_ran() {
    let (_d, p) = test_file(
        "one.asltest.yaml",
        &format!(
            "{HEADER}cases:\n  - name: happy\n    input_file: \"{{fixtures}}/order.input.json\"\n    test_case: HappyPath\n    expect: {{status: SUCCEEDED}}\n"
        ),
    );
    let o = run_file(&p, &["--coverage"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", stderr(&o));
    assert!(
        out.contains("states 6/7 (85.7%), transitions 4/6 (66.7%)"),
        "{out}"
    );
    assert!(
        out.contains("  - state ChargeFailed (never entered)"),
        "{out}"
    );
    assert!(
        out.contains("  - Charge -> ChargeFailed (Catch[0]) (never taken)"),
        "{out}"
    );
    assert!(
        out.contains("  - Big order? -> Ship items (Default) (never taken)"),
        "{out}"
    );
    assert!(
        out.contains("  + Big order? -> Ship items (Choices[0]) (1x)"),
        "{out}"
    );
    assert!(out.contains("  + state Ship (2x)"), "{out}");
    // Without --coverage only the summary line.
    let o = run_file(&p, &[]);
    assert!(!stdout(&o).contains("never taken"), "{}", stdout(&o));
}

#[test]
fn failing_cases_exit_1_with_differences() {
    let (_d, p) = test_file(
        "fail.asltest.yaml",
        &format!(
            r#"{HEADER}cases:
  - name: wrong output and path
    input_file: "{{fixtures}}/order.input.json"
    test_case: HappyPath
    expect:
      output: {{orderId: o-42, chargeId: ch-9}}
      states: [Charge, Ship items]
  - name: wrong status
    input: {{orderId: x, amount: 1, items: []}}
    test_case: CardDeclined
    expect: {{status: SUCCEEDED}}
  - name: right error, wrong cause
    input: {{orderId: x, amount: 1, items: []}}
    test_case: CardDeclined
    expect: {{error: CardDeclined, cause_contains: "expired"}}
  - name: passes
    input: {{orderId: x, amount: 1, items: []}}
    test_case: CardDeclined
    expect: {{error: CardDeclined, cause_contains: "funds"}}
"#
        ),
    );
    let o = run_file(&p, &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{}", stderr(&o));
    assert!(
        out.contains("  FAILED  wrong output and path (line 4,"),
        "{out}"
    );
    assert!(
        out.contains("output at /chargeId: expected \"ch-9\", got \"ch-1\""),
        "{out}"
    );
    assert!(out.contains("output at /shipped: unexpected 2"), "{out}");
    assert!(out.contains("states: differ at position 1"), "{out}");
    assert!(
        out.contains("actual:   [Charge, Big order?, Ship items, Ship, Ship, Cool down, Done]"),
        "{out}"
    );
    assert!(
        out.contains(
            "status: expected SUCCEEDED, got FAILED (error CardDeclined: insufficient funds)"
        ),
        "{out}"
    );
    assert!(
        out.contains("cause: expected to contain \"expired\", got \"insufficient funds\""),
        "{out}"
    );
    assert!(out.contains("  ok      passes"), "{out}");
    assert!(
        out.contains("test result: FAILED. 1 passed, 3 failed"),
        "{out}"
    );
}

#[test]
fn subset_matching_and_state_inclusion() {
    let case = |expect: &str| {
        format!(
            "{HEADER}cases:\n  - input_file: \"{{fixtures}}/order.input.json\"\n    test_case: HappyPath\n    expect: {expect}\n"
        )
    };
    // Extra output members are ignored by output_contains; numbers compare by value.
    let (_d, p) = test_file(
        "a.asltest.yaml",
        &case("{output_contains: {chargeId: ch-1, shipped: 2.0}, states_include: [Charge, Ship, Done]}"),
    );
    let o = run_file(&p, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("  ok      case 1 (7 states)"),
        "{}",
        stdout(&o)
    );
    // ... but every expected member must match.
    let (_d, p) = test_file(
        "b.asltest.yaml",
        &case("{output_contains: {chargeId: ch-1, missing: true}}"),
    );
    let o = run_file(&p, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("output at /missing: expected true, missing"),
        "{}",
        stdout(&o)
    );
    // The same expectation as an exact `output` fails on the members it leaves out.
    let (_d, p) = test_file("c.asltest.yaml", &case("{output: {chargeId: ch-1}}"));
    let o = run_file(&p, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("output at /orderId: unexpected \"o-42\""));
    // states_include keeps order.
    let (_d, p) = test_file("d.asltest.yaml", &case("{states_include: [Done, Charge]}"));
    let o = run_file(&p, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("expected to include [Done, Charge] in this order; `Charge`"),
        "{}",
        stdout(&o)
    );
}

/// A minimal XML well-formedness check: balanced, properly nested tags, quoted attributes, no raw `<` or `&` in
/// text. Returns the start tags' names in order.
fn xml_tags(xml: &str) -> Vec<String> {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut opened = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        assert!(!text.contains('>'), "raw > in text: {text}");
        for (i, _) in text.match_indices('&') {
            let ent = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| ent.starts_with(e)),
                "bad entity in {text}"
            );
        }
        let after = &rest[lt + 1..];
        // The tag ends at the first `>` outside quotes.
        let mut in_quote = false;
        let mut end = None;
        for (i, c) in after.char_indices() {
            match c {
                '"' => in_quote = !in_quote,
                '<' if in_quote => panic!("raw < in an attribute: {after}"),
                '>' if !in_quote => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.expect("tag is closed");
        let tag = &after[..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            opened.push(name.clone());
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &after[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert!(rest.trim().is_empty());
    opened
}

#[test]
fn junit_is_well_formed_and_escaped() {
    let (_d, p) = test_file(
        "j.asltest.yaml",
        &format!(
            r#"{HEADER}cases:
  - name: "fails <&> \"quoted\" 'single'"
    input_file: "{{fixtures}}/order.input.json"
    test_case: HappyPath
    expect: {{output_contains: {{orderId: "<&>"}}}}
  - name: passes
    input_file: "{{fixtures}}/order.input.json"
    test_case: HappyPath
    expect: {{status: SUCCEEDED}}
"#
        ),
    );
    let o = run_file(&p, &["--format", "junit"]);
    let xml = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{xml}\n{}", stderr(&o));
    let tags = xml_tags(&xml);
    assert_eq!(tags.iter().filter(|t| *t == "testcase").count(), 2);
    assert_eq!(tags.iter().filter(|t| *t == "failure").count(), 1);
    assert_eq!(tags.first().map(String::as_str), Some("testsuites"));
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert!(
        xml.contains("name=\"fails &lt;&amp;&gt; &quot;quoted&quot; &apos;single&apos;\""),
        "{xml}"
    );
    assert!(xml.contains("&quot;&lt;&amp;&gt;&quot;"), "{xml}");
    assert!(
        xml.contains("<property name=\"coverage:"),
        "coverage properties: {xml}"
    );
}

#[test]
fn discovery_finds_test_files_in_directories() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).expect("mkdir");
    let fixtures = root().join("fixtures/sim");
    let json = serde_json::json!({
        "definition": fixtures.join("order.asl.json"),
        "cases": [{"name": "declined", "input": {"orderId": "x", "amount": 1, "items": []},
                   "mocks": {"Charge": [{"Throw": {"Error": "CardDeclined", "Cause": "no"}}]},
                   "expect": {"status": "FAILED", "error": "CardDeclined", "states": ["Charge", "ChargeFailed"]}}]
    });
    std::fs::write(nested.join("x.asltest.json"), json.to_string()).expect("write");
    // Not a test file by name: ignored in directories.
    std::fs::write(dir.path().join("other.yaml"), "cases: 3\n").expect("write");
    let o = aslint(dir.path(), &["test"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", stderr(&o));
    assert!(out.contains("x.asltest.json"), "{out}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    // A directory without test files is a usage error.
    let empty = tempfile::tempdir().expect("temp dir");
    let o = aslint(empty.path(), &["test"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no test files found"), "{}", stderr(&o));
}

fn expect_error(name: &str, text: &str, needles: &[&str]) {
    let (_d, p) = test_file(name, text);
    let o = run_file(&p, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{name}: {}\n{err}", stdout(&o));
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "{name}: expected {n:?} in:\n{err}");
    }
}

#[test]
fn bad_test_files_are_usage_errors_with_positions() {
    expect_error(
        "typo.asltest.yaml",
        &format!(
            "{HEADER}cases:\n  - test_case: HappyPath\n    expect:\n      statsu: SUCCEEDED\n"
        ),
        &[
            "unknown key `statsu` in `expect`",
            "did you mean `status`?",
            "typo.asltest.yaml:6:7",
        ],
    );
    expect_error(
        "syntax.asltest.yaml",
        "cases: [\n  - a\n",
        &["the test file is not valid YAML"],
    );
    expect_error(
        "syntax.asltest.json",
        "{\"cases\": [}",
        &["the test file is not valid JSON", "syntax.asltest.json:1:"],
    );
    expect_error(
        "nodef.asltest.yaml",
        "cases:\n  - expect: {status: SUCCEEDED}\n",
        &["case `case 1` has no definition"],
    );
    expect_error(
        "missing.asltest.yaml",
        "definition: nowhere.asl.json\ncases:\n  - expect: {status: SUCCEEDED}\n",
        &["cannot read the definition", "nowhere.asl.json"],
    );
    expect_error(
        "case.asltest.yaml",
        &format!("{HEADER}cases:\n  - test_case: NoSuchCase\n    expect: {{status: SUCCEEDED}}\n"),
        &["NoSuchCase", "HappyPath"],
    );
    expect_error(
        "both.asltest.yaml",
        &format!("{DEF_ONLY}cases:\n  - input: {{}}\n    input_file: x.json\n    expect: {{}}\n"),
        &["`input` and `input_file` are both given"],
    );
    expect_error(
        "status.asltest.yaml",
        &format!("{DEF_ONLY}cases:\n  - expect: {{status: DONE}}\n"),
        &["unknown status `DONE`"],
    );
    expect_error(
        "contradiction.asltest.yaml",
        &format!("{DEF_ONLY}cases:\n  - expect: {{status: FAILED, output: 1}}\n"),
        &["`output` is expected of a run whose expected status is FAILED"],
    );
    expect_error(
        "dup.asltest.yaml",
        &format!(
            "{DEF_ONLY}cases:\n  - {{name: a, expect: {{}}}}\n  - {{name: a, expect: {{}}}}\n"
        ),
        &["two cases are named `a`", "line 3"],
    );
    expect_error(
        "input.asltest.yaml",
        &format!("{DEF_ONLY}cases:\n  - input_file: \"{{fixtures}}/order.asl.json.nope\"\n    expect: {{}}\n"),
        &["cannot read the input"],
    );
    expect_error("empty.asltest.yaml", "", &["is empty"]);
    expect_error(
        "nocases.asltest.yaml",
        "definition: x.asl.json\ncases: []\n",
        &["`cases` is empty"],
    );
}

#[test]
fn a_definition_with_errors_does_not_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("bad.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Passs", "End": true}}}"#,
    )
    .expect("write");
    let p = dir.path().join("bad.asltest.yaml");
    std::fs::write(
        &p,
        "definition: bad.asl.json\ncases:\n  - expect: {status: SUCCEEDED}\n",
    )
    .expect("write");
    let o = run_file(&p, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("has errors; it cannot run"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("found `Passs`"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------------------------
// The published schema

const SCHEMA_TEXT: &str = include_str!("../schemas/aslint-test.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA_TEXT).expect("the schema is JSON");
    jsonschema::draft7::new(&schema).expect("the schema compiles as draft-07")
}

fn yaml_value(text: &str) -> Value {
    let parsed = aslint::syntax::parse(text, aslint::syntax::SourceKind::Yaml);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    parsed.root.expect("a document").to_json()
}

#[test]
fn example_test_files_validate_against_the_schema() {
    let v = validator();
    for file in [
        "fixtures/sim/order.asltest.yaml",
        "fixtures/sim/durations/report.asltest.yaml",
    ] {
        let example = std::fs::read_to_string(root().join(file)).expect("the example is readable");
        let value = yaml_value(&example);
        let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
    // The README's example too.
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let block = readme
        .split("```yaml\n")
        .find(|b| b.contains("# orders.asltest.yaml"))
        .and_then(|b| b.split("```").next())
        .expect("README has the test-file example");
    let value = yaml_value(block);
    let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "README example: {errors:?}");
}

#[test]
fn the_schema_rejects_plain_mistakes() {
    let v = validator();
    for bad in [
        serde_json::json!({"definition": "a.json"}),
        serde_json::json!({"cases": []}),
        serde_json::json!({"cases": [{"expect": {"statsu": "SUCCEEDED"}}]}),
        serde_json::json!({"cases": [{"expect": {"status": "DONE"}}]}),
        serde_json::json!({"cases": [{"input": {}, "input_file": "i.json", "expect": {}}]}),
        serde_json::json!({"cases": [{"mocks": {"A": [{"Return": 1, "Throw": {}}]}, "expect": {}}]}),
        serde_json::json!({"cases": [{"mocks": {"A": {"x": {"Return": 1}}}, "expect": {}}]}),
        serde_json::json!({"cases": [{"seed": -1, "expect": {}}]}),
        serde_json::json!({"cases": [{"mocks": {"A": [{"Return": 1, "DurationSeconds": -1}]}, "expect": {}}]}),
        serde_json::json!({"cases": [{"mocks": {"A": [{"Return": 1, "HeartbeatIntervalSeconds": 0}]}, "expect": {}}]}),
        serde_json::json!({"cases": [{"mocks": {"A": [{"Return": 1, "DurationSecond": 5}]}, "expect": {}}]}),
    ] {
        assert!(!v.is_valid(&bad), "accepted {bad}");
    }
    assert!(v.is_valid(&serde_json::json!({
        "definition": "a.asl.json",
        "cases": [{"mocks": {"A": {"0": {"Return": 1}, "1-2": {"Throw": {"Error": "E"}}}}, "expect": {}}]
    })));
    assert!(v.is_valid(&serde_json::json!({
        "definition": "a.asl.json",
        "cases": [{"mocks": {"A": [{"Return": 1, "DurationSeconds": 2.5, "HeartbeatIntervalSeconds": 1}]}, "expect": {}}]
    })));
}

// ---------------------------------------------------------------------------------------------------------------
// Robustness: any bytes in a test file give a result or an error, never a panic.

mod robustness {
    use proptest::prelude::*;

    fn load(bytes: &[u8], name: &str) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        // Ok or Err; a panic fails the test.
        let _ = aslint::sim::testing::load_test_file(&path);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            load(&bytes, "x.asltest.yaml");
            load(&bytes, "x.asltest.json");
        }

        #[test]
        fn test_file_like_text(
            key in prop::sample::select(vec!["cases", "definition", "expect", "mocks", "input", "states", "seed"]),
            value in prop::sample::select(vec!["[]", "{}", "3", "-1", "[{expect: {}}]", "{a: [{Return: 1}]}", "!Ref x", "[[[[", "\"\""]),
        ) {
            let text = format!("definition: a.asl.json\n{key}: {value}\ncases:\n  - {key}: {value}\n    expect: {{{key}: {value}}}\n");
            load(text.as_bytes(), "x.asltest.yaml");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("cases: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        load(text.as_bytes(), "deep.asltest.yaml");
        let text = format!(
            "{{\"cases\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        load(text.as_bytes(), "deep.asltest.json");
        let loaded = {
            let dir = tempfile::tempdir().expect("temp dir");
            let p = dir.path().join("deep.asltest.json");
            std::fs::write(&p, &text).expect("write");
            aslint::sim::testing::load_test_file(&p)
        };
        assert!(loaded.is_err());
    }
}

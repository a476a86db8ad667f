//! False-positive check: every path and `key.$` expression in the valid corpus (`../shared/corpus/real-world` and
//! `fixtures-valid`, strict-JSON files) parses, and every intrinsic call passes the checker.

mod support;

use aslint::expr::jsonpath::Path;
use aslint::expr::{classify, TemplateExpr};
use serde_json::Value;

#[derive(Default)]
struct Tally {
    paths: usize,
    templates: usize,
    intrinsics: usize,
    problems: Vec<String>,
}

/// JSONata expressions and template placeholders (`${X}`, LocalStack's `%X%`) are not JSONPath.
fn skip_string(s: &str) -> bool {
    s.trim_start().starts_with("{%")
        || aslint::syntax::has_placeholder(s)
        || (s.len() > 2 && s.starts_with('%') && s.ends_with('%'))
}

/// Members whose values are payload templates: their `*Path` keys are service parameters, not ASL paths.
const PAYLOADS: &[&str] = &[
    "Parameters",
    "ResultSelector",
    "ItemSelector",
    "Arguments",
    "Output",
    "Assign",
    "Result",
];

struct Where<'a> {
    pointer: &'a str,
    file: &'a str,
    jsonata: bool,
    in_payload: bool,
}

fn walk(v: &Value, w: &Where<'_>, t: &mut Tally, depth: usize) {
    let (pointer, file) = (w.pointer, w.file);
    if depth > 200 {
        return;
    }
    match v {
        Value::Object(o) => {
            let jsonata =
                w.jsonata || o.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
            for (k, x) in o {
                let here = aslint::syntax::pointer_push(pointer, k);
                if let Value::String(s) = x {
                    if !jsonata && !skip_string(s) {
                        if k.ends_with(".$") {
                            t.templates += 1;
                            if matches!(classify(s), TemplateExpr::Intrinsic(_)) {
                                t.intrinsics += 1;
                            }
                            for i in aslint::expr::check_expression(s) {
                                t.problems
                                    .push(format!("{file}#{here}: {s:?}: {}", i.message));
                            }
                        } else if w.in_payload {
                        } else if k == "ErrorPath" || k == "CausePath" {
                            t.paths += 1;
                            if let TemplateExpr::Invalid(e) = classify(s) {
                                t.problems.push(format!("{file}#{here}: {s:?}: {e}"));
                            }
                        } else if k.ends_with("Path") && k != "ResultPath" || k == "Variable" {
                            t.paths += 1;
                            if let Err(e) = Path::parse(s) {
                                t.problems.push(format!("{file}#{here}: {s:?}: {e}"));
                            }
                        } else if k == "ResultPath" {
                            t.paths += 1;
                            match Path::parse(s) {
                                Ok(p) if p.is_reference() && p.is_input() => {}
                                Ok(_) => t
                                    .problems
                                    .push(format!("{file}#{here}: {s:?}: not a reference path")),
                                Err(e) => t.problems.push(format!("{file}#{here}: {s:?}: {e}")),
                            }
                        }
                    }
                }
                let inner = Where {
                    pointer: &here,
                    file,
                    jsonata,
                    in_payload: w.in_payload || PAYLOADS.contains(&k.as_str()),
                };
                walk(x, &inner, t, depth + 1);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let here = format!("{pointer}/{i}");
                let inner = Where {
                    pointer: &here,
                    ..*w
                };
                walk(x, &inner, t, depth + 1);
            }
        }
        _ => {}
    }
}

#[test]
fn valid_corpus_expressions_parse() {
    let Some(shared) = support::shared_dir("valid_corpus_expressions_parse") else {
        return;
    };
    let mut t = Tally::default();
    let mut files = 0;
    for sub in ["real-world", "fixtures-valid"] {
        for f in support::corpus_files(&shared.join("corpus").join(sub)) {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            // Strict JSON only here (the JSON5/YAML parsers belong to the syntax layer).
            let Ok(v) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            files += 1;
            let name = f.display().to_string();
            let w = Where {
                pointer: "",
                file: &name,
                jsonata: false,
                in_payload: false,
            };
            walk(&v, &w, &mut t, 0);
        }
    }
    for p in &t.problems {
        eprintln!("PROBLEM {p}");
    }
    println!(
        "valid corpus: {files} JSON files, {} path fields, {} `.$` templates ({} intrinsic calls), {} problems",
        t.paths,
        t.templates,
        t.intrinsics,
        t.problems.len()
    );
    assert!(files > 100, "only {files} strict-JSON corpus files found");
    assert!(t.templates > 100 && t.paths > 100);
    assert!(
        t.problems.is_empty(),
        "{} false positives",
        t.problems.len()
    );
}

/// Expressions the labelled-invalid corpus files are invalid for: the expression layer must flag each one.
#[test]
fn known_invalid_expressions_are_flagged() {
    let Some(shared) = support::shared_dir("known_invalid_expressions_are_flagged") else {
        return;
    };
    let dir = shared.join("corpus/known-invalid");
    // (file, JSON pointer of the expression, how it is checked)
    let cases: &[(&str, &str, &str)] = &[
        (
            "asl-validator/src____tests____definitions__invalid-json-path.json",
            "ResultPath",
            "path",
        ),
        (
            "asl-validator/src____tests____definitions__invalid-payload-template.asl.json",
            "lorem.$",
            "expr",
        ),
        (
            "asl-validator/src____tests____definitions__invalid-choice-state-variable.json",
            "Variable",
            "path",
        ),
        ("statelint/test__parameter-path-problems.json", "bad2.$", "expr"),
        ("statelint/test__parameter-path-problems.json", "bad5.$", "expr"),
        (
            "localstack/tests__aws__services__stepfunctions__templates__scenarios__statemachines__escape_sequences_illegal_intrinsic_function.json5",
            "parsed.$",
            "expr",
        ),
        (
            "localstack/tests__aws__services__stepfunctions__templates__scenarios__statemachines__escape_sequences_illegal_intrinsic_function_2.json5",
            "parsed.$",
            "expr",
        ),
    ];
    let mut flagged = 0;
    for (file, key, how) in cases {
        let path = dir.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let v: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut found = Vec::new();
        find_key(&v, key, &mut found, 0);
        assert!(!found.is_empty(), "{file}: no `{key}` string found");
        for s in found {
            let bad = match *how {
                "path" => Path::parse(&s).is_err(),
                _ => !aslint::expr::check_expression(&s).is_empty(),
            };
            assert!(bad, "{file}: `{key}`: {s:?} was not flagged");
            flagged += 1;
        }
    }
    println!("known-invalid: {flagged} invalid expressions flagged");
}

fn find_key(v: &Value, key: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 200 {
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == key {
                    if let Value::String(s) = x {
                        out.push(s.clone());
                    }
                }
                find_key(x, key, out, depth + 1);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| find_key(x, key, out, depth + 1)),
        _ => {}
    }
}

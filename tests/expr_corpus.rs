//! False-positive check: every path and `key.$` expression in the valid corpus (`../shared/corpus/real-world` and
//! `fixtures-valid`, strict-JSON files) parses, and every intrinsic call passes the checker.

mod support;

use aslint::expr::intrinsic;
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
                            match classify(s) {
                                TemplateExpr::Invalid(e) => {
                                    t.problems.push(format!("{file}#{here}: {s:?}: {e}"))
                                }
                                TemplateExpr::Intrinsic(c) => {
                                    t.intrinsics += 1;
                                    for i in intrinsic::check(&c) {
                                        t.problems
                                            .push(format!("{file}#{here}: {s:?}: {}", i.message));
                                    }
                                }
                                _ => {}
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

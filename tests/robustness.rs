//! Bad input never crashes: truncated and byte-flipped corpus files, deep nesting, arbitrary bytes, and structural
//! mutations of valid corpus files that reach every rule (findings stay well-formed, fixes apply cleanly).
mod support;

use aslint::lint::{decode, lint_source};
use aslint::syntax::SourceKind;

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn lint_bytes(name: &str, bytes: Vec<u8>) -> usize {
    let kind = SourceKind::from_path(name);
    let decoded = decode(bytes, kind);
    match decoded.error {
        Some(_) => 1,
        None => lint_source(name, &decoded.text, kind).len(),
    }
}

#[test]
fn truncated_and_mutated_corpus_files_never_panic() {
    let Some(shared) = support::shared_dir("truncated_and_mutated_corpus_files_never_panic") else {
        return;
    };
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let files = support::corpus_files(&shared.join("corpus"));
    assert!(files.len() > 700);
    let mut truncated_with_findings = 0;
    let mut truncations = 0;
    for file in &files {
        let bytes = std::fs::read(file).expect("readable");
        let name = file.display().to_string();
        for i in 1..=12 {
            let cut = bytes.len() * i / 13;
            truncations += 1;
            if lint_bytes(&name, bytes[..cut].to_vec()) > 0 {
                truncated_with_findings += 1;
            }
        }
        for _ in 0..8 {
            let mut b = bytes.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(b.len());
                if let Some(x) = b.get_mut(at) {
                    *x = rng.next() as u8;
                }
            }
            lint_bytes(&name, b);
        }
    }
    // A cut document is broken almost always: the parsers must say so.
    assert!(
        truncated_with_findings * 10 >= truncations * 9,
        "only {truncated_with_findings} of {truncations} truncated files gave findings"
    );
}

#[test]
fn deep_nesting_gives_a_diagnostic_not_a_stack_overflow() {
    let depth = 100_000;
    let cases = [
        ("deep.asl.json", "[".repeat(depth)),
        (
            "deep2.asl.json",
            format!("{}1{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        ("deep3.asl.json", "{\"a\":".repeat(depth)),
        ("deep.asl.yaml", "[".repeat(depth)),
        (
            "deep2.asl.yaml",
            (0..2000)
                .map(|i| format!("{}- \n", " ".repeat(i)))
                .collect::<String>(),
        ),
    ];
    for (name, text) in cases {
        let d = lint_source(name, &text, SourceKind::from_path(name));
        assert!(!d.is_empty(), "{name}: no diagnostic for deep nesting");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(42);
    for i in 0..2000 {
        let len = rng.below(200);
        let alphabet = b"{}[]:,\"'\\ \n\r\tabcSTARTtnuel0123456789-+.eE/*$%!&|>#~\x00\xff\xc3\xa9";
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        for ext in ["json", "json5", "yaml"] {
            lint_bytes(&format!("f{i}.asl.{ext}"), bytes.clone());
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Structure-aware mutations: every rule runs on definitions that parse but are wrong in every way the rules look
// for (retargeted transitions, renamed and deleted keys, values of other types, expressions of both query
// languages, misspelt context fields and error names, placeholders).

use serde_json::Value as J;

/// Values the mutations write: paths, context paths, intrinsics, JSONata, error names, ARNs, placeholders.
const POOL: &[&str] = &[
    "$",
    "$.a",
    "$..b",
    "$.a[*]",
    "$[0]",
    "$.",
    "$$.Execution.Id",
    "$$.Executon.Nme",
    "$$.Task.Token",
    "$$.Map.Item.Value",
    "$$.Map.Item.Index.x",
    "States.Format('{}', $.a)",
    "States.MathAdd($.x)",
    "States.Formatt('{}', $.a)",
    "States.Format('{}', $.a, )",
    "States.Timout",
    "States.ALL",
    "States.TaskFailed",
    "States.Runtime",
    "States.HeartbeatTimeout",
    "States.NoChoiceMatched",
    "{% $states.input %}",
    "{% $states.result %}",
    "{% $states.errorOutput %}",
    "{% $states.inputs %}",
    "{% $states.context.Task.Tokn %}",
    "{% $states.context.Map.Item.Value %}",
    "{% $undefinedVar & $v %}",
    "{% ( %}",
    "$states.input.a",
    "${Placeholder}",
    "arn:aws:states:::lambda:invoke",
    "arn:aws:states:::lambda:invoke.sync",
    "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "arn:aws:states:::dynamodb:query",
    "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
    "arn:aws:states:::aws-sdk:s3:listObjectsV2.sync",
    "arn:aws:sts::bad",
    "$v",
    "$v.field",
    "2016-03-14T01:59:00Z",
    "2016-03-14t01:59:00z",
    "JSONata",
    "JSONPath",
    "jsonata",
    "FULL",
    "full",
    "",
    "states",
    "1bad-name",
];

/// Fields a mutation may add to an object, with a pool value or a fixed one.
const FIELDS: &[&str] = &[
    "Next",
    "End",
    "Default",
    "Type",
    "Resource",
    "InputPath",
    "OutputPath",
    "ResultPath",
    "ItemsPath",
    "Parameters",
    "Arguments",
    "Output",
    "Assign",
    "Result",
    "ResultSelector",
    "ItemSelector",
    "Retry",
    "Catch",
    "HeartbeatSeconds",
    "TimeoutSeconds",
    "QueryLanguage",
    "Choices",
    "Variable",
    "Condition",
    "ErrorEquals",
    "Error",
    "Seconds",
    "Comment",
    "Nxt",
    "key",
    "key.$",
];

/// Every node of `v` as a JSON-Pointer-like list of steps (objects by key, arrays by index), depth-capped.
fn node_paths(v: &J) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(v, Vec::<String>::new())];
    while let Some((n, p)) = stack.pop() {
        if p.len() > 40 {
            continue;
        }
        match n {
            J::Object(m) => {
                for (k, c) in m {
                    let mut q = p.clone();
                    q.push(k.clone());
                    stack.push((c, q));
                }
            }
            J::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    let mut q = p.clone();
                    q.push(i.to_string());
                    stack.push((c, q));
                }
            }
            _ => {}
        }
        out.push(p);
    }
    out
}

fn node_mut<'v>(v: &'v mut J, path: &[String]) -> Option<&'v mut J> {
    let mut cur = v;
    for step in path {
        cur = match cur {
            J::Object(m) => m.get_mut(step)?,
            J::Array(a) => a.get_mut(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// State names of the document (any depth), for retargeting.
fn state_names(v: &J) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(n) = stack.pop() {
        match n {
            J::Object(m) => {
                if let Some(J::Object(states)) = m.get("States") {
                    out.extend(states.keys().cloned());
                }
                stack.extend(m.values());
            }
            J::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    out
}

fn pool_value(rng: &mut Rng, names: &[String]) -> J {
    match rng.below(12) {
        0 => J::from(rng.below(5) as i64 - 1),
        1 => J::from(100_000),
        2 => J::Bool(rng.below(2) == 0),
        3 => J::Null,
        4 => J::Array(vec![J::String(POOL[rng.below(POOL.len())].into())]),
        5 => {
            let mut m = serde_json::Map::new();
            m.insert(
                FIELDS[rng.below(FIELDS.len())].into(),
                J::String(POOL[rng.below(POOL.len())].into()),
            );
            J::Object(m)
        }
        6 if !names.is_empty() => J::String(names[rng.below(names.len())].clone()),
        7 if !names.is_empty() => {
            // A near miss of a state name: the did-you-mean paths.
            let mut s = names[rng.below(names.len())].clone();
            s.pop();
            J::String(s)
        }
        _ => J::String(POOL[rng.below(POOL.len())].into()),
    }
}

/// A targeted mutation of a random state (an object with `Type`) or of the whole machine, each aimed at what one
/// family of rules looks for.
fn mutate_state(v: &mut J, rng: &mut Rng, names: &[String], op: usize) {
    let states: Vec<Vec<String>> = node_paths(v)
        .into_iter()
        .filter(|p| p.len() >= 2 && p[p.len() - 2] == "States")
        .collect();
    if states.is_empty() {
        return;
    }
    let path = states[rng.below(states.len())].clone();
    let target = if names.is_empty() {
        "Nowhere".to_string()
    } else {
        names[rng.below(names.len())].clone()
    };
    let jsonata = [
        "{% ( %}",
        "{% $states.inputs %}",
        "{% $states.result %}",
        "{% $states.errorOutput %}",
        "{% $nowhere %}",
    ];
    if op == 0 {
        // Rename the state: empty, too long, or a near miss of its name.
        let (parent, key) = path.split_at(path.len() - 1);
        if let Some(J::Object(m)) = node_mut(v, parent) {
            if let Some(val) = m.shift_remove(&key[0]) {
                // A name of another scope makes a duplicate; one of the same scope replaces that state.
                let to = match rng.below(3) {
                    0 => String::new(),
                    1 => "x".repeat(81),
                    _ => target,
                };
                m.insert(to, val);
            }
        }
        return;
    }
    if op == 1 {
        // No terminal state in the machine: every `End` and Succeed/Fail loops back to `StartAt`.
        let start = v.get("StartAt").cloned().unwrap_or(J::Null);
        if let Some(J::Object(states)) = v.get_mut("States") {
            for st in states.values_mut() {
                if let J::Object(m) = st {
                    if matches!(m.get("Type").and_then(J::as_str), Some("Succeed" | "Fail")) {
                        m.insert("Type".into(), J::from("Pass"));
                    }
                    m.shift_remove("End");
                    m.insert("Next".into(), start.clone());
                }
            }
        }
        return;
    }
    if op == 6 {
        // A chain from `StartAt` through literal-path mistakes into a loop with no way out.
        let zoo = serde_json::json!({
            "ZooWait": {"Type": "Wait", "Seconds": "$.x", "Next": "ZooPass"},
            "ZooPass": {"Type": "Pass", "Result": {"a.$": "$.x"}, "Assign": {"zooUnused": 1},
                        "Parameters": {"p.$": "States.MathAdd($.x)", "q": "$.y"}, "Next": "ZooTask"},
            "ZooTask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "Next": "ZooLoop"},
            "ZooLoop": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "ZooLoop"}],
                        "Default": "ZooLoop"}
        });
        if let (Some(J::Object(states)), J::Object(zoo)) = (v.get_mut("States"), zoo) {
            states.extend(zoo);
        }
        if let J::Object(m) = v {
            m.insert("StartAt".into(), J::from("ZooWait"));
        }
        return;
    }
    if op == 2 {
        // A typed value flows into a place that needs another type: a string read as Wait seconds.
        let start = v.get("StartAt").cloned().unwrap_or(J::Null);
        // Or an input field the first state's `OutputPath` drops is read by the next one.
        let mut seed = serde_json::json!({"Type": "Pass", "Result": {"n": "text"}, "ResultPath": "$.seed", "Next": "SeedWait"});
        let mut wait =
            serde_json::json!({"Type": "Wait", "SecondsPath": "$.seed.n", "Next": start});
        if rng.below(2) == 0 {
            seed["OutputPath"] = J::from("$.seed");
            wait["SecondsPath"] = J::from("$.delay");
        }
        if let Some(J::Object(states)) = v.get_mut("States") {
            states.insert("Seed".into(), seed);
            states.insert("SeedWait".into(), wait);
        }
        if let J::Object(m) = v {
            m.insert("StartAt".into(), J::from("Seed"));
        }
        return;
    }
    let Some(J::Object(m)) = node_mut(v, &path) else {
        return;
    };
    match op {
        3 => {
            m.insert(
                "Parameters".into(),
                serde_json::json!({"key": "x", "key.$": "$.a", "v.$": "$nowhere"}),
            );
            m.insert("HeartbeatSeconds".into(), J::from(100));
            m.insert("TimeoutSeconds".into(), J::from(10));
            m.insert("TimeoutSecondsPath".into(), J::from("$.timeout"));
            if m.contains_key("Resource") {
                let arns = [
                    "arn:aws:states:::lambda:invoke.sync",
                    "arn:aws:states:::dynamodb:query",
                ];
                m.insert("Resource".into(), J::from(arns[rng.below(arns.len())]));
            }
        }
        4 => {
            m.insert(
                "Catch".into(),
                serde_json::json!([
                    {"ErrorEquals": ["States.TaskFailed"], "Next": target},
                    {"ErrorEquals": ["E", "States.Timeout"], "Next": target},
                    {"ErrorEquals": ["States.ALL", "F"], "Next": target},
                    {"ErrorEquals": ["G"], "Next": target}
                ]),
            );
            m.insert(
                "Retry".into(),
                serde_json::json!([
                    {"ErrorEquals": ["States.TaskFailed"]},
                    {"ErrorEquals": ["E"]},
                    {"ErrorEquals": ["States.Runtime", "States.NoChoiceMatched"]}
                ]),
            );
        }
        _ => {
            m.insert("QueryLanguage".into(), J::from("JSONata"));
            m.insert("Output".into(), J::from(jsonata[rng.below(jsonata.len())]));
        }
    }
}

/// Applies targeted mutation `round % 8` (none for 7), then 1 to 4 random ones, to `v`.
fn mutate(v: &mut J, rng: &mut Rng, round: usize) {
    let names = state_names(v);
    if round % 8 < 7 {
        mutate_state(v, rng, &names, round % 8);
    }
    for _ in 0..1 + rng.below(4) {
        let paths = node_paths(v);
        let path = &paths[rng.below(paths.len())];
        let value = pool_value(rng, &names);
        let op = rng.below(6);
        let Some(node) = node_mut(v, path) else {
            continue;
        };
        match (op, node) {
            // Add or overwrite a field.
            (0 | 1, J::Object(m)) => {
                m.insert(FIELDS[rng.below(FIELDS.len())].into(), value);
            }
            // Delete a field.
            (2, J::Object(m)) if !m.is_empty() => {
                let k = m
                    .keys()
                    .nth(rng.below(m.len()))
                    .cloned()
                    .unwrap_or_default();
                m.shift_remove(&k);
            }
            // Rename a key: add or drop `.$`, change its case, misspell it.
            (3, J::Object(m)) if !m.is_empty() => {
                let i = rng.below(m.len());
                let k = m.keys().nth(i).cloned().unwrap_or_default();
                let renamed = match rng.below(4) {
                    0 => format!("{k}.$"),
                    1 => k.trim_end_matches(".$").to_string(),
                    2 => k.to_ascii_lowercase(),
                    _ => k.chars().skip(1).collect(),
                };
                if let Some(val) = m.shift_remove(&k) {
                    m.insert(renamed, val);
                }
            }
            // Duplicate an array element (a second retrier, catcher, choice rule, branch).
            (4, J::Array(a)) if !a.is_empty() => {
                let e = a[rng.below(a.len())].clone();
                a.push(e);
            }
            // Replace the node.
            (_, node) => *node = value,
        }
    }
}

/// What every finding must satisfy, whatever the input.
fn assert_well_formed(name: &str, text: &str, d: &aslint::diagnostics::Diagnostic) {
    let ok = |s: aslint::syntax::Span| {
        s.end() <= text.len() && text.is_char_boundary(s.start()) && text.is_char_boundary(s.end())
    };
    assert!(ok(d.span()), "{name}: span out of bounds: {d:#?}");
    for l in &d.secondary {
        assert!(ok(l.span), "{name}: secondary span out of bounds: {d:#?}");
    }
    assert!(
        d.pointer.is_empty() || d.pointer.starts_with('/'),
        "{name}: bad pointer: {d:#?}"
    );
    assert!(
        !d.message.ends_with('.'),
        "{name}: message ends with a period: {d:#?}"
    );
    if let Some(fix) = &d.fix {
        assert!(!fix.edits.is_empty(), "{name}: a fix without edits: {d:#?}");
        let mut spans: Vec<_> = fix.edits.iter().map(|e| e.span).collect();
        spans.sort();
        for s in &spans {
            assert!(ok(*s), "{name}: fix edit out of bounds: {d:#?}");
        }
        for w in spans.windows(2) {
            assert!(
                w[0].end() <= w[1].start(),
                "{name}: overlapping fix edits: {d:#?}"
            );
        }
    }
}

/// Applies the edits of a fix (already checked: in bounds, on boundaries, not overlapping).
fn apply(text: &str, fix: &aslint::diagnostics::Fix) -> String {
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start()));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.range(), &e.replacement);
    }
    out
}

#[test]
fn structural_mutations_of_valid_corpus_files_never_panic_any_rule() {
    let Some(shared) =
        support::shared_dir("structural_mutations_of_valid_corpus_files_never_panic_any_rule")
    else {
        return;
    };
    let mut files = support::corpus_files(&shared.join("corpus/real-world"));
    files.extend(support::corpus_files(&shared.join("corpus/fixtures-valid")));
    let docs: Vec<(String, J)> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .step_by(3)
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let v: J = serde_json::from_str(&text).ok()?;
            v.get("States")
                .is_some()
                .then(|| (p.display().to_string(), v))
        })
        .collect();
    assert!(docs.len() > 100, "only {} corpus documents", docs.len());
    let mut rng = Rng(0x0dd_ba11_5eed);
    let mut fired: std::collections::BTreeSet<&'static str> = Default::default();
    let mut fixes_applied = 0;
    for (name, doc) in &docs {
        for round in 0..8 {
            let mut v = doc.clone();
            mutate(&mut v, &mut rng, round);
            let text = serde_json::to_string_pretty(&v).expect("serializes");
            let found = lint_source(name, &text, SourceKind::Json);
            for d in &found {
                assert_well_formed(name, &text, d);
                fired.insert(d.rule.name);
            }
            // Applying a fix gives a document the rules still handle.
            if let Some(fix) = found.iter().find_map(|d| d.fix.as_ref()) {
                let fixed = apply(&text, fix);
                for d in lint_source(name, &fixed, SourceKind::Json) {
                    assert_well_formed(name, &fixed, &d);
                }
                fixes_applied += 1;
            }
        }
    }
    assert!(fixes_applied > 50, "only {fixes_applied} fixes applied");
    // The mutations reach every rule except those that need a broken or huge document.
    let unreachable = [
        "invalid-json",
        "invalid-yaml",
        "duplicate-key",
        "definition-too-large",
        "too-deeply-nested",
        "payload-too-large",
    ];
    let missed: Vec<&str> = aslint::rules::RULES
        .iter()
        .map(|r| r.meta().name)
        .filter(|n| !fired.contains(n) && !unreachable.contains(n))
        .collect();
    assert!(missed.is_empty(), "no mutation triggered {missed:?}");
}

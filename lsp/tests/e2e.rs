//! End to end: the real server over JSON-RPC, one test per feature.

mod common;

use common::{cursor, labels, pos_of, position, tdp, Client};
use serde_json::{json, Value};

const JSON_URI: &str = "file:///e2e/flow.asl.json";
const YAML_URI: &str = "file:///e2e/flow.asl.yaml";

/// A definition with non-ASCII text before the findings (UTF-16 columns differ from bytes and scalars).
const UNICODE_DOC: &str = r#"{
  "Comment": "é😀 unicode",
  "StartAt": "Première",
  "States": {
    "Première": {"Type": "Pass", "Nxt": "Done", "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}"#;

const FLOW: &str = r#"{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Assign": {"total": 1, "who.$": "$.name"},
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
      "Next": "Route"
    },
    "Route": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "Fan"}],
      "Default": "Fetch"
    },
    "Fan": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($total, 1)"}, "End": true}}}
      ],
      "Next": "Each"
    },
    "Each": {
      "Type": "Map",
      "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Succeed"}}},
      "End": true
    },
    "Failed": {"Type": "Fail", "Error": "Boom"}
  }
}"#;

async fn server() -> Client {
    let mut c = Client::in_process();
    c.initialize().await;
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_on_open_and_change_with_utf16_positions() {
    let mut c = server().await;
    c.open(JSON_URI, "json", 1, UNICODE_DOC).await;
    let diags = c.diagnostics(JSON_URI, 1).await;
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "unknown-field")
        .unwrap_or_else(|| panic!("no unknown-field in {diags:?}"));
    let start = UNICODE_DOC.find("\"Nxt\"").unwrap();
    assert_eq!(unknown["range"]["start"], position(UNICODE_DOC, start));
    assert_eq!(unknown["range"]["end"], position(UNICODE_DOC, start + 5));
    assert_eq!(unknown["severity"], 1);
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .starts_with("unknown field `Nxt`"));
    assert!(unknown["source"].as_str().unwrap().contains("ASL102"));
    assert!(
        unknown["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules/unknown-field.md"),
        "{unknown}"
    );

    let fixed = UNICODE_DOC.replace("\"Nxt\": \"Done\", ", "");
    c.change(JSON_URI, 2, &fixed).await;
    assert_eq!(c.diagnostics(JSON_URI, 2).await, Vec::<Value>::new());

    // YAML, with the secondary label of a duplicate key as related information.
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Type: Pass\n    End: true\n";
    c.open(YAML_URI, "yaml", 1, yaml).await;
    let diags = c.diagnostics(YAML_URI, 1).await;
    let dup = diags
        .iter()
        .find(|d| d["code"] == "duplicate-key")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(dup["range"]["start"], json!({"line": 4, "character": 4}));
    let related = dup["relatedInformation"].as_array().expect("related");
    assert_eq!(
        related[0]["location"]["range"]["start"],
        json!({"line": 3, "character": 4})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_are_never_stale() {
    let mut c = server().await;
    c.open(JSON_URI, "json", 1, UNICODE_DOC).await;
    // A burst of changes without waiting; alternate broken and fixed texts.
    let fixed = UNICODE_DOC.replace("\"Nxt\": \"Done\", ", "");
    let last = 40;
    for v in 2..=last {
        let text = if v % 2 == 0 { &fixed } else { UNICODE_DOC };
        c.change(JSON_URI, v, text).await;
    }
    let all = c.diagnostics_until(JSON_URI, last).await;
    let versions: Vec<i64> = all.iter().filter_map(|p| p["version"].as_i64()).collect();
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "published out of order: {versions:?}"
    );
    // Version 40 is the fixed text: clean.
    assert_eq!(all.last().unwrap()["diagnostics"], json!([]));
    // An older version arriving late is ignored: no new publish, and requests see the newest text.
    c.change(JSON_URI, 3, UNICODE_DOC).await;
    let syms = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": JSON_URI}}),
        )
        .await;
    assert_eq!(syms.as_array().unwrap().len(), 2);
    c.change(JSON_URI, last + 1, UNICODE_DOC).await;
    let next = c.diagnostics_until(JSON_URI, last + 1).await;
    assert_eq!(
        next.len(),
        1,
        "only the newest version is published: {next:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_fields_states_values_and_expressions() {
    let mut c = server().await;
    // Field names of a Task (JSONPath), without the ones present, with snippets.
    let (text, pos) = cursor(
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"x\", \"|\"}, \"B\": {\"Type\": \"Succeed\"}}}",
    );
    c.open(JSON_URI, "json", 1, &text).await;
    let r = c
        .request("textDocument/completion", tdp(JSON_URI, pos))
        .await;
    let l = labels(&r);
    for want in [
        "Next",
        "End",
        "Parameters",
        "ResultPath",
        "Retry",
        "Catch",
        "TimeoutSeconds",
    ] {
        assert!(l.contains(&want.to_string()), "{want} missing from {l:?}");
    }
    assert!(
        !l.contains(&"Resource".to_string()),
        "present field offered"
    );
    assert!(
        !l.contains(&"Arguments".to_string()),
        "JSONata field in JSONPath"
    );
    assert!(
        !l.contains(&"Choices".to_string()),
        "Choice field in a Task"
    );
    let next = r
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Next")
        .unwrap();
    assert_eq!(next["insertTextFormat"], 2);
    assert_eq!(next["textEdit"]["newText"], "\"Next\": \"$1\"");

    // JSONata state: Arguments, not Parameters.
    let (text, pos) = cursor(
        "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"x\", \"|\"}}}",
    );
    c.change(JSON_URI, 2, &text).await;
    let l = labels(
        &c.request("textDocument/completion", tdp(JSON_URI, pos))
            .await,
    );
    assert!(
        l.contains(&"Arguments".to_string()) && l.contains(&"Output".to_string()),
        "{l:?}"
    );
    assert!(!l.contains(&"Parameters".to_string()), "{l:?}");

    // State names in Next (scope-aware: not the branch's states), Type values, ErrorEquals names.
    let (text, pos) = cursor(&FLOW.replace("\"Next\": \"Route\"", "\"Next\": \"|\""));
    c.change(JSON_URI, 3, &text).await;
    let l = labels(
        &c.request("textDocument/completion", tdp(JSON_URI, pos))
            .await,
    );
    assert!(
        l.contains(&"Route".to_string()) && l.contains(&"Failed".to_string()),
        "{l:?}"
    );
    assert!(
        !l.contains(&"Inner".to_string()),
        "out-of-scope state offered: {l:?}"
    );
    let (text, pos) = cursor(&FLOW.replace("\"StartAt\": \"Inner\"", "\"StartAt\": \"I|\""));
    c.change(JSON_URI, 4, &text).await;
    let l = labels(
        &c.request("textDocument/completion", tdp(JSON_URI, pos))
            .await,
    );
    assert_eq!(l, vec!["Inner".to_string()], "branch StartAt");
    let (text, pos) = cursor(&FLOW.replace("\"Type\": \"Succeed\"", "\"Type\": \"|\""));
    c.change(JSON_URI, 5, &text).await;
    let l = labels(
        &c.request("textDocument/completion", tdp(JSON_URI, pos))
            .await,
    );
    assert_eq!(l.len(), 8, "{l:?}");
    let (text, pos) = cursor(&FLOW.replace("[\"States.ALL\"]", "[\"States.|\"]"));
    c.change(JSON_URI, 6, &text).await;
    let l = labels(
        &c.request("textDocument/completion", tdp(JSON_URI, pos))
            .await,
    );
    assert!(
        l.contains(&"States.TaskFailed".to_string()) && l.contains(&"States.ALL".to_string()),
        "{l:?}"
    );
    // Resource ARNs.
    let (text, pos) = cursor(&FLOW.replace("arn:aws:states:::lambda:invoke", "arn:|"));
    c.change(JSON_URI, 7, &text).await;
    let l = labels(
        &c.request("textDocument/completion", tdp(JSON_URI, pos))
            .await,
    );
    assert!(
        l.contains(&"arn:aws:states:::sns:publish".to_string()),
        "{l:?}"
    );
    // Intrinsics with signatures, `$$` fields, and variables.
    let (text, pos) = cursor(&FLOW.replace("States.MathAdd($total, 1)", "States.|"));
    c.change(JSON_URI, 8, &text).await;
    let r = c
        .request("textDocument/completion", tdp(JSON_URI, pos))
        .await;
    let l = labels(&r);
    assert_eq!(
        l.iter().filter(|x| x.starts_with("States.")).count(),
        18,
        "{l:?}"
    );
    assert!(
        l.contains(&"$total".to_string()) && l.contains(&"$who".to_string()),
        "{l:?}"
    );
    let add = r
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "States.MathAdd")
        .unwrap();
    assert_eq!(add["detail"], "States.MathAdd(number, number)");
    let (text, pos) = cursor(&FLOW.replace("States.MathAdd($total, 1)", "$$.|"));
    c.change(JSON_URI, 9, &text).await;
    let l = labels(
        &c.request("textDocument/completion", tdp(JSON_URI, pos))
            .await,
    );
    assert!(
        l.contains(&"$$.Execution.Id".to_string()) && l.contains(&"$$.Map.Item.Value".to_string()),
        "{l:?}"
    );

    // YAML: fields of a state, and state names in Next.
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Ne\n  B:\n    Type: Succeed\n";
    c.open(YAML_URI, "yaml", 1, yaml).await;
    let pos = json!({"line": 4, "character": 6});
    let r = c
        .request("textDocument/completion", tdp(YAML_URI, pos))
        .await;
    let next = r
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Next")
        .expect("Next in YAML");
    assert_eq!(next["textEdit"]["newText"], "Next: $1");
    assert!(!labels(&r).contains(&"Type".to_string()));
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: \n  B:\n    Type: Succeed\n";
    c.change(YAML_URI, 2, yaml).await;
    let l = labels(
        &c.request(
            "textDocument/completion",
            tdp(YAML_URI, json!({"line": 4, "character": 10})),
        )
        .await,
    );
    assert!(l.contains(&"B".to_string()), "{l:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_fields_states_intrinsics_and_rules() {
    let mut c = server().await;
    c.open(JSON_URI, "json", 1, FLOW).await;
    let hover = |r: Value| r["contents"]["value"].as_str().unwrap_or("").to_string();
    let h = hover(
        c.request(
            "textDocument/hover",
            tdp(JSON_URI, pos_of(FLOW, "\"Resource\"", 3)),
        )
        .await,
    );
    assert!(h.contains("**`Resource`**") && h.contains("ARN"), "{h}");
    // A state's summary on a transition naming it.
    let h = hover(
        c.request(
            "textDocument/hover",
            tdp(JSON_URI, pos_of(FLOW, "\"Route\"", 2)),
        )
        .await,
    );
    assert!(
        h.contains("Choice state") && h.contains("Default → `Fetch`"),
        "{h}"
    );
    let h = hover(
        c.request(
            "textDocument/hover",
            tdp(JSON_URI, pos_of(FLOW, "\"Fetch\": {", 2)),
        )
        .await,
    );
    assert!(
        h.contains("Catches `States.ALL` → `Failed`") && h.contains("Next → `Route`"),
        "{h}"
    );
    let h = hover(
        c.request(
            "textDocument/hover",
            tdp(JSON_URI, pos_of(FLOW, "MathAdd", 2)),
        )
        .await,
    );
    assert!(h.contains("States.MathAdd(number, number)"), "{h}");
    // Rule docs on a diagnostic.
    c.open("file:///e2e/u.asl.json", "json", 1, UNICODE_DOC)
        .await;
    c.diagnostics("file:///e2e/u.asl.json", 1).await;
    let h = hover(
        c.request(
            "textDocument/hover",
            tdp("file:///e2e/u.asl.json", pos_of(UNICODE_DOC, "Nxt", 1)),
        )
        .await,
    );
    assert!(
        h.contains("**unknown-field** (`ASL102`)") && h.contains("unknown-field.md"),
        "{h}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_references_and_rename() {
    let mut c = server().await;
    c.open(JSON_URI, "json", 1, FLOW).await;
    // Next → the state's key.
    let d = c
        .request(
            "textDocument/definition",
            tdp(JSON_URI, pos_of(FLOW, "\"Next\": \"Route\"", 10)),
        )
        .await;
    assert_eq!(d["range"]["start"], pos_of(FLOW, "\"Route\": {", 0));
    // A variable use → its Assign key.
    let d = c
        .request(
            "textDocument/definition",
            tdp(JSON_URI, pos_of(FLOW, "$total", 2)),
        )
        .await;
    assert_eq!(d["range"]["start"], pos_of(FLOW, "\"total\"", 0));
    // References: every transition into Fetch (the Choice's Default and StartAt), plus its key.
    let r = c
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": JSON_URI}, "position": pos_of(FLOW, "\"Fetch\": {", 2), "context": {"includeDeclaration": true}}),
        )
        .await;
    let starts: Vec<Value> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"].clone())
        .collect();
    assert_eq!(starts.len(), 3, "{r}");
    assert!(starts.contains(&pos_of(FLOW, "\"Default\": \"Fetch\"", 11)));
    // Rename from a reference: the key and every reference in the scope.
    let e = c
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": JSON_URI}, "position": pos_of(FLOW, "\"Default\": \"Fetch\"", 13), "newName": "Get \"it\""}),
        )
        .await;
    let edits = e["changes"][JSON_URI].as_array().unwrap();
    assert_eq!(edits.len(), 3, "{e}");
    assert!(edits.iter().all(|x| x["newText"] == "\"Get \\\"it\\\"\""));
    // Refused: a name that exists.
    let r = c
        .request_full(
            "textDocument/rename",
            json!({"textDocument": {"uri": JSON_URI}, "position": pos_of(FLOW, "\"Fetch\": {", 2), "newName": "Route"}),
        )
        .await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{r}"
    );
    let p = c
        .request(
            "textDocument/prepareRename",
            tdp(JSON_URI, pos_of(FLOW, "\"Fan\": {", 1)),
        )
        .await;
    assert_eq!(p["placeholder"], "Fan");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_nest_branches_and_processors() {
    let mut c = server().await;
    c.open(JSON_URI, "json", 1, FLOW).await;
    let s = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": JSON_URI}}),
        )
        .await;
    let names: Vec<&str> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Fetch", "Route", "Fan", "Each", "Failed"]);
    let fan = &s[2];
    assert_eq!(fan["detail"], "Parallel");
    assert_eq!(fan["children"][0]["name"], "Branch 1");
    assert_eq!(fan["children"][0]["children"][0]["name"], "Inner");
    assert_eq!(s[3]["children"][0]["name"], "ItemProcessor");
    assert_eq!(s[3]["children"][0]["children"][0]["name"], "Item");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_carry_the_fixes() {
    let mut c = server().await;
    let doc = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Nxt": "B"}, "B": {"Type": "Succeed"}}}"#;
    c.open(JSON_URI, "json", 1, doc).await;
    c.diagnostics(JSON_URI, 1).await;
    let at = pos_of(doc, "\"Nxt\"", 0);
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": JSON_URI}, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}),
        )
        .await;
    let actions = r.as_array().expect("actions");
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("Next"))
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(fix["kind"], "quickfix");
    let edit = &fix["edit"]["changes"][JSON_URI][0];
    assert_eq!(edit["newText"], "\"Next\"");
    assert_eq!(edit["range"]["start"], at);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_json_only() {
    let mut c = server().await;
    let doc = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":{\"n\":1.50,\"s\":\"é\\u00e9\",\"e\":[],\"o\":{}},\"End\":true}}}";
    c.open(JSON_URI, "json", 1, doc).await;
    let r = c
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": JSON_URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    let text = r[0]["newText"].as_str().unwrap();
    assert!(
        text.starts_with("{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n"),
        "{text}"
    );
    assert!(
        text.contains("\"n\": 1.50")
            && text.contains("\"s\": \"é\\u00e9\"")
            && text.contains("\"e\": []"),
        "{text}"
    );
    // Same value, same key order.
    let a: Value = serde_json::from_str(doc).unwrap();
    let b: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    // YAML and broken JSON are not formatted.
    c.open(YAML_URI, "yaml", 1, "StartAt: A\n").await;
    let r = c
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": YAML_URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    assert!(r.is_null(), "{r}");
    c.change(JSON_URI, 2, "{\"StartAt\": ").await;
    let r = c
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": JSON_URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    assert!(r.is_null(), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_bad_requests_and_half_typed_documents() {
    let mut c = server().await;
    // Unknown document.
    let r = c
        .request(
            "textDocument/hover",
            tdp(
                "file:///nowhere.asl.json",
                json!({"line": 0, "character": 0}),
            ),
        )
        .await;
    assert!(r.is_null());
    // Out-of-range positions.
    c.open(JSON_URI, "json", 1, FLOW).await;
    for pos in [
        json!({"line": 9999, "character": 0}),
        json!({"line": 0, "character": 99999}),
    ] {
        for m in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
            "textDocument/prepareRename",
        ] {
            c.request(m, tdp(JSON_URI, pos.clone())).await;
        }
    }
    // Malformed params: an error response, and the server goes on.
    let r = c
        .request_full("textDocument/hover", json!({"bogus": true}))
        .await;
    assert!(r.get("error").is_some(), "{r}");
    // Not JSON, and not a JSON-RPC message: the first is dropped, the second (it has an id) answered with an error.
    c.send_raw(b"{not json").await;
    c.send_raw(b"no header at all\r\n\r\n").await;
    let r = c
        .request_full("textDocument/hover", json!({"bogus": true}))
        .await;
    assert!(r.get("error").is_some(), "{r}");
    c.send_raw(br#"{"jsonrpc":"2.0","id":"odd","params":1}"#)
        .await;
    let r = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": JSON_URI}}),
        )
        .await;
    assert!(r.is_array(), "still serving after garbage");
    // Every prefix of a document, in both syntaxes: every request answers.
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Next: B\n  B:\n    Type: Succeed\n";
    for (uri, lang, text) in [(JSON_URI, "json", FLOW), (YAML_URI, "yaml", yaml)] {
        c.open(uri, lang, 1, "").await;
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for (v, cut) in cuts.into_iter().enumerate() {
            let part = &text[..cut];
            c.change(uri, v as i32 + 2, part).await;
            let end = position(part, part.len());
            for m in [
                "textDocument/completion",
                "textDocument/hover",
                "textDocument/definition",
            ] {
                c.request(m, tdp(uri, end.clone())).await;
            }
        }
    }
    let r = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": JSON_URI}}),
        )
        .await;
    assert!(r.is_array());
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn severities_follow_aslint_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aslint.toml"),
        "[rules]\nunknown-field = \"warning\"\n",
    )
    .unwrap();
    let sub = dir.path().join("flows");
    std::fs::create_dir(&sub).unwrap();
    let file = sub.join("a.asl.json");
    let uri = format!("file://{}", file.display());
    let mut c = server().await;
    c.open(&uri, "json", 1, UNICODE_DOC).await;
    let diags = c.diagnostics(&uri, 1).await;
    let d = diags
        .iter()
        .find(|d| d["code"] == "unknown-field")
        .expect("finding");
    assert_eq!(d["severity"], 2, "configured as a warning");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_over_stdio() {
    let mut c = Client::spawn_binary();
    let init = c.initialize().await;
    assert_eq!(init["serverInfo"]["name"], "aslint-lsp");
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    // A document whose name says nothing: the language id picks YAML.
    c.open(
        "file:///bench/doc",
        "yaml",
        1,
        "StartAt: A\nStates:\n  A:\n    Type: Pas\n    End: true\n",
    )
    .await;
    let diags = c.diagnostics("file:///bench/doc", 1).await;
    assert!(
        diags.iter().any(|d| d["code"] == "invalid-field-value"),
        "{diags:?}"
    );
    c.shutdown().await;
    let status = tokio::time::timeout(common::TIMEOUT, c.child.as_mut().unwrap().wait())
        .await
        .expect("exits")
        .expect("status");
    assert!(status.success());
}

/// Shapes the definition builds itself: a Pass `Result`, a Map's array result placed by `ResultPath`, and a join of
/// two paths into `Use` of which one (`Other`) lacks `order`. Non-ASCII text sits before the paths on their lines.
const SHAPES: &str = r#"{
  "Comment": "é😀 shapes",
  "StartAt": "Route",
  "States": {
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.express", "BooleanEquals": true, "Next": "Build"}], "Default": "Other"},
    "Build": {"Type": "Pass", "Result": {"order": {"id": "o-1", "items": [{"sku": "a", "qty": 1}], "ship-to": "x"}}, "Next": "Each"},
    "Each": {"Type": "Map", "ItemsPath": "$.order.items", "ItemProcessor": {"StartAt": "Line", "States": {"Line": {"Type": "Pass", "Parameters": {"sku.$": "$.sku"}, "End": true}}}, "ResultPath": "$.order.lines", "Next": "Use"},
    "Other": {"Type": "Pass", "Result": {"misc": 1}, "Next": "Use"},
    "Use": {"Type": "Pass", "Comment": "é😀", "Parameters": {"lines.$": "$.order.lines", "id.$": "$.order.id"}, "End": true}
  }
}"#;

const SHAPES_YAML: &str = "StartAt: Build\nStates:\n  Build:\n    Type: Pass\n    Result:\n      order:\n        id: o-1\n        total: 12.5\n    Next: Use\n  Use:\n    Type: Pass\n    Comment: é😀\n    Parameters:\n      id.$: $.order.id\n      total.$: $.order.total\n    End: true\n";

const SHAPES_JSONATA: &str = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Output": {"user": {"name": "{% 'x' %}", "age": 3}}, "Next": "B"},
  "B": {"Type": "Pass", "Comment": "😀", "Output": "{% $states.input.user.name %}", "End": true}}}"#;

/// The hover at a position: its markdown text and the whole response.
async fn hover_at(c: &mut Client, uri: &str, pos: Value) -> (String, Value) {
    let r = c.request("textDocument/hover", tdp(uri, pos)).await;
    let text = r["contents"]["value"].as_str().unwrap_or("").to_string();
    (text, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_shows_inferred_shapes() {
    let mut c = server().await;
    c.open(JSON_URI, "json", 1, SHAPES).await;
    c.diagnostics(JSON_URI, 1).await;
    // An array (a Map's result placed by ResultPath), absent on the path from `Other`.
    let at = SHAPES.rfind("$.order.lines").unwrap();
    let (h, r) = hover_at(&mut c, JSON_URI, position(SHAPES, at + "$.order.li".len())).await;
    assert!(
        h.contains("**`$.order.lines`**: array of {sku: string}"),
        "{h}"
    );
    assert!(
        h.contains("in the effective input of Pass state `Use`"),
        "{h}"
    );
    assert!(h.contains("Cannot match when coming from `Other`"), "{h}");
    // The range is the path, in UTF-16 columns (non-ASCII text precedes it on the line).
    assert_eq!(r["range"]["start"], position(SHAPES, at));
    assert_eq!(
        r["range"]["end"],
        position(SHAPES, at + "$.order.lines".len())
    );
    // A nested field, cut at the segment under the cursor: `order` in `$.order.id`.
    let at = SHAPES.find("$.order.id").unwrap();
    let (h, _) = hover_at(&mut c, JSON_URI, position(SHAPES, at + 3)).await;
    assert!(
        h.contains("**`$.order`**: {id: string, items: [{qty: integer, sku: string}], lines: array of {sku: string}, ship-to: string}"),
        "{h}"
    );
    let (h, _) = hover_at(&mut c, JSON_URI, position(SHAPES, at + 9)).await;
    assert!(h.contains("**`$.order.id`**: string"), "{h}");
    // Inside a Map's item processor: the iteration input is an item of `$.order.items`.
    let (h, _) = hover_at(&mut c, JSON_URI, pos_of(SHAPES, "\"$.sku\"", 4)).await;
    assert!(h.contains("**`$.sku`**: string"), "{h}");
    // The execution input is unknown: no shape is claimed for `$.express`.
    let (h, _) = hover_at(&mut c, JSON_URI, pos_of(SHAPES, "$.express", 4)).await;
    assert!(!h.contains("$.express`**:"), "{h}");
    assert!(!h.contains("unknown"), "{h}");

    // YAML (plain scalars), and a field documentation hover still works.
    c.open(YAML_URI, "yaml", 1, SHAPES_YAML).await;
    let at = SHAPES_YAML.find("$.order.total").unwrap();
    let (h, r) = hover_at(&mut c, YAML_URI, position(SHAPES_YAML, at + 10)).await;
    assert!(h.contains("**`$.order.total`**: number"), "{h}");
    assert_eq!(r["range"]["start"], position(SHAPES_YAML, at));
    let (h, _) = hover_at(&mut c, YAML_URI, pos_of(SHAPES_YAML, "Parameters", 2)).await;
    assert!(h.contains("**`Parameters`**"), "{h}");

    // JSONata: `$states.input` navigation.
    c.open("file:///e2e/j.asl.json", "json", 1, SHAPES_JSONATA)
        .await;
    let (h, _) = hover_at(
        &mut c,
        "file:///e2e/j.asl.json",
        pos_of(SHAPES_JSONATA, "user.name %}", 1),
    )
    .await;
    assert!(
        h.contains("**`$states.input.user`**: {age: integer, name: string}"),
        "{h}"
    );
    let (h, _) = hover_at(
        &mut c,
        "file:///e2e/j.asl.json",
        pos_of(SHAPES_JSONATA, "$states.input.user", 3),
    )
    .await;
    assert!(
        h.contains("**`$states.input`**: {user: {age: integer, name: string}}")
            && h.contains("in the input of Pass state `B`"),
        "{h}"
    );
}

/// Opens (version 1) or changes a JSON document to `text_with_cursor` without its `|`, and completes at the `|`:
/// the text, the cursor's position and the response.
async fn complete_in(
    c: &mut Client,
    uri: &str,
    version: i32,
    text_with_cursor: &str,
) -> (String, Value, Value) {
    let (text, pos) = cursor(text_with_cursor);
    if version == 1 {
        c.open(uri, "json", 1, &text).await;
    } else {
        c.change(uri, version, &text).await;
    }
    let r = c
        .request("textDocument/completion", tdp(uri, pos.clone()))
        .await;
    (text, pos, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_offers_inferred_fields_after_dollar_dot() {
    let mut c = server().await;
    let item = |r: &Value, label: &str| -> Value {
        r.as_array()
            .unwrap()
            .iter()
            .find(|i| i["label"] == label)
            .cloned()
            .unwrap_or_else(|| panic!("{label} missing from {r}"))
    };
    // After `$.`: the fields of Use's effective input, each with its shape; nothing else.
    let (_, pos, r) = complete_in(
        &mut c,
        JSON_URI,
        1,
        &SHAPES.replace("\"id.$\": \"$.order.id\"", "\"id.$\": \"$.|\""),
    )
    .await;
    assert_eq!(labels(&r), ["misc", "order"], "{r}");
    let order = item(&r, "order");
    assert_eq!(order["kind"], 5, "FIELD");
    assert!(
        order["detail"]
            .as_str()
            .unwrap()
            .starts_with("{id: string, items: "),
        "{order}"
    );
    assert_eq!(order["textEdit"]["newText"], "order");
    assert_eq!(order["textEdit"]["range"]["start"], pos);
    assert_eq!(order["textEdit"]["range"]["end"], pos);

    // After `$.order.`: a name that needs brackets is inserted as `['name']`, replacing the dot.
    let (text, pos, r) = complete_in(
        &mut c,
        JSON_URI,
        2,
        &SHAPES.replace("\"id.$\": \"$.order.id\"", "\"id.$\": \"$.order.|\""),
    )
    .await;
    assert_eq!(labels(&r), ["id", "items", "lines", "ship-to"], "{r}");
    assert_eq!(item(&r, "id")["detail"], "string");
    assert_eq!(item(&r, "lines")["detail"], "array of {sku: string}");
    let ship = item(&r, "ship-to");
    assert_eq!(ship["textEdit"]["newText"], "['ship-to']");
    let dot = text.find("$.order.\"").unwrap() + "$.order".len();
    assert_eq!(ship["textEdit"]["range"]["start"], position(&text, dot));
    assert_eq!(ship["textEdit"]["range"]["end"], pos);
    // The position is in UTF-16: the line has a character outside the BMP before the cursor.
    let line_start = text[..dot].rfind('\n').unwrap() + 1;
    assert!(text[line_start..dot].contains('😀'));
    assert_ne!(
        pos["character"].as_u64().unwrap() as usize,
        text[line_start..text.find("$.order.\"").unwrap() + 8].len(),
        "columns are UTF-16 units, not bytes"
    );

    // Half-typed name: the same items, the edit replaces what was typed.
    let (text, _, r) = complete_in(
        &mut c,
        JSON_URI,
        3,
        &SHAPES.replace("\"id.$\": \"$.order.id\"", "\"id.$\": \"$.order.li|\""),
    )
    .await;
    let lines = item(&r, "lines");
    let at = text.rfind("$.order.li").unwrap() + "$.order.".len();
    assert_eq!(lines["textEdit"]["range"]["start"], position(&text, at));

    // YAML: after `$.order.` in a plain scalar.
    let yaml = SHAPES_YAML.replace("total.$: $.order.total", "total.$: $.order.");
    c.open(YAML_URI, "yaml", 1, &yaml).await;
    let at = yaml.find("$.order.\n").unwrap() + "$.order.".len();
    let r = c
        .request(
            "textDocument/completion",
            tdp(YAML_URI, position(&yaml, at)),
        )
        .await;
    assert_eq!(labels(&r), ["id", "total"], "{r}");
    assert_eq!(item(&r, "total")["detail"], "number");

    // JSONata: after `$states.input.user.`.
    let (_, _, r) = complete_in(
        &mut c,
        "file:///e2e/j.asl.json",
        1,
        &SHAPES_JSONATA.replace("$states.input.user.name", "$states.input.user.|"),
    )
    .await;
    assert_eq!(labels(&r), ["age", "name"], "{r}");

    // A workflow variable: after `$order.` in a JSONPath payload and in a JSONata expression.
    let vars = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Assign": {"order": {"id": 1, "lines": [{"sku": "x"}]}}, "Next": "B"},
  "B": {"Type": "Pass", "Parameters": {"n.$": "$order.|"}, "Next": "C"},
  "C": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $order.| %}", "End": true}}}"#;
    // The cursor in B (the JSONata one completed), then in C (the JSONPath one completed).
    let in_b = vars.replace("$order.| %}", "$order.id %}");
    let (_, _, r) = complete_in(&mut c, "file:///e2e/v.asl.json", 1, &in_b).await;
    assert_eq!(labels(&r), ["id", "lines"], "{r}");
    assert_eq!(item(&r, "lines")["detail"], "[{sku: string}]");
    let in_c = vars.replacen("$order.|", "$order.id", 1);
    let (_, _, r) = complete_in(&mut c, "file:///e2e/v.asl.json", 2, &in_c).await;
    assert_eq!(labels(&r), ["id", "lines"], "{r}");

    // Unknown data (the execution input): no invented fields; the usual expression items remain.
    let (_, _, r) = complete_in(
        &mut c,
        JSON_URI,
        4,
        &SHAPES.replace("\"Variable\": \"$.express\"", "\"Variable\": \"$.|\""),
    )
    .await;
    assert!(
        r.as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != 5 || i["label"].as_str().unwrap().starts_with("$$")),
        "{r}"
    );
}

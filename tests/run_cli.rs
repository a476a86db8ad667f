//! `aslint run`: exit codes, JSON and human output, mock configurations, and clear errors for bad inputs.
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

fn order(extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "fixtures/sim/order.asl.json",
        "--input",
        "fixtures/sim/order.input.json",
        "--mock-config",
        "fixtures/sim/order.mocks.json",
    ];
    args.extend_from_slice(extra);
    aslint(&root(), &args)
}

fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The events of type `ty`.
fn events_of<'v>(v: &'v Value, ty: &str) -> Vec<&'v Value> {
    v["events"]
        .as_array()
        .map(|a| a.iter().filter(|e| e["type"] == ty).collect())
        .unwrap_or_default()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn happy_path_json() {
    let o = order(&["--test-case", "HappyPath", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(
        v["output"],
        serde_json::json!({"orderId": "o-42", "chargeId": "ch-1", "shipped": 2})
    );
    let names: Vec<&str> = v["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Charge",
            "Big order?",
            "Ship items",
            "Ship",
            "Ship",
            "Cool down",
            "Done"
        ]
    );
    assert_eq!(
        v["states"][3]["input"],
        serde_json::json!({"sku": "book", "position": 0})
    );
    let events = v["events"].as_array().unwrap();
    assert_eq!(events[0]["type"], "ExecutionStarted");
    assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded");
    // The Wait moved the virtual clock by an hour.
    assert_eq!(
        events.last().unwrap()["timestamp"],
        "2025-01-01T01:00:00.000Z"
    );
}

#[test]
fn retries_advance_the_clock_and_count_invocations() {
    let o = order(&["--test-case", "FlakyCharge", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["output"]["chargeId"], "ch-2");
    assert_eq!(events_of(&v, "TaskFailed").len(), 2);
    // 2 s + 4 s of back-off, then the one-hour wait.
    assert_eq!(
        v["events"].as_array().unwrap().last().unwrap()["timestamp"],
        "2025-01-01T01:00:06.000Z"
    );
}

#[test]
fn failure_exits_one_with_human_timeline() {
    let o = order(&["--test-case", "CardDeclined"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("status: FAILED"), "{out}");
    assert!(out.contains("error:  CardDeclined"), "{out}");
    assert!(out.contains("FailStateEntered `ChargeFailed`"), "{out}");
}

#[test]
fn unknown_test_case_is_a_usage_error() {
    let o = order(&["--test-case", "Nope"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("no state machine has a test case `Nope`"), "{e}");
    assert!(e.contains("Order/HappyPath"), "{e}");
}

#[test]
fn missing_test_case_is_a_usage_error() {
    let o = order(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--test-case"), "{}", stderr(&o));
}

#[test]
fn bad_files_report_positions() {
    let dir = tempfile::tempdir().unwrap();
    let mocks = dir.path().join("mocks.json");
    std::fs::write(&mocks, "{\"StateMachines\": {\n  \"M\": [\n}").unwrap();
    let def = root().join("fixtures/sim/order.asl.json");
    let o = aslint(
        dir.path(),
        &[
            "run",
            def.to_str().unwrap(),
            "--mock-config",
            "mocks.json",
            "--test-case",
            "T",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("not valid JSON"), "{e}");
    assert!(e.contains("mocks.json:"), "{e}");

    let o = aslint(
        dir.path(),
        &["run", def.to_str().unwrap(), "--input-json", "{\"a\": }"],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("the input --input-json is not valid JSON"),
        "{e}"
    );
}

#[test]
fn definitions_with_errors_do_not_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"End\": true}}}",
    )
    .unwrap();
    let o = aslint(dir.path(), &["run", "bad.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot run"), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing `Type`"), "{}", stderr(&o));
}

#[test]
fn unmocked_tasks_fail_unless_echoed_and_inline_mocks_work() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.json"),
        r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"x.$": "$.x"}, "End": true}}}"#,
    )
    .unwrap();
    let o = aslint(
        dir.path(),
        &[
            "run",
            "m.json",
            "--input-json",
            "{\"x\": 1}",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json_out(&o);
    assert_eq!(v["error"], "Sim.UnmockedTask");
    assert!(v["cause"].as_str().unwrap().contains("'Call'"));

    let o = aslint(
        dir.path(),
        &[
            "run",
            "m.json",
            "--input-json",
            "{\"x\": 1}",
            "--unmocked",
            "echo",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json_out(&o)["output"], serde_json::json!({"x": 1}));

    std::fs::write(
        dir.path().join("inline.json"),
        r#"{"Call": [{"Return": {"ok": true}}]}"#,
    )
    .unwrap();
    let o = aslint(
        dir.path(),
        &[
            "run",
            "m.json",
            "--input-json",
            "{\"x\": 1}",
            "--mock-config",
            "inline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_out(&o)["output"], serde_json::json!({"ok": true}));
}

#[test]
fn seed_and_context_make_runs_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("u.json"),
        r#"{"StartAt": "U", "States": {"U": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()", "exec.$": "$$.Execution.Name", "at.$": "$$.Execution.StartTime"}, "End": true}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ctx.json"),
        r#"{"Execution": {"Name": "run-1", "StartTime": "2030-05-01T10:00:00.000Z"}}"#,
    )
    .unwrap();
    let run = |seed: &str| {
        let o = aslint(
            dir.path(),
            &[
                "run",
                "u.json",
                "--context",
                "ctx.json",
                "--seed",
                seed,
                "--format",
                "json",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        json_out(&o)["output"].clone()
    };
    let a = run("1");
    assert_eq!(a, run("1"));
    assert_ne!(a["id"], run("2")["id"]);
    assert_eq!(a["exec"], "run-1");
    assert_eq!(a["at"], "2030-05-01T10:00:00.000Z");
}

#[test]
fn yaml_definition_with_distributed_map_over_resources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dm.asl.yaml"),
        r#"QueryLanguage: JSONata
StartAt: Rows
States:
  Rows:
    Type: Map
    ItemReader:
      Resource: arn:aws:states:::s3:getObject
      Arguments:
        Bucket: "{% $states.input.bucket %}"
        Key: rows.csv
      ReaderConfig:
        InputType: CSV
        CSVHeaderLocation: FIRST_ROW
    ItemProcessor:
      ProcessorConfig:
        Mode: DISTRIBUTED
        ExecutionType: STANDARD
      StartAt: Double
      States:
        Double:
          Type: Pass
          Output: "{% $number($states.input.n) * 2 %}"
          End: true
    End: true
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("res.json"),
        r#"{"s3": {"b1": {"rows.csv": "n,name\n1,a\n2,b\n"}}}"#,
    )
    .unwrap();
    let o = aslint(
        dir.path(),
        &[
            "run",
            "dm.asl.yaml",
            "--input-json",
            "{\"bucket\": \"b1\"}",
            "--resources",
            "res.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["output"], serde_json::json!([2, 4]));
    // Child executions of a Distributed Map are not in the parent's states.
    assert_eq!(v["states"].as_array().map(Vec::len), Some(1));

    std::fs::write(dir.path().join("res.json"), "{\"s3\": ").unwrap();
    let o = aslint(
        dir.path(),
        &["run", "dm.asl.yaml", "--resources", "res.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the resources res.json is not valid JSON"),
        "{}",
        stderr(&o)
    );
}

fn report(test_case: &str, input: &str) -> Output {
    aslint(
        &root(),
        &[
            "run",
            "fixtures/sim/durations/report.asl.json",
            "--input-json",
            input,
            "--mock-config",
            "fixtures/sim/durations/report.mocks.json",
            "--test-case",
            test_case,
            "--format",
            "json",
        ],
    )
}

/// `(type, timestamp)` of every event.
fn timeline(v: &Value) -> Vec<(String, String)> {
    v["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or("").to_string(),
                e["timestamp"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn mocked_durations_time_tasks_out_on_the_virtual_clock() {
    let o = report(
        "WorkerCrashedOnce",
        r#"{"report": "monthly", "timeoutSeconds": 300}"#,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["status"], "SUCCEEDED");
    let t = timeline(&v);
    let at = |ty: &str| -> Vec<&str> {
        t.iter()
            .filter(|(k, _)| k == ty)
            .map(|(_, ts)| ts.as_str())
            .collect()
    };
    // The first attempt misses its 60 s heartbeat, the retry starts 10 s later and takes 240 s.
    assert_eq!(at("TaskTimedOut"), ["2025-01-01T00:01:00.000Z"]);
    assert_eq!(
        at("TaskStarted"),
        ["2025-01-01T00:00:00.000Z", "2025-01-01T00:01:10.000Z"]
    );
    assert_eq!(at("TaskSucceeded"), ["2025-01-01T00:05:10.000Z"]);
    assert_eq!(
        events_of(&v, "TaskTimedOut")[0]["taskTimedOutEventDetails"]["error"],
        "States.Timeout"
    );
    assert_eq!(v["output"]["at"], "2025-01-01T00:05:10.000Z");

    // A timeout the Retry does not handle (not a missed heartbeat) goes to the catcher, with an empty Cause.
    let o = report("TooSlow", r#"{"report": "monthly", "timeoutSeconds": 300}"#);
    let v = json_out(&o);
    assert_eq!(v["output"]["error"], "States.Timeout");
    assert_eq!(
        v["states"][1]["input"]["error"],
        serde_json::json!({"Error": "States.Timeout", "Cause": ""})
    );

    // A task running past the execution's TimeoutSeconds (3600 s) times the execution out at that instant.
    let o = report("Stuck", r#"{"report": "yearly", "timeoutSeconds": 7200}"#);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["status"], "TIMED_OUT");
    assert_eq!(v["error"], Value::Null);
    assert_eq!(
        timeline(&v).last().map(|(k, ts)| (k.as_str(), ts.as_str())),
        Some(("ExecutionTimedOut", "2025-01-01T01:00:00.000Z"))
    );
}

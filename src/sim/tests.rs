//! Unit tests of the interpreter on small definitions.

use super::*;
use crate::syntax::{self, SourceKind};
use serde_json::json;

fn run_json(def: &str, input: Value, mocks: Value) -> Execution {
    let parsed = syntax::parse(def, SourceKind::Json);
    let root = parsed.root.expect("test definition parses");
    let model = crate::model::build(&root);
    let opts = SimOptions {
        input,
        mocks: Mocks::from_inline_value(&mocks).expect("test mocks"),
        ..SimOptions::default()
    };
    run(&model, &opts)
}

#[test]
fn pass_chain_with_paths() {
    let e = run_json(
        r#"{"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Parameters": {"x.$": "$.v"}, "ResultPath": "$.r", "Next": "B"},
            "B": {"Type": "Pass", "OutputPath": "$.r", "End": true}}}"#,
        json!({"v": 1}),
        json!({}),
    );
    assert_eq!(e.status, Status::Succeeded);
    assert_eq!(e.output, Some(json!({"x": 1})));
    assert_eq!(e.states.len(), 2);
    assert_eq!(e.states[0].output, Some(json!({"v": 1, "r": {"x": 1}})));
}

fn run_opts(def: &str, opts: &SimOptions) -> Execution {
    let parsed = syntax::parse(def, SourceKind::Json);
    let root = parsed.root.expect("test definition parses");
    let model = crate::model::build(&root);
    run(&model, opts)
}

#[test]
fn endless_loop_stops_at_the_history_limit() {
    let e = run_json(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}"#,
        json!({}),
        json!({}),
    );
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error.as_deref(), Some("States.Runtime"));
    assert!(e.events.len() <= exec::MAX_EVENTS + 1, "{}", e.events.len());
}

#[test]
fn deep_nesting_fails_cleanly() {
    let mut def = r#"{"Type": "Pass", "End": true}"#.to_string();
    for _ in 0..60 {
        def = format!(
            r#"{{"Type": "Parallel", "Branches": [{{"StartAt": "P", "States": {{"P": {def}}}}}], "End": true}}"#
        );
    }
    let def = format!(r#"{{"StartAt": "P", "States": {{"P": {def}}}}}"#);
    let e = run_json(&def, json!({}), json!({}));
    assert_eq!(e.status, Status::Failed);
    assert!(e.cause.unwrap_or_default().contains("deep"));
}

#[test]
fn choice_path_operators_and_no_match() {
    let def = r#"{"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.a", "NumericLessThanPath": "$.b"}, {"Variable": "$.s", "StringMatches": "log-*.txt"}], "Next": "Yes"},
            {"Not": {"Variable": "$.t", "IsTimestamp": true}, "Next": "No"}
        ]},
        "Yes": {"Type": "Succeed"},
        "No": {"Type": "Pass", "Result": "no", "End": true}}}"#;
    let yes = run_json(def, json!({"a": 1, "b": 2.5, "s": "log-1.txt"}), json!({}));
    assert_eq!(
        yes.output,
        Some(json!({"a": 1, "b": 2.5, "s": "log-1.txt"}))
    );
    let no = run_json(def, json!({"a": 3, "b": 2, "s": "x", "t": 5}), json!({}));
    assert_eq!(no.output, Some(json!("no")));
    let none = run_json(
        def,
        json!({"a": 3, "b": 2, "s": "x", "t": "2024-01-01T00:00:00Z"}),
        json!({}),
    );
    assert_eq!(none.error.as_deref(), Some("States.NoChoiceMatched"));
}

#[test]
fn retry_backoff_caps_and_catch() {
    let def = r#"{"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 10, "BackoffRate": 3, "MaxAttempts": 3, "MaxDelaySeconds": 20}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "H"}], "End": true},
        "H": {"Type": "Pass", "End": true}}}"#;
    let boom = json!({"Throw": {"Error": "Boom", "Cause": "c"}});
    let e = run_json(def, json!({"k": 1}), json!({"T": [boom, boom, boom, boom]}));
    assert_eq!(e.status, Status::Succeeded);
    assert_eq!(
        e.output,
        Some(json!({"k": 1, "err": {"Error": "Boom", "Cause": "c"}}))
    );
    // 10 + 20 (capped from 30) + 20 (capped from 90) seconds.
    let last = last_event(&e);
    assert_eq!(last["timestamp"], "2025-01-01T00:00:50.000Z");
}

#[test]
fn jitter_is_seeded() {
    let def = r#"{"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100, "MaxAttempts": 1, "JitterStrategy": "FULL"}], "End": true}}}"#;
    let mocks = Mocks::from_inline_value(&json!({"T": [{"Throw": {"Error": "E"}}, {"Return": 1}]}))
        .unwrap();
    let at = |seed| {
        let e = run_opts(
            def,
            &SimOptions {
                seed,
                mocks: mocks.clone(),
                ..SimOptions::default()
            },
        );
        assert_eq!(e.status, Status::Succeeded);
        e.events.last().map(|v| v.timestamp)
    };
    assert_eq!(at(1), at(1));
    assert_ne!(at(1), at(2));
}

#[test]
fn global_timeout_and_data_limit() {
    let e = run_json(
        r#"{"TimeoutSeconds": 5, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}"#,
        json!({}),
        json!({}),
    );
    assert_eq!(e.status, Status::TimedOut);
    let big = "x".repeat(300_000);
    let e = run_json(
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#,
        json!({}),
        json!({"T": [{"Return": big}]}),
    );
    assert_eq!(e.error.as_deref(), Some("States.DataLimitExceeded"));
}

#[test]
fn variables_are_scoped_to_branches_and_visible_after_the_state() {
    let def = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Parameters": {"seen.$": "$x"}, "Next": "P"},
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {
            "B": {"Type": "Pass", "Assign": {"x": 2}, "Next": "B2"},
            "B2": {"Type": "Pass", "Parameters": {"inner.$": "$x"}, "End": true}}}],
          "Next": "C"},
        "C": {"Type": "Pass", "Parameters": {"outer.$": "$x", "branch.$": "$[0].inner"}, "End": true}}}"#;
    let e = run_json(def, json!({}), json!({}));
    // `$x` in A's own Parameters is not defined yet: Assign takes effect after the state.
    assert_eq!(e.status, Status::Failed, "{:?}", e.cause);
    let def = def.replace(r#", "Parameters": {"seen.$": "$x"}"#, "");
    let e = run_json(&def, json!({}), json!({}));
    assert_eq!(e.output, Some(json!({"outer": 1, "branch": 2})));
    assert_eq!(
        e.states[0].variables,
        Some(serde_json::Map::from_iter([("x".to_string(), json!(1))]))
    );
}

#[test]
fn map_items_selector_and_context() {
    let def = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.xs",
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "k.$": "$.k"},
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
    let e = run_json(def, json!({"xs": ["a", "b"], "k": 0}), json!({}));
    assert_eq!(
        e.output,
        Some(json!([{"v": "a", "i": 0, "k": 0}, {"v": "b", "i": 1, "k": 0}]))
    );
    assert_eq!(e.states.len(), 3);
}

#[test]
fn map_item_selector_sees_the_whole_context_with_map_last() {
    let def = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.xs",
        "ItemSelector": {"c.$": "$$"},
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
    let e = run_json(def, json!({"xs": [{"a": 1}, [2]]}), json!({}));
    let out = e.output.expect("the Map succeeds");
    let keys: Vec<&str> = out[1]["c"]
        .as_object()
        .expect("the context is an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["Execution", "State", "StateMachine", "Map"]);
    assert_eq!(
        out[0]["c"]["Map"],
        json!({"Item": {"Index": 0, "Value": {"a": 1}}})
    );
    assert_eq!(
        out[1]["c"]["Map"],
        json!({"Item": {"Index": 1, "Value": [2]}})
    );
    assert_eq!(out[1]["c"]["State"]["Name"], json!("M"));
}

#[test]
fn state_records_hold_each_input_also_when_the_state_fails() {
    let def = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.xs",
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "Next": "F"},
            "F": {"Type": "Fail", "Error": "E"}}}, "End": true}}}"#;
    let input = json!({"xs": [{"n": 7}, {"n": 8}]});
    let e = run_json(def, input.clone(), json!({}));
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error.as_deref(), Some("E"));
    let got: Vec<(&str, &Value, Option<&Value>)> = e
        .states
        .iter()
        .map(|s| (s.name.as_str(), &s.input, s.output.as_ref()))
        .collect();
    let item = json!({"n": 7});
    assert_eq!(
        got,
        [
            ("M", &input, None),
            ("I", &item, Some(&item)),
            ("F", &item, None)
        ]
    );
}

#[test]
fn wait_timestamp_moves_the_clock_and_fail_paths() {
    let def = r#"{"StartAt": "W", "States": {
        "W": {"Type": "Wait", "TimestampPath": "$.at", "Next": "F"},
        "F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('at {}', $$.State.EnteredTime)"}}}"#;
    let e = run_json(
        def,
        json!({"at": "2025-01-02T00:00:00Z", "e": "Late"}),
        json!({}),
    );
    assert_eq!(e.error.as_deref(), Some("Late"));
    assert_eq!(e.cause.as_deref(), Some("at 2025-01-02T00:00:00.000Z"));
    let e = run_json(def, json!({"at": "tomorrow", "e": "Late"}), json!({}));
    assert_eq!(e.error.as_deref(), Some("States.Runtime"));
}

#[test]
fn jsonata_states_data_flow() {
    let def = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"n": "{% $states.input.n + 1 %}"},
              "Assign": {"got": "{% $states.result.v %}"},
              "Output": {"in": "{% $states.input.n %}", "res": "{% $states.result.v %}"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput.Error %}", "Next": "Done"}],
              "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $got > 5 %}", "Next": "Done", "Output": "{% 'big ' & $got %}"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}}"#;
    let ok = run_json(def, json!({"n": 1}), json!({"T": [{"Return": {"v": 10}}]}));
    assert_eq!(ok.output, Some(json!("big 10")), "{:?}", ok.cause);
    assert_eq!(
        ok.states[0].variables.as_ref().and_then(|v| v.get("got")),
        Some(&json!(10))
    );
    let caught = run_json(
        def,
        json!({"n": 1}),
        json!({"T": [{"Throw": {"Error": "Boom"}}]}),
    );
    assert_eq!(caught.output, Some(json!("Boom")));
    let bad = run_json(
        r#"{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "Items": "{% 'x' %}",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#,
        json!({}),
        json!({}),
    );
    assert_eq!(bad.error.as_deref(), Some("States.QueryEvaluationError"));
    assert!(bad.cause.unwrap_or_default().contains("Expected 'array'"));
}

#[test]
fn loops_over_large_payloads_stop_at_the_memory_budget() {
    let big = "y".repeat(200_000);
    let e = run_json(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}"#,
        json!({ "big": big }),
        json!({}),
    );
    assert_eq!(e.error.as_deref(), Some("Sim.ResourceLimit"));
    assert!(e.states.len() < 1000, "{}", e.states.len());
}

/// The events of type `ty`, as JSON.
fn events_of(e: &Execution, ty: &str) -> Vec<Value> {
    e.events
        .iter()
        .filter(|v| v.type_name() == ty)
        .map(Event::to_json)
        .collect()
}

/// The first event of type `ty`, as JSON.
fn event_of(e: &Execution, ty: &str) -> Option<Value> {
    events_of(e, ty).into_iter().next()
}

/// The last event, as JSON.
fn last_event(e: &Execution) -> Value {
    e.events.last().map(Event::to_json).expect("events")
}

const SLOW_TASK: &str = r#"{"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 10,
          "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 1}],
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "Next": "Done"},
    "Caught": {"Type": "Pass", "Parameters": {"entered.$": "$$.State.EnteredTime", "err.$": "$.Error"}, "End": true},
    "Done": {"Type": "Pass", "Parameters": {"entered.$": "$$.State.EnteredTime"}, "End": true}}}"#;

fn slow_task(mocks: Value) -> Execution {
    run_json(SLOW_TASK, json!({}), mocks)
}

#[test]
fn a_mocked_duration_moves_the_clock() {
    let e = slow_task(json!({"T": [{"Return": 1, "DurationSeconds": 7.5}]}));
    assert_eq!(e.status, Status::Succeeded);
    assert_eq!(
        e.output,
        Some(json!({"entered": "2025-01-01T00:00:07.500Z"}))
    );
    let succeeded = event_of(&e, "TaskSucceeded").expect("TaskSucceeded");
    assert_eq!(succeeded["timestamp"], "2025-01-01T00:00:07.500Z");
    let started = event_of(&e, "TaskStarted").expect("TaskStarted");
    assert_eq!(started["timestamp"], "2025-01-01T00:00:00.000Z");
}

#[test]
fn a_task_longer_than_its_timeout_times_out_then_retries_then_is_caught() {
    let e = slow_task(
        json!({"T": [{"Return": 1, "DurationSeconds": 60}, {"Return": 2, "DurationSeconds": 11}]}),
    );
    assert_eq!(e.status, Status::Succeeded);
    // Attempt 1 times out at 10 s, the retry waits 2 s, attempt 2 times out at 22 s.
    assert_eq!(
        e.output,
        Some(json!({"entered": "2025-01-01T00:00:22.000Z", "err": "States.Timeout"}))
    );
    let timed_out = events_of(&e, "TaskTimedOut");
    assert_eq!(timed_out.len(), 2);
    assert_eq!(timed_out[0]["timestamp"], "2025-01-01T00:00:10.000Z");
    assert_eq!(timed_out[1]["timestamp"], "2025-01-01T00:00:22.000Z");
    assert_eq!(
        timed_out[0]["taskTimedOutEventDetails"],
        json!({"resource": "arn:aws:states:::lambda:invoke", "error": "States.Timeout", "cause": null})
    );
    assert!(event_of(&e, "TaskFailed").is_none());
}

#[test]
fn a_task_ending_exactly_at_its_timeout_completes() {
    let e = slow_task(json!({"T": [{"Return": 1, "DurationSeconds": 10}]}));
    assert_eq!(
        e.output,
        Some(json!({"entered": "2025-01-01T00:00:10.000Z"}))
    );
}

const HEARTBEAT_TASK: &str = r#"{"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "TimeoutSecondsPath": "$.timeout", "HeartbeatSeconds": 5,
          "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Heartbeat"},
                    {"ErrorEquals": ["States.Timeout"], "Next": "Timeout"}], "End": true},
    "Heartbeat": {"Type": "Pass", "Parameters": {"at.$": "$$.State.EnteredTime", "e.$": "$"}, "End": true},
    "Timeout": {"Type": "Pass", "Parameters": {"at.$": "$$.State.EnteredTime", "e.$": "$"}, "End": true}}}"#;

#[test]
fn heartbeats_and_timeouts() {
    let case = |mock: Value| {
        let e = run_json(HEARTBEAT_TASK, json!({"timeout": 30}), json!({"T": [mock]}));
        let last = e.states.last().map(|s| s.name.clone());
        (e.output, last)
    };
    let timeout_error = json!({"Error": "States.Timeout", "Cause": ""});
    // No heartbeats: the first one is missed after 5 s.
    assert_eq!(
        case(json!({"Return": 1, "DurationSeconds": 20})),
        (
            Some(json!({"at": "2025-01-01T00:00:05.000Z", "e": timeout_error})),
            Some("Heartbeat".to_string())
        )
    );
    // Heartbeats every 4 s keep it alive until TimeoutSecondsPath's 30 s.
    assert_eq!(
        case(json!({"Return": 1, "DurationSeconds": 40, "HeartbeatIntervalSeconds": 4})),
        (
            Some(json!({"at": "2025-01-01T00:00:30.000Z", "e": timeout_error})),
            Some("Timeout".to_string())
        )
    );
    // Heartbeats too far apart are missed.
    assert_eq!(
        case(json!({"Return": 1, "DurationSeconds": 40, "HeartbeatIntervalSeconds": 6})).1,
        Some("Heartbeat".to_string())
    );
    // Shorter than a heartbeat interval: no heartbeat needed.
    assert_eq!(
        case(json!({"Return": {"ok": true}, "DurationSeconds": 4})),
        (Some(json!({"ok": true})), Some("T".to_string()))
    );
}

#[test]
fn a_long_task_times_the_execution_out() {
    let e = run_json(
        r#"{"TimeoutSeconds": 60, "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#,
        json!({}),
        json!({"T": [{"Return": 1, "DurationSeconds": 3600}]}),
    );
    assert_eq!(e.status, Status::TimedOut);
    let last = last_event(&e);
    assert_eq!(last["type"], "ExecutionTimedOut");
    assert_eq!(last["timestamp"], "2025-01-01T00:01:00.000Z");
}

#[test]
fn jsonata_timeout_expression() {
    let e = run_json(
        r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "TimeoutSeconds": "{% $states.input.t %}", "End": true}}}"#,
        json!({"t": 3}),
        json!({"T": [{"Return": 1, "DurationSeconds": 4}]}),
    );
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error.as_deref(), Some("States.Timeout"));
    assert_eq!(e.cause, None);
    let t = event_of(&e, "TaskTimedOut").expect("TaskTimedOut");
    assert_eq!(t["timestamp"], "2025-01-01T00:00:03.000Z");
}

#[test]
fn a_mocked_timeout_is_written_as_a_timed_out_event() {
    let e = run_json(
        r#"{"StartAt": "L", "States": {
            "L": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f", "End": true}}}"#,
        json!({}),
        json!({"L": [{"Throw": {"Error": "States.Timeout"}}]}),
    );
    assert_eq!(e.error.as_deref(), Some("States.Timeout"));
    let t = event_of(&e, "LambdaFunctionTimedOut").expect("LambdaFunctionTimedOut");
    assert_eq!(
        t["lambdaFunctionTimedOutEventDetails"]["error"],
        "States.Timeout"
    );
}

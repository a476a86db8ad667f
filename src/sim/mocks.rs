//! Mocked Task responses: AWS Step Functions Local's `MockConfigFile` and an inline form.
//!
//! Both map a Task state name to a sequence of responses numbered by invocation (`"0"`, `"1-2"`, retries
//! included). States with the same name anywhere in the definition share one sequence, as in Step Functions Local.
//! `Return` is the task result as is: for a legacy Lambda function ARN the function's payload, for an
//! `arn:aws:states:::...` integration the whole result object of the service.
//!
//! aslint extension (both forms): a response may declare how long the task takes on the virtual clock,
//! `"DurationSeconds": 90`, and how often its worker sends heartbeats, `"HeartbeatIntervalSeconds": 30` (absent: no
//! heartbeats). Files without these members are exactly Step Functions Local's format; without them a task takes
//! no simulated time.

use crate::syntax::{self, Node, SourceKind, Span};
use serde_json::Value;
use std::collections::HashMap;

/// One mocked invocation result.
#[derive(Debug, Clone, PartialEq)]
pub enum MockResponse {
    Return(Value),
    Throw {
        error: Option<String>,
        cause: Option<String>,
    },
}

/// How long a mocked invocation takes on the virtual clock (an aslint extension of the mock formats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MockTiming {
    /// Milliseconds from the task's start to its response (`DurationSeconds`; default 0).
    pub duration_ms: i64,
    /// Milliseconds between the worker's heartbeats (`HeartbeatIntervalSeconds`); `None`: it sends none.
    pub heartbeat_interval_ms: Option<i64>,
}

/// Responses for invocations `from..=to` of a state.
#[derive(Debug, Clone, PartialEq)]
pub struct MockRule {
    pub from: u64,
    pub to: u64,
    pub response: MockResponse,
    pub timing: MockTiming,
}

/// Every mocked state of one test case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mocks {
    by_state: HashMap<String, Vec<MockRule>>,
}

/// A problem in a mock configuration, with the span of the offending part of the text when known.
#[derive(Debug, Clone, PartialEq)]
pub struct MockError {
    pub message: String,
    pub span: Option<Span>,
    pub help: Option<String>,
}

impl MockError {
    fn new(message: impl Into<String>, node: Option<&Node>) -> Self {
        MockError {
            message: message.into(),
            span: node.map(|n| n.span),
            help: None,
        }
    }
    fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
}

impl std::fmt::Display for MockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Mocks {
    /// No mocks at all.
    pub fn none() -> Self {
        Mocks::default()
    }

    /// True when no state is mocked.
    pub fn is_empty(&self) -> bool {
        self.by_state.is_empty()
    }

    /// True when `state` has a sequence.
    pub fn has_state(&self, state: &str) -> bool {
        self.by_state.contains_key(state)
    }

    /// The response for the `invocation`th (0-based) invocation of `state`.
    pub fn response(&self, state: &str, invocation: u64) -> Option<&MockResponse> {
        self.rule(state, invocation).map(|r| &r.response)
    }

    /// The rule (response and timing) for the `invocation`th (0-based) invocation of `state`.
    pub fn rule(&self, state: &str, invocation: u64) -> Option<&MockRule> {
        self.by_state
            .get(state)?
            .iter()
            .find(|r| r.from <= invocation && invocation <= r.to)
    }

    /// The inline form: `{"State": {"0": {"Return": ...}, "1-2": {"Throw": {...}}}}` (the oracle's `mocks`) or
    /// `{"State": [{"Return": ...}, {"Throw": {...}}]}` (one response per invocation).
    pub fn from_inline_value(v: &Value) -> Result<Mocks, String> {
        let Value::Object(states) = v else {
            return Err("the mocks must be an object keyed by Task state name".into());
        };
        let mut by_state = HashMap::new();
        for (name, seq) in states {
            let rules = match seq {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        rule_value(i as u64, i as u64, r)
                            .map_err(|e| format!("mock `{name}` #{i}: {e}"))
                    })
                    .collect::<Result<Vec<_>, String>>()?,
                Value::Object(o) => o
                    .iter()
                    .map(|(k, r)| {
                        let (from, to) = parse_range(k).ok_or_else(|| {
                            format!("mock `{name}`: `{k}` is not an invocation number or range like `1-2`")
                        })?;
                        rule_value(from, to, r).map_err(|e| format!("mock `{name}` `{k}`: {e}"))
                    })
                    .collect::<Result<Vec<_>, String>>()?,
                _ => return Err(format!("mock `{name}` must be an object or an array")),
            };
            by_state.insert(name.clone(), rules);
        }
        Ok(Mocks { by_state })
    }

    /// Reads a Step Functions Local `MockConfigFile` (JSON) and selects one test case. `state_machine` may be
    /// omitted when exactly one state machine has a test case of that name.
    pub fn from_config_text(
        text: &str,
        state_machine: Option<&str>,
        test_case: &str,
    ) -> Result<Mocks, MockError> {
        let parsed = syntax::parse(text, SourceKind::Json);
        if let Some(d) = parsed
            .diagnostics
            .iter()
            .find(|d| d.severity == crate::diagnostics::Severity::Error)
        {
            return Err(MockError {
                message: format!("the mock configuration is not valid JSON: {}", d.message),
                span: Some(d.span()),
                help: Some("fix the JSON syntax of the mock configuration file".into()),
            });
        }
        let Some(root) = parsed.root.as_ref() else {
            return Err(MockError::new("the mock configuration is empty", None));
        };
        if root.as_object().is_none() {
            return Err(
                MockError::new("the mock configuration must be a JSON object", Some(root))
                    .help("a MockConfigFile has `StateMachines` and `MockedResponses`"),
            );
        }
        let machines = root.get("StateMachines").ok_or_else(|| {
            MockError::new("the mock configuration has no `StateMachines`", Some(root))
                .help("add `\"StateMachines\": {\"<name>\": {\"TestCases\": {...}}}`")
        })?;
        let Some(machine_members) = machines.as_object() else {
            return Err(MockError::new(
                "`StateMachines` must be an object",
                Some(machines),
            ));
        };
        let responses = root.get("MockedResponses");
        if let Some(r) = responses.filter(|r| r.as_object().is_none()) {
            return Err(MockError::new(
                "`MockedResponses` must be an object",
                Some(r),
            ));
        }
        // The test case.
        let mut candidates = Vec::new();
        for m in machine_members {
            if state_machine.is_some_and(|s| s != m.key.text) {
                continue;
            }
            let case = m.value.get("TestCases").and_then(|t| t.member(test_case));
            if let Some(c) = case {
                candidates.push((m.key.text.as_str(), c));
            }
        }
        let (_, case) = match candidates.as_slice() {
            [one] => *one,
            [] => {
                let known: Vec<String> = machine_members
                    .iter()
                    .filter(|m| state_machine.is_none_or(|s| s == m.key.text))
                    .flat_map(|m| {
                        let sm = m.key.text.clone();
                        m.value
                            .get("TestCases")
                            .and_then(Node::as_object)
                            .unwrap_or(&[])
                            .iter()
                            .map(move |c| format!("{sm}/{}", c.key.text))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                let what = match state_machine {
                    Some(sm) if !machine_members.iter().any(|m| m.key.text == sm) => {
                        format!("the mock configuration has no state machine `{sm}`")
                    }
                    Some(sm) => format!("state machine `{sm}` has no test case `{test_case}`"),
                    None => format!("no state machine has a test case `{test_case}`"),
                };
                let help = if known.is_empty() {
                    "add the test case under `StateMachines.<name>.TestCases`".to_string()
                } else {
                    format!("known test cases: {}", known.join(", "))
                };
                return Err(MockError::new(what, Some(machines)).help(help));
            }
            many => {
                let names: Vec<&str> = many.iter().map(|(n, _)| *n).collect();
                return Err(MockError::new(
                    format!(
                        "test case `{test_case}` exists in several state machines: {}",
                        names.join(", ")
                    ),
                    Some(machines),
                )
                .help("choose one with --state-machine"));
            }
        };
        let Some(case_members) = case.value.as_object() else {
            return Err(MockError::new(
                format!("test case `{test_case}` must be an object mapping state names to mocked responses"),
                Some(&case.value),
            ));
        };
        let mut by_state = HashMap::new();
        for m in case_members {
            let Some(resp_name) = m.value.as_str() else {
                return Err(MockError::new(
                    format!("the mocked response of state `{}` must be the name of a MockedResponses entry", m.key.text),
                    Some(&m.value),
                ));
            };
            let Some(resp) = responses.and_then(|r| r.get(resp_name)) else {
                return Err(MockError::new(
                    format!("`MockedResponses` has no entry `{resp_name}`"),
                    Some(&m.value),
                )
                .help("add it under `MockedResponses`, or fix the name"));
            };
            let Some(entries) = resp.as_object() else {
                return Err(MockError::new(
                    format!("mocked response `{resp_name}` must be an object keyed by invocation numbers"),
                    Some(resp),
                ));
            };
            let mut rules = Vec::new();
            for e in entries {
                let Some((from, to)) = parse_range(&e.key.text) else {
                    return Err(MockError {
                        message: format!("`{}` is not an invocation number or range", e.key.text),
                        span: Some(e.key.span),
                        help: Some("use `\"0\"`, `\"1\"` or a range like `\"1-3\"`".into()),
                    });
                };
                let rule = rule_value(from, to, &e.value.to_json())
                    .map_err(|msg| MockError::new(msg, Some(&e.value)))?;
                rules.push(rule);
            }
            by_state.insert(m.key.text.clone(), rules);
        }
        Ok(Mocks { by_state })
    }
}

/// `"3"` or `"1-2"`.
fn parse_range(k: &str) -> Option<(u64, u64)> {
    match k.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => {
            let n = k.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

/// One response entry with its optional timing members.
fn rule_value(from: u64, to: u64, v: &Value) -> Result<MockRule, String> {
    let response = response_value(v)?;
    let seconds = |key: &str| -> Result<Option<i64>, String> {
        match v.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(s) if s.is_finite() && (0.0..=MAX_MOCK_SECONDS).contains(&s) => {
                    Ok(Some((s * 1000.0).round() as i64))
                }
                _ => Err(format!(
                    "`{key}` must be a number of seconds between 0 and {MAX_MOCK_SECONDS}, not {n}"
                )),
            },
            Some(other) => Err(format!("`{key}` must be a number of seconds, not {other}")),
        }
    };
    let [duration, interval] = TIMING_KEYS;
    let duration_ms = seconds(duration)?.unwrap_or(0);
    let heartbeat_interval_ms = seconds(interval)?;
    if heartbeat_interval_ms == Some(0) {
        return Err("`HeartbeatIntervalSeconds` must be greater than 0".into());
    }
    Ok(MockRule {
        from,
        to,
        response,
        timing: MockTiming {
            duration_ms,
            heartbeat_interval_ms,
        },
    })
}

/// The aslint extension members of a response entry.
const TIMING_KEYS: [&str; 2] = ["DurationSeconds", "HeartbeatIntervalSeconds"];

/// Longest simulated duration or heartbeat interval a mock may declare (a year and a day, beyond AWS's longest
/// execution).
const MAX_MOCK_SECONDS: f64 = 366.0 * 86_400.0;

fn response_value(v: &Value) -> Result<MockResponse, String> {
    let Value::Object(o) = v else {
        return Err("a mocked response must be an object with `Return` or `Throw`".into());
    };
    if let Some(t) = o.get("Throw") {
        let Value::Object(t) = t else {
            return Err("`Throw` must be an object with `Error` and `Cause`".into());
        };
        let text = |k: &str| -> Result<Option<String>, String> {
            match t.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Ok(Some(other.to_string())),
            }
        };
        return Ok(MockResponse::Throw {
            error: text("Error")?,
            cause: text("Cause")?,
        });
    }
    match o.get("Return") {
        Some(r) => Ok(MockResponse::Return(r.clone())),
        // AWS recorded no result: an empty Return.
        None if o.keys().all(|k| TIMING_KEYS.contains(&k.as_str())) => {
            Ok(MockResponse::Return(Value::Null))
        }
        None => Err("a mocked response must have `Return` or `Throw`".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CONFIG: &str = r#"{
  "StateMachines": {
    "Orders": {"TestCases": {"HappyPath": {"Charge": "ChargeOk"}, "Flaky": {"Charge": "ChargeFlaky"}}}
  },
  "MockedResponses": {
    "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"ok": true}}}},
    "ChargeFlaky": {"0-1": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "down"}}, "2": {"Return": 1}}
  }
}"#;

    #[test]
    fn config_file_ranges() {
        let m = Mocks::from_config_text(CONFIG, None, "Flaky").unwrap();
        assert!(
            matches!(m.response("Charge", 1), Some(MockResponse::Throw { error: Some(e), .. }) if e == "Lambda.ServiceException")
        );
        assert_eq!(
            m.response("Charge", 2),
            Some(&MockResponse::Return(json!(1)))
        );
        assert_eq!(m.response("Charge", 3), None);
        assert_eq!(m.response("Other", 0), None);
    }

    #[test]
    fn config_errors_have_positions() {
        let e = Mocks::from_config_text(CONFIG, None, "Nope").unwrap_err();
        assert!(e.message.contains("Nope"), "{}", e.message);
        assert!(e.help.as_deref().unwrap_or("").contains("Orders/HappyPath"));
        let e = Mocks::from_config_text(CONFIG, Some("Other"), "HappyPath").unwrap_err();
        assert!(e.message.contains("no state machine `Other`"));
        let e = Mocks::from_config_text("{\"StateMachines\": [}", None, "x").unwrap_err();
        assert!(e.span.is_some());
        let bad = CONFIG.replace("\"0\": {\"Return\"", "\"zero\": {\"Return\"");
        let e = Mocks::from_config_text(&bad, None, "HappyPath").unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(&bad[span.range()], "\"zero\"");
    }

    #[test]
    fn inline_forms() {
        let m = Mocks::from_inline_value(
            &json!({"A": [{"Return": 1}, {"Throw": {"Error": "E"}}], "B": {"0": {"Return": 2}}}),
        )
        .unwrap();
        assert_eq!(m.response("A", 0), Some(&MockResponse::Return(json!(1))));
        assert_eq!(
            m.response("A", 1),
            Some(&MockResponse::Throw {
                error: Some("E".into()),
                cause: None
            })
        );
        assert_eq!(m.response("B", 0), Some(&MockResponse::Return(json!(2))));
        assert!(Mocks::from_inline_value(&json!([1])).is_err());
        assert!(Mocks::from_inline_value(&json!({"A": {"x": {"Return": 1}}})).is_err());
    }

    #[test]
    fn timing_extension_in_both_forms() {
        let m = Mocks::from_inline_value(&json!({"A": [
            {"Return": 1, "DurationSeconds": 1.5, "HeartbeatIntervalSeconds": 2},
            {"Throw": {"Error": "E"}},
            {"DurationSeconds": 3}
        ]}))
        .unwrap();
        let timing = |n| m.rule("A", n).map(|r| r.timing);
        assert_eq!(
            timing(0),
            Some(MockTiming {
                duration_ms: 1500,
                heartbeat_interval_ms: Some(2000)
            })
        );
        assert_eq!(timing(1), Some(MockTiming::default()));
        assert_eq!(m.response("A", 2), Some(&MockResponse::Return(Value::Null)));
        assert_eq!(timing(2).map(|t| t.duration_ms), Some(3000));
        for bad in [
            json!({"A": [{"Return": 1, "DurationSeconds": -1}]}),
            json!({"A": [{"Return": 1, "DurationSeconds": "5"}]}),
            json!({"A": [{"Return": 1, "HeartbeatIntervalSeconds": 0}]}),
            json!({"A": [{"Return": 1, "DurationSeconds": 1e12}]}),
        ] {
            let e = Mocks::from_inline_value(&bad).unwrap_err();
            assert!(e.contains("Seconds"), "{e}");
        }
        let cfg = CONFIG.replace(
            r#""ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"ok": true}}}}"#,
            r#""ChargeOk": {"0": {"Return": 1, "DurationSeconds": 90}}"#,
        );
        let m = Mocks::from_config_text(&cfg, None, "HappyPath").unwrap();
        assert_eq!(
            m.rule("Charge", 0).map(|r| r.timing.duration_ms),
            Some(90_000)
        );
        let bad = cfg.replace("\"DurationSeconds\": 90", "\"DurationSeconds\": true");
        let e = Mocks::from_config_text(&bad, None, "HappyPath").unwrap_err();
        assert!(e.message.contains("DurationSeconds"), "{}", e.message);
        assert!(e.span.is_some());
    }
}

//! History events, typed while the simulator runs and serialized to the shape of AWS's `GetExecutionHistory`
//! (`{"id", "previousEventId", "timestamp", "type", "<type>EventDetails": {...}}`) only on output.
//!
//! Building a `serde_json` object per event (owned keys, nested maps) and dropping it again was about half of the
//! cost of a transition; an [`Event`] owns only the texts AWS puts in the details.

use super::time;
use crate::model::StateType;
use serde_json::{Map, Value};
use std::sync::Arc;

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// Milliseconds since the Unix epoch, on the virtual clock.
    pub timestamp: i64,
    pub kind: EventKind,
}

/// Which family of Task events a resource writes (`LambdaFunctionScheduled`, `ActivityScheduled`,
/// `TaskScheduled` ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    LambdaFunction,
    Activity,
    Task,
}

impl TaskKind {
    /// The kind of Task events `resource` writes.
    pub fn of(resource: &str) -> TaskKind {
        if resource.starts_with("arn:aws:lambda:")
            || resource.contains(":lambda:") && resource.contains(":function:")
        {
            TaskKind::LambdaFunction
        } else if resource.contains(":activity:") {
            TaskKind::Activity
        } else {
            TaskKind::Task
        }
    }

    fn prefixes(self) -> (&'static str, &'static str) {
        match self {
            TaskKind::LambdaFunction => ("LambdaFunction", "lambdaFunction"),
            TaskKind::Activity => ("Activity", "activity"),
            TaskKind::Task => ("Task", "task"),
        }
    }
}

/// How a Task invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskEnd {
    Failed,
    TimedOut,
}

/// The type of an event and the details AWS records with it. Payloads are JSON texts, as in AWS's history.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    ExecutionStarted {
        input: String,
        role_arn: Value,
    },
    ExecutionSucceeded {
        output: String,
    },
    ExecutionFailed {
        error: Option<String>,
        cause: Option<String>,
    },
    ExecutionTimedOut,
    StateEntered {
        state_type: StateType,
        name: Arc<str>,
        input: String,
    },
    StateExited {
        state_type: StateType,
        name: Arc<str>,
        output: String,
        /// `assignedVariables`: name and value as JSON text, in assignment order.
        assigned: Option<Vec<(String, String)>>,
    },
    TaskScheduled {
        task: TaskKind,
        resource: String,
        parameters: String,
    },
    TaskStarted {
        task: TaskKind,
        resource: String,
    },
    TaskSucceeded {
        task: TaskKind,
        resource: String,
        output: String,
    },
    /// `...Failed` or `...TimedOut`.
    TaskEnded {
        task: TaskKind,
        end: TaskEnd,
        resource: String,
        error: Option<String>,
        cause: Option<String>,
    },
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    MapStateStarted {
        length: usize,
    },
    MapIterationStarted {
        name: Arc<str>,
        index: usize,
    },
    MapIterationSucceeded {
        name: Arc<str>,
        index: usize,
    },
    MapIterationFailed {
        name: Arc<str>,
        index: usize,
    },
    MapStateSucceeded,
    MapStateFailed,
}

fn text(s: &str) -> Value {
    Value::String(s.to_string())
}

fn opt_text(s: &Option<String>) -> Value {
    s.as_deref().map_or(Value::Null, text)
}

/// An object from `(key, value)` pairs, in order.
fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map<String, Value>>(),
    )
}

impl EventKind {
    /// True for the `Execution*` events, which are written even when the history is full.
    pub fn is_execution(&self) -> bool {
        matches!(
            self,
            EventKind::ExecutionStarted { .. }
                | EventKind::ExecutionSucceeded { .. }
                | EventKind::ExecutionFailed { .. }
                | EventKind::ExecutionTimedOut
        )
    }

    /// AWS's event type (`PassStateEntered`, `TaskTimedOut` ...).
    pub fn type_name(&self) -> String {
        let simple = |s: &str| s.to_string();
        match self {
            EventKind::ExecutionStarted { .. } => simple("ExecutionStarted"),
            EventKind::ExecutionSucceeded { .. } => simple("ExecutionSucceeded"),
            EventKind::ExecutionFailed { .. } => simple("ExecutionFailed"),
            EventKind::ExecutionTimedOut => simple("ExecutionTimedOut"),
            EventKind::StateEntered { state_type, .. } => {
                format!("{}StateEntered", state_type.as_str())
            }
            EventKind::StateExited { state_type, .. } => {
                format!("{}StateExited", state_type.as_str())
            }
            EventKind::TaskScheduled { task, .. } => format!("{}Scheduled", task.prefixes().0),
            EventKind::TaskStarted { task, .. } => format!("{}Started", task.prefixes().0),
            EventKind::TaskSucceeded { task, .. } => format!("{}Succeeded", task.prefixes().0),
            EventKind::TaskEnded { task, end, .. } => {
                format!("{}{}", task.prefixes().0, end_name(*end))
            }
            EventKind::ParallelStateStarted => simple("ParallelStateStarted"),
            EventKind::ParallelStateSucceeded => simple("ParallelStateSucceeded"),
            EventKind::ParallelStateFailed => simple("ParallelStateFailed"),
            EventKind::MapStateStarted { .. } => simple("MapStateStarted"),
            EventKind::MapIterationStarted { .. } => simple("MapIterationStarted"),
            EventKind::MapIterationSucceeded { .. } => simple("MapIterationSucceeded"),
            EventKind::MapIterationFailed { .. } => simple("MapIterationFailed"),
            EventKind::MapStateSucceeded => simple("MapStateSucceeded"),
            EventKind::MapStateFailed => simple("MapStateFailed"),
        }
    }

    /// The member name of the details (`stateEnteredEventDetails`, `taskTimedOutEventDetails` ...).
    fn details_key(&self) -> String {
        match self {
            EventKind::StateEntered { .. } => "stateEnteredEventDetails".into(),
            EventKind::StateExited { .. } => "stateExitedEventDetails".into(),
            EventKind::TaskScheduled { task, .. } => {
                format!("{}ScheduledEventDetails", task.prefixes().1)
            }
            EventKind::TaskStarted { task, .. } => {
                format!("{}StartedEventDetails", task.prefixes().1)
            }
            EventKind::TaskSucceeded { task, .. } => {
                format!("{}SucceededEventDetails", task.prefixes().1)
            }
            EventKind::TaskEnded { task, end, .. } => {
                format!("{}{}EventDetails", task.prefixes().1, end_name(*end))
            }
            other => {
                let mut t = other.type_name();
                if let Some(first) = t.get_mut(0..1) {
                    first.make_ascii_lowercase();
                }
                t + "EventDetails"
            }
        }
    }

    /// The details object.
    fn details(&self) -> Value {
        match self {
            EventKind::ExecutionStarted { input, role_arn } => {
                object([("input", text(input)), ("roleArn", role_arn.clone())])
            }
            EventKind::ExecutionSucceeded { output } => object([("output", text(output))]),
            EventKind::ExecutionFailed { error, cause } => {
                object([("error", opt_text(error)), ("cause", opt_text(cause))])
            }
            EventKind::StateEntered { name, input, .. } => {
                object([("name", text(name)), ("input", text(input))])
            }
            EventKind::StateExited {
                name,
                output,
                assigned,
                ..
            } => {
                let mut d = object([("name", text(name)), ("output", text(output))]);
                if let (Some(a), Value::Object(m)) = (assigned, &mut d) {
                    let vars = a.iter().map(|(k, v)| (k.clone(), text(v))).collect();
                    m.insert("assignedVariables".into(), Value::Object(vars));
                }
                d
            }
            EventKind::TaskScheduled {
                resource,
                parameters,
                ..
            } => object([
                ("resource", text(resource)),
                ("parameters", text(parameters)),
            ]),
            EventKind::TaskStarted { resource, .. } => object([("resource", text(resource))]),
            EventKind::TaskSucceeded {
                resource, output, ..
            } => object([("resource", text(resource)), ("output", text(output))]),
            EventKind::TaskEnded {
                resource,
                error,
                cause,
                ..
            } => object([
                ("resource", text(resource)),
                ("error", opt_text(error)),
                ("cause", opt_text(cause)),
            ]),
            EventKind::MapStateStarted { length } => object([("length", Value::from(*length))]),
            EventKind::MapIterationStarted { name, index }
            | EventKind::MapIterationSucceeded { name, index }
            | EventKind::MapIterationFailed { name, index } => {
                object([("name", text(name)), ("index", Value::from(*index))])
            }
            EventKind::ExecutionTimedOut
            | EventKind::ParallelStateStarted
            | EventKind::ParallelStateSucceeded
            | EventKind::ParallelStateFailed
            | EventKind::MapStateSucceeded
            | EventKind::MapStateFailed => Value::Object(Map::new()),
        }
    }
}

fn end_name(end: TaskEnd) -> &'static str {
    match end {
        TaskEnd::Failed => "Failed",
        TaskEnd::TimedOut => "TimedOut",
    }
}

impl Event {
    /// AWS's event type (`PassStateEntered`, `TaskTimedOut` ...).
    pub fn type_name(&self) -> String {
        self.kind.type_name()
    }

    /// The event as `GetExecutionHistory` shows it: `{"id", "previousEventId", "timestamp", "type",
    /// "<type>EventDetails"}`.
    pub fn to_json(&self) -> Value {
        object([
            ("id", Value::from(self.id)),
            ("previousEventId", Value::from(self.previous_event_id)),
            (
                "timestamp",
                Value::String(time::format_millis(self.timestamp)),
            ),
            ("type", Value::String(self.kind.type_name())),
            (self.kind.details_key().as_str(), self.kind.details()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_serialize_in_the_shape_of_get_execution_history() {
        let e = Event {
            id: 5,
            previous_event_id: 4,
            timestamp: 1_735_689_600_500,
            kind: EventKind::TaskEnded {
                task: TaskKind::of("arn:aws:lambda:us-east-1:1:function:f"),
                end: TaskEnd::TimedOut,
                resource: "arn:aws:lambda:us-east-1:1:function:f".into(),
                error: Some("States.Timeout".into()),
                cause: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&e.to_json()).unwrap(),
            r#"{"id":5,"previousEventId":4,"timestamp":"2025-01-01T00:00:00.500Z","type":"LambdaFunctionTimedOut","lambdaFunctionTimedOutEventDetails":{"resource":"arn:aws:lambda:us-east-1:1:function:f","error":"States.Timeout","cause":null}}"#
        );
        let exited = EventKind::StateExited {
            state_type: StateType::Pass,
            name: "P".into(),
            output: "{}".into(),
            assigned: Some(vec![("x".into(), "1".into())]),
        };
        assert_eq!(exited.type_name(), "PassStateExited");
        assert_eq!(
            exited.details(),
            json!({"name": "P", "output": "{}", "assignedVariables": {"x": "1"}})
        );
        assert_eq!(
            EventKind::MapStateStarted { length: 2 }.details_key(),
            "mapStateStartedEventDetails"
        );
        assert_eq!(
            EventKind::ExecutionTimedOut.details_key(),
            "executionTimedOutEventDetails"
        );
        assert_eq!(
            TaskKind::of("arn:aws:states:::lambda:invoke"),
            TaskKind::Task
        );
        assert_eq!(
            TaskKind::of("arn:aws:states:us-east-1:1:activity:a"),
            TaskKind::Activity
        );
    }
}

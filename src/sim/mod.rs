//! The simulator: executes a state machine [model](crate::model) on a virtual clock, answering Task invocations
//! from [mocks](mocks::Mocks), with every expression evaluated by [`crate::expr`].
//!
//! Nothing sleeps: Wait states, retry back-off and timeouts move a virtual clock that starts at the context's
//! `Execution.StartTime`. Ids, UUIDs, `States.MathRandom` and retry jitter come from a seeded generator, so a run is
//! a pure function of the definition and [`SimOptions`]. The result has AWS's status, output, error and cause, the
//! list of states in entry order (with Map iterations and Parallel branches) and history events shaped like
//! `GetExecutionHistory`.

pub mod choice;
pub mod cli;
mod exec;
pub mod history;
pub mod items;
pub mod mocks;
pub mod testing;
pub mod time;

pub use history::{Event, EventKind};
pub use mocks::{MockError, MockResponse, Mocks};

use crate::model::Definition;
use serde_json::{json, Map, Value};

/// What to do when a Task state has no mocked response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unmocked {
    /// Fail the execution with an error naming the state (`Sim.UnmockedTask`).
    #[default]
    Fail,
    /// Return the Task's effective parameters as its result.
    Echo,
}

/// Everything a run depends on besides the definition.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// The execution input.
    pub input: Value,
    /// Values for the context object: `{"Execution": {Id, Name, RoleArn, StartTime, RedriveCount},
    /// "StateMachine": {Id, Name}}`; missing members get deterministic defaults. `Execution.StartTime` starts the
    /// virtual clock (default `2025-01-01T00:00:00.000Z`).
    pub context: Value,
    pub mocks: Mocks,
    /// Objects for ItemReader: `{"s3": {"<bucket>": {"<key>": "<object text>"}}}`.
    pub resources: Value,
    /// Seeds UUIDs, random numbers and retry jitter.
    pub seed: u64,
    pub unmocked: Unmocked,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            input: Value::Object(Map::new()),
            context: Value::Null,
            mocks: Mocks::none(),
            resources: Value::Null,
            seed: 0,
            unmocked: Unmocked::Fail,
        }
    }
}

/// How an execution ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// One state the execution entered.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRecord {
    pub name: String,
    /// `Task`, `Pass`, ...
    pub state_type: &'static str,
    /// The input as entered.
    pub input: Value,
    /// The output as exited; `None` when the state failed.
    pub output: Option<Value>,
    /// Variables assigned by the state's `Assign`, when any.
    pub variables: Option<Map<String, Value>>,
    /// The edge the state left by (`None` when it ended its scope or failed without a matching catcher).
    pub transition: Option<Transition>,
}

/// Which kind of edge a state left by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// The state's `Next` (also a Task, Parallel or Map that succeeded after retries).
    Next,
    /// The Choice rule at this index of `Choices` (0-based) matched.
    ChoiceRule(usize),
    /// No Choice rule matched; the state's `Default`.
    Default,
    /// The catcher at this index of `Catch` (0-based) handled an error.
    Catch(usize),
}

/// A transition out of a state: the edge kind and the state entered next.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transition {
    pub via: Via,
    pub to: String,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Execution {
    pub status: Status,
    /// The execution output (when it succeeded).
    pub output: Option<Value>,
    /// Error and cause (when it did not succeed; `None` when AWS would report none).
    pub error: Option<String>,
    pub cause: Option<String>,
    /// States in entry order, nested iterations and branches included (Distributed Map child executions are not).
    pub states: Vec<StateRecord>,
    /// History events ([`Event::to_json`] gives `{"id", "previousEventId", "timestamp", "type",
    /// "<type>EventDetails"}`).
    pub events: Vec<Event>,
    /// Side effects that are not Task calls (Distributed Map `ResultWriter` writes).
    pub effects: Vec<Value>,
}

impl Execution {
    /// The history events in the shape of `GetExecutionHistory`.
    pub fn events_json(&self) -> Vec<Value> {
        self.events.iter().map(Event::to_json).collect()
    }

    /// The result as JSON: `{"status", "output", "error", "cause", "states": [...], "events": [...]}`.
    pub fn to_json(&self) -> Value {
        let states: Vec<Value> = self
            .states
            .iter()
            .map(|s| {
                json!({
                    "name": s.name,
                    "type": s.state_type,
                    "input": s.input,
                    "output": s.output,
                    "variables": s.variables,
                })
            })
            .collect();
        json!({
            "status": self.status.as_str(),
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
            "states": states,
            "events": self.events_json(),
            "effects": self.effects,
        })
    }
}

/// Runs a definition. Never panics; a definition the linter would reject fails at run time with `States.Runtime`
/// where AWS could not have run it.
pub fn run(def: &Definition<'_>, options: &SimOptions) -> Execution {
    exec::run(def, options)
}

#[cfg(test)]
mod tests;

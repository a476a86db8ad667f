//! The interpreter proper (see the module docs of [`super`]).

use super::history::{Event, EventKind, TaskEnd, TaskKind};
use super::items::{self, ReaderOptions};
use super::mocks::{MockResponse, MockTiming};
use super::{choice, time, Execution, SimOptions, StateRecord, Status, Transition, Unmocked, Via};
use crate::expr::jsonata_eval::{self, JsonataEnv};
use crate::expr::jsonpath::{set, Env, Path, Query};
use crate::expr::{self, RandomSource, SplitMix64, Template};
use crate::model::{
    Catcher, Definition, Field, PathOrNull, QueryLanguage, Retrier, Scope, State, StateType,
};
use crate::syntax::Node;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// AWS's limit of history events per execution.
pub const MAX_EVENTS: usize = 25_000;
/// AWS's payload limit (256 KiB).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// State transitions over the whole run, Distributed Map children included (guards against runaway loops in
/// children, whose events are not counted against the parent's history).
const MAX_STEPS: usize = 250_000;
/// Deepest nesting of Parallel/Map scopes executed (keeps recursion far from the stack limit).
const MAX_NESTING: usize = 40;
/// Longest delay a Wait state accepts, in seconds (AWS: "Wait state delay is too long").
const MAX_WAIT_SECONDS: i64 = i32::MAX as i64;
const DEFAULT_START: &str = "2025-01-01T00:00:00.000Z";
/// Most payload bytes the run records (state inputs and outputs, in events and the states list). AWS keeps any
/// history; a simulator holding it in memory needs a bound, or a loop over a large payload would exhaust memory.
pub const MAX_RECORDED_BYTES: usize = 128 * 1024 * 1024;

/// An error and cause as AWS reports them (`None`: AWS reports none).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub error: Option<String>,
    pub cause: Option<String>,
    /// A `States.Timeout` raised because the task sent no heartbeat in time (also matched by
    /// `States.HeartbeatTimeout` in `ErrorEquals`).
    pub heartbeat: bool,
}

impl Failure {
    fn new(error: Option<String>, cause: Option<String>) -> Self {
        Failure {
            error,
            cause,
            heartbeat: false,
        }
    }
}

#[derive(Debug)]
enum Halt {
    Failed(Failure),
    TimedOut,
}

fn fail(error: &str, cause: impl Into<String>) -> Halt {
    Halt::Failed(Failure::new(Some(error.to_string()), Some(cause.into())))
}

/// Errors no Retry or Catch can handle (AWS does not catch `States.Runtime` even when named).
fn uncatchable(error: &str) -> bool {
    matches!(
        error,
        "States.Runtime" | "Sim.UnmockedTask" | "Sim.Unsupported" | "Sim.ResourceLimit"
    )
}

/// The state being executed, for causes ("... the state 'X' (entered at the event id #2). ...").
struct StateCtx<'s> {
    name: &'s str,
    /// The same name, shared by the state's history events.
    shared_name: &'s Arc<str>,
    entered_id: u64,
    entered_at: i64,
    /// Whether the state's fields can read `$$.Execution` (see [`reads_execution`]); when they cannot, the
    /// context object is built without it.
    reads_execution: bool,
    /// Whether the state's fields can read the context object at all (see [`reads_context`]).
    reads_context: bool,
}

impl StateCtx<'_> {
    fn err(&self, error: &str, cause: impl std::fmt::Display) -> Halt {
        fail(
            error,
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {cause}",
                self.name, self.entered_id
            ),
        )
    }
    fn eval_err(&self, e: expr::EvalError) -> Halt {
        self.err(e.error, e.cause)
    }
}

/// What every state handler works on: the state, its input, the variables and frame it runs in.
#[derive(Clone, Copy)]
struct At<'a> {
    sc: &'a StateCtx<'a>,
    state: &'a State<'a>,
    input: &'a Value,
    vars: &'a Map<String, Value>,
    frame: &'a Frame,
}

impl<'a> At<'a> {
    /// The state context, state, input, variables and frame.
    #[allow(clippy::type_complexity)]
    fn parts(
        self,
    ) -> (
        &'a StateCtx<'a>,
        &'a State<'a>,
        &'a Value,
        &'a Map<String, Value>,
        &'a Frame,
    ) {
        (self.sc, self.state, self.input, self.vars, self.frame)
    }
}

/// What a Map state's numeric fields are read from: the effective input and context (`...Path` forms), `$states`
/// (JSONata) and the variables.
struct FieldEnv<'a> {
    effective: &'a Value,
    ctx: &'a Value,
    jst: &'a Value,
    vars: &'a Map<String, Value>,
    jsonata: bool,
}

/// Per-scope context extras: the Map item of an iteration.
#[derive(Clone, Default)]
struct Frame {
    map_item: Option<Value>,
}

/// What a state produced.
struct StepOut {
    output: Value,
    next: Option<String>,
    assigned: Option<Map<String, Value>>,
    /// Which edge `next` is (a Choice rule, Default, a catcher, or the state's Next).
    via: Via,
}

impl StepOut {
    /// A step that leaves by the state's `Next` (or ends its scope when `next` is `None`).
    fn to_next(output: Value, next: Option<String>, assigned: Option<Map<String, Value>>) -> Self {
        StepOut {
            output,
            next,
            assigned,
            via: Via::Next,
        }
    }
}

struct Sim<'o> {
    opts: &'o SimOptions,
    clock: i64,
    deadline: Option<i64>,
    rng: SplitMix64,
    events: Vec<Event>,
    event_ids: u64,
    states: Vec<StateRecord>,
    effects: Vec<Value>,
    /// False inside Distributed Map child executions (not in the parent's history).
    record: bool,
    invocations: HashMap<String, u64>,
    steps: usize,
    /// Set when the history reached [`MAX_EVENTS`]; the run then fails at the next transition.
    overflow: bool,
    /// Payload bytes recorded so far (see [`MAX_RECORDED_BYTES`]).
    recorded_bytes: usize,
    execution: Value,
    state_machine: Value,
    /// [`reads_context`], [`reads_execution`] and the name shared by the state's events, per state, by the address
    /// of its node, computed once per state.
    reads: HashMap<usize, (bool, bool, Arc<str>)>,
    /// Payload templates compiled once, by the address of their node in the definition.
    templates: HashMap<usize, Template>,
    /// The last timestamp formatted (the clock rarely moves between events).
    last_stamp: (i64, String),
    /// Paths (Choice rules, InputPath, OutputPath, ResultPath, `*Path` fields), parsed once.
    paths: choice::PathCache,
}

/// Whether a state's fields can read the context's `Execution` member: some text mentions `Execution`, or takes
/// the context whole or by a computed member (`$$` or `$states.context` not followed by `.name`). Building
/// `Execution` clones the execution input, which in a loop or a Map over a large input costs more than the rest of
/// the state; states that cannot observe it skip it.
fn reads_execution(node: &Node, depth: usize) -> bool {
    any_text(node, depth, &text_reads_execution)
}

/// Whether a state's fields can read the context object at all (some text mentions `$$` or `$states`); the
/// others get no context object.
fn reads_context(node: &Node) -> bool {
    any_text(node, 0, &|s: &str| {
        s.contains("$$") || s.contains("$states")
    })
}

/// Whether some string or member name under `node` satisfies `reads` (true beyond the nesting limit).
fn any_text(node: &Node, depth: usize, reads: &dyn Fn(&str) -> bool) -> bool {
    if depth > crate::syntax::MAX_DEPTH {
        return true;
    }
    match &node.value {
        crate::syntax::Value::String(s) => reads(s),
        crate::syntax::Value::Array(a) => a.iter().any(|n| any_text(n, depth + 1, reads)),
        crate::syntax::Value::Object(m) => m
            .iter()
            .any(|m| reads(&m.key.text) || any_text(&m.value, depth + 1, reads)),
        crate::syntax::Value::Tagged { value, .. } => any_text(value, depth + 1, reads),
        _ => false,
    }
}

fn text_reads_execution(s: &str) -> bool {
    if s.contains("Execution") {
        return true;
    }
    ["$$", "$states.context"].iter().any(|pat| {
        s.match_indices(pat).any(|(i, m)| {
            let rest = s.get(i + m.len()..).unwrap_or("");
            let mut chars = rest.chars();
            !(chars.next() == Some('.') && chars.next().is_some_and(|c| c.is_ascii_alphabetic()))
        })
    })
}

pub(super) fn run(def: &Definition<'_>, opts: &SimOptions) -> Execution {
    let mut rng = SplitMix64(opts.seed ^ 0x51_4D_55_4C_41_54_45);
    let exec_ctx = opts.context.get("Execution");
    let start_text = exec_ctx
        .and_then(|e| e.get("StartTime"))
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_START);
    let clock = time::parse_millis(start_text)
        .or_else(|| time::parse_millis(DEFAULT_START))
        .unwrap_or(0);
    let exec_name = uuid(&mut rng);
    let sm_default = json!({
        "Id": "arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine",
        "Name": "StateMachine",
    });
    let mut execution = json!({
        "Id": format!("arn:aws:states:us-east-1:123456789012:execution:StateMachine:{exec_name}"),
        "Input": opts.input,
        "Name": exec_name,
        "RoleArn": "arn:aws:iam::123456789012:role/StepFunctions-ExecutionRole",
        "StartTime": time::format_millis(clock),
        "RedriveCount": 0,
    });
    merge(&mut execution, exec_ctx);
    if let Some(o) = execution.as_object_mut() {
        o.insert("Input".into(), opts.input.clone());
    }
    let mut state_machine = sm_default;
    merge(&mut state_machine, opts.context.get("StateMachine"));
    let deadline = def
        .timeout_seconds
        .as_ref()
        .and_then(|t| t.value)
        .filter(|t| *t > 0)
        .map(|t| clock.saturating_add(t.saturating_mul(1000)));
    let mut sim = Sim {
        opts,
        clock,
        deadline,
        rng,
        events: Vec::new(),
        event_ids: 0,
        states: Vec::new(),
        effects: Vec::new(),
        record: true,
        invocations: HashMap::new(),
        steps: 0,
        overflow: false,
        recorded_bytes: 0,
        execution,
        state_machine,
        reads: HashMap::new(),
        templates: HashMap::new(),
        last_stamp: (clock, time::format_millis(clock)),
        paths: choice::PathCache::default(),
    };
    let role = sim.execution.get("RoleArn").cloned().unwrap_or(Value::Null);
    sim.event(EventKind::ExecutionStarted {
        input: to_text(&opts.input),
        role_arn: role,
    });
    let mut vars = Map::new();
    let result = if to_text(&opts.input).len() > MAX_PAYLOAD_BYTES {
        Err(fail(
            "States.DataLimitExceeded",
            "The execution input exceeds the maximum number of bytes service limit.",
        ))
    } else {
        sim.run_scope(
            &def.scope,
            opts.input.clone(),
            &mut vars,
            &Frame::default(),
            0,
        )
    };
    let (status, output, error, cause) = match result {
        Ok(out) => {
            sim.event(EventKind::ExecutionSucceeded {
                output: to_text(&out),
            });
            (Status::Succeeded, Some(out), None, None)
        }
        Err(Halt::Failed(f)) => {
            sim.event(EventKind::ExecutionFailed {
                error: f.error.clone(),
                cause: f.cause.clone(),
            });
            (Status::Failed, None, f.error, f.cause)
        }
        Err(Halt::TimedOut) => {
            sim.event(EventKind::ExecutionTimedOut);
            (Status::TimedOut, None, None, None)
        }
    };
    Execution {
        status,
        output,
        error,
        cause,
        states: sim.states,
        events: sim.events,
        effects: sim.effects,
    }
}

fn merge(target: &mut Value, from: Option<&Value>) {
    if let (Value::Object(t), Some(Value::Object(f))) = (target, from) {
        for (k, v) in f {
            t.insert(k.clone(), v.clone());
        }
    }
}

fn to_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn uuid(rng: &mut dyn RandomSource) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

fn state_next(state: &State<'_>) -> Option<String> {
    if state.end.as_ref().and_then(|e| e.value) == Some(true) {
        return None;
    }
    state
        .next
        .as_ref()
        .and_then(|n| n.value)
        .map(str::to_string)
}

impl Sim<'_> {
    /// `time::format_millis(ms)`, reusing the last text when the clock has not moved.
    fn stamp(&mut self, ms: i64) -> String {
        if self.last_stamp.0 != ms {
            self.last_stamp = (ms, time::format_millis(ms));
        }
        self.last_stamp.1.clone()
    }

    fn event(&mut self, kind: EventKind) -> u64 {
        self.event_ids += 1;
        let id = self.event_ids;
        if self.record && self.events.len() >= MAX_EVENTS && !kind.is_execution() {
            self.overflow = true;
        } else if self.record {
            self.events.push(Event {
                id,
                previous_event_id: id - 1,
                timestamp: self.clock,
                kind,
            });
        }
        id
    }

    /// Moves the virtual clock; past the execution's `TimeoutSeconds` the clock stops at that instant and the
    /// execution times out.
    fn advance(&mut self, ms: i64) -> Result<(), Halt> {
        self.clock = self.clock.saturating_add(ms.max(0));
        match self.deadline {
            Some(d) if self.clock > d => {
                self.clock = d;
                Err(Halt::TimedOut)
            }
            _ => Ok(()),
        }
    }

    /// The context object for a state.
    fn context(
        &mut self,
        sc: &StateCtx<'_>,
        frame: &Frame,
        retry_count: Option<u64>,
        token: bool,
    ) -> Value {
        if !sc.reads_context {
            // Nothing can observe it; the token still draws from the seeded generator, so that the values drawn
            // after it do not depend on whether the state reads the context.
            if token {
                uuid(&mut self.rng);
            }
            return Value::Null;
        }
        let mut state = Map::new();
        state.insert(
            "EnteredTime".into(),
            Value::String(self.stamp(sc.entered_at)),
        );
        state.insert("Name".into(), Value::String(sc.name.to_string()));
        if let Some(r) = retry_count {
            state.insert("RetryCount".into(), Value::from(r));
        }
        let mut c = Map::new();
        if sc.reads_execution {
            c.insert("Execution".into(), self.execution.clone());
        }
        c.insert("State".into(), Value::Object(state));
        c.insert("StateMachine".into(), self.state_machine.clone());
        if token {
            let t = uuid(&mut self.rng);
            c.insert("Task".into(), json!({ "Token": t }));
        }
        if let Some(item) = &frame.map_item {
            c.insert("Map".into(), json!({ "Item": item }));
        }
        Value::Object(c)
    }

    fn run_scope(
        &mut self,
        scope: &Scope<'_>,
        input: Value,
        vars: &mut Map<String, Value>,
        frame: &Frame,
        depth: usize,
    ) -> Result<Value, Halt> {
        if depth > MAX_NESTING {
            return Err(fail(
                "States.Runtime",
                format!(
                    "The definition nests Parallel and Map states more than {MAX_NESTING} deep"
                ),
            ));
        }
        // Borrowed from the definition for the first state (a Map enters its StartAt once per item).
        let Some(mut name) = scope
            .start_at
            .as_ref()
            .and_then(|s| s.value)
            .map(Cow::Borrowed)
        else {
            return Err(fail("States.Runtime", "The scope has no valid StartAt"));
        };
        let mut data = input;
        loop {
            self.steps += 1;
            if self.steps > MAX_STEPS || self.overflow {
                return Err(fail(
                    "States.Runtime",
                    format!(
                        "The execution reached the maximum number of history events ({MAX_EVENTS})"
                    ),
                ));
            }
            let Some(state) = scope.states.iter().find(|s| s.name.text == *name) else {
                return Err(fail(
                    "States.Runtime",
                    format!("The state '{name}' does not exist"),
                ));
            };
            let (out, next) = self.run_state(state, data, vars, frame, depth)?;
            match next {
                Some(n) => {
                    name = Cow::Owned(n);
                    data = out;
                }
                None => return Ok(out),
            }
        }
    }

    fn run_state(
        &mut self,
        state: &State<'_>,
        input: Value,
        vars: &mut Map<String, Value>,
        frame: &Frame,
        depth: usize,
    ) -> Result<(Value, Option<String>), Halt> {
        let name = state.name.text.as_str();
        let Some(ty) = state.state_type() else {
            return Err(fail(
                "States.Runtime",
                format!("The state '{name}' has no valid Type"),
            ));
        };
        let input_text = to_text(&input);
        self.recorded_bytes = self.recorded_bytes.saturating_add(input_text.len() * 2);
        if self.recorded_bytes > MAX_RECORDED_BYTES {
            return Err(fail(
                "Sim.ResourceLimit",
                format!("The execution recorded more than {MAX_RECORDED_BYTES} bytes of state inputs and outputs; the simulator stops here"),
            ));
        }
        let (reads_context, reads_execution, shared_name) = self
            .reads
            .entry(state.node as *const Node as usize)
            .or_insert_with(|| {
                (
                    reads_context(state.node),
                    reads_execution(state.node, 0),
                    Arc::from(name),
                )
            })
            .clone();
        let entered_id = self.event(EventKind::StateEntered {
            state_type: ty,
            name: shared_name.clone(),
            input: input_text,
        });
        let record_index = self.record.then(|| {
            self.states.push(StateRecord {
                name: name.to_string(),
                state_type: ty.as_str(),
                // Filled in after the step (moved, not copied): the step reads the input by reference.
                input: Value::Null,
                output: None,
                variables: None,
                transition: None,
            });
            self.states.len() - 1
        });
        let sc = StateCtx {
            name,
            shared_name: &shared_name,
            entered_id,
            entered_at: self.clock,
            reads_context,
            reads_execution,
        };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let at = At {
            sc: &sc,
            state,
            input: &input,
            vars,
            frame,
        };
        let step = self.step(at, ty, jsonata, depth);
        if let Some(rec) = record_index.and_then(|i| self.states.get_mut(i)) {
            rec.input = input;
        }
        let step = step?;
        let output_text = to_text(&step.output);
        self.recorded_bytes = self.recorded_bytes.saturating_add(output_text.len() * 2);
        if output_text.len() > MAX_PAYLOAD_BYTES {
            return Err(fail(
                "States.DataLimitExceeded",
                format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."),
            ));
        }
        let assigned = step.assigned.as_ref().map(|a| {
            for (k, v) in a {
                vars.insert(k.clone(), v.clone());
            }
            a.iter().map(|(k, v)| (k.clone(), to_text(v))).collect()
        });
        self.event(EventKind::StateExited {
            state_type: ty,
            name: shared_name.clone(),
            output: output_text,
            assigned,
        });
        if let Some(rec) = record_index.and_then(|i| self.states.get_mut(i)) {
            rec.output = Some(step.output.clone());
            rec.variables = step.assigned;
            rec.transition = step.next.as_ref().map(|to| Transition {
                via: step.via,
                to: to.clone(),
            });
        }
        Ok((step.output, step.next))
    }

    /// Runs the state's own semantics (the part between its entered and exited events).
    fn step(
        &mut self,
        at: At<'_>,
        ty: StateType,
        jsonata: bool,
        depth: usize,
    ) -> Result<StepOut, Halt> {
        match ty {
            StateType::Pass | StateType::Succeed if jsonata => self.j_simple(at, ty),
            StateType::Fail if jsonata => Err(self.j_fail(at)),
            StateType::Choice if jsonata => self.j_choice(at),
            StateType::Wait if jsonata => self.j_wait(at),
            StateType::Pass => self.pass(at),
            StateType::Succeed => self.succeed(at),
            StateType::Fail => Err(self.fail_state(at)),
            StateType::Choice => self.choice(at),
            StateType::Wait => self.wait(at),
            StateType::Task | StateType::Parallel | StateType::Map => {
                self.with_retry(at, depth, ty)
            }
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Paths and templates

    /// InputPath or OutputPath over `data`: absent, `data` itself (borrowed, not copied).
    fn path_field<'d>(
        &mut self,
        sc: &StateCtx<'_>,
        field: Option<PathOrNull<'_>>,
        data: &'d Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Cow<'d, Value>, Halt> {
        match field {
            None => Ok(Cow::Borrowed(data)),
            Some(PathOrNull::Null) => Ok(Cow::Owned(Value::Object(Map::new()))),
            Some(PathOrNull::Path(text)) => {
                let p = self.path(sc, text)?;
                let env = Env {
                    input: data,
                    context: Some(ctx),
                    variables: Some(vars),
                };
                p.query(&env)
                    .into_value()
                    .map(Cow::Owned)
                    .ok_or_else(|| sc.eval_err(expr::path_field_not_found(text, p)))
            }
        }
    }

    fn input_path<'d>(
        &mut self,
        sc: &StateCtx<'_>,
        state: &State<'_>,
        data: &'d Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Cow<'d, Value>, Halt> {
        let f = state.input_path.as_ref().and_then(|f| f.value);
        self.path_field(sc, f, data, ctx, vars)
    }

    /// OutputPath over the state's result `data` (moved through when there is no OutputPath).
    fn output_path(
        &mut self,
        sc: &StateCtx<'_>,
        state: &State<'_>,
        data: Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Value, Halt> {
        match state.output_path.as_ref().and_then(|f| f.value) {
            None => Ok(data),
            f => Ok(self.path_field(sc, f, &data, ctx, vars)?.into_owned()),
        }
    }

    fn result_path(
        &mut self,
        sc: &StateCtx<'_>,
        field: Option<PathOrNull<'_>>,
        raw_input: &Value,
        result: Value,
    ) -> Result<Value, Halt> {
        match field {
            None => Ok(result),
            Some(PathOrNull::Null) => Ok(raw_input.clone()),
            Some(PathOrNull::Path(text)) => {
                let p = self.path(sc, text)?;
                let mut out = raw_input.clone();
                set(&mut out, p, result).map_err(|_| {
                    sc.err(
                        "States.ResultPathMatchFailure",
                        format!(
                            "Unable to apply ResultPath \"{text}\" to input \"{}\"",
                            to_text(raw_input)
                        ),
                    )
                })?;
                Ok(out)
            }
        }
    }

    fn template(
        &mut self,
        sc: &StateCtx<'_>,
        node: &Node,
        input: &Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Value, Halt> {
        let env = Env {
            input,
            context: Some(ctx),
            variables: Some(vars),
        };
        // Compiled once per template node of the definition (the node outlives the run, so its address is a
        // stable key).
        let template = self
            .templates
            .entry(node as *const Node as usize)
            .or_insert_with(|| Template::compile(&node.to_json()));
        template
            .eval(&env, &mut self.rng)
            .map_err(|e| sc.eval_err(e))
    }

    fn assign(
        &mut self,
        sc: &StateCtx<'_>,
        node: Option<&Node>,
        input: &Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Option<Map<String, Value>>, Halt> {
        let Some(node) = node else { return Ok(None) };
        match self.template(sc, node, input, ctx, vars)? {
            Value::Object(m) => Ok(Some(m)),
            _ => Err(sc.err("States.Runtime", "The value of Assign must be an object")),
        }
    }

    /// A path field's text parsed, once per run (`States.Runtime` when it is not a valid path).
    fn path(&mut self, sc: &StateCtx<'_>, text: &str) -> Result<&Path, Halt> {
        self.paths
            .get(text)
            .map_err(|c| sc.err("States.Runtime", c))
    }

    /// A `*Path` field read for a value (SecondsPath, TimestampPath, MaxConcurrencyPath ...).
    fn read_path(
        &mut self,
        text: &str,
        data: &Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Option<Value>, String> {
        let p = self.paths.get(text)?;
        let env = Env {
            input: data,
            context: Some(ctx),
            variables: Some(vars),
        };
        Ok(match p.query(&env) {
            Query::NotFound => None,
            q => q.into_value(),
        })
    }

    // -----------------------------------------------------------------------------------------------------------
    // Simple states

    fn pass(&mut self, at: At<'_>) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let effective = self.input_path(sc, state, input, &ctx, vars)?;
        let result = if let Some(r) = &state.result {
            r.node.to_json()
        } else if let Some(p) = &state.parameters {
            self.template(sc, p.node, &effective, &ctx, vars)?
        } else {
            effective.into_owned()
        };
        let assigned = self.assign(
            sc,
            state.assign.as_ref().map(|a| a.node),
            &result,
            &ctx,
            vars,
        )?;
        let rp = state.result_path.as_ref().and_then(|f| f.value);
        let out = self.result_path(sc, rp, input, result)?;
        let output = self.output_path(sc, state, out, &ctx, vars)?;
        Ok(StepOut::to_next(output, state_next(state), assigned))
    }

    fn succeed(&mut self, at: At<'_>) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let effective = self.input_path(sc, state, input, &ctx, vars)?;
        let output = self.output_path(sc, state, effective.into_owned(), &ctx, vars)?;
        Ok(StepOut {
            output,
            next: None,
            assigned: None,
            via: Via::Next,
        })
    }

    fn fail_state(&mut self, at: At<'_>) -> Halt {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let mut text_of =
            |literal: Option<&str>, path: Option<(&str, &str)>| -> Result<Option<String>, Halt> {
                if let Some(l) = literal {
                    return Ok(Some(l.to_string()));
                }
                let Some((field, text)) = path else {
                    return Ok(None);
                };
                let env = Env {
                    input,
                    context: Some(&ctx),
                    variables: Some(vars),
                };
                let e = expr::classify(text);
                let v = expr::eval_expr(&e, field, text, &env, &mut self.rng)
                    .map_err(|e| sc.eval_err(e))?;
                Ok(Some(match v {
                    Value::String(s) => s,
                    other => to_text(&other),
                }))
            };
        let error = text_of(
            state.error.as_ref().and_then(|f| f.value),
            state
                .error_path
                .as_ref()
                .and_then(|f| f.value)
                .map(|t| ("ErrorPath", t)),
        );
        let error = match error {
            Ok(e) => e,
            Err(h) => return h,
        };
        let cause = text_of(
            state.cause.as_ref().and_then(|f| f.value),
            state
                .cause_path
                .as_ref()
                .and_then(|f| f.value)
                .map(|t| ("CausePath", t)),
        );
        match cause {
            Ok(cause) => Halt::Failed(Failure::new(error, cause)),
            Err(h) => h,
        }
    }

    fn choice(&mut self, at: At<'_>) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let effective = self.input_path(sc, state, input, &ctx, vars)?;
        let env = Env {
            input: &effective,
            context: Some(&ctx),
            variables: Some(vars),
        };
        let mut chosen = None;
        for (index, rule) in state.choices.iter().enumerate() {
            match choice::matches(rule, &env, &mut self.paths) {
                Ok(true) => {
                    chosen = Some((index, rule));
                    break;
                }
                Ok(false) => {}
                Err(cause) => return Err(sc.err("States.Runtime", cause)),
            }
        }
        let via = chosen.map_or(Via::Default, |(index, _)| Via::ChoiceRule(index));
        let (next, rule_assign) = match chosen.map(|(_, rule)| rule) {
            Some(rule) => (
                rule.next.as_ref().and_then(|n| n.value).map(str::to_string),
                rule.assign.as_ref().map(|a| a.node),
            ),
            None => match state.default.as_ref().and_then(|d| d.value) {
                Some(d) => (Some(d.to_string()), None),
                None => {
                    return Err(fail(
                        "States.NoChoiceMatched",
                        format!("No Matches! (state '{}')", sc.name),
                    ))
                }
            },
        };
        let Some(next) = next else {
            return Err(sc.err("States.Runtime", "The matching choice rule has no Next"));
        };
        // A matching rule's Assign replaces the state's (which applies to the Default branch).
        let assign_node = if chosen.is_some() {
            rule_assign
        } else {
            state.assign.as_ref().map(|a| a.node)
        };
        let assigned = self.assign(sc, assign_node, &effective, &ctx, vars)?;
        let output = self.output_path(sc, state, effective.into_owned(), &ctx, vars)?;
        Ok(StepOut {
            output,
            next: Some(next),
            assigned,
            via,
        })
    }

    fn wait(&mut self, at: At<'_>) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let effective = self.input_path(sc, state, input, &ctx, vars)?;
        let mut seconds: Option<i64> = state.seconds.as_ref().and_then(|s| s.value);
        let mut until: Option<i64> = None;
        if let Some(text) = state.seconds_path.as_ref().and_then(|f| f.value) {
            let v = self
                .read_path(text, &effective, &ctx, vars)
                .map_err(|c| sc.err("States.Runtime", c))?;
            match v {
                None => {
                    return Err(sc.err(
                        "States.Runtime",
                        format!(
                            "The SecondsPath parameter does not reference an input value: {text}"
                        ),
                    ))
                }
                Some(Value::Number(n)) if n.as_i64().is_some() => {
                    let n = n.as_i64().unwrap_or(0);
                    if n < 0 {
                        return Err(sc.err(
                            "States.Runtime",
                            format!("The SecondsPath parameter references a negative value: {text} == {n}"),
                        ));
                    }
                    seconds = Some(n);
                }
                Some(other) => {
                    return Err(sc.err(
                        "States.Runtime",
                        format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {text} == {}",
                        plain(&other)
                    ),
                    ))
                }
            }
        }
        if let Some(ts) = state.timestamp.as_ref().and_then(|f| f.value) {
            until = Some(time::parse_millis(ts).ok_or_else(|| {
                sc.err(
                    "States.Runtime",
                    format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {ts}"),
                )
            })?);
        }
        if let Some(text) = state.timestamp_path.as_ref().and_then(|f| f.value) {
            let v = self
                .read_path(text, &effective, &ctx, vars)
                .map_err(|c| sc.err("States.Runtime", c))?;
            let parsed = v
                .as_ref()
                .and_then(Value::as_str)
                .and_then(time::parse_millis);
            match (parsed, v) {
                (Some(t), _) => until = Some(t),
                (None, v) => {
                    return Err(sc.err(
                        "States.Runtime",
                        format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {text} == {}",
                            v.as_ref().map_or(String::new(), plain)
                        ),
                    ))
                }
            }
        }
        let delay_ms = match (seconds, until) {
            (Some(s), _) => {
                if s > MAX_WAIT_SECONDS {
                    return Err(sc.err("States.Runtime", "Wait state delay is too long."));
                }
                s.saturating_mul(1000)
            }
            (None, Some(t)) => {
                let d = t.saturating_sub(self.clock);
                if d / 1000 > MAX_WAIT_SECONDS {
                    return Err(sc.err("States.Runtime", "Wait state delay is too long."));
                }
                d.max(0)
            }
            (None, None) => 0,
        };
        self.advance(delay_ms)?;
        let assigned = self.assign(
            sc,
            state.assign.as_ref().map(|a| a.node),
            &effective,
            &ctx,
            vars,
        )?;
        let output = self.output_path(sc, state, effective.into_owned(), &ctx, vars)?;
        Ok(StepOut::to_next(output, state_next(state), assigned))
    }

    // -----------------------------------------------------------------------------------------------------------
    // Retry and Catch

    fn with_retry(&mut self, at: At<'_>, depth: usize, ty: StateType) -> Result<StepOut, Halt> {
        let state = at.state;
        let mut counts = vec![0i64; state.retry.len()];
        let mut retry_count: u64 = 0;
        loop {
            let attempt = match ty {
                StateType::Task => self.task(at, retry_count),
                StateType::Parallel => self.parallel(at, depth),
                _ => self.map(at, depth),
            };
            let f = match attempt {
                Ok((output, assigned)) => {
                    return Ok(StepOut::to_next(output, state_next(state), assigned))
                }
                Err(Halt::Failed(f)) => f,
                Err(other) => return Err(other),
            };
            let err = f.error.clone().unwrap_or_default();
            if uncatchable(&err) {
                return Err(Halt::Failed(f));
            }
            let is_task = ty == StateType::Task;
            if let Some((i, r)) = state.retry.iter().enumerate().find(|(_, r)| {
                matches_error(
                    r.error_equals.as_ref().and_then(|e| e.value.as_deref()),
                    &f,
                    is_task,
                )
            }) {
                let max = r.max_attempts.as_ref().and_then(|m| m.value).unwrap_or(3);
                let done = counts.get(i).copied().unwrap_or(i64::MAX);
                if done < max {
                    let delay = self.retry_delay(r, done);
                    if let Some(c) = counts.get_mut(i) {
                        *c += 1;
                    }
                    retry_count += 1;
                    self.advance(delay)?;
                    continue;
                }
            }
            if let Some((index, c)) = state.catch.iter().enumerate().find(|(_, c)| {
                matches_error(
                    c.error_equals.as_ref().and_then(|e| e.value.as_deref()),
                    &f,
                    is_task,
                )
            }) {
                return self.caught(at, c, f).map(|step| StepOut {
                    via: Via::Catch(index),
                    ..step
                });
            }
            return Err(Halt::Failed(f));
        }
    }

    fn retry_delay(&mut self, r: &Retrier<'_>, done: i64) -> i64 {
        let interval = r
            .interval_seconds
            .as_ref()
            .and_then(|i| i.value)
            .unwrap_or(1) as f64;
        let rate = r.backoff_rate.as_ref().and_then(|b| b.value).unwrap_or(2.0);
        let exp = i32::try_from(done).unwrap_or(i32::MAX);
        let mut secs = interval * rate.powi(exp);
        if let Some(max) = r.max_delay_seconds.as_ref().and_then(|m| m.value) {
            secs = secs.min(max as f64);
        }
        if r.jitter_strategy.as_ref().and_then(|j| j.value) == Some("FULL") {
            let u = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            secs *= u;
        }
        if !secs.is_finite() {
            return i64::MAX / 2;
        }
        (secs * 1000.0).clamp(0.0, (i64::MAX / 2) as f64) as i64
    }

    /// The catcher `c` handles `f`: the error output through its Assign and ResultPath (JSONata: Output).
    fn caught(&mut self, at: At<'_>, c: &Catcher<'_>, mut f: Failure) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        // A task timeout without a cause shows an empty Cause in the error output.
        if f.cause.is_none() && f.error.as_deref() == Some("States.Timeout") {
            f.cause = Some(String::new());
        }
        let mut err_out = Map::new();
        err_out.insert("Error".into(), f.error.map_or(Value::Null, Value::String));
        err_out.insert("Cause".into(), f.cause.map_or(Value::Null, Value::String));
        let err_out = Value::Object(err_out);
        let ctx = self.context(sc, frame, None, false);
        let (output, assigned) = if state.query_language == QueryLanguage::Jsonata {
            let st = states_value(input, &ctx, Some(("errorOutput", &err_out)));
            let assigned = self.jassign(sc, c.assign.as_ref().map(|a| a.node), &st, vars)?;
            let output = self
                .jfield(sc, c.output.as_ref().map(|o| o.node), "Output", &st, vars)?
                .unwrap_or(err_out);
            (output, assigned)
        } else {
            let assigned =
                self.assign(sc, c.assign.as_ref().map(|a| a.node), &err_out, &ctx, vars)?;
            let rp = c.result_path.as_ref().and_then(|f| f.value);
            (self.result_path(sc, rp, input, err_out)?, assigned)
        };
        let Some(next) = c.next.as_ref().and_then(|n| n.value) else {
            return Err(sc.err("States.Runtime", "The matching catcher has no Next"));
        };
        Ok(StepOut::to_next(output, Some(next.to_string()), assigned))
    }

    // -----------------------------------------------------------------------------------------------------------
    // Task

    fn task(
        &mut self,
        at: At<'_>,
        retry_count: u64,
    ) -> Result<(Value, Option<Map<String, Value>>), Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        if state.query_language == QueryLanguage::Jsonata {
            return self.j_task(at, retry_count);
        }
        let resource = state.resource.as_ref().and_then(|r| r.value).unwrap_or("");
        // AWS fills `$$.Task.Token` for every service integration (`.sync` included), not only `.waitForTaskToken`.
        let token = resource.starts_with("arn:aws:states:::") || resource.contains(":states:::");
        let ctx = self.context(sc, frame, Some(retry_count), token);
        let effective = self.input_path(sc, state, input, &ctx, vars)?;
        let params = match &state.parameters {
            Some(p) => self.template(sc, p.node, &effective, &ctx, vars)?,
            None => effective.clone().into_owned(),
        };
        if let Some(c) = &state.credentials {
            self.template(sc, c.node, &effective, &ctx, vars)?;
        }
        let mut seconds = [
            (&state.timeout_seconds, &state.timeout_seconds_path),
            (&state.heartbeat_seconds, &state.heartbeat_seconds_path),
        ]
        .map(|(literal, path)| (literal.as_ref().and_then(|f| f.value), path));
        for (slot, path) in &mut seconds {
            let Some(text) = path.as_ref().and_then(|f| f.value) else {
                continue;
            };
            let v = self
                .read_path(text, &effective, &ctx, vars)
                .map_err(|c| sc.err("States.Runtime", c))?;
            match v {
                // AWS accepts positive integers; other values leave the task without that limit here.
                Some(v) => *slot = v.as_i64().filter(|n| *n > 0),
                None => {
                    if let Ok(p) = Path::parse(text) {
                        return Err(sc.eval_err(expr::path_field_not_found(text, &p)));
                    }
                }
            }
        }
        let [timeout, heartbeat] = seconds.map(|(s, _)| s.map(|s| s.saturating_mul(1000)));
        let limits = TaskLimits { timeout, heartbeat };
        if let Some(problem) = integration_parameter_problem(resource, &params) {
            return Err(sc.err(
                "States.Runtime",
                format!(
                    "The Parameters '{}' could not be used to start the Task: [{problem}]",
                    to_text(&params)
                ),
            ));
        }
        let result = self.invoke(sc, resource, &params, limits)?;
        self.finish_result(sc, state, input, result, &ctx, vars)
    }

    /// One invocation of a Task: answers from the mocks, after the mocked duration on the virtual clock, or fails
    /// with `States.Timeout` at the instant the state's timeout or heartbeat interval runs out.
    fn invoke(
        &mut self,
        sc: &StateCtx<'_>,
        resource: &str,
        params: &Value,
        limits: TaskLimits,
    ) -> Result<Value, Halt> {
        let n = {
            let c = self.invocations.entry(sc.name.to_string()).or_insert(0);
            *c += 1;
            *c - 1
        };
        let task = TaskKind::of(resource);
        self.event(EventKind::TaskScheduled {
            task,
            resource: resource.to_string(),
            parameters: to_text(params),
        });
        self.event(EventKind::TaskStarted {
            task,
            resource: resource.to_string(),
        });
        let rule = self.opts.mocks.rule(sc.name, n);
        let timing = rule.map(|r| r.timing).unwrap_or_default();
        let outcome = match limits.expiry(timing) {
            Some(expiry) => {
                self.advance(expiry.after_ms)?;
                Err(Failure {
                    error: Some("States.Timeout".into()),
                    cause: None,
                    heartbeat: expiry.heartbeat,
                })
            }
            None => {
                self.advance(timing.duration_ms)?;
                match rule.map(|r| &r.response) {
                    Some(MockResponse::Return(v)) => Ok(v.clone()),
                    Some(MockResponse::Throw { error, cause }) => {
                        Err(Failure::new(error.clone(), cause.clone()))
                    }
                    None => match self.opts.unmocked {
                        Unmocked::Echo => Ok(params.clone()),
                        Unmocked::Fail => Err(Failure::new(
                            Some("Sim.UnmockedTask".into()),
                            Some(format!(
                                "Task state '{}' has no mocked response for its invocation #{n} (0-based, retries included); add one to the mock configuration or run with --unmocked echo",
                                sc.name
                            )),
                        )),
                    },
                }
            }
        };
        match outcome {
            Ok(v) => {
                self.event(EventKind::TaskSucceeded {
                    task,
                    resource: resource.to_string(),
                    output: to_text(&v),
                });
                Ok(v)
            }
            Err(f) => {
                // A timeout (simulated, or mocked as a thrown `States.Timeout`) is written as AWS writes it.
                let end = if f.error.as_deref() == Some("States.Timeout") {
                    TaskEnd::TimedOut
                } else {
                    TaskEnd::Failed
                };
                self.event(EventKind::TaskEnded {
                    task,
                    end,
                    resource: resource.to_string(),
                    error: f.error.clone(),
                    cause: f.cause.clone(),
                });
                Err(Halt::Failed(f))
            }
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Parallel

    fn parallel(
        &mut self,
        at: At<'_>,
        depth: usize,
    ) -> Result<(Value, Option<Map<String, Value>>), Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let params = if state.query_language == QueryLanguage::Jsonata {
            let st = states_value(input, &ctx, None);
            self.j_or_input(
                sc,
                state.arguments.as_ref().map(|a| a.node),
                "Arguments",
                &st,
                vars,
                input,
            )?
        } else {
            let effective = self.input_path(sc, state, input, &ctx, vars)?;
            match &state.parameters {
                Some(p) => self.template(sc, p.node, &effective, &ctx, vars)?,
                None => effective.into_owned(),
            }
        };
        self.event(EventKind::ParallelStateStarted);
        let mut results = Vec::with_capacity(state.branches.len());
        for branch in &state.branches {
            let mut bvars = vars.clone();
            match self.run_scope(
                branch,
                params.clone(),
                &mut bvars,
                &Frame::default(),
                depth + 1,
            ) {
                Ok(v) => results.push(v),
                Err(h) => {
                    self.event(EventKind::ParallelStateFailed);
                    return Err(h);
                }
            }
        }
        self.event(EventKind::ParallelStateSucceeded);
        self.finish_result(sc, state, input, Value::Array(results), &ctx, vars)
    }

    /// ResultSelector → Assign → ResultPath → OutputPath (JSONata: Assign and Output over `$states.result`) for
    /// Task, Parallel and Map.
    fn finish_result(
        &mut self,
        sc: &StateCtx<'_>,
        state: &State<'_>,
        input: &Value,
        result: Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<(Value, Option<Map<String, Value>>), Halt> {
        if state.query_language == QueryLanguage::Jsonata {
            let st = states_value(input, ctx, Some(("result", &result)));
            let assigned = self.jassign(sc, state.assign.as_ref().map(|a| a.node), &st, vars)?;
            let output = self
                .jfield(
                    sc,
                    state.output.as_ref().map(|o| o.node),
                    "Output",
                    &st,
                    vars,
                )?
                .unwrap_or(result);
            return Ok((output, assigned));
        }
        let selected = match &state.result_selector {
            Some(s) => self.template(sc, s.node, &result, ctx, vars)?,
            None => result,
        };
        let assigned = self.assign(
            sc,
            state.assign.as_ref().map(|a| a.node),
            &selected,
            ctx,
            vars,
        )?;
        let rp = state.result_path.as_ref().and_then(|f| f.value);
        let out = self.result_path(sc, rp, input, selected)?;
        let output = self.output_path(sc, state, out, ctx, vars)?;
        Ok((output, assigned))
    }

    // -----------------------------------------------------------------------------------------------------------
    // Map

    fn map(
        &mut self,
        at: At<'_>,
        depth: usize,
    ) -> Result<(Value, Option<Map<String, Value>>), Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = if jsonata {
            Cow::Borrowed(input)
        } else {
            self.input_path(sc, state, input, &ctx, vars)?
        };
        let jst = states_value(input, &ctx, None);
        let Some(processor) = &state.item_processor else {
            return Err(sc.err("States.Runtime", "The Map state has no ItemProcessor"));
        };
        let distributed = processor
            .processor_config
            .as_ref()
            .and_then(|c| c.mode.as_ref())
            .and_then(|m| m.value)
            == Some("DISTRIBUTED");
        // Numeric path fields are validated first, as AWS does.
        self.check_int_path(
            sc,
            state.max_concurrency_path.as_ref().and_then(|f| f.value),
            "MaxConcurrencyPath",
            &effective,
            &ctx,
            vars,
        )?;
        let fields = FieldEnv {
            effective: &effective,
            ctx: &ctx,
            jst: &jst,
            vars,
            jsonata,
        };
        let tolerated_count = self.int_field(
            sc,
            &fields,
            state.tolerated_failure_count.as_ref(),
            state.tolerated_failure_count_path.as_ref(),
            "ToleratedFailureCount",
        )?;
        if tolerated_count.is_some_and(|c| c < 0) {
            return Err(sc.err(
                "States.Runtime",
                "ToleratedFailureCount cannot be negative.",
            ));
        }
        let tolerated_pct = match state
            .tolerated_failure_percentage_path
            .as_ref()
            .and_then(|f| f.value)
        {
            Some(p) => {
                let v = self
                    .read_path(p, &effective, &ctx, vars)
                    .map_err(|c| sc.err("States.Runtime", c))?;
                match v {
                    Some(Value::Number(n)) => n.as_f64(),
                    Some(Value::String(s)) if s.trim().parse::<f64>().is_ok() => s.trim().parse::<f64>().ok(),
                    other => {
                        return Err(sc.err(
                            "States.Runtime",
                            format!(
                                "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {p}",
                                other.as_ref().map_or(String::new(), plain)
                            ),
                        ))
                    }
                }
            }
            None if jsonata => self.j_number(
                sc,
                state.tolerated_failure_percentage.as_ref().map(|f| f.node),
                "ToleratedFailurePercentage",
                &jst,
                vars,
            )?,
            None => state
                .tolerated_failure_percentage
                .as_ref()
                .and_then(|f| f.value),
        };
        if jsonata {
            self.j_number(
                sc,
                state.max_concurrency.as_ref().map(|f| f.node),
                "MaxConcurrency",
                &jst,
                vars,
            )?;
        }
        if tolerated_pct.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
            return Err(sc.err(
                "States.Runtime",
                "ToleratedFailurePercentage must be between 0 and 100.",
            ));
        }
        let items = if jsonata && state.item_reader.is_none() {
            self.j_items(sc, state, input, &jst, vars)?
        } else {
            self.map_items(sc, state, &effective, &ctx, vars)?
        };
        let selector = state
            .item_selector
            .as_ref()
            .or(state.parameters.as_ref())
            .map(|f| f.node);
        let mut inputs = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match selector {
                Some(node) => {
                    // The context's `Map.Item` (last member, as AWS orders it) takes the item itself, moved, not
                    // copied; states whose fields cannot read the context get none.
                    let mut ictx = self.context(sc, &Frame::default(), None, false);
                    if let Value::Object(c) = &mut ictx {
                        let mut it = Map::new();
                        it.insert("Index".into(), Value::from(i));
                        it.insert("Value".into(), item);
                        let mut m = Map::new();
                        m.insert("Item".into(), Value::Object(it));
                        c.insert("Map".into(), Value::Object(m));
                    }
                    if jsonata {
                        let ist = states_value(input, &ictx, None);
                        inputs.push(
                            self.jfield(sc, Some(node), "ItemSelector", &ist, vars)?
                                .unwrap_or(Value::Null),
                        );
                    } else {
                        inputs.push(self.template(sc, node, &effective, &ictx, vars)?);
                    }
                }
                None => inputs.push(item),
            }
        }
        if let Some(b) = &state.item_batcher {
            let per_batch = self.int_field(
                sc,
                &fields,
                b.max_items_per_batch.as_ref(),
                b.max_items_per_batch_path.as_ref(),
                "MaxItemsPerBatch",
            )?;
            let per_batch =
                usize::try_from(per_batch.unwrap_or(i64::MAX).max(1)).unwrap_or(usize::MAX);
            let batch_input = match &b.batch_input {
                Some(bi) if jsonata => self.jfield(sc, Some(bi.node), "BatchInput", &jst, vars)?,
                Some(bi) => Some(self.template(sc, bi.node, &effective, &ctx, vars)?),
                None => None,
            };
            inputs = inputs
                .chunks(per_batch)
                .map(|chunk| {
                    let mut m = Map::new();
                    if let Some(bi) = &batch_input {
                        m.insert("BatchInput".into(), bi.clone());
                    }
                    m.insert("Items".into(), Value::Array(chunk.to_vec()));
                    Value::Object(m)
                })
                .collect();
        }
        self.event(EventKind::MapStateStarted {
            length: inputs.len(),
        });
        let total = inputs.len();
        let mut results = Vec::with_capacity(total);
        let mut failures = 0usize;
        let mut first_failure: Option<Failure> = None;
        let tolerant = distributed && (tolerated_count.is_some() || tolerated_pct.is_some());
        for (i, iter_input) in inputs.into_iter().enumerate() {
            let iframe = Frame::default();
            let mut ivars = vars.clone();
            let outer_record = self.record;
            if distributed {
                self.record = false;
            } else {
                self.event(EventKind::MapIterationStarted {
                    name: sc.shared_name.clone(),
                    index: i,
                });
            }
            let r = self.run_scope(processor, iter_input, &mut ivars, &iframe, depth + 1);
            self.record = outer_record;
            match r {
                Ok(v) => {
                    if !distributed {
                        self.event(EventKind::MapIterationSucceeded {
                            name: sc.shared_name.clone(),
                            index: i,
                        });
                    }
                    results.push(v)
                }
                Err(Halt::Failed(f)) if tolerant => {
                    failures += 1;
                    results.push(json!({"Error": f.error, "Cause": f.cause}));
                    first_failure.get_or_insert(f);
                }
                Err(h) => {
                    if !distributed {
                        self.event(EventKind::MapIterationFailed {
                            name: sc.shared_name.clone(),
                            index: i,
                        });
                    }
                    self.event(EventKind::MapStateFailed);
                    return Err(h);
                }
            }
        }
        if failures > 0 {
            let count_ok = tolerated_count.is_some_and(|c| failures as i64 <= c);
            let pct_ok = tolerated_pct
                .is_some_and(|p| (failures as f64) * 100.0 / (total.max(1) as f64) <= p);
            if !count_ok && !pct_ok {
                self.event(EventKind::MapStateFailed);
                return Err(fail(
                    "States.ExceedToleratedFailureThreshold",
                    "The specified tolerated failure threshold was exceeded",
                ));
            }
        }
        self.event(EventKind::MapStateSucceeded);
        let mut result = Value::Array(results);
        if let Some(w) = &state.result_writer {
            let params = match w.parameters.as_ref() {
                Some(p) => self.template(sc, p.node, &effective, &ctx, vars)?,
                None => Value::Object(Map::new()),
            };
            let run_id = uuid(&mut self.rng);
            let bucket = params.get("Bucket").cloned().unwrap_or(Value::Null);
            let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
            let key = if prefix.is_empty() {
                format!("{run_id}/manifest.json")
            } else {
                format!("{}/{run_id}/manifest.json", prefix.trim_end_matches('/'))
            };
            self.effects.push(json!({
                "type": "ResultWriter",
                "state": sc.name,
                "resource": w.resource.as_ref().and_then(|r| r.value),
                "parameters": params,
                "results": result,
            }));
            let sm_name = self
                .state_machine
                .get("Name")
                .and_then(Value::as_str)
                .unwrap_or("StateMachine")
                .to_string();
            result = json!({
                "MapRunArn": format!("arn:aws:states:us-east-1:123456789012:mapRun:{sm_name}/{}:{run_id}", sc.name),
                "ResultWriterDetails": {"Bucket": bucket, "Key": key},
            });
        }
        self.finish_result(sc, state, input, result, &ctx, vars)
    }

    /// An integer field of a Map state: its `...Path` form read from the effective input, else its JSONata
    /// expression (JSONata states), else its literal.
    fn int_field(
        &mut self,
        sc: &StateCtx<'_>,
        env: &FieldEnv<'_>,
        literal: Option<&Field<'_, i64>>,
        path: Option<&Field<'_, &str>>,
        name: &str,
    ) -> Result<Option<i64>, Halt> {
        match path.and_then(|f| f.value) {
            Some(p) => self.check_int_path(
                sc,
                Some(p),
                &format!("{name}Path"),
                env.effective,
                env.ctx,
                env.vars,
            ),
            None if env.jsonata => Ok(self
                .j_number(sc, literal.map(|f| f.node), name, env.jst, env.vars)?
                .map(|n| n as i64)),
            None => Ok(literal.and_then(|f| f.value)),
        }
    }

    /// Reads an integer `*Path` field; AWS's cause when the value is not an integer.
    fn check_int_path(
        &mut self,
        sc: &StateCtx<'_>,
        path: Option<&str>,
        field: &str,
        data: &Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Option<i64>, Halt> {
        let Some(p) = path else { return Ok(None) };
        let v = self
            .read_path(p, data, ctx, vars)
            .map_err(|c| sc.err("States.Runtime", c))?;
        let n = match &v {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match n {
            Some(n) => Ok(Some(n)),
            None => Err(sc.err(
                "States.Runtime",
                format!(
                    "The {field} field refers to value \"{}\" which is not a valid integer: {p}",
                    v.as_ref().map_or(String::new(), plain)
                ),
            )),
        }
    }

    fn map_items(
        &mut self,
        sc: &StateCtx<'_>,
        state: &State<'_>,
        effective: &Value,
        ctx: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Vec<Value>, Halt> {
        if let Some(reader) = &state.item_reader {
            let params = match (&reader.parameters, &reader.arguments) {
                (Some(p), _) => self.template(sc, p.node, effective, ctx, vars)?,
                (None, Some(a)) => {
                    let st = states_value(effective, ctx, None);
                    self.jfield(sc, Some(a.node), "Arguments", &st, vars)?
                        .unwrap_or(Value::Null)
                }
                (None, None) => Value::Object(Map::new()),
            };
            let resource = reader.resource.as_ref().and_then(|r| r.value).unwrap_or("");
            let bucket = params.get("Bucket").and_then(Value::as_str).unwrap_or("");
            if resource.contains("listObjectsV2") {
                let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
                return Ok(items::list_objects(&self.opts.resources, bucket, prefix));
            }
            let key = params.get("Key").and_then(Value::as_str).unwrap_or("");
            let mut opts = ReaderOptions::default();
            if let Some(c) = &reader.reader_config {
                opts.input_type = c
                    .input_type
                    .as_ref()
                    .and_then(|f| f.value)
                    .map(str::to_string);
                opts.csv_header_location = c
                    .csv_header_location
                    .as_ref()
                    .and_then(|f| f.value)
                    .map(str::to_string);
                opts.csv_headers = c
                    .csv_headers
                    .as_ref()
                    .and_then(|f| f.value.clone())
                    .unwrap_or_default()
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                opts.csv_delimiter = c
                    .csv_delimiter
                    .as_ref()
                    .and_then(|f| f.value)
                    .map(str::to_string);
                opts.max_items = match c.max_items_path.as_ref().and_then(|f| f.value) {
                    None if c.max_items.as_ref().is_some_and(|f| f.value.is_none()) => {
                        let st = states_value(effective, ctx, None);
                        self.j_number(
                            sc,
                            c.max_items.as_ref().map(|f| f.node),
                            "MaxItems",
                            &st,
                            vars,
                        )?
                        .map(|n| n as i64)
                    }
                    Some(p) => {
                        self.check_int_path(sc, Some(p), "MaxItemsPath", effective, ctx, vars)?
                    }
                    None => c.max_items.as_ref().and_then(|f| f.value),
                };
            }
            return items::read_object(&self.opts.resources, bucket, key, &opts)
                .map_err(|e| fail(e.error, e.cause));
        }
        let text = state
            .items_path
            .as_ref()
            .and_then(|f| f.value)
            .unwrap_or("$");
        let p = parse_path(sc, text)?;
        let env = Env {
            input: effective,
            context: Some(ctx),
            variables: Some(vars),
        };
        match p.query(&env).into_value() {
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(sc.err(
                "States.Runtime",
                format!(
                    "Invalid path '{text}': The Map state's ItemsPath does not reference an array: {}",
                    to_text(&other)
                ),
            )),
            None => Err(sc.eval_err(expr::path_field_not_found(text, &p))),
        }
    }
}

/// A path field's text parsed (`States.Runtime` when it is not a valid path).
fn parse_path(sc: &StateCtx<'_>, text: &str) -> Result<Path, Halt> {
    Path::parse(text).map_err(|e| {
        sc.err(
            "States.Runtime",
            format!("Invalid path '{text}': {}", e.message),
        )
    })
}

/// A value as AWS prints it in causes: strings without quotes, other values as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => to_text(other),
    }
}

/// `ErrorEquals` matching: exact names, `States.ALL`, `States.TaskFailed` (any error but `States.Timeout`, for
/// Task states) and `States.HeartbeatTimeout` (a `States.Timeout` raised by a missed heartbeat).
fn matches_error(list: Option<&[&str]>, f: &Failure, is_task: bool) -> bool {
    let error = f.error.as_deref().unwrap_or("");
    list.unwrap_or(&[]).iter().any(|e| {
        *e == error
            || *e == "States.ALL"
            || (*e == "States.TaskFailed" && is_task && error != "States.Timeout")
            || (*e == "States.HeartbeatTimeout" && f.heartbeat)
    })
}

/// A Task state's `TimeoutSeconds` and `HeartbeatSeconds` for one attempt, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
struct TaskLimits {
    timeout: Option<i64>,
    heartbeat: Option<i64>,
}

/// When an attempt times out: milliseconds after its start, and whether a missed heartbeat caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expiry {
    after_ms: i64,
    heartbeat: bool,
}

impl TaskLimits {
    /// The first limit a mocked invocation of this timing runs past (`None`: it completes in time). A task that
    /// sends no heartbeats, or sends them further apart than `HeartbeatSeconds`, misses its first one; a task
    /// that ends exactly at a limit completes.
    fn expiry(self, timing: MockTiming) -> Option<Expiry> {
        let d = timing.duration_ms;
        let timeout = self.timeout.filter(|t| d > *t).map(|t| Expiry {
            after_ms: t,
            heartbeat: false,
        });
        let heartbeat = self
            .heartbeat
            .filter(|h| d > *h && timing.heartbeat_interval_ms.is_none_or(|i| i > *h))
            .map(|h| Expiry {
                after_ms: h,
                heartbeat: true,
            });
        match (timeout, heartbeat) {
            (Some(t), Some(h)) if h.after_ms < t.after_ms => Some(h),
            (Some(t), _) => Some(t),
            (None, h) => h,
        }
    }
}

/// Parameter checks AWS makes before calling a service (the Task fails with `States.Runtime`).
fn integration_parameter_problem(resource: &str, params: &Value) -> Option<String> {
    if resource.contains(":states:::apigateway:invoke") {
        if let Some(h) = params.get("Headers") {
            let ok = h.as_object().is_some_and(|m| {
                m.values()
                    .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
            });
            if !ok {
                return Some("The value of the field 'Headers' has an invalid format".into());
            }
        }
    }
    None
}

/// The value of `$states` for a JSONata field.
fn states_value(input: &Value, ctx: &Value, extra: Option<(&str, &Value)>) -> Value {
    let mut m = Map::new();
    m.insert("input".into(), input.clone());
    m.insert("context".into(), ctx.clone());
    if let Some((k, v)) = extra {
        m.insert(k.into(), v.clone());
    }
    Value::Object(m)
}

fn or_undefined(v: Option<&Value>) -> String {
    v.map_or("undefined".to_string(), to_text)
}

/// JSONata states.
impl Sim<'_> {
    /// Evaluates a JSONata field (`None` when the field is absent or its expression is `undefined`).
    fn jfield(
        &mut self,
        sc: &StateCtx<'_>,
        node: Option<&Node>,
        field: &str,
        states: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Option<Value>, Halt> {
        let Some(node) = node else { return Ok(None) };
        let env = JsonataEnv {
            states,
            variables: vars,
        };
        jsonata_eval::eval_template(&node.to_json(), field, &env, &mut self.rng)
            .map_err(|e| sc.eval_err(e))
    }

    /// A JSONata field whose absence (or `undefined`) means the state's input (`Arguments`, `Output`).
    fn j_or_input(
        &mut self,
        sc: &StateCtx<'_>,
        node: Option<&Node>,
        field: &str,
        states: &Value,
        vars: &Map<String, Value>,
        input: &Value,
    ) -> Result<Value, Halt> {
        Ok(self
            .jfield(sc, node, field, states, vars)?
            .unwrap_or_else(|| input.clone()))
    }

    /// `Assign`, then `Output` (default: the input), of a JSONata state or choice rule.
    fn j_assign_output(
        &mut self,
        sc: &StateCtx<'_>,
        assign: Option<&Node>,
        output: Option<&Node>,
        states: &Value,
        vars: &Map<String, Value>,
        input: &Value,
    ) -> Result<(Value, Option<Map<String, Value>>), Halt> {
        let assigned = self.jassign(sc, assign, states, vars)?;
        let output = self.j_or_input(sc, output, "Output", states, vars, input)?;
        Ok((output, assigned))
    }

    /// [`Self::j_assign_output`] with the state's own `Assign` and `Output`.
    fn j_state_assign_output(
        &mut self,
        sc: &StateCtx<'_>,
        state: &State<'_>,
        states: &Value,
        vars: &Map<String, Value>,
        input: &Value,
    ) -> Result<(Value, Option<Map<String, Value>>), Halt> {
        let assign = state.assign.as_ref().map(|a| a.node);
        let output = state.output.as_ref().map(|o| o.node);
        self.j_assign_output(sc, assign, output, states, vars, input)
    }

    fn jassign(
        &mut self,
        sc: &StateCtx<'_>,
        node: Option<&Node>,
        states: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Option<Map<String, Value>>, Halt> {
        match self.jfield(sc, node, "Assign", states, vars)? {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(sc.err(
                "States.QueryEvaluationError",
                "The value of Assign must be an object",
            )),
        }
    }

    /// A numeric JSONata field (a number or an expression giving one).
    fn j_number(
        &mut self,
        sc: &StateCtx<'_>,
        node: Option<&Node>,
        field: &str,
        states: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Option<f64>, Halt> {
        match self.jfield(sc, node, field, states, vars)? {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(sc.err(
                "States.QueryEvaluationError",
                format!(
                    "The field '{field}' must be a number, but was {}",
                    to_text(&other)
                ),
            )),
        }
    }

    /// Pass and Succeed: Output (default: the input) and Assign.
    fn j_simple(&mut self, at: At<'_>, ty: StateType) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let st = states_value(input, &ctx, None);
        let (output, assigned) = self.j_state_assign_output(sc, state, &st, vars, input)?;
        Ok(StepOut {
            output,
            next: if ty == StateType::Succeed {
                None
            } else {
                state_next(state)
            },
            assigned,
            via: Via::Next,
        })
    }

    fn j_fail(&mut self, at: At<'_>) -> Halt {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let st = states_value(input, &ctx, None);
        let mut text = |node: Option<&Node>, field: &str| -> Result<Option<String>, Halt> {
            Ok(self.jfield(sc, node, field, &st, vars)?.map(|v| match v {
                Value::String(s) => s,
                other => to_text(&other),
            }))
        };
        let error = match text(state.error.as_ref().map(|f| f.node), "Error") {
            Ok(e) => e,
            Err(h) => return h,
        };
        match text(state.cause.as_ref().map(|f| f.node), "Cause") {
            Ok(cause) => Halt::Failed(Failure::new(error, cause)),
            Err(h) => h,
        }
    }

    fn j_choice(&mut self, at: At<'_>) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let st = states_value(input, &ctx, None);
        for (index, rule) in state.choices.iter().enumerate() {
            let cond_node = rule.condition.as_ref().map(|c| c.node);
            match self.jfield(sc, cond_node, "Condition", &st, vars)? {
                Some(Value::Bool(true)) => {
                    let Some(next) = rule.next.as_ref().and_then(|n| n.value) else {
                        return Err(
                            sc.err("States.Runtime", "The matching choice rule has no Next")
                        );
                    };
                    let (output, assigned) = self.j_assign_output(
                        sc,
                        rule.assign.as_ref().map(|a| a.node),
                        rule.output.as_ref().map(|o| o.node),
                        &st,
                        vars,
                        input,
                    )?;
                    return Ok(StepOut {
                        output,
                        next: Some(next.to_string()),
                        assigned,
                        via: Via::ChoiceRule(index),
                    });
                }
                Some(Value::Bool(false)) => {}
                other => {
                    let text = cond_node.and_then(Node::as_str).unwrap_or("");
                    return Err(sc.err(
                        "States.QueryEvaluationError",
                        format!(
                            "The JSONata expression '{text}' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was {}",
                            or_undefined(other.as_ref())
                        ),
                    ));
                }
            }
        }
        let Some(default) = state.default.as_ref().and_then(|d| d.value) else {
            return Err(fail(
                "States.NoChoiceMatched",
                format!("No Matches! (state '{}')", sc.name),
            ));
        };
        let (output, assigned) = self.j_state_assign_output(sc, state, &st, vars, input)?;
        Ok(StepOut {
            output,
            next: Some(default.to_string()),
            assigned,
            via: Via::Default,
        })
    }

    fn j_wait(&mut self, at: At<'_>) -> Result<StepOut, Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let ctx = self.context(sc, frame, None, false);
        let st = states_value(input, &ctx, None);
        let mut delay_ms = 0i64;
        if let Some(f) = &state.seconds {
            let v = self.jfield(sc, Some(f.node), "Seconds", &st, vars)?;
            match v.as_ref().and_then(Value::as_i64) {
                Some(secs) if secs >= 0 => {
                    if secs > MAX_WAIT_SECONDS {
                        return Err(sc.err("States.Runtime", "Wait state delay is too long."));
                    }
                    delay_ms = secs.saturating_mul(1000);
                }
                _ => {
                    return Err(sc.err(
                        "States.QueryEvaluationError",
                        format!(
                            "The Seconds field must be a non-negative integer, but was {}",
                            or_undefined(v.as_ref())
                        ),
                    ))
                }
            }
        }
        if let Some(f) = &state.timestamp {
            let v = self.jfield(sc, Some(f.node), "Timestamp", &st, vars)?;
            let text = match &v {
                Some(Value::String(s)) => s.clone(),
                Some(other) => to_text(other),
                None => String::new(),
            };
            let Some(t) = time::parse_millis(&text) else {
                return Err(sc.err(
                    "States.QueryEvaluationError",
                    format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {text}"),
                ));
            };
            let d = t.saturating_sub(self.clock);
            if d / 1000 > MAX_WAIT_SECONDS {
                return Err(sc.err("States.Runtime", "Wait state delay is too long."));
            }
            delay_ms = d.max(0);
        }
        self.advance(delay_ms)?;
        let (output, assigned) = self.j_state_assign_output(sc, state, &st, vars, input)?;
        Ok(StepOut::to_next(output, state_next(state), assigned))
    }

    fn j_task(
        &mut self,
        at: At<'_>,
        retry_count: u64,
    ) -> Result<(Value, Option<Map<String, Value>>), Halt> {
        let (sc, state, input, vars, frame) = at.parts();
        let resource = state.resource.as_ref().and_then(|r| r.value).unwrap_or("");
        let token = resource.starts_with("arn:aws:states:::") || resource.contains(":states:::");
        let ctx = self.context(sc, frame, Some(retry_count), token);
        let st = states_value(input, &ctx, None);
        let args = self.j_or_input(
            sc,
            state.arguments.as_ref().map(|a| a.node),
            "Arguments",
            &st,
            vars,
            input,
        )?;
        if let Some(c) = &state.credentials {
            self.jfield(sc, Some(c.node), "Credentials", &st, vars)?;
        }
        let mut limits = TaskLimits::default();
        for (slot, field, name) in [
            (
                &mut limits.timeout,
                &state.timeout_seconds,
                "TimeoutSeconds",
            ),
            (
                &mut limits.heartbeat,
                &state.heartbeat_seconds,
                "HeartbeatSeconds",
            ),
        ] {
            if let Some(f) = field {
                *slot = self
                    .j_number(sc, Some(f.node), name, &st, vars)?
                    .filter(|secs| *secs > 0.0)
                    .map(|secs| (secs * 1000.0).min((i64::MAX / 2) as f64) as i64);
            }
        }
        let result = self.invoke(sc, resource, &args, limits)?;
        self.finish_result(sc, state, input, result, &ctx, vars)
    }

    /// The items of a JSONata Map: `Items` (an array or an expression giving one), else the input.
    fn j_items(
        &mut self,
        sc: &StateCtx<'_>,
        state: &State<'_>,
        input: &Value,
        st: &Value,
        vars: &Map<String, Value>,
    ) -> Result<Vec<Value>, Halt> {
        let Some(items) = &state.items else {
            return match input {
                Value::Array(a) => Ok(a.clone()),
                other => Err(sc.err(
                    "States.QueryEvaluationError",
                    format!(
                        "The Map state's input must be an array when there is no Items field, but was {}",
                        to_text(other)
                    ),
                )),
            };
        };
        if let Some(e) = items.node.as_str().and_then(expr::jsonata::enclosed) {
            let env = JsonataEnv {
                states: st,
                variables: vars,
            };
            let r =
                jsonata_eval::eval_body(e.body, &env, &mut self.rng).map_err(|e| sc.eval_err(e))?;
            let what = format!(
                "The JSONata expression '{}' specified for the field 'Items' returned",
                e.body.trim()
            );
            if r.is_function() {
                return Err(sc.err(
                    "States.QueryEvaluationError",
                    format!("{what} an unsupported result type."),
                ));
            }
            return match r.json() {
                Some(Value::Array(a)) => Ok(a),
                other => Err(sc.err(
                    "States.QueryEvaluationError",
                    format!(
                        "{what} an unexpected result type. Expected 'array', but was '{}' for value: {}",
                        r.type_name(),
                        or_undefined(other.as_ref())
                    ),
                )),
            };
        }
        match self.jfield(sc, Some(items.node), "Items", st, vars)? {
            Some(Value::Array(a)) => Ok(a),
            other => Err(sc.err(
                "States.QueryEvaluationError",
                format!(
                    "The field 'Items' must be an array, but was {}",
                    or_undefined(other.as_ref())
                ),
            )),
        }
    }
}

#[cfg(test)]
mod reads_execution_tests {
    use super::reads_execution;
    use crate::syntax::{parse, SourceKind};

    fn reads(text: &str) -> bool {
        let root = parse(text, SourceKind::Json).root.unwrap();
        reads_execution(&root, 0)
    }

    #[test]
    fn only_states_that_can_observe_the_execution_build_it() {
        assert!(!reads(
            r#"{"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}}"#
        ));
        assert!(!reads(
            r#"{"Parameters": {"s.$": "$$.State.Name", "m.$": "$$.Map.Item.Value"}}"#
        ));
        assert!(!reads(r#"{"Output": "{% $states.context.State.Name %}"}"#));
        assert!(reads(r#"{"Parameters": {"x.$": "$$.Execution.Input"}}"#));
        assert!(reads(r#"{"Parameters": {"ctx.$": "$$"}}"#));
        assert!(reads(r#"{"Parameters": {"ctx.$": "$$.['Execution']"}}"#));
        assert!(reads(r#"{"Parameters": {"ctx.$": "$$.*"}}"#));
        assert!(reads(r#"{"Output": "{% $states.context %}"}"#));
        assert!(reads(
            r#"{"Output": "{% $lookup($states.context, 'Exec' & 'ution') %}"}"#
        ));
        assert!(reads(
            r#"{"Assign": {"c": "{% $states.context.Execution.Id %}"}}"#
        ));
    }
}

//! Type flow: the shape of the data at every state, inferred by a forward data-flow analysis over each scope's
//! transition graph, and every path read checked against it.
//!
//! The transfer of a JSONPath state mirrors the simulator: InputPath → Parameters → result (Pass `Result`, a
//! known task result, the Map's array of iteration outputs, the Parallel's tuple of branch outputs) →
//! ResultSelector → ResultPath (merged into the raw input) → OutputPath. A catcher sends `{Error, Cause}` placed at
//! its ResultPath. JSONata states pass their input on when they have no `Output`, and give `Unknown` otherwise.
//!
//! The machine input is `Unknown` unless given ([`analyze_with_input`]). Unknown stays silent: only a path into a
//! closed object (one built by the definition itself) can be proven absent. Loops iterate to a fixpoint; a state
//! whose input keeps changing is widened to `Unknown`, and a global step budget bounds the work, so the analysis
//! always terminates quickly.

pub mod known;
pub mod query;
pub mod shape;

pub use shape::{Kind, Lookup, Obj, Presence, Prop, Shape};

use crate::expr::intrinsic::{self, ArgKind, Call, ParamKind};
use crate::expr::jsonpath::Root;
use crate::expr::{classify, Path, TemplateExpr};
use crate::model::{PathOrNull, QueryLanguage, RawField, State, StateType};
use crate::rules::path_sites::is_unknown;
use crate::semantic::{ScopeId, Semantic, StateId, Target, TransitionKind};
use crate::syntax::{Node, Span, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// Times a state may be re-analysed with a changed input before its input is widened to `Unknown`.
const WIDEN_AFTER: u32 = 4;
/// Deepest nesting of scopes analysed; deeper scopes give `Unknown`.
const MAX_SCOPE_DEPTH: usize = 40;
/// Deepest nesting of a payload template followed.
const MAX_TEMPLATE_DEPTH: usize = 64;

/// What a path read is evaluated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The raw state input (InputPath).
    Input,
    /// The input after InputPath (and, for Task/Pass/Parallel, the Parameters paths).
    Effective,
    /// The task result (ResultSelector).
    Result,
    /// The state output before OutputPath.
    Output,
}

impl Against {
    pub fn describe(self) -> &'static str {
        match self {
            Against::Input => "the input",
            Against::Effective => "the effective input",
            Against::Result => "the result",
            Against::Output => "the output",
        }
    }
}

/// A type a read requires.
#[derive(Debug, Clone)]
pub struct Expect {
    pub kind: Kind,
    /// Who requires it, for messages: "`ItemsPath`", "`NumericEquals`", "argument 1 of `States.MathAdd`".
    pub by: String,
    /// True when a mismatch does not fail the execution (a Choice comparison then evaluates to false).
    pub soft: bool,
}

/// One path read by a state, with what the analysis knows about it.
#[derive(Debug, Clone)]
pub struct Read {
    pub state: StateId,
    /// The field (`InputPath`, `Parameters`, `ItemsPath`, `Variable`, ...).
    pub field: &'static str,
    /// The string token holding the path (quotes included).
    pub token: Span,
    pub pointer: String,
    /// Offset of the path inside the string content (non-zero inside an intrinsic call).
    pub offset: usize,
    /// The path as written.
    pub text: String,
    pub path: Path,
    pub against: Against,
    pub lookup: Lookup,
    pub expect: Option<Expect>,
    /// The value must exist for the state to run (false for a Choice variable tested with `IsPresent`).
    pub required: bool,
    /// The shape read is the state's raw input (the join of [`StateFlow::incoming`]), so each incoming
    /// transition's shape tells where a field comes from.
    pub from_input: bool,
}

impl Read {
    /// The span of a span of the path inside the file.
    pub fn span_in(&self, source: &str, in_path: Span) -> Span {
        let content = Span::new(
            in_path.start().saturating_add(self.offset),
            in_path.end().saturating_add(self.offset),
        );
        crate::expr::span_map::map_span(source, self.token, content)
    }
}

/// Shapes that reach a state along one transition.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The state the transition leaves (`None` for the scope's `StartAt`).
    pub from: Option<StateId>,
    pub kind: TransitionKind,
    pub shape: Shape,
}

/// What the analysis knows about one state.
#[derive(Debug, Clone)]
pub struct StateFlow {
    /// The state input (the join of `incoming`).
    pub input: Shape,
    /// After InputPath: what `$` means in Parameters, ItemsPath, Choice variables, `...Path` fields.
    pub effective: Shape,
    /// After Parameters (Task, Pass, Parallel): what the task or the branches receive; `effective` otherwise.
    pub payload: Shape,
    /// The state's result, before ResultPath (`None` for states without a result).
    pub result: Option<Shape>,
    /// After ResultPath, before OutputPath.
    pub merged: Shape,
    /// The state output (sent to `Next`, choice rules, `Default`).
    pub output: Shape,
    /// The field that fixed the output's shape and its name, for secondary labels.
    pub origin: Option<(Span, &'static str)>,
    /// What each incoming transition brings.
    pub incoming: Vec<Incoming>,
    /// Every path the state reads.
    pub reads: Vec<Read>,
}

/// The result of the analysis of one definition.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Indexed by [`StateId::index`].
    flows: Vec<Option<StateFlow>>,
}

impl Analysis {
    /// What is known about a state; `None` when it is never reached.
    pub fn state(&self, id: StateId) -> Option<&StateFlow> {
        self.flows.get(id.index()).and_then(Option::as_ref)
    }
    /// Every path read of every reached state.
    pub fn reads(&self) -> impl Iterator<Item = &Read> + '_ {
        self.flows.iter().flatten().flat_map(|f| f.reads.iter())
    }
    /// The shape of `path` (a `$...` path) in the effective input of a state, for hover: `None` when the state is
    /// not reached or the text is not a path.
    pub fn shape_at(&self, id: StateId, path: &str) -> Option<Lookup> {
        let f = self.state(id)?;
        let p = Path::parse(path).ok()?;
        (p.root == Root::Input).then(|| f.effective.lookup(&p.segments))
    }
    /// Field names known after `path` (`$` or `$.a.b`) in a state's effective input, for completion.
    pub fn fields_at(&self, id: StateId, path: &str) -> Vec<String> {
        match self.shape_at(id, path) {
            Some(Lookup::Found(s, _)) => s.field_names().into_iter().map(String::from).collect(),
            _ => Vec::new(),
        }
    }
}

/// Analyses a definition with an unknown machine input.
pub fn analyze<'a>(sem: &Semantic<'a>) -> Analysis {
    analyze_with_input(sem, Shape::Unknown)
}

/// Analyses the definition of a lint context, with the execution input shape the user gave, if any.
/// Computed once per context and shared by the type-flow rules.
pub fn analyze_context<'c>(ctx: &'c crate::rules::Context<'_>) -> Option<&'c Analysis> {
    ctx.typeflow
        .get_or_init(|| {
            let sem = ctx.semantic?;
            Some(analyze_with_input(
                sem,
                ctx.input_shape.cloned().unwrap_or(Shape::Unknown),
            ))
        })
        .as_ref()
}

/// Analyses a definition with a given machine input shape.
pub fn analyze_with_input<'a>(sem: &Semantic<'a>, input: Shape) -> Analysis {
    let mut children: HashMap<StateId, Vec<ScopeId>> = HashMap::new();
    let mut machine = None;
    for sc in sem.scopes() {
        match sc.parent {
            Some(p) => children.entry(p).or_default().push(sc.id),
            None => machine = machine.or(Some(sc.id)),
        }
    }
    let budget = sem.states().len().saturating_mul(40).saturating_add(2_000);
    let mut a = Analyzer {
        sem,
        children,
        flows: HashMap::new(),
        steps: 0,
        budget,
        no_input_path: true,
    };
    if let Some(m) = machine {
        a.scope(m, input, 0);
    }
    let mut flows: Vec<Option<StateFlow>> = Vec::new();
    flows.resize_with(sem.states().len(), || None);
    for (id, f) in a.flows {
        if let Some(slot) = flows.get_mut(id.index()) {
            *slot = Some(f);
        }
    }
    Analysis { flows }
}

struct Analyzer<'s, 'a> {
    sem: &'s Semantic<'a>,
    children: HashMap<StateId, Vec<ScopeId>>,
    flows: HashMap<StateId, StateFlow>,
    steps: usize,
    budget: usize,
    /// The state being analysed has no InputPath (reads of its effective input read its raw input).
    no_input_path: bool,
}

/// What one transfer produces.
struct Transfer {
    flow: StateFlow,
    /// Output per catcher index.
    catch: Vec<Shape>,
}

impl<'s, 'a> Analyzer<'s, 'a> {
    /// Analyses a scope to a fixpoint; returns the join of the outputs of its terminal states.
    fn scope(&mut self, id: ScopeId, input: Shape, depth: usize) -> Shape {
        let sem = self.sem;
        let Some(sc) = sem.scope(id) else {
            return Shape::Unknown;
        };
        if depth > MAX_SCOPE_DEPTH {
            return Shape::Unknown;
        }
        let Some(start) = sc.start_state() else {
            return Shape::Unknown;
        };
        let mut inputs: HashMap<StateId, BTreeMap<(usize, usize), Incoming>> = HashMap::new();
        let mut visits: HashMap<StateId, u32> = HashMap::new();
        // The join of what reached each state so far, kept incrementally (a state with thousands of incoming
        // transitions, such as a shared error handler, is not re-joined from scratch each time).
        let mut joined: HashMap<StateId, Shape> = HashMap::new();
        joined.insert(start, input.clone());
        let mut queue: VecDeque<StateId> = VecDeque::new();
        let mut queued: HashSet<StateId> = HashSet::new();
        inputs.entry(start).or_default().insert(
            (usize::MAX, 0),
            Incoming {
                from: None,
                kind: TransitionKind::Start,
                shape: input,
            },
        );
        queue.push_back(start);
        queued.insert(start);
        let mut result: Option<Shape> = None;
        let mut open_end = false;
        while let Some(sid) = queue.pop_front() {
            queued.remove(&sid);
            let Some(info) = sem.state(sid) else { continue };
            let n = visits.entry(sid).or_insert(0);
            *n += 1;
            self.steps += 1;
            let widened = (*n > WIDEN_AFTER && sem.in_cycle(sid)) || self.steps > self.budget;
            let state_input = if widened {
                joined.insert(sid, Shape::Unknown);
                Shape::Unknown
            } else {
                joined.get(&sid).cloned().unwrap_or(Shape::Unknown)
            };
            let t = self.transfer(sid, info.state, state_input, Vec::new(), depth);
            // Send the output along every transition.
            for tid in &info.outgoing {
                let Some(tr) = sem.transition(*tid) else {
                    continue;
                };
                let Target::InScope(to) = tr.target else {
                    open_end = true;
                    continue;
                };
                let shape = match tr.kind {
                    TransitionKind::Catch { index } => {
                        t.catch.get(index).cloned().unwrap_or(Shape::Unknown)
                    }
                    _ => t.flow.output.clone(),
                };
                let key = (sid.index(), tid.index());
                let slot = inputs.entry(to).or_default();
                let changed = slot.get(&key).is_none_or(|old| old.shape != shape);
                if changed {
                    let j = match joined.remove(&to) {
                        Some(old) => old.join(&shape),
                        None => shape.clone(),
                    };
                    joined.insert(to, j);
                    slot.insert(
                        key,
                        Incoming {
                            from: Some(sid),
                            kind: tr.kind,
                            shape,
                        },
                    );
                    if queued.insert(to) {
                        queue.push_back(to);
                    }
                }
            }
            if info.open {
                open_end = true;
            }
            self.flows.insert(sid, t.flow);
        }
        for (sid, m) in inputs {
            if let Some(f) = self.flows.get_mut(&sid) {
                f.incoming = m.into_values().collect();
            }
        }
        // The scope's output: the join of the outputs of its End/Succeed states (Fail states produce none).
        for sid in &sc.states {
            let Some(info) = sem.state(*sid) else {
                continue;
            };
            if !info.terminal || info.state.state_type() == Some(StateType::Fail) {
                continue;
            }
            if let Some(f) = self.flows.get(sid) {
                result = Some(match result {
                    Some(r) => r.join(&f.output),
                    None => f.output.clone(),
                });
            }
        }
        if open_end {
            return Shape::Unknown;
        }
        result.unwrap_or(Shape::Unknown)
    }

    fn transfer(
        &mut self,
        sid: StateId,
        st: &'a State<'a>,
        input: Shape,
        incoming: Vec<Incoming>,
        depth: usize,
    ) -> Transfer {
        let mut reads = Vec::new();
        let ty = st.state_type();
        if st.query_language == QueryLanguage::Jsonata || ty.is_none() {
            let passes = st.output.is_none()
                && matches!(
                    ty,
                    Some(
                        StateType::Pass | StateType::Choice | StateType::Wait | StateType::Succeed
                    )
                );
            let rule_outputs = st.choices.iter().any(|r| r.output.is_some());
            let out = if rule_outputs || ty.is_none() {
                Shape::Unknown
            } else if passes {
                input.clone()
            } else {
                st.output
                    .as_ref()
                    .map_or(Shape::Unknown, |o| jsonata_output(o.node, &input, 0))
            };
            // Child scopes are still analysed, with an unknown input.
            if let Some(kids) = self.children.get(&sid).cloned() {
                for k in kids {
                    self.scope(k, Shape::Unknown, depth + 1);
                }
            }
            let catch = st
                .catch
                .iter()
                .map(|c| match &c.output {
                    None if ty.is_some() => error_output(),
                    None => Shape::Unknown,
                    Some(o) => jsonata_output(o.node, &input, 0),
                })
                .collect();
            return Transfer {
                flow: StateFlow {
                    input: input.clone(),
                    effective: input.clone(),
                    payload: input,
                    result: None,
                    merged: out.clone(),
                    output: out,
                    origin: None,
                    incoming,
                    reads,
                },
                catch,
            };
        }
        let ty = ty.unwrap_or(StateType::Pass);
        self.no_input_path = st.input_path.is_none();
        let mut origin: Option<(Span, &'static str)> = None;
        // InputPath
        let mut effective = match &st.input_path {
            None => input.clone(),
            Some(f) => match f.value {
                Some(PathOrNull::Null) => {
                    origin = Some((f.key.span, "InputPath"));
                    Shape::Object(Obj::default())
                }
                Some(PathOrNull::Path(p)) => {
                    match self.read(
                        &mut reads,
                        sid,
                        "InputPath",
                        f.node,
                        &f.pointer,
                        p,
                        Against::Input,
                        &input,
                        None,
                    ) {
                        Some(l) => l.shape(),
                        None => Shape::Unknown,
                    }
                }
                None => Shape::Unknown,
            },
        };
        let after_input = effective.clone();
        let after_input_kept = after_input.clone();
        // Parameters (Task, Pass, Parallel; a Map's Parameters is its legacy ItemSelector).
        if ty != StateType::Map {
            if let Some(p) = &st.parameters {
                effective = self.template(&mut reads, sid, "Parameters", p, &effective);
                origin = Some((p.key.span, "Parameters"));
            }
        }
        // Paths read from the input after InputPath (a Task's timeouts: only when there are no Parameters, as
        // which of the two they read is not documented).
        let base = if ty == StateType::Task && st.parameters.is_some() {
            Shape::Unknown
        } else {
            after_input
        };
        self.effective_reads(&mut reads, sid, st, ty, &base);
        // The result.
        let mut result = match ty {
            StateType::Pass => Some(match &st.result {
                Some(r) => {
                    origin = Some((r.key.span, "Result"));
                    Shape::of_literal(r.node)
                }
                None => effective.clone(),
            }),
            StateType::Task => {
                let shape = st
                    .resource
                    .as_ref()
                    .and_then(|r| r.value)
                    .filter(|r| !is_unknown(r))
                    .and_then(known::result_shape)
                    .unwrap_or(Shape::Unknown);
                origin = st.resource.as_ref().map(|r| (r.key.span, "Resource"));
                Some(shape)
            }
            StateType::Parallel => {
                let kids = self.children.get(&sid).cloned().unwrap_or_default();
                let mut outs = Vec::new();
                for k in kids {
                    outs.push(self.scope(k, effective.clone(), depth + 1));
                }
                origin = st.branches_field.as_ref().map(|b| (b.key.span, "Branches"));
                Some(Shape::Tuple(outs))
            }
            StateType::Map => Some(self.map(&mut reads, sid, st, &effective, depth)),
            _ => None,
        };
        if ty == StateType::Map {
            origin = st
                .item_processor
                .as_ref()
                .map(|s| (s.node.span, "ItemProcessor"));
        }
        // ResultSelector
        if let (Some(rs), Some(r)) = (&st.result_selector, &result) {
            let shaped = self.template(&mut reads, sid, "ResultSelector", rs, r);
            result = Some(shaped);
            origin = Some((rs.key.span, "ResultSelector"));
        }
        // ResultPath
        let merged = match &result {
            None => effective.clone(),
            Some(r) => match &st.result_path {
                None => r.clone(),
                Some(f) => match f.value {
                    Some(PathOrNull::Null) => {
                        origin = Some((f.key.span, "ResultPath"));
                        input.clone()
                    }
                    Some(PathOrNull::Path(p)) => {
                        origin = Some((f.key.span, "ResultPath"));
                        result_path(&input, p, r.clone())
                    }
                    None => Shape::Unknown,
                },
            },
        };
        // OutputPath
        let output = match &st.output_path {
            None => merged.clone(),
            Some(f) => {
                origin = Some((f.key.span, "OutputPath"));
                match f.value {
                    Some(PathOrNull::Null) => Shape::Object(Obj::default()),
                    Some(PathOrNull::Path(p)) => self
                        .read(
                            &mut reads,
                            sid,
                            "OutputPath",
                            f.node,
                            &f.pointer,
                            p,
                            Against::Output,
                            &merged,
                            None,
                        )
                        .map_or(Shape::Unknown, |l| l.shape()),
                    None => Shape::Unknown,
                }
            }
        };
        // Catchers: {Error, Cause} at the catcher's ResultPath (default `$`), merged into the raw input.
        let error_output = error_output();
        let catch = st
            .catch
            .iter()
            .map(|c| match &c.result_path {
                None => error_output.clone(),
                Some(f) => match f.value {
                    Some(PathOrNull::Null) => input.clone(),
                    Some(PathOrNull::Path(p)) => result_path(&input, p, error_output.clone()),
                    None => Shape::Unknown,
                },
            })
            .collect();
        Transfer {
            flow: StateFlow {
                input,
                effective: after_input_kept,
                payload: effective,
                result,
                merged,
                output,
                origin,
                incoming,
                reads,
            },
            catch,
        }
    }

    /// A Map state's result: an array of its iterations' outputs.
    fn map(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        st: &'a State<'a>,
        effective: &Shape,
        depth: usize,
    ) -> Shape {
        let item = if st.item_reader.is_some() {
            Shape::Unknown
        } else {
            let items = match &st.items_path {
                Some(f) => match f.value {
                    Some(p) => self
                        .read(
                            reads,
                            sid,
                            "ItemsPath",
                            f.node,
                            &f.pointer,
                            p,
                            Against::Effective,
                            effective,
                            Some(Expect {
                                kind: Kind::Array,
                                by: "`ItemsPath`".into(),
                                soft: false,
                            }),
                        )
                        .map_or(Shape::Unknown, |l| l.shape()),
                    None => Shape::Unknown,
                },
                None if st.items.is_some() => Shape::Unknown,
                None => effective.clone(),
            };
            match items {
                Shape::Array(x) => *x,
                Shape::Tuple(xs) => join_all(xs.iter()),
                _ => Shape::Unknown,
            }
        };
        let selector = st.item_selector.as_ref().or(st.parameters.as_ref());
        let iteration_input = match selector {
            // `$` in an ItemSelector is the Map's effective input; the item comes from `$$.Map.Item.Value`.
            Some(sel) => self.template(reads, sid, "ItemSelector", sel, effective),
            None => item,
        };
        // With an ItemBatcher, each iteration receives `{Items: [...], BatchInput}`.
        let iteration_input = if st.item_batcher.is_some() {
            let mut o =
                Obj::closed([("Items".to_string(), Shape::Array(Box::new(iteration_input)))]);
            o.open = true;
            Shape::Object(o)
        } else {
            iteration_input
        };
        let kids = self.children.get(&sid).cloned().unwrap_or_default();
        let mut out = Shape::Unknown;
        for k in kids {
            out = self.scope(k, iteration_input.clone(), depth + 1);
        }
        if st.result_writer.is_some() {
            return Shape::Unknown;
        }
        Shape::Array(Box::new(out))
    }

    /// Reads of the effective input other than payload templates: Choice variables and operands, Wait and Task
    /// `...Path` fields, Map MaxConcurrencyPath.
    fn effective_reads(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        st: &'a State<'a>,
        ty: StateType,
        effective: &Shape,
    ) {
        let mut simple =
            |name: &'static str, f: &Option<crate::model::Field<'a, &'a str>>, kind: Kind| {
                if let Some(f) = f {
                    if let Some(p) = f.value {
                        self.read(
                            reads,
                            sid,
                            name,
                            f.node,
                            &f.pointer,
                            p,
                            Against::Effective,
                            effective,
                            Some(Expect {
                                kind,
                                by: format!("`{name}`"),
                                soft: false,
                            }),
                        );
                    }
                }
            };
        match ty {
            StateType::Wait => {
                simple("SecondsPath", &st.seconds_path, Kind::Number);
                simple("TimestampPath", &st.timestamp_path, Kind::String);
            }
            StateType::Task => {
                simple("TimeoutSecondsPath", &st.timeout_seconds_path, Kind::Number);
                simple(
                    "HeartbeatSecondsPath",
                    &st.heartbeat_seconds_path,
                    Kind::Number,
                );
            }
            StateType::Map => {
                simple("MaxConcurrencyPath", &st.max_concurrency_path, Kind::Number);
            }
            StateType::Choice => {
                let guarded = guarded_variables(&st.choices);
                let mut stack: Vec<&'a crate::model::ChoiceRule<'a>> = st.choices.iter().collect();
                let mut n = 0usize;
                while let Some(rule) = stack.pop() {
                    n += 1;
                    if n > 10_000 {
                        break;
                    }
                    stack.extend(rule.and_rules.iter());
                    stack.extend(rule.or_rules.iter());
                    stack.extend(rule.not_rule.as_deref());
                    self.choice_rule(reads, sid, rule, effective, &guarded);
                }
            }
            _ => {}
        }
    }

    fn choice_rule(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        rule: &'a crate::model::ChoiceRule<'a>,
        effective: &Shape,
        guarded: &[&str],
    ) {
        let Some(var) = &rule.variable else { return };
        let Some(text) = var.value else { return };
        let cmp = rule.comparisons.first();
        let op = cmp.map(|c| c.operator).unwrap_or("");
        let base = op.strip_suffix("Path").unwrap_or(op);
        let kind = if base.starts_with("String") || base.starts_with("Timestamp") {
            Some(Kind::String)
        } else if base.starts_with("Numeric") {
            Some(Kind::Number)
        } else if base.starts_with("Boolean") {
            Some(Kind::Boolean)
        } else {
            None
        };
        let is_test = base.starts_with("Is");
        let expect = kind.map(|k| Expect {
            kind: k,
            by: format!("`{op}`"),
            soft: true,
        });
        let n = reads.len();
        self.read(
            reads,
            sid,
            "Variable",
            var.node,
            &var.pointer,
            text,
            Against::Effective,
            effective,
            expect.clone(),
        );
        if let Some(r) = reads.get_mut(n) {
            r.required = !is_test && !guarded.contains(&text);
        }
        if let Some(c) = cmp.filter(|c| c.is_path) {
            if let Some(p) = c.field.node.as_str() {
                let n = reads.len();
                self.read(
                    reads,
                    sid,
                    "Choices",
                    c.field.node,
                    &c.field.pointer,
                    p,
                    Against::Effective,
                    effective,
                    expect,
                );
                if let Some(r) = reads.get_mut(n) {
                    r.required = !guarded.contains(&p);
                }
            }
        }
    }

    /// Records a read of `text` (a path) against `shape`; returns its lookup when it is a `$` path.
    #[allow(clippy::too_many_arguments)]
    fn read(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        field: &'static str,
        node: &'a Node,
        pointer: &str,
        text: &str,
        against: Against,
        shape: &Shape,
        expect: Option<Expect>,
    ) -> Option<Lookup> {
        self.read_at(
            reads, sid, field, node, pointer, text, 0, against, shape, expect,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn read_at(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        field: &'static str,
        node: &'a Node,
        pointer: &str,
        text: &str,
        offset: usize,
        against: Against,
        shape: &Shape,
        expect: Option<Expect>,
    ) -> Option<Lookup> {
        if is_unknown(text) {
            return None;
        }
        let path = Path::parse(text).ok()?;
        if path.root != Root::Input {
            return None;
        }
        let lookup = shape.lookup(&path.segments);
        reads.push(Read {
            state: sid,
            field,
            token: node.span,
            pointer: pointer.to_string(),
            offset,
            text: text.to_string(),
            path,
            against,
            lookup: lookup.clone(),
            expect,
            required: true,
            from_input: against == Against::Input
                || (against == Against::Effective && self.no_input_path),
        });
        Some(lookup)
    }

    /// The shape a payload template builds from `input`, recording its reads.
    fn template(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        field: &'static str,
        f: &'a RawField<'a>,
        input: &Shape,
    ) -> Shape {
        let against = if field == "ResultSelector" {
            Against::Result
        } else {
            Against::Effective
        };
        self.template_node(reads, sid, field, f.node, &f.pointer, input, against, 0)
    }

    #[allow(clippy::too_many_arguments)]
    fn template_node(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        field: &'static str,
        node: &'a Node,
        pointer: &str,
        input: &Shape,
        against: Against,
        depth: usize,
    ) -> Shape {
        if depth > MAX_TEMPLATE_DEPTH {
            return Shape::Unknown;
        }
        match &node.value {
            Value::Object(members) => {
                let mut o = Obj::default();
                for m in members {
                    let key = m.key.text.as_str();
                    let mp = crate::syntax::pointer_push(pointer, key);
                    if is_unknown(key) {
                        o.open = true;
                        continue;
                    }
                    let (name, shape) = match key.strip_suffix(".$") {
                        Some(name) => (
                            name,
                            match m.value.as_str() {
                                Some(s) => self.expression(
                                    reads, sid, field, &m.value, &mp, s, input, against,
                                ),
                                None => Shape::Unknown,
                            },
                        ),
                        None => (
                            key,
                            self.template_node(
                                reads,
                                sid,
                                field,
                                &m.value,
                                &mp,
                                input,
                                against,
                                depth + 1,
                            ),
                        ),
                    };
                    if o.fields.len() >= shape::MAX_FIELDS {
                        o.open = true;
                        continue;
                    }
                    std::sync::Arc::make_mut(&mut o.fields).insert(
                        name.to_string(),
                        Prop {
                            shape,
                            optional: false,
                            unsure: false,
                        },
                    );
                }
                Shape::Object(o)
            }
            Value::Array(items) => {
                let shapes: Vec<Shape> = items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let ip = crate::syntax::pointer_push(pointer, &i.to_string());
                        self.template_node(reads, sid, field, n, &ip, input, against, depth + 1)
                    })
                    .collect();
                if shapes.len() > shape::MAX_TUPLE {
                    Shape::Array(Box::new(join_all(shapes.iter())))
                } else {
                    Shape::Tuple(shapes)
                }
            }
            _ => Shape::of_literal(node),
        }
    }

    /// The shape of a `key.$` value, recording the reads of its paths.
    #[allow(clippy::too_many_arguments)]
    fn expression(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        field: &'static str,
        node: &'a Node,
        pointer: &str,
        text: &str,
        input: &Shape,
        against: Against,
    ) -> Shape {
        if is_unknown(text) {
            return Shape::Unknown;
        }
        match classify(text) {
            TemplateExpr::Path(_) => self
                .read(reads, sid, field, node, pointer, text, against, input, None)
                .map_or(Shape::Unknown, |l| l.shape()),
            TemplateExpr::Intrinsic(call) => self.call(
                reads, sid, field, node, pointer, text, &call, input, against, 0,
            ),
            _ => Shape::Unknown,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        field: &'static str,
        node: &'a Node,
        pointer: &str,
        text: &str,
        call: &Call,
        input: &Shape,
        against: Against,
        depth: usize,
    ) -> Shape {
        if depth > 16 {
            return Shape::Unknown;
        }
        let sig = intrinsic::signature(&call.name);
        for (i, arg) in call.args.iter().enumerate() {
            match &arg.kind {
                ArgKind::Path { text: ptext, .. } => {
                    let kind = sig.and_then(|s| s.param(i)).and_then(|p| match p {
                        ParamKind::String => Some(Kind::String),
                        ParamKind::Number | ParamKind::Integer => Some(Kind::Number),
                        ParamKind::Boolean => Some(Kind::Boolean),
                        ParamKind::Array => Some(Kind::Array),
                        ParamKind::Object => Some(Kind::Object),
                        _ => None,
                    });
                    let expect = kind.map(|k| Expect {
                        kind: k,
                        by: format!("argument {} of `{}`", i + 1, call.name),
                        soft: false,
                    });
                    // The path text sits at the argument's span inside the string.
                    if text.get(arg.span.range()) == Some(ptext.as_str()) {
                        self.read_at(
                            reads,
                            sid,
                            field,
                            node,
                            pointer,
                            ptext,
                            arg.span.start(),
                            against,
                            input,
                            expect,
                        );
                    }
                }
                ArgKind::Call(inner) => {
                    self.call(
                        reads,
                        sid,
                        field,
                        node,
                        pointer,
                        text,
                        inner,
                        input,
                        against,
                        depth + 1,
                    );
                }
                _ => {}
            }
        }
        known::intrinsic_return(&call.name)
    }
}

/// The error output a catcher passes: `{Error, Cause}`.
fn error_output() -> Shape {
    Shape::Object(Obj::closed([
        ("Error".to_string(), Shape::String),
        ("Cause".to_string(), Shape::String),
    ]))
}

/// The shape of a JSONata `Output` (or catcher `Output`) where it is evident: the JSON structure around the
/// `{% %}` expressions, literals, and `{% $states.input.a.b %}` navigation; `Unknown` for any other expression.
fn jsonata_output(node: &Node, input: &Shape, depth: usize) -> Shape {
    if depth > MAX_TEMPLATE_DEPTH {
        return Shape::Unknown;
    }
    match &node.value {
        Value::String(s) => {
            let t = s.trim();
            let Some(expr) = t.strip_prefix("{%").and_then(|r| r.strip_suffix("%}")) else {
                return if is_unknown(s) {
                    Shape::Unknown
                } else {
                    Shape::String
                };
            };
            jsonata_expression(expr.trim(), input)
        }
        Value::Object(members) => {
            let mut o = Obj::default();
            for m in members {
                if is_unknown(&m.key.text) || o.fields.len() >= shape::MAX_FIELDS {
                    o.open = true;
                    continue;
                }
                let shape = jsonata_output(&m.value, input, depth + 1);
                std::sync::Arc::make_mut(&mut o.fields).insert(
                    m.key.text.clone(),
                    Prop {
                        shape,
                        optional: false,
                        unsure: false,
                    },
                );
            }
            Shape::Object(o)
        }
        Value::Array(items) if items.len() <= shape::MAX_TUPLE => Shape::Tuple(
            items
                .iter()
                .map(|n| jsonata_output(n, input, depth + 1))
                .collect(),
        ),
        _ => Shape::of_literal(node),
    }
}

/// The shape of a JSONata expression when evident: a literal or `$states.input` navigation by plain names.
fn jsonata_expression(expr: &str, input: &Shape) -> Shape {
    if let Some(rest) = expr.strip_prefix("$states.input") {
        let plain = rest.split('.').skip(1).all(|seg| {
            !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
        if rest.is_empty() || (rest.starts_with('.') && plain) {
            return match Path::parse(&format!("${rest}")) {
                Ok(p) => match input.lookup(&p.segments) {
                    Lookup::Found(s, Presence::Always) => s,
                    _ => Shape::Unknown,
                },
                Err(_) => Shape::Unknown,
            };
        }
        return Shape::Unknown;
    }
    match expr {
        "true" | "false" => Shape::Boolean,
        "null" => Shape::Null,
        _ if expr.len() >= 2
            && ((expr.starts_with('"') && expr.ends_with('"'))
                || (expr.starts_with('\'') && expr.ends_with('\''))) =>
        {
            let inner = &expr[1..expr.len() - 1];
            if inner.contains(['"', '\'', '&']) {
                Shape::Unknown
            } else {
                Shape::String
            }
        }
        _ => match expr.parse::<f64>() {
            Ok(x) if x.is_finite() && !expr.contains(|c: char| c.is_ascii_alphabetic()) => {
                Shape::Number {
                    integer: !expr.contains(['.', 'e', 'E']),
                }
            }
            _ => Shape::Unknown,
        },
    }
}

/// The shape after ResultPath `path` writes `result` into `input`.
fn result_path(input: &Shape, path: &str, result: Shape) -> Shape {
    if is_unknown(path) {
        return Shape::Unknown;
    }
    match Path::parse(path) {
        Ok(p) if p.root == Root::Input => input.set(&p.segments, result),
        _ => Shape::Unknown,
    }
}

/// The join of several shapes (`Unknown` for none).
fn join_all<'x>(mut shapes: impl Iterator<Item = &'x Shape>) -> Shape {
    let Some(first) = shapes.next() else {
        return Shape::Unknown;
    };
    let mut acc = first.clone();
    for s in shapes {
        if acc == Shape::Unknown {
            break;
        }
        acc = acc.join(s);
    }
    acc
}

/// Variables a Choice state tests with a type test (`IsPresent`, `IsNull`, ...) anywhere in its rules: reading
/// them elsewhere in the state may be guarded.
fn guarded_variables<'a>(rules: &'a [crate::model::ChoiceRule<'a>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut stack: Vec<&crate::model::ChoiceRule<'a>> = rules.iter().collect();
    let mut n = 0usize;
    while let Some(r) = stack.pop() {
        n += 1;
        if n > 10_000 {
            break;
        }
        stack.extend(r.and_rules.iter());
        stack.extend(r.or_rules.iter());
        stack.extend(r.not_rule.as_deref());
        if r.comparisons.iter().any(|c| c.operator.starts_with("Is")) {
            if let Some(v) = r.variable.as_ref().and_then(|v| v.value) {
                out.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;

//! Type flow: the shape of the data at every state, inferred by a forward data-flow analysis over each scope's
//! transition graph, and every path read checked against it.
//!
//! The transfer of a JSONPath state mirrors the simulator: InputPath → Parameters → result (Pass `Result`, a
//! known task result, the Map's array of iteration outputs, the Parallel's tuple of branch outputs) →
//! ResultSelector → ResultPath (merged into the raw input) → OutputPath. A catcher sends `{Error, Cause}` placed at
//! its ResultPath. JSONata states give their `Output` where its shape is evident ([`jsonata`]), their input (Pass,
//! Choice, Wait, Succeed) or their result (Task, Map, Parallel) when they have none.
//!
//! Workflow variables are tracked beside the data: an object shape with one field per variable (optional when
//! assigned on some paths only), updated by each state's `Assign` on its way out (a catcher's on its transition, a
//! choice rule's on its rule's), joined at merge points. A Parallel branch or inline Map iteration starts with the
//! variables of its state's entry, a Distributed Map child with none; nothing assigned inside is visible after.
//! `$var.field` reads are checked like `$.field` reads, and `$$` reads against the context object
//! ([`context::shape`]).
//!
//! The machine input is `Unknown` unless given ([`analyze_with_input`]). Unknown stays silent: only a path into a
//! closed object (one built by the definition itself) can be proven absent. Loops iterate to a fixpoint; a state
//! whose input keeps changing is widened to `Unknown`, and a global step budget bounds the work, so the analysis
//! always terminates quickly.

pub mod context;
pub mod jsonata;
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
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    /// A workflow variable (`$name...`): the value it holds on entry to the state.
    Variable,
    /// The context object (`$$...`).
    Context,
    /// A catcher's error output `{Error, Cause}` (the `$` of a JSONPath catcher's `Assign`).
    ErrorOutput,
}

impl Against {
    pub fn describe(self) -> &'static str {
        match self {
            Against::Input => "the input",
            Against::Effective => "the effective input",
            Against::Result => "the result",
            Against::Output => "the output",
            Against::Variable => "the variable",
            Against::Context => "the context object",
            Against::ErrorOutput => "the error output",
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
    /// Another kind the place also accepts (`MaxConcurrencyPath` parses a string as an integer).
    pub also: Option<Kind>,
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
    /// The workflow variables the transition brings (an object shape, one field per variable).
    pub vars: Shape,
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
    /// The workflow variables on entry (an object shape, one field per variable; the join of `incoming`).
    pub vars: Shape,
    /// Every path the state reads.
    pub reads: Vec<Read>,
}

/// One assignment of a workflow variable (a key of an `Assign`) with the shape it assigns.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub state: StateId,
    /// The variable name (without `$` and without a JSONPath `.$` suffix).
    pub name: String,
    /// The key in the file.
    pub span: Span,
    pub shape: Shape,
}

/// The result of the analysis of one definition.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Indexed by [`StateId::index`].
    flows: Vec<Option<StateFlow>>,
    /// In source order.
    assignments: Vec<Assigned>,
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
    /// The shape of `path` for hover: a `$...` path in the effective input of a state, or a `$var...` path in the
    /// value the variable holds on entry to it. `None` when the state is not reached, the text is not such a path,
    /// or the variable is not assigned on any path to the state.
    pub fn shape_at(&self, id: StateId, path: &str) -> Option<Lookup> {
        let f = self.state(id)?;
        let p = Path::parse(path).ok()?;
        match &p.root {
            Root::Input => Some(f.effective.lookup(&p.segments)),
            Root::Variable(name) => match self.variable_at(id, name)? {
                Lookup::Found(s, _) => Some(s.lookup(&p.segments)),
                other => Some(other),
            },
            Root::Context => None,
        }
    }
    /// Every assignment of a reached state, in source order, with the shape assigned.
    pub fn assignments(&self) -> &[Assigned] {
        &self.assignments
    }
    /// The shape of workflow variable `name` on entry to a state (`None` when the state is not reached or the
    /// variable is not assigned on any path to it).
    pub fn variable_at(&self, id: StateId, name: &str) -> Option<Lookup> {
        match &self.state(id)?.vars {
            Shape::Object(o) => o.fields.get(name).map(|p| {
                if p.unsure {
                    Lookup::Unknown
                } else {
                    let presence = if p.optional {
                        Presence::Sometimes
                    } else {
                        Presence::Always
                    };
                    Lookup::Found(p.shape.clone(), presence)
                }
            }),
            _ => None,
        }
    }
    /// The shape a read was looked up in: the state's input, effective input, result or output, the variable's
    /// value, the context object or the error output.
    pub fn base(&self, read: &Read) -> Shape {
        let Some(f) = self.state(read.state) else {
            return Shape::Unknown;
        };
        match read.against {
            Against::Input => f.input.clone(),
            Against::Effective => f.effective.clone(),
            Against::Result => f.result.clone().unwrap_or(Shape::Unknown),
            Against::Output => f.merged.clone(),
            Against::ErrorOutput => error_output(),
            Against::Variable => match &read.path.root {
                Root::Variable(n) => match self.variable_at(read.state, n) {
                    Some(Lookup::Found(s, _)) => s,
                    _ => Shape::Unknown,
                },
                _ => Shape::Unknown,
            },
            Against::Context => Shape::Unknown,
        }
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
    let mut jsonata = HashMap::new();
    for j in &sem.exprs().jsonata {
        let (Some(parsed), Some(enclosed)) = (&j.parsed, &j.enclosed) else {
            continue;
        };
        if let Some(ast) = &parsed.ast {
            let locals = crate::expr::jsonata::local_bindings(enclosed.body, &parsed.tokens);
            jsonata.insert(j.string.node.span, (ast, locals));
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
        machine_input: input.clone(),
        vars: empty_vars(),
        site: context::Site {
            state: None,
            map_item: false,
        },
        item: Shape::Unknown,
        jsonata,
        assigned: HashMap::new(),
    };
    if let Some(m) = machine {
        a.scope(m, input, empty_vars(), 0);
    }
    let mut flows: Vec<Option<StateFlow>> = Vec::new();
    flows.resize_with(sem.states().len(), || None);
    for (id, f) in a.flows {
        if let Some(slot) = flows.get_mut(id.index()) {
            *slot = Some(f);
        }
    }
    let mut assignments: Vec<Assigned> = a
        .assigned
        .into_values()
        .filter(|x| flows.get(x.state.index()).is_some_and(Option::is_some))
        .collect();
    assignments.sort_by_key(|x| (x.span.start(), x.span.end()));
    Analysis { flows, assignments }
}

/// No workflow variable: the variables at the start of an execution (or of a Distributed Map child).
fn empty_vars() -> Shape {
    Shape::Object(Obj::default())
}

struct Analyzer<'s, 'a> {
    sem: &'s Semantic<'a>,
    children: HashMap<StateId, Vec<ScopeId>>,
    flows: HashMap<StateId, StateFlow>,
    steps: usize,
    budget: usize,
    /// The state being analysed has no InputPath (reads of its effective input read its raw input).
    no_input_path: bool,
    /// The execution input (`$$.Execution.Input`).
    machine_input: Shape,
    /// The workflow variables on entry to the state being analysed.
    vars: Shape,
    /// Where the state being analysed reads the context object (built only when a `$$` path is read).
    site: context::Site,
    /// The Map item (`$$.Map.Item.Value`) while a Map's ItemSelector is analysed.
    item: Shape,
    /// The parsed JSONata expressions of the expression index by string node span, with their local names.
    jsonata: HashMap<Span, (&'s crate::expr::jsonata::AstNode, HashSet<String>)>,
    /// Assignments by key span (the last analysis of a state wins).
    assigned: HashMap<Span, Assigned>,
}

/// Where a read is: its state, field, string node and pointer.
#[derive(Clone, Copy)]
struct Slot<'a, 'p> {
    sid: StateId,
    field: &'static str,
    node: &'a Node,
    pointer: &'p str,
}

/// What one transfer produces.
struct Transfer {
    flow: StateFlow,
    /// Output and variables per catcher index.
    catch: Vec<(Shape, Shape)>,
    /// The variables after the state (sent with `Next` and `Default`).
    vars: Shape,
    /// Per top-level choice rule: its own output (JSONata rule `Output`) and the variables it sends.
    rules: Vec<(Option<Shape>, Shape)>,
}

/// The states of a scope reachable from `start` in reverse postorder of a depth-first walk (iterative).
fn reverse_postorder(sem: &Semantic<'_>, start: StateId) -> Vec<StateId> {
    let mut post = Vec::new();
    let mut seen: HashSet<StateId> = HashSet::new();
    let mut stack: Vec<(StateId, usize)> = vec![(start, 0)];
    seen.insert(start);
    while let Some((sid, i)) = stack.last().copied() {
        let out = sem.state(sid).map_or(&[][..], |s| s.outgoing.as_slice());
        match out.get(i) {
            Some(tid) => {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                if let Some(Target::InScope(to)) = sem.transition(*tid).map(|t| t.target) {
                    if seen.insert(to) {
                        stack.push((to, 0));
                    }
                }
            }
            None => {
                post.push(sid);
                stack.pop();
            }
        }
    }
    post.reverse();
    post
}

impl<'s, 'a> Analyzer<'s, 'a> {
    /// Analyses a scope to a fixpoint; returns the join of the outputs of its terminal states.
    ///
    /// The worklist is taken in reverse postorder, so a state is analysed after its predecessors (outside
    /// cycles, exactly once); each visit replaces the state's flow and reads, so the last one (at the fixpoint)
    /// stays.
    fn scope(&mut self, id: ScopeId, input: Shape, vars: Shape, depth: usize) -> Shape {
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
        let order = reverse_postorder(sem, start);
        let rank: HashMap<StateId, usize> =
            order.iter().enumerate().map(|(i, s)| (*s, i)).collect();
        let mut inputs: HashMap<StateId, BTreeMap<(usize, usize), Incoming>> = HashMap::new();
        let mut visits: HashMap<StateId, u32> = HashMap::new();
        // The join of what reached each state so far (data, variables), kept incrementally (a state with
        // thousands of incoming transitions, such as a shared error handler, is not re-joined from scratch).
        let mut joined: HashMap<StateId, (Shape, Shape)> = HashMap::new();
        joined.insert(start, (input.clone(), vars.clone()));
        let mut queue: BTreeSet<usize> = BTreeSet::new();
        inputs.entry(start).or_default().insert(
            (usize::MAX, 0),
            Incoming {
                from: None,
                kind: TransitionKind::Start,
                shape: input,
                vars,
            },
        );
        queue.insert(0);
        let mut open_end = false;
        while let Some(pos) = queue.pop_first() {
            let Some(&sid) = order.get(pos) else { continue };
            let Some(info) = sem.state(sid) else { continue };
            let n = visits.entry(sid).or_insert(0);
            *n += 1;
            self.steps += 1;
            let in_cycle = sem.in_cycle(sid);
            let widened = (*n > WIDEN_AFTER && in_cycle) || self.steps > self.budget;
            let (state_input, state_vars) = match joined.get_mut(&sid) {
                Some(j) => {
                    if widened {
                        *j = (Shape::Unknown, widen_vars(&j.1));
                    }
                    j.clone()
                }
                None => (Shape::Unknown, empty_vars()),
            };
            let t = self.transfer(sid, info.state, state_input, state_vars, depth);
            // Send the output along every transition.
            for tid in &info.outgoing {
                let Some(tr) = sem.transition(*tid) else {
                    continue;
                };
                let Target::InScope(to) = tr.target else {
                    open_end = true;
                    continue;
                };
                let (shape, vars) = match tr.kind {
                    TransitionKind::Catch { index } => t
                        .catch
                        .get(index)
                        .cloned()
                        .unwrap_or((Shape::Unknown, t.vars.clone())),
                    TransitionKind::ChoiceRule { index } => match t.rules.get(index) {
                        Some((out, v)) => (
                            out.clone().unwrap_or_else(|| t.flow.output.clone()),
                            v.clone(),
                        ),
                        None => (t.flow.output.clone(), t.vars.clone()),
                    },
                    _ => (t.flow.output.clone(), t.vars.clone()),
                };
                let key = (sid.index(), tid.index());
                let slot = inputs.entry(to).or_default();
                let changed = slot
                    .get(&key)
                    .is_none_or(|old| old.shape != shape || old.vars != vars);
                if changed {
                    // Joined in place: the accumulator's maps are copied only while the state's last
                    // flow still shares them, then updated without being rebuilt.
                    match joined.get_mut(&to) {
                        Some((d, v)) => {
                            d.join_in(&shape);
                            v.join_in(&vars);
                        }
                        None => {
                            joined.insert(to, (shape.clone(), vars.clone()));
                        }
                    }
                    slot.insert(
                        key,
                        Incoming {
                            from: Some(sid),
                            kind: tr.kind,
                            shape,
                            vars,
                        },
                    );
                    if let Some(r) = rank.get(&to) {
                        queue.insert(*r);
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
        let mut result: Option<Shape> = None;
        for sid in &sc.states {
            let Some(info) = sem.state(*sid) else {
                continue;
            };
            if !info.terminal || info.state.state_type() == Some(StateType::Fail) {
                continue;
            }
            if let Some(f) = self.flows.get(sid) {
                match &mut result {
                    Some(r) => r.join_in(&f.output),
                    None => result = Some(f.output.clone()),
                }
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
        vars: Shape,
        depth: usize,
    ) -> Transfer {
        let ty = st.state_type();
        self.vars = vars.clone();
        self.site = context::Site {
            state: ty,
            map_item: false,
        };
        self.item = Shape::Unknown;
        if st.query_language == QueryLanguage::Jsonata || ty.is_none() {
            return self.transfer_jsonata(sid, st, ty, input, vars, depth);
        }
        self.transfer_jsonpath(sid, st, ty.unwrap_or(StateType::Pass), input, vars, depth)
    }

    /// A JSONata state (or one whose type is unknown): `Output` where evident, else the input (Pass, Choice,
    /// Wait, Succeed) or the result (Task, Map, Parallel); `Assign` with the shapes of its expressions.
    fn transfer_jsonata(
        &mut self,
        sid: StateId,
        st: &'a State<'a>,
        ty: Option<StateType>,
        input: Shape,
        vars: Shape,
        depth: usize,
    ) -> Transfer {
        let ctx = context::shape(self.site, &self.machine_input, &Shape::Unknown);
        let no_locals = HashSet::new();
        let kids = self.children.get(&sid).cloned().unwrap_or_default();
        // What the fields evaluated before the result see.
        let before = jsonata::Env {
            input: &input,
            result: None,
            error_output: None,
            context: &ctx,
            vars: &vars,
            locals: &no_locals,
        };
        let result = match ty {
            Some(StateType::Task) => Some(
                st.resource
                    .as_ref()
                    .and_then(|r| r.value)
                    .filter(|r| !is_unknown(r))
                    .and_then(known::result_shape)
                    .unwrap_or(Shape::Unknown),
            ),
            Some(StateType::Parallel) => {
                let branch_input = match &st.arguments {
                    Some(a) => self.jsonata_value(a.node, &before, 0),
                    None => input.clone(),
                };
                let mut outs = Vec::new();
                for k in kids {
                    outs.push(self.scope(k, branch_input.clone(), vars.clone(), depth + 1));
                }
                Some(Shape::Tuple(outs))
            }
            Some(StateType::Map) => {
                // The items: `Items` (default: the input), each iteration's input: `ItemSelector` (where
                // `$states.context.Map.Item` is the item) or the item.
                let items = match &st.items {
                    Some(f) => self.jsonata_value(f.node, &before, 0),
                    None => input.clone(),
                };
                let item = match items {
                    _ if st.item_reader.is_some() => Shape::Unknown,
                    Shape::Array(x) => *x,
                    Shape::Tuple(xs) => join_all(xs.iter()),
                    _ => Shape::Unknown,
                };
                let iteration = match &st.item_selector {
                    Some(sel) => {
                        let site = context::Site {
                            map_item: true,
                            ..self.site
                        };
                        let ctx = context::shape(site, &self.machine_input, &item);
                        let env = jsonata::Env {
                            context: &ctx,
                            ..before
                        };
                        self.jsonata_value(sel.node, &env, 0)
                    }
                    None => item,
                };
                let iteration = if st.item_batcher.is_some() {
                    Shape::Unknown
                } else {
                    iteration
                };
                let mut out = Shape::Unknown;
                for k in kids {
                    let child = self.child_vars(k, &vars);
                    out = self.scope(k, iteration.clone(), child, depth + 1);
                }
                Some(if st.result_writer.is_some() {
                    Shape::Unknown
                } else {
                    Shape::Array(Box::new(out))
                })
            }
            _ => {
                // Child scopes of a state of unknown type are still analysed, with an unknown input.
                for k in kids {
                    self.scope(k, Shape::Unknown, vars.clone(), depth + 1);
                }
                None
            }
        };
        // The child scopes changed the analyser's state: back to this one's.
        self.vars = vars.clone();
        let env = jsonata::Env {
            result: result.as_ref(),
            ..before
        };
        let out = match (&st.output, ty) {
            (Some(o), Some(_)) => self.jsonata_value(o.node, &env, 0),
            (None, Some(StateType::Task | StateType::Map | StateType::Parallel)) => {
                result.clone().unwrap_or(Shape::Unknown)
            }
            (
                None,
                Some(StateType::Pass | StateType::Choice | StateType::Wait | StateType::Succeed),
            ) => input.clone(),
            _ => Shape::Unknown,
        };
        let vars_out = self.jsonata_assign(sid, st.assign.as_ref(), &env);
        let rules = st
            .choices
            .iter()
            .map(|r| {
                let out = r
                    .output
                    .as_ref()
                    .map(|o| self.jsonata_value(o.node, &env, 0));
                let v = self.jsonata_assign(sid, r.assign.as_ref(), &env);
                (out, v)
            })
            .collect();
        let err = error_output();
        let catch = st
            .catch
            .iter()
            .map(|c| {
                let env = jsonata::Env {
                    result: None,
                    error_output: Some(&err),
                    ..env
                };
                let out = match &c.output {
                    None if ty.is_some() => err.clone(),
                    None => Shape::Unknown,
                    Some(o) => self.jsonata_value(o.node, &env, 0),
                };
                (out, self.jsonata_assign(sid, c.assign.as_ref(), &env))
            })
            .collect();
        Transfer {
            flow: StateFlow {
                input: input.clone(),
                effective: input.clone(),
                payload: input,
                result,
                merged: out.clone(),
                output: out,
                origin: None,
                incoming: Vec::new(),
                reads: Vec::new(),
                vars: vars.clone(),
            },
            catch,
            vars: vars_out,
            rules,
        }
    }

    /// The variables a child scope of a Map or Parallel state starts with: those of the state's entry, none in a
    /// Distributed Map child.
    fn child_vars(&self, scope: ScopeId, vars: &Shape) -> Shape {
        let distributed = self
            .sem
            .scope(scope)
            .is_some_and(|sc| crate::rules::variables::is_distributed(sc.scope.kind, sc.scope));
        if distributed {
            empty_vars()
        } else {
            vars.clone()
        }
    }

    /// The shape of a JSON value of a JSONata state: the JSON structure around its `{% %}` expressions, each
    /// expression's shape where evident ([`jsonata::expression`]).
    fn jsonata_value(&self, node: &Node, env: &jsonata::Env<'_>, depth: usize) -> Shape {
        if depth > MAX_TEMPLATE_DEPTH {
            return Shape::Unknown;
        }
        match &node.value {
            Value::String(s) => {
                if let Some((ast, locals)) = self.jsonata.get(&node.span) {
                    let env = jsonata::Env { locals, ..*env };
                    return jsonata::expression(ast, &env).shape;
                }
                if is_unknown(s) || crate::expr::jsonata::enclosed(s).is_some() {
                    Shape::Unknown
                } else {
                    Shape::String
                }
            }
            Value::Object(members) => {
                let mut o = Obj::default();
                for m in members {
                    if is_unknown(&m.key.text) || o.fields.len() >= shape::MAX_FIELDS {
                        o.open = true;
                        continue;
                    }
                    let (shape, defined) = match m.value.as_str() {
                        Some(_) => match self.jsonata.get(&m.value.span) {
                            Some((ast, locals)) => {
                                let env = jsonata::Env { locals, ..*env };
                                let t = jsonata::expression(ast, &env);
                                (t.shape, t.defined)
                            }
                            None => (self.jsonata_value(&m.value, env, depth + 1), true),
                        },
                        None => (self.jsonata_value(&m.value, env, depth + 1), true),
                    };
                    std::sync::Arc::make_mut(&mut o.fields).insert(
                        std::sync::Arc::from(m.key.text.as_str()),
                        Prop {
                            shape,
                            optional: false,
                            unsure: !defined,
                        },
                    );
                }
                Shape::Object(o)
            }
            Value::Array(items) if items.len() <= shape::MAX_TUPLE => Shape::Tuple(
                items
                    .iter()
                    .map(|n| self.jsonata_value(n, env, depth + 1))
                    .collect(),
            ),
            _ => Shape::of_literal(node),
        }
    }

    /// The variables after a JSONata `Assign` (the current ones when there is none).
    fn jsonata_assign(
        &mut self,
        sid: StateId,
        assign: Option<&'a RawField<'a>>,
        env: &jsonata::Env<'_>,
    ) -> Shape {
        let Some(a) = assign else {
            return env.vars.clone();
        };
        let shape = self.jsonata_value(a.node, env, 0);
        self.apply_assign(sid, a.node, env.vars, &shape, false)
    }

    /// Writes the fields of an `Assign`'s shape into the variables, and records each assignment.
    fn apply_assign(
        &mut self,
        sid: StateId,
        node: &Node,
        vars: &Shape,
        assigned: &Shape,
        jsonpath: bool,
    ) -> Shape {
        let Shape::Object(a) = assigned else {
            // Not understood: every variable may have changed.
            return widen_vars(vars);
        };
        let mut out = match vars {
            Shape::Object(o) => o.clone(),
            _ => Obj {
                fields: Default::default(),
                open: true,
            },
        };
        for m in node.as_object().unwrap_or(&[]) {
            let key = m.key.text.as_str();
            let name = if jsonpath {
                key.strip_suffix(".$").unwrap_or(key)
            } else {
                key
            };
            let Some(p) = a.fields.get(name) else {
                continue;
            };
            self.assigned.insert(
                m.key.span,
                Assigned {
                    state: sid,
                    name: name.to_string(),
                    span: m.key.span,
                    shape: p.shape.clone(),
                },
            );
        }
        for (k, p) in a.fields.iter() {
            if !out.fields.contains_key(k) && out.fields.len() >= shape::MAX_FIELDS {
                out.open = true;
                continue;
            }
            std::sync::Arc::make_mut(&mut out.fields).insert(
                k.clone(),
                Prop {
                    shape: p.shape.clone(),
                    optional: false,
                    unsure: p.unsure,
                },
            );
        }
        out.open |= a.open;
        Shape::Object(out)
    }

    /// A JSONPath state: InputPath → Parameters → result → ResultSelector → Assign → ResultPath → OutputPath.
    fn transfer_jsonpath(
        &mut self,
        sid: StateId,
        st: &'a State<'a>,
        ty: StateType,
        input: Shape,
        vars: Shape,
        depth: usize,
    ) -> Transfer {
        let mut reads = Vec::new();
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
                    outs.push(self.scope(k, effective.clone(), vars.clone(), depth + 1));
                }
                origin = st.branches_field.as_ref().map(|b| (b.key.span, "Branches"));
                Some(Shape::Tuple(outs))
            }
            StateType::Map => Some(self.map(&mut reads, sid, st, &effective, &vars, depth)),
            _ => None,
        };
        // The child scopes changed the analyser's state: back to this one's.
        self.vars = vars.clone();
        self.site = context::Site {
            state: Some(ty),
            map_item: false,
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
        // Assign: `$` is the result (Pass, Task, Map, Parallel) or the effective input (Wait, Choice); a Choice
        // state's own Assign applies on `Default`, a rule's on its `Next`.
        let (assign_base, assign_against) = match &result {
            Some(r) => (r.clone(), Against::Result),
            None => (after_input_kept.clone(), Against::Effective),
        };
        let vars_out = match &st.assign {
            Some(a) => {
                self.jsonpath_assign(&mut reads, sid, a, &assign_base, assign_against, &vars)
            }
            None => vars.clone(),
        };
        let rules = st
            .choices
            .iter()
            .map(|r| {
                let v = match &r.assign {
                    Some(a) => self.jsonpath_assign(
                        &mut reads,
                        sid,
                        a,
                        &assign_base,
                        assign_against,
                        &vars,
                    ),
                    None => vars.clone(),
                };
                (None, v)
            })
            .collect();
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
            .map(|c| {
                let out = match &c.result_path {
                    None => error_output.clone(),
                    Some(f) => match f.value {
                        Some(PathOrNull::Null) => input.clone(),
                        Some(PathOrNull::Path(p)) => result_path(&input, p, error_output.clone()),
                        None => Shape::Unknown,
                    },
                };
                let v = match &c.assign {
                    Some(a) => self.jsonpath_assign(
                        &mut reads,
                        sid,
                        a,
                        &error_output,
                        Against::ErrorOutput,
                        &vars,
                    ),
                    None => vars.clone(),
                };
                (out, v)
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
                incoming: Vec::new(),
                reads,
                vars,
            },
            catch,
            vars: vars_out,
            rules,
        }
    }

    /// The variables after a JSONPath `Assign` whose `$` is `base`, recording the reads of its paths.
    #[allow(clippy::too_many_arguments)]
    fn jsonpath_assign(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        a: &'a RawField<'a>,
        base: &Shape,
        against: Against,
        vars: &Shape,
    ) -> Shape {
        let shape = self.template_node(reads, sid, "Assign", a.node, &a.pointer, base, against, 0);
        self.apply_assign(sid, a.node, vars, &shape, true)
    }

    /// A Map state's result: an array of its iterations' outputs.
    fn map(
        &mut self,
        reads: &mut Vec<Read>,
        sid: StateId,
        st: &'a State<'a>,
        effective: &Shape,
        vars: &Shape,
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
                                also: None,
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
            Some(sel) => {
                self.site.map_item = true;
                self.item = item;
                let shape = self.template(reads, sid, "ItemSelector", sel, effective);
                self.site.map_item = false;
                self.item = Shape::Unknown;
                shape
            }
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
            let child = self.child_vars(k, vars);
            out = self.scope(k, iteration_input.clone(), child, depth + 1);
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
                // AWS reads a numeric string at MaxConcurrencyPath as its integer (an oracle vector shows it).
                let also = (name == "MaxConcurrencyPath").then_some(Kind::String);
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
                                also,
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
                for rule in crate::model::all_choice_rules(&st.choices) {
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
            also: None,
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
        let slot = Slot {
            sid,
            field,
            node,
            pointer,
        };
        self.read_parsed(reads, slot, text, None, offset, against, shape, expect)
    }

    /// Records a read; `parsed` is the path when the caller has it (an intrinsic argument), else it comes from the
    /// expression index (parsed once per document), parsed here only for a slot the index does not list.
    #[allow(clippy::too_many_arguments)]
    fn read_parsed(
        &mut self,
        reads: &mut Vec<Read>,
        slot: Slot<'a, '_>,
        text: &str,
        parsed: Option<&Path>,
        offset: usize,
        against: Against,
        shape: &Shape,
        expect: Option<Expect>,
    ) -> Option<Lookup> {
        if is_unknown(text) {
            return None;
        }
        let owned;
        let path: &Path = match parsed {
            Some(p) => p,
            None => match self
                .sem
                .exprs()
                .path_at(slot.node.span)
                .filter(|p| offset == 0 && p.site.text == text)
                .map(|p| &p.expr)
            {
                Some(
                    TemplateExpr::Path(p)
                    | TemplateExpr::ContextPath(p)
                    | TemplateExpr::Variable(p),
                ) => p,
                Some(_) => return None,
                None => {
                    owned = Path::parse(text).ok()?;
                    &owned
                }
            },
        };
        let var;
        let ctx;
        let (base, against) = match &path.root {
            Root::Input => (shape, against),
            Root::Variable(name) => {
                var = match &self.vars {
                    Shape::Object(o) => match o.fields.get(name.as_str()) {
                        Some(p) if !p.unsure => p.shape.clone(),
                        _ => return None,
                    },
                    _ => return None,
                };
                (&var, Against::Variable)
            }
            Root::Context => {
                ctx = context::shape(self.site, &self.machine_input, &self.item);
                (&ctx, Against::Context)
            }
        };
        let lookup = base.lookup(&path.segments);
        reads.push(Read {
            state: slot.sid,
            field: slot.field,
            token: slot.node.span,
            pointer: slot.pointer.to_string(),
            offset,
            text: text.to_string(),
            path: relative(path, if parsed.is_some() { offset } else { 0 }),
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
                        std::sync::Arc::from(name),
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
        // Parsed once by the expression index; a slot it does not list is classified here.
        let sem = self.sem;
        let owned;
        let expr = match sem
            .exprs()
            .path_at(node.span)
            .filter(|p| p.site.text == text)
        {
            Some(p) => &p.expr,
            None => {
                owned = classify(text);
                &owned
            }
        };
        match expr {
            TemplateExpr::Path(p) | TemplateExpr::ContextPath(p) | TemplateExpr::Variable(p) => {
                self.read_parsed(
                    reads,
                    Slot {
                        sid,
                        field,
                        node,
                        pointer,
                    },
                    text,
                    Some(p),
                    0,
                    against,
                    input,
                    None,
                )
                .map_or(Shape::Unknown, |l| l.shape())
            }
            TemplateExpr::Intrinsic(call) => self.call(
                reads, sid, field, node, pointer, text, call, input, against, 0,
            ),
            TemplateExpr::Invalid(_) => Shape::Unknown,
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
                ArgKind::Path { text: ptext, path } => {
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
                        also: None,
                    });
                    // The path text sits at the argument's span inside the string.
                    if text.get(arg.span.range()) == Some(ptext.as_str()) {
                        let slot = Slot {
                            sid,
                            field,
                            node,
                            pointer,
                        };
                        self.read_parsed(
                            reads,
                            slot,
                            ptext,
                            Some(path),
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

/// A path parsed inside a longer string (an intrinsic argument) with its spans made relative to its own text.
fn relative(path: &Path, offset: usize) -> Path {
    let mut p = path.clone();
    if offset == 0 {
        return p;
    }
    let shift = |s: Span| {
        Span::new(
            s.start().saturating_sub(offset),
            s.end().saturating_sub(offset),
        )
    };
    p.root_span = shift(p.root_span);
    p.span = shift(p.span);
    for seg in &mut p.segments {
        seg.span = shift(seg.span);
    }
    p
}

/// The variables after widening: the same names, their shapes unknown.
fn widen_vars(vars: &Shape) -> Shape {
    match vars {
        Shape::Object(o) => Shape::Object(Obj {
            fields: std::sync::Arc::new(
                o.fields
                    .iter()
                    .map(|(k, p)| {
                        (
                            k.clone(),
                            Prop {
                                shape: Shape::Unknown,
                                ..p.clone()
                            },
                        )
                    })
                    .collect(),
            ),
            open: o.open,
        }),
        _ => empty_vars(),
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
        acc.join_in(s);
    }
    acc
}

/// Variables a Choice state tests with a type test (`IsPresent`, `IsNull`, ...) anywhere in its rules: reading
/// them elsewhere in the state may be guarded.
fn guarded_variables<'a>(rules: &'a [crate::model::ChoiceRule<'a>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for r in crate::model::all_choice_rules(rules) {
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

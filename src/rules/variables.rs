//! Workflow-variable dataflow, shared by `undefined-variable` and `unused-variable`.
//!
//! Reads: `$name` in JSONata expressions (not local bindings, parameters, built-in functions or `$states`), and the
//! `$name` root of JSONPath `key.$` values, path fields and intrinsic-function arguments. Assignments: the keys of
//! the `Assign` of states, catchers and choice rules. A state's assignments take effect on its way out (a catcher's
//! on its catch transition, a choice rule's on that rule's transition), so every read of a state sees the values
//! the state was entered with.
//!
//! A forward must/may analysis runs over each scope's transition graph (from [`crate::semantic`]). A Parallel
//! branch or inline Map iteration starts with the variables visible on entry to its state; a Distributed Map child
//! starts with none; nothing assigned inside a branch or iteration is visible after its state.

use crate::expr::jsonata;
use crate::expr::span_map::SpanMap;
use crate::expr::{classify, intrinsic, jsonpath::Root, TemplateExpr};
use crate::model::{QueryLanguage, ScopeKind, State};
use crate::rules::Context;
use crate::semantic::{ScopeId, Semantic, StateId, Target, TransitionKind};
use crate::syntax::{pointer_push, Key, Node, Span, Value, MAX_DEPTH};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// One read of a workflow variable.
#[derive(Debug, Clone)]
pub struct Read {
    pub name: String,
    /// The `$name` in the file.
    pub span: Span,
    /// Pointer of the string holding the read.
    pub pointer: String,
    /// True for a read in a JSONata expression (an undefined variable is `undefined` there, not an error by
    /// itself), false for a JSONPath reference (an undefined variable fails the state).
    pub jsonata: bool,
    pub state: StateId,
}

/// Which transitions of its state an assignment takes effect on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// The state's `Assign`: every transition but the catchers'.
    State,
    /// The `index`th catcher's `Assign`: its transition only.
    Catch(usize),
    /// The `index`th choice rule's `Assign`: its transition only.
    Rule(usize),
}

/// One assignment (a key of an `Assign`).
#[derive(Debug, Clone)]
pub struct Assignment<'m> {
    pub name: String,
    pub key: &'m Key,
    /// The variable name inside the key (without quotes and without a JSONPath `.$` suffix).
    pub span: Span,
    pub pointer: String,
    pub state: StateId,
    pub on: On,
}

/// The result of the analysis.
pub struct Analysis<'m> {
    pub reads: Vec<Read>,
    pub assignments: Vec<Assignment<'m>>,
    /// Per state: variables assigned on every path to it (`None`: not reached).
    pub must_in: Vec<Option<BTreeSet<String>>>,
    /// Per state: variables assigned on some path to it.
    pub may_in: Vec<Option<BTreeSet<String>>>,
    /// Per scope: a transition of the scope (or of an enclosing scope) does not resolve, so paths are not fully
    /// known and nothing is reported there.
    pub uncertain: Vec<bool>,
    /// Per scope: a Distributed Map child (outer variables are not visible).
    pub distributed: Vec<bool>,
}

/// True when a Map's item processor runs as child executions (`ProcessorConfig.Mode: DISTRIBUTED`).
pub fn is_distributed(kind: ScopeKind, scope: &crate::model::Scope<'_>) -> bool {
    matches!(kind, ScopeKind::ItemProcessor | ScopeKind::Iterator)
        && scope
            .processor_config
            .as_ref()
            .and_then(|p| p.mode.as_ref())
            .and_then(|m| m.value)
            == Some("DISTRIBUTED")
}

/// The innermost state whose pointer prefixes `pointer`.
fn state_of(sem: &Semantic<'_>, pointer: &str) -> Option<StateId> {
    let mut p = pointer;
    loop {
        if let Some(id) = sem.state_at_pointer(p) {
            return Some(id);
        }
        let cut = p.rfind('/')?;
        p = p.get(..cut)?;
    }
}

fn jsonpath_reads(
    ctx: &Context<'_>,
    node: &Node,
    text: &str,
    pointer: &str,
    state: StateId,
    out: &mut Vec<Read>,
) {
    // Parsed once by the expression index; a slot the index does not list (a `.$` key outside the payload
    // templates, a value with a placeholder) is classified here.
    let owned;
    let expr = match ctx.semantic.and_then(|s| s.exprs().path_at(node.span)) {
        Some(p) => &p.expr,
        None => {
            owned = classify(text);
            &owned
        }
    };
    let roots: Vec<(String, Span)> = match expr {
        TemplateExpr::Variable(p) => match &p.root {
            Root::Variable(n) => vec![(n.clone(), p.root_span)],
            _ => Vec::new(),
        },
        TemplateExpr::Intrinsic(call) => {
            let mut v = Vec::new();
            let mut stack: Vec<&intrinsic::Call> = vec![call];
            let mut guard = 0;
            while let Some(c) = stack.pop() {
                guard += 1;
                if guard > 10_000 {
                    break;
                }
                for a in &c.args {
                    match &a.kind {
                        intrinsic::ArgKind::Path { path, .. } => {
                            if let Root::Variable(n) = &path.root {
                                v.push((n.clone(), path.root_span));
                            }
                        }
                        intrinsic::ArgKind::Call(inner) => stack.push(inner),
                        _ => {}
                    }
                }
            }
            v
        }
        _ => Vec::new(),
    };
    if roots.is_empty() {
        return;
    }
    let map = SpanMap::new(ctx.text, node.span);
    for (name, span) in roots {
        if name == "states" {
            continue;
        }
        out.push(Read {
            name,
            span: map.as_ref().map_or(node.span, |m| m.span(span)),
            pointer: pointer.to_string(),
            jsonata: false,
            state,
        });
    }
}

/// Reads of a JSONPath state: `key.$` values anywhere in the state (nested scopes excluded), and the path fields
/// of the state, its choice rules and its Map configuration objects.
fn jsonpath_state_reads(ctx: &Context<'_>, st: &State<'_>, id: StateId, out: &mut Vec<Read>) {
    // (node, pointer, depth, path fields count here)
    let mut stack: Vec<(&Node, String, usize, bool)> = vec![(st.node, st.pointer.clone(), 0, true)];
    while let Some((node, ptr, depth, paths_here)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        match &node.value {
            Value::Object(members) => {
                for m in members.iter().rev() {
                    let k = m.key.text.as_str();
                    if depth == 0 && matches!(k, "Branches" | "ItemProcessor" | "Iterator") {
                        continue;
                    }
                    let is_path = paths_here
                        && ((k.ends_with("Path") && k != "ResultPath") || k == "Variable");
                    if let (true, Some(s)) = (k.ends_with(".$") || is_path, m.value.as_str()) {
                        jsonpath_reads(ctx, &m.value, s, &pointer_push(&ptr, k), id, out);
                        continue;
                    }
                    if !matches!(m.value.value, Value::Object(_) | Value::Array(_)) {
                        continue; // a scalar holds no reads (and needs no pointer)
                    }
                    let p = pointer_push(&ptr, k);
                    // Path fields also live in choice rules and the Map configuration objects.
                    let child_paths = paths_here
                        && matches!(
                            k,
                            "Choices"
                                | "And"
                                | "Or"
                                | "Not"
                                | "ItemReader"
                                | "ReaderConfig"
                                | "ItemBatcher"
                                | "ResultWriter"
                        );
                    stack.push((&m.value, p, depth + 1, child_paths));
                }
            }
            Value::Array(items) => {
                for (i, n) in items.iter().enumerate().rev() {
                    stack.push((n, pointer_push(&ptr, &i.to_string()), depth + 1, paths_here));
                }
            }
            _ => {}
        }
    }
}

/// Runs the analysis; `None` without a semantic model.
pub fn analyze<'m>(ctx: &Context<'m>) -> Option<Analysis<'m>> {
    let sem = ctx.semantic?;
    ctx.model?;
    let n_states = sem.states().len();
    let n_scopes = sem.scopes().len();

    // Reads.
    let mut reads = Vec::new();
    for j in &sem.exprs().jsonata {
        let e = &j.string;
        let (Some(enc), Some(parsed)) = (j.enclosed, j.parsed.as_ref()) else {
            continue;
        };
        let Some(state) = state_of(sem, &e.pointer) else {
            continue;
        };
        // The index parsed the body once; its tokens are empty when the body does not tokenize.
        let tokens = &parsed.tokens;
        let map = SpanMap::new(ctx.text, e.node.span);
        for r in jsonata::variable_reads(enc.body, tokens) {
            let content = Span::new(
                r.span.start() + enc.body_offset,
                r.span.end() + enc.body_offset,
            );
            reads.push(Read {
                name: r.name,
                span: map.as_ref().map_or(e.node.span, |m| m.span(content)),
                pointer: e.pointer.clone(),
                jsonata: true,
                state,
            });
        }
    }
    for info in sem.states() {
        if info.state.query_language == QueryLanguage::JsonPath {
            jsonpath_state_reads(ctx, info.state, info.id, &mut reads);
        }
    }

    // Assignments.
    let mut assignments: Vec<Assignment<'m>> = Vec::new();
    for info in sem.states() {
        let st: &'m State<'m> = info.state;
        let ql = st.query_language;
        let mut add = |f: &'m crate::model::RawField<'m>, on: On| {
            for m in f.node.as_object().unwrap_or(&[]) {
                let name = crate::rules::invalid_variable_name::variable_name(&m.key.text, ql);
                let span =
                    crate::expr::span_map::map_span(ctx.text, m.key.span, Span::new(0, name.len()));
                assignments.push(Assignment {
                    name: name.to_string(),
                    span,
                    key: &m.key,
                    pointer: pointer_push(&f.pointer, &m.key.text),
                    state: info.id,
                    on,
                });
            }
        };
        if let Some(f) = &st.assign {
            add(f, On::State);
        }
        for (i, c) in st.catch.iter().enumerate() {
            if let Some(f) = &c.assign {
                add(f, On::Catch(i));
            }
        }
        for (i, c) in st.choices.iter().enumerate() {
            if let Some(f) = &c.assign {
                add(f, On::Rule(i));
            }
        }
    }

    // Scope properties.
    let mut uncertain = vec![false; n_scopes];
    let mut distributed = vec![false; n_scopes];
    for sc in sem.scopes() {
        let i = sc.id.index();
        let own = sem.scope_transitions(sc.id).any(|t| {
            matches!(
                t.target,
                Target::Unknown | Target::NotFound | Target::OtherScope(_)
            )
        }) || sc
            .states
            .iter()
            .filter_map(|s| sem.state(*s))
            .any(|s| s.uncertain);
        let parent_scope = sc
            .parent
            .and_then(|p| sem.state(p))
            .map(|p| p.scope.index());
        let inherited = parent_scope.is_some_and(|p| uncertain.get(p).copied().unwrap_or(true));
        if let Some(u) = uncertain.get_mut(i) {
            *u = own || inherited;
        }
        if let Some(d) = distributed.get_mut(i) {
            *d = is_distributed(sc.scope.kind, sc.scope);
        }
    }

    // Dataflow, scope by scope (parents come first).
    let mut must_in: Vec<Option<BTreeSet<String>>> = vec![None; n_states];
    let mut may_in: Vec<Option<BTreeSet<String>>> = vec![None; n_states];
    // Assignments grouped by state (in order), so that a lookup does not scan every assignment.
    let mut by_state: HashMap<StateId, Vec<&Assignment<'m>>> = HashMap::new();
    for a in &assignments {
        by_state.entry(a.state).or_default().push(a);
    }
    let assigned_on = |state: StateId, kind: TransitionKind| -> Vec<&str> {
        by_state
            .get(&state)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|a| match (a.on, kind) {
                (On::Catch(i), TransitionKind::Catch { index }) => i == index,
                (On::Catch(_), _) => false,
                (On::State, TransitionKind::Catch { .. }) => false,
                (On::State, _) => true,
                (On::Rule(i), TransitionKind::ChoiceRule { index }) => i == index,
                (On::Rule(_), _) => false,
            })
            .map(|a| a.name.as_str())
            .collect()
    };
    for sc in sem.scopes() {
        let entry: (BTreeSet<String>, BTreeSet<String>) = match sc.parent {
            None => Default::default(),
            Some(_) if distributed.get(sc.id.index()).copied().unwrap_or(false) => {
                Default::default()
            }
            Some(p) => match (
                must_in.get(p.index()).cloned().flatten(),
                may_in.get(p.index()).cloned().flatten(),
            ) {
                (Some(a), Some(b)) => (a, b),
                _ => continue, // the owning state is never reached
            },
        };
        let Some(start) = sc.start_state() else {
            continue;
        };
        let mut queue: VecDeque<StateId> = VecDeque::new();
        if let (Some(m), Some(y)) = (
            must_in.get_mut(start.index()),
            may_in.get_mut(start.index()),
        ) {
            *m = Some(entry.0.clone());
            *y = Some(entry.1.clone());
        }
        queue.push_back(start);
        let mut steps = 0usize;
        let limit = 64 * (sc.states.len() + 1) * (assignments.len() + 1);
        while let Some(s) = queue.pop_front() {
            steps += 1;
            if steps > limit {
                break;
            }
            let (Some(m_in), Some(y_in)) = (
                must_in.get(s.index()).cloned().flatten(),
                may_in.get(s.index()).cloned().flatten(),
            ) else {
                continue;
            };
            for t in sem.successors(s) {
                let Target::InScope(to) = t.target else {
                    continue;
                };
                if sem.state(to).map(|i| i.scope) != Some(sc.id) {
                    continue;
                }
                let gen = assigned_on(s, t.kind);
                let mut m_out = m_in.clone();
                let mut y_out = y_in.clone();
                for g in &gen {
                    m_out.insert((*g).to_string());
                    y_out.insert((*g).to_string());
                }
                // The start state is also entered from the scope's entry.
                let mut changed = false;
                let (Some(m_slot), Some(y_slot)) =
                    (must_in.get_mut(to.index()), may_in.get_mut(to.index()))
                else {
                    continue;
                };
                let new_m = match m_slot.take() {
                    None => {
                        changed = true;
                        m_out
                    }
                    Some(old) => {
                        let meet: BTreeSet<String> = old.intersection(&m_out).cloned().collect();
                        if meet.len() != old.len() {
                            changed = true;
                        }
                        meet
                    }
                };
                *m_slot = Some(new_m);
                let new_y = match y_slot.take() {
                    None => {
                        changed = true;
                        y_out
                    }
                    Some(mut old) => {
                        let before = old.len();
                        old.extend(y_out);
                        if old.len() != before {
                            changed = true;
                        }
                        old
                    }
                };
                *y_slot = Some(new_y);
                if changed {
                    queue.push_back(to);
                }
            }
        }
    }
    Some(Analysis {
        reads,
        assignments,
        must_in,
        may_in,
        uncertain,
        distributed,
    })
}

impl Analysis<'_> {
    /// True when the scope of this state has fully known paths.
    pub fn certain(&self, sem: &Semantic<'_>, state: StateId) -> bool {
        sem.state(state)
            .and_then(|s| self.uncertain.get(s.scope.index()))
            .is_some_and(|u| !u)
    }

    /// The scopes nested (at any depth) in the scopes of `state`, where the variables visible after... Returns the
    /// child scopes of a state that can see the variables visible on entry to it (not Distributed Map children).
    pub fn visible_children(&self, sem: &Semantic<'_>, state: StateId) -> Vec<ScopeId> {
        sem.scopes()
            .iter()
            .filter(|sc| sc.parent == Some(state))
            .filter(|sc| {
                !self
                    .distributed
                    .get(sc.id.index())
                    .copied()
                    .unwrap_or(false)
            })
            .map(|sc| sc.id)
            .collect()
    }
}

//! The semantic model: scopes, transitions and their graphs, built once per document from the typed model.
//!
//! Every scope (the machine, each Parallel branch, each Map `ItemProcessor`/`Iterator`) gets a transition graph
//! ([`petgraph`]) whose nodes are the scope's states and whose edges are the transitions between them: `Next`,
//! `Default`, the `Next` of a choice rule, the `Next` of a catcher. The scope's `StartAt` is a transition too (with
//! no source state). Every transition target is resolved: a state of the same scope, a state of another scope
//! (which one), no state at all, or unknown (a `${...}` placeholder, a YAML tag, a value of the wrong type).
//!
//! Queries answer what the graph rules, the simulator and the language server need: reachability from `StartAt`
//! over every edge kind, terminal states, the states that can still reach a terminal state, the transitions into a
//! state ("find references"), the state a name resolves to. Building is linear in the number of states and
//! transitions (breadth-first searches and one strongly-connected-components pass per scope, all iterative).
//!
//! Identifiers ([`ScopeId`], [`StateId`], [`TransitionId`]) are indices into one [`Semantic`]; lookups return
//! `Option` so that an identifier from another document can never panic.

use crate::model::{check, Definition, Field, Scope, ScopeKind, Site, State, StateType};
use crate::syntax::{has_placeholder, Span};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use std::collections::{HashMap, VecDeque};

mod exprs;
pub mod jsonata_sites;
pub mod path_sites;
#[cfg(test)]
mod tests;

pub use exprs::{Exprs, JsonataExpr, PathExpr};
pub use jsonata_sites::{ExprKey, ExprString};
pub use path_sites::{ExprSite, PathRole, TemplateField};

/// A scope of a [`Semantic`]; the machine is `ScopeId(0)`, then the nested scopes depth-first in source order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeId(usize);

/// A state of a [`Semantic`] (states are numbered scope by scope, in source order within a scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateId(usize);

/// A transition of a [`Semantic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransitionId(usize);

impl ScopeId {
    /// The machine's scope.
    pub const MACHINE: ScopeId = ScopeId(0);
    pub fn index(self) -> usize {
        self.0
    }
}
impl StateId {
    pub fn index(self) -> usize {
        self.0
    }
}
impl TransitionId {
    pub fn index(self) -> usize {
        self.0
    }
}

/// Which field a transition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransitionKind {
    /// The scope's `StartAt` (no source state).
    Start,
    /// A state's `Next`.
    Next,
    /// A Choice state's `Default`.
    Default,
    /// The `Next` of the `index`th (0-based) top-level rule of a Choice state's `Choices`.
    ChoiceRule { index: usize },
    /// The `Next` of the `index`th (0-based) catcher of a state's `Catch`.
    Catch { index: usize },
}

impl TransitionKind {
    /// The field as a reader would name it: "`StartAt`", "`Next`", "`Default`", "`Next` of choice rule #2",
    /// "`Next` of catcher #1" (1-based, as in every message).
    pub fn describe(self) -> String {
        match self {
            TransitionKind::Start => "`StartAt`".to_string(),
            TransitionKind::Next => "`Next`".to_string(),
            TransitionKind::Default => "`Default`".to_string(),
            TransitionKind::ChoiceRule { index } => {
                format!("`Next` of choice rule #{}", index.saturating_add(1))
            }
            TransitionKind::Catch { index } => {
                format!("`Next` of catcher #{}", index.saturating_add(1))
            }
        }
    }
}

/// Where a transition goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A state of the transition's own scope: an edge of the scope's graph.
    InScope(StateId),
    /// No state of the scope has the name, but a state of another scope has (the first in [`StateId`] order).
    OtherScope(StateId),
    /// No state anywhere has the name.
    NotFound,
    /// The target is unknown at lint time: a `${...}` placeholder, a YAML tag, a value that is not a string.
    Unknown,
}

impl Target {
    /// The state named, in this scope or another.
    pub fn state(self) -> Option<StateId> {
        match self {
            Target::InScope(s) | Target::OtherScope(s) => Some(s),
            Target::NotFound | Target::Unknown => None,
        }
    }
}

/// One transition: a `StartAt`, `Next`, `Default`, choice-rule `Next` or catcher `Next` field.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub id: TransitionId,
    /// The scope the field is in.
    pub scope: ScopeId,
    /// The state the transition leaves (`None` for `StartAt`).
    pub source: Option<StateId>,
    pub kind: TransitionKind,
    /// The field (key, value node, pointer).
    pub field: &'a Field<'a, &'a str>,
    /// The target name as written (`""` when the value is not a string).
    pub name: &'a str,
    pub target: Target,
}

impl Transition<'_> {
    /// The span of the value (the string token, quotes included).
    pub fn span(&self) -> Span {
        self.field.node.span
    }
    /// The RFC 6901 pointer of the field.
    pub fn pointer(&self) -> &str {
        &self.field.pointer
    }
}

/// A state with what the semantic model knows about it.
#[derive(Debug, Clone)]
pub struct StateInfo<'a> {
    pub id: StateId,
    pub state: &'a State<'a>,
    pub scope: ScopeId,
    /// The state's node in its scope's graph.
    pub node: NodeIndex,
    /// `End: true` (not on a Choice), or a Succeed or Fail state.
    pub terminal: bool,
    /// The state's continuation is not fully known: its type is unknown, a transition does not resolve to a state
    /// of its scope, or it has no transition at all while not terminal (a missing `Next`/`End`, reported by the
    /// schema rules). Graph queries treat such a state as a possible way out, so that one broken or dynamic
    /// transition does not cascade into reachability findings.
    pub open: bool,
    /// The set of transitions leaving the state is itself not known: the state is not an object, its type is
    /// unknown, or it lacks the `Next` (a choice rule its `Next`) that a non-terminal state needs. Implies `open`.
    pub incomplete: bool,
    /// `Type` or `End` has a value unknown at lint time (placeholder, YAML tag) or `Type` is missing or invalid.
    pub uncertain: bool,
    /// Transitions leaving the state, in field order: `Next`, choice rules, `Default`, catchers.
    pub outgoing: Vec<TransitionId>,
    /// Transitions naming the state, from any scope (`StartAt` included), in [`TransitionId`] order.
    pub incoming: Vec<TransitionId>,
}

impl<'a> StateInfo<'a> {
    pub fn name(&self) -> &'a str {
        &self.state.name.text
    }
}

/// A scope with its transition graph and the results of the graph queries.
#[derive(Debug, Clone)]
pub struct ScopeInfo<'a> {
    pub id: ScopeId,
    pub scope: &'a Scope<'a>,
    /// The Parallel or Map state owning the scope (`None` for the machine).
    pub parent: Option<StateId>,
    /// The scope's states in source order; `states[i]` is node `i` of `graph`.
    pub states: Vec<StateId>,
    /// Nodes are the scope's states; edges the transitions whose target is in this scope.
    pub graph: DiGraph<StateId, TransitionId>,
    /// The `StartAt` transition.
    pub start: Option<TransitionId>,
    /// Every transition whose field is in this scope (`StartAt` first), in source order.
    pub transitions: Vec<TransitionId>,
    names: HashMap<&'a str, StateId>,
    /// Per node: breadth-first visit rank from `StartAt`, `None` when unreachable.
    reach_rank: Vec<Option<usize>>,
    /// Per node: a terminal state is reachable from it.
    reaches_terminal: Vec<bool>,
    /// Per node: a terminal or open state is reachable from it.
    reaches_end: Vec<bool>,
    /// Per node: its strongly connected component.
    component: Vec<usize>,
    /// Per component: it contains a cycle (more than one state, or a state transitioning to itself).
    cyclic: Vec<bool>,
    /// Per component: its states, in source order.
    members: Vec<Vec<StateId>>,
}

impl<'a> ScopeInfo<'a> {
    /// The state `StartAt` resolves to in this scope.
    pub fn start_state(&self) -> Option<StateId> {
        self.states
            .get(self.reach_rank.iter().position(|r| *r == Some(0))?)
            .copied()
    }
    /// The state of this scope with this name (the first, if the `States` object repeats a key).
    pub fn resolve(&self, name: &str) -> Option<StateId> {
        self.names.get(name).copied()
    }
    /// The scope's state names, in source order.
    pub fn state_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.scope.states.iter().map(|s| s.name.text.as_str())
    }
}

/// The semantic model of one definition.
#[derive(Debug, Clone)]
pub struct Semantic<'a> {
    pub definition: &'a Definition<'a>,
    scopes: Vec<ScopeInfo<'a>>,
    states: Vec<StateInfo<'a>>,
    transitions: Vec<Transition<'a>>,
    /// Machine-wide: name → the first state with it, in [`StateId`] order.
    by_name: HashMap<&'a str, StateId>,
    by_pointer: HashMap<&'a str, StateId>,
    /// [`Definition::sites`], listed once. (Plain fields, not `OnceLock`: a lock would make `Semantic<'a>`
    /// invariant in `'a`, which code borrowing a shorter-lived `Context` relies on not being.)
    sites: Vec<Site<'a>>,
    /// The expression index.
    exprs: Exprs<'a>,
}

impl<'a> Semantic<'a> {
    /// Builds the semantic model. Never fails; linear in states and transitions.
    pub fn build(definition: &'a Definition<'a>) -> Semantic<'a> {
        let mut sem = Semantic {
            definition,
            scopes: Vec::new(),
            states: Vec::new(),
            transitions: Vec::new(),
            by_name: HashMap::new(),
            by_pointer: HashMap::new(),
            sites: definition.sites(),
            exprs: Exprs::default(),
        };
        sem.exprs = Exprs::build(definition, &sem.sites);
        sem.collect_scopes();
        sem.collect_transitions();
        for i in 0..sem.scopes.len() {
            sem.analyse(ScopeId(i));
        }
        sem
    }

    /// Every object the schema rules check ([`Definition::sites`]), listed once per document.
    pub fn sites(&self) -> &[Site<'a>] {
        &self.sites
    }

    /// The expression index: every path, template, intrinsic, context path, variable reference and JSONata
    /// string of the definition with its parse, built once per document. Rules read expressions here and never
    /// parse them.
    pub fn exprs(&self) -> &Exprs<'a> {
        &self.exprs
    }

    // -- lookups ---------------------------------------------------------------------------------------------

    pub fn scopes(&self) -> &[ScopeInfo<'a>] {
        &self.scopes
    }
    pub fn scope(&self, id: ScopeId) -> Option<&ScopeInfo<'a>> {
        self.scopes.get(id.0)
    }
    /// Every state, scope by scope.
    pub fn states(&self) -> &[StateInfo<'a>] {
        &self.states
    }
    pub fn state(&self, id: StateId) -> Option<&StateInfo<'a>> {
        self.states.get(id.0)
    }
    pub fn transitions(&self) -> &[Transition<'a>] {
        &self.transitions
    }
    pub fn transition(&self, id: TransitionId) -> Option<&Transition<'a>> {
        self.transitions.get(id.0)
    }
    /// The state a name resolves to machine-wide (with duplicate names, the first in [`StateId`] order).
    pub fn resolve(&self, name: &str) -> Option<StateId> {
        self.by_name.get(name).copied()
    }
    /// The state a name resolves to from inside a scope: only states of that scope.
    pub fn resolve_in(&self, scope: ScopeId, name: &str) -> Option<StateId> {
        self.scope(scope)?.resolve(name)
    }
    /// The state whose definition is at this RFC 6901 pointer (a model [`State::pointer`]).
    pub fn state_at_pointer(&self, pointer: &str) -> Option<StateId> {
        self.by_pointer.get(pointer).copied()
    }

    /// The transition whose value covers the byte `offset` (for "go to definition" on a `Next`, `Default`,
    /// `StartAt`...).
    pub fn transition_at(&self, offset: usize) -> Option<&Transition<'a>> {
        self.transitions
            .iter()
            .find(|t| t.span().start() <= offset && offset < t.span().end())
    }
    /// The state whose name key covers the byte `offset` (for "find references" on a state name).
    pub fn state_named_at(&self, offset: usize) -> Option<StateId> {
        self.states
            .iter()
            .find(|s| {
                let k = s.state.name.span;
                k.start() <= offset && offset < k.end()
            })
            .map(|s| s.id)
    }

    // -- graph queries ---------------------------------------------------------------------------------------

    /// True when the state is reachable from its scope's `StartAt` over every edge kind.
    pub fn is_reachable(&self, id: StateId) -> bool {
        self.reach_rank(id).is_some()
    }
    /// The breadth-first rank of the state from its scope's `StartAt` (0 for the start state).
    pub fn reach_rank(&self, id: StateId) -> Option<usize> {
        let s = self.state(id)?;
        *self.scope(s.scope)?.reach_rank.get(s.node.index())?
    }
    /// The states reachable from the scope's `StartAt`, in breadth-first order.
    pub fn reachable_states(&self, scope: ScopeId) -> Vec<StateId> {
        let Some(sc) = self.scope(scope) else {
            return Vec::new();
        };
        let mut v: Vec<(usize, StateId)> = sc
            .states
            .iter()
            .zip(&sc.reach_rank)
            .filter_map(|(s, r)| r.map(|r| (r, *s)))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, s)| s).collect()
    }
    /// True for `End: true` (not on a Choice), Succeed and Fail states.
    pub fn is_terminal(&self, id: StateId) -> bool {
        self.state(id).is_some_and(|s| s.terminal)
    }
    /// The terminal states of a scope, in source order.
    pub fn terminal_states(&self, scope: ScopeId) -> Vec<StateId> {
        self.scope(scope)
            .map(|sc| {
                sc.states
                    .iter()
                    .copied()
                    .filter(|s| self.is_terminal(*s))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// True when a terminal state of the scope can be reached from the state over every edge kind (the state
    /// itself included). Transitions that do not resolve in the scope lead nowhere.
    pub fn can_reach_terminal(&self, id: StateId) -> bool {
        self.state(id).is_some_and(|s| {
            self.scope(s.scope)
                .and_then(|sc| sc.reaches_terminal.get(s.node.index()).copied())
                .unwrap_or(false)
        })
    }
    /// Like [`Semantic::can_reach_terminal`], but an open state (see [`StateInfo::open`]: unknown type, missing
    /// `Next`/`End`, a transition that does not resolve in the scope) also counts as a possible end. Rules use this
    /// so that one broken transition is not reported again as a loop without exit.
    pub fn may_reach_end(&self, id: StateId) -> bool {
        self.state(id).is_some_and(|s| {
            self.scope(s.scope)
                .and_then(|sc| sc.reaches_end.get(s.node.index()).copied())
                .unwrap_or(true)
        })
    }
    /// True when the state is on a cycle of its scope's graph (a self-transition included).
    pub fn in_cycle(&self, id: StateId) -> bool {
        self.component_of(id)
            .is_some_and(|(sc, c)| sc.cyclic.get(c).copied().unwrap_or(false))
    }
    /// The states in the same strongly connected component as `id` (itself included), in source order: the
    /// states of its cycle when [`Semantic::in_cycle`] holds.
    pub fn cycle_of(&self, id: StateId) -> &[StateId] {
        self.component_of(id)
            .and_then(|(sc, c)| sc.members.get(c))
            .map_or(&[], Vec::as_slice)
    }
    fn component_of(&self, id: StateId) -> Option<(&ScopeInfo<'a>, usize)> {
        let s = self.state(id)?;
        let sc = self.scope(s.scope)?;
        Some((sc, *sc.component.get(s.node.index())?))
    }
    /// Every transition naming the state, from any scope, `StartAt` included ("find references").
    pub fn predecessors(&self, id: StateId) -> impl Iterator<Item = &Transition<'a>> + '_ {
        self.state(id)
            .map(|s| s.incoming.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|t| self.transition(*t))
    }
    /// The transitions leaving the state.
    pub fn successors(&self, id: StateId) -> impl Iterator<Item = &Transition<'a>> + '_ {
        self.state(id)
            .map(|s| s.outgoing.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|t| self.transition(*t))
    }
    /// The transitions of a scope (fields in that scope).
    pub fn scope_transitions(&self, scope: ScopeId) -> impl Iterator<Item = &Transition<'a>> + '_ {
        self.scope(scope)
            .map(|s| s.transitions.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|t| self.transition(*t))
    }

    /// "the state machine", "branch #2 of Parallel state `P`", "the `ItemProcessor` of Map state `M`".
    pub fn describe_scope(&self, id: ScopeId) -> String {
        let Some(sc) = self.scope(id) else {
            return "an unknown scope".to_string();
        };
        let parent = sc
            .parent
            .and_then(|p| self.state(p))
            .map(|p| p.state.describe())
            .unwrap_or_else(|| "a state".to_string());
        match sc.scope.kind {
            ScopeKind::Machine => "the state machine".to_string(),
            ScopeKind::Branch { index } => {
                format!("branch #{} of {parent}", index.saturating_add(1))
            }
            ScopeKind::ItemProcessor => format!("the `ItemProcessor` of {parent}"),
            ScopeKind::Iterator => format!("the `Iterator` of {parent}"),
        }
    }
    /// The state of `scope` that contains `id`: `id` itself when it is in `scope`, else the Parallel or Map state
    /// of `scope` whose nested scopes (at any depth) hold it.
    pub fn ancestor_in(&self, id: StateId, scope: ScopeId) -> Option<StateId> {
        let mut cur = self.state(id)?;
        // Each step moves to a scope with a smaller id, so this walk ends.
        loop {
            if cur.scope == scope {
                return Some(cur.id);
            }
            let parent = self.scope(cur.scope)?.parent?;
            let next = self.state(parent)?;
            if next.scope >= cur.scope {
                return None;
            }
            cur = next;
        }
    }
    /// A cycle for messages: "`A` → `A`", "`A` → `B` → `A`", or "through `A`, `B`, `C`" (at most 6 names, in the
    /// order given).
    pub fn describe_cycle(&self, members: &[StateId]) -> String {
        let names: Vec<String> = members
            .iter()
            .take(6)
            .filter_map(|s| self.state(*s))
            .map(|s| format!("`{}`", s.name()))
            .collect();
        match names.as_slice() {
            [a] => format!("{a} → {a}"),
            [a, b] => format!("{a} → {b} → {a}"),
            _ if members.len() > names.len() => format!(
                "through {} and {} more",
                names.join(", "),
                members.len() - names.len()
            ),
            _ => format!("through {}", names.join(", ")),
        }
    }
    /// True when `inner` is `outer` or nested (at any depth) inside it.
    pub fn scope_within(&self, inner: ScopeId, outer: ScopeId) -> bool {
        let mut cur = Some(inner);
        // Parents always have smaller ids, so this walk ends.
        while let Some(c) = cur {
            if c == outer {
                return true;
            }
            cur = self
                .scope(c)
                .and_then(|s| s.parent)
                .and_then(|p| self.state(p))
                .map(|p| p.scope)
                .filter(|p| *p < c);
        }
        false
    }

    // -- building --------------------------------------------------------------------------------------------

    fn collect_scopes(&mut self) {
        let def = self.definition;
        let mut stack: Vec<(&'a Scope<'a>, Option<StateId>)> = vec![(&def.scope, None)];
        while let Some((scope, parent)) = stack.pop() {
            let sid = ScopeId(self.scopes.len());
            let mut graph = DiGraph::with_capacity(scope.states.len(), scope.states.len());
            let mut ids = Vec::with_capacity(scope.states.len());
            let mut names = HashMap::with_capacity(scope.states.len());
            let mut children = Vec::new();
            for st in &scope.states {
                let id = StateId(self.states.len());
                let node = graph.add_node(id);
                let typ = st.state_type();
                let end = st.end.as_ref();
                let terminal = match typ {
                    Some(StateType::Succeed | StateType::Fail) => true,
                    Some(StateType::Choice) => false,
                    _ => end.is_some_and(|e| e.value == Some(true)),
                };
                let uncertain = typ.is_none() || end.is_some_and(|e| e.value.is_none());
                self.states.push(StateInfo {
                    id,
                    state: st,
                    scope: sid,
                    node,
                    terminal,
                    open: false,
                    incomplete: false,
                    uncertain,
                    outgoing: Vec::new(),
                    incoming: Vec::new(),
                });
                names.entry(st.name.text.as_str()).or_insert(id);
                self.by_name.entry(st.name.text.as_str()).or_insert(id);
                self.by_pointer.insert(st.pointer.as_str(), id);
                ids.push(id);
                for c in st.child_scopes() {
                    children.push((c, Some(id)));
                }
            }
            self.scopes.push(ScopeInfo {
                id: sid,
                scope,
                parent,
                states: ids,
                graph,
                start: None,
                transitions: Vec::new(),
                names,
                reach_rank: Vec::new(),
                reaches_terminal: Vec::new(),
                reaches_end: Vec::new(),
                component: Vec::new(),
                cyclic: Vec::new(),
                members: Vec::new(),
            });
            stack.extend(children.into_iter().rev());
        }
    }

    fn collect_transitions(&mut self) {
        for si in 0..self.scopes.len() {
            let sid = ScopeId(si);
            let Some(scope) = self.scopes.get(si).map(|s| s.scope) else {
                continue;
            };
            if let Some(f) = scope.start_at.as_ref() {
                let t = self.add_transition(sid, None, TransitionKind::Start, f);
                if let Some(sc) = self.scopes.get_mut(si) {
                    sc.start = Some(t);
                }
            }
            let ids: Vec<StateId> = self
                .scopes
                .get(si)
                .map(|s| s.states.clone())
                .unwrap_or_default();
            for id in ids {
                let Some(st) = self.state(id).map(|s| s.state) else {
                    continue;
                };
                if let Some(f) = st.next.as_ref() {
                    self.add_transition(sid, Some(id), TransitionKind::Next, f);
                }
                let mut rule_without_next = false;
                for (index, r) in st.choices.iter().enumerate() {
                    match r.next.as_ref() {
                        Some(f) => {
                            self.add_transition(
                                sid,
                                Some(id),
                                TransitionKind::ChoiceRule { index },
                                f,
                            );
                        }
                        None => rule_without_next = true,
                    }
                }
                if let Some(f) = st.default.as_ref() {
                    self.add_transition(sid, Some(id), TransitionKind::Default, f);
                }
                for (index, c) in st.catch.iter().enumerate() {
                    if let Some(f) = c.next.as_ref() {
                        self.add_transition(sid, Some(id), TransitionKind::Catch { index }, f);
                    }
                }
                let transitions = &self.transitions;
                if let Some(info) = self.states.get_mut(id.0) {
                    let any_unresolved = info.outgoing.iter().any(|t| {
                        transitions
                            .get(t.0)
                            .is_some_and(|t| !matches!(t.target, Target::InScope(_)))
                    });
                    let is_choice = st.state_type() == Some(StateType::Choice);
                    let missing_continuation = !info.terminal
                        && if is_choice {
                            rule_without_next || info.outgoing.is_empty()
                        } else {
                            st.next.is_none()
                        };
                    info.incomplete = st.node.as_object().is_none()
                        || st.state_type().is_none()
                        || missing_continuation;
                    info.open = info.incomplete || any_unresolved;
                }
            }
        }
    }

    fn add_transition(
        &mut self,
        scope: ScopeId,
        source: Option<StateId>,
        kind: TransitionKind,
        field: &'a Field<'a, &'a str>,
    ) -> TransitionId {
        let id = TransitionId(self.transitions.len());
        let name: &'a str = field.value.unwrap_or("");
        let target = match field.value {
            None => Target::Unknown,
            Some(n) => match self.resolve_in(scope, n) {
                Some(s) => Target::InScope(s),
                None if has_placeholder(n) || check::is_unknown(field.node) => Target::Unknown,
                None => match self.resolve(n) {
                    Some(s) => Target::OtherScope(s),
                    None => Target::NotFound,
                },
            },
        };
        self.transitions.push(Transition {
            id,
            scope,
            source,
            kind,
            field,
            name,
            target,
        });
        if let Some(sc) = self.scopes.get_mut(scope.0) {
            sc.transitions.push(id);
        }
        if let Some(s) = source.and_then(|s| self.states.get_mut(s.0)) {
            s.outgoing.push(id);
        }
        if let Some(t) = target.state().and_then(|s| self.states.get_mut(s.0)) {
            t.incoming.push(id);
        }
        if let (Some(src), Target::InScope(dst)) = (source, target) {
            let a = self.state(src).map(|s| s.node);
            let b = self.state(dst).map(|s| s.node);
            if let (Some(a), Some(b), Some(sc)) = (a, b, self.scopes.get_mut(scope.0)) {
                sc.graph.add_edge(a, b, id);
            }
        }
        id
    }

    fn analyse(&mut self, sid: ScopeId) {
        let start_node = self
            .scope(sid)
            .and_then(|sc| sc.start)
            .and_then(|t| self.transition(t))
            .and_then(|t| match t.target {
                Target::InScope(s) => self.state(s).map(|s| s.node),
                _ => None,
            });
        // (node, terminal, open) for the backward searches.
        let flags: Vec<(NodeIndex, bool, bool)> = self
            .scope(sid)
            .map(|sc| {
                sc.states
                    .iter()
                    .filter_map(|s| self.state(*s))
                    .map(|s| (s.node, s.terminal, s.open))
                    .collect()
            })
            .unwrap_or_default();
        let Some(sc) = self.scopes.get_mut(sid.0) else {
            return;
        };
        let n = sc.graph.node_count();
        // Forward breadth-first search from StartAt.
        let mut rank = vec![None; n];
        if let Some(s) = start_node {
            let mut next_rank = 0usize;
            let mut queue = VecDeque::from([s]);
            if let Some(r) = rank.get_mut(s.index()) {
                *r = Some(next_rank);
                next_rank += 1;
            }
            while let Some(v) = queue.pop_front() {
                // petgraph lists neighbours newest edge first; visit them in field order.
                let mut succ: Vec<NodeIndex> = sc.graph.neighbors(v).collect();
                succ.reverse();
                for w in succ {
                    if let Some(r @ None) = rank.get_mut(w.index()) {
                        *r = Some(next_rank);
                        next_rank += 1;
                        queue.push_back(w);
                    }
                }
            }
        }
        // Backward searches: from terminal states, and from terminal or open states.
        let terminal_seeds = flags.iter().filter(|f| f.1).map(|f| f.0);
        let reaches_terminal = backward(&sc.graph, terminal_seeds);
        let end_seeds = flags.iter().filter(|f| f.1 || f.2).map(|f| f.0);
        let reaches_end = backward(&sc.graph, end_seeds);
        // Strongly connected components (Kosaraju: iterative).
        let sccs = petgraph::algo::kosaraju_scc(&sc.graph);
        let mut component = vec![0usize; n];
        let mut cyclic = Vec::with_capacity(sccs.len());
        let mut member_ids = Vec::with_capacity(sccs.len());
        for (ci, members) in sccs.iter().enumerate() {
            let mut ids: Vec<StateId> = Vec::with_capacity(members.len());
            for m in members {
                if let Some(c) = component.get_mut(m.index()) {
                    *c = ci;
                }
                if let Some(id) = sc.graph.node_weight(*m) {
                    ids.push(*id);
                }
            }
            ids.sort_unstable();
            member_ids.push(ids);
            let self_loop = members
                .first()
                .is_some_and(|m| sc.graph.find_edge(*m, *m).is_some());
            cyclic.push(members.len() > 1 || self_loop);
        }
        sc.reach_rank = rank;
        sc.reaches_terminal = reaches_terminal;
        sc.reaches_end = reaches_end;
        sc.component = component;
        sc.cyclic = cyclic;
        sc.members = member_ids;
    }
}

/// The nodes from which one of `seeds` is reachable (seeds included): a breadth-first search over incoming edges.
fn backward(
    graph: &DiGraph<StateId, TransitionId>,
    seeds: impl Iterator<Item = NodeIndex>,
) -> Vec<bool> {
    let mut seen = vec![false; graph.node_count()];
    let mut queue: VecDeque<NodeIndex> = VecDeque::new();
    for s in seeds {
        if let Some(r @ false) = seen.get_mut(s.index()) {
            *r = true;
            queue.push_back(s);
        }
    }
    while let Some(v) = queue.pop_front() {
        for w in graph.neighbors_directed(v, Direction::Incoming) {
            if let Some(r @ false) = seen.get_mut(w.index()) {
                *r = true;
                queue.push_back(w);
            }
        }
    }
    seen
}

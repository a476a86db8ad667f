//! What the Errors rules share: the predefined error names, which error names a retrier or catcher covers, the
//! `ErrorEquals` names of a state's retriers and catchers with their nodes, and which predefined errors a state can
//! never raise.
//!
//! Facts (AWS wins over the documentation where they disagree):
//! - Predefined names: the list in the Step Functions developer guide ("Error names"), `States.Http.Socket`
//!   included.
//! - `States.ALL` matches every error except `States.Runtime`; a retrier never retries `States.Runtime` or
//!   `States.DataLimitExceeded` (documented). Recorded executions show a `States.ALL` catcher catching
//!   `States.DataLimitExceeded`, and a `States.Runtime` catcher not catching `States.Runtime`.
//! - `States.TaskFailed` in a retrier or catcher matches every error except `States.Timeout` (ASL specification);
//!   here it is also taken not to cover `States.HeartbeatTimeout`, `States.Runtime`, `States.DataLimitExceeded`
//!   and `States.ALL`, so that a coverage finding is never a guess.

use crate::model::check::{is_jsonata_expression, is_unknown};
use crate::model::{Field, State, StateType};
use crate::syntax::{pointer_push, Node, Span};

/// The wildcard error name.
pub const STATES_ALL: &str = "States.ALL";

/// Every error name Step Functions defines (all start with `States.`).
pub const PREDEFINED_ERRORS: &[&str] = &[
    "States.ALL",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
    "States.BranchFailed",
];

/// True for a predefined error name (case-sensitive, as Step Functions matches names).
pub fn is_predefined(name: &str) -> bool {
    PREDEFINED_ERRORS.contains(&name)
}

/// Retry or Catch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerKind {
    Retrier,
    Catcher,
}

impl HandlerKind {
    /// "retrier" / "catcher".
    pub fn noun(self) -> &'static str {
        match self {
            HandlerKind::Retrier => "retrier",
            HandlerKind::Catcher => "catcher",
        }
    }
    /// "Retry" / "Catch".
    pub fn field(self) -> &'static str {
        match self {
            HandlerKind::Retrier => "Retry",
            HandlerKind::Catcher => "Catch",
        }
    }
}

/// Errors `States.ALL` does not match in this kind of entry.
fn all_excludes(name: &str, kind: HandlerKind) -> bool {
    name == "States.Runtime" || (kind == HandlerKind::Retrier && name == "States.DataLimitExceeded")
}

/// True when an entry naming `earlier` certainly matches every error that `later` names.
pub fn covers(earlier: &str, later: &str, kind: HandlerKind) -> bool {
    if earlier == later {
        return true;
    }
    match earlier {
        STATES_ALL => !all_excludes(later, kind),
        "States.TaskFailed" => !matches!(
            later,
            STATES_ALL
                | "States.Timeout"
                | "States.HeartbeatTimeout"
                | "States.Runtime"
                | "States.DataLimitExceeded"
        ),
        _ => false,
    }
}

/// One string element of an `ErrorEquals` array.
#[derive(Debug, Clone)]
pub struct ErrorName<'a> {
    pub name: &'a str,
    pub node: &'a Node,
    pub pointer: String,
}

/// One retrier or catcher, seen uniformly.
#[derive(Debug, Clone)]
pub struct Handler<'a> {
    pub kind: HandlerKind,
    /// Position in `Retry`/`Catch` (0-based).
    pub index: usize,
    /// Number of entries in the list.
    pub count: usize,
    pub node: &'a Node,
    pub pointer: String,
    /// The `ErrorEquals` array node, when present and an array.
    pub error_equals: Option<&'a Node>,
    /// The string elements of `ErrorEquals` (other elements are reported by the schema rules).
    pub names: Vec<ErrorName<'a>>,
    /// True when some element is an unknown value (`${...}` placeholder, YAML tag, non-string): the entry's
    /// coverage is not known.
    pub has_unknown: bool,
}

impl Handler<'_> {
    /// "retrier #2 of Task state `Call`".
    pub fn describe(&self, state: &State<'_>) -> String {
        format!(
            "{} #{} of {}",
            self.kind.noun(),
            self.index + 1,
            state.describe()
        )
    }
    /// A short span for the entry as a whole: its `ErrorEquals` array, else its first byte.
    pub fn anchor(&self) -> Span {
        match self.error_equals {
            Some(n) => n.span,
            None => Span::new(
                self.node.span.start(),
                self.node.span.start().saturating_add(1),
            ),
        }
    }
    /// True when the entry names this error.
    pub fn names_error(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.name == name)
    }
}

fn error_names<'a>(
    f: Option<&Field<'a, Vec<&'a str>>>,
) -> (Option<&'a Node>, Vec<ErrorName<'a>>, bool) {
    let Some(f) = f else {
        return (None, Vec::new(), false);
    };
    let Some(items) = f.node.as_array() else {
        return (None, Vec::new(), true);
    };
    let mut names = Vec::new();
    let mut unknown = false;
    for (i, n) in items.iter().enumerate() {
        match n.as_str() {
            Some(s) if !is_unknown(n) => names.push(ErrorName {
                name: s,
                node: n,
                pointer: pointer_push(&f.pointer, &i.to_string()),
            }),
            _ => unknown = true,
        }
    }
    (Some(f.node), names, unknown)
}

/// The retriers of a state, in order.
pub fn retriers<'a>(state: &State<'a>) -> Vec<Handler<'a>> {
    let count = state.retry.len();
    state
        .retry
        .iter()
        .enumerate()
        .map(|(index, r)| {
            let (error_equals, names, has_unknown) = error_names(r.error_equals.as_ref());
            Handler {
                kind: HandlerKind::Retrier,
                index,
                count,
                node: r.node,
                pointer: r.pointer.clone(),
                error_equals,
                names,
                has_unknown,
            }
        })
        .collect()
}

/// The catchers of a state, in order.
pub fn catchers<'a>(state: &State<'a>) -> Vec<Handler<'a>> {
    let count = state.catch.len();
    state
        .catch
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let (error_equals, names, has_unknown) = error_names(c.error_equals.as_ref());
            Handler {
                kind: HandlerKind::Catcher,
                index,
                count,
                node: c.node,
                pointer: c.pointer.clone(),
                error_equals,
                names,
                has_unknown,
            }
        })
        .collect()
}

/// Both lists of a state: retriers, then catchers.
pub fn handler_lists<'a>(state: &State<'a>) -> [Vec<Handler<'a>>; 2] {
    [retriers(state), catchers(state)]
}

/// The static `Error` of a Fail state: `Some(Some(name))` for a literal name, `Some(None)` when the error is
/// computed (ErrorPath, JSONata expression, placeholder), `None` when the state sets no error.
fn fail_error<'a>(st: &State<'a>) -> Option<Option<&'a str>> {
    if st.error_path.is_some() {
        return Some(None);
    }
    let f = st.error.as_ref()?;
    match f.value {
        Some(s) if !is_unknown(f.node) && !is_jsonata_expression(s) => Some(Some(s)),
        _ => Some(None),
    }
}

/// The predefined errors whose sources [`unraisable_reason`] judges.
const JUDGED: [&str; 6] = [
    "States.HeartbeatTimeout",
    "States.NoChoiceMatched",
    "States.BranchFailed",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.ExceedToleratedFailureThreshold",
];

/// What a state and the states nested in it may raise by themselves (computed once per state, in one walk).
#[derive(Debug, Default, Clone)]
pub struct Raises<'a> {
    /// A nested Fail state computes its error, or a state has an unknown type: anything may be raised.
    any: bool,
    /// Per [`JUDGED`] name.
    judged: [bool; JUDGED.len()],
    /// Literal errors of nested Fail states.
    fail_names: std::collections::HashSet<&'a str>,
}

impl Raises<'_> {
    fn may_raise(&self, name: &str) -> bool {
        self.any
            || self.fail_names.contains(name)
            || JUDGED
                .iter()
                .position(|j| *j == name)
                .and_then(|i| self.judged.get(i).copied())
                .unwrap_or(false)
    }
}

/// What `state` and every state nested in it may raise by themselves (iterative; nesting is bounded by the model).
pub fn raises<'a>(state: &State<'a>) -> Raises<'a> {
    let mut r = Raises::default();
    let mut stack: Vec<&State<'a>> = vec![state];
    while let Some(st) = stack.pop() {
        record(st, &mut r);
        for scope in st.child_scopes() {
            stack.extend(scope.states.iter());
        }
    }
    r
}

/// Why `state` can never raise the predefined error `name`, or `None` when it may (or when aslint cannot tell).
/// `cache` holds [`raises`] of the state once computed (pass the same one for every name of one state).
///
/// Only the errors whose source is certain are judged: `States.HeartbeatTimeout` (a Task with
/// `HeartbeatSeconds`/`HeartbeatSecondsPath`), `States.NoChoiceMatched` (a Choice state without `Default`),
/// `States.BranchFailed` (never on a Task), `States.ItemReaderFailed` / `States.ResultWriterFailed` (a Map with
/// `ItemReader` / `ResultWriter`), `States.ExceedToleratedFailureThreshold` (a Distributed Map or a Map with
/// tolerance fields). A Parallel or Map state raises what its nested states raise; a nested Fail state can raise
/// any name.
pub fn unraisable_reason<'a>(
    state: &State<'a>,
    name: &str,
    cache: &mut Option<Raises<'a>>,
) -> Option<String> {
    let ty = state.state_type()?;
    if !JUDGED.contains(&name) {
        return None;
    }
    match ty {
        StateType::Task => {
            if name == "States.HeartbeatTimeout" {
                if state.heartbeat_seconds.is_some() || state.heartbeat_seconds_path.is_some() {
                    return None;
                }
                return Some(
                    "only a Task state with `HeartbeatSeconds` or `HeartbeatSecondsPath` raises it"
                        .into(),
                );
            }
            Some(match name {
                "States.NoChoiceMatched" => {
                    "only a Choice state without `Default` raises it".into()
                }
                "States.BranchFailed" => "a Task state has no branches".into(),
                "States.ItemReaderFailed" => {
                    "only a Map state with an `ItemReader` raises it".into()
                }
                "States.ResultWriterFailed" => {
                    "only a Map state with a `ResultWriter` raises it".into()
                }
                _ => "only a Distributed Map state raises it".into(),
            })
        }
        StateType::Parallel | StateType::Map => {
            if name == "States.BranchFailed" {
                return None;
            }
            let r = cache.get_or_insert_with(|| raises(state));
            if r.may_raise(name) {
                return None;
            }
            Some(match name {
                "States.HeartbeatTimeout" => {
                    "no Task state here or nested in it has `HeartbeatSeconds` or `HeartbeatSecondsPath`".into()
                }
                "States.NoChoiceMatched" => "no Choice state without `Default` is nested in it".into(),
                "States.ItemReaderFailed" => "neither it nor a nested Map state has an `ItemReader`".into(),
                "States.ResultWriterFailed" => "neither it nor a nested Map state has a `ResultWriter`".into(),
                _ => "neither it nor a nested Map state is a Distributed Map or sets a tolerated failure threshold"
                    .into(),
            })
        }
        _ => None,
    }
}

fn is_distributed(st: &State<'_>) -> bool {
    st.item_processor
        .as_ref()
        .and_then(|p| p.processor_config.as_ref())
        .and_then(|c| c.mode.as_ref())
        .is_some_and(|m| m.value != Some("INLINE"))
}

fn set(r: &mut Raises<'_>, name: &str) {
    if let Some(i) = JUDGED.iter().position(|j| *j == name) {
        if let Some(slot) = r.judged.get_mut(i) {
            *slot = true;
        }
    }
}

/// Records what one state raises by itself.
fn record<'a>(st: &State<'a>, r: &mut Raises<'a>) {
    let Some(ty) = st.state_type() else {
        r.any = true;
        return;
    };
    match ty {
        StateType::Fail => match fail_error(st) {
            Some(Some(e)) => {
                r.fail_names.insert(e);
            }
            Some(None) => r.any = true,
            None => {}
        },
        StateType::Task
            if st.heartbeat_seconds.is_some() || st.heartbeat_seconds_path.is_some() =>
        {
            set(r, "States.HeartbeatTimeout");
        }
        StateType::Choice if st.default.is_none() => set(r, "States.NoChoiceMatched"),
        StateType::Map => {
            if st.item_reader.is_some() {
                set(r, "States.ItemReaderFailed");
            }
            if st.result_writer.is_some() {
                set(r, "States.ResultWriterFailed");
            }
            if is_distributed(st)
                || st.tolerated_failure_count.is_some()
                || st.tolerated_failure_count_path.is_some()
                || st.tolerated_failure_percentage.is_some()
                || st.tolerated_failure_percentage_path.is_some()
            {
                set(r, "States.ExceedToleratedFailureThreshold");
            }
        }
        _ => {}
    }
}

/// The literal error names raised by Fail states anywhere in the machine.
pub fn fail_error_names<'m, 'a: 'm>(
    states: impl IntoIterator<Item = &'m State<'a>>,
) -> std::collections::HashSet<&'a str> {
    states
        .into_iter()
        .filter(|s| s.state_type() == Some(StateType::Fail))
        .filter_map(|s| fail_error(s).flatten())
        .collect()
}

/// An entry that can never match: every name of its `ErrorEquals` is covered by earlier entries.
#[derive(Debug, Clone)]
pub struct Shadowed<'a> {
    /// Index of the shadowed entry.
    pub index: usize,
    /// The earlier entries that cover it, in order: index, and the (covering, covered) name pairs.
    pub by: Vec<(usize, Vec<(&'a str, &'a str)>)>,
}

/// The entries of one `Retry` or `Catch` list that earlier entries shadow. Entries covered by a `States.ALL`
/// entry are left to `states-all-not-last`, which reports the misplaced wildcard with them.
pub fn shadowed<'a>(list: &[Handler<'a>]) -> Vec<Shadowed<'a>> {
    // The first entry naming each error, filled in as the scan goes (linear in the number of names).
    let mut first: std::collections::HashMap<&'a str, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (j, later) in list.iter().enumerate() {
        if !later.has_unknown && !later.names.is_empty() {
            if let Some(s) = shadowing(later, j, &first) {
                if !s
                    .by
                    .iter()
                    .any(|(i, _)| list.get(*i).is_some_and(|h| h.names_error(STATES_ALL)))
                {
                    out.push(s);
                }
            }
        }
        for n in &later.names {
            first.entry(n.name).or_insert(j);
        }
    }
    out
}

fn shadowing<'a>(
    later: &Handler<'a>,
    j: usize,
    first: &std::collections::HashMap<&'a str, usize>,
) -> Option<Shadowed<'a>> {
    let mut by: Vec<(usize, Vec<(&'a str, &'a str)>)> = Vec::new();
    for n in &later.names {
        let mut best: Option<(usize, &'a str)> = first.get(n.name).map(|&i| (i, n.name));
        for wildcard in [STATES_ALL, "States.TaskFailed"] {
            if let Some(&i) = first.get(wildcard) {
                if covers(wildcard, n.name, later.kind) && best.is_none_or(|(b, _)| i < b) {
                    best = Some((i, wildcard));
                }
            }
        }
        let (i, m) = best?;
        match by.iter_mut().find(|(k, _)| *k == i) {
            Some((_, pairs)) => pairs.push((m, n.name)),
            None => by.push((i, vec![(m, n.name)])),
        }
    }
    by.sort_by_key(|(i, _)| *i);
    Some(Shadowed { index: j, by })
}

fn code_list(names: &[&str]) -> String {
    let v: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match v.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Reports the shadowed entries of one kind (shared by `shadowed-retrier` and `shadowed-catcher`).
pub fn report_shadowed(
    meta: &'static crate::rules::RuleMeta,
    kind: HandlerKind,
    model: &crate::model::Definition<'_>,
    out: &mut Vec<crate::diagnostics::Diagnostic>,
) {
    let noun = kind.noun();
    for sr in model.states() {
        let state = sr.state;
        let list = match kind {
            HandlerKind::Retrier => retriers(state),
            HandlerKind::Catcher => catchers(state),
        };
        for s in shadowed(&list) {
            let Some(h) = list.get(s.index) else { continue };
            let firsts: Vec<String> = s.by.iter().map(|(i, _)| format!("#{}", i + 1)).collect();
            let earlier = if firsts.len() == 1 {
                format!("{noun} {}", firsts.join(""))
            } else {
                format!("{noun}s {}", firsts.join(", "))
            };
            let via_task_failed =
                s.by.iter()
                    .any(|(_, pairs)| pairs.iter().any(|(m, n)| m != n));
            let why = if via_task_failed {
                "`States.TaskFailed` matches every error except `States.Timeout`"
            } else {
                "an earlier entry already names the same errors"
            };
            let mut d = meta
                .diagnostic(h.anchor(), format!("{} can never match", h.describe(state)))
                .label(format!("already matched by {earlier}"))
                .note(format!(
                    "{noun}s are tried in order and the first whose `ErrorEquals` matches is used; {why}"
                ))
                .help(format!("move this {noun} before {earlier}, or remove it"))
                .pointer(h.pointer.clone());
            for (i, pairs) in &s.by {
                let Some(e) = list.get(*i) else { continue };
                let covered: Vec<&str> = pairs.iter().map(|(_, n)| *n).collect();
                let mut covering: Vec<&str> = pairs.iter().map(|(m, _)| *m).collect();
                covering.dedup();
                let msg = if pairs.iter().all(|(m, n)| m == n) {
                    format!("{noun} #{} already names {}", i + 1, code_list(&covered))
                } else {
                    format!(
                        "{} in {noun} #{} matches {} first",
                        code_list(&covering),
                        i + 1,
                        code_list(&covered)
                    )
                };
                d = d.secondary(e.anchor(), msg);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_follows_the_documented_exceptions() {
        use HandlerKind::*;
        assert!(covers("States.ALL", "Custom", Retrier));
        assert!(!covers("States.ALL", "States.Runtime", Catcher));
        assert!(!covers("States.ALL", "States.DataLimitExceeded", Retrier));
        assert!(covers("States.ALL", "States.DataLimitExceeded", Catcher));
        assert!(covers(
            "States.TaskFailed",
            "Lambda.ServiceException",
            Retrier
        ));
        assert!(!covers("States.TaskFailed", "States.Timeout", Retrier));
        assert!(!covers("States.TaskFailed", "States.ALL", Catcher));
        assert!(!covers("Custom", "Other", Catcher));
        assert!(covers("Custom", "Custom", Catcher));
    }

    #[test]
    fn predefined_names() {
        assert!(is_predefined("States.Timeout"));
        assert!(is_predefined("States.Http.Socket"));
        assert!(!is_predefined("States.Timout"));
        assert!(!is_predefined("states.timeout"));
    }
}

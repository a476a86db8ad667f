//! Spanned tree → typed ASL model.
//!
//! The model borrows from the [`Node`] tree: every value keeps its node (hence its span) and its RFC 6901 JSON
//! Pointer from the definition root. Building never fails: a broken tree (missing `Type`, a `States` that is not an
//! object, a state that is not an object, a field of the wrong type...) gives a partial model with whatever could
//! be read. A field whose value has the wrong type is still present, with `value: None`, so rules can report it.
//!
//! [`spec`] is the schema as data (allowed fields, kinds, query languages, required and exclusive fields);
//! [`check`] has the value checks the schema rules share.

pub mod check;
pub mod context;
pub mod spec;

use crate::syntax::{pointer_push, Key, Node, Value, MAX_DEPTH};
use spec::ObjectKind;

/// The query language of a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    pub fn parse(s: &str) -> Option<QueryLanguage> {
        match s {
            "JSONPath" => Some(QueryLanguage::JsonPath),
            "JSONata" => Some(QueryLanguage::Jsonata),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

/// The eight state types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateType {
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    pub fn parse(s: &str) -> Option<StateType> {
        Some(match s {
            "Task" => StateType::Task,
            "Pass" => StateType::Pass,
            "Choice" => StateType::Choice,
            "Wait" => StateType::Wait,
            "Succeed" => StateType::Succeed,
            "Fail" => StateType::Fail,
            "Parallel" => StateType::Parallel,
            "Map" => StateType::Map,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            StateType::Task => "Task",
            StateType::Pass => "Pass",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }
    /// The schema object kind of this state type.
    pub fn object_kind(self) -> ObjectKind {
        match self {
            StateType::Task => ObjectKind::Task,
            StateType::Pass => ObjectKind::Pass,
            StateType::Choice => ObjectKind::Choice,
            StateType::Wait => ObjectKind::Wait,
            StateType::Succeed => ObjectKind::Succeed,
            StateType::Fail => ObjectKind::Fail,
            StateType::Parallel => ObjectKind::Parallel,
            StateType::Map => ObjectKind::Map,
        }
    }
}

/// One field of an object: its key, its value node, the typed value (`None` when the node has the wrong type or
/// is an unknown value such as a `${...}` placeholder or a YAML tag) and its JSON Pointer.
#[derive(Debug, Clone)]
pub struct Field<'a, T> {
    pub key: &'a Key,
    pub node: &'a Node,
    pub value: Option<T>,
    pub pointer: String,
}

/// A field kept as its raw node: payload templates (Parameters, Arguments, Output, Assign, Result, ...).
pub type RawField<'a> = Field<'a, &'a Node>;

/// A path field that may be `null` (InputPath, OutputPath, ResultPath).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathOrNull<'a> {
    Path(&'a str),
    Null,
}

/// What a scope is: the machine, a Parallel branch, or a Map's item processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Machine,
    /// The `index`th element of a Parallel state's `Branches`.
    Branch {
        index: usize,
    },
    /// A Map state's `ItemProcessor`.
    ItemProcessor,
    /// A Map state's legacy `Iterator`.
    Iterator,
}

/// A `StartAt` + `States` pair.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    /// The object holding StartAt and States (may be of a wrong type in a broken document).
    pub node: &'a Node,
    pub pointer: String,
    pub comment: Option<Field<'a, &'a str>>,
    pub start_at: Option<Field<'a, &'a str>>,
    /// The `States` field; `value` is `None` when it is not an object.
    pub states_field: Option<Field<'a, ()>>,
    /// A `"QueryLanguage": "..."` string member written inside `States` (a mistake seen in deployed samples): it is
    /// not a state; the model applies it to the scope's states that do not set their own.
    pub misplaced_query_language: Option<Field<'a, QueryLanguage>>,
    /// The states, in source order (members of `States` that are not objects are included, half-typed).
    pub states: Vec<State<'a>>,
    /// The item processor's `ProcessorConfig`.
    pub processor_config: Option<ProcessorConfig<'a>>,
}

/// A Map's `ProcessorConfig`.
#[derive(Debug, Clone)]
pub struct ProcessorConfig<'a> {
    pub field: RawField<'a>,
    pub mode: Option<Field<'a, &'a str>>,
    pub execution_type: Option<Field<'a, &'a str>>,
}

/// A retrier (one element of `Retry`).
#[derive(Debug, Clone)]
pub struct Retrier<'a> {
    pub node: &'a Node,
    pub pointer: String,
    pub error_equals: Option<Field<'a, Vec<&'a str>>>,
    pub interval_seconds: Option<Field<'a, i64>>,
    pub max_attempts: Option<Field<'a, i64>>,
    pub backoff_rate: Option<Field<'a, f64>>,
    pub max_delay_seconds: Option<Field<'a, i64>>,
    pub jitter_strategy: Option<Field<'a, &'a str>>,
    pub comment: Option<Field<'a, &'a str>>,
}

/// A catcher (one element of `Catch`).
#[derive(Debug, Clone)]
pub struct Catcher<'a> {
    pub node: &'a Node,
    pub pointer: String,
    pub error_equals: Option<Field<'a, Vec<&'a str>>>,
    pub next: Option<Field<'a, &'a str>>,
    pub result_path: Option<Field<'a, PathOrNull<'a>>>,
    pub output: Option<RawField<'a>>,
    pub assign: Option<RawField<'a>>,
    pub comment: Option<Field<'a, &'a str>>,
}

/// One comparison of a JSONPath choice rule (`StringEquals`, `NumericLessThanPath`, `IsPresent`, ...).
#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    /// The operator as written (a key of [`spec::COMPARISONS`]).
    pub operator: &'a str,
    pub field: RawField<'a>,
    /// True for the `...Path` forms, whose operand is a path.
    pub is_path: bool,
}

/// The operand of a comparison, typed by the operator's kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand<'a> {
    String(&'a str),
    Number(f64),
    Bool(bool),
    /// The operand of a `Timestamp...` operator (validity is checked by `invalid-field-value`).
    Timestamp(&'a str),
    /// The path operand of a `...Path` operator.
    Path(&'a str),
    /// Wrong type for the operator, or an unknown value (placeholder, YAML tag).
    Invalid,
}

impl<'a> Comparison<'a> {
    /// The schema entry of the operator.
    pub fn spec(&self) -> Option<&'static spec::FieldSpec> {
        spec::COMPARISONS.iter().find(|c| c.name == self.operator)
    }
    /// The operand, typed by the operator.
    pub fn operand(&self) -> Operand<'a> {
        let n: &'a Node = self.field.node;
        match self.spec().map(|s| s.kind) {
            Some(spec::ValueKind::Path) => n.as_str().map_or(Operand::Invalid, Operand::Path),
            Some(spec::ValueKind::String) => n.as_str().map_or(Operand::Invalid, Operand::String),
            Some(spec::ValueKind::Timestamp) => {
                n.as_str().map_or(Operand::Invalid, Operand::Timestamp)
            }
            Some(spec::ValueKind::Number { .. }) => n
                .as_number()
                .map_or(Operand::Invalid, |x| Operand::Number(x.value)),
            Some(spec::ValueKind::Boolean) => n.as_bool().map_or(Operand::Invalid, Operand::Bool),
            _ => Operand::Invalid,
        }
    }
}

/// A choice rule: a top-level element of `Choices` or a rule nested in `And`, `Or`, `Not`.
#[derive(Debug, Clone)]
pub struct ChoiceRule<'a> {
    pub node: &'a Node,
    pub pointer: String,
    /// True for rules inside And/Or/Not (which have no Next).
    pub nested: bool,
    pub variable: Option<Field<'a, &'a str>>,
    /// Every comparison operator present (a valid rule has at most one).
    pub comparisons: Vec<Comparison<'a>>,
    /// JSONata `Condition`.
    pub condition: Option<RawField<'a>>,
    pub and: Option<Field<'a, ()>>,
    pub and_rules: Vec<ChoiceRule<'a>>,
    pub or: Option<Field<'a, ()>>,
    pub or_rules: Vec<ChoiceRule<'a>>,
    pub not: Option<Field<'a, ()>>,
    pub not_rule: Option<Box<ChoiceRule<'a>>>,
    pub next: Option<Field<'a, &'a str>>,
    pub output: Option<RawField<'a>>,
    pub assign: Option<RawField<'a>>,
    pub comment: Option<Field<'a, &'a str>>,
}

impl<'a> ChoiceRule<'a> {
    /// The rules nested directly in this one (`And`, then `Or`, then `Not`).
    pub fn children(&self) -> impl Iterator<Item = &ChoiceRule<'a>> {
        self.and_rules
            .iter()
            .chain(&self.or_rules)
            .chain(self.not_rule.as_deref())
    }
}

/// Every rule of a Choice state, nested ones included, in document order (each rule before the rules inside it).
/// Nesting is bounded by the model builder's depth cap.
pub fn all_choice_rules<'m, 'a>(rules: &'m [ChoiceRule<'a>]) -> Vec<&'m ChoiceRule<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<&'m ChoiceRule<'a>> = rules.iter().rev().collect();
    while let Some(r) = stack.pop() {
        out.push(r);
        let first = stack.len();
        stack.extend(r.children());
        stack[first..].reverse();
    }
    out
}

/// A Map's `ItemReader`.
#[derive(Debug, Clone)]
pub struct ItemReader<'a> {
    pub field: RawField<'a>,
    pub resource: Option<Field<'a, &'a str>>,
    pub reader_config: Option<ReaderConfig<'a>>,
    pub parameters: Option<RawField<'a>>,
    pub arguments: Option<RawField<'a>>,
}

/// An ItemReader's `ReaderConfig`.
#[derive(Debug, Clone)]
pub struct ReaderConfig<'a> {
    pub field: RawField<'a>,
    pub input_type: Option<Field<'a, &'a str>>,
    pub csv_header_location: Option<Field<'a, &'a str>>,
    pub csv_headers: Option<Field<'a, Vec<&'a str>>>,
    pub csv_delimiter: Option<Field<'a, &'a str>>,
    pub max_items: Option<Field<'a, i64>>,
    pub max_items_path: Option<Field<'a, &'a str>>,
    pub manifest_type: Option<Field<'a, &'a str>>,
}

/// A Map's `ItemBatcher`.
#[derive(Debug, Clone)]
pub struct ItemBatcher<'a> {
    pub field: RawField<'a>,
    pub max_items_per_batch: Option<Field<'a, i64>>,
    pub max_items_per_batch_path: Option<Field<'a, &'a str>>,
    pub max_input_bytes_per_batch: Option<Field<'a, i64>>,
    pub max_input_bytes_per_batch_path: Option<Field<'a, &'a str>>,
    pub batch_input: Option<RawField<'a>>,
}

/// A Map's `ResultWriter`.
#[derive(Debug, Clone)]
pub struct ResultWriter<'a> {
    pub field: RawField<'a>,
    pub resource: Option<Field<'a, &'a str>>,
    pub parameters: Option<RawField<'a>>,
    pub arguments: Option<RawField<'a>>,
    pub writer_config: Option<WriterConfig<'a>>,
}

/// A ResultWriter's `WriterConfig`.
#[derive(Debug, Clone)]
pub struct WriterConfig<'a> {
    pub field: RawField<'a>,
    pub output_type: Option<Field<'a, &'a str>>,
    pub transformation: Option<Field<'a, &'a str>>,
}

/// One state. Every field of every state type and both query languages is here; which ones a given type allows
/// is in [`spec`].
#[derive(Debug, Clone)]
pub struct State<'a> {
    pub name: &'a Key,
    pub node: &'a Node,
    pub pointer: String,
    /// The `Type` field (value `None` when not a valid type).
    pub type_field: Option<Field<'a, StateType>>,
    /// The state's own `QueryLanguage` field.
    pub query_language_field: Option<Field<'a, QueryLanguage>>,
    /// Effective query language: the state's own, else the machine's, else JSONPath.
    pub query_language: QueryLanguage,
    pub comment: Option<Field<'a, &'a str>>,
    pub next: Option<Field<'a, &'a str>>,
    pub end: Option<Field<'a, bool>>,
    pub input_path: Option<Field<'a, PathOrNull<'a>>>,
    pub output_path: Option<Field<'a, PathOrNull<'a>>>,
    pub result_path: Option<Field<'a, PathOrNull<'a>>>,
    pub parameters: Option<RawField<'a>>,
    pub result_selector: Option<RawField<'a>>,
    pub arguments: Option<RawField<'a>>,
    pub output: Option<RawField<'a>>,
    pub assign: Option<RawField<'a>>,
    pub result: Option<RawField<'a>>,
    // Task
    pub resource: Option<Field<'a, &'a str>>,
    pub credentials: Option<RawField<'a>>,
    pub timeout_seconds: Option<Field<'a, i64>>,
    pub timeout_seconds_path: Option<Field<'a, &'a str>>,
    pub heartbeat_seconds: Option<Field<'a, i64>>,
    pub heartbeat_seconds_path: Option<Field<'a, &'a str>>,
    pub retry_field: Option<Field<'a, ()>>,
    pub retry: Vec<Retrier<'a>>,
    pub catch_field: Option<Field<'a, ()>>,
    pub catch: Vec<Catcher<'a>>,
    // Choice
    pub choices_field: Option<Field<'a, ()>>,
    pub choices: Vec<ChoiceRule<'a>>,
    pub default: Option<Field<'a, &'a str>>,
    // Wait
    pub seconds: Option<Field<'a, i64>>,
    pub seconds_path: Option<Field<'a, &'a str>>,
    pub timestamp: Option<Field<'a, &'a str>>,
    pub timestamp_path: Option<Field<'a, &'a str>>,
    // Fail
    pub error: Option<Field<'a, &'a str>>,
    pub error_path: Option<Field<'a, &'a str>>,
    pub cause: Option<Field<'a, &'a str>>,
    pub cause_path: Option<Field<'a, &'a str>>,
    // Parallel
    pub branches_field: Option<Field<'a, ()>>,
    pub branches: Vec<Scope<'a>>,
    // Map
    /// `ItemProcessor`, or the legacy `Iterator` when there is no ItemProcessor (see [`Scope::kind`]).
    pub item_processor: Option<Scope<'a>>,
    pub items: Option<RawField<'a>>,
    pub items_path: Option<Field<'a, &'a str>>,
    pub item_selector: Option<RawField<'a>>,
    pub item_reader: Option<ItemReader<'a>>,
    pub item_batcher: Option<ItemBatcher<'a>>,
    pub result_writer: Option<ResultWriter<'a>>,
    pub max_concurrency: Option<Field<'a, i64>>,
    pub max_concurrency_path: Option<Field<'a, &'a str>>,
    pub tolerated_failure_percentage: Option<Field<'a, f64>>,
    pub tolerated_failure_percentage_path: Option<Field<'a, &'a str>>,
    pub tolerated_failure_count: Option<Field<'a, i64>>,
    pub tolerated_failure_count_path: Option<Field<'a, &'a str>>,
    pub label: Option<Field<'a, &'a str>>,
}

impl<'a> State<'a> {
    /// The state type, when `Type` is present and valid.
    pub fn state_type(&self) -> Option<StateType> {
        self.type_field.as_ref().and_then(|f| f.value)
    }
    /// The schema kind of this state.
    pub fn object_kind(&self) -> ObjectKind {
        self.state_type()
            .map_or(ObjectKind::UnknownState, StateType::object_kind)
    }
    /// "Task state `Fetch`" (or "state `Fetch`" when the type is unknown), for messages.
    pub fn describe(&self) -> String {
        match self.state_type() {
            Some(t) => format!("{} state `{}`", t.as_str(), self.name.text),
            None => format!("state `{}`", self.name.text),
        }
    }
    /// The nested scopes of this state: Parallel branches, then the Map item processor.
    pub fn child_scopes(&self) -> impl Iterator<Item = &Scope<'a>> {
        self.branches.iter().chain(self.item_processor.iter())
    }
}

/// A whole state machine definition.
#[derive(Debug, Clone)]
pub struct Definition<'a> {
    pub root: &'a Node,
    pub version: Option<Field<'a, &'a str>>,
    pub timeout_seconds: Option<Field<'a, i64>>,
    pub query_language_field: Option<Field<'a, QueryLanguage>>,
    /// The machine's query language (default JSONPath).
    pub query_language: QueryLanguage,
    /// The top-level scope: `Comment`, `StartAt`, `States`.
    pub scope: Scope<'a>,
}

/// A scope with the state that owns it (`None` for the machine).
#[derive(Debug, Clone, Copy)]
pub struct ScopeRef<'m, 'a> {
    pub scope: &'m Scope<'a>,
    pub parent: Option<&'m State<'a>>,
}

/// A state with its scope.
#[derive(Debug, Clone, Copy)]
pub struct StateRef<'m, 'a> {
    pub state: &'m State<'a>,
    pub scope: &'m Scope<'a>,
}

/// An object the schema rules check: its kind, node, pointer, effective query language, and a description for
/// messages.
#[derive(Debug, Clone)]
pub struct Site<'m> {
    pub kind: ObjectKind,
    pub node: &'m Node,
    pub pointer: &'m str,
    pub query_language: QueryLanguage,
    /// "Task state `Fetch`", "retrier #1 of Task state `Fetch`", "the state machine", ... (formatted lazily: use
    /// it with `{}`; most sites never appear in a message).
    pub describe: Describe<'m>,
    /// The key whose value this object is (state name, `ItemReader`, ...), `None` for array elements and the root.
    pub key: Option<&'m Key>,
    /// The state the object belongs to (`None` for the top level).
    pub state: Option<&'m str>,
}

/// A site's description for messages, built only when displayed.
#[derive(Debug, Clone)]
pub enum Describe<'m> {
    /// "the state machine".
    TopLevel,
    /// "Task state `Fetch`".
    State(&'m State<'m>),
    /// "retrier #1 of Task state `Fetch`", "ItemReader of Map state `M`" (`index` is 1-based).
    Part {
        what: &'static str,
        index: Option<usize>,
        state: &'m State<'m>,
    },
    /// Anything else, preformatted (nested choice rules).
    Text(String),
}

impl std::fmt::Display for Describe<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Describe::TopLevel => f.write_str("the state machine"),
            Describe::State(st) => f.write_str(&st.describe()),
            Describe::Part {
                what,
                index: Some(i),
                state,
            } => write!(f, "{what} #{i} of {}", state.describe()),
            Describe::Part {
                what,
                index: None,
                state,
            } => write!(f, "{what} of {}", state.describe()),
            Describe::Text(t) => f.write_str(t),
        }
    }
}

impl Site<'_> {
    /// The tightest span to point at for a finding about the object as a whole: its key when it has one, else its
    /// first byte (the opening brace).
    pub fn anchor(&self) -> crate::syntax::Span {
        match self.key {
            Some(k) => k.span,
            None => crate::syntax::Span::new(
                self.node.span.start(),
                self.node.span.start().saturating_add(1),
            ),
        }
    }
    /// The schema of this object kind.
    pub fn spec(&self) -> &'static spec::ObjectSpec {
        spec::spec(self.kind)
    }
    /// The members of the object (empty when it is not one).
    pub fn members(&self) -> &[crate::syntax::Member] {
        self.node.as_object().unwrap_or(&[])
    }
}

impl<'a> Definition<'a> {
    /// The top-level `Comment`.
    pub fn comment(&self) -> Option<&Field<'a, &'a str>> {
        self.scope.comment.as_ref()
    }
    /// The top-level `StartAt`.
    pub fn start_at(&self) -> Option<&Field<'a, &'a str>> {
        self.scope.start_at.as_ref()
    }
    /// The top-level states, in source order.
    pub fn top_states(&self) -> &[State<'a>] {
        &self.scope.states
    }

    /// Every scope, depth-first in source order, the machine first.
    pub fn scopes<'m>(&'m self) -> Vec<ScopeRef<'m, 'a>> {
        let mut out = Vec::new();
        let mut stack: Vec<ScopeRef<'m, 'a>> = vec![ScopeRef {
            scope: &self.scope,
            parent: None,
        }];
        while let Some(r) = stack.pop() {
            out.push(r);
            let children: Vec<ScopeRef<'m, 'a>> = r
                .scope
                .states
                .iter()
                .flat_map(|st| {
                    st.child_scopes().map(move |c| ScopeRef {
                        scope: c,
                        parent: Some(st),
                    })
                })
                .collect();
            stack.extend(children.into_iter().rev());
        }
        out
    }

    /// Every state machine-wide, depth-first in source order (a state, then the states nested in it).
    pub fn states<'m>(&'m self) -> Vec<StateRef<'m, 'a>> {
        let mut out = Vec::new();
        let mut stack: Vec<(&'m Scope<'a>, usize)> = vec![(&self.scope, 0)];
        while let Some((scope, idx)) = stack.pop() {
            let Some(state) = scope.states.get(idx) else {
                continue;
            };
            out.push(StateRef { state, scope });
            stack.push((scope, idx + 1));
            let children: Vec<&'m Scope<'a>> = state.child_scopes().collect();
            for child in children.into_iter().rev() {
                stack.push((child, 0));
            }
        }
        out
    }

    /// Every object the schema rules check, with its kind: the top level, scopes, states, retriers, catchers,
    /// choice rules (nested too), and the Map configuration objects. Only objects are listed.
    pub fn sites<'m>(&'m self) -> Vec<Site<'m>> {
        let mut out = Vec::new();
        if self.root.as_object().is_some() {
            out.push(Site {
                kind: ObjectKind::TopLevel,
                node: self.root,
                pointer: "",
                query_language: self.query_language,
                describe: Describe::TopLevel,
                key: None,
                state: None,
            });
        }
        for StateRef { state, .. } in self.states() {
            state_sites(state, &mut out);
        }
        out
    }

    /// Finds a state anywhere in the machine by name (the first in depth-first order).
    pub fn state(&self, name: &str) -> Option<&State<'a>> {
        self.states()
            .into_iter()
            .find(|s| s.state.name.text == name)
            .map(|s| s.state)
    }
}

fn push_site<'m>(
    out: &mut Vec<Site<'m>>,
    kind: ObjectKind,
    node: &'m Node,
    pointer: &'m str,
    state: &'m State<'_>,
    describe: Describe<'m>,
    key: Option<&'m Key>,
) {
    if node.as_object().is_none() {
        return;
    }
    out.push(Site {
        kind,
        node,
        pointer,
        query_language: state.query_language,
        describe,
        key,
        state: Some(&state.name.text),
    });
}

fn state_sites<'m>(st: &'m State<'_>, out: &mut Vec<Site<'m>>) {
    push_site(
        out,
        st.object_kind(),
        st.node,
        &st.pointer,
        st,
        Describe::State(st),
        Some(st.name),
    );
    for (i, r) in st.retry.iter().enumerate() {
        push_site(
            out,
            ObjectKind::Retrier,
            r.node,
            &r.pointer,
            st,
            Describe::Part {
                what: "retrier",
                index: Some(i + 1),
                state: st,
            },
            None,
        );
    }
    for (i, c) in st.catch.iter().enumerate() {
        push_site(
            out,
            ObjectKind::Catcher,
            c.node,
            &c.pointer,
            st,
            Describe::Part {
                what: "catcher",
                index: Some(i + 1),
                state: st,
            },
            None,
        );
    }
    for (i, r) in st.choices.iter().enumerate() {
        rule_sites(r, out, st, i + 1);
    }
    for (i, b) in st.branches.iter().enumerate() {
        push_site(
            out,
            ObjectKind::Branch,
            b.node,
            &b.pointer,
            st,
            Describe::Part {
                what: "branch",
                index: Some(i + 1),
                state: st,
            },
            None,
        );
    }
    if let Some(p) = &st.item_processor {
        let (name, key) = match p.kind {
            ScopeKind::Iterator => ("Iterator", st.node.member("Iterator").map(|m| &m.key)),
            _ => (
                "ItemProcessor",
                st.node.member("ItemProcessor").map(|m| &m.key),
            ),
        };
        push_site(
            out,
            ObjectKind::ItemProcessor,
            p.node,
            &p.pointer,
            st,
            Describe::Part {
                what: name,
                index: None,
                state: st,
            },
            key,
        );
        if let Some(pc) = &p.processor_config {
            let f = &pc.field;
            push_site(
                out,
                ObjectKind::ProcessorConfig,
                f.node,
                &f.pointer,
                st,
                Describe::Part {
                    what: "ProcessorConfig",
                    index: None,
                    state: st,
                },
                Some(f.key),
            );
        }
    }
    if let Some(f) = &st.credentials {
        push_site(
            out,
            ObjectKind::Credentials,
            f.node,
            &f.pointer,
            st,
            Describe::Part {
                what: "Credentials",
                index: None,
                state: st,
            },
            Some(f.key),
        );
    }
    if let Some(r) = &st.item_reader {
        let f = &r.field;
        push_site(
            out,
            ObjectKind::ItemReader,
            f.node,
            &f.pointer,
            st,
            Describe::Part {
                what: "ItemReader",
                index: None,
                state: st,
            },
            Some(f.key),
        );
        if let Some(c) = &r.reader_config {
            let f = &c.field;
            push_site(
                out,
                ObjectKind::ReaderConfig,
                f.node,
                &f.pointer,
                st,
                Describe::Part {
                    what: "ReaderConfig",
                    index: None,
                    state: st,
                },
                Some(f.key),
            );
        }
    }
    if let Some(b) = &st.item_batcher {
        let f = &b.field;
        push_site(
            out,
            ObjectKind::ItemBatcher,
            f.node,
            &f.pointer,
            st,
            Describe::Part {
                what: "ItemBatcher",
                index: None,
                state: st,
            },
            Some(f.key),
        );
    }
    if let Some(w) = &st.result_writer {
        let f = &w.field;
        push_site(
            out,
            ObjectKind::ResultWriter,
            f.node,
            &f.pointer,
            st,
            Describe::Part {
                what: "ResultWriter",
                index: None,
                state: st,
            },
            Some(f.key),
        );
        if let Some(c) = &w.writer_config {
            let f = &c.field;
            push_site(
                out,
                ObjectKind::WriterConfig,
                f.node,
                &f.pointer,
                st,
                Describe::Part {
                    what: "WriterConfig",
                    index: None,
                    state: st,
                },
                Some(f.key),
            );
        }
    }
}

fn rule_sites<'m>(r: &'m ChoiceRule<'_>, out: &mut Vec<Site<'m>>, st: &'m State<'_>, index: usize) {
    // Iterative walk over nested rules (depth is bounded by the model builder anyway). Only nested rules need a
    // preformatted description.
    let mut stack: Vec<(&'m ChoiceRule<'_>, Describe<'m>)> = vec![(
        r,
        Describe::Part {
            what: "choice rule",
            index: Some(index),
            state: st,
        },
    )];
    while let Some((rule, desc)) = stack.pop() {
        let kind = if rule.nested {
            ObjectKind::NestedChoiceRule
        } else {
            ObjectKind::ChoiceRule
        };
        let has_children =
            !rule.and_rules.is_empty() || !rule.or_rules.is_empty() || rule.not_rule.is_some();
        let text = if has_children {
            desc.to_string()
        } else {
            String::new()
        };
        push_site(out, kind, rule.node, &rule.pointer, st, desc, None);
        let mut children: Vec<(&'m ChoiceRule<'_>, Describe<'m>)> = Vec::new();
        for (i, c) in rule.and_rules.iter().enumerate() {
            children.push((
                c,
                Describe::Text(format!("`And` rule #{} of {text}", i + 1)),
            ));
        }
        for (i, c) in rule.or_rules.iter().enumerate() {
            children.push((c, Describe::Text(format!("`Or` rule #{} of {text}", i + 1))));
        }
        if let Some(c) = &rule.not_rule {
            children.push((c, Describe::Text(format!("`Not` rule of {text}"))));
        }
        for c in children.into_iter().rev() {
            stack.push(c);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Building

fn field<'a, T>(
    obj: &'a Node,
    ptr: &str,
    key: &str,
    parse: impl Fn(&'a Node) -> Option<T>,
) -> Option<Field<'a, T>> {
    let m = obj.member(key)?;
    Some(Field {
        key: &m.key,
        node: &m.value,
        value: parse(&m.value),
        pointer: pointer_push(ptr, key),
    })
}

fn p_str(n: &Node) -> Option<&str> {
    n.as_str()
}
fn p_int(n: &Node) -> Option<i64> {
    n.as_number()
        .filter(|n| n.is_integer)
        .and_then(|n| n.as_i64())
}
fn p_num(n: &Node) -> Option<f64> {
    n.as_number().map(|n| n.value)
}
fn p_bool(n: &Node) -> Option<bool> {
    n.as_bool()
}
fn p_raw(n: &Node) -> Option<&Node> {
    Some(n)
}
fn p_obj(n: &Node) -> Option<()> {
    n.as_object().map(|_| ())
}
fn p_arr(n: &Node) -> Option<()> {
    n.as_array().map(|_| ())
}
fn p_path_or_null(n: &Node) -> Option<PathOrNull<'_>> {
    match &n.value {
        Value::Null => Some(PathOrNull::Null),
        Value::String(s) => Some(PathOrNull::Path(s)),
        _ => None,
    }
}
fn p_str_array(n: &Node) -> Option<Vec<&str>> {
    n.as_array()?.iter().map(Node::as_str).collect()
}

fn s<'a>(o: &'a Node, p: &str, k: &str) -> Option<Field<'a, &'a str>> {
    field(o, p, k, p_str)
}
fn i<'a>(o: &'a Node, p: &str, k: &str) -> Option<Field<'a, i64>> {
    field(o, p, k, p_int)
}
fn raw<'a>(o: &'a Node, p: &str, k: &str) -> Option<RawField<'a>> {
    field(o, p, k, p_raw)
}

struct Builder {
    top_ql: QueryLanguage,
}

/// Builds the model from a tree. Never fails: a broken tree gives a partial model.
pub fn build(root: &Node) -> Definition<'_> {
    let query_language_field = field(root, "", "QueryLanguage", |n| {
        n.as_str().and_then(QueryLanguage::parse)
    });
    let top_ql = query_language_field
        .as_ref()
        .and_then(|f| f.value)
        .unwrap_or_default();
    let b = Builder { top_ql };
    Definition {
        root,
        version: s(root, "", "Version"),
        timeout_seconds: i(root, "", "TimeoutSeconds"),
        query_language_field,
        query_language: top_ql,
        scope: b.scope(root, String::new(), ScopeKind::Machine, 0),
    }
}

impl Builder {
    fn scope<'a>(
        &self,
        node: &'a Node,
        pointer: String,
        kind: ScopeKind,
        depth: usize,
    ) -> Scope<'a> {
        let states_field = field(node, &pointer, "States", p_obj);
        let misplaced_query_language = states_field.as_ref().and_then(|sf| {
            let m = sf
                .node
                .as_object()?
                .iter()
                .find(|m| is_misplaced_query_language(m))?;
            let value = m.value.as_str().and_then(QueryLanguage::parse);
            Some(Field {
                key: &m.key,
                node: &m.value,
                value,
                pointer: pointer_push(&sf.pointer, "QueryLanguage"),
            })
        });
        let misplaced_ql = misplaced_query_language.as_ref().and_then(|f| f.value);
        let mut states = Vec::new();
        if let (Some(sf), true) = (&states_field, depth < MAX_DEPTH) {
            for m in sf.node.as_object().unwrap_or(&[]) {
                if is_misplaced_query_language(m) {
                    continue;
                }
                let sp = pointer_push(&sf.pointer, &m.key.text);
                let ql = misplaced_ql.unwrap_or(self.top_ql);
                states.push(self.state(&m.key, &m.value, sp, depth + 1, ql));
            }
        }
        let processor_config = match kind {
            ScopeKind::ItemProcessor | ScopeKind::Iterator => {
                raw(node, &pointer, "ProcessorConfig").map(|f| ProcessorConfig {
                    mode: s(f.node, &f.pointer, "Mode"),
                    execution_type: s(f.node, &f.pointer, "ExecutionType"),
                    field: f,
                })
            }
            _ => None,
        };
        Scope {
            kind,
            node,
            comment: s(node, &pointer, "Comment"),
            start_at: s(node, &pointer, "StartAt"),
            states_field,
            misplaced_query_language,
            states,
            processor_config,
            pointer,
        }
    }

    fn state<'a>(
        &self,
        name: &'a Key,
        node: &'a Node,
        pointer: String,
        depth: usize,
        inherited: QueryLanguage,
    ) -> State<'a> {
        let o = node;
        let p = pointer.as_str();
        let query_language_field = field(o, p, "QueryLanguage", |n| {
            n.as_str().and_then(QueryLanguage::parse)
        });
        let ql = query_language_field
            .as_ref()
            .and_then(|f| f.value)
            .unwrap_or(inherited);
        let retry_field = field(o, p, "Retry", p_arr);
        let retry = elements(retry_field.as_ref())
            .map(|(n, ptr)| retrier(n, ptr))
            .collect();
        let catch_field = field(o, p, "Catch", p_arr);
        let catch = elements(catch_field.as_ref())
            .map(|(n, ptr)| catcher(n, ptr))
            .collect();
        let choices_field = field(o, p, "Choices", p_arr);
        let choices = elements(choices_field.as_ref())
            .map(|(n, ptr)| choice_rule(n, ptr, false, depth + 1))
            .collect();
        let branches_field = field(o, p, "Branches", p_arr);
        let branches = if depth < MAX_DEPTH {
            elements(branches_field.as_ref())
                .enumerate()
                .map(|(index, (n, ptr))| self.scope(n, ptr, ScopeKind::Branch { index }, depth + 1))
                .collect()
        } else {
            Vec::new()
        };
        let item_processor = if depth >= MAX_DEPTH {
            None
        } else if let Some(m) = o.member("ItemProcessor") {
            Some(self.scope(
                &m.value,
                pointer_push(p, "ItemProcessor"),
                ScopeKind::ItemProcessor,
                depth + 1,
            ))
        } else {
            o.member("Iterator").map(|m| {
                self.scope(
                    &m.value,
                    pointer_push(p, "Iterator"),
                    ScopeKind::Iterator,
                    depth + 1,
                )
            })
        };
        State {
            name,
            node,
            type_field: field(o, p, "Type", |n| n.as_str().and_then(StateType::parse)),
            query_language_field,
            query_language: ql,
            comment: s(o, p, "Comment"),
            next: s(o, p, "Next"),
            end: field(o, p, "End", p_bool),
            input_path: field(o, p, "InputPath", p_path_or_null),
            output_path: field(o, p, "OutputPath", p_path_or_null),
            result_path: field(o, p, "ResultPath", p_path_or_null),
            parameters: raw(o, p, "Parameters"),
            result_selector: raw(o, p, "ResultSelector"),
            arguments: raw(o, p, "Arguments"),
            output: raw(o, p, "Output"),
            assign: raw(o, p, "Assign"),
            result: raw(o, p, "Result"),
            resource: s(o, p, "Resource"),
            credentials: raw(o, p, "Credentials"),
            timeout_seconds: i(o, p, "TimeoutSeconds"),
            timeout_seconds_path: s(o, p, "TimeoutSecondsPath"),
            heartbeat_seconds: i(o, p, "HeartbeatSeconds"),
            heartbeat_seconds_path: s(o, p, "HeartbeatSecondsPath"),
            retry_field,
            retry,
            catch_field,
            catch,
            choices_field,
            choices,
            default: s(o, p, "Default"),
            seconds: i(o, p, "Seconds"),
            seconds_path: s(o, p, "SecondsPath"),
            timestamp: s(o, p, "Timestamp"),
            timestamp_path: s(o, p, "TimestampPath"),
            error: s(o, p, "Error"),
            error_path: s(o, p, "ErrorPath"),
            cause: s(o, p, "Cause"),
            cause_path: s(o, p, "CausePath"),
            branches_field,
            branches,
            item_processor,
            items: raw(o, p, "Items"),
            items_path: s(o, p, "ItemsPath"),
            item_selector: raw(o, p, "ItemSelector"),
            item_reader: raw(o, p, "ItemReader").map(item_reader),
            item_batcher: raw(o, p, "ItemBatcher").map(|f| ItemBatcher {
                max_items_per_batch: i(f.node, &f.pointer, "MaxItemsPerBatch"),
                max_items_per_batch_path: s(f.node, &f.pointer, "MaxItemsPerBatchPath"),
                max_input_bytes_per_batch: i(f.node, &f.pointer, "MaxInputBytesPerBatch"),
                max_input_bytes_per_batch_path: s(f.node, &f.pointer, "MaxInputBytesPerBatchPath"),
                batch_input: raw(f.node, &f.pointer, "BatchInput"),
                field: f,
            }),
            result_writer: raw(o, p, "ResultWriter").map(|f| ResultWriter {
                resource: s(f.node, &f.pointer, "Resource"),
                parameters: raw(f.node, &f.pointer, "Parameters"),
                arguments: raw(f.node, &f.pointer, "Arguments"),
                writer_config: raw(f.node, &f.pointer, "WriterConfig").map(|w| WriterConfig {
                    output_type: s(w.node, &w.pointer, "OutputType"),
                    transformation: s(w.node, &w.pointer, "Transformation"),
                    field: w,
                }),
                field: f,
            }),
            max_concurrency: i(o, p, "MaxConcurrency"),
            max_concurrency_path: s(o, p, "MaxConcurrencyPath"),
            tolerated_failure_percentage: field(o, p, "ToleratedFailurePercentage", p_num),
            tolerated_failure_percentage_path: s(o, p, "ToleratedFailurePercentagePath"),
            tolerated_failure_count: i(o, p, "ToleratedFailureCount"),
            tolerated_failure_count_path: s(o, p, "ToleratedFailureCountPath"),
            label: s(o, p, "Label"),
            pointer,
        }
    }
}

/// The elements of an array field with their pointers.
fn elements<'a, 'f>(f: Option<&'f Field<'a, ()>>) -> impl Iterator<Item = (&'a Node, String)> + 'f {
    let arr: &'a [Node] = f.and_then(|f| f.node.as_array()).unwrap_or(&[]);
    let ptr = f.map(|f| f.pointer.as_str()).unwrap_or("");
    arr.iter()
        .enumerate()
        .map(move |(i, n)| (n, pointer_push(ptr, &i.to_string())))
}

fn retrier(node: &Node, pointer: String) -> Retrier<'_> {
    let p = pointer.as_str();
    Retrier {
        node,
        error_equals: field(node, p, "ErrorEquals", p_str_array),
        interval_seconds: i(node, p, "IntervalSeconds"),
        max_attempts: i(node, p, "MaxAttempts"),
        backoff_rate: field(node, p, "BackoffRate", p_num),
        max_delay_seconds: i(node, p, "MaxDelaySeconds"),
        jitter_strategy: s(node, p, "JitterStrategy"),
        comment: s(node, p, "Comment"),
        pointer,
    }
}

fn catcher(node: &Node, pointer: String) -> Catcher<'_> {
    let p = pointer.as_str();
    Catcher {
        node,
        error_equals: field(node, p, "ErrorEquals", p_str_array),
        next: s(node, p, "Next"),
        result_path: field(node, p, "ResultPath", p_path_or_null),
        output: raw(node, p, "Output"),
        assign: raw(node, p, "Assign"),
        comment: s(node, p, "Comment"),
        pointer,
    }
}

fn choice_rule(node: &Node, pointer: String, nested: bool, depth: usize) -> ChoiceRule<'_> {
    let p = pointer.as_str();
    let comparisons = node
        .as_object()
        .unwrap_or(&[])
        .iter()
        .filter(|m| spec::COMPARISONS.iter().any(|c| c.name == m.key.text))
        .map(|m| Comparison {
            operator: &m.key.text,
            is_path: m.key.text.ends_with("Path"),
            field: Field {
                key: &m.key,
                node: &m.value,
                value: Some(&m.value),
                pointer: pointer_push(p, &m.key.text),
            },
        })
        .collect();
    let deeper = depth < MAX_DEPTH;
    let and = field(node, p, "And", p_arr);
    let and_rules = if deeper {
        elements(and.as_ref())
            .map(|(n, ptr)| choice_rule(n, ptr, true, depth + 1))
            .collect()
    } else {
        Vec::new()
    };
    let or = field(node, p, "Or", p_arr);
    let or_rules = if deeper {
        elements(or.as_ref())
            .map(|(n, ptr)| choice_rule(n, ptr, true, depth + 1))
            .collect()
    } else {
        Vec::new()
    };
    let not = field(node, p, "Not", p_obj);
    let not_rule = match (&not, deeper) {
        (Some(f), true) => Some(Box::new(choice_rule(
            f.node,
            f.pointer.clone(),
            true,
            depth + 1,
        ))),
        _ => None,
    };
    ChoiceRule {
        node,
        nested,
        variable: s(node, p, "Variable"),
        comparisons,
        condition: raw(node, p, "Condition"),
        and,
        and_rules,
        or,
        or_rules,
        not,
        not_rule,
        next: s(node, p, "Next"),
        output: raw(node, p, "Output"),
        assign: raw(node, p, "Assign"),
        comment: s(node, p, "Comment"),
        pointer,
    }
}

fn item_reader(f: RawField<'_>) -> ItemReader<'_> {
    let (n, p) = (f.node, f.pointer.as_str());
    ItemReader {
        resource: s(n, p, "Resource"),
        reader_config: raw(n, p, "ReaderConfig").map(|c| ReaderConfig {
            input_type: s(c.node, &c.pointer, "InputType"),
            csv_header_location: s(c.node, &c.pointer, "CSVHeaderLocation"),
            csv_headers: field(c.node, &c.pointer, "CSVHeaders", p_str_array),
            csv_delimiter: s(c.node, &c.pointer, "CSVDelimiter"),
            max_items: i(c.node, &c.pointer, "MaxItems"),
            max_items_path: s(c.node, &c.pointer, "MaxItemsPath"),
            manifest_type: s(c.node, &c.pointer, "ManifestType"),
            field: c,
        }),
        parameters: raw(n, p, "Parameters"),
        arguments: raw(n, p, "Arguments"),
        field: f,
    }
}

/// A `"QueryLanguage": "<string>"` member of a `States` object.
pub fn is_misplaced_query_language(m: &crate::syntax::Member) -> bool {
    m.key.text == "QueryLanguage" && m.value.as_str().is_some()
}

#[cfg(test)]
mod tests;

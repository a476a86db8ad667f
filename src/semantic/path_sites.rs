//! Where paths, payload templates and intrinsic calls occur in a JSONPath state: the site types of the expression
//! index ([`super::Exprs`]) and the walkers that find them. The rules of the Paths category (`invalid-path`,
//! `invalid-intrinsic`, `invalid-context-path`, `missing-dollar-suffix`, `missing-path-suffix`,
//! `static-pass-result`, `conflicting-payload-keys`) read them through the index.
//!
//! JSONata states are never listed: their paths and templates do not exist. Values holding a `${...}`
//! substitution placeholder are unknown at lint time and skipped by every walker here.

use crate::expr::span_map;
use crate::model::{Definition, Field, QueryLanguage, RawField, State, StateType};
use crate::syntax::{has_placeholder, pointer_push, Key, Member, Node, Span, Value, MAX_DEPTH};

/// What a string slot accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRole {
    /// The value of a `key.$` member of a payload template: a path, context path, variable or (when `intrinsics`)
    /// an intrinsic call.
    Template { intrinsics: bool },
    /// `InputPath`, `OutputPath`: any path.
    Path,
    /// `ResultPath`: a reference path into the state input (`$`-rooted, only `.name`, `['name']`, `[n]`).
    ResultPath,
    /// A path that must select one value: `ItemsPath`, `Variable`, comparison `...Path` operands and the numeric
    /// `...Path` fields (`TimeoutSecondsPath`, `SecondsPath`, ...). The specification calls them reference paths.
    Single,
    /// `ErrorPath`, `CausePath`: a path or an intrinsic call.
    PathOrIntrinsic,
}

impl PathRole {
    /// True when an intrinsic call is accepted in this slot.
    pub fn allows_intrinsics(self) -> bool {
        matches!(
            self,
            PathRole::Template { intrinsics: true } | PathRole::PathOrIntrinsic
        )
    }
}

/// One string slot holding a path or an expression.
#[derive(Debug, Clone)]
pub struct ExprSite<'m, 'a> {
    pub state: &'m State<'a>,
    /// The key whose value this is (`InputPath`, `foo.$`, `Variable`, ...).
    pub key: &'a Key,
    /// The string node (its span covers the token, quotes included).
    pub node: &'a Node,
    pub text: &'a str,
    pub pointer: String,
    pub role: PathRole,
    /// The field the slot is in, for messages: `InputPath`, `Parameters`, `Choices`, ...
    pub container: &'a str,
    /// In a Map state's `ItemSelector` (or legacy `Parameters`), where `$$.Map.Item` exists.
    pub map_item: bool,
}

impl ExprSite<'_, '_> {
    /// The source span of a span inside the string's decoded content (falls back to the whole token).
    /// An empty string is pointed at as a whole (its quotes).
    pub fn span(&self, source: &str, content: Span) -> Span {
        if self.text.is_empty() {
            return self.node.span;
        }
        span_map::map_span(source, self.node.span, content)
    }
    /// True when offsets inside the string map exactly to the source (not a folded or block YAML scalar), so a
    /// fix can edit part of it.
    pub fn is_mappable(&self, source: &str) -> bool {
        span_map::SpanMap::new(source, self.node.span).is_some()
    }
}

/// A payload template field of a JSONPath state, with what it allows.
#[derive(Debug, Clone)]
pub struct TemplateField<'m, 'a> {
    pub state: &'m State<'a>,
    pub field: &'m RawField<'a>,
    /// The field's name (`Parameters`, `ItemSelector`, `Assign`, ...).
    pub name: &'static str,
    pub intrinsics: bool,
    pub map_item: bool,
}

/// Every JSONPath state of the machine.
pub fn jsonpath_states<'m, 'a>(model: &'m Definition<'a>) -> Vec<&'m State<'a>> {
    model
        .states()
        .into_iter()
        .map(|r| r.state)
        .filter(|s| s.query_language == QueryLanguage::JsonPath)
        .collect()
}

/// Every evaluated payload template of every JSONPath state (not the Pass state's static `Result`).
pub fn template_fields<'m, 'a>(model: &'m Definition<'a>) -> Vec<TemplateField<'m, 'a>> {
    let mut out = Vec::new();
    for st in jsonpath_states(model) {
        let is_map = st.state_type() == Some(StateType::Map);
        let mut push = |field: Option<&'m RawField<'a>>, name: &'static str, map_item: bool| {
            if let Some(field) = field {
                out.push(TemplateField {
                    state: st,
                    field,
                    name,
                    intrinsics: true,
                    map_item,
                });
            }
        };
        push(st.parameters.as_ref(), "Parameters", is_map);
        push(st.result_selector.as_ref(), "ResultSelector", false);
        push(st.item_selector.as_ref(), "ItemSelector", is_map);
        push(st.credentials.as_ref(), "Credentials", false);
        push(st.assign.as_ref(), "Assign", false);
        if let Some(r) = &st.item_reader {
            push(r.parameters.as_ref(), "Parameters", false);
        }
        if let Some(w) = &st.result_writer {
            push(w.parameters.as_ref(), "Parameters", false);
        }
        if let Some(b) = &st.item_batcher {
            push(b.batch_input.as_ref(), "BatchInput", false);
        }
        for c in &st.catch {
            push(c.assign.as_ref(), "Assign", false);
        }
        for r in &st.choices {
            push(r.assign.as_ref(), "Assign", false);
        }
    }
    out
}

/// Walks every object member below `node` (iteratively, depth-capped), calling `visit(member, pointer)` with the
/// member's RFC 6901 pointer. Arrays are walked too.
pub fn walk_members<'a>(node: &'a Node, pointer: &str, mut visit: impl FnMut(&'a Member, &str)) {
    walk(node, pointer, |members, p, children| {
        // Each member's pointer is built once, and reused for its children.
        for m in members {
            let mp = pointer_push(p, &m.key.text);
            visit(m, &mp);
            if is_container(&m.value) {
                children.push((&m.value, mp));
            }
        }
    });
}

/// Every object (the root included) below `node`, with its pointer, depth-capped.
pub fn walk_objects<'a>(node: &'a Node, pointer: &str, mut visit: impl FnMut(&'a [Member], &str)) {
    walk(node, pointer, |members, p, children| {
        visit(members, p);
        for m in members {
            if is_container(&m.value) {
                children.push((&m.value, pointer_push(p, &m.key.text)));
            }
        }
    });
}

/// The walk under [`walk_members`] and [`walk_objects`]: `object(members, pointer, children)` is called for every
/// object in document order and lists which of its members' values to walk into (with their pointers). Iterative
/// and depth-capped at [`MAX_DEPTH`].
fn walk<'a>(
    node: &'a Node,
    pointer: &str,
    mut object: impl FnMut(&'a [Member], &str, &mut Vec<(&'a Node, String)>),
) {
    let mut stack: Vec<(&'a Node, String, usize)> = vec![(node, pointer.to_string(), 0)];
    let mut children: Vec<(&'a Node, String)> = Vec::new();
    while let Some((n, p, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        match &n.value {
            Value::Object(members) => {
                object(members, &p, &mut children);
                // Stacked in reverse, so that they are walked in document order.
                stack.extend(children.drain(..).rev().map(|(c, cp)| (c, cp, depth + 1)));
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    if is_container(item) {
                        stack.push((item, pointer_push(&p, &i.to_string()), depth + 1));
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_container(n: &Node) -> bool {
    matches!(n.value, Value::Object(_) | Value::Array(_))
}

/// True when a string is unknown at lint time: it holds a `${...}` substitution placeholder, or is a test-harness
/// placeholder (`%NAME%`, `_tbd_`).
pub fn is_unknown(s: &str) -> bool {
    has_placeholder(s) || crate::model::check::is_test_placeholder(s)
}

/// The key, node and pointer of a present field.
fn slot<'m, 'a, T>(f: &'m Option<Field<'a, T>>) -> Option<(&'a Key, &'a Node, &'m str)> {
    f.as_ref().map(|f| (f.key, f.node, f.pointer.as_str()))
}

/// Every path or expression slot of every JSONPath state: `key.$` template values (strings only) and the path
/// fields. Values holding placeholders are left out.
pub fn expr_sites<'m, 'a>(model: &'m Definition<'a>) -> Vec<ExprSite<'m, 'a>> {
    expr_sites_of(model, &template_fields(model))
}

/// [`expr_sites`] with the template fields already listed (by [`template_fields`] on the same model).
pub fn expr_sites_of<'m, 'a>(
    model: &'m Definition<'a>,
    templates: &[TemplateField<'m, 'a>],
) -> Vec<ExprSite<'m, 'a>> {
    let mut out = Vec::new();
    for t in templates {
        walk_members(t.field.node, &t.field.pointer, |m, p| {
            if !m.key.text.ends_with(".$") || is_unknown(&m.key.text) {
                return;
            }
            if let Some(text) = m.value.as_str() {
                if !is_unknown(text) {
                    out.push(ExprSite {
                        state: t.state,
                        key: &m.key,
                        node: &m.value,
                        text,
                        pointer: p.to_string(),
                        role: PathRole::Template {
                            intrinsics: t.intrinsics,
                        },
                        container: t.name,
                        map_item: t.map_item,
                    });
                }
            }
        });
    }
    for st in jsonpath_states(model) {
        let mut push = |key: &'a Key, node: &'a Node, pointer: &str, role, container: &'a str| {
            if let Some(text) = node.as_str() {
                if !is_unknown(text) {
                    out.push(ExprSite {
                        state: st,
                        key,
                        node,
                        text,
                        pointer: pointer.to_string(),
                        role,
                        container,
                        map_item: false,
                    });
                }
            }
        };
        // The path fields of the state and of its Map configuration objects, in the order the specification
        // lists them; each slot is named by its key.
        let reader = st
            .item_reader
            .as_ref()
            .and_then(|r| r.reader_config.as_ref());
        let batcher = st.item_batcher.as_ref();
        let (any, reference, single, or_intrinsic) = (
            PathRole::Path,
            PathRole::ResultPath,
            PathRole::Single,
            PathRole::PathOrIntrinsic,
        );
        let fields = [
            (slot(&st.input_path), any),
            (slot(&st.output_path), any),
            (slot(&st.result_path), reference),
            (slot(&st.items_path), single),
            (slot(&st.timeout_seconds_path), single),
            (slot(&st.heartbeat_seconds_path), single),
            (slot(&st.seconds_path), single),
            (slot(&st.timestamp_path), single),
            (slot(&st.error_path), or_intrinsic),
            (slot(&st.cause_path), or_intrinsic),
            (slot(&st.max_concurrency_path), single),
            (slot(&st.tolerated_failure_percentage_path), single),
            (slot(&st.tolerated_failure_count_path), single),
            (reader.and_then(|c| slot(&c.max_items_path)), single),
            (
                batcher.and_then(|b| slot(&b.max_items_per_batch_path)),
                single,
            ),
            (
                batcher.and_then(|b| slot(&b.max_input_bytes_per_batch_path)),
                single,
            ),
        ];
        let catchers = st.catch.iter().map(|c| (slot(&c.result_path), reference));
        for (field, role) in fields.into_iter().chain(catchers) {
            if let Some((key, node, pointer)) = field {
                push(key, node, pointer, role, &key.text);
            }
        }
        // Choice rules, nested ones included (the model bounds their depth).
        for r in crate::model::all_choice_rules(&st.choices) {
            if let Some((key, node, pointer)) = slot(&r.variable) {
                push(key, node, pointer, single, "Variable");
            }
            for c in &r.comparisons {
                if c.is_path {
                    push(
                        c.field.key,
                        c.field.node,
                        &c.field.pointer,
                        single,
                        "Choices",
                    );
                }
            }
        }
    }
    out
}

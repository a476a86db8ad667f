//! Queries over the library's tree, model and semantic model that the editor features share: what is under the
//! cursor, the transitions into a state (the semantic model's predecessors), the variables assigned anywhere.
//! Everything is bounded (iterative walks over trees whose depth the parsers cap).

use aslint::model::spec::{self, ObjectKind};
use aslint::model::{Definition, QueryLanguage, Scope, State};
use aslint::semantic::{ScopeId, Semantic, StateId};
use aslint::syntax::{Key, Node, Value};
use aslint::syntax::{SourceKind, Span};

/// One step from a container to a child on the way to the cursor.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The object or array holding the child.
    pub container: &'a Node,
    /// The member key, for objects.
    pub key: Option<&'a Key>,
    /// The child value.
    pub node: &'a Node,
    /// The cursor is on the key rather than the value.
    pub on_key: bool,
}

fn contains(span: Span, off: usize) -> bool {
    span.start() <= off && off <= span.end()
}

/// The path of nodes from the root down to the innermost key or value containing `off`.
pub fn locate(root: &Node, off: usize) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    let mut cur = root;
    // Bounded: each step goes one level deeper in a tree whose depth the parser caps.
    loop {
        match &cur.value {
            Value::Object(members) => {
                if let Some(m) = members.iter().find(|m| contains(m.key.span, off)) {
                    out.push(Step {
                        container: cur,
                        key: Some(&m.key),
                        node: &m.value,
                        on_key: true,
                    });
                    return out;
                }
                let Some(m) = members.iter().find(|m| contains(m.value.span, off)) else {
                    return out;
                };
                out.push(Step {
                    container: cur,
                    key: Some(&m.key),
                    node: &m.value,
                    on_key: false,
                });
                cur = &m.value;
            }
            Value::Array(items) => {
                let Some(n) = items.iter().find(|n| contains(n.span, off)) else {
                    return out;
                };
                out.push(Step {
                    container: cur,
                    key: None,
                    node: n,
                    on_key: false,
                });
                cur = n;
            }
            Value::Tagged { value, .. } if contains(value.span, off) => cur = value,
            _ => return out,
        }
    }
}

/// Every object node of the tree whose predicate holds, depth-first (iterative).
pub fn find_object<'a>(root: &'a Node, pred: impl Fn(&'a Node) -> bool) -> Option<&'a Node> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Object(members) => {
                if pred(n) {
                    return Some(n);
                }
                stack.extend(members.iter().rev().map(|m| &m.value));
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Tagged { value, .. } => stack.push(value),
            _ => {}
        }
    }
    None
}

/// What schema object an object node is: its kind and query language (from the model's sites).
pub fn object_kind_of(model: &Definition<'_>, node: &Node) -> Option<(ObjectKind, QueryLanguage)> {
    model
        .sites()
        .into_iter()
        .find(|s| s.node.span == node.span)
        .map(|s| (s.kind, s.query_language))
}

/// A state name under the cursor, read from the library's semantic model: a state's key, or a transition
/// (`StartAt`, `Next`, `Default`, a choice rule's or a catcher's `Next`) naming a state.
#[derive(Debug, Clone, Copy)]
pub struct NameAt<'a> {
    pub name: &'a str,
    /// The scope the name lives in: the state's own scope, or the scope of the transition's field.
    pub scope: ScopeId,
    /// The token under the cursor (the key, or the transition's value).
    pub span: Span,
    /// The state named: in the scope, else (a transition naming a state of another scope) that state.
    pub state: Option<StateId>,
}

/// The state name at `off` (a state's key or a transition naming a state).
pub fn name_at<'a>(sem: &Semantic<'a>, off: usize) -> Option<NameAt<'a>> {
    if let Some(s) = sem
        .states()
        .iter()
        .find(|s| contains(s.state.name.span, off))
    {
        return Some(NameAt {
            name: s.name(),
            scope: s.scope,
            span: s.state.name.span,
            state: Some(s.id),
        });
    }
    let t = sem
        .transitions()
        .iter()
        .find(|t| t.field.value.is_some() && contains(t.span(), off))?;
    Some(NameAt {
        name: t.name,
        scope: t.scope,
        span: t.span(),
        state: t.target.state(),
    })
}

/// The key of the state a name declares in its scope, if any.
pub fn declaration(sem: &Semantic<'_>, at: &NameAt<'_>) -> Option<Span> {
    let id = sem.resolve_in(at.scope, at.name)?;
    sem.state(id).map(|s| s.state.name.span)
}

/// Every transition naming the state from inside its scope: the state's predecessors in the semantic model (a
/// name no state of the scope has: the scope's transitions naming it).
pub fn references(sem: &Semantic<'_>, at: &NameAt<'_>) -> Vec<Span> {
    match sem.resolve_in(at.scope, at.name) {
        Some(id) => sem
            .predecessors(id)
            .filter(|t| t.scope == at.scope && t.field.value.is_some())
            .map(|t| t.span())
            .collect(),
        None => sem
            .scope_transitions(at.scope)
            .filter(|t| t.field.value.is_some() && t.name == at.name)
            .map(|t| t.span())
            .collect(),
    }
}

/// The innermost scope whose object contains `off` (the machine when none does).
pub fn scope_at<'m, 'a>(model: &'m Definition<'a>, off: usize) -> &'m Scope<'a> {
    let mut best: &'m Scope<'a> = &model.scope;
    for s in model.scopes() {
        if contains(s.scope.node.span, off) && s.scope.node.span.len() <= best.node.span.len() {
            best = s.scope;
        }
    }
    best
}

/// The innermost state whose object contains `off`.
pub fn state_at<'m, 'a>(model: &'m Definition<'a>, off: usize) -> Option<&'m State<'a>> {
    model
        .states()
        .into_iter()
        .filter(|s| contains(s.state.node.span, off))
        .min_by_key(|s| s.state.node.span.len())
        .map(|s| s.state)
}

/// A variable assignment: the key naming it in an `Assign` object.
#[derive(Debug, Clone)]
pub struct Assignment<'a> {
    pub name: String,
    pub key: &'a Key,
    /// The state that assigns it.
    pub state: &'a str,
}

/// Every variable assigned anywhere (state, choice rule and catcher `Assign` objects).
pub fn assignments<'m>(model: &'m Definition<'_>) -> Vec<Assignment<'m>> {
    let mut out = Vec::new();
    for sr in model.states() {
        let st = sr.state;
        let mut objs: Vec<&'m Node> = Vec::new();
        objs.extend(st.assign.as_ref().map(|f| f.node));
        objs.extend(
            st.catch
                .iter()
                .filter_map(|c| c.assign.as_ref().map(|f| f.node)),
        );
        objs.extend(
            st.choices
                .iter()
                .filter_map(|c| c.assign.as_ref().map(|f| f.node)),
        );
        for o in objs {
            for m in o.as_object().unwrap_or(&[]) {
                let name = m.key.text.strip_suffix(".$").unwrap_or(&m.key.text);
                if !name.is_empty() {
                    out.push(Assignment {
                        name: name.to_string(),
                        key: &m.key,
                        state: &st.name.text,
                    });
                }
            }
        }
    }
    out
}

/// The `$name` variable reference around `off` in the text, with its span (the `$` included). `$$` and
/// `$states` are not variables.
pub fn variable_at(text: &str, off: usize) -> Option<(String, Span)> {
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut s = off.min(b.len());
    while s > 0 && b.get(s - 1).copied().is_some_and(is_ident) {
        s -= 1;
    }
    if s == 0 || b.get(s - 1) != Some(&b'$') {
        // The cursor may be on the `$` itself.
        if b.get(s) == Some(&b'$') {
            s += 1;
        } else {
            return None;
        }
    }
    if s >= 2 && b.get(s - 2) == Some(&b'$') {
        return None;
    }
    let mut e = s;
    while b.get(e).copied().is_some_and(is_ident) {
        e += 1;
    }
    let name = text.get(s..e)?;
    if name.is_empty() || name == "states" {
        return None;
    }
    Some((name.to_string(), Span::new(s - 1, e)))
}

/// The spec entry of a field name in an object kind.
pub fn field_spec(kind: ObjectKind, name: &str) -> Option<&'static spec::FieldSpec> {
    spec::spec(kind).field(name)
}

/// The replacement text for a state-name token written as `old_token` (quotes as in the source).
pub fn requote(old_token: &str, new: &str, kind: SourceKind) -> String {
    let json = serde_json::to_string(new).unwrap_or_else(|_| format!("\"{new}\""));
    match old_token.as_bytes().first() {
        Some(b'"') => json,
        Some(b'\'') if kind == SourceKind::Yaml => format!("'{}'", new.replace('\'', "''")),
        Some(b'\'') => format!("'{}'", new.replace('\\', "\\\\").replace('\'', "\\'")),
        _ if kind == SourceKind::Yaml && yaml_plain_ok(new) => new.to_string(),
        _ => json,
    }
}

/// True when a string can be written as a YAML plain scalar without changing meaning.
pub fn yaml_plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_alphanumeric() || first == '_') {
        return false;
    }
    if s.ends_with(' ') || s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let special = [
        "true", "false", "null", "yes", "no", "on", "off", "~", "y", "n",
    ];
    if special.contains(&lower.as_str()) || s.parse::<f64>().is_ok() {
        return false;
    }
    s.chars()
        .all(|c| !c.is_control() && !matches!(c, '{' | '}' | '[' | ']' | ',' | '"' | '\'' | '\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_reference_in_text() {
        let t = "\"x.$\": \"$total.count\"";
        let off = t.find("tot").unwrap() + 2;
        let (name, span) = variable_at(t, off).unwrap();
        assert_eq!(name, "total");
        assert_eq!(&t[span.range()], "$total");
        assert!(variable_at("$$.Execution", 3).is_none());
        assert!(variable_at("$states.input", 3).is_none());
    }

    #[test]
    fn requote_keeps_style() {
        assert_eq!(
            requote("\"A\"", "B \"x\"", SourceKind::Json),
            "\"B \\\"x\\\"\""
        );
        assert_eq!(requote("A", "New Name", SourceKind::Yaml), "New Name");
        assert_eq!(requote("A", "yes", SourceKind::Yaml), "\"yes\"");
        assert_eq!(requote("'A'", "it's", SourceKind::Yaml), "'it''s'");
    }
}

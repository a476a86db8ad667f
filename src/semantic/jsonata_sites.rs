//! Where JSONata expressions live: every string value of a JSONata state that Step Functions evaluates when it is
//! `{% ... %}` (Arguments, Output, Assign, Items, ItemSelector, Condition, Error/Cause, Seconds/Timestamp, the
//! numeric fields, Credentials, the Map configuration objects, catcher Output/Assign, choice rule
//! Condition/Output/Assign, retrier fields), with the object and field it belongs to. Listed once per document by
//! the expression index ([`super::Exprs::jsonata`]) for the JSONata and variable rules.

use crate::model::spec::{ObjectKind, ValueKind};
use crate::model::{Definition, Describe, QueryLanguage, Site, StateType};
use crate::syntax::{pointer_push, Node, Span, Value, MAX_DEPTH};
use std::collections::HashSet;

/// One string value in an expression-bearing field of a JSONata state.
#[derive(Debug, Clone)]
pub struct ExprString<'m> {
    /// The string node (its span covers the token, quotes included).
    pub node: &'m Node,
    pub text: &'m str,
    /// RFC 6901 pointer of the string.
    pub pointer: String,
    /// The field of the owning object the string is under (`Output`, `Assign`, `Arguments`, `Condition`, ...).
    pub field: &'m str,
    /// The kind of object that owns the field (a state kind, `Catcher`, `ChoiceRule`, `ItemReader`, ...).
    pub owner: ObjectKind,
    /// "Task state `Fetch`", "catcher #1 of Task state `Fetch`", ...
    pub owner_describe: String,
    /// The name of the state the string belongs to.
    pub state: Option<&'m str>,
    /// The type of that state, when known.
    pub state_type: Option<StateType>,
}

/// An object key inside an expression-bearing field of a JSONata state (`Arguments`, `Output`, `Assign`, ...).
#[derive(Debug, Clone)]
pub struct ExprKey<'m> {
    pub key: &'m crate::syntax::Key,
    /// Pointer of the member.
    pub pointer: String,
    /// The top field the key is under.
    pub field: &'m str,
    /// Nesting below the field: 0 for a key of the field's own object (an `Assign` variable name).
    pub depth: usize,
}

/// Every string of every expression-bearing field of the JSONata states of the machine, in document order (each
/// string once).
pub fn jsonata_strings<'m>(model: &'m Definition<'_>) -> Vec<ExprString<'m>> {
    walk(model).0
}

/// Every object key inside the expression-bearing fields of the JSONata states, in document order.
pub fn jsonata_keys<'m>(model: &'m Definition<'_>) -> Vec<ExprKey<'m>> {
    walk(model).1
}

/// [`jsonata_strings`] and [`jsonata_keys`] from one walk.
pub fn jsonata_strings_and_keys<'m>(
    model: &'m Definition<'_>,
) -> (Vec<ExprString<'m>>, Vec<ExprKey<'m>>) {
    walk(model)
}

/// [`jsonata_strings_and_keys`] over an already listed [`Definition::sites`].
pub fn jsonata_strings_and_keys_in<'m>(
    sites: &[Site<'m>],
) -> (Vec<ExprString<'m>>, Vec<ExprKey<'m>>) {
    walk_sites(sites)
}

fn walk<'m>(model: &'m Definition<'_>) -> (Vec<ExprString<'m>>, Vec<ExprKey<'m>>) {
    walk_sites(&model.sites())
}

fn walk_sites<'m>(sites: &[Site<'m>]) -> (Vec<ExprString<'m>>, Vec<ExprKey<'m>>) {
    let mut out = Vec::new();
    let mut keys: Vec<ExprKey<'m>> = Vec::new();
    let mut seen_keys: HashSet<Span> = HashSet::new();
    let mut seen: HashSet<Span> = HashSet::new();
    for site in sites {
        if site.query_language != QueryLanguage::Jsonata || site.kind == ObjectKind::TopLevel {
            continue;
        }
        let state_type = match &site.describe {
            Describe::State(st) | Describe::Part { state: st, .. } => st.state_type(),
            Describe::TopLevel | Describe::Text(_) => None,
        };
        let members: &'m [crate::syntax::Member] = site.node.as_object().unwrap_or(&[]);
        for m in members {
            let Some(fs) = site.spec().field(&m.key.text) else {
                continue;
            };
            if !fs.lang.allows(QueryLanguage::Jsonata) {
                continue;
            }
            let evaluated = fs.expr || matches!(fs.kind, ValueKind::Any) || fs.name == "Assign";
            if !evaluated {
                continue;
            }
            let base = pointer_push(site.pointer, &m.key.text);
            // Iterative walk (depth is bounded by the parser anyway).
            let mut stack: Vec<(&'m Node, String, usize)> = vec![(&m.value, base, 0)];
            while let Some((node, ptr, depth)) = stack.pop() {
                if depth > MAX_DEPTH {
                    continue;
                }
                match &node.value {
                    Value::String(s) if seen.insert(node.span) => {
                        out.push(ExprString {
                            node,
                            text: s,
                            pointer: ptr,
                            field: fs.name,
                            owner: site.kind,
                            owner_describe: site.describe.to_string(),
                            state: site.state,
                            state_type,
                        });
                    }
                    Value::Array(items) => {
                        for (i, n) in items.iter().enumerate().rev() {
                            stack.push((n, pointer_push(&ptr, &i.to_string()), depth + 1));
                        }
                    }
                    Value::Object(members) => {
                        for mm in members.iter().rev() {
                            let p = pointer_push(&ptr, &mm.key.text);
                            if seen_keys.insert(mm.key.span) {
                                keys.push(ExprKey {
                                    key: &mm.key,
                                    pointer: p.clone(),
                                    field: fs.name,
                                    depth,
                                });
                            }
                            stack.push((&mm.value, p, depth + 1));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out.sort_by_key(|e| e.node.span);
    keys.sort_by_key(|k| k.key.span);
    (out, keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, SourceKind};

    #[test]
    fn lists_expression_fields_of_jsonata_states_only() {
        let text = r#"{"StartAt":"T","States":{
          "T":{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Comment":"{% c %}",
               "Arguments":{"a":["{% 1 %}"]},"TimeoutSeconds":"{% 2 %}",
               "Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% 3 %}","Next":"C"}],"Next":"C"},
          "C":{"Type":"Choice","QueryLanguage":"JSONata","Choices":[{"Condition":"{% 4 %}","Assign":{"v":"{% 5 %}"},"Next":"P"}],"Default":"P"},
          "P":{"Type":"Pass","Parameters":{"x":"{% 6 %}"},"End":true}}}"#;
        let parsed = parse(text, SourceKind::Json);
        let root = parsed.root.expect("parses");
        let model = crate::model::build(&root);
        let found: Vec<(String, &str, ObjectKind)> = jsonata_strings(&model)
            .into_iter()
            .map(|e| (e.pointer, e.field, e.owner))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "/States/T/Arguments/a/0".to_string(),
                    "Arguments",
                    ObjectKind::Task
                ),
                (
                    "/States/T/TimeoutSeconds".to_string(),
                    "TimeoutSeconds",
                    ObjectKind::Task
                ),
                (
                    "/States/T/Catch/0/Output".to_string(),
                    "Output",
                    ObjectKind::Catcher
                ),
                (
                    "/States/C/Choices/0/Condition".to_string(),
                    "Condition",
                    ObjectKind::ChoiceRule
                ),
                (
                    "/States/C/Choices/0/Assign/v".to_string(),
                    "Assign",
                    ObjectKind::ChoiceRule
                ),
            ]
        );
    }
}

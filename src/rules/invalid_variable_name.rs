use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{check, Definition, QueryLanguage, RawField};
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::{pointer_push, Key, Span};

declare_rule! {
    /// ## What it does
    /// Reports an `Assign` key that is not a valid workflow variable name: empty, longer than 80 characters, not
    /// an identifier (the first character a letter or `_`, the others letters, digits or `_`), or the reserved
    /// name `states`. In a JSONPath state the `.$` suffix of a key is not part of the name; in a JSONata state
    /// keys take no `.$` suffix.
    ///
    /// An empty, over-long or reserved name is an error; a name with other characters (`order-id`) is only a
    /// warning: AWS documents identifier names, but a valid definition of the shared corpus (asl-validator's
    /// `valid-assign` fixture) assigns `top-level`, and no AWS record settles it yet.
    ///
    /// ## Why is this bad?
    /// A variable is read as `$name`: Step Functions documents variable names as identifiers (Unicode `ID_Start`
    /// followed by `ID_Continue` characters) of at most 80 characters, and `$states` is the reserved variable of
    /// JSONata states. A name such as `order-id` cannot be read back: `$order-id` means `$order - id`.
    ///
    /// ## Example
    /// ```json
    /// "Assign": { "order-id": "{% $states.input.id %}", "states": 1 }
    /// ```
    /// Use instead:
    /// ```json
    /// "Assign": { "orderId": "{% $states.input.id %}", "stateCount": 1 }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>
    pub struct InvalidVariableName {
        code: "ASL701",
        name: "invalid-variable-name",
        category: Variables,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

/// Longest variable name Step Functions accepts.
pub const MAX_VARIABLE_NAME_LEN: usize = 80;

/// Every `Assign` object of the machine with the query language of its state: state, catcher and choice rule
/// `Assign` fields, in document order.
pub fn assign_fields<'m, 'a>(model: &'m Definition<'a>) -> Vec<(&'m RawField<'a>, QueryLanguage)> {
    let mut out = Vec::new();
    for r in model.states() {
        let st = r.state;
        let ql = st.query_language;
        out.extend(st.assign.iter().map(|f| (f, ql)));
        for c in &st.catch {
            out.extend(c.assign.iter().map(|f| (f, ql)));
        }
        for c in &st.choices {
            out.extend(c.assign.iter().map(|f| (f, ql)));
        }
    }
    out
}

/// The variable a key of `Assign` assigns: the key without its `.$` suffix in JSONPath states.
pub fn variable_name(key: &str, ql: QueryLanguage) -> &str {
    match ql {
        QueryLanguage::JsonPath => key.strip_suffix(".$").unwrap_or(key),
        QueryLanguage::Jsonata => key,
    }
}

/// What is wrong with a variable name: a message and the byte range of the name to point at.
pub fn name_problem(name: &str) -> Option<(String, std::ops::Range<usize>)> {
    if name.is_empty() {
        return Some(("empty variable name".into(), 0..0));
    }
    if name == "states" {
        return Some(("variable name `states` is reserved".into(), 0..name.len()));
    }
    let count = name.chars().count();
    if count > MAX_VARIABLE_NAME_LEN {
        let cut = name
            .char_indices()
            .nth(MAX_VARIABLE_NAME_LEN)
            .map_or(name.len(), |(i, _)| i);
        return Some((
            format!(
                "variable name `{}…` is {count} characters long, more than the {MAX_VARIABLE_NAME_LEN} allowed",
                name.get(..cut.min(20)).unwrap_or("")
            ),
            cut..name.len(),
        ));
    }
    for (i, c) in name.char_indices() {
        let ok = if i == 0 {
            c.is_alphabetic() || c == '_'
        } else {
            c.is_alphanumeric() || c == '_'
        };
        if !ok {
            let what = if i == 0 {
                "cannot start with"
            } else {
                "cannot contain"
            };
            return Some((
                format!("variable name `{name}` {what} `{}`", c.escape_debug()),
                i..i + c.len_utf8(),
            ));
        }
    }
    None
}

/// A span inside a key token: `range` is a byte range of the key text; the key is mapped exactly when it is a
/// simple quoted or plain token, else the whole key is used.
fn key_span(text: &str, key: &Key, range: std::ops::Range<usize>) -> Span {
    let content = Span::new(range.start, range.end);
    crate::expr::span_map::map_span(text, key.span, content)
}

impl Rule for InvalidVariableName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for (field, ql) in assign_fields(model) {
            for m in field.node.as_object().unwrap_or(&[]) {
                let key = m.key.text.as_str();
                if check::is_placeholder_key(key) {
                    continue;
                }
                let name = variable_name(key, ql);
                let Some((message, range)) = name_problem(name) else {
                    continue;
                };
                let span = if range.is_empty() {
                    m.key.span
                } else {
                    key_span(ctx.text, &m.key, range)
                };
                let wrong_char =
                    message.contains("cannot start with") || message.contains("cannot contain");
                let label = if wrong_char {
                    "not allowed in a variable name"
                } else if name == "states" {
                    "reserved"
                } else if name.is_empty() {
                    "empty name"
                } else {
                    "beyond 80 characters"
                };
                let mut d = META
                    .diagnostic(span, message)
                    .label(label)
                    .note(
                        "a variable is read as `$name`: its name must be an identifier (a letter or `_`, then \
                         letters, digits or `_`) of at most 80 characters, other than `states`",
                    )
                    .pointer(pointer_push(&field.pointer, key));
                d = if ql == QueryLanguage::Jsonata && key.ends_with(".$") {
                    d.help("JSONata states take no `.$` suffix: write the key without it and the value as `{% ... %}`")
                } else {
                    let suggestion: String = name
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .filter(|p| !p.is_empty())
                        .enumerate()
                        .map(|(i, p)| {
                            if i == 0 {
                                p.to_string()
                            } else {
                                let mut cs = p.chars();
                                cs.next()
                                    .map(|f| f.to_uppercase().chain(cs).collect())
                                    .unwrap_or_default()
                            }
                        })
                        .collect();
                    if !suggestion.is_empty()
                        && suggestion != name
                        && name_problem(&suggestion).is_none()
                    {
                        d.help(format!("rename the variable, e.g. to `{suggestion}`"))
                    } else {
                        d.help("rename the variable to an identifier such as `orderId`")
                    }
                };
                if wrong_char {
                    // AWS documents identifier names, but asl-validator's valid fixtures assign `top-level`: a
                    // warning until AWS behaviour is recorded.
                    d.severity = Severity::Warning;
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_problem;
    use crate::syntax::SourceKind;

    #[test]
    fn names() {
        assert!(name_problem("orderId").is_none());
        assert!(name_problem("_x1").is_none());
        assert!(name_problem("café").is_none());
        assert_eq!(name_problem("order-id").map(|p| p.1), Some(5..6));
        assert_eq!(name_problem("1st").map(|p| p.1), Some(0..1));
        assert!(name_problem("states").is_some());
        assert!(name_problem("").is_some());
        assert!(name_problem(&"a".repeat(80)).is_none());
        assert_eq!(name_problem(&"a".repeat(81)).map(|p| p.1), Some(80..81));
    }

    #[test]
    fn jsonpath_suffix_is_not_part_of_the_name() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"ok.$":"$.a","bad-name.$":"$.b","states":1},"End":true}}}"#;
        let d: Vec<_> = crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "-");
        assert_eq!(d[0].pointer, "/States/A/Assign/bad-name.$");
        assert_eq!(&text[d[1].span().range()], "states");
    }
}

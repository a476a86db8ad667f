use crate::diagnostics::Diagnostic;
use crate::model::check::{check_type, TypeCheck};
use crate::model::spec::ValueKind;
use crate::model::QueryLanguage;
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::{pointer_push, Node};

declare_rule! {
    /// ## What it does
    /// Reports a field whose value has the wrong JSON type.
    ///
    /// For example `"TimeoutSeconds": "30"`, a `Retry` that is an
    /// object instead of an array, an `ErrorEquals` with a number in it, a state that is not an object, ...
    /// A string that is one whole `${...}` substitution placeholder, and a YAML tag such as `!Ref`, stand for a
    /// value of any type. In JSONata states, fields that take expressions accept a `{% ... %}` string.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`).
    ///
    /// ## Example
    /// ```json
    /// "Fetch": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": "30", "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Fetch": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 30, "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html>
    /// - <https://states-language.net/spec.html>
    pub struct InvalidFieldType {
        code: "ASL103",
        name: "invalid-field-type",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for InvalidFieldType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let sites = ctx.sites();
        for site in sites.iter() {
            let spec = site.spec();
            let ql = site.query_language;
            for m in site.members() {
                let Some(fs) = spec.field(&m.key.text) else {
                    continue;
                };
                if !fs.lang.allows(ql) {
                    continue; // wrong-query-language-field reports it
                }
                let name = &m.key.text;
                let ptr = pointer_push(site.pointer, name);
                match check_type(fs, &m.value, ql) {
                    TypeCheck::Ok => {}
                    TypeCheck::Wrong => {
                        let expected = fs.kind.describe();
                        let mut help = format!("write {expected}");
                        if fs.expr && ql == QueryLanguage::Jsonata {
                            help.push_str(" or a JSONata expression `{% ... %}`");
                        }
                        if let Some(h) = quoted_number_hint(fs.kind, &m.value) {
                            help = h;
                        }
                        out.push(
                            META.diagnostic(
                                m.value.span,
                                format!(
                                    "`{name}` in {} must be {expected}, found {}",
                                    site.describe,
                                    m.value.type_name()
                                ),
                            )
                            .label(format!("expected {expected}"))
                            .secondary(m.key.span, "field declared here")
                            .note(format!(
                                "Step Functions rejects a `{name}` that is not {expected}"
                            ))
                            .help(help)
                            .pointer(ptr),
                        );
                    }
                    TypeCheck::WrongElement(bad) => {
                        let (what, elem_ptr) = element_info(fs.kind, &m.value, bad, &ptr);
                        out.push(
                            META.diagnostic(
                                bad.span,
                                format!(
                                    "{what} of `{name}` in {} must be {}, found {}",
                                    site.describe,
                                    elem_kind(fs.kind),
                                    bad.type_name()
                                ),
                            )
                            .label(format!("expected {}", elem_kind(fs.kind)))
                            .note(format!("`{name}` must be {}", fs.kind.describe()))
                            .help(format!("make it {}", elem_kind(fs.kind)))
                            .pointer(elem_ptr),
                        );
                    }
                }
            }
        }
    }
}

fn elem_kind(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::StringArray { .. } => "a string",
        _ => "an object",
    }
}

/// "state `X`" / "element #2" and the element's pointer.
fn element_info(kind: ValueKind, parent: &Node, bad: &Node, ptr: &str) -> (String, String) {
    if kind == ValueKind::StateMap {
        if let Some(m) = parent
            .as_object()
            .unwrap_or(&[])
            .iter()
            .find(|m| std::ptr::eq(&m.value, bad))
        {
            return (
                format!("state `{}`", m.key.text),
                pointer_push(ptr, &m.key.text),
            );
        }
    }
    let idx = parent
        .as_array()
        .unwrap_or(&[])
        .iter()
        .position(|n| std::ptr::eq(n, bad))
        .unwrap_or(0);
    (
        format!("element #{}", idx + 1),
        pointer_push(ptr, &idx.to_string()),
    )
}

/// `"30"` for an integer field: suggest removing the quotes.
fn quoted_number_hint(kind: ValueKind, node: &Node) -> Option<String> {
    let s = node.as_str()?;
    match kind {
        ValueKind::Integer { .. } if s.trim().parse::<i64>().is_ok() => {
            Some(format!("remove the quotes: `{}`", s.trim()))
        }
        ValueKind::Number { .. } if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
            Some(format!("remove the quotes: `{}`", s.trim()))
        }
        ValueKind::Boolean | ValueKind::True if matches!(s, "true" | "false") => {
            Some(format!("remove the quotes: `{s}`"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::syntax::SourceKind;

    fn findings(text: &str, kind: SourceKind) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, kind)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn placeholders_tags_and_intrinsics_are_unknown_values_of_any_type() {
        let json = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":{"Fn::GetAtt":["F","Arn"]},
            "TimeoutSeconds":"${Timeout}","Retry":"${Retry}","End":true}}}"#;
        assert!(findings(json, SourceKind::Json).is_empty());
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: !GetAtt F.Arn\n    TimeoutSeconds: !Ref T\n    End: true\n";
        assert!(findings(yaml, SourceKind::Yaml).is_empty());
    }

    #[test]
    fn jsonata_expressions_only_where_accepted() {
        let ok = r#"{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $x %}","End":true}}}"#;
        assert!(findings(ok, SourceKind::Json).is_empty());
        // The same string in a JSONPath state is a type error.
        let bad =
            r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $x %}","End":true}}}"#;
        let d = findings(bad, SourceKind::Json);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pointer, "/States/W/Seconds");
        assert!(
            d[0].message.contains("must be an integer, found string"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn wrong_element_is_pointed_at() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["x",3]}],"End":true}}}"#;
        let d = findings(text, SourceKind::Json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/Retry/0/ErrorEquals/1");
        assert_eq!(&text[d[0].span().range()], "3");
    }
}

use crate::diagnostics::{Applicability, Diagnostic, Fix};
use crate::rules::path_sites::{self, looks_like_intrinsic, looks_like_path};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::path_sites::{is_unknown, walk_objects};

declare_rule! {
    /// ## What it does
    /// Reports a payload-template value that is written like a path (`$.x`, `$$.x`) or an intrinsic call
    /// (`States.Format(...)`) under a key that does not end in `.$`.
    ///
    /// Checked in the payload templates of JSONPath states: `Parameters`, `ResultSelector`, `ItemSelector`,
    /// `Credentials`, `Assign` (JSONPath `Assign` keys take `.$` too), the `Parameters` of `ItemReader` and
    /// `ResultWriter`, and `BatchInput`. Values with `${...}` substitution placeholders are left alone.
    ///
    /// ## Why is this bad?
    /// Without `.$` Step Functions passes the text itself (`"$.orderId"`) instead of the value it points to; the
    /// mistake surfaces only when the next service receives the literal string.
    ///
    /// ## Example
    /// ```json
    /// "Parameters": { "orderId": "$.order.id" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Parameters": { "orderId.$": "$.order.id" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>
    pub struct MissingDollarSuffix {
        code: "ASL304",
        name: "missing-dollar-suffix",
        category: Paths,
        severity: Warning,
        aws_code: Some("NO_DOLLAR"),
    }
}

impl Rule for MissingDollarSuffix {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for t in &exprs.templates {
            walk_objects(t.field.node, &t.field.pointer, |members, p| {
                for m in members {
                    let key = m.key.text.as_str();
                    if key.ends_with(".$") || is_unknown(key) {
                        continue;
                    }
                    let Some(text) = m.value.as_str() else {
                        continue;
                    };
                    if is_unknown(text) {
                        continue;
                    }
                    let what = if looks_like_path(text) {
                        "a path"
                    } else if looks_like_intrinsic(text) {
                        "an intrinsic function call"
                    } else {
                        continue;
                    };
                    let dollar = format!("{key}.$");
                    // `key` and `key.$` together are reported by `conflicting-payload-keys`.
                    if members.iter().any(|o| o.key.text == dollar) {
                        continue;
                    }
                    out.push(
                        META.diagnostic(
                            m.key.span,
                            format!(
                                "`{key}` in the {} of {} holds {what} but its key does not end in `.$`",
                                t.name,
                                t.state.describe()
                            ),
                        )
                        .label("missing `.$`")
                        .secondary(m.value.span, format!("passed as the literal text `{text}`"))
                        .note("only keys ending in `.$` are evaluated; this value is passed on as a plain string")
                        .help(format!("rename the key to `{dollar}`"))
                        .fix(Fix {
                            title: format!("Rename `{key}` to `{dollar}`"),
                            applicability: Applicability::Safe,
                            edits: vec![path_sites::rename_key(ctx.text, ctx.kind, &m.key, &dollar)],
                        })
                        .pointer(crate::syntax::pointer_push(p, key)),
                    );
                }
            });
        }
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
    fn path_and_call_without_suffix_get_a_rename() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a":"$.x","n":{"b":"States.UUID()"},"c":"$5","d":"${X}"},"End":true}}}"#;
        let d = findings(text, SourceKind::Json);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "\"a\"");
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.edits[0].replacement.as_str()),
            Some("\"a.$\"")
        );
        assert_eq!(d[1].pointer, "/States/A/Parameters/n/b");
    }

    #[test]
    fn yaml_bare_key_and_jsonata_states() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Assign:\n      v: $.x\n    Next: B\n  B:\n    Type: Pass\n    QueryLanguage: JSONata\n    Assign:\n      v: $.x\n    End: true\n";
        let d = findings(text, SourceKind::Yaml);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.edits[0].replacement.as_str()),
            Some("v.$")
        );
    }
}

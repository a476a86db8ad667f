use crate::diagnostics::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::path_sites::walk_objects;
use crate::syntax::pointer_push;

declare_rule! {
    /// ## What it does
    /// Reports a payload template object that has both `key` and `key.$`.
    ///
    /// Checked in the payload templates of JSONPath states: `Parameters`, `ResultSelector`, `ItemSelector`,
    /// `Credentials`, `Assign`, the `Parameters` of `ItemReader` and `ResultWriter`, and `BatchInput`.
    ///
    /// ## Why is this bad?
    /// Step Functions removes the `.$` suffix when it evaluates the template, so both members produce the same
    /// key `key`; it rejects the definition (`SCHEMA_VALIDATION_FAILED`).
    ///
    /// ## Example
    /// ```json
    /// "Parameters": { "channel": "#alerts", "channel.$": "$.channel" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Parameters": { "channel.$": "$.channel" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html>
    pub struct ConflictingPayloadKeys {
        code: "ASL307",
        name: "conflicting-payload-keys",
        category: Paths,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for ConflictingPayloadKeys {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for t in &exprs.templates {
            walk_objects(t.field.node, &t.field.pointer, |members, p| {
                for (i, m) in members.iter().enumerate() {
                    let Some(base) = m.key.text.strip_suffix(".$") else {
                        continue;
                    };
                    let Some(other) = members.iter().find(|o| o.key.text == base) else {
                        continue;
                    };
                    // Report at the later of the two, pointing back at the earlier one.
                    let other_index = members.iter().position(|o| o.key.text == base).unwrap_or(0);
                    let (second, first) = if other_index < i {
                        (m, other)
                    } else {
                        (other, m)
                    };
                    out.push(
                        META.diagnostic(
                            second.key.span,
                            format!(
                                "`{}` and `{}` both produce the key `{base}` in the {} of {}",
                                first.key.text,
                                second.key.text,
                                t.name,
                                t.state.describe()
                            ),
                        )
                        .label(format!("also produces `{base}`"))
                        .secondary(first.key.span, format!("`{}` set here", first.key.text))
                        .note("Step Functions removes the `.$` suffix when it evaluates the template, so the two keys collide")
                        .help(format!(
                            "keep `{base}.$` to take the value from a path, or `{base}` for a fixed value, and remove the other"
                        ))
                        .pointer(pointer_push(p, &second.key.text)),
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

    fn findings(text: &str) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn later_key_is_primary_earlier_is_secondary() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"n":{"c.$":"$.v","c":"x"}},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "\"c\"");
        assert_eq!(&text[d[0].secondary[0].span.range()], "\"c.$\"");
        assert_eq!(d[0].pointer, "/States/A/Parameters/n/c");
    }

    #[test]
    fn result_and_jsonata_are_not_templates() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"c.$":"$.v","c":"x"},"Next":"B"},
            "B":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"c.$":"a","c":"b"},"End":true}}}"#;
        assert!(findings(text).is_empty());
    }
}

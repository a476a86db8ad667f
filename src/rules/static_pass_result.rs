use crate::diagnostics::Diagnostic;
use crate::model::{QueryLanguage, StateType};
use crate::rules::path_sites::{looks_like_intrinsic, looks_like_path};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::path_sites::{is_unknown, walk_members};

declare_rule! {
    /// ## What it does
    /// Reports a `key.$` member, a path or an intrinsic call inside a Pass state's `Result`.
    ///
    /// ## Why is this bad?
    /// `Result` is static: Step Functions copies it as written. A `key.$` key keeps its `.$` and its value stays
    /// the text `$.x`; nothing is read from the input.
    ///
    /// ## Example
    /// ```json
    /// "Build": { "Type": "Pass", "Result": { "id.$": "$.orderId" }, "Next": "Send" }
    /// ```
    /// Use instead (`Parameters` is evaluated):
    /// ```json
    /// "Build": { "Type": "Pass", "Parameters": { "id.$": "$.orderId" }, "Next": "Send" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html>
    pub struct StaticPassResult {
        code: "ASL306",
        name: "static-pass-result",
        category: Paths,
        severity: Warning,
        aws_code: Some("PASS_RESULT_IS_STATIC"),
    }
}

impl Rule for StaticPassResult {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for r in model.states() {
            let st = r.state;
            if st.query_language != QueryLanguage::JsonPath
                || st.state_type() != Some(StateType::Pass)
            {
                continue;
            }
            let Some(result) = &st.result else { continue };
            let who = st.describe();
            walk_members(result.node, &result.pointer, |m, p| {
                let key = m.key.text.as_str();
                if is_unknown(key) {
                    return;
                }
                let text = m.value.as_str().filter(|t| !is_unknown(t));
                let d = if key.ends_with(".$") {
                    META.diagnostic(
                        m.key.span,
                        format!("`{key}` in the static `Result` of {who} is not evaluated"),
                    )
                    .label("kept as written, `.$` included")
                } else if let Some(t) =
                    text.filter(|t| looks_like_path(t) || looks_like_intrinsic(t))
                {
                    META.diagnostic(
                        m.value.span,
                        format!("`{key}` in the static `Result` of {who} holds an expression that is never evaluated"),
                    )
                    .label(format!("copied as the text `{t}`"))
                } else {
                    return;
                };
                out.push(
                    d.secondary(result.key.span, "`Result` is copied as written")
                        .note("a Pass state's `Result` is static JSON: paths and intrinsic calls in it are not evaluated")
                        .help("move the member into the Pass state's `Parameters` (with a key ending in `.$`), which is evaluated")
                        .pointer(p.to_string()),
                );
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
    fn dollar_key_and_path_value_in_result() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"a.$":"$.x","n":[{"b":"$$.Execution.Id"}],"c":"$5"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "\"a.$\"");
        assert_eq!(d[1].pointer, "/States/A/Result/n/0/b");
        assert_eq!(&text[d[1].secondary[0].span.range()], "\"Result\"");
    }

    #[test]
    fn parameters_are_not_result() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$.x"},"Result":{"plain":1},"End":true}}}"#;
        assert!(findings(text).is_empty());
    }
}

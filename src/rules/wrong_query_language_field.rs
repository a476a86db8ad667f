use crate::diagnostics::{Diagnostic, Severity};
use crate::model::spec::Lang;
use crate::model::QueryLanguage;
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::pointer_push;

declare_rule! {
    /// ## What it does
    /// Reports a field that the state's query language does not allow.
    ///
    /// That is a JSONPath-only field (`InputPath`, `Parameters`,
    /// `ResultSelector`, `ResultPath`, `OutputPath`, every `...Path` field, `Result`, the choice rule operators and
    /// `Variable`) in a JSONata state, or a JSONata-only field (`Arguments`, `Output`, `Items`, `Condition`) in a
    /// JSONPath state. Also reports a state that sets `"QueryLanguage": "JSONPath"` in a JSONata state machine.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`). JSONata states replace the JSONPath
    /// data-flow fields by JSONata expressions in `Arguments` and `Output`; JSONPath states do not evaluate them.
    ///
    /// ## Example
    /// ```json
    /// "Fetch": { "Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
    ///            "Parameters": { "FunctionName": "f" }, "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Fetch": { "Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
    ///            "Arguments": { "FunctionName": "f" }, "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html>
    pub struct WrongQueryLanguageField {
        code: "ASL108",
        name: "wrong-query-language-field",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for WrongQueryLanguageField {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for site in ctx.sites().iter() {
            let ql = site.query_language;
            for m in site.members() {
                let Some(fs) = site.spec().field(&m.key.text) else {
                    continue;
                };
                if fs.lang.allows(ql) {
                    continue;
                }
                let (only, instead) = match fs.lang {
                    Lang::JsonPathOnly { instead } => ("JSONPath", instead),
                    Lang::JsonataOnly { instead } => ("JSONata", instead),
                    Lang::Both => continue,
                };
                let name = &m.key.text;
                let instead = if instead.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    format!("`{instead}`")
                } else {
                    instead.to_string()
                };
                let why = if ql == QueryLanguage::Jsonata {
                    "JSONata states use JSONata expressions in `Arguments`, `Output`, `Assign` and `Condition` instead of JSONPath fields"
                } else {
                    "JSONPath states use `InputPath`, `Parameters`, `ResultSelector`, `ResultPath`, `OutputPath` and choice rule operators; set `\"QueryLanguage\": \"JSONata\"` to use JSONata fields"
                };
                out.push(
                    META.diagnostic(
                        m.key.span,
                        format!(
                            "{only}-only field `{name}` in {} which uses {}",
                            site.describe,
                            ql.as_str()
                        ),
                    )
                    .label(format!("not allowed in a {} state", ql.as_str()))
                    .note(why)
                    .help(format!("use {instead} instead"))
                    .pointer(pointer_push(site.pointer, name)),
                );
            }
        }
        // A JSONata machine cannot contain JSONPath states.
        if model.query_language == QueryLanguage::Jsonata {
            for r in model.states() {
                let Some(f) = &r.state.query_language_field else {
                    continue;
                };
                if f.value == Some(QueryLanguage::JsonPath) {
                    let top = model.query_language_field.as_ref().map(|t| t.node.span);
                    let mut d = META
                        .diagnostic(f.node.span, format!("{} uses JSONPath inside a JSONata state machine", r.state.describe()))
                        .label("JSONPath state in a JSONata state machine")
                        .note("a state machine whose top-level `QueryLanguage` is JSONata cannot contain JSONPath states")
                        .help("convert the state to JSONata and remove its `QueryLanguage`, or set the top-level `QueryLanguage` to JSONPath and mark the JSONata states individually")
                        .pointer(f.pointer.as_str());
                    if let Some(span) = top {
                        d = d.secondary(span, "the state machine uses JSONata");
                    }
                    if !std::ptr::eq(r.scope, &model.scope) {
                        // AWS documents the restriction, but a validator's "valid" fixture has a JSONPath state in
                        // a JSONata Map's item processor; until checked against AWS, nested cases are warnings.
                        d.severity = Severity::Warning;
                    }
                    out.push(d);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Severity;
    use crate::syntax::SourceKind;

    #[test]
    fn fields_and_nested_jsonpath_states() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
            "A":{"Type":"Pass","InputPath":"$.x","Next":"M"},
            "M":{"Type":"Map","ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}},"End":true}}}"#;
        let d: Vec<_> = crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/InputPath");
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(
            d[1].pointer,
            "/States/M/ItemProcessor/States/B/QueryLanguage"
        );
        assert_eq!(d[1].severity, Severity::Warning);
    }
}

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::spec::ObjectKind;
use crate::model::QueryLanguage;
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::pointer_push;

declare_rule! {
    /// ## What it does
    /// Reports an object that lacks a field the Amazon States Language requires there.
    ///
    /// Checked: the state machine and every state, retrier, catcher, choice rule, `ItemReader`, ...: `StartAt` and `States`, a state's `Type`,
    /// a Task's `Resource`, `Next` or `End`, a Choice's `Choices`, a Wait's duration, a Map's `ItemProcessor`,
    /// a catcher's `ErrorEquals` and `Next`, a choice rule's condition, ...
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition when it is created or updated (`SCHEMA_VALIDATION_FAILED`).
    ///
    /// ## Example
    /// ```json
    /// "Fetch": { "Type": "Task", "Next": "Done" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Fetch": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html>
    pub struct MissingField {
        code: "ASL101",
        name: "missing-field",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for MissingField {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let sites = ctx.sites();
        for site in sites.iter() {
            let has = |name: &str| site.node.member(name).is_some();
            if site
                .members()
                .iter()
                .any(|m| crate::model::check::is_placeholder_key(&m.key.text))
            {
                continue; // a templated key: the object's shape is unknown
            }
            if site.kind == ObjectKind::UnknownState {
                if !has("Type") {
                    out.push(
                        META.diagnostic(site.anchor(), format!("missing `Type` in {}", site.describe))
                            .label("this state has no `Type`")
                            .note("every state needs a `Type`; without one Step Functions rejects the definition")
                            .help("add `\"Type\"` with one of `Task`, `Pass`, `Choice`, `Wait`, `Succeed`, `Fail`, `Parallel`, `Map`")
                            .pointer(site.pointer),
                    );
                }
                continue;
            }
            for req in site.spec().required {
                if req.fields.iter().any(|f| has(f)) {
                    continue;
                }
                let what = if site.kind == ObjectKind::ChoiceRule
                    && site.query_language == QueryLanguage::Jsonata
                {
                    "`Condition`"
                } else {
                    req.what
                };
                let mut d = META
                    .diagnostic(site.anchor(), format!("missing {what} in {}", site.describe))
                    .label(format!("requires {what}"))
                    .note(format!(
                        "the Amazon States Language requires {what} here; Step Functions rejects the definition without it"
                    ))
                    .help(format!("add {what}"))
                    .pointer(site.pointer);
                if site.kind == ObjectKind::Credentials
                    && site.query_language == QueryLanguage::JsonPath
                {
                    // AWS rejects this in JSONata states (recorded); for JSONPath, spec-based validators accept
                    // free-form Credentials and no AWS record exists yet: a warning until confirmed.
                    d.severity = Severity::Warning;
                }
                out.push(d);
            }
            // Requirements that depend on another field.
            if matches!(
                site.kind,
                ObjectKind::ChoiceRule | ObjectKind::NestedChoiceRule
            ) && !has("Variable")
            {
                if let Some(op) = site.members().iter().find(|m| {
                    crate::model::spec::COMPARISONS
                        .iter()
                        .any(|c| c.name == m.key.text)
                }) {
                    out.push(
                        META.diagnostic(op.key.span, format!("missing `Variable` for `{}` in {}", op.key.text, site.describe))
                            .label("compares nothing: no `Variable`")
                            .note("a comparison operator compares the value at the rule's `Variable` path")
                            .help("add `\"Variable\"` with the path of the value to compare, e.g. `\"$.status\"`")
                            .pointer(site.pointer),
                    );
                }
            }
            if site.kind == ObjectKind::ReaderConfig && !has("CSVHeaders") {
                if let Some(loc) = site
                    .node
                    .member("CSVHeaderLocation")
                    .filter(|m| m.value.as_str() == Some("GIVEN"))
                {
                    out.push(
                        META.diagnostic(loc.value.span, format!("missing `CSVHeaders` in {}", site.describe))
                            .label("headers are GIVEN but not listed")
                            .note("with `CSVHeaderLocation: GIVEN` the column names come from `CSVHeaders`")
                            .help("add `\"CSVHeaders\"` with the column names, or use `FIRST_ROW`")
                            .pointer(pointer_push(site.pointer, "CSVHeaderLocation")),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn messages(text: &str) -> Vec<String> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn required_fields_by_kind() {
        assert_eq!(
            messages(r#"{"States":{}}"#),
            ["missing `StartAt` in the state machine"]
        );
        assert_eq!(
            messages(
                r#"{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Next":"C"}]}}}"#
            ),
            ["missing `Condition` in choice rule #1 of Choice state `C`"]
        );
        assert_eq!(
            messages(
                r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"ReaderConfig":{"CSVHeaderLocation":"GIVEN"},"Resource":"r"},"Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#
            ),
            ["missing `CSVHeaders` in ReaderConfig of Map state `M`"]
        );
    }

    #[test]
    fn non_object_documents_give_nothing() {
        for text in [
            "[]",
            "3",
            "\"x\"",
            "{\"StartAt\":\"A\",\"States\":[]}",
            "{\"StartAt\":\"A\",\"States\":{\"A\":7}}",
        ] {
            let _ = messages(text);
        }
        assert!(messages("[1,2]").is_empty());
    }
}

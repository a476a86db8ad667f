use crate::diagnostics::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports a state whose name is already used by another state anywhere in the state machine.
    ///
    /// Nested scopes are included (Parallel branches, Map item processors). Two states with the same name in the same
    /// `States` object are a duplicate key, reported by `duplicate-key`.
    ///
    /// ## Why is this bad?
    /// State names must be unique across the whole state machine: Step Functions rejects the definition
    /// (`SCHEMA_VALIDATION_FAILED`), and execution history, redrive and the console identify states by name.
    ///
    /// ## Example
    /// ```json
    /// "States": {
    ///   "Work": { "Type": "Parallel", "Branches": [
    ///     { "StartAt": "Done", "States": { "Done": { "Type": "Succeed" } } }
    ///   ], "Next": "Done" },
    ///   "Done": { "Type": "Succeed" }
    /// }
    /// ```
    /// Rename the inner state, e.g. `Branch Done`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html>
    /// - <https://states-language.net/spec.html>
    pub struct DuplicateStateName {
        code: "ASL107",
        name: "duplicate-state-name",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for DuplicateStateName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        let mut first = HashMap::new();
        for r in model.states() {
            let name = r.state.name.text.as_str();
            let Some(prev) = first.get(name).copied() else {
                first.insert(name, r);
                continue;
            };
            let prev: crate::model::StateRef<'_, '_> = prev;
            if std::ptr::eq(prev.scope, r.scope) {
                continue; // same States object: duplicate-key
            }
            out.push(
                META.diagnostic(r.state.name.span, format!("state name `{name}` is already used"))
                    .label("second state with this name")
                    .secondary(prev.state.name.span, "first defined here")
                    .note("state names must be unique across the whole state machine, nested branches and item processors included")
                    .help("rename one of the states (and the `Next`, `Default` and `StartAt` fields that refer to it)")
                    .pointer(r.state.pointer.as_str()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    #[test]
    fn nested_duplicate_points_at_both() {
        let text = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"M","States":{"M":{"Type":"Succeed"}}},"End":true}}}"#;
        let d: Vec<_> = crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/M/ItemProcessor/States/M");
        assert!(d[0].secondary[0].span.start < d[0].span().start);
    }
}

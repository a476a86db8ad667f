use crate::diagnostics::Diagnostic;
use crate::model::ScopeKind;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a scope (the state machine, a Parallel branch, a Map item processor) that has no terminal state: no
    /// Succeed state, no Fail state and no state with `"End": true`.
    ///
    /// A Choice state is never terminal. Only scopes whose transitions are all known are reported: a scope with no
    /// states, with a state whose `Type` or `End` is unknown at lint time (a `${...}` placeholder, a YAML tag), or
    /// with a state whose continuation is missing or broken (no `Next` nor `End`, reported by `missing-field`; a
    /// transition to a missing or out-of-scope state, reported by `unknown-transition-target` and
    /// `transition-out-of-scope`) is left to those findings, whose fix may well add the terminal state.
    ///
    /// ## Why is this bad?
    /// An execution (or a branch, or an iteration) only finishes in a terminal state. Without one, every path
    /// either loops forever or runs into a missing transition, and Step Functions rejects the definition
    /// (`MISSING_END_STATE`: "The workflow does not have a terminal state").
    ///
    /// ## Example
    /// ```json
    /// "StartAt": "Poll",
    /// "States": {
    ///   "Poll": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Wait" },
    ///   "Wait": { "Type": "Wait", "Seconds": 10, "Next": "Poll" }
    /// }
    /// ```
    /// Use instead: add a way out, e.g. a Choice state after `Poll` whose rule leads to a Succeed state.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-succeed.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html>
    pub struct NoTerminalState {
        code: "ASL204",
        name: "no-terminal-state",
        category: Graph,
        severity: Error,
        aws_code: Some("MISSING_END_STATE"),
    }
}

impl Rule for NoTerminalState {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        for scope in sem.scopes() {
            let Some(states_field) = scope.scope.states_field.as_ref() else {
                continue;
            };
            let infos: Vec<_> = scope.states.iter().filter_map(|s| sem.state(*s)).collect();
            // An open state (a missing `Next`/`End`, a transition to a missing or out-of-scope state) is reported
            // by its own rule, whose fix may well add the terminal state.
            if infos.is_empty() || infos.iter().any(|s| s.terminal || s.uncertain || s.open) {
                continue;
            }
            let what = sem.describe_scope(scope.id);
            let finish = match scope.scope.kind {
                ScopeKind::Machine => "the execution",
                ScopeKind::Branch { .. } => "the branch",
                ScopeKind::ItemProcessor | ScopeKind::Iterator => "each iteration",
            };
            out.push(
                META.diagnostic(states_field.key.span, format!("{what} has no terminal state"))
                    .label("no Succeed, Fail or `\"End\": true` state here")
                    .note(format!(
                        "{finish} can only finish in a Succeed or Fail state or a state with `\"End\": true`; Step Functions rejects the definition"
                    ))
                    .help("add `\"End\": true` to the state that should finish it (instead of its `Next`), or transition to a Succeed or Fail state")
                    .pointer(states_field.pointer.as_str()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<crate::diagnostics::Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn scopes_without_terminal_states() {
        let text = r#"{"StartAt":"M","States":{
            "M":{"Type":"Map","ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"W"}}},"Next":"C"},
            "C":{"Type":"Choice","End":true,"Choices":[{"Variable":"$.x","IsPresent":true,"Next":"M"}],"Default":"M"}}}"#;
        let d = findings(text);
        let ptrs: Vec<&str> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(ptrs, ["/States", "/States/M/ItemProcessor/States"]);
        assert!(d[1]
            .message
            .starts_with("the `ItemProcessor` of Map state `M`"));
    }

    #[test]
    fn terminal_or_unknown_states_are_enough() {
        for text in [
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#,
            r#"{"StartAt":"A","States":{"A":{"Type":"Fail"}}}"#,
            r#"{"StartAt":"A","States":{"A":{"Type":"${T}","Next":"A"}}}"#,
            r#"{"StartAt":"A","States":{}}"#,
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Finished"}}}"#,
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass"}}}"#,
        ] {
            assert!(findings(text).is_empty(), "{text}");
        }
    }
}

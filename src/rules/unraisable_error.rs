use crate::diagnostics::Diagnostic;
use crate::rules::error_handling::{handler_lists, unraisable_reason};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a retrier or catcher naming a predefined error that its state can never raise.
    ///
    /// Judged errors: `States.HeartbeatTimeout` on a Task state without `HeartbeatSeconds` or
    /// `HeartbeatSecondsPath`; `States.NoChoiceMatched`, `States.BranchFailed`, `States.ItemReaderFailed`,
    /// `States.ResultWriterFailed` and `States.ExceedToleratedFailureThreshold` on a Task state;
    /// `States.ItemReaderFailed` / `States.ResultWriterFailed` on a Map state without `ItemReader` /
    /// `ResultWriter`; `States.ExceedToleratedFailureThreshold` on a Map state that is neither a Distributed Map
    /// nor sets a tolerated failure threshold. A Parallel or Map state also raises what the states nested in it
    /// raise, so it is only reported when no nested state can raise the error either (a nested Fail state with a
    /// computed error can raise anything).
    ///
    /// ## Why is this bad?
    /// The entry is dead configuration. It usually shows a misunderstanding (expecting a heartbeat timeout
    /// without a heartbeat) or an entry copied from another state, and hides the error handling the state
    /// really needs.
    ///
    /// ## Example
    /// ```json
    /// "Call": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
    ///   "Retry": [{ "ErrorEquals": ["States.HeartbeatTimeout"], "MaxAttempts": 2 }]
    /// }
    /// ```
    /// Use instead: add `"HeartbeatSeconds": 60` to the state, or retry the errors it can raise
    /// (`States.Timeout`, `States.TaskFailed`, ...). Note that recorded executions report heartbeat timeouts as
    /// `States.Timeout`, so retrying `States.Timeout` as well is prudent.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html>
    pub struct UnraisableError {
        code: "ASL406",
        name: "unraisable-error",
        category: Errors,
        severity: Info,
        aws_code: None,
    }
}

impl Rule for UnraisableError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for sr in model.states() {
            let state = sr.state;
            let mut cache = None;
            for list in handler_lists(state) {
                for h in &list {
                    for n in &h.names {
                        let Some(why) = unraisable_reason(state, n.name, &mut cache) else {
                            continue;
                        };
                        let mut d = META
                            .diagnostic(
                                n.node.span,
                                format!(
                                    "{} never raises `{}`, which its {} #{} names",
                                    state.describe(),
                                    n.name,
                                    h.kind.noun(),
                                    h.index + 1
                                ),
                            )
                            .label("never raised here")
                            .note(format!("{why}, so this name never matches"))
                            .pointer(n.pointer.clone());
                        d = if n.name == "States.HeartbeatTimeout" {
                            d.help("set `HeartbeatSeconds` on the state, or remove this name")
                        } else {
                            d.help("remove this name, or move the entry to the state that raises the error")
                        };
                        out.push(d);
                    }
                }
            }
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
    fn task_without_heartbeat_and_map_without_reader() {
        let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Task","Resource":"r","Next":"M","Retry":[{"ErrorEquals":["States.HeartbeatTimeout","States.NoChoiceMatched"]}]},
            "M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
                 "Catch":[{"ErrorEquals":["States.ItemReaderFailed"],"Next":"A"}]}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 3, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/Retry/0/ErrorEquals/0");
        assert_eq!(d[2].pointer, "/States/M/Catch/0/ErrorEquals/0");
    }

    #[test]
    fn nested_sources_count_for_parallel_and_map() {
        let text = r#"{"StartAt":"P","States":{
            "P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"T","States":{
                "T":{"Type":"Task","Resource":"r","HeartbeatSeconds":5,"Next":"C"},
                "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"F"}]},
                "F":{"Type":"Fail","ErrorPath":"$.e"}}}],
              "Retry":[{"ErrorEquals":["States.HeartbeatTimeout","States.NoChoiceMatched","States.ItemReaderFailed"]}]},
            "H":{"Type":"Task","Resource":"r","HeartbeatSecondsPath":"$.h","End":true,
              "Retry":[{"ErrorEquals":["States.HeartbeatTimeout"]}]}}}"#;
        assert!(findings(text).is_empty());
    }
}

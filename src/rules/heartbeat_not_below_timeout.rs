use crate::diagnostics::Diagnostic;
use crate::model::StateType;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a Task state whose `HeartbeatSeconds` is not smaller than its `TimeoutSeconds` (both written as
    /// numbers; `...Path` forms and JSONata expressions are only known at run time).
    ///
    /// ## Why is this bad?
    /// The Amazon States Language requires `HeartbeatSeconds` to be smaller than `TimeoutSeconds`. A heartbeat
    /// interval at least as long as the whole task timeout can never expire first, so the heartbeat check does
    /// nothing: a stuck worker is only noticed when the task times out.
    ///
    /// ## Example
    /// ```json
    /// "Wait For Approval": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ///   "TimeoutSeconds": 300, "HeartbeatSeconds": 300, "End": true
    /// }
    /// ```
    /// Use instead:
    /// ```json
    /// "Wait For Approval": {
    ///   "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ///   "TimeoutSeconds": 300, "HeartbeatSeconds": 60, "End": true
    /// }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html>
    /// - <https://states-language.net/spec.html#task-state>
    pub struct HeartbeatNotBelowTimeout {
        code: "ASL407",
        name: "heartbeat-not-below-timeout",
        category: Errors,
        severity: Error,
        aws_code: None,
    }
}

impl Rule for HeartbeatNotBelowTimeout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for sr in model.states() {
            let st = sr.state;
            if st.state_type() != Some(StateType::Task) {
                continue;
            }
            let (Some(hb), Some(to)) = (&st.heartbeat_seconds, &st.timeout_seconds) else {
                continue;
            };
            let (Some(h), Some(t)) = (hb.value, to.value) else {
                continue;
            };
            if h < t {
                continue;
            }
            let relation = if h == t { "equal to" } else { "greater than" };
            out.push(
                META.diagnostic(
                    hb.node.span,
                    format!(
                        "`HeartbeatSeconds` ({h}) of {} is {relation} its `TimeoutSeconds` ({t})",
                        st.describe()
                    ),
                )
                .label("not below the timeout")
                .secondary(to.node.span, "the task times out here")
                .note("the heartbeat interval must be smaller than the task timeout, or the heartbeat can never expire first")
                .help(format!("set `HeartbeatSeconds` below {t}, or raise `TimeoutSeconds`"))
                .pointer(hb.pointer.clone()),
            );
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
    fn equal_and_greater_are_reported_smaller_is_not() {
        let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Task","Resource":"r","TimeoutSeconds":30,"HeartbeatSeconds":30,"Next":"B"},
            "B":{"Type":"Task","Resource":"r","TimeoutSeconds":30,"HeartbeatSeconds":45,"Next":"C"},
            "C":{"Type":"Task","Resource":"r","TimeoutSeconds":30,"HeartbeatSeconds":29,"Next":"D"},
            "D":{"Type":"Task","Resource":"r","TimeoutSecondsPath":"$.t","HeartbeatSeconds":29,"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/HeartbeatSeconds");
        assert!(d[0].message.contains("equal to"));
        assert_eq!(&text[d[1].span().range()], "45");
        assert_eq!(&text[d[1].secondary[0].span.range()], "30");
    }
}

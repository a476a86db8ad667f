use crate::diagnostics::Diagnostic;
use crate::rules::error_handling::{report_shadowed, HandlerKind};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a retrier that can never be used because earlier retriers of the same state already match every
    /// error it names.
    ///
    /// An earlier retrier covers a later one when it names the same error, or `States.TaskFailed` (which matches
    /// every error except `States.Timeout`; aslint also leaves `States.HeartbeatTimeout`, `States.Runtime` and
    /// `States.DataLimitExceeded` out of it, to stay certain). Retriers after a `States.ALL` retrier are reported
    /// by `states-all-not-last` instead.
    ///
    /// Severity: a warning. Step Functions accepts the definition, but the retrier's policy never applies.
    ///
    /// ## Why is this bad?
    /// Step Functions scans retriers in order and uses the first whose `ErrorEquals` matches. A retrier written
    /// after a broader one never runs, so its interval, attempts and backoff are dead configuration, usually not
    /// what the author meant.
    ///
    /// ## Example
    /// ```json
    /// "Retry": [
    ///   { "ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2 },
    ///   { "ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 10 }
    /// ]
    /// ```
    /// Use instead:
    /// ```json
    /// "Retry": [
    ///   { "ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 10 },
    ///   { "ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2 }
    /// ]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    /// - <https://states-language.net/spec.html#appendix-a>
    pub struct ShadowedRetrier {
        code: "ASL403",
        name: "shadowed-retrier",
        category: Errors,
        severity: Warning,
        aws_code: None,
    }
}

impl Rule for ShadowedRetrier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if let Some(model) = ctx.model {
            report_shadowed(&META, HandlerKind::Retrier, model, out);
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
    fn task_failed_covers_custom_errors_but_not_timeout() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Retry":[{"ErrorEquals":["States.TaskFailed"]},{"ErrorEquals":["States.Timeout"]},
                     {"ErrorEquals":["Custom","States.Timeout"]},{"ErrorEquals":["Custom"]}]}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/Retry/2");
        assert_eq!(d[0].secondary.len(), 2);
        assert_eq!(d[1].pointer, "/States/A/Retry/3");
        assert_eq!(&text[d[1].span().range()], "[\"Custom\"]");
        assert_eq!(
            &text[d[1].secondary[0].span.range()],
            "[\"States.TaskFailed\"]"
        );
    }

    #[test]
    fn entries_after_states_all_are_left_to_states_all_not_last() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["Custom"]}]}}}"#;
        assert!(findings(text).is_empty());
    }
}

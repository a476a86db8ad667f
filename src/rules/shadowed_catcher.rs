use crate::diagnostics::Diagnostic;
use crate::rules::error_handling::{report_shadowed, HandlerKind};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a catcher that can never be used because earlier catchers of the same state already match every
    /// error it names.
    ///
    /// An earlier catcher covers a later one when it names the same error, or `States.TaskFailed` (which matches
    /// every error except `States.Timeout`; aslint also leaves `States.HeartbeatTimeout`, `States.Runtime` and
    /// `States.DataLimitExceeded` out of it, to stay certain). Catchers after a `States.ALL` catcher are reported
    /// by `states-all-not-last` instead.
    ///
    /// Severity: a warning. Step Functions accepts the definition, but the catcher's `Next` is never taken.
    ///
    /// ## Why is this bad?
    /// Step Functions scans catchers in order and transitions to the `Next` of the first whose `ErrorEquals`
    /// matches. A catcher written after a broader one is dead: its fallback state is never reached from here, and
    /// the error is handled by the broader catcher instead.
    ///
    /// ## Example
    /// ```json
    /// "Catch": [
    ///   { "ErrorEquals": ["States.TaskFailed"], "Next": "Report Failure" },
    ///   { "ErrorEquals": ["PaymentDeclined"], "Next": "Ask For Another Card" }
    /// ]
    /// ```
    /// Use instead:
    /// ```json
    /// "Catch": [
    ///   { "ErrorEquals": ["PaymentDeclined"], "Next": "Ask For Another Card" },
    ///   { "ErrorEquals": ["States.TaskFailed"], "Next": "Report Failure" }
    /// ]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    /// - <https://states-language.net/spec.html#appendix-a>
    pub struct ShadowedCatcher {
        code: "ASL404",
        name: "shadowed-catcher",
        category: Errors,
        severity: Warning,
        aws_code: None,
    }
}

impl Rule for ShadowedCatcher {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if let Some(model) = ctx.model {
            report_shadowed(&META, HandlerKind::Catcher, model, out);
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
    fn duplicate_name_is_shadowed_and_points_at_the_first() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Catch":[{"ErrorEquals":["E"],"Next":"A"},{"ErrorEquals":["E"],"Next":"A"},
                     {"ErrorEquals":["States.Runtime"],"Next":"A"}]}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/Catch/1");
        assert_eq!(d[0].message, "catcher #2 of Task state `A` can never match");
        assert_eq!(d[0].secondary.len(), 1);
    }

    #[test]
    fn unknown_names_are_never_judged() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Catch":[{"ErrorEquals":["E"],"Next":"A"},{"ErrorEquals":["E","${Other}"],"Next":"A"}]}}}"#;
        assert!(findings(text).is_empty());
    }
}

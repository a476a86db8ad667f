use crate::diagnostics::Diagnostic;
use crate::rules::error_handling::{handler_lists, HandlerKind};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a retrier naming an error that Step Functions never retries (`States.Runtime`,
    /// `States.DataLimitExceeded`), and a catcher naming `States.Runtime`, which is never caught.
    ///
    /// ## Why is this bad?
    /// Both errors are terminal: the AWS documentation says `States.ALL` does not match them and that they are
    /// not retried, and recorded executions show a catcher for `States.Runtime` letting the execution fail
    /// (a `States.DataLimitExceeded` catcher, on the other hand, does work). Such an entry looks like error
    /// handling but does nothing: the execution fails anyway.
    ///
    /// ## Example
    /// ```json
    /// "Retry": [{ "ErrorEquals": ["States.Runtime"], "MaxAttempts": 3 }]
    /// ```
    /// Use instead: fix the cause (a path that matches nothing, a result over 256 KiB, ...), or catch
    /// `States.DataLimitExceeded` and take a fallback path.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    pub struct UnretriableError {
        code: "ASL405",
        name: "unretriable-error",
        category: Errors,
        severity: Warning,
        aws_code: None,
    }
}

fn cause(name: &str) -> Option<&'static str> {
    match name {
        "States.Runtime" => Some("a runtime error (such as a path that matches nothing in the input) fails the execution"),
        "States.DataLimitExceeded" => Some("an input, output or result over the 256 KiB payload quota fails the state"),
        _ => None,
    }
}

impl Rule for UnretriableError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for sr in model.states() {
            let state = sr.state;
            for list in handler_lists(state) {
                for h in &list {
                    for n in &h.names {
                        let Some(why) = cause(n.name) else { continue };
                        let (verb, help) = match h.kind {
                            HandlerKind::Retrier => (
                                "retried",
                                "remove it from the retrier and fix the cause of the error instead",
                            ),
                            HandlerKind::Catcher if n.name == "States.Runtime" => (
                                "caught",
                                "remove it from the catcher and fix the cause of the error instead",
                            ),
                            HandlerKind::Catcher => continue,
                        };
                        out.push(
                            META.diagnostic(
                                n.node.span,
                                format!(
                                    "`{}` is never {verb}, yet {} names it",
                                    n.name,
                                    h.describe(state)
                                ),
                            )
                            .label(format!("never {verb}"))
                            .note(format!(
                                "`{}` is terminal: {why}, and Step Functions does not {} it",
                                n.name,
                                if verb == "retried" { "retry" } else { "catch" }
                            ))
                            .help(help)
                            .pointer(n.pointer.clone()),
                        );
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
    fn terminal_errors_in_retriers_and_runtime_in_catchers() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Retry":[{"ErrorEquals":["E","States.DataLimitExceeded"]}],
            "Catch":[{"ErrorEquals":["States.DataLimitExceeded"],"Next":"A"},{"ErrorEquals":["States.Runtime"],"Next":"A"}]}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/Retry/0/ErrorEquals/1");
        assert_eq!(&text[d[0].span().range()], "\"States.DataLimitExceeded\"");
        assert_eq!(d[1].pointer, "/States/A/Catch/1/ErrorEquals/0");
        assert!(d[1].message.contains("never caught"));
    }
}

use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix};
use crate::model::{Field, State};
use crate::rules::integrations::{is_lambda_invoke, parse_resource, resource_sites, ResourceOwner};
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::{SourceKind, Span};

declare_rule! {
    /// ## What it does
    /// Warns when a Task that invokes a Lambda function (a function ARN, or `arn:aws:states:::lambda:invoke` with
    /// any pattern) has no retrier for Lambda's transient service errors: `Lambda.ServiceException`,
    /// `Lambda.AWSLambdaException` and `Lambda.SdkClientException`. A retrier matching `States.ALL` or
    /// `States.TaskFailed` covers them; a retrier with `MaxAttempts: 0` does not retry, and a `Catch` does not
    /// retry either.
    ///
    /// When the state has no `Retry`, the suggested fix (unsafe: it changes behaviour and the values are a
    /// starting point) inserts the recommended retrier right after `Resource`, in JSON, JSON5 and YAML.
    ///
    /// ## Why is this bad?
    /// Lambda occasionally fails an invocation with a short-lived 500 error that has nothing to do with your
    /// function. Without a retrier the whole execution fails (or goes to its Catch) on a problem that a second
    /// attempt would have solved. AWS lists handling these errors as a Step Functions best practice.
    ///
    /// ## Example
    /// ```json
    /// "Fetch": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": { "FunctionName": "f", "Payload.$": "$" }, "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Fetch": {
    ///   "Type": "Task",
    ///   "Resource": "arn:aws:states:::lambda:invoke",
    ///   "Parameters": { "FunctionName": "f", "Payload.$": "$" },
    ///   "Retry": [
    ///     {
    ///       "ErrorEquals": ["Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException",
    ///                       "Lambda.AWSLambdaException", "Lambda.SdkClientException",
    ///                       "Lambda.TooManyRequestsException"],
    ///       "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"
    ///     }
    ///   ],
    ///   "End": true
    /// }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    /// - <https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html>
    pub struct LambdaRetryMissing {
        code: "ASL504",
        name: "lambda-retry-missing",
        category: Resources,
        severity: Warning,
        aws_code: None,
    }
}

/// The transient Lambda errors a retrier must cover: the ones both AWS's best-practice page and the Workflow Studio
/// default retrier list.
pub const TRANSIENT_LAMBDA_ERRORS: &[&str] = &[
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
];

/// The errors recommended in a new retrier (the page's list plus throttling).
const RECOMMENDED: &str = "\"Lambda.ClientExecutionTimeoutException\", \"Lambda.ServiceException\", \"Lambda.AWSLambdaException\", \"Lambda.SdkClientException\", \"Lambda.TooManyRequestsException\"";

/// The recommended retrier as a JSON value (also valid YAML flow syntax).
const RETRY_VALUE: &str = "[{ \"ErrorEquals\": [\"Lambda.ClientExecutionTimeoutException\", \"Lambda.ServiceException\", \"Lambda.AWSLambdaException\", \"Lambda.SdkClientException\", \"Lambda.TooManyRequestsException\"], \"IntervalSeconds\": 1, \"MaxAttempts\": 3, \"BackoffRate\": 2, \"JitterStrategy\": \"FULL\" }]";

/// An edit inserting `Retry` right after the state's `Resource` member: on its own line with the key's indentation
/// when the key starts its line, else inline. JSON gets `, "Retry": ...`; a YAML block mapping gets a new
/// `Retry: ...` line; a YAML flow mapping gets `, Retry: ...`. `None` when the layout is not one of these.
fn insert_retry(ctx: &Context<'_>, st: &State<'_>, resource: &Field<'_, &str>) -> Option<Edit> {
    let text = ctx.text;
    let within = |sp: Span| st.node.span.start <= sp.start && sp.end <= st.node.span.end;
    // A Resource merged in from a YAML anchor lives elsewhere: editing there would change other states.
    if !within(resource.key.span) || !within(resource.node.span) {
        return None;
    }
    let key_start = resource.key.span.start();
    let value_end = resource.node.span.end();
    let line_start = text.get(..key_start)?.rfind('\n').map_or(0, |i| i + 1);
    let before_key = text.get(line_start..key_start)?;
    let own_line = before_key.chars().all(|c| c == ' ' || c == '\t');
    let yaml = ctx.kind == SourceKind::Yaml;
    let flow = text.get(st.node.span.range())?.starts_with('{');
    let replacement = if yaml && !flow {
        if !own_line {
            return None;
        }
        // A block scalar or a folded value ends on a later line: insert after it all the same (its span ends at
        // its last character), on a new line with the key's indentation.
        format!("\n{before_key}Retry: {RETRY_VALUE}")
    } else if own_line && !yaml {
        format!(",\n{before_key}\"Retry\": {RETRY_VALUE}")
    } else {
        let key = if yaml { "Retry" } else { "\"Retry\"" };
        format!(", {key}: {RETRY_VALUE}")
    };
    Some(Edit {
        span: Span::empty(value_end),
        replacement,
    })
}

impl Rule for LambdaRetryMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for site in resource_sites(model) {
            if site.owner != ResourceOwner::Task {
                continue;
            }
            let Some(s) = site.value else { continue };
            if !is_lambda_invoke(&parse_resource(s)) {
                continue;
            }
            let st = site.state;
            // A Retry that is not an array (a placeholder, a tag, a type error reported elsewhere): unknown.
            if st.retry_field.as_ref().is_some_and(|f| f.value.is_none()) {
                continue;
            }
            let mut covered = vec![false; TRANSIENT_LAMBDA_ERRORS.len()];
            let mut unknown = false;
            for r in &st.retry {
                if r.max_attempts.as_ref().is_some_and(|m| m.value == Some(0)) {
                    continue;
                }
                let Some(f) = &r.error_equals else { continue };
                let Some(errors) = &f.value else {
                    unknown = true;
                    continue;
                };
                for e in errors {
                    if *e == "States.ALL" || *e == "States.TaskFailed" {
                        covered.iter_mut().for_each(|c| *c = true);
                    } else if let Some(i) = TRANSIENT_LAMBDA_ERRORS.iter().position(|t| t == e) {
                        if let Some(c) = covered.get_mut(i) {
                            *c = true;
                        }
                    }
                }
            }
            if unknown || covered.iter().all(|c| *c) {
                continue;
            }
            let missing: Vec<String> = TRANSIENT_LAMBDA_ERRORS
                .iter()
                .zip(&covered)
                .filter(|(_, c)| !**c)
                .map(|(e, _)| format!("`{e}`"))
                .collect();
            let note = "Lambda occasionally fails invocations with transient service errors (HTTP 500); AWS recommends retrying them (best practice \"Handle transient Lambda service exceptions\")";
            let d = match &st.retry_field {
                Some(rf) if !st.retry.is_empty() => META
                    .diagnostic(
                        rf.key.span,
                        format!(
                            "the Retry of {} does not cover {}",
                            st.describe(),
                            missing.join(", ")
                        ),
                    )
                    .label("transient Lambda errors not retried")
                    .secondary(site.field.node.span, "invokes Lambda")
                    .note(note)
                    .help(format!(
                        "add {} to a retrier's ErrorEquals, or add a retrier for them",
                        missing.join(", ")
                    ))
                    .pointer(rf.pointer.clone()),
                _ => META
                    .diagnostic(
                        site.field.node.span,
                        format!(
                            "{} invokes Lambda without retrying transient Lambda errors",
                            st.describe()
                        ),
                    )
                    .label("no retrier for Lambda service errors")
                    .note(note)
                    .help(format!(
                        "add `\"Retry\": [{{\"ErrorEquals\": [{RECOMMENDED}], \"IntervalSeconds\": 1, \"MaxAttempts\": 3, \"BackoffRate\": 2, \"JitterStrategy\": \"FULL\"}}]`"
                    ))
                    .pointer(match &st.retry_field {
                        Some(rf) => rf.pointer.clone(),
                        None => st.pointer.clone(),
                    }),
            };
            let d = match (&st.retry_field, insert_retry(ctx, st, site.field)) {
                (None, Some(edit)) => d.fix(Fix {
                    title: "Add a retrier for transient Lambda errors".to_string(),
                    applicability: Applicability::Unsafe,
                    edits: vec![edit],
                }),
                _ => d,
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    /// Applies the finding's fix and lints again: the result parses cleanly and has no finding of this rule.
    fn fixed(text: &str, kind: SourceKind) -> String {
        let d: Vec<_> = crate::lint::lint_source("t", text, kind)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1, "{text}");
        let fix = d[0].fix.as_ref().expect("a fix");
        let mut out = text.to_string();
        for e in fix.edits.iter().rev() {
            out.replace_range(e.span.range(), &e.replacement);
        }
        let after = crate::lint::lint_source("t", &out, kind);
        assert!(
            after.iter().all(|d| d.rule.code != super::META.code
                && d.severity != crate::diagnostics::Severity::Error),
            "{out}\n{after:#?}"
        );
        out
    }

    #[test]
    fn fix_inserts_a_retrier() {
        let json = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Task\",\n      \"Resource\": \"arn:aws:states:::lambda:invoke\",\n      \"End\": true\n    }\n  }\n}\n";
        assert!(fixed(json, SourceKind::Json).contains("\n      \"Retry\": [{"));
        let inline = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}"#;
        fixed(inline, SourceKind::Json);
        let last = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"End\":true,\n  \"Resource\":\"arn:aws:lambda:r:1:function:f\"\n}}}";
        fixed(last, SourceKind::Json5);
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke # call\n    End: true\n";
        assert!(fixed(yaml, SourceKind::Yaml).contains("\n    Retry: [{"));
        let flow = "StartAt: A\nStates:\n  A: {Type: Task, Resource: 'arn:aws:states:::lambda:invoke', End: true}\n";
        fixed(flow, SourceKind::Yaml);
        let yaml_last = "StartAt: A\nStates:\n  A:\n    Type: Task\n    End: true\n    Resource: >-\n      arn:aws:states:::lambda:invoke\n";
        fixed(yaml_last, SourceKind::Yaml);
    }

    fn findings(state: &str) -> Vec<(String, String)> {
        let text = format!(r#"{{"StartAt":"A","States":{{"A":{state}}}}}"#);
        crate::lint::lint_source("t.json", &text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .map(|d| (text[d.span().range()].to_string(), d.pointer))
            .collect()
    }

    #[test]
    fn covered() {
        for s in [
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"]}],"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.TaskFailed"]}],"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:lambda:r:1:function:f","Retry":[{"ErrorEquals":["Lambda.ServiceException","Lambda.AWSLambdaException"]},{"ErrorEquals":["Lambda.SdkClientException"]}],"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","End":true}"#,
            r#"{"Type":"Task","Resource":"${Fn}","End":true}"#,
        ] {
            assert_eq!(findings(s), vec![], "{s}");
        }
    }

    #[test]
    fn not_covered() {
        let f =
            findings(r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}"#);
        assert_eq!(
            f,
            vec![(
                "\"arn:aws:states:::lambda:invoke\"".to_string(),
                "/States/A".to_string()
            )]
        );
        let f = findings(
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["Lambda.ServiceException"]},{"ErrorEquals":["States.ALL"],"MaxAttempts":0}],"End":true}"#,
        );
        assert_eq!(
            f,
            vec![("\"Retry\"".to_string(), "/States/A/Retry".to_string())]
        );
    }
}

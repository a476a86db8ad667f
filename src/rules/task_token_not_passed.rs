use crate::diagnostics::Diagnostic;
use crate::expr::jsonpath::Selector;
use crate::expr::{intrinsic, jsonata, Path, Root, TemplateExpr};
use crate::rules::integrations::{
    parse_resource, resource_sites, source_span, Pattern, ResourceKind, ResourceOwner,
};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::Exprs;
use crate::syntax::{has_placeholder, Node, Value};

declare_rule! {
    /// ## What it does
    /// Reports a `.waitForTaskToken` task whose payload never passes the task token: no `$$.Task.Token` in a
    /// `key.$` value of `Parameters` (also inside intrinsic function calls such as
    /// `States.Format('{}', $$.Task.Token)`), and no `$states.context.Task.Token` in a JSONata expression of
    /// `Arguments`.
    ///
    /// Passing `$$.Task` or the whole context object (`$$`, `$states.context`) counts, and so does any value that
    /// cannot be known at lint time (a `${...}` placeholder, a YAML tag).
    ///
    /// Step Functions accepts such a definition, so this is a warning (not the error a stricter reading would
    /// give): the mistake shows only at run time, and valid definitions of the shared corpus (LocalStack's
    /// `sqs_wait_for_task_token_no_token_parameter` template) deploy without the token.
    ///
    /// ## Why is this bad?
    /// A Wait for Callback task pauses until someone calls `SendTaskSuccess` or `SendTaskFailure` with its token.
    /// If the token is not sent to the called service, nobody can resume the task: the execution waits until the
    /// task's `TimeoutSeconds` or `HeartbeatSeconds` expires, or for up to a year when neither is set.
    ///
    /// ## Example
    /// ```json
    /// "Ask": {
    ///   "Type": "Task",
    ///   "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ///   "Parameters": { "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody.$": "$" },
    ///   "End": true
    /// }
    /// ```
    /// Use instead:
    /// ```json
    /// "Parameters": {
    ///   "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
    ///   "MessageBody": { "input.$": "$", "taskToken.$": "$$.Task.Token" }
    /// }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html>
    pub struct TaskTokenNotPassed {
        code: "ASL503",
        name: "task-token-not-passed",
        category: Resources,
        severity: Warning,
        aws_code: None,
    }
}

/// Deepest payload nesting searched (deeper parts count as "may pass the token").
const MAX_DEPTH: usize = 128;

/// True when a context path is `$$`, `$$.Task` or `$$.Task.Token` (each of which carries the token).
fn carries_token(p: &Path) -> bool {
    if p.root != Root::Context {
        return false;
    }
    let want = ["Task", "Token"];
    if p.segments.len() > want.len() {
        return false;
    }
    p.segments
        .iter()
        .zip(want)
        .all(|(seg, w)| !seg.descendant && matches!(&seg.selector, Selector::Name(n) if n == w))
}

/// True when a `key.$` value passes the token (or cannot be known). The expression index parsed it; a value it
/// does not list holds a placeholder.
fn dollar_value_passes(exprs: &Exprs<'_>, node: &Node) -> bool {
    let Some(e) = exprs.path_at(node.span) else {
        return true;
    };
    match &e.expr {
        TemplateExpr::ContextPath(p) => carries_token(p),
        TemplateExpr::Intrinsic(c) => intrinsic::paths(c).iter().any(|(p, _, _)| carries_token(p)),
        _ => false,
    }
}

/// True when a JSONata string reads the token: `$states.context`, `$states.context.Task` or
/// `$states.context.Task.Token` (any other member of `$states.context` does not carry it). An expression that
/// does not tokenize is unknown, and counts as passing it.
fn jsonata_passes(exprs: &Exprs<'_>, node: &Node) -> bool {
    let Some(j) = exprs.jsonata_at(node.span) else {
        return false;
    };
    let (Some(enc), Some(parsed)) = (j.enclosed, j.parsed.as_ref()) else {
        return false;
    };
    if parsed.tokens.is_empty() {
        return true;
    }
    jsonata::states_refs(enc.body, &parsed.tokens)
        .iter()
        .any(|r| {
            let steps: Vec<&str> = r.steps.iter().map(|(n, _)| n.as_str()).collect();
            r.member.as_deref() == Some("context")
                && matches!(steps.as_slice(), [] | ["Task"] | ["Task", "Token", ..])
        })
}

/// True when the payload passes the token somewhere (or holds a value unknown at lint time).
fn payload_passes(exprs: &Exprs<'_>, node: &Node, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    match &node.value {
        Value::Object(members) => members.iter().any(|m| {
            if m.key.text.ends_with(".$") {
                match &m.value.value {
                    Value::String(_) => dollar_value_passes(exprs, &m.value),
                    Value::Tagged { .. } => true,
                    _ => payload_passes(exprs, &m.value, depth + 1),
                }
            } else {
                payload_passes(exprs, &m.value, depth + 1)
            }
        }),
        Value::Array(items) => items.iter().any(|n| payload_passes(exprs, n, depth + 1)),
        Value::String(s) => has_placeholder(s) || jsonata_passes(exprs, node),
        Value::Tagged { .. } | Value::Error => true,
        _ => false,
    }
}

impl Rule for TaskTokenNotPassed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (Some(model), Some(exprs)) = (ctx.model, ctx.exprs()) else {
            return;
        };
        for site in resource_sites(model) {
            if site.owner != ResourceOwner::Task {
                continue;
            }
            let Some(s) = site.value else { continue };
            let ResourceKind::Integration { integration, .. } = parse_resource(s) else {
                continue;
            };
            if integration.pattern != Pattern::Callback {
                continue;
            }
            let st = site.state;
            let payloads: Vec<_> = st.parameters.iter().chain(st.arguments.iter()).collect();
            if payloads.iter().any(|f| payload_passes(&exprs, f.node, 0)) {
                continue;
            }
            let jsonata = st.query_language == crate::model::QueryLanguage::Jsonata;
            let (token, field) = if jsonata {
                ("{% $states.context.Task.Token %}", "Arguments")
            } else {
                ("$$.Task.Token", "Parameters")
            };
            let span = source_span(ctx.text, site.field.node, integration.pattern_span);
            let mut d = META
                .diagnostic(
                    span,
                    format!("{} waits for a task token but never sends it", st.describe()),
                )
                .label("waits for a callback")
                .note("`.waitForTaskToken` pauses the task until SendTaskSuccess or SendTaskFailure is called with its token; a service that never receives the token cannot resume it, so the task waits until it times out")
                .pointer(site.field.pointer.clone());
            d = match payloads.first() {
                Some(p) => d
                    .secondary(p.key.span, format!("no `{token}` in this payload"))
                    .help(if jsonata {
                        format!("pass the token in `{field}`, e.g. `\"TaskToken\": \"{token}\"` in the message or payload")
                    } else {
                        format!("pass the token in `{field}`, e.g. `\"TaskToken.$\": \"{token}\"` in the message or payload")
                    }),
                None => d.help(if jsonata {
                    format!("add `{field}` with the service's request and the token, e.g. `\"TaskToken\": \"{token}\"`")
                } else {
                    format!("add `{field}` with the service's request and the token, e.g. `\"TaskToken.$\": \"{token}\"`")
                }),
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn count(state: &str) -> usize {
        let text = format!(r#"{{"StartAt":"A","States":{{"A":{state}}}}}"#);
        crate::lint::lint_source("t.json", &text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .count()
    }

    #[test]
    fn token_found() {
        for s in [
            r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody":{"t.$":"$$.Task.Token"}},"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody.$":"States.Format('{}', $$.Task.Token)"},"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"Ctx.$":"$$.Task"},"End":true}"#,
            r#"{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Arguments":{"Payload":{"token":"{% $states.context.Task.Token %}"}},"End":true}"#,
            r#"{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Arguments":"{% {'t': $states.context.Task.Token} %}","End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{},"End":true}"#,
        ] {
            assert_eq!(count(s), 0, "{s}");
        }
    }

    #[test]
    fn token_missing() {
        for s in [
            r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody.$":"$"},"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"Id.$":"$$.Execution.Id"},"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"TaskToken":"$$.Task.Token"},"End":true}"#,
            r#"{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken","End":true}"#,
            r#"{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Arguments":{"Payload":"{% $states.context.Task.TokenX %}"},"End":true}"#,
        ] {
            assert_eq!(count(s), 1, "{s}");
        }
    }
}

use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::integrations::{
    parse_resource, resource_sites, service, source_span, Integration, Pattern, ResourceKind,
    ResourceOwner, ResourceSite, ITEM_READER_ACTIONS, RESULT_WRITER_ACTIONS, SERVICES,
};
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a service integration that Step Functions does not offer: an optimized integration service or
    /// action that does not exist (`arn:aws:states:::dynamodb:query`), an integration pattern the action does not
    /// support (`.sync` on `lambda:invoke`, `.waitForTaskToken` on `batch:submitJob`, `.sync` on any
    /// `aws-sdk:` integration, `.sync:2` outside `states:startExecution`), an unknown suffix (`.synch`), and an
    /// `ItemReader` or `ResultWriter` resource other than the S3 actions a Distributed Map accepts.
    ///
    /// The table of optimized integrations is kept as data in `src/rules/integrations.rs`, taken from the AWS
    /// documentation. An action missing from the table is an error for services where AWS has been seen
    /// rejecting unlisted actions (DynamoDB) and a warning elsewhere, since AWS adds optimized APIs over time.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`: "The resource provided ... is not
    /// recognized"). Many APIs are reachable only through the AWS SDK integration (`aws-sdk:<service>:<action>`),
    /// which supports Request Response and `.waitForTaskToken` but never `.sync`.
    ///
    /// ## Example
    /// ```json
    /// "Query": { "Type": "Task", "Resource": "arn:aws:states:::dynamodb:query", "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Query": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:query", "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>
    pub struct UnsupportedIntegrationPattern {
        code: "ASL502",
        name: "unsupported-integration-pattern",
        category: Resources,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

const SUFFIXES: &[&str] = &[".sync", ".sync:2", ".waitForTaskToken"];

struct Check<'c, 'm, 'a> {
    ctx: &'c Context<'c>,
    site: ResourceSite<'m, 'a>,
    out: &'c mut Vec<Diagnostic>,
}

impl Check<'_, '_, '_> {
    fn diag(&self, inner: Span, message: String) -> Diagnostic {
        META.diagnostic(
            source_span(self.ctx.text, self.site.field.node, inner),
            message,
        )
        .pointer(self.site.field.pointer.clone())
    }

    fn run(&mut self) {
        let Some(s) = self.site.value else { return };
        let kind = parse_resource(s);
        match self.site.owner {
            ResourceOwner::Task => {
                if let ResourceKind::Integration { integration, .. } = &kind {
                    self.task(s, integration);
                }
            }
            ResourceOwner::ItemReader => {
                self.map_resource(s, &kind, "ItemReader", ITEM_READER_ACTIONS)
            }
            ResourceOwner::ResultWriter => {
                self.map_resource(s, &kind, "ResultWriter", RESULT_WRITER_ACTIONS)
            }
        }
    }

    fn map_resource(&mut self, s: &str, kind: &ResourceKind<'_>, field: &str, actions: &[&str]) {
        let whole = Span::new(0, s.len());
        let ok = match kind {
            ResourceKind::Integration { integration: i, .. } => {
                if i.service.placeholder || i.action.is_some_and(|a| a.placeholder) {
                    true
                } else {
                    !i.sdk
                        && i.service.text == "s3"
                        && i.pattern == Pattern::RequestResponse
                        && i.action.is_some_and(|a| actions.contains(&a.text))
                }
            }
            ResourceKind::LambdaFunction { .. } | ResourceKind::Activity { .. } => false,
            // Not an ARN, a placeholder...: `invalid-resource`'s concern.
            _ => true,
        };
        if ok {
            return;
        }
        let list = actions
            .iter()
            .map(|a| format!("`arn:aws:states:::s3:{a}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        let article = if field.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "an"
        } else {
            "a"
        };
        let d = self
            .diag(whole, format!("`{s}` is not {article} {field} resource"))
            .label(format!("not accepted by {field}"))
            .note(format!(
                "the {field} of a Distributed Map in {} accepts only {list}",
                self.site.state.describe()
            ))
            .help(format!("use {list}"));
        self.out.push(d);
    }

    fn task(&mut self, s: &str, i: &Integration<'_>) {
        if i.service.placeholder || i.service.text.is_empty() {
            return;
        }
        let Some(action) = i.action else { return };
        if action.placeholder || action.text.is_empty() {
            return;
        }
        if i.pattern == Pattern::Unknown {
            let written = s.get(i.pattern_span.range()).unwrap_or("");
            let mut d = self
                .diag(
                    i.pattern_span,
                    format!("unknown integration pattern `{written}`"),
                )
                .label("not a pattern suffix")
                .note("the integration patterns are Request Response (no suffix), Run a Job (`.sync`, and `.sync:2` for Step Functions executions) and Wait for Callback (`.waitForTaskToken`)");
            d = match did_you_mean(written, SUFFIXES.iter().copied()) {
                Some(x) => d.help(format!("did you mean `{x}`?")),
                None => d.help("remove the suffix or use `.sync` or `.waitForTaskToken`"),
            };
            self.out.push(d);
            return;
        }
        if i.sdk {
            if matches!(i.pattern, Pattern::Sync | Pattern::Sync2) {
                let optimized = service(sdk_to_optimized(i.service.text))
                    .and_then(|svc| svc.api(action.text).filter(|a| a.sync).map(|_| svc));
                let help = match optimized {
                    Some(svc) => format!(
                        "use the optimized integration `arn:aws:states:::{}:{}{}`, which supports it",
                        svc.name,
                        action.text,
                        i.pattern.suffix()
                    ),
                    None => "remove the suffix and poll for completion (a Wait and a Choice state in a loop), or use `.waitForTaskToken`".to_string(),
                };
                let d = self
                    .diag(
                        i.pattern_span,
                        format!(
                            "AWS SDK integrations do not support `{}`",
                            i.pattern.suffix()
                        ),
                    )
                    .label("Run a Job is not available here")
                    .note("AWS SDK integrations (`aws-sdk:<service>:<action>`) support Request Response and Wait for Callback (`.waitForTaskToken`) only")
                    .help(help);
                self.out.push(d);
            }
            return;
        }
        let Some(svc) = service(i.service.text) else {
            self.unknown_service(i, action.text);
            return;
        };
        let Some(api) = svc.api(action.text) else {
            let apis = svc
                .apis
                .iter()
                .map(|a| format!("`{}`", a.name))
                .collect::<Vec<_>>()
                .join(", ");
            let mut d = self
                .diag(
                    action.span,
                    format!(
                        "`{}:{}` is not an optimized integration of {}",
                        svc.name, action.text, svc.title
                    ),
                )
                .label("unknown action")
                .note(format!(
                    "the optimized {} integration supports {apis} ({})",
                    svc.title,
                    svc.url()
                ));
            d = match did_you_mean(action.text, svc.apis.iter().map(|a| a.name)) {
                Some(x) if x.eq_ignore_ascii_case(action.text) => {
                    let span = source_span(self.ctx.text, self.site.field.node, action.span);
                    d.help(format!("write `{x}`: actions are case-sensitive"))
                        .fix(Fix {
                            title: format!("Replace `{}` with `{x}`", action.text),
                            applicability: Applicability::Safe,
                            edits: vec![Edit {
                                span,
                                replacement: x.to_string(),
                            }],
                        })
                }
                Some(x) => d.help(format!("did you mean `{x}`?")),
                None => d.help(format!(
                    "call it through the AWS SDK integration: `arn:aws:states:::aws-sdk:{}:{}`",
                    sdk_service_name(svc.name),
                    action.text
                )),
            };
            if !svc.closed {
                d.severity = Severity::Warning;
                d.notes.push("reported as a warning: AWS adds optimized APIs over time; check the page above".to_string());
            }
            self.out.push(d);
            return;
        };
        let supported = match i.pattern {
            Pattern::RequestResponse | Pattern::Unknown => true,
            Pattern::Sync => api.sync,
            Pattern::Sync2 => api.sync2,
            Pattern::Callback => svc.callback,
        };
        if supported {
            return;
        }
        let mut patterns = vec!["Request Response"];
        if api.sync {
            patterns.push("`.sync`");
        }
        if api.sync2 {
            patterns.push("`.sync:2`");
        }
        if svc.callback {
            patterns.push("`.waitForTaskToken`");
        }
        let help = match i.pattern {
            Pattern::Sync2 if api.sync => "use `.sync` (`.sync:2` exists only for `states:startExecution`)".to_string(),
            Pattern::Callback => "remove `.waitForTaskToken`, or send the task token through a service that supports callbacks (Lambda, SQS, SNS, EventBridge, ...)".to_string(),
            _ => "remove the suffix and poll for completion (a Wait and a Choice state in a loop) if you need to wait".to_string(),
        };
        let d = self
            .diag(
                i.pattern_span,
                format!(
                    "`{}:{}` does not support {}",
                    svc.name,
                    action.text,
                    i.pattern.title()
                ),
            )
            .label(format!("`{}` not supported here", i.pattern.suffix()))
            .note(format!(
                "`{}:{}` supports {} ({})",
                svc.name,
                action.text,
                patterns.join(", "),
                svc.url()
            ))
            .help(help);
        self.out.push(d);
    }

    fn unknown_service(&mut self, i: &Integration<'_>, action: &str) {
        let name = i.service.text;
        let mut d = self
            .diag(
                i.service.span,
                format!("`{name}` is not an optimized service integration"),
            )
            .label("unknown integration")
            .note(format!(
                "the optimized integrations are {}",
                SERVICES
                    .iter()
                    .map(|s| format!("`{}`", s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        if name == "s3"
            && (ITEM_READER_ACTIONS.contains(&action) || RESULT_WRITER_ACTIONS.contains(&action))
        {
            d.notes.push(format!(
                "`arn:aws:states:::s3:{action}` is a resource of a Distributed Map's ItemReader or ResultWriter, not of a Task state"
            ));
        }
        d = match did_you_mean(name, SERVICES.iter().map(|s| s.name)) {
            Some(x) => d.help(format!("did you mean `{x}`?")),
            None => d.help(format!(
                "call the API through the AWS SDK integration: `arn:aws:states:::aws-sdk:{name}:{action}`"
            )),
        };
        self.out.push(d);
    }
}

/// The optimized integration's name for an SDK service name (`sfn` → `states`, `eventbridge` → `events`, `emr` →
/// `elasticmapreduce`); identity otherwise.
fn sdk_to_optimized(sdk: &str) -> &str {
    match sdk {
        "sfn" => "states",
        "eventbridge" => "events",
        "emr" => "elasticmapreduce",
        "emrcontainers" => "emr-containers",
        "emrserverless" => "emr-serverless",
        other => other,
    }
}

/// The AWS SDK integration's service name for an optimized integration name.
fn sdk_service_name(optimized: &str) -> &str {
    match optimized {
        "states" => "sfn",
        "events" => "eventbridge",
        "elasticmapreduce" => "emr",
        "emr-containers" => "emrcontainers",
        "emr-serverless" => "emrserverless",
        other => other,
    }
}

impl Rule for UnsupportedIntegrationPattern {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for site in resource_sites(model) {
            Check { ctx, site, out }.run();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Severity;
    use crate::syntax::SourceKind;

    fn findings(resource: &str) -> Vec<(String, Severity)> {
        let text = format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Task","Resource":{},"End":true}}}}}}"#,
            serde_json::to_string(resource).unwrap_or_default()
        );
        crate::lint::lint_source("t.json", &text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .map(|d| {
                assert_eq!(d.pointer, "/States/A/Resource");
                (text[d.span().range()].to_string(), d.severity)
            })
            .collect()
    }

    #[test]
    fn supported_integrations_are_quiet() {
        for r in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::states:startExecution.waitForTaskToken",
            "arn:aws:states:::batch:submitJob.sync",
            "arn:aws:states:::ecs:runTask.waitForTaskToken",
            "arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken",
            "arn:aws:states:::aws-sdk:dynamodb:query",
            "arn:aws:states:::http:invoke",
            "arn:aws:states:::${Service}:invoke.sync",
        ] {
            assert_eq!(findings(r), vec![], "{r}");
        }
    }

    #[test]
    fn unsupported_patterns() {
        assert_eq!(
            findings("arn:aws:states:::lambda:invoke.sync"),
            vec![(".sync".to_string(), Severity::Error)]
        );
        assert_eq!(
            findings("arn:aws:states:::batch:submitJob.waitForTaskToken"),
            vec![(".waitForTaskToken".to_string(), Severity::Error)]
        );
        assert_eq!(
            findings("arn:aws:states:::glue:startJobRun.sync:2"),
            vec![(".sync:2".to_string(), Severity::Error)]
        );
        assert_eq!(
            findings("arn:aws:states:::aws-sdk:s3:getObject.sync"),
            vec![(".sync".to_string(), Severity::Error)]
        );
        assert_eq!(
            findings("arn:aws:states:::batch:submitJob.synch"),
            vec![(".synch".to_string(), Severity::Error)]
        );
    }

    #[test]
    fn unknown_services_and_actions() {
        assert_eq!(
            findings("arn:aws:states:::dynamodb:query"),
            vec![("query".to_string(), Severity::Error)]
        );
        assert_eq!(
            findings("arn:aws:states:::lambda:listFunctions"),
            vec![("listFunctions".to_string(), Severity::Warning)]
        );
        assert_eq!(
            findings("arn:aws:states:::s3:getObject"),
            vec![("s3".to_string(), Severity::Error)]
        );
    }
}

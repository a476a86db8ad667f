use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::integrations::{
    parse_resource, resource_sites, source_span, Arn, ResourceKind, ResourceOwner, ResourceSite,
    Segment, PARTITIONS,
};
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `Resource` (of a Task state, an `ItemReader` or a `ResultWriter`) that is not a well-formed ARN
    /// of something a Task can run: a Lambda function, an activity or a service integration.
    ///
    /// It checks the ARN's shape (`arn:partition:service:region:account:...`), the partition (`aws`, `aws-cn`,
    /// `aws-us-gov`, `aws-iso`, ...), Lambda function names and qualifiers (`$LATEST`, a version number or an
    /// alias), activity names, and the parts of `arn:aws:states:::service:action` and
    /// `arn:aws:states:::aws-sdk:service:action`. A `${...}` substitution placeholder (SAM, CDK, Terraform) may
    /// stand for the whole value or any part and is never reported, but an unterminated `${` is. A value that is
    /// not an ARN at all is a warning, because test templates and build steps substitute markers such as
    /// `_tbd_`. Which services and actions exist is the concern of `unsupported-integration-pattern`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`INVALID_RESOURCE`): the task cannot run anything.
    ///
    /// ## Example
    /// ```json
    /// "Call": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fetch:", "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Call": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fetch:live", "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>
    /// - <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html> (function name and qualifier syntax)
    pub struct InvalidResource {
        code: "ASL501",
        name: "invalid-resource",
        category: Resources,
        severity: Error,
        aws_code: Some("INVALID_RESOURCE"),
    }
}

const ARN_SHAPE: &str = "a Task resource is an ARN: `arn:<partition>:lambda:<region>:<account>:function:<name>`, `arn:<partition>:states:<region>:<account>:activity:<name>` or `arn:<partition>:states:::<service>:<action>`";

struct Check<'c, 'm, 'a> {
    ctx: &'c Context<'c>,
    site: ResourceSite<'m, 'a>,
    out: &'c mut Vec<Diagnostic>,
}

impl Check<'_, '_, '_> {
    fn span(&self, inner: Span) -> Span {
        source_span(self.ctx.text, self.site.field.node, inner)
    }

    fn whose(&self) -> String {
        let st = self.site.state.describe();
        match self.site.owner {
            ResourceOwner::Task => st,
            ResourceOwner::ItemReader => format!("the ItemReader of {st}"),
            ResourceOwner::ResultWriter => format!("the ResultWriter of {st}"),
        }
    }

    fn push(&mut self, inner: Span, message: String, label: &str, note: &str, help: String) {
        let d = META
            .diagnostic(self.span(inner), message)
            .label(label)
            .note(note)
            .help(help)
            .pointer(self.site.field.pointer.clone());
        self.out.push(d);
    }

    fn run(&mut self) {
        let Some(s) = self.site.value else { return };
        let whole = Span::new(0, s.len());
        match parse_resource(s) {
            ResourceKind::Unknown => {}
            ResourceKind::Empty => {
                let d = META
                    .diagnostic(self.site.field.node.span, format!("the `Resource` of {} is empty", self.whose()))
                    .label("empty resource")
                    .note(ARN_SHAPE)
                    .help("write the ARN of the function, activity or integration to run")
                    .pointer(self.site.field.pointer.clone());
                self.out.push(d);
            }
            ResourceKind::BrokenPlaceholder(span) => self.push(
                span,
                format!("unterminated `${{` placeholder in the `Resource` of {}", self.whose()),
                "`${` without a closing `}`",
                "deployment tools substitute only complete `${...}` placeholders; this one stays in the definition and is not an ARN",
                "close the placeholder with `}`".to_string(),
            ),
            ResourceKind::Jsonata => self.push(
                whole,
                format!("the `Resource` of {} is a JSONata expression", self.whose()),
                "not evaluated here",
                "Step Functions evaluates `{% ... %}` only in fields such as Arguments, Output and Assign; `Resource` must be a fixed ARN",
                "to pick a Lambda function at run time, use `arn:aws:states:::lambda:invoke` and compute `FunctionName` in `Arguments`".to_string(),
            ),
            ResourceKind::NotArn => {
                let (message, help) = if s.starts_with('$') {
                    (
                        format!("the `Resource` of {} is a path, not an ARN", self.whose()),
                        "`Resource` cannot be computed; to pick a Lambda function at run time, use `arn:aws:states:::lambda:invoke` with `\"FunctionName.$\"` in `Parameters`".to_string(),
                    )
                } else {
                    (
                        format!("`{s}` is not an ARN"),
                        "write the ARN of the function, activity or integration to run".to_string(),
                    )
                };
                let d = META
                    .diagnostic(self.span(whole), message)
                    .label("not an ARN")
                    .note(format!("{ARN_SHAPE}; reported as a warning because build steps and test templates often substitute such markers before deployment"))
                    .help(help)
                    .pointer(self.site.field.pointer.clone());
                let mut d = d;
                d.severity = Severity::Warning;
                self.out.push(d);
            }
            ResourceKind::Truncated(arn) => {
                self.partition(&arn);
                self.push(
                    whole,
                    format!("incomplete ARN in the `Resource` of {}", self.whose()),
                    "too few `:`-separated parts",
                    ARN_SHAPE,
                    "complete the ARN".to_string(),
                );
            }
            ResourceKind::OtherService(arn) => {
                self.partition(&arn);
                if let Some(svc) = arn.service() {
                    let mut d = META
                        .diagnostic(
                            self.span(svc.span),
                            format!("`{}` ARNs are not Task resources", svc.text),
                        )
                        .label("not `lambda` or `states`")
                        .note(format!("{ARN_SHAPE}; reported as a warning because older validators accept any URI here"))
                        .help("call other services through `arn:aws:states:::aws-sdk:<service>:<action>` or an optimized integration")
                        .pointer(self.site.field.pointer.clone());
                    if let Some(s) = did_you_mean(svc.text, ["lambda", "states"]) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    d.severity = Severity::Warning;
                    self.out.push(d);
                }
            }
            ResourceKind::LambdaFunction {
                arn,
                kind,
                name,
                qualifier,
                extra,
            } => {
                self.partition(&arn);
                self.lambda(kind, name, qualifier, extra);
            }
            ResourceKind::Activity { arn, name, extra } => {
                self.partition(&arn);
                self.activity(&arn, name, extra);
            }
            ResourceKind::Integration { arn, integration } => {
                self.partition(&arn);
                if let Some(sdk) = integration.sdk_segment {
                    if integration.service.known() && integration.service.text.is_empty() {
                        self.push(
                            Span::new(sdk.span.start(), s.len()),
                            "missing service name after `aws-sdk`".to_string(),
                            "expected `aws-sdk:<service>:<action>`",
                            "an AWS SDK integration names the service and the API action: `arn:aws:states:::aws-sdk:s3:getObject`",
                            "add the service and the action".to_string(),
                        );
                        return;
                    }
                } else if integration.service.known() && integration.service.text.is_empty() {
                    self.push(
                        integration.service.span,
                        "missing service name in the integration ARN".to_string(),
                        "expected `<service>:<action>`",
                        ARN_SHAPE,
                        "write the service and the action, as in `arn:aws:states:::lambda:invoke`".to_string(),
                    );
                    return;
                }
                match integration.action {
                    None => {
                        let at = integration.service.span;
                        self.push(
                            at,
                            format!("missing action after `{}`", integration.service.text),
                            "no action",
                            "an integration ARN ends with the API action to call, as in `arn:aws:states:::sqs:sendMessage`",
                            "add `:<action>` after the service".to_string(),
                        );
                    }
                    Some(a) if a.known() && a.text.is_empty() => self.push(
                        Span::new(a.span.start().saturating_sub(1), a.span.end()),
                        format!("empty action after `{}`", integration.service.text),
                        "no action",
                        "an integration ARN ends with the API action to call, as in `arn:aws:states:::sqs:sendMessage`",
                        "write the action after the `:`".to_string(),
                    ),
                    Some(_) => {}
                }
                if let Some(x) = integration.extra {
                    self.push(
                        Span::new(x.span.start().saturating_sub(1), s.len()),
                        "unexpected text after the action of the integration ARN".to_string(),
                        "not part of an integration ARN",
                        "an integration ARN ends with the action and its optional `.sync`, `.sync:2` or `.waitForTaskToken` suffix",
                        "remove it".to_string(),
                    );
                }
            }
        }
    }

    fn partition(&mut self, arn: &Arn<'_>) {
        let Some(p) = arn.partition().copied() else {
            return;
        };
        if p.placeholder || PARTITIONS.contains(&p.text) {
            return;
        }
        let suggestion = did_you_mean(p.text, PARTITIONS.iter().copied());
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => "use `aws` (or the partition of your Region, such as `aws-cn` or `aws-us-gov`)"
                .to_string(),
        };
        let message = if p.text.is_empty() {
            "missing partition in the ARN".to_string()
        } else {
            format!("unknown partition `{}`", p.text)
        };
        let span = if p.span.is_empty() {
            Span::new(p.span.start().saturating_sub(1), p.span.start())
        } else {
            p.span
        };
        self.push(
            span,
            message,
            "not a partition",
            "the second part of an ARN is the partition: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc",
            help,
        );
        // Partitions are lower case: a case-only difference has one certain correction.
        if let (Some(s), Some(d)) = (suggestion, self.out.last_mut()) {
            if !p.text.is_empty() && s.eq_ignore_ascii_case(p.text) {
                let edit_span = source_span(self.ctx.text, self.site.field.node, p.span);
                d.fix = Some(Fix {
                    title: format!("Replace `{}` with `{s}`", p.text),
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span: edit_span,
                        replacement: s.to_string(),
                    }],
                });
            }
        }
    }

    fn lambda(
        &mut self,
        kind: Segment<'_>,
        name: Option<Segment<'_>>,
        qualifier: Option<Segment<'_>>,
        extra: Option<Segment<'_>>,
    ) {
        const NOTE: &str = "a Lambda function ARN is `arn:<partition>:lambda:<region>:<account>:function:<name>` with an optional `:<qualifier>` (`$LATEST`, a version number or an alias)";
        if kind.known() && kind.text != "function" {
            self.push(
                kind.span,
                format!(
                    "expected `function` in the Lambda ARN, found `{}`",
                    kind.text
                ),
                "expected `function`",
                NOTE,
                "only Lambda functions can be Task resources; write `function:<name>`".to_string(),
            );
            return;
        }
        let Some(name) = name else {
            self.push(
                kind.span,
                "missing function name in the Lambda ARN".to_string(),
                "no function name after this",
                NOTE,
                "add `:<function name>`".to_string(),
            );
            return;
        };
        if name.known() {
            if name.text.is_empty() {
                self.push(
                    Span::new(name.span.start().saturating_sub(1), name.span.end()),
                    "empty function name in the Lambda ARN".to_string(),
                    "no function name",
                    NOTE,
                    "write the function name after `function:`".to_string(),
                );
            } else if let Some((i, c)) = bad_char(name.text, is_name_char) {
                self.push(
                    char_span(name, i, c),
                    format!("invalid character `{c}` in the Lambda function name `{}`", name.text),
                    "not allowed in a function name",
                    "function names contain only letters, digits, `-` and `_` (at most 64 characters)",
                    "remove the character or fix the name".to_string(),
                );
            } else if name.text.len() > 64 {
                self.push(
                    name.span,
                    format!(
                        "the Lambda function name is {} characters long",
                        name.text.len()
                    ),
                    "longer than 64 characters",
                    "function names are at most 64 characters",
                    "use the function's real name".to_string(),
                );
            }
        }
        if let Some(q) = qualifier {
            if q.known() {
                self.qualifier(q);
            }
        }
        if let Some(x) = extra {
            self.push(
                Span::new(x.span.start().saturating_sub(1), x.span.end()),
                "unexpected part after the qualifier of the Lambda ARN".to_string(),
                "not part of a function ARN",
                NOTE,
                "remove it".to_string(),
            );
        }
    }

    fn qualifier(&mut self, q: Segment<'_>) {
        const NOTE: &str = "a qualifier is `$LATEST`, a version number, or an alias name of letters, digits, `-` and `_` (at most 128 characters)";
        if q.text.is_empty() {
            self.push(
                Span::new(q.span.start().saturating_sub(1), q.span.end()),
                "empty qualifier after the Lambda function name".to_string(),
                "`:` with no version or alias after it",
                NOTE,
                "remove the trailing `:` or write the version or alias".to_string(),
            );
            return;
        }
        if q.text == "$LATEST" || q.text.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        if q.text.eq_ignore_ascii_case("$latest") {
            let span = self.span(q.span);
            let d = META
                .diagnostic(span, format!("invalid Lambda qualifier `{}`", q.text))
                .label("`$LATEST` is written in capitals")
                .note(NOTE)
                .help("write `$LATEST`")
                .fix(Fix {
                    title: format!("Replace `{}` with `$LATEST`", q.text),
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span,
                        replacement: "$LATEST".to_string(),
                    }],
                })
                .pointer(self.site.field.pointer.clone());
            self.out.push(d);
        } else if let Some((_, c)) = bad_char(q.text, is_name_char) {
            self.push(
                q.span,
                format!("invalid Lambda qualifier `{}`", q.text),
                &format!("`{c}` is not allowed in a version or alias"),
                NOTE,
                "use `$LATEST`, a version number or an existing alias".to_string(),
            );
        } else if q.text.len() > 128 {
            self.push(
                q.span,
                "the Lambda alias is longer than 128 characters".to_string(),
                "too long",
                NOTE,
                "use an existing alias".to_string(),
            );
        }
    }

    fn activity(&mut self, arn: &Arn<'_>, name: Option<Segment<'_>>, extra: Option<Segment<'_>>) {
        const NOTE: &str = "an activity ARN is `arn:<partition>:states:<region>:<account>:activity:<name>`, as returned by CreateActivity";
        for (seg, what) in [(arn.region(), "Region"), (arn.account(), "account ID")] {
            if let Some(seg) = seg {
                if seg.known() && seg.text.is_empty() {
                    self.push(
                        Span::new(seg.span.start().saturating_sub(1), seg.span.end()),
                        format!("missing {what} in the activity ARN"),
                        "empty",
                        NOTE,
                        "copy the activity's ARN from CreateActivity or the console".to_string(),
                    );
                    return;
                }
            }
        }
        match name {
            None => self.push(
                arn.get(5).map_or(Span::default(), |s| s.span),
                "missing activity name in the activity ARN".to_string(),
                "no name after this",
                NOTE,
                "add `:<activity name>`".to_string(),
            ),
            Some(n) if n.known() => {
                if n.text.is_empty() {
                    self.push(
                        Span::new(n.span.start().saturating_sub(1), n.span.end()),
                        "empty activity name".to_string(),
                        "no name",
                        NOTE,
                        "write the activity name after `activity:`".to_string(),
                    );
                } else if let Some((i, c)) = bad_char(n.text, is_activity_char) {
                    self.push(
                        char_span(n, i, c),
                        format!("invalid character `{c}` in the activity name `{}`", n.text),
                        "not allowed in an activity name",
                        "activity names are 1 to 80 characters without whitespace, brackets, wildcards or punctuation such as `\"#%\\^|~`$&,;:/`",
                        "use the activity's real name".to_string(),
                    );
                } else if n.text.chars().count() > 80 {
                    self.push(
                        n.span,
                        "the activity name is longer than 80 characters".to_string(),
                        "too long",
                        NOTE,
                        "use the activity's real name".to_string(),
                    );
                }
            }
            Some(_) => {}
        }
        if let Some(x) = extra {
            self.push(
                Span::new(x.span.start().saturating_sub(1), x.span.end()),
                "unexpected part after the activity name".to_string(),
                "not part of an activity ARN",
                NOTE,
                "remove it".to_string(),
            );
        }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn is_activity_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c))
}

/// The first character of `s` (with its byte index) that fails `ok`.
fn bad_char(s: &str, ok: fn(char) -> bool) -> Option<(usize, char)> {
    s.char_indices().find(|(_, c)| !ok(*c))
}

fn char_span(seg: Segment<'_>, i: usize, c: char) -> Span {
    let start = seg.span.start() + i;
    Span::new(start, start + c.len_utf8())
}

impl Rule for InvalidResource {
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

    fn findings(resource: &str) -> Vec<(String, String, Severity)> {
        let text = format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Task","Resource":{},"End":true}}}}}}"#,
            serde_json::to_string(resource).unwrap_or_default()
        );
        crate::lint::lint_source("t.json", &text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .map(|d| {
                assert_eq!(d.pointer, "/States/A/Resource");
                (text[d.span().range()].to_string(), d.message, d.severity)
            })
            .collect()
    }

    #[test]
    fn valid_resources_are_quiet() {
        for r in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::aws-sdk:s3:getObject",
            "arn:aws-cn:states:::http:invoke",
            "arn:aws:lambda:us-east-1:123456789012:function:Fetch",
            "arn:aws:lambda:us-east-1:123456789012:function:Fetch:$LATEST",
            "arn:aws:lambda:us-east-1:123456789012:function:Fetch:12",
            "arn:aws:lambda:us-east-1:123456789012:function:Fetch:prod",
            "arn:aws:lambda:::function:publish",
            "arn:aws:lambda:us-east-1:123456789012:function:${Name}:$LATEST",
            "arn:${AWS::Partition}:states:::batch:submitJob.sync",
            "arn:aws:states:us-east-1:123456789012:activity:approve",
            "${LambdaArn}",
        ] {
            assert_eq!(findings(r), vec![], "{r}");
        }
    }

    #[test]
    fn points_at_the_bad_part() {
        let f = findings("arn:aws:lambda:r:1:function:F:$*#$7485");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "$*#$7485");
        assert_eq!(f[0].2, Severity::Error);
        let f = findings("arn:aws:lambda:r:1:function:F:");
        assert_eq!(f[0].0, ":");
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:AWS:states:::sqs:sendMessage","End":true}}}"#;
        let d: Vec<_> = crate::lint::lint_source("t.json", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        let fix = d[0].fix.as_ref().expect("case-only fix");
        assert_eq!(&text[fix.edits[0].span.range()], "AWS");
        assert_eq!(fix.edits[0].replacement, "aws");
        let f = findings("arn:awz:states:::lambda:invoke");
        assert_eq!(f[0].0, "awz");
        assert!(f[0].1.contains("partition"));
        let f = findings("${lambdaArn");
        assert_eq!(f[0].0, "${lambdaArn");
        let f = findings("arn:aws:states:::lambda");
        assert_eq!(f[0].0, "lambda");
        let f = findings("arn:aws:states:::activity:x");
        assert_eq!(f[0].2, Severity::Error);
    }

    #[test]
    fn non_arns_are_warnings() {
        let f = findings("_tbd_");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].2, Severity::Warning);
        let f = findings("arn:aws:swf:us-east-1:1:task:X");
        assert_eq!(f[0].0, "swf");
        assert_eq!(f[0].2, Severity::Warning);
    }

    #[test]
    fn escaped_strings_map_to_the_source() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:r:1:function:F\u0041@b","End":true}}}"#;
        let d: Vec<_> = crate::lint::lint_source("t.json", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span().range()], "@");
    }
}

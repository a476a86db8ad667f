//! Task `Resource` strings: a tolerant ARN reader and the table of Step Functions' optimized service integrations.
//!
//! Shared by the Resources rules (`invalid-resource`, `unsupported-integration-pattern`, `task-token-not-passed`,
//! `lambda-retry-missing`) and meant for reuse by the language server's completion. Nothing here panics; spans are
//! byte offsets *inside the decoded string* (map them into the file with [`crate::expr::span_map`]).
//!
//! The integration table is data taken from the AWS Step Functions Developer Guide: the summary table of
//! <https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html> (services and which of the three
//! integration patterns each supports) and each service's `connect-*.html` page (its optimized APIs and which of
//! them support `.sync`). Check those pages when AWS adds integrations.

use crate::model::{Definition, Field, State, StateType};
use crate::syntax::{Node, Span};

/// Partitions AWS documents for ARNs.
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// One `:`-separated segment of an ARN, with its span inside the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'s> {
    pub text: &'s str,
    pub span: Span,
    /// The segment contains a `${...}` substitution placeholder: its value is unknown at lint time.
    pub placeholder: bool,
}

impl Segment<'_> {
    /// True when the segment's value is known (no placeholder).
    pub fn known(&self) -> bool {
        !self.placeholder
    }
}

/// An integration pattern, chosen by the suffix of the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// No suffix: call the API and continue with its response.
    RequestResponse,
    /// `.sync`: wait for the job to complete.
    Sync,
    /// `.sync:2` (Step Functions `startExecution` only): like `.sync`, output parsed as JSON.
    Sync2,
    /// `.waitForTaskToken`: pause until `SendTaskSuccess`/`SendTaskFailure` returns the task token.
    Callback,
    /// Any other suffix (the text after the first `.`, and after `:` for `.sync:N`).
    Unknown,
}

impl Pattern {
    pub fn suffix(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "",
            Pattern::Sync => ".sync",
            Pattern::Sync2 => ".sync:2",
            Pattern::Callback => ".waitForTaskToken",
            Pattern::Unknown => "?",
        }
    }
    /// The name AWS's documentation uses.
    pub fn title(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "Request Response",
            Pattern::Sync => "Run a Job (.sync)",
            Pattern::Sync2 => "Run a Job with JSON output (.sync:2)",
            Pattern::Callback => "Wait for Callback (.waitForTaskToken)",
            Pattern::Unknown => "unknown pattern",
        }
    }
}

/// A `arn:<partition>:states:<region>:<account>:<service>:<action>[<suffix>]` resource (optimized integration), or
/// `...:aws-sdk:<service>:<action>[<suffix>]` (AWS SDK integration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration<'s> {
    /// True for `aws-sdk:` integrations.
    pub sdk: bool,
    /// The `aws-sdk` segment, for SDK integrations.
    pub sdk_segment: Option<Segment<'s>>,
    /// The service segment (`lambda`, `dynamodb`; the SDK service name for SDK integrations).
    pub service: Segment<'s>,
    /// The action without its suffix (`invoke`, `putItem`); `None` when the ARN ends after the service.
    pub action: Option<Segment<'s>>,
    pub pattern: Pattern,
    /// Span of the suffix (`.sync`, `.waitForTaskToken`, `.sync:2`), empty at the action's end when none.
    pub pattern_span: Span,
    /// Segments after the action that are not part of the suffix (an error).
    pub extra: Option<Segment<'s>>,
}

/// What a `Resource` string is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind<'s> {
    /// A `${...}` placeholder for the whole value, or a value whose key parts are placeholders.
    Unknown,
    /// An unterminated `${` (the span covers from `${` to the end).
    BrokenPlaceholder(Span),
    /// A JSONata `{% ... %}` expression.
    Jsonata,
    /// The empty string.
    Empty,
    /// Not an ARN at all (no `arn:` prefix).
    NotArn,
    /// `arn:` with fewer than six segments.
    Truncated(Arn<'s>),
    /// A Lambda function ARN (`arn:<p>:lambda:<region>:<account>:function:<name>[:<qualifier>]`).
    LambdaFunction {
        arn: Arn<'s>,
        /// The `function` segment (may be wrong).
        kind: Segment<'s>,
        name: Option<Segment<'s>>,
        qualifier: Option<Segment<'s>>,
        extra: Option<Segment<'s>>,
    },
    /// An activity ARN (`arn:<p>:states:<region>:<account>:activity:<name>`).
    Activity {
        arn: Arn<'s>,
        name: Option<Segment<'s>>,
        extra: Option<Segment<'s>>,
    },
    /// A service integration.
    Integration {
        arn: Arn<'s>,
        integration: Integration<'s>,
    },
    /// An ARN of another service (`arn:aws:swf:...`).
    OtherService(Arn<'s>),
}

/// An ARN split into its segments (placeholders kept whole even when they contain `:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'s> {
    pub segments: Vec<Segment<'s>>,
}

impl<'s> Arn<'s> {
    pub fn get(&self, i: usize) -> Option<&Segment<'s>> {
        self.segments.get(i)
    }
    pub fn partition(&self) -> Option<&Segment<'s>> {
        self.get(1)
    }
    pub fn service(&self) -> Option<&Segment<'s>> {
        self.get(2)
    }
    pub fn region(&self) -> Option<&Segment<'s>> {
        self.get(3)
    }
    pub fn account(&self) -> Option<&Segment<'s>> {
        self.get(4)
    }
}

/// Splits `s` at `:` outside `${...}`, `#{...}` and `{{...}}` placeholders. Returns the span of an unterminated `${` as the error.
pub fn split_segments(s: &str) -> Result<Vec<Segment<'_>>, Span> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut placeholder = false;
    let mut i = 0usize;
    while i < b.len() {
        match b.get(i) {
            Some(b'$') if b.get(i + 1) == Some(&b'{') => {
                let close = s.get(i + 2..).and_then(|rest| rest.find('}'));
                match close {
                    Some(off) => {
                        placeholder = true;
                        i += 2 + off + 1;
                        continue;
                    }
                    None => return Err(Span::new(i, s.len())),
                }
            }
            // `#{AWS::Region}` (Serverless Framework pseudo parameters) and `{{name}}` (Jinja, Handlebars,
            // CloudFormation dynamic references): unknown values too, when closed.
            Some(b'#') if b.get(i + 1) == Some(&b'{') => {
                if let Some(off) = s.get(i + 2..).and_then(|rest| rest.find('}')) {
                    placeholder = true;
                    i += 2 + off + 1;
                    continue;
                }
            }
            Some(b'{') if b.get(i + 1) == Some(&b'{') => {
                if let Some(off) = s.get(i + 2..).and_then(|rest| rest.find("}}")) {
                    placeholder = true;
                    i += 2 + off + 2;
                    continue;
                }
            }
            Some(b':') => {
                out.push(Segment {
                    text: s.get(start..i).unwrap_or(""),
                    span: Span::new(start, i),
                    placeholder,
                });
                start = i + 1;
                placeholder = false;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(Segment {
        text: s.get(start..).unwrap_or(""),
        span: Span::new(start, s.len()),
        placeholder,
    });
    Ok(out)
}

/// Reads a Task (or ItemReader/ResultWriter) `Resource` string.
pub fn parse_resource(s: &str) -> ResourceKind<'_> {
    if s.is_empty() {
        return ResourceKind::Empty;
    }
    let trimmed = s.trim();
    if trimmed.starts_with("{%") && trimmed.ends_with("%}") {
        return ResourceKind::Jsonata;
    }
    let segments = match split_segments(s) {
        Ok(segs) => segs,
        Err(span) => return ResourceKind::BrokenPlaceholder(span),
    };
    let Some(first) = segments.first() else {
        return ResourceKind::Empty;
    };
    if segments.len() == 1 && first.placeholder {
        return ResourceKind::Unknown;
    }
    if first.placeholder {
        // `${Prefix}:...`: cannot tell what it is.
        return ResourceKind::Unknown;
    }
    if first.text != "arn" {
        return ResourceKind::NotArn;
    }
    let arn = Arn { segments };
    if arn.segments.len() < 6 {
        return ResourceKind::Truncated(arn);
    }
    let Some(service) = arn.service().copied() else {
        return ResourceKind::Truncated(arn);
    };
    if service.placeholder {
        return ResourceKind::Unknown;
    }
    let seg = |i: usize| arn.get(i).copied();
    match service.text {
        "lambda" => {
            let Some(kind) = seg(5) else {
                return ResourceKind::Truncated(arn);
            };
            ResourceKind::LambdaFunction {
                kind,
                name: seg(6),
                qualifier: seg(7),
                extra: seg(8),
                arn,
            }
        }
        "states" => {
            let Some(kind) = seg(5) else {
                return ResourceKind::Truncated(arn);
            };
            if kind.placeholder {
                return ResourceKind::Unknown;
            }
            if kind.text == "activity" {
                return ResourceKind::Activity {
                    name: seg(6),
                    extra: seg(7),
                    arn,
                };
            }
            let (sdk_segment, service, action_idx) = if kind.text == "aws-sdk" {
                match seg(6) {
                    Some(svc) => (Some(kind), svc, 7),
                    None => {
                        let integration = Integration {
                            sdk: true,
                            sdk_segment: Some(kind),
                            service: Segment {
                                text: "",
                                span: Span::empty(kind.span.end()),
                                placeholder: false,
                            },
                            action: None,
                            pattern: Pattern::RequestResponse,
                            pattern_span: Span::empty(kind.span.end()),
                            extra: None,
                        };
                        return ResourceKind::Integration { arn, integration };
                    }
                }
            } else {
                (None, kind, 6)
            };
            let integration = read_action(
                sdk_segment,
                service,
                seg(action_idx),
                seg(action_idx + 1),
                seg(action_idx + 2),
            );
            ResourceKind::Integration { arn, integration }
        }
        _ => ResourceKind::OtherService(arn),
    }
}

fn read_action<'s>(
    sdk_segment: Option<Segment<'s>>,
    service: Segment<'s>,
    action: Option<Segment<'s>>,
    next: Option<Segment<'s>>,
    after: Option<Segment<'s>>,
) -> Integration<'s> {
    let sdk = sdk_segment.is_some();
    let Some(action) = action else {
        return Integration {
            sdk,
            sdk_segment,
            service,
            action: None,
            pattern: Pattern::RequestResponse,
            pattern_span: Span::empty(service.span.end()),
            extra: None,
        };
    };
    let (name, pattern, pattern_span, extra) = match action.text.find('.') {
        None => (
            action,
            Pattern::RequestResponse,
            Span::empty(action.span.end()),
            next,
        ),
        Some(dot) => {
            let dot_at = action.span.start() + dot;
            let name = Segment {
                text: action.text.get(..dot).unwrap_or(""),
                span: Span::new(action.span.start(), dot_at),
                placeholder: action.placeholder,
            };
            let suffix = action.text.get(dot + 1..).unwrap_or("");
            match suffix {
                "waitForTaskToken" => (
                    name,
                    Pattern::Callback,
                    Span::new(dot_at, action.span.end()),
                    next,
                ),
                "sync" => match next {
                    Some(n) if n.text == "2" => {
                        (name, Pattern::Sync2, Span::new(dot_at, n.span.end()), after)
                    }
                    Some(n) if !n.text.is_empty() && n.text.bytes().all(|b| b.is_ascii_digit()) => {
                        (
                            name,
                            Pattern::Unknown,
                            Span::new(dot_at, n.span.end()),
                            after,
                        )
                    }
                    _ => (
                        name,
                        Pattern::Sync,
                        Span::new(dot_at, action.span.end()),
                        next,
                    ),
                },
                _ => (
                    name,
                    Pattern::Unknown,
                    Span::new(dot_at, action.span.end()),
                    next,
                ),
            }
        }
    };
    Integration {
        sdk,
        sdk_segment,
        service,
        action: Some(name),
        pattern,
        pattern_span,
        extra,
    }
}

/// One optimized API of a service.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    /// The action as written in the ARN (camelCase).
    pub name: &'static str,
    /// Supports `.sync`.
    pub sync: bool,
    /// Supports `.sync:2`.
    pub sync2: bool,
}

const fn rr(name: &'static str) -> Api {
    Api {
        name,
        sync: false,
        sync2: false,
    }
}
const fn job(name: &'static str) -> Api {
    Api {
        name,
        sync: true,
        sync2: false,
    }
}

/// One optimized integration: a service with its APIs.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// The service name in the ARN (`arn:aws:states:::<name>:<action>`).
    pub name: &'static str,
    /// The service's name in AWS's documentation.
    pub title: &'static str,
    /// The Developer Guide page (under docs.aws.amazon.com/step-functions/latest/dg/).
    pub page: &'static str,
    /// Supports `.waitForTaskToken` (per the summary table and the service page).
    pub callback: bool,
    /// The optimized APIs the service page lists.
    pub apis: &'static [Api],
    /// True when AWS has been recorded rejecting an action missing from `apis` (so an unknown action is certainly
    /// an error); otherwise an unknown action may be an API added after this table was written.
    pub closed: bool,
}

impl Service {
    pub fn api(&self, action: &str) -> Option<&'static Api> {
        self.apis.iter().find(|a| a.name == action)
    }
    /// The documentation URL of the service page.
    pub fn url(&self) -> String {
        format!(
            "https://docs.aws.amazon.com/step-functions/latest/dg/{}",
            self.page
        )
    }
}

/// Step Functions' optimized integrations (see the module docs for the sources).
pub static SERVICES: &[Service] = &[
    Service {
        name: "apigateway",
        title: "Amazon API Gateway",
        page: "connect-api-gateway.html",
        callback: true,
        apis: &[rr("invoke")],
        closed: false,
    },
    Service {
        name: "athena",
        title: "Amazon Athena",
        page: "connect-athena.html",
        callback: false,
        apis: &[
            job("startQueryExecution"),
            rr("stopQueryExecution"),
            rr("getQueryExecution"),
            rr("getQueryResults"),
        ],
        closed: false,
    },
    Service {
        name: "batch",
        title: "AWS Batch",
        page: "connect-batch.html",
        callback: false,
        apis: &[job("submitJob")],
        closed: false,
    },
    Service {
        name: "bedrock",
        title: "Amazon Bedrock",
        page: "connect-bedrock.html",
        callback: true,
        apis: &[rr("invokeModel"), job("createModelCustomizationJob")],
        closed: false,
    },
    Service {
        name: "codebuild",
        title: "AWS CodeBuild",
        page: "connect-codebuild.html",
        callback: false,
        apis: &[
            job("startBuild"),
            rr("stopBuild"),
            rr("batchDeleteBuilds"),
            rr("batchGetReports"),
            job("startBuildBatch"),
            rr("stopBuildBatch"),
            job("retryBuildBatch"),
            rr("deleteBuildBatch"),
        ],
        closed: false,
    },
    Service {
        name: "dynamodb",
        title: "Amazon DynamoDB",
        page: "connect-ddb.html",
        callback: false,
        apis: &[
            rr("getItem"),
            rr("putItem"),
            rr("updateItem"),
            rr("deleteItem"),
        ],
        // AWS rejects `arn:aws:states:::dynamodb:query` ("The resource provided ... is not recognized"), recorded
        // by LocalStack's AWS-validated snapshot test `test_invalid_integration`.
        closed: true,
    },
    Service {
        name: "ecs",
        title: "Amazon ECS/Fargate",
        page: "connect-ecs.html",
        callback: true,
        apis: &[job("runTask")],
        closed: false,
    },
    Service {
        name: "eks",
        title: "Amazon EKS",
        page: "connect-eks.html",
        // The service page says Wait for Callback is not supported, the summary table in connect-to-resource.html
        // says it is: allowed until AWS settles it (a finding must be certain).
        callback: true,
        apis: &[
            job("createCluster"),
            job("deleteCluster"),
            job("createFargateProfile"),
            job("deleteFargateProfile"),
            job("createNodegroup"),
            job("deleteNodegroup"),
            job("runJob"),
            rr("call"),
        ],
        closed: false,
    },
    Service {
        name: "elasticmapreduce",
        title: "Amazon EMR",
        page: "connect-emr.html",
        callback: false,
        apis: &[
            job("createCluster"),
            job("terminateCluster"),
            job("addStep"),
            rr("cancelStep"),
            rr("setClusterTerminationProtection"),
            rr("modifyInstanceFleetByName"),
            rr("modifyInstanceGroupByName"),
        ],
        closed: false,
    },
    Service {
        name: "emr-containers",
        title: "Amazon EMR on EKS",
        page: "connect-emr-eks.html",
        callback: false,
        apis: &[
            rr("createVirtualCluster"),
            job("deleteVirtualCluster"),
            job("startJobRun"),
        ],
        closed: false,
    },
    Service {
        name: "emr-serverless",
        title: "Amazon EMR Serverless",
        page: "connect-emr-serverless.html",
        callback: false,
        apis: &[
            job("createApplication"),
            job("startApplication"),
            job("stopApplication"),
            job("deleteApplication"),
            job("startJobRun"),
            job("cancelJobRun"),
        ],
        closed: false,
    },
    Service {
        name: "events",
        title: "Amazon EventBridge",
        page: "connect-eventbridge.html",
        callback: true,
        apis: &[rr("putEvents")],
        closed: false,
    },
    Service {
        name: "glue",
        title: "AWS Glue",
        page: "connect-glue.html",
        callback: false,
        apis: &[job("startJobRun")],
        closed: false,
    },
    Service {
        name: "databrew",
        title: "AWS Glue DataBrew",
        page: "connect-databrew.html",
        callback: false,
        apis: &[job("startJobRun")],
        closed: false,
    },
    Service {
        name: "http",
        title: "HTTPS APIs (HTTP Task)",
        page: "call-https-apis.html",
        callback: false,
        apis: &[rr("invoke")],
        closed: false,
    },
    Service {
        name: "lambda",
        title: "AWS Lambda",
        page: "connect-lambda.html",
        callback: true,
        apis: &[rr("invoke")],
        closed: false,
    },
    Service {
        name: "mediaconvert",
        title: "AWS Elemental MediaConvert",
        page: "connect-mediaconvert.html",
        callback: false,
        apis: &[job("createJob")],
        closed: false,
    },
    Service {
        name: "sagemaker",
        title: "Amazon SageMaker AI",
        page: "connect-sagemaker.html",
        callback: false,
        apis: &[
            rr("createEndpoint"),
            rr("createEndpointConfig"),
            job("createHyperParameterTuningJob"),
            job("createLabelingJob"),
            rr("createModel"),
            job("createProcessingJob"),
            job("createTrainingJob"),
            job("createTransformJob"),
            rr("updateEndpoint"),
        ],
        closed: false,
    },
    Service {
        name: "sns",
        title: "Amazon SNS",
        page: "connect-sns.html",
        callback: true,
        apis: &[rr("publish")],
        closed: false,
    },
    Service {
        name: "sqs",
        title: "Amazon SQS",
        page: "connect-sqs.html",
        callback: true,
        apis: &[rr("sendMessage")],
        closed: false,
    },
    Service {
        name: "states",
        title: "AWS Step Functions",
        page: "connect-stepfunctions.html",
        callback: true,
        apis: &[Api {
            name: "startExecution",
            sync: true,
            sync2: true,
        }],
        closed: false,
    },
];

/// The optimized integration of this name.
pub fn service(name: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.name == name)
}

/// The resources a Distributed Map's `ItemReader` accepts (`arn:<partition>:states:::s3:<action>`).
pub const ITEM_READER_ACTIONS: &[&str] = &["getObject", "listObjectsV2"];
/// The resources a Distributed Map's `ResultWriter` accepts.
pub const RESULT_WRITER_ACTIONS: &[&str] = &["putObject"];

/// Where a `Resource` field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceOwner {
    Task,
    ItemReader,
    ResultWriter,
}

/// One `Resource` string field of the machine, with the state it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ResourceSite<'m, 'a> {
    pub owner: ResourceOwner,
    pub state: &'m State<'a>,
    pub field: &'m Field<'a, &'a str>,
    /// The string value (`None` for a tag, an object such as `Fn::GetAtt`, or another non-string).
    pub value: Option<&'a str>,
}

/// Every `Resource` of Task states, ItemReaders and ResultWriters, depth-first in source order.
pub fn resource_sites<'m, 'a>(model: &'m Definition<'a>) -> Vec<ResourceSite<'m, 'a>> {
    let mut out = Vec::new();
    for r in model.states() {
        let st = r.state;
        if st.state_type() == Some(StateType::Task) {
            if let Some(f) = &st.resource {
                out.push(ResourceSite {
                    owner: ResourceOwner::Task,
                    state: st,
                    field: f,
                    value: f.value,
                });
            }
        }
        if st.state_type() == Some(StateType::Map) {
            if let Some(f) = st.item_reader.as_ref().and_then(|r| r.resource.as_ref()) {
                out.push(ResourceSite {
                    owner: ResourceOwner::ItemReader,
                    state: st,
                    field: f,
                    value: f.value,
                });
            }
            if let Some(f) = st.result_writer.as_ref().and_then(|r| r.resource.as_ref()) {
                out.push(ResourceSite {
                    owner: ResourceOwner::ResultWriter,
                    state: st,
                    field: f,
                    value: f.value,
                });
            }
        }
    }
    out
}

/// Maps a span inside the string value of `node` to a span of the source text (the whole token when the string
/// cannot be mapped exactly, e.g. a folded YAML scalar).
pub fn source_span(text: &str, node: &Node, inner: Span) -> Span {
    crate::expr::span_map::map_span(text, node.span, inner)
}

/// True when the resource invokes a Lambda function: a function ARN or `lambda:invoke` (any pattern).
pub fn is_lambda_invoke(kind: &ResourceKind<'_>) -> bool {
    match kind {
        ResourceKind::LambdaFunction { kind, .. } => kind.text == "function",
        ResourceKind::Integration { integration, .. } => {
            !integration.sdk
                && integration.service.text == "lambda"
                && integration.action.is_some_and(|a| a.text == "invoke")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integration(s: &str) -> Integration<'_> {
        match parse_resource(s) {
            ResourceKind::Integration { integration, .. } => integration,
            other => panic!("not an integration: {other:?}"),
        }
    }

    #[test]
    fn reads_patterns() {
        let i = integration("arn:aws:states:::lambda:invoke");
        assert_eq!(i.service.text, "lambda");
        assert_eq!(i.action.map(|a| a.text), Some("invoke"));
        assert_eq!(i.pattern, Pattern::RequestResponse);
        let s = "arn:aws:states:::states:startExecution.sync:2";
        let i = integration(s);
        assert_eq!(i.pattern, Pattern::Sync2);
        assert_eq!(&s[i.pattern_span.range()], ".sync:2");
        let s = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
        let i = integration(s);
        assert_eq!(i.pattern, Pattern::Callback);
        assert_eq!(&s[i.pattern_span.range()], ".waitForTaskToken");
        let s = "arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken";
        let i = integration(s);
        assert!(i.sdk);
        assert_eq!(i.service.text, "s3");
        assert_eq!(i.action.map(|a| a.text), Some("listBuckets"));
        let s = "arn:aws:states:::batch:submitJob.synch";
        assert_eq!(integration(s).pattern, Pattern::Unknown);
    }

    #[test]
    fn placeholders_are_atomic() {
        let s = "arn:${AWS::Partition}:states:::lambda:invoke";
        let i = integration(s);
        assert_eq!(i.service.text, "lambda");
        assert_eq!(parse_resource("${LambdaArn}"), ResourceKind::Unknown);
        match parse_resource("arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:{{name}}") {
            ResourceKind::LambdaFunction { name, .. } => {
                assert!(name.is_some_and(|n| n.placeholder))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_resource("${lambdaArn"),
            ResourceKind::BrokenPlaceholder(sp) if sp == Span::new(0, 11)
        ));
        match parse_resource("arn:aws:lambda:us-east-1:1:function:${Name}:$LATEST") {
            ResourceKind::LambdaFunction {
                name, qualifier, ..
            } => {
                assert!(name.is_some_and(|n| n.placeholder));
                assert_eq!(qualifier.map(|q| q.text), Some("$LATEST"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_kinds() {
        assert_eq!(parse_resource(""), ResourceKind::Empty);
        assert_eq!(parse_resource("foo:bar"), ResourceKind::NotArn);
        assert_eq!(parse_resource("{% $x %}"), ResourceKind::Jsonata);
        assert!(matches!(
            parse_resource("arn:aws:states:us-east-1:1:activity:a"),
            ResourceKind::Activity { name: Some(n), .. } if n.text == "a"
        ));
        assert!(matches!(
            parse_resource("arn:aws:swf:us-east-1:1:task:X"),
            ResourceKind::OtherService(_)
        ));
        assert!(matches!(
            parse_resource("arn:aws:states"),
            ResourceKind::Truncated(_)
        ));
        assert!(is_lambda_invoke(&parse_resource(
            "arn:aws:lambda:us-east-1:1:function:f"
        )));
        assert!(!is_lambda_invoke(&parse_resource(
            "arn:aws:states:::aws-sdk:lambda:invoke"
        )));
    }

    /// Every prefix of tricky resources: no panic, and every span lies on character boundaries of the string.
    #[test]
    fn never_panics_and_spans_are_boundaries() {
        let samples = [
            "arn:aws:states:::aws-sdk:s3:getObject.waitForTaskToken",
            "arn:${AWS::Partition}:lambda:é:1:function:ñame:$LATEST:x",
            "arn:aws:states:::states:startExecution.sync:2:extra",
            "arn:aws:states:us-east-1:1:activity:naïve:x",
            "arn::::::::::",
            "arn:aws:states:::.sync:2",
            "${${${",
            "#{a:b}:{{c:d}}:arn",
            "{% é %}",
        ];
        for sample in samples {
            for (cut, _) in sample.char_indices().chain([(sample.len(), ' ')]) {
                let s = &sample[..cut];
                let check = |sp: Span| {
                    assert!(
                        sp.end() <= s.len()
                            && s.is_char_boundary(sp.start())
                            && s.is_char_boundary(sp.end()),
                        "{s}: {sp:?}"
                    );
                };
                if let Ok(segs) = split_segments(s) {
                    segs.iter().for_each(|g| check(g.span));
                }
                match parse_resource(s) {
                    ResourceKind::BrokenPlaceholder(sp) => check(sp),
                    ResourceKind::Integration { integration: i, .. } => {
                        check(i.service.span);
                        check(i.pattern_span);
                        i.action.iter().for_each(|a| check(a.span));
                        i.extra.iter().for_each(|a| check(a.span));
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn table_is_consistent() {
        let mut names: Vec<_> = SERVICES.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SERVICES.len(), "duplicate service");
        for s in SERVICES {
            assert!(!s.apis.is_empty(), "{} has no API", s.name);
            for a in s.apis {
                assert!(a.name.starts_with(|c: char| c.is_ascii_lowercase()));
                assert!(!a.sync2 || a.sync);
            }
        }
    }
}

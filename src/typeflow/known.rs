//! Result shapes of common service integrations, as data.
//!
//! Every shape here is an *open* object: the services may add fields, so only the types of the fields listed are
//! relied on (a read of a field not listed stays silent). Keyed by the part of the resource after `:::`.

use super::shape::{Obj, Shape};

/// The type of one listed field.
#[derive(Debug, Clone, Copy)]
pub enum FieldType {
    String,
    Integer,
    Object,
    Array,
    Unknown,
}

/// One integration's result.
#[derive(Debug)]
pub struct KnownResult {
    /// The resource after `arn:<partition>:states:::`, e.g. `lambda:invoke`.
    pub resource: &'static str,
    pub fields: &'static [(&'static str, FieldType)],
}

use FieldType as F;

/// Result shapes of common optimized integrations (see each service's page under
/// <https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html>).
pub static KNOWN_RESULTS: &[KnownResult] = &[
    KnownResult {
        resource: "lambda:invoke",
        fields: &[
            ("ExecutedVersion", F::String),
            ("Payload", F::Unknown),
            ("SdkHttpMetadata", F::Object),
            ("SdkResponseMetadata", F::Object),
            ("StatusCode", F::Integer),
        ],
    },
    KnownResult {
        resource: "states:startExecution.sync",
        fields: &[
            ("ExecutionArn", F::String),
            ("Output", F::String),
            ("StateMachineArn", F::String),
            ("Status", F::String),
        ],
    },
    KnownResult {
        resource: "states:startExecution.sync:2",
        fields: &[
            ("ExecutionArn", F::String),
            ("Output", F::Unknown),
            ("StateMachineArn", F::String),
            ("Status", F::String),
        ],
    },
    KnownResult {
        resource: "states:startExecution",
        fields: &[("ExecutionArn", F::String)],
    },
    KnownResult {
        resource: "sqs:sendMessage",
        fields: &[("MessageId", F::String), ("MD5OfMessageBody", F::String)],
    },
    KnownResult {
        resource: "sns:publish",
        fields: &[("MessageId", F::String)],
    },
    KnownResult {
        resource: "ecs:runTask.sync",
        fields: &[("Tasks", F::Array)],
    },
    KnownResult {
        resource: "batch:submitJob.sync",
        fields: &[("JobId", F::String), ("JobName", F::String)],
    },
];

/// The known result shape of a Task resource, `None` when not in the table.
pub fn result_shape(resource: &str) -> Option<Shape> {
    let (_, tail) = resource.split_once(":::")?;
    let known = KNOWN_RESULTS.iter().find(|k| k.resource == tail)?;
    let mut o = Obj::closed(known.fields.iter().map(|(k, t)| {
        let shape = match t {
            F::String => Shape::String,
            F::Integer => Shape::integer(),
            F::Object => Shape::any_object(),
            F::Array => Shape::Array(Box::new(Shape::Unknown)),
            F::Unknown => Shape::Unknown,
        };
        (k.to_string(), shape)
    }));
    o.open = true;
    Some(Shape::Object(o))
}

/// The return shape of an intrinsic function.
pub fn intrinsic_return(name: &str) -> Shape {
    match name {
        "States.Format"
        | "States.JsonToString"
        | "States.Base64Encode"
        | "States.Base64Decode"
        | "States.Hash"
        | "States.UUID" => Shape::String,
        "States.ArrayContains" => Shape::Boolean,
        "States.ArrayLength" | "States.MathRandom" => Shape::integer(),
        "States.MathAdd" => Shape::number(),
        "States.ArrayRange" => Shape::Array(Box::new(Shape::integer())),
        "States.StringSplit" => Shape::Array(Box::new(Shape::String)),
        "States.Array" | "States.ArrayUnique" => Shape::Array(Box::new(Shape::Unknown)),
        "States.ArrayPartition" => Shape::Array(Box::new(Shape::Array(Box::new(Shape::Unknown)))),
        "States.JsonMerge" => Shape::any_object(),
        _ => Shape::Unknown,
    }
}

//! Editor-facing text: a short doc string per ASL field, the predefined error names, context-object fields,
//! common service-integration ARNs and one-line intrinsic descriptions. Data only: what is *valid* comes from the
//! library (`model::spec`, `expr::intrinsic::SIGNATURES`); tests check these tables agree with it.

/// One-line documentation of a field, by name.
pub fn field_doc(name: &str) -> Option<&'static str> {
    if let Some((_, d)) = FIELD_DOCS.iter().find(|(n, _)| *n == name) {
        return Some(d);
    }
    comparison_doc(name)
}

fn comparison_doc(name: &str) -> Option<&'static str> {
    let base = name.strip_suffix("Path").unwrap_or(name);
    let is_path = base.len() != name.len();
    let doc = match base {
        n if n.starts_with("String") && n != "StringMatches" => {
            if is_path {
                "Compares the `Variable` as a string with the string at this path (Java `compareTo` order)."
            } else {
                "Compares the `Variable` as a string with this string (Java `compareTo` order)."
            }
        }
        "StringMatches" => "True when the `Variable` matches this pattern (`*` is a wildcard, `\\\\*` a literal star).",
        n if n.starts_with("Numeric") => {
            if is_path {
                "Compares the `Variable` as a number with the number at this path."
            } else {
                "Compares the `Variable` as a number with this number."
            }
        }
        "BooleanEquals" => {
            if is_path {
                "True when the `Variable` equals the boolean at this path."
            } else {
                "True when the `Variable` equals this boolean."
            }
        }
        n if n.starts_with("Timestamp") => {
            if is_path {
                "Compares the `Variable` as an RFC 3339 timestamp with the timestamp at this path."
            } else {
                "Compares the `Variable` as an RFC 3339 timestamp with this one (uppercase `T` and `Z`)."
            }
        }
        "IsNull" => "`true`: the `Variable` is null; `false`: it is not.",
        "IsPresent" => "`true`: the `Variable` path exists in the input; `false`: it does not. Guards a missing path.",
        "IsNumeric" => "`true`: the `Variable` is a number; `false`: it is not.",
        "IsString" => "`true`: the `Variable` is a string; `false`: it is not.",
        "IsBoolean" => "`true`: the `Variable` is a boolean; `false`: it is not.",
        "IsTimestamp" => "`true`: the `Variable` is an RFC 3339 timestamp string; `false`: it is not.",
        _ => return None,
    };
    Some(doc)
}

const FIELD_DOCS: &[(&str, &str)] = &[
    ("Comment", "A human-readable description. Ignored by Step Functions."),
    ("StartAt", "The name of the state to start with; it must be one of this scope's `States`."),
    ("States", "The states of this scope, by name (1 to 80 characters, unique across the whole machine)."),
    ("Version", "The ASL version: `\"1.0\"`."),
    ("TimeoutSeconds", "Maximum run time in seconds; exceeding it fails with `States.Timeout`."),
    ("TimeoutSecondsPath", "A reference path to the timeout in seconds, read from the state input."),
    ("QueryLanguage", "`JSONPath` (default) or `JSONata`: the language of this state's (or the machine's) expressions."),
    ("ProcessorConfig", "How the Map runs its iterations: `Mode` (`INLINE` or `DISTRIBUTED`) and, for distributed, `ExecutionType`."),
    ("Type", "The state type: Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map."),
    ("Next", "The name of the state to run next (in the same scope)."),
    ("End", "`true` makes this a terminal state: the scope ends after it."),
    ("InputPath", "JSONPath: selects the part of the state input to use (`null` gives `{}`)."),
    ("OutputPath", "JSONPath: selects the part of the state output to pass on (`null` gives `{}`)."),
    ("Output", "JSONata: the state output (a value, or `{% expression %}` strings at any depth)."),
    ("Assign", "Workflow variables to set, by name; they become visible after this state."),
    ("Parameters", "JSONPath: the payload template given to the task (keys ending in `.$` take a path or intrinsic)."),
    ("Arguments", "JSONata: the arguments given to the task (a value, or `{% expression %}` strings)."),
    ("ResultSelector", "JSONPath: a payload template applied to the task result before `ResultPath`."),
    ("ResultPath", "JSONPath: where to put the result in the state input (`null` discards it)."),
    ("Retry", "Retriers, scanned in order: the first whose `ErrorEquals` matches retries the state."),
    ("Catch", "Catchers, scanned in order after retries are exhausted: the first match goes to its `Next`."),
    ("Resource", "The ARN of the task: a Lambda function, an activity, or a service integration (`arn:aws:states:::...`)."),
    ("Credentials", "`RoleArn` of a role to assume for this task (cross-account tasks)."),
    ("RoleArn", "The ARN of the IAM role the task assumes."),
    ("RoleArn.$", "A path to the ARN of the IAM role the task assumes."),
    ("HeartbeatSeconds", "Maximum seconds between heartbeats; exceeding it fails with `States.HeartbeatTimeout`."),
    ("HeartbeatSecondsPath", "A reference path to the heartbeat interval, read from the state input."),
    ("Result", "JSONPath Pass state: a fixed value to output (placed by `ResultPath`)."),
    ("Choices", "Choice rules, evaluated in order; the first that matches gives the next state."),
    ("Default", "The state to go to when no choice rule matches (otherwise `States.NoChoiceMatched`)."),
    ("Seconds", "How many seconds to wait."),
    ("SecondsPath", "A reference path to the number of seconds to wait."),
    ("Timestamp", "Wait until this RFC 3339 timestamp (uppercase `T` and `Z`)."),
    ("TimestampPath", "A reference path to the timestamp to wait until."),
    ("Error", "The error name the Fail state raises."),
    ("ErrorPath", "A path to the error name the Fail state raises."),
    ("Cause", "A human-readable cause for the failure."),
    ("CausePath", "A path to the cause of the failure."),
    ("Branches", "Parallel: the branches (each with `StartAt` and `States`); all get the same input, outputs are an array."),
    ("ItemProcessor", "Map: the states run for each item (`StartAt`, `States`, optional `ProcessorConfig`)."),
    ("Iterator", "Map (legacy name of `ItemProcessor`): the states run for each item."),
    ("Items", "JSONata Map: the array to iterate over (or a `{% expression %}`)."),
    ("ItemsPath", "JSONPath Map: a path to the array to iterate over (default `$`)."),
    ("ItemSelector", "Map: a template building each iteration's input (`$$.Map.Item.Value` is the item)."),
    ("ItemReader", "Distributed Map: reads the items from S3 (`Resource`, `ReaderConfig`, `Parameters`/`Arguments`)."),
    ("ItemBatcher", "Distributed Map: groups items into batches (`MaxItemsPerBatch`, `MaxInputBytesPerBatch`, `BatchInput`)."),
    ("ResultWriter", "Distributed Map: writes the results to S3 instead of returning them."),
    ("MaxConcurrency", "How many iterations may run at once (0 = no limit)."),
    ("MaxConcurrencyPath", "A reference path to the maximum concurrency."),
    ("ToleratedFailurePercentage", "Distributed Map: the percentage (0 to 100) of failed items tolerated."),
    ("ToleratedFailurePercentagePath", "A reference path to the tolerated failure percentage."),
    ("ToleratedFailureCount", "Distributed Map: how many failed items are tolerated."),
    ("ToleratedFailureCountPath", "A reference path to the tolerated failure count."),
    ("Label", "Distributed Map: a label for the Map Run (up to 40 characters, no whitespace or special characters)."),
    ("ErrorEquals", "The error names this retrier or catcher matches (`States.ALL` matches any, alone and last)."),
    ("IntervalSeconds", "Seconds before the first retry (default 1)."),
    ("MaxAttempts", "Maximum retries (default 3; 0 never retries)."),
    ("BackoffRate", "Multiplier of the retry interval after each attempt (default 2.0, at least 1.0)."),
    ("MaxDelaySeconds", "Upper bound of the retry interval in seconds."),
    ("JitterStrategy", "`FULL` randomises each retry interval in [0, interval]; `NONE` (default) does not."),
    ("Variable", "JSONPath choice rule: the path of the value to compare."),
    ("And", "Matches when every nested rule matches."),
    ("Or", "Matches when any nested rule matches."),
    ("Not", "Matches when the nested rule does not."),
    ("Condition", "JSONata choice rule: a `{% expression %}` that must evaluate to a boolean."),
    ("Mode", "`INLINE` (iterations in this execution) or `DISTRIBUTED` (child executions)."),
    ("ExecutionType", "Distributed Map child executions: `STANDARD` or `EXPRESS`."),
    ("ReaderConfig", "How the ItemReader reads: `InputType`, CSV headers and delimiter, `MaxItems`."),
    ("InputType", "The item source format: `CSV`, `JSON`, `JSONL`, `PARQUET` or `MANIFEST`."),
    ("CSVHeaderLocation", "`FIRST_ROW` (the file's first line) or `GIVEN` (from `CSVHeaders`)."),
    ("CSVHeaders", "Column names when `CSVHeaderLocation` is `GIVEN`."),
    ("CSVDelimiter", "`COMMA` (default), `PIPE`, `SEMICOLON`, `SPACE` or `TAB`."),
    ("MaxItems", "Read at most this many items."),
    ("MaxItemsPath", "A reference path to the maximum number of items."),
    ("ManifestType", "`ATHENA_DATA` or `S3_INVENTORY`."),
    ("MaxItemsPerBatch", "At most this many items per batch."),
    ("MaxItemsPerBatchPath", "A reference path to the maximum items per batch."),
    ("MaxInputBytesPerBatch", "At most this many bytes per batch (up to 256 KiB)."),
    ("MaxInputBytesPerBatchPath", "A reference path to the maximum bytes per batch."),
    ("BatchInput", "A fixed JSON value added to every batch."),
    ("WriterConfig", "How results are written: `OutputType` and `Transformation`."),
    ("OutputType", "`JSON` or `JSONL`."),
    ("Transformation", "`NONE`, `COMPACT` or `FLATTEN`."),
];

/// The predefined error names (`States.*`) with what raises them.
pub const ERROR_NAMES: &[(&str, &str)] = &[
    ("States.ALL", "Matches any error except `States.Runtime` and `States.DataLimitExceeded`; must be alone and last."),
    ("States.HeartbeatTimeout", "A task sent no heartbeat for longer than `HeartbeatSeconds`."),
    ("States.Timeout", "A task ran longer than `TimeoutSeconds`, or failed to heartbeat."),
    ("States.TaskFailed", "A task failed; matches every error except `States.Timeout`."),
    ("States.Http.Socket", "An HTTP Task (`arn:aws:states:::http:invoke`) timed out waiting for the endpoint."),
    ("States.Permissions", "A task lacked the privileges to run its code."),
    ("States.ResultPathMatchFailure", "`ResultPath` could not be applied to the state input."),
    ("States.ParameterPathFailure", "A field of `Parameters` ending in `.$` could not be resolved."),
    ("States.QueryEvaluationError", "A JSONata expression failed or returned nothing."),
    ("States.BranchFailed", "A branch of a Parallel state failed."),
    ("States.NoChoiceMatched", "No choice rule matched and there is no `Default`."),
    ("States.IntrinsicFailure", "An intrinsic function call failed."),
    ("States.ExceedToleratedFailureThreshold", "A Map state's failures exceeded its tolerated threshold."),
    ("States.ItemReaderFailed", "A Map state's ItemReader could not read its source."),
    ("States.ResultWriterFailed", "A Map state's ResultWriter could not write its results."),
    ("States.Runtime", "A runtime error (such as a path that matches nothing); never retried."),
    ("States.DataLimitExceeded", "An input, output or result exceeded 256 KiB; never retried."),
];

/// JSONata `$states` members.
pub const STATES_VARIABLE_FIELDS: &[(&str, &str)] = &[
    ("$states.input", "The state's input."),
    ("$states.result", "The task's result (after the task runs)."),
    ("$states.errorOutput", "The error output (in a Catch only)."),
    ("$states.context", "The context object."),
];

/// Common Task `Resource` ARNs (optimized and SDK service integrations).
pub const RESOURCE_ARNS: &[(&str, &str)] = &[
    ("arn:aws:states:::lambda:invoke", "Invoke a Lambda function"),
    (
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Invoke a Lambda function and wait for a task token",
    ),
    ("arn:aws:states:::sns:publish", "Publish an SNS message"),
    ("arn:aws:states:::sqs:sendMessage", "Send an SQS message"),
    (
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Send an SQS message and wait for a task token",
    ),
    ("arn:aws:states:::dynamodb:getItem", "Read a DynamoDB item"),
    ("arn:aws:states:::dynamodb:putItem", "Write a DynamoDB item"),
    (
        "arn:aws:states:::dynamodb:updateItem",
        "Update a DynamoDB item",
    ),
    (
        "arn:aws:states:::dynamodb:deleteItem",
        "Delete a DynamoDB item",
    ),
    ("arn:aws:states:::ecs:runTask", "Run an ECS task"),
    (
        "arn:aws:states:::ecs:runTask.sync",
        "Run an ECS task and wait for it",
    ),
    (
        "arn:aws:states:::ecs:runTask.waitForTaskToken",
        "Run an ECS task and wait for a task token",
    ),
    (
        "arn:aws:states:::batch:submitJob.sync",
        "Submit an AWS Batch job and wait for it",
    ),
    (
        "arn:aws:states:::glue:startJobRun.sync",
        "Start a Glue job run and wait for it",
    ),
    (
        "arn:aws:states:::athena:startQueryExecution.sync",
        "Run an Athena query and wait for it",
    ),
    (
        "arn:aws:states:::codebuild:startBuild.sync",
        "Start a CodeBuild build and wait for it",
    ),
    (
        "arn:aws:states:::states:startExecution",
        "Start a Step Functions execution",
    ),
    (
        "arn:aws:states:::states:startExecution.sync:2",
        "Start a Step Functions execution and wait for it (JSON output)",
    ),
    (
        "arn:aws:states:::events:putEvents",
        "Send EventBridge events",
    ),
    (
        "arn:aws:states:::apigateway:invoke",
        "Call an API Gateway API",
    ),
    ("arn:aws:states:::http:invoke", "Call an HTTPS API"),
    (
        "arn:aws:states:::bedrock:invokeModel",
        "Invoke a Bedrock model",
    ),
    (
        "arn:aws:states:::sagemaker:createTrainingJob.sync",
        "Create a SageMaker training job and wait for it",
    ),
    (
        "arn:aws:states:::eks:runJob.sync",
        "Run an EKS job and wait for it",
    ),
    (
        "arn:aws:states:::s3:getObject",
        "ItemReader: read items from an S3 object",
    ),
    (
        "arn:aws:states:::s3:listObjectsV2",
        "ItemReader: iterate over S3 objects",
    ),
    (
        "arn:aws:states:::s3:putObject",
        "ResultWriter: write results to S3",
    ),
    (
        "arn:aws:states:::aws-sdk:s3:getObject",
        "AWS SDK integration (any service: `aws-sdk:<service>:<action>`)",
    ),
];

/// What each intrinsic function does, one line.
pub fn intrinsic_doc(name: &str) -> &'static str {
    match name {
        "States.Format" => "Formats a string: each `{}` in the template takes the next argument.",
        "States.StringToJson" => "Parses a JSON string into a value.",
        "States.JsonToString" => "Serialises a value as a JSON string.",
        "States.Array" => "An array of the arguments.",
        "States.ArrayPartition" => "Splits an array into chunks of the given size.",
        "States.ArrayContains" => "True when the array contains the value.",
        "States.ArrayRange" => {
            "Integers from start to end inclusive by step (at most 1,000 items, step ≠ 0)."
        }
        "States.ArrayGetItem" => "The array's item at the index.",
        "States.ArrayLength" => "The length of the array.",
        "States.ArrayUnique" => "The array without duplicates.",
        "States.Base64Encode" => "Base64-encodes a string (at most 10,000 characters).",
        "States.Base64Decode" => "Decodes a base64 string (at most 10,000 characters).",
        "States.Hash" => "The hex hash of a string: MD5, SHA-1, SHA-256, SHA-384 or SHA-512.",
        "States.JsonMerge" => {
            "Merges two objects (shallow only: the third argument must be `false`)."
        }
        "States.MathRandom" => "A random integer in [start, end), with an optional seed.",
        "States.MathAdd" => "The sum of two numbers (each rounded half-up first).",
        "States.StringSplit" => {
            "Splits a string on any of the delimiter characters, dropping empty pieces."
        }
        "States.UUID" => "A random version 4 UUID.",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aslint::expr::intrinsic::SIGNATURES;
    use aslint::model::spec::{COMPARISONS, SPECS};

    #[test]
    fn every_spec_field_has_a_doc() {
        for spec in SPECS {
            for f in spec.all_fields() {
                assert!(field_doc(f.name).is_some(), "no doc for `{}`", f.name);
            }
        }
        for c in COMPARISONS {
            assert!(field_doc(c.name).is_some(), "no doc for `{}`", c.name);
        }
    }

    #[test]
    fn error_docs_match_the_library_list() {
        use aslint::rules::error_handling::PREDEFINED_ERRORS;
        let mut documented: Vec<&str> = ERROR_NAMES.iter().map(|(n, _)| *n).collect();
        let mut known: Vec<&str> = PREDEFINED_ERRORS.to_vec();
        documented.sort_unstable();
        known.sort_unstable();
        assert_eq!(documented, known);
    }

    #[test]
    fn every_intrinsic_has_a_doc() {
        assert_eq!(SIGNATURES.len(), 18);
        for s in SIGNATURES {
            assert!(!intrinsic_doc(s.name).is_empty(), "no doc for {}", s.name);
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a YAML definition file that cannot be read as one well-formed YAML document.
    ///
    /// That is: a syntax error (bad indentation, an unclosed `[` or `{`, an unterminated quote, a tab used for indentation), an alias
    /// (`*name`) without its anchor, a standard tag that does not fit its value (`!!int Pass`), a mapping key that
    /// is not a scalar, a merge key (`<<`) whose value is not a mapping, nesting deeper than 256 levels, aliases
    /// that expand to too many nodes, an empty file, or a second document (`---`) in the same file.
    ///
    /// The rest of the file is still linted: the linter keeps the part of the tree it could read. CloudFormation
    /// short tags (`!Sub`, `!GetAtt`, `!Ref`, `!Join`, ...) and other local tags are never errors; their values
    /// are treated as unknown at lint time.
    ///
    /// ## Why is this bad?
    /// A state machine definition written in YAML reaches Step Functions through a tool that first parses it:
    /// AWS SAM (`DefinitionUri`), CloudFormation (`DefinitionS3Location`), the Serverless Framework or CDK. If the
    /// YAML does not parse, the deployment fails before Step Functions ever sees the definition; worse, a file that
    /// parses differently from what its indentation suggests deploys a different state machine than the one its
    /// author reads. A definition file holds exactly one state machine, so a second document is either a mistake
    /// or silently ignored.
    ///
    /// ## Example
    /// ```yaml
    /// StartAt: Greet
    /// States:
    ///   Greet:
    ///     Type: Pass
    ///    Result: misaligned   # one space short: not part of Greet, not a sibling either
    ///     End: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// StartAt: Greet
    /// States:
    ///   Greet:
    ///     Type: Pass
    ///     Result: aligned
    ///     End: true
    /// ```
    ///
    /// ## References
    /// - [YAML 1.2.2 specification](https://yaml.org/spec/1.2.2/)
    /// - [AWS SAM: AWS::Serverless::StateMachine (`Definition`, `DefinitionUri`)](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-statemachine.html)
    /// - [CloudFormation: AWS::StepFunctions::StateMachine S3Location (a JSON or YAML definition file)](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachine-s3location.html)
    /// - [CloudFormation intrinsic function reference (short-form tags such as `!Sub`)](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html)
    pub struct InvalidYaml {
        code: "ASL002",
        name: "invalid-yaml",
        category: Syntax,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

parser_rule!(InvalidYaml);

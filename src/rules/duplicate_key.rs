declare_rule! {
    /// ## What it does
    /// Reports an object that has the same key twice, pointing at the second occurrence and at the first. Both
    /// members are kept in the tree, so other rules see them both.
    ///
    /// ## Why is this bad?
    /// JSON does not say what two equal keys mean (RFC 8259 only says names SHOULD be unique). Most parsers keep the
    /// last value, some keep the first, some reject the document: whichever wins, the other value is silently lost,
    /// and a tool that reads the file differently from AWS (an editor, a local emulator, a code generator) checks or
    /// runs a different machine. Two states with the same name under `States`, or a field such as `Next` written
    /// twice, are almost always a copy-paste mistake.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "StartAt": "Charge",
    ///   "States": {
    ///     "Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Notify" },
    ///     "Notify": { "Type": "Pass", "End": true },
    ///     "Charge": { "Type": "Pass", "End": true }
    ///   }
    /// }
    /// ```
    ///
    /// Use instead: give each state its own name (or delete the stale copy):
    /// ```json
    /// {
    ///   "StartAt": "Charge",
    ///   "States": {
    ///     "Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Notify" },
    ///     "Notify": { "Type": "Pass", "End": true }
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - [RFC 8259, section 4: Objects](https://www.rfc-editor.org/rfc/rfc8259#section-4)
    /// - [Amazon States Language: States](https://states-language.net/spec.html#states-fields)
    /// - [ValidateStateMachineDefinitionDiagnostic (error codes)](https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html)
    pub struct DuplicateKey {
        code: "ASL003",
        name: "duplicate-key",
        category: Syntax,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

parser_rule!(DuplicateKey);

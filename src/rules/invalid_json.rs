declare_rule! {
    /// ## What it does
    /// Reports a definition that is not well-formed JSON: a missing or extra comma, a missing colon or value, an
    /// unterminated string, an invalid escape, a raw control character in a string, a malformed number (`01`, `1.`,
    /// `.5`, `+1`, `1e`), an unquoted word, an unclosed or mismatched bracket, content after the root value, or an
    /// empty document. In a `.json` file, JSON5 syntax (comments, trailing commas, unquoted keys, single-quoted
    /// strings, hexadecimal numbers, `Infinity`/`NaN`, line continuations) is reported too; `.json5` files accept it.
    ///
    /// The parser recovers from each error and keeps reading, so every error in the file is reported at once and the
    /// other rules still check the rest of the definition.
    ///
    /// ## Why is this bad?
    /// AWS Step Functions parses the definition as strict JSON: `CreateStateMachine`, `UpdateStateMachine` and
    /// `ValidateStateMachineDefinition` reject it with `INVALID_JSON_DESCRIPTION`, so the deployment fails. JSON5
    /// conveniences that an editor or a local tool accepts are still errors for AWS. When a tool does accept a
    /// slightly broken file, it may read a different document than the author meant.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "StartAt": "Hello",
    ///   "States": {
    ///     "Hello": { "Type": "Pass", "End": true, }   // trailing comma and a comment
    ///   }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "StartAt": "Hello",
    ///   "States": {
    ///     "Hello": { "Type": "Pass", "End": true }
    ///   }
    /// }
    /// ```
    ///
    /// To keep comments, name the file `*.json5` and convert it to JSON before deploying.
    ///
    /// ## References
    /// - [RFC 8259: The JSON Data Interchange Format](https://www.rfc-editor.org/rfc/rfc8259)
    /// - [The JSON5 Data Interchange Format](https://spec.json5.org/)
    /// - [ValidateStateMachineDefinitionDiagnostic (error codes)](https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html)
    /// - [Amazon States Language specification](https://states-language.net/spec.html)
    pub struct InvalidJson {
        code: "ASL001",
        name: "invalid-json",
        category: Syntax,
        severity: Error,
        aws_code: Some("INVALID_JSON_DESCRIPTION"),
    }
}

parser_rule!(InvalidJson);

declare_rule! {
    /// ## What it does
    /// TODO
    pub struct DuplicateKey {
        code: "ASL003",
        name: "duplicate-key",
        category: Syntax,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

parser_rule!(DuplicateKey);

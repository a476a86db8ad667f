declare_rule! {
    /// ## What it does
    /// TODO
    pub struct InvalidJson {
        code: "ASL001",
        name: "invalid-json",
        category: Syntax,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

parser_rule!(InvalidJson);

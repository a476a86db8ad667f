declare_rule! {
    /// ## What it does
    /// TODO
    pub struct InvalidYaml {
        code: "ASL002",
        name: "invalid-yaml",
        category: Syntax,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

parser_rule!(InvalidYaml);

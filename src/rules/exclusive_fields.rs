use crate::diagnostics::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::pointer_push;

declare_rule! {
    /// ## What it does
    /// Reports two fields that cannot be used together in the same object.
    ///
    /// For example `Next` and `End`, a field and its
    /// `...Path` form (`TimeoutSeconds` and `TimeoutSecondsPath`, `Error` and `ErrorPath`, `MaxConcurrency` and
    /// `MaxConcurrencyPath`, ...), more than one Wait duration (`Seconds`, `SecondsPath`, `Timestamp`,
    /// `TimestampPath`), `ItemProcessor` and `Iterator`, `ItemSelector` and `Parameters` on a Map, `Items` and
    /// `ItemsPath`, `Parameters` and `Arguments`, or two comparison operators in one choice rule.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`): it cannot know which one you meant.
    ///
    /// ## Example
    /// ```json
    /// "Pause": { "Type": "Wait", "Seconds": 10, "TimestampPath": "$.until", "Next": "Go" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Pause": { "Type": "Wait", "Seconds": 10, "Next": "Go" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html>
    pub struct ExclusiveFields {
        code: "ASL105",
        name: "exclusive-fields",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for ExclusiveFields {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let sites = ctx.sites();
        for site in sites.iter() {
            for group in site.spec().exclusive {
                let present: Vec<_> = site
                    .members()
                    .iter()
                    .filter(|m| group.contains(&m.key.text.as_str()))
                    .collect();
                let Some((first, rest)) = present.split_first() else {
                    continue;
                };
                for second in rest {
                    if second.key.text == first.key.text {
                        continue; // a duplicate key, reported by duplicate-key
                    }
                    let (a, b) = (&first.key.text, &second.key.text);
                    let choices = if group.len() > 6 {
                        "a choice rule has exactly one comparison operator, `And`, `Or`, `Not` or `Condition`".to_string()
                    } else {
                        let list = group
                            .iter()
                            .map(|g| format!("`{g}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!("at most one of {list} may be set")
                    };
                    out.push(
                        META.diagnostic(
                            second.key.span,
                            format!(
                                "`{b}` cannot be used together with `{a}` in {}",
                                site.describe
                            ),
                        )
                        .label(format!("conflicts with `{a}`"))
                        .secondary(first.key.span, format!("`{a}` set here"))
                        .note(choices)
                        .help(format!("keep either `{a}` or `{b}`, and remove the other"))
                        .pointer(pointer_push(site.pointer, b)),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    #[test]
    fn primary_on_second_secondary_on_first() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Next":"A"}}}"#;
        let d: Vec<_> = crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span().range()], "\"Next\"");
        assert_eq!(&text[d[0].secondary[0].span.range()], "\"End\"");
        assert_eq!(d[0].pointer, "/States/A/Next");
    }
}

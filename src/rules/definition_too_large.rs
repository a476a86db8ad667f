use crate::diagnostics::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::{floor_char_boundary, Span};

/// The largest definition Step Functions accepts, in bytes of UTF-8 (a hard quota).
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

declare_rule! {
    /// ## What it does
    /// Reports a definition larger than 1 MiB (1,048,576 bytes of UTF-8 text), the maximum size of a state
    /// machine definition.
    ///
    /// The size is that of the file as written. Tools that re-serialize the definition before deploying it
    /// (YAML converted to JSON, templates filled in, whitespace removed) change it, so a file close to the limit
    /// may still deploy, or not. The rule only needs the length of the text, so it answers promptly for inputs of
    /// any size; documents over 16 MiB are not analysed further.
    ///
    /// ## Why is this bad?
    /// The size of a definition is a hard quota of Step Functions: `CreateStateMachine` and
    /// `UpdateStateMachine` reject a larger one, and the quota cannot be raised. Large definitions usually embed
    /// data (big `Result` or `Parameters` values) or repeat the same states many times.
    ///
    /// ## Example
    /// A 3 MiB definition whose Pass states carry lookup tables in `Result`.
    ///
    /// Use instead: keep the data in S3 or DynamoDB and read it with a Task state, use a Map state instead of
    /// repeated states, or split the workflow into nested state machines (`states:startExecution.sync`).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html>
    pub struct DefinitionTooLarge {
        code: "ASL801",
        name: "definition-too-large",
        category: Limits,
        severity: Error,
        aws_code: None,
    }
}

fn human(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

impl Rule for DefinitionTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let len = ctx.text.len();
        if len <= MAX_DEFINITION_BYTES {
            return;
        }
        let at = floor_char_boundary(ctx.text, MAX_DEFINITION_BYTES);
        let end = ctx
            .text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        let mut d = META
            .diagnostic(
                Span::new(at, end),
                format!(
                    "the definition is {} ({len} bytes), over the 1 MiB limit",
                    human(len)
                ),
            )
            .label("the 1 MiB limit is crossed here")
            .note("Step Functions rejects definitions larger than 1,048,576 bytes; the quota cannot be raised")
            .help("move embedded data to S3 or DynamoDB, use a Map state instead of repeated states, or split the workflow into nested state machines")
            .pointer("");
        if len > crate::lint::MAX_ANALYZED_BYTES {
            d = d.note(format!(
                "aslint did not analyse the rest of this document: it is over {} MiB",
                crate::lint::MAX_ANALYZED_BYTES / (1024 * 1024)
            ));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    #[test]
    fn over_the_limit_points_at_the_crossing() {
        let pad = "é".repeat(super::MAX_DEFINITION_BYTES / 2);
        let text =
            format!(r#"{{"Comment":"{pad}","StartAt":"A","States":{{"A":{{"Type":"Succeed"}}}}}}"#);
        let d: Vec<_> = crate::lint::lint_source("t", &text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1);
        let span = d[0].span();
        assert!(
            span.start() <= super::MAX_DEFINITION_BYTES && span.end() > super::MAX_DEFINITION_BYTES
        );
        assert!(text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()));
        assert_eq!(d[0].pointer, "");
    }

    #[test]
    fn a_huge_document_is_answered_from_its_length_alone() {
        // Unbalanced nesting that the parsers would otherwise work through.
        let text = format!(
            r#"{{"StartAt":"A","States":{}"#,
            "[".repeat(20 * 1024 * 1024)
        );
        let d = crate::lint::lint_source("t", &text, SourceKind::Json);
        assert_eq!(d.len(), 1, "{:?}", d.first().map(|d| &d.message));
        assert_eq!(d[0].rule.code, super::META.code);
        assert_eq!(d[0].notes.len(), 2);
    }

    #[test]
    fn exactly_the_limit_passes() {
        let head = r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}},"Comment":""#;
        let tail = "\"}";
        let pad = "x".repeat(super::MAX_DEFINITION_BYTES - head.len() - tail.len());
        let text = format!("{head}{pad}{tail}");
        assert_eq!(text.len(), super::MAX_DEFINITION_BYTES);
        let d = crate::lint::lint_source("t", &text, SourceKind::Json);
        assert!(d.iter().all(|d| d.rule.code != super::META.code));
    }
}

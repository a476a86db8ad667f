use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix};
use crate::rules::error_handling::{handler_lists, STATES_ALL};
use crate::rules::{Context, Rule, RuleMeta};

/// At most this many later entries get a secondary label (a hostile input may have thousands).
const MAX_LABELS: usize = 8;

declare_rule! {
    /// ## What it does
    /// Reports `States.ALL` written together with other error names in one `ErrorEquals`, or in a retrier or
    /// catcher that is not the last one of its `Retry` or `Catch`.
    ///
    /// ## Why is this bad?
    /// The Amazon States Language requires the wildcard `States.ALL` to appear alone in its `ErrorEquals` and only
    /// in the last retrier or catcher, and Step Functions rejects the definition otherwise
    /// (`SCHEMA_VALIDATION_FAILED`). Entries after a `States.ALL` entry could never be used anyway: retriers and
    /// catchers are tried in order and the wildcard matches first.
    ///
    /// ## Example
    /// ```json
    /// "Catch": [
    ///   { "ErrorEquals": ["States.ALL"], "Next": "Cleanup" },
    ///   { "ErrorEquals": ["States.Timeout"], "Next": "Retry Later" }
    /// ]
    /// ```
    /// Use instead:
    /// ```json
    /// "Catch": [
    ///   { "ErrorEquals": ["States.Timeout"], "Next": "Retry Later" },
    ///   { "ErrorEquals": ["States.ALL"], "Next": "Cleanup" }
    /// ]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    /// - <https://states-language.net/spec.html#appendix-a>
    pub struct StatesAllNotLast {
        code: "ASL401",
        name: "states-all-not-last",
        category: Errors,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for StatesAllNotLast {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for sr in model.states() {
            let state = sr.state;
            for list in handler_lists(state) {
                for h in &list {
                    let Some(all) = h.names.iter().find(|n| n.name == STATES_ALL) else {
                        continue;
                    };
                    let who = h.describe(state);
                    let others: Vec<_> = h.names.iter().filter(|n| n.name != STATES_ALL).collect();
                    if !others.is_empty() {
                        let mut d = META
                            .diagnostic(
                                all.node.span,
                                format!("`States.ALL` is not alone in the `ErrorEquals` of {who}"),
                            )
                            .label("must be the only name here")
                            .note("`States.ALL` matches every error, so it must be the only name of its `ErrorEquals`; Step Functions rejects the definition otherwise")
                            .help("remove the other names, or move them to a separate entry before this one")
                            .pointer(all.pointer.clone());
                        for o in others.iter().take(MAX_LABELS) {
                            d = d.secondary(o.node.span, format!("`{}` named beside it", o.name));
                        }
                        // `States.ALL` already matches every name beside it (the exceptions, `States.Runtime`
                        // and a retried `States.DataLimitExceeded`, are never handled anyway): dropping them keeps
                        // the behaviour. Only for a flow array `[...]`, whose text can be replaced in place.
                        let array = h.error_equals.filter(|_| !h.has_unknown);
                        let token = ctx.text.get(all.node.span.range());
                        if let (Some(array), Some(token)) = (array, token) {
                            if ctx
                                .text
                                .get(array.span.range())
                                .is_some_and(|t| t.starts_with('['))
                            {
                                d = d.fix(Fix {
                                    title: "Keep only `States.ALL`".into(),
                                    applicability: Applicability::Safe,
                                    edits: vec![Edit {
                                        span: array.span,
                                        replacement: format!("[{token}]"),
                                    }],
                                });
                            }
                        }
                        out.push(d);
                    }
                    if h.index + 1 < h.count {
                        let kind = h.kind;
                        let mut d = META
                            .diagnostic(
                                all.node.span,
                                format!(
                                    "`States.ALL` is in {who}, which is not the last {}",
                                    kind.noun()
                                ),
                            )
                            .label(format!("wildcard in {} #{}", kind.noun(), h.index + 1))
                            .note(format!(
                                "{}s are tried in order and `States.ALL` matches first, so the {}s after it are never used; Step Functions rejects the definition",
                                kind.noun(),
                                kind.noun()
                            ))
                            .help(format!(
                                "move this {} to the end of `{}`",
                                kind.noun(),
                                kind.field()
                            ))
                            .pointer(all.pointer.clone());
                        for later in list.iter().skip(h.index + 1).take(MAX_LABELS) {
                            d = d.secondary(
                                later.anchor(),
                                format!("{} #{} comes after it", kind.noun(), later.index + 1),
                            );
                        }
                        let more = h.count.saturating_sub(h.index + 1 + MAX_LABELS);
                        if more > 0 {
                            d = d.note(format!("{more} more {}s come after it", kind.noun()));
                        }
                        out.push(d);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn wildcard_not_alone_and_not_last() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Retry":[{"ErrorEquals":["States.ALL","E"]},{"ErrorEquals":["F"]}]}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d
            .iter()
            .all(|d| &text[d.span().range()] == "\"States.ALL\""));
        assert!(d
            .iter()
            .all(|d| d.pointer == "/States/A/Retry/0/ErrorEquals/0"));
        let alone = d
            .iter()
            .find(|d| d.message.contains("not alone"))
            .expect("alone");
        assert_eq!(&text[alone.secondary[0].span.range()], "\"E\"");
        let fix = alone.fix.as_ref().expect("fix");
        assert_eq!(&text[fix.edits[0].span.range()], "[\"States.ALL\",\"E\"]");
        assert_eq!(fix.edits[0].replacement, "[\"States.ALL\"]");
        let last = d
            .iter()
            .find(|d| d.message.contains("not the last"))
            .expect("last");
        assert_eq!(&text[last.secondary[0].span.range()], "[\"F\"]");
    }

    #[test]
    fn last_and_alone_is_fine() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Catch":[{"ErrorEquals":["E"],"Next":"A"},{"ErrorEquals":["States.ALL"],"Next":"A"}]}}}"#;
        assert!(findings(text).is_empty());
    }
}

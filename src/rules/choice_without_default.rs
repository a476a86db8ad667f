use crate::diagnostics::Diagnostic;
use crate::model::StateType;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a Choice state without a `Default` field.
    ///
    /// ## Why is this bad?
    /// When none of the choice rules matches the input, a Choice state without `Default` fails the execution with
    /// the error `States.NoChoiceMatched`. Rules that look exhaustive rarely are: a missing field, a value of
    /// another type or an unexpected string all fall through. A `Default` makes the unmatched case explicit, even
    /// when it is a Fail state with a meaningful error name.
    ///
    /// ## Example
    /// ```json
    /// "Route": {
    ///   "Type": "Choice",
    ///   "Choices": [
    ///     { "Variable": "$.kind", "StringEquals": "book", "Next": "Books" },
    ///     { "Variable": "$.kind", "StringEquals": "film", "Next": "Films" }
    ///   ]
    /// }
    /// ```
    /// Use instead:
    /// ```json
    /// "Route": {
    ///   "Type": "Choice",
    ///   "Choices": [
    ///     { "Variable": "$.kind", "StringEquals": "book", "Next": "Books" },
    ///     { "Variable": "$.kind", "StringEquals": "film", "Next": "Films" }
    ///   ],
    ///   "Default": "Unknown kind"
    /// }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    pub struct ChoiceWithoutDefault {
        code: "ASL206",
        name: "choice-without-default",
        category: Graph,
        severity: Warning,
        aws_code: None,
    }
}

impl Rule for ChoiceWithoutDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for r in model.states() {
            let st = r.state;
            if st.state_type() != Some(StateType::Choice) || st.default.is_some() {
                continue;
            }
            let mut d = META
                .diagnostic(
                    st.name.span,
                    format!("Choice state `{}` has no `Default`", st.name.text),
                )
                .label("no `Default`")
                .note("when no choice rule matches, the execution fails with `States.NoChoiceMatched`")
                .help("add a `Default` naming the state to run when no rule matches (a Fail state with a clear `Error` if that case is a failure)")
                .pointer(st.pointer.as_str());
            if let Some(f) = &st.choices_field {
                d = d.secondary(f.key.span, "only these rules decide where to go");
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Severity;
    use crate::syntax::SourceKind;

    #[test]
    fn warns_on_choice_without_default_only() {
        let text = r#"{"StartAt":"C","States":{
            "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"D"}]},
            "D":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"S"}],"Default":"S"},
            "S":{"Type":"Succeed"}}}"#;
        let d: Vec<_> = crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/C");
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(&text[d[0].span().range()], "\"C\"");
    }
}

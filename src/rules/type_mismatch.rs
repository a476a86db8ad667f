use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::typeflow_sites::producers;
use crate::rules::{Context, Rule, RuleMeta};
use crate::typeflow::{self, Kind, Lookup};

declare_rule! {
    /// ## What it does
    /// Reports a path whose value, as inferred along every transition into the state, has a type the place that
    /// reads it cannot use: an `ItemsPath` that is not an array, a `SecondsPath`, `TimeoutSecondsPath`,
    /// `HeartbeatSecondsPath` or `MaxConcurrencyPath` that is not a number (a string is accepted at
    /// `MaxConcurrencyPath`, which AWS parses as an integer), a `TimestampPath` that is not a
    /// string, an intrinsic function argument of the wrong type, or a Choice comparison against a value of
    /// another type.
    ///
    /// The value may come from the data, a workflow variable (its `Assign`), the context object (`$$.Map.Item.Index`
    /// is a number, `$$.Execution.StartTime` a string) or a JSONata state's `Output` (object and array constructors,
    /// `&` gives a string, arithmetic a number, comparisons a boolean, common functions their return type).
    ///
    /// Only provable mismatches are reported: a value whose type is unknown (the execution input, a task result)
    /// never is.
    ///
    /// ## Why is this bad?
    /// A `...Path` field or an intrinsic argument of the wrong type fails the execution at run time. A Choice
    /// comparison whose variable has another type evaluates to false, so the rule never matches (a warning).
    ///
    /// ## Example
    /// ```json
    /// "Init": { "Type": "Pass", "Result": { "delay": "10" }, "Next": "Sleep" },
    /// "Sleep": { "Type": "Wait", "SecondsPath": "$.delay", "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Init": { "Type": "Pass", "Result": { "delay": 10 }, "Next": "Sleep" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html>
    pub struct TypeMismatch {
        code: "ASL902",
        name: "type-mismatch",
        category: Types,
        severity: Error,
        aws_code: None,
    }
}

impl Rule for TypeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        let Some(analysis) = typeflow::analyze_context(ctx) else {
            return;
        };
        for read in analysis.reads() {
            let Some(expect) = &read.expect else { continue };
            let Lookup::Found(shape, _) = &read.lookup else {
                continue;
            };
            if !shape.is_never(expect.kind) || expect.also.is_some_and(|k| !shape.is_never(k)) {
                continue;
            }
            let (Some(info), Some(flow)) = (sem.state(read.state), analysis.state(read.state))
            else {
                continue;
            };
            let st = info.state;
            let text = &read.text;
            let kinds = shape.kinds().unwrap_or_default();
            let is = kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" or ");
            let span = read.span_in(ctx.text, read.path.span);
            let mut d = META
                .diagnostic(
                    span,
                    format!(
                        "`{text}` is {is}, but {} needs {} in {}",
                        expect.by,
                        expect.kind.as_str(),
                        st.describe()
                    ),
                )
                .label(shape.describe());
            for (s, m) in producers(sem, analysis, st, flow, read, |_| true) {
                d = d.secondary(s, m);
            }
            d = if expect.soft {
                d.severity = Severity::Warning;
                d.note(format!(
                    "a Choice comparison whose variable is not {} evaluates to false: this rule never matches",
                    expect.kind.as_str()
                ))
            } else {
                d.note(format!(
                    "{} of another type fails the execution at run time",
                    expect.by
                ))
            };
            let help = match expect.kind {
                Kind::Number if kinds == [Kind::String] => format!(
                    "store a number at `{text}` (not a string), or point {} at a numeric field",
                    expect.by
                ),
                _ => format!(
                    "point {} at {} value, or change what the states before `{}` produce",
                    expect.by,
                    expect.kind.as_str(),
                    st.name.text
                ),
            };
            out.push(d.help(help).pointer(read.pointer.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{Diagnostic, Severity};
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn seconds_path_string() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"d":"10"},"Next":"W"},"W":{"Type":"Wait","SecondsPath":"$.d","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(&text[d[0].span().range()], "$.d");
        assert_eq!(d[0].pointer, "/States/W/SecondsPath");
    }

    #[test]
    fn choice_mismatch_is_a_warning_and_intrinsic_args_are_checked() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"s":"x","n":1},"Next":"C"},
            "C":{"Type":"Choice","Choices":[{"Variable":"$.s","NumericEquals":1,"Next":"P"}],"Default":"P"},
            "P":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($.s, 1)","ok.$":"States.MathAdd($.n, 1)"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[1].severity, Severity::Error);
        assert_eq!(&text[d[1].span().range()], "$.s");
    }

    #[test]
    fn items_path_on_object() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"items":{"a":1}},"Next":"M"},
            "M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("`ItemsPath` needs an array"),
            "{}",
            d[0].message
        );
    }
}

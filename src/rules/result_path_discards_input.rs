use crate::diagnostics::Diagnostic;
use crate::expr::jsonpath::Selector;
use crate::model::StateType;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::semantic::TransitionKind;
use crate::typeflow::{self, Lookup};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports a state whose `ResultPath` (`$`, the default) or `OutputPath` drops an input field that a later
    /// state reads: the field may be in the state's input, but it is not in its output, and the next state's read
    /// of it finds nothing.
    ///
    /// ## Why is this bad?
    /// With `ResultPath` `$` (the default for Task, Map and Parallel states) the state's output is its result
    /// alone: everything the state received is discarded. A later `$.orderId` then fails the execution with
    /// `States.Runtime`. The fix is usually at the state that drops the field, not at the one that reads it.
    ///
    /// ## Example
    /// ```json
    /// "Price": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///            "ResultSelector": { "total.$": "$.Payload.total" }, "Next": "Ship" },
    /// "Ship": { "Type": "Pass", "Parameters": { "order.$": "$.orderId" }, "End": true }
    /// ```
    /// Use instead (keep the input, add the result beside it):
    /// ```json
    /// "Price": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///            "ResultSelector": { "total.$": "$.Payload.total" }, "ResultPath": "$.price", "Next": "Ship" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html>
    pub struct ResultPathDiscardsInput {
        code: "ASL903",
        name: "result-path-discards-input",
        category: Types,
        severity: Info,
        aws_code: None,
    }
}

impl Rule for ResultPathDiscardsInput {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        let Some(analysis) = typeflow::analyze_context(ctx) else {
            return;
        };
        let mut seen = HashSet::new();
        for read in analysis.reads() {
            if !read.required || !read.from_input {
                continue;
            }
            // Only a top-level field the producer's output lacks (a deeper one was never in its input's place).
            let Lookup::Absent { segment: 0, parent } = &read.lookup else {
                continue;
            };
            let (Some(reader), Some(flow)) = (sem.state(read.state), analysis.state(read.state))
            else {
                continue;
            };
            let field = match read.path.segments.first().map(|s| &s.selector) {
                Some(Selector::Name(n)) => n.clone(),
                _ => continue,
            };
            // A near miss of a field that is there is a typo (`path-not-found` suggests it), not a dropped field.
            if did_you_mean(&field, parent.field_names()).is_some() {
                continue;
            }
            let text = &read.text;
            for inc in &flow.incoming {
                if matches!(inc.kind, TransitionKind::Catch { .. }) {
                    continue;
                }
                let Some(from) = inc.from else { continue };
                let (Some(p), Some(pflow)) = (sem.state(from), analysis.state(from)) else {
                    continue;
                };
                let st = p.state;
                // The producer had (or may have had) the value in its input, and dropped it.
                if matches!(
                    pflow.input.lookup(&read.path.segments),
                    Lookup::Absent { .. }
                ) {
                    continue;
                }
                let (span, pointer, how) = if let Some(o) = &st.output_path {
                    (o.node.span, o.pointer.clone(), "`OutputPath`")
                } else if let Some(r) = &st.result_path {
                    if r.node.as_str() != Some("$") {
                        continue;
                    }
                    (r.node.span, r.pointer.clone(), "`ResultPath` `$`")
                } else if matches!(
                    st.state_type(),
                    Some(StateType::Task | StateType::Map | StateType::Parallel)
                ) || (st.state_type() == Some(StateType::Pass) && st.result.is_some())
                {
                    (
                        st.name.span,
                        st.pointer.clone(),
                        "the default `ResultPath` `$`",
                    )
                } else {
                    continue;
                };
                if !seen.insert((span, field.clone())) {
                    continue;
                }
                let d = META
                    .diagnostic(
                        span,
                        format!(
                            "{how} of {} drops `{field}`, which `{}` reads",
                            st.describe(),
                            reader.name()
                        ),
                    )
                    .label(format!("the output is {}", pflow.output.describe()))
                    .secondary(read.span_in(ctx.text, read.path.span), format!("`{text}` read here"))
                    .note(format!(
                        "{how} makes the output of `{}` its result alone: the fields of its input do not reach `{}`",
                        p.name(),
                        reader.name()
                    ))
                    .help(format!(
                        "set `\"ResultPath\": \"$.{}\"` (any free field) on `{}` to keep its input and add the result beside it",
                        result_field(p.name()),
                        p.name()
                    ))
                    .pointer(pointer);
                out.push(d);
            }
        }
    }
}

/// A field name for the result of a state, for the help text (`Price` → `priceResult`).
fn result_field(state: &str) -> String {
    let mut s: String = state
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if s.is_empty() {
        return "result".into();
    }
    if let Some(first) = s.get(..1).map(str::to_ascii_lowercase) {
        s.replace_range(..1, &first);
    }
    s.push_str("Result");
    s
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
    fn default_result_path_drops_field() {
        let text = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"total.$":"$.Payload.total"},"Next":"U"},"U":{"Type":"Pass","Parameters":{"o.$":"$.orderId"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Info);
        assert_eq!(&text[d[0].span().range()], "\"T\"");
        assert_eq!(d[0].pointer, "/States/T");
    }

    #[test]
    fn result_path_to_field_is_fine() {
        let text = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"total.$":"$.Payload.total"},"ResultPath":"$.price","Next":"U"},"U":{"Type":"Pass","Parameters":{"o.$":"$.orderId"},"End":true}}}"#;
        assert!(findings(text).is_empty());
    }
}

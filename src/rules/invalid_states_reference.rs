use crate::diagnostics::Diagnostic;
use crate::expr::jsonata::{self, STATES_MEMBERS};
use crate::expr::span_map::SpanMap;
use crate::model::spec::ObjectKind;
use crate::rules::fixes::suggestion_fix;
use crate::rules::invalid_jsonata::map_content;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `$states` reference that cannot work where it is written: a member other than `input`, `result`,
    /// `errorOutput` and `context`; `$states.result` outside the `Output` and `Assign` of a Task, Map or Parallel
    /// state (there is no result before the work is done, and none in a Pass, Wait, Choice, Succeed or Fail
    /// state, nor in a catcher); `$states.errorOutput` outside the `Output` and `Assign` of a catcher.
    ///
    /// The fields read below `$states.context` (`$states.context.Execution.Id`, `$states.context.Task.Token`) are
    /// checked by `invalid-context-path`.
    ///
    /// ## Why is this bad?
    /// `$states` is the reserved variable Step Functions binds in JSONata states:
    /// `{ input, result, errorOutput, context }`. `result` exists only once a Task, Map or Parallel state has
    /// finished its work, and `errorOutput` only while a catcher handles an error. Anywhere else the member is
    /// undefined and the expression fails with `States.QueryEvaluationError` (or Step Functions rejects the
    /// definition).
    ///
    /// ## Example
    /// ```json
    /// "Call": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///           "Arguments": { "Payload": "{% $states.result %}" }, "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Call": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///           "Arguments": { "Payload": "{% $states.input %}" },
    ///           "Output": "{% $states.result.Payload %}", "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    pub struct InvalidStatesReference {
        code: "ASL603",
        name: "invalid-states-reference",
        category: Jsonata,
        severity: Error,
        aws_code: None,
    }
}

impl Rule for InvalidStatesReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for j in &exprs.jsonata {
            let e = &j.string;
            // The index parsed the body once; its tokens are empty when the body does not tokenize.
            let (Some(enc), Some(parsed)) = (j.enclosed, j.parsed.as_ref()) else {
                continue;
            };
            let tokens = &parsed.tokens;
            let map = SpanMap::new(ctx.text, e.node.span);
            let at = |s: Span| {
                map_content(
                    map.as_ref(),
                    e.node.span,
                    Span::new(s.start() + enc.body_offset, s.end() + enc.body_offset),
                )
            };
            let result_ok = matches!(
                e.owner,
                ObjectKind::Task | ObjectKind::Map | ObjectKind::Parallel
            ) && matches!(e.field, "Output" | "Assign");
            let error_ok = e.owner == ObjectKind::Catcher && matches!(e.field, "Output" | "Assign");
            for r in jsonata::states_refs(enc.body, tokens) {
                let (Some(member), Some(mspan)) = (r.member.as_deref(), r.member_span) else {
                    continue;
                };
                let span = at(r.root_span.cover(mspan));
                let d = match member {
                    "input" | "context" => continue,
                    "result" if result_ok => continue,
                    "errorOutput" if error_ok => continue,
                    "result" => {
                        let help = if e.owner == ObjectKind::Catcher {
                            "in a catcher, read the error with `$states.errorOutput`".to_string()
                        } else if matches!(
                            e.owner,
                            ObjectKind::Task | ObjectKind::Map | ObjectKind::Parallel
                        ) {
                            format!(
                                "`{}` is evaluated before the work is done: read the result in this state's \
                                 `Output` or `Assign`, and the input here with `$states.input`",
                                e.field
                            )
                        } else {
                            "use `$states.input`, or read the result in the `Output` or `Assign` of the Task, Map \
                             or Parallel state that produces it"
                                .to_string()
                        };
                        META.diagnostic(
                            span,
                            format!(
                                "`$states.result` is not available in `{}` of {}",
                                e.field, e.owner_describe
                            ),
                        )
                        .label("no result here")
                        .note(
                            "`$states.result` exists only in the `Output` and `Assign` of a Task, Map or Parallel \
                             state, once its work has succeeded",
                        )
                        .help(help)
                    }
                    "errorOutput" => META
                        .diagnostic(
                            span,
                            format!(
                                "`$states.errorOutput` is not available in `{}` of {}",
                                e.field, e.owner_describe
                            ),
                        )
                        .label("no error output here")
                        .note(
                            "`$states.errorOutput` exists only in the `Output` and `Assign` of a catcher (an \
                             element of `Catch`), while it handles an error",
                        )
                        .help("move this to the `Output` or `Assign` of a catcher of the state"),
                    other => {
                        let mut d = META
                            .diagnostic(
                                at(mspan),
                                format!("`$states` has no member `{other}`"),
                            )
                            .label("unknown member");
                        if at(r.root_span) != at(mspan) {
                            d = d.secondary(at(r.root_span), "the reserved variable");
                        }
                        let d = d
                            .note(
                                "`$states` has exactly the members `input`, `result`, `errorOutput` and `context`; \
                                 any other member is undefined",
                            );
                        match did_you_mean(other, STATES_MEMBERS.iter().copied()) {
                            // A fix only when the member maps exactly into the file.
                            Some(s) if map.is_some() => d
                                .help(format!("did you mean `$states.{s}`?"))
                                .fix(suggestion_fix(other, s, at(mspan), s.to_string())),
                            Some(s) => d.help(format!("did you mean `$states.{s}`?")),
                            None => d.help(
                                "use `$states.input`, `$states.result`, `$states.errorOutput` or \
                                 `$states.context`",
                            ),
                        }
                    }
                };
                out.push(d.pointer(e.pointer.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn findings(state: &str) -> Vec<String> {
        let text = format!(
            r#"{{"QueryLanguage":"JSONata","StartAt":"A","States":{{"A":{state},"B":{{"Type":"Succeed"}}}}}}"#
        );
        crate::lint::lint_source("t", &text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .map(|d| text[d.span().range()].to_string())
            .collect()
    }

    #[test]
    fn result_only_in_output_and_assign_of_work_states() {
        let task = r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"p":"{% $states.result %}"},"Output":"{% $states.result %}","Assign":{"x":"{% $states.result.a %}"},"Next":"B"}"#;
        assert_eq!(findings(task), vec!["$states.result"]);
        let pass = r#"{"Type":"Pass","Output":"{% $states.result %}","Next":"B"}"#;
        assert_eq!(findings(pass), vec!["$states.result"]);
    }

    #[test]
    fn error_output_only_in_catchers() {
        let task = r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Output":"{% $states.errorOutput %}","Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}","Assign":{"e":"{% $states.errorOutput.Cause & $states.result %}"},"Next":"B"}],"Next":"B"}"#;
        assert_eq!(
            findings(task),
            vec!["$states.errorOutput", "$states.result"]
        );
    }

    #[test]
    fn block_scalars_get_no_fix_and_no_duplicate_label() {
        let text = "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: |-\n      {% $states.Input %}\n    End: true\n";
        let d: Vec<_> = crate::lint::lint_source("t.yaml", text, SourceKind::Yaml)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].fix.is_none());
        assert!(d[0].secondary.is_empty());
        let exact = text.replace("|-\n      {% $states.Input %}", "\"{% $states.Input %}\"");
        let d: Vec<_> = crate::lint::lint_source("t.yaml", &exact, SourceKind::Yaml)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&exact[d[0].span().range()], "Input");
        assert!(d[0].fix.is_some());
    }

    #[test]
    fn unknown_member_points_at_the_member() {
        let pass = r#"{"Type":"Pass","Output":"{% $states.inputs.a & $states.input & $states.context.Execution.Id %}","Next":"B"}"#;
        assert_eq!(findings(pass), vec!["inputs"]);
    }
}

use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::variables::{analyze, Analysis};
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::semantic::Semantic;
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a read of a workflow variable (`$name` in a JSONata expression, a JSONPath `key.$` value, a path
    /// field or an intrinsic-function argument) that no assignment reaches: an error when no path from `StartAt`
    /// assigns it, a warning when some path does not. A JSONata read of a never-assigned variable is reported as
    /// a warning (such definitions deploy: LocalStack's AWS-validated templates include them), and so is a
    /// JSONPath `$name` in a machine that assigns no variable at all (most likely a typo for `$.name`).
    ///
    /// The analysis follows the transitions of each scope: assignments take effect after their state (a
    /// catcher's or a choice rule's only on its own transition); a Parallel branch or inline Map iteration sees
    /// the variables visible on entry to its state, a Distributed Map child sees none, and nothing assigned in a
    /// branch or iteration is visible after the state. JSONata local bindings (`$x := ...`), function parameters,
    /// built-in functions and `$states` are not workflow variables.
    ///
    /// ## Why is this bad?
    /// Step Functions accepts the definition, but the state fails at run time: a JSONPath reference to an
    /// unassigned variable fails the state, and a JSONata expression that references a variable not defined
    /// fails with `States.QueryEvaluationError` (even inside `$exists`).
    ///
    /// ## Example
    /// ```json
    /// "Fetch": { "Type": "Parallel", "Branches": [ { "StartAt": "Get", "States": {
    ///   "Get": { "Type": "Pass", "Assign": { "user": "{% $states.input.user %}" }, "End": true } } } ],
    ///   "Next": "Greet" },
    /// "Greet": { "Type": "Pass", "Output": "{% 'Hello ' & $user %}", "End": true }
    /// ```
    /// Use instead (return the value through the branch output):
    /// ```json
    /// "Fetch": { "Type": "Parallel", "Branches": [ { "StartAt": "Get", "States": {
    ///   "Get": { "Type": "Pass", "Output": "{% $states.input.user %}", "End": true } } } ],
    ///   "Assign": { "user": "{% $states.result[0] %}" }, "Next": "Greet" },
    /// "Greet": { "Type": "Pass", "Output": "{% 'Hello ' & $user %}", "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>
    pub struct UndefinedVariable {
        code: "ASL702",
        name: "undefined-variable",
        category: Variables,
        severity: Error,
        aws_code: None,
    }
}

impl Rule for UndefinedVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        let Some(a) = analyze(ctx) else { return };
        for r in &a.reads {
            if !a.certain(sem, r.state) {
                continue;
            }
            let (Some(Some(must)), Some(Some(may))) = (
                a.must_in.get(r.state.index()),
                a.may_in.get(r.state.index()),
            ) else {
                continue; // not reached from StartAt
            };
            if must.contains(&r.name) {
                continue;
            }
            let Some(info) = sem.state(r.state) else {
                continue;
            };
            let who = info.state.describe();
            let some_path = may.contains(&r.name);
            let mut d = if some_path {
                let mut d = META
                    .diagnostic(
                        r.span,
                        format!("variable `${}` may be unassigned when {who} runs", r.name),
                    )
                    .label("not assigned on every path")
                    .note(format!(
                        "some path from `StartAt` to {who} assigns `${}` and another does not",
                        r.name
                    ))
                    .help(format!(
                        "assign `${}` on every path to {who} (for example with a default in an earlier state)",
                        r.name
                    ));
                d.severity = Severity::Warning;
                d
            } else {
                let mut d = META
                    .diagnostic(
                        r.span,
                        format!("variable `${}` is not assigned before {who}", r.name),
                    )
                    .label("never assigned on any path to here")
                    .note(if r.jsonata {
                        "Step Functions fails a JSONata expression that references an undefined variable with \
                         `States.QueryEvaluationError`"
                    } else {
                        "a JSONPath reference to an unassigned variable fails the state at run time"
                    });
                if r.jsonata || a.assignments.is_empty() {
                    d.severity = Severity::Warning;
                }
                d
            };
            if !some_path && !r.jsonata && a.assignments.is_empty() {
                // No variable anywhere: most likely `$x` meant the input path `$.x`.
                d = d
                    .note("the state machine assigns no variable at all")
                    .help(format!("did you mean the input path `$.{}`?", r.name));
                let exact = ctx
                    .text
                    .get(r.span.range())
                    .is_some_and(|t| t.starts_with('$'));
                if exact {
                    d = d.fix(Fix {
                        title: format!("Read `$.{}` from the state input", r.name),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            span: Span::new(r.span.start() + 1, r.span.start() + 1),
                            replacement: ".".into(),
                        }],
                    });
                }
                out.push(d.pointer(r.pointer.clone()));
                continue;
            }
            d = explain(sem, &a, r, d, some_path);
            out.push(d.pointer(r.pointer.clone()));
        }
    }
}

/// Adds the assignment that does not reach the read (and why) or a did-you-mean.
fn explain(
    sem: &Semantic<'_>,
    a: &Analysis<'_>,
    r: &crate::rules::variables::Read,
    mut d: Diagnostic,
    some_path: bool,
) -> Diagnostic {
    let Some(read_scope) = sem.state(r.state).map(|s| s.scope) else {
        return d;
    };
    let same: Vec<_> = a.assignments.iter().filter(|x| x.name == r.name).collect();
    if same.is_empty() {
        let names: Vec<&str> = a.assignments.iter().map(|x| x.name.as_str()).collect();
        return match did_you_mean(&r.name, names) {
            Some(s) => d.help(format!("did you mean `${s}`?")),
            None => d.help(format!(
                "assign `${}` in the `Assign` of a state that runs before this one",
                r.name
            )),
        };
    }
    // An enclosing Distributed Map hides every outer variable.
    let dist = sem
        .scopes()
        .iter()
        .filter(|sc| a.distributed.get(sc.id.index()).copied().unwrap_or(false))
        .find(|sc| sem.scope_within(read_scope, sc.id));
    for x in &same {
        let Some(xs) = sem.state(x.state).map(|s| s.scope) else {
            continue;
        };
        if let Some(dsc) = dist {
            if !sem.scope_within(xs, dsc.id) {
                return d
                    .secondary(x.span, "assigned outside the Distributed Map")
                    .note(format!(
                        "{} runs as child executions, which do not see the variables of the parent workflow",
                        sem.describe_scope(dsc.id)
                    ))
                    .help("pass the value to the iterations through the Map's `ItemSelector`");
            }
        }
        if !sem.scope_within(read_scope, xs) {
            return d
                .secondary(
                    x.span,
                    format!("assigned inside {}", sem.describe_scope(xs)),
                )
                .note(
                    "variables assigned inside a Parallel branch or a Map iteration are not visible outside it",
                )
                .help(
                    "return the value in the branch or iteration `Output` and assign it in the `Assign` of the \
                     Parallel or Map state from `$states.result`",
                );
        }
    }
    if let Some(x) = same.first() {
        d = d.secondary(
            x.span,
            if some_path {
                "assigned here, but not on every path"
            } else {
                "assigned here, but not on any path before the read"
            },
        );
        if !some_path {
            d = d.help(format!(
                "assign `${}` in a state that runs before this one, or move the read after the assignment",
                r.name
            ));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Severity;
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<(String, Severity)> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .map(|d| (text[d.span().range()].to_string(), d.severity))
            .collect()
    }

    #[test]
    fn assignment_visible_only_after_its_state() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Parameters":{"v.$":"$x"},"Next":"B"},"B":{"Type":"Pass","Parameters":{"v.$":"$x"},"End":true}}}"#;
        assert_eq!(findings(text), vec![("$x".to_string(), Severity::Error)]);
    }

    #[test]
    fn some_path_is_a_warning() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"A"}],"Default":"B"},"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},"B":{"Type":"Pass","Output":"{% $x %}","End":true}}}"#;
        assert_eq!(findings(text), vec![("$x".to_string(), Severity::Warning)]);
    }

    #[test]
    fn inner_assignments_do_not_leak_and_outer_are_visible_inline() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Pass","Assign":{"outer":1},"Next":"P"},"P":{"Type":"Parallel","Branches":[{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"inner":"{% $outer %}"},"End":true}}}],"Next":"After"},"After":{"Type":"Pass","Output":"{% $inner %}","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d, vec![("$inner".to_string(), Severity::Warning)]);
    }

    #[test]
    fn distributed_map_does_not_see_outer_variables() {
        let text = r#"{"StartAt":"S","States":{"S":{"Type":"Pass","Assign":{"outer":1},"Next":"M"},"M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"I","States":{"I":{"Type":"Pass","Parameters":{"v.$":"$outer"},"End":true}}},"End":true}}}"#;
        assert_eq!(
            findings(text),
            vec![("$outer".to_string(), Severity::Error)]
        );
        let inline = text.replace("DISTRIBUTED", "INLINE");
        assert!(findings(&inline).is_empty());
    }

    #[test]
    fn catcher_assignments_only_on_the_catch_path() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{},"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err":"{% $states.errorOutput %}"},"Next":"F"}],"Next":"OK"},"OK":{"Type":"Pass","Output":"{% $err %}","End":true},"F":{"Type":"Pass","Output":"{% $err %}","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn locals_and_intrinsics() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}', $missing)"},"Next":"B"},"B":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% ($l := 1; $map([1], function($v) { $v + $l })) %}","End":true}}}"#;
        // No variable is assigned anywhere: a warning suggesting the input path `$.missing`.
        assert_eq!(
            findings(text),
            vec![("$missing".to_string(), Severity::Warning)]
        );
        let d: Vec<_> = crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        let fix = d[0].fix.as_ref().expect("fix");
        assert_eq!(fix.edits[0].replacement, ".");
        assert_eq!(text[..fix.edits[0].span.start()].chars().last(), Some('$'));
        // With a variable assigned somewhere, the same read is an error.
        let text = text.replace(
            r#""Type":"Pass","Parameters""#,
            r#""Type":"Pass","Assign":{"other":1},"Parameters""#,
        );
        assert_eq!(
            findings(&text),
            vec![("$missing".to_string(), Severity::Error)]
        );
    }
}

use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::check::{is_jsonata_expression, is_unknown};
use crate::model::StateType;
use crate::rules::error_handling::{
    fail_error_names, handler_lists, is_predefined, PREDEFINED_ERRORS,
};
use crate::rules::{did_you_mean, levenshtein, Context, Rule, RuleMeta};
use crate::syntax::Node;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports an error name that starts with the reserved prefix `States.` but is not one of the errors Step
    /// Functions defines, in a retrier's or catcher's `ErrorEquals` or in a Fail state's `Error`.
    ///
    /// The predefined names are `States.ALL`, `States.BranchFailed`, `States.DataLimitExceeded`,
    /// `States.ExceedToleratedFailureThreshold`, `States.HeartbeatTimeout`, `States.Http.Socket`,
    /// `States.IntrinsicFailure`, `States.ItemReaderFailed`, `States.NoChoiceMatched`,
    /// `States.ParameterPathFailure`, `States.Permissions`, `States.QueryEvaluationError`,
    /// `States.ResultPathMatchFailure`, `States.ResultWriterFailed`, `States.Runtime`, `States.TaskFailed` and
    /// `States.Timeout`. Names are case-sensitive, so `States.all` is reported too.
    ///
    /// Severity: an error when a retrier or catcher names a one-letter (or letter-case) misspelling of a
    /// predefined name that no Fail state raises: that entry never matches the error it was written for. Otherwise
    /// a warning: Step Functions deploys such names (deployed samples raise `States.QuorumMet` from a Fail state
    /// and catch it in the enclosing Parallel state), but the prefix is reserved for the service's own errors.
    ///
    /// ## Why is this bad?
    /// A misspelt predefined name (`States.Timout`) silently matches nothing, so the retry or fallback never
    /// happens. Custom errors with the `States.` prefix break the rule of the Amazon States Language that this
    /// prefix belongs to Step Functions, and may collide with an error the service adds later.
    ///
    /// ## Example
    /// ```json
    /// "Retry": [{ "ErrorEquals": ["States.Timout"], "MaxAttempts": 2 }]
    /// ```
    /// Use instead:
    /// ```json
    /// "Retry": [{ "ErrorEquals": ["States.Timeout"], "MaxAttempts": 2 }]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    /// - <https://states-language.net/spec.html#appendix-a>
    pub struct UnknownErrorName {
        code: "ASL402",
        name: "unknown-error-name",
        category: Errors,
        severity: Error,
        aws_code: None,
    }
}

/// True for a name this rule is about: `States.`-prefixed, or a predefined name in another letter case.
fn is_suspect(name: &str) -> bool {
    if is_predefined(name) {
        return false;
    }
    name.starts_with("States.")
        || PREDEFINED_ERRORS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(name))
}

/// A fix replacing a string token, keeping its quoting style.
fn replace(text: &str, node: &Node, from: &str, to: &str, safe: bool) -> Fix {
    let token = text.get(node.span.range()).unwrap_or("");
    let replacement = match token.chars().next() {
        Some(q @ ('"' | '\'')) => format!("{q}{to}{q}"),
        _ => to.to_string(),
    };
    Fix {
        title: format!("Replace `{from}` with `{to}`"),
        applicability: if safe {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        edits: vec![Edit {
            span: node.span,
            replacement,
        }],
    }
}

/// The closest predefined name, computed once per distinct name.
fn suggest<'a>(
    cache: &mut HashMap<&'a str, Option<&'static str>>,
    name: &'a str,
) -> Option<&'static str> {
    *cache
        .entry(name)
        .or_insert_with(|| did_you_mean(name, PREDEFINED_ERRORS.iter().copied()))
}

impl Rule for UnknownErrorName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        let states = model.states();
        let raised = fail_error_names(states.iter().map(|s| s.state));
        let mut cache = HashMap::new();
        let handled: std::collections::HashSet<&str> = states
            .iter()
            .flat_map(|s| handler_lists(s.state))
            .flatten()
            .flat_map(|h| h.names.into_iter().map(|n| n.name))
            .collect();
        for sr in &states {
            let state = sr.state;
            for list in handler_lists(state) {
                for h in &list {
                    for n in h.names.iter().filter(|n| is_suspect(n.name)) {
                        let suggestion = suggest(&mut cache, n.name);
                        let case_only = suggestion.is_some_and(|s| s.eq_ignore_ascii_case(n.name));
                        let close =
                            suggestion.is_some_and(|s| case_only || levenshtein(s, n.name) <= 1);
                        let raised_here = raised.contains(&n.name);
                        let mut d = META
                            .diagnostic(
                                n.node.span,
                                format!(
                                    "`{}` in {} is not a predefined error name",
                                    n.name,
                                    h.describe(state)
                                ),
                            )
                            .label("not a Step Functions error")
                            .pointer(n.pointer.clone());
                        if raised_here {
                            d = d.note("a Fail state of this machine raises this name, but the `States.` prefix is reserved for the errors Step Functions itself raises");
                        } else {
                            d = d.note(format!(
                                "names starting with `States.` are reserved for the errors Step Functions raises, and none is called `{}`; this {} only matches an error raised under exactly this name",
                                n.name,
                                h.kind.noun()
                            ));
                        }
                        match suggestion {
                            Some(s) => {
                                d = d.help(format!("did you mean `{s}`?"));
                                // Renaming one side of a name that a Fail state raises would break the pair.
                                if !raised_here {
                                    d = d.fix(replace(ctx.text, n.node, n.name, s, case_only));
                                }
                            }
                            None => {
                                d = d.help("give your own errors a name without the `States.` prefix (raise and catch the same name)");
                            }
                        }
                        if !close || raised_here {
                            d.severity = Severity::Warning;
                        }
                        out.push(d);
                    }
                }
            }
            if state.state_type() != Some(StateType::Fail) {
                continue;
            }
            let Some(f) = &state.error else { continue };
            let Some(name) = f.value else { continue };
            if is_unknown(f.node) || is_jsonata_expression(name) || !is_suspect(name) {
                continue;
            }
            let mut d = META
                .diagnostic(
                    f.node.span,
                    format!(
                        "`{name}` raised by {} is not a predefined error name",
                        state.describe()
                    ),
                )
                .label("reserved `States.` prefix")
                .note("names starting with `States.` are reserved for the errors Step Functions raises")
                .pointer(f.pointer.clone());
            d.severity = Severity::Warning;
            match suggest(&mut cache, name) {
                Some(s) => {
                    let case_only = s.eq_ignore_ascii_case(name);
                    d = d.help(format!("did you mean `{s}`? Otherwise give the error a name without the `States.` prefix"));
                    if !handled.contains(name) {
                        d = d.fix(replace(ctx.text, f.node, name, s, case_only));
                    }
                }
                None => {
                    d = d.help("give the error a name without the `States.` prefix, and catch it under that name");
                }
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{Applicability, Diagnostic, Severity};
    use crate::syntax::SourceKind;

    fn findings(text: &str, kind: SourceKind) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, kind)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn typo_is_an_error_with_a_fix() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Retry":[{"ErrorEquals":["States.Timout","States.all"]}]}}}"#;
        let d = findings(text, SourceKind::Json);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(d[0].pointer, "/States/A/Retry/0/ErrorEquals/0");
        let fix = d[0].fix.as_ref().expect("fix");
        assert_eq!(fix.edits[0].replacement, "\"States.Timeout\"");
        assert_eq!(&text[fix.edits[0].span.range()], "\"States.Timout\"");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        assert_eq!(
            d[1].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Safe)
        );
    }

    #[test]
    fn custom_prefixed_names_raised_and_caught_are_warnings() {
        let text = "StartAt: P\nStates:\n  P:\n    Type: Parallel\n    End: true\n    Branches:\n      - StartAt: F\n        States:\n          F:\n            Type: Fail\n            Error: States.QuorumMet\n    Catch:\n      - ErrorEquals: [States.QuorumMet]\n        Next: P\n";
        let d = findings(text, SourceKind::Yaml);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().all(|d| d.severity == Severity::Warning));
        assert!(d.iter().all(|d| d.fix.is_none()));
    }

    #[test]
    fn a_typo_that_a_fail_state_raises_is_only_a_warning() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","Next":"F",
            "Catch":[{"ErrorEquals":["States.Timout"],"Next":"F"}]},"F":{"Type":"Fail","Error":"States.Timout"}}}"#;
        let d = findings(text, SourceKind::Json);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().all(|d| d.severity == Severity::Warning));
        assert!(
            d.iter().all(|d| d.fix.is_none()),
            "renaming one side would break the pair"
        );
    }

    #[test]
    fn predefined_and_plain_names_pass() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true,
            "Retry":[{"ErrorEquals":["States.Http.Socket","Lambda.ServiceException","${Err}"]}]}}}"#;
        assert!(findings(text, SourceKind::Json).is_empty());
    }
}

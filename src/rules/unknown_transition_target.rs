use crate::diagnostics::{Applicability, Diagnostic, Fix};
use crate::rules::fixes::replace_token;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::semantic::{ScopeInfo, Target, Transition};
use crate::syntax::SourceKind;

declare_rule! {
    /// ## What it does
    /// Reports a `StartAt`, `Next`, `Default`, choice-rule `Next` or catcher `Next` that names no state at all.
    ///
    /// Names are compared exactly (case and spaces matter). A name that exists in another scope (a Parallel branch,
    /// a Map item processor, the machine around them) is reported by `transition-out-of-scope` instead; a
    /// `${...}` placeholder is left alone. When a state of the same scope has a close name, the help suggests it
    /// and a fix renames the target.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`MISSING_TRANSITION_TARGET`): the execution would have nowhere to go.
    /// The usual cause is a typo or a state renamed without updating the transitions into it.
    ///
    /// ## Example
    /// ```json
    /// "StartAt": "Fetch",
    /// "States": {
    ///   "Fetch": { "Type": "Pass", "Next": "Finsh" },
    ///   "Finish": { "Type": "Succeed" }
    /// }
    /// ```
    /// Use instead:
    /// ```json
    /// "Fetch": { "Type": "Pass", "Next": "Finish" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html>
    /// - <https://states-language.net/spec.html>
    pub struct UnknownTransitionTarget {
        code: "ASL201",
        name: "unknown-transition-target",
        category: Graph,
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
    }
}

impl Rule for UnknownTransitionTarget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        let mut budget = SUGGESTION_BUDGET;
        for t in sem.transitions() {
            if t.target != Target::NotFound {
                continue;
            }
            let Some(scope) = sem.scope(t.scope) else {
                continue;
            };
            // A scope without a `States` object is reported by the schema rules; its `StartAt` cannot resolve.
            if scope
                .scope
                .states_field
                .as_ref()
                .is_none_or(|f| f.value.is_none())
            {
                continue;
            }
            let field = t.kind.describe();
            let (message, label) = if t.name.is_empty() {
                (format!("{field} is empty"), "empty state name".to_string())
            } else {
                (
                    format!("{field} names unknown state `{}`", t.name),
                    "no state has this name".to_string(),
                )
            };
            let mut d = META
                .diagnostic(t.span(), message)
                .label(label)
                .note(format!(
                    "a transition must name a state of its own `States` object ({}); Step Functions rejects the definition",
                    sem.describe_scope(t.scope)
                ))
                .pointer(t.pointer());
            match suggest(&mut budget, t.name, scope) {
                Some(s) => {
                    d = d
                        .help(format!("did you mean `{s}`?"))
                        .fix(retarget(ctx.text, ctx.kind, t, s));
                }
                None => {
                    d = d.help(state_list_help(scope));
                }
            }
            out.push(d);
        }
    }
}

/// How many name comparisons did-you-mean suggestions may cost per document: suggestions are cheap in real
/// definitions, but a generated one with thousands of broken transitions must not take quadratic time.
pub(crate) const SUGGESTION_BUDGET: usize = 100_000;

/// The state of `scope` whose name is closest to `name`, while the comparison budget lasts.
pub(crate) fn suggest<'s>(
    budget: &mut usize,
    name: &str,
    scope: &'s ScopeInfo<'_>,
) -> Option<&'s str> {
    let cost = scope.states.len();
    if cost > *budget || name.chars().count() > 200 {
        return None;
    }
    *budget -= cost;
    did_you_mean(name, scope.state_names())
}

/// "name one of the states of this scope: `A`, `B`, `C`, or add a state named ..." (at most 8 names).
fn state_list_help(scope: &ScopeInfo<'_>) -> String {
    let total = scope.states.len();
    if total == 0 {
        return "add the state to this `States` object".to_string();
    }
    let shown: Vec<String> = scope
        .state_names()
        .take(8)
        .map(|n| format!("`{n}`"))
        .collect();
    let more = if total > shown.len() {
        format!(" (and {} more)", total - shown.len())
    } else {
        String::new()
    };
    format!(
        "name one of the states of this scope ({}{more}), or add the missing state",
        shown.join(", ")
    )
}

/// A fix replacing the target string with `to`, keeping the quoting style of the token.
fn retarget(text: &str, kind: SourceKind, t: &Transition<'_>, to: &str) -> Fix {
    Fix {
        title: format!("Change the target to `{to}`"),
        applicability: if to.eq_ignore_ascii_case(t.name) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        edits: vec![replace_token(text, kind, t.span(), to)],
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Applicability;
    use crate::syntax::SourceKind;

    fn findings(text: &str, kind: SourceKind) -> Vec<crate::diagnostics::Diagnostic> {
        crate::lint::lint_source("t", text, kind)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn suggests_and_fixes_a_typo() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"finish"},"Finish":{"Type":"Succeed"}}}"#;
        let d = findings(text, SourceKind::Json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/Next");
        assert_eq!(&text[d[0].span().range()], "\"finish\"");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::Safe);
        assert_eq!(fix.edits[0].replacement, "\"Finish\"");
    }

    #[test]
    fn two_equally_close_states_give_no_fix() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Stap"},"Stop":{"Type":"Succeed"},"Step":{"Type":"Succeed"}}}"#;
        let d = findings(text, SourceKind::Json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].fix.is_none(), "{d:#?}");
        assert!(!d[0].help.as_deref().unwrap_or("").contains("did you mean"));
    }

    #[test]
    fn yaml_plain_scalars_stay_plain() {
        let text = "StartAt: Strt\nStates:\n  Start:\n    Type: Succeed\n";
        let d = findings(text, SourceKind::Yaml);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/StartAt");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.edits[0].replacement, "Start");
        assert_eq!(fix.applicability, Applicability::Unsafe);
    }

    #[test]
    fn placeholders_and_other_scopes_are_not_reported_here() {
        let text = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"${Next}","Branches":[
            {"StartAt":"B","States":{"B":{"Type":"Pass","Next":"P"}}}]}}}"#;
        assert!(findings(text, SourceKind::Json).is_empty());
    }

    #[test]
    fn suggestions_stop_when_the_budget_is_spent() {
        // 2,000 broken transitions in a 2,000-state scope: suggesting for all would cost 4,000,000 comparisons.
        let n = 2000;
        let states: Vec<String> = (0..n)
            .map(|i| format!(r#""State {i}":{{"Type":"Pass","Next":"State {i}x"}}"#))
            .collect();
        let text = format!(
            r#"{{"StartAt":"State 0","States":{{{}}}}}"#,
            states.join(",")
        );
        let d = findings(&text, SourceKind::Json);
        assert_eq!(d.len(), n);
        let fixes = d.iter().filter(|d| d.fix.is_some()).count();
        assert!(
            fixes > 0 && fixes <= super::SUGGESTION_BUDGET / n,
            "{fixes}"
        );
        assert!(d.iter().all(|d| d.help.is_some()));
    }

    #[test]
    fn catcher_and_choice_targets_are_checked() {
        let text = r#"{"StartAt":"C","States":{
            "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"Zzz"}],"Default":"T"},
            "T":{"Type":"Task","Resource":"r","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Qqq"}]}}}"#;
        let d = findings(text, SourceKind::Json);
        let ptrs: Vec<&str> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(ptrs, ["/States/C/Choices/0/Next", "/States/T/Catch/0/Next"]);
        assert!(d[0].message.contains("choice rule #1"), "{}", d[0].message);
    }
}

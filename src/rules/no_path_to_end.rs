use crate::diagnostics::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::{ScopeInfo, Semantic, StateId, Target};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports a loop that a reachable state enters and that no path leaves: from its states, no terminal state
    /// (Succeed, Fail, `"End": true`) can be reached over any transition.
    ///
    /// The finding is reported once per loop, at the first state of the loop that an execution reaches; the
    /// secondary label shows the transition that closes the loop. Every transition kind counts as a way out: a
    /// choice rule, a Choice `Default`, and a catcher (`Catch`) that leads to a terminal state. A state whose
    /// transition is broken or unknown (reported by other rules, or a `${...}` placeholder) also counts as a
    /// possible way out, so one mistake is not reported twice. A scope without any terminal state is left to
    /// `no-terminal-state`.
    ///
    /// Failures are **not** counted as a way out: a Task, Parallel or Map state can always fail, and a Choice
    /// without `Default` fails with `States.NoChoiceMatched` when no rule matches, but a loop whose only exit is
    /// an error (or the execution timeout) never finishes as designed, and the graph is what the author wrote down.
    /// To leave a loop on an error, add a catcher that transitions to a terminal state. Step Functions itself is
    /// only documented to reject a workflow with no terminal state at all (`MISSING_END_STATE`, see
    /// `no-terminal-state`, which also covers statelint's "complex missing terminal" case); this rule goes further
    /// and has no AWS code.
    ///
    /// ## Why is this bad?
    /// Once the execution enters the loop, it runs until a state fails or the execution times out (a Standard
    /// workflow may run for a year, and its history is capped at 25,000 events). This is almost always a missing
    /// exit: a Choice rule that should lead out of a polling loop, or a `Default` pointing back into the loop.
    ///
    /// ## Example
    /// ```json
    /// "StartAt": "Start",
    /// "States": {
    ///   "Start": { "Type": "Choice", "Choices": [{ "Variable": "$.skip", "BooleanEquals": true, "Next": "Done" }],
    ///              "Default": "Poll" },
    ///   "Poll": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Wait" },
    ///   "Wait": { "Type": "Wait", "Seconds": 10, "Next": "Poll" },
    ///   "Done": { "Type": "Succeed" }
    /// }
    /// ```
    /// Use instead: check the job status after `Poll` with a Choice state whose rule leads to `Done`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    pub struct NoPathToEnd {
        code: "ASL205",
        name: "no-path-to-end",
        category: Graph,
        severity: Error,
        aws_code: None,
    }
}

impl Rule for NoPathToEnd {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        for scope in sem.scopes() {
            if !scope.states.iter().any(|s| sem.is_terminal(*s)) {
                continue; // no-terminal-state
            }
            check_scope(sem, scope, out);
        }
    }
}

fn check_scope(sem: &Semantic<'_>, scope: &ScopeInfo<'_>, out: &mut Vec<Diagnostic>) {
    // Reachable states that cannot reach a terminal state, by breadth-first rank from StartAt.
    let mut dead: Vec<(usize, StateId)> = scope
        .states
        .iter()
        .filter(|s| !sem.may_reach_end(**s))
        .filter_map(|s| sem.reach_rank(*s).map(|r| (r, *s)))
        .collect();
    dead.sort_unstable();
    let mut done: HashSet<StateId> = HashSet::new();
    for (_, id) in dead {
        if done.contains(&id) || !sem.in_cycle(id) {
            continue;
        }
        let members = sem.cycle_of(id);
        // Only a loop that nothing leaves (every transition stays in it) is reported; a state leading into such a
        // loop is covered by the loop's finding.
        let inside: HashSet<StateId> = members.iter().copied().collect();
        done.extend(members.iter().copied());
        let leaves = members.iter().any(|m| {
            sem.successors(*m)
                .any(|t| matches!(t.target, Target::InScope(s) if !inside.contains(&s)))
        });
        if leaves {
            continue;
        }
        if let Some(d) = finding(sem, id, members) {
            out.push(d);
        }
    }
}

fn finding(sem: &Semantic<'_>, entry: StateId, members: &[StateId]) -> Option<Diagnostic> {
    let info = sem.state(entry)?;
    let name = info.name();
    // Members in the order an execution first reaches them.
    let mut ordered: Vec<(usize, StateId)> = members
        .iter()
        .map(|m| (sem.reach_rank(*m).unwrap_or(usize::MAX), *m))
        .collect();
    ordered.sort_unstable();
    let ordered: Vec<StateId> = ordered.into_iter().map(|(_, s)| s).collect();
    let loop_text = sem.describe_cycle(&ordered);
    let mut d = META
        .diagnostic(
            info.state.name.span,
            format!("state `{name}` starts a loop with no way out"),
        )
        .label("no terminal state can be reached from here")
        .note(format!(
            "every transition of the loop {loop_text} (`Next`, `Default`, choice rules, catchers) stays in the loop, so the execution can only end by failing or timing out"
        ))
        .help("give the loop an exit: a choice rule or `Default` that leads to a terminal state, a catcher that does, or `\"End\": true`")
        .pointer(info.state.pointer.as_str());
    // The transition closing the loop: the one into the entry from the member reached last.
    let closing = sem
        .predecessors(entry)
        .filter(|t| t.source.is_some_and(|s| members.contains(&s)))
        .max_by_key(|t| t.source.and_then(|s| sem.reach_rank(s)).unwrap_or(0));
    if let Some(t) = closing {
        let from = t.source.and_then(|s| sem.state(s)).map_or("", |s| s.name());
        d = d.secondary(
            t.span(),
            format!(
                "`{from}` closes the loop: {} goes back to `{name}`",
                t.kind.describe()
            ),
        );
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<crate::diagnostics::Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn loop_without_exit_is_reported_once_at_its_entry() {
        let text = r#"{"StartAt":"Start","States":{
            "Start":{"Type":"Choice","Choices":[{"Variable":"$.skip","BooleanEquals":true,"Next":"Done"}],"Default":"Prep"},
            "Prep":{"Type":"Pass","Next":"Poll"},
            "Poll":{"Type":"Task","Resource":"r","Next":"Wait"},
            "Wait":{"Type":"Wait","Seconds":1,"Next":"Poll"},
            "Done":{"Type":"Succeed"}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/Poll");
        assert_eq!(d[0].secondary.len(), 1);
        // The closing transition is Wait's Next.
        let s = d[0].secondary[0].span;
        assert_eq!(&text[s.range()], "\"Poll\"");
        assert!(text[..s.start()].ends_with(r#""Seconds":1,"Next":"#));
    }

    #[test]
    fn catch_default_and_broken_transitions_are_ways_out() {
        for text in [
            // A catcher leads out.
            r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Next":"W","Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}]},
                "W":{"Type":"Wait","Seconds":1,"Next":"T"},"F":{"Type":"Fail"}}}"#,
            // A Default leads out.
            r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"C"}],"Default":"S"},
                "S":{"Type":"Succeed"}}}"#,
            // A misspelt target (reported by unknown-transition-target) is not reported again.
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"Dne"}],"Default":"A"},
                "Done":{"Type":"Succeed"}}}"#,
        ] {
            assert!(findings(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn choice_without_default_in_a_loop_is_still_reported() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"C"},
            "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"A"}]},
            "Unused":{"Type":"Succeed"}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A");
        assert!(d[0].secondary[0].message.contains("choice rule #1"));
    }
}

use crate::diagnostics::Diagnostic;
use crate::model::ScopeKind;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::{ScopeId, Semantic, StateId, Target, Transition, TransitionKind};

declare_rule! {
    /// ## What it does
    /// Reports a transition whose target exists, but in another scope: from a Parallel branch or a Map item
    /// processor to a state around it, from the outside into a branch or item processor, or from one branch into
    /// another.
    ///
    /// `StartAt`, `Next`, `Default`, choice-rule `Next` and catcher `Next` fields are checked. The secondary label
    /// shows where the target state is defined.
    ///
    /// ## Why is this bad?
    /// Each branch of a Parallel state and each Map item processor is a self-contained state machine: its states
    /// can only transition to states of the same `States` object, and no state outside can transition into it.
    /// Step Functions rejects the definition (`MISSING_TRANSITION_TARGET`: the target is missing from the scope).
    ///
    /// ## Example
    /// ```json
    /// "Work": {
    ///   "Type": "Parallel",
    ///   "Branches": [
    ///     { "StartAt": "Step", "States": { "Step": { "Type": "Pass", "Next": "Report" } } }
    ///   ],
    ///   "Next": "Report"
    /// },
    /// "Report": { "Type": "Succeed" }
    /// ```
    /// Use instead: end the branch (`"Step": { "Type": "Pass", "End": true }`) and let the Parallel state's
    /// `Next` continue to `Report`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html>
    pub struct TransitionOutOfScope {
        code: "ASL202",
        name: "transition-out-of-scope",
        category: Graph,
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
    }
}

impl Rule for TransitionOutOfScope {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        for t in sem.transitions() {
            let Target::OtherScope(target) = t.target else {
                continue;
            };
            let Some(target) = sem.state(target) else {
                continue;
            };
            let here = sem.describe_scope(t.scope);
            let there = sem.describe_scope(target.scope);
            let d = META
                .diagnostic(
                    t.span(),
                    format!(
                        "{} names `{}`, a state of {there}",
                        t.kind.describe(),
                        t.name
                    ),
                )
                .label(format!("not a state of {here}"))
                .secondary(target.state.name.span, format!("`{}` is defined in {there}", t.name))
                .note(format!(
                    "{} is a self-contained state machine: its transitions stay inside its own `States` object, and no transition enters it from outside",
                    capitalize(&if sem.scope_within(target.scope, t.scope) { there.clone() } else { here.clone() })
                ))
                .help(help(sem, t, target.id, target.scope))
                .pointer(t.pointer());
            out.push(d);
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What to do, by how the two scopes relate.
fn help(sem: &Semantic<'_>, t: &Transition<'_>, target: StateId, target_scope: ScopeId) -> String {
    // The state of `scope` that contains `inner` (a Parallel or Map state, at any depth).
    let container = |inner: Option<StateId>, scope: ScopeId| {
        inner
            .and_then(|s| sem.ancestor_in(s, scope))
            .and_then(|s| sem.state(s))
            .map(|s| s.state.describe())
    };
    if t.kind == TransitionKind::Start {
        return format!(
            "`StartAt` must name a state of {}; add the state there or name one that is",
            sem.describe_scope(t.scope)
        );
    }
    if sem.scope_within(t.scope, target_scope) {
        // Jumping out: end this scope and continue from its owner.
        let what = match sem.scope(t.scope).map(|s| s.scope.kind) {
            Some(ScopeKind::Branch { .. }) => "branch",
            _ => "iteration",
        };
        let owner =
            container(t.source, target_scope).unwrap_or_else(|| "the enclosing state".to_string());
        format!(
            "end the {what} here (`\"End\": true` or a Succeed state) and continue to `{}` from the `Next` of {owner}",
            t.name
        )
    } else if sem.scope_within(target_scope, t.scope) {
        // Jumping in: go to the owning state, whose StartAt decides where execution begins inside.
        let owner = container(Some(target), t.scope)
            .unwrap_or_else(|| "the state that contains it".to_string());
        format!(
            "transition to {owner} instead; the `StartAt` of {} decides where execution begins inside",
            sem.describe_scope(target_scope)
        )
    } else {
        format!(
            "branches and item processors cannot reach into each other; copy `{}` into {} under a new name and transition to the copy",
            t.name,
            sem.describe_scope(t.scope)
        )
    }
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
    fn out_in_and_across() {
        let text = r#"{"StartAt":"P","States":{
            "P":{"Type":"Parallel","Next":"Done","Branches":[
                {"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Done"}}},
                {"StartAt":"B","States":{"B":{"Type":"Pass","Next":"A"}}}]},
            "Done":{"Type":"Pass","Next":"B"}}}"#;
        let d = findings(text);
        let got: Vec<(&str, bool)> = d
            .iter()
            .map(|d| (d.pointer.as_str(), d.secondary.len() == 1))
            .collect();
        assert_eq!(
            got,
            [
                ("/States/P/Branches/0/States/A/Next", true),
                ("/States/P/Branches/1/States/B/Next", true),
                ("/States/Done/Next", true),
            ]
        );
        let helps: Vec<&str> = d.iter().filter_map(|d| d.help.as_deref()).collect();
        assert!(helps[0].starts_with("end the branch"), "{}", helps[0]);
        assert!(
            helps[1].starts_with("branches and item processors"),
            "{}",
            helps[1]
        );
        assert!(
            helps[2].starts_with("transition to Parallel state `P`"),
            "{}",
            helps[2]
        );
        // From two levels down to the machine: continue from the top-level state that contains the branch.
        let deep = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Done","Branches":[
            {"StartAt":"Q","States":{"Q":{"Type":"Parallel","End":true,"Branches":[
                {"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Done"}}}]}}}]},
            "Done":{"Type":"Succeed"}}}"#;
        let d2 = findings(deep);
        assert_eq!(d2.len(), 1, "{d2:#?}");
        let help = d2[0].help.as_deref().unwrap_or("");
        assert!(
            help.ends_with("from the `Next` of Parallel state `P`"),
            "{help}"
        );
        // A branch whose StartAt names an outer state.
        let start = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"P","States":{"B":{"Type":"Succeed"}}}]}}}"#;
        let d3 = findings(start);
        assert_eq!(d3.len(), 1, "{d3:#?}");
        assert!(d3[0]
            .help
            .as_deref()
            .unwrap_or("")
            .starts_with("`StartAt` must name a state of branch #1"));
        // The secondary label points at the target's definition.
        assert_eq!(&text[d[0].secondary[0].span.range()], "\"Done\"");
    }
}

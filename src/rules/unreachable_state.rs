use crate::diagnostics::Diagnostic;
use crate::rules::unknown_transition_target::{suggest, SUGGESTION_BUDGET};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::{Semantic, StateId, Target, Transition};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports a state that no path from its scope's `StartAt` reaches.
    ///
    /// Every transition kind is followed: `Next`, `Default`, choice-rule `Next` and catcher `Next`. A group of
    /// states that only transition among themselves (`A` → `B` → `A`) but that nothing enters is unreachable as
    /// a whole; the message says so. Each scope (the machine, each Parallel branch, each Map item processor) is
    /// checked on its own. Reachability cannot be known, so the scope is skipped, when its `StartAt` does not
    /// resolve, when a transition's target is unknown at lint time (a `${...}` placeholder), or when a reachable
    /// state's transitions are themselves unknown (no `Next` nor `End`, an unknown `Type`: reported by the schema
    /// rules). A second state with an already used name is a duplicate key, left to `duplicate-key`. When a
    /// misspelt target or a jump into a nested scope probably meant the unreachable state, a secondary label shows
    /// it.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects a definition with an unreachable state (`MISSING_TRANSITION_TARGET`: "State ... is
    /// not reachable"). An unreachable state is usually a transition that was misspelt or forgotten.
    ///
    /// ## Example
    /// ```json
    /// "StartAt": "Start",
    /// "States": {
    ///   "Start": { "Type": "Pass", "Next": "Done" },
    ///   "Audit": { "Type": "Pass", "Next": "Done" },
    ///   "Done": { "Type": "Succeed" }
    /// }
    /// ```
    /// Use instead: remove `Audit`, or transition to it (`"Start": { "Type": "Pass", "Next": "Audit" }`).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html>
    pub struct UnreachableState {
        code: "ASL203",
        name: "unreachable-state",
        category: Graph,
        severity: Error,
        aws_code: Some("MISSING_TRANSITION_TARGET"),
    }
}

impl Rule for UnreachableState {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        let mut budget = SUGGESTION_BUDGET;
        for scope in sem.scopes() {
            if scope.start_state().is_none()
                || scope.states.iter().all(|s| sem.is_reachable(*s))
                || sem
                    .scope_transitions(scope.id)
                    .any(|t| t.target == Target::Unknown)
                // A reachable state whose transitions are not known (no `Next`, unknown type) might lead anywhere.
                || scope.states.iter().any(|s| {
                    sem.is_reachable(*s) && sem.state(*s).is_some_and(|i| i.incomplete)
                })
            {
                continue;
            }
            // Transitions on reachable paths that probably meant an unreachable state: a misspelt target, or a
            // target inside the state's branches or item processor.
            let mut hints: HashMap<StateId, Hint<'_, '_>> = HashMap::new();
            for t in sem.scope_transitions(scope.id) {
                if !t.source.is_none_or(|s| sem.is_reachable(s)) {
                    continue;
                }
                let hint = match t.target {
                    Target::NotFound => suggest(&mut budget, t.name, scope)
                        .and_then(|s| scope.resolve(s))
                        .map(|s| (s, Hint::Typo(t))),
                    Target::OtherScope(target) => sem
                        .ancestor_in(target, scope.id)
                        .map(|s| (s, Hint::Inside(t))),
                    _ => None,
                };
                if let Some((s, h)) = hint {
                    hints.entry(s).or_insert(h);
                }
            }
            for &id in &scope.states {
                if sem.is_reachable(id) {
                    continue;
                }
                // A second state with the same name is a duplicate key (reported by `duplicate-key`).
                if sem
                    .state(id)
                    .is_some_and(|s| scope.resolve(s.name()) != Some(id))
                {
                    continue;
                }
                if let Some(d) = finding(sem, id, hints.get(&id)) {
                    out.push(d);
                }
            }
        }
    }
}

/// A transition that probably meant an unreachable state.
enum Hint<'t, 'a> {
    /// A misspelt target close to the state's name.
    Typo(&'t Transition<'a>),
    /// A target inside the state's branches or item processor.
    Inside(&'t Transition<'a>),
}

fn finding(sem: &Semantic<'_>, id: StateId, hint: Option<&Hint<'_, '_>>) -> Option<Diagnostic> {
    let info = sem.state(id)?;
    let name = info.name();
    let cycle: &[StateId] = if sem.in_cycle(id) {
        sem.cycle_of(id)
    } else {
        &[]
    };
    let mut d = if cycle.is_empty() {
        META.diagnostic(info.state.name.span, format!("state `{name}` is unreachable"))
            .label("never reached from `StartAt`")
            .note("no path of transitions (`Next`, `Default`, choice rules, catchers) from the scope's `StartAt` leads to this state; Step Functions rejects the definition")
    } else {
        META.diagnostic(
            info.state.name.span,
            format!("state `{name}` is unreachable: it is part of a cycle that nothing enters"),
        )
        .label("never reached from `StartAt`")
        .note(format!(
            "the states of the cycle {} only transition among themselves, and no path from the scope's `StartAt` enters it; Step Functions rejects the definition",
            sem.describe_cycle(cycle)
        ))
    };
    // The transitions into the state all come from unreachable states: show one of them.
    if let Some(p) = sem
        .predecessors(id)
        .find(|t| t.scope == info.scope && t.source.is_some_and(|s| !sem.is_reachable(s)))
    {
        let from = p.source.and_then(|s| sem.state(s)).map_or("", |s| s.name());
        let label = if cycle.is_empty() {
            format!("only reached from `{from}`, which is unreachable too")
        } else {
            format!("only reached from `{from}`, inside the cycle")
        };
        d = d.secondary(p.span(), label);
    }
    d = match hint {
        Some(Hint::Typo(t)) => d
            .secondary(t.span(), format!("did this mean `{name}`?"))
            .help(format!(
                "fix the misspelt target `{}` so that it names `{name}`",
                t.name
            )),
        Some(Hint::Inside(t)) => d
            .secondary(
                t.span(),
                format!("this transition jumps inside `{name}` instead of to it"),
            )
            .help(format!("transition to `{name}` itself instead of `{}`", t.name)),
        None => d.help(format!(
            "transition to `{name}` (with `Next`, `Default`, a choice rule or a catcher), or remove it"
        )),
    };
    Some(d.pointer(info.state.pointer.as_str()))
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
    fn orphan_cycle_and_dangling_state() {
        let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","End":true},
            "B":{"Type":"Pass","Next":"C"},
            "C":{"Type":"Pass","Next":"B"},
            "D":{"Type":"Pass","Next":"A"}}}"#;
        let d = findings(text);
        let got: Vec<(&str, bool)> = d
            .iter()
            .map(|d| (d.pointer.as_str(), d.message.contains("cycle")))
            .collect();
        assert_eq!(
            got,
            [
                ("/States/B", true),
                ("/States/C", true),
                ("/States/D", false)
            ]
        );
        assert!(
            d[0].notes[0].contains("`B` → `C` → `B`"),
            "{}",
            d[0].notes[0]
        );
        assert_eq!(d[0].secondary.len(), 1);
    }

    #[test]
    fn catch_and_choice_edges_reach() {
        let text = r#"{"StartAt":"T","States":{
            "T":{"Type":"Task","Resource":"r","Next":"C","Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}]},
            "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"S"}],"Default":"S2"},
            "S":{"Type":"Succeed"},"S2":{"Type":"Succeed"},"F":{"Type":"Fail"}}}"#;
        assert!(findings(text).is_empty());
    }

    #[test]
    fn transition_into_a_nested_scope_points_at_its_owner() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"In"},
            "M":{"Type":"Map","ItemProcessor":{"StartAt":"In","States":{"In":{"Type":"Pass","End":true}}},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/M");
        assert_eq!(&text[d[0].secondary[0].span.range()], "\"In\"");
        assert!(d[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("`M` itself")));
    }

    #[test]
    fn misspelt_target_is_pointed_at() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Finshed"},"Finished":{"Type":"Succeed"}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].secondary[0].span.range()], "\"Finshed\"");
    }

    #[test]
    fn unknown_start_or_placeholder_skips_the_scope() {
        for text in [
            r#"{"StartAt":"Nope","States":{"A":{"Type":"Succeed"}}}"#,
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"${X}"},"B":{"Type":"Succeed"}}}"#,
            // A reachable state without Next or End (missing-field) might have led to B.
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Nxt":"B"},"B":{"Type":"Succeed"}}}"#,
            // The second `A` is a duplicate key.
            r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}"#,
        ] {
            assert!(findings(text).is_empty(), "{text}");
        }
    }
}

use crate::diagnostics::Diagnostic;
use crate::rules::variables::{analyze, Analysis, Assignment, On};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::{Semantic, StateId, Target, TransitionKind};
use std::collections::{HashSet, VecDeque};

declare_rule! {
    /// ## What it does
    /// Reports a workflow variable that is assigned and then never read anywhere the assignment is visible: in
    /// the states that can run after the assigning state in its scope, or in the Parallel branches and inline
    /// Map iterations of those states.
    ///
    /// ## Why is this bad?
    /// An unused assignment is dead code: it costs evaluation and state size (assigned values count towards the
    /// 256 KiB limit) and usually means a typo in the variable name, or a read placed before the assignment or
    /// in a scope that cannot see it.
    ///
    /// ## Example
    /// ```json
    /// "Remember": { "Type": "Pass", "Assign": { "orderId": "{% $states.input.id %}" }, "Next": "Done" },
    /// "Done": { "Type": "Succeed" }
    /// ```
    /// Use instead: read the variable later (`"Output": "{% $orderId %}"`), or remove the assignment.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>
    pub struct UnusedVariable {
        code: "ASL703",
        name: "unused-variable",
        category: Variables,
        severity: Warning,
        aws_code: None,
    }
}

/// The states where an assignment is visible: those reachable through its transitions in its scope, and every
/// state of the branches and inline iterations of those states.
fn visible_states(sem: &Semantic<'_>, a: &Analysis<'_>, x: &Assignment<'_>) -> HashSet<StateId> {
    let Some(scope) = sem.state(x.state).map(|s| s.scope) else {
        return HashSet::new();
    };
    let mut seen: HashSet<StateId> = HashSet::new();
    let mut queue: VecDeque<StateId> = VecDeque::new();
    for t in sem.successors(x.state) {
        let takes = match (x.on, t.kind) {
            (On::State, TransitionKind::Catch { .. }) => false,
            (On::State, _) => true,
            (On::Catch(i), TransitionKind::Catch { index }) => i == index,
            (On::Rule(i), TransitionKind::ChoiceRule { index }) => i == index,
            _ => false,
        };
        if let (true, Target::InScope(to)) = (takes, t.target) {
            if seen.insert(to) {
                queue.push_back(to);
            }
        }
    }
    while let Some(s) = queue.pop_front() {
        for t in sem.successors(s) {
            if let Target::InScope(to) = t.target {
                if sem.state(to).map(|i| i.scope) == Some(scope) && seen.insert(to) {
                    queue.push_back(to);
                }
            }
        }
    }
    // Nested branches and inline iterations, at any depth.
    let mut stack: Vec<StateId> = seen.iter().copied().collect();
    while let Some(s) = stack.pop() {
        for child in a.visible_children(sem, s) {
            if let Some(sc) = sem.scope(child) {
                for st in &sc.states {
                    if seen.insert(*st) {
                        stack.push(*st);
                    }
                }
            }
        }
    }
    seen
}

impl Rule for UnusedVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        let Some(a) = analyze(ctx) else { return };
        for x in &a.assignments {
            if !a.certain(sem, x.state) || crate::model::check::is_placeholder_key(&x.key.text) {
                continue;
            }
            if !a.must_in.get(x.state.index()).is_some_and(Option::is_some) {
                continue; // the state is never reached: reported by the graph rules
            }
            let visible = visible_states(sem, &a, x);
            let used = a
                .reads
                .iter()
                .any(|r| r.name == x.name && visible.contains(&r.state));
            if used {
                continue;
            }
            let who = sem
                .state(x.state)
                .map(|s| s.state.describe())
                .unwrap_or_else(|| "a state".into());
            let elsewhere = a.reads.iter().find(|r| r.name == x.name);
            let mut d = META
                .diagnostic(
                    x.span,
                    format!("variable `${}` is assigned but never read", x.name),
                )
                .label("assigned here")
                .note(format!(
                    "no state that can run after {who} (nor any branch or inline iteration of one) reads `${}`",
                    x.name
                ))
                .pointer(x.pointer.clone());
            d = match elsewhere {
                Some(r) => d
                    .secondary(r.span, "this read does not see the assignment")
                    .help("move the assignment before the read, or the read after the assignment"),
                None => d.help(format!(
                    "remove the assignment, or read the variable as `${}` in a later state",
                    x.name
                )),
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<String> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .map(|d| text[d.span().range()].to_string())
            .collect()
    }

    #[test]
    fn read_after_is_a_use_read_before_is_not() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $y %}","Assign":{"x":1,"y":2},"Next":"B"},"B":{"Type":"Pass","Output":"{% $x %}","End":true}}}"#;
        assert_eq!(findings(text), vec!["y"]);
    }

    #[test]
    fn reads_in_branches_count() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Next":"P"},"P":{"Type":"Parallel","Branches":[{"StartAt":"I","States":{"I":{"Type":"Pass","Output":"{% $x %}","End":true}}}],"End":true}}}"#;
        assert!(findings(text).is_empty());
    }

    #[test]
    fn loops_read_their_own_assignment() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"n":"{% $exists($n) ? $n + 1 : 0 %}"},"Next":"C"},"C":{"Type":"Choice","Choices":[{"Condition":"{% $n < 3 %}","Next":"A"}],"Default":"D"},"D":{"Type":"Succeed"}}}"#;
        assert!(findings(text).is_empty());
    }
}

use crate::diagnostics::Diagnostic;
use crate::model::Scope;
use crate::rules::{Context, Rule, RuleMeta};

/// The deepest nesting of Parallel branches and Map item processors aslint accepts (the machine's own states are
/// at level 0, the states of a top-level Parallel state's branches at level 1, ...).
///
/// AWS documents the `TOO_DEEPLY_NESTED` error ("The states are too deeply nested") but not its limit; deployed
/// definitions nest at most a few levels. This value is deliberately generous so that the rule never rejects a
/// definition AWS accepts; it also stays well below the nesting the parsers cap (256 JSON levels).
pub const MAX_STATE_NESTING: usize = 32;

declare_rule! {
    /// ## What it does
    /// Reports Parallel and Map states nested more than 32 levels deep (a Parallel branch inside a Map item
    /// processor inside a Parallel branch ... counts one level per scope).
    ///
    /// AWS rejects over-nested definitions with `TOO_DEEPLY_NESTED` but does not document the limit; aslint's
    /// threshold is generous on purpose, so a finding is certainly a generated or runaway definition.
    ///
    /// ## Why is this bad?
    /// Step Functions refuses the definition (`TOO_DEEPLY_NESTED`). Deep nesting also makes the workflow
    /// impossible to read in the console's graph view.
    ///
    /// ## Example
    /// A code generator that wraps every step in its own single-branch Parallel state, 40 levels deep.
    ///
    /// Use instead: flatten the nesting (consecutive states in one scope), or move inner parts to their own
    /// state machines started with `states:startExecution.sync`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-nested-workflows.html>
    pub struct TooDeeplyNested {
        code: "ASL802",
        name: "too-deeply-nested",
        category: Limits,
        severity: Error,
        aws_code: Some("TOO_DEEPLY_NESTED"),
    }
}

impl Rule for TooDeeplyNested {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        // Iterative walk; each scope with its nesting level. A state whose child scopes would exceed the limit is
        // reported once, and nothing below it.
        let mut stack: Vec<(&Scope<'_>, usize)> = vec![(&model.scope, 0)];
        while let Some((scope, level)) = stack.pop() {
            for st in &scope.states {
                if st.child_scopes().next().is_none() {
                    continue;
                }
                if level + 1 > MAX_STATE_NESTING {
                    out.push(
                        META.diagnostic(
                            st.name.span,
                            format!(
                                "the states inside {} are nested {} levels deep, more than {MAX_STATE_NESTING}",
                                st.describe(),
                                level + 1
                            ),
                        )
                        .label(format!("level {} of nesting", level + 1))
                        .note("Step Functions rejects definitions whose states are nested too deeply (`TOO_DEEPLY_NESTED`)")
                        .help("flatten the nesting, or move the inner part to its own state machine and start it with `states:startExecution.sync`")
                        .pointer(st.pointer.clone()),
                    );
                    continue;
                }
                for child in st.child_scopes() {
                    stack.push((child, level + 1));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn nested(levels: usize) -> String {
        let mut s = r#"{"StartAt":"L","States":{"L":{"Type":"Pass","End":true}}}"#.to_string();
        for i in 0..levels {
            s = format!(
                r#"{{"StartAt":"P{i}","States":{{"P{i}":{{"Type":"Parallel","End":true,"Branches":[{s}]}}}}}}"#
            );
        }
        s
    }

    fn count(text: &str) -> Vec<crate::diagnostics::Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn limit_is_inclusive_and_only_the_outermost_offender_is_reported() {
        assert!(count(&nested(super::MAX_STATE_NESTING)).is_empty());
        let text = nested(super::MAX_STATE_NESTING + 3);
        let d = count(&text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "\"P2\"");
        assert!(d[0]
            .pointer
            .starts_with("/States/P34/Branches/0/States/P33"));
    }
}

use crate::diagnostics::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};

/// The longest state name AWS accepts, in characters.
pub const MAX_STATE_NAME_CHARS: usize = 80;

declare_rule! {
    /// ## What it does
    /// Reports a state name that is empty, longer than 80 characters, or contains control characters.
    ///
    /// Spaces and punctuation are fine: `Is Ready?`, `Report: Done`, `Create/Update` are valid state names.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`).
    ///
    /// ## Example
    /// ```json
    /// "States": { "": { "Type": "Succeed" } }
    /// ```
    /// Use instead:
    /// ```json
    /// "States": { "Done": { "Type": "Succeed" } }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html>
    pub struct InvalidStateName {
        code: "ASL106",
        name: "invalid-state-name",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for InvalidStateName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for r in model.states() {
            let st = r.state;
            let name = st.name.text.as_str();
            let len = name.chars().count();
            let (message, note, help) = if name.is_empty() {
                (
                    "empty state name".to_string(),
                    "a state name must have 1 to 80 characters".to_string(),
                    "give the state a name".to_string(),
                )
            } else if len > MAX_STATE_NAME_CHARS {
                (
                    format!("state name is {len} characters long, more than {MAX_STATE_NAME_CHARS}"),
                    format!("a state name must have 1 to {MAX_STATE_NAME_CHARS} characters"),
                    "shorten the name (and every `Next`, `Default` and `StartAt` that refers to it)".to_string(),
                )
            } else if let Some(c) = name.chars().find(|c| c.is_control()) {
                (
                    format!(
                        "state name `{}` contains the control character U+{:04X}",
                        name.escape_debug(),
                        c as u32
                    ),
                    "state names cannot contain control characters".to_string(),
                    "remove the control character from the name (and from every reference to it)"
                        .to_string(),
                )
            } else {
                continue;
            };
            out.push(
                META.diagnostic(st.name.span, message)
                    .label("invalid state name")
                    .note(note)
                    .help(help)
                    .pointer(st.pointer.as_str()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn count(name: &str) -> usize {
        let text = format!(
            r#"{{"StartAt":{n},"States":{{{n}:{{"Type":"Succeed"}}}}}}"#,
            n = serde_json::Value::String(name.to_string())
        );
        crate::lint::lint_source("t", &text, SourceKind::Json)
            .iter()
            .filter(|d| d.rule.code == super::META.code)
            .count()
    }

    #[test]
    fn punctuation_is_fine_but_empty_long_and_control_are_not() {
        for ok in [
            "Is Ready?",
            "Report: Done",
            "Create/Update",
            "1:1 mapping",
            &"é".repeat(80),
        ] {
            assert_eq!(count(ok), 0, "{ok}");
        }
        for bad in ["", "a\u{7}b", &"x".repeat(81)] {
            assert_eq!(count(bad), 1, "{bad:?}");
        }
    }
}

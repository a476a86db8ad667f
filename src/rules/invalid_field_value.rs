use crate::diagnostics::{Applicability, Diagnostic, Fix};
use crate::model::check::{check_type, check_value, TypeCheck};
use crate::model::spec::{FieldSpec, ValueKind};
use crate::rules::fixes::replace_token;
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::{pointer_push, Node};

declare_rule! {
    /// ## What it does
    /// Reports a field whose value is out of range, not one of the allowed values, or badly formatted.
    ///
    /// For example a `Type`
    /// that is not one of the eight state types, `"Version": "2.0"`, `IntervalSeconds` below 1, a negative
    /// `MaxAttempts`, a `BackoffRate` below 1, `JitterStrategy` other than `FULL`/`NONE`, a non-positive
    /// `TimeoutSeconds`/`HeartbeatSeconds`, a negative `Seconds`, `ToleratedFailurePercentage` outside 0–100, a
    /// `Mode` other than `INLINE`/`DISTRIBUTED`, a timestamp that is not RFC 3339 (uppercase `T` and `Z`), an empty
    /// `ErrorEquals`, `Choices` or `Branches`, `"End": false`, ... A string containing a `${...}` placeholder passes
    /// every enum and format check.
    ///
    /// A value that differs from an allowed one only by case (`"Mode": "inline"`) comes with a fix writing the
    /// allowed spelling.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`), or (timestamps) the state fails at
    /// run time.
    ///
    /// ## Example
    /// ```json
    /// "Retry": [{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 0, "BackoffRate": 0.5 }]
    /// ```
    /// Use instead:
    /// ```json
    /// "Retry": [{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 2.0 }]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html>
    pub struct InvalidFieldValue {
        code: "ASL104",
        name: "invalid-field-value",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for InvalidFieldValue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let sites = ctx.sites();
        for site in sites.iter() {
            let spec = site.spec();
            let ql = site.query_language;
            for m in site.members() {
                let Some(fs) = spec.field(&m.key.text) else {
                    continue;
                };
                if !fs.lang.allows(ql) || check_type(fs, &m.value, ql) != TypeCheck::Ok {
                    continue;
                }
                let Some(p) = check_value(fs, &m.value, ql) else {
                    continue;
                };
                let name = &m.key.text;
                let mut d = META
                    .diagnostic(
                        m.value.span,
                        format!("`{name}` in {} {}", site.describe, p.message),
                    )
                    .label("invalid value")
                    .help(p.help)
                    .pointer(pointer_push(site.pointer, name));
                if name == "ErrorEquals" {
                    // The specification: "The value of ErrorEquals MUST be a non-empty array of Strings".
                    d = d.note("the Amazon States Language requires a non-empty `ErrorEquals`; an empty one would match no error, so this retrier or catcher could never apply");
                } else {
                    d = d.note(format!("Step Functions rejects this value of `{name}`"));
                }
                if let Some(fix) = case_fix(ctx, fs, &m.value) {
                    d = d.fix(fix);
                }
                out.push(d);
            }
        }
    }
}

/// The certain fix of an enum value that differs from an allowed one only by case (`"inline"` for `"INLINE"`).
fn case_fix(ctx: &Context<'_>, fs: &FieldSpec, value: &Node) -> Option<Fix> {
    let ValueKind::Enum(allowed) = fs.kind else {
        return None;
    };
    let written = value.as_str()?;
    let to = allowed.iter().find(|a| a.eq_ignore_ascii_case(written))?;
    Some(Fix {
        title: format!("Write `{to}`"),
        applicability: Applicability::Safe,
        edits: vec![replace_token(ctx.text, ctx.kind, value.span, to)],
    })
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{Diagnostic, Severity};
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn ranges_enums_and_formats() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","HeartbeatSeconds":0,
            "Retry":[{"ErrorEquals":["x"],"MaxDelaySeconds":0,"JitterStrategy":"SOME"}],"Next":"W"},
            "W":{"Type":"Wait","Timestamp":"2026-02-30T00:00:00Z","End":true}}}"#;
        let d = findings(text);
        let ptrs: Vec<&str> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            ptrs,
            [
                "/States/A/HeartbeatSeconds",
                "/States/A/Retry/0/MaxDelaySeconds",
                "/States/A/Retry/0/JitterStrategy",
                "/States/W/Timestamp"
            ]
        );
    }

    #[test]
    fn placeholders_pass_enum_and_format_checks() {
        let text = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"${Date}T00:00:00Z","Next":"M"},
            "M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"${Mode}"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#;
        assert!(findings(text).is_empty());
    }

    #[test]
    fn empty_error_equals_is_an_error() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","Catch":[{"ErrorEquals":[],"Next":"A"}],"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert!(
            d[0].message.contains("must not be empty"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn case_only_enum_values_get_a_safe_fix() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["x"],"JitterStrategy":"full"},{"ErrorEquals":["y"],"JitterStrategy":"SOME"}],"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, crate::diagnostics::Applicability::Safe);
        assert_eq!(&text[fix.edits[0].span.range()], "\"full\"");
        assert_eq!(fix.edits[0].replacement, "\"FULL\"");
        assert!(d[1].fix.is_none());
    }
}

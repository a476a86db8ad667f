use crate::diagnostics::{Applicability, Diagnostic, Fix};
use crate::model::spec::{ObjectKind, ValueKind};
use crate::model::QueryLanguage;
use crate::rules::path_sites::{self, looks_like_intrinsic, looks_like_path};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::path_sites::is_unknown;
use crate::syntax::pointer_push;

declare_rule! {
    /// ## What it does
    /// Reports a path written as the value of a field that takes a literal, when the field has a `...Path`
    /// form that takes the path.
    ///
    /// For example `"TimeoutSeconds": "$.timeout"` (use `TimeoutSecondsPath`), `"Seconds": "$.wait"`
    /// (`SecondsPath`), `"Items": "$.list"` in a JSONPath Map (`ItemsPath`), `"Error": "$.code"` (`ErrorPath`),
    /// `"StringEquals": "$.other"` in a choice rule (`StringEqualsPath`), or `"MaxItems": "$.n"` in a
    /// `ReaderConfig` (`MaxItemsPath`). Only JSONPath states are checked; retrier fields, which accept a
    /// reference in place of the number, are not.
    ///
    /// ## Why is this bad?
    /// The field takes the text literally: a number field rejects the string, and a string field (`Error`,
    /// `StringEquals`) compares with or reports the text `$.code` itself instead of the value it points to.
    ///
    /// ## Example
    /// ```json
    /// "Pause": { "Type": "Wait", "Seconds": "$.delay", "Next": "Go" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Pause": { "Type": "Wait", "SecondsPath": "$.delay", "Next": "Go" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html>
    pub struct MissingPathSuffix {
        code: "ASL305",
        name: "missing-path-suffix",
        category: Paths,
        severity: Warning,
        aws_code: Some("NO_PATH"),
    }
}

impl Rule for MissingPathSuffix {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let sites = ctx.sites();
        for site in sites.iter() {
            if site.query_language != QueryLanguage::JsonPath
                || !(site.kind.is_state()
                    || matches!(
                        site.kind,
                        ObjectKind::ChoiceRule
                            | ObjectKind::NestedChoiceRule
                            | ObjectKind::ReaderConfig
                            | ObjectKind::ItemBatcher
                    ))
            {
                continue;
            }
            let spec = site.spec();
            for m in site.members() {
                let name = m.key.text.as_str();
                if name.ends_with("Path") {
                    continue;
                }
                let Some(text) = m.value.as_str() else {
                    continue;
                };
                if is_unknown(text) {
                    continue;
                }
                let with_path = format!("{name}Path");
                let (Some(field), Some(path_field)) = (spec.field(name), spec.field(&with_path))
                else {
                    continue;
                };
                // A field of the other query language is reported by `wrong-query-language-field`.
                if field.kind == ValueKind::Path || !field.lang.allows(site.query_language) {
                    continue;
                }
                let intrinsic_ok = matches!(with_path.as_str(), "ErrorPath" | "CausePath");
                if !(looks_like_path(text) || (intrinsic_ok && looks_like_intrinsic(text))) {
                    continue;
                }
                let mut d = META
                    .diagnostic(
                        m.key.span,
                        format!(
                            "`{name}` of {} holds a path, which `{name}` takes literally",
                            site.describe
                        ),
                    )
                    .label(format!("use `{}`", path_field.name))
                    .secondary(
                        m.value.span,
                        format!("the text `{text}`, not the value it points to"),
                    )
                    .note(format!(
                        "`{name}` takes a literal value; `{}` takes a path to the value",
                        path_field.name
                    ))
                    .help(format!("rename the field to `{}`", path_field.name))
                    .pointer(pointer_push(site.pointer, name));
                if !site.members().iter().any(|o| o.key.text == with_path) {
                    d = d.fix(Fix {
                        title: format!("Rename `{name}` to `{with_path}`"),
                        applicability: if field.kind == ValueKind::String {
                            Applicability::Unsafe
                        } else {
                            Applicability::Safe
                        },
                        edits: vec![path_sites::rename_key(
                            ctx.text, ctx.kind, &m.key, &with_path,
                        )],
                    });
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{Applicability, Diagnostic};
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn number_field_safe_string_field_unsafe() {
        let text = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"$.w","Next":"F"},"F":{"Type":"Fail","Error":"$.e","Cause":"plain"}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "\"Seconds\"");
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Safe)
        );
        assert_eq!(
            d[1].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Unsafe)
        );
        assert_eq!(d[1].pointer, "/States/F/Error");
    }

    #[test]
    fn retriers_and_jsonata_are_not_checked() {
        let text = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":"$.n"}],"Next":"J"},
            "J":{"Type":"Wait","QueryLanguage":"JSONata","Seconds":"{% $x %}","End":true}}}"#;
        assert!(findings(text).is_empty());
    }

    #[test]
    fn choice_comparison_with_a_path() {
        let text = r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEquals":"$.b","Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].primary.message, "use `StringEqualsPath`");
    }
}

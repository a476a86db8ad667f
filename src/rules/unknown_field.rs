use crate::diagnostics::{Applicability, Diagnostic, Fix, Severity};
use crate::model::spec::{self, ObjectKind, SPECS};
use crate::model::QueryLanguage;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::syntax::SourceKind;
use crate::syntax::{pointer_push, Key};

declare_rule! {
    /// ## What it does
    /// Reports a field that the Amazon States Language does not define for the object it is in.
    ///
    /// For example a misspelt
    /// field (`Nxt`, `resultPath`), a field of another state type (`Resource` in a Pass state), or a field of
    /// another object (`MaxAttempts` in a catcher). Payload templates (`Parameters`, `Arguments`, `Output`,
    /// `Assign`, `Result`, `ItemSelector`, ...) are free-form and never checked.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects definitions with unknown fields (`SCHEMA_VALIDATION_FAILED`); a misspelt optional
    /// field would otherwise be silently ignored by tools that accept it.
    ///
    /// ## Example
    /// ```json
    /// "Fetch": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Nxt": "Done" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Fetch": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html>
    /// - <https://states-language.net/spec.html>
    pub struct UnknownField {
        code: "ASL102",
        name: "unknown-field",
        category: Schema,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for UnknownField {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let sites = ctx.sites();
        for site in sites.iter() {
            if site.kind == ObjectKind::UnknownState {
                continue;
            }
            let spec = site.spec();
            for m in site.members() {
                let name = m.key.text.as_str();
                if spec.field(name).is_some() || crate::model::check::is_placeholder_key(name) {
                    continue;
                }
                let mut d = META
                    .diagnostic(m.key.span, format!("unknown field `{name}` in {}", site.describe))
                    .label("unknown field")
                    .note("Step Functions rejects fields the Amazon States Language does not define for this object")
                    .pointer(pointer_push(site.pointer, name));
                if let Some(s) = did_you_mean(name, spec.all_fields().map(|f| f.name)) {
                    let case_only = s.eq_ignore_ascii_case(name);
                    d = d
                        .help(format!("did you mean `{s}`?"))
                        .fix(rename(ctx.text, ctx.kind, &m.key, s, case_only));
                } else if let Some(owners) = owners_of(name, site.kind) {
                    d = d.help(format!("`{name}` is a field of {owners}; remove it here"));
                } else {
                    d = d.help(format!(
                        "remove it; the fields allowed here are {}",
                        allowed_list(spec)
                    ));
                }
                if site.kind == ObjectKind::Credentials
                    && site.query_language == QueryLanguage::JsonPath
                {
                    // AWS rejects this in JSONata states (recorded); for JSONPath, spec-based validators accept
                    // free-form Credentials and no AWS record exists yet: a warning until confirmed.
                    d.severity = Severity::Warning;
                }
                out.push(d);
            }
        }
    }
}

/// A fix renaming a key, keeping its quoting style.
fn rename(text: &str, kind: SourceKind, key: &Key, to: &str, case_only: bool) -> Fix {
    Fix {
        title: format!("Rename `{}` to `{to}`", key.text),
        applicability: if case_only {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        edits: vec![crate::rules::fixes::replace_token(text, kind, key.span, to)],
    }
}

/// "Task and Parallel states" when the field belongs to other state types.
fn owners_of(name: &str, here: ObjectKind) -> Option<String> {
    let owners: Vec<String> = SPECS
        .iter()
        .filter(|s| s.kind != here && s.kind != ObjectKind::UnknownState && s.field(name).is_some())
        .map(|s| kind_name(s.kind))
        .collect();
    match owners.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
    }
}

fn kind_name(k: ObjectKind) -> String {
    match k {
        ObjectKind::TopLevel => "the state machine".into(),
        ObjectKind::Branch => "Parallel branches".into(),
        ObjectKind::ItemProcessor => "`ItemProcessor`".into(),
        ObjectKind::Retrier => "retriers".into(),
        ObjectKind::Catcher => "catchers".into(),
        ObjectKind::ChoiceRule => "choice rules".into(),
        ObjectKind::NestedChoiceRule => "nested choice rules".into(),
        k if k.is_state() => format!("{k:?} states"),
        k => format!("`{k:?}`"),
    }
}

fn allowed_list(spec: &spec::ObjectSpec) -> String {
    let names: Vec<String> = spec
        .all_fields()
        .filter(|f| !spec::COMPARISONS.iter().any(|c| c.name == f.name))
        .map(|f| format!("`{}`", f.name))
        .collect();
    let mut s = names.join(", ");
    if spec
        .all_fields()
        .any(|f| spec::COMPARISONS.iter().any(|c| c.name == f.name))
    {
        s.push_str(" and the comparison operators");
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{Applicability, Diagnostic};
    use crate::syntax::SourceKind;

    fn findings(text: &str, kind: SourceKind) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, kind)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn typo_gets_unsafe_rename_and_case_gets_safe_rename() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Nxt":"B","resultpath":"$.x","End":true},"B":{"Type":"Succeed"}}}"#;
        let d = findings(text, SourceKind::Json);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].message, "unknown field `Nxt` in Pass state `A`");
        assert_eq!(d[0].pointer, "/States/A/Nxt");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        assert_eq!(fix.edits[0].replacement, "\"Next\"");
        assert_eq!(&text[fix.edits[0].span.range()], "\"Nxt\"");
        let fix = d[1].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::Safe);
        assert_eq!(fix.edits[0].replacement, "\"ResultPath\"");
    }

    #[test]
    fn yaml_rename_keeps_bare_keys_and_pointer_escapes_names() {
        let text = "StartAt: a/b\nStates:\n  a/b:\n    Type: Pass\n    Nex: x\n";
        let d = findings(text, SourceKind::Yaml);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/a~1b/Nex");
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.edits[0].replacement.as_str()),
            Some("Next")
        );
    }

    #[test]
    fn payload_templates_and_placeholder_keys_are_not_checked() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"Whatever":1},"Result":{"Nxt":2},"End":true},
            "C":{"Type":"Choice","Choices":[{"Variable":"$.x","%OPERATOR%":1,"Next":"A"}]}}}"#;
        assert!(findings(text, SourceKind::Json).is_empty());
    }
}

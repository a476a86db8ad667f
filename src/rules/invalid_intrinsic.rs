use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix};
use crate::expr::intrinsic::{self, looks_like_call, IssueKind, SIGNATURES};
use crate::rules::fixes::suggestion_fix;
use crate::rules::path_sites::describe;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports an intrinsic function call that Step Functions cannot run.
    ///
    /// An unknown function (with a did-you-mean fix), a wrong number of arguments, a literal of the wrong type
    /// (`States.MathAdd(1, '2')`), a bad literal value (an unknown `States.Hash` algorithm, `true` as the third
    /// argument of `States.JsonMerge`, a step of 0), a `States.Format` template whose `{}` count does not match
    /// its arguments, bad quoting or escaping (only `\'`, `\{`, `\}` and `\\` are escapes), unbalanced
    /// parentheses, blanks around the call, and nesting deeper than 10 calls. Calls are checked where they are
    /// allowed: the `key.$` values of payload templates (`Parameters`, `ResultSelector`, `ItemSelector`,
    /// `Credentials`, JSONPath `Assign`) and `ErrorPath`/`CausePath`; a call anywhere else is an `invalid-path`.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects a definition with a malformed or unknown call (`SCHEMA_VALIDATION_FAILED`); a call
    /// whose literals have the wrong type fails at run time with `States.IntrinsicFailure`.
    ///
    /// ## Example
    /// ```json
    /// "Parameters": { "total.$": "States.MathAdd($.a, '1')", "id.$": "States.UUUID()" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Parameters": { "total.$": "States.MathAdd($.a, 1)", "id.$": "States.UUID()" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html>
    pub struct InvalidIntrinsic {
        code: "ASL302",
        name: "invalid-intrinsic",
        category: Paths,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

impl Rule for InvalidIntrinsic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for p in &exprs.paths {
            let site = &p.site;
            let text = site.text;
            if !site.role.allows_intrinsics() || !looks_like_call(text) {
                continue;
            }
            let wher = describe(site);
            let at = |content: Span| site.span(ctx.text, content);
            let lead = text.len() - text.trim_start().len();
            let trail = text.len() - text.trim_end().len();
            if lead > 0 || trail > 0 {
                let (span, what) = if lead > 0 {
                    (Span::new(0, lead), "before")
                } else {
                    (Span::new(text.trim_end().len(), text.len()), "after")
                };
                let trimmed_start = text.len() - text.trim_start().len();
                let mut edits = Vec::new();
                if lead > 0 {
                    edits.push(Edit {
                        span: at(Span::new(0, trimmed_start)),
                        replacement: String::new(),
                    });
                }
                if trail > 0 {
                    edits.push(Edit {
                        span: at(Span::new(text.trim_end().len(), text.len())),
                        replacement: String::new(),
                    });
                }
                let mut d = META
                    .diagnostic(
                        at(span),
                        format!("{wher}: blank space {what} the intrinsic call"),
                    )
                    .label("remove this space")
                    .note("Step Functions reads the value as an intrinsic call only when it starts with the function name and ends with `)`")
                    .help("remove the blanks around the call")
                    .pointer(site.pointer.clone());
                if site.is_mappable(ctx.text) {
                    d = d.fix(Fix {
                        title: "Remove the blanks around the call".into(),
                        applicability: Applicability::Safe,
                        edits,
                    });
                }
                out.push(d);
            }
            for issue in crate::expr::check_classified(text, &p.expr) {
                let mut d = META
                    .diagnostic(at(issue.span), format!("{wher}: {}", issue.message))
                    .label(label(issue.kind))
                    .note(note(issue.kind))
                    .pointer(site.pointer.clone());
                if let Some((span, msg)) = &issue.related {
                    d = d.secondary(at(*span), msg.clone());
                }
                d = match &issue.help {
                    Some(h) => d.help(h.clone()),
                    None => d.help(default_help(issue.kind)),
                };
                if issue.kind == IssueKind::UnknownFunction {
                    if let Some(fix) = unknown_function_fix(ctx.text, site, issue.span) {
                        d = d.fix(fix);
                    }
                }
                out.push(d);
            }
        }
    }
}

fn label(kind: IssueKind) -> &'static str {
    match kind {
        IssueKind::Syntax => "syntax error",
        IssueKind::UnknownFunction => "unknown function",
        IssueKind::Arity => "wrong number of arguments",
        IssueKind::ArgType => "wrong type",
        IssueKind::ArgValue => "rejected value",
        IssueKind::FormatPlaceholders => "placeholder count differs",
        IssueKind::TooDeep => "nested too deep",
        IssueKind::Path => "invalid path",
        IssueKind::ReservedVariable => "reserved for JSONata",
    }
}

fn note(kind: IssueKind) -> &'static str {
    match kind {
        IssueKind::Syntax | IssueKind::UnknownFunction | IssueKind::Path => {
            "Step Functions rejects a definition with a malformed or unknown intrinsic call"
        }
        IssueKind::Arity => "Step Functions rejects a call with the wrong number of arguments",
        IssueKind::ArgType | IssueKind::ArgValue | IssueKind::FormatPlaceholders => {
            "the call fails at run time with States.IntrinsicFailure"
        }
        IssueKind::TooDeep => "Step Functions allows at most 10 nested intrinsic calls in one field",
        IssueKind::ReservedVariable => {
            "`$states` is a reserved variable name of JSONata states; JSONPath states cannot read it"
        }
    }
}

fn default_help(kind: IssueKind) -> &'static str {
    match kind {
        IssueKind::Syntax => "strings are single-quoted ('text'); escape `'`, `{`, `}` and `\\` with a backslash; close every `(`",
        IssueKind::Arity => "pass the number of arguments the function takes",
        _ => "see the intrinsic functions reference for the function's arguments",
    }
}

/// Renames an unknown function to the closest known one: safe when only the case differs, unsafe otherwise (the
/// meaning may differ).
fn unknown_function_fix(
    source: &str,
    site: &crate::semantic::ExprSite<'_, '_>,
    name_span: Span,
) -> Option<Fix> {
    let name = site.text.get(name_span.range())?;
    let suggestion = did_you_mean(name, SIGNATURES.iter().map(|s| s.name)).or_else(|| {
        let short = name.trim_start_matches("States.");
        did_you_mean(
            short,
            SIGNATURES
                .iter()
                .map(|s| s.name.trim_start_matches("States.")),
        )
        .and_then(|s| intrinsic::signature(&format!("States.{s}")).map(|s| s.name))
    })?;
    // Only when the name is written without escapes (the mapped span has the same length).
    let span = site.span(source, name_span);
    if !site.is_mappable(source) || span.len() != name.len() {
        return None;
    }
    Some(suggestion_fix(
        name,
        suggestion,
        span,
        suggestion.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn unknown_function_gets_a_fix_inside_the_string() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"States.UUUID()"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "States.UUUID");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.edits[0].replacement, "States.UUID");
        assert_eq!(d[0].pointer, "/States/A/Parameters/a.$");
    }

    #[test]
    fn case_only_function_typo_gets_a_safe_fix() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"states.format('x')"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, crate::diagnostics::Applicability::Safe);
        assert_eq!(fix.edits[0].replacement, "States.Format");
    }

    #[test]
    fn wrong_literal_type_and_leading_blank() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"States.MathAdd(1,'-1')","b.$":" States.UUID()"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "'-1'");
        assert_eq!(&text[d[1].span().range()], " ");
    }

    #[test]
    fn folded_yaml_scalar_gets_no_partial_edit() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Parameters:\n      f.$: >\n        States.UUID()\n    End: true\n";
        let d: Vec<Diagnostic> = crate::lint::lint_source("t", text, SourceKind::Yaml)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("blank space after"),
            "{}",
            d[0].message
        );
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn calls_in_error_path_are_checked_and_valid_ones_pass() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Fail","ErrorPath":"States.Format('{}{}', $.a)","CausePath":"States.UUID()"}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("placeholder"), "{}", d[0].message);
    }
}

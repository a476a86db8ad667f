use crate::diagnostics::{Diagnostic, Severity};
use crate::expr::intrinsic::looks_like_call;
use crate::expr::{Path, Root, TemplateExpr};
use crate::rules::path_sites::Described;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantic::path_sites::{self, ExprSite, PathRole};
use crate::syntax::{Span, Value};

declare_rule! {
    /// ## What it does
    /// Reports a path that does not parse, or that uses a form its field does not allow.
    ///
    /// Checked in JSONPath states: `InputPath`, `OutputPath`, `ResultPath` (also in catchers), `ItemsPath`, the
    /// `...Path` fields (`TimeoutSecondsPath`, `HeartbeatSecondsPath`, `SecondsPath`, `TimestampPath`,
    /// `ErrorPath`, `CausePath`, `MaxConcurrencyPath`, `ToleratedFailure...Path`, `MaxItemsPath`,
    /// `MaxItemsPerBatchPath`, `MaxInputBytesPerBatchPath`), a choice rule's `Variable` and `...Path` operands,
    /// and the values of `key.$` members of payload templates (which must be strings). `ResultPath` must be a
    /// reference path into the state input: only `.name`, `['name']` and `[n]` steps, no `$$` and no variable.
    /// Intrinsic functions are allowed only in payload templates, `ErrorPath` and `CausePath`. The fields that
    /// must select one value (`ItemsPath`, `Variable`, the numeric `...Path` fields) get a warning for a
    /// wildcard, slice, filter or deep scan: the specification requires a reference path there.
    ///
    /// ## Why is this bad?
    /// Step Functions rejects the definition (`SCHEMA_VALIDATION_FAILED`), or, for a path that selects a list
    /// where one value is needed, the state fails at run time.
    ///
    /// ## Example
    /// ```json
    /// "Save": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.items[*]", "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Save": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.items", "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html>
    /// - <https://states-language.net/spec.html#path>
    pub struct InvalidPath {
        code: "ASL301",
        name: "invalid-path",
        category: Paths,
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
    }
}

const WHY: &str = "Step Functions rejects a definition whose paths do not parse";

impl Rule for InvalidPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for p in &exprs.paths {
            check_site(ctx.text, &p.site, &p.expr, out);
        }
        // `key.$` members whose value is not a string.
        for t in &exprs.templates {
            path_sites::walk_members(t.field.node, &t.field.pointer, |m, p| {
                if !m.key.text.ends_with(".$") || path_sites::is_unknown(&m.key.text) {
                    return;
                }
                if matches!(
                    m.value.value,
                    Value::String(_) | Value::Tagged { .. } | Value::Error
                ) {
                    return;
                }
                out.push(
                    META.diagnostic(
                        m.value.span,
                        format!(
                            "the value of `{}` in the {} of {} must be a string, found {}",
                            m.key.text,
                            t.name,
                            t.state.describe(),
                            m.value.type_name()
                        ),
                    )
                    .label(format!("{} instead of a path", m.value.type_name()))
                    .secondary(m.key.span, "`.$` makes this value a path")
                    .note("a key ending in `.$` takes a path, a context path, a variable or an intrinsic call, written as a string")
                    .help(format!(
                        "write a path such as \"$.field\", or remove `.$` from the key to pass the value as it is: `{}`",
                        m.key.text.trim_end_matches(".$")
                    ))
                    .pointer(p),
                );
            });
        }
    }
}

fn whole(text: &str) -> Span {
    Span::new(0, text.len())
}

fn check_site(
    source: &str,
    site: &ExprSite<'_, '_>,
    expr: &TemplateExpr,
    out: &mut Vec<Diagnostic>,
) {
    let text = site.text;
    let wher = Described(site);
    let diag = |content: Span, message: String| {
        META.diagnostic(site.span(source, content), message)
            .pointer(site.pointer.clone())
    };
    if looks_like_call(text) {
        if !site.role.allows_intrinsics() {
            out.push(
                diag(
                    whole(text),
                    format!("{wher} cannot be an intrinsic function call"),
                )
                .label("intrinsic call where a path is expected")
                .note("intrinsic functions are allowed only in payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, `Credentials`) and in `ErrorPath`/`CausePath`")
                .help("compute the value in `Parameters` (or an earlier Pass state) and reference it here with a path"),
            );
        }
        // Otherwise the call is checked by `invalid-intrinsic`.
        return;
    }
    if !text.starts_with('$') {
        let expected = match site.role {
            PathRole::Template { .. } | PathRole::PathOrIntrinsic => {
                "a path (`$.x`), a context path (`$$.x`), a variable (`$x`) or an intrinsic call"
            }
            _ => "a path starting with `$`",
        };
        let found = if text.is_empty() {
            "an empty string".to_string()
        } else {
            format!("`{text}`")
        };
        let mut d = diag(
            whole(text),
            format!("{wher} must be {expected}, found {found}"),
        )
        .label("not a path")
        .note(WHY);
        d = match site.role {
            PathRole::Template { .. } => d.help(format!(
                "write a path such as `$.{}`, or remove `.$` from the key to pass the string as it is",
                text.trim()
            )),
            _ => d.help("write a JSONPath starting with `$`, such as `$.field`"),
        };
        out.push(d);
        return;
    }
    // The index parsed the string once: a `$`-string is a path (of some root) or a path error.
    let path = match expr {
        TemplateExpr::Path(p) | TemplateExpr::ContextPath(p) | TemplateExpr::Variable(p) => p,
        TemplateExpr::Intrinsic(_) => return,
        TemplateExpr::Invalid(e) => {
            out.push(
                diag(e.span, format!("invalid path in {wher}: {}", e.message))
                    .label(e.message.clone())
                    .note(WHY)
                    .help("fix the path syntax: `$.name`, `$['name with spaces']`, `$.list[0]`"),
            );
            return;
        }
    };
    if path.uses_reserved_variable() {
        out.push(
            diag(
                path.root_span,
                format!("{wher} uses `$states`, which exists only in JSONata states"),
            )
            .label("reserved for JSONata")
            .note("`$states` is a reserved variable name of JSONata states; JSONPath states cannot read it")
            .help("read the value with a path (`$.field`) or the context object (`$$.…`), or switch the state to JSONata"),
        );
        return;
    }
    match site.role {
        PathRole::ResultPath => check_result_path(path, &wher, diag, out),
        PathRole::Single => {
            if let Some(seg) = path.first_non_reference_segment() {
                let mut d = diag(
                    seg.span,
                    format!("{wher} must select one value, but `{}` can select several", slice(text, seg.span)),
                )
                .label("selects a list")
                .note("the specification requires a reference path here (only `.name`, `['name']` and `[n]` steps): a wildcard, slice, filter or deep scan yields a list")
                .help("select the single value with `.name` and `[n]` steps, or prepare it in `Parameters` or an earlier state");
                d.severity = Severity::Warning;
                out.push(d);
            }
        }
        _ => {}
    }
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.range()).unwrap_or(text)
}

fn check_result_path(
    path: &Path,
    wher: &Described<'_, '_, '_>,
    diag: impl Fn(Span, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    match &path.root {
        Root::Variable(name) => {
            out.push(
                diag(
                    path.root_span,
                    format!("{wher} cannot reference the variable `${name}`"),
                )
                .label("a variable")
                .note("`ResultPath` places the result inside the state input: it must start with `$`")
                .help(format!(
                    "assign the result to the variable with `\"Assign\": {{\"{name}.$\": \"$\"}}`, or use a path such as `$.{name}`"
                )),
            );
            return;
        }
        Root::Context => {
            out.push(
                diag(
                    path.root_span,
                    format!("{wher} cannot write into the context object"),
                )
                .label("the context object is read-only")
                .note("`ResultPath` places the result inside the state input: it must start with `$`, not `$$`")
                .help("use a path into the input, such as `$.result`"),
            );
            return;
        }
        Root::Input => {}
    }
    if let Some(seg) = path.first_non_reference_segment() {
        out.push(
            diag(
                seg.span,
                format!("{wher} must be a reference path"),
            )
            .label("not allowed in a reference path")
            .note("`ResultPath` must identify one place to write the result: only `.name`, `['name']` and `[n]` steps are allowed, no wildcard, slice, filter or deep scan")
            .help("name the exact place, such as `$.result` or `$.items[0]`"),
        );
    }
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
    fn span_points_inside_the_string_at_the_bad_step() {
        let text =
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "[*]");
        assert_eq!(d[0].pointer, "/States/A/ResultPath");
        assert_eq!(d[0].severity, Severity::Error);
    }

    #[test]
    fn variable_and_intrinsic_where_not_allowed() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$foo","InputPath":"States.Format('x')","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().any(|d| d.message.contains("variable `$foo`")));
        assert!(d.iter().any(|d| d.message.contains("intrinsic")));
    }

    #[test]
    fn valid_forms_and_jsonata_states_are_silent() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.books[-2]","OutputPath":"$..x[?(@.a==1)]",
            "Parameters":{"a.$":"$.foo-bar","b.$":"$$.Execution.Id","c.$":"$v.x","d.$":"States.UUID()","e.$":"${Sub}"},"Next":"B"},
            "B":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"x.$":"whatever"},"End":true}}}"#;
        assert!(findings(text).is_empty(), "{:#?}", findings(text));
    }

    #[test]
    fn non_string_dollar_value_and_literal_word() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":23,"b.$":"ipsum"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "23");
        assert_eq!(&text[d[1].span().range()], "ipsum");
        assert_eq!(d[1].pointer, "/States/A/Parameters/b.$");
    }

    #[test]
    fn empty_string_points_at_its_quotes() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","OutputPath":"","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "\"\"");
        assert!(
            d[0].message.ends_with("found an empty string"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn single_value_fields_warn_on_lists() {
        let text =
            r#"{"StartAt":"A","States":{"A":{"Type":"Wait","SecondsPath":"$.w[*]","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
    }
}

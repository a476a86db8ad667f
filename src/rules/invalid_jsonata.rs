use crate::diagnostics::{Diagnostic, Severity};
use crate::expr::jsonata::{self, looks_like_jsonpath, FORBIDDEN_FUNCTIONS};
use crate::expr::span_map::SpanMap;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `{% ... %}` JSONata expression that does not parse, pointing at the place inside the string where
    /// parsing fails (an unterminated string, an unbalanced bracket, an unexpected token).
    ///
    /// Also reports calls of `$eval`, which Step Functions does not allow, and (as a warning) calls of functions
    /// that are neither JSONata built-ins, Step Functions additions (`$partition`, `$range`, `$hash`, `$random`,
    /// `$uuid`, `$parse`) nor defined in the expression.
    ///
    /// ## Why is this bad?
    /// Step Functions evaluates every `{% ... %}` string of a JSONata state with JSONata. An expression that does
    /// not parse can never be evaluated: the definition is rejected, or the state fails with
    /// `States.QueryEvaluationError`.
    ///
    /// ## Example
    /// ```json
    /// "Output": "{% $sum($states.input.items %}"
    /// ```
    /// Use instead:
    /// ```json
    /// "Output": "{% $sum($states.input.items) %}"
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
    /// - <https://docs.jsonata.org/overview.html>
    pub struct InvalidJsonata {
        code: "ASL601",
        name: "invalid-jsonata",
        category: Jsonata,
        severity: Error,
        aws_code: None,
    }
}

/// Maps a span of a string's content to the file (the whole token when the string cannot be mapped exactly).
pub(crate) fn map_content(map: Option<&SpanMap>, token: Span, content: Span) -> Span {
    match map {
        Some(m) => m.span(content),
        None => token,
    }
}

impl Rule for InvalidJsonata {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for j in &exprs.jsonata {
            let e = &j.string;
            let (Some(enc), Some(parsed)) = (j.enclosed, j.parsed.as_ref()) else {
                continue;
            };
            let body = enc.body;
            let off = enc.body_offset;
            let map = SpanMap::new(ctx.text, e.node.span);
            let at = |s: Span| {
                map_content(
                    map.as_ref(),
                    e.node.span,
                    Span::new(s.start() + off, s.end() + off),
                )
            };
            if let Some(err) = &parsed.error {
                if looks_like_jsonpath(body) {
                    continue; // jsonata-not-enclosed explains this one
                }
                let (span, label) = if err.span.is_empty() {
                    // The expression ended too early: point at the closing `%}`.
                    (
                        at(Span::new(body.len(), body.len() + 2)),
                        "the expression ends here".to_string(),
                    )
                } else {
                    (at(err.span), "here".to_string())
                };
                let mut d = META
                    .diagnostic(span, format!("JSONata syntax error: {}", err.message))
                    .label(label)
                    .note(
                        "Step Functions evaluates every `{% ... %}` string of a JSONata state with JSONata; an \
                         expression that does not parse can never be evaluated",
                    )
                    .help(help_for(&err.message))
                    .pointer(e.pointer.clone());
                if let Some((rel, msg)) = &err.related {
                    // Not when the string cannot be mapped exactly (block scalars): both would be the whole token.
                    if at(*rel) != span {
                        d = d.secondary(at(*rel), msg.clone());
                    }
                }
                out.push(d);
                continue;
            }
            for call in jsonata::function_calls(body, &parsed.tokens) {
                if FORBIDDEN_FUNCTIONS.contains(&call.name.as_str()) {
                    out.push(
                        META.diagnostic(
                            at(call.span),
                            format!("`${}` is not available in Step Functions", call.name),
                        )
                        .label("not allowed")
                        .note("Step Functions does not allow `$eval` in JSONata expressions")
                        .help("use `$parse()` to turn a JSON string into a value")
                        .pointer(e.pointer.clone()),
                    );
                } else if !jsonata::is_builtin_function(&call.name) {
                    let mut d = META
                        .diagnostic(
                            at(call.span),
                            format!("unknown JSONata function `${}`", call.name),
                        )
                        .label("not a built-in function")
                        .note(
                            "workflow variables hold JSON values, never functions: calling an unknown function \
                             fails with `States.QueryEvaluationError`",
                        )
                        .pointer(e.pointer.clone());
                    d.severity = Severity::Warning;
                    d = match did_you_mean(&call.name, jsonata::BUILTIN_FUNCTIONS.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `${s}`?")),
                        None => d.help(
                            "call a JSONata built-in function, or define the function in the expression with \
                             `$f := function($x) { ... }`",
                        ),
                    };
                    out.push(d);
                }
            }
        }
    }
}

fn help_for(message: &str) -> String {
    if message.contains("unterminated string") {
        "close the string with the same quote it starts with (JSONata strings use single quotes inside JSON)".into()
    } else if message.contains("never closed") {
        "add the missing closing bracket".into()
    } else if message.contains("does not match") || message.contains("closes nothing") {
        "balance the brackets".into()
    } else if message.contains("empty") {
        "write an expression between `{%` and `%}`, or use a literal value".into()
    } else {
        "fix the expression; the JSONata syntax is described at https://docs.jsonata.org".into()
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
    fn points_inside_the_string() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"x":"{% 10 + * 2 %}"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "2");
        assert_eq!(d[0].pointer, "/States/A/Output/x");
    }

    #[test]
    fn escapes_are_mapped() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% \"a\u00e9\" & ( %}","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "(");
    }

    #[test]
    fn jsonpath_states_are_not_checked() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":"{% ( %}"},"End":true}}}"#;
        assert!(findings(text).is_empty());
    }

    #[test]
    fn eval_and_unknown_functions() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $eval('1') & $sumx(1) & ($f := function($v){$v}; $f(1)) %}","End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "$eval");
        assert_eq!(d[0].severity, crate::diagnostics::Severity::Error);
        assert_eq!(&text[d[1].span().range()], "$sumx");
        assert_eq!(d[1].severity, crate::diagnostics::Severity::Warning);
        assert_eq!(d[1].help.as_deref(), Some("did you mean `$sum`?"));
    }
}

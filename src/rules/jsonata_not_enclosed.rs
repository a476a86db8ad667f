use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::expr::jsonata::{delimiter_problem, enclosed, looks_like_jsonpath, DelimiterProblem};
use crate::expr::span_map::SpanMap;
use crate::rules::invalid_jsonata::map_content;
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports, in a JSONata state, a string that looks like a JSONata expression but is not exactly
    /// `{% ... %}`, and JSONPath written where JSONata is expected.
    ///
    /// Errors: a string that starts with `{%` but does not end with `%}` (or the reverse), and a `{% ... %}`
    /// expression written in JSONPath syntax (`{% $.items[?(@.price < 10)] %}`). Warnings: whitespace outside the
    /// delimiters (`" {% $x %}"` is a literal string), an expression written flush against both delimiters
    /// (`{%$x%}`), and a JSONPath string such as `"$.name"` or `"$$.Execution.Id"`, which a JSONata state passes
    /// on as literal text, and a `key.$` object key (JSONata states keep the key as written). Info: a line break
    /// inside `{% %}`, which Step Functions accepts but validators matching the delimiters on one line (such as
    /// asl-validator) reject.
    ///
    /// ## Why is this bad?
    /// Step Functions evaluates a string of a JSONata state only when the whole string is `{% <expression> %}`.
    /// Anything else is a literal: the state receives the text of the expression instead of its value. JSONata
    /// states do not evaluate JSONPath: the state input is `$states.input`, not `$`.
    ///
    /// ## Example
    /// ```json
    /// "Output": { "total": "{% $sum($states.input.items) %", "id": "$.id" }
    /// ```
    /// Use instead:
    /// ```json
    /// "Output": { "total": "{% $sum($states.input.items) %}", "id": "{% $states.input.id %}" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
    pub struct JsonataNotEnclosed {
        code: "ASL602",
        name: "jsonata-not-enclosed",
        category: Jsonata,
        severity: Error,
        aws_code: None,
    }
}

const LITERAL_NOTE: &str =
    "Step Functions evaluates a string of a JSONata state only when the whole string is \
                            `{% <expression> %}`; any other string is passed on as literal text";

fn insert(span: Span, text: &str, title: &str, applicability: Applicability) -> Fix {
    Fix {
        title: title.to_string(),
        applicability,
        edits: vec![Edit {
            span,
            replacement: text.to_string(),
        }],
    }
}

impl Rule for JsonataNotEnclosed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for k in &exprs.jsonata_keys {
            let Some(name) = k.key.text.strip_suffix(".$") else {
                continue;
            };
            if k.field == "Assign" && k.depth == 0 {
                continue; // a variable name: invalid-variable-name explains it
            }
            let suffix = crate::expr::span_map::map_span(
                ctx.text,
                k.key.span,
                Span::new(name.len(), k.key.text.len()),
            );
            let mut d = META
                .diagnostic(suffix, format!("`{}` keeps its `.$` suffix in a JSONata state", k.key.text))
                .label("not a dynamic key here")
                .note(
                    "JSONata states do not use `.$` keys: the key is kept as written and its value is taken \
                     literally; a value is computed only by a `{% ... %}` string",
                )
                .help(format!(
                    "name the key `{name}` and write the value as a JSONata expression `{{% ... %}}`"
                ))
                .pointer(k.pointer.clone());
            d.severity = Severity::Warning;
            out.push(d);
        }
        for j in &exprs.jsonata {
            let e = &j.string;
            let map = SpanMap::new(ctx.text, e.node.span);
            let at = |s: Span| map_content(map.as_ref(), e.node.span, s);
            let len = e.text.len();
            if let (Some(enc), Some(parsed)) = (j.enclosed, j.parsed.as_ref()) {
                let body = enc.body;
                if looks_like_jsonpath(body) && parsed.error.is_some() {
                    let lead = body.len() - body.trim_start().len();
                    let span = Span::new(
                        enc.body_offset + lead,
                        enc.body_offset + body.trim_end().len(),
                    );
                    out.push(
                        META.diagnostic(at(span), "JSONPath syntax inside a JSONata expression")
                            .label("JSONPath, not JSONata")
                            .note(
                                "a JSONata state evaluates `{% ... %}` with JSONata: the state input is \
                                 `$states.input` (`$` is the current context value), and JSONPath filters such as \
                                 `[?(@.x < 1)]` are written `[x < 1]`",
                            )
                            .help(
                                "rewrite the expression in JSONata, e.g. `$.items[?(@.price < 10)].name` becomes \
                                 `$states.input.items[price < 10].name`",
                            )
                            .pointer(e.pointer.clone()),
                    );
                }
            }
            if let Some(enc) = j.enclosed {
                if let Some(nl) = enc.body.find(['\n', '\r']) {
                    let at_nl = enc.body_offset + nl;
                    let mut d = META
                        .diagnostic(
                            at(Span::new(at_nl, at_nl + 1)),
                            "JSONata expression spans several lines",
                        )
                        .label("line break inside `{% %}`")
                        .note(
                            "Step Functions evaluates it (JSONata treats a line break as whitespace), but \
                             validators that match `{% <expression> %}` on one line, such as asl-validator, reject \
                             the definition",
                        )
                        .help(
                            "write the expression on one line (in YAML a folded `>-` scalar does this), or disable \
                             `jsonata-not-enclosed` if no other validator reads the definition",
                        )
                        .pointer(e.pointer.clone());
                    d.severity = Severity::Info;
                    out.push(d);
                }
            }
            let before = out.len();
            match delimiter_problem(e.text) {
                Some(DelimiterProblem::NoClose { .. }) => {
                    let open = e.text.len() - e.text.trim_start().len();
                    let end = e.text.trim_end().len();
                    out.push(
                        META.diagnostic(
                            at(Span::new(open, open + 2)),
                            "JSONata expression is missing its closing `%}`",
                        )
                        .label("opened here")
                        .secondary(at(Span::empty(end)), "expected ` %}` here")
                        .note(LITERAL_NOTE)
                        .help("end the string with ` %}`")
                        .fix(insert(
                            at(Span::empty(len)),
                            if e.text.ends_with('%') { "}" } else { " %}" },
                            "Close the expression with `%}`",
                            Applicability::Unsafe,
                        ))
                        .pointer(e.pointer.clone()),
                    );
                }
                Some(DelimiterProblem::NoOpen { close }) => {
                    out.push(
                        META.diagnostic(
                            at(close),
                            "JSONata expression is missing its opening `{%`",
                        )
                        .label("closed here")
                        .note(LITERAL_NOTE)
                        .help("start the string with `{% `")
                        .fix(insert(
                            at(Span::empty(0)),
                            "{% ",
                            "Open the expression with `{%`",
                            Applicability::Unsafe,
                        ))
                        .pointer(e.pointer.clone()),
                    );
                }
                Some(DelimiterProblem::SpacesOutside { leading, trailing }) => {
                    let (first, other) = if leading.is_empty() {
                        (trailing, None)
                    } else {
                        (leading, (!trailing.is_empty()).then_some(trailing))
                    };
                    let mut d = META
                        .diagnostic(
                            at(first),
                            "whitespace outside `{% %}` makes this string a literal, not a JSONata expression",
                        )
                        .label("outside the delimiters")
                        .note(LITERAL_NOTE)
                        .help("remove the whitespace before `{%` and after `%}`")
                        .pointer(e.pointer.clone());
                    let mut edits = Vec::new();
                    for s in [leading, trailing] {
                        if !s.is_empty() {
                            edits.push(Edit {
                                span: at(s),
                                replacement: String::new(),
                            });
                        }
                    }
                    if let Some(o) = other {
                        d = d.secondary(at(o), "and here");
                    }
                    d = d.fix(Fix {
                        title: "Remove the whitespace outside `{% %}`".into(),
                        applicability: Applicability::Unsafe,
                        edits,
                    });
                    d.severity = Severity::Warning;
                    out.push(d);
                }
                Some(DelimiterProblem::NoSpaces) => {
                    let mut d = META
                        .diagnostic(
                            at(Span::new(0, len)),
                            "JSONata expression written flush against `{%` and `%}`",
                        )
                        .label("no space inside the delimiters")
                        .note(
                            "the documented form is `{% <expression> %}`; validators such as asl-validator reject \
                             `{%expr%}`",
                        )
                        .help("put a space after `{%` and before `%}`")
                        .fix(Fix {
                            title: "Add spaces inside `{% %}`".into(),
                            applicability: Applicability::Safe,
                            edits: vec![
                                Edit {
                                    span: at(Span::empty(2)),
                                    replacement: " ".into(),
                                },
                                Edit {
                                    span: at(Span::empty(len - 2)),
                                    replacement: " ".into(),
                                },
                            ],
                        })
                        .pointer(e.pointer.clone());
                    d.severity = Severity::Warning;
                    out.push(d);
                }
                None => {
                    if enclosed(e.text).is_none() && looks_like_jsonpath(e.text) {
                        let mut d = META
                            .diagnostic(
                                at(Span::new(0, len)),
                                format!("`{}` is literal text in a JSONata state", e.text.trim()),
                            )
                            .label("not evaluated")
                            .note(
                                "JSONata states do not evaluate JSONPath, context paths or intrinsic functions: \
                                 the string is passed on as it is",
                            )
                            .help(
                                "to read the input write `{% $states.input.name %}`, for the context object \
                                 `{% $states.context.Execution.Id %}`",
                            )
                            .pointer(e.pointer.clone());
                        d.severity = Severity::Warning;
                        out.push(d);
                    }
                }
            }
            if map.is_none() {
                // The string cannot be mapped exactly (a YAML block scalar): no edit can be placed safely.
                for d in out.iter_mut().skip(before) {
                    d.fix = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Severity;
    use crate::syntax::SourceKind;

    fn findings(output: &str) -> (String, Vec<crate::diagnostics::Diagnostic>) {
        let text = format!(
            r#"{{"QueryLanguage":"JSONata","StartAt":"A","States":{{"A":{{"Type":"Pass","Output":{output},"End":true}}}}}}"#
        );
        let d = crate::lint::lint_source("t", &text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect();
        (text, d)
    }

    #[test]
    fn delimiter_cases() {
        let (t, d) = findings(r#""{% 10 %""#);
        assert_eq!(d.len(), 1);
        assert_eq!(&t[d[0].span().range()], "{%");
        assert_eq!(d[0].severity, Severity::Error);
        let (t, d) = findings(r#""10 %}""#);
        assert_eq!(&t[d[0].span().range()], "%}");
        let (_, d) = findings(r#"" {% 10 %}""#);
        assert_eq!(d[0].severity, Severity::Warning);
        let (_, d) = findings(r#""{%10%}""#);
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[0].fix.is_some());
        let (_, d) = findings(r#""{% 10 %}""#);
        assert!(d.is_empty());
        let (_, d) = findings(r#""{%$f(1) %}""#);
        assert!(d.is_empty());
    }

    #[test]
    fn line_break_inside_is_info() {
        let (t, d) = findings(r#""{% \n10   %}""#);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Info);
        assert_eq!(&t[d[0].span().range()], "\\n");
        let (_, d) = findings(r#""{% 1 +\r\n 2 %}""#);
        assert_eq!(d.len(), 1);
        let (_, d) = findings(r#""{% 'a\tb' %}""#);
        assert!(d.is_empty());
    }

    #[test]
    fn jsonpath_inside_and_outside() {
        let (t, d) = findings(r#""{% $.a[?(@.p < 1)] %}""#);
        assert_eq!(d.len(), 1);
        assert_eq!(&t[d[0].span().range()], "$.a[?(@.p < 1)]");
        assert_eq!(d[0].severity, Severity::Error);
        let (_, d) = findings(r#"{"x":"$.a","y":"$$.Execution.Id","z":"$var","w":"hello"}"#);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().all(|d| d.severity == Severity::Warning));
    }

    #[test]
    fn dollar_keys_are_literal_in_jsonata() {
        let (t, d) = findings(r#"{"a.$":"{% 1 %}","b":{"c.$":"x"}}"#);
        let spans: Vec<&str> = d.iter().map(|d| &t[d.span().range()]).collect();
        assert_eq!(spans, vec![".$", ".$"]);
        assert_eq!(d[1].pointer, "/States/A/Output/b/c.$");
    }
}

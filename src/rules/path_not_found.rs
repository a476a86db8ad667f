use crate::diagnostics::{Diagnostic, Severity};
use crate::expr::jsonpath::Selector;
use crate::rules::typeflow_sites::producers;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::typeflow::{self, Lookup, Presence, Shape};

declare_rule! {
    /// ## What it does
    /// Reports a JSONPath reference (`InputPath`, a `key.$` value, `ItemsPath`, a Choice `Variable`, a `...Path`
    /// field, an intrinsic argument, an `Assign` value) to a field that the data reaching the state does not have.
    /// The shape of the data is inferred along every transition into the state: an error when no path into the
    /// state provides the field, a warning when only some do. Reads of workflow variables (`$order.id`) are checked
    /// against the shapes their `Assign`s give them, and reads of `$$.Execution.Input` and `$$.Map.Item.Value`
    /// against the execution input and the Map item.
    ///
    /// Only data the definition builds itself (a Pass `Result`, `Parameters`, `ResultSelector`, a catcher's
    /// `{Error, Cause}`, Map and Parallel results) can prove a field absent; the execution input and task results
    /// are unknown and never reported.
    ///
    /// ## Why is this bad?
    /// A path that matches nothing fails the execution with `States.Runtime` ("The JSONPath ... could not be
    /// found in the input"), the most common runtime failure of Step Functions executions.
    ///
    /// ## Example
    /// ```json
    /// "Build": { "Type": "Pass", "Result": { "id": 1 }, "Next": "Use" },
    /// "Use": { "Type": "Pass", "Parameters": { "order.$": "$.orderId" }, "End": true }
    /// ```
    /// Use instead:
    /// ```json
    /// "Use": { "Type": "Pass", "Parameters": { "order.$": "$.id" }, "End": true }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html>
    pub struct PathNotFound {
        code: "ASL901",
        name: "path-not-found",
        category: Types,
        severity: Error,
        aws_code: None,
    }
}

impl Rule for PathNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(sem) = ctx.semantic else { return };
        let Some(analysis) = typeflow::analyze_context(ctx) else {
            return;
        };
        for read in analysis.reads() {
            if !read.required {
                continue;
            }
            let Some(info) = sem.state(read.state) else {
                continue;
            };
            let Some(flow) = analysis.state(read.state) else {
                continue;
            };
            let st = info.state;
            let who = st.describe();
            let text = &read.text;
            let (segment, parent, always) = match &read.lookup {
                Lookup::Absent { segment, parent } => (*segment, parent.clone(), true),
                Lookup::Found(_, Presence::Sometimes) => {
                    // The first step that is only sometimes present.
                    let Some((i, parent)) = (1..=read.path.segments.len()).find_map(|k| {
                        let prefix = read.path.segments.get(..k)?;
                        match analysis.base(read).lookup(prefix) {
                            Lookup::Found(_, Presence::Sometimes) => Some((
                                k - 1,
                                match analysis.base(read).lookup(prefix.get(..k - 1)?) {
                                    Lookup::Found(s, _) => s,
                                    _ => Shape::Unknown,
                                },
                            )),
                            _ => None,
                        }
                    }) else {
                        continue;
                    };
                    (i, parent, false)
                }
                _ => continue,
            };
            // The structure of the context object is `invalid-context-path`'s business; only the data it holds
            // (the execution input, the Map item) is checked here.
            if read.against == typeflow::Against::Context && !in_context_data(read, segment) {
                continue;
            }
            let Some(seg) = read.path.segments.get(segment) else {
                continue;
            };
            let what = match &seg.selector {
                Selector::Name(n) => format!("field `{n}`"),
                Selector::Index(i) => format!("element `[{i}]`"),
                _ => "value".to_string(),
            };
            let span = read.span_in(ctx.text, seg.span);
            let against = against_text(read);
            let against = against.as_str();
            let mut d = if always {
                META.diagnostic(span, format!("`{text}` is not in {against} of {who}"))
                    .label(format!("no {what} in {}", parent.describe()))
            } else {
                let mut d = META
                    .diagnostic(
                        span,
                        format!("`{text}` may be missing from {against} of {who}"),
                    )
                    .label(format!(
                        "{what} is absent on some paths into `{}`",
                        st.name.text
                    ));
                d.severity = Severity::Warning;
                d
            };
            let keep = |l: &Lookup| matches!(l, Lookup::Absent { .. });
            for (s, m) in producers(sem, analysis, st, flow, read, keep) {
                d = d.secondary(s, m);
            }
            d = if always {
                d.note(format!(
                    "every path into `{}` delivers {against} without this {what}: a path that matches nothing fails the execution with `States.Runtime`",
                    st.name.text
                ))
            } else {
                d.note(format!(
                    "on the paths marked, {against} has no {what}: the execution then fails with `States.Runtime`"
                ))
            };
            let suggestion = match &seg.selector {
                Selector::Name(n) => did_you_mean(n, parent.field_names()),
                _ => None,
            };
            d = match suggestion {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None if always => d.help(format!(
                    "read a field that {against} has ({}), or make the states before `{}` keep this {what} (e.g. with a `ResultPath` that adds the result instead of replacing the input)",
                    parent.describe(),
                    st.name.text
                )),
                None => d.help(format!(
                    "provide this {what} on every path into `{}`, or test it with `IsPresent` in a Choice state first",
                    st.name.text
                )),
            };
            out.push(d.pointer(read.pointer.clone()));
        }
    }
}

/// True when segment `segment` of a `$$` path is inside `$$.Execution.Input` or `$$.Map.Item.Value`.
fn in_context_data(read: &typeflow::Read, segment: usize) -> bool {
    let names: Vec<&str> = read
        .path
        .segments
        .iter()
        .take(3)
        .map(|s| match &s.selector {
            Selector::Name(n) => n.as_str(),
            _ => "",
        })
        .collect();
    match names.as_slice() {
        ["Execution", "Input", ..] => segment >= 2,
        ["Map", "Item", "Value"] => segment >= 3,
        _ => false,
    }
}

/// What a read looks into, for messages: "the input", "the value of `$order`".
fn against_text(read: &typeflow::Read) -> String {
    match (&read.against, &read.path.root) {
        (typeflow::Against::Variable, crate::expr::jsonpath::Root::Variable(n)) => {
            format!("the value of `${n}`")
        }
        (a, _) => a.describe().to_string(),
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
    fn absent_after_pass_result_is_an_error() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"id":1},"Next":"B"},"B":{"Type":"Pass","Parameters":{"x.$":"$.ids"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(&text[d[0].span().range()], ".ids");
        assert_eq!(d[0].pointer, "/States/B/Parameters/x.$");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `id`?"));
    }

    #[test]
    fn absent_on_one_branch_is_a_warning() {
        let text = r#"{"StartAt":"C","States":{
            "C":{"Type":"Choice","Choices":[{"Variable":"$.k","StringEquals":"a","Next":"A"}],"Default":"B"},
            "A":{"Type":"Pass","Result":{"id":1,"n":2},"Next":"D"},
            "B":{"Type":"Pass","Result":{"id":1},"Next":"D"},
            "D":{"Type":"Pass","Parameters":{"x.$":"$.n"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].secondary.len(), 1, "only B lacks n: {d:#?}");
    }

    #[test]
    fn unknown_input_is_silent() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"x.$":"$.anything"},"Next":"B"},"B":{"Type":"Pass","Parameters":{"p.$":"$.Payload.deep"},"End":true}}}"#;
        assert!(findings(text).is_empty());
    }

    #[test]
    fn is_present_guard_is_respected() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"id":1},"Next":"C"},
            "C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.x","IsPresent":true},{"Variable":"$.x","StringEquals":"a"}],"Next":"E"}],"Default":"E"},
            "E":{"Type":"Succeed"}}}"#;
        assert!(findings(text).is_empty(), "{:#?}", findings(text));
    }
}

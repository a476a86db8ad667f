use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::expr::intrinsic;
use crate::expr::jsonpath::{Segment, Selector};
use crate::expr::{Path, Root, TemplateExpr};
use crate::model::StateType;
use crate::rules::path_sites::describe;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::semantic::{ExprSite, PathRole};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a context-object path (`$$...`) that names a field the context object does not have, or one that
    /// does not exist where it is used.
    ///
    /// The context object has `Execution` (`Id`, `Input`, `Name`, `RoleArn`, `StartTime`, `RedriveCount`,
    /// `RedriveTime`), `StateMachine` (`Id`, `Name`), `State` (`EnteredTime`, `Name`, `RetryCount`), `Task`
    /// (`Token`) and `Map.Item` (`Index`, `Value`, and `Key` when a Map iterates over an object). Paths may go
    /// deeper only into `Execution.Input` and `Map.Item.Value`. `$$.Task.Token` exists only in a Task state, and
    /// `$$.Map.Item` only in a Map state's `ItemSelector` (or legacy `Parameters`). A misspelt known field
    /// (`$$.Execution.Nmae`, `$$.Executon.Id`) is an error; an unknown top-level name with no close match
    /// (`$$.mapItems`) is a warning, as other validators accept it.
    ///
    /// ## Why is this bad?
    /// The path selects nothing, and the state fails at run time with `States.Runtime` (a path that matches
    /// nothing in `Parameters` fails the state).
    ///
    /// ## Example
    /// ```json
    /// "Parameters": { "id.$": "$$.Execution.ID", "item.$": "$$.Map.Item.Value" }
    /// ```
    /// in a Task state; use instead (with the item read in the Map state's `ItemSelector`):
    /// ```json
    /// "Parameters": { "id.$": "$$.Execution.Id", "item.$": "$.item" }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html>
    pub struct InvalidContextPath {
        code: "ASL303",
        name: "invalid-context-path",
        category: Paths,
        severity: Error,
        aws_code: None,
    }
}

/// The context object's fields: `(object, fields)`.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "Execution",
        &[
            "Id",
            "Input",
            "Name",
            "RoleArn",
            "StartTime",
            "RedriveCount",
            "RedriveTime",
        ],
    ),
    ("StateMachine", &["Id", "Name"]),
    ("State", &["EnteredTime", "Name", "RetryCount"]),
    ("Task", &["Token"]),
    ("Map", &["Item"]),
];
const ITEM_FIELDS: &[&str] = &["Index", "Value", "Key"];

impl Rule for InvalidContextPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(exprs) = ctx.exprs() else { return };
        for e in &exprs.paths {
            let site = &e.site;
            if site.role == PathRole::ResultPath {
                continue; // a `$$` ResultPath is already an `invalid-path`
            }
            // The index parsed the string once: an intrinsic call (its path arguments), or a path.
            let paths: Vec<&Path> = match &e.expr {
                TemplateExpr::Intrinsic(call) => intrinsic::paths(call)
                    .into_iter()
                    .map(|(p, _, _)| p)
                    .collect(),
                TemplateExpr::Path(p)
                | TemplateExpr::ContextPath(p)
                | TemplateExpr::Variable(p) => {
                    vec![p]
                }
                TemplateExpr::Invalid(_) => Vec::new(),
            };
            for p in paths.into_iter().filter(|p| p.root == Root::Context) {
                check_path(ctx.text, site, p, out);
            }
        }
    }
}

fn name_of(sel: &Selector) -> Option<&str> {
    match sel {
        Selector::Name(n) => Some(n),
        _ => None,
    }
}

fn check_path(source: &str, site: &ExprSite<'_, '_>, path: &Path, out: &mut Vec<Diagnostic>) {
    let wher = describe(site);
    let at = |s: Span| site.span(source, s);
    let mut segs = path.segments.iter();
    let Some(first) = segs.next() else { return };
    if first.descendant {
        return;
    }
    let Some(top) = name_of(&first.selector) else {
        return;
    };
    let tops = FIELDS.iter().map(|(n, _)| *n);
    let Some((_, fields)) = FIELDS.iter().find(|(n, _)| *n == top) else {
        let suggestion = did_you_mean(top, tops);
        let mut d = META
            .diagnostic(
                at(first.span),
                format!("the context object has no field `{top}` ({wher})"),
            )
            .label("unknown context field")
            .note("the context object has only `Execution`, `StateMachine`, `State`, `Task` and `Map`; the path selects nothing and the state fails at run time")
            .pointer(site.pointer.clone());
        d = match suggestion {
            Some(s) => rename_fix(
                d.help(format!("did you mean `$$.{s}`?")),
                source,
                site,
                first,
                top,
                s,
            ),
            None => {
                d.severity = Severity::Warning;
                d.help("read input data with `$.` (one dollar sign), or use one of the context object's fields")
            }
        };
        out.push(d);
        return;
    };
    let Some(second) = segs.next() else { return };
    let Some(field) = name_of(&second.selector) else {
        return;
    };
    if second.descendant {
        return;
    }
    if !fields.contains(&field) {
        let mut d = META
            .diagnostic(
                at(second.span),
                format!("`$$.{top}` has no field `{field}` ({wher})"),
            )
            .label("unknown context field")
            .note(format!(
                "`$$.{top}` has only {}; the path selects nothing and the state fails at run time",
                list(fields)
            ))
            .pointer(site.pointer.clone());
        d = match did_you_mean(field, fields.iter().copied()) {
            Some(s) => rename_fix(
                d.help(format!("did you mean `$$.{top}.{s}`?")),
                source,
                site,
                second,
                field,
                s,
            ),
            None => d.help(format!("use one of {}", list(fields))),
        };
        out.push(d);
        return;
    }
    let state = site.state;
    if top == "Task" && state.state_type().is_some_and(|t| t != StateType::Task) {
        out.push(
            META.diagnostic(
                at(first.span.cover(second.span)),
                format!("`$$.Task.Token` is used outside a Task state ({wher})"),
            )
            .label("exists only in Task states")
            .note("the task token exists only while a Task state waits for a callback (`.waitForTaskToken`)")
            .help("pass the token from the Task state's `Parameters`, where `$$.Task.Token` is available")
            .pointer(site.pointer.clone()),
        );
        return;
    }
    if top == "Map" && !site.map_item {
        out.push(
            META.diagnostic(
                at(first.span.cover(second.span)),
                format!("`$$.Map.Item` is used outside a Map state's `ItemSelector` ({wher})"),
            )
            .label("exists only in a Map's ItemSelector")
            .note("`$$.Map.Item` (the current item and its index) exists only while a Map state builds each iteration's input")
            .help("read the item in the Map state's `ItemSelector` (for example `\"index.$\": \"$$.Map.Item.Index\"`) and pass it to the iteration's states as input")
            .pointer(site.pointer.clone()),
        );
        return;
    }
    let deeper_ok = (top == "Execution" && field == "Input") || top == "Map";
    let Some(third) = segs.next() else { return };
    if top == "Map" {
        // `$$.Map.Item.<field>`.
        let Some(item_field) = name_of(&third.selector) else {
            return;
        };
        if third.descendant {
            return;
        }
        if !ITEM_FIELDS.contains(&item_field) {
            let mut d = META
                .diagnostic(
                    at(third.span),
                    format!("`$$.Map.Item` has no field `{item_field}` ({wher})"),
                )
                .label("unknown context field")
                .note(format!(
                    "`$$.Map.Item` has only {}; the path selects nothing and the state fails at run time",
                    list(ITEM_FIELDS)
                ))
                .pointer(site.pointer.clone());
            d = match did_you_mean(item_field, ITEM_FIELDS.iter().copied()) {
                Some(s) => rename_fix(
                    d.help(format!("did you mean `$$.Map.Item.{s}`?")),
                    source,
                    site,
                    third,
                    item_field,
                    s,
                ),
                None => d.help(
                    "use `$$.Map.Item.Value` (the item) or `$$.Map.Item.Index` (its position)",
                ),
            };
            out.push(d);
            return;
        }
        if let Some(fourth) = segs.next() {
            if item_field != "Value" {
                out.push(scalar(
                    site,
                    at(fourth.span),
                    &format!("Map.Item.{item_field}"),
                    &wher,
                ));
            }
        }
        return;
    }
    if !deeper_ok {
        out.push(scalar(
            site,
            at(third.span),
            &format!("{top}.{field}"),
            &wher,
        ));
    }
}

/// Adds a fix replacing a misspelt `.name` step with `.suggestion` (safe when only the case differs), when the
/// step is written plainly (`.name`, no escapes).
fn rename_fix(
    d: Diagnostic,
    source: &str,
    site: &ExprSite<'_, '_>,
    seg: &Segment,
    name: &str,
    suggestion: &str,
) -> Diagnostic {
    let written = site.text.get(seg.span.range()).unwrap_or("");
    let span = site.span(source, seg.span);
    if written.strip_prefix('.') != Some(name)
        || span.len() != written.len()
        || !site.is_mappable(source)
    {
        return d;
    }
    d.fix(Fix {
        title: format!("Replace `{name}` with `{suggestion}`"),
        applicability: if name.eq_ignore_ascii_case(suggestion) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        edits: vec![Edit {
            span,
            replacement: format!(".{suggestion}"),
        }],
    })
}

fn scalar(site: &ExprSite<'_, '_>, span: Span, what: &str, wher: &str) -> Diagnostic {
    META.diagnostic(
        span,
        format!("`$$.{what}` is a single value and has no fields ({wher})"),
    )
    .label("nothing to select here")
    .note("only `$$.Execution.Input` and `$$.Map.Item.Value` hold data that paths can go into; the path selects nothing and the state fails at run time")
    .help(format!("end the path at `$$.{what}`"))
    .pointer(site.pointer.clone())
}

fn list(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
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
    fn typo_in_a_field_and_in_an_intrinsic_argument() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$$.Execution.Nmae","b.$":"States.Format('{}', $$.Executon.Id)"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], ".Nmae");
        assert_eq!(&text[d[1].span().range()], ".Executon");
        assert!(d.iter().all(|d| d.severity == Severity::Error));
    }

    #[test]
    fn case_typo_gets_a_safe_fix_of_the_step() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$$.Execution.ID"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, crate::diagnostics::Applicability::Safe);
        assert_eq!(&text[fix.edits[0].span.range()], ".ID");
        assert_eq!(fix.edits[0].replacement, ".Id");
    }

    #[test]
    fn token_and_map_item_only_where_they_exist() {
        let text = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemSelector":{"v.$":"$$.Map.Item.Value.deep","i.$":"$$.Map.Item.Index"},
            "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"t.$":"$$.Task.Token","v.$":"$$.Map.Item.Value"},"End":true}}},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d[0].message.contains("Task.Token"));
        assert!(d[1].message.contains("Map.Item"));
        assert_eq!(
            d[1].pointer,
            "/States/M/ItemProcessor/States/P/Parameters/v.$"
        );
    }

    #[test]
    fn input_navigation_and_unknown_top_level_without_match() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$$.Execution.Input.x[0]","b.$":"$$.z"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
    }
}

use crate::diagnostics::{Diagnostic, Severity};
use crate::expr::intrinsic;
use crate::expr::jsonpath::Selector;
use crate::expr::span_map::SpanMap;
use crate::expr::{Path, Root, TemplateExpr};
use crate::model::context::{self, Availability, Resolution};
use crate::model::spec::ObjectKind;
use crate::model::StateType;
use crate::rules::fixes::suggestion_fix;
use crate::rules::invalid_jsonata::map_content;
use crate::rules::path_sites::describe;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::semantic::{ExprSite, JsonataExpr, PathRole};
use crate::syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a context-object path (`$$...` in JSONPath, `$states.context...` in JSONata) that names a field
    /// the context object does not have, or one that does not exist where it is used.
    ///
    /// The context object has `Execution` (`Id`, `Input`, `Name`, `RoleArn`, `StartTime`, `RedriveCount`,
    /// `RedriveTime`), `StateMachine` (`Id`, `Name`), `State` (`EnteredTime`, `Name`, `RetryCount`), `Task`
    /// (`Token`) and `Map.Item` (`Index`, `Value`, and `Key` when a Map iterates over an object). Paths may go
    /// deeper only into `Execution.Input` and `Map.Item.Value`. `$$.Task.Token` exists only in a Task state, and
    /// `$$.Map.Item` only in a Map state's `ItemSelector` (or legacy `Parameters`). A misspelt known field
    /// (`$$.Execution.Nmae`, `$$.Executon.Id`, `$states.context.Execution.Nmae`) is an error; an unknown
    /// top-level name with no close match (`$$.mapItems`) is only a warning: other validators accept it, and
    /// valid definitions of the shared corpus (statelint's fixtures) use such paths. The
    /// same checks apply to `$states.context` in JSONata expressions (`$states.context.Task.Token` in a Task's
    /// `Arguments`, `$states.context.Map.Item.Value` in a Map's `ItemSelector`), pointing inside the `{% %}`
    /// string.
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
    /// In JSONata, `"Output": "{% $states.context.Execution.StartedAt %}"` names no field: use
    /// `$states.context.Execution.StartTime`.
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
        for j in &exprs.jsonata {
            check_jsonata(ctx.text, j, out);
        }
    }
}

/// The query language a context path is written in: how it is spelt and how its steps are edited.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    /// `$$.Execution.Id`: a step is `.Id`.
    JsonPath,
    /// `$states.context.Execution.Id`: a step is the name token `Id`.
    Jsonata,
}

impl Lang {
    fn root(self) -> &'static str {
        match self {
            Lang::JsonPath => "$$",
            Lang::Jsonata => "$states.context",
        }
    }
    /// How a renamed step is written.
    fn step(self, name: &str) -> String {
        match self {
            Lang::JsonPath => format!(".{name}"),
            Lang::Jsonata => name.to_string(),
        }
    }
}

/// One step of a context path: its name (`None` when it is not a plain name), its span in the file, and whether
/// it is written plainly enough (and maps exactly into the file) to be renamed by a fix.
struct Step<'s> {
    name: Option<&'s str>,
    span: Span,
    renamable: bool,
}

/// Where a context path is: what messages call it, its pointer, and what exists there.
struct Place {
    lang: Lang,
    wher: String,
    pointer: String,
    in_task: bool,
    in_item_selector: bool,
}

fn check_path(source: &str, site: &ExprSite<'_, '_>, path: &Path, out: &mut Vec<Diagnostic>) {
    let mappable = site.is_mappable(source);
    let steps: Vec<Step<'_>> = path
        .segments
        .iter()
        .map(|seg| {
            let name = match (&seg.selector, seg.descendant) {
                (Selector::Name(n), false) => Some(n.as_str()),
                _ => None,
            };
            let span = site.span(source, seg.span);
            let written = site.text.get(seg.span.range()).unwrap_or("");
            let renamable = mappable
                && name.is_some_and(|n| written.strip_prefix('.') == Some(n))
                && span.len() == written.len();
            Step {
                name,
                span,
                renamable,
            }
        })
        .collect();
    let place = Place {
        lang: Lang::JsonPath,
        wher: describe(site),
        pointer: site.pointer.clone(),
        in_task: site.state.state_type() == Some(StateType::Task),
        in_item_selector: site.map_item,
    };
    check_steps(&steps, &place, site.state.state_type().is_none(), out);
}

fn check_jsonata(source: &str, j: &JsonataExpr<'_>, out: &mut Vec<Diagnostic>) {
    let e = &j.string;
    let (Some(enc), Some(parsed)) = (j.enclosed, j.parsed.as_ref()) else {
        return;
    };
    let map = SpanMap::new(source, e.node.span);
    let at = |s: Span| {
        map_content(
            map.as_ref(),
            e.node.span,
            Span::new(s.start() + enc.body_offset, s.end() + enc.body_offset),
        )
    };
    let place = Place {
        lang: Lang::Jsonata,
        wher: format!("`{}` of {}", e.field, e.owner_describe),
        pointer: e.pointer.clone(),
        in_task: e.state_type == Some(StateType::Task),
        in_item_selector: e.owner == ObjectKind::Map && e.field == "ItemSelector",
    };
    for r in crate::expr::jsonata::states_refs(enc.body, &parsed.tokens) {
        if r.member.as_deref() != Some("context") {
            continue; // other members are `invalid-states-reference`'s
        }
        let steps: Vec<Step<'_>> = r
            .steps
            .iter()
            .map(|(name, span)| Step {
                name: Some(name.as_str()),
                span: at(*span),
                renamable: map.is_some() && enc.body.get(span.range()) == Some(name.as_str()),
            })
            .collect();
        check_steps(&steps, &place, e.state_type.is_none(), out);
    }
}

/// Checks the steps of one context path. `unknown_state` is true when the type of the state is unknown (placement
/// checks are skipped).
fn check_steps(steps: &[Step<'_>], place: &Place, unknown_state: bool, out: &mut Vec<Diagnostic>) {
    let root = place.lang.root();
    let resolution = context::resolve(steps.iter().map(|s| s.name));
    // How many steps name objects or fields of the table.
    let known = match &resolution {
        Resolution::Unknown { index, parent } => {
            out.extend(unknown_field(steps, *index, parent, place));
            return;
        }
        Resolution::Known { path } => path.split('.').filter(|s| !s.is_empty()).count(),
        Resolution::Scalar { index, .. } | Resolution::Opaque { index } => *index,
    };
    let (Some(first), Some(last)) = (steps.first(), steps.get(known.wrapping_sub(1))) else {
        return;
    };
    let prefix = steps[..known]
        .iter()
        .filter_map(|s| s.name)
        .collect::<Vec<_>>()
        .join(".");
    let span = first.span.cover(last.span);
    match context::availability(&prefix) {
        Availability::TaskState if !place.in_task && !unknown_state => {
            let help = match place.lang {
                Lang::JsonPath => "pass the token from the Task state's `Parameters`, where `$$.Task.Token` is available",
                Lang::Jsonata => "pass the token from the Task state's `Arguments`, where `$states.context.Task.Token` is available",
            };
            out.push(
                META.diagnostic(
                    span,
                    format!("`{root}.Task.Token` is used outside a Task state ({})", place.wher),
                )
                .label("exists only in Task states")
                .note("the task token exists only while a Task state waits for a callback (`.waitForTaskToken`)")
                .help(help)
                .pointer(place.pointer.clone()),
            );
            return;
        }
        Availability::MapItemSelector if !place.in_item_selector => {
            let help = match place.lang {
                Lang::JsonPath => "read the item in the Map state's `ItemSelector` (for example `\"index.$\": \"$$.Map.Item.Index\"`) and pass it to the iteration's states as input",
                Lang::Jsonata => "read the item in the Map state's `ItemSelector` (for example `\"index\": \"{% $states.context.Map.Item.Index %}\"`) and pass it to the iteration's states as input",
            };
            out.push(
                META.diagnostic(
                    span,
                    format!(
                        "`{root}.Map.Item` is used outside a Map state's `ItemSelector` ({})",
                        place.wher
                    ),
                )
                .label("exists only in a Map's ItemSelector")
                .note("`Map.Item` of the context object (the current item and its index) exists only while a Map state builds each iteration's input")
                .help(help)
                .pointer(place.pointer.clone()),
            );
            return;
        }
        _ => {}
    }
    if let (Resolution::Scalar { field, .. }, Some(step)) = (&resolution, steps.get(known)) {
        out.push(
            META.diagnostic(
                step.span,
                format!(
                    "`{root}.{}` is a single value and has no fields ({})",
                    field.path, place.wher
                ),
            )
            .label("nothing to select here")
            .note(format!(
                "only `{root}.Execution.Input` and `{root}.Map.Item.Value` hold data that paths can go into; the path selects nothing and the state fails at run time"
            ))
            .help(format!("end the path at `{root}.{}`", field.path))
            .pointer(place.pointer.clone()),
        );
    }
}

/// The finding for step `index`, which names nothing below `parent`.
fn unknown_field(
    steps: &[Step<'_>],
    index: usize,
    parent: &str,
    place: &Place,
) -> Option<Diagnostic> {
    let root = place.lang.root();
    let step = steps.get(index)?;
    let name = step.name.unwrap_or("");
    let members = context::members(parent);
    let owner = if parent.is_empty() {
        "the context object".to_string()
    } else {
        format!("`{root}.{parent}`")
    };
    let message = if parent.is_empty() {
        format!("the context object has no field `{name}` ({})", place.wher)
    } else {
        format!("{owner} has no field `{name}` ({})", place.wher)
    };
    let mut d = META
        .diagnostic(step.span, message)
        .label("unknown context field")
        .note(format!(
            "{owner} has only {}; the path selects nothing and the state fails at run time",
            list(&members)
        ))
        .pointer(place.pointer.clone());
    let dotted = |m: &str| {
        if parent.is_empty() {
            format!("{root}.{m}")
        } else {
            format!("{root}.{parent}.{m}")
        }
    };
    match did_you_mean(name, members.iter().copied()) {
        Some(s) => {
            d = d.help(format!("did you mean `{}`?", dotted(s)));
            if step.renamable {
                d = d.fix(suggestion_fix(name, s, step.span, place.lang.step(s)));
            }
        }
        None if parent.is_empty() => {
            // Other validators accept unknown top-level names: only a warning.
            d.severity = Severity::Warning;
            d = d.help(match place.lang {
                Lang::JsonPath => "read input data with `$.` (one dollar sign), or use one of the context object's fields".to_string(),
                Lang::Jsonata => "read input data with `$states.input`, or use one of the context object's fields".to_string(),
            });
        }
        None if parent == "Map.Item" => {
            d = d.help(format!(
                "use `{root}.Map.Item.Value` (the item) or `{root}.Map.Item.Index` (its position)"
            ))
        }
        None => d = d.help(format!("use one of {}", list(&members))),
    }
    Some(d)
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

    #[test]
    fn jsonata_context_members_point_inside_the_string() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"a":"{% $states.context.Execution.ID %}","b":"{% $states.context.Task.Token %}","c":"{% $states.context.Execution.Input.x & $states.context.State.Name %}"},"End":true}}}"#;
        let d = findings(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(&text[d[0].span().range()], "ID");
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, crate::diagnostics::Applicability::Safe);
        assert_eq!(fix.edits[0].replacement, "Id");
        assert_eq!(&text[d[1].span().range()], "Task.Token");
        assert_eq!(d[1].pointer, "/States/A/Output/b");
        // In a Task's Arguments the token exists; in a Map's ItemSelector the item does.
        let ok = r#"{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Arguments":{"t":"{% $states.context.Task.Token %}"},"Next":"M"},
            "M":{"Type":"Map","ItemSelector":{"v":"{% $states.context.Map.Item.Value.x %}"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#;
        assert!(findings(ok).is_empty(), "{:#?}", findings(ok));
    }
}

//! Per-site queries over an [`Analysis`], for editors: what the path at a file offset selects at the state that
//! reads it (hover), and what data a path typed in a field would be evaluated against (completion after `$.`).
//!
//! Everything here reads the analysis' own records ([`Read`], [`StateFlow`]); nothing is re-analysed.

use super::{Against, Analysis, Incoming, Lookup, Read, Shape, StateFlow};
use crate::expr::jsonpath::Root;
use crate::expr::Path;
use crate::semantic::StateId;
use crate::syntax::Span;

/// The path under the cursor, cut after the segment the cursor is on, and what it selects.
#[derive(Debug, Clone)]
pub struct PathAt<'r> {
    /// The analysis' record of the whole path.
    pub read: &'r Read,
    /// The path up to and including the segment under the cursor (`$.order` in `$.order.items` with the cursor on
    /// `order`; the whole path with the cursor on its end; `$` on the root).
    pub text: String,
    /// The span of `text` in the file.
    pub span: Span,
    /// What `text` selects in the data the read is evaluated against ([`Read::against`]).
    pub lookup: Lookup,
    /// The incoming transitions on which `text` provably selects nothing (only when the read is of the state's raw
    /// input, [`Read::from_input`]).
    pub absent_on: Vec<&'r Incoming>,
}

/// The shape a read is evaluated against, when the state's flow holds it: the raw input (`InputPath`), the
/// effective input, the output before `OutputPath`. `None` for the raw task result (not kept), or when the stored
/// shape does not give the read's own lookup (a read of data that is not kept).
pub fn base_of<'f>(flow: &'f StateFlow, read: &Read) -> Option<&'f Shape> {
    let base = against_shape(flow, read.against)?;
    (base.lookup(&read.path.segments) == read.lookup).then_some(base)
}

fn against_shape(flow: &StateFlow, against: Against) -> Option<&Shape> {
    match against {
        Against::Input => Some(&flow.input),
        Against::Effective => Some(&flow.effective),
        Against::Output => Some(&flow.merged),
        // `flow.result` is the result after ResultSelector, not what ResultSelector reads; variables, the
        // context object and a catcher's error output are not stored per state as one shape.
        Against::Result | Against::Variable | Against::Context | Against::ErrorOutput => None,
    }
}

/// The incoming transitions of a state on which the path `segments` selects nothing.
fn absent_incoming<'r>(
    flow: &'r StateFlow,
    segments: &[crate::expr::jsonpath::Segment],
) -> Vec<&'r Incoming> {
    flow.incoming
        .iter()
        .filter(|inc| matches!(inc.shape.lookup(segments), Lookup::Absent { .. }))
        .collect()
}

/// The JSONPath read whose path covers the byte `offset` of `source` (a `.$` value, a `...Path` field, a Choice
/// `Variable`, a path argument of an intrinsic), cut after the segment under the cursor.
pub fn path_at<'r>(analysis: &'r Analysis, source: &str, offset: usize) -> Option<PathAt<'r>> {
    let read = analysis.reads().find(|r| {
        r.token.start() <= offset && offset <= r.token.end() && {
            let whole = r.span_in(source, Span::new(0, r.text.len()));
            whole.start() <= offset && offset <= whole.end()
        }
    })?;
    let flow = analysis.state(read.state)?;
    let whole = read.span_in(source, Span::new(0, read.text.len()));
    let spans: Vec<Span> = read
        .path
        .segments
        .iter()
        .map(|s| read.span_in(source, s.span))
        .collect();
    // A token that cannot be mapped piecewise maps every piece to the whole token: take the whole path then.
    let mapped = spans.windows(2).all(|w| w[0] != w[1]);
    let cut = if !mapped {
        read.path.segments.len()
    } else if offset < spans.first().map_or(whole.end(), |s| s.start()) {
        0
    } else {
        spans
            .iter()
            .position(|s| s.start() <= offset && offset < s.end())
            .map_or(read.path.segments.len(), |i| i + 1)
    };
    let segments = read.path.segments.get(..cut)?;
    let (text, span) = match segments.last() {
        None => (
            read.text.get(read.path.root_span.range())?.to_string(),
            read.span_in(source, read.path.root_span),
        ),
        Some(last) if cut < read.path.segments.len() => (
            read.text.get(..last.span.end())?.to_string(),
            read.span_in(source, Span::new(0, last.span.end())),
        ),
        Some(_) => (read.text.clone(), whole),
    };
    let lookup = if cut == read.path.segments.len() {
        read.lookup.clone()
    } else {
        // `Analysis::base` also answers for variables and error outputs; it is trusted only when it gives the
        // read's own lookup back (the raw task result is not kept).
        let base = analysis.base(read);
        if base.lookup(&read.path.segments) == read.lookup {
            base.lookup(segments)
        } else {
            Lookup::Unknown
        }
    };
    let absent_on = if read.from_input {
        absent_incoming(flow, segments)
    } else {
        Vec::new()
    };
    Some(PathAt {
        read,
        text,
        span,
        lookup,
        absent_on,
    })
}

/// What a `$` path (`$`, `$.a.b`) selects in a state's raw input, and the incoming transitions on which it
/// selects nothing: for JSONata `$states.input` navigation. `None` when the state is not reached or `path` is not
/// a `$` path.
pub fn input_lookup<'r>(
    analysis: &'r Analysis,
    state: StateId,
    path: &str,
) -> Option<(Lookup, Vec<&'r Incoming>)> {
    let flow = analysis.state(state)?;
    let p = Path::parse(path).ok()?;
    if p.root != Root::Input {
        return None;
    }
    Some((
        flow.input.lookup(&p.segments),
        absent_incoming(flow, &p.segments),
    ))
}

/// What a path written in `field` of a JSONPath state is evaluated against, as the analysis reads it: the read
/// the analysis recorded for that field of the state, else the field's usual data (`InputPath`: the raw input;
/// `OutputPath`: the output before it; `ResultSelector`: the task result; the payload templates, `ItemsPath`,
/// Choice rules and the other `...Path` fields: the effective input). `None` for a field the analysis does not
/// read.
pub fn against_for(analysis: &Analysis, state: StateId, field: &str) -> Option<Against> {
    if let Some(r) = analysis
        .state(state)?
        .reads
        .iter()
        .find(|r| r.field == field)
    {
        return Some(r.against);
    }
    Some(match field {
        "InputPath" => Against::Input,
        "OutputPath" => Against::Output,
        "ResultSelector" => Against::Result,
        "Parameters"
        | "ItemSelector"
        | "ItemsPath"
        | "Variable"
        | "Choices"
        | "SecondsPath"
        | "TimestampPath"
        | "TimeoutSecondsPath"
        | "HeartbeatSecondsPath"
        | "MaxConcurrencyPath" => Against::Effective,
        _ => return None,
    })
}

/// The shape a path typed in `field` of a state would read (see [`against_for`]); `None` when not kept or not
/// known (the raw task result, an unreached state, a field the analysis does not read).
pub fn field_base<'r>(analysis: &'r Analysis, state: StateId, field: &str) -> Option<&'r Shape> {
    let against = against_for(analysis, state, field)?;
    against_shape(analysis.state(state)?, against)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::Semantic;
    use crate::syntax::SourceKind;
    use crate::typeflow::{analyze, Presence};
    use std::collections::HashMap;

    /// The analysis of a definition and the id of each state by name (owned, so tests need no closure).
    fn analysed(text: &str) -> (Analysis, HashMap<String, StateId>) {
        let root = crate::syntax::parse(text, SourceKind::Json).root;
        let model = crate::model::build(root.as_ref().expect("test document parses"));
        let sem = Semantic::build(&model);
        let ids = sem
            .states()
            .iter()
            .map(|s| (s.name().to_string(), s.id))
            .collect();
        (analyze(&sem), ids)
    }

    const FLOW: &str = r#"{"StartAt":"C","States":{
        "C":{"Type":"Choice","Choices":[{"Variable":"$.k","StringEquals":"a","Next":"A"}],"Default":"B"},
        "A":{"Type":"Pass","Result":{"order":{"id":1,"items":[{"sku":"x"}]}},"Next":"D"},
        "B":{"Type":"Pass","Result":{"other":true},"Next":"D"},
        "D":{"Type":"Pass","Parameters":{"x.$":"$.order.items","y.$":"States.Format('{}', $.order.id)"},"End":true}}}"#;

    #[test]
    fn path_at_cuts_at_the_segment_under_the_cursor() {
        let (a, ids) = analysed(FLOW);
        let at = FLOW.find("$.order.items").expect("path");
        // On `order`: the prefix `$.order`, absent on the path from B.
        let p = path_at(&a, FLOW, at + 4).expect("read");
        assert_eq!(p.text, "$.order");
        assert_eq!(&FLOW[p.span.range()], "$.order");
        match &p.lookup {
            Lookup::Found(s, Presence::Sometimes) => {
                assert_eq!(s.describe(), "{id: integer, items: [{sku: string}]}")
            }
            other => panic!("{other:?}"),
        }
        let from: Vec<Option<StateId>> = p.absent_on.iter().map(|i| i.from).collect();
        assert_eq!(from, [ids.get("B").copied()]);
        // At the end of the path: the whole path.
        let p = path_at(&a, FLOW, at + "$.order.items".len()).expect("read");
        assert_eq!(p.text, "$.order.items");
        assert_eq!(p.lookup.shape().describe(), "[{sku: string}]");
        // On the root.
        let p = path_at(&a, FLOW, at).expect("read");
        assert_eq!(p.text, "$");
        // Inside an intrinsic's argument.
        let at = FLOW.find("$.order.id").expect("arg");
        let p = path_at(&a, FLOW, at + 9).expect("read");
        assert_eq!(p.text, "$.order.id");
        assert_eq!(p.lookup.shape().describe(), "integer");
        // Not on a path.
        assert!(path_at(&a, FLOW, FLOW.find("Result").expect("key")).is_none());
    }

    #[test]
    fn input_lookup_and_field_bases() {
        let (a, ids) = analysed(FLOW);
        let d = *ids.get("D").expect("D");
        let (l, absent) = input_lookup(&a, d, "$.other").expect("reached");
        assert!(matches!(
            l,
            Lookup::Found(Shape::Boolean, Presence::Sometimes)
        ));
        assert_eq!(absent.len(), 1);
        assert!(input_lookup(&a, d, "$$.Execution").is_none());
        let base = field_base(&a, d, "Parameters").expect("effective input");
        assert_eq!(base.field_names().len(), 2);
        assert_eq!(against_for(&a, d, "ResultSelector"), Some(Against::Result));
        assert!(field_base(&a, d, "ResultSelector").is_none());
        assert!(field_base(&a, d, "Comment").is_none());
    }

    #[test]
    fn path_at_answers_inside_a_variable_path() {
        let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","Assign":{"order":{"id":1,"lines":[{"sku":"x"}]}},"Next":"B"},
            "B":{"Type":"Pass","Parameters":{"n.$":"$order.lines"},"End":true}}}"#;
        let (a, _) = analysed(text);
        let at = text.find("$order.lines").expect("path");
        // On `order`: the variable's whole value.
        let p = path_at(&a, text, at + 2).expect("read");
        assert_eq!(p.text, "$order");
        assert_eq!(
            p.lookup.shape().describe(),
            "{id: integer, lines: [{sku: string}]}"
        );
        let p = path_at(&a, text, at + "$order.lines".len()).expect("read");
        assert_eq!(p.lookup.shape().describe(), "[{sku: string}]");
    }
}

//! What the type-flow rules (`path-not-found`, `type-mismatch`, `result-path-discards-input`) share: where the
//! shape a read sees comes from, for secondary labels.

use crate::expr::jsonpath::Root;
use crate::model::State;
use crate::semantic::{Semantic, TransitionKind};
use crate::syntax::Span;
use crate::typeflow::{Against, Analysis, Lookup, Read, StateFlow};

/// Most secondary labels naming producers.
const MAX_PRODUCERS: usize = 3;

/// The places that produced the shape `read` sees, each with a label. `keep` filters the incoming transitions by
/// the lookup of the path in what they bring (e.g. only those that lack the field).
pub fn producers(
    sem: &Semantic<'_>,
    analysis: &Analysis,
    st: &State<'_>,
    flow: &StateFlow,
    read: &Read,
    keep: impl Fn(&Lookup) -> bool,
) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    if read.from_input {
        for inc in &flow.incoming {
            if out.len() >= MAX_PRODUCERS {
                break;
            }
            let Some(from) = inc.from.and_then(|f| sem.state(f)) else {
                continue;
            };
            if !keep(&inc.shape.lookup(&read.path.segments)) {
                continue;
            }
            let name = from.name();
            match inc.kind {
                TransitionKind::Catch { index } => {
                    let span = from
                        .state
                        .catch
                        .get(index)
                        .map_or(from.state.name.span, |c| {
                            c.result_path
                                .as_ref()
                                .map(|r| r.key.span)
                                .or(c.next.as_ref().map(|n| n.key.span))
                                .unwrap_or(c.node.span)
                        });
                    out.push((
                        span,
                        format!(
                            "catcher #{} of `{name}` passes {}",
                            index + 1,
                            inc.shape.describe()
                        ),
                    ));
                }
                _ => {
                    let (span, what) = match &from.state.output_path {
                        Some(o) => (o.key.span, "its `OutputPath`"),
                        None => match &from.state.result_path {
                            Some(r) => (r.key.span, "its `ResultPath`"),
                            None => match &from.state.result_selector {
                                Some(r) => (r.key.span, "its `ResultSelector`"),
                                None => match (&from.state.result, &from.state.parameters) {
                                    (Some(r), _) => (r.key.span, "its `Result`"),
                                    (None, Some(p)) => (p.key.span, "its `Parameters`"),
                                    _ => match &from.state.output {
                                        Some(o) => (o.key.span, "its `Output`"),
                                        None => (from.state.name.span, "it"),
                                    },
                                },
                            },
                        },
                    };
                    out.push((
                        span,
                        format!(
                            "`{name}` outputs {} (shaped by {what})",
                            inc.shape.describe()
                        ),
                    ));
                }
            }
        }
        return out;
    }
    if let (Against::Variable, Root::Variable(name)) = (read.against, &read.path.root) {
        // Where the variable gets the shape read: its assignments.
        for a in analysis.assignments().iter().filter(|a| &a.name == name) {
            if out.len() >= MAX_PRODUCERS {
                break;
            }
            let by = sem.state(a.state).map_or("", |s| s.name());
            out.push((
                a.span,
                format!("`${name}` is assigned {} by `{by}`", a.shape.describe()),
            ));
        }
        return out;
    }
    let base = match read.against {
        Against::Result => "the result",
        Against::Context => "the context object",
        Against::ErrorOutput => "the error output",
        Against::Output => "the output before `OutputPath`",
        _ => "the effective input",
    };
    let shape = match read.against {
        Against::Result => flow.result.as_ref().map(|s| s.describe()),
        Against::Output => Some(flow.merged.describe()),
        _ => Some(flow.effective.describe()),
    }
    .unwrap_or_else(|| "unknown".into());
    let span = match read.against {
        Against::Context | Against::ErrorOutput | Against::Variable => None,
        Against::Result => st.resource.as_ref().map(|r| r.key.span),
        Against::Output => st
            .result_path
            .as_ref()
            .or(st.input_path.as_ref())
            .map(|r| r.key.span)
            .or(st.result_selector.as_ref().map(|r| r.key.span)),
        _ => st.input_path.as_ref().map(|r| r.key.span),
    };
    if let Some(span) = span {
        out.push((span, format!("{base} is {shape}")));
    }
    out
}

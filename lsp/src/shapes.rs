//! Inferred data shapes in the editor: hover on a path shows the shape of what it selects at its state, and
//! completion after `$.` (`$states.input.` in JSONata) offers the fields of that shape. Both read the document's
//! cached type-flow analysis ([`Document::typeflow`]) through the library's per-site queries
//! (`aslint::typeflow::query`); nothing is analysed here.

use crate::document::Document;
use crate::query;
use aslint::expr::Path;
use aslint::model::{QueryLanguage, State};
use aslint::semantic::{Semantic, StateId, TransitionKind};
use aslint::syntax::{Node, Span, Value};
use aslint::typeflow::query::{field_base, input_lookup, path_at};
use aslint::typeflow::{Analysis, Incoming, Lookup, Presence, Shape};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Range, TextEdit,
};

/// Most transitions named in a "cannot match" line.
const MAX_NAMED: usize = 3;

/// The hover text about the path at `off`: a JSONPath read of the analysis, or `$states.input` navigation in a
/// JSONata state. `None` when there is no path there or nothing is known about it.
pub fn hover(
    doc: &Document,
    off: usize,
    root: &Node,
    sem: &Semantic<'_>,
) -> Option<(String, Span)> {
    let analysis = doc.typeflow()?;
    if let Some(p) = path_at(analysis, &doc.text, off) {
        let info = sem.state(p.read.state)?;
        let mut lines = Vec::new();
        let against = p.read.against.describe();
        let who = info.state.describe();
        match &p.lookup {
            Lookup::Found(s, presence) if *s != Shape::Unknown => {
                lines.push(format!("**`{}`**: {}", p.text, s.describe()));
                lines.push(format!("in {against} of {who}"));
                if *presence == Presence::Sometimes && p.absent_on.is_empty() {
                    lines.push("May be missing on some paths into the state".into());
                }
            }
            Lookup::Absent { segment, parent } => {
                let what = p
                    .read
                    .path
                    .segments
                    .get(*segment)
                    .map_or_else(String::new, |s| {
                        format!(
                            ": nothing at `{}` in {}",
                            step_text(&p.read.text, s.span),
                            parent.describe()
                        )
                    });
                lines.push(format!(
                    "**`{}`** selects nothing in {against} of {who}{what}",
                    p.text
                ));
            }
            _ => {}
        }
        if let Some(l) = absent_line(sem, &p.absent_on) {
            lines.push(l);
        }
        return (!lines.is_empty()).then(|| (lines.join("\n\n"), p.span));
    }
    jsonata_hover(doc, off, root, sem, analysis)
}

fn step_text(text: &str, span: Span) -> String {
    text.get(span.range())
        .unwrap_or("")
        .trim_start_matches('.')
        .to_string()
}

/// "Cannot match when coming from `A`, catcher #1 of `B`" for the incoming transitions that lack the path.
fn absent_line(sem: &Semantic<'_>, absent: &[&Incoming]) -> Option<String> {
    if absent.is_empty() {
        return None;
    }
    let mut names: Vec<String> = absent
        .iter()
        .take(MAX_NAMED)
        .map(|inc| {
            let from = inc.from.and_then(|f| sem.state(f)).map(|s| s.name());
            match (inc.kind, from) {
                (TransitionKind::Catch { index }, Some(n)) => {
                    format!("catcher #{} of `{n}`", index + 1)
                }
                (_, Some(n)) => format!("`{n}`"),
                (_, None) => "the start (`StartAt`)".to_string(),
            }
        })
        .collect();
    if absent.len() > MAX_NAMED {
        names.push(format!("{} more", absent.len() - MAX_NAMED));
    }
    Some(format!(
        "Cannot match when coming from {}: no such value on that path",
        names.join(", ")
    ))
}

/// The state (and its id) whose object holds `off`.
fn state_id_at<'a>(sem: &Semantic<'a>, off: usize) -> Option<(&'a State<'a>, StateId)> {
    let st = query::state_at(sem.definition, off)?;
    Some((st, sem.state_at_pointer(&st.pointer)?))
}

/// `$states.input.a.b` around `off` in a JSONata state: the shape of the navigated value in the state's input.
fn jsonata_hover(
    doc: &Document,
    off: usize,
    root: &Node,
    sem: &Semantic<'_>,
    analysis: &Analysis,
) -> Option<(String, Span)> {
    let last = query::locate(root, off).last().copied()?;
    if !matches!(last.node.value, Value::String(_)) {
        return None;
    }
    let (st, id) = state_id_at(sem, off)?;
    if st.query_language != QueryLanguage::Jsonata {
        return None;
    }
    let b = doc.text.as_bytes();
    let token = last.node.span;
    let is_w = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$');
    let mut s = off.min(token.end());
    while s > token.start() && b.get(s - 1).copied().is_some_and(is_w) {
        s -= 1;
    }
    let mut e = off;
    while e < token.end() && b.get(e).copied().is_some_and(is_w) {
        e += 1;
    }
    // The navigation may start before the word under the cursor (`$states.input.a` with the cursor on `a`).
    let word = doc.text.get(s..e)?;
    let rest = word.strip_prefix("$states.input")?;
    // Cut after the segment under the cursor (on `$states.input` itself: the whole input).
    let mut cut = s + "$states.input".len();
    for seg in rest.split('.').skip(1) {
        if off < cut {
            break;
        }
        if seg.is_empty() || !seg.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            break;
        }
        let seg_end = cut + 1 + seg.len();
        cut = seg_end;
        if off < seg_end {
            break;
        }
    }
    let nav = doc.text.get(s..cut)?;
    let path = format!("${}", nav.strip_prefix("$states.input")?);
    let (lookup, absent) = input_lookup(analysis, id, &path)?;
    let mut lines = Vec::new();
    let who = st.describe();
    match &lookup {
        Lookup::Found(shape, presence) if *shape != Shape::Unknown => {
            lines.push(format!("**`{nav}`**: {}", shape.describe()));
            lines.push(format!("in the input of {who}"));
            if *presence == Presence::Sometimes && absent.is_empty() {
                lines.push("May be missing on some paths into the state".into());
            }
        }
        Lookup::Absent { parent, .. } => lines.push(format!(
            "**`{nav}`** is not in the input of {who} ({})",
            parent.describe()
        )),
        _ => {}
    }
    if let Some(l) = absent_line(sem, &absent) {
        lines.push(l);
    }
    (!lines.is_empty()).then(|| (lines.join("\n\n"), Span::new(s, cut)))
}

// ---------------------------------------------------------------------------------------------------------------
// Completion

/// The field of a JSONPath state a string at `off` belongs to, named as the analysis names its reads.
fn read_field(root: &Node, st: &State<'_>, off: usize) -> Option<&'static str> {
    let steps = query::locate(root, off);
    let i = steps
        .iter()
        .position(|s| s.container.span == st.node.span)?;
    let first = steps.get(i)?.key?.text.as_str();
    let last = steps.last()?.key.map(|k| k.text.as_str()).unwrap_or("");
    let top = steps.len() == i + 1;
    Some(match first {
        "Parameters" | "ItemSelector" | "ResultSelector" if last.ends_with(".$") => {
            // The analysis names a Map's legacy `Parameters` reads `ItemSelector`; both read the effective input.
            match first {
                "Parameters" => "Parameters",
                "ItemSelector" => "ItemSelector",
                _ => "ResultSelector",
            }
        }
        "Choices" if last == "Variable" => "Variable",
        "Choices" if last.ends_with("Path") => "Choices",
        "InputPath" if top => "InputPath",
        "OutputPath" if top => "OutputPath",
        "ItemsPath" if top => "ItemsPath",
        "SecondsPath" if top => "SecondsPath",
        "TimestampPath" if top => "TimestampPath",
        "TimeoutSecondsPath" if top => "TimeoutSecondsPath",
        "HeartbeatSecondsPath" if top => "HeartbeatSecondsPath",
        "MaxConcurrencyPath" if top => "MaxConcurrencyPath",
        _ => return None,
    })
}

/// A field of an object shape, for completion.
struct FieldInfo {
    name: String,
    shape: Shape,
    maybe_absent: bool,
}

/// The fields of an object shape (of the object members of a union).
fn fields_of(shape: &Shape) -> Vec<FieldInfo> {
    let mut out: Vec<FieldInfo> = Vec::new();
    let objs: Vec<&Shape> = match shape {
        Shape::Union(m) => m.iter().collect(),
        s => vec![s],
    };
    for o in objs {
        if let Shape::Object(o) = o {
            for (k, p) in o.fields.iter() {
                if !out.iter().any(|f| *f.name == **k) {
                    out.push(FieldInfo {
                        name: k.to_string(),
                        shape: p.shape.clone(),
                        maybe_absent: p.optional || p.unsure,
                    });
                }
            }
        }
    }
    out
}

/// True for a name JSONPath dot notation (and JSONata navigation) can write bare.
fn plain_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// The shape after a workflow variable path (`$order`, `$order.lines[0]`) at a state, in either query language;
/// `None` when `text` is no variable path or nothing is known of it.
fn variable_base(analysis: &Analysis, id: StateId, text: &str) -> Option<Shape> {
    let rest = text.strip_prefix('$')?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let (name, tail) = rest.split_at(end);
    if !plain_name(name) || name == "states" {
        return None;
    }
    let Some(Lookup::Found(value, _)) = analysis.variable_at(id, name) else {
        return None;
    };
    let path = Path::parse(&format!("${tail}")).ok()?;
    match value.lookup(&path.segments) {
        Lookup::Found(s, _) => Some(s),
        _ => None,
    }
}

/// Field names after `$.`, `$.a.` (JSONPath paths in the fields the analysis reads), `$states.input.a.`
/// (JSONata) or a workflow variable `$name.` / `$name.a.` (both), from the shape the analysis inferred at the state the cursor is in. `word_start` is where the
/// expression word being typed starts (the `$`). Empty when nothing is known there.
pub fn completion_items(
    doc: &Document,
    analysed: &Document,
    off: usize,
    root: &Node,
    sem: &Semantic<'_>,
    word_start: usize,
) -> Vec<CompletionItem> {
    let Some(analysis) = analysed.typeflow() else {
        return Vec::new();
    };
    let Some(word) = doc.text.get(word_start..off) else {
        return Vec::new();
    };
    let Some((st, id)) = state_id_at(sem, off) else {
        return Vec::new();
    };
    let jsonata = st.query_language == QueryLanguage::Jsonata;
    // The path before the last `.` and the name being typed after it.
    let Some(dot) = word.rfind('.') else {
        return Vec::new();
    };
    let base_text = &word[..dot];
    let shape = if let Some(shape) = variable_base(analysis, id, base_text) {
        shape
    } else if jsonata {
        let Some(nav) = base_text.strip_prefix("$states.input") else {
            return Vec::new();
        };
        match input_lookup(analysis, id, &format!("${nav}")) {
            Some((Lookup::Found(s, _), _)) => s,
            _ => return Vec::new(),
        }
    } else {
        if !(base_text == "$" || base_text.starts_with("$.")) {
            return Vec::new();
        }
        let Some(base) = read_field(root, st, off).and_then(|f| field_base(analysis, id, f)) else {
            return Vec::new();
        };
        let Ok(p) = Path::parse(base_text) else {
            return Vec::new();
        };
        match base.lookup(&p.segments) {
            Lookup::Found(s, _) => s,
            _ => return Vec::new(),
        }
    };
    let dot_at = word_start + dot;
    let name_range = Range::new(doc.position(dot_at + 1), doc.position(off));
    let dot_range = Range::new(doc.position(dot_at), doc.position(off));
    let mut out = Vec::new();
    for f in fields_of(&shape) {
        // Names that would need escaping inside the document's string are left out.
        if f.name
            .chars()
            .any(|c| c.is_control() || matches!(c, '"' | '\\' | '\'' | '`'))
        {
            continue;
        }
        let (range, text, filter) = if plain_name(&f.name) {
            (name_range, f.name.clone(), f.name.clone())
        } else if jsonata {
            (name_range, format!("`{}`", f.name), f.name.clone())
        } else {
            (dot_range, format!("['{}']", f.name), format!(".{}", f.name))
        };
        let mut detail = f.shape.describe();
        if f.maybe_absent {
            detail.push_str(" (absent on some paths)");
        }
        out.push(CompletionItem {
            label: f.name.clone(),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(detail),
            filter_text: Some(filter),
            sort_text: Some(format!("0{}", f.name)),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, text))),
            ..Default::default()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names() {
        assert!(plain_name("order_id2"));
        assert!(!plain_name("my-key"));
        assert!(!plain_name("two words"));
        assert!(!plain_name("2x"));
        assert!(!plain_name(""));
    }
}

//! The editor features, as pure functions of a document (no I/O, no async): completion, hover, definition,
//! references, rename, document symbols, formatting. Each parses the current text with the library and reads its
//! tree and model; nothing here re-implements analysis.

use crate::context::{cursor_context, CursorContext, Role};
use crate::document::Document;
use crate::query;
use crate::shapes;
use crate::tables;
use aslint::expr::intrinsic::{ParamKind, SIGNATURES};
use aslint::model::context::CONTEXT_FIELDS;
use aslint::model::spec::{self, Lang, ObjectKind, ValueKind};
use aslint::model::{self, Definition, QueryLanguage, Scope, ScopeKind, State, StateType};
use aslint::semantic::Semantic;
use aslint::syntax::{self, floor_char_boundary, Node, SourceKind, Span, Value};
use std::collections::{BTreeSet, HashMap};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemTag, CompletionTextEdit, DocumentSymbol,
    Documentation, InsertTextFormat, Location, MarkupContent, MarkupKind, Range, SymbolKind,
    TextEdit, Uri,
};

/// Runs `f` on the parsed tree and model of a document.
pub fn with_model<R>(
    doc: &Document,
    f: impl FnOnce(&Node, Option<&Definition<'_>>) -> R,
) -> Option<R> {
    let parsed = syntax::parse(&doc.text, doc.kind);
    let root = parsed.root.as_ref()?;
    let model = root.as_object().is_some().then(|| model::build(root));
    Some(f(root, model.as_ref()))
}

/// Runs `f` on the semantic model of a document (`None` when its top level is not an object).
pub fn with_semantic<R>(doc: &Document, f: impl FnOnce(Option<&Semantic<'_>>) -> R) -> Option<R> {
    with_model(doc, |_, model| {
        let sem = model.map(Semantic::build);
        f(sem.as_ref())
    })
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Completion

/// Completion items at a byte offset.
pub fn completion(doc: &Document, off: usize) -> Vec<CompletionItem> {
    let off = floor_char_boundary(&doc.text, off);
    let Some(ctx) = cursor_context(&doc.text, off, doc.kind) else {
        return Vec::new();
    };
    // An unclosed string would swallow the rest of the line (and the tree after it): analyse a copy with the
    // string closed at the cursor. Offsets before the cursor are unchanged; edits are computed on `doc`.
    let patched;
    let analysed = match ctx.unclosed_quote {
        Some(q) => {
            let mut text = doc.text.clone();
            text.insert(off, q);
            patched = Document::new(text, doc.version, doc.kind, doc.is_asl_name);
            &patched
        }
        None => doc,
    };
    with_model(analysed, |root, model| {
        complete(doc, analysed, off, &ctx, root, model)
    })
    .unwrap_or_else(|| {
        // Nothing parsed (an empty document): top-level fields.
        if ctx.role == Role::Key {
            field_items(
                doc,
                &ctx,
                ObjectKind::TopLevel,
                QueryLanguage::JsonPath,
                &[],
            )
        } else {
            Vec::new()
        }
    })
}

fn complete(
    doc: &Document,
    analysed: &Document,
    off: usize,
    ctx: &CursorContext,
    root: &Node,
    model: Option<&Definition<'_>>,
) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    match &ctx.role {
        Role::Key => {
            let obj = ctx.object_anchor.and_then(|a| {
                query::find_object(root, |n| {
                    n.span.start() == a
                        || n.as_object()
                            .is_some_and(|m| m.first().is_some_and(|m| m.key.span.start() == a))
                        || n.as_object()
                            .is_some_and(|m| m.iter().any(|m| m.key.span.start() == a))
                })
            });
            let obj = obj.or_else(|| {
                // Fall back to the innermost object containing the cursor.
                query::locate(root, off)
                    .iter()
                    .rev()
                    .map(|s| s.node)
                    .chain(std::iter::once(root))
                    .find(|n| {
                        n.as_object().is_some() && n.span.start() < off && off <= n.span.end()
                    })
            });
            let Some(obj) = obj else { return out };
            let (kind, ql) = match model.and_then(|m| query::object_kind_of(m, obj)) {
                Some(k) => k,
                None if std::ptr::eq(obj, root) => (ObjectKind::TopLevel, QueryLanguage::JsonPath),
                None => {
                    // A new state without a valid Type yet, or an object the schema does not describe.
                    let in_states = model.is_some_and(|m| {
                        m.scopes().iter().any(|s| {
                            s.scope.states_field.as_ref().is_some_and(|f| {
                                f.node.span.start() < off && off < f.node.span.end()
                            })
                        })
                    });
                    if !in_states {
                        return out;
                    }
                    (ObjectKind::UnknownState, QueryLanguage::JsonPath)
                }
            };
            let present: Vec<&str> = obj
                .as_object()
                .unwrap_or(&[])
                .iter()
                .map(|m| m.key.text.as_str())
                .filter(|k| *k != ctx.prefix)
                .collect();
            let kinds: Vec<ObjectKind> = if kind == ObjectKind::UnknownState {
                // No type yet: offer every state field (the Type snippet first).
                vec![
                    ObjectKind::Task,
                    ObjectKind::Pass,
                    ObjectKind::Choice,
                    ObjectKind::Wait,
                    ObjectKind::Fail,
                    ObjectKind::Parallel,
                    ObjectKind::Map,
                ]
            } else {
                vec![kind]
            };
            let mut seen = BTreeSet::new();
            for k in kinds {
                for item in field_items(doc, ctx, k, ql, &present) {
                    if seen.insert(item.label.clone()) {
                        out.push(item);
                    }
                }
            }
        }
        Role::Value { key } => {
            value_items(doc, analysed, off, ctx, key, (root, model), &mut out);
        }
        Role::Item { key } => {
            if key == "ErrorEquals" {
                for (name, doc_text) in tables::ERROR_NAMES {
                    out.push(value_item(
                        doc,
                        ctx,
                        name,
                        CompletionItemKind::CONSTANT,
                        Some(doc_text.to_string()),
                    ));
                }
            } else if key != "CSVHeaders" {
                expression_items(doc, analysed, off, ctx, (root, model), &mut out);
            }
        }
    }
    out
}

/// The snippet of a field's value by its kind.
fn value_snippet(kind: ValueKind, yaml: bool) -> String {
    let s = match kind {
        ValueKind::String
        | ValueKind::Path
        | ValueKind::PathOrNull
        | ValueKind::Timestamp
        | ValueKind::MapLabel => {
            if yaml {
                "$1".to_string()
            } else {
                "\"$1\"".to_string()
            }
        }
        ValueKind::Version => "\"1.0\"".to_string(),
        ValueKind::Enum(values) => {
            let choices = values.join(",");
            if yaml {
                format!("${{1|{choices}|}}")
            } else {
                format!("\"${{1|{choices}|}}\"")
            }
        }
        ValueKind::Integer { min, .. } => format!("${{1:{}}}", min.max(0)),
        ValueKind::Number { .. } => "${1:0}".to_string(),
        ValueKind::Boolean => "${1|true,false|}".to_string(),
        ValueKind::True => "true".to_string(),
        ValueKind::Object | ValueKind::StateMap => {
            if yaml {
                "\n  $0".to_string()
            } else {
                "{\n\t$0\n}".to_string()
            }
        }
        ValueKind::StringArray { .. } => {
            if yaml {
                "\n  - $0".to_string()
            } else {
                "[\"$1\"]".to_string()
            }
        }
        ValueKind::ObjectArray { .. } => {
            if yaml {
                "\n  - $0".to_string()
            } else {
                "[\n\t{\n\t\t$0\n\t}\n]".to_string()
            }
        }
        ValueKind::Any => "$0".to_string(),
    };
    s
}

fn field_items(
    doc: &Document,
    ctx: &CursorContext,
    kind: ObjectKind,
    ql: QueryLanguage,
    present: &[&str],
) -> Vec<CompletionItem> {
    let yaml = doc.kind == SourceKind::Yaml;
    let spec = spec::spec(kind);
    let range = Range::new(doc.position(ctx.token_start), doc.position(ctx.token_end));
    // Is a `:` already there after the token?
    let after = doc.text.get(ctx.token_end..).unwrap_or("");
    let has_colon = after.trim_start_matches([' ', '\t']).starts_with(':');
    let mut out = Vec::new();
    for f in spec.all_fields() {
        if !f.lang.allows(ql) || present.contains(&f.name) {
            continue;
        }
        let key = if yaml {
            if query::yaml_plain_ok(f.name) {
                f.name.to_string()
            } else {
                format!("\"{}\"", f.name)
            }
        } else {
            format!("\"{}\"", f.name)
        };
        let value = if f.name == "Type" {
            let types = spec::STATE_TYPES.join(",");
            if yaml {
                format!("${{1|{types}|}}")
            } else {
                format!("\"${{1|{types}|}}\"")
            }
        } else {
            value_snippet(f.kind, yaml)
        };
        let insert = if has_colon {
            key.clone()
        } else {
            format!("{key}: {value}")
        };
        let lang = match f.lang {
            Lang::Both => "",
            Lang::JsonPathOnly { .. } => " (JSONPath)",
            Lang::JsonataOnly { .. } => " (JSONata)",
        };
        out.push(CompletionItem {
            label: f.name.to_string(),
            kind: Some(CompletionItemKind::PROPERTY),
            detail: Some(format!("{}{lang}", f.kind.describe())),
            documentation: tables::field_doc(f.name).map(|d| markdown(d.to_string())),
            filter_text: Some(if yaml {
                f.name.to_string()
            } else {
                format!("\"{}\"", f.name)
            }),
            sort_text: Some(format!("{}{}", if f.legacy { "1" } else { "0" }, f.name)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, insert))),
            tags: f.legacy.then(|| vec![CompletionItemTag::DEPRECATED]),
            ..Default::default()
        });
    }
    out
}

/// An item that replaces the string (or bare token) being typed with `value`.
fn value_item(
    doc: &Document,
    ctx: &CursorContext,
    value: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
) -> CompletionItem {
    let (range, text, filter) = if ctx.in_string {
        // Replace the string's content, keeping its quotes.
        let content = serde_json::to_string(value).unwrap_or_default();
        let inner = content
            .get(1..content.len().saturating_sub(1))
            .unwrap_or(value)
            .to_string();
        (
            Range::new(
                doc.position(ctx.content_start),
                doc.position(ctx.content_end),
            ),
            inner.clone(),
            inner,
        )
    } else {
        let text = if doc.kind == SourceKind::Yaml && query::yaml_plain_ok(value) {
            value.to_string()
        } else {
            serde_json::to_string(value).unwrap_or_default()
        };
        (
            Range::new(doc.position(ctx.token_start), doc.position(ctx.token_end)),
            text.clone(),
            text,
        )
    };
    CompletionItem {
        label: value.to_string(),
        kind: Some(kind),
        detail,
        filter_text: Some(filter),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, text))),
        ..Default::default()
    }
}

fn value_items(
    doc: &Document,
    analysed: &Document,
    off: usize,
    ctx: &CursorContext,
    key: &str,
    (root, model): (&Node, Option<&Definition<'_>>),
    out: &mut Vec<CompletionItem>,
) {
    match key {
        "Next" | "Default" | "StartAt" => {
            let Some(model) = model else { return };
            let scope = query::scope_at(model, off);
            // A state's own name is not a useful `Next`.
            let current = query::state_at(model, off).map(|s| s.name.text.as_str());
            for st in &scope.states {
                if key != "StartAt" && Some(st.name.text.as_str()) == current && key == "Next" {
                    continue;
                }
                out.push(value_item(
                    doc,
                    ctx,
                    &st.name.text,
                    CompletionItemKind::REFERENCE,
                    Some(
                        st.state_type()
                            .map_or("state", StateType::as_str)
                            .to_string(),
                    ),
                ));
            }
        }
        "Type" => {
            for t in spec::STATE_TYPES {
                out.push(value_item(
                    doc,
                    ctx,
                    t,
                    CompletionItemKind::ENUM_MEMBER,
                    None,
                ));
            }
        }
        "Resource" => {
            for (arn, what) in tables::RESOURCE_ARNS {
                out.push(value_item(
                    doc,
                    ctx,
                    arn,
                    CompletionItemKind::VALUE,
                    Some(what.to_string()),
                ));
            }
        }
        _ => {
            let enum_values = spec::SPECS
                .iter()
                .flat_map(|s| s.all_fields())
                .find_map(|f| match (f.name == key, f.kind) {
                    (true, ValueKind::Enum(v)) => Some(v),
                    _ => None,
                });
            if let Some(values) = enum_values {
                for v in values {
                    out.push(value_item(
                        doc,
                        ctx,
                        v,
                        CompletionItemKind::ENUM_MEMBER,
                        None,
                    ));
                }
            } else if ctx.in_string || doc.kind == SourceKind::Yaml {
                expression_items(doc, analysed, off, ctx, (root, model), out);
            }
        }
    }
}

/// Items inside a string holding an expression: after `$.` / `$.a.` (JSONata: `$states.input.`) the fields of
/// the inferred shape there; else intrinsic functions, `$$.` context fields, variables, and in JSONata `{% %}` the
/// `$states` members.
fn expression_items(
    doc: &Document,
    analysed: &Document,
    off: usize,
    ctx: &CursorContext,
    (root, model): (&Node, Option<&Definition<'_>>),
    out: &mut Vec<CompletionItem>,
) {
    // YAML plain scalars get the path fields only.
    if !ctx.in_string && doc.kind != SourceKind::Yaml {
        return;
    }
    // The word being typed inside the string.
    let content = doc.text.get(ctx.content_start..off).unwrap_or("");
    let word_len: usize = content
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'))
        .map(char::len_utf8)
        .sum();
    let word_start = off - word_len;
    let word = &doc.text[word_start..off];
    let range = Range::new(doc.position(word_start), doc.position(off));
    let edit = |text: String| Some(CompletionTextEdit::Edit(TextEdit::new(range, text)));
    let jsonata = content.trim_start().starts_with("{%");
    // A workflow variable followed by a dot (`$order.`), in either query language.
    let variable_path = word
        .strip_prefix('$')
        .and_then(|w| w.split_once('.'))
        .is_some_and(|(name, _)| {
            name.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name != "states"
        });
    let path_like = variable_path
        || if jsonata {
            word.starts_with("$states.input.")
        } else {
            word.starts_with("$.")
        };
    if let (true, Some(model)) = (path_like, model) {
        let sem = Semantic::build(model);
        let fields = shapes::completion_items(doc, analysed, off, root, &sem, word_start);
        if !fields.is_empty() {
            out.extend(fields);
            return;
        }
    }
    if !ctx.in_string {
        return;
    }
    if word.starts_with("$$") {
        for field in CONTEXT_FIELDS {
            let (f, d) = (field.path, field.doc);
            let text = format!("$$.{f}");
            out.push(CompletionItem {
                label: text.clone(),
                kind: Some(CompletionItemKind::FIELD),
                detail: Some(d.to_string()),
                filter_text: Some(text.clone()),
                text_edit: edit(text),
                ..Default::default()
            });
        }
        return;
    }
    if !jsonata {
        for sig in SIGNATURES {
            let mut snippet = format!("{}(", sig.name);
            let mut params: Vec<String> = sig
                .params
                .iter()
                .enumerate()
                .map(|(i, p)| format!("${{{}:{}}}", i + 1, param_name(*p)))
                .collect();
            if params.is_empty() && sig.variadic.is_some() {
                params.push("${1}".into());
            }
            snippet.push_str(&params.join(", "));
            snippet.push(')');
            out.push(CompletionItem {
                label: sig.name.to_string(),
                kind: Some(CompletionItemKind::FUNCTION),
                detail: Some(signature_text(sig.name).unwrap_or_default()),
                documentation: Some(markdown(tables::intrinsic_doc(sig.name).to_string())),
                filter_text: Some(sig.name.to_string()),
                insert_text_format: Some(InsertTextFormat::SNIPPET),
                text_edit: edit(snippet),
                ..Default::default()
            });
        }
        out.push(CompletionItem {
            label: "$$.".into(),
            kind: Some(CompletionItemKind::MODULE),
            detail: Some("the context object".into()),
            filter_text: Some("$$.".into()),
            text_edit: edit("$$.".into()),
            ..Default::default()
        });
    } else {
        for (f, d) in tables::STATES_VARIABLE_FIELDS {
            out.push(CompletionItem {
                label: f.to_string(),
                kind: Some(CompletionItemKind::FIELD),
                detail: Some(d.to_string()),
                filter_text: Some(f.to_string()),
                text_edit: edit(f.to_string()),
                ..Default::default()
            });
        }
    }
    if let Some(model) = model {
        let mut seen = BTreeSet::new();
        for a in query::assignments(model) {
            if seen.insert(a.name.clone()) {
                let text = format!("${}", a.name);
                out.push(CompletionItem {
                    label: text.clone(),
                    kind: Some(CompletionItemKind::VARIABLE),
                    detail: Some(format!("assigned in `{}`", a.state)),
                    filter_text: Some(text.clone()),
                    text_edit: edit(text),
                    ..Default::default()
                });
            }
        }
    }
}

fn param_name(p: ParamKind) -> &'static str {
    match p {
        ParamKind::Any => "value",
        ParamKind::String => "string",
        ParamKind::Number => "number",
        ParamKind::Integer => "integer",
        ParamKind::Boolean => "boolean",
        ParamKind::Array => "array",
        ParamKind::Object => "object",
        ParamKind::HashAlgorithm => "algorithm",
        ParamKind::False => "false",
    }
}

/// `States.MathAdd(number, number)`, `States.Format(string, value...)`.
pub fn signature_text(name: &str) -> Option<String> {
    let sig = SIGNATURES.iter().find(|s| s.name == name)?;
    let mut params: Vec<String> = sig
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i >= sig.min {
                format!("{}?", param_name(*p))
            } else {
                param_name(*p).to_string()
            }
        })
        .collect();
    if let Some(v) = sig.variadic {
        params.push(format!("{}...", param_name(v)));
    }
    Some(format!("{}({})", sig.name, params.join(", ")))
}

// ---------------------------------------------------------------------------------------------------------------
// Hover

/// Markdown hover text at a byte offset, with the span it is about.
pub fn hover(doc: &Document, off: usize) -> Option<(String, Span)> {
    let off = floor_char_boundary(&doc.text, off);
    with_model(doc, |root, model| {
        let model = model?;
        let sem = Semantic::build(model);
        let shape = shapes::hover(doc, off, root, &sem);
        let other = hover_in(doc, off, root, &sem);
        match (shape, other) {
            (Some((a, span)), Some((b, _))) => Some((format!("{a}\n\n---\n\n{b}"), span)),
            (a, b) => a.or(b),
        }
    })
    .flatten()
}

fn hover_in(doc: &Document, off: usize, root: &Node, sem: &Semantic<'_>) -> Option<(String, Span)> {
    let model = sem.definition;
    // A state's key or a transition naming a state: the state's summary.
    if let Some(at) = query::name_at(sem, off) {
        return match at.state.and_then(|id| sem.state(id)) {
            Some(st) => Some((state_summary(model, st.state), at.span)),
            None => Some((
                format!("No state named `{}` in this scope", at.name),
                at.span,
            )),
        };
    }
    let path = query::locate(root, off);
    let last = path.last()?;
    if last.on_key {
        let key = last.key?;
        let kind = model
            .sites()
            .into_iter()
            .find(|s| s.node.span == last.container.span);
        let mut text = format!("**`{}`**", key.text);
        if let Some(site) = &kind {
            if let Some(f) = query::field_spec(site.kind, &key.text) {
                text.push_str(&format!(" — {} ({})", f.kind.describe(), site.describe));
                if let Lang::JsonPathOnly { instead } | Lang::JsonataOnly { instead } = f.lang {
                    let which = if matches!(f.lang, Lang::JsonPathOnly { .. }) {
                        "JSONPath"
                    } else {
                        "JSONata"
                    };
                    text.push_str(&format!(
                        "\n\n{which} only; in the other language use {instead}"
                    ));
                }
            }
        }
        let doc_text = tables::field_doc(&key.text)?;
        text.push_str("\n\n");
        text.push_str(doc_text);
        return Some((text, key.span));
    }
    // Inside a string: an intrinsic function name, a variable, or a context path.
    if let Value::String(_) = &last.node.value {
        let token = doc.text.get(last.node.span.range())?;
        let rel = off.checked_sub(last.node.span.start())?;
        if let Some((name, s, e)) = word_around(token, rel) {
            if let Some(sig) = signature_text(&name) {
                let text = format!("```\n{sig}\n```\n\n{}", tables::intrinsic_doc(&name));
                let base = last.node.span.start();
                return Some((text, Span::new(base + s, base + e)));
            }
            if let Some(rest) = name.strip_prefix("$$.") {
                if let Some((f, d)) = CONTEXT_FIELDS
                    .iter()
                    .find(|c| rest.starts_with(c.path))
                    .map(|c| (c.path, c.doc))
                {
                    let base = last.node.span.start();
                    return Some((format!("**`$$.{f}`**: {d}"), Span::new(base + s, base + e)));
                }
            }
        }
        if let Some((name, span)) = query::variable_at(&doc.text, off) {
            let assigned: Vec<String> = query::assignments(model)
                .into_iter()
                .filter(|a| a.name == name)
                .map(|a| format!("`{}`", a.state))
                .collect();
            let text = if assigned.is_empty() {
                format!("**`${name}`**: not assigned by any state")
            } else {
                format!(
                    "**`${name}`**: variable assigned in {}",
                    assigned.join(", ")
                )
            };
            return Some((text, span));
        }
    }
    None
}

/// The word (`States.Format`, `$$.Execution.Id`) around `rel` in a token.
fn word_around(token: &str, rel: usize) -> Option<(String, usize, usize)> {
    let b = token.as_bytes();
    let is_w = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$');
    let mut s = rel.min(b.len());
    while s > 0 && is_w(b[s - 1]) {
        s -= 1;
    }
    let mut e = rel.min(b.len());
    while e < b.len() && is_w(b[e]) {
        e += 1;
    }
    (e > s).then(|| (token[s..e].to_string(), s, e))
}

/// A state's summary: its type, where it goes, what it catches.
pub fn state_summary(model: &Definition<'_>, st: &State<'_>) -> String {
    let mut s = format!(
        "**`{}`** — {}",
        st.name.text,
        st.state_type()
            .map_or("state of unknown type", StateType::as_str)
    );
    if st.state_type().is_some() {
        s.push_str(" state");
    }
    s.push_str(&format!(" ({})", st.query_language.as_str()));
    if let Some(c) = st.comment.as_ref().and_then(|c| c.value) {
        s.push_str(&format!("\n\n{c}"));
    }
    let mut lines = Vec::new();
    if let Some(r) = st.resource.as_ref().and_then(|r| r.value) {
        lines.push(format!("Resource: `{r}`"));
    }
    if let Some(n) = st.next.as_ref().and_then(|n| n.value) {
        lines.push(format!("Next → `{n}`"));
    }
    if st.end.as_ref().and_then(|e| e.value) == Some(true) {
        lines.push("End: the scope ends after this state".into());
    }
    for r in &st.choices {
        if let Some(n) = r.next.as_ref().and_then(|n| n.value) {
            lines.push(format!("Choice → `{n}`"));
        }
    }
    if let Some(d) = st.default.as_ref().and_then(|d| d.value) {
        lines.push(format!("Default → `{d}`"));
    }
    if !st.branches.is_empty() {
        lines.push(format!("{} branches", st.branches.len()));
    }
    if let Some(p) = &st.item_processor {
        let start = p.start_at.as_ref().and_then(|f| f.value).unwrap_or("?");
        lines.push(format!(
            "Item processor starts at `{start}` ({} states)",
            p.states.len()
        ));
    }
    for r in &st.retry {
        let errs = r
            .error_equals
            .as_ref()
            .and_then(|e| e.value.clone())
            .unwrap_or_default();
        lines.push(format!("Retries on {}", quote_list(&errs)));
    }
    for c in &st.catch {
        let errs = c
            .error_equals
            .as_ref()
            .and_then(|e| e.value.clone())
            .unwrap_or_default();
        let next = c.next.as_ref().and_then(|n| n.value).unwrap_or("?");
        lines.push(format!("Catches {} → `{next}`", quote_list(&errs)));
    }
    if st.catch.is_empty() {
        match model
            .scopes()
            .into_iter()
            .find(|s| s.scope.states.iter().any(|x| std::ptr::eq(x, st)))
            .and_then(|s| s.parent)
        {
            Some(parent) => lines.push(format!(
                "Uncaught errors fail the enclosing {}",
                parent.describe()
            )),
            None if can_fail(st) => lines.push("Uncaught errors fail the execution".into()),
            None => {}
        }
    }
    if !lines.is_empty() {
        s.push_str("\n\n");
        s.push_str(
            &lines
                .iter()
                .map(|l| format!("- {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    s
}

fn can_fail(st: &State<'_>) -> bool {
    matches!(
        st.state_type(),
        Some(StateType::Task | StateType::Parallel | StateType::Map)
    )
}

fn quote_list(items: &[&str]) -> String {
    if items.is_empty() {
        return "(no errors listed)".into();
    }
    items
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------------------------
// Definition, references, rename

/// Where the thing at `off` is defined: a state's key, or the `Assign` keys of a variable.
pub fn definition(doc: &Document, off: usize) -> Vec<Span> {
    let off = floor_char_boundary(&doc.text, off);
    with_semantic(doc, |sem| {
        let Some(sem) = sem else {
            return Vec::new();
        };
        let model = sem.definition;
        if let Some(at) = query::name_at(sem, off) {
            return at
                .state
                .and_then(|id| sem.state(id))
                .map(|s| vec![s.state.name.span])
                .unwrap_or_default();
        }
        if let Some((name, _)) = query::variable_at(&doc.text, off) {
            return query::assignments(model)
                .into_iter()
                .filter(|a| a.name == name)
                .map(|a| a.key.span)
                .collect();
        }
        Vec::new()
    })
    .unwrap_or_default()
}

/// The transitions into the state at `off` (its key or a reference to it), in its scope; with its key first when
/// `include_declaration`.
pub fn references(doc: &Document, off: usize, include_declaration: bool) -> Vec<Span> {
    let off = floor_char_boundary(&doc.text, off);
    with_semantic(doc, |sem| {
        let Some(sem) = sem else {
            return Vec::new();
        };
        let Some(at) = query::name_at(sem, off) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if include_declaration {
            out.extend(query::declaration(sem, &at));
        }
        out.extend(query::references(sem, &at));
        out
    })
    .unwrap_or_default()
}

/// Why a rename was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

/// The span of the state name at `off` that a rename would change, with the current name.
pub fn prepare_rename(doc: &Document, off: usize) -> Option<(Span, String)> {
    let off = floor_char_boundary(&doc.text, off);
    with_semantic(doc, |sem| {
        let at = query::name_at(sem?, off)?;
        Some((at.span, at.name.to_string()))
    })
    .flatten()
}

/// The edits renaming the state at `off` (its key and every reference in its scope) to `new_name`.
pub fn rename(
    doc: &Document,
    off: usize,
    new_name: &str,
) -> Result<Vec<(Span, String)>, RenameError> {
    let off = floor_char_boundary(&doc.text, off);
    if new_name.is_empty() {
        return Err(RenameError("a state name cannot be empty".into()));
    }
    if new_name.chars().count() > 80 {
        return Err(RenameError("a state name has at most 80 characters".into()));
    }
    with_semantic(doc, |sem| {
        let sem = sem.ok_or_else(|| RenameError("the document has no state machine".into()))?;
        let at = query::name_at(sem, off)
            .ok_or_else(|| RenameError("no state name here: rename a state's key or a `Next`".into()))?;
        if at.name == new_name {
            return Ok(Vec::new());
        }
        if sem.states().iter().any(|s| s.name() == new_name) {
            return Err(RenameError(format!(
                "a state named `{new_name}` already exists (state names are unique in the whole machine)"
            )));
        }
        let mut spans: Vec<Span> = query::declaration(sem, &at).into_iter().collect();
        spans.extend(query::references(sem, &at));
        Ok(spans
            .into_iter()
            .map(|s| {
                let old = doc.text.get(s.range()).unwrap_or("");
                (s, query::requote(old, new_name, doc.kind))
            })
            .collect())
    })
    .unwrap_or_else(|| Err(RenameError("the document could not be parsed".into())))
}

// ---------------------------------------------------------------------------------------------------------------
// Document symbols

/// The outline: states, nested by Parallel branches and Map item processors.
pub fn document_symbols(doc: &Document) -> Vec<DocumentSymbol> {
    with_model(doc, |_, model| {
        model
            .map(|m| scope_symbols(doc, &m.scope, 0))
            .unwrap_or_default()
    })
    .unwrap_or_default()
}

fn symbol_kind(t: Option<StateType>) -> SymbolKind {
    match t {
        Some(StateType::Task) => SymbolKind::FUNCTION,
        Some(StateType::Choice) => SymbolKind::ENUM,
        Some(StateType::Parallel) => SymbolKind::NAMESPACE,
        Some(StateType::Map) => SymbolKind::ARRAY,
        Some(StateType::Succeed | StateType::Fail) => SymbolKind::EVENT,
        Some(StateType::Pass | StateType::Wait) => SymbolKind::OBJECT,
        None => SymbolKind::KEY,
    }
}

#[allow(deprecated)]
fn symbol(
    doc: &Document,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    full: Span,
    sel: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() { "\"\"".into() } else { name },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: doc.range(full),
        selection_range: doc.range(sel),
        children: (!children.is_empty()).then_some(children),
    }
}

fn scope_symbols(doc: &Document, scope: &Scope<'_>, depth: usize) -> Vec<DocumentSymbol> {
    // Depth is bounded by the model builder (MAX_DEPTH); keep a cap here too.
    if depth > 64 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for st in &scope.states {
        let mut children = Vec::new();
        for (i, b) in st.branches.iter().enumerate() {
            let inner = scope_symbols(doc, b, depth + 1);
            let sel = Span::new(b.node.span.start(), b.node.span.start() + 1);
            children.push(symbol(
                doc,
                format!("Branch {}", i + 1),
                b.start_at
                    .as_ref()
                    .and_then(|f| f.value)
                    .map(|s| format!("starts at {s}")),
                SymbolKind::NAMESPACE,
                b.node.span,
                sel,
                inner,
            ));
        }
        if let Some(p) = &st.item_processor {
            let inner = scope_symbols(doc, p, depth + 1);
            let key = match p.kind {
                ScopeKind::Iterator => "Iterator",
                _ => "ItemProcessor",
            };
            let sel = st.node.member(key).map_or(p.node.span, |m| m.key.span);
            children.push(symbol(
                doc,
                key.to_string(),
                p.start_at
                    .as_ref()
                    .and_then(|f| f.value)
                    .map(|s| format!("starts at {s}")),
                SymbolKind::NAMESPACE,
                p.node.span,
                sel,
                inner,
            ));
        }
        let full = st.name.span.cover(st.node.span);
        out.push(symbol(
            doc,
            st.name.text.clone(),
            st.state_type().map(|t| t.as_str().to_string()),
            symbol_kind(st.state_type()),
            full,
            st.name.span,
            children,
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

/// The whole document re-indented with 2 spaces, keys in their order, tokens as written. `None` for YAML, JSON5
/// and documents with syntax errors (nothing is formatted that could lose text).
pub fn format_json(doc: &Document) -> Option<String> {
    if doc.kind != SourceKind::Json {
        return None;
    }
    let parsed = syntax::parse(&doc.text, doc.kind);
    if !parsed.diagnostics.is_empty() {
        return None;
    }
    let root = parsed.root.as_ref()?;
    let mut out = String::with_capacity(doc.text.len());
    // A leading BOM is kept.
    if doc.text.starts_with('\u{feff}') {
        out.push('\u{feff}');
    }
    write_node(&doc.text, root, 0, &mut out)?;
    out.push('\n');
    Some(out)
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_node(src: &str, n: &Node, level: usize, out: &mut String) -> Option<()> {
    if level > syntax::MAX_DEPTH + 1 {
        return None;
    }
    match &n.value {
        Value::Object(members) => {
            if members.is_empty() {
                out.push_str("{}");
                return Some(());
            }
            out.push('{');
            for (i, m) in members.iter().enumerate() {
                out.push('\n');
                indent(out, level + 1);
                out.push_str(src.get(m.key.span.range())?);
                out.push_str(": ");
                write_node(src, &m.value, level + 1, out)?;
                if i + 1 < members.len() {
                    out.push(',');
                }
            }
            out.push('\n');
            indent(out, level);
            out.push('}');
        }
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return Some(());
            }
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                out.push('\n');
                indent(out, level + 1);
                write_node(src, it, level + 1, out)?;
                if i + 1 < items.len() {
                    out.push(',');
                }
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        }
        Value::Tagged { .. } | Value::Error => return None,
        _ => out.push_str(src.get(n.span.range())?),
    }
    Some(())
}

/// Diagnostics and the rule docs on hover: the findings whose primary span contains `off`.
pub fn diagnostics_at(
    diags: &[aslint::diagnostics::Diagnostic],
    off: usize,
) -> Vec<&aslint::diagnostics::Diagnostic> {
    diags
        .iter()
        .filter(|d| d.primary.span.start() <= off && off <= d.primary.span.end())
        .collect()
}

/// Groups locations by span for the same document.
pub fn locations(uri: &Uri, doc: &Document, spans: &[Span]) -> Vec<Location> {
    let mut seen = HashMap::new();
    spans
        .iter()
        .filter(|s| seen.insert((s.start, s.end), ()).is_none())
        .map(|s| Location::new(uri.clone(), doc.range(*s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete_at(text_with_cursor: &str, kind: SourceKind) -> Vec<String> {
        let off = text_with_cursor.find('|').unwrap();
        let text = text_with_cursor.replacen('|', "", 1);
        let doc = Document::new(text, 1, kind, true);
        completion(&doc, off).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn half_typed_json() {
        // An unterminated key at the end of the file.
        let l = complete_at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Se|",
            SourceKind::Json,
        );
        assert!(l.contains(&"Seconds".to_string()), "{l:?}");
        assert!(!l.contains(&"Resource".to_string()), "{l:?}");
        // An unterminated Next value.
        let l = complete_at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"|\n    },\n  \"B\": {\"Type\": \"Succeed\"}}}",
            SourceKind::Json,
        );
        assert!(l.contains(&"B".to_string()), "{l:?}");
        // A new state without a Type yet: Type is offered.
        let l = complete_at(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"|\"}}}",
            SourceKind::Json,
        );
        assert!(l.contains(&"Type".to_string()), "{l:?}");
        // The top level.
        let l = complete_at("{\"|\"}", SourceKind::Json);
        assert!(
            l.contains(&"StartAt".to_string()) && l.contains(&"QueryLanguage".to_string()),
            "{l:?}"
        );
        let l = complete_at("|", SourceKind::Json);
        assert!(l.is_empty() || l.contains(&"StartAt".to_string()), "{l:?}");
    }

    #[test]
    fn half_typed_yaml() {
        let l = complete_at(
            "StartAt: A\nStates:\n  A:\n    Type: Map\n    It|\n    End: true\n",
            SourceKind::Yaml,
        );
        assert!(
            l.contains(&"ItemProcessor".to_string()) && l.contains(&"ItemSelector".to_string()),
            "{l:?}"
        );
        let l = complete_at(
            "StartAt: A\nStates:\n  A:\n    Type: Task\n    Retry:\n      - ErrorEquals: [States.ALL]\n        Max|\n",
            SourceKind::Yaml,
        );
        assert!(l.contains(&"MaxAttempts".to_string()), "{l:?}");
        let l = complete_at(
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: |\n  B:\n    Type: Succeed\n",
            SourceKind::Yaml,
        );
        assert!(l.contains(&"B".to_string()), "{l:?}");
    }

    #[test]
    fn format_keeps_tokens() {
        let doc = Document::new(
            "{\"a\":[1.0,{\"b\":\"\\u00e9\"}],\"c\":{}}".into(),
            1,
            SourceKind::Json,
            true,
        );
        assert_eq!(
            format_json(&doc).unwrap(),
            "{\n  \"a\": [\n    1.0,\n    {\n      \"b\": \"\\u00e9\"\n    }\n  ],\n  \"c\": {}\n}\n"
        );
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// Every feature at every character offset of awkward documents: nothing panics.
    #[test]
    fn every_offset_of_awkward_documents() {
        let docs: &[(&str, SourceKind)] = &[
            (
                "{\"StartAt\": \"é\", \"States\": {\"é\": {\"Type\": \"Task\", \"Resource\": \"arn\", \"Parameters\": {\"a.$\": \"States.Format('{}', $v)\"}, \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"😀\"}], \"Next\": \"😀\"}, \"😀\": {\"Type\": \"Parallel\", \"Branches\": [{\"StartAt\": \"x\", \"States\": {\"x\": {\"Type\": \"Succeed\"}}}], \"End\": true}}}",
                SourceKind::Json,
            ),
            (
                "StartAt: A\r\nStates:\r\n  A:\r\n\u{3000}- x: 1\r\n    Type: Pass\r\n\t- y\r\n    Next: 'B'\r\n  B: {Type: Succeed}\r\n  C:\n    - \"unterminated\n",
                SourceKind::Yaml,
            ),
            ("{\"a\": [\"\\\"\", '\u{feff}', {\"b\": \"$$.\"}]", SourceKind::Json5),
            ("\"\"\"{{[[::,,\"\"", SourceKind::Json),
            ("- - - : : :\n  ? x\n  : y\n", SourceKind::Yaml),
        ];
        for (text, kind) in docs {
            let doc = Document::new(text.to_string(), 1, *kind, true);
            let _ = document_symbols(&doc);
            let _ = format_json(&doc);
            for (off, _) in text
                .char_indices()
                .chain(std::iter::once((text.len(), ' ')))
            {
                let _ = completion(&doc, off);
                let _ = hover(&doc, off);
                let _ = definition(&doc, off);
                let _ = references(&doc, off, true);
                let _ = prepare_rename(&doc, off);
                let _ = rename(&doc, off, "New name");
                // Offsets inside characters are floored, not trusted.
                let _ = completion(&doc, off + 1);
            }
        }
    }
}

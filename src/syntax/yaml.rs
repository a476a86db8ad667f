//! YAML → spanned tree, built from saphyr-parser events.
//!
//! The event stream of [`saphyr_parser::Parser`] is turned into the same [`Node`] tree the JSON parser builds:
//!
//! - mappings become [`Value::Object`] (keys must be scalars), sequences [`Value::Array`], scalars are resolved
//!   with the YAML 1.2 core schema (plain scalars only; quoted and block scalars are strings);
//! - standard tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`) apply their type; any
//!   other tag (CloudFormation's `!Sub`, `!GetAtt`, `!Ref`, ...) becomes [`Value::Tagged`];
//! - anchors and aliases are resolved (an alias is a copy of its anchored node whose outer span is the alias
//!   token), with a cap on the total size produced by alias expansion; merge keys (`<<: *base`) are applied;
//! - duplicate keys, syntax errors, extra documents, empty documents and too-deep nesting are reported as
//!   diagnostics while keeping the best tree recovered.
//!
//! saphyr-parser's event loop is iterative (its own state stack lives on the heap) and its scanner refuses more
//! than 255 nested flow collections, so deep input cannot overflow the stack; block nesting beyond
//! [`MAX_DEPTH`] is skipped here (one diagnostic, a [`Value::Error`] node in its place) while the rest of the
//! document is still read. Its [`Marker`]s count characters, so every position goes through [`Offsets`] to become
//! a byte offset into the original text.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use super::{pointer_push, Key, Member, Node, Number, ParseOutput, Span, Value, MAX_DEPTH};
use crate::diagnostics::{Diagnostic, Label};
use crate::rules::{duplicate_key, invalid_yaml};

/// Cap on the number of nodes all alias expansions together may produce (alias-bomb guard).
pub const MAX_ALIAS_NODES: u64 = 1_000_000;
/// Cap on the bytes of keys and strings all alias expansions together may copy (alias-bomb guard).
pub const MAX_ALIAS_BYTES: u64 = 64 * 1024 * 1024;

/// Parses YAML into the same tree the JSON parser builds.
///
/// Only the first document of a stream is read; later ones get one `invalid-yaml` error. Never panics.
pub fn parse_yaml(text: &str) -> ParseOutput {
    Builder::new(text).run()
}

/// Character index (as saphyr-parser counts) → byte offset.
struct Offsets {
    len: usize,
    /// Byte offset of every character, plus the text length; `None` when the text is ASCII (identity).
    table: Option<Vec<u32>>,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            None
        } else {
            let mut t = Vec::with_capacity(text.len() + 1);
            t.extend(text.char_indices().map(|(i, _)| clamp_u32(i)));
            t.push(clamp_u32(text.len()));
            Some(t)
        };
        Offsets {
            len: text.len(),
            table,
        }
    }

    fn byte(&self, m: &Marker) -> usize {
        let index = m.index();
        match &self.table {
            None => index.min(self.len),
            Some(t) => t.get(index).map_or(self.len, |&b| b as usize),
        }
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Size of a subtree, to bound alias expansion.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    nodes: u64,
    bytes: u64,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// A finished node on its way to its parent.
#[derive(Debug, Clone)]
struct Done {
    node: Node,
    cost: Cost,
    /// The scalar's text as written (after unescaping), used when the node is a mapping key.
    raw: Option<String>,
    /// The span a key made of this node gets (the scalar itself, without tag or anchor).
    key_span: Span,
    /// An untagged plain scalar (only a plain `<<` is a merge key).
    plain: bool,
}

/// How a tag applies.
enum TagKind {
    /// `!!suffix` of the YAML core schema (`str`, `int`, `map`, ...).
    Core(String),
    /// The non-specific tag `!`: the node is a string (or the collection it is).
    NonSpecific,
    /// Anything else, shown as written (`!Sub`, `!!binary`, `!<tag:example.com:x>`).
    Other(String),
}

fn classify_tag(tag: &Tag) -> TagKind {
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.handle == CORE {
        return TagKind::Core(tag.suffix.clone());
    }
    if tag.handle.is_empty() {
        if tag.suffix == "!" {
            return TagKind::NonSpecific;
        }
        if let Some(rest) = tag.suffix.strip_prefix(CORE) {
            return TagKind::Core(rest.to_string());
        }
        return TagKind::Other(format!("!<{}>", tag.suffix));
    }
    if tag.handle == "!" {
        return TagKind::Other(format!("!{}", tag.suffix));
    }
    TagKind::Other(format!("{}{}", tag.handle, tag.suffix))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Seq,
    Map,
}

#[derive(Debug)]
enum Pending {
    Key {
        text: String,
        span: Span,
        merge: bool,
    },
    /// A key that is not a scalar (already reported): its value is dropped.
    Invalid,
}

/// A collection being built.
struct Frame {
    kind: Kind,
    /// Start of the node including its tag and anchor.
    props_start: usize,
    /// Start of the collection itself (`[`, `{`, `-` or the first key).
    start: usize,
    flow: bool,
    tag: Option<String>,
    anchor: usize,
    /// This collection's reference token in its parent's JSON pointer (`None` for the root or a complex key).
    token: Option<String>,
    items: Vec<Node>,
    members: Vec<Member>,
    /// Merge-key sources: (position among `members`, members to merge).
    merges: Vec<(usize, Vec<Member>)>,
    pending: Option<Pending>,
    cost: Cost,
    last_end: usize,
}

struct Builder<'t> {
    text: &'t str,
    offsets: Offsets,
    diagnostics: Vec<Diagnostic>,
    stack: Vec<Frame>,
    root: Option<Done>,
    /// Finished anchored nodes by the parser's anchor id.
    anchors: HashMap<usize, Done>,
    /// Anchors of collections still open (an alias to one of them is recursive).
    open_anchors: HashSet<usize>,
    alias_cost: Cost,
    alias_bomb: bool,
    /// > 0 while skipping a subtree nested deeper than MAX_DEPTH.
    skip: usize,
    skip_span: Span,
    depth_reported: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            offsets: Offsets::new(text),
            diagnostics: Vec::new(),
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            open_anchors: HashSet::new(),
            alias_cost: Cost::default(),
            alias_bomb: false,
            skip: 0,
            skip_span: Span::default(),
            depth_reported: false,
        }
    }

    fn run(mut self) -> ParseOutput {
        let mut parser = Parser::new_from_str(self.text);
        let mut documents = 0usize;
        while let Some(result) = parser.next_event() {
            let (event, span) = match result {
                Ok(x) => x,
                Err(e) => {
                    self.scan_error(&e);
                    break;
                }
            };
            let start = self.offsets.byte(&span.start);
            let end = self.offsets.byte(&span.end).max(start);
            match event {
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        self.second_document(start, end);
                        break;
                    }
                }
                Event::Alias(id) => self.alias(id, start, end),
                Event::Scalar(value, style, anchor, tag) => {
                    self.scalar(value, style, anchor, tag.as_deref(), start, end)
                }
                Event::SequenceStart(anchor, tag) => {
                    self.start_collection(Kind::Seq, anchor, tag.as_deref(), start, end)
                }
                Event::MappingStart(anchor, tag) => {
                    self.start_collection(Kind::Map, anchor, tag.as_deref(), start, end)
                }
                Event::SequenceEnd | Event::MappingEnd => self.end_collection(start),
            }
        }
        self.abort_open();
        let empty = match &self.root {
            None => true,
            Some(d) => d.plain && d.raw.as_deref() == Some("") && d.node.value == Value::Null,
        };
        let root = if empty {
            // A scan error already explains a missing tree; an empty document gets its own error.
            if !self
                .diagnostics
                .iter()
                .any(|d| d.rule == invalid_yaml::META.id())
            {
                self.diagnostics.push(
                    invalid_yaml::META
                        .diagnostic(Span::empty(0), "the YAML document is empty")
                        .label("no content")
                        .note("a state machine definition is a mapping with at least `StartAt` and `States`")
                        .help("write the definition as a YAML mapping with `StartAt` and `States`")
                        .pointer(""),
                );
            }
            None
        } else {
            self.root.map(|d| d.node)
        };
        ParseOutput {
            root,
            diagnostics: self.diagnostics,
        }
    }

    // ---------------------------------------------------------------- positions

    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// Skips a node's properties (tags, anchors) and the blanks/comments after them, never past `limit`.
    fn skip_props(&self, from: usize, limit: usize) -> usize {
        let b = self.bytes();
        let limit = limit.min(b.len());
        let mut i = from;
        while i < limit {
            match b.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(b'#') => {
                    while i < limit && !matches!(b.get(i), Some(b'\n' | b'\r')) {
                        i += 1;
                    }
                }
                Some(b'!') if b.get(i + 1) == Some(&b'<') => {
                    while i < limit && b.get(i) != Some(&b'>') {
                        i += 1;
                    }
                    i += 1;
                }
                Some(b'!' | b'&') => {
                    i += 1;
                    while i < limit
                        && !matches!(
                            b.get(i),
                            Some(b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
                        )
                    {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        i.min(limit)
    }

    /// End of `[start, end)` without trailing blanks and line breaks.
    fn trim_end(&self, start: usize, end: usize) -> usize {
        let b = self.bytes();
        let mut e = end.min(b.len());
        while e > start && matches!(b.get(e - 1), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            e -= 1;
        }
        e
    }

    /// The `|` / `>` indicator of a block scalar whose content starts at `content`, searching back over blank
    /// and comment-only lines.
    fn block_indicator(&self, content: usize) -> Option<usize> {
        let text = self.text;
        let mut line_end = content.min(text.len());
        loop {
            let before = text.get(..line_end)?;
            let line_start = before.rfind('\n').map_or(0, |p| p + 1);
            let line = text.get(line_start..line_end)?;
            let bytes = line.as_bytes();
            // Cut a comment: `#` at the start or after a blank.
            let mut cut = bytes.len();
            for (i, &c) in bytes.iter().enumerate() {
                if c == b'#' && (i == 0 || matches!(bytes.get(i - 1), Some(b' ' | b'\t'))) {
                    cut = i;
                    break;
                }
            }
            let t = line.get(..cut)?.trim_end();
            if t.is_empty() {
                if line_start == 0 {
                    return None;
                }
                line_end = line_start - 1;
                continue;
            }
            let tb = t.as_bytes();
            let mut j = tb.len();
            while j > 0 && matches!(tb.get(j - 1), Some(b'0'..=b'9' | b'+' | b'-')) {
                j -= 1;
            }
            return match tb.get(j.checked_sub(1)?) {
                Some(b'|' | b'>') => Some(line_start + j - 1),
                _ => None,
            };
        }
    }

    /// A one-character span at `at` (empty at the end of the text or of a line).
    fn point(&self, at: usize) -> Span {
        let at = at.min(self.text.len());
        match self.text.get(at..).and_then(|s| s.chars().next()) {
            Some(c) if c != '\n' && c != '\r' => Span::new(at, at + c.len_utf8()),
            _ => Span::empty(at),
        }
    }

    // ---------------------------------------------------------------- pointers

    fn pointer_of(frames: &[Frame]) -> String {
        let mut p = String::new();
        for f in frames {
            if let Some(t) = &f.token {
                p = pointer_push(&p, t);
            }
        }
        p
    }

    /// The token the next child of the innermost open collection gets (`None` when it is a mapping key).
    fn child_token(&self) -> Option<String> {
        let f = self.stack.last()?;
        match f.kind {
            Kind::Seq => Some(f.items.len().to_string()),
            Kind::Map => match &f.pending {
                Some(Pending::Key { text, .. }) => Some(text.clone()),
                _ => None,
            },
        }
    }

    /// The pointer of the node being read next (the innermost open collection's, plus the pending key or index).
    fn child_pointer(&self) -> String {
        let p = Self::pointer_of(&self.stack);
        match self.child_token() {
            Some(t) => pointer_push(&p, &t),
            None => p,
        }
    }

    // ---------------------------------------------------------------- diagnostics

    fn yaml_error(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: &str,
        pointer: String,
    ) {
        self.diagnostics.push(
            invalid_yaml::META
                .diagnostic(span, message)
                .label(label)
                .note(
                    "a definition that is not well-formed YAML cannot be deployed: SAM, CloudFormation and the \
                     Serverless Framework reject it before Step Functions sees it",
                )
                .help(help)
                .pointer(pointer),
        );
    }

    /// Adds a label for another place involved to the diagnostic just reported.
    fn also(&mut self, span: Span, message: &str) {
        if let Some(d) = self.diagnostics.last_mut() {
            d.secondary.push(Label::new(span, message));
        }
    }

    /// The `&name` token among a node's properties in `[from, limit)`.
    fn anchor_token(&self, from: usize, limit: usize) -> Option<Span> {
        let b = self.bytes();
        let limit = limit.min(b.len());
        let mut i = from;
        while i < limit {
            if b.get(i) == Some(&b'&')
                && (i == from || matches!(b.get(i - 1), Some(b' ' | b'\t' | b'\n' | b'\r')))
            {
                let mut j = i + 1;
                while j < b.len()
                    && !matches!(
                        b.get(j),
                        Some(b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
                    )
                {
                    j += 1;
                }
                return Some(Span::new(i, j));
            }
            i += 1;
        }
        None
    }

    fn scan_error(&mut self, e: &ScanError) {
        let at = self.offsets.byte(e.marker());
        let pointer = self.child_pointer();
        let info = e.info();
        if info.contains("recursion limit exceeded") {
            self.depth_error(at, pointer);
        } else if info.contains("unknown anchor") {
            let name = self.alias_name(at);
            let span = if self.bytes().get(at) == Some(&b'*') {
                Span::new(at, at + 1 + name.len())
            } else {
                self.point(at)
            };
            self.yaml_error(
                span,
                format!("unknown alias `*{name}`"),
                "no anchor with this name before this point",
                "define the anchor (`&name`) on a node before the alias, or fix the alias name",
                pointer,
            );
        } else {
            let span = self.point(at);
            self.yaml_error(
                span,
                format!("invalid YAML: {}", info.trim_end_matches('.')),
                "the YAML parser stopped here",
                "fix the YAML syntax at the marked position (indentation, quotes, brackets, `: ` after keys)",
                pointer,
            );
        }
    }

    fn alias_name(&self, at: usize) -> &str {
        let rest = self.text.get(at..).unwrap_or("");
        let rest = rest.strip_prefix('*').unwrap_or(rest);
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
            .unwrap_or(rest.len());
        rest.get(..end).unwrap_or("")
    }

    fn depth_error(&mut self, at: usize, pointer: String) {
        if self.depth_reported {
            return;
        }
        self.depth_reported = true;
        let span = self.point(at);
        self.diagnostics.push(
            invalid_yaml::META
                .diagnostic(span, format!("nesting deeper than {MAX_DEPTH} levels"))
                .label("too deeply nested")
                .note("values nested this deeply are not read, to keep the linter safe; no state machine needs them")
                .help(format!("flatten the structure to at most {MAX_DEPTH} nested collections"))
                .pointer(pointer),
        );
    }

    fn second_document(&mut self, start: usize, end: usize) {
        let span = if end > start {
            Span::new(start, end)
        } else {
            self.point(start)
        };
        self.diagnostics.push(
            invalid_yaml::META
                .diagnostic(span, "a second YAML document starts here")
                .label("second document")
                .note("a definition file holds one document; only the first one is linted")
                .help("move each state machine to its own file, or remove the `---` separator")
                .pointer(""),
        );
    }

    // ---------------------------------------------------------------- events

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) {
        if self.skip > 0 {
            self.skip_span = self.skip_span.cover(Span::new(start, end));
            return;
        }
        let has_props = tag.is_some() || anchor > 0;
        let token_start = if has_props {
            self.skip_props(start, end)
        } else {
            start
        };
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        let (s, e) = if block {
            let s = if has_props {
                Some(token_start)
            } else {
                self.block_indicator(token_start)
            };
            match s {
                Some(s) => {
                    let indicator = matches!(self.bytes().get(s), Some(b'|' | b'>'));
                    (s, self.trim_end(s, end).max(s + usize::from(indicator)))
                }
                None => (token_start, self.trim_end(token_start, end)),
            }
        } else if style == ScalarStyle::Plain && value.is_empty() {
            // An empty value: the parser's span is the next token's, ours is empty.
            (token_start, token_start)
        } else {
            (token_start, end)
        };
        let inner_span = Span::new(s, e.max(s));
        let outer_span = Span::new(start.min(s), e.max(s));
        let raw = value.into_owned();
        let plain = style == ScalarStyle::Plain;
        let mut cost = Cost {
            nodes: 1,
            bytes: raw.len() as u64,
        };
        let node = match tag.map(classify_tag) {
            None if plain => Node::new(inner_span, resolve_plain(&raw)),
            None | Some(TagKind::NonSpecific) => Node::new(inner_span, Value::String(raw.clone())),
            Some(TagKind::Core(suffix)) => match core_scalar(&suffix, &raw) {
                Some(Ok(v)) => Node::new(outer_span, v),
                Some(Err(msg)) => {
                    let pointer = self.child_pointer();
                    self.yaml_error(
                        outer_span,
                        msg,
                        "the tag does not fit this value",
                        "fix the value or remove the tag",
                        pointer,
                    );
                    Node::new(outer_span, Value::Error)
                }
                None => {
                    cost.nodes += 1;
                    tagged(
                        outer_span,
                        format!("!!{suffix}"),
                        Node::new(inner_span, Value::String(raw.clone())),
                    )
                }
            },
            Some(TagKind::Other(name)) => {
                cost.nodes += 1;
                tagged(
                    outer_span,
                    name,
                    Node::new(inner_span, Value::String(raw.clone())),
                )
            }
        };
        let done = Done {
            node,
            cost,
            raw: Some(raw),
            key_span: inner_span,
            plain: plain && tag.is_none(),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, done.clone());
        }
        self.deliver(done);
    }

    fn alias(&mut self, id: usize, start: usize, end: usize) {
        let span = Span::new(start, end);
        if self.skip > 0 {
            self.skip_span = self.skip_span.cover(span);
            return;
        }
        let error = |span| Done {
            node: Node::new(span, Value::Error),
            cost: Cost { nodes: 1, bytes: 0 },
            raw: None,
            key_span: span,
            plain: false,
        };
        let name = self.alias_name(start).to_string();
        let Some(anchored) = self.anchors.get(&id) else {
            let pointer = self.child_pointer();
            let anchor = self
                .stack
                .iter()
                .find(|f| f.anchor == id)
                .and_then(|f| self.anchor_token(f.props_start, f.start));
            let (msg, label) = if self.open_anchors.contains(&id) {
                (
                    format!("alias `*{name}` refers to a node that contains it"),
                    "recursive alias",
                )
            } else {
                (
                    format!("alias `*{name}` refers to a node that could not be read"),
                    "unreadable anchored node",
                )
            };
            self.yaml_error(
                span,
                msg,
                label,
                "replace the alias with the value it should stand for",
                pointer,
            );
            if let Some(anchor) = anchor {
                self.also(anchor, "the anchor of the node that contains the alias");
            }
            self.deliver(error(span));
            return;
        };
        let cost = anchored.cost;
        let anchored_span = anchored.node.span;
        let mut total = self.alias_cost;
        total.add(cost);
        if self.alias_bomb || total.nodes > MAX_ALIAS_NODES || total.bytes > MAX_ALIAS_BYTES {
            if !self.alias_bomb {
                self.alias_bomb = true;
                let pointer = self.child_pointer();
                self.diagnostics.push(
                    invalid_yaml::META
                        .diagnostic(span, "aliases expand to too many nodes")
                        .label(format!("expanding `*{name}` exceeds the limit"))
                        .note(format!(
                            "aliases copy their anchored node; nested aliases can grow exponentially (an \"alias \
                             bomb\"), so expansion stops at {MAX_ALIAS_NODES} nodes or {} MiB of text",
                            MAX_ALIAS_BYTES / (1024 * 1024)
                        ))
                        .help("write the repeated values out, or reduce how often anchors are re-used")
                        .secondary(anchored_span, "the anchored node it copies")
                        .pointer(pointer),
                );
            }
            self.deliver(error(span));
            return;
        }
        self.alias_cost = total;
        let mut done = anchored.clone();
        done.node.span = span;
        done.key_span = span;
        done.plain = false;
        self.deliver(done);
    }

    fn start_collection(
        &mut self,
        kind: Kind,
        anchor: usize,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) {
        if self.skip > 0 {
            self.skip += 1;
            self.skip_span = self.skip_span.cover(Span::new(start, end));
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            let pointer = self.child_pointer();
            self.depth_error(start, pointer);
            self.skip = 1;
            self.skip_span = Span::new(start, end);
            return;
        }
        let has_props = tag.is_some() || anchor > 0;
        let s = if has_props {
            self.skip_props(start, end)
        } else {
            start
        };
        let flow = matches!(self.bytes().get(s), Some(b'[' | b'{'));
        let tag = match tag.map(classify_tag) {
            None | Some(TagKind::NonSpecific) => None,
            Some(TagKind::Core(suffix)) => match (suffix.as_str(), kind) {
                ("map", Kind::Map) | ("seq", Kind::Seq) => None,
                ("str" | "int" | "float" | "bool" | "null" | "map" | "seq", _) => {
                    let pointer = self.child_pointer();
                    let what = if kind == Kind::Map {
                        "mapping"
                    } else {
                        "sequence"
                    };
                    let span = if s > start {
                        Span::new(start, self.trim_end(start, s))
                    } else {
                        self.point(start)
                    };
                    self.yaml_error(
                        span,
                        format!("`!!{suffix}` tag on a {what}"),
                        "this tag does not fit the value",
                        "remove the tag",
                        pointer,
                    );
                    None
                }
                _ => Some(format!("!!{suffix}")),
            },
            Some(TagKind::Other(name)) => Some(name),
        };
        if anchor > 0 {
            self.open_anchors.insert(anchor);
        }
        let token = self.child_token();
        self.stack.push(Frame {
            kind,
            props_start: start,
            start: s,
            flow,
            tag,
            anchor,
            token,
            items: Vec::new(),
            members: Vec::new(),
            merges: Vec::new(),
            pending: None,
            cost: Cost::default(),
            last_end: end.max(s),
        });
    }

    fn end_collection(&mut self, at: usize) {
        let closer = matches!(self.bytes().get(at), Some(b']' | b'}'));
        if self.skip > 0 {
            self.skip -= 1;
            if closer {
                self.skip_span = self.skip_span.cover(Span::new(at, at + 1));
            }
            if self.skip == 0 {
                let span = self.skip_span;
                self.deliver(Done {
                    node: Node::new(span, Value::Error),
                    cost: Cost { nodes: 1, bytes: 0 },
                    raw: None,
                    key_span: span,
                    plain: false,
                });
            }
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = if frame.flow && closer {
            at + 1
        } else {
            frame.last_end.max(frame.start)
        };
        let done = self.finish(frame, end);
        self.deliver(done);
    }

    /// Closes every collection still open (after an error or a cut-off stream), keeping what was read.
    fn abort_open(&mut self) {
        if self.skip > 0 {
            self.skip = 1;
            self.end_collection(usize::MAX);
        }
        while let Some(mut frame) = self.stack.pop() {
            if let Some(Pending::Key {
                text,
                span,
                merge: false,
            }) = frame.pending.take()
            {
                let at = Span::empty(span.end());
                frame.members.push(Member {
                    key: Key { text, span },
                    value: Node::new(at, Value::Error),
                });
            }
            let end = frame.last_end.max(frame.start);
            let done = self.finish(frame, end);
            self.deliver(done);
        }
    }

    /// Builds the node of a closed collection: duplicate keys, merge keys, tag, anchor.
    fn finish(&mut self, mut frame: Frame, end: usize) -> Done {
        let span = Span::new(frame.start, end);
        let value = match frame.kind {
            Kind::Seq => Value::Array(std::mem::take(&mut frame.items)),
            Kind::Map => {
                let pointer = {
                    let p = Self::pointer_of(&self.stack);
                    match &frame.token {
                        Some(t) => pointer_push(&p, t),
                        None => p,
                    }
                };
                self.check_duplicates(&frame.members, &pointer);
                let members = apply_merges(
                    std::mem::take(&mut frame.members),
                    std::mem::take(&mut frame.merges),
                );
                Value::Object(members)
            }
        };
        let mut cost = frame.cost;
        cost.nodes = cost.nodes.saturating_add(1);
        let mut node = Node::new(span, value);
        if let Some(tag) = frame.tag.take() {
            cost.nodes = cost.nodes.saturating_add(1);
            node = tagged(Span::new(frame.props_start, end), tag, node);
        }
        let done = Done {
            node,
            cost,
            raw: None,
            key_span: span,
            plain: false,
        };
        if frame.anchor > 0 {
            self.open_anchors.remove(&frame.anchor);
            self.anchors.insert(frame.anchor, done.clone());
        }
        done
    }

    fn check_duplicates(&mut self, members: &[Member], pointer: &str) {
        if members.len() < 2 {
            return;
        }
        let mut first: HashMap<&str, Span> = HashMap::with_capacity(members.len());
        for m in members {
            match first.get(m.key.text.as_str()) {
                None => {
                    first.insert(&m.key.text, m.key.span);
                }
                Some(&first_span) => {
                    self.diagnostics.push(
                        duplicate_key::META
                            .diagnostic(m.key.span, format!("duplicate key `{}`", m.key.text))
                            .label("defined again here")
                            .secondary(first_span, "first defined here")
                            .note(
                                "a mapping holds each key once: YAML loaders keep only one of the values (usually \
                                 the last), so the other is silently lost",
                            )
                            .help("remove one of the two entries, or rename one of the keys")
                            .pointer(pointer_push(pointer, &m.key.text)),
                    );
                }
            }
        }
    }

    /// Hands a finished node to the innermost open collection (or makes it the root).
    fn deliver(&mut self, done: Done) {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(done);
            }
            return;
        };
        frame.last_end = frame.last_end.max(done.node.span.end());
        match frame.kind {
            Kind::Seq => {
                frame.cost.add(done.cost);
                frame.items.push(done.node);
            }
            Kind::Map => match frame.pending.take() {
                None => match done.raw {
                    None if done.node.value == Value::Error => {
                        frame.pending = Some(Pending::Invalid)
                    }
                    Some(text) => {
                        frame.cost.add(Cost {
                            nodes: 0,
                            bytes: text.len() as u64,
                        });
                        let merge = done.plain && text == "<<";
                        frame.pending = Some(Pending::Key {
                            text,
                            span: done.key_span,
                            merge,
                        });
                    }
                    None => {
                        frame.pending = Some(Pending::Invalid);
                        let pointer = Self::pointer_of(&self.stack);
                        self.yaml_error(
                            done.node.span,
                            format!(
                                "a mapping key must be a scalar, not {}",
                                article(done.node.type_name())
                            ),
                            "key that is not a scalar",
                            "use a plain string as the key",
                            pointer,
                        );
                    }
                },
                Some(Pending::Invalid) => {}
                Some(Pending::Key {
                    text,
                    span: key_span,
                    merge: true,
                }) => {
                    let position = frame.members.len();
                    match merge_sources(done.node) {
                        Ok(members) => {
                            frame.cost.add(done.cost);
                            frame.merges.push((position, members));
                        }
                        Err(bad) => {
                            let mut pointer = Self::pointer_of(&self.stack);
                            pointer = pointer_push(&pointer, &text);
                            self.yaml_error(
                                bad,
                                "the merge key `<<` needs a mapping or a list of mappings",
                                "not a mapping",
                                "merge an alias of a mapping (`<<: *base`) or a list of them (`<<: [*a, *b]`)",
                                pointer,
                            );
                            self.also(key_span, "merge key");
                        }
                    }
                }
                Some(Pending::Key {
                    text,
                    span,
                    merge: false,
                }) => {
                    frame.cost.add(done.cost);
                    frame.members.push(Member {
                        key: Key { text, span },
                        value: done.node,
                    });
                }
            },
        }
    }
}

fn article(type_name: &str) -> String {
    match type_name.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

fn tagged(span: Span, tag: String, value: Node) -> Node {
    Node::new(
        span,
        Value::Tagged {
            tag,
            value: Box::new(value),
        },
    )
}

/// The members a merge-key value contributes, or the span of the part that is not a mapping.
fn merge_sources(node: Node) -> Result<Vec<Member>, Span> {
    match node.value {
        Value::Object(members) => Ok(members),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                match item.value {
                    Value::Object(members) => out.extend(members),
                    _ => return Err(item.span),
                }
            }
            Ok(out)
        }
        _ => Err(node.span),
    }
}

/// Inserts merged members where their `<<` stood: explicit keys win, then earlier merge sources.
fn apply_merges(members: Vec<Member>, merges: Vec<(usize, Vec<Member>)>) -> Vec<Member> {
    if merges.is_empty() {
        return members;
    }
    let explicit: HashSet<String> = members.iter().map(|m| m.key.text.clone()).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(members.len());
    let mut merges = merges.into_iter().peekable();
    for (i, m) in members.into_iter().enumerate() {
        while let Some((_, list)) = merges.next_if(|(pos, _)| *pos <= i) {
            push_merged(&mut out, list, &explicit, &mut seen);
        }
        out.push(m);
    }
    for (_, list) in merges {
        push_merged(&mut out, list, &explicit, &mut seen);
    }
    out
}

fn push_merged(
    out: &mut Vec<Member>,
    list: Vec<Member>,
    explicit: &HashSet<String>,
    seen: &mut HashSet<String>,
) {
    for m in list {
        if !explicit.contains(&m.key.text) && seen.insert(m.key.text.clone()) {
            out.push(m);
        }
    }
}

// -------------------------------------------------------------------- core schema

/// Resolves an untagged plain scalar with the YAML 1.2 core schema.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_int(s) {
        return Value::Number(n);
    }
    if let Some(n) = parse_float(s) {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}

/// Applies a `!!suffix` core tag to a scalar: `None` for a tag outside the core schema.
fn core_scalar(suffix: &str, raw: &str) -> Option<Result<Value, String>> {
    let v = match suffix {
        "str" => Ok(Value::String(raw.to_string())),
        "int" => parse_int(raw)
            .map(Value::Number)
            .ok_or_else(|| format!("`{raw}` is not a valid `!!int`")),
        "float" => parse_int(raw)
            .or_else(|| parse_float(raw))
            .map(|n| {
                Value::Number(Number {
                    value: n.value,
                    is_integer: false,
                })
            })
            .ok_or_else(|| format!("`{raw}` is not a valid `!!float`")),
        "bool" => match raw {
            "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
            "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
            _ => Err(format!("`{raw}` is not a valid `!!bool`")),
        },
        "null" => match raw {
            "" | "~" | "null" | "Null" | "NULL" => Ok(Value::Null),
            _ => Err(format!("`{raw}` is not a valid `!!null`")),
        },
        "map" | "seq" => Err(format!("`!!{suffix}` tag on a scalar")),
        _ => return None,
    };
    Some(v)
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn parse_int(s: &str) -> Option<Number> {
    let radix_digits = |digits: &str, radix: u32| -> Option<f64> {
        if digits.is_empty() {
            return None;
        }
        let mut v = 0f64;
        for c in digits.chars() {
            v = v * f64::from(radix) + f64::from(c.to_digit(radix)?);
        }
        Some(v)
    };
    let value = if let Some(d) = s.strip_prefix("0x") {
        radix_digits(d, 16)?
    } else if let Some(d) = s.strip_prefix("0o") {
        radix_digits(d, 8)?
    } else {
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<f64>().ok()?
    };
    Some(Number {
        value,
        is_integer: true,
    })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`.
fn parse_float(s: &str) -> Option<Number> {
    let float = |value| {
        Some(Number {
            value,
            is_integer: false,
        })
    };
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let negative = s.starts_with('-');
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return float(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return float(f64::NAN);
    }
    let b = unsigned.as_bytes();
    let mut i = 0;
    let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = b
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_digits = b
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if exp_digits == 0 {
            return None;
        }
        i += exp_digits;
    }
    if i != b.len() {
        return None;
    }
    // Rust's parser accepts every string of this grammar ("1.", ".5", "+1e3").
    float(s.parse::<f64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_convert_characters_to_bytes() {
        let ascii = Offsets::new("abc");
        assert!(ascii.table.is_none());
        assert_eq!(ascii.byte(&Marker::new(2, 1, 2)), 2);
        assert_eq!(ascii.byte(&Marker::new(99, 1, 99)), 3);
        let text = "aé😀b";
        let o = Offsets::new(text);
        let bytes: Vec<usize> = (0..6).map(|i| o.byte(&Marker::new(i, 1, i))).collect();
        assert_eq!(bytes, [0, 1, 3, 7, 8, 8]);
        assert!(bytes.iter().all(|&b| text.is_char_boundary(b)));
    }

    #[test]
    fn integers_follow_the_core_schema() {
        let int = |s| parse_int(s).map(|n| (n.value, n.is_integer));
        assert_eq!(int("0"), Some((0.0, true)));
        assert_eq!(int("-12"), Some((-12.0, true)));
        assert_eq!(int("+7"), Some((7.0, true)));
        assert_eq!(int("0x1f"), Some((31.0, true)));
        assert_eq!(int("0o777"), Some((511.0, true)));
        assert_eq!(int("99999999999999999999"), Some((1e20, true)));
        for bad in [
            "", "-", "0x", "0o8", "-0x1", "1_000", "1.0", "0b1", "12a", "٣",
        ] {
            assert_eq!(int(bad), None, "{bad}");
        }
    }

    #[test]
    fn floats_follow_the_core_schema() {
        let float = |s| parse_float(s).map(|n| (n.value, n.is_integer));
        assert_eq!(float("1.5"), Some((1.5, false)));
        assert_eq!(float(".5"), Some((0.5, false)));
        assert_eq!(float("-2."), Some((-2.0, false)));
        assert_eq!(float("1e3"), Some((1000.0, false)));
        assert_eq!(float("+1.5E-2"), Some((0.015, false)));
        assert_eq!(float("-.INF"), Some((f64::NEG_INFINITY, false)));
        assert!(parse_float(".nan").is_some_and(|n| n.value.is_nan()));
        for bad in [
            "", ".", "-.", "e3", "1e", "1e+", "1.2.3", "inf", "-.nan", "1,5", "0x1p3",
        ] {
            assert!(parse_float(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn plain_scalars_resolve() {
        assert_eq!(resolve_plain(""), Value::Null);
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("TRUE"), Value::Bool(true));
        assert_eq!(resolve_plain("tRue"), Value::String("tRue".into()));
        assert_eq!(resolve_plain("no"), Value::String("no".into()));
        assert!(matches!(
            resolve_plain("3"),
            Value::Number(Number {
                is_integer: true,
                ..
            })
        ));
    }

    #[test]
    fn core_tags_check_their_value() {
        assert_eq!(core_scalar("str", "1"), Some(Ok(Value::String("1".into()))));
        assert!(matches!(core_scalar("int", "x"), Some(Err(_))));
        assert!(matches!(core_scalar("bool", "yes"), Some(Err(_))));
        assert!(matches!(core_scalar("map", "a"), Some(Err(_))));
        assert_eq!(core_scalar("null", "~"), Some(Ok(Value::Null)));
        assert!(core_scalar("binary", "AAAA").is_none());
    }

    #[test]
    fn tags_are_classified() {
        let tag = |handle: &str, suffix: &str| Tag {
            handle: handle.into(),
            suffix: suffix.into(),
        };
        assert!(matches!(classify_tag(&tag("!", "Sub")), TagKind::Other(t) if t == "!Sub"));
        assert!(
            matches!(classify_tag(&tag("tag:yaml.org,2002:", "int")), TagKind::Core(s) if s == "int")
        );
        assert!(
            matches!(classify_tag(&tag("", "tag:yaml.org,2002:str")), TagKind::Core(s) if s == "str")
        );
        assert!(matches!(classify_tag(&tag("", "!")), TagKind::NonSpecific));
        assert!(
            matches!(classify_tag(&tag("", "tag:x.com:y")), TagKind::Other(t) if t == "!<tag:x.com:y>")
        );
        assert!(
            matches!(classify_tag(&tag("tag:x.com,2024:", "a")), TagKind::Other(t) if t == "tag:x.com,2024:a")
        );
    }

    #[test]
    fn block_indicators_are_found_across_blank_and_comment_lines() {
        let text = "a: |-  # note\n\n  # not a comment\n  x\n";
        let b = Builder::new(text);
        let content = text.find("  # not").unwrap() + 2;
        assert_eq!(b.block_indicator(content), text.find('|'));
        let text = "a: b\n  x\n";
        assert_eq!(Builder::new(text).block_indicator(7), None);
        assert_eq!(Builder::new("x").block_indicator(0), None);
    }

    #[test]
    fn properties_are_skipped() {
        let text = "!Sub &a # c\n  value";
        let b = Builder::new(text);
        assert_eq!(b.skip_props(0, text.len()), text.find("value").unwrap());
        assert_eq!(b.skip_props(0, 3), 3, "never past the limit");
        let text = "!<tag:a,b> [x]";
        assert_eq!(
            Builder::new(text).skip_props(0, text.len()),
            text.find('[').unwrap()
        );
    }

    #[test]
    fn merges_insert_where_the_merge_key_stood() {
        let m = |k: &str| Member {
            key: Key {
                text: k.into(),
                span: Span::default(),
            },
            value: Node::new(Span::default(), Value::Null),
        };
        let out = apply_merges(
            vec![m("a"), m("b")],
            vec![(1, vec![m("x"), m("a"), m("y")]), (2, vec![m("y"), m("z")])],
        );
        let keys: Vec<&str> = out.iter().map(|m| m.key.text.as_str()).collect();
        assert_eq!(keys, ["a", "x", "y", "b", "z"]);
    }
}

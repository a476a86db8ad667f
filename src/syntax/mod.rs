//! Bytes → spanned tree.
//!
//! Every parser here (JSON, JSON5, YAML) produces the same [`Node`] tree in which every key and every value
//! carries its byte [`Span`] in the source text. Parsing never fails and never panics: it returns the best tree it
//! could recover (possibly `None` for an empty or hopeless document) plus every syntax problem found, already as
//! [`Diagnostic`]s of the syntax rules (`invalid-json`, `invalid-yaml`, `duplicate-key`).

mod json;
mod line_index;
mod yaml;

pub use json::parse_json;
pub use line_index::{floor_char_boundary, LineIndex};
pub use yaml::parse_yaml;

use crate::diagnostics::Diagnostic;

/// Maximum nesting of arrays/objects the parsers build. Deeper input gets a diagnostic, never a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let start = start.min(u32::MAX as usize) as u32;
        let end = end.min(u32::MAX as usize) as u32;
        Span {
            start,
            end: end.max(start),
        }
    }
    pub fn empty(at: usize) -> Self {
        Span::new(at, at)
    }
    pub fn start(self) -> usize {
        self.start as usize
    }
    pub fn end(self) -> usize {
        self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// The syntax a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// Strict JSON, as AWS accepts it.
    Json,
    /// JSON5: comments, trailing commas, unquoted keys, single-quoted strings.
    Json5,
    Yaml,
}

impl SourceKind {
    /// Picks the syntax from a file name: `*.json5` → JSON5, `*.yaml`/`*.yml` → YAML, anything else JSON.
    pub fn from_path(path: &str) -> SourceKind {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json5") {
            SourceKind::Json5
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            SourceKind::Yaml
        } else {
            SourceKind::Json
        }
    }
}

/// A number as written: the source text is kept so that `1.0` and `1` can be told apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The value as f64 (`f64::INFINITY`, `NaN` for JSON5 `Infinity`/`NaN`).
    pub value: f64,
    /// True when the literal has no fraction and no exponent (`3`, `-7`, `0x1F`).
    pub is_integer: bool,
}

impl Number {
    /// The integer value when the number is integral and fits an i64.
    pub fn as_i64(&self) -> Option<i64> {
        if self.value.fract() == 0.0 && self.value.is_finite() && self.value.abs() < 9.2e18 {
            Some(self.value as i64)
        } else {
            None
        }
    }
}

/// An object key with its span (the span covers the key token, quotes included).
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub span: Span,
}

/// One `key: value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Key,
    pub value: Node,
}

/// A value of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    /// The unescaped string value. The node's span covers the token, quotes included.
    String(String),
    Array(Vec<Node>),
    /// Members in source order. Duplicate keys are kept (and reported by the parser).
    Object(Vec<Member>),
    /// A YAML value with a tag such as CloudFormation's `!Sub` / `!GetAtt` / `!Ref`: an unknown value at lint time.
    Tagged {
        tag: String,
        value: Box<Node>,
    },
    /// A value the parser could not read (the diagnostic was already reported).
    Error,
}

/// A value with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Node { span, value }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match &self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The first member with this key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }
    /// The first member with this key, key span included.
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().find(|m| m.key.text == key)
    }
    /// A short name of the value's JSON type, for messages ("string", "object", ...).
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_integer => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Tagged { .. } => "tagged value",
            Value::Error => "invalid value",
        }
    }
    /// Converts to a `serde_json::Value` (tags and errors become null; duplicate keys: last wins).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null | Value::Error | Value::Tagged { .. } => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => {
                if n.is_integer {
                    if let Some(i) = n.as_i64() {
                        return J::from(i);
                    }
                }
                serde_json::Number::from_f64(n.value)
                    .map(J::Number)
                    .unwrap_or(J::Null)
            }
            Value::String(s) => J::String(s.clone()),
            Value::Array(a) => J::Array(a.iter().map(Node::to_json).collect()),
            Value::Object(m) => J::Object(
                m.iter()
                    .map(|m| (m.key.text.clone(), m.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// What a parser returns: the recovered tree (if any) and every syntax problem found.
#[derive(Debug, Default)]
pub struct ParseOutput {
    pub root: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `text` as the given kind.
pub fn parse(text: &str, kind: SourceKind) -> ParseOutput {
    match kind {
        SourceKind::Json => parse_json(text, false),
        SourceKind::Json5 => parse_json(text, true),
        SourceKind::Yaml => parse_yaml(text),
    }
}

/// Escapes one reference token for a JSON Pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
pub fn escape_pointer_token(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_string();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds an RFC 6901 pointer by appending one token to a parent pointer (one allocation).
pub fn pointer_push(parent: &str, token: &str) -> String {
    let mut p = String::with_capacity(parent.len() + token.len() + 1);
    p.push_str(parent);
    p.push('/');
    if !token.contains(['~', '/']) {
        p.push_str(token);
        return p;
    }
    for c in token.chars() {
        match c {
            '~' => p.push_str("~0"),
            '/' => p.push_str("~1"),
            c => p.push(c),
        }
    }
    p
}

/// True when the string contains a `${...}` substitution placeholder (SAM, CDK, Terraform, Serverless).
pub fn has_placeholder(s: &str) -> bool {
    s.find("${").is_some_and(|i| s[i + 2..].contains('}'))
}

/// True when the whole string is one `${...}` placeholder.
pub fn is_whole_placeholder(s: &str) -> bool {
    s.starts_with("${") && s.ends_with('}') && s[2..s.len() - 1].find('}').is_none() && s.len() > 3
}

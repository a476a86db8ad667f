//! Error-tolerant JSON / JSON5 parser.
//!
//! A hand-written, byte-level recursive-descent parser that builds the spanned [`Node`] tree and reports every
//! syntax error it can recover from as an `invalid-json` diagnostic (duplicate keys as `duplicate-key`).
//!
//! * Strict mode (`json5 == false`, `.json` files): JSON5 extensions (comments, trailing commas, unquoted keys,
//!   single-quoted strings, hex numbers, `+`/leading/trailing decimal point, `Infinity`/`NaN`, extra escapes and
//!   line continuations, non-ASCII whitespace) are reported as errors, but recovered exactly as in JSON5 mode so that
//!   the rest of the document still lints.
//! * Recovery keeps as much of the tree as possible: a missing comma still inserts the member, a value that cannot
//!   be read becomes [`Value::Error`], an unclosed container is closed at the end of input.
//! * One mistake, one diagnostic: a structural error (missing or extra punctuation, a misplaced token) puts the
//!   parser in *panic mode*, where further errors are not reported until a clean `"key": ` member at the same or an
//!   outer level shows it is back in step (end-of-input and depth problems are always reported). Common slips get a
//!   targeted recovery: a missing comma or colon, an unescaped `"` inside a string, a missing opening quote,
//!   `"a": "b": value`, a string cut at the end of its line, a closer that belongs to an outer container.
//! * Nesting is capped at [`MAX_DEPTH`]: the over-deep value becomes [`Value::Error`] and is skipped without
//!   recursion, so no input can overflow the stack. Every loop consumes input, so parsing is linear in the input.
use super::{escape_pointer_token, Key, Member, Node, Number, ParseOutput, Span, Value, MAX_DEPTH};
use crate::diagnostics::Diagnostic;
use crate::rules::{duplicate_key, invalid_json};
use std::collections::HashMap;

/// After this many `invalid-json` diagnostics in one document, the rest are dropped (one final diagnostic says so).
const MAX_SYNTAX_ERRORS: usize = 200;

/// At most this many `duplicate-key` diagnostics per document (more means the input is not a definition).
const MAX_DUPLICATE_KEYS: usize = 200;

/// Objects with at least this many members use a hash index for duplicate detection (linear scan below).
const DUP_INDEX_THRESHOLD: usize = 16;

/// Why a strict-JSON extension matters; shared by every "not allowed in JSON" diagnostic.
const NOTE_STRICT: &str =
    "AWS Step Functions parses definitions as strict JSON (RFC 8259) and rejects JSON5 syntax \
                           with INVALID_JSON_DESCRIPTION";
/// Why a plain syntax error matters.
const NOTE_SYNTAX: &str = "AWS Step Functions rejects a definition that is not valid JSON \
                           (INVALID_JSON_DESCRIPTION), and tools reading it may see a different document";

/// Parses JSON (`json5 == false`: JSON5 extensions are reported as errors but recovered) or JSON5.
pub fn parse_json(text: &str, json5: bool) -> ParseOutput {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: 0,
        json5,
        diags: Vec::new(),
        syntax_errors: 0,
        path: Vec::new(),
        open_counts: [0, 0],
        depth_reported: false,
        eof_reported: false,
        unterminated_at: None,
        panic: false,
        panic_level: 0,
        stray_memo: (0, 0, None),
        duplicates: 0,
    };
    let root = p.parse_document();
    ParseOutput {
        root,
        diagnostics: p.diags,
    }
}

/// One step of the JSON pointer of the value being parsed.
enum Seg {
    /// A key without escapes: its text is `text[start..end]`.
    Raw(usize, usize),
    /// A key with escapes (rare): its unescaped text.
    Owned(String),
    Index(usize),
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    json5: bool,
    diags: Vec<Diagnostic>,
    syntax_errors: usize,
    path: Vec<Seg>,
    /// Number of currently open `{` and `[`.
    open_counts: [usize; 2],
    depth_reported: bool,
    /// An error at the end of input was reported (outer unclosed brackets are not reported again).
    eof_reported: bool,
    /// End of the last string that was cut at a line end (a "missing comma" right there is not reported again).
    unterminated_at: Option<usize>,
    /// Panic mode: set by a structural error, cleared by the next clean `"key": ` member. While set, errors are
    /// not reported (they are most likely consequences of the first one), except end-of-input and depth problems.
    panic: bool,
    /// Path length where panic mode began: only a clean member at this level or above ends it.
    panic_level: usize,
    /// Last answer of `stray_quote_close`: (quote, valid for starts before this position, closing quote).
    stray_memo: (u8, usize, Option<usize>),
    /// Number of duplicate keys found so far.
    duplicates: usize,
}

/// A string token: unescaped text, span with quotes, and whether it held escapes.
struct StrTok {
    text: String,
    span: Span,
    escaped: bool,
}

fn is_word_stop(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']' | b'{' | b'[' | b'"' | b'\''
    )
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn hex_val(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// Shortens a token for a message, on a char boundary.
fn excerpt(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

/// Non-ASCII whitespace JSON5 allows (Unicode `Zs`, BOM, line/paragraph separators).
fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

impl<'a> Parser<'a> {
    // ----- diagnostics -------------------------------------------------------------------------------------------

    fn pointer(&self) -> String {
        let mut p = String::new();
        for seg in &self.path {
            p.push('/');
            match seg {
                Seg::Raw(s, e) => p.push_str(&escape_pointer_token(self.slice(*s, *e))),
                Seg::Owned(k) => p.push_str(&escape_pointer_token(k)),
                Seg::Index(i) => p.push_str(&i.to_string()),
            }
        }
        p
    }

    /// A new `invalid-json` diagnostic at `span` with the current pointer and the general note.
    fn invalid(
        &self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        // The pointer is filled in by `push_always`, only for diagnostics that are kept.
        invalid_json::META.diagnostic(span, message).label(label)
    }

    /// Records an `invalid-json` diagnostic, honouring the error cap.
    fn push(&mut self, d: Diagnostic) {
        if self.panic {
            return;
        }
        self.push_always(d);
    }

    /// Records an `invalid-json` diagnostic even in panic mode (end-of-input and depth problems).
    fn push_always(&mut self, mut d: Diagnostic) {
        self.syntax_errors += 1;
        if self.syntax_errors < MAX_SYNTAX_ERRORS {
            // Built right after the diagnostic, at the same place in the document.
            d.pointer = self.pointer();
            self.diags.push(d);
        } else if self.syntax_errors == MAX_SYNTAX_ERRORS {
            let span = d.primary.span;
            self.diags.push(
                invalid_json::META
                    .diagnostic(
                        span,
                        format!("too many syntax errors; only the first {} are reported", MAX_SYNTAX_ERRORS - 1),
                    )
                    .label("reporting stops here")
                    .note("a document with this many errors is probably not JSON at all")
                    .help("fix the errors above, or check that the file is really a JSON state machine definition"),
            );
        }
    }

    /// A plain syntax error (wrong in JSON and JSON5 alike).
    fn syntax(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        let d = self
            .invalid(span, message, label)
            .note(NOTE_SYNTAX)
            .help(help);
        self.push(d);
    }

    /// A structural error (missing or extra punctuation, misplaced token): reported unless already in panic mode,
    /// then panic mode is entered, so its likely consequences are not reported as well.
    fn structural(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.syntax(span, message, label, help);
        self.enter_panic();
    }

    /// Enters panic mode at the current nesting level (or lowers the level when already panicking).
    fn enter_panic(&mut self) {
        let level = self.path.len();
        if self.panic {
            self.panic_level = self.panic_level.min(level);
        } else {
            self.panic = true;
            self.panic_level = level;
        }
    }

    /// A syntax error reported even in panic mode.
    fn syntax_always(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        let d = self
            .invalid(span, message, label)
            .note(NOTE_SYNTAX)
            .help(help);
        self.push_always(d);
    }

    /// A JSON5 extension used in strict mode: an error there, nothing in JSON5 mode.
    fn extension(&mut self, span: Span, message: impl Into<String>, label: &str, fix: &str) {
        if self.json5 {
            return;
        }
        let d = self
            .invalid(span, message, label)
            .note(NOTE_STRICT)
            .help(format!(
                "{fix} (AWS Step Functions rejects it); to lint the file as JSON5 instead, give it the `.json5` extension"
            ));
        self.push(d);
    }

    // ----- low-level scanning --------------------------------------------------------------------------------------

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }

    /// Skips whitespace and comments (reporting them in strict mode).
    fn skip_ws(&mut self) {
        loop {
            // Fast path: a run of ordinary whitespace (indentation) in one scan.
            let rest = self.b.get(self.pos..).unwrap_or(&[]);
            self.pos += rest
                .iter()
                .position(|&c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') => match self.peek_at(self.pos + 1) {
                    Some(b'/') => self.line_comment(),
                    Some(b'*') => self.block_comment(),
                    _ => return,
                },
                Some(0x0B | 0x0C) => {
                    let span = Span::new(self.pos, self.pos + 1);
                    self.pos += 1;
                    self.extension(
                        span,
                        "vertical tab and form feed are not whitespace in JSON",
                        "not JSON whitespace",
                        "replace it with a space",
                    );
                }
                Some(c) if c >= 0x80 => match self.char_at(self.pos) {
                    Some(ch) if is_unicode_space(ch) => {
                        let span = Span::new(self.pos, self.pos + ch.len_utf8());
                        self.pos += ch.len_utf8();
                        self.extension(
                            span,
                            format!(
                                "non-ASCII whitespace U+{:04X} is not allowed in JSON",
                                ch as u32
                            ),
                            "not JSON whitespace",
                            "replace it with a plain space",
                        );
                    }
                    _ => return,
                },
                _ => return,
            }
        }
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let mut i = self.pos + 2;
        while let Some(c) = self.peek_at(i) {
            if c == b'\n' || c == b'\r' {
                break;
            }
            i += 1;
        }
        self.pos = i;
        self.extension(
            Span::new(start, i),
            "comments are not allowed in JSON",
            "comment",
            "remove the comment",
        );
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        match self.text.get(start + 2..).and_then(|rest| rest.find("*/")) {
            Some(off) => {
                self.pos = start + 2 + off + 2;
                self.extension(
                    Span::new(start, self.pos),
                    "comments are not allowed in JSON",
                    "comment",
                    "remove the comment",
                );
            }
            None => {
                self.pos = self.b.len();
                self.eof_reported = true;
                self.syntax_always(
                    Span::new(start, start + 2),
                    "unterminated block comment",
                    "comment starts here and never ends",
                    "close the comment with `*/`",
                );
            }
        }
    }

    /// Scans a bare word from `self.pos` (at least one byte, which must not be a word stop), stopping at whitespace
    /// and structural characters, and at `:` when `stop_at_colon`.
    fn scan_word(&mut self, stop_at_colon: bool) -> (usize, usize) {
        let start = self.pos;
        let mut i = start + 1;
        // The first byte may be non-ASCII: step over its continuation bytes as well (they are never stops).
        while let Some(c) = self.peek_at(i) {
            if is_word_stop(c) || (stop_at_colon && c == b':') {
                break;
            }
            i += 1;
        }
        self.pos = i;
        (start, i)
    }

    // ----- document ------------------------------------------------------------------------------------------------

    fn parse_document(&mut self) -> Option<Node> {
        if self.b.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.pos = 3;
        }
        self.skip_ws();
        if self.pos >= self.b.len() {
            if !self.eof_reported {
                let d = self
                    .invalid(Span::empty(self.b.len()), "empty document", "expected a JSON object here")
                    .note("a state machine definition is a JSON object; AWS rejects an empty one (MISSING_DESCRIPTION)")
                    .help("write the definition: `{\"StartAt\": ..., \"States\": {...}}`")
                    .aws_code("MISSING_DESCRIPTION");
                self.push_always(d);
            }
            return None;
        }
        let mut reported = false;
        let root = loop {
            self.skip_ws();
            if self.pos >= self.b.len() {
                break None;
            }
            if let Some(v) = self.parse_value(0) {
                break Some(v);
            }
            // A `,` `:` `}` or `]` where the document should start.
            if !reported {
                reported = true;
                let span = Span::new(self.pos, self.pos + 1);
                let found = self.slice(self.pos, self.pos + 1).to_string();
                self.structural(
                    span,
                    format!("expected a JSON value, found `{found}`"),
                    "unexpected character",
                    "remove it; the definition should start with `{`",
                );
            }
            self.pos += 1;
        };
        self.skip_ws();
        if self.pos < self.b.len() {
            let start = self.pos;
            let trimmed = self.text.trim_end().len();
            let end = if trimmed > start {
                trimmed
            } else {
                start + self.char_at(start).map_or(1, char::len_utf8)
            };
            let (span, message, label) = match self.peek() {
                Some(c @ (b'}' | b']')) => (
                    Span::new(start, start + 1),
                    format!("unmatched `{}` after the root value", c as char),
                    "nothing to close here",
                ),
                _ => (
                    Span::new(start, end),
                    "unexpected content after the root value".to_string(),
                    "the document already ended",
                ),
            };
            let mut d = self.invalid(span, message, label).note(NOTE_SYNTAX);
            d = d.help(
                "a JSON document holds exactly one value: remove the extra content or merge it into the root object",
            );
            if let Some(r) = &root {
                d = d.secondary(r.span, "the root value");
            }
            self.push(d);
        }
        root
    }

    // ----- values --------------------------------------------------------------------------------------------------

    /// Parses the value starting at `self.pos` (after whitespace); `depth` counts the enclosing containers. Returns
    /// `None`, consuming nothing, at end of input or at `,` `:` `}` `]`; otherwise always consumes input.
    fn parse_value(&mut self, depth: usize) -> Option<Node> {
        let c = self.peek()?;
        Some(match c {
            b'{' | b'[' if depth >= MAX_DEPTH => self.skip_too_deep(),
            b'{' => self.parse_object(depth + 1),
            b'[' => self.parse_array(depth + 1),
            b'"' | b'\'' => {
                let s = self.parse_string();
                Node::new(s.span, Value::String(s.text))
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => self.parse_number(),
            b',' | b':' | b'}' | b']' => return None,
            _ => self.parse_word(),
        })
    }

    /// Skips an over-deep container without recursion.
    fn skip_too_deep(&mut self) -> Node {
        let start = self.pos;
        if !self.depth_reported {
            self.depth_reported = true;
            let d = self
                .invalid(
                    Span::new(start, start + 1),
                    format!("nesting deeper than {MAX_DEPTH} levels"),
                    "this value is nested too deeply",
                )
                .note("aslint does not read values nested this deeply, so nothing inside is checked; no real state machine needs them")
                .help("flatten the data, or pass it in as execution input instead of embedding it in the definition");
            self.push_always(d);
        }
        let mut level = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'{' | b'[' => level += 1,
                b'}' | b']' => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        self.pos += 1;
                        break;
                    }
                }
                b'"' | b'\'' => {
                    // Skip the string so brackets inside it do not count.
                    let q = c;
                    self.pos += 1;
                    while let Some(s) = self.peek() {
                        if s == b'\\' {
                            self.pos += 2;
                            continue;
                        }
                        if s == q || s == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.pos.min(self.b.len());
        Node::new(Span::new(start, self.pos), Value::Error)
    }

    /// True when a key followed by `:` starts at `self.pos` (a lookahead used only on error paths).
    fn looks_like_key(&self) -> bool {
        let mut i = self.pos;
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                i += 1;
                loop {
                    match self.peek_at(i) {
                        Some(b'\\') => i += 2,
                        Some(c) if c == q => break,
                        Some(b'\n' | b'\r') | None => return false,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            }
            Some(c) if is_ident_byte(c) => {
                while self.peek_at(i).is_some_and(is_ident_byte) {
                    i += 1;
                }
            }
            _ => return false,
        }
        while matches!(self.peek_at(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        self.peek_at(i) == Some(b':')
    }

    /// At a key or value with no opening quote but a closing one (`Next": ...`, `"Next": World",`): the position
    /// of that closing quote. It must be on this line, with no `, { } [ ]` (nor `:` in a key) before it, and be
    /// followed by `:` (key) or by `,` `}` `]` or the end of the line (value).
    fn missing_open_quote(&self, key: bool) -> Option<usize> {
        // A bounded lookahead: this runs at every unquoted word and must not make parsing quadratic.
        const LIMIT: usize = 128;
        let mut i = self.pos;
        loop {
            if i - self.pos > LIMIT {
                return None;
            }
            match self.peek_at(i)? {
                b'"' => break,
                b',' | b'{' | b'}' | b'[' | b']' | b'\n' | b'\r' | b'\'' | b'\\' => return None,
                b':' if key => return None,
                _ => i += 1,
            }
        }
        let q = i;
        i += 1;
        while matches!(self.peek_at(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let ok = match self.peek_at(i) {
            Some(b':') => key,
            None | Some(b',' | b'}' | b']' | b'\n' | b'\r') => !key,
            _ => false,
        };
        (ok && q > self.pos).then_some(q)
    }

    /// Reads the text up to the closing quote at `q` of a string whose opening quote is missing.
    fn unopened_string(&mut self, q: usize) -> (String, Span) {
        let start = self.pos;
        let text = self.slice(start, q).to_string();
        self.pos = q + 1;
        let d = self
            .invalid(
                Span::empty(start),
                "missing opening `\"`",
                "expected `\"` here",
            )
            .secondary(Span::new(q, q + 1), "the closing quote")
            .note(NOTE_SYNTAX)
            .help(format!("add the opening quote: `\"{}\"`", excerpt(&text)));
        self.push(d);
        (text, Span::new(start, q + 1))
    }

    /// A bare word in value position: `true`/`false`/`null`, JSON5 `Infinity`/`NaN`, or an error.
    fn parse_word(&mut self) -> Node {
        if let Some(q) = self.missing_open_quote(false) {
            let (text, span) = self.unopened_string(q);
            return Node::new(span, Value::String(text));
        }
        let (start, mut end) = self.scan_word(false);
        let mut word = self.slice(start, end);
        if !matches!(word, "true" | "false" | "null" | "Infinity" | "NaN") {
            // Unquoted text often has spaces (`Hello world`): take the rest of it on this line as one word.
            loop {
                let mut i = end;
                while matches!(self.peek_at(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                match self.peek_at(i) {
                    Some(c) if !is_word_stop(c) && c != b'/' && i > end => {
                        self.pos = i;
                        end = self.scan_word(false).1;
                    }
                    _ => break,
                }
            }
            word = self.slice(start, end);
        }
        let span = Span::new(start, end);
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            "Infinity" | "NaN" => {
                self.extension(
                    span,
                    format!("`{word}` is not allowed in JSON"),
                    "JSON5 number",
                    "JSON has no such number; use a string or a large number",
                );
                let value = if word == "NaN" {
                    f64::NAN
                } else {
                    f64::INFINITY
                };
                Value::Number(Number {
                    value,
                    is_integer: false,
                })
            }
            _ => {
                let lower = word.to_ascii_lowercase();
                let intended = match lower.as_str() {
                    "true" => Some(("true", Value::Bool(true))),
                    "false" => Some(("false", Value::Bool(false))),
                    "null" | "none" | "nil" => Some(("null", Value::Null)),
                    _ => None,
                };
                if let Some((lit, value)) = intended {
                    self.syntax(
                        span,
                        format!("`{word}` is not a JSON literal"),
                        "not a JSON literal",
                        format!("JSON literals are lowercase: write `{lit}`"),
                    );
                    value
                } else {
                    let first = word.chars().next().unwrap_or(' ');
                    if first.is_alphanumeric() || first == '_' || first == '$' {
                        self.syntax(
                            span,
                            format!("unquoted string `{}`", excerpt(word)),
                            "not a JSON value",
                            format!("put text in double quotes: `\"{}\"`", excerpt(word)),
                        );
                    } else {
                        let shown = if first.is_control() {
                            format!("U+{:04X}", first as u32)
                        } else {
                            format!("`{}`", excerpt(word))
                        };
                        self.syntax(
                            span,
                            format!("unexpected {shown}"),
                            "not a JSON value",
                            "remove it, or put text in double quotes",
                        );
                    }
                    Value::Error
                }
            }
        };
        Node::new(span, value)
    }

    fn parse_number(&mut self) -> Node {
        let start = self.pos;
        let mut end = start;
        while let Some(c) = self.peek_at(end) {
            if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-' | b'_') {
                end += 1;
            } else {
                break;
            }
        }
        self.pos = end;
        let span = Span::new(start, end);
        let tok = self.slice(start, end);
        let value = self.number_value(tok, span);
        Node::new(span, value)
    }

    /// Validates a number token (maximal run of number-ish characters) and computes its value.
    fn number_value(&mut self, tok: &str, span: Span) -> Value {
        let b = tok.as_bytes();
        let (neg, mut i) = match b.first() {
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            _ => (false, 0),
        };
        let plus = b.first() == Some(&b'+');
        let body = tok.get(i..).unwrap_or("");
        let invalid = |p: &mut Self| {
            p.syntax(
                span,
                format!("invalid number `{}`", excerpt(tok)),
                "not a JSON number",
                "write a number like `42`, `-1.5` or `2e10`, or put text in double quotes",
            );
            Value::Error
        };
        if body == "Infinity" || body == "NaN" {
            self.extension(
                span,
                format!("`{tok}` is not allowed in JSON"),
                "JSON5 number",
                "JSON has no such number; use a string or a large number",
            );
            let v = if body == "NaN" {
                f64::NAN
            } else if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            return Value::Number(Number {
                value: v,
                is_integer: false,
            });
        }
        if body.len() > 2 && (body.starts_with("0x") || body.starts_with("0X")) {
            let mut v = 0f64;
            for &c in body.as_bytes().get(2..).unwrap_or(&[]) {
                match hex_val(c) {
                    Some(d) => v = v * 16.0 + f64::from(d),
                    None => return invalid(self),
                }
            }
            let msg = if plus {
                "leading `+` and hexadecimal numbers are not allowed in JSON"
            } else {
                "hexadecimal numbers are not allowed in JSON"
            };
            self.extension(span, msg, "JSON5 number", "write the number in decimal");
            return Value::Number(Number {
                value: if neg { -v } else { v },
                is_integer: true,
            });
        }
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - s
        };
        let int_start = i;
        let n_int = digits(&mut i);
        let leading_zero = n_int > 1 && b.get(int_start) == Some(&b'0');
        let mut has_dot = false;
        let mut n_frac = 0;
        if b.get(i) == Some(&b'.') {
            has_dot = true;
            i += 1;
            n_frac = digits(&mut i);
        }
        if n_int == 0 && n_frac == 0 {
            return invalid(self);
        }
        let mut has_exp = false;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            has_exp = true;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return invalid(self);
            }
        }
        if i != b.len() {
            return invalid(self);
        }
        let value = if !has_dot && !has_exp && n_int <= 15 {
            // Integers that fit exactly: no need for the general float parser.
            let mut v = 0u64;
            for &d in b.get(int_start..int_start + n_int).unwrap_or(&[]) {
                v = v * 10 + u64::from(d - b'0');
            }
            Ok(if neg { -(v as f64) } else { v as f64 })
        } else {
            tok.parse::<f64>()
        };
        let value = match value {
            Ok(v) => v,
            Err(_) => return invalid(self),
        };
        if leading_zero {
            self.syntax(
                span,
                "leading zeros are not allowed in numbers",
                "leading zero",
                "remove the leading zeros, or quote the value if it is an identifier",
            );
        }
        if plus {
            self.extension(
                span,
                "leading `+` is not allowed in JSON numbers",
                "JSON5 number",
                "remove the `+`",
            );
        } else if n_int == 0 {
            self.extension(
                span,
                "a number cannot start with `.` in JSON",
                "JSON5 number",
                "add a `0` before the decimal point",
            );
        } else if has_dot && n_frac == 0 {
            self.extension(
                span,
                "a number cannot end with `.` in JSON",
                "JSON5 number",
                "add a digit after the decimal point, or remove it",
            );
        }
        Value::Number(Number {
            value,
            is_integer: !has_dot && !has_exp,
        })
    }

    // ----- strings ---------------------------------------------------------------------------------------------------

    /// Parses a `"` or `'` string at `self.pos`. An unterminated string ends at the end of its line.
    fn parse_string(&mut self) -> StrTok {
        let start = self.pos;
        let q = self.peek().unwrap_or(b'"');
        self.pos += 1;
        let mut out = String::new();
        let mut chunk = self.pos;
        let mut escaped = false;
        let mut ctrl_reported = false;
        let mut closed = false;
        // Set when a quote turned out to be stray: the string really closes at this quote.
        let mut close_at: Option<usize> = None;
        loop {
            // Fast path: skip ordinary bytes in one scan.
            let rest = self.b.get(self.pos..).unwrap_or(&[]);
            let skip = rest
                .iter()
                .position(|&c| c == q || c == b'\\' || c < 0x20)
                .unwrap_or(rest.len());
            self.pos += skip;
            let Some(c) = self.peek() else { break };
            if c == q {
                if close_at.is_some_and(|k| self.pos < k) {
                    // A stray quote inside the string (reported below): keep it as content.
                    self.pos += 1;
                    continue;
                }
                if close_at.is_none() {
                    if let Some(k) = self.stray_quote_close(q) {
                        close_at = Some(k);
                        let quote = q as char;
                        let d = self
                            .invalid(
                                Span::new(self.pos, self.pos + 1),
                                format!("unescaped `{quote}` inside a string"),
                                "this quote ends the string early",
                            )
                            .note(NOTE_SYNTAX)
                            .help(format!(
                                "escape it as `\\{quote}`, or remove it if it is a typo"
                            ));
                        self.push(d);
                        escaped = true;
                        self.pos += 1;
                        continue;
                    }
                }
                out.push_str(self.slice(chunk, self.pos));
                self.pos += 1;
                closed = true;
                break;
            }
            match c {
                b'\\' => {
                    out.push_str(self.slice(chunk, self.pos));
                    escaped = true;
                    self.parse_escape(&mut out);
                    chunk = self.pos;
                }
                b'\n' | b'\r' => break,
                0..=0x1F => {
                    if !ctrl_reported {
                        ctrl_reported = true;
                        let span = Span::new(self.pos, self.pos + 1);
                        let esc = match c {
                            b'\t' => "\\t".to_string(),
                            _ => format!("\\u{:04x}", c),
                        };
                        self.syntax(
                            span,
                            format!("raw control character U+{:04X} in string", c),
                            "control character",
                            format!("control characters must be escaped in strings: write `{esc}`"),
                        );
                    }
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        if !closed {
            out.push_str(self.slice(chunk, self.pos));
            let at_eof = self.pos >= self.b.len();
            let quote = q as char;
            let d = self
                .invalid(
                    Span::new(start, self.pos),
                    "unterminated string",
                    format!("missing closing `{quote}`"),
                )
                .note(NOTE_SYNTAX)
                .help(format!(
                    "add the closing `{quote}`; a line break inside a string must be written `\\n`"
                ));
            if at_eof {
                self.push_always(d);
                self.eof_reported = true;
            } else {
                self.push(d);
                self.enter_panic();
                self.unterminated_at = Some(self.pos);
            }
        }
        let span = Span::new(start, self.pos);
        if q == b'\'' {
            self.extension(
                span,
                "single-quoted strings are not allowed in JSON",
                "single-quoted string",
                "use double quotes",
            );
        }
        StrTok {
            text: out,
            span,
            escaped,
        }
    }

    /// At a closing quote (`self.pos`): when the string is glued to what follows (a word character or another
    /// quote, which valid JSON never has), the quote was probably meant as content (`"say "hi" now"`, `"Hel"lo"`).
    /// Returns the position of the quote that most likely closes the string instead: the next one on this line
    /// that is followed by `,` `:` `}` `]` or the end of the line.
    fn stray_quote_close(&mut self, q: u8) -> Option<usize> {
        let next = self.peek_at(self.pos + 1)?;
        if !(is_ident_byte(next) || next == q) {
            return None;
        }
        let start = self.pos + 1;
        // The answer for a later start on the same line is the same: reuse it (keeps parsing linear).
        let (memo_q, memo_until, memo) = self.stray_memo;
        if memo_q == q && start < memo_until {
            return memo;
        }
        let mut i = start;
        let found = loop {
            match self.peek_at(i) {
                Some(b'\\') => i += 2,
                Some(b'\n' | b'\r') | None => break None,
                Some(c) if c == q => {
                    let mut j = i + 1;
                    while matches!(self.peek_at(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    if matches!(
                        self.peek_at(j),
                        None | Some(b',' | b':' | b'}' | b']' | b'\n' | b'\r')
                    ) {
                        break Some(i);
                    }
                    i += 1;
                }
                Some(_) => i += 1,
            }
        };
        self.stray_memo = (q, found.unwrap_or(i), found);
        found
    }
    /// Parses one escape sequence at `self.pos` (the backslash), appending its value.
    fn parse_escape(&mut self, out: &mut String) {
        let start = self.pos;
        let Some(e) = self.peek_at(start + 1) else {
            // A backslash at the end of input: the unterminated-string error covers it.
            self.pos += 1;
            return;
        };
        let simple = match e {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.pos += 2;
            return;
        }
        match e {
            b'u' => self.unicode_escape(out),
            b'\'' | b'v' => {
                out.push(if e == b'v' { '\u{b}' } else { '\'' });
                self.pos += 2;
                let span = Span::new(start, self.pos);
                self.extension(
                    span,
                    format!("escape `\\{}` is not allowed in JSON", e as char),
                    "JSON5 escape",
                    if e == b'v' {
                        "write `\\u000b`"
                    } else {
                        "remove the backslash"
                    },
                );
            }
            b'0' if !self.peek_at(start + 2).is_some_and(|c| c.is_ascii_digit()) => {
                out.push('\0');
                self.pos += 2;
                self.extension(
                    Span::new(start, self.pos),
                    "escape `\\0` is not allowed in JSON",
                    "JSON5 escape",
                    "write `\\u0000`",
                );
            }
            b'x' => {
                let h = self.peek_at(start + 2).and_then(hex_val);
                let l = self.peek_at(start + 3).and_then(hex_val);
                if let (Some(h), Some(l)) = (h, l) {
                    out.push(char::from_u32(h * 16 + l).unwrap_or('\u{FFFD}'));
                    self.pos += 4;
                    self.extension(
                        Span::new(start, self.pos),
                        "`\\x` escapes are not allowed in JSON",
                        "JSON5 escape",
                        "write it as `\\u00XX`",
                    );
                } else {
                    self.pos += 2;
                    out.push('\u{FFFD}');
                    self.syntax(
                        Span::new(start, self.pos),
                        "invalid escape `\\x`: expected two hex digits",
                        "invalid escape",
                        "write `\\xHH` with two hex digits, or `\\\\x` for a literal backslash",
                    );
                }
            }
            b'\n' | b'\r' => {
                self.pos += 2;
                if e == b'\r' && self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                self.extension(
                    Span::new(start, self.pos),
                    "line continuations are not allowed in JSON strings",
                    "JSON5 line continuation",
                    "join the lines and remove the backslash",
                );
            }
            b'0'..=b'9' => {
                out.push(e as char);
                self.pos += 2;
                self.syntax(
                    Span::new(start, self.pos),
                    format!("invalid escape `\\{}`", e as char),
                    "invalid escape",
                    "remove the backslash, or write `\\\\` for a literal backslash",
                );
            }
            _ => {
                // JSON5 lets any other character escape itself; JSON does not.
                let ch = self.char_at(start + 1).unwrap_or('\u{FFFD}');
                self.pos = start + 1 + ch.len_utf8();
                let span = Span::new(start, self.pos);
                if ch == '\u{2028}' || ch == '\u{2029}' {
                    self.extension(
                        span,
                        "line continuations are not allowed in JSON strings",
                        "JSON5 line continuation",
                        "remove the backslash and the line separator",
                    );
                } else {
                    out.push(ch);
                    if !self.json5 {
                        self.syntax(
                            span,
                            format!("invalid escape `\\{ch}`"),
                            "invalid escape",
                            "JSON allows only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX: remove the backslash, or write `\\\\` for a literal backslash",
                        );
                    }
                }
            }
        }
    }

    /// Reads four hex digits at `at`.
    fn hex4(&self, at: usize) -> Result<u32, usize> {
        let mut v = 0u32;
        for k in 0..4 {
            match self.peek_at(at + k).and_then(hex_val) {
                Some(d) => v = v * 16 + d,
                None => return Err(k),
            }
        }
        Ok(v)
    }

    /// A `\uXXXX` escape at `self.pos`, combining surrogate pairs.
    fn unicode_escape(&mut self, out: &mut String) {
        let start = self.pos;
        let cp = match self.hex4(start + 2) {
            Ok(cp) => cp,
            Err(n) => {
                self.pos = start + 2 + n;
                out.push('\u{FFFD}');
                self.syntax(
                    Span::new(start, self.pos),
                    "invalid unicode escape: expected four hex digits after `\\u`",
                    "invalid escape",
                    "write `\\u` followed by exactly four hex digits, e.g. `\\u00e9`",
                );
                return;
            }
        };
        self.pos = start + 6;
        if (0xD800..0xDC00).contains(&cp) {
            if self.peek() == Some(b'\\') && self.peek_at(self.pos + 1) == Some(b'u') {
                if let Ok(lo) = self.hex4(self.pos + 2) {
                    if (0xDC00..0xE000).contains(&lo) {
                        let c = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        self.pos += 6;
                        return;
                    }
                }
            }
            out.push('\u{FFFD}');
            self.lone_surrogate(start, cp);
        } else if (0xDC00..0xE000).contains(&cp) {
            out.push('\u{FFFD}');
            self.lone_surrogate(start, cp);
        } else {
            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
        }
    }

    fn lone_surrogate(&mut self, start: usize, cp: u32) {
        let d = self
            .invalid(Span::new(start, start + 6), format!("lone surrogate `\\u{cp:04X}` in string"), "unpaired surrogate")
            .note("a UTF-16 surrogate is only meaningful as half of a pair; alone it is not a character and is read as U+FFFD")
            .help("write the character's full surrogate pair (high `\\uD800`–`\\uDBFF` then low `\\uDC00`–`\\uDFFF`), or the character itself");
        self.push(d);
    }

    // ----- containers -------------------------------------------------------------------------------------------------

    /// Reports a container left open at the end of input (once per document).
    fn unclosed(&mut self, open: usize, closer: char) {
        if self.eof_reported {
            return;
        }
        self.eof_reported = true;
        let what = if closer == '}' { "object" } else { "array" };
        let d = self
            .invalid(
                Span::empty(self.b.len()),
                format!("unclosed {what}: expected `{closer}` before the end of input"),
                format!("expected `{closer}`"),
            )
            .secondary(Span::new(open, open + 1), "unclosed here")
            .note(NOTE_SYNTAX)
            .help(format!("add the missing `{closer}`"));
        self.push_always(d);
    }

    /// Handles a closer that does not match the current container (`want`). Returns true when it closes an
    /// enclosing container (the current one is reported as unclosed and must end without consuming it).
    fn wrong_closer(&mut self, open: usize, want: u8) -> bool {
        let found = self.peek().unwrap_or(b' ');
        let idx = usize::from(found == b']');
        // The current container is of the other kind, so any open container of the closer's kind encloses it.
        if self.open_counts[idx] > 0 {
            let d = self
                .invalid(
                    Span::new(self.pos, self.pos + 1),
                    format!("expected `{}`, found `{}`", want as char, found as char),
                    format!("expected `{}`", want as char),
                )
                .secondary(Span::new(open, open + 1), "unclosed here")
                .note(NOTE_SYNTAX)
                .help(format!("add the missing `{}` before this", want as char));
            self.push(d);
            self.enter_panic();
            true
        } else {
            let span = Span::new(self.pos, self.pos + 1);
            let d = self
                .invalid(
                    span,
                    format!("unmatched `{}`", found as char),
                    "nothing to close here",
                )
                .secondary(
                    Span::new(open, open + 1),
                    format!(
                        "the enclosing {} starts here",
                        if want == b'}' { "object" } else { "array" }
                    ),
                )
                .note(NOTE_SYNTAX)
                .help("remove it");
            self.push(d);
            self.enter_panic();
            self.pos += 1;
            false
        }
    }

    fn missing_comma(&mut self, at: usize, what: &str) {
        if self.unterminated_at == Some(at) {
            return;
        }
        self.structural(
            Span::empty(at),
            format!("missing comma between {what}"),
            "expected `,` here",
            "add a comma",
        );
    }

    fn parse_object(&mut self, depth: usize) -> Node {
        let open = self.pos;
        self.pos += 1;
        self.open_counts[0] += 1;
        let mut members: Vec<Member> = Vec::new();
        let mut index: Option<HashMap<String, usize>> = None;
        let mut expect_member = true;
        let mut last_comma: Option<usize> = None;
        let mut last_end = self.pos;
        let end = loop {
            self.skip_ws();
            let Some(c) = self.peek() else {
                self.unclosed(open, '}');
                break last_end;
            };
            match c {
                b'}' => {
                    if let (Some(cp), false) = (last_comma, members.is_empty()) {
                        self.extension(
                            Span::new(cp, cp + 1),
                            "trailing commas are not allowed in JSON",
                            "trailing comma",
                            "remove the comma",
                        );
                    }
                    self.pos += 1;
                    break self.pos;
                }
                b']' => {
                    if self.wrong_closer(open, b'}') {
                        break last_end;
                    }
                }
                b',' => {
                    if expect_member {
                        let span = Span::new(self.pos, self.pos + 1);
                        self.structural(
                            span,
                            "unexpected `,`",
                            "expected a key",
                            "remove the extra comma",
                        );
                    }
                    expect_member = true;
                    last_comma = Some(self.pos);
                    self.pos += 1;
                    last_end = self.pos;
                }
                b':' if !expect_member
                    && members.last().is_some_and(|m| m.value.as_str().is_some()) =>
                {
                    // `"a": "b": value`: the string value was meant as the key of a new member.
                    let span = Span::new(self.pos, self.pos + 1);
                    let prev = members
                        .last()
                        .map(|m| (m.key.text.clone(), m.value.clone()));
                    if let Some((prev_key, prev_value)) = prev {
                        let shown = excerpt(prev_value.as_str().unwrap_or(""));
                        let d = self
                            .invalid(span, format!("unexpected `:` after the value of `{}`", excerpt(&prev_key)), "a value cannot be followed by `:`")
                            .secondary(prev_value.span, "read as the key of a new member")
                            .note(NOTE_SYNTAX)
                            .help(format!("remove `\"{}\": ` if `\"{shown}\"` is the key, or add a comma and a value", excerpt(&prev_key)));
                        self.push(d);
                        // The guess may be wrong: stay quiet until the parser is clearly back in step.
                        self.enter_panic();
                        self.pos += 1;
                        self.skip_ws();
                        let key = Key {
                            text: prev_value.as_str().unwrap_or("").to_string(),
                            span: prev_value.span,
                        };
                        self.path.push(Seg::Owned(key.text.clone()));
                        let value = self
                            .parse_value(depth)
                            .unwrap_or_else(|| Node::new(Span::empty(self.pos), Value::Error));
                        self.path.pop();
                        last_end = value.span.end().max(last_end);
                        let member = Member { key, value };
                        self.check_duplicate(&members, &mut index, &member);
                        members.push(member);
                    }
                }
                b':' => {
                    let span = Span::new(self.pos, self.pos + 1);
                    self.structural(
                        span,
                        "unexpected `:`",
                        "expected a key",
                        "write a `\"key\": value` member",
                    );
                    self.pos += 1;
                    last_end = self.pos;
                }
                b'{' | b'[' => {
                    // A value where a key belongs: parse it (to skip it structurally) and drop it.
                    let span = Span::new(self.pos, self.pos + 1);
                    self.structural(
                        span,
                        format!("expected a key, found `{}`", c as char),
                        "expected a key",
                        "objects hold `\"key\": value` members; add the key",
                    );
                    if let Some(v) = self.parse_value(depth) {
                        last_end = v.span.end();
                    }
                    expect_member = false;
                    last_comma = None;
                }
                _ => {
                    if !expect_member {
                        self.missing_comma(last_end, "object members");
                    }
                    match self.parse_key() {
                        Some(key) => {
                            // Members read in panic mode may be debris: no duplicate-key findings for them.
                            let calm = !self.panic;
                            let member = self.parse_member(key, depth);
                            last_end = member.value.span.end().max(member.key.span.end());
                            if calm || !self.panic {
                                self.check_duplicate(&members, &mut index, &member);
                            }
                            members.push(member);
                            expect_member = false;
                            last_comma = None;
                        }
                        None => {
                            let (s, e) = self.scan_word(true);
                            let word = self.slice(s, e);
                            self.structural(
                                Span::new(s, e),
                                format!("expected a key, found `{}`", excerpt(word)),
                                "expected a key",
                                "object keys are double-quoted strings: `\"Name\": value`",
                            );
                            last_end = e;
                            expect_member = true;
                        }
                    }
                }
            }
        };
        self.open_counts[0] -= 1;
        Node::new(Span::new(open, end), Value::Object(members))
    }

    /// Parses a key at `self.pos`, or returns `None` (consuming nothing) when nothing there can be a key.
    fn parse_key(&mut self) -> Option<(Key, bool)> {
        let c = self.peek()?;
        match c {
            b'"' | b'\'' => {
                let s = self.parse_string();
                Some((
                    Key {
                        text: s.text,
                        span: s.span,
                    },
                    s.escaped,
                ))
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let (s, e) = self.scan_word(true);
                let text = self.slice(s, e).to_string();
                self.structural(
                    Span::new(s, e),
                    "object keys must be strings",
                    "not a string",
                    format!("quote the key: `\"{}\"`", excerpt(&text)),
                );
                Some((
                    Key {
                        text,
                        span: Span::new(s, e),
                    },
                    false,
                ))
            }
            _ if self.missing_open_quote(true).is_some() => {
                let q = self.missing_open_quote(true)?;
                let (text, span) = self.unopened_string(q);
                // `true`: the pointer must use the text, not the raw span (which ends with the quote).
                Some((Key { text, span }, true))
            }
            c if is_ident_byte(c)
                && !self
                    .char_at(self.pos)
                    .is_some_and(|ch| ch.is_whitespace() || ch.is_control()) =>
            {
                let s = self.pos;
                let mut e = s;
                while self.peek_at(e).is_some_and(is_ident_byte) {
                    e += 1;
                }
                self.pos = e;
                let text = self.slice(s, e).to_string();
                self.extension(
                    Span::new(s, e),
                    "unquoted keys are not allowed in JSON",
                    "unquoted key",
                    &format!("quote the key: `\"{}\"`", excerpt(&text)),
                );
                Some((
                    Key {
                        text,
                        span: Span::new(s, e),
                    },
                    false,
                ))
            }
            _ => None,
        }
    }

    /// Parses `: value` after a key.
    fn parse_member(&mut self, (key, escaped): (Key, bool), depth: usize) -> Member {
        let seg = if escaped {
            Seg::Owned(key.text.clone())
        } else {
            let (s, e) = (key.span.start(), key.span.end());
            // Inside the quotes for quoted keys (an unterminated key has no closing quote).
            let quoted = matches!(self.peek_at(s), Some(b'"' | b'\''));
            let closed = quoted && e > s + 1 && self.peek_at(e - 1) == self.peek_at(s);
            match (quoted, closed) {
                (true, true) => Seg::Raw(s + 1, e - 1),
                (true, false) => Seg::Raw(s + 1, e),
                _ => Seg::Raw(s, e),
            }
        };
        self.path.push(seg);
        self.skip_ws();
        let key_end = key.span.end();
        let mut have_colon = true;
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                self.skip_ws();
                // A double-quoted key and its colon, no deeper than where panic began: the parser is back in step.
                let s = key.span.start();
                let level = self.path.len().saturating_sub(1);
                if key.span.len() >= 2
                    && self.peek_at(s) == Some(b'"')
                    && self.peek_at(key.span.end() - 1) == Some(b'"')
                    && level <= self.panic_level
                {
                    self.panic = false;
                }
            }
            Some(b'=') => {
                let span = Span::new(self.pos, self.pos + 1);
                self.structural(
                    span,
                    "expected `:` after key, found `=`",
                    "expected `:`",
                    "separate key and value with `:`",
                );
                self.pos += 1;
                self.skip_ws();
            }
            _ => have_colon = false,
        }
        let value_follows = !have_colon
            && self
                .peek()
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b':'))
            && !self.looks_like_key();
        let value = match self.peek() {
            _ if have_colon || value_follows => {
                if !have_colon {
                    self.structural(
                        Span::empty(key_end),
                        format!("missing `:` after key `{}`", excerpt(&key.text)),
                        "expected `:` here",
                        "add a colon between the key and its value",
                    );
                }
                match self.parse_value(depth) {
                    Some(v) => v,
                    None => {
                        let at = self.pos;
                        if at >= self.b.len() {
                            if !self.eof_reported {
                                self.eof_reported = true;
                                self.syntax_always(
                                    Span::empty(at),
                                    format!(
                                        "missing value for key `{}` at the end of input",
                                        excerpt(&key.text)
                                    ),
                                    "expected a value",
                                    "add the value and close the open brackets",
                                );
                            }
                        } else {
                            self.structural(
                                Span::empty(at),
                                format!("missing value for key `{}`", excerpt(&key.text)),
                                "expected a value here",
                                "add a value, or remove the member",
                            );
                        }
                        Node::new(Span::empty(at), Value::Error)
                    }
                }
            }
            next => {
                if next.is_none() {
                    if !self.eof_reported {
                        self.eof_reported = true;
                        self.syntax_always(
                            Span::empty(key_end),
                            format!(
                                "missing `:` and value after key `{}` at the end of input",
                                excerpt(&key.text)
                            ),
                            "expected `:` and a value",
                            "add the value and close the open brackets",
                        );
                    }
                } else {
                    self.structural(
                        Span::empty(key_end),
                        format!("missing `:` and value after key `{}`", excerpt(&key.text)),
                        "expected `: value` here",
                        "add a colon and a value, or remove the key",
                    );
                }
                Node::new(Span::empty(key_end), Value::Error)
            }
        };
        self.path.pop();
        Member { key, value }
    }

    fn check_duplicate(
        &mut self,
        members: &[Member],
        index: &mut Option<HashMap<String, usize>>,
        member: &Member,
    ) {
        let first = if members.len() < DUP_INDEX_THRESHOLD {
            members.iter().position(|m| m.key.text == member.key.text)
        } else {
            let map = index.get_or_insert_with(|| {
                let mut m = HashMap::with_capacity(members.len() * 2);
                for (i, mem) in members.iter().enumerate() {
                    m.entry(mem.key.text.clone()).or_insert(i);
                }
                m
            });
            match map.get(&member.key.text) {
                Some(&i) => Some(i),
                None => {
                    map.insert(member.key.text.clone(), members.len());
                    None
                }
            }
        };
        let Some(first) = first.and_then(|i| members.get(i)) else {
            return;
        };
        self.duplicates += 1;
        if self.duplicates > MAX_DUPLICATE_KEYS {
            return;
        }
        let shown = excerpt(&member.key.text);
        let pointer = super::pointer_push(&self.pointer(), &member.key.text);
        let d = duplicate_key::META
            .diagnostic(member.key.span, format!("duplicate key `{shown}`"))
            .label("defined again here")
            .secondary(first.key.span, "first defined here")
            .note("JSON does not say which of two equal keys wins: most readers keep the last, some the first, some reject the document; whichever wins, the other value is silently lost")
            .help(format!("keep one `{shown}` member: remove the other, or rename it if both are needed"))
            .pointer(pointer);
        self.diags.push(d);
    }

    fn parse_array(&mut self, depth: usize) -> Node {
        let open = self.pos;
        self.pos += 1;
        self.open_counts[1] += 1;
        let mut items: Vec<Node> = Vec::new();
        let mut expect_value = true;
        let mut last_comma: Option<usize> = None;
        let mut last_end = self.pos;
        let end = loop {
            self.skip_ws();
            let Some(c) = self.peek() else {
                self.unclosed(open, ']');
                break last_end;
            };
            match c {
                b']' => {
                    if let (Some(cp), false) = (last_comma, items.is_empty()) {
                        self.extension(
                            Span::new(cp, cp + 1),
                            "trailing commas are not allowed in JSON",
                            "trailing comma",
                            "remove the comma",
                        );
                    }
                    self.pos += 1;
                    break self.pos;
                }
                b'}' => {
                    if self.wrong_closer(open, b']') {
                        break last_end;
                    }
                }
                b',' => {
                    if expect_value {
                        let span = Span::new(self.pos, self.pos + 1);
                        self.structural(
                            span,
                            "unexpected `,`",
                            "expected a value",
                            "remove the extra comma, or add the missing value",
                        );
                    }
                    expect_value = true;
                    last_comma = Some(self.pos);
                    self.pos += 1;
                    last_end = self.pos;
                }
                b':' => {
                    let span = Span::new(self.pos, self.pos + 1);
                    self.structural(
                        span,
                        "unexpected `:` in an array",
                        "arrays have no keys",
                        "use an object `{...}` for `key: value` pairs",
                    );
                    self.pos += 1;
                    last_end = self.pos;
                }
                _ => {
                    if !expect_value {
                        self.missing_comma(last_end, "array elements");
                    }
                    self.path.push(Seg::Index(items.len()));
                    let v = self.parse_value(depth);
                    self.path.pop();
                    match v {
                        Some(v) => {
                            last_end = v.span.end();
                            items.push(v);
                        }
                        None => self.pos += 1, // unreachable: stops are handled above; keeps the loop advancing
                    }
                    expect_value = false;
                    last_comma = None;
                }
            }
        };
        self.open_counts[1] -= 1;
        Node::new(Span::new(open, end), Value::Array(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ParseOutput;

    fn strict(text: &str) -> ParseOutput {
        parse_json(text, false)
    }

    fn json5(text: &str) -> ParseOutput {
        parse_json(text, true)
    }

    fn messages(out: &ParseOutput) -> Vec<String> {
        out.diagnostics.iter().map(|d| d.message.clone()).collect()
    }

    /// Asserts exactly one diagnostic, with this message and this primary span; returns it.
    fn one(out: &ParseOutput, message: &str, span: (usize, usize)) -> Diagnostic {
        assert_eq!(
            messages(out),
            vec![message.to_string()],
            "{:#?}",
            out.diagnostics
        );
        let d = out.diagnostics[0].clone();
        assert_eq!(d.primary.span, Span::new(span.0, span.1), "{d:#?}");
        assert!(!d.message.ends_with('.'));
        assert!(!d.notes.is_empty() && d.help.is_some(), "{d:#?}");
        d
    }

    fn root(out: &ParseOutput) -> &Node {
        out.root.as_ref().expect("a root")
    }

    #[test]
    fn spans_of_keys_and_values() {
        let text = r#"{"a": [1, true, null], "bc": {"d": "x\ny"}, "n": -1.5e3}"#;
        let out = strict(text);
        assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
        let r = root(&out);
        assert_eq!(r.span, Span::new(0, text.len()));
        let a = r.member("a").unwrap();
        assert_eq!(a.key.span, Span::new(1, 4));
        assert_eq!(a.value.span, Span::new(6, 21));
        let items = a.value.as_array().unwrap();
        assert_eq!(items[0].span, Span::new(7, 8));
        assert_eq!(items[1].span, Span::new(10, 14));
        assert_eq!(items[2].span, Span::new(16, 20));
        let bc = r.member("bc").unwrap();
        assert_eq!(bc.key.span, Span::new(23, 27));
        assert_eq!(&text[bc.value.span.range()], r#"{"d": "x\ny"}"#);
        let d = bc.value.member("d").unwrap();
        assert_eq!(&text[d.value.span.range()], r#""x\ny""#);
        assert_eq!(d.value.as_str(), Some("x\ny"));
        let n = r.get("n").unwrap();
        assert_eq!(&text[n.span.range()], "-1.5e3");
        assert_eq!(n.as_number().unwrap().value, -1500.0);
        assert!(!n.as_number().unwrap().is_integer);
    }

    #[test]
    fn numbers_integer_flag() {
        let out = strict("[0, -7, 3.0, 1e2, 12345678901]");
        assert!(out.diagnostics.is_empty());
        let flags: Vec<bool> = root(&out)
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_number().unwrap().is_integer)
            .collect();
        assert_eq!(flags, [true, true, false, false, true]);
        assert_eq!(
            root(&out).as_array().unwrap()[4]
                .as_number()
                .unwrap()
                .as_i64(),
            Some(12345678901)
        );
    }

    #[test]
    fn multibyte_utf8_keys_and_strings() {
        let text = "{\"état\": \"café ☕\", \"k\": \"😀\"}";
        let out = strict(text);
        assert!(out.diagnostics.is_empty());
        let m = root(&out).member("état").unwrap();
        assert_eq!(&text[m.key.span.range()], "\"état\"");
        assert_eq!(m.key.span, Span::new(1, 8));
        assert_eq!(&text[m.value.span.range()], "\"café ☕\"");
        assert_eq!(m.value.as_str(), Some("café ☕"));
        let k = root(&out).get("k").unwrap();
        assert_eq!(k.span, Span::new(text.len() - 7, text.len() - 1));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{FEFF}{\r\n  \"a\": 1,\r\n  \"b\": \"x\"\r\n}\r\n";
        let out = strict(text);
        assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
        let b = root(&out).member("b").unwrap();
        assert_eq!(&text[b.key.span.range()], "\"b\"");
        assert_eq!(b.key.span.start(), text.find("\"b\"").unwrap());
        assert_eq!(root(&out).span.start(), 3);
    }

    #[test]
    fn escapes_and_surrogates() {
        let out = strict(r#""\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00""#);
        assert!(out.diagnostics.is_empty());
        assert_eq!(
            root(&out).as_str(),
            Some("\" \\ / \u{8} \u{c} \n \r \t é 😀")
        );

        let out = strict(r#"["\ud83d x"]"#);
        let d = one(&out, "lone surrogate `\\uD83D` in string", (2, 8));
        assert_eq!(d.pointer, "/0");
        assert_eq!(
            root(&out).as_array().unwrap()[0].as_str(),
            Some("\u{FFFD} x")
        );

        let out = strict(r#""\ude00""#);
        one(&out, "lone surrogate `\\uDE00` in string", (1, 7));
        assert_eq!(root(&out).as_str(), Some("\u{FFFD}"));
    }

    #[test]
    fn invalid_escapes() {
        let out = strict(r#"{"a": "x\qy"}"#);
        let d = one(&out, "invalid escape `\\q`", (8, 10));
        assert_eq!(d.pointer, "/a");
        assert_eq!(root(&out).get("a").unwrap().as_str(), Some("xqy"));

        let out = strict(r#""\u12G4""#);
        one(
            &out,
            "invalid unicode escape: expected four hex digits after `\\u`",
            (1, 5),
        );

        let out = json5(r#""\1""#);
        one(&out, "invalid escape `\\1`", (1, 3));
    }

    #[test]
    fn raw_control_character() {
        let out = strict("{\"a\": \"x\ty\u{1}\"}");
        let d = one(&out, "raw control character U+0009 in string", (8, 9));
        assert_eq!(d.pointer, "/a");
        assert_eq!(root(&out).get("a").unwrap().as_str(), Some("x\ty\u{1}"));
    }

    #[test]
    fn unterminated_string_at_line_end_recovers_next_member() {
        let text = "{\n  \"Next\": \"Foo,\n  \"End\": true\n}";
        let out = strict(text);
        let at = text.find("\"Foo").unwrap();
        one(&out, "unterminated string", (at, at + 5));
        let r = root(&out);
        assert_eq!(r.get("Next").unwrap().as_str(), Some("Foo,"));
        assert_eq!(r.get("End").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn unterminated_string_at_eof_is_one_error() {
        let out = strict("{\"a\": [\"abc");
        one(&out, "unterminated string", (7, 11));
    }

    #[test]
    fn missing_comma_between_members_keeps_both() {
        let text = "{\"a\": 1\n \"b\": 2}";
        let out = strict(text);
        let d = one(&out, "missing comma between object members", (7, 7));
        assert_eq!(d.pointer, "");
        let r = root(&out);
        assert_eq!(r.get("a").unwrap().as_number().unwrap().value, 1.0);
        assert_eq!(r.get("b").unwrap().as_number().unwrap().value, 2.0);
    }

    #[test]
    fn missing_comma_between_elements() {
        let out = strict(r#"{"x": [1 2, 3]}"#);
        let d = one(&out, "missing comma between array elements", (8, 8));
        assert_eq!(d.pointer, "/x");
        assert_eq!(root(&out).get("x").unwrap().as_array().unwrap().len(), 3);
    }

    #[test]
    fn missing_colon_and_missing_value() {
        let out = strict(r#"{"a" 1, "b": 2}"#);
        one(&out, "missing `:` after key `a`", (4, 4));
        assert_eq!(root(&out).get("a").unwrap().as_number().unwrap().value, 1.0);
        assert!(root(&out).get("b").is_some());

        let out = strict(r#"{"s": {"a": , "b": 2}}"#);
        let d = one(&out, "missing value for key `a`", (12, 12));
        assert_eq!(d.pointer, "/s/a");
        let s = root(&out).get("s").unwrap();
        assert_eq!(s.get("a").unwrap().value, Value::Error);
        assert!(s.get("b").is_some());

        let out = strict(r#"{"a", "b": 2}"#);
        one(&out, "missing `:` and value after key `a`", (4, 4));
        assert!(root(&out).get("b").is_some());
    }

    #[test]
    fn trailing_comma_strict_vs_json5() {
        let text = "{\"a\": [1, 2,], \"b\": 3,}";
        let out = strict(text);
        assert_eq!(
            messages(&out),
            ["trailing commas are not allowed in JSON"; 2]
        );
        assert_eq!(out.diagnostics[0].primary.span, Span::new(11, 12));
        assert_eq!(out.diagnostics[0].pointer, "/a");
        assert_eq!(out.diagnostics[1].primary.span, Span::new(21, 22));
        let help = out.diagnostics[0].help.as_deref().unwrap();
        assert!(help.contains(".json5") && help.contains("AWS"), "{help}");
        let a = json5(text);
        assert!(a.diagnostics.is_empty());
        assert_eq!(root(&a), root(&out));
    }

    #[test]
    fn extra_comma() {
        let out = strict("[1,,2]");
        one(&out, "unexpected `,`", (3, 4));
        assert_eq!(root(&out).as_array().unwrap().len(), 2);
        let out = json5("{\"a\": 1,, \"b\": 2}");
        one(&out, "unexpected `,`", (8, 9));
    }

    #[test]
    fn invalid_numbers() {
        for (text, msg) in [
            ("01", "leading zeros are not allowed in numbers"),
            ("+1", "leading `+` is not allowed in JSON numbers"),
            (".5", "a number cannot start with `.` in JSON"),
            ("1.", "a number cannot end with `.` in JSON"),
            ("0x1F", "hexadecimal numbers are not allowed in JSON"),
            ("1e", "invalid number `1e`"),
            ("-", "invalid number `-`"),
            ("12ab", "invalid number `12ab`"),
        ] {
            let out = strict(text);
            one(&out, msg, (0, text.len()));
        }
        // JSON5 accepts the JSON5 forms, with these values.
        for (text, v, int) in [
            ("+1", 1.0, true),
            (".5", 0.5, false),
            ("1.", 1.0, false),
            ("0x1F", 31.0, true),
        ] {
            let out = json5(text);
            assert!(out.diagnostics.is_empty(), "{text}");
            let n = root(&out).as_number().unwrap();
            assert_eq!((n.value, n.is_integer), (v, int), "{text}");
        }
        assert_eq!(
            messages(&json5("01")),
            ["leading zeros are not allowed in numbers"]
        );
        let out = strict("[1e]");
        assert_eq!(root(&out).as_array().unwrap()[0].value, Value::Error);
    }

    #[test]
    fn infinity_nan() {
        let out = json5("[Infinity, -Infinity, NaN, +Infinity]");
        assert!(out.diagnostics.is_empty());
        let v: Vec<f64> = root(&out)
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_number().unwrap().value)
            .collect();
        assert_eq!(v[0], f64::INFINITY);
        assert_eq!(v[1], f64::NEG_INFINITY);
        assert!(v[2].is_nan());
        let out = strict("[Infinity]");
        one(&out, "`Infinity` is not allowed in JSON", (1, 9));
    }

    #[test]
    fn bare_words() {
        let out = strict(r#"{"a": hello, "b": True}"#);
        assert_eq!(
            messages(&out),
            ["unquoted string `hello`", "`True` is not a JSON literal"]
        );
        assert_eq!(out.diagnostics[0].primary.span, Span::new(6, 11));
        assert_eq!(out.diagnostics[0].pointer, "/a");
        assert_eq!(root(&out).get("a").unwrap().value, Value::Error);
        assert_eq!(root(&out).get("b").unwrap().as_bool(), Some(true));
        let out = strict("[@]");
        one(&out, "unexpected `@`", (1, 2));
    }

    #[test]
    fn unclosed_at_eof_has_secondary_on_opener() {
        let text = "{\"a\": {\"b\": [1, 2";
        let out = strict(text);
        let d = one(
            &out,
            "unclosed array: expected `]` before the end of input",
            (text.len(), text.len()),
        );
        assert_eq!(d.secondary.len(), 1);
        assert_eq!(d.secondary[0].span, Span::new(12, 13));
        assert_eq!(d.secondary[0].message, "unclosed here");
        let b = root(&out).get("a").unwrap().get("b").unwrap();
        assert_eq!(b.as_array().unwrap().len(), 2);
        assert_eq!(b.span, Span::new(12, text.len()));
    }

    #[test]
    fn mismatched_closer() {
        let text = r#"{"a": [1, 2}, "b": 3}"#;
        // `}` closes the object while `[` is still open: the array is reported, the object ends there.
        let out = strict(text);
        let d = out.diagnostics.first().unwrap();
        assert_eq!(d.message, "expected `]`, found `}`");
        assert_eq!(d.primary.span, Span::new(11, 12));
        assert_eq!(d.secondary[0].span, Span::new(6, 7));
        assert_eq!(root(&out).get("a").unwrap().as_array().unwrap().len(), 2);

        let out = strict(r#"{"a": 1]"#);
        assert_eq!(messages(&out)[0], "unmatched `]`");
        assert_eq!(out.diagnostics[0].primary.span, Span::new(7, 8));
    }

    #[test]
    fn trailing_content_and_empty_document() {
        let out = strict("{} {\"a\": 1}");
        let d = one(&out, "unexpected content after the root value", (3, 11));
        assert_eq!(d.secondary[0].span, Span::new(0, 2));
        let out = strict("{}}");
        one(&out, "unmatched `}` after the root value", (2, 3));
        let out = strict("  \n ");
        one(&out, "empty document", (4, 4));
        assert!(out.root.is_none());
        let out = strict("");
        one(&out, "empty document", (0, 0));
    }

    #[test]
    fn several_errors_in_one_document() {
        let text = "{\n \"a\": 01,\n \"b\": tru,\n \"c\" 3,\n \"d\": [1 2],\n \"e\": \"ok\"\n}";
        let out = strict(text);
        assert_eq!(
            messages(&out),
            [
                "leading zeros are not allowed in numbers",
                "unquoted string `tru`",
                "missing `:` after key `c`",
                "missing comma between array elements",
            ]
        );
        assert_eq!(root(&out).get("e").unwrap().as_str(), Some("ok"));
        assert_eq!(root(&out).as_object().unwrap().len(), 5);
    }

    #[test]
    fn json5_features_accepted_and_strict_recovered() {
        let text = "// head\n{\n  unquoted: 'single',\n  /* block */ \"s\": 'it\\'s',\n  \"cont\": \"a\\\nb\",\n  \"hex\": 0xFF,\n  \"inf\": -Infinity,\n  \"v\": '\\v\\0\\x41',\n}\n";
        let j5 = json5(text);
        assert!(j5.diagnostics.is_empty(), "{:#?}", j5.diagnostics);
        let r = root(&j5);
        assert_eq!(r.get("unquoted").unwrap().as_str(), Some("single"));
        assert_eq!(r.member("unquoted").unwrap().key.span, Span::new(12, 20));
        assert_eq!(r.get("s").unwrap().as_str(), Some("it's"));
        assert_eq!(r.get("cont").unwrap().as_str(), Some("ab"));
        assert_eq!(r.get("hex").unwrap().as_number().unwrap().value, 255.0);
        assert_eq!(r.get("v").unwrap().as_str(), Some("\u{b}\0A"));
        let st = strict(text);
        assert_eq!(st.root, j5.root, "strict mode recovers exactly as JSON5");
        let m = messages(&st);
        for expected in [
            "comments are not allowed in JSON",
            "unquoted keys are not allowed in JSON",
            "single-quoted strings are not allowed in JSON",
            "escape `\\'` is not allowed in JSON",
            "line continuations are not allowed in JSON strings",
            "hexadecimal numbers are not allowed in JSON",
            "`-Infinity` is not allowed in JSON",
            "escape `\\v` is not allowed in JSON",
            "escape `\\0` is not allowed in JSON",
            "`\\x` escapes are not allowed in JSON",
            "trailing commas are not allowed in JSON",
        ] {
            assert!(
                m.iter().any(|x| x == expected),
                "missing {expected:?} in {m:#?}"
            );
        }
        assert_eq!(
            m.iter()
                .filter(|x| *x == "comments are not allowed in JSON")
                .count(),
            2
        );
        let c = &st.diagnostics[0];
        assert_eq!(c.primary.span, Span::new(0, 7));
        assert!(c.notes[0].contains("AWS"));
        assert_eq!(c.rule.name, "invalid-json");
    }

    #[test]
    fn unterminated_block_comment() {
        let out = json5("{} /* never");
        one(&out, "unterminated block comment", (3, 5));
    }

    #[test]
    fn duplicate_keys_reported_and_kept() {
        let text = r#"{"S": {"A": 1, "B": 2, "A": 3}}"#;
        let out = strict(text);
        assert_eq!(out.diagnostics.len(), 1);
        let d = &out.diagnostics[0];
        assert_eq!(d.rule.name, "duplicate-key");
        assert_eq!(d.message, "duplicate key `A`");
        assert_eq!(d.primary.span, Span::new(23, 26));
        assert_eq!(d.secondary[0].span, Span::new(7, 10));
        assert_eq!(d.secondary[0].message, "first defined here");
        assert_eq!(d.pointer, "/S/A");
        assert!(d.notes[0].contains("silently lost"));
        assert!(d.help.is_some());
        assert_eq!(root(&out).get("S").unwrap().as_object().unwrap().len(), 3);
    }

    #[test]
    fn duplicate_keys_in_large_object() {
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\": {i}, "));
        }
        text.push_str("\"k3\": 0, \"k39\": 1, \"new\": 2}");
        let out = strict(&text);
        assert_eq!(
            messages(&out),
            ["duplicate key `k3`", "duplicate key `k39`"]
        );
        let first = text.find("\"k39\"").unwrap();
        assert_eq!(
            out.diagnostics[1].secondary[0].span,
            Span::new(first, first + 5)
        );
    }

    #[test]
    fn pointer_escapes_and_indexes() {
        let out = strict(r#"{"a/b": [{"c~d": x}]}"#);
        assert_eq!(out.diagnostics[0].pointer, "/a~1b/0/c~0d");
        let out = strict(r#"{"\u0041": [x]}"#);
        assert_eq!(out.diagnostics[0].pointer, "/A/0");
    }

    #[test]
    fn deep_nesting_is_one_diagnostic() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(strict(&ok).diagnostics.is_empty());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let out = strict(&deep);
        one(
            &out,
            &format!("nesting deeper than {MAX_DEPTH} levels"),
            (MAX_DEPTH, MAX_DEPTH + 1),
        );
        let mut n = root(&out);
        for _ in 0..MAX_DEPTH - 1 {
            n = &n.as_array().unwrap()[0];
        }
        assert_eq!(n.as_array().unwrap()[0].value, Value::Error);
        assert_eq!(
            n.as_array().unwrap()[0].span,
            Span::new(MAX_DEPTH, MAX_DEPTH + 2)
        );
    }

    #[test]
    fn hostile_nesting_returns_promptly() {
        let out = strict(&"[".repeat(100_000));
        let m = messages(&out);
        assert_eq!(m[0], format!("nesting deeper than {MAX_DEPTH} levels"));
        assert!(m.len() <= 2, "{m:?}");
        let out = strict(&"{\"a\":".repeat(100_000));
        assert_eq!(
            messages(&out)[0],
            format!("nesting deeper than {MAX_DEPTH} levels")
        );
        let out = json5(&"{a:[".repeat(100_000));
        assert!(!out.diagnostics.is_empty());
    }

    #[test]
    fn value_followed_by_colon_becomes_a_member() {
        let text = r#"{"Messages": "Messages.$": "$.M", "b": 1}"#;
        let out = strict(text);
        let d = one(
            &out,
            "unexpected `:` after the value of `Messages`",
            (25, 26),
        );
        assert_eq!(d.secondary[0].span, Span::new(13, 25));
        let r = root(&out);
        assert_eq!(r.get("Messages.$").unwrap().as_str(), Some("$.M"));
        assert_eq!(r.member("Messages.$").unwrap().key.span, Span::new(13, 25));
        assert!(r.get("b").is_some());
    }

    #[test]
    fn missing_colon_before_literal_and_unquoted_text() {
        let out = strict(r#"{"a" true, "b": hello world}"#);
        assert_eq!(
            messages(&out),
            ["missing `:` after key `a`", "unquoted string `hello world`"]
        );
        assert_eq!(out.diagnostics[1].primary.span, Span::new(16, 27));
        assert_eq!(root(&out).get("a").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn rule_metadata_and_aws_codes() {
        let out = strict("{,}");
        assert_eq!(
            out.diagnostics[0].aws_code,
            Some("INVALID_JSON_DESCRIPTION")
        );
        assert_eq!(
            strict("").diagnostics[0].aws_code,
            Some("MISSING_DESCRIPTION")
        );
        for meta in [&invalid_json::META, &duplicate_key::META] {
            assert!(!meta.summary().is_empty() && !meta.summary().contains("TODO"));
            for h in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## References",
            ] {
                assert!(meta.docs.contains(h), "{} lacks {h}", meta.name);
            }
        }
    }

    #[test]
    fn garbage_in_key_position() {
        let out = strict(r#"{"a": 1, @@ "b": 2}"#);
        one(&out, "expected a key, found `@@`", (9, 11));
        assert!(root(&out).get("b").is_some());

        let out = strict(r#"{"a": 1, {"x": 1}, "b": 2}"#);
        one(&out, "expected a key, found `{`", (9, 10));
        assert_eq!(root(&out).as_object().unwrap().len(), 2);

        let out = strict(r#"{1: "x"}"#);
        one(&out, "object keys must be strings", (1, 2));
        assert_eq!(root(&out).get("1").unwrap().as_str(), Some("x"));

        let out = strict(r#"{"a" = 1}"#);
        one(&out, "expected `:` after key, found `=`", (5, 6));
        assert_eq!(root(&out).get("a").unwrap().as_number().unwrap().value, 1.0);
    }

    #[test]
    fn non_ascii_whitespace() {
        let text = "{\u{a0}\"a\": 1}";
        assert!(json5(text).diagnostics.is_empty());
        let out = strict(text);
        one(
            &out,
            "non-ASCII whitespace U+00A0 is not allowed in JSON",
            (1, 3),
        );
        assert_eq!(out.root, json5(text).root);
        // Trailing content that is a lone non-ASCII character: the span stays on char boundaries.
        let out = strict("{}\u{85}");
        one(&out, "unexpected content after the root value", (2, 4));
    }

    #[test]
    fn strings_at_root_and_odd_roots() {
        let out = strict("  \"only\"  ");
        assert!(out.diagnostics.is_empty());
        assert_eq!(root(&out).span, Span::new(2, 8));
        let out = strict(",{}");
        one(&out, "expected a JSON value, found `,`", (0, 1));
        assert!(root(&out).as_object().is_some());
    }

    #[test]
    fn unescaped_quote_inside_string() {
        let text = r#"{"Comment": "say "hi" now", "b": 1}"#;
        let out = strict(text);
        let d = one(&out, "unescaped `\"` inside a string", (17, 18));
        assert_eq!(d.pointer, "/Comment");
        assert_eq!(
            root(&out).get("Comment").unwrap().as_str(),
            Some("say \"hi\" now")
        );
        assert_eq!(root(&out).get("Comment").unwrap().span, Span::new(12, 26));
        assert!(root(&out).get("b").is_some());
    }

    #[test]
    fn missing_opening_quote() {
        let text = "{\n  \"a\": 1,\n  Next\": World\",\n  \"End\": true\n}";
        let out = strict(text);
        assert_eq!(
            messages(&out),
            ["missing opening `\"`", "missing opening `\"`"]
        );
        let at = text.find("Next").unwrap();
        assert_eq!(out.diagnostics[0].primary.span, Span::empty(at));
        let r = root(&out);
        let next = r.member("Next").unwrap();
        assert_eq!(next.key.span, Span::new(at, at + 5));
        assert_eq!(next.value.as_str(), Some("World"));
        assert_eq!(out.diagnostics[1].pointer, "/Next");
        assert_eq!(r.get("End").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn panic_mode_one_mistake_one_diagnostic() {
        // A stray `[` turns the rest of the object into array debris: one error for it, one for the end.
        let text = "{\"S\": {[\n \"A\": {\"Type\": \"Pass\"},\n \"B\": 2\n}}";
        let out = strict(text);
        let m = messages(&out);
        assert_eq!(m[0], "expected a key, found `[`");
        assert!(m.len() <= 2, "{m:?}");
        // A later independent mistake, after a clean member, is still reported.
        let out = strict(r#"{"a": 1 "b": 2, "c": 01}"#);
        assert_eq!(
            messages(&out),
            [
                "missing comma between object members",
                "leading zeros are not allowed in numbers"
            ]
        );
    }

    #[test]
    fn heuristics_stay_linear_on_long_lines() {
        for text in [
            format!("[{}]", "\"a\"b".repeat(200_000)),
            format!("{{{}}}", "a ".repeat(200_000)),
            format!("[{}]", "x ".repeat(200_000)),
            format!("{{\"k\": [{}]}}", ":".repeat(200_000)),
            format!("[{}\"]", "w\\\"".repeat(100_000)),
        ] {
            for mode in [false, true] {
                let out = parse_json(&text, mode);
                assert!(!out.diagnostics.is_empty());
                assert!(out.diagnostics.len() <= MAX_SYNTAX_ERRORS);
            }
        }
    }

    #[test]
    fn duplicate_key_cap() {
        let body: Vec<String> = (0..300).map(|_| "\"k\": 1".to_string()).collect();
        let out = strict(&format!("{{{}}}", body.join(", ")));
        assert_eq!(out.diagnostics.len(), MAX_DUPLICATE_KEYS);
        assert_eq!(root(&out).as_object().unwrap().len(), 300);
    }

    #[test]
    fn error_cap() {
        let text = format!("[{}]", "@,".repeat(1000));
        let out = strict(&text);
        assert_eq!(out.diagnostics.len(), MAX_SYNTAX_ERRORS);
        assert!(out
            .diagnostics
            .last()
            .unwrap()
            .message
            .starts_with("too many syntax errors"));
    }
}

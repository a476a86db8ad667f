//! Intrinsic function calls (`States.Format('x {}', $.a)`): parsed with spans, checked against a signature table,
//! evaluated with AWS's observed behaviour.
//!
//! Spans are byte offsets relative to the parsed string (the payload-template value); map them into the file with
//! [`crate::expr::span_map`].

use super::jsonpath::{json_eq, Env, ParseError, Path, Query};
use crate::syntax::Span;
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt::Write as _;

/// AWS's limit on nested intrinsic calls within one field.
pub const MAX_NESTING: usize = 10;
/// Deepest nesting the parser builds (beyond that: a parse error, never a stack overflow).
pub const PARSE_DEPTH_LIMIT: usize = 64;
/// Longest string `States.Base64Encode`/`Base64Decode`/`Hash` accept, in characters.
pub const MAX_FUNCTION_INPUT_CHARS: usize = 10_000;
/// Most items `States.ArrayRange` may produce.
pub const MAX_ARRAY_RANGE_ITEMS: usize = 1000;

/// A parsed call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The function name as written (`States.Format`).
    pub name: String,
    pub name_span: Span,
    pub args: Vec<Arg>,
    /// Span of `(`.
    pub open_span: Span,
    /// The whole call, name to `)`.
    pub span: Span,
}

/// One argument with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub kind: ArgKind,
    pub span: Span,
}

/// The kinds of argument.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgKind {
    /// `'text'`.
    Str(StrLit),
    /// A number literal.
    Number(Number),
    Bool(bool),
    Null,
    /// A `$...`, `$$...` or `$name...` path; `text` is the path as written.
    Path {
        path: Path,
        text: String,
    },
    /// A nested call.
    Call(Box<Call>),
}

impl ArgKind {
    /// A short name of the literal's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ArgKind::Str(_) => "string",
            ArgKind::Number(n) if n.is_i64() || n.is_u64() => "integer",
            ArgKind::Number(_) => "number",
            ArgKind::Bool(_) => "boolean",
            ArgKind::Null => "null",
            ArgKind::Path { .. } => "path",
            ArgKind::Call(_) => "function call",
        }
    }
}

/// A single-quoted string literal.
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    /// The decoded text (escapes resolved, `{}` kept as written).
    pub value: String,
    /// As a `States.Format` template: the literal text around each unescaped `{}` (`parts.len()` = placeholders + 1).
    pub parts: Vec<String>,
    /// Spans of the unescaped `{}` placeholders.
    pub placeholders: Vec<Span>,
}

// ---------------------------------------------------------------------------------------------------------------
// Signatures

/// What a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Any,
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    /// One of the `States.Hash` algorithm names.
    HashAlgorithm,
    /// Must be `false` (`States.JsonMerge` supports only a shallow merge).
    False,
}

impl ParamKind {
    pub fn describe(self) -> &'static str {
        match self {
            ParamKind::Any => "any value",
            ParamKind::String => "a string",
            ParamKind::Number => "a number",
            ParamKind::Integer => "an integer",
            ParamKind::Boolean => "a boolean",
            ParamKind::Array => "an array",
            ParamKind::Object => "an object",
            ParamKind::HashAlgorithm => "a hash algorithm name",
            ParamKind::False => "`false`",
        }
    }
}

/// A function's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub name: &'static str,
    /// Fixed parameters in order.
    pub params: &'static [ParamKind],
    /// Arguments required (≤ `params.len()` unless variadic).
    pub min: usize,
    /// Extra arguments allowed after `params`, each of this kind.
    pub variadic: Option<ParamKind>,
}

impl Signature {
    /// Most arguments accepted, `None` when unbounded.
    pub fn max(&self) -> Option<usize> {
        match self.variadic {
            Some(_) => None,
            None => Some(self.params.len()),
        }
    }
    /// The kind expected at argument `i`.
    pub fn param(&self, i: usize) -> Option<ParamKind> {
        self.params.get(i).copied().or(self.variadic)
    }
    /// "exactly 2 arguments", "at least 1 argument", "2 or 3 arguments".
    pub fn arity_text(&self) -> String {
        let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
        match self.max() {
            None => format!("at least {} {}", self.min, plural(self.min)),
            Some(m) if m == self.min => format!("exactly {} {}", m, plural(m)),
            Some(m) => format!("{} to {} arguments", self.min, m),
        }
    }
}

use ParamKind as P;

/// The 18 intrinsic functions.
pub static SIGNATURES: &[Signature] = &[
    Signature {
        name: "States.Format",
        params: &[P::String],
        min: 1,
        variadic: Some(P::Any),
    },
    Signature {
        name: "States.StringToJson",
        params: &[P::String],
        min: 1,
        variadic: None,
    },
    Signature {
        name: "States.JsonToString",
        params: &[P::Any],
        min: 1,
        variadic: None,
    },
    Signature {
        name: "States.Array",
        params: &[],
        min: 0,
        variadic: Some(P::Any),
    },
    Signature {
        name: "States.ArrayPartition",
        params: &[P::Array, P::Integer],
        min: 2,
        variadic: None,
    },
    Signature {
        name: "States.ArrayContains",
        params: &[P::Array, P::Any],
        min: 2,
        variadic: None,
    },
    Signature {
        name: "States.ArrayRange",
        params: &[P::Integer, P::Integer, P::Integer],
        min: 3,
        variadic: None,
    },
    Signature {
        name: "States.ArrayGetItem",
        params: &[P::Array, P::Integer],
        min: 2,
        variadic: None,
    },
    Signature {
        name: "States.ArrayLength",
        params: &[P::Array],
        min: 1,
        variadic: None,
    },
    Signature {
        name: "States.ArrayUnique",
        params: &[P::Array],
        min: 1,
        variadic: None,
    },
    Signature {
        name: "States.Base64Encode",
        params: &[P::String],
        min: 1,
        variadic: None,
    },
    Signature {
        name: "States.Base64Decode",
        params: &[P::String],
        min: 1,
        variadic: None,
    },
    Signature {
        name: "States.Hash",
        params: &[P::Any, P::HashAlgorithm],
        min: 2,
        variadic: None,
    },
    Signature {
        name: "States.JsonMerge",
        params: &[P::Object, P::Object, P::False],
        min: 3,
        variadic: None,
    },
    Signature {
        name: "States.MathRandom",
        params: &[P::Integer, P::Integer, P::Integer],
        min: 2,
        variadic: None,
    },
    Signature {
        name: "States.MathAdd",
        params: &[P::Number, P::Number],
        min: 2,
        variadic: None,
    },
    Signature {
        name: "States.StringSplit",
        params: &[P::String, P::String],
        min: 2,
        variadic: None,
    },
    Signature {
        name: "States.UUID",
        params: &[],
        min: 0,
        variadic: None,
    },
];

/// The algorithms `States.Hash` accepts.
pub const HASH_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// The signature of a function by its exact name.
pub fn signature(name: &str) -> Option<&'static Signature> {
    SIGNATURES.iter().find(|s| s.name == name)
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/// True when `s` looks like an intrinsic call (a name, possibly dotted, then `(`), whatever the name.
pub fn looks_like_call(s: &str) -> bool {
    let t = s.trim_start();
    let b = t.as_bytes();
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return false;
    }
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
        .count();
    let rest = t.get(n..).unwrap_or("").trim_start();
    rest.starts_with('(')
}

/// Parses a whole string as one intrinsic call (leading/trailing whitespace allowed).
pub fn parse_call(src: &str) -> Result<Call, ParseError> {
    let mut p = CallParser {
        src,
        b: src.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let call = p.call(1)?;
    p.skip_ws();
    if p.pos < src.len() {
        return Err(ParseError::new(
            Span::new(p.pos, src.len()),
            "unexpected text after the closing `)` of the call",
        ));
    }
    Ok(call)
}

struct CallParser<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
}

impl<'s> CallParser<'s> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }
    fn char_span(&self) -> Span {
        let len = self
            .src
            .get(self.pos..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }
    fn found(&self) -> String {
        match self.src.get(self.pos..).and_then(|r| r.chars().next()) {
            Some(c) => format!("`{c}`"),
            None => "the end".into(),
        }
    }

    fn name(&mut self) -> Option<Span> {
        let s = self.pos;
        if !self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        {
            return None;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
        {
            self.pos += 1;
        }
        Some(Span::new(s, self.pos))
    }

    fn call(&mut self, depth: usize) -> Result<Call, ParseError> {
        if depth > PARSE_DEPTH_LIMIT {
            return Err(ParseError::new(
                self.char_span(),
                format!("intrinsic calls nested more than {PARSE_DEPTH_LIMIT} deep"),
            ));
        }
        let start = self.pos;
        let Some(name_span) = self.name() else {
            return Err(ParseError::new(
                self.char_span(),
                format!("expected a function name, found {}", self.found()),
            ));
        };
        let name = self.src.get(name_span.range()).unwrap_or("").to_string();
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err(ParseError::new(
                self.char_span(),
                format!("expected `(` after `{name}`, found {}", self.found()),
            ));
        }
        let open_span = Span::new(self.pos, self.pos + 1);
        self.pos += 1;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.peek().is_none() {
                    return Err(ParseError::new(open_span, "expected `)` to close `(`"));
                }
                args.push(self.arg(depth)?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(b')') {
                            return Err(ParseError::new(
                                self.char_span(),
                                "expected an argument after `,`, found `)`",
                            ));
                        }
                    }
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(ParseError::new(open_span, "expected `)` to close `(`")),
                    _ => {
                        return Err(ParseError::new(
                            self.char_span(),
                            format!(
                                "expected `,` or `)` after an argument, found {}",
                                self.found()
                            ),
                        ))
                    }
                }
            }
        }
        Ok(Call {
            name,
            name_span,
            args,
            open_span,
            span: Span::new(start, self.pos),
        })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, ParseError> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'\'') => ArgKind::Str(self.string()?),
            Some(b'$') => {
                let (path, end) = Path::parse_prefix(self.src, self.pos)?;
                self.pos = end;
                if !matches!(self.peek(), None | Some(b',' | b')' | b' ' | b'\t' | b'\n' | b'\r')) {
                    return Err(ParseError::new(
                        self.char_span(),
                        format!("expected `,` or `)` after the path, found {}", self.found()),
                    ));
                }
                let text = self.src.get(start..end).unwrap_or("").to_string();
                ArgKind::Path { path, text }
            }
            Some(b'-' | b'0'..=b'9') => ArgKind::Number(self.number()?),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let save = self.pos;
                let span = self.name().unwrap_or_default();
                let word = self.src.get(span.range()).unwrap_or("");
                let after = self.pos;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.pos = save;
                    ArgKind::Call(Box::new(self.call(depth + 1)?))
                } else {
                    self.pos = after;
                    match word {
                        "true" => ArgKind::Bool(true),
                        "false" => ArgKind::Bool(false),
                        "null" => ArgKind::Null,
                        _ => {
                            return Err(ParseError::new(
                                span,
                                format!(
                                    "unexpected `{word}`: an argument is a 'string', a number, true, false, null, a path or a call"
                                ),
                            ))
                        }
                    }
                }
            }
            Some(b'"') => {
                return Err(ParseError::new(
                    self.char_span(),
                    "string arguments use single quotes ('text'), not double quotes",
                ))
            }
            _ => {
                return Err(ParseError::new(
                    self.char_span(),
                    format!(
                        "expected an argument ('string', number, true, false, null, path or call), found {}",
                        self.found()
                    ),
                ))
            }
        };
        Ok(Arg {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn number(&mut self) -> Result<Number, ParseError> {
        let s = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let d = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > d
        };
        if !digits(self) {
            return Err(ParseError::new(
                Span::new(s, self.pos.max(s + 1)),
                "expected a number",
            ));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            float = true;
            if !digits(self) {
                return Err(ParseError::new(
                    self.char_span(),
                    "expected digits after `.`",
                ));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(ParseError::new(
                    self.char_span(),
                    "expected digits in the exponent",
                ));
            }
        }
        let text = self.src.get(s..self.pos).unwrap_or("");
        let span = Span::new(s, self.pos);
        if !float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Number::from(i));
            }
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .ok_or_else(|| ParseError::new(span, format!("number `{text}` is out of range")))
    }

    /// `'...'` with `\'`, `\{`, `\}`, `\\` escapes.
    fn string(&mut self) -> Result<StrLit, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut parts = Vec::new();
        let mut cur = String::new();
        let mut placeholders = Vec::new();
        loop {
            let Some(c) = self.src.get(self.pos..).and_then(|r| r.chars().next()) else {
                return Err(ParseError::new(
                    Span::new(open, open + 1),
                    "expected `'` to close the string",
                ));
            };
            match c {
                '\'' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    let next = self.src.get(self.pos + 1..).and_then(|r| r.chars().next());
                    match next {
                        Some(e @ ('\'' | '{' | '}' | '\\')) => {
                            value.push(e);
                            cur.push(e);
                            self.pos += 2;
                        }
                        Some(e) => {
                            return Err(ParseError::new(
                                Span::new(self.pos, self.pos + 1 + e.len_utf8()),
                                format!(
                                    "invalid escape `\\{e}` in a string: only \\', \\{{, \\}} and \\\\ are escapes"
                                ),
                            ))
                        }
                        None => {
                            return Err(ParseError::new(
                                Span::new(open, open + 1),
                                "expected `'` to close the string",
                            ))
                        }
                    }
                }
                '{' if self.b.get(self.pos + 1) == Some(&b'}') => {
                    placeholders.push(Span::new(self.pos, self.pos + 2));
                    parts.push(std::mem::take(&mut cur));
                    value.push_str("{}");
                    self.pos += 2;
                }
                c => {
                    value.push(c);
                    cur.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        parts.push(cur);
        Ok(StrLit {
            value,
            parts,
            placeholders,
        })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Checking

/// Kinds of problem [`check`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    /// Bad syntax: quoting, escaping, parentheses, trailing text.
    Syntax,
    UnknownFunction,
    /// Wrong number of arguments.
    Arity,
    /// A literal of the wrong type.
    ArgType,
    /// A literal with a value the function rejects (hash algorithm, `true` for JsonMerge, step 0 ...).
    ArgValue,
    /// `States.Format`: the `{}` count does not match the arguments.
    FormatPlaceholders,
    /// More than [`MAX_NESTING`] nested calls.
    TooDeep,
    /// A path that is not valid JSONPath (from [`crate::expr::check_expression`]).
    Path,
    /// A `$states` reference: reserved for JSONata states.
    ReservedVariable,
}

/// One problem found in an intrinsic call; spans are relative to the checked string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    pub span: Span,
    /// What is wrong, no trailing period.
    pub message: String,
    /// What to do, when there is something specific.
    pub help: Option<String>,
    /// Another place involved (e.g. the function name for an arity problem).
    pub related: Option<(Span, String)>,
}

impl Issue {
    pub fn new(kind: IssueKind, span: Span, message: impl Into<String>) -> Self {
        Issue {
            kind,
            span,
            message: message.into(),
            help: None,
            related: None,
        }
    }
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    pub fn related(mut self, span: Span, msg: impl Into<String>) -> Self {
        self.related = Some((span, msg.into()));
        self
    }
}

/// Parses and checks `src` as an intrinsic call; returns every problem found (empty when valid).
pub fn check_str(src: &str) -> Vec<Issue> {
    match parse_call(src) {
        Ok(call) => check(&call),
        Err(e) => vec![Issue::new(IssueKind::Syntax, e.span, e.message)],
    }
}

/// Checks a parsed call: unknown functions, arity, literal types and values, Format placeholders, nesting.
pub fn check(call: &Call) -> Vec<Issue> {
    let mut out = Vec::new();
    check_rec(call, 1, &mut out);
    out
}

fn check_rec(call: &Call, depth: usize, out: &mut Vec<Issue>) {
    if depth == MAX_NESTING + 1 {
        out.push(
            Issue::new(
                IssueKind::TooDeep,
                call.span,
                format!("intrinsic functions are nested more than {MAX_NESTING} deep"),
            )
            .help("compute part of the value in an earlier state"),
        );
    }
    for a in &call.args {
        match &a.kind {
            ArgKind::Call(c) => check_rec(c, depth + 1, out),
            ArgKind::Path { path, .. } if path.uses_reserved_variable() => {
                out.push(reserved_variable_issue(path.root_span))
            }
            _ => {}
        }
    }
    let Some(sig) = signature(&call.name) else {
        let mut issue = Issue::new(
            IssueKind::UnknownFunction,
            call.name_span,
            format!("unknown intrinsic function `{}`", call.name),
        );
        let candidates = SIGNATURES.iter().map(|s| s.name);
        let short = SIGNATURES
            .iter()
            .map(|s| s.name.trim_start_matches("States."));
        let suggestion = crate::suggest::did_you_mean(&call.name, candidates).or_else(|| {
            crate::suggest::did_you_mean(call.name.trim_start_matches("States."), short).and_then(
                |s| {
                    SIGNATURES
                        .iter()
                        .find(|x| x.name.ends_with(s))
                        .map(|x| x.name)
                },
            )
        });
        if let Some(s) = suggestion {
            issue = issue.help(format!("did you mean `{s}`?"));
        } else {
            issue = issue.help("the intrinsic functions are States.Format, States.Array, States.MathAdd, ... (18 in all)");
        }
        out.push(issue);
        return;
    };
    let n = call.args.len();
    let too_few = n < sig.min;
    let too_many = sig.max().is_some_and(|m| n > m);
    if too_few || too_many {
        let span = if too_many {
            let first_extra = sig.max().unwrap_or(0);
            let s = call.args.get(first_extra).map_or(call.span, |a| a.span);
            let e = call.args.last().map_or(call.span, |a| a.span);
            s.cover(e)
        } else {
            Span::new(call.open_span.start(), call.span.end())
        };
        out.push(
            Issue::new(
                IssueKind::Arity,
                span,
                format!(
                    "`{}` takes {}, but {} {} given",
                    sig.name,
                    sig.arity_text(),
                    n,
                    if n == 1 { "was" } else { "were" }
                ),
            )
            .related(call.name_span, "function called here"),
        );
    }
    for (i, a) in call.args.iter().enumerate() {
        let Some(kind) = sig.param(i) else { continue };
        check_literal(sig, i, kind, a, out);
    }
    if sig.name == "States.Format" {
        if let Some(Arg {
            kind: ArgKind::Str(t),
            span,
        }) = call.args.first()
        {
            let expected = t.placeholders.len();
            let given = n.saturating_sub(1);
            if expected != given {
                out.push(
                    Issue::new(
                        IssueKind::FormatPlaceholders,
                        *span,
                        format!(
                            "the template has {expected} `{{}}` placeholder{} but {given} value{} {} given",
                            if expected == 1 { "" } else { "s" },
                            if given == 1 { "" } else { "s" },
                            if given == 1 { "is" } else { "are" },
                        ),
                    )
                    .related(call.name_span, "States.Format fails at run time when the counts differ")
                    .help("make the number of `{}` equal to the number of arguments after the template (escape a literal brace as \\{ or \\})"),
                );
            }
        }
    }
    check_literal_values(sig, call, out);
    if sig.name == "States.ArrayRange" {
        if let Some(Arg {
            kind: ArgKind::Number(step),
            span,
        }) = call.args.get(2)
        {
            if step.as_f64() == Some(0.0) {
                out.push(Issue::new(
                    IssueKind::ArgValue,
                    *span,
                    "the step of `States.ArrayRange` must not be 0",
                ));
            }
        }
        if let (Some(ArgKind::Number(a)), Some(ArgKind::Number(b)), Some(ArgKind::Number(s))) = (
            call.args.first().map(|a| &a.kind),
            call.args.get(1).map(|a| &a.kind),
            call.args.get(2).map(|a| &a.kind),
        ) {
            if let (Some(a), Some(b), Some(s)) = (a.as_f64(), b.as_f64(), s.as_f64()) {
                if s != 0.0 && ((b - a) / s).floor() + 1.0 > MAX_ARRAY_RANGE_ITEMS as f64 {
                    out.push(Issue::new(
                        IssueKind::ArgValue,
                        call.span,
                        format!("`States.ArrayRange` would produce more than {MAX_ARRAY_RANGE_ITEMS} items"),
                    ));
                }
            }
        }
    }
}

fn lit_num(a: Option<&Arg>) -> Option<(f64, Span)> {
    match a {
        Some(Arg {
            kind: ArgKind::Number(n),
            span,
        }) => n.as_f64().map(|x| (x, *span)),
        _ => None,
    }
}

fn lit_str(a: Option<&Arg>) -> Option<(&str, Span)> {
    match a {
        Some(Arg {
            kind: ArgKind::Str(s),
            span,
        }) => Some((s.value.as_str(), *span)),
        _ => None,
    }
}

/// Literal values a function is sure to reject at run time.
fn check_literal_values(sig: &Signature, call: &Call, out: &mut Vec<Issue>) {
    let arg = |i: usize| call.args.get(i);
    match sig.name {
        "States.ArrayGetItem" => {
            if let Some((x, span)) = lit_num(arg(1)) {
                if x < 0.0 {
                    out.push(Issue::new(
                        IssueKind::ArgValue,
                        span,
                        "the index of `States.ArrayGetItem` must not be negative",
                    ));
                }
            }
        }
        "States.ArrayPartition" => {
            if let Some((x, span)) = lit_num(arg(1)) {
                if x <= 0.0 {
                    out.push(Issue::new(
                        IssueKind::ArgValue,
                        span,
                        "the chunk size of `States.ArrayPartition` must be greater than 0",
                    ));
                }
            }
        }
        "States.MathRandom" => {
            if let (Some((a, _)), Some((b, span))) = (lit_num(arg(0)), lit_num(arg(1))) {
                if a >= b {
                    out.push(
                        Issue::new(
                            IssueKind::ArgValue,
                            span,
                            "the end of `States.MathRandom` must be greater than its start",
                        )
                        .help("the end is exclusive: use an end above the start"),
                    );
                }
            }
        }
        "States.StringToJson" => {
            if let Some((text, span)) = lit_str(arg(0)) {
                let t = text.trim();
                if !t.is_empty() && serde_json::from_str::<Value>(t).is_err() {
                    out.push(Issue::new(
                        IssueKind::ArgValue,
                        span,
                        "the argument of `States.StringToJson` is not valid JSON",
                    ));
                }
            }
        }
        "States.Base64Encode" | "States.Base64Decode" | "States.Hash" => {
            if let Some((text, span)) = lit_str(arg(0)) {
                if text.chars().count() > MAX_FUNCTION_INPUT_CHARS {
                    out.push(Issue::new(
                        IssueKind::ArgValue,
                        span,
                        format!(
                            "the input of `{}` is longer than {MAX_FUNCTION_INPUT_CHARS} characters",
                            sig.name
                        ),
                    ));
                }
            }
            if sig.name == "States.Base64Decode" {
                if let Some((text, span)) = lit_str(arg(0)) {
                    use base64::Engine as _;
                    if base64::engine::general_purpose::STANDARD
                        .decode(text.as_bytes())
                        .is_err()
                    {
                        out.push(Issue::new(
                            IssueKind::ArgValue,
                            span,
                            "the argument of `States.Base64Decode` is not valid base64",
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The issue for a `$states` reference in a JSONPath expression.
pub fn reserved_variable_issue(span: Span) -> Issue {
    Issue::new(
        IssueKind::ReservedVariable,
        span,
        "`$states` is reserved for JSONata states",
    )
    .help("read the value with a path (`$.field`) or the context object (`$$.…`), or switch the state to JSONata")
}

fn check_literal(sig: &Signature, i: usize, kind: ParamKind, a: &Arg, out: &mut Vec<Issue>) {
    let lit_type = match &a.kind {
        ArgKind::Path { .. } => return,
        ArgKind::Call(c) => {
            // A nested call's result type, when fixed.
            let ret = match c.name.as_str() {
                "States.Format"
                | "States.JsonToString"
                | "States.Base64Encode"
                | "States.Base64Decode"
                | "States.Hash"
                | "States.UUID" => Some("string"),
                "States.Array"
                | "States.ArrayPartition"
                | "States.ArrayRange"
                | "States.ArrayUnique"
                | "States.StringSplit" => Some("array"),
                "States.ArrayContains" => Some("boolean"),
                "States.ArrayLength" | "States.MathAdd" | "States.MathRandom" => Some("integer"),
                "States.JsonMerge" => Some("object"),
                _ => None,
            };
            match ret {
                Some(r) => r,
                None => return,
            }
        }
        k => k.type_name(),
    };
    let ok = match kind {
        P::Any => true,
        P::String | P::HashAlgorithm => lit_type == "string",
        P::Number => matches!(lit_type, "number" | "integer"),
        P::Integer => lit_type == "integer",
        P::Boolean | P::False => lit_type == "boolean",
        P::Array => lit_type == "array",
        P::Object => lit_type == "object",
    };
    let ordinal = ordinal(i + 1);
    if !ok {
        out.push(
            Issue::new(
                IssueKind::ArgType,
                a.span,
                format!(
                    "the {ordinal} argument of `{}` must be {}, found {}",
                    sig.name,
                    kind.describe(),
                    with_article(lit_type)
                ),
            )
            .help(format!(
                "pass {} (a literal or a path to one)",
                kind.describe()
            )),
        );
        return;
    }
    match (kind, &a.kind) {
        (P::HashAlgorithm, ArgKind::Str(s)) if !HASH_ALGORITHMS.contains(&s.value.as_str()) => {
            let mut issue = Issue::new(
                IssueKind::ArgValue,
                a.span,
                format!("unknown hash algorithm '{}'", s.value),
            );
            issue = match crate::suggest::did_you_mean(&s.value, HASH_ALGORITHMS.iter().copied()) {
                Some(sug) => issue.help(format!("did you mean '{sug}'?")),
                None => issue.help("use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"),
            };
            out.push(issue);
        }
        (P::False, ArgKind::Bool(true)) => out.push(
            Issue::new(
                IssueKind::ArgValue,
                a.span,
                "`States.JsonMerge` supports only a shallow merge: its third argument must be false",
            )
            .help("pass false"),
        ),
        _ => {}
    }
}

fn with_article(t: &str) -> String {
    match t {
        "null" => "null".into(),
        "integer" | "array" | "object" => format!("an {t}"),
        "function call" => "a function call".into(),
        _ => format!("a {t}"),
    }
}

fn ordinal(n: usize) -> &'static str {
    match n {
        1 => "first",
        2 => "second",
        3 => "third",
        4 => "fourth",
        5 => "fifth",
        _ => "next",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/// A run-time failure, as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// `States.IntrinsicFailure`, `States.Runtime`, ...
    pub error: &'static str,
    pub cause: String,
}

impl EvalError {
    pub fn intrinsic(cause: impl Into<String>) -> Self {
        EvalError {
            error: "States.IntrinsicFailure",
            cause: cause.into(),
        }
    }
    pub fn runtime(cause: impl Into<String>) -> Self {
        EvalError {
            error: "States.Runtime",
            cause: cause.into(),
        }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

/// A source of randomness for `States.MathRandom` and `States.UUID` (never global: pass a seeded one).
pub trait RandomSource {
    fn next_u64(&mut self) -> u64;
}

/// SplitMix64: a small, fast, seedable generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl RandomSource for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Evaluates a call. Path arguments read from `env`.
pub fn eval(call: &Call, env: &Env<'_>, rng: &mut dyn RandomSource) -> Result<Value, EvalError> {
    eval_depth(call, env, rng, 0)
}

fn eval_depth<'a>(
    call: &Call,
    env: &Env<'a>,
    rng: &mut dyn RandomSource,
    depth: usize,
) -> Result<Value, EvalError> {
    if depth > PARSE_DEPTH_LIMIT {
        return Err(EvalError::intrinsic(
            "Intrinsic functions are nested too deeply",
        ));
    }
    let mut args: Vec<Cow<'a, Value>> = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(match &a.kind {
            ArgKind::Str(s) => Cow::Owned(Value::String(s.value.clone())),
            ArgKind::Number(n) => Cow::Owned(Value::Number(n.clone())),
            ArgKind::Bool(b) => Cow::Owned(Value::Bool(*b)),
            ArgKind::Null => Cow::Owned(Value::Null),
            ArgKind::Call(c) => Cow::Owned(eval_depth(c, env, rng, depth + 1)?),
            ArgKind::Path { path, text } => match path.query(env) {
                Query::One(v) => Cow::Borrowed(v),
                Query::NotFound => {
                    let input = path.root_value(env).unwrap_or(&Value::Null);
                    return Err(EvalError::runtime(format!(
                        "The JSONPath '{text}' could not be found in the input '{}'",
                        serde_json::to_string(input).unwrap_or_default()
                    )));
                }
                q => Cow::Owned(q.into_value().unwrap_or(Value::Null)),
            },
        });
    }
    let Some(sig) = signature(&call.name) else {
        return Err(EvalError::intrinsic(format!(
            "The function '{}' is not a supported intrinsic function",
            call.name
        )));
    };
    let n = args.len();
    if n < sig.min || sig.max().is_some_and(|m| n > m) {
        return Err(EvalError::intrinsic(format!(
            "Function {} takes {}, but {} were given",
            sig.name,
            sig.arity_text(),
            n
        )));
    }
    apply(sig.name, call, args, rng)
}

fn arg_str<'v>(f: &str, args: &'v [Cow<'_, Value>], i: usize) -> Result<&'v str, EvalError> {
    match args.get(i).map(|c| c.as_ref()) {
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(EvalError::intrinsic(format!(
            "Invalid arguments in {f}: argument {} must be a string, found {}",
            i + 1,
            super::jsonpath::type_article(v)
        ))),
        None => Err(EvalError::intrinsic(format!(
            "Missing argument {} of {f}",
            i + 1
        ))),
    }
}

fn arg_array<'v>(
    f: &str,
    args: &'v [Cow<'_, Value>],
    i: usize,
) -> Result<&'v Vec<Value>, EvalError> {
    match args.get(i).map(|c| c.as_ref()) {
        Some(Value::Array(a)) => Ok(a),
        Some(v) => Err(EvalError::intrinsic(format!(
            "Invalid arguments in {f}: argument {} must be an array, found {}",
            i + 1,
            super::jsonpath::type_article(v)
        ))),
        None => Err(EvalError::intrinsic(format!(
            "Missing argument {} of {f}",
            i + 1
        ))),
    }
}

fn arg_num(f: &str, args: &[Cow<'_, Value>], i: usize) -> Result<f64, EvalError> {
    match args.get(i).map(|c| c.as_ref()) {
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or_else(|| EvalError::intrinsic(format!("Invalid number in {f}"))),
        Some(v) => Err(EvalError::intrinsic(format!(
            "Invalid arguments in {f}: argument {} must be a number, found {}",
            i + 1,
            super::jsonpath::type_article(v)
        ))),
        None => Err(EvalError::intrinsic(format!(
            "Missing argument {} of {f}",
            i + 1
        ))),
    }
}

/// An integer argument; integral floats (`3.0`) are accepted.
fn arg_int(f: &str, args: &[Cow<'_, Value>], i: usize) -> Result<i64, EvalError> {
    if let Some(Value::Number(n)) = args.get(i).map(|c| c.as_ref()) {
        if let Some(v) = n.as_i64() {
            return Ok(v);
        }
    }
    let x = arg_num(f, args, i)?;
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Ok(x as i64)
    } else {
        Err(EvalError::intrinsic(format!(
            "Invalid arguments in {f}: argument {} must be an integer, found {x}",
            i + 1
        )))
    }
}

/// Java's `Math.round`: half rounds up (towards positive infinity).
pub fn java_round(x: f64) -> f64 {
    (x + 0.5).floor()
}

fn apply(
    name: &str,
    call: &Call,
    args: Vec<Cow<'_, Value>>,
    rng: &mut dyn RandomSource,
) -> Result<Value, EvalError> {
    let f = name;
    match name {
        "States.Format" => {
            let template = match call.args.first().map(|a| &a.kind) {
                Some(ArgKind::Str(s)) => Cow::Borrowed(&s.parts),
                _ => {
                    // A template from a path: split at `{}` (no escapes in data).
                    let t = arg_str(f, &args, 0)?;
                    Cow::Owned(t.split("{}").map(str::to_string).collect::<Vec<_>>())
                }
            };
            let values = args.get(1..).unwrap_or(&[]);
            if template.len() != values.len() + 1 {
                return Err(EvalError::intrinsic(format!(
                    "Invalid arguments in States.Format: the template has {} placeholders but {} arguments were given",
                    template.len() - 1,
                    values.len()
                )));
            }
            let mut out = String::new();
            for (i, part) in template.iter().enumerate() {
                out.push_str(part);
                if let Some(v) = values.get(i) {
                    java_string(v, &mut out, 0);
                }
            }
            Ok(Value::String(out))
        }
        "States.StringToJson" => {
            let s = arg_str(f, &args, 0)?.trim();
            if s.is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_str(s).map_err(|e| {
                EvalError::intrinsic(format!("Invalid JSON string in States.StringToJson: {e}"))
            })
        }
        "States.JsonToString" => {
            let v = args.first().map(|c| c.as_ref()).unwrap_or(&Value::Null);
            Ok(Value::String(serde_json::to_string(v).unwrap_or_default()))
        }
        "States.Array" => Ok(Value::Array(
            args.into_iter().map(Cow::into_owned).collect(),
        )),
        "States.ArrayPartition" => {
            let a = arg_array(f, &args, 0)?;
            let size = arg_int(f, &args, 1)?;
            if size <= 0 {
                return Err(EvalError::intrinsic(format!(
                    "Invalid arguments in States.ArrayPartition: the chunk size must be greater than 0, found {size}"
                )));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::Array(
                a.chunks(size).map(|c| Value::Array(c.to_vec())).collect(),
            ))
        }
        "States.ArrayContains" => {
            let a = arg_array(f, &args, 0)?;
            let x = args.get(1).map(|c| c.as_ref()).unwrap_or(&Value::Null);
            Ok(Value::Bool(a.iter().any(|v| json_eq(v, x))))
        }
        "States.ArrayRange" => {
            let start = arg_int(f, &args, 0)?;
            let end = arg_int(f, &args, 1)?;
            let step = arg_int(f, &args, 2)?;
            if step == 0 {
                return Err(EvalError::intrinsic(
                    "Invalid arguments in States.ArrayRange: the step must not be 0",
                ));
            }
            let count = if (step > 0 && end < start) || (step < 0 && end > start) {
                0
            } else {
                ((end as i128 - start as i128) / step as i128 + 1) as u128
            };
            if count > MAX_ARRAY_RANGE_ITEMS as u128 {
                return Err(EvalError::intrinsic(format!(
                    "Invalid arguments in States.ArrayRange: the range would have {count} items, more than {MAX_ARRAY_RANGE_ITEMS}"
                )));
            }
            let mut out = Vec::with_capacity(count as usize);
            let mut x = start as i128;
            for _ in 0..count {
                out.push(Value::from(x as i64));
                x += step as i128;
            }
            Ok(Value::Array(out))
        }
        "States.ArrayGetItem" => {
            let a = arg_array(f, &args, 0)?;
            let i = arg_int(f, &args, 1)?;
            usize::try_from(i)
                .ok()
                .and_then(|i| a.get(i))
                .cloned()
                .ok_or_else(|| {
                    EvalError::intrinsic(format!(
                        "Invalid arguments in States.ArrayGetItem: index {i} is out of bounds of an array of {}",
                        a.len()
                    ))
                })
        }
        "States.ArrayLength" => Ok(Value::from(arg_array(f, &args, 0)?.len())),
        "States.ArrayUnique" => {
            let a = arg_array(f, &args, 0)?;
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            for v in a {
                if seen.insert(serde_json::to_string(v).unwrap_or_default()) {
                    out.push(v.clone());
                }
            }
            Ok(Value::Array(out))
        }
        "States.Base64Encode" => {
            use base64::Engine as _;
            let s = arg_str(f, &args, 0)?;
            limit(f, s)?;
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
            ))
        }
        "States.Base64Decode" => {
            use base64::Engine as _;
            let s = arg_str(f, &args, 0)?;
            limit(f, s)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|e| {
                    EvalError::intrinsic(format!("Invalid base64 in States.Base64Decode: {e}"))
                })?;
            String::from_utf8(bytes).map(Value::String).map_err(|_| {
                EvalError::intrinsic("States.Base64Decode: the decoded data is not valid UTF-8")
            })
        }
        "States.Hash" => {
            let data: Cow<'_, str> = match args.first().map(|c| c.as_ref()) {
                Some(Value::String(s)) => Cow::Borrowed(s.as_str()),
                Some(v) => Cow::Owned(serde_json::to_string(v).unwrap_or_default()),
                None => Cow::Borrowed(""),
            };
            limit(f, &data)?;
            let alg = arg_str(f, &args, 1)?;
            Ok(Value::String(hash_hex(alg, data.as_bytes()).ok_or_else(|| {
                EvalError::intrinsic(format!(
                    "Invalid arguments in States.Hash: unsupported algorithm '{alg}' (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)"
                ))
            })?))
        }
        "States.JsonMerge" => {
            let deep = match args.get(2).map(|c| c.as_ref()) {
                Some(Value::Bool(b)) => *b,
                _ => return Err(EvalError::intrinsic(
                    "Invalid arguments in States.JsonMerge: the third argument must be a boolean",
                )),
            };
            if deep {
                return Err(EvalError::intrinsic(
                    "Invalid arguments in States.JsonMerge: deep merging is not supported, the third argument must be false",
                ));
            }
            let mut it = args.into_iter();
            let a = it.next().map(Cow::into_owned);
            let b = it.next();
            match (a, b) {
                (Some(Value::Object(mut a)), Some(b)) => match b.as_ref() {
                    Value::Object(bo) => {
                        for (k, v) in bo {
                            a.insert(k.clone(), v.clone());
                        }
                        Ok(Value::Object(a))
                    }
                    _ => Err(EvalError::intrinsic(
                        "Invalid arguments in States.JsonMerge: both values must be objects",
                    )),
                },
                _ => Err(EvalError::intrinsic(
                    "Invalid arguments in States.JsonMerge: both values must be objects",
                )),
            }
        }
        "States.MathRandom" => {
            let start = java_round(arg_num(f, &args, 0)?);
            let end = java_round(arg_num(f, &args, 1)?);
            if !(start.abs() < 9.0e15 && end.abs() < 9.0e15) || start >= end {
                return Err(EvalError::intrinsic(
                    "Invalid arguments in States.MathRandom: the start must be less than the end",
                ));
            }
            let (s, e) = (start as i64, end as i64);
            let width = (e - s) as u64;
            let r = if args.len() > 2 {
                let seed = arg_int(f, &args, 2)?;
                SplitMix64(seed as u64).next_u64()
            } else {
                rng.next_u64()
            };
            Ok(Value::from(s + (r % width) as i64))
        }
        "States.MathAdd" => {
            let a = java_round(arg_num(f, &args, 0)?);
            let b = java_round(arg_num(f, &args, 1)?);
            let sum = a + b;
            if !sum.is_finite() || sum.abs() > 9.0e15 {
                return Err(EvalError::intrinsic(
                    "States.MathAdd: the result is out of range",
                ));
            }
            Ok(Value::from(sum as i64))
        }
        "States.StringSplit" => {
            let s = arg_str(f, &args, 0)?;
            let d = arg_str(f, &args, 1)?;
            let parts = s
                .split(|c: char| d.contains(c))
                .filter(|p| !p.is_empty())
                .map(|p| Value::String(p.to_string()))
                .collect();
            Ok(Value::Array(parts))
        }
        "States.UUID" => {
            let a = rng.next_u64().to_be_bytes();
            let b = rng.next_u64().to_be_bytes();
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&a);
            bytes[8..].copy_from_slice(&b);
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            let mut s = String::with_capacity(36);
            for (i, byte) in bytes.iter().enumerate() {
                if matches!(i, 4 | 6 | 8 | 10) {
                    s.push('-');
                }
                let _ = write!(s, "{byte:02x}");
            }
            Ok(Value::String(s))
        }
        _ => Err(EvalError::intrinsic(format!(
            "The function '{name}' is not a supported intrinsic function"
        ))),
    }
}

fn limit(f: &str, s: &str) -> Result<(), EvalError> {
    if s.chars().count() > MAX_FUNCTION_INPUT_CHARS {
        return Err(EvalError::intrinsic(format!(
            "Invalid arguments in {f}: the input is longer than {MAX_FUNCTION_INPUT_CHARS} characters"
        )));
    }
    Ok(())
}

/// Lowercase hex digest of `data` with one of [`HASH_ALGORITHMS`].
pub fn hash_hex(alg: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    let bytes: Vec<u8> = match alg {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    };
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    Some(s)
}

/// Appends `v` as Java's `toString` would print it (`{a=1, b=[x, y]}`): how `States.Format` prints values.
pub fn java_string(v: &Value, out: &mut String, depth: usize) {
    if depth > 128 {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_string(x, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_string(x, out, depth + 1);
            }
            out.push('}');
        }
    }
}

/// How many calls the expression holds, nested ones included (AWS's documentation counts "nested intrinsic
/// functions" this way in its examples; [`check`] limits the nesting *depth* to [`MAX_NESTING`]).
pub fn call_count(call: &Call) -> usize {
    let mut n = 0;
    let mut stack = vec![call];
    while let Some(c) = stack.pop() {
        n += 1;
        for a in &c.args {
            if let ArgKind::Call(inner) = &a.kind {
                stack.push(inner);
            }
        }
    }
    n
}

/// Every path argument of a call and its nested calls (for rules that check paths, variables, context fields).
pub fn paths(call: &Call) -> Vec<(&Path, &str, Span)> {
    let mut out = Vec::new();
    let mut stack = vec![call];
    while let Some(c) = stack.pop() {
        for a in &c.args {
            match &a.kind {
                ArgKind::Path { path, text } => out.push((path, text.as_str(), a.span)),
                ArgKind::Call(n) => stack.push(n),
                _ => {}
            }
        }
    }
    out.sort_by_key(|(_, _, s)| s.start);
    out
}

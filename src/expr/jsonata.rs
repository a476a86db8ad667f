//! JSONata expressions (`"{% ... %}"` strings of JSONata states).
//!
//! Validity comes from `jsonata-core` (the engine the simulator evaluates with), whose parser errors carry no
//! position and whose AST carries no spans. Positions come from a small tokenizer of our own ([`tokenize`]), which
//! follows `jsonata-core`'s lexer (identifier characters, regex-versus-division, comments, backtick names): it gives
//! the span of a syntax error (an unterminated string, an unbalanced bracket, or the token at which the parser
//! stops), of every `$variable` read, of every `$states.member` reference and of every function call.
//!
//! Every span here is a byte span relative to the string passed in (the expression *body*, or the whole string for
//! [`Enclosed`]); map it to the file with [`super::span_map`]. Nothing here panics; input size and nesting are
//! capped before `jsonata-core` sees the text.

use crate::syntax::Span;
use std::collections::HashSet;

pub use jsonata_core::ast::AstNode;

/// Longest expression body handed to `jsonata-core` (longer ones are not checked).
pub const MAX_EXPRESSION_LEN: usize = 64 * 1024;
/// Deepest bracket nesting handed to `jsonata-core`.
pub const MAX_NESTING: usize = 128;
/// Most tokens for which the position of a parser error is searched (each probe re-parses a prefix).
const MAX_PROBE_TOKENS: usize = 4096;

/// The functions JSONata 2.0 defines plus those AWS Step Functions adds (`$partition`, `$range`, `$hash`, `$random`
/// with a seed, `$uuid`, `$parse`). `$eval` is JSONata's but AWS forbids it (see [`FORBIDDEN_FUNCTIONS`]).
pub const BUILTIN_FUNCTIONS: &[&str] = &[
    // Aggregation
    "sum",
    "count",
    "max",
    "min",
    "average",
    // String
    "string",
    "substring",
    "substringBefore",
    "substringAfter",
    "lowercase",
    "uppercase",
    "length",
    "trim",
    "pad",
    "contains",
    "split",
    "join",
    "match",
    "replace",
    "eval",
    "base64encode",
    "base64decode",
    "encodeUrlComponent",
    "encodeUrl",
    "decodeUrlComponent",
    "decodeUrl",
    // Numeric
    "number",
    "abs",
    "floor",
    "ceil",
    "round",
    "power",
    "sqrt",
    "random",
    "formatNumber",
    "formatBase",
    "formatInteger",
    "parseInteger",
    // Boolean
    "boolean",
    "not",
    "exists",
    // Array
    "append",
    "sort",
    "reverse",
    "shuffle",
    "distinct",
    "zip",
    // Object
    "keys",
    "lookup",
    "spread",
    "merge",
    "sift",
    "each",
    "error",
    "assert",
    "type",
    // Date/time
    "now",
    "millis",
    "fromMillis",
    "toMillis",
    // Higher order
    "map",
    "filter",
    "single",
    "reduce",
    // AWS Step Functions additions
    "partition",
    "range",
    "hash",
    "uuid",
    "parse",
    // Used by LocalStack's AWS-validated JSONata snapshot tests (`math_random_seeded_jsonata`).
    "randomSeeded",
];

/// JSONata functions Step Functions rejects.
pub const FORBIDDEN_FUNCTIONS: &[&str] = &["eval"];

/// The members of the reserved `$states` variable.
pub const STATES_MEMBERS: &[&str] = &["input", "result", "errorOutput", "context"];

/// True when `name` (without `$`) is a built-in function name.
pub fn is_builtin_function(name: &str) -> bool {
    BUILTIN_FUNCTIONS.contains(&name)
}

// ---------------------------------------------------------------------------------------------------------------
// Delimiters

/// A string that is exactly `{% ... %}`: an expression of a JSONata state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enclosed<'s> {
    /// The text between `{%` and `%}`, whitespace included.
    pub body: &'s str,
    /// Offset of the body in the whole string (always 2).
    pub body_offset: usize,
}

/// The expression inside a string that is exactly `{% ... %}` (at least four characters, `{%` first, `%}` last).
pub fn enclosed(s: &str) -> Option<Enclosed<'_>> {
    if s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}") {
        s.get(2..s.len() - 2).map(|body| Enclosed {
            body,
            body_offset: 2,
        })
    } else {
        None
    }
}

/// How a string that looks like a JSONata expression fails to be exactly `{% ... %}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DelimiterProblem {
    /// `{% ...` without the closing `%}`. `open` is the span of `{%`.
    NoClose { open: Span },
    /// `... %}` without the opening `{%`. `close` is the span of `%}`.
    NoOpen { close: Span },
    /// `  {% ... %}  `: whitespace outside the delimiters makes the string a literal. `leading`/`trailing` are the
    /// whitespace runs (possibly empty).
    SpacesOutside { leading: Span, trailing: Span },
    /// `{%expr%}`: the expression touches both delimiters.
    NoSpaces,
}

/// Classifies a string of a JSONata state that is *not* exactly `{% ... %}` but looks like an attempt at one.
/// Returns `None` for an ordinary literal (and for an exact `{% ... %}`, apart from [`DelimiterProblem::NoSpaces`]).
pub fn delimiter_problem(s: &str) -> Option<DelimiterProblem> {
    if let Some(e) = enclosed(s) {
        let body = e.body;
        let flush = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace());
        if flush(body.chars().next()) && flush(body.chars().next_back()) {
            return Some(DelimiterProblem::NoSpaces);
        }
        return None;
    }
    let t = s.trim();
    let lead = s.len() - s.trim_start().len();
    let trail_start = lead + t.len();
    if t.len() >= 4 && t.starts_with("{%") && t.ends_with("%}") {
        return Some(DelimiterProblem::SpacesOutside {
            leading: Span::new(0, lead),
            trailing: Span::new(trail_start, s.len()),
        });
    }
    if t.starts_with("{%") && !t.ends_with("%}") {
        return Some(DelimiterProblem::NoClose {
            open: Span::new(lead, lead + 2),
        });
    }
    if t.ends_with("%}") && !t.starts_with("{%") && t.len() > 2 {
        return Some(DelimiterProblem::NoOpen {
            close: Span::new(trail_start - 2, trail_start),
        });
    }
    None
}

/// True when a string (unenclosed, or an expression body) reads like a JSONPath query or an ASL `States.X(...)`
/// call rather than a JSONata expression: `$.x`, `$[...]`, `$$.x`, a lone `$`/`$$`, `States.Format(...)`.
pub fn looks_like_jsonpath(s: &str) -> bool {
    let t = s.trim();
    t == "$"
        || t == "$$"
        || t.starts_with("$.")
        || t.starts_with("$[")
        || t.starts_with("$$.")
        || (t.starts_with("States.") && t.contains('('))
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `'...'` or `"..."`.
    String,
    /// A backtick name `` `a b` ``.
    QuotedName,
    Number,
    /// `$name` (the text keeps the `$`); `$` alone is the context value, `$$` the root.
    Variable,
    /// A bare name (`field`, `and`, `function`, ...).
    Name,
    /// `/.../flags`.
    Regex,
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`.
    Close,
    /// Any operator or punctuation (`.`, `:=`, `,`, `;`, `?`, ...).
    Operator,
}

/// One token with its span in the tokenized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// The token's text in `src`.
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.span.range()).unwrap_or("")
    }
}

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, no trailing period.
    pub message: String,
    /// The tightest span of the problem (relative to the parsed text).
    pub span: Span,
    /// Another place involved (the opening bracket of a mismatched closing one), with its label.
    pub related: Option<(Span, String)>,
    /// The JSONata error code (`S0202`, ...), when the parser gave one.
    pub code: Option<String>,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Splits a JSONata expression into tokens. Fails at the first unterminated string, backtick name, regex or
/// comment (the error spans from the opening character to the end).
pub fn tokenize(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let b = src.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0usize;
    let unterminated = |start: usize, what: &str, code: &str| SyntaxError {
        message: format!("unterminated {what}"),
        span: Span::new(start, src.len()),
        related: None,
        code: Some(code.to_string()),
    };
    while let Some(c) = src.get(i..).and_then(|r| r.chars().next()) {
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let next = b.get(i + 1).copied();
        let kind;
        match c {
            '/' if next == Some(b'*') => {
                match src.get(i + 2..).and_then(|r| r.find("*/")) {
                    Some(k) => i += 2 + k + 2,
                    None => return Err(unterminated(start, "comment", "S0106")),
                }
                continue;
            }
            '"' | '\'' => {
                let q = c as u8;
                let mut j = i + 1;
                loop {
                    match b.get(j) {
                        None => return Err(unterminated(start, "string literal", "S0101")),
                        Some(b'\\') => j += 2,
                        Some(x) if *x == q => break,
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
                kind = TokenKind::String;
            }
            '`' => match src.get(i + 1..).and_then(|r| r.find('`')) {
                Some(k) => {
                    i += 1 + k + 1;
                    kind = TokenKind::QuotedName;
                }
                None => return Err(unterminated(start, "backtick name", "S0105")),
            },
            '/' if regex_allowed(src, out.last()) => {
                let mut j = i + 1;
                loop {
                    match b.get(j) {
                        None => return Err(unterminated(start, "regular expression", "S0302")),
                        Some(b'\\') => j += 2,
                        Some(b'/') => break,
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
                while let Some(f) = src.get(i..).and_then(|r| r.chars().next()) {
                    if f.is_alphabetic() {
                        i += f.len_utf8();
                    } else {
                        break;
                    }
                }
                kind = TokenKind::Regex;
            }
            '0'..='9' => {
                let mut j = i;
                while b.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                    while b.get(j).is_some_and(u8::is_ascii_digit) {
                        j += 1;
                    }
                }
                if matches!(b.get(j), Some(b'e' | b'E')) {
                    let mut k = j + 1;
                    if matches!(b.get(k), Some(b'+' | b'-')) {
                        k += 1;
                    }
                    if b.get(k).is_some_and(u8::is_ascii_digit) {
                        while b.get(k).is_some_and(u8::is_ascii_digit) {
                            k += 1;
                        }
                        j = k;
                    }
                }
                i = j;
                kind = TokenKind::Number;
            }
            '$' => {
                let mut j = i + 1;
                while let Some(f) = src.get(j..).and_then(|r| r.chars().next()) {
                    if is_name_char(f) {
                        j += f.len_utf8();
                    } else {
                        break;
                    }
                }
                i = j;
                kind = TokenKind::Variable;
            }
            '(' | '[' | '{' => {
                i += 1;
                kind = TokenKind::Open;
            }
            ')' | ']' | '}' => {
                i += 1;
                kind = TokenKind::Close;
            }
            c if is_name_char(c) => {
                let mut j = i;
                while let Some(f) = src.get(j..).and_then(|r| r.chars().next()) {
                    if is_name_char(f) {
                        j += f.len_utf8();
                    } else {
                        break;
                    }
                }
                i = j;
                kind = TokenKind::Name;
            }
            _ => {
                let two = src.get(i..i + 2).unwrap_or("");
                i += if ["..", ":=", "!=", ">=", "<=", "~>", "**", "??", "?:"].contains(&two) {
                    2
                } else {
                    c.len_utf8()
                };
                kind = TokenKind::Operator;
            }
        }
        out.push(Token {
            kind,
            span: Span::new(start, i.min(src.len())),
        });
    }
    Ok(out)
}

/// Whether a `/` after `prev` starts a regex (as in `jsonata-core`'s lexer) rather than dividing.
fn regex_allowed(src: &str, prev: Option<&Token>) -> bool {
    let Some(p) = prev else { return true };
    match p.kind {
        TokenKind::Open => true,
        TokenKind::Name => matches!(p.text(src), "and" | "or" | "in"),
        TokenKind::Operator => !matches!(p.text(src), "*" | "%" | "**" | "." | ".."),
        _ => false,
    }
}

/// Checks bracket balance: the first closing bracket that closes nothing or the wrong kind, else the first
/// bracket left open; also the deepest nesting reached.
fn check_brackets(src: &str, tokens: &[Token]) -> (Option<SyntaxError>, usize) {
    let mut stack: Vec<Token> = Vec::new();
    let mut deepest = 0;
    for t in tokens {
        match t.kind {
            TokenKind::Open => {
                stack.push(*t);
                deepest = deepest.max(stack.len());
            }
            TokenKind::Close => {
                let close = t.text(src);
                let want = match close {
                    ")" => "(",
                    "]" => "[",
                    _ => "{",
                };
                match stack.pop() {
                    Some(o) if o.text(src) == want => {}
                    Some(o) => {
                        let open = o.text(src);
                        return (
                            Some(SyntaxError {
                                message: format!("`{close}` does not match the unclosed `{open}`"),
                                span: t.span,
                                related: Some((o.span, format!("`{open}` opened here"))),
                                code: Some("S0202".into()),
                            }),
                            deepest,
                        );
                    }
                    None => {
                        return (
                            Some(SyntaxError {
                                message: format!("`{close}` closes nothing"),
                                span: t.span,
                                related: None,
                                code: Some("S0201".into()),
                            }),
                            deepest,
                        )
                    }
                }
            }
            _ => {}
        }
    }
    let err = stack.first().map(|o| {
        let open = o.text(src);
        let close = match open {
            "(" => ")",
            "[" => "]",
            _ => "}",
        };
        SyntaxError {
            message: format!("`{open}` is never closed"),
            span: o.span,
            related: Some((
                Span::empty(src.trim_end().len()),
                format!("expected `{close}` here"),
            )),
            code: Some("S0203".into()),
        }
    });
    (err, deepest)
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/// A parsed expression body: the `jsonata-core` AST when it parses, the tokens, and the syntax error otherwise.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The AST for evaluation (`None` on a syntax error or when the input was too large to check).
    pub ast: Option<AstNode>,
    /// The tokens (empty when the text could not be tokenized).
    pub tokens: Vec<Token>,
    pub error: Option<SyntaxError>,
    /// True when the text was too long or too deeply nested to be handed to the parser (nothing is reported).
    pub skipped: bool,
}

/// True for parser errors that only say the text ended too early (a prefix of a valid expression gives those).
fn is_end_error(e: &jsonata_core::parser::ParserError) -> bool {
    use jsonata_core::parser::ParserError as P;
    match e {
        P::UnexpectedEnd | P::UnclosedString | P::UnclosedComment | P::UnclosedBacktick => true,
        P::UnexpectedToken(t) => t == "Eof",
        P::Expected { found, .. } => found == "Eof",
        P::InvalidSyntax(m) => m.contains("Eof"),
        _ => false,
    }
}

fn error_code(message: &str) -> Option<String> {
    let m = message.trim_start_matches("Parse error: ");
    let code = m.get(..5)?;
    (code.starts_with('S') && code[1..].bytes().all(|b| b.is_ascii_digit()))
        .then(|| code.to_string())
}

/// Rewrites `jsonata-core`'s token names (`RightParen`, `Eof`, ...) into what was written.
fn humanize(message: &str) -> String {
    let m = message.trim_start_matches("Parse error: ");
    let m = match error_code(m) {
        Some(c) => m
            .get(c.len()..)
            .unwrap_or(m)
            .trim_start_matches(':')
            .trim_start(),
        None => m,
    };
    let mut s = m.to_string();
    for (from, to) in [
        ("RightParen", "`)`"),
        ("LeftParen", "`(`"),
        ("RightBracket", "`]`"),
        ("LeftBracket", "`[`"),
        ("RightBrace", "`}`"),
        ("LeftBrace", "`{`"),
        ("Comma", "`,`"),
        ("Semicolon", "`;`"),
        ("ColonEqual", "`:=`"),
        ("Colon", "`:`"),
        ("QuestionQuestion", "`??`"),
        ("QuestionColon", "`?:`"),
        ("Question", "`?`"),
        ("StarStar", "`**`"),
        ("Star", "`*`"),
        ("DotDot", "`..`"),
        ("Dot", "`.`"),
        ("Eof", "the end of the expression"),
    ] {
        s = s.replace(from, to);
    }
    let s = s.trim_end_matches('.').to_string();
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => s,
    }
}

/// Parses one expression body (the text between `{%` and `%}`).
pub fn parse(body: &str) -> Parsed {
    let tokens = match tokenize(body) {
        Ok(t) => t,
        Err(e) => {
            return Parsed {
                ast: None,
                tokens: Vec::new(),
                error: Some(e),
                skipped: false,
            }
        }
    };
    let (bracket_error, depth) = check_brackets(body, &tokens);
    if body.len() > MAX_EXPRESSION_LEN || depth > MAX_NESTING {
        return Parsed {
            ast: None,
            tokens,
            error: None,
            skipped: true,
        };
    }
    if tokens.is_empty() {
        return Parsed {
            ast: None,
            tokens,
            error: Some(SyntaxError {
                message: "the expression is empty".into(),
                span: Span::new(0, body.len()),
                related: None,
                code: Some("S0207".into()),
            }),
            skipped: false,
        };
    }
    match jsonata_core::parser::parse(body) {
        Ok(ast) => Parsed {
            ast: Some(ast),
            tokens,
            error: None,
            skipped: false,
        },
        Err(e) => {
            let raw = e.to_string();
            let error = match bracket_error {
                Some(b) => SyntaxError {
                    code: error_code(&raw).or(b.code),
                    ..b
                },
                None => locate(body, &tokens, &e, &raw),
            };
            Parsed {
                ast: None,
                tokens,
                error: Some(error),
                skipped: false,
            }
        }
    }
}

/// Finds the token at which the parser fails: the shortest token prefix whose parse fails for another reason
/// than ending early.
fn locate(
    body: &str,
    tokens: &[Token],
    e: &jsonata_core::parser::ParserError,
    raw: &str,
) -> SyntaxError {
    let message = humanize(raw);
    let code = error_code(raw);
    let end = Span::empty(body.trim_end().len());
    let whole = tokens
        .first()
        .zip(tokens.last())
        .map_or(end, |(a, b)| a.span.cover(b.span));
    if is_end_error(e) {
        return SyntaxError {
            message,
            span: end,
            related: None,
            code,
        };
    }
    if tokens.len() > MAX_PROBE_TOKENS {
        return SyntaxError {
            message,
            span: whole,
            related: None,
            code,
        };
    }
    let bad = |k: usize| -> bool {
        let Some(t) = tokens.get(k) else { return true };
        match body.get(..t.span.end()) {
            Some(prefix) => match jsonata_core::parser::parse(prefix) {
                Ok(_) => false,
                Err(pe) => !is_end_error(&pe),
            },
            None => false,
        }
    };
    // Binary search for the first bad prefix; the whole text is bad.
    let (mut lo, mut hi) = (0usize, tokens.len().saturating_sub(1));
    if !bad(hi) {
        // Not a positional error (e.g. found by a check after parsing): the whole expression.
        return SyntaxError {
            message,
            span: whole,
            related: None,
            code,
        };
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if bad(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let Some(tok) = tokens.get(lo) else {
        return SyntaxError {
            message,
            span: whole,
            related: None,
            code,
        };
    };
    let text = tok.text(body);
    let message = match code.as_deref() {
        Some("S0201" | "S0204" | "S0211") | None
            if raw.contains("Syntax error") || code.is_some() =>
        {
            format!("unexpected `{text}`")
        }
        Some("S0202") => match message.find(", got ") {
            Some(k) => format!("{}, found `{text}`", message.get(..k).unwrap_or("")),
            None => message,
        },
        _ => message,
    };
    SyntaxError {
        message,
        span: tok.span,
        related: None,
        code,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// References

/// A read of a workflow variable: `$name` that is not a local binding, a function parameter, a built-in function
/// or `$states`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableRead {
    /// The name without `$`.
    pub name: String,
    /// Span of `$name`.
    pub span: Span,
}

/// A `$states` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesRef {
    /// The member read (`input`, `result`, ...), `None` for `$states` alone.
    pub member: Option<String>,
    /// Span of `$states`.
    pub root_span: Span,
    /// Span of the member name (`None` for `$states` alone).
    pub member_span: Option<Span>,
    /// The dotted names read after the member, each with its span, up to the first step that is not `.name`:
    /// `Execution`, `Id` for `$states.context.Execution.Id`. Backquoted names are unquoted.
    pub steps: Vec<(String, Span)>,
}

/// A call of a named function: `$name(`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCall {
    /// The name without `$`.
    pub name: String,
    /// Span of `$name`.
    pub span: Span,
}

/// The names an expression binds locally: `$x := ...`, lambda parameters, `@$x` focus and `#$i` index bindings.
pub fn local_bindings(src: &str, tokens: &[Token]) -> HashSet<String> {
    let mut bound = HashSet::new();
    for (k, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::Variable {
            continue;
        }
        let name = t.text(src).trim_start_matches('$');
        if name.is_empty() {
            continue;
        }
        let next = tokens.get(k + 1).map(|n| n.text(src));
        let prev = k
            .checked_sub(1)
            .and_then(|p| tokens.get(p))
            .map(|p| p.text(src));
        if next == Some(":=") || matches!(prev, Some("@" | "#")) {
            bound.insert(name.to_string());
        }
    }
    // Lambda parameters: `function(` or `λ(` followed by `$a, $b` up to `)`.
    for (k, t) in tokens.iter().enumerate() {
        if !(t.kind == TokenKind::Name && matches!(t.text(src), "function" | "λ")) {
            continue;
        }
        if tokens.get(k + 1).map(|n| n.text(src)) != Some("(") {
            continue;
        }
        for p in tokens.iter().skip(k + 2) {
            match (p.kind, p.text(src)) {
                (TokenKind::Variable, v) => {
                    bound.insert(v.trim_start_matches('$').to_string());
                }
                (TokenKind::Operator, ",") => {}
                _ => break,
            }
        }
    }
    bound
}

/// Every workflow-variable read of an expression (tokens from [`tokenize`] of the same `src`).
pub fn variable_reads(src: &str, tokens: &[Token]) -> Vec<VariableRead> {
    let bound = local_bindings(src, tokens);
    let mut out = Vec::new();
    for (k, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::Variable {
            continue;
        }
        let text = t.text(src);
        let name = text.trim_start_matches('$');
        // `$` is the context value, `$$` the root; `$$name` is JSONata's variable `$name` (a local name).
        if name.is_empty() || text.starts_with("$$") || name == "states" {
            continue;
        }
        if bound.contains(name) {
            continue;
        }
        let next = tokens.get(k + 1).map(|n| n.text(src));
        if next == Some("(") || next == Some(":=") || is_builtin_function(name) {
            continue;
        }
        out.push(VariableRead {
            name: name.to_string(),
            span: t.span,
        });
    }
    out
}

/// Every `$states` reference of an expression.
pub fn states_refs(src: &str, tokens: &[Token]) -> Vec<StatesRef> {
    let mut out = Vec::new();
    for (k, t) in tokens.iter().enumerate() {
        if !(t.kind == TokenKind::Variable && t.text(src) == "$states") {
            continue;
        }
        let dot = tokens.get(k + 1).filter(|d| d.text(src) == ".");
        let member = dot
            .and_then(|_| tokens.get(k + 2))
            .filter(|m| matches!(m.kind, TokenKind::Name | TokenKind::QuotedName));
        let mut steps = Vec::new();
        if member.is_some() {
            let mut i = k + 3;
            while let (Some(dot), Some(name)) = (tokens.get(i), tokens.get(i + 1)) {
                if dot.text(src) != "."
                    || !matches!(name.kind, TokenKind::Name | TokenKind::QuotedName)
                {
                    break;
                }
                steps.push((name.text(src).trim_matches('`').to_string(), name.span));
                i += 2;
            }
        }
        out.push(StatesRef {
            member: member.map(|m| m.text(src).trim_matches('`').to_string()),
            root_span: t.span,
            member_span: member.map(|m| m.span),
            steps,
        });
    }
    out
}

/// Every call of a named function (`$name(...)`) that is not a local binding.
pub fn function_calls(src: &str, tokens: &[Token]) -> Vec<FunctionCall> {
    let bound = local_bindings(src, tokens);
    tokens
        .iter()
        .enumerate()
        .filter(|(k, t)| {
            t.kind == TokenKind::Variable && tokens.get(k + 1).map(|n| n.text(src)) == Some("(")
        })
        .filter_map(|(_, t)| {
            let name = t.text(src).trim_start_matches('$');
            (!name.is_empty() && !bound.contains(name)).then(|| FunctionCall {
                name: name.to_string(),
                span: t.span,
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "tests_jsonata.rs"]
mod tests;

//! AWS's JSONPath dialect (Jayway's), parsed with spans and evaluated over `serde_json::Value`.
//!
//! A [`Path`] starts at one of three roots: `$` (the state input), `$$` (the context object) or `$name` (a workflow
//! variable). Every node carries a byte [`Span`] relative to the start of the string that was parsed, so a rule can
//! point at the exact characters (map them to the file with [`crate::expr::span_map`]).
//!
//! Semantics follow Jayway as AWS applies it: a *definite* path (no wildcard, slice, union of indexes, filter or deep
//! scan) yields one value or nothing; an *indefinite* path yields a list, `[]` when nothing matches.

use crate::syntax::Span;
use serde_json::{Map, Value};
use std::fmt;

/// Deepest nesting of filters (`[?(...)]` inside `[?(...)]`, parentheses) the parser accepts.
pub const MAX_FILTER_DEPTH: usize = 32;
/// Most operands of one `&&` / `||` chain (each adds a level to the expression tree).
pub const MAX_FILTER_CHAIN: usize = 64;

/// A syntax error in a path or an intrinsic call: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte span relative to the parsed string.
    pub span: Span,
    /// What is wrong, no trailing period (e.g. "expected `]` to close `[`").
    pub message: String,
}

impl ParseError {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        ParseError {
            span,
            message: message.into(),
        }
    }
    /// The same error with its span moved right by `by` bytes (for a path embedded in a larger string).
    pub fn shifted(mut self, by: usize) -> Self {
        self.span = shift(self.span, by);
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}..{}",
            self.message, self.span.start, self.span.end
        )
    }
}

pub(crate) fn shift(s: Span, by: usize) -> Span {
    Span::new(s.start() + by, s.end() + by)
}

/// Where a path starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `$`: the state input (or the current value being processed).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable (the name without `$`).
    Variable(String),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub root: Root,
    /// Span of the root token (`$`, `$$` or `$name`).
    pub root_span: Span,
    pub segments: Vec<Segment>,
    /// Span of the whole path.
    pub span: Span,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// True for a deep scan (`..name`, `..[0]`, `..*`).
    pub descendant: bool,
    pub selector: Selector,
    /// Span of the whole step, its `.`/`..`/brackets included.
    pub span: Span,
}

/// What a step selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// `.name` or `['name']`.
    Name(String),
    /// `.*` or `[*]`.
    Wildcard,
    /// `[n]`, negative from the end.
    Index(i64),
    /// `[a:b]`, `[a:]`, `[:b]` (Jayway has no step).
    Slice {
        start: Option<i64>,
        end: Option<i64>,
    },
    /// `['a','b']`: allowed only as the last step; yields one object of the named members that exist, per match.
    Names(Vec<String>),
    /// `[0,1]`.
    Indexes(Vec<i64>),
    /// `[?(...)]`.
    Filter(Box<Filter>),
    /// `[(...)]`: a script expression (`[(@.length-1)]`). Neither Jayway nor AWS evaluates it; kept so that a rule
    /// can report it precisely. Matches nothing.
    Script(String),
}

/// A filter expression with its span.
#[derive(Debug, Clone)]
pub struct Filter {
    pub kind: FilterKind,
    pub span: Span,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.span == other.span && self.kind == other.kind
    }
}

/// A filter expression.
#[derive(Debug, Clone)]
pub enum FilterKind {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `@.isbn`: the operand exists.
    Exists(Operand),
    Compare {
        op: CmpOp,
        /// Span of the operator (`==`, `in`, ...).
        op_span: Span,
        lhs: Operand,
        rhs: Operand,
    },
    /// `@.name =~ /pattern/flags`.
    Regex {
        lhs: Operand,
        pattern: String,
        regex: Option<regex::Regex>,
        pattern_span: Span,
    },
}

impl PartialEq for FilterKind {
    fn eq(&self, other: &Self) -> bool {
        use FilterKind::*;
        match (self, other) {
            (Or(a, b), Or(c, d)) | (And(a, b), And(c, d)) => a == c && b == d,
            (Not(a), Not(b)) => a == b,
            (Exists(a), Exists(b)) => a == b,
            (
                Compare {
                    op,
                    op_span,
                    lhs,
                    rhs,
                },
                Compare {
                    op: o2,
                    op_span: s2,
                    lhs: l2,
                    rhs: r2,
                },
            ) => op == o2 && op_span == s2 && lhs == l2 && rhs == r2,
            (
                Regex {
                    lhs,
                    pattern,
                    pattern_span,
                    ..
                },
                Regex {
                    lhs: l2,
                    pattern: p2,
                    pattern_span: s2,
                    ..
                },
            ) => lhs == l2 && pattern == p2 && pattern_span == s2,
            _ => false,
        }
    }
}

/// A comparison operator of a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Nin,
    /// Left array ⊆ right array.
    SubsetOf,
    /// Left and right arrays share an element.
    AnyOf,
    /// Left and right arrays share no element.
    NoneOf,
    /// Length of the left array or string equals the right number.
    Size,
    /// Emptiness of the left array or string equals the right boolean.
    Empty,
    /// `===`: equal and of the same JSON type (no number/string coercion).
    TypeSafeEq,
    /// `!==`.
    TypeSafeNe,
    /// Left array holds the right value, or left string contains the right string.
    Contains,
    /// Left array holds every element of the right array.
    All,
    /// Whether the left operand exists equals the right boolean.
    Exists,
}

impl CmpOp {
    /// The word operators (`in`, `nin`, `subsetof`, `anyof`, `noneof`, `size`, `empty`, `contains`, `all`,
    /// `exists`).
    pub fn from_word(w: &str) -> Option<CmpOp> {
        Some(match w {
            "in" => CmpOp::In,
            "nin" => CmpOp::Nin,
            "subsetof" => CmpOp::SubsetOf,
            "anyof" => CmpOp::AnyOf,
            "noneof" => CmpOp::NoneOf,
            "size" => CmpOp::Size,
            "empty" => CmpOp::Empty,
            "contains" => CmpOp::Contains,
            "all" => CmpOp::All,
            "exists" => CmpOp::Exists,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::SubsetOf => "subsetof",
            CmpOp::AnyOf => "anyof",
            CmpOp::NoneOf => "noneof",
            CmpOp::Size => "size",
            CmpOp::Empty => "empty",
            CmpOp::TypeSafeEq => "===",
            CmpOp::TypeSafeNe => "!==",
            CmpOp::Contains => "contains",
            CmpOp::All => "all",
            CmpOp::Exists => "exists",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::Nin => "nin",
        }
    }
}

/// One side of a filter comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `@`, `@.a.b`: relative to the item being tested.
    Current { segments: Vec<Segment>, span: Span },
    /// `$...`, `$$...`: an absolute path.
    Path(Box<Path>),
    /// A literal: number, string, `true`/`false`/`null`, or a JSON array for `in`/`nin`.
    Literal { value: Value, span: Span },
    /// An unquoted word (`Failure` in `@.status == Failure`), compared as the string it spells. Accepted because
    /// deployed definitions use it; a rule may suggest quoting it.
    Bare { text: String, span: Span },
}

impl Operand {
    pub fn span(&self) -> Span {
        match self {
            Operand::Current { span, .. }
            | Operand::Literal { span, .. }
            | Operand::Bare { span, .. } => *span,
            Operand::Path(p) => p.span,
        }
    }
}

/// What a path evaluated to.
#[derive(Debug, Clone, PartialEq)]
pub enum Query<'v> {
    /// A definite path matched this value.
    One(&'v Value),
    /// A definite path matched nothing.
    NotFound,
    /// An indefinite path: every match in document order (possibly none).
    Many(Vec<&'v Value>),
    /// A path ending in a multi-name selector (`['a','b']`): the merged object (definite path) or the array of
    /// merged objects (indefinite path).
    Merged(Value),
}

impl Query<'_> {
    /// The result as an owned JSON value; `None` when a definite path matched nothing.
    pub fn to_value(&self) -> Option<Value> {
        match self {
            Query::One(v) => Some((*v).clone()),
            Query::NotFound => None,
            Query::Many(vs) => Some(Value::Array(vs.iter().map(|v| (*v).clone()).collect())),
            Query::Merged(v) => Some(v.clone()),
        }
    }
    /// Consumes the result into an owned value (no clone for a merged object).
    pub fn into_value(self) -> Option<Value> {
        match self {
            Query::Merged(v) => Some(v),
            other => other.to_value(),
        }
    }
}

/// The values paths are evaluated against.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// What `$` refers to.
    pub input: &'a Value,
    /// What `$$` refers to (`None`: no context available, every context path is not found).
    pub context: Option<&'a Value>,
    /// Workflow variables (`None`: none defined).
    pub variables: Option<&'a Map<String, Value>>,
}

impl<'a> Env<'a> {
    /// An environment with only an input.
    pub fn input(input: &'a Value) -> Self {
        Env {
            input,
            context: None,
            variables: None,
        }
    }
}

/// Why [`set`] could not place a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    /// What went wrong ("cannot set a member of a string").
    pub message: String,
    /// Span (within the path string) of the step that could not be applied.
    pub span: Span,
}

impl Path {
    /// Parses a whole string as a path (`$...`, `$$...` or `$name...`).
    pub fn parse(src: &str) -> Result<Path, ParseError> {
        let mut p = Parser::new(src, 0);
        let path = p.path()?;
        p.skip_ws();
        if p.pos < src.len() {
            return Err(ParseError::new(
                Span::new(p.pos, src.len()),
                format!("unexpected `{}` after the path", p.rest_snippet()),
            ));
        }
        Ok(path)
    }

    /// Parses a path that starts at byte `start` of `src` and ends before the first unbracketed `,` `)` or
    /// whitespace; returns the path and the byte offset where it ended. Spans are relative to `src`.
    pub fn parse_prefix(src: &str, start: usize) -> Result<(Path, usize), ParseError> {
        let mut p = Parser::new(src, 0);
        p.pos = start;
        p.stop_at_arg_end = true;
        let path = p.path()?;
        Ok((path, p.pos))
    }

    /// True for `$`-rooted paths.
    pub fn is_input(&self) -> bool {
        matches!(self.root, Root::Input)
    }

    /// A *reference path*: only `.name`, `['name']` and `[n]` steps (what ResultPath requires).
    pub fn is_reference(&self) -> bool {
        self.segments
            .iter()
            .all(|s| !s.descendant && matches!(s.selector, Selector::Name(_) | Selector::Index(_)))
    }

    /// True when Jayway yields one value (not a list) for this path.
    pub fn is_definite(&self) -> bool {
        segments_definite(&self.segments)
    }

    /// The first step that makes the path indefinite or not a reference path, for messages.
    pub fn first_non_reference_segment(&self) -> Option<&Segment> {
        self.segments
            .iter()
            .find(|s| s.descendant || !matches!(s.selector, Selector::Name(_) | Selector::Index(_)))
    }

    /// The value this path starts from in `env`, `None` when it does not exist.
    pub fn root_value<'a>(&self, env: &Env<'a>) -> Option<&'a Value> {
        match &self.root {
            Root::Input => Some(env.input),
            Root::Context => env.context,
            Root::Variable(name) => env.variables.and_then(|v| v.get(name.as_str())),
        }
    }

    /// Evaluates the path in `env` (root chosen by the path's kind).
    pub fn query<'a>(&self, env: &Env<'a>) -> Query<'a> {
        match self.root_value(env) {
            Some(root) => self.query_from(root, env),
            None if self.is_definite() => Query::NotFound,
            None => Query::Many(Vec::new()),
        }
    }

    /// Evaluates the steps of the path starting at `root` (whatever the path's own root); `env` serves `$`/`$$`
    /// inside filters.
    pub fn query_from<'a>(&self, root: &'a Value, env: &Env<'a>) -> Query<'a> {
        query_segments(&self.segments, root, env)
    }

    /// Evaluates with only an input (`$$` and variables not found).
    pub fn query_input<'a>(&self, input: &'a Value) -> Query<'a> {
        self.query(&Env::input(input))
    }
}

impl fmt::Display for Path {
    /// Canonical Jayway-like text (`$['a'][0]`), for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root {
            Root::Input => f.write_str("$")?,
            Root::Context => f.write_str("$$")?,
            Root::Variable(n) => write!(f, "${n}")?,
        }
        for s in &self.segments {
            if s.descendant {
                f.write_str("..")?;
            }
            match &s.selector {
                Selector::Name(n) => write!(f, "['{}']", n.replace('\'', "\\'"))?,
                Selector::Wildcard => f.write_str("[*]")?,
                Selector::Index(i) => write!(f, "[{i}]")?,
                Selector::Slice { start, end } => {
                    f.write_str("[")?;
                    if let Some(s) = start {
                        write!(f, "{s}")?;
                    }
                    f.write_str(":")?;
                    if let Some(e) = end {
                        write!(f, "{e}")?;
                    }
                    f.write_str("]")?;
                }
                Selector::Names(ns) => {
                    let parts: Vec<String> = ns
                        .iter()
                        .map(|n| format!("'{}'", n.replace('\'', "\\'")))
                        .collect();
                    write!(f, "[{}]", parts.join(","))?;
                }
                Selector::Indexes(is) => {
                    let parts: Vec<String> = is.iter().map(|i| i.to_string()).collect();
                    write!(f, "[{}]", parts.join(","))?;
                }
                Selector::Filter(_) => f.write_str("[?(...)]")?,
                Selector::Script(t) => write!(f, "[({t})]")?,
            }
        }
        Ok(())
    }
}

/// True when Jayway yields one value for these steps.
fn segments_definite(segments: &[Segment]) -> bool {
    let n = segments.len();
    segments.iter().enumerate().all(|(i, s)| {
        !s.descendant
            && match &s.selector {
                Selector::Name(_) | Selector::Index(_) => true,
                Selector::Names(_) => i + 1 == n,
                _ => false,
            }
    })
}

fn query_segments<'a>(segments: &[Segment], root: &'a Value, env: &Env<'a>) -> Query<'a> {
    if segments_definite(segments) {
        let mut cur = root;
        for (i, seg) in segments.iter().enumerate() {
            match &seg.selector {
                Selector::Name(n) => match cur.as_object().and_then(|o| o.get(n.as_str())) {
                    Some(v) => cur = v,
                    None => return Query::NotFound,
                },
                Selector::Index(ix) => match cur.as_array().and_then(|a| index(a, *ix)) {
                    Some(v) => cur = v,
                    None => return Query::NotFound,
                },
                Selector::Names(names) if i + 1 == segments.len() => {
                    return match cur.as_object() {
                        Some(o) => Query::Merged(merge_names(o, names)),
                        None => Query::NotFound,
                    };
                }
                _ => return Query::NotFound,
            }
        }
        return Query::One(cur);
    }
    // Jayway: several names as the last step yield one object per match (`[{"a":..,"b":..}, ...]`).
    let (steps, merge) = match segments.split_last() {
        Some((
            Segment {
                descendant: false,
                selector: Selector::Names(names),
                ..
            },
            rest,
        )) => (rest, Some(names)),
        _ => (segments, None),
    };
    let mut cur: Vec<&'a Value> = vec![root];
    let mut next: Vec<&'a Value> = Vec::new();
    for seg in steps {
        next.clear();
        for v in &cur {
            apply_segment(seg, v, env, &mut next, 0);
        }
        std::mem::swap(&mut cur, &mut next);
    }
    match merge {
        Some(names) => Query::Merged(Value::Array(
            cur.iter()
                .filter_map(|v| v.as_object())
                .map(|o| merge_names(o, names))
                .collect(),
        )),
        None => Query::Many(cur),
    }
}

fn index(a: &[Value], ix: i64) -> Option<&Value> {
    let len = a.len() as i64;
    let i = if ix < 0 { len.checked_add(ix)? } else { ix };
    if i < 0 {
        return None;
    }
    a.get(usize::try_from(i).ok()?)
}

fn merge_names(o: &Map<String, Value>, names: &[String]) -> Value {
    let mut m = Map::new();
    for n in names {
        if let Some(v) = o.get(n.as_str()) {
            m.insert(n.clone(), v.clone());
        }
    }
    Value::Object(m)
}

fn slice_bounds(len: usize, start: Option<i64>, end: Option<i64>) -> (usize, usize) {
    let len_i = len as i64;
    let norm = |x: i64| -> i64 {
        if x < 0 {
            (len_i.saturating_add(x)).max(0)
        } else {
            x.min(len_i)
        }
    };
    let s = start.map(norm).unwrap_or(0);
    let e = end.map(norm).unwrap_or(len_i);
    let s = s as usize;
    let e = (e as usize).max(s);
    (s, e)
}

/// Applies one (indefinite-context) step to `v`, pushing matches.
fn apply_segment<'a>(
    seg: &Segment,
    v: &'a Value,
    env: &Env<'a>,
    out: &mut Vec<&'a Value>,
    depth: usize,
) {
    if seg.descendant {
        // Pre-order walk: the node itself, then its children.
        let mut stack: Vec<&'a Value> = vec![v];
        while let Some(n) = stack.pop() {
            apply_selector(&seg.selector, n, env, out, depth);
            match n {
                Value::Object(o) => stack.extend(o.values().rev()),
                Value::Array(a) => stack.extend(a.iter().rev()),
                _ => {}
            }
        }
    } else {
        apply_selector(&seg.selector, v, env, out, depth);
    }
}

fn apply_selector<'a>(
    sel: &Selector,
    v: &'a Value,
    env: &Env<'a>,
    out: &mut Vec<&'a Value>,
    depth: usize,
) {
    match sel {
        Selector::Name(n) => {
            if let Some(x) = v.as_object().and_then(|o| o.get(n.as_str())) {
                out.push(x);
            }
        }
        Selector::Wildcard => match v {
            Value::Object(o) => out.extend(o.values()),
            Value::Array(a) => out.extend(a.iter()),
            _ => {}
        },
        Selector::Index(i) => {
            if let Some(x) = v.as_array().and_then(|a| index(a, *i)) {
                out.push(x);
            }
        }
        Selector::Indexes(is) => {
            if let Some(a) = v.as_array() {
                out.extend(is.iter().filter_map(|i| index(a, *i)));
            }
        }
        Selector::Names(ns) => {
            if let Some(o) = v.as_object() {
                out.extend(ns.iter().filter_map(|n| o.get(n.as_str())));
            }
        }
        Selector::Slice { start, end } => {
            if let Some(a) = v.as_array() {
                let (s, e) = slice_bounds(a.len(), *start, *end);
                if let Some(items) = a.get(s..e) {
                    out.extend(items.iter());
                }
            }
        }
        Selector::Script(_) => {}
        Selector::Filter(f) => match v {
            Value::Array(a) => {
                out.extend(a.iter().filter(|item| eval_filter(f, item, env, depth + 1)));
            }
            Value::Object(_) if eval_filter(f, v, env, depth + 1) => out.push(v),
            _ => {}
        },
    }
}

/// Resolves an operand to a value (`None`: it does not exist).
fn operand_value<'a>(op: &'a Operand, item: &'a Value, env: &Env<'a>) -> Option<OpVal<'a>> {
    match op {
        Operand::Literal { value, .. } => Some(OpVal::Ref(value)),
        Operand::Bare { text, .. } => Some(OpVal::Owned(Value::String(text.clone()))),
        Operand::Current { segments, .. } => to_opval(query_segments(segments, item, env)),
        Operand::Path(p) => to_opval(p.query(env)),
    }
}

fn to_opval(q: Query<'_>) -> Option<OpVal<'_>> {
    match q {
        Query::One(v) => Some(OpVal::Ref(v)),
        Query::NotFound => None,
        other => other.into_value().map(OpVal::Owned),
    }
}

enum OpVal<'a> {
    Ref(&'a Value),
    Owned(Value),
}

impl OpVal<'_> {
    fn get(&self) -> &Value {
        match self {
            OpVal::Ref(v) => v,
            OpVal::Owned(v) => v,
        }
    }
}

fn eval_filter<'a>(f: &'a Filter, item: &'a Value, env: &Env<'a>, depth: usize) -> bool {
    if depth > MAX_FILTER_DEPTH * 4 {
        return false;
    }
    match &f.kind {
        FilterKind::Or(a, b) => {
            eval_filter(a, item, env, depth + 1) || eval_filter(b, item, env, depth + 1)
        }
        FilterKind::And(a, b) => {
            eval_filter(a, item, env, depth + 1) && eval_filter(b, item, env, depth + 1)
        }
        FilterKind::Not(a) => !eval_filter(a, item, env, depth + 1),
        FilterKind::Exists(op) => match operand_value(op, item, env) {
            None => false,
            // An indefinite operand exists when it matched something.
            Some(OpVal::Owned(Value::Array(a))) if is_indefinite_operand(op) => !a.is_empty(),
            Some(_) => true,
        },
        FilterKind::Compare { op, lhs, rhs, .. } => {
            let l = operand_value(lhs, item, env);
            let r = operand_value(rhs, item, env);
            compare(*op, l.as_ref().map(OpVal::get), r.as_ref().map(OpVal::get))
        }
        FilterKind::Regex { lhs, regex, .. } => {
            let Some(re) = regex else { return false };
            match operand_value(lhs, item, env) {
                Some(v) => match v.get() {
                    Value::String(s) => re.is_match(s),
                    _ => false,
                },
                None => false,
            }
        }
    }
}

fn is_indefinite_operand(op: &Operand) -> bool {
    match op {
        Operand::Current { segments, .. } => segments
            .iter()
            .any(|s| s.descendant || !matches!(s.selector, Selector::Name(_) | Selector::Index(_))),
        Operand::Path(p) => !p.is_definite(),
        Operand::Literal { .. } | Operand::Bare { .. } => false,
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Jayway comparison semantics: numbers compare numerically, strings lexically; mismatched types are unequal and
/// unordered; a missing operand only satisfies `!=` and `nin`.
fn compare(op: CmpOp, l: Option<&Value>, r: Option<&Value>) -> bool {
    if op == CmpOp::Exists {
        return r.and_then(Value::as_bool) == Some(l.is_some());
    }
    let (Some(l), Some(r)) = (l, r) else {
        return matches!(op, CmpOp::Ne | CmpOp::Nin | CmpOp::TypeSafeNe);
    };
    match op {
        CmpOp::Eq => filter_eq(l, r),
        CmpOp::Ne => !filter_eq(l, r),
        CmpOp::TypeSafeEq => same_type(l, r) && json_eq(l, r),
        CmpOp::TypeSafeNe => !(same_type(l, r) && json_eq(l, r)),
        CmpOp::Exists => false,
        CmpOp::Contains => match (l, r) {
            (Value::Array(a), _) => a.iter().any(|x| json_eq(x, r)),
            (Value::String(a), Value::String(b)) => a.contains(b.as_str()),
            _ => false,
        },
        CmpOp::All => match (l, r) {
            (Value::Array(a), Value::Array(b)) => b.iter().all(|y| a.iter().any(|x| json_eq(x, y))),
            _ => false,
        },
        CmpOp::In => r
            .as_array()
            .is_some_and(|a| a.iter().any(|x| filter_eq(l, x))),
        CmpOp::Nin => !r
            .as_array()
            .is_some_and(|a| a.iter().any(|x| filter_eq(l, x))),
        CmpOp::SubsetOf | CmpOp::AnyOf | CmpOp::NoneOf => {
            let (Some(la), Some(ra)) = (l.as_array(), r.as_array()) else {
                return false;
            };
            let contains = |x: &Value| ra.iter().any(|y| json_eq(x, y));
            match op {
                CmpOp::SubsetOf => la.iter().all(contains),
                CmpOp::AnyOf => la.iter().any(contains),
                _ => !la.iter().any(contains),
            }
        }
        CmpOp::Size => {
            let len = match l {
                Value::Array(a) => a.len(),
                Value::String(s) => s.chars().count(),
                _ => return false,
            };
            r.as_u64().is_some_and(|n| n == len as u64)
        }
        CmpOp::Empty => {
            let empty = match l {
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.is_empty(),
                _ => return false,
            };
            r.as_bool() == Some(empty)
        }
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            let ord = match (l, r) {
                (Value::Number(_), Value::Number(_)) => {
                    num(l).zip(num(r)).and_then(|(a, b)| a.partial_cmp(&b))
                }
                (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                _ => None,
            };
            let Some(ord) = ord else { return false };
            match op {
                CmpOp::Lt => ord.is_lt(),
                CmpOp::Le => ord.is_le(),
                CmpOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            }
        }
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Jayway's `==`: like [`json_eq`], and a number equals a string that spells the same number (`1 == '1'`); a string
/// equals a number whose text it is (`'1' == 1`, not `'1.0' == 1`).
fn filter_eq(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(n), Value::String(s)) => {
            let Ok(x) = s.trim().parse::<f64>() else {
                return false;
            };
            n.as_f64() == Some(x)
        }
        (Value::String(s), Value::Number(n)) => *s == n.to_string(),
        _ => json_eq(l, r),
    }
}

/// Equality with numbers compared by value (`1 == 1.0`).
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k.as_str()).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Places `new` at the reference path `path` inside `target` (ResultPath semantics): `$` replaces the whole value;
/// missing object members are created (as objects when further steps follow). Fails when a step meets a value of
/// the wrong type (a member of a string, an index into an object, an index past the end of an array) or when the
/// path is not an input reference path.
pub fn set(target: &mut Value, path: &Path, new: Value) -> Result<(), SetError> {
    if !path.is_input() {
        return Err(SetError {
            message: "only a `$` path can be assigned to".into(),
            span: path.root_span,
        });
    }
    if let Some(seg) = path.first_non_reference_segment() {
        return Err(SetError {
            message: "a reference path may use only `.name`, `['name']` and `[n]`".into(),
            span: seg.span,
        });
    }
    let mut cur = target;
    let n = path.segments.len();
    let mut new = Some(new);
    for (i, seg) in path.segments.iter().enumerate() {
        let last = i + 1 == n;
        match &seg.selector {
            Selector::Name(name) => {
                let Value::Object(o) = cur else {
                    return Err(SetError {
                        message: format!("cannot set member `{name}` of {}", type_article(cur)),
                        span: seg.span,
                    });
                };
                if last {
                    o.insert(name.clone(), new.take().unwrap_or(Value::Null));
                    return Ok(());
                }
                cur = o
                    .entry(name.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
            }
            Selector::Index(ix) => {
                let Value::Array(a) = cur else {
                    return Err(SetError {
                        message: format!("cannot index {} with [{ix}]", type_article(cur)),
                        span: seg.span,
                    });
                };
                let len = a.len() as i64;
                let pos = if *ix < 0 { len + ix } else { *ix };
                let slot = usize::try_from(pos).ok().and_then(|p| a.get_mut(p));
                let Some(slot) = slot else {
                    return Err(SetError {
                        message: format!("index {ix} is out of bounds of an array of {len}"),
                        span: seg.span,
                    });
                };
                if last {
                    *slot = new.take().unwrap_or(Value::Null);
                    return Ok(());
                }
                cur = slot;
            }
            _ => {
                return Err(SetError {
                    message: "a reference path may use only `.name`, `['name']` and `[n]`".into(),
                    span: seg.span,
                })
            }
        }
    }
    *cur = new.take().unwrap_or(Value::Null);
    Ok(())
}

pub(crate) fn type_article(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Variable names reserved by AWS (`$states` exists only in JSONata states).
pub const RESERVED_VARIABLES: &[&str] = &["states"];

impl Path {
    /// The variable name, for a `$name` path.
    pub fn variable(&self) -> Option<&str> {
        match &self.root {
            Root::Variable(n) => Some(n),
            _ => None,
        }
    }
    /// True for `$states...` and other reserved names, invalid in JSONPath states.
    pub fn uses_reserved_variable(&self) -> bool {
        self.variable()
            .is_some_and(|n| RESERVED_VARIABLES.contains(&n))
    }
}

/// True for bytes that may start a variable name.
pub fn is_var_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_var_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

// ---------------------------------------------------------------------------------------------------------------
// Parser

struct Parser<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    /// Stop a path at an unbracketed `,`, `)` or whitespace (paths inside intrinsic calls).
    stop_at_arg_end: bool,
    depth: usize,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str, pos: usize) -> Self {
        Parser {
            src,
            b: src.as_bytes(),
            pos,
            stop_at_arg_end: false,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }
    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }
    fn slice(&self, a: usize, b: usize) -> &'s str {
        self.src.get(a..b).unwrap_or("")
    }
    /// A short excerpt of what follows, for messages.
    fn rest_snippet(&self) -> String {
        let rest = self.src.get(self.pos..).unwrap_or("");
        let s: String = rest.chars().take(12).collect();
        if s.len() < rest.len() {
            format!("{s}…")
        } else {
            s
        }
    }
    /// Span of the character at the current position (empty at the end).
    fn char_span(&self) -> Span {
        let len = self
            .src
            .get(self.pos..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }
    fn err_here(&self, msg: impl Into<String>) -> ParseError {
        ParseError::new(self.char_span(), msg)
    }
    fn found(&self) -> String {
        match self.src.get(self.pos..).and_then(|r| r.chars().next()) {
            Some(c) => format!("`{c}`"),
            None => "the end".into(),
        }
    }

    fn path(&mut self) -> Result<Path, ParseError> {
        let start = self.pos;
        if self.peek() != Some(b'$') {
            return Err(self.err_here(format!(
                "expected a path starting with `$`, found {}",
                self.found()
            )));
        }
        self.pos += 1;
        let root = if self.peek() == Some(b'$') {
            self.pos += 1;
            Root::Context
        } else if self.peek().is_some_and(is_var_start) {
            let s = self.pos;
            while self.peek().is_some_and(is_var_char) {
                self.pos += 1;
            }
            Root::Variable(self.slice(s, self.pos).to_string())
        } else {
            Root::Input
        };
        let root_span = Span::new(start, self.pos);
        let segments = self.segments(false)?;
        Ok(Path {
            root,
            root_span,
            segments,
            span: Span::new(start, self.pos),
        })
    }

    /// Steps after a root (`$`, `@`). `in_filter`: stop at operators and `)`.
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Segment>, ParseError> {
        let mut segs = Vec::new();
        loop {
            let start = self.pos;
            match self.peek() {
                Some(b'.') => {
                    let descendant = self.peek_at(1) == Some(b'.');
                    self.pos += if descendant { 2 } else { 1 };
                    match self.peek() {
                        Some(b'[') => {
                            let selector = self.bracket()?;
                            segs.push(Segment {
                                descendant,
                                selector,
                                span: Span::new(start, self.pos),
                            });
                        }
                        Some(b'*') => {
                            self.pos += 1;
                            segs.push(Segment {
                                descendant,
                                selector: Selector::Wildcard,
                                span: Span::new(start, self.pos),
                            });
                        }
                        _ => {
                            let name = self.dot_name(in_filter)?;
                            segs.push(Segment {
                                descendant,
                                selector: Selector::Name(name),
                                span: Span::new(start, self.pos),
                            });
                        }
                    }
                }
                Some(b'[') => {
                    let selector = self.bracket()?;
                    segs.push(Segment {
                        descendant: false,
                        selector,
                        span: Span::new(start, self.pos),
                    });
                }
                _ => break,
            }
        }
        // Multi-name selection only as the last step (Jayway: "Multi properties can only be used as path leafs").
        let n = segs.len();
        for (i, s) in segs.iter().enumerate() {
            if matches!(s.selector, Selector::Names(_)) && i + 1 < n && !s.descendant {
                return Err(ParseError::new(
                    s.span,
                    "a selection of several names is allowed only as the last step of a path",
                ));
            }
        }
        Ok(segs)
    }

    fn dot_name(&mut self, in_filter: bool) -> Result<String, ParseError> {
        let s = self.pos;
        while let Some(c) = self.peek() {
            let stop = match c {
                b'.' | b'[' => true,
                b' ' | b'\t' | b'\n' | b'\r' => true,
                b',' | b')' if self.stop_at_arg_end || in_filter => true,
                b'(' => true,
                b'=' | b'<' | b'>' | b'!' | b'&' | b'|' if in_filter => true,
                _ => false,
            };
            if stop {
                break;
            }
            self.pos += 1;
        }
        if self.pos == s {
            return Err(self.err_here(format!("expected a name after `.`, found {}", self.found())));
        }
        let name = self.slice(s, self.pos).to_string();
        if self.peek() == Some(b'(') {
            let fs = s;
            let mut e = self.pos + 1;
            if self.b.get(e) == Some(&b')') {
                e += 1;
            }
            return Err(ParseError::new(
                Span::new(fs, e),
                format!("JSONPath functions such as `{name}()` are not supported"),
            ));
        }
        Ok(name)
    }

    /// `[ ... ]` with the cursor on `[`.
    fn bracket(&mut self) -> Result<Selector, ParseError> {
        let open = self.pos;
        self.pos += 1;
        self.skip_ws();
        let sel = match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                Selector::Wildcard
            }
            Some(b'(') => {
                let open_paren = self.pos;
                let mut depth = 0usize;
                let mut q: Option<u8> = None;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match (q, c) {
                        (Some(_), b'\\') => self.pos += 1,
                        (Some(qc), c) if c == qc => q = None,
                        (Some(_), _) => {}
                        (None, b'\'' | b'"') => q = Some(c),
                        (None, b'(') => depth += 1,
                        (None, b')') => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                self.pos = self.pos.min(self.b.len());
                if depth > 0 || self.pos <= open_paren + 1 {
                    return Err(ParseError::new(
                        Span::new(open_paren, open_paren + 1),
                        "expected `)` to close `(`",
                    ));
                }
                Selector::Script(self.slice(open_paren + 1, self.pos - 1).to_string())
            }
            Some(b'?') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    return Err(self.err_here(format!(
                        "expected `(` after `?` in a filter, found {}",
                        self.found()
                    )));
                }
                self.pos += 1;
                let f = self.filter_or()?;
                self.skip_ws();
                if self.peek() != Some(b')') {
                    return Err(ParseError::new(
                        self.char_span(),
                        format!("expected `)` to close `(`, found {}", self.found()),
                    ));
                }
                self.pos += 1;
                Selector::Filter(Box::new(f))
            }
            Some(b'\'' | b'"') => {
                let mut names = vec![self.quoted()?];
                loop {
                    self.skip_ws();
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                        self.skip_ws();
                        if !matches!(self.peek(), Some(b'\'' | b'"')) {
                            return Err(self.err_here(format!(
                                "expected a quoted name after `,`, found {}",
                                self.found()
                            )));
                        }
                        names.push(self.quoted()?);
                    } else {
                        break;
                    }
                }
                if names.len() == 1 {
                    Selector::Name(names.pop().unwrap_or_default())
                } else {
                    Selector::Names(names)
                }
            }
            Some(b'-' | b'0'..=b'9' | b':') => {
                let first = if self.peek() == Some(b':') {
                    None
                } else {
                    Some(self.int()?)
                };
                self.skip_ws();
                if self.peek() == Some(b':') {
                    self.pos += 1;
                    self.skip_ws();
                    let end = if matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
                        Some(self.int()?)
                    } else {
                        None
                    };
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        return Err(self.err_here("slice steps (`[a:b:step]`) are not supported"));
                    }
                    Selector::Slice { start: first, end }
                } else {
                    let first = first.unwrap_or(0);
                    let mut ixs = vec![first];
                    loop {
                        self.skip_ws();
                        if self.peek() == Some(b',') {
                            self.pos += 1;
                            self.skip_ws();
                            ixs.push(self.int()?);
                        } else {
                            break;
                        }
                    }
                    if ixs.len() == 1 {
                        Selector::Index(first)
                    } else {
                        Selector::Indexes(ixs)
                    }
                }
            }
            None => {
                return Err(ParseError::new(
                    Span::new(open, open + 1),
                    "expected `]` to close `[`",
                ))
            }
            _ => {
                return Err(self.err_here(format!(
                    "expected a quoted name, an index, `*` or `?(` after `[`, found {}",
                    self.found()
                )))
            }
        };
        self.skip_ws();
        if self.peek() != Some(b']') {
            if self.peek().is_none() {
                return Err(ParseError::new(
                    Span::new(open, open + 1),
                    "expected `]` to close `[`",
                ));
            }
            return Err(self.err_here(format!("expected `]` to close `[`, found {}", self.found())));
        }
        self.pos += 1;
        Ok(sel)
    }

    fn int(&mut self) -> Result<i64, ParseError> {
        let s = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let ds = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == ds {
            return Err(self.err_here(format!("expected an integer, found {}", self.found())));
        }
        self.slice(s, self.pos)
            .parse::<i64>()
            .map_err(|_| ParseError::new(Span::new(s, self.pos), "integer out of range"))
    }

    /// A quoted name (`'a'` or `"a"`); a backslash escapes only the quote that delimits it.
    fn quoted(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        let q = self.peek().unwrap_or(b'\'');
        self.pos += 1;
        let mut out = String::new();
        let mut seg_start = self.pos;
        loop {
            match self.peek() {
                None => {
                    return Err(ParseError::new(
                        Span::new(open, open + 1),
                        format!("expected `{}` to close the quoted name", q as char),
                    ))
                }
                Some(c) if c == q => {
                    out.push_str(self.slice(seg_start, self.pos));
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(self.slice(seg_start, self.pos));
                    // Jayway (as AWS runs it) unescapes only the closing quote: `\"` inside `'...'` and `\\`
                    // stay as written (the oracle's escape-sequence scenario shows it).
                    match self.peek_at(1) {
                        Some(c) if c == q => {
                            out.push(c as char);
                            self.pos += 2;
                        }
                        _ => {
                            out.push('\\');
                            self.pos += 1;
                        }
                    }
                    seg_start = self.pos;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    // Filters -------------------------------------------------------------------------------------------------

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(self.err_here("filter expression nested too deeply"));
        }
        Ok(())
    }

    fn filter_or(&mut self) -> Result<Filter, ParseError> {
        self.enter()?;
        let mut l = self.filter_and()?;
        let mut count = 1;
        loop {
            self.skip_ws();
            if self.peek() == Some(b'|') && self.peek_at(1) == Some(b'|') {
                count += 1;
                if count > MAX_FILTER_CHAIN {
                    return Err(self.err_here(format!(
                        "more than {MAX_FILTER_CHAIN} conditions joined by `||`"
                    )));
                }
                self.pos += 2;
                let r = self.filter_and()?;
                let span = l.span.cover(r.span);
                l = Filter {
                    kind: FilterKind::Or(Box::new(l), Box::new(r)),
                    span,
                };
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(l)
    }

    fn filter_and(&mut self) -> Result<Filter, ParseError> {
        let mut l = self.filter_unary()?;
        let mut count = 1;
        loop {
            self.skip_ws();
            if self.peek() == Some(b'&') && self.peek_at(1) == Some(b'&') {
                count += 1;
                if count > MAX_FILTER_CHAIN {
                    return Err(self.err_here(format!(
                        "more than {MAX_FILTER_CHAIN} conditions joined by `&&`"
                    )));
                }
                self.pos += 2;
                let r = self.filter_unary()?;
                let span = l.span.cover(r.span);
                l = Filter {
                    kind: FilterKind::And(Box::new(l), Box::new(r)),
                    span,
                };
            } else {
                break;
            }
        }
        Ok(l)
    }

    fn filter_unary(&mut self) -> Result<Filter, ParseError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(b'!') if self.peek_at(1) != Some(b'=') => {
                self.pos += 1;
                self.enter()?;
                let inner = self.filter_unary()?;
                self.depth -= 1;
                let span = Span::new(start, inner.span.end());
                Ok(Filter {
                    kind: FilterKind::Not(Box::new(inner)),
                    span,
                })
            }
            Some(b'(') => {
                self.pos += 1;
                let inner = self.filter_or()?;
                self.skip_ws();
                if self.peek() != Some(b')') {
                    return Err(ParseError::new(
                        self.char_span(),
                        format!("expected `)` to close `(`, found {}", self.found()),
                    ));
                }
                self.pos += 1;
                Ok(Filter {
                    span: Span::new(start, self.pos),
                    ..inner
                })
            }
            _ => self.comparison(),
        }
    }

    fn comparison(&mut self) -> Result<Filter, ParseError> {
        let lhs = self.operand()?;
        self.skip_ws();
        let op_start = self.pos;
        let op = match (self.peek(), self.peek_at(1)) {
            (Some(b'='), Some(b'=')) if self.peek_at(2) == Some(b'=') => {
                Some((CmpOp::TypeSafeEq, 3))
            }
            (Some(b'!'), Some(b'=')) if self.peek_at(2) == Some(b'=') => {
                Some((CmpOp::TypeSafeNe, 3))
            }
            (Some(b'='), Some(b'=')) => Some((CmpOp::Eq, 2)),
            (Some(b'!'), Some(b'=')) => Some((CmpOp::Ne, 2)),
            (Some(b'<'), Some(b'=')) => Some((CmpOp::Le, 2)),
            (Some(b'>'), Some(b'=')) => Some((CmpOp::Ge, 2)),
            (Some(b'<'), _) => Some((CmpOp::Lt, 1)),
            (Some(b'>'), _) => Some((CmpOp::Gt, 1)),
            (Some(b'='), Some(b'~')) => None,
            (Some(c), _) if c.is_ascii_alphabetic() => {
                let rest = self.src.get(self.pos..).unwrap_or("");
                let word_len = rest.bytes().take_while(|c| is_var_char(*c)).count();
                let word = rest.get(..word_len).unwrap_or("");
                match CmpOp::from_word(word) {
                    Some(op) => Some((op, word_len)),
                    None => {
                        return Err(ParseError::new(
                            Span::new(self.pos, self.pos + word_len),
                            format!("unknown filter operator `{word}`"),
                        ))
                    }
                }
            }
            _ => {
                if self.peek() == Some(b'=') && self.peek_at(1) == Some(b'~') {
                    None
                } else {
                    let span = lhs.span();
                    return Ok(Filter {
                        kind: FilterKind::Exists(lhs),
                        span,
                    });
                }
            }
        };
        let Some((op, len)) = op else {
            // Regex.
            self.pos += 2;
            self.skip_ws();
            if self.peek() != Some(b'/') {
                return Err(self.err_here(format!(
                    "expected a `/regex/` after `=~`, found {}",
                    self.found()
                )));
            }
            let ps = self.pos;
            self.pos += 1;
            let body_start = self.pos;
            loop {
                match self.peek() {
                    None => {
                        return Err(ParseError::new(
                            Span::new(ps, ps + 1),
                            "expected `/` to close the regular expression",
                        ))
                    }
                    Some(b'\\') => self.pos += if self.peek_at(1).is_some() { 2 } else { 1 },
                    Some(b'/') => break,
                    Some(_) => self.pos += 1,
                }
            }
            let body = self.slice(body_start, self.pos).to_string();
            self.pos += 1;
            let fs = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.pos += 1;
            }
            let flags = self.slice(fs, self.pos);
            let pattern_span = Span::new(ps, self.pos);
            let mut pat = String::new();
            let mut fl = String::new();
            for c in flags.chars() {
                match c {
                    'i' | 'm' | 's' | 'x' => fl.push(c),
                    _ => {
                        return Err(ParseError::new(
                            Span::new(fs, self.pos),
                            format!("unknown regular expression flag `{c}`"),
                        ))
                    }
                }
            }
            if !fl.is_empty() {
                pat.push_str(&format!("(?{fl})"));
            }
            pat.push_str(&body);
            let regex = match regex::RegexBuilder::new(&pat).size_limit(1 << 20).build() {
                Ok(r) => Some(r),
                Err(e) => {
                    let msg = e.to_string();
                    let first = msg.lines().last().unwrap_or("invalid").trim().to_string();
                    return Err(ParseError::new(
                        pattern_span,
                        format!("invalid regular expression: {first}"),
                    ));
                }
            };
            let span = lhs.span().cover(pattern_span);
            return Ok(Filter {
                kind: FilterKind::Regex {
                    lhs,
                    pattern: body,
                    regex,
                    pattern_span,
                },
                span,
            });
        };
        self.pos += len;
        let op_span = Span::new(op_start, self.pos);
        let rhs = self.operand()?;
        let span = lhs.span().cover(rhs.span());
        Ok(Filter {
            kind: FilterKind::Compare {
                op,
                op_span,
                lhs,
                rhs,
            },
            span,
        })
    }

    fn operand(&mut self) -> Result<Operand, ParseError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(b'@') => {
                self.pos += 1;
                let saved = self.stop_at_arg_end;
                let segments = self.segments(true);
                self.stop_at_arg_end = saved;
                Ok(Operand::Current {
                    segments: segments?,
                    span: Span::new(start, self.pos),
                })
            }
            Some(b'$') => {
                self.pos += 1;
                let root = if self.peek() == Some(b'$') {
                    self.pos += 1;
                    Root::Context
                } else if self.peek().is_some_and(is_var_start) {
                    let s = self.pos;
                    while self.peek().is_some_and(is_var_char) {
                        self.pos += 1;
                    }
                    Root::Variable(self.slice(s, self.pos).to_string())
                } else {
                    Root::Input
                };
                let root_span = Span::new(start, self.pos);
                let segments = self.segments(true)?;
                Ok(Operand::Path(Box::new(Path {
                    root,
                    root_span,
                    segments,
                    span: Span::new(start, self.pos),
                })))
            }
            Some(b'\'' | b'"') => {
                let s = self.quoted()?;
                Ok(Operand::Literal {
                    value: Value::String(s),
                    span: Span::new(start, self.pos),
                })
            }
            Some(b'-' | b'0'..=b'9') => {
                if self.peek() == Some(b'-') {
                    self.pos += 1;
                }
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+'))
                {
                    // `+` only right after an exponent marker.
                    if self.peek() == Some(b'+')
                        && !matches!(self.b.get(self.pos.wrapping_sub(1)), Some(b'e' | b'E'))
                    {
                        break;
                    }
                    self.pos += 1;
                }
                let text = self.slice(start, self.pos);
                let span = Span::new(start, self.pos);
                let value = if let Ok(i) = text.parse::<i64>() {
                    Value::from(i)
                } else {
                    match text
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                    {
                        Some(n) => Value::Number(n),
                        None => {
                            return Err(ParseError::new(span, format!("invalid number `{text}`")))
                        }
                    }
                };
                Ok(Operand::Literal { value, span })
            }
            Some(b'[') => {
                // A JSON array literal for `in`/`nin`; single quotes allowed.
                let mut depth = 0usize;
                let mut q: Option<u8> = None;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match (q, c) {
                        (Some(_), b'\\') => self.pos += 1,
                        (Some(qc), c) if c == qc => q = None,
                        (Some(_), _) => {}
                        (None, b'\'' | b'"') => q = Some(c),
                        (None, b'[') => depth += 1,
                        (None, b']') => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let span = Span::new(start, self.pos.min(self.b.len()));
                self.pos = self.pos.min(self.b.len());
                let text = self.slice(span.start(), span.end());
                let value = parse_loose_json(text)
                    .ok_or_else(|| ParseError::new(span, "expected a JSON array literal"))?;
                Ok(Operand::Literal { value, span })
            }
            Some(c) if is_var_start(c) => {
                for (word, value) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self
                        .src
                        .get(self.pos..)
                        .is_some_and(|r| r.starts_with(word))
                        && !self.peek_at(word.len()).is_some_and(is_var_char)
                    {
                        self.pos += word.len();
                        return Ok(Operand::Literal {
                            value,
                            span: Span::new(start, self.pos),
                        });
                    }
                }
                // An unquoted word (`@.status == Failure`): deployed definitions use it; it compares as a string.
                while self
                    .peek()
                    .is_some_and(|c| is_var_char(c) || matches!(c, b'-' | b'.'))
                {
                    self.pos += 1;
                }
                Ok(Operand::Bare {
                    text: self.slice(start, self.pos).to_string(),
                    span: Span::new(start, self.pos),
                })
            }
            _ => Err(self.err_here(format!(
                "expected `@`, `$` or a literal in the filter, found {}",
                self.found()
            ))),
        }
    }
}

/// Parses JSON where strings may also use single quotes.
fn parse_loose_json(text: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Some(v);
    }
    // Convert single-quoted strings to double-quoted ones.
    let mut out = String::with_capacity(text.len());
    let mut in_single = false;
    let mut in_double = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_single || in_double => {
                let n = chars.next()?;
                if in_single && n == '\'' {
                    out.push('\'');
                } else {
                    out.push('\\');
                    out.push(n);
                }
            }
            '\'' if !in_double => {
                in_single = !in_single;
                out.push('"');
            }
            '"' if in_single => out.push_str("\\\""),
            '"' => {
                in_double = !in_double;
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    serde_json::from_str(&out).ok()
}

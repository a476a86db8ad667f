//! The expression layer: JSONPath ([`jsonpath`]), intrinsic functions ([`intrinsic`]), payload templates (here) and
//! mapping offsets inside string values back to the source file ([`span_map`]).
//!
//! One parser serves the linter (spans of every part, for findings inside strings) and the simulator (evaluation of
//! the same parsed expressions). Everything works on plain strings and `serde_json::Value`s, independent of the ASL
//! model. Nothing here panics on any input; recursion is capped.
//!
//! For a lint rule, checking the value of a `key.$` field and pointing at the exact characters:
//!
//! ```
//! use aslint::expr::{check_expression, span_map};
//! use aslint::syntax::Span;
//!
//! let source = r#"{"x.$": "States.MathAdd($.a)"}"#;
//! let token = Span::new(8, 30); // the string token, quotes included (`node.span` in the tree)
//! let issues = check_expression("States.MathAdd($.a)");
//! assert_eq!(issues[0].message, "`States.MathAdd` takes exactly 2 arguments, but 1 was given");
//! let at = span_map::map_span(source, token, issues[0].span); // content offsets → file offsets
//! assert_eq!(&source[at.range()], "($.a)");
//! ```
//!
//! For the simulator: compile a template once with [`Template::compile`], evaluate it per execution with
//! [`Template::eval`]; paths are [`Path::parse`]d once and evaluated with [`Path::query`]; ResultPath uses
//! [`jsonpath::set`].

pub mod intrinsic;
pub mod jsonata;
pub mod jsonata_eval;
pub mod jsonpath;
pub mod span_map;

pub use intrinsic::{Call, EvalError, RandomSource, SplitMix64};
pub use jsonpath::{Env, ParseError, Path, Query, Root};

use serde_json::{Map, Value};

/// Deepest nesting of a payload template that is evaluated.
pub const MAX_TEMPLATE_DEPTH: usize = 256;

/// What the string value of a `key.$` field is.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateExpr {
    /// `$...`: a path into the input.
    Path(Path),
    /// `$$...`: a path into the context object.
    ContextPath(Path),
    /// `$name...`: a workflow variable reference.
    Variable(Path),
    /// `States.X(...)`: an intrinsic call.
    Intrinsic(Call),
    /// Not a valid expression; the error's span is relative to the string.
    Invalid(ParseError),
}

impl TemplateExpr {
    /// The parse error, for [`TemplateExpr::Invalid`].
    pub fn error(&self) -> Option<&ParseError> {
        match self {
            TemplateExpr::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

/// Classifies and parses the value of a `key.$` field.
pub fn classify(s: &str) -> TemplateExpr {
    if s.starts_with('$') {
        return match Path::parse(s) {
            Ok(p) => match p.root {
                Root::Input => TemplateExpr::Path(p),
                Root::Context => TemplateExpr::ContextPath(p),
                Root::Variable(_) => TemplateExpr::Variable(p),
            },
            Err(e) => TemplateExpr::Invalid(e),
        };
    }
    if intrinsic::looks_like_call(s) {
        return match intrinsic::parse_call(s) {
            Ok(c) => TemplateExpr::Intrinsic(c),
            Err(e) => TemplateExpr::Invalid(e),
        };
    }
    let first = s.chars().next();
    TemplateExpr::Invalid(ParseError::new(
        crate::syntax::Span::new(0, first.map_or(0, char::len_utf8)),
        "expected a path (`$...`), a context path (`$$...`), a variable (`$name`) or an intrinsic function call",
    ))
}

/// Every problem in the value of a `key.$` field (or another field taking a path or an intrinsic call): syntax
/// errors, unknown functions, arity, literal types, Format placeholders, nesting, `$states`. Spans are relative to
/// the string content; map them with [`span_map`].
pub fn check_expression(s: &str) -> Vec<intrinsic::Issue> {
    check_classified(s, &classify(s))
}

/// [`check_expression`] on a string already [`classify`]d (`expr` must be `classify(s)`): what the rules use, from
/// the expression index, so that nothing is parsed twice.
pub fn check_classified(s: &str, expr: &TemplateExpr) -> Vec<intrinsic::Issue> {
    use intrinsic::{Issue, IssueKind};
    match expr {
        TemplateExpr::Intrinsic(c) => intrinsic::check(c),
        TemplateExpr::Invalid(e) => {
            let kind = if s.starts_with('$') {
                IssueKind::Path
            } else {
                IssueKind::Syntax
            };
            vec![Issue::new(kind, e.span, e.message.clone())]
        }
        TemplateExpr::Variable(p) if p.uses_reserved_variable() => {
            vec![intrinsic::reserved_variable_issue(p.root_span)]
        }
        _ => Vec::new(),
    }
}

/// A payload template parsed once and evaluated many times.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// A value without any `key.$` inside: copied as is.
    Literal(Value),
    /// An object with at least one dynamic member somewhere below.
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
    /// A `key.$` value: `field` is the key as written (with `.$`), `text` the expression as written.
    Dynamic {
        field: String,
        text: String,
        expr: Box<TemplateExpr>,
    },
}

impl Template {
    /// Parses a template value. Never fails: invalid expressions become [`TemplateExpr::Invalid`] and fail at
    /// evaluation (a rule reports them statically).
    pub fn compile(v: &Value) -> Template {
        compile(v, 0)
    }

    /// Evaluates the template.
    pub fn eval(&self, env: &Env<'_>, rng: &mut dyn RandomSource) -> Result<Value, EvalError> {
        eval_template(self, env, rng, 0)
    }
}

fn is_static(v: &Value, depth: usize) -> bool {
    if depth > MAX_TEMPLATE_DEPTH {
        return true;
    }
    match v {
        Value::Object(o) => o
            .iter()
            .all(|(k, v)| !k.ends_with(".$") && is_static(v, depth + 1)),
        Value::Array(a) => a.iter().all(|v| is_static(v, depth + 1)),
        _ => true,
    }
}

fn compile(v: &Value, depth: usize) -> Template {
    if depth > MAX_TEMPLATE_DEPTH || is_static(v, depth) {
        return Template::Literal(v.clone());
    }
    match v {
        Value::Object(o) => Template::Object(
            o.iter()
                .map(|(k, v)| match k.strip_suffix(".$") {
                    Some(name) => {
                        let (text, expr) = match v {
                            Value::String(s) => (s.clone(), classify(s)),
                            other => (
                                other.to_string(),
                                TemplateExpr::Invalid(ParseError::new(
                                    crate::syntax::Span::default(),
                                    format!("the value of `{k}` must be a string"),
                                )),
                            ),
                        };
                        (
                            name.to_string(),
                            Template::Dynamic {
                                field: k.clone(),
                                text,
                                expr: Box::new(expr),
                            },
                        )
                    }
                    None => (k.clone(), compile(v, depth + 1)),
                })
                .collect(),
        ),
        Value::Array(a) => Template::Array(a.iter().map(|x| compile(x, depth + 1)).collect()),
        _ => Template::Literal(v.clone()),
    }
}

fn eval_template(
    t: &Template,
    env: &Env<'_>,
    rng: &mut dyn RandomSource,
    depth: usize,
) -> Result<Value, EvalError> {
    if depth > MAX_TEMPLATE_DEPTH {
        return Err(EvalError::runtime(
            "The payload template is nested too deeply",
        ));
    }
    match t {
        Template::Literal(v) => Ok(v.clone()),
        Template::Array(items) => items
            .iter()
            .map(|x| eval_template(x, env, rng, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Template::Object(members) => {
            let mut m = Map::with_capacity(members.len());
            for (k, v) in members {
                m.insert(k.clone(), eval_template(v, env, rng, depth + 1)?);
            }
            Ok(Value::Object(m))
        }
        Template::Dynamic { field, text, expr } => eval_expr(expr, field, text, env, rng),
    }
}

/// Evaluates one `key.$` expression (`field` is the key with `.$`, `text` the expression as written).
pub fn eval_expr(
    expr: &TemplateExpr,
    field: &str,
    text: &str,
    env: &Env<'_>,
    rng: &mut dyn RandomSource,
) -> Result<Value, EvalError> {
    match expr {
        TemplateExpr::Path(p) | TemplateExpr::ContextPath(p) | TemplateExpr::Variable(p) => {
            match p.query(env).into_value() {
                Some(v) => Ok(v),
                None => Err(path_not_found(text, field, p, env)),
            }
        }
        TemplateExpr::Intrinsic(c) => intrinsic::eval(c, env, rng),
        TemplateExpr::Invalid(e) => Err(EvalError::runtime(format!(
            "The value '{text}' of the field '{field}' is not a valid path or intrinsic function: {}",
            e.message
        ))),
    }
}

/// AWS's cause for a path that matched nothing: "The JSONPath '$.x' specified for the field 'f.$' could not be found
/// in the input '{...}'".
pub fn path_not_found(text: &str, field: &str, path: &Path, env: &Env<'_>) -> EvalError {
    let input = match &path.root {
        Root::Input => Some(env.input),
        Root::Context => env.context,
        Root::Variable(_) => None,
    };
    match input {
        Some(v) => EvalError::runtime(format!(
            "The JSONPath '{text}' specified for the field '{field}' could not be found in the input '{}'",
            serde_json::to_string(v).unwrap_or_default()
        )),
        None => EvalError::runtime(format!(
            "The JSONPath '{text}' specified for the field '{field}' could not be found"
        )),
    }
}

/// Evaluates a payload template (Parameters, ResultSelector, ItemSelector ...): `key.$` members are evaluated and
/// renamed to `key`, other members copied, recursively through objects and arrays. `MathRandom`/`UUID` draw from
/// a fixed-seed generator; use [`Template::eval`] to pass your own.
pub fn eval_payload_template(
    template: &Value,
    input: &Value,
    context: Option<&Value>,
    variables: Option<&Map<String, Value>>,
) -> Result<Value, EvalError> {
    let env = Env {
        input,
        context,
        variables,
    };
    let mut rng = SplitMix64(0x5EED);
    Template::compile(template).eval(&env, &mut rng)
}

/// AWS's cause for an InputPath/OutputPath (or other `*Path` field) that matched nothing:
/// "Invalid path '$.x' : No results for path: $['x']".
pub fn path_field_not_found(text: &str, path: &Path) -> EvalError {
    EvalError::runtime(format!(
        "Invalid path '{text}' : No results for path: {path}"
    ))
}

#[cfg(test)]
mod tests_intrinsic;
#[cfg(test)]
mod tests_jsonpath;
#[cfg(test)]
mod tests_template;

//! Shapes of JSONata expressions where they are evident, read off the `jsonata-core` AST that the expression
//! index parsed (never re-parsed here): literals, object and array constructors, `&` (a string), arithmetic (a
//! number), comparisons and `and`/`or` (a boolean), the return types of common functions, `$states.input` /
//! `$states.result` / `$states.errorOutput` / `$states.context` navigation and workflow variables. Anything else
//! is `Unknown`.
//!
//! JSONata's `undefined` matters: an object member whose value is undefined is dropped. Every shape comes with
//! whether the value is certainly defined; a member whose value may be undefined is marked `unsure` (its presence
//! is not known), never `optional`, so that nothing is reported because of it.

use super::shape::{self, Lookup, Obj, Presence, Prop, Shape};
use jsonata_core::ast::{AstNode, BinaryOp, PathStep, UnaryOp};
use std::collections::HashSet;
use std::sync::Arc;

/// Deepest AST nesting followed (a long chain of binary operators is a deep tree).
const MAX_DEPTH: usize = 64;

/// What the names of one expression stand for.
#[derive(Debug, Clone, Copy)]
pub struct Env<'e> {
    /// `$states.input`.
    pub input: &'e Shape,
    /// `$states.result` (Task, Map, Parallel), `None` where it does not exist.
    pub result: Option<&'e Shape>,
    /// `$states.errorOutput` (in a catcher).
    pub error_output: Option<&'e Shape>,
    /// `$states.context`.
    pub context: &'e Shape,
    /// The workflow variables: an object shape, one field per variable.
    pub vars: &'e Shape,
    /// Names the expression binds itself (`$x := ...`, lambda parameters): they shadow variables and functions.
    pub locals: &'e HashSet<String>,
}

/// A shape, and whether the value is certainly defined.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub shape: Shape,
    pub defined: bool,
}

impl Typed {
    fn known(shape: Shape) -> Typed {
        Typed {
            shape,
            defined: true,
        }
    }
    fn unknown() -> Typed {
        Typed {
            shape: Shape::Unknown,
            defined: false,
        }
    }
}

/// The shape of an expression.
pub fn expression(ast: &AstNode, env: &Env<'_>) -> Typed {
    expr(ast, env, 0)
}

fn expr(ast: &AstNode, env: &Env<'_>, depth: usize) -> Typed {
    if depth > MAX_DEPTH {
        return Typed::unknown();
    }
    match ast {
        AstNode::String(_) => Typed::known(Shape::String),
        AstNode::Number(n) => Typed::known(Shape::Number {
            integer: n.is_finite() && n.fract() == 0.0,
        }),
        AstNode::Boolean(_) => Typed::known(Shape::Boolean),
        AstNode::Null => Typed::known(Shape::Null),
        AstNode::Variable(name) => variable(name, &[], env),
        AstNode::Path { steps } => path(steps, env),
        AstNode::Binary { op, lhs, rhs } => binary(*op, lhs, rhs, env, depth),
        AstNode::Unary { op, operand } => {
            let x = expr(operand, env, depth + 1);
            match op {
                UnaryOp::Negate => Typed {
                    shape: match x.shape {
                        Shape::Number { integer } => Shape::Number { integer },
                        _ => Shape::number(),
                    },
                    defined: x.defined,
                },
                UnaryOp::Not => Typed::known(Shape::Boolean),
            }
        }
        AstNode::Function {
            name,
            args,
            is_builtin: true,
        } if !env.locals.contains(name) => function(name, args, env, depth),
        AstNode::Array(items) => array(items, env, depth),
        AstNode::Object(pairs) => object(pairs, env, depth),
        AstNode::Block(items) => match items.last() {
            Some(last) => expr(last, env, depth + 1),
            None => Typed::unknown(),
        },
        AstNode::Conditional {
            then_branch,
            else_branch,
            ..
        } => {
            let t = expr(then_branch, env, depth + 1);
            match else_branch {
                Some(e) => {
                    let e = expr(e, env, depth + 1);
                    Typed {
                        shape: t.shape.join(&e.shape),
                        defined: t.defined && e.defined,
                    }
                }
                None => Typed {
                    shape: t.shape,
                    defined: false,
                },
            }
        }
        _ => Typed::unknown(),
    }
}

fn binary(op: BinaryOp, lhs: &AstNode, rhs: &AstNode, env: &Env<'_>, depth: usize) -> Typed {
    use BinaryOp as B;
    match op {
        B::Add | B::Subtract | B::Multiply | B::Divide | B::Modulo => {
            let (l, r) = (expr(lhs, env, depth + 1), expr(rhs, env, depth + 1));
            let int = |t: &Typed| matches!(t.shape, Shape::Number { integer: true });
            Typed {
                shape: Shape::Number {
                    integer: matches!(op, B::Add | B::Subtract | B::Multiply) && int(&l) && int(&r),
                },
                defined: l.defined && r.defined,
            }
        }
        B::Equal
        | B::NotEqual
        | B::LessThan
        | B::LessThanOrEqual
        | B::GreaterThan
        | B::GreaterThanOrEqual
        | B::In
        | B::And
        | B::Or => Typed::known(Shape::Boolean),
        B::Concatenate => Typed::known(Shape::String),
        B::Range => Typed::known(Shape::Array(Box::new(Shape::integer()))),
        B::Coalesce | B::Default => {
            let (l, r) = (expr(lhs, env, depth + 1), expr(rhs, env, depth + 1));
            Typed {
                shape: l.shape.join(&r.shape),
                defined: l.defined || r.defined,
            }
        }
        B::ColonEqual => expr(rhs, env, depth + 1),
        _ => Typed::unknown(),
    }
}

/// `$name` followed by `.a.b` steps.
fn variable(name: &str, rest: &[PathStep], env: &Env<'_>) -> Typed {
    if env.locals.contains(name) || name.is_empty() {
        return Typed::unknown();
    }
    if name == "states" {
        let Some((member, rest)) = rest.split_first() else {
            return Typed::unknown();
        };
        let AstNode::Name(member) = &member.node else {
            return Typed::unknown();
        };
        let base = match member.as_str() {
            "input" => Some(env.input),
            "result" => env.result,
            "errorOutput" => env.error_output,
            "context" => Some(env.context),
            _ => None,
        };
        return match base {
            Some(b) => navigate(b, rest),
            None => Typed::unknown(),
        };
    }
    let Shape::Object(vars) = env.vars else {
        return Typed::unknown();
    };
    match vars.fields.get(name) {
        Some(p) if !p.optional && !p.unsure => navigate(&p.shape, rest),
        Some(p) if !p.unsure => Typed {
            shape: navigate(&p.shape, rest).shape,
            defined: false,
        },
        _ => Typed::unknown(),
    }
}

/// True when every step is a plain name with no predicate or binding.
fn plain(steps: &[PathStep]) -> bool {
    steps.iter().all(|s| {
        matches!(s.node, AstNode::Name(_))
            && s.stages.is_empty()
            && s.focus.is_none()
            && s.index_var.is_none()
    })
}

/// Follows plain name steps into a shape.
fn navigate(base: &Shape, steps: &[PathStep]) -> Typed {
    if !plain(steps) {
        return Typed::unknown();
    }
    let segments: Vec<crate::expr::jsonpath::Segment> = steps
        .iter()
        .filter_map(|s| match &s.node {
            AstNode::Name(n) => Some(crate::expr::jsonpath::Segment {
                descendant: false,
                selector: crate::expr::jsonpath::Selector::Name(n.clone()),
                span: crate::syntax::Span::empty(0),
            }),
            _ => None,
        })
        .collect();
    match base.lookup(&segments) {
        // JSONata maps a name over an array; a lookup through one is `Unknown` already.
        Lookup::Found(s, Presence::Always) => Typed::known(s),
        Lookup::Found(s, _) => Typed {
            shape: s,
            defined: false,
        },
        _ => Typed::unknown(),
    }
}

fn path(steps: &[PathStep], env: &Env<'_>) -> Typed {
    let Some((first, rest)) = steps.split_first() else {
        return Typed::unknown();
    };
    if !first.stages.is_empty() || first.focus.is_some() || first.index_var.is_some() {
        return Typed::unknown();
    }
    match &first.node {
        AstNode::Variable(name) => variable(name, rest, env),
        _ => Typed::unknown(),
    }
}

/// Return shapes of the built-in functions whose result type does not depend on their arguments.
fn function(name: &str, args: &[AstNode], env: &Env<'_>, depth: usize) -> Typed {
    let shape = match name {
        "string" | "substring" | "substringBefore" | "substringAfter" | "lowercase"
        | "uppercase" | "trim" | "pad" | "join" | "replace" | "base64encode" | "base64decode"
        | "encodeUrlComponent" | "encodeUrl" | "decodeUrlComponent" | "decodeUrl"
        | "formatNumber" | "formatBase" | "formatInteger" | "fromMillis" | "now" | "uuid"
        | "hash" | "type" => Shape::String,
        "count" | "length" | "floor" | "ceil" | "millis" => Shape::integer(),
        "sum" | "max" | "min" | "average" | "number" | "abs" | "round" | "power" | "sqrt"
        | "random" | "parseInteger" | "toMillis" => Shape::number(),
        "boolean" | "not" | "exists" | "contains" => Shape::Boolean,
        "split" => Shape::Array(Box::new(Shape::String)),
        "merge" => Shape::any_object(),
        _ => return Typed::unknown(),
    };
    // These give a value whatever their arguments; the others give undefined for an undefined argument.
    let defined = matches!(
        name,
        "count" | "exists" | "now" | "millis" | "uuid" | "random"
    ) || (!args.is_empty() && args.iter().all(|a| expr(a, env, depth + 1).defined));
    Typed { shape, defined }
}

/// An array constructor: a tuple when every item is one definite non-array value (an item that is an array is
/// flattened into the result unless it is itself a constructor, and an undefined one is dropped).
fn array(items: &[AstNode], env: &Env<'_>, depth: usize) -> Typed {
    let mut shapes = Vec::new();
    let mut exact = items.len() <= shape::MAX_TUPLE;
    for item in items {
        let t = expr(item, env, depth + 1);
        let nested = matches!(item, AstNode::Array(_));
        if matches!(
            item,
            AstNode::Binary {
                op: BinaryOp::Range,
                ..
            }
        ) {
            exact = false;
            shapes.push(Shape::integer());
            continue;
        }
        let single = nested
            || t.shape
                .kinds()
                .is_some_and(|k| !k.contains(&shape::Kind::Array));
        if !single {
            return Typed::known(Shape::Array(Box::new(Shape::Unknown)));
        }
        exact &= t.defined;
        shapes.push(t.shape);
    }
    if exact {
        return Typed::known(Shape::Tuple(shapes));
    }
    let mut it = shapes.iter();
    let element = match it.next() {
        Some(first) => it.fold(first.clone(), |a, b| a.join(b)),
        None => Shape::Unknown,
    };
    Typed::known(Shape::Array(Box::new(element)))
}

/// An object constructor: string-literal keys become fields; a computed key makes the object open.
fn object(pairs: &[(AstNode, AstNode)], env: &Env<'_>, depth: usize) -> Typed {
    let mut o = Obj::default();
    for (k, v) in pairs {
        let AstNode::String(key) = k else {
            o.open = true;
            continue;
        };
        if o.fields.len() >= shape::MAX_FIELDS {
            o.open = true;
            continue;
        }
        let t = expr(v, env, depth + 1);
        Arc::make_mut(&mut o.fields).insert(
            Arc::from(key.as_str()),
            Prop {
                shape: t.shape,
                optional: false,
                unsure: !t.defined,
            },
        );
    }
    Typed::known(Shape::Object(o))
}

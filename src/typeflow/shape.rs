//! The lattice of JSON shapes: what is known about a value at lint time.
//!
//! [`Shape::Unknown`] is the top (anything); joins at merge points go up the lattice. Depth and width are capped
//! (deeper or wider shapes become `Unknown`), so every chain of joins is finite and the analysis terminates.

use crate::expr::jsonpath::{Segment, Selector};
use crate::syntax::{has_placeholder, Node, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Deepest nesting of a shape; deeper parts are `Unknown`.
pub const MAX_SHAPE_DEPTH: usize = 12;
/// Most members of a union before it widens to `Unknown`.
pub const MAX_UNION: usize = 6;
/// Most fields of an object shape; more make it open.
pub const MAX_FIELDS: usize = 128;
/// Most elements of a tuple; longer ones become arrays.
pub const MAX_TUPLE: usize = 64;

/// The shape of a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Nothing is known (the top of the lattice).
    Unknown,
    Null,
    Boolean,
    /// A number; `integer` when it is known to be integral.
    Number {
        integer: bool,
    },
    String,
    /// An array whose elements all have this shape (length unknown).
    Array(Box<Shape>),
    /// An array of known length with a shape per element (Parallel results, literal arrays).
    Tuple(Vec<Shape>),
    Object(Obj),
    /// One of several shapes of different kinds (never nested, never holding `Unknown`).
    Union(Vec<Shape>),
}

/// An object shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Obj {
    /// Shared: cloning a shape is cheap, and a write copies the map only when it is shared.
    pub fields: Arc<BTreeMap<Arc<str>, Prop>>,
    /// More fields than those listed may exist.
    pub open: bool,
}

/// A field of an object shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub shape: Shape,
    /// Absent on some of the paths that reach this point.
    pub optional: bool,
    /// Not known on some paths (an open object joined in may or may not have it).
    pub unsure: bool,
}

impl Obj {
    /// A closed object with these required fields.
    pub fn closed(fields: impl IntoIterator<Item = (String, Shape)>) -> Obj {
        Obj {
            fields: Arc::new(
                fields
                    .into_iter()
                    .map(|(k, shape)| {
                        (
                            Arc::<str>::from(k),
                            Prop {
                                shape,
                                optional: false,
                                unsure: false,
                            },
                        )
                    })
                    .collect(),
            ),
            open: false,
        }
    }
}

/// The kind of a shape, for unions and type checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// How sure a lookup is that the value exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Present on every path.
    Always,
    /// Absent on some of the paths that reach this point (a field that only some branches set).
    Sometimes,
    /// Not known (an array index, a union).
    Unknown,
}

/// The result of looking a path up in a shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// The path selects a value of this shape.
    Found(Shape, Presence),
    /// The path provably selects nothing: segment `segment` (0-based) finds nothing in `parent`.
    Absent { segment: usize, parent: Shape },
    /// Nothing is known (an open object, an unknown value, an indefinite path).
    Unknown,
}

impl Lookup {
    /// The shape selected, `Unknown` when not known or absent.
    pub fn shape(&self) -> Shape {
        match self {
            Lookup::Found(s, _) => s.clone(),
            _ => Shape::Unknown,
        }
    }
}

impl Shape {
    /// An integer.
    pub fn integer() -> Shape {
        Shape::Number { integer: true }
    }
    /// A number that may be fractional.
    pub fn number() -> Shape {
        Shape::Number { integer: false }
    }
    /// An open object with no known field (an object, nothing more known).
    pub fn any_object() -> Shape {
        Shape::Object(Obj {
            fields: Arc::default(),
            open: true,
        })
    }

    /// The kinds this shape may have; `None` for `Unknown`.
    pub fn kinds(&self) -> Option<Vec<Kind>> {
        Some(match self {
            Shape::Unknown => return None,
            Shape::Union(m) => {
                let mut v = Vec::new();
                for s in m {
                    v.extend(s.kinds()?);
                }
                v
            }
            other => vec![other.kind()?],
        })
    }

    /// The kind of a shape that is not a union nor unknown.
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            Shape::Null => Kind::Null,
            Shape::Boolean => Kind::Boolean,
            Shape::Number { .. } => Kind::Number,
            Shape::String => Kind::String,
            Shape::Array(_) | Shape::Tuple(_) => Kind::Array,
            Shape::Object(_) => Kind::Object,
            Shape::Unknown | Shape::Union(_) => return None,
        })
    }

    /// True when the value provably is not of `kind` (a known shape of other kinds only).
    pub fn is_never(&self, kind: Kind) -> bool {
        self.kinds().is_some_and(|k| !k.contains(&kind))
    }

    /// The least upper bound of two shapes.
    pub fn join(&self, other: &Shape) -> Shape {
        join(self, other, 0)
    }

    /// Joins `other` into `self` (`*self = self.join(other)`), in place where it can: an object field map that is
    /// not shared is updated rather than rebuilt, and a join that brings nothing new changes nothing.
    pub fn join_in(&mut self, other: &Shape) {
        join_into(self, other, 0);
    }

    /// The shape of a literal JSON node (a Pass `Result`, a literal in a payload template).
    pub fn of_literal(node: &Node) -> Shape {
        literal(node, 0)
    }

    /// Field names known at the top level (for completion after `$.`).
    pub fn field_names(&self) -> Vec<&str> {
        match self {
            Shape::Object(o) => o.fields.keys().map(|k| &**k).collect(),
            Shape::Union(m) => m.iter().flat_map(|s| s.field_names()).collect(),
            _ => Vec::new(),
        }
    }

    /// Looks a path's segments up. Only `.name` and `[n]` steps are followed; anything else gives `Unknown`.
    pub fn lookup(&self, segments: &[Segment]) -> Lookup {
        let mut cur = self.clone();
        let mut presence = Presence::Always;
        for (i, seg) in segments.iter().enumerate() {
            if seg.descendant {
                return Lookup::Unknown;
            }
            let step = match &seg.selector {
                Selector::Name(n) if !n.ends_with("()") => step_name(&cur, n),
                Selector::Index(ix) => step_index(&cur, *ix),
                _ => return Lookup::Unknown,
            };
            match step {
                Step::Found(s, p) => {
                    presence = weaker(presence, p);
                    cur = s;
                }
                Step::Absent => {
                    return Lookup::Absent {
                        segment: i,
                        parent: cur,
                    }
                }
                Step::Unknown => return Lookup::Unknown,
            }
        }
        Lookup::Found(cur, presence)
    }

    /// The shape after writing `value` at the reference path `segments` (ResultPath). Unknown when the write is not
    /// understood.
    pub fn set(&self, segments: &[Segment], value: Shape) -> Shape {
        if segments.len() > MAX_SHAPE_DEPTH * 4 {
            return Shape::Unknown;
        }
        set(self, segments, value)
    }

    /// A compact description (`{sku: string, qty: number}`, `array of string`), depth- and width-capped.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = describe(self, &mut s, 0);
        s
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

fn weaker(a: Presence, b: Presence) -> Presence {
    match (a, b) {
        (Presence::Unknown, _) | (_, Presence::Unknown) => Presence::Unknown,
        (Presence::Sometimes, _) | (_, Presence::Sometimes) => Presence::Sometimes,
        _ => Presence::Always,
    }
}

enum Step {
    Found(Shape, Presence),
    Absent,
    Unknown,
}

fn step_name(cur: &Shape, name: &str) -> Step {
    match cur {
        Shape::Object(o) => match o.fields.get(name) {
            Some(p) => Step::Found(
                p.shape.clone(),
                if p.unsure {
                    Presence::Unknown
                } else if p.optional {
                    Presence::Sometimes
                } else {
                    Presence::Always
                },
            ),
            None if o.open => Step::Unknown,
            None => Step::Absent,
        },
        Shape::Union(m) => match m.iter().find(|s| matches!(s, Shape::Object(_))) {
            Some(o) => match step_name(o, name) {
                Step::Found(s, _) => Step::Found(s, Presence::Unknown),
                other => other,
            },
            None if m.iter().any(|s| s.kind() == Some(Kind::Array)) => Step::Unknown,
            None => Step::Absent,
        },
        // Jayway's handling of a name on an array varies: not provable.
        Shape::Unknown | Shape::Array(_) | Shape::Tuple(_) => Step::Unknown,
        Shape::Null | Shape::Boolean | Shape::Number { .. } | Shape::String => Step::Absent,
    }
}

fn step_index(cur: &Shape, ix: i64) -> Step {
    match cur {
        Shape::Tuple(items) => {
            let len = items.len() as i64;
            let i = if ix < 0 { len.saturating_add(ix) } else { ix };
            match usize::try_from(i).ok().and_then(|i| items.get(i)) {
                Some(s) => Step::Found(s.clone(), Presence::Always),
                None => Step::Absent,
            }
        }
        Shape::Array(item) => Step::Found((**item).clone(), Presence::Unknown),
        Shape::Union(m) => match m.iter().find(|s| s.kind() == Some(Kind::Array)) {
            Some(a) => match step_index(a, ix) {
                Step::Found(s, _) => Step::Found(s, Presence::Unknown),
                _ => Step::Unknown,
            },
            None => Step::Absent,
        },
        Shape::Unknown => Step::Unknown,
        Shape::Object(_) | Shape::Null | Shape::Boolean | Shape::Number { .. } | Shape::String => {
            Step::Absent
        }
    }
}

fn set(cur: &Shape, segments: &[Segment], value: Shape) -> Shape {
    let Some((first, rest)) = segments.split_first() else {
        return value;
    };
    if first.descendant {
        return Shape::Unknown;
    }
    let Selector::Name(name) = &first.selector else {
        return Shape::Unknown;
    };
    match cur {
        Shape::Object(o) => {
            let mut o = o.clone();
            let below = match o.fields.get(name.as_str()) {
                Some(p) if !p.optional && !p.unsure => p.shape.clone(),
                Some(_) => Shape::Unknown,
                None if o.open => Shape::Unknown,
                None => Shape::Object(Obj::default()),
            };
            if !o.fields.contains_key(name.as_str()) && o.fields.len() >= MAX_FIELDS {
                o.open = true;
                return Shape::Object(o);
            }
            let shape = set(&below, rest, value);
            Arc::make_mut(&mut o.fields).insert(
                Arc::from(name.as_str()),
                Prop {
                    shape,
                    optional: false,
                    unsure: false,
                },
            );
            Shape::Object(o)
        }
        Shape::Unknown => {
            let mut o = Obj {
                fields: Arc::default(),
                open: true,
            };
            Arc::make_mut(&mut o.fields).insert(
                Arc::from(name.as_str()),
                Prop {
                    shape: set(&Shape::Unknown, rest, value),
                    optional: false,
                    unsure: false,
                },
            );
            Shape::Object(o)
        }
        _ => Shape::Unknown,
    }
}

fn join(a: &Shape, b: &Shape, depth: usize) -> Shape {
    if depth > MAX_SHAPE_DEPTH {
        return Shape::Unknown;
    }
    match (a, b) {
        (Shape::Unknown, _) | (_, Shape::Unknown) => Shape::Unknown,
        (Shape::Null, Shape::Null) => Shape::Null,
        (Shape::Boolean, Shape::Boolean) => Shape::Boolean,
        (Shape::String, Shape::String) => Shape::String,
        (Shape::Number { integer: x }, Shape::Number { integer: y }) => {
            Shape::Number { integer: *x && *y }
        }
        (Shape::Array(x), Shape::Array(y)) => Shape::Array(Box::new(join(x, y, depth + 1))),
        (Shape::Tuple(x), Shape::Tuple(y)) if x.len() == y.len() => Shape::Tuple(
            x.iter()
                .zip(y)
                .map(|(p, q)| join(p, q, depth + 1))
                .collect(),
        ),
        (Shape::Tuple(_) | Shape::Array(_), Shape::Tuple(_) | Shape::Array(_)) => {
            Shape::Array(Box::new(join(&element(a), &element(b), depth + 1)))
        }
        (Shape::Object(x), Shape::Object(y)) if Arc::ptr_eq(&x.fields, &y.fields) => {
            Shape::Object(Obj {
                fields: x.fields.clone(),
                open: x.open || y.open,
            })
        }
        // At a fixpoint most joins bring nothing new: answer those without building a map.
        (Shape::Object(x), Shape::Object(y)) if object_absorbs(x, y, depth) => {
            Shape::Object(x.clone())
        }
        (Shape::Object(x), Shape::Object(y)) if object_absorbs(y, x, depth) => {
            Shape::Object(y.clone())
        }
        (Shape::Object(x), Shape::Object(y)) => join_objects(x, y, depth),
        (Shape::Union(_), _) | (_, Shape::Union(_)) => join_union(a, b, depth),
        _ => join_union(a, b, depth),
    }
}

/// The join of an array's or tuple's elements.
fn element(s: &Shape) -> Shape {
    match s {
        Shape::Array(x) => (**x).clone(),
        Shape::Tuple(items) => {
            let mut it = items.iter();
            let Some(first) = it.next() else {
                // An empty tuple contributes no element: anything joined with it stays as is, so use the
                // closest thing to a bottom we have that keeps `join` sound: an unknown element.
                return Shape::Unknown;
            };
            it.fold(first.clone(), |acc, x| join(&acc, x, MAX_SHAPE_DEPTH))
        }
        _ => Shape::Unknown,
    }
}

/// True when joining `a` into `big` gives `big` back (`join(big, a) == big`), decided without allocating for
/// objects; other shapes are small and are simply joined and compared.
fn absorbs(big: &Shape, a: &Shape, depth: usize) -> bool {
    match (big, a) {
        (Shape::Object(x), Shape::Object(y)) => {
            depth <= MAX_SHAPE_DEPTH
                && (Arc::ptr_eq(&x.fields, &y.fields) && (x.open || !y.open)
                    || object_absorbs(x, y, depth))
        }
        _ => join(big, a, depth) == *big,
    }
}

/// True when [`join_objects`]`(x, y)` would equal `x`: mirrors its rules field by field (a field only in `x` becomes
/// optional when `y` is closed, unsure and unknown when `y` is open; a field only in `y` is new; a field in both
/// joins its shapes and flags).
fn object_absorbs(x: &Obj, y: &Obj, depth: usize) -> bool {
    use std::cmp::Ordering;
    if (y.open && !x.open) || x.fields.len() > MAX_FIELDS {
        return false;
    }
    let mut xs = x.fields.iter().peekable();
    let mut ys = y.fields.iter().peekable();
    loop {
        let order = match (xs.peek(), ys.peek()) {
            (None, None) => return true,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((kx, _)), Some((ky, _))) => key_order(kx, ky),
        };
        match order {
            Ordering::Less => {
                let Some((_, p)) = xs.next() else {
                    return false;
                };
                let kept = if y.open {
                    p.unsure && p.shape == Shape::Unknown
                } else {
                    p.optional
                };
                if !kept {
                    return false;
                }
            }
            Ordering::Greater => return false,
            Ordering::Equal => {
                let (Some((_, p)), Some((_, q))) = (xs.next(), ys.next()) else {
                    return false;
                };
                if (q.optional && !p.optional)
                    || (q.unsure && !p.unsure)
                    || !absorbs(&p.shape, &q.shape, depth + 1)
                {
                    return false;
                }
            }
        }
    }
}

fn join_objects(x: &Obj, y: &Obj, depth: usize) -> Shape {
    use std::cmp::Ordering;
    // A merge of the two sorted field maps: one key comparison per step, and the result built from sorted
    // pairs (no lookups, no rebalancing).
    let only = |p: &Prop, other_open: bool| {
        if other_open {
            Prop {
                shape: Shape::Unknown,
                optional: p.optional,
                unsure: true,
            }
        } else {
            Prop {
                shape: p.shape.clone(),
                optional: true,
                unsure: p.unsure,
            }
        }
    };
    let mut fields: Vec<(Arc<str>, Prop)> = Vec::with_capacity(x.fields.len().max(y.fields.len()));
    let mut xs = x.fields.iter().peekable();
    let mut ys = y.fields.iter().peekable();
    loop {
        let order = match (xs.peek(), ys.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((kx, _)), Some((ky, _))) => key_order(kx, ky),
        };
        let (k, prop) = match order {
            Ordering::Less => match xs.next() {
                Some((k, p)) => (k, only(p, y.open)),
                None => break,
            },
            Ordering::Greater => match ys.next() {
                Some((k, q)) => (k, only(q, x.open)),
                None => break,
            },
            Ordering::Equal => match (xs.next(), ys.next()) {
                (Some((k, p)), Some((_, q))) => (
                    k,
                    Prop {
                        shape: join(&p.shape, &q.shape, depth + 1),
                        optional: p.optional || q.optional,
                        unsure: p.unsure || q.unsure,
                    },
                ),
                _ => break,
            },
        };
        if fields.len() >= MAX_FIELDS {
            return Shape::any_object();
        }
        fields.push((k.clone(), prop));
    }
    Shape::Object(Obj {
        fields: Arc::new(fields.into_iter().collect()),
        open: x.open || y.open,
    })
}

/// Compares two field names; names copied from one another (most of them, after joins) share their `Arc` and
/// compare without reading the text.
fn key_order(a: &Arc<str>, b: &Arc<str>) -> std::cmp::Ordering {
    if Arc::ptr_eq(a, b) {
        std::cmp::Ordering::Equal
    } else {
        a.cmp(b)
    }
}

/// `*a = join(a, b, depth)`, without rebuilding `a`'s field map when it is not shared: fields of both are joined
/// in place, fields only in `a` get their flags, fields only in `b` are inserted. Gives exactly [`join`]'s result.
fn join_into(a: &mut Shape, b: &Shape, depth: usize) {
    let (Shape::Object(x), Shape::Object(y)) = (&mut *a, b) else {
        *a = join(a, b, depth);
        return;
    };
    if depth > MAX_SHAPE_DEPTH {
        *a = Shape::Unknown;
        return;
    }
    if Arc::ptr_eq(&x.fields, &y.fields) || object_absorbs(x, y, depth) {
        x.open |= y.open;
        return;
    }
    if object_absorbs(y, x, depth) {
        *x = y.clone();
        return;
    }
    // The size of the union decides the cap before anything is written.
    let mut union = x.fields.len();
    for k in y.fields.keys() {
        if !x.fields.contains_key(k) {
            union += 1;
        }
    }
    if union > MAX_FIELDS {
        *a = Shape::any_object();
        return;
    }
    let (x_open, y_open) = (x.open, y.open);
    let fields = Arc::make_mut(&mut x.fields);
    for (k, p) in fields.iter_mut() {
        match y.fields.get(k) {
            Some(q) => {
                join_into(&mut p.shape, &q.shape, depth + 1);
                p.optional |= q.optional;
                p.unsure |= q.unsure;
            }
            None if y_open => {
                p.shape = Shape::Unknown;
                p.unsure = true;
            }
            None => p.optional = true,
        }
    }
    for (k, q) in y.fields.iter() {
        if fields.contains_key(k) {
            continue;
        }
        let prop = if x_open {
            Prop {
                shape: Shape::Unknown,
                optional: q.optional,
                unsure: true,
            }
        } else {
            Prop {
                shape: q.shape.clone(),
                optional: true,
                unsure: q.unsure,
            }
        };
        fields.insert(k.clone(), prop);
    }
    x.open = x_open || y_open;
}

fn join_union(a: &Shape, b: &Shape, depth: usize) -> Shape {
    let mut members: Vec<Shape> = Vec::new();
    let flat = |s: &Shape| match s {
        Shape::Union(m) => m.clone(),
        other => vec![other.clone()],
    };
    for s in flat(a).into_iter().chain(flat(b)) {
        let Some(k) = s.kind() else {
            return Shape::Unknown;
        };
        match members.iter().position(|m| m.kind() == Some(k)) {
            Some(i) => {
                let j = join(&members[i], &s, depth + 1);
                if j == Shape::Unknown {
                    return Shape::Unknown;
                }
                members[i] = j;
            }
            None => members.push(s),
        }
    }
    if members.len() > MAX_UNION {
        return Shape::Unknown;
    }
    members.sort_by_key(|m| m.kind());
    match members.len() {
        0 => Shape::Unknown,
        1 => members.pop().unwrap_or(Shape::Unknown),
        _ => Shape::Union(members),
    }
}

fn literal(node: &Node, depth: usize) -> Shape {
    if depth > MAX_SHAPE_DEPTH {
        return Shape::Unknown;
    }
    match &node.value {
        Value::Null => Shape::Null,
        Value::Bool(_) => Shape::Boolean,
        Value::Number(n) => Shape::Number {
            integer: n.is_integer,
        },
        Value::String(_) => Shape::String,
        Value::Array(items) if items.len() <= MAX_TUPLE => {
            Shape::Tuple(items.iter().map(|n| literal(n, depth + 1)).collect())
        }
        Value::Array(items) => {
            let mut it = items.iter().map(|n| literal(n, depth + 1));
            let first = it.next().unwrap_or(Shape::Unknown);
            Shape::Array(Box::new(it.fold(first, |a, b| join(&a, &b, depth + 1))))
        }
        Value::Object(members) => {
            let mut o = Obj::default();
            for m in members {
                if has_placeholder(&m.key.text) || o.fields.len() >= MAX_FIELDS {
                    o.open = true;
                    continue;
                }
                Arc::make_mut(&mut o.fields).insert(
                    Arc::from(m.key.text.as_str()),
                    Prop {
                        shape: literal(&m.value, depth + 1),
                        optional: false,
                        unsure: false,
                    },
                );
            }
            Shape::Object(o)
        }
        _ => Shape::Unknown,
    }
}

const DESCRIBE_DEPTH: usize = 4;
const DESCRIBE_FIELDS: usize = 8;

fn describe(s: &Shape, out: &mut String, depth: usize) -> fmt::Result {
    use std::fmt::Write;
    match s {
        Shape::Unknown => out.push_str("unknown"),
        Shape::Null => out.push_str("null"),
        Shape::Boolean => out.push_str("boolean"),
        Shape::Number { integer: true } => out.push_str("integer"),
        Shape::Number { integer: false } => out.push_str("number"),
        Shape::String => out.push_str("string"),
        Shape::Array(x) => {
            out.push_str("array of ");
            if depth >= DESCRIBE_DEPTH {
                out.push('…');
            } else {
                describe(x, out, depth + 1)?;
            }
        }
        Shape::Tuple(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if i >= DESCRIBE_FIELDS || depth >= DESCRIBE_DEPTH {
                    out.push('…');
                    break;
                }
                describe(x, out, depth + 1)?;
            }
            out.push(']');
        }
        Shape::Object(o) => {
            if depth >= DESCRIBE_DEPTH {
                out.push_str("{…}");
                return Ok(());
            }
            out.push('{');
            let mut first = true;
            for (i, (k, p)) in o.fields.iter().enumerate() {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                if i >= DESCRIBE_FIELDS {
                    out.push('…');
                    break;
                }
                write!(
                    out,
                    "{k}{}: ",
                    if p.optional || p.unsure { "?" } else { "" }
                )?;
                describe(&p.shape, out, depth + 1)?;
            }
            if o.open && o.fields.len() <= DESCRIBE_FIELDS {
                if !first {
                    out.push_str(", ");
                }
                out.push('…');
            }
            out.push('}');
        }
        Shape::Union(m) => {
            for (i, x) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                describe(x, out, depth + 1)?;
            }
        }
    }
    Ok(())
}

impl Shape {
    /// The shape of a sample value (`--input-example`): objects are closed (the sample is taken as the complete
    /// input), arrays have the join of their elements.
    pub fn from_example(v: &serde_json::Value) -> Shape {
        example(v, 0)
    }

    /// The shape a JSON Schema describes (`--input-schema`): `type`, `properties` (fields not in `required` are
    /// optional), `additionalProperties: false` (closed), `items`, `enum`/`const`, `anyOf`/`oneOf`. Anything else
    /// (`$ref`, `allOf`, conditionals) is `Unknown`.
    pub fn from_schema(v: &serde_json::Value) -> Shape {
        schema(v, 0)
    }
}

fn example(v: &serde_json::Value, depth: usize) -> Shape {
    use serde_json::Value as J;
    if depth > MAX_SHAPE_DEPTH {
        return Shape::Unknown;
    }
    match v {
        J::Null => Shape::Null,
        J::Bool(_) => Shape::Boolean,
        J::Number(n) => Shape::Number {
            integer: n.is_i64() || n.is_u64(),
        },
        J::String(_) => Shape::String,
        J::Array(items) => {
            let mut it = items.iter().map(|x| example(x, depth + 1));
            match it.next() {
                Some(first) => Shape::Array(Box::new(it.fold(first, |a, b| join(&a, &b, depth)))),
                None => Shape::Array(Box::new(Shape::Unknown)),
            }
        }
        J::Object(m) => {
            if m.len() > MAX_FIELDS {
                return Shape::any_object();
            }
            Shape::Object(Obj::closed(
                m.iter().map(|(k, x)| (k.clone(), example(x, depth + 1))),
            ))
        }
    }
}

fn schema(v: &serde_json::Value, depth: usize) -> Shape {
    use serde_json::Value as J;
    if depth > MAX_SHAPE_DEPTH {
        return Shape::Unknown;
    }
    let J::Object(s) = v else {
        return Shape::Unknown;
    };
    if s.contains_key("$ref")
        || s.contains_key("allOf")
        || s.contains_key("if")
        || s.contains_key("not")
    {
        return Shape::Unknown;
    }
    if let Some(c) = s.get("const") {
        return example(c, depth + 1);
    }
    if let Some(J::Array(values)) = s.get("enum") {
        let mut it = values.iter().map(|x| example(x, depth + 1));
        return match it.next() {
            Some(first) => it.fold(first, |a, b| join(&a, &b, depth)),
            None => Shape::Unknown,
        };
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(J::Array(alts)) = s.get(key) {
            let mut it = alts.iter().map(|x| schema(x, depth + 1));
            return match it.next() {
                Some(first) => it.fold(first, |a, b| join(&a, &b, depth)),
                None => Shape::Unknown,
            };
        }
    }
    let of_type = |t: &str| -> Shape {
        match t {
            "null" => Shape::Null,
            "boolean" => Shape::Boolean,
            "integer" => Shape::integer(),
            "number" => Shape::number(),
            "string" => Shape::String,
            "array" => Shape::Array(Box::new(
                s.get("items")
                    .map_or(Shape::Unknown, |i| schema(i, depth + 1)),
            )),
            "object" => {
                let required: Vec<&str> = match s.get("required") {
                    Some(J::Array(r)) => r.iter().filter_map(J::as_str).collect(),
                    _ => Vec::new(),
                };
                let mut o = Obj {
                    fields: Arc::default(),
                    open: !matches!(s.get("additionalProperties"), Some(J::Bool(false)))
                        || s.contains_key("patternProperties"),
                };
                if let Some(J::Object(props)) = s.get("properties") {
                    for (k, p) in props.iter().take(MAX_FIELDS) {
                        Arc::make_mut(&mut o.fields).insert(
                            Arc::from(k.as_str()),
                            Prop {
                                shape: schema(p, depth + 1),
                                optional: !required.contains(&k.as_str()),
                                unsure: false,
                            },
                        );
                    }
                }
                Shape::Object(o)
            }
            _ => Shape::Unknown,
        }
    };
    match s.get("type") {
        Some(J::String(t)) => of_type(t),
        Some(J::Array(ts)) => {
            let mut it = ts.iter().filter_map(J::as_str).map(of_type);
            match it.next() {
                Some(first) => it.fold(first, |a, b| join(&a, &b, depth)),
                None => Shape::Unknown,
            }
        }
        _ if s.contains_key("properties") => of_type("object"),
        _ => Shape::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Small JSON values over a few field names, so that random objects share and miss fields.
    fn value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            (0i64..3).prop_map(|n| serde_json::json!(n)),
            Just(serde_json::json!(1.5)),
            "[ab]".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(serde_json::Value::Array),
                prop::collection::btree_map("[abcd]", inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Shapes with optional, unsure and open fields: examples, joined with each other and with an open object.
    fn shape() -> impl Strategy<Value = Shape> {
        (value(), value(), 0u8..3).prop_map(|(a, b, how)| {
            let (a, b) = (Shape::from_example(&a), Shape::from_example(&b));
            match how {
                0 => a,
                1 => join_objects_or_join(&a, &b),
                _ => join_objects_or_join(&a, &Shape::any_object()),
            }
        })
    }

    /// The same shape with none of its field maps shared (so an in-place join writes into them).
    fn deep_copy(s: &Shape) -> Shape {
        match s {
            Shape::Object(o) => Shape::Object(Obj {
                fields: Arc::new(
                    o.fields
                        .iter()
                        .map(|(k, p)| {
                            let mut p = p.clone();
                            p.shape = deep_copy(&p.shape);
                            (k.clone(), p)
                        })
                        .collect(),
                ),
                open: o.open,
            }),
            Shape::Array(x) => Shape::Array(Box::new(deep_copy(x))),
            Shape::Tuple(v) => Shape::Tuple(v.iter().map(deep_copy).collect()),
            Shape::Union(v) => Shape::Union(v.iter().map(deep_copy).collect()),
            other => other.clone(),
        }
    }

    fn join_objects_or_join(a: &Shape, b: &Shape) -> Shape {
        match (a, b) {
            (Shape::Object(x), Shape::Object(y)) => join_objects(x, y, 0),
            _ => join(a, b, 0),
        }
    }

    proptest! {
        /// The allocation-free fast path answers exactly when the full merge would give `x` back.
        #[test]
        fn object_absorbs_agrees_with_the_merge(a in shape(), b in shape()) {
            let ab = join_objects_or_join(&a, &b);
            let ba = join_objects_or_join(&b, &a);
            prop_assert_eq!(&join(&a, &b, 0), &ab);
            prop_assert_eq!(&ab, &ba);
            if let (Shape::Object(x), Shape::Object(y)) = (&a, &b) {
                prop_assert_eq!(object_absorbs(x, y, 0), join_objects(x, y, 0) == a);
            }
            // Joining again what was joined in brings nothing new.
            prop_assert_eq!(join(&ab, &b, 0), ab.clone());
            // The in-place join gives the same shape, whether `a`'s maps are shared or not.
            let mut shared = a.clone();
            shared.join_in(&b);
            prop_assert_eq!(&shared, &ab);
            let mut unique = deep_copy(&a);
            unique.join_in(&b);
            prop_assert_eq!(&unique, &ab);
        }
    }
}

//! Value checks shared by the schema rules: does a node have the kind a field needs, and is its value in range.
//!
//! Unknown values are never wrong: YAML tags (`!Sub`, `!GetAtt`), nodes the parser could not read, and strings that
//! are one whole `${...}` substitution placeholder stand for a value of whatever type the field needs. A string
//! containing a placeholder passes every enum and format check. In JSONata states, fields marked
//! [`FieldSpec::expr`](super::spec::FieldSpec) accept a `{% ... %}` expression string in place of their value.

use super::spec::{FieldSpec, ValueKind};
use super::QueryLanguage;
use crate::syntax::{has_placeholder, is_whole_placeholder, Node, Value};

/// True for values whose type is unknown at lint time: YAML tags, unreadable nodes, whole `${...}` placeholders,
/// CloudFormation intrinsic objects in JSON (`{"Ref": ...}`, `{"Fn::GetAtt": ...}`), and the test-harness
/// placeholders of LocalStack templates (`_tbd_`, `__tbd__`, `%NAME%`).
pub fn is_unknown(node: &Node) -> bool {
    match &node.value {
        Value::Tagged { .. } | Value::Error => true,
        Value::String(s) => is_whole_placeholder(s) || is_test_placeholder(s),
        Value::Object(members) => {
            members.len() == 1
                && members
                    .first()
                    .is_some_and(|m| m.key.text == "Ref" || m.key.text.starts_with("Fn::"))
        }
        _ => false,
    }
}

/// LocalStack-style test placeholders that a harness substitutes: `_tbd_`, `__tbd__` (any case), `%NAME%`.
pub fn is_test_placeholder(s: &str) -> bool {
    let t = s.trim_matches('_');
    (t.eq_ignore_ascii_case("tbd") && t.len() < s.len())
        || (s.len() > 2
            && s.starts_with('%')
            && s.ends_with('%')
            && s[1..s.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// True for an object key that is itself a placeholder (`${...}`, `%NAME%`): the object's shape is unknown.
pub fn is_placeholder_key(k: &str) -> bool {
    has_placeholder(k) || is_test_placeholder(k)
}

/// True when the string is a JSONata expression `{% ... %}` (surrounding whitespace allowed).
pub fn is_jsonata_expression(s: &str) -> bool {
    let t = s.trim();
    t.len() >= 4 && t.starts_with("{%") && t.ends_with("%}")
}

/// True when a node is a JSONata expression that this field accepts in place of its value.
pub fn is_accepted_expression(spec: &FieldSpec, node: &Node, ql: QueryLanguage) -> bool {
    let Some(s) = node.as_str() else { return false };
    (spec.expr && ql == QueryLanguage::Jsonata && is_jsonata_expression(s))
        || (spec.reference && ql == QueryLanguage::JsonPath && s.starts_with('$'))
}

/// The outcome of a type check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TypeCheck<'a> {
    /// The value has the expected kind (or is unknown, or an accepted expression).
    Ok,
    /// The value itself has the wrong type.
    Wrong,
    /// The value is an array (or object of states) with this wrong element.
    WrongElement(&'a Node),
}

/// Checks the JSON type of a field value against its spec.
pub fn check_type<'a>(spec: &FieldSpec, node: &'a Node, ql: QueryLanguage) -> TypeCheck<'a> {
    if is_unknown(node) || is_accepted_expression(spec, node, ql) {
        return TypeCheck::Ok;
    }
    let ok = match spec.kind {
        ValueKind::String
        | ValueKind::Enum(_)
        | ValueKind::Path
        | ValueKind::Timestamp
        | ValueKind::MapLabel
        | ValueKind::Version => node.as_str().is_some(),
        ValueKind::PathOrNull => matches!(node.value, Value::String(_) | Value::Null),
        ValueKind::Integer { .. } => node.as_number().is_some_and(|n| n.is_integer),
        ValueKind::Number { .. } => node.as_number().is_some(),
        ValueKind::Boolean | ValueKind::True => node.as_bool().is_some(),
        ValueKind::Object => node.as_object().is_some(),
        ValueKind::StateMap => {
            let Some(members) = node.as_object() else {
                return TypeCheck::Wrong;
            };
            if let Some(m) = members.iter().find(|m| {
                m.value.as_object().is_none()
                    && !is_unknown(&m.value)
                    && !super::is_misplaced_query_language(m)
            }) {
                return TypeCheck::WrongElement(&m.value);
            }
            true
        }
        ValueKind::StringArray { .. } => {
            let Some(items) = node.as_array() else {
                return TypeCheck::Wrong;
            };
            if let Some(bad) = items
                .iter()
                .find(|n| n.as_str().is_none() && !is_unknown(n))
            {
                return TypeCheck::WrongElement(bad);
            }
            true
        }
        ValueKind::ObjectArray { .. } => {
            let Some(items) = node.as_array() else {
                return TypeCheck::Wrong;
            };
            if let Some(bad) = items
                .iter()
                .find(|n| n.as_object().is_none() && !is_unknown(n))
            {
                return TypeCheck::WrongElement(bad);
            }
            true
        }
        ValueKind::Any => true,
    };
    if ok {
        TypeCheck::Ok
    } else {
        TypeCheck::Wrong
    }
}

/// A problem with a value whose type is right: out of range, not in the enum, bad format, empty array.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueProblem {
    /// What is wrong, e.g. "must be at least 1, found 0".
    pub message: String,
    /// What to do.
    pub help: String,
}

fn problem(message: String, help: String) -> Option<ValueProblem> {
    Some(ValueProblem { message, help })
}

/// Checks the value of a field whose type already matched. `None` when fine (or unknown).
pub fn check_value(spec: &FieldSpec, node: &Node, ql: QueryLanguage) -> Option<ValueProblem> {
    if is_unknown(node) || is_accepted_expression(spec, node, ql) {
        return None;
    }
    match spec.kind {
        ValueKind::Enum(allowed) => {
            let s = node.as_str()?;
            if allowed.contains(&s) || has_placeholder(s) {
                return None;
            }
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let close = allowed.iter().find(|a| a.eq_ignore_ascii_case(s));
            let help = match close {
                Some(c) => format!("values are case-sensitive: write `{c}`"),
                None => format!("use one of {list}"),
            };
            problem(format!("must be one of {list}, found `{s}`"), help)
        }
        ValueKind::Version => {
            let s = node.as_str()?;
            if s == "1.0" || has_placeholder(s) {
                return None;
            }
            problem(
                format!("must be `1.0`, found `{s}`"),
                "write `\"Version\": \"1.0\"` or remove the field".into(),
            )
        }
        ValueKind::Timestamp => {
            let s = node.as_str()?;
            if is_rfc3339(s) || has_placeholder(s) {
                return None;
            }
            problem(
                format!("must be an RFC 3339 timestamp, found `{s}`"),
                "write the timestamp like `2026-01-31T12:00:00Z` (uppercase `T` and `Z`, or an offset such as `+01:00`)"
                    .into(),
            )
        }
        ValueKind::Integer { min, max } => {
            let n = node.as_number()?;
            let v = n.value;
            if v < min as f64 {
                return problem(
                    format!("must be at least {min}, found {}", fmt_num(v)),
                    format!("use a value of {min} or more"),
                );
            }
            if let Some(max) = max {
                if v > max as f64 {
                    return problem(
                        format!("must be at most {max}, found {}", fmt_num(v)),
                        format!("use a value of {max} or less"),
                    );
                }
            }
            None
        }
        ValueKind::Number { min, max } => {
            let v = node.as_number()?.value;
            if !v.is_finite() {
                return problem(
                    format!("must be a finite number, found {}", fmt_num(v)),
                    "use a finite number".into(),
                );
            }
            if v < min {
                return problem(
                    format!("must be at least {}, found {}", fmt_num(min), fmt_num(v)),
                    format!("use a value of {} or more", fmt_num(min)),
                );
            }
            if let Some(max) = max {
                if v > max {
                    return problem(
                        format!("must be at most {}, found {}", fmt_num(max), fmt_num(v)),
                        format!("use a value of {} or less", fmt_num(max)),
                    );
                }
            }
            None
        }
        ValueKind::MapLabel => {
            let s = node.as_str()?;
            if has_placeholder(s) {
                return None;
            }
            let len = s.chars().count();
            if len == 0 || len > 40 {
                return problem(
                    format!("must have 1 to 40 characters, found {len}"),
                    "use a short label such as `ProcessOrders`".into(),
                );
            }
            if let Some(c) = s.chars().find(|c| is_forbidden_label_char(*c)) {
                return problem(
                    format!("cannot contain {}", describe_char(c)),
                    "use letters, digits, `-` and `_` only".into(),
                );
            }
            None
        }
        ValueKind::True => {
            if node.as_bool() == Some(false) {
                return problem(
                    "must be `true`, found `false`".into(),
                    "remove `End` and set `Next`, or write `\"End\": true`".into(),
                );
            }
            None
        }
        ValueKind::StringArray { non_empty: true } | ValueKind::ObjectArray { non_empty: true } => {
            if node.as_array().is_some_and(|a| a.is_empty()) {
                return problem(
                    "must not be empty".into(),
                    "add at least one element".into(),
                );
            }
            None
        }
        _ => None,
    }
}

/// Characters AWS does not allow in names and Map Run labels: whitespace, brackets, wildcards, special
/// characters and control characters.
fn is_forbidden_label_char(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '<' | '>'
                | '{'
                | '}'
                | '['
                | ']'
                | '?'
                | '*'
                | '"'
                | '#'
                | '%'
                | '\\'
                | '^'
                | '|'
                | '~'
                | '`'
                | '$'
                | '&'
                | ','
                | ';'
                | ':'
                | '/'
        )
}

fn describe_char(c: char) -> String {
    if c.is_whitespace() || c.is_control() {
        format!("U+{:04X} (whitespace or control character)", c as u32)
    } else {
        format!("`{c}`")
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// RFC 3339 `date-time` as AWS accepts it: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, uppercase `T` and `Z`.
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day), Some(hour), Some(min), Some(sec)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return false;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || min > 59 || sec > 60 {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+') | Some(b'-') => {
            i + 6 == b.len()
                && b.get(i + 3) == Some(&b':')
                && digits(i + 1..i + 3).is_some_and(|h| h <= 23)
                && digits(i + 4..i + 6).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert!(is_rfc3339("2016-03-14T01:59:00Z"));
        assert!(is_rfc3339("2016-03-14T01:59:00.123+01:00"));
        assert!(is_rfc3339("2024-02-29T00:00:00Z"));
        assert!(!is_rfc3339("2023-02-29T00:00:00Z"));
        assert!(!is_rfc3339("2016-03-14t01:59:00z"));
        assert!(!is_rfc3339("2016-03-14 01:59:00Z"));
        assert!(!is_rfc3339("2016-03-14T01:59:00"));
        assert!(!is_rfc3339("2016-13-14T01:59:00Z"));
        assert!(!is_rfc3339("2016-03-14T01:59:00.Z"));
        assert!(!is_rfc3339("é016-03-14T01:59:00Z"));
    }

    #[test]
    fn expressions() {
        assert!(is_jsonata_expression("{% $states.input %}"));
        assert!(is_jsonata_expression("  {%1%} "));
        assert!(!is_jsonata_expression("{%"));
        assert!(!is_jsonata_expression("$.a"));
    }
}

//! JSONPath Choice rules: every comparison operator (literal and `...Path` forms), `Is*` tests, `StringMatches`
//! wildcards and `And` / `Or` / `Not`. Paths are evaluated with [`crate::expr`].

use super::time;
use crate::expr::jsonpath::{Env, Path, Query};
use crate::model::{ChoiceRule, Comparison, Operand};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Paths parsed once per run, by their text (a loop evaluates the same `Variable`s and `*Path` fields again and
/// again).
#[derive(Debug, Default)]
pub struct PathCache(HashMap<Box<str>, Path>);

impl PathCache {
    /// The parsed path of `text`; `Err` holds the cause of a `States.Runtime` failure.
    pub fn get(&mut self, text: &str) -> Result<&Path, String> {
        if !self.0.contains_key(text) {
            let p =
                Path::parse(text).map_err(|e| format!("Invalid path '{text}': {}", e.message))?;
            self.0.insert(text.into(), p);
        }
        self.0
            .get(text)
            .ok_or_else(|| format!("Invalid path '{text}'"))
    }
}

/// Deepest And/Or/Not nesting evaluated (the model already caps it).
const MAX_RULE_DEPTH: usize = 256;

/// Evaluates a rule against `env` (whose input is the Choice state's effective input). `Err` holds the cause of a
/// `States.Runtime` failure.
pub fn matches(
    rule: &ChoiceRule<'_>,
    env: &Env<'_>,
    paths: &mut PathCache,
) -> Result<bool, String> {
    eval(rule, env, paths, 0)
}

fn eval(
    rule: &ChoiceRule<'_>,
    env: &Env<'_>,
    paths: &mut PathCache,
    depth: usize,
) -> Result<bool, String> {
    if depth > MAX_RULE_DEPTH {
        return Err("The choice rule is nested too deeply".into());
    }
    if rule.and.is_some() {
        for r in &rule.and_rules {
            if !eval(r, env, paths, depth + 1)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    if rule.or.is_some() {
        for r in &rule.or_rules {
            if eval(r, env, paths, depth + 1)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if rule.not.is_some() {
        return match &rule.not_rule {
            Some(r) => Ok(!eval(r, env, paths, depth + 1)?),
            None => Err("The Not rule is not a valid choice rule".into()),
        };
    }
    let Some(cmp) = rule.comparisons.first() else {
        return Err("The choice rule has no comparison operator".into());
    };
    let Some(var) = rule.variable.as_ref().and_then(|v| v.value) else {
        return Err(format!(
            "The choice rule with {} has no valid Variable",
            cmp.operator
        ));
    };
    let value = query(paths.get(var)?, env);
    compare(cmp, var, value.as_ref(), env, paths)
}

fn query(path: &Path, env: &Env<'_>) -> Option<Value> {
    match path.query(env) {
        Query::NotFound => None,
        q => q.into_value(),
    }
}

fn compare(
    cmp: &Comparison<'_>,
    var: &str,
    value: Option<&Value>,
    env: &Env<'_>,
    paths: &mut PathCache,
) -> Result<bool, String> {
    let op = cmp.operator;
    let base = op.strip_suffix("Path").unwrap_or(op);
    // Type tests: the operand is a boolean, the variable may be absent.
    if let Some(test) = type_test(base) {
        let expected = match cmp.operand() {
            Operand::Bool(b) => b,
            Operand::Path(p) => match query(paths.get(p)?, env) {
                Some(Value::Bool(b)) => b,
                _ => {
                    return Err(format!(
                        "Invalid path '{p}': the value of {op} must be a boolean"
                    ))
                }
            },
            _ => return Err(format!("The value of {op} must be a boolean")),
        };
        let actual = match (test, value) {
            ("IsPresent", v) => v.is_some(),
            (_, None) => false,
            ("IsNull", Some(v)) => v.is_null(),
            ("IsNumeric", Some(v)) => v.is_number(),
            ("IsString", Some(v)) => v.is_string(),
            ("IsBoolean", Some(v)) => v.is_boolean(),
            ("IsTimestamp", Some(v)) => v.as_str().and_then(time::parse).is_some(),
            _ => false,
        };
        return Ok(actual == expected);
    }
    let Some(value) = value else {
        return Err(format!(
            "Invalid path '{var}': The choice state's condition path references an invalid value."
        ));
    };
    // The right-hand side, as a JSON value.
    let rhs: Value = match cmp.operand() {
        Operand::String(s) | Operand::Timestamp(s) => Value::String(s.to_string()),
        Operand::Number(_) => cmp.field.node.to_json(),
        Operand::Bool(b) => Value::Bool(b),
        Operand::Path(p) => {
            match query(paths.get(p)?, env) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "Invalid path '{p}': The choice state's condition path references an invalid value."
                    ))
                }
            }
        }
        Operand::Invalid => return Err(format!("The value of {op} has the wrong type")),
    };
    Ok(match base {
        "StringEquals" => str_cmp(value, &rhs) == Some(Ordering::Equal),
        "StringLessThan" => str_cmp(value, &rhs) == Some(Ordering::Less),
        "StringGreaterThan" => str_cmp(value, &rhs) == Some(Ordering::Greater),
        "StringLessThanEquals" => str_cmp(value, &rhs).is_some_and(|o| o != Ordering::Greater),
        "StringGreaterThanEquals" => str_cmp(value, &rhs).is_some_and(|o| o != Ordering::Less),
        "StringMatches" => match (value, &rhs) {
            (Value::String(a), Value::String(p)) => wildcard_match(p, a),
            _ => false,
        },
        "NumericEquals" => num_cmp(value, &rhs) == Some(Ordering::Equal),
        "NumericLessThan" => num_cmp(value, &rhs) == Some(Ordering::Less),
        "NumericGreaterThan" => num_cmp(value, &rhs) == Some(Ordering::Greater),
        "NumericLessThanEquals" => num_cmp(value, &rhs).is_some_and(|o| o != Ordering::Greater),
        "NumericGreaterThanEquals" => num_cmp(value, &rhs).is_some_and(|o| o != Ordering::Less),
        "BooleanEquals" => matches!((value, &rhs), (Value::Bool(a), Value::Bool(b)) if a == b),
        "TimestampEquals" => ts_cmp(value, &rhs) == Some(Ordering::Equal),
        "TimestampLessThan" => ts_cmp(value, &rhs) == Some(Ordering::Less),
        "TimestampGreaterThan" => ts_cmp(value, &rhs) == Some(Ordering::Greater),
        "TimestampLessThanEquals" => ts_cmp(value, &rhs).is_some_and(|o| o != Ordering::Greater),
        "TimestampGreaterThanEquals" => ts_cmp(value, &rhs).is_some_and(|o| o != Ordering::Less),
        _ => return Err(format!("Unsupported choice operator {op}")),
    })
}

fn type_test(base: &str) -> Option<&'static str> {
    [
        "IsPresent",
        "IsNull",
        "IsNumeric",
        "IsString",
        "IsBoolean",
        "IsTimestamp",
    ]
    .into_iter()
    .find(|t| *t == base)
}

fn str_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        // Java's String.compareTo orders by UTF-16 code units.
        (Value::String(a), Value::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
        _ => None,
    }
}

fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => {
            if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
                return Some(x.cmp(&y));
            }
            a.as_f64()?.partial_cmp(&b.as_f64()?)
        }
        _ => None,
    }
}

fn ts_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    let a = time::parse(a.as_str()?)?;
    let b = time::parse(b.as_str()?)?;
    Some(a.cmp(&b))
}

/// `StringMatches`: `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash.
pub fn wildcard_match(pattern: &str, s: &str) -> bool {
    #[derive(PartialEq)]
    enum Tok {
        Star,
        Ch(char),
    }
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(n) => toks.push(Tok::Ch(n)),
                None => toks.push(Tok::Ch('\\')),
            },
            '*' => {
                if toks.last() != Some(&Tok::Star) {
                    toks.push(Tok::Star)
                }
            }
            c => toks.push(Tok::Ch(c)),
        }
    }
    let chars: Vec<char> = s.chars().collect();
    // Iterative matcher with single backtrack point (linear in practice, no recursion).
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < chars.len() {
        match toks.get(p) {
            Some(Tok::Ch(c)) if chars.get(i) == Some(c) => {
                p += 1;
                i += 1;
            }
            Some(Tok::Star) => {
                star = Some((p, i));
                p += 1;
            }
            _ => match star {
                Some((sp, si)) => {
                    p = sp + 1;
                    i = si + 1;
                    star = Some((sp, si + 1));
                }
                None => return false,
            },
        }
    }
    while toks.get(p) == Some(&Tok::Star) {
        p += 1;
    }
    p == toks.len()
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.log", "a.log"));
        assert!(wildcard_match("log-*-x*", "log-1-x"));
        assert!(!wildcard_match("*.log", "a.txt"));
        assert!(wildcard_match("a\\*b", "a*b"));
        assert!(!wildcard_match("a\\*b", "axb"));
        assert!(wildcard_match("a\\\\b", "a\\b"));
        assert!(wildcard_match("*", ""));
        assert!(!wildcard_match("", "x"));
    }
}

//! Evaluation of JSONata expressions and JSONata payload templates (the simulator's side of [`super::jsonata`]).
//!
//! Expressions are parsed by [`super::jsonata::parse`] (size and nesting capped there) and evaluated by
//! `jsonata-core` with AWS's additions: `$partition`, `$range`, `$hash`, `$random([seed])`, `$uuid()` and `$parse`.
//! Random values come from the caller's [`RandomSource`]; evaluation has a stack-depth cap, a sequence-length cap and
//! a time limit, so no expression can hang or exhaust the stack. Failures are `States.QueryEvaluationError`.

use super::intrinsic::{self, EvalError, RandomSource, SplitMix64};
use super::jsonata::{enclosed, parse};
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, EvaluatorOptions};
use jsonata_core::value::JValue;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// Deepest nesting of a JSONata payload template that is walked.
const MAX_TEMPLATE_DEPTH: usize = 256;

/// What an expression sees: `$states` (input, context, and result / errorOutput when the field has them) and the
/// workflow variables.
#[derive(Debug, Clone, Copy)]
pub struct JsonataEnv<'a> {
    /// The value of `$states` (`{"input", "context", "result"?, "errorOutput"?}`).
    pub states: &'a Value,
    pub variables: &'a Map<String, Value>,
}

/// A `States.QueryEvaluationError` with AWS's wording for `field`.
fn query_error(cause: impl Into<String>) -> EvalError {
    EvalError {
        error: "States.QueryEvaluationError",
        cause: cause.into(),
    }
}

/// A JSON value from a JSONata result: integral numbers become integers (as AWS prints them); `undefined` is `None`.
pub fn to_json(v: &JValue) -> Option<Value> {
    Some(to_json_depth(v, 0)).filter(|_| !matches!(v, JValue::Undefined))
}

fn to_json_depth(v: &JValue, depth: usize) -> Value {
    if depth > MAX_TEMPLATE_DEPTH {
        return Value::Null;
    }
    match v {
        JValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => {
            Value::from(*n as i64)
        }
        JValue::Array(a) => Value::Array(
            a.iter()
                .filter(|x| !matches!(x, JValue::Undefined))
                .map(|x| to_json_depth(x, depth + 1))
                .collect(),
        ),
        JValue::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, x)| !matches!(x, JValue::Undefined))
                .map(|(k, x)| (k.clone(), to_json_depth(x, depth + 1)))
                .collect(),
        ),
        other => Value::from(other),
    }
}

fn type_name(v: &JValue) -> &'static str {
    match v {
        JValue::Null => "null",
        JValue::Bool(_) => "boolean",
        JValue::Number(_) => "number",
        JValue::String(_) => "string",
        JValue::Array(_) => "array",
        JValue::Object(_) => "object",
        JValue::Undefined => "undefined",
        _ => "function",
    }
}

/// The result of one expression, kept as a JSONata value so callers can check its type.
pub struct Evaluated {
    pub value: JValue,
}

impl Evaluated {
    /// The JSON value (`None` for `undefined` or a function).
    pub fn json(&self) -> Option<Value> {
        match &self.value {
            JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => None,
            v => to_json(v),
        }
    }
    /// `boolean`, `array`, `function`, ... (JSONata's names).
    pub fn type_name(&self) -> &'static str {
        type_name(&self.value)
    }
    /// True for functions (a result AWS rejects as "unsupported").
    pub fn is_function(&self) -> bool {
        matches!(
            self.value,
            JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. }
        )
    }
}

fn num_arg(args: &[JValue], i: usize) -> Option<f64> {
    match args.get(i) {
        Some(JValue::Number(n)) => Some(*n),
        _ => None,
    }
}

fn eval_err(msg: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(msg.into())
}

fn register_aws_functions(ev: &mut Evaluator, rng: Rc<RefCell<SplitMix64>>) {
    let _ = ev.register_fn("partition", |args: &[JValue]| {
        let (Some(JValue::Array(a)), Some(size)) = (args.first(), num_arg(args, 1)) else {
            return Err(eval_err("$partition expects an array and a chunk size"));
        };
        if size < 1.0 || size.fract() != 0.0 {
            return Err(eval_err("The chunk size must be a positive integer"));
        }
        let size = size as usize;
        let items: Vec<JValue> = a.iter().cloned().collect();
        let chunks: Vec<JValue> = items
            .chunks(size)
            .map(|c| JValue::array(c.to_vec()))
            .collect();
        Ok(JValue::array(chunks))
    });
    let _ = ev.register_fn("range", |args: &[JValue]| {
        let (Some(start), Some(end), Some(step)) =
            (num_arg(args, 0), num_arg(args, 1), num_arg(args, 2))
        else {
            return Err(eval_err("$range expects a start, an end and a step"));
        };
        if step == 0.0 || !start.is_finite() || !end.is_finite() {
            return Err(eval_err("The step of $range cannot be 0"));
        }
        let count = ((end - start) / step).floor() + 1.0;
        if count > 1000.0 {
            return Err(eval_err("$range cannot produce more than 1000 items"));
        }
        let mut out = Vec::new();
        let mut x = start;
        while (step > 0.0 && x <= end) || (step < 0.0 && x >= end) {
            out.push(JValue::Number(x));
            x += step;
        }
        // A one-item sequence is the item itself (JSONata sequence semantics, as AWS returns it).
        if out.len() == 1 {
            return Ok(out.pop().unwrap_or(JValue::Undefined));
        }
        Ok(JValue::array(out))
    });
    let _ = ev.register_fn("hash", |args: &[JValue]| {
        let (Some(JValue::String(data)), Some(JValue::String(alg))) = (args.first(), args.get(1))
        else {
            return Err(eval_err("$hash expects a string and an algorithm name"));
        };
        intrinsic::hash_hex(alg, data.as_bytes())
            .map(JValue::from)
            .ok_or_else(|| eval_err(format!("The hash algorithm {alg} is not supported")))
    });
    let _ = ev.register_fn("parse", |args: &[JValue]| {
        let Some(JValue::String(s)) = args.first() else {
            return Err(eval_err("$parse expects a string"));
        };
        serde_json::from_str::<Value>(s)
            .map(JValue::from)
            .map_err(|e| eval_err(format!("$parse: {e}")))
    });
    let r = Rc::clone(&rng);
    let _ = ev.register_fn("uuid", move |_args: &[JValue]| {
        let mut g = r.borrow_mut();
        let (a, b) = (g.next_u64(), g.next_u64());
        Ok(JValue::from(format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )))
    });
    let r = rng;
    let _ = ev.register_fn_override("random", move |args: &[JValue]| {
        let u = match num_arg(args, 0) {
            Some(seed) => {
                let mut g = SplitMix64(seed.to_bits());
                g.next_u64()
            }
            None => r.borrow_mut().next_u64(),
        };
        Ok(JValue::Number((u >> 11) as f64 / (1u64 << 53) as f64))
    });
}

/// Evaluates one expression body.
pub fn eval_body(
    body: &str,
    env: &JsonataEnv<'_>,
    rng: &mut dyn RandomSource,
) -> Result<Evaluated, EvalError> {
    let parsed = parse(body);
    let Some(ast) = parsed.ast else {
        let why = parsed
            .error
            .map_or_else(|| "the expression is too large".to_string(), |e| e.message);
        return Err(query_error(format!(
            "The JSONata expression '{}' is not valid: {why}",
            body.trim()
        )));
    };
    // AWS fails on a workflow variable that is not defined (JSONata itself would yield `undefined`).
    if let Some(r) = super::jsonata::variable_reads(body, &parsed.tokens)
        .into_iter()
        .find(|r| !env.variables.contains_key(&r.name))
    {
        return Err(query_error(format!(
            "The JSONata expression '{}' references the undefined variable '${}'",
            body.trim(),
            r.name
        )));
    }
    let mut ctx = Context::new();
    for (k, v) in env.variables {
        ctx.bind(k.clone(), JValue::from(v.clone()));
    }
    ctx.bind("states".to_string(), JValue::from(env.states.clone()));
    let options = EvaluatorOptions {
        timeout_ms: Some(2_000),
        max_stack_depth: Some(2_000),
        max_sequence_length: Some(1_000_000),
        ..EvaluatorOptions::default()
    };
    let mut ev = Evaluator::with_options(ctx, options);
    register_aws_functions(&mut ev, Rc::new(RefCell::new(SplitMix64(rng.next_u64()))));
    let data = JValue::from(env.states.get("input").cloned().unwrap_or(Value::Null));
    ev.evaluate(&ast, &data)
        .map(|value| Evaluated { value })
        .map_err(|e| query_error(e.to_string()))
}

/// Evaluates a field's value: a `{% ... %}` string is an expression, objects and arrays are walked (members whose
/// expression is `undefined` are left out), other values are literals. `field` names the field in causes.
pub fn eval_template(
    v: &Value,
    field: &str,
    env: &JsonataEnv<'_>,
    rng: &mut dyn RandomSource,
) -> Result<Option<Value>, EvalError> {
    eval_template_depth(v, field, env, rng, 0)
}

fn eval_template_depth(
    v: &Value,
    field: &str,
    env: &JsonataEnv<'_>,
    rng: &mut dyn RandomSource,
    depth: usize,
) -> Result<Option<Value>, EvalError> {
    if depth > MAX_TEMPLATE_DEPTH {
        return Err(query_error("The payload template is nested too deeply"));
    }
    match v {
        Value::String(s) => match enclosed(s) {
            Some(e) => {
                let r = eval_body(e.body, env, rng).map_err(|mut err| {
                    if !err.cause.starts_with("The JSONata expression") {
                        err.cause = format!(
                            "The JSONata expression '{}' specified for the field '{field}' threw an error during evaluation. {}",
                            e.body.trim(),
                            err.cause
                        );
                    }
                    err
                })?;
                if r.is_function() {
                    return Err(query_error(format!(
                        "The JSONata expression '{}' specified for the field '{field}' returned an unsupported result type.",
                        e.body.trim()
                    )));
                }
                Ok(r.json())
            }
            None => Ok(Some(v.clone())),
        },
        Value::Object(o) => {
            let mut m = Map::with_capacity(o.len());
            for (k, x) in o {
                if let Some(val) = eval_template_depth(x, field, env, rng, depth + 1)? {
                    m.insert(k.clone(), val);
                }
            }
            Ok(Some(Value::Object(m)))
        }
        Value::Array(a) => {
            let mut out = Vec::with_capacity(a.len());
            for x in a {
                out.push(
                    eval_template_depth(x, field, env, rng, depth + 1)?.unwrap_or(Value::Null),
                );
            }
            Ok(Some(Value::Array(out)))
        }
        other => Ok(Some(other.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(body: &str, states: Value, vars: Value) -> Result<Option<Value>, EvalError> {
        let vars = vars.as_object().cloned().unwrap_or_default();
        let env = JsonataEnv {
            states: &states,
            variables: &vars,
        };
        eval_body(body, &env, &mut SplitMix64(1)).map(|r| r.json())
    }

    #[test]
    fn states_variables_and_numbers() {
        let st = json!({"input": {"a": [1, 2, 3]}, "context": {"State": {"Name": "S"}}});
        assert_eq!(
            ev("$sum($states.input.a)", st.clone(), json!({})).unwrap(),
            Some(json!(6))
        );
        assert_eq!(
            ev("a[0] / 2", st.clone(), json!({})).unwrap(),
            Some(json!(0.5))
        );
        assert_eq!(
            ev("$x & '!'", st.clone(), json!({"x": "hi"})).unwrap(),
            Some(json!("hi!"))
        );
        assert_eq!(
            ev("$states.context.State.Name", st.clone(), json!({})).unwrap(),
            Some(json!("S"))
        );
        assert_eq!(
            ev("$nothing", st.clone(), json!({})).unwrap_err().error,
            "States.QueryEvaluationError"
        );
        assert_eq!(
            ev("$states.input.nothing", st.clone(), json!({})).unwrap(),
            None
        );
        assert_eq!(
            ev("$range(1, 1, 1)", st.clone(), json!({})).unwrap(),
            Some(json!(1))
        );
        assert_eq!(
            ev("$partition([1,2,3], 2)", st.clone(), json!({})).unwrap(),
            Some(json!([[1, 2], [3]]))
        );
        assert_eq!(
            ev("$range(0, 10, 5)", st.clone(), json!({})).unwrap(),
            Some(json!([0, 5, 10]))
        );
        assert_eq!(
            ev("$parse('{\"k\": [1]}')", st.clone(), json!({})).unwrap(),
            Some(json!({"k": [1]}))
        );
        assert!(ev("$uuid()", st.clone(), json!({})).unwrap().is_some());
        let e = ev("$error('boom')", st, json!({})).unwrap_err();
        assert_eq!(e.error, "States.QueryEvaluationError");
        assert!(ev("(", json!({}), json!({})).is_err());
    }

    #[test]
    fn templates() {
        let st = json!({"input": {"n": 2}});
        let vars = Map::new();
        let env = JsonataEnv {
            states: &st,
            variables: &vars,
        };
        let t = json!({"double": "{% n * 2 %}", "lit": "n * 2", "gone": "{% missing %}", "list": ["{% n %}", 1]});
        assert_eq!(
            eval_template(&t, "Output", &env, &mut SplitMix64(0)).unwrap(),
            Some(json!({"double": 4, "lit": "n * 2", "list": [2, 1]}))
        );
    }
}

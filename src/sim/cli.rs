//! Library side of `aslint run`: reading JSON inputs with positions, loading mocks from a file in either form, and
//! the human timeline. The binary only parses arguments and prints.

use super::{Execution, MockError, Mocks, Status};
use crate::syntax::Span;
use serde_json::Value;

/// A JSON text that could not be read, with the byte span of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonTextError {
    pub message: String,
    pub span: Span,
}

/// Parses a JSON text (an input, a context, a resources file), reporting the byte offset of a syntax error.
pub fn parse_json_text(text: &str) -> Result<Value, JsonTextError> {
    serde_json::from_str(text).map_err(|e| {
        let offset = line_col_to_offset(text, e.line(), e.column());
        JsonTextError {
            message: format!("not valid JSON: {e}"),
            span: Span::new(offset, (offset + 1).min(text.len()).max(offset)),
        }
    })
}

/// serde_json's 1-based line and 1-based column (in bytes) to a byte offset (clamped to the text, on a char
/// boundary).
fn line_col_to_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let at = offset + column.saturating_sub(1).min(l.len());
            return crate::syntax::floor_char_boundary(text, at.min(text.len()));
        }
        offset += l.len();
    }
    text.len()
}

/// Loads mocks from a file: a Step Functions Local `MockConfigFile` (has `StateMachines`; needs `test_case`) or the
/// inline form (`{"State": [{"Return": ...}]}` or `{"State": {"0": {...}}}`).
pub fn load_mocks(
    text: &str,
    state_machine: Option<&str>,
    test_case: Option<&str>,
) -> Result<Mocks, MockError> {
    let looks_like_config = parse_json_text(text)
        .map(|v| v.get("StateMachines").is_some() || v.get("MockedResponses").is_some())
        .unwrap_or(true);
    if looks_like_config {
        let Some(case) = test_case else {
            // Read the file anyway: syntax and structure errors come first, and the help lists the test cases.
            let help = match Mocks::from_config_text(text, state_machine, "") {
                Err(e) if e.message.contains("test case ``") => e.help,
                Err(e) => return Err(e),
                Ok(_) => None,
            };
            return Err(MockError {
                message: "a MockConfigFile needs --test-case to choose a test case".into(),
                span: None,
                help: Some(format!(
                    "pass --test-case NAME (and --state-machine NAME when several machines define it){}",
                    help.map(|h| format!("; {h}")).unwrap_or_default()
                )),
            });
        };
        return Mocks::from_config_text(text, state_machine, case);
    }
    let v = parse_json_text(text).map_err(|e| MockError {
        message: e.message,
        span: Some(e.span),
        help: None,
    })?;
    Mocks::from_inline_value(&v).map_err(|message| MockError {
        message,
        span: None,
        help: Some(
            "the inline form maps Task state names to [{\"Return\": ...}, {\"Throw\": {\"Error\": ..., \"Cause\": ...}}]"
                .into(),
        ),
    })
}

fn short(v: &Value, max: usize) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() <= max {
        s
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// A readable timeline: one line per history event (time, id, type, state and the data it carried), then the
/// result.
pub fn render_timeline(e: &Execution) -> String {
    let mut out = String::new();
    for ev in &e.events_json() {
        let id = ev.get("id").and_then(Value::as_u64).unwrap_or(0);
        let ts = ev.get("timestamp").and_then(Value::as_str).unwrap_or("");
        let ty = ev.get("type").and_then(Value::as_str).unwrap_or("");
        let details = ev
            .as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")))
            .map(|(_, v)| v);
        let name = details
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str)
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        let data = details.and_then(|d| {
            ["input", "output", "error"]
                .iter()
                .find_map(|k| d.get(*k).map(|v| (*k, v)))
        });
        let data = match data {
            Some((k, Value::String(s))) => {
                let parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::String(s.clone()));
                format!("  {k}: {}", short(&parsed, 100))
            }
            Some((k, v)) if !v.is_null() => format!("  {k}: {}", short(v, 100)),
            _ => String::new(),
        };
        out.push_str(&format!("{ts}  #{id:<4} {ty}{name}{data}\n"));
    }
    out.push('\n');
    out.push_str(&format!("status: {}\n", e.status.as_str()));
    match e.status {
        Status::Succeeded => {
            let o = e.output.as_ref().map_or(String::new(), |o| {
                serde_json::to_string_pretty(o).unwrap_or_default()
            });
            out.push_str(&format!("output: {o}\n"));
        }
        _ => {
            out.push_str(&format!(
                "error:  {}\n",
                e.error.as_deref().unwrap_or("(none)")
            ));
            out.push_str(&format!(
                "cause:  {}\n",
                e.cause.as_deref().unwrap_or("(none)")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_have_offsets() {
        let e = parse_json_text("{\n  \"a\": 1,\n  oops\n}").unwrap_err();
        assert_eq!(e.span.start(), 14);
        assert!(e.message.starts_with("not valid JSON"));
        assert!(parse_json_text("[1, 2]").is_ok());
        let e = parse_json_text("").unwrap_err();
        assert_eq!(e.span.start(), 0);
    }

    #[test]
    fn mocks_in_both_forms() {
        let inline = load_mocks(r#"{"A": [{"Return": 1}]}"#, None, None).unwrap();
        assert!(inline.has_state("A"));
        let cfg = r#"{"StateMachines": {"M": {"TestCases": {"T": {"A": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": 2}}}}"#;
        assert!(load_mocks(cfg, None, Some("T")).unwrap().has_state("A"));
        let e = load_mocks(cfg, None, None).unwrap_err();
        assert!(e.message.contains("--test-case"));
        assert!(load_mocks("{\"A\": 3}", None, None).is_err());
    }
}

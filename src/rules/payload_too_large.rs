use crate::diagnostics::Diagnostic;
use crate::model::check::{is_jsonata_expression, is_unknown};
use crate::model::{QueryLanguage, RawField};
use crate::rules::{Context, Rule, RuleMeta};
use crate::syntax::{Node, Value};

/// The payload quota: state input, output and result, in bytes of UTF-8.
pub const MAX_PAYLOAD_BYTES: u64 = 256 * 1024;

declare_rule! {
    /// ## What it does
    /// Reports a `Result`, `Parameters`, `Arguments`, `ItemSelector`, `ResultSelector` or `Output` whose static
    /// content alone serializes to more than 256 KiB (262,144 bytes of UTF-8).
    ///
    /// Only what is written in the definition counts: members computed at run time (keys ending in `.$`,
    /// JSONata `{% ... %}` expressions, `${...}` placeholders) are left out, so the size is a lower bound and a
    /// finding is certain.
    ///
    /// ## Why is this bad?
    /// Step Functions limits the input, output and result of a state to 256 KiB. A state whose payload is over
    /// the quota fails with `States.DataLimitExceeded` on every execution, an error no retrier retries.
    ///
    /// ## Example
    /// A Pass state whose `Result` embeds a 400 KiB lookup table.
    ///
    /// Use instead: store the data in S3 (or DynamoDB) and pass its location; read it where needed with a Task
    /// state or a Distributed Map `ItemReader`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/avoid-exec-failures.html>
    /// - <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>
    pub struct PayloadTooLarge {
        code: "ASL803",
        name: "payload-too-large",
        category: Limits,
        severity: Error,
        aws_code: None,
    }
}

/// Bytes of a JSON string literal (quotes and escapes included) as a compact serializer writes it.
fn string_len(s: &str) -> u64 {
    let mut n: u64 = 2;
    for b in s.bytes() {
        n = n.saturating_add(match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        });
    }
    n
}

fn number_len(node: &Node) -> u64 {
    let s = node.to_json().to_string();
    s.len() as u64
}

/// A lower bound of the compact JSON size of the value this template produces. `template`: keys ending in `.$`
/// are computed (JSONPath payload templates); `jsonata`: `{% ... %}` strings are computed.
fn static_size(node: &Node, template: bool, jsonata: bool, depth: usize) -> u64 {
    if depth > crate::syntax::MAX_DEPTH || is_unknown(node) {
        return 0;
    }
    match &node.value {
        Value::Null => 4,
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(_) => number_len(node),
        Value::String(s) => {
            if jsonata && is_jsonata_expression(s) {
                0
            } else {
                string_len(s)
            }
        }
        Value::Array(items) => {
            let mut n: u64 = 2;
            for (i, it) in items.iter().enumerate() {
                n = n
                    .saturating_add(u64::from(i > 0))
                    .saturating_add(static_size(it, template, jsonata, depth + 1));
            }
            n
        }
        Value::Object(members) => {
            let mut n: u64 = 2;
            let mut counted = 0u64;
            for m in members {
                let computed = (template && m.key.text.ends_with(".$"))
                    || (jsonata && m.value.as_str().is_some_and(is_jsonata_expression))
                    || is_unknown(&m.value);
                if computed {
                    continue;
                }
                n = n
                    .saturating_add(u64::from(counted > 0))
                    .saturating_add(string_len(&m.key.text))
                    .saturating_add(1)
                    .saturating_add(static_size(&m.value, template, jsonata, depth + 1));
                counted += 1;
            }
            n
        }
        Value::Tagged { .. } | Value::Error => 0,
    }
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

impl Rule for PayloadTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(model) = ctx.model else { return };
        for sr in model.states() {
            let st = sr.state;
            let jsonata = st.query_language == QueryLanguage::Jsonata;
            let fields: [(Option<&RawField<'_>>, bool, &str); 6] = [
                (st.result.as_ref(), false, "result"),
                (st.parameters.as_ref(), true, "input"),
                (st.arguments.as_ref(), false, "input"),
                (st.item_selector.as_ref(), true, "item input"),
                (st.result_selector.as_ref(), true, "result"),
                (st.output.as_ref(), false, "output"),
            ];
            for (field, template, role) in fields {
                let Some(f) = field else { continue };
                let size = static_size(f.node, template, jsonata, 0);
                if size <= MAX_PAYLOAD_BYTES {
                    continue;
                }
                let name = &f.key.text;
                out.push(
                    META.diagnostic(
                        f.key.span,
                        format!(
                            "`{name}` of {} is at least {} ({size} bytes), over the 256 KiB payload limit",
                            st.describe(),
                            kib(size)
                        ),
                    )
                    .label(format!("this {role} is over 256 KiB"))
                    .note("Step Functions fails a state whose input, output or result is over 256 KiB with `States.DataLimitExceeded`, on every execution")
                    .help("store the data in S3 or DynamoDB and pass its location instead")
                    .pointer(f.pointer.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::SourceKind;

    fn findings(text: &str) -> Vec<crate::diagnostics::Diagnostic> {
        crate::lint::lint_source("t", text, SourceKind::Json)
            .into_iter()
            .filter(|d| d.rule.code == super::META.code)
            .collect()
    }

    #[test]
    fn static_result_over_the_quota_is_reported() {
        let big = "x".repeat(300 * 1024);
        let text = format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","Result":{{"blob":"{big}"}},"End":true}}}}}}"#
        );
        let d = findings(&text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/A/Result");
        assert_eq!(&text[d[0].span().range()], "\"Result\"");
    }

    #[test]
    fn item_selector_and_result_selector_count_their_static_part() {
        let big = "y".repeat(270 * 1024);
        let text = format!(
            r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","ItemsPath":"$.items","End":true,
                "ItemSelector":{{"item.$":"$$.Map.Item.Value","table":"{big}"}},
                "ResultSelector":{{"table":"{big}"}},
                "ItemProcessor":{{"StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}}}}}}}}"#
        );
        let d = findings(&text);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].pointer, "/States/M/ItemSelector");
        assert_eq!(d[1].pointer, "/States/M/ResultSelector");
    }

    #[test]
    fn computed_members_do_not_count_and_serialized_size_is_exact() {
        let big = "x".repeat(300 * 1024);
        let text = format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Task","Resource":"r","Parameters":{{"blob.$":"$.{big}"}},"End":true}}}}}}"#
        );
        assert!(findings(&text).is_empty());
        let node = crate::syntax::parse(
            r#"{"a":[1,2.5,"q\"\n",null,true],"b":{}}"#,
            SourceKind::Json,
        )
        .root
        .expect("parses");
        let exact = node.to_json().to_string().len() as u64;
        assert_eq!(super::static_size(&node, false, false, 0), exact);
    }
}

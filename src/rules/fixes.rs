//! Building blocks of the fixes the rules offer: replacing a token while keeping its quoting style, and the
//! did-you-mean rename.

use crate::diagnostics::{Applicability, Edit, Fix};
use crate::syntax::{SourceKind, Span};

/// An edit replacing the string token (a key or a value) at `span` with the string `to`, written in the token's
/// quoting style and escaped for it: double quotes (JSON, JSON5, YAML), single quotes (JSON5 `\'`, YAML `''`), or
/// a YAML plain scalar / JSON5 unquoted key when `to` reads back unchanged that way (else double-quoted).
pub fn replace_token(source: &str, kind: SourceKind, span: Span, to: &str) -> Edit {
    let token = source.get(span.range()).unwrap_or("");
    let double = || serde_json::to_string(to).unwrap_or_else(|_| format!("\"{to}\""));
    let replacement = match token.chars().next() {
        Some('"') => double(),
        Some('\'') if kind == SourceKind::Yaml => format!("'{}'", to.replace('\'', "''")),
        Some('\'') => format!("'{}'", to.replace('\\', "\\\\").replace('\'', "\\'")),
        _ if is_plain_safe(to) => to.to_string(),
        _ => double(),
    };
    Edit { span, replacement }
}

/// True when `s` reads back as the same string written unquoted (a YAML plain scalar, a JSON5 identifier-like
/// key): a letter first, then letters, digits, spaces and `_-.()$`, no YAML indicators, not a YAML keyword.
pub fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    first.is_alphabetic()
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '(' | ')' | '$'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

/// A fix replacing the misspelt `name` at `span` by its did-you-mean `suggestion`, written as `replacement`: safe
/// when only the case differs (the intent is certain), unsafe otherwise (the closest name is a guess to confirm).
pub fn suggestion_fix(name: &str, suggestion: &str, span: Span, replacement: String) -> Fix {
    Fix {
        title: format!("Replace `{name}` with `{suggestion}`"),
        applicability: if name.eq_ignore_ascii_case(suggestion) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        edits: vec![Edit { span, replacement }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(source: &str, kind: SourceKind, to: &str) -> String {
        replace_token(source, kind, Span::new(0, source.len()), to).replacement
    }

    #[test]
    fn keeps_and_escapes_the_quoting_style() {
        assert_eq!(replaced("\"a\"", SourceKind::Json, "b\"c"), "\"b\\\"c\"");
        assert_eq!(replaced("'a'", SourceKind::Yaml, "it's"), "'it''s'");
        assert_eq!(replaced("'a'", SourceKind::Json5, "it's"), "'it\\'s'");
        assert_eq!(replaced("a", SourceKind::Yaml, "Next.$"), "Next.$");
        assert_eq!(replaced("a", SourceKind::Yaml, "yes"), "\"yes\"");
        assert_eq!(replaced("a", SourceKind::Yaml, "a: b"), "\"a: b\"");
    }
}

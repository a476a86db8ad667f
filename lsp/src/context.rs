//! What the cursor is on in a possibly half-typed document, from the text around it: a key being typed, the value
//! of a key, or an array element. The tree (recovered by the parsers) is used only to find the object around.

use aslint::syntax::{floor_char_boundary, SourceKind};

/// Where the cursor is, syntactically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Typing a key of an object.
    Key,
    /// Typing the value of `key`.
    Value { key: String },
    /// Typing an element of the array that is the value of `key`.
    Item { key: String },
}

/// The cursor's surroundings.
#[derive(Debug, Clone)]
pub struct CursorContext {
    pub role: Role,
    /// Inside a string token (after its opening quote).
    pub in_string: bool,
    /// Byte range of the token being typed: from its opening quote (or first character) to its end (closing quote
    /// included when on the same line), for replacing it whole.
    pub token_start: usize,
    pub token_end: usize,
    /// Byte offset where the string's content starts (after the quote), or `token_start`.
    pub content_start: usize,
    /// Byte offset where the string's content ends (before the closing quote), or the cursor.
    pub content_end: usize,
    /// The text typed so far in the token (content only).
    pub prefix: String,
    /// For keys: the offset of something identifying the object being typed in: the `{` of a JSON object, or the
    /// start of a sibling key in YAML (`None` when not found).
    pub object_anchor: Option<usize>,
    /// For YAML: the indentation column of the token (for siblings); for JSON unused.
    pub indent: usize,
    /// The quote that opened the string the cursor is in, when the string is not closed on its line.
    pub unclosed_quote: Option<char>,
}

const SCAN_LIMIT: usize = 64 * 1024;

fn line_start(text: &str, off: usize) -> usize {
    text[..off].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

fn line_end(text: &str, off: usize) -> usize {
    text[off..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| off + i)
}

/// Computes the cursor context. `off` must be a char boundary of `text`.
pub fn cursor_context(text: &str, off: usize, kind: SourceKind) -> Option<CursorContext> {
    if off > text.len() || !text.is_char_boundary(off) {
        return None;
    }
    match kind {
        SourceKind::Yaml => yaml_context(text, off),
        _ => json_context(text, off),
    }
}

/// Finds an unescaped quote opening a string that the cursor is in, on the cursor's line.
fn open_quote(line: &str) -> Option<(usize, char)> {
    let mut open: Option<(usize, char)> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match open {
            Some((_, q)) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    open = None;
                }
            }
            None => {
                if c == '"' || c == '\'' {
                    open = Some((i, c));
                }
                if c == '/' && line[i..].starts_with("//") {
                    break;
                }
            }
        }
    }
    open
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '-' | ':' | '*')
}

fn json_context(text: &str, off: usize) -> Option<CursorContext> {
    let ls = line_start(text, off);
    let le = line_end(text, off);
    let before = &text[ls..off];
    let (in_string, token_start, content_start, quote) = match open_quote(before) {
        Some((i, q)) => (true, ls + i, ls + i + 1, Some(q)),
        None => {
            let w = before
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_word(*c))
                .last()
                .map_or(off, |(i, _)| ls + i);
            (false, w, w, None)
        }
    };
    let prefix = text[content_start..off].to_string();
    // The rest of the token: up to the closing quote on this line.
    let mut unclosed_quote = None;
    let (content_end, token_end) = match quote {
        Some(q) => {
            let rest = &text[off..le];
            match rest.find(q) {
                Some(i) => (off + i, off + i + q.len_utf8()),
                None => {
                    unclosed_quote = Some(q);
                    (off, off)
                }
            }
        }
        None => (off, off),
    };
    // What precedes the token.
    let head =
        &text[floor_char_boundary(text, token_start.saturating_sub(SCAN_LIMIT))..token_start];
    let head_start = token_start - head.len();
    let prev = head.trim_end();
    let role;
    let mut object_anchor = None;
    match prev.chars().last() {
        Some(':') => {
            let key = key_before(&prev[..prev.len() - 1]).unwrap_or_default();
            role = Role::Value { key };
        }
        Some('{') | Some(',') | Some('[') | None => {
            match enclosing_open(head) {
                Some((i, '{')) => {
                    role = Role::Key;
                    object_anchor = Some(head_start + i);
                }
                Some((i, _)) => {
                    let key = key_before(head[..i].trim_end().strip_suffix(':').unwrap_or(""))
                        .unwrap_or_default();
                    role = Role::Item { key };
                }
                None => role = Role::Key,
            };
        }
        _ => return None,
    }
    Some(CursorContext {
        role,
        in_string,
        token_start,
        token_end: token_end.max(off),
        content_start,
        content_end: content_end.max(off),
        prefix,
        object_anchor,
        indent: 0,
        unclosed_quote,
    })
}

/// The key string token ending just before `s`'s end (`"Name"` or a JSON5 bare word).
fn key_before(s: &str) -> Option<String> {
    let s = s.trim_end();
    if let Some(body) = s.strip_suffix('"') {
        let start = body.rfind('"')?;
        return Some(body[start + 1..].to_string());
    }
    if let Some(body) = s.strip_suffix('\'') {
        let start = body.rfind('\'')?;
        return Some(body[start + 1..].to_string());
    }
    let w: String = s
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '.')
        .collect();
    (!w.is_empty()).then(|| w.chars().rev().collect())
}

/// The innermost unclosed `{` or `[` in `head` (scanning backwards, skipping strings).
fn enclosing_open(head: &str) -> Option<(usize, char)> {
    let b = head.as_bytes();
    let mut depth = 0usize;
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        match b[i] {
            b'"' => {
                // Skip back to the opening quote (an escaped quote has an odd run of backslashes before it).
                let mut j = i;
                loop {
                    if j == 0 {
                        return None;
                    }
                    j -= 1;
                    if b[j] == b'"' {
                        let mut k = j;
                        let mut backslashes = 0;
                        while k > 0 && b[k - 1] == b'\\' {
                            k -= 1;
                            backslashes += 1;
                        }
                        if backslashes % 2 == 0 {
                            break;
                        }
                    }
                }
                i = j;
            }
            b'}' | b']' => depth += 1,
            b'{' | b'[' => {
                if depth == 0 {
                    return Some((i, b[i] as char));
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn yaml_context(text: &str, off: usize) -> Option<CursorContext> {
    let ls = line_start(text, off);
    let le = line_end(text, off);
    let before = &text[ls..off];
    let mut body_start = indent_of(before);
    let mut is_item = false;
    if before[body_start..].starts_with("- ") || &before[body_start..] == "-" {
        is_item = true;
        body_start += 2.min(before.len() - body_start);
        body_start += indent_of(&before[body_start..]);
    }
    let body = &before[body_start..];
    // `key: value` on this line?
    let colon = find_mapping_colon(body);
    let (in_string, token_start, content_start, quote) = match open_quote(body) {
        Some((i, q)) => (true, ls + body_start + i, ls + body_start + i + 1, Some(q)),
        None => {
            let w = before
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_word(*c))
                .last()
                .map_or(off, |(i, _)| ls + i);
            let w = w.max(ls + body_start);
            (false, w, w, None)
        }
    };
    let prefix = text[content_start..off].to_string();
    let mut unclosed_quote = None;
    let (content_end, token_end) = match quote {
        Some(q) => match text[off..le].find(q) {
            Some(i) => (off + i, off + i + 1),
            None => {
                unclosed_quote = Some(q);
                (off, off)
            }
        },
        None => (off, off),
    };
    let indent = token_start - ls;
    let role = if let Some(c) = colon {
        let key = unquote(body[..c].trim());
        let after = &body[c + 1..];
        if after.trim_start().starts_with('[') {
            Role::Item { key }
        } else {
            Role::Value { key }
        }
    } else if is_item {
        // A sequence item: the key owning the sequence is on the nearest less-indented line.
        let item_indent = indent_of(before);
        let key = parent_key(text, ls, item_indent).unwrap_or_default();
        if text[ls..le].contains(": ") && !body.is_empty() {
            Role::Key
        } else {
            Role::Item { key }
        }
    } else if let Some(i) = body.find('[') {
        let _ = i;
        Role::Item {
            key: parent_key(text, ls, indent_of(before) + 1).unwrap_or_default(),
        }
    } else {
        Role::Key
    };
    let object_anchor = if role == Role::Key {
        sibling_key(text, ls, le, indent)
    } else {
        None
    };
    Some(CursorContext {
        role,
        in_string,
        token_start,
        token_end: token_end.max(off),
        content_start,
        content_end: content_end.max(off),
        prefix,
        object_anchor,
        indent,
        unclosed_quote,
    })
}

/// The byte index of the `:` ending a mapping key in a YAML line body (outside quotes), if any.
fn find_mapping_colon(body: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in body.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && i == 0 => quote = Some(c),
            None if c == ':' => {
                let next = body[i + 1..].chars().next();
                if next.is_none() || next == Some(' ') {
                    return Some(i);
                }
            }
            None if c == '#' => return None,
            None => {}
        }
    }
    None
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    if t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')))
    {
        return t[1..t.len() - 1].to_string();
    }
    t.to_string()
}

/// The key of the nearest previous line indented less than `indent` that ends with `key:`.
fn parent_key(text: &str, line_start: usize, indent: usize) -> Option<String> {
    let head = &text[floor_char_boundary(text, line_start.saturating_sub(SCAN_LIMIT))..line_start];
    for line in head.lines().rev().take(2000) {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let ind = indent_of(line);
        if ind < indent {
            let body = line.trim_start().trim_start_matches("- ").trim_end();
            let c = find_mapping_colon(body)?;
            return Some(unquote(&body[..c]));
        }
    }
    None
}

/// The offset of a key on a line (before or after the cursor's line) at the same indentation, in the same block.
fn sibling_key(text: &str, ls: usize, le: usize, indent: usize) -> Option<usize> {
    // Lines before.
    let mut end = ls;
    let mut scanned = 0;
    while end > 0 && scanned < 2000 {
        scanned += 1;
        let prev_end = end.saturating_sub(1);
        let s = line_start(text, prev_end);
        let line = &text[s..prev_end];
        end = s;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let ind = indent_of(line);
        let ind_item = if line[ind..].starts_with("- ") {
            ind + 2 + indent_of(&line[ind + 2..])
        } else {
            ind
        };
        if ind_item == indent && find_mapping_colon(&line[ind_item..]).is_some() {
            return Some(s + ind_item);
        }
        if ind < indent && ind_item != indent {
            break;
        }
        if ind_item < indent {
            break;
        }
    }
    // Lines after.
    let mut start = le;
    scanned = 0;
    while start < text.len() && scanned < 2000 {
        scanned += 1;
        let s = start
            + text[start..]
                .find('\n')
                .map_or(text.len() - start, |i| i + 1);
        if s >= text.len() {
            break;
        }
        let e = line_end(text, s);
        let line = &text[s..e];
        start = e;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let ind = indent_of(line);
        if ind == indent && find_mapping_colon(&line[ind..]).is_some() {
            return Some(s + ind);
        }
        if ind < indent {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text_with_cursor: &str, kind: SourceKind) -> CursorContext {
        let off = text_with_cursor.find('|').unwrap();
        let text = text_with_cursor.replacen('|', "", 1);
        cursor_context(&text, off, kind).unwrap()
    }

    #[test]
    fn json_roles() {
        let c = ctx(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Ne|"#,
            SourceKind::Json,
        );
        assert_eq!(c.role, Role::Key);
        assert_eq!(c.prefix, "Ne");
        assert!(c.in_string);
        let c = ctx(r#"{"States": {"A": {"Next": "B|"}}}"#, SourceKind::Json);
        assert_eq!(c.role, Role::Value { key: "Next".into() });
        assert_eq!(c.prefix, "B");
        let c = ctx(
            r#"{"Retry": [{"ErrorEquals": ["States.ALL", "Sta|"]}]}"#,
            SourceKind::Json,
        );
        assert_eq!(
            c.role,
            Role::Item {
                key: "ErrorEquals".into()
            }
        );
        let c = ctx("{\n  \"a\": 1,\n  |\n}", SourceKind::Json);
        assert_eq!(c.role, Role::Key);
        assert_eq!(c.object_anchor, Some(0));
    }

    #[test]
    fn yaml_roles() {
        let c = ctx("States:\n  A:\n    Type: Task\n    Ne|", SourceKind::Yaml);
        assert_eq!(c.role, Role::Key);
        assert_eq!(c.prefix, "Ne");
        assert!(c.object_anchor.is_some());
        let c = ctx("States:\n  A:\n    Next: B|", SourceKind::Yaml);
        assert_eq!(c.role, Role::Value { key: "Next".into() });
        let c = ctx("Retry:\n  - ErrorEquals:\n      - Sta|", SourceKind::Yaml);
        assert_eq!(
            c.role,
            Role::Item {
                key: "ErrorEquals".into()
            }
        );
    }
}

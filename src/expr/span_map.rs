//! Maps byte offsets inside a string's *decoded content* to byte offsets in the source file.
//!
//! Expressions are parsed from decoded strings (`"$.a\u00e9"` in the file is `$.aé` in the tree), so their spans
//! are content offsets. To point a diagnostic at the right characters of the file, map them through the string
//! token: escapes such as `\"`, `\\` or `\u00e9` occupy more source bytes than content bytes.
//!
//! Handles double- and single-quoted strings with backslash escapes (JSON, JSON5, YAML double-quoted), YAML's `''`
//! inside single quotes, and unquoted scalars (identity). Anything that cannot be mapped exactly (YAML folded lines,
//! block scalars) yields `None`: fall back to the token's span.

use crate::syntax::Span;

/// Offsets of one string token, built once and queried many times.
#[derive(Debug, Clone)]
pub struct SpanMap {
    /// `(content_offset, source_offset)` at the start of every decoded character, plus one end entry.
    points: Vec<(usize, usize)>,
}

impl SpanMap {
    /// Builds the map for the string token at `token` (quotes included) in `source`; `None` when the token is not
    /// a simple quoted or plain scalar of `source`.
    pub fn new(source: &str, token: Span) -> Option<SpanMap> {
        let raw = source.get(token.range())?;
        let base = token.start();
        let first = raw.chars().next()?;
        let mut points = Vec::with_capacity(raw.len() + 1);
        if first != '"' && first != '\'' {
            // A plain scalar: content is the text itself, on one line.
            if raw.contains('\n') {
                return None;
            }
            for (i, _) in raw.char_indices() {
                points.push((i, base + i));
            }
            points.push((raw.len(), base + raw.len()));
            return Some(SpanMap { points });
        }
        let quote = first as u8;
        let b = raw.as_bytes();
        let mut i = 1usize; // source position within raw
        let mut content = 0usize;
        loop {
            let c = *b.get(i)?;
            if c == quote {
                // YAML single-quoted: '' is an escaped quote.
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    points.push((content, base + i));
                    content += 1;
                    i += 2;
                    continue;
                }
                points.push((content, base + i));
                return Some(SpanMap { points });
            }
            if c == b'\n' || c == b'\r' {
                // Multi-line scalars fold lines: not mapped exactly.
                return None;
            }
            if c == b'\\' {
                let e = *b.get(i + 1)?;
                let (consumed, produced) = match e {
                    b'u' => {
                        let cp = hex(b.get(i + 2..i + 6)?)?;
                        if (0xD800..0xDC00).contains(&cp)
                            && b.get(i + 6) == Some(&b'\\')
                            && b.get(i + 7) == Some(&b'u')
                        {
                            let lo = hex(b.get(i + 8..i + 12)?)?;
                            if (0xDC00..0xE000).contains(&lo) {
                                (12, 4)
                            } else {
                                (6, 3)
                            }
                        } else {
                            (6, char::from_u32(cp).map_or(3, char::len_utf8))
                        }
                    }
                    b'x' => {
                        let cp = hex(b.get(i + 2..i + 4)?)?;
                        (4, char::from_u32(cp).map_or(1, char::len_utf8))
                    }
                    b'U' => {
                        let cp = hex(b.get(i + 2..i + 10)?)?;
                        (10, char::from_u32(cp).map_or(4, char::len_utf8))
                    }
                    _ => {
                        let ch = raw.get(i + 1..)?.chars().next()?;
                        (1 + ch.len_utf8(), ch.len_utf8())
                    }
                };
                points.push((content, base + i));
                content += produced;
                i += consumed;
                continue;
            }
            let ch = raw.get(i..)?.chars().next()?;
            points.push((content, base + i));
            content += ch.len_utf8();
            i += ch.len_utf8();
        }
    }

    /// The source offset of content offset `offset`. An offset inside a multi-byte escape maps to the escape's
    /// start; past the end, to the closing quote.
    pub fn offset(&self, offset: usize) -> usize {
        let i = self.points.partition_point(|(c, _)| *c <= offset);
        match i.checked_sub(1).and_then(|k| self.points.get(k)) {
            Some((_, s)) => *s,
            None => self.points.first().map_or(0, |p| p.1),
        }
    }

    /// The source span of a content span (its end covers a whole escape when it ends inside one).
    pub fn span(&self, span: Span) -> Span {
        let start = self.offset(span.start());
        let end = if span.is_empty() {
            start
        } else {
            // The source start of the character after the span.
            let i = self.points.partition_point(|(c, _)| *c < span.end());
            self.points
                .get(i)
                .map_or_else(|| self.offset(span.end()), |p| p.1)
        };
        Span::new(start, end)
    }
}

fn hex(b: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(b).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// Maps one content offset of the string token `token` to its source offset; `None` when the token cannot be
/// mapped exactly.
pub fn content_to_source(source: &str, token: Span, content_offset: usize) -> Option<usize> {
    SpanMap::new(source, token).map(|m| m.offset(content_offset))
}

/// Maps a content span to a source span, falling back to the whole token when the token cannot be mapped.
pub fn map_span(source: &str, token: Span, content: Span) -> Span {
    match SpanMap::new(source, token) {
        Some(m) => m.span(content),
        None => token,
    }
}

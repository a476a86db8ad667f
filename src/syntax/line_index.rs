//! Byte offsets → 1-based line and column (columns count Unicode scalar values).

/// Precomputed line starts of a text. `\n`, `\r\n` and a lone `\r` all end a line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line_starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// 0-based line of a byte offset (offsets past the end clamp to the end).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        }
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based (line, column), the column counting Unicode scalar values. An offset inside a multi-byte
    /// character is treated as the start of that character.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let col = text[start..offset].chars().count();
        (line + 1, col + 1)
    }

    /// 0-based (line, character) with the character counted in UTF-16 code units (for the language server).
    pub fn line_col_utf16(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let col = text[start..offset].chars().map(char::len_utf16).sum();
        (line, col)
    }
}

/// The greatest char boundary at or before `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_lines() {
        let t = "ab\ncd\n";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, 0), (1, 1));
        assert_eq!(ix.line_col(t, 1), (1, 2));
        assert_eq!(ix.line_col(t, 3), (2, 1));
        assert_eq!(ix.line_col(t, 6), (3, 1));
    }

    #[test]
    fn crlf_counts_as_one_break() {
        let t = "a\r\nb\rc";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, 3), (2, 1));
        assert_eq!(ix.line_col(t, 5), (3, 1));
        assert_eq!(ix.line_count(), 3);
    }

    #[test]
    fn multibyte_columns_count_scalars() {
        let t = "\"é😀\": x";
        let ix = LineIndex::new(t);
        let x = t.find('x').unwrap();
        assert_eq!(ix.line_col(t, x), (1, 7));
        assert_eq!(ix.line_col_utf16(t, x), (0, 7));
        // Inside the emoji: clamps to its start.
        let e = t.find('😀').unwrap();
        assert_eq!(ix.line_col(t, e + 2), (1, 3));
    }

    #[test]
    fn past_end_clamps() {
        let t = "ab";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, 99), (1, 3));
    }
}

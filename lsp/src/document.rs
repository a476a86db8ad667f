//! An open document: its text, version, syntax, the analysis results kept with it (computed once per version),
//! and the UTF-16 ⇄ byte-offset conversions (the only place positions change units).

use aslint::syntax::{floor_char_boundary, LineIndex, SourceKind, Span};
use aslint::typeflow::Analysis;
use std::sync::OnceLock;
use tower_lsp_server::ls_types::{Position, Range};

/// The text of an open document at one version.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub kind: SourceKind,
    /// True for `*.asl.*` names: always linted. Other documents are linted only when they look like a definition.
    pub is_asl_name: bool,
    pub index: LineIndex,
    /// The type-flow analysis of this version's text, computed on first use (the server warms it on the blocking
    /// pool right after linting a new version) and shared by every request on this version.
    typeflow: OnceLock<Option<Analysis>>,
}

impl Document {
    pub fn new(text: String, version: i32, kind: SourceKind, is_asl_name: bool) -> Self {
        let index = LineIndex::new(&text);
        Document {
            text,
            version,
            kind,
            is_asl_name,
            index,
            typeflow: OnceLock::new(),
        }
    }

    /// The type-flow analysis of the text (shapes per state, every path read), with an unknown execution input;
    /// `None` when the text has no object at its top or is too large to analyse. Computed once per version.
    pub fn typeflow(&self) -> Option<&Analysis> {
        self.typeflow
            .get_or_init(|| {
                if self.text.len() > aslint::lint::MAX_ANALYZED_BYTES {
                    return None;
                }
                let parsed = aslint::syntax::parse(&self.text, self.kind);
                let root = parsed.root.as_ref().filter(|r| r.as_object().is_some())?;
                let model = aslint::model::build(root);
                let sem = aslint::semantic::Semantic::build(&model);
                Some(aslint::typeflow::analyze(&sem))
            })
            .as_ref()
    }

    /// The LSP position (0-based line, UTF-16 character) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let (line, character) = self.index.line_col_utf16(&self.text, offset);
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start()), self.position(span.end()))
    }

    /// The byte offset of an LSP position. Out-of-range lines clamp to the end of the text, out-of-range characters
    /// to the end of the line, and a position inside a surrogate pair to the start of that character.
    pub fn offset(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(start) = self.index.line_start(line) else {
            return self.text.len();
        };
        let end = self
            .index
            .line_start(line + 1)
            .unwrap_or(self.text.len())
            .min(self.text.len());
        let line_text = self.text.get(start..end).unwrap_or("");
        let line_text = line_text.trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        let want = pos.character as usize;
        for (i, c) in line_text.char_indices() {
            if units >= want {
                return start + i;
            }
            units += c.len_utf16();
            if units > want {
                // Inside a surrogate pair: the start of the character.
                return start + i;
            }
        }
        floor_char_boundary(&self.text, start + line_text.len())
    }

    /// The byte span of an LSP range (start ≤ end).
    pub fn span(&self, range: Range) -> Span {
        let a = self.offset(range.start);
        let b = self.offset(range.end);
        Span::new(a.min(b), a.max(b))
    }
}

/// Picks the syntax of a document from its URI path, else from the client's language id.
pub fn source_kind(path: &str, language_id: &str) -> SourceKind {
    let lower = path.to_ascii_lowercase();
    let known = [".json", ".json5", ".yaml", ".yml"]
        .iter()
        .any(|e| lower.ends_with(e));
    if known {
        return SourceKind::from_path(path);
    }
    match language_id {
        "yaml" => SourceKind::Yaml,
        "json5" => SourceKind::Json5,
        _ => SourceKind::Json,
    }
}

/// True for `*.asl.json`, `*.asl.yaml`, `*.asl.yml` (and `*.asl.json5`).
pub fn is_asl_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".asl.json", ".asl.yaml", ".asl.yml", ".asl.json5"]
        .iter()
        .any(|e| lower.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trip() {
        let d = Document::new("{\"é😀\": 1}\nab".into(), 1, SourceKind::Json, true);
        let one = d.text.find('1').unwrap();
        let p = d.position(one);
        assert_eq!(p, Position::new(0, 8));
        assert_eq!(d.offset(p), one);
        // Inside the surrogate pair of 😀: the start of the emoji.
        assert_eq!(d.offset(Position::new(0, 4)), d.text.find('😀').unwrap());
        assert_eq!(d.offset(Position::new(1, 99)), d.text.len());
        assert_eq!(d.offset(Position::new(99, 0)), d.text.len());
        assert_eq!(d.offset(Position::new(0, 99)), d.text.find('\n').unwrap());
    }

    #[test]
    fn kind_from_name_then_language() {
        assert_eq!(source_kind("/a/b.asl.yaml", "json"), SourceKind::Yaml);
        assert_eq!(source_kind("/bench/doc", "yaml"), SourceKind::Yaml);
        assert_eq!(source_kind("/bench/doc", "json"), SourceKind::Json);
        assert!(is_asl_name("/x/Y.ASL.json"));
        assert!(!is_asl_name("/x/package.json"));
    }
}

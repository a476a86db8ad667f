//! Helpers shared by the integration tests.
#![allow(dead_code)]
use std::path::PathBuf;

/// `../shared` beside the crate root, when present. When absent, prints a notice and returns `None`, unless
/// `ASLINT_REQUIRE_SHARED=1` is set (as `.ci/run` does), in which case it panics.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var("ASLINT_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("{test}: ../shared is absent but ASLINT_REQUIRE_SHARED=1 demands it");
    }
    eprintln!("notice: {test} skipped: ../shared is absent");
    None
}

/// Every definition file (not INDEX.json / docs) under a corpus folder, sorted.
pub fn corpus_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let lower = name.to_ascii_lowercase();
                if name != "INDEX.json"
                    && [".json", ".json5", ".yaml", ".yml"]
                        .iter()
                        .any(|x| lower.ends_with(x))
                {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

/// Lints a file from disk as `aslint check` would (all rules, default severities).
pub fn lint_file(path: &std::path::Path) -> Vec<aslint::diagnostics::Diagnostic> {
    let name = path.display().to_string();
    let kind = aslint::syntax::SourceKind::from_path(&name);
    let bytes = std::fs::read(path).expect("corpus file readable");
    let decoded = aslint::lint::decode(bytes, kind);
    match decoded.error {
        Some(d) => vec![d],
        None => aslint::lint::lint_source(&name, &decoded.text, kind),
    }
}

/// The oracle's comparison rule 4 (../shared/oracle/README.md): a placeholder token matches any text within a
/// string. The expected string is split at the tokens and the pieces must appear in order.
pub fn placeholder_match(expected: &str, actual: &str, placeholders: &[String]) -> bool {
    if expected == actual {
        return true;
    }
    let mut pieces: Vec<&str> = vec![expected];
    for t in placeholders {
        pieces = pieces.iter().flat_map(|p| p.split(t.as_str())).collect();
    }
    if pieces.len() == 1 {
        return false;
    }
    let mut rest = actual;
    let last = pieces.len() - 1;
    for (i, piece) in pieces.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(piece) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == last {
            return rest.ends_with(piece);
        } else {
            match rest.find(piece) {
                Some(k) => rest = &rest[k + piece.len()..],
                None => return false,
            }
        }
    }
    true
}

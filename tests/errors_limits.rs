//! Invariants of the Errors (ASL4xx) and Limits (ASL8xx) findings over the rule fixtures and the shared corpus:
//! every primary span lies in the text on character boundaries, and every pointer resolves in the tree to the
//! node the finding is about (the primary span is inside that node, or is the key naming it).
mod support;

use aslint::diagnostics::Diagnostic;
use aslint::syntax::{self, Key, Node, SourceKind};
use std::path::{Path, PathBuf};

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The node at an RFC 6901 pointer, with the key naming it when it is an object member.
fn resolve<'n>(root: &'n Node, pointer: &str) -> Option<(Option<&'n Key>, &'n Node)> {
    let mut node = root;
    let mut key = None;
    if pointer.is_empty() {
        return Some((None, root));
    }
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token = unescape(raw);
        if let Some(members) = node.as_object() {
            let m = members.iter().find(|m| m.key.text == token)?;
            key = Some(&m.key);
            node = &m.value;
        } else {
            let items = node.as_array()?;
            node = items.get(token.parse::<usize>().ok()?)?;
            key = None;
        }
    }
    Some((key, node))
}

fn ours(d: &Diagnostic) -> bool {
    d.rule.code.starts_with("ASL4") || d.rule.code.starts_with("ASL8")
}

fn check_file(path: &Path, checked: &mut usize) -> Vec<String> {
    let mut problems = Vec::new();
    let name = path.display().to_string();
    let kind = SourceKind::from_path(&name);
    let Ok(bytes) = std::fs::read(path) else {
        return problems;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return problems;
    };
    let diags = aslint::lint::lint_source(&name, &text, kind);
    let parsed = syntax::parse(&text, kind);
    for d in diags.iter().filter(|d| ours(d)) {
        *checked += 1;
        let span = d.span();
        if span.end() > text.len()
            || !text.is_char_boundary(span.start())
            || !text.is_char_boundary(span.end())
        {
            problems.push(format!(
                "{name}: [{}] span {span:?} outside the text",
                d.rule.name
            ));
            continue;
        }
        for l in &d.secondary {
            if l.span.end() > text.len() {
                problems.push(format!(
                    "{name}: [{}] secondary label outside the text",
                    d.rule.name
                ));
            }
        }
        if d.message.ends_with('.') || d.help.is_none() || d.notes.is_empty() {
            problems.push(format!(
                "{name}: [{}] message/note/help conventions",
                d.rule.name
            ));
        }
        let Some(root) = parsed.root.as_ref() else {
            if !d.pointer.is_empty() {
                problems.push(format!("{name}: [{}] pointer without a tree", d.rule.name));
            }
            continue;
        };
        match resolve(root, &d.pointer) {
            None => problems.push(format!(
                "{name}: [{}] pointer {} does not resolve",
                d.rule.name, d.pointer
            )),
            Some((key, node)) => {
                let inside = node.span.start <= span.start && span.end <= node.span.end;
                let is_key = key.is_some_and(|k| k.span == span);
                if !(inside || is_key || d.pointer.is_empty()) {
                    problems.push(format!(
                        "{name}: [{}] primary span {span:?} is not at pointer {}",
                        d.rule.name, d.pointer
                    ));
                }
            }
        }
    }
    problems
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    support::corpus_files(dir)
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "snapshots"))
        .collect()
}

#[test]
fn fixture_findings_have_sound_spans_and_pointers() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in files_under(&base) {
        problems.extend(check_file(&file, &mut checked));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        checked >= 20,
        "only {checked} findings of the Errors/Limits rules in the fixtures"
    );
}

#[test]
fn corpus_findings_have_sound_spans_and_pointers() {
    let Some(shared) = support::shared_dir("corpus_findings_have_sound_spans_and_pointers") else {
        return;
    };
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in files_under(&shared.join("corpus")) {
        problems.extend(check_file(&file, &mut checked));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        checked > 10,
        "only {checked} findings of the Errors/Limits rules in the corpus"
    );
}

//! Soak: thousands of random edits (insertions, deletions, garbage) to shared-corpus documents, sent to the real
//! server; after each batch the server must be alive and its published diagnostics must equal what the library
//! reports for the same text.

mod common;

use aslint::diagnostics::Severity;
use aslint::syntax::{floor_char_boundary, LineIndex, SourceKind};
use common::Client;
use serde_json::{json, Value};
use std::path::PathBuf;

/// `shared/` beside the workspace (`../../shared` from this crate, `../shared` from the repository root).
fn shared_dir(test: &str) -> Option<PathBuf> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for dir in [here.join("../../shared"), here.join("../shared")] {
        if dir.join("corpus").is_dir() {
            return Some(dir);
        }
    }
    if std::env::var("ASLINT_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("{test}: the shared corpus is absent but ASLINT_REQUIRE_SHARED=1 demands it");
    }
    eprintln!("notice: {test} skipped: the shared corpus (../shared) is absent");
    None
}

fn corpus_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if p.is_dir() {
                stack.push(p);
            } else if name != "index.json"
                && [".json", ".json5", ".yaml", ".yml"]
                    .iter()
                    .any(|x| name.ends_with(x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// xorshift64*: deterministic, dependency-free randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const SNIPPETS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\\",
    "é",
    "😀",
    "\u{feff}",
    "\"Next\": \"X\"",
    "\"Type\": \"Task\"",
    "States.Format(",
    "$$.",
    "{%",
    "%}",
    "- ",
    "  ",
    "\t",
    "#",
    "!Ref ",
    "&a",
    "*a",
    "null",
    "1e999",
    "-0",
    "'",
    "\r\n",
    "\"States\": {",
    "${x}",
];

fn edit(rng: &mut Rng, text: &mut String) {
    let at = floor_char_boundary(text, rng.below(text.len() + 1));
    match rng.below(10) {
        0..=4 => {
            let s = SNIPPETS[rng.below(SNIPPETS.len())];
            text.insert_str(at, s);
        }
        5..=7 => {
            let end = floor_char_boundary(text, at + rng.below(24));
            text.replace_range(at..end.max(at), "");
        }
        8 => {
            // Random characters, any plane.
            let mut g = String::new();
            for _ in 0..rng.below(8) + 1 {
                let c = char::from_u32((rng.next() % 0x11_0000) as u32).unwrap_or('\u{fffd}');
                g.push(c);
            }
            text.insert_str(at, &g);
        }
        _ => {
            // Move a chunk elsewhere.
            let end = floor_char_boundary(text, at + rng.below(64));
            let chunk = text[at..end.max(at)].to_string();
            text.replace_range(at..end.max(at), "");
            let to = floor_char_boundary(text, rng.below(text.len() + 1));
            text.insert_str(to, &chunk);
        }
    }
}

/// What the server must publish for `text`: the library's findings in LSP form, computed here independently.
fn expected(path: &str, text: &str, kind: SourceKind) -> Vec<Value> {
    let index = LineIndex::new(text);
    let pos = |off: usize| {
        let (l, c) = index.line_col_utf16(text, off);
        json!({"line": l, "character": c})
    };
    aslint::lint::lint_source(path, text, kind)
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            for n in &d.notes {
                message.push_str(&format!("\nnote: {n}"));
            }
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            let severity = match d.severity {
                Severity::Error => 1,
                Severity::Warning => 2,
                Severity::Info => 3,
            };
            json!({
                "code": d.rule.name,
                "severity": severity,
                "message": message,
                "range": {"start": pos(d.primary.span.start()), "end": pos(d.primary.span.end())},
            })
        })
        .collect()
}

fn comparable(published: &[Value]) -> Vec<Value> {
    published
        .iter()
        .map(|d| {
            json!({
                "code": d["code"], "severity": d["severity"], "message": d["message"], "range": d["range"],
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_edits_keep_the_server_alive_and_its_diagnostics_exact() {
    let Some(shared) = shared_dir("random_edits_keep_the_server_alive_and_its_diagnostics_exact")
    else {
        return;
    };
    let files = corpus_files(&shared.join("corpus"));
    assert!(
        files.len() > 100,
        "corpus looks incomplete: {} files",
        files.len()
    );
    // A spread of documents across sets and syntaxes.
    let step = files.len() / 24;
    let picked: Vec<&PathBuf> = files.iter().step_by(step.max(1)).take(24).collect();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut c = Client::in_process();
    c.initialize().await;
    let mut total_edits = 0;
    for (i, file) in picked.iter().enumerate() {
        let Ok(original) = std::fs::read_to_string(file) else {
            continue;
        };
        let name = file.to_string_lossy().to_ascii_lowercase();
        let ext = if name.ends_with(".json5") {
            "json5"
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            "yaml"
        } else {
            "json"
        };
        let uri = format!("file:///soak/doc{i}.asl.{ext}");
        let path = format!("/soak/doc{i}.asl.{ext}");
        let kind = SourceKind::from_path(&path);
        let mut text = original.clone();
        let mut version = 1;
        c.open(&uri, ext, version, &text).await;
        let got = c.diagnostics(&uri, version).await;
        assert_eq!(
            comparable(&got),
            expected(&path, &text, kind),
            "{} as opened",
            file.display()
        );
        for batch in 0..5 {
            for _ in 0..25 {
                if rng.below(60) == 0 {
                    text = original.clone(); // back to a valid document now and then
                } else {
                    edit(&mut rng, &mut text);
                }
                version += 1;
                total_edits += 1;
                c.change(&uri, version, &text).await;
                if rng.below(8) == 0 {
                    // Requests interleaved with the edits, at random positions.
                    let line = rng.below(text.lines().count() + 2);
                    let character = rng.below(120);
                    let p = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
                    let m = [
                        "textDocument/completion",
                        "textDocument/hover",
                        "textDocument/definition",
                    ][rng.below(3)];
                    let r = c.request_full(m, p).await;
                    assert!(r.get("error").is_none(), "{m} failed: {r}");
                }
            }
            let all = c.diagnostics_until(&uri, version).await;
            let versions: Vec<i64> = all.iter().filter_map(|p| p["version"].as_i64()).collect();
            assert!(
                versions.windows(2).all(|w| w[0] < w[1]),
                "out of order: {versions:?}"
            );
            let got = all
                .last()
                .and_then(|p| p["diagnostics"].as_array().cloned())
                .unwrap_or_default();
            assert_eq!(
                comparable(&got),
                expected(&path, &text, kind),
                "{} after batch {batch}; text:\n{text}",
                file.display()
            );
            // Alive: a request is answered.
            let syms = c
                .request(
                    "textDocument/documentSymbol",
                    json!({"textDocument": {"uri": uri}}),
                )
                .await;
            assert!(syms.is_array() || syms.is_null());
        }
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    }
    assert!(total_edits >= 2500, "only {total_edits} edits");
    c.shutdown().await;
}

//! `aslint lsp`: runs the `aslint-lsp` binary found beside `aslint` (else on PATH), or fails clearly.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A copy of the `aslint` binary alone in a temporary folder (so nothing is beside it).
fn lonely_aslint() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir
        .path()
        .join(format!("aslint{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_aslint"), &exe).unwrap();
    (dir, exe)
}

#[test]
fn missing_server_is_a_clear_error() {
    let (_dir, exe) = lonely_aslint();
    let out = Command::new(&exe)
        .arg("lsp")
        .env("PATH", "")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("aslint-lsp"), "{err}");
    assert!(err.contains("cargo install --path lsp"), "{err}");
}

#[test]
fn runs_the_server_found_beside_it() {
    // The server is built by `cargo test --workspace`; a plain `cargo test` of this package may not have it.
    let built = PathBuf::from(env!("CARGO_BIN_EXE_aslint"))
        .with_file_name(format!("aslint-lsp{}", std::env::consts::EXE_SUFFIX));
    if !built.is_file() {
        eprintln!("notice: aslint-lsp is not built (run `cargo test --workspace`); skipped");
        return;
    }
    let (dir, exe) = lonely_aslint();
    std::fs::copy(&built, dir.path().join(built.file_name().unwrap())).unwrap();
    let mut child = Command::new(&exe)
        .arg("lsp")
        .env("PATH", "")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let send = |stdin: &mut std::process::ChildStdin, body: &str| {
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    send(
        &mut stdin,
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
    );
    let init = read_message(&mut stdout);
    assert!(init.contains("\"name\":\"aslint-lsp\""), "{init}");
    send(
        &mut stdin,
        r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#,
    );
    let reply = read_message(&mut stdout);
    assert!(reply.contains("\"id\":2"), "{reply}");
    send(&mut stdin, r#"{"jsonrpc":"2.0","method":"exit"}"#);
    // The server exits although its stdin stays open.
    let status = child.wait().unwrap();
    assert!(status.success());
    drop(stdin);
}

/// Reads one LSP frame's body.
fn read_message(r: &mut impl std::io::BufRead) -> String {
    let mut len = 0;
    loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "server closed stdout");
        let l = line.trim();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("Content-Length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

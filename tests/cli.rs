//! The `aslint` binary: exit codes, formats, directory walking, stdin, configuration.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const VALID: &str = r#"{
  "Comment": "A valid machine",
  "StartAt": "Hello",
  "States": {
    "Hello": { "Type": "Pass", "Result": "héllo", "End": true }
  }
}
"#;

const BROKEN: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": { \"Type\": \"Pass\" \"End\": true }\n  }\n}\n";

fn aslint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("aslint runs")
}

fn aslint_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aslint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aslint runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("aslint finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

#[test]
fn exit_codes() {
    let d = tree(&[("ok.asl.json", VALID), ("bad.asl.json", BROKEN)]);
    assert_eq!(
        aslint(d.path(), &["check", "ok.asl.json"]).status.code(),
        Some(0)
    );
    assert_eq!(
        aslint(d.path(), &["check", "bad.asl.json"]).status.code(),
        Some(1)
    );
    // An unreadable file is reported, the others are still linted, and the exit code is 2.
    let o = aslint(
        d.path(),
        &[
            "check",
            "--format",
            "concise",
            "missing.asl.json",
            "bad.asl.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.asl.json"));
    assert!(stdout(&o).contains("bad.asl.json:4:"), "{}", stdout(&o));
    // Bad flags are usage errors.
    assert_eq!(
        aslint(d.path(), &["check", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        aslint(d.path(), &["check", "--select", "no-such-rule"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn concise_format_has_positions() {
    let d = tree(&[("bad.asl.json", BROKEN)]);
    let o = aslint(d.path(), &["check", "--format", "concise", "bad.asl.json"]);
    let out = stdout(&o);
    let first = out.lines().next().expect("a line");
    assert!(
        first.starts_with("bad.asl.json:4:26: error[invalid-json] "),
        "{out}"
    );
}

#[test]
fn human_format_shows_the_snippet_and_rule() {
    let d = tree(&[("bad.asl.json", BROKEN)]);
    let out = stdout(&aslint(d.path(), &["check", "bad.asl.json"]));
    assert!(out.contains("error[invalid-json]"), "{out}");
    assert!(out.contains("bad.asl.json:4:26"), "{out}");
    assert!(
        out.contains("\"A\": { \"Type\": \"Pass\" \"End\": true }"),
        "{out}"
    );
    assert!(out.contains("Found 1 error"), "{out}");
    assert!(!out.contains("\u{1b}["), "NO_COLOR honoured");
}

#[test]
fn json_format_follows_the_contract() {
    let d = tree(&[("ok.asl.json", VALID), ("bad.asl.json", BROKEN)]);
    let o = aslint(d.path(), &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "every checked file appears, clean ones too");
    assert_eq!(files[0]["path"], "./bad.asl.json");
    assert_eq!(files[1]["path"], "./ok.asl.json");
    assert_eq!(files[1]["diagnostics"].as_array().map(Vec::len), Some(0));
    let d0 = &files[0]["diagnostics"][0];
    assert_eq!(d0["rule"], "invalid-json");
    assert_eq!(d0["severity"], "error");
    assert!(d0["code"].as_str().is_some_and(|c| c.starts_with("ASL")));
    assert_eq!(d0["range"]["start"]["line"], 4);
    assert_eq!(d0["range"]["start"]["column"], 26);
    assert!(d0["pointer"].is_string());
    assert!(d0.get("aws_code").is_some() && d0.get("help").is_some() && d0.get("fix").is_some());
    assert_eq!(v["summary"]["files"], 2);
    assert_eq!(
        v["summary"]["errors"],
        files[0]["diagnostics"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    );
}

#[test]
fn directory_walk_honours_gitignore_and_picks_definitions() {
    let d = tree(&[
        ("a/flow.asl.json", VALID),
        ("a/sub/other.json", VALID), // no .asl. but has StartAt + States: linted
        ("a/package.json", "{\"name\": \"x\"}"), // not a definition: skipped
        ("a/broken.json", "{\"name\": "), // not a definition: skipped even though broken
        ("a/ignored/x.asl.json", BROKEN),
        ("a/.gitignore", "ignored/\n"),
        ("a/notes.txt", "StartAt States"),
    ]);
    let o = aslint(d.path(), &["check", "--format", "json", "a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let paths: Vec<&str> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths, vec!["a/flow.asl.json", "a/sub/other.json"]);
}

#[test]
fn stdin_with_filename() {
    let d = tree(&[]);
    let o = aslint_stdin(
        d.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "piped.asl.json",
            "--format",
            "concise",
        ],
        BROKEN,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("piped.asl.json:4:26: error[invalid-json]"),
        "{}",
        stdout(&o)
    );
    let o = aslint_stdin(d.path(), &["check", "-"], VALID);
    assert_eq!(o.status.code(), Some(0));
    // The file name picks the syntax: YAML from stdin.
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n";
    let o = aslint_stdin(
        d.path(),
        &["check", "-", "--stdin-filename", "x.asl.yaml"],
        yaml,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn config_file_levels_and_excludes() {
    let d = tree(&[
        (
            "aslint.toml",
            "[rules]\ninvalid-json = \"warning\"\n[files]\nexclude = [\"vendor/**\"]\n",
        ),
        ("bad.asl.json", BROKEN),
        ("vendor/v.asl.json", BROKEN),
        ("sub/dir/keep.txt", ""),
    ]);
    // Found from a subdirectory upward; the level turns the error into a warning, so exit 0.
    let o = aslint(
        &d.path().join("sub/dir"),
        &["check", "--format", "concise", "../.."],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("warning[invalid-json]"), "{out}");
    assert!(!out.contains("vendor"), "excluded: {out}");
    // --ignore on the command line turns it off entirely.
    let o = aslint(
        d.path(),
        &[
            "check",
            "--format",
            "concise",
            "--ignore",
            "syntax",
            "bad.asl.json",
        ],
    );
    assert!(!stdout(&o).contains("invalid-json"));
    // --select keeps only what it names.
    let o = aslint(
        d.path(),
        &[
            "check",
            "--format",
            "concise",
            "--select",
            "duplicate-key",
            "bad.asl.json",
        ],
    );
    assert!(!stdout(&o).contains("invalid-json"));
}

#[test]
fn bad_config_is_a_clear_error_with_position() {
    let d = tree(&[
        ("aslint.toml", "[rules]\nunknown-feld = \"off\"\n"),
        ("ok.asl.json", VALID),
    ]);
    let o = aslint(d.path(), &["check", "ok.asl.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown rule or category `unknown-feld`"),
        "{err}"
    );
    assert!(err.contains("aslint.toml:2:1"), "{err}");
}

#[test]
fn quiet_prints_only_errors() {
    let d = tree(&[("bad.asl.json", BROKEN), ("ok.asl.json", VALID)]);
    let o = aslint(d.path(), &["check", "-q", "."]);
    assert!(!stdout(&o).contains("Found"), "no summary with --quiet");
    let o = aslint(d.path(), &["check", "-q", "ok.asl.json"]);
    assert!(stdout(&o).is_empty());
}

#[test]
fn rules_and_rule_docs() {
    let d = tree(&[]);
    let o = aslint(d.path(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("invalid-json"));
    let o = aslint(d.path(), &["rule", "invalid-json"]);
    assert!(stdout(&o).contains("## What it does"));
    let by_code = aslint(d.path(), &["rule", "asl001"]);
    assert_eq!(stdout(&by_code), stdout(&o));
    assert_eq!(aslint(d.path(), &["rule", "nope"]).status.code(), Some(2));
}

//! `aslint check --input-example` / `--input-schema`: the type-flow rules check paths against the given input.
use std::process::Command;

fn check(args: &[&str], dir: &std::path::Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aslint"))
        .current_dir(dir)
        .args(["check", "--format", "concise", "--no-config"])
        .args(args)
        .output()
        .expect("aslint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn input_example_and_schema_reach_the_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let def =
        r#"{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.delay","End":true}}}"#;
    std::fs::write(dir.path().join("m.asl.json"), def).expect("write");
    std::fs::write(dir.path().join("example.json"), r#"{"delay":"10"}"#).expect("write");
    std::fs::write(
        dir.path().join("schema.json"),
        r#"{"type":"object","properties":{"delay":{"type":"integer"}},"required":["delay"]}"#,
    )
    .expect("write");

    let (code, out) = check(&["m.asl.json"], dir.path());
    assert_eq!(code, 0, "{out}");

    let (code, out) = check(
        &["--input-example", "example.json", "m.asl.json"],
        dir.path(),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[type-mismatch]"), "{out}");

    let (code, out) = check(&["--input-schema", "schema.json", "m.asl.json"], dir.path());
    assert_eq!(code, 0, "{out}");

    let (code, _) = check(
        &["--input-example", "missing.json", "m.asl.json"],
        dir.path(),
    );
    assert_ne!(code, 0);
}

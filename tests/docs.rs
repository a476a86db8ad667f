//! `docs/rules/` is generated from the rules' doc comments; this test fails when it is stale.
//! Regenerate with `ASLINT_UPDATE_DOCS=1 cargo test --test docs`.
use aslint::rules::{render_docs, Category, RULES};
use std::path::PathBuf;

fn index() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from the rules' doc comments by `tests/docs.rs`; do not edit.\n\n",
    );
    for cat in Category::ALL {
        let rules: Vec<_> = RULES
            .iter()
            .map(|r| r.meta())
            .filter(|m| m.category == *cat)
            .collect();
        if rules.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "## {}\n\n| code | name | severity | summary |\n|---|---|---|---|\n",
            cat.as_str()
        ));
        for m in rules {
            s.push_str(&format!(
                "| {} | [{}]({}.md) | {} | {} |\n",
                m.code,
                m.name,
                m.name,
                m.default_severity.as_str(),
                m.summary().replace('\n', " ").replace('|', "\\|")
            ));
        }
        s.push('\n');
    }
    s
}

#[test]
fn rule_docs_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut expected: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.meta().name), render_docs(r.meta())))
        .collect();
    expected.push(("README.md".into(), index()));
    if std::env::var_os("ASLINT_UPDATE_DOCS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create docs/rules");
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).expect("write doc");
        }
    }
    for (name, text) in &expected {
        let actual = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            &actual == text,
            "docs/rules/{name} is stale; run `ASLINT_UPDATE_DOCS=1 cargo test --test docs`"
        );
    }
    let on_disk = std::fs::read_dir(&dir).map(|rd| rd.count()).unwrap_or(0);
    assert_eq!(
        on_disk,
        expected.len(),
        "docs/rules/ holds files no rule generates"
    );
}

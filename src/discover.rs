//! Which files `aslint check` lints: explicit files always; in directories (walked honouring .gitignore) every
//! `*.asl.json` / `*.asl.yaml` / `*.asl.yml`, plus other `.json` / `.json5` / `.yaml` / `.yml` files whose top level
//! turns out to have both `StartAt` and `States`.
use crate::config::Config;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// False for a file found by a walk whose name does not mark it as ASL: it is linted only if it is a definition.
    pub certain: bool,
}

/// An I/O problem met while walking.
#[derive(Debug, Clone)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Whether a file name marks an ASL definition (`*.asl.json`, `*.asl.yaml`, `*.asl.yml`).
pub fn is_asl_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".asl.json")
        || l.ends_with(".asl.yaml")
        || l.ends_with(".asl.yml")
        || l.ends_with(".asl.json5")
}

/// Whether a file may hold a definition (json, json5, yaml, yml).
pub fn is_candidate_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    [".json", ".json5", ".yaml", ".yml"]
        .iter()
        .any(|e| l.ends_with(e))
}

fn globset(globs: &[String]) -> Option<GlobSet> {
    if globs.is_empty() {
        return None;
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        // Validated when the config was parsed.
        if let Ok(g) = Glob::new(g) {
            b.add(g);
        }
    }
    b.build().ok()
}

/// Removes `.` and `..` components lexically (`a/b/../c` → `a/c`), so globs match however a path was spelled.
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Expands paths into the sorted, de-duplicated list of files to lint.
pub fn discover(paths: &[PathBuf], config: &Config) -> (Vec<Candidate>, Vec<WalkError>) {
    let include = globset(&config.include);
    let exclude = globset(&config.exclude);
    let root = config.root().map(Path::to_path_buf);
    let rel = |p: &Path| -> PathBuf {
        let p = p.strip_prefix("./").unwrap_or(p);
        match &root {
            Some(r) => {
                let abs = normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
                abs.strip_prefix(normalize(r))
                    .map(Path::to_path_buf)
                    .unwrap_or(abs)
            }
            None => p.to_path_buf(),
        }
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if !path.is_dir() {
            // Explicit files are always linted (a missing one is reported when read).
            out.push(Candidate {
                path: path.clone(),
                certain: true,
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(path).require_git(false).build();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(WalkError {
                        path: path.clone(),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let p = entry.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !is_candidate_name(name) {
                continue;
            }
            let r = rel(p);
            if exclude.as_ref().is_some_and(|g| g.is_match(&r)) {
                continue;
            }
            let included = include.as_ref().is_some_and(|g| g.is_match(&r));
            out.push(Candidate {
                path: p.to_path_buf(),
                certain: is_asl_name(name) || included,
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_asl_name("x.asl.json"));
        assert!(is_asl_name("X.ASL.YML"));
        assert!(!is_asl_name("x.json"));
        assert!(is_candidate_name("template.yaml"));
        assert!(!is_candidate_name("main.rs"));
    }

    #[test]
    fn normalize_removes_dot_segments() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }
}

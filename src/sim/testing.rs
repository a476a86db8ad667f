//! Library side of `aslint test`: declarative state-machine tests (`*.asltest.yaml`, `*.asltest.yml`,
//! `*.asltest.json`), run on the simulator, with matching, readable differences, coverage of states and
//! transitions, and JUnit XML. The binary only parses arguments and prints.
//!
//! A test file names a definition (relative to the test file) and lists cases; each case gives the input, the
//! mocks (inline, or a Step Functions Local `MockConfigFile` and a test case) and what to expect: the status, the
//! output (exactly, or as a subset), the error and cause, and the states entered (exactly, or a subsequence). The
//! format is documented in the README and published as `schemas/aslint-test.schema.json`.

use super::{cli, Execution, Mocks, SimOptions, Status, Unmocked, Via};
use crate::diagnostics::Severity;
use crate::lint::{decode, lint_with, LintOptions};
use crate::model::{self, StateType};
use crate::render::{self, FileReport};
use crate::syntax::{self, Member, Node, SourceKind, Span};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// File name endings `aslint test` looks for in directories.
pub const TEST_FILE_SUFFIXES: [&str; 3] = [".asltest.yaml", ".asltest.yml", ".asltest.json"];

/// Deepest nesting the output comparison follows (deeper values are compared whole).
const MAX_DIFF_DEPTH: usize = 128;
/// Most differences listed per case.
const MAX_DIFF_LINES: usize = 20;

/// Whether a file name marks a test file.
pub fn is_test_file_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    TEST_FILE_SUFFIXES.iter().any(|s| l.ends_with(s))
}

/// A test file, a definition or a file they point to that cannot be used: the run stops (exit 2).
#[derive(Debug, Clone)]
pub struct LoadError {
    /// The file the problem is in.
    pub path: String,
    /// Its text, when it could be read (for a snippet).
    pub text: Option<Box<str>>,
    pub message: String,
    /// Where in `text`.
    pub span: Option<Span>,
    pub help: Option<String>,
    /// Lint errors of a definition, already rendered (a definition with errors does not run).
    pub rendered: Option<Box<str>>,
}

impl LoadError {
    fn io(path: &Path, what: &str, e: &std::io::Error) -> Self {
        LoadError {
            path: path.display().to_string(),
            text: None,
            message: format!("cannot read {what} {}: {e}", path.display()),
            span: None,
            help: None,
            rendered: None,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// How the output is compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT`; when absent: `FAILED` if `error`/`cause`/`cause_contains` is given,
    /// otherwise `SUCCEEDED`.
    pub status: Option<Status>,
    /// The output, exactly (numbers compare by value: `1` equals `1.0`).
    pub output: Option<Value>,
    /// A subset of the output: every member of an expected object must be present and match; arrays match item by
    /// item with the same length; other values must be equal.
    pub output_contains: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// A substring of the cause.
    pub cause_contains: Option<String>,
    /// The names of the states entered, in order, Map iterations and Parallel branches included.
    pub states: Option<Vec<String>>,
    /// State names that must appear in the entered states in this order (not necessarily adjacent).
    pub states_include: Option<Vec<String>>,
}

impl Expect {
    /// The status the case expects.
    pub fn status(&self) -> Status {
        self.status.unwrap_or(
            if self.error.is_some() || self.cause.is_some() || self.cause_contains.is_some() {
                Status::Failed
            } else {
                Status::Succeeded
            },
        )
    }
}

/// One case, with every file it refers to already read.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// 1-based line of the case in the test file.
    pub line: usize,
    /// The definition's path (relative to the test file's directory, joined to it).
    pub definition: PathBuf,
    pub options: SimOptions,
    pub expect: Expect,
}

/// A parsed test file.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// As given or found.
    pub path: PathBuf,
    pub cases: Vec<TestCase>,
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    pub line: usize,
    /// The definition's path, for messages.
    pub definition: String,
    /// Empty when the case passed; otherwise one readable line (or block) per difference.
    pub failures: Vec<String>,
    pub duration: Duration,
    /// States entered (for the `ok` line).
    pub states_entered: usize,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The outcome of one test file.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub path: String,
    pub cases: Vec<CaseResult>,
}

/// An edge of the state graph: the state it leaves, how, and where to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub via: Via,
    pub to: String,
}

impl std::fmt::Display for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match self.via {
            Via::Next => "Next".to_string(),
            Via::Default => "Default".to_string(),
            Via::ChoiceRule(i) => format!("Choices[{i}]"),
            Via::Catch(i) => format!("Catch[{i}]"),
        };
        write!(f, "{} -> {} ({how})", self.from, self.to)
    }
}

/// Coverage of one definition by every case that ran it.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub definition: String,
    /// Every state (nested ones included) in document order, with how many times the cases entered it.
    pub states: Vec<(String, usize)>,
    /// Every transition of the definition (`Next`, `Default`, each Choice rule, each catcher), with how many
    /// times the cases took it.
    pub transitions: Vec<(Edge, usize)>,
}

impl Coverage {
    pub fn states_covered(&self) -> usize {
        self.states.iter().filter(|(_, n)| *n > 0).count()
    }
    pub fn transitions_covered(&self) -> usize {
        self.transitions.iter().filter(|(_, n)| *n > 0).count()
    }
}

/// Everything a run of `aslint test` produced.
#[derive(Debug, Clone)]
pub struct SuiteReport {
    pub files: Vec<FileResult>,
    pub coverage: Vec<Coverage>,
}

impl SuiteReport {
    pub fn passed(&self) -> usize {
        self.cases().filter(|c| c.passed()).count()
    }
    pub fn failed(&self) -> usize {
        self.cases().filter(|c| !c.passed()).count()
    }
    fn cases(&self) -> impl Iterator<Item = &CaseResult> {
        self.files.iter().flat_map(|f| f.cases.iter())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery

/// The test files of `paths`: explicit files always, and in directories (walked honouring `.gitignore`) the files
/// named like [`TEST_FILE_SUFFIXES`], sorted. A path that does not exist is an error.
pub fn discover_tests(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<LoadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            errors.push(LoadError {
                path: path.display().to_string(),
                text: None,
                message: format!("{} does not exist", path.display()),
                span: None,
                help: Some("pass test files or directories holding *.asltest.yaml files".into()),
                rendered: None,
            });
            continue;
        }
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(path).require_git(false).build() {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    if is_file
                        && p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(is_test_file_name)
                    {
                        found.push(p.to_path_buf());
                    }
                }
                Err(e) => errors.push(LoadError {
                    path: path.display().to_string(),
                    text: None,
                    message: format!("cannot walk {}: {e}", path.display()),
                    span: None,
                    help: None,
                    rendered: None,
                }),
            }
        }
        found.sort();
        files.extend(found);
    }
    (files, errors)
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a test file

const FILE_KEYS: &[&str] = &[
    "definition",
    "mock_config",
    "state_machine",
    "unmocked",
    "seed",
    "context",
    "context_file",
    "resources",
    "resources_file",
    "cases",
];
const CASE_KEYS: &[&str] = &[
    "name",
    "description",
    "definition",
    "input",
    "input_file",
    "mocks",
    "mock_config",
    "test_case",
    "state_machine",
    "unmocked",
    "seed",
    "context",
    "context_file",
    "resources",
    "resources_file",
    "expect",
];
const EXPECT_KEYS: &[&str] = &[
    "status",
    "output",
    "output_contains",
    "error",
    "cause",
    "cause_contains",
    "states",
    "states_include",
];

/// Reads one test file and everything its cases point to (inputs, mocks, context, resources; not definitions).
struct Reader<'t> {
    path: &'t Path,
    text: &'t str,
    dir: PathBuf,
}

impl Reader<'_> {
    fn err(&self, node: Option<&Node>, message: impl Into<String>, help: &str) -> LoadError {
        self.err_at(node.map(|n| n.span), message, help)
    }

    fn err_at(&self, span: Option<Span>, message: impl Into<String>, help: &str) -> LoadError {
        LoadError {
            path: self.path.display().to_string(),
            text: Some(self.text.into()),
            message: message.into(),
            span,
            help: (!help.is_empty()).then(|| help.to_string()),
            rendered: None,
        }
    }

    fn object<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [Member], LoadError> {
        node.as_object().ok_or_else(|| {
            self.err(
                Some(node),
                format!("{what} must be an object, not {}", node.type_name()),
                "",
            )
        })
    }

    fn check_keys(
        &self,
        members: &[Member],
        allowed: &[&str],
        what: &str,
    ) -> Result<(), LoadError> {
        for m in members {
            if !allowed.contains(&m.key.text.as_str()) {
                let help = match crate::suggest::did_you_mean(&m.key.text, allowed.iter().copied())
                {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("{what} accepts: {}", allowed.join(", ")),
                };
                return Err(self.err_at(
                    Some(m.key.span),
                    format!("unknown key `{}` in {what}", m.key.text),
                    &help,
                ));
            }
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for m in members {
            if seen.insert(m.key.text.as_str(), m.key.span).is_some() {
                return Err(self.err_at(
                    Some(m.key.span),
                    format!("duplicate key `{}` in {what}", m.key.text),
                    "keep one of them",
                ));
            }
        }
        Ok(())
    }

    fn string<'n>(&self, node: &'n Node, what: &str) -> Result<&'n str, LoadError> {
        node.as_str().ok_or_else(|| {
            self.err(
                Some(node),
                format!("{what} must be a string, not {}", node.type_name()),
                "",
            )
        })
    }

    fn strings(&self, node: &Node, what: &str) -> Result<Vec<String>, LoadError> {
        let items = node.as_array().ok_or_else(|| {
            self.err(
                Some(node),
                format!("{what} must be a list of state names"),
                "",
            )
        })?;
        items
            .iter()
            .map(|n| self.string(n, what).map(str::to_string))
            .collect()
    }

    /// A JSON value written inline (tags are not allowed: they have no value).
    fn value(&self, node: &Node, what: &str) -> Result<Value, LoadError> {
        if let Some(bad) = find_untyped(node, 0) {
            return Err(self.err(
                Some(bad),
                format!("{what} holds a value that is not plain JSON data"),
                "remove YAML tags such as `!Ref`; write the value itself",
            ));
        }
        Ok(node.to_json())
    }

    /// A path relative to the test file.
    fn resolve(&self, node: &Node, what: &str) -> Result<PathBuf, LoadError> {
        let s = self.string(node, what)?;
        if s.is_empty() {
            return Err(self.err(
                Some(node),
                format!("{what} is empty"),
                "give a path relative to the test file",
            ));
        }
        Ok(self.dir.join(s))
    }

    /// Reads a JSON file a key names (`input_file`, ...), with a positioned error in that file.
    fn json_file(&self, node: &Node, what: &str) -> Result<Value, LoadError> {
        let path = self.resolve(node, what)?;
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let mut err = self.err(
                Some(node),
                format!("cannot read {what} {}: {e}", path.display()),
                "",
            );
            err.help = Some("paths are relative to the directory of the test file".into());
            err
        })?;
        cli::parse_json_text(&text).map_err(|e| LoadError {
            path: path.display().to_string(),
            text: Some(text.as_str().into()),
            message: format!("{what} {} is {}", path.display(), e.message),
            span: Some(e.span),
            help: Some(format!("the {what} must be a JSON value")),
            rendered: None,
        })
    }

    /// `key` inline or `key_file`, from the case, else from the file level.
    fn value_or_file(
        &self,
        case: &Node,
        top: &Node,
        key: &str,
        what: &str,
    ) -> Result<Option<Value>, LoadError> {
        let file_key = format!("{key}_file");
        for scope in [case, top] {
            match (scope.get(key), scope.get(&file_key)) {
                (Some(v), Some(_)) => {
                    return Err(self.err(
                        Some(v),
                        format!("`{key}` and `{file_key}` are both given"),
                        &format!("keep one: `{key}` inline or `{file_key}` as a path"),
                    ))
                }
                (Some(v), None) => return self.value(v, what).map(Some),
                (None, Some(f)) => return self.json_file(f, what).map(Some),
                (None, None) => {}
            }
        }
        Ok(None)
    }

    fn case(
        &self,
        top: &Node,
        node: &Node,
        index: usize,
        line: usize,
    ) -> Result<TestCase, LoadError> {
        let members = self.object(node, "a case")?;
        self.check_keys(members, CASE_KEYS, "a case")?;
        let name = match node.get("name") {
            Some(n) => self.string(n, "`name`")?.to_string(),
            None => format!("case {}", index + 1),
        };
        let definition = match node.get("definition").or_else(|| top.get("definition")) {
            Some(d) => self.resolve(d, "the definition")?,
            None => {
                return Err(self.err(
                    Some(node),
                    format!("case `{name}` has no definition"),
                    "add `definition: <path relative to the test file>` at the top of the file or in the case",
                ))
            }
        };
        let input = match (node.get("input"), node.get("input_file")) {
            (Some(i), Some(_)) => {
                return Err(self.err(
                    Some(i),
                    "`input` and `input_file` are both given",
                    "keep one: `input` inline or `input_file` as a path",
                ))
            }
            (Some(i), None) => self.value(i, "the input")?,
            (None, Some(f)) => self.json_file(f, "the input")?,
            (None, None) => Value::Object(serde_json::Map::new()),
        };
        let mocks = self.mocks(top, node)?;
        let context = self
            .value_or_file(node, top, "context", "the context")?
            .unwrap_or(Value::Null);
        let resources = self
            .value_or_file(node, top, "resources", "the resources")?
            .unwrap_or(Value::Null);
        let seed = match node.get("seed").or_else(|| top.get("seed")) {
            Some(s) => s
                .as_number()
                .and_then(|n| n.as_i64())
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| self.err(Some(s), "`seed` must be a non-negative integer", ""))?,
            None => 0,
        };
        let unmocked = match node.get("unmocked").or_else(|| top.get("unmocked")) {
            Some(u) => match self.string(u, "`unmocked`")? {
                "fail" => Unmocked::Fail,
                "echo" => Unmocked::Echo,
                other => {
                    return Err(self.err(
                        Some(u),
                        format!("`unmocked` must be `fail` or `echo`, not `{other}`"),
                        "`echo` returns an unmocked Task's parameters; `fail` (the default) fails the run",
                    ))
                }
            },
            None => Unmocked::Fail,
        };
        let expect = match node.get("expect") {
            Some(e) => self.expect(e)?,
            None => {
                return Err(self.err(
                    Some(node),
                    format!("case `{name}` has no `expect`"),
                    "add `expect: {status: SUCCEEDED}` or what the case should produce",
                ))
            }
        };
        Ok(TestCase {
            name,
            line,
            definition,
            options: SimOptions {
                input,
                context,
                mocks,
                resources,
                seed,
                unmocked,
            },
            expect,
        })
    }

    fn mocks(&self, top: &Node, case: &Node) -> Result<Mocks, LoadError> {
        let inline = case.get("mocks");
        let config = case.get("mock_config").or_else(|| top.get("mock_config"));
        let test_case = case.get("test_case");
        match (inline, test_case) {
            (Some(m), Some(_)) => {
                return Err(self.err(
                    Some(m),
                    "`mocks` and `test_case` are both given",
                    "use inline `mocks`, or a `mock_config` file and its `test_case`",
                ))
            }
            (Some(m), None) => {
                let v = self.value(m, "`mocks`")?;
                return Mocks::from_inline_value(&v).map_err(|message| {
                    self.err(
                        Some(m),
                        message,
                        "inline mocks map Task state names to [{Return: ...}, {Throw: {Error: ..., Cause: ...}}]",
                    )
                });
            }
            (None, _) => {}
        }
        let Some(config) = config else {
            if let Some(t) = test_case {
                return Err(self.err(
                    Some(t),
                    "`test_case` needs a `mock_config` file",
                    "add `mock_config: <MockConfigFile path>` to the case or the top of the file",
                ));
            }
            return Ok(Mocks::none());
        };
        let path = self.resolve(config, "the mock configuration")?;
        let text = std::fs::read_to_string(&path).map_err(|e| {
            self.err(
                Some(config),
                format!("cannot read the mock configuration {}: {e}", path.display()),
                "paths are relative to the directory of the test file",
            )
        })?;
        let tc = match test_case {
            Some(t) => Some(self.string(t, "`test_case`")?),
            None => None,
        };
        let sm = match case
            .get("state_machine")
            .or_else(|| top.get("state_machine"))
        {
            Some(s) => Some(self.string(s, "`state_machine`")?),
            None => None,
        };
        cli::load_mocks(&text, sm, tc).map_err(|e| {
            // A missing or unknown test case is the test file's mistake; point there.
            if e.span.is_none() || tc.is_none() && e.message.contains("test-case") {
                let at = test_case.unwrap_or(case);
                let message = e.message.replace("--test-case", "`test_case`");
                let mut err = self.err(Some(at), message, "");
                err.help = e.help.map(|h| {
                    h.replace("--test-case NAME", "`test_case: NAME`")
                        .replace("--state-machine NAME", "`state_machine: NAME`")
                });
                err
            } else {
                LoadError {
                    path: path.display().to_string(),
                    text: Some(text.as_str().into()),
                    message: e.message,
                    span: e.span,
                    help: e.help,
                    rendered: None,
                }
            }
        })
    }

    fn expect(&self, node: &Node) -> Result<Expect, LoadError> {
        let members = self.object(node, "`expect`")?;
        self.check_keys(members, EXPECT_KEYS, "`expect`")?;
        let status = match node.get("status") {
            Some(s) => Some(match self.string(s, "`status`")? {
                "SUCCEEDED" => Status::Succeeded,
                "FAILED" => Status::Failed,
                "TIMED_OUT" => Status::TimedOut,
                "ABORTED" => Status::Aborted,
                other => {
                    return Err(self.err(
                        Some(s),
                        format!("unknown status `{other}`"),
                        "use SUCCEEDED, FAILED or TIMED_OUT",
                    ))
                }
            }),
            None => None,
        };
        let opt_string = |k: &str| -> Result<Option<String>, LoadError> {
            node.get(k)
                .map(|n| self.string(n, &format!("`{k}`")).map(str::to_string))
                .transpose()
        };
        let expect = Expect {
            status,
            output: node
                .get("output")
                .map(|o| self.value(o, "`output`"))
                .transpose()?,
            output_contains: node
                .get("output_contains")
                .map(|o| self.value(o, "`output_contains`"))
                .transpose()?,
            error: opt_string("error")?,
            cause: opt_string("cause")?,
            cause_contains: opt_string("cause_contains")?,
            states: node
                .get("states")
                .map(|s| self.strings(s, "`states`"))
                .transpose()?,
            states_include: node
                .get("states_include")
                .map(|s| self.strings(s, "`states_include`"))
                .transpose()?,
        };
        if expect.status() == Status::Succeeded {
            if let Some(k) = ["error", "cause", "cause_contains"]
                .into_iter()
                .find(|k| node.get(k).is_some())
            {
                return Err(self.err_at(
                    node.member(k).map(|m| m.key.span),
                    format!("`{k}` is expected of a run whose expected status is SUCCEEDED"),
                    "a succeeded run has no error or cause; expect `status: FAILED` or remove the key",
                ));
            }
        }
        if expect.status() != Status::Succeeded {
            if let Some(k) = ["output", "output_contains"]
                .into_iter()
                .find(|k| node.get(k).is_some())
            {
                return Err(self.err_at(
                    node.member(k).map(|m| m.key.span),
                    format!(
                        "`{k}` is expected of a run whose expected status is {}",
                        expect.status().as_str()
                    ),
                    "only a succeeded run has an output; remove the key or expect `status: SUCCEEDED`",
                ));
            }
        }
        Ok(expect)
    }
}

/// The first node that has no JSON value (a YAML tag or an unreadable value), within the depth cap.
fn find_untyped(node: &Node, depth: usize) -> Option<&Node> {
    if depth > syntax::MAX_DEPTH {
        return Some(node);
    }
    match &node.value {
        syntax::Value::Tagged { .. } | syntax::Value::Error => Some(node),
        syntax::Value::Array(a) => a.iter().find_map(|n| find_untyped(n, depth + 1)),
        syntax::Value::Object(m) => m.iter().find_map(|m| find_untyped(&m.value, depth + 1)),
        _ => None,
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = syntax::floor_char_boundary(text, offset.min(text.len()));
    text.get(..end).map_or(0, |t| t.matches('\n').count()) + 1
}

/// Reads and checks a test file (syntax, keys, types) and every file its cases name except definitions.
pub fn load_test_file(path: &Path) -> Result<TestFile, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::io(path, "the test file", &e))?;
    let name = path.display().to_string();
    let kind = match SourceKind::from_path(&name) {
        SourceKind::Yaml => SourceKind::Yaml,
        _ => SourceKind::Json,
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        LoadError {
            path: name.clone(),
            text: None,
            message: format!("the test file is not valid UTF-8 (first bad byte at offset {at})"),
            span: None,
            help: Some("re-save the file as UTF-8".into()),
            rendered: None,
        }
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let reader = Reader {
        path,
        text: &text,
        dir,
    };
    let parsed = syntax::parse(&text, kind);
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        return Err(reader.err_at(
            Some(d.span()),
            format!(
                "the test file is not valid {}: {}",
                if kind == SourceKind::Yaml {
                    "YAML"
                } else {
                    "JSON"
                },
                d.message
            ),
            "fix the syntax of the test file",
        ));
    }
    let Some(root) = parsed.root.as_ref() else {
        return Err(reader.err_at(
            Some(Span::empty(0)),
            "the test file is empty",
            "a test file has `definition` and `cases`",
        ));
    };
    let members = reader.object(root, "a test file")?;
    reader.check_keys(members, FILE_KEYS, "a test file")?;
    let Some(cases_node) = root.get("cases") else {
        return Err(reader.err(
            Some(root),
            "the test file has no `cases`",
            "add `cases:` with a list of cases",
        ));
    };
    let Some(list) = cases_node.as_array() else {
        return Err(reader.err(Some(cases_node), "`cases` must be a list", ""));
    };
    if list.is_empty() {
        return Err(reader.err(
            Some(cases_node),
            "`cases` is empty",
            "add at least one case",
        ));
    }
    let mut cases = Vec::with_capacity(list.len());
    let mut names: HashMap<String, &Node> = HashMap::new();
    for (i, c) in list.iter().enumerate() {
        let case = reader.case(root, c, i, line_of(&text, c.span.start()))?;
        if let Some(first) = names.get(&case.name) {
            let mut err = reader.err(
                c.get("name").or(Some(c)),
                format!("two cases are named `{}`", case.name),
                "give each case its own name",
            );
            err.help = Some(format!(
                "give each case its own name (the first is on line {})",
                line_of(&text, first.span.start())
            ));
            return Err(err);
        }
        names.insert(case.name.clone(), c);
        cases.push(case);
    }
    Ok(TestFile {
        path: path.to_path_buf(),
        cases,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Definitions

/// A definition read, checked and parsed once for every case that runs it.
struct LoadedDefinition {
    display: String,
    root: Node,
}

fn load_definition(path: &Path) -> Result<LoadedDefinition, LoadError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::io(path, "the definition", &e))?;
    let kind = SourceKind::from_path(&name);
    let decoded = decode(bytes, kind);
    let diagnostics = match decoded.error {
        Some(d) => vec![d],
        None => lint_with(&name, &decoded.text, kind, &LintOptions::default()).unwrap_or_default(),
    };
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        let report = FileReport {
            path: name.clone(),
            text: decoded.text.clone(),
            diagnostics: errors,
        };
        return Err(LoadError {
            path: name.clone(),
            text: None,
            message: format!("the definition {name} has errors; it cannot run"),
            span: None,
            help: Some(format!("`aslint check {name}` lists them")),
            rendered: Some(render::render_human(&report, false).into()),
        });
    }
    let parsed = syntax::parse(&decoded.text, kind);
    let Some(root) = parsed.root else {
        return Err(LoadError {
            path: name.clone(),
            text: None,
            message: format!("{name} holds no definition"),
            span: None,
            help: None,
            rendered: None,
        });
    };
    Ok(LoadedDefinition {
        display: name,
        root,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Running

/// Loads every test file and definition of `paths` (stopping at nothing: every problem is returned), then runs
/// every case. `Err` holds the problems that prevent running (exit 2).
pub fn run_paths(paths: &[PathBuf]) -> Result<SuiteReport, Vec<LoadError>> {
    let (files, mut errors) = discover_tests(paths);
    if files.is_empty() && errors.is_empty() {
        errors.push(LoadError {
            path: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            text: None,
            message: "no test files found".into(),
            span: None,
            help: Some(format!(
                "test files are named {} (explicit files are read whatever their name)",
                TEST_FILE_SUFFIXES.map(|s| format!("*{s}")).join(", ")
            )),
            rendered: None,
        });
    }
    // A file given twice (explicitly and through its directory) runs once.
    let mut seen = std::collections::HashSet::new();
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| seen.insert(canonical(f)))
        .collect();
    let mut loaded = Vec::new();
    for f in &files {
        match load_test_file(f) {
            Ok(t) => loaded.push(t),
            Err(e) => errors.push(e),
        }
    }
    // Definitions, once each.
    let mut defs: BTreeMap<PathBuf, LoadedDefinition> = BTreeMap::new();
    for t in &loaded {
        for c in &t.cases {
            let key = canonical(&c.definition);
            if defs.contains_key(&key)
                || errors
                    .iter()
                    .any(|e| e.path == c.definition.display().to_string())
            {
                continue;
            }
            match load_definition(&c.definition) {
                Ok(d) => {
                    defs.insert(key, d);
                }
                Err(e) => errors.push(e),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(run_loaded(&loaded, &defs))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn run_loaded(files: &[TestFile], defs: &BTreeMap<PathBuf, LoadedDefinition>) -> SuiteReport {
    let mut hits: BTreeMap<PathBuf, Vec<Execution>> = BTreeMap::new();
    let mut results = Vec::new();
    for t in files {
        let mut cases = Vec::new();
        for c in &t.cases {
            let key = canonical(&c.definition);
            let Some(def) = defs.get(&key) else { continue };
            let model = model::build(&def.root);
            let started = Instant::now();
            let execution = super::run(&model, &c.options);
            let duration = started.elapsed();
            let failures = check(&c.expect, &execution);
            cases.push(CaseResult {
                name: c.name.clone(),
                line: c.line,
                definition: def.display.clone(),
                failures,
                duration,
                states_entered: execution.states.len(),
            });
            hits.entry(key).or_default().push(execution);
        }
        results.push(FileResult {
            path: t.path.display().to_string(),
            cases,
        });
    }
    let coverage = defs
        .iter()
        .map(|(key, def)| {
            let model = model::build(&def.root);
            coverage_of(
                &def.display,
                &model,
                hits.get(key).map_or(&[][..], Vec::as_slice),
            )
        })
        .collect();
    SuiteReport {
        files: results,
        coverage,
    }
}

/// Coverage of a definition by a set of executions of it.
pub fn coverage_of(display: &str, def: &model::Definition<'_>, runs: &[Execution]) -> Coverage {
    let mut entered: HashMap<&str, usize> = HashMap::new();
    let mut taken: HashMap<(&str, Via), usize> = HashMap::new();
    for run in runs {
        for s in &run.states {
            *entered.entry(s.name.as_str()).or_default() += 1;
            if let Some(t) = &s.transition {
                *taken.entry((s.name.as_str(), t.via)).or_default() += 1;
            }
        }
    }
    let mut states = Vec::new();
    let mut transitions = Vec::new();
    for r in def.states() {
        let st = r.state;
        let name = st.name.text.as_str();
        states.push((name.to_string(), entered.get(name).copied().unwrap_or(0)));
        let mut edge = |via: Via, to: Option<&str>| {
            if let Some(to) = to {
                let n = taken.get(&(name, via)).copied().unwrap_or(0);
                transitions.push((
                    Edge {
                        from: name.to_string(),
                        via,
                        to: to.to_string(),
                    },
                    n,
                ));
            }
        };
        if st.state_type() == Some(StateType::Choice) {
            for (i, rule) in st.choices.iter().enumerate() {
                edge(Via::ChoiceRule(i), rule.next.as_ref().and_then(|n| n.value));
            }
            edge(Via::Default, st.default.as_ref().and_then(|d| d.value));
        } else {
            edge(Via::Next, st.next.as_ref().and_then(|n| n.value));
        }
        for (i, c) in st.catch.iter().enumerate() {
            edge(Via::Catch(i), c.next.as_ref().and_then(|n| n.value));
        }
    }
    Coverage {
        definition: display.to_string(),
        states,
        transitions,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Matching

/// Compares an execution with what a case expects; one readable entry per difference (empty: it passed).
pub fn check(expect: &Expect, e: &Execution) -> Vec<String> {
    let mut out = Vec::new();
    let want = expect.status();
    if e.status != want {
        let detail = match (e.status, &e.error, &e.cause) {
            (Status::Succeeded, _, _) => String::new(),
            (_, Some(err), Some(c)) => format!(" (error {err}: {})", short_str(c, 200)),
            (_, Some(err), None) => format!(" (error {err})"),
            _ => String::new(),
        };
        out.push(format!(
            "status: expected {}, got {}{detail}",
            want.as_str(),
            e.status.as_str()
        ));
    }
    let actual_output = e.output.clone().unwrap_or(Value::Null);
    if e.status == Status::Succeeded {
        let mut lines = Vec::new();
        if let Some(o) = &expect.output {
            diff(o, &actual_output, false, &mut String::new(), &mut lines, 0);
        }
        if let Some(o) = &expect.output_contains {
            diff(o, &actual_output, true, &mut String::new(), &mut lines, 0);
        }
        let extra = lines.len().saturating_sub(MAX_DIFF_LINES);
        lines.truncate(MAX_DIFF_LINES);
        out.extend(lines);
        if extra > 0 {
            out.push(format!("... and {extra} more differences in the output"));
        }
    }
    if let Some(want) = &expect.error {
        if e.error.as_deref() != Some(want.as_str()) {
            out.push(format!(
                "error: expected {}, got {}",
                quote(want),
                e.error.as_deref().map_or("none".into(), quote)
            ));
        }
    }
    if let Some(want) = &expect.cause {
        if e.cause.as_deref() != Some(want.as_str()) {
            out.push(format!(
                "cause: expected {}, got {}",
                quote(want),
                e.cause.as_deref().map_or("none".into(), quote)
            ));
        }
    }
    if let Some(want) = &expect.cause_contains {
        if !e
            .cause
            .as_deref()
            .is_some_and(|c| c.contains(want.as_str()))
        {
            out.push(format!(
                "cause: expected to contain {}, got {}",
                quote(want),
                e.cause.as_deref().map_or("none".into(), quote)
            ));
        }
    }
    let names: Vec<&str> = e.states.iter().map(|s| s.name.as_str()).collect();
    if let Some(want) = &expect.states {
        if want.iter().map(String::as_str).ne(names.iter().copied()) {
            let at = want
                .iter()
                .zip(&names)
                .position(|(a, b)| a != b)
                .unwrap_or(want.len().min(names.len()));
            out.push(format!(
                "states: differ at position {at}\n    expected: {}\n    actual:   {}",
                list(want.iter().map(String::as_str)),
                list(names.iter().copied())
            ));
        }
    }
    if let Some(want) = &expect.states_include {
        let mut rest = names.iter();
        let mut missing = None;
        for w in want {
            if !rest.any(|n| n == w) {
                missing = Some(w);
                break;
            }
        }
        if let Some(m) = missing {
            out.push(format!(
                "states: expected to include {} in this order; `{m}` was not entered where expected\n    actual: {}",
                list(want.iter().map(String::as_str)),
                list(names.iter().copied())
            ));
        }
    }
    out
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    format!("[{}]", v.join(", "))
}

fn quote(s: &str) -> String {
    short(&Value::String(s.to_string()), 200)
}

fn short_str(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

fn short(v: &Value, max: usize) -> String {
    short_str(&serde_json::to_string(v).unwrap_or_default(), max)
}

fn same_scalar(e: &Value, a: &Value) -> bool {
    match (e, a) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => x == y,
            _ => x == y,
        },
        _ => e == a,
    }
}

fn at(pointer: &str) -> String {
    if pointer.is_empty() {
        "output".to_string()
    } else {
        format!("output at {pointer}")
    }
}

/// Differences between `expected` and `actual` under `pointer` (RFC 6901). `subset`: members absent from
/// `expected` objects are ignored.
fn diff(
    expected: &Value,
    actual: &Value,
    subset: bool,
    pointer: &mut String,
    out: &mut Vec<String>,
    depth: usize,
) {
    if out.len() > MAX_DIFF_LINES {
        return;
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) if depth < MAX_DIFF_DEPTH => {
            for (k, ev) in e {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&syntax::escape_pointer_token(k));
                match a.get(k) {
                    Some(av) => diff(ev, av, subset, pointer, out, depth + 1),
                    None => out.push(format!(
                        "{}: expected {}, missing",
                        at(pointer),
                        short(ev, 120)
                    )),
                }
                pointer.truncate(len);
            }
            if !subset {
                for (k, av) in a {
                    if !e.contains_key(k) {
                        let member = format!("{pointer}/{}", syntax::escape_pointer_token(k));
                        out.push(format!("{}: unexpected {}", at(&member), short(av, 120)));
                    }
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if depth < MAX_DIFF_DEPTH => {
            if e.len() != a.len() {
                out.push(format!(
                    "{}: expected {} items, got {}: {}",
                    at(pointer),
                    e.len(),
                    a.len(),
                    short(actual, 120)
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                let len = pointer.len();
                let _ = write!(pointer, "/{i}");
                diff(ev, av, subset, pointer, out, depth + 1);
                pointer.truncate(len);
            }
        }
        _ => {
            if !same_scalar(expected, actual) {
                out.push(format!(
                    "{}: expected {}, got {}",
                    at(pointer),
                    short(expected, 120),
                    short(actual, 120)
                ));
            }
        }
    }
}

/// Whether `actual` contains `expected` as [`Expect::output_contains`] defines it.
pub fn contains(expected: &Value, actual: &Value) -> bool {
    let mut out = Vec::new();
    diff(expected, actual, true, &mut String::new(), &mut out, 0);
    out.is_empty()
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        "100.0%".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / total as f64)
    }
}

/// The runner's output: per file a header and one line per case (`ok` / `FAILED` with the differences), then the
/// summary `N passed, M failed`, a coverage line per definition, and with `detail` every state and transition
/// never exercised.
pub fn render_human(report: &SuiteReport, detail: bool) -> String {
    let mut s = String::new();
    for f in &report.files {
        let _ = writeln!(s, "{}", f.path);
        for c in &f.cases {
            if c.passed() {
                let plural = if c.states_entered == 1 { "" } else { "s" };
                let _ = writeln!(
                    s,
                    "  ok      {} ({} state{plural})",
                    c.name, c.states_entered
                );
            } else {
                let _ = writeln!(
                    s,
                    "  FAILED  {} (line {}, {})",
                    c.name, c.line, c.definition
                );
                for l in c.failures.iter().flat_map(|f| f.lines()) {
                    let _ = writeln!(s, "          {l}");
                }
            }
        }
    }
    s.push('\n');
    let failed = report.failed();
    let _ = writeln!(
        s,
        "test result: {}. {} passed, {failed} failed",
        if failed == 0 { "ok" } else { "FAILED" },
        report.passed()
    );
    for c in &report.coverage {
        let (sc, st) = (c.states_covered(), c.states.len());
        let (tc, tt) = (c.transitions_covered(), c.transitions.len());
        let _ = writeln!(
            s,
            "coverage: {}: states {sc}/{st} ({}), transitions {tc}/{tt} ({})",
            c.definition,
            percent(sc, st),
            percent(tc, tt)
        );
        if detail {
            for (name, n) in &c.states {
                let _ = writeln!(
                    s,
                    "  {} state {name}{}",
                    if *n > 0 { "+" } else { "-" },
                    if *n > 0 {
                        format!(" ({n}x)")
                    } else {
                        " (never entered)".into()
                    }
                );
            }
            for (edge, n) in &c.transitions {
                let _ = writeln!(
                    s,
                    "  {} {edge}{}",
                    if *n > 0 { "+" } else { "-" },
                    if *n > 0 {
                        format!(" ({n}x)")
                    } else {
                        " (never taken)".into()
                    }
                );
            }
        }
    }
    s
}

/// Escapes text for XML 1.0 content and attributes; characters XML 1.0 cannot hold become U+FFFD.
pub fn xml_escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' | '\n' | '\r' => s.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => s.push('\u{FFFD}'),
            c => s.push(c),
        }
    }
    s
}

/// JUnit XML: one `<testsuite>` per test file, one `<testcase>` per case (`classname` the test file, `time` in
/// seconds), `<failure>` with the differences; each suite's `<properties>` hold the coverage of the definitions
/// its cases ran.
pub fn render_junit(report: &SuiteReport) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total_time: f64 = report
        .files
        .iter()
        .flat_map(|f| &f.cases)
        .map(|c| c.duration.as_secs_f64())
        .sum();
    let _ = writeln!(
        s,
        "<testsuites name=\"aslint test\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{total_time:.6}\">",
        report.passed() + report.failed(),
        report.failed()
    );
    for f in &report.files {
        let failures = f.cases.iter().filter(|c| !c.passed()).count();
        let time: f64 = f.cases.iter().map(|c| c.duration.as_secs_f64()).sum();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{time:.6}\">",
            xml_escape(&f.path),
            f.cases.len()
        );
        // Coverage of the definitions this file's cases ran (properties come first in a testsuite).
        let mut used: Vec<&str> = f.cases.iter().map(|c| c.definition.as_str()).collect();
        used.sort_unstable();
        used.dedup();
        let props: Vec<&Coverage> = report
            .coverage
            .iter()
            .filter(|c| used.contains(&c.definition.as_str()))
            .collect();
        if !props.is_empty() {
            s.push_str("    <properties>\n");
            for c in props {
                let _ = writeln!(
                    s,
                    "      <property name=\"coverage:{}\" value=\"states {}/{}, transitions {}/{}\"/>",
                    xml_escape(&c.definition),
                    c.states_covered(),
                    c.states.len(),
                    c.transitions_covered(),
                    c.transitions.len()
                );
            }
            s.push_str("    </properties>\n");
        }
        for c in &f.cases {
            let _ = write!(
                s,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.6}\"",
                xml_escape(&c.name),
                xml_escape(&f.path),
                xml_escape(&f.path),
                c.line,
                c.duration.as_secs_f64()
            );
            if c.passed() {
                s.push_str("/>\n");
            } else {
                let first = c
                    .failures
                    .first()
                    .map_or("", |l| l.lines().next().unwrap_or(""));
                let _ = writeln!(
                    s,
                    ">\n      <failure message=\"{}\" type=\"AssertionError\">{}</failure>\n    </testcase>",
                    xml_escape(first),
                    xml_escape(&c.failures.join("\n"))
                );
            }
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subset_and_exact_matching() {
        let actual = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}});
        assert!(contains(&json!({"b": {"d": "x"}}), &actual));
        assert!(contains(&json!({"a": 1.0}), &actual));
        assert!(!contains(&json!({"b": {"c": [1]}}), &actual));
        assert!(!contains(&json!({"z": null}), &actual));
        let mut out = Vec::new();
        diff(
            &json!({"a": 1}),
            &actual,
            false,
            &mut String::new(),
            &mut out,
            0,
        );
        assert_eq!(out, ["output at /b: unexpected {\"c\":[1,2],\"d\":\"x\"}"]);
        let mut out = Vec::new();
        diff(
            &json!({"b": {"d": "y"}}),
            &actual,
            true,
            &mut String::new(),
            &mut out,
            0,
        );
        assert_eq!(out, ["output at /b/d: expected \"y\", got \"x\""]);
    }

    #[test]
    fn xml_escaping() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
    }

    #[test]
    fn transitions_and_coverage() {
        let text = r#"{"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "T"}], "Default": "P"},
            "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "P"}], "End": true},
            "P": {"Type": "Pass", "End": true}}}"#;
        let root = syntax::parse(text, SourceKind::Json).root.unwrap();
        let def = model::build(&root);
        let mocks =
            Mocks::from_inline_value(&json!({"T": [{"Throw": {"Error": "E", "Cause": "c"}}]}))
                .unwrap();
        let run1 = super::super::run(
            &def,
            &SimOptions {
                input: json!({"x": 1}),
                mocks,
                ..SimOptions::default()
            },
        );
        let t: Vec<_> = run1
            .states
            .iter()
            .map(|s| s.transition.clone().map(|t| t.via))
            .collect();
        assert_eq!(t, [Some(Via::ChoiceRule(0)), Some(Via::Catch(0)), None]);
        let cov = coverage_of("d", &def, &[run1]);
        assert_eq!(cov.states_covered(), 3);
        assert_eq!((cov.transitions_covered(), cov.transitions.len()), (2, 3));
        let never: Vec<String> = cov
            .transitions
            .iter()
            .filter(|(_, n)| *n == 0)
            .map(|(e, _)| e.to_string())
            .collect();
        assert_eq!(never, ["C -> P (Default)"]);
    }
}

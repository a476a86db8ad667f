//! The `aslint` command line.
#![forbid(unsafe_code)]

use aslint::config::{Config, ConfigError, RuleSettings, Selector};
use aslint::discover::{discover, Candidate};
use aslint::lint::{decode, lint_with, LintOptions};
use aslint::render::{self, FileReport, Summary};
use aslint::rules::{Category, RULES};
use aslint::syntax::SourceKind;
use clap::{Parser, Subcommand, ValueEnum};
use miette::{miette, LabeledSpan, NamedSource};
use rayon::prelude::*;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Static analyzer and linter for the Amazon States Language (AWS Step Functions).
#[derive(Parser)]
#[command(name = "aslint", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint state machine definitions (files, directories, or `-` for stdin).
    Check(CheckArgs),
    /// List every rule: code, name, category, default severity.
    Rules {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a rule's documentation.
    Rule {
        /// A rule name (`unknown-field`) or code (`ASL102`).
        name: String,
    },
    /// Run the language server over stdio (starts the `aslint-lsp` binary installed beside this one, else on
    /// PATH; install it with `cargo install --path lsp`).
    Lsp {
        /// Arguments passed on to `aslint-lsp`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Execute a state machine on a virtual clock, answering Task states from mocks.
    Run(RunArgs),
    /// Run declarative state-machine tests (`*.asltest.yaml`, `*.asltest.yml`, `*.asltest.json`) on the simulator.
    Test(TestArgs),
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum TestFormat {
    /// One line per case, differences, a summary and coverage.
    Human,
    /// JUnit XML, for CI.
    Junit,
}

#[derive(clap::Args)]
struct TestArgs {
    /// Test files, or directories searched for `*.asltest.{yaml,yml,json}`.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    format: TestFormat,
    /// List every state and transition with how often the cases exercised it (human format).
    #[arg(long)]
    coverage: bool,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum RunFormat {
    /// A readable timeline of history events, then the result.
    Human,
    /// `{"status", "output", "error", "cause", "states", "events"}`.
    Json,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum UnmockedArg {
    /// Return the Task's parameters as its result.
    Echo,
}

#[derive(clap::Args)]
struct RunArgs {
    /// The state machine definition (JSON or YAML).
    definition: PathBuf,
    /// A file holding the execution input (JSON).
    #[arg(long, conflicts_with = "input_json")]
    input: Option<PathBuf>,
    /// The execution input as JSON text.
    #[arg(long)]
    input_json: Option<String>,
    /// Mocked Task responses: a Step Functions Local MockConfigFile, or `{"State": [{"Return": ...}]}`.
    #[arg(long)]
    mock_config: Option<PathBuf>,
    /// The test case of the MockConfigFile to use.
    #[arg(long, requires = "mock_config")]
    test_case: Option<String>,
    /// The state machine of the MockConfigFile (needed when several define the test case).
    #[arg(long, requires = "mock_config")]
    state_machine: Option<String>,
    /// Context object values (JSON): `{"Execution": {...}, "StateMachine": {...}}`.
    #[arg(long)]
    context: Option<PathBuf>,
    /// S3 objects for ItemReader (JSON): `{"s3": {"bucket": {"key": "text"}}}`.
    #[arg(long)]
    resources: Option<PathBuf>,
    /// Seed for UUIDs, random numbers and retry jitter.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// What a Task without a mocked response does (default: the execution fails naming the state).
    #[arg(long, value_enum)]
    unmocked: Option<UnmockedArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RunFormat::Human)]
    format: RunFormat,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-like, with source snippets.
    Human,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// The stable JSON contract (see README).
    Json,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Run only these rules (names, codes or categories; comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (names, codes or categories; comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Report only errors, and no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// The file name to report (and to pick the syntax by) when reading stdin.
    #[arg(long)]
    stdin_filename: Option<String>,
    /// Use this configuration file instead of looking for `aslint.toml`.
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any `aslint.toml`.
    #[arg(long)]
    no_config: bool,
    /// When to colour human output (`NO_COLOR` is honoured in `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// A JSON Schema of the execution input: the type-flow rules then check paths against it.
    #[arg(long, value_name = "FILE", conflicts_with = "input_example")]
    input_schema: Option<PathBuf>,
    /// A sample execution input (JSON): the type-flow rules then check paths against its shape.
    #[arg(long, value_name = "FILE")]
    input_example: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { json } => list_rules(json),
        Command::Rule { name } => show_rule(&name),
        Command::Lsp { args } => run_lsp(&args),
        Command::Run(args) => run(args),
        Command::Test(args) => test(args),
    };
    match result {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

fn config_report(e: ConfigError, path: Option<&PathBuf>, text: Option<String>) -> miette::Report {
    let mut labels = Vec::new();
    if let Some(span) = &e.span {
        labels.push(LabeledSpan::at(span.clone(), "here"));
    }
    let mut report = match &e.help {
        Some(h) => miette!(labels = labels, help = h.clone(), "{}", e.message),
        None => miette!(labels = labels, "{}", e.message),
    };
    if let (Some(path), Some(text)) = (path, text) {
        report = report.with_source_code(NamedSource::new(path.display().to_string(), text));
    }
    report
}

fn load_config(args: &CheckArgs) -> miette::Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir().ok().and_then(|d| Config::find(&d)),
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| miette!("cannot read configuration file {}: {e}", path.display()))?;
    let abs = std::path::absolute(&path).unwrap_or(path.clone());
    Config::parse(&text, Some(abs)).map_err(|e| config_report(e, Some(&path), Some(text.clone())))
}

fn selectors(list: &[String]) -> miette::Result<Vec<Selector>> {
    list.iter()
        .map(|s| Selector::parse(s.trim()).map_err(|e| config_report(e, None, None)))
        .collect()
}

/// One unit of work: a path to read, or stdin's text.
enum Work {
    File(Candidate),
    Stdin { name: String, text: Vec<u8> },
}

/// The execution input shape given by `--input-schema` or `--input-example`.
fn input_shape(args: &CheckArgs) -> miette::Result<Option<aslint::typeflow::Shape>> {
    let (path, schema) = match (&args.input_schema, &args.input_example) {
        (Some(p), _) => (p, true),
        (None, Some(p)) => (p, false),
        (None, None) => return Ok(None),
    };
    let text = std::fs::read_to_string(path).map_err(|e| miette!("{}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| miette!("{}: not JSON: {e}", path.display()))?;
    Ok(Some(if schema {
        aslint::typeflow::Shape::from_schema(&value)
    } else {
        aslint::typeflow::Shape::from_example(&value)
    }))
}

fn check(args: CheckArgs) -> miette::Result<ExitCode> {
    let config = load_config(&args)?;
    let settings = RuleSettings::resolve(
        &config,
        &selectors(&args.select)?,
        &selectors(&args.ignore)?,
    );

    let input_shape = input_shape(&args)?;
    let mut io_failed = false;
    let mut work = Vec::new();
    let stdin_requested = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin_requested {
        let mut text = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut text) {
            eprintln!("error: cannot read stdin: {e}");
            io_failed = true;
        }
        let name = args.stdin_filename.clone().unwrap_or_else(|| "-".into());
        work.push(Work::Stdin { name, text });
    }
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let (candidates, walk_errors) = discover(&paths, &config);
    for e in &walk_errors {
        eprintln!("error: {}: {}", e.path.display(), e.message);
        io_failed = true;
    }
    work.extend(candidates.into_iter().map(Work::File));

    let results: Vec<Result<Option<FileReport>, String>> = work
        .into_par_iter()
        .map(|w| {
            let (name, bytes, require_definition) = match w {
                Work::Stdin { name, text } => (name, text, false),
                Work::File(c) => {
                    let name = c.path.display().to_string();
                    match std::fs::read(&c.path) {
                        Ok(b) => (name, b, !c.certain),
                        Err(e) => return Err(format!("{name}: {e}")),
                    }
                }
            };
            let kind = SourceKind::from_path(&name);
            let decoded = decode(bytes, kind);
            if let Some(d) = decoded.error {
                if require_definition {
                    return Ok(None);
                }
                return Ok(Some(FileReport {
                    path: name,
                    text: decoded.text,
                    diagnostics: vec![d],
                }));
            }
            let options = LintOptions {
                rules: settings.clone(),
                require_definition,
                input_shape: input_shape.clone(),
            };
            Ok(
                lint_with(&name, &decoded.text, kind, &options).map(|diagnostics| FileReport {
                    path: name,
                    text: decoded.text,
                    diagnostics,
                }),
            )
        })
        .collect();

    let mut reports = Vec::new();
    for r in results {
        match r {
            Ok(Some(report)) => reports.push(report),
            Ok(None) => {}
            Err(message) => {
                eprintln!("error: cannot read {message}");
                io_failed = true;
            }
        }
    }
    if args.quiet {
        for r in &mut reports {
            r.diagnostics
                .retain(|d| d.severity == aslint::diagnostics::Severity::Error);
        }
    }
    let summary = Summary::of(&reports);
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let out = match args.format {
        Format::Json => render::render_json(&reports),
        Format::Concise => {
            let mut s = render::render_concise(&reports);
            if !args.quiet {
                s.push_str(&render::summary_line(&summary));
                s.push('\n');
            }
            s
        }
        Format::Human => {
            let mut s: String = reports
                .par_iter()
                .map(|r| render::render_human(r, color))
                .collect();
            if !args.quiet {
                s.push_str(&render::summary_line(&summary));
                s.push('\n');
            }
            s
        }
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`aslint check | head`) is not an error worth a panic.
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(if io_failed {
        ExitCode::from(2)
    } else if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules(json: bool) -> miette::Result<ExitCode> {
    let mut out = String::new();
    if json {
        let v: Vec<_> = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                serde_json::json!({
                    "code": m.code, "name": m.name, "category": m.category.as_str(),
                    "severity": m.default_severity.as_str(), "aws_code": m.aws_code, "summary": m.short_summary(),
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&v).unwrap_or_default();
        out.push('\n');
    } else {
        for cat in Category::ALL {
            let rules: Vec<_> = RULES
                .iter()
                .map(|r| r.meta())
                .filter(|m| m.category == *cat)
                .collect();
            if rules.is_empty() {
                continue;
            }
            out.push_str(&format!("{}:\n", cat.as_str()));
            for m in rules {
                out.push_str(&format!(
                    "  {:<7} {:<32} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.default_severity.as_str(),
                    m.short_summary()
                ));
            }
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn show_rule(name: &str) -> miette::Result<ExitCode> {
    let Some(rule) = aslint::rules::find_rule(name) else {
        let e = Selector::parse(name).err().unwrap_or(ConfigError {
            message: format!("`{name}` is a category, not a rule"),
            span: None,
            help: Some("`aslint rules` lists the rules of every category".into()),
        });
        return Err(config_report(e, None, None));
    };
    let _ = std::io::stdout().write_all(aslint::rules::render_docs(rule.meta()).as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// The `aslint-lsp` binary: beside the current executable, else found on PATH.
fn find_lsp_binary() -> Option<PathBuf> {
    let name = format!("aslint-lsp{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&name)));
    if let Some(p) = beside.filter(|p| p.is_file()) {
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(&name))
        .find(|p| p.is_file())
}

fn run_lsp(args: &[std::ffi::OsString]) -> miette::Result<ExitCode> {
    let Some(bin) = find_lsp_binary() else {
        return Err(miette!(
            help = "install it with `cargo install --path lsp` from the aslint repository (next to `cargo install --path .`)",
            "the language server binary `aslint-lsp` was found neither next to `aslint` nor on PATH"
        ));
    };
    let mut cmd = std::process::Command::new(&bin);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // `exec` only returns on failure.
        let err = cmd.exec();
        Err(miette!("could not start `{}`: {err}", bin.display()))
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(status) => Ok(ExitCode::from(
                status
                    .code()
                    .and_then(|c| u8::try_from(c).ok())
                    .unwrap_or(1),
            )),
            Err(err) => Err(miette!("could not start `{}`: {err}", bin.display())),
        }
    }
}

fn read_text(path: &PathBuf, what: &str) -> miette::Result<String> {
    std::fs::read_to_string(path).map_err(|e| miette!("cannot read {what} {}: {e}", path.display()))
}

/// A JSON file or text, with a positioned error.
fn json_arg(name: String, text: String, what: &str) -> miette::Result<serde_json::Value> {
    aslint::sim::cli::parse_json_text(&text).map_err(|e| {
        miette!(
            labels = vec![LabeledSpan::at(e.span.range(), "here")],
            help = format!("the {what} must be a JSON value"),
            "{what} {name} is {}",
            e.message
        )
        .with_source_code(NamedSource::new(name, text))
    })
}

fn run(args: RunArgs) -> miette::Result<ExitCode> {
    use aslint::sim::{self, cli, SimOptions, Unmocked};
    let name = args.definition.display().to_string();
    let bytes = std::fs::read(&args.definition)
        .map_err(|e| miette!("cannot read the definition {name}: {e}"))?;
    let kind = SourceKind::from_path(&name);
    let decoded = decode(bytes, kind);
    let diagnostics = match decoded.error {
        Some(d) => vec![d],
        None => lint_with(&name, &decoded.text, kind, &LintOptions::default()).unwrap_or_default(),
    };
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == aslint::diagnostics::Severity::Error)
        .collect();
    if !errors.is_empty() {
        let report = FileReport {
            path: name.clone(),
            text: decoded.text.clone(),
            diagnostics: errors,
        };
        let color = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        eprint!("{}", render::render_human(&report, color));
        eprintln!("error: {name} has errors; it cannot run");
        return Ok(ExitCode::from(2));
    }
    let parsed = aslint::syntax::parse(&decoded.text, kind);
    let Some(root) = parsed.root.as_ref() else {
        return Err(miette!("{name} holds no definition"));
    };
    let model = aslint::model::build(root);

    let input = match (&args.input, &args.input_json) {
        (Some(p), _) => json_arg(
            p.display().to_string(),
            read_text(p, "the input")?,
            "the input",
        )?,
        (None, Some(t)) => json_arg("--input-json".into(), t.clone(), "the input")?,
        (None, None) => serde_json::json!({}),
    };
    let mocks = match &args.mock_config {
        Some(p) => {
            let text = read_text(p, "the mock configuration")?;
            cli::load_mocks(
                &text,
                args.state_machine.as_deref(),
                args.test_case.as_deref(),
            )
            .map_err(|e| {
                let labels: Vec<LabeledSpan> = e
                    .span
                    .map(|s| LabeledSpan::at(s.range(), "here"))
                    .into_iter()
                    .collect();
                let r = match &e.help {
                    Some(h) => miette!(labels = labels, help = h.clone(), "{}", e.message),
                    None => miette!(labels = labels, "{}", e.message),
                };
                r.with_source_code(NamedSource::new(p.display().to_string(), text.clone()))
            })?
        }
        None => sim::Mocks::none(),
    };
    let context = match &args.context {
        Some(p) => json_arg(
            p.display().to_string(),
            read_text(p, "the context")?,
            "the context",
        )?,
        None => serde_json::Value::Null,
    };
    let resources = match &args.resources {
        Some(p) => json_arg(
            p.display().to_string(),
            read_text(p, "the resources")?,
            "the resources",
        )?,
        None => serde_json::Value::Null,
    };
    let options = SimOptions {
        input,
        context,
        mocks,
        resources,
        seed: args.seed,
        unmocked: match args.unmocked {
            Some(UnmockedArg::Echo) => Unmocked::Echo,
            None => Unmocked::Fail,
        },
    };
    let execution = sim::run(&model, &options);
    let out = match args.format {
        RunFormat::Json => {
            let mut s = serde_json::to_string_pretty(&execution.to_json()).unwrap_or_default();
            s.push('\n');
            s
        }
        RunFormat::Human => cli::render_timeline(&execution),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(if execution.status == sim::Status::Succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn load_error_report(e: aslint::sim::testing::LoadError) -> miette::Report {
    let labels: Vec<LabeledSpan> = e
        .span
        .map(|s| LabeledSpan::at(s.range(), "here"))
        .into_iter()
        .collect();
    let r = match &e.help {
        Some(h) => miette!(labels = labels, help = h.clone(), "{}", e.message),
        None => miette!(labels = labels, "{}", e.message),
    };
    match e.text {
        Some(text) => r.with_source_code(NamedSource::new(e.path, text.into_string())),
        None => r,
    }
}

fn test(args: TestArgs) -> miette::Result<ExitCode> {
    use aslint::sim::testing;
    let report = match testing::run_paths(&args.paths) {
        Ok(r) => r,
        Err(errors) => {
            for e in errors {
                if let Some(r) = &e.rendered {
                    eprint!("{r}");
                }
                eprintln!("{:?}", load_error_report(e));
            }
            return Ok(ExitCode::from(2));
        }
    };
    let out = match args.format {
        TestFormat::Human => testing::render_human(&report, args.coverage),
        TestFormat::Junit => testing::render_junit(&report),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(if report.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

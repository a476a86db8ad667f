//! Rules: one file per rule, ONE registry ([`RULES`]).
//!
//! Each rule file declares its metadata and documentation with [`declare_rule!`] right beside its check. The doc
//! comment has fixed headings (`## What it does`, `## Why is this bad?`, `## Example`, `## References`) and is what
//! `aslint rule NAME` prints and what `docs/rules/` is generated from.
//!
//! Rules read the tree and the model through [`Context`]; they never print, never do I/O, and never re-parse.

use crate::diagnostics::{Diagnostic, RuleId, Severity};
use crate::model::Definition;
use crate::syntax::{Node, SourceKind, Span};

/// Groups of rules, usable in `--select` / `--ignore` and `aslint.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// The document is not well-formed JSON/YAML.
    Syntax,
    /// Fields, types and values the ASL specification allows.
    Schema,
    /// Transitions, reachability, termination.
    Graph,
    /// JSONPath, payload templates, intrinsic functions, context object.
    Paths,
    /// Error names, Retry and Catch.
    Errors,
    /// Task resources and service integrations.
    Resources,
    /// JSONata expressions and `$states`.
    Jsonata,
    /// Workflow variables (Assign).
    Variables,
    /// AWS service quotas.
    Limits,
    /// Shapes of data flowing through the machine.
    Types,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::Syntax,
        Category::Schema,
        Category::Graph,
        Category::Paths,
        Category::Errors,
        Category::Resources,
        Category::Jsonata,
        Category::Variables,
        Category::Limits,
        Category::Types,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Schema => "schema",
            Category::Graph => "graph",
            Category::Paths => "paths",
            Category::Errors => "errors",
            Category::Resources => "resources",
            Category::Jsonata => "jsonata",
            Category::Variables => "variables",
            Category::Limits => "limits",
            Category::Types => "types",
        }
    }
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

/// Metadata of a rule, declared beside its check.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, e.g. `ASL102`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `unknown-field`.
    pub name: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    /// The ValidateStateMachineDefinition code AWS gives for the same problem, if any.
    pub aws_code: Option<&'static str>,
    /// The rule's documentation (its doc comment), markdown.
    pub docs: &'static str,
}

impl RuleMeta {
    pub const fn id(&self) -> RuleId {
        RuleId {
            code: self.code,
            name: self.name,
        }
    }
    /// The first paragraph of the docs' "What it does" section, for listings.
    pub fn summary(&self) -> &'static str {
        let body = self
            .docs
            .split("## What it does")
            .nth(1)
            .unwrap_or(self.docs);
        body.trim_start().split("\n\n").next().unwrap_or("").trim()
    }
    /// The first sentence of [`RuleMeta::summary`] on one line, for one-line listings.
    pub fn short_summary(&self) -> String {
        let summary = self
            .summary()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // End at the first ". " outside backticks.
        let mut in_code = false;
        for (i, c) in summary.char_indices() {
            match c {
                '`' => in_code = !in_code,
                '.' if !in_code && summary[i + 1..].starts_with(' ') => {
                    return summary[..=i].to_string()
                }
                _ => {}
            }
        }
        summary
    }
    /// A new diagnostic of this rule at its default severity, with its AWS code.
    pub fn diagnostic(&'static self, span: Span, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::new(self.id(), self.default_severity, span, message);
        d.aws_code = self.aws_code;
        d
    }
}

/// Declares a rule's unit struct and its `META`, taking the doc comment as the rule's documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct UnknownField {
///         code: "ASL102", name: "unknown-field", category: Schema, severity: Error,
///         aws_code: Some("SCHEMA_VALIDATION_FAILED"),
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            category: $cat:ident,
            severity: $sev:ident,
            aws_code: $aws:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;
        /// This rule's metadata.
        pub static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $rname,
            category: $crate::rules::Category::$cat,
            default_severity: $crate::diagnostics::Severity::$sev,
            aws_code: $aws,
            docs: concat!($($doc, "\n"),*),
        };
    };
}

/// What a rule sees: the source, its tree and the typed model.
pub struct Context<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub kind: SourceKind,
    /// The recovered tree; `None` when nothing could be parsed.
    pub root: Option<&'a Node>,
    /// The typed model; `None` when the root is not an object.
    pub model: Option<&'a Definition<'a>>,
    /// Scopes, transition graphs and graph queries, built once from the model; `None` when `model` is.
    pub semantic: Option<&'a crate::semantic::Semantic<'a>>,
    /// The shape of the execution input when the user gave one (`--input-schema`, `--input-example`).
    pub input_shape: Option<&'a crate::typeflow::Shape>,
    /// The type-flow analysis, computed once by the first rule that needs it
    /// ([`crate::typeflow::analyze_context`]).
    pub typeflow: std::cell::OnceCell<Option<crate::typeflow::Analysis>>,
}

impl<'a> Context<'a> {
    /// [`Definition::sites`], listed once per document by the semantic model (computed here only when the
    /// context has a model but no semantic model).
    pub fn sites(&self) -> std::borrow::Cow<'a, [crate::model::Site<'a>]> {
        match (self.semantic, self.model) {
            (Some(sem), _) => std::borrow::Cow::Borrowed(sem.sites()),
            (None, Some(model)) => std::borrow::Cow::Owned(model.sites()),
            (None, None) => std::borrow::Cow::Borrowed(&[]),
        }
    }

    /// The expression index of the document ([`crate::semantic::Semantic::exprs`]): every expression site with
    /// its parse. Built here only when the context has a model but no semantic model; `None` without a model.
    pub fn exprs(&self) -> Option<std::borrow::Cow<'a, crate::semantic::Exprs<'a>>> {
        match (self.semantic, self.model) {
            (Some(sem), _) => Some(std::borrow::Cow::Borrowed(sem.exprs())),
            (None, Some(model)) => {
                let sites = model.sites();
                Some(std::borrow::Cow::Owned(crate::semantic::Exprs::build(
                    model, &sites,
                )))
            }
            (None, None) => None,
        }
    }
}

/// A lint rule.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Appends this rule's findings. Must never panic on any tree or model.
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Rules whose findings come from the parser; their files carry docs and metadata only.
macro_rules! parser_rule {
    ($t:ty) => {
        impl $crate::rules::Rule for $t {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &META
            }
            fn check(
                &self,
                _ctx: &$crate::rules::Context<'_>,
                _out: &mut Vec<$crate::diagnostics::Diagnostic>,
            ) {
            }
        }
    };
}

pub mod choice_without_default;
pub mod definition_too_large;
pub mod duplicate_key;
pub mod duplicate_state_name;
pub mod error_handling;
pub mod exclusive_fields;
pub mod fixes;
pub mod heartbeat_not_below_timeout;
pub mod integrations;
pub mod invalid_field_type;
pub mod invalid_field_value;
pub mod invalid_json;
pub mod invalid_jsonata;
pub mod invalid_resource;
pub mod invalid_state_name;
pub mod invalid_states_reference;
pub mod invalid_variable_name;
pub mod invalid_yaml;
pub mod jsonata_not_enclosed;
pub mod jsonata_sites;
pub mod lambda_retry_missing;
pub mod missing_field;
pub mod no_path_to_end;
pub mod no_terminal_state;
pub mod payload_too_large;
pub mod shadowed_catcher;
pub mod shadowed_retrier;
pub mod states_all_not_last;
pub mod task_token_not_passed;
pub mod too_deeply_nested;
pub mod transition_out_of_scope;
pub mod undefined_variable;
pub mod unknown_error_name;
pub mod unknown_field;
pub mod unknown_transition_target;
pub mod unraisable_error;
pub mod unreachable_state;
pub mod unretriable_error;
pub mod unsupported_integration_pattern;
pub mod unused_variable;
pub mod variables;
pub mod wrong_query_language_field;

pub mod conflicting_payload_keys;
pub mod invalid_context_path;
pub mod invalid_intrinsic;
pub mod invalid_path;
pub mod missing_dollar_suffix;
pub mod missing_path_suffix;
pub mod path_sites;
pub mod static_pass_result;

pub mod path_not_found;
pub mod result_path_discards_input;
pub mod type_mismatch;
pub(crate) mod typeflow_sites;

/// Every rule, in code order. The one place a new rule is registered.
pub static RULES: &[&dyn Rule] = &[
    &invalid_json::InvalidJson,
    &invalid_yaml::InvalidYaml,
    &duplicate_key::DuplicateKey,
    &missing_field::MissingField,
    &unknown_field::UnknownField,
    &invalid_field_type::InvalidFieldType,
    &invalid_field_value::InvalidFieldValue,
    &exclusive_fields::ExclusiveFields,
    &invalid_state_name::InvalidStateName,
    &duplicate_state_name::DuplicateStateName,
    &wrong_query_language_field::WrongQueryLanguageField,
    &unknown_transition_target::UnknownTransitionTarget,
    &transition_out_of_scope::TransitionOutOfScope,
    &unreachable_state::UnreachableState,
    &no_terminal_state::NoTerminalState,
    &no_path_to_end::NoPathToEnd,
    &choice_without_default::ChoiceWithoutDefault,
    &invalid_path::InvalidPath,
    &invalid_intrinsic::InvalidIntrinsic,
    &invalid_context_path::InvalidContextPath,
    &missing_dollar_suffix::MissingDollarSuffix,
    &missing_path_suffix::MissingPathSuffix,
    &static_pass_result::StaticPassResult,
    &conflicting_payload_keys::ConflictingPayloadKeys,
    &states_all_not_last::StatesAllNotLast,
    &unknown_error_name::UnknownErrorName,
    &shadowed_retrier::ShadowedRetrier,
    &shadowed_catcher::ShadowedCatcher,
    &unretriable_error::UnretriableError,
    &unraisable_error::UnraisableError,
    &heartbeat_not_below_timeout::HeartbeatNotBelowTimeout,
    &invalid_resource::InvalidResource,
    &unsupported_integration_pattern::UnsupportedIntegrationPattern,
    &task_token_not_passed::TaskTokenNotPassed,
    &lambda_retry_missing::LambdaRetryMissing,
    &invalid_jsonata::InvalidJsonata,
    &jsonata_not_enclosed::JsonataNotEnclosed,
    &invalid_states_reference::InvalidStatesReference,
    &invalid_variable_name::InvalidVariableName,
    &undefined_variable::UndefinedVariable,
    &unused_variable::UnusedVariable,
    &definition_too_large::DefinitionTooLarge,
    &too_deeply_nested::TooDeeplyNested,
    &payload_too_large::PayloadTooLarge,
    &path_not_found::PathNotFound,
    &type_mismatch::TypeMismatch,
    &result_path_discards_input::ResultPathDiscardsInput,
];

/// Finds a rule by name or code (case-insensitive for codes).
pub fn find_rule(name_or_code: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let m = r.meta();
        m.name == name_or_code || m.code.eq_ignore_ascii_case(name_or_code)
    })
}

pub use crate::suggest::{did_you_mean, levenshtein, typo_distance};

/// The full documentation page of a rule (what `aslint rule NAME` prints and `docs/rules/NAME.md` holds).
pub fn render_docs(m: &RuleMeta) -> String {
    let mut s = format!("# {} ({})\n\n", m.name, m.code);
    s.push_str(&format!(
        "Category: {} · Default severity: {}{}\n\n",
        m.category.as_str(),
        m.default_severity.as_str(),
        m.aws_code
            .map(|c| format!(" · AWS code: `{c}`"))
            .unwrap_or_default()
    ));
    for line in m.docs.lines() {
        // Doc comments keep the space after `///`.
        s.push_str(line.strip_prefix(' ').unwrap_or(line));
        s.push('\n');
    }
    s
}

//! `aslint.toml`: rule levels, select/ignore, and file include/exclude globs.
//!
//! ```toml
//! # Only these rules or categories run (default: all).
//! select = ["schema", "syntax"]
//! # These never run.
//! ignore = ["ASL104"]
//!
//! [rules]
//! # A rule name, code or category: "off", "info", "warning" or "error".
//! unknown-field = "warning"
//!
//! [files]
//! include = ["**/*.asl.json", "statemachines/**/*.json"]
//! exclude = ["vendor/**"]
//! ```
use crate::diagnostics::Severity;
use crate::rules::{Category, RuleMeta, RULES};
use crate::suggest::did_you_mean;
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The name of the configuration file, looked up from the working directory upward.
pub const CONFIG_FILE_NAME: &str = "aslint.toml";

/// A problem in the configuration (or in a selector given on the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    /// Byte range in the config file's text, when the problem has a place there.
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    select: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
    #[serde(default)]
    rules: toml::Table,
    #[serde(default)]
    files: RawFiles,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

/// A loaded configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from (`None`: defaults).
    pub path: Option<PathBuf>,
    /// Per-rule level overrides, in file order: (selector, level), level `None` = off.
    pub levels: Vec<(Selector, Option<Severity>)>,
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// What a selector names: one rule or a category.
#[derive(Debug, Clone, Copy)]
pub enum Selector {
    Rule(&'static RuleMeta),
    Category(Category),
}

impl Selector {
    /// Parses a rule name, a rule code (any case) or a category name.
    pub fn parse(s: &str) -> Result<Selector, ConfigError> {
        if let Some(r) = crate::rules::find_rule(s) {
            return Ok(Selector::Rule(r.meta()));
        }
        if let Some(c) = Category::parse(s) {
            return Ok(Selector::Category(c));
        }
        let names = RULES
            .iter()
            .map(|r| r.meta().name)
            .chain(Category::ALL.iter().map(|c| c.as_str()));
        Err(ConfigError {
            message: format!("unknown rule or category `{s}`"),
            span: None,
            help: Some(match did_you_mean(s, names) {
                Some(m) => format!("did you mean `{m}`? (`aslint rules` lists them all)"),
                None => "`aslint rules` lists every rule, code and category".into(),
            }),
        })
    }
    pub fn matches(&self, meta: &RuleMeta) -> bool {
        match self {
            Selector::Rule(m) => m.code == meta.code,
            Selector::Category(c) => *c == meta.category,
        }
    }
    fn is_category(&self) -> bool {
        matches!(self, Selector::Category(_))
    }
}

impl Config {
    /// Parses the text of an `aslint.toml`.
    pub fn parse(text: &str, path: Option<PathBuf>) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            message: e.message().to_string(),
            span: e.span(),
            help: Some(
                "allowed keys: `select`, `ignore`, `[rules]`, `[files]` (`include`, `exclude`)"
                    .into(),
            ),
        })?;
        let with_span = |s: &toml::Spanned<String>| {
            Selector::parse(s.get_ref()).map_err(|e| ConfigError {
                span: Some(s.span()),
                ..e
            })
        };
        let select = match &raw.select {
            Some(v) => Some(v.iter().map(with_span).collect::<Result<Vec<_>, _>>()?),
            None => None,
        };
        let ignore = raw
            .ignore
            .iter()
            .map(with_span)
            .collect::<Result<Vec<_>, _>>()?;
        let span_of_key = |key: &str| find_key_span(text, key);
        let mut levels = Vec::new();
        for (key, value) in &raw.rules {
            let sel = Selector::parse(key).map_err(|e| ConfigError {
                span: span_of_key(key),
                ..e
            })?;
            let level = match value.as_str() {
                Some("off") => None,
                Some(s) => match Severity::parse(s) {
                    Some(sev) => Some(sev),
                    None => {
                        return Err(ConfigError {
                            message: format!("invalid level `{s}` for `{key}`"),
                            span: span_of_key(key),
                            help: Some(
                                "use one of \"off\", \"info\", \"warning\", \"error\"".into(),
                            ),
                        })
                    }
                },
                None => {
                    return Err(ConfigError {
                        message: format!("the level of `{key}` must be a string"),
                        span: span_of_key(key),
                        help: Some("use one of \"off\", \"info\", \"warning\", \"error\"".into()),
                    })
                }
            };
            levels.push((sel, level));
        }
        for g in raw.files.include.iter().chain(&raw.files.exclude) {
            if let Err(e) = globset::Glob::new(g) {
                return Err(ConfigError {
                    message: format!("invalid glob `{g}`: {}", e.kind()),
                    span: text.find(g.as_str()).map(|s| s..s + g.len()),
                    help: None,
                });
            }
        }
        Ok(Config {
            path,
            levels,
            select,
            ignore,
            include: raw.files.include,
            exclude: raw.files.exclude,
        })
    }

    /// Finds `aslint.toml` in `start` or the nearest ancestor.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }

    /// The directory globs are relative to.
    pub fn root(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// The byte range of a key inside the `[rules]` table, for error positions.
fn find_key_span(text: &str, key: &str) -> Option<Range<usize>> {
    let start = text.find("[rules]")?;
    for quoted in [format!("\"{key}\""), format!("'{key}'"), key.to_string()] {
        if let Some(i) = text[start..].find(&quoted) {
            return Some(start + i..start + i + quoted.len());
        }
    }
    None
}

/// The effective level of every rule: `None` = off.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    levels: Vec<Option<Severity>>,
}

impl RuleSettings {
    /// All rules on, at their default severity.
    pub fn all() -> RuleSettings {
        RuleSettings {
            levels: RULES
                .iter()
                .map(|r| Some(r.meta().default_severity))
                .collect(),
        }
    }

    /// Resolves the config file plus command-line `--select` / `--ignore`. Levels apply category-wide entries
    /// first, then single rules; `select` (the command line's replaces the file's) keeps only what it names;
    /// `ignore` (both added) turns rules off.
    pub fn resolve(
        config: &Config,
        cli_select: &[Selector],
        cli_ignore: &[Selector],
    ) -> RuleSettings {
        let mut s = RuleSettings::all();
        for (i, rule) in RULES.iter().enumerate() {
            let meta = rule.meta();
            for pass_categories in [true, false] {
                for (sel, level) in &config.levels {
                    if sel.is_category() == pass_categories && sel.matches(meta) {
                        s.levels[i] = *level;
                    }
                }
            }
            let select = if cli_select.is_empty() {
                config.select.as_deref()
            } else {
                Some(cli_select)
            };
            if let Some(select) = select {
                if !select.iter().any(|sel| sel.matches(meta)) {
                    s.levels[i] = None;
                }
            }
            if config
                .ignore
                .iter()
                .chain(cli_ignore)
                .any(|sel| sel.matches(meta))
            {
                s.levels[i] = None;
            }
        }
        s
    }

    /// The level of the rule with this code, `None` when off.
    pub fn level(&self, code: &str) -> Option<Severity> {
        RULES
            .iter()
            .position(|r| r.meta().code == code)
            .and_then(|i| self.levels[i])
    }

    /// The level of the rule at this index of [`RULES`].
    pub fn level_at(&self, index: usize) -> Option<Severity> {
        self.levels.get(index).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_levels_and_lists() {
        let c = Config::parse(
            "select = [\"syntax\"]\nignore = [\"ASL003\"]\n[rules]\ninvalid-json = \"warning\"\n[files]\nexclude = [\"vendor/**\"]\n",
            None,
        )
        .unwrap();
        assert_eq!(c.levels.len(), 1);
        assert_eq!(c.exclude, vec!["vendor/**".to_string()]);
        let s = RuleSettings::resolve(&c, &[], &[]);
        assert_eq!(s.level("ASL001"), Some(Severity::Warning));
        assert_eq!(s.level("ASL003"), None, "ignored");
    }

    #[test]
    fn unknown_rule_has_position_and_suggestion() {
        let text = "[rules]\ninvalid-jsn = \"off\"\n";
        let e = Config::parse(text, None).unwrap_err();
        assert!(e.message.contains("invalid-jsn"), "{e:?}");
        assert_eq!(&text[e.span.clone().unwrap()], "invalid-jsn");
        assert!(e.help.unwrap().contains("invalid-json"));
    }

    #[test]
    fn bad_level_and_unknown_key() {
        let e = Config::parse("[rules]\ninvalid-json = \"loud\"\n", None).unwrap_err();
        assert!(e.message.contains("loud"));
        let e = Config::parse("selct = []\n", None).unwrap_err();
        assert!(e.span.is_some(), "{e:?}");
        assert!(e.message.contains("selct"), "{e:?}");
    }

    #[test]
    fn cli_select_replaces_config_select() {
        let c = Config::parse("select = [\"ASL001\"]\n", None).unwrap();
        let s = RuleSettings::resolve(&c, &[Selector::parse("ASL002").unwrap()], &[]);
        assert_eq!(s.level("ASL001"), None);
        assert!(s.level("ASL002").is_some());
    }
}

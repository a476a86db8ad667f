//! The expression index: every expression site of a definition, found once and parsed once.
//!
//! Built with the semantic model ([`super::Semantic::exprs`]), once per document, and shared by every rule of the
//! run. It lists:
//!
//! - [`Exprs::templates`]: the evaluated payload template fields of the JSONPath states (`Parameters`,
//!   `ResultSelector`, `ItemSelector`, `Credentials`, `Assign`, ...);
//! - [`Exprs::paths`]: every JSONPath string slot (`key.$` template values and the path fields such as
//!   `InputPath`, `ResultPath`, `Variable`, `ErrorPath`, with their [`PathRole`]), each with its parsed form
//!   ([`TemplateExpr`]: a path, a context path (`$$`), a variable reference (`$var`), an intrinsic call, or the
//!   parse error);
//! - [`Exprs::jsonata`]: every string of an expression-bearing field of a JSONata state, with its `{% %}` body and,
//!   when enclosed, the JSONata parse (tokens, AST or syntax error);
//! - [`Exprs::jsonata_keys`]: the object keys inside those fields.
//!
//! Each entry carries its owning state, field, RFC 6901 pointer and the string node, whose span maps offsets
//! inside the string to file offsets ([`ExprSite::span`], [`crate::expr::span_map`]). Rules read this index and
//! never parse an expression themselves.

use super::jsonata_sites::{self, ExprKey, ExprString};
use super::path_sites::{self, ExprSite, PathRole, TemplateField};
use crate::expr::jsonata::{self, Enclosed};
use crate::expr::{classify, TemplateExpr};
use crate::model::{Definition, Site};
use crate::syntax::Span;
use std::collections::HashMap;

/// A JSONPath string slot with its parsed form.
#[derive(Debug, Clone)]
pub struct PathExpr<'a> {
    /// Where the string is: state, key, node, pointer, role, container.
    pub site: ExprSite<'a, 'a>,
    /// The string parsed once ([`classify`]): a path, context path, variable, intrinsic call, or the error.
    pub expr: TemplateExpr,
}

impl PathExpr<'_> {
    /// The role of the slot (template value, `InputPath`, `ResultPath`, ...).
    pub fn role(&self) -> PathRole {
        self.site.role
    }
}

/// A string of an expression-bearing field of a JSONata state, with its JSONata parse when it is `{% ... %}`.
#[derive(Debug, Clone)]
pub struct JsonataExpr<'a> {
    /// Where the string is: node, pointer, field, owner, state.
    pub string: ExprString<'a>,
    /// The body between `{%` and `%}`, when the string is exactly enclosed.
    pub enclosed: Option<Enclosed<'a>>,
    /// The parse of the body (tokens, AST or syntax error), when enclosed. Its tokens are empty when the body does
    /// not tokenize.
    pub parsed: Option<jsonata::Parsed>,
}

/// Every expression site of one definition, parsed once.
#[derive(Debug, Clone, Default)]
pub struct Exprs<'a> {
    pub templates: Vec<TemplateField<'a, 'a>>,
    pub paths: Vec<PathExpr<'a>>,
    pub jsonata: Vec<JsonataExpr<'a>>,
    pub jsonata_keys: Vec<ExprKey<'a>>,
    /// String node span → index into `paths`.
    by_span: HashMap<Span, usize>,
}

impl<'a> Exprs<'a> {
    /// Builds the index: finds every site and parses each expression once.
    pub fn build(definition: &'a Definition<'a>, sites: &[Site<'a>]) -> Exprs<'a> {
        let templates = path_sites::template_fields(definition);
        let paths: Vec<PathExpr<'a>> = path_sites::expr_sites_of(definition, &templates)
            .into_iter()
            .map(|site| {
                let expr = classify(site.text);
                PathExpr { site, expr }
            })
            .collect();
        let by_span = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.site.node.span, i))
            .collect();
        let (strings, jsonata_keys) = jsonata_sites::jsonata_strings_and_keys_in(sites);
        let jsonata = strings
            .into_iter()
            .map(|string| {
                let enclosed = jsonata::enclosed(string.text);
                let parsed = enclosed.map(|e| jsonata::parse(e.body));
                JsonataExpr {
                    string,
                    enclosed,
                    parsed,
                }
            })
            .collect();
        Exprs {
            templates,
            paths,
            jsonata,
            jsonata_keys,
            by_span,
        }
    }

    /// The JSONPath slot whose string node has this span (the string token's span, quotes included).
    pub fn path_at(&self, node_span: Span) -> Option<&PathExpr<'a>> {
        self.paths.get(*self.by_span.get(&node_span)?)
    }

    /// The JSONata string whose node has this span (the string token's span, quotes included).
    pub fn jsonata_at(&self, node_span: Span) -> Option<&JsonataExpr<'a>> {
        // Listed in document order, each string once.
        let i = self
            .jsonata
            .binary_search_by_key(&node_span, |j| j.string.node.span)
            .ok()?;
        self.jsonata.get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, SourceKind};

    #[test]
    fn index_lists_and_parses_each_site_once() {
        let text = r#"{"StartAt":"P","States":{
          "P":{"Type":"Pass","Parameters":{"a.$":"$.x","b.$":"States.Format('{}', $$.Execution.Id)","c.$":"$v"},
               "InputPath":"$.in","ResultPath":"$.[","Next":"J"},
          "J":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"o":"{% $states.input %}","k":"{% ( %}"},"End":true}}}"#;
        let root = parse(text, SourceKind::Json).root.expect("root");
        let model = crate::model::build(&root);
        let sem = crate::semantic::Semantic::build(&model);
        let ex = sem.exprs();
        let kinds: Vec<(&str, &str)> = ex
            .paths
            .iter()
            .map(|p| {
                let k = match &p.expr {
                    TemplateExpr::Path(_) => "path",
                    TemplateExpr::ContextPath(_) => "context",
                    TemplateExpr::Variable(_) => "variable",
                    TemplateExpr::Intrinsic(_) => "intrinsic",
                    TemplateExpr::Invalid(_) => "invalid",
                };
                (p.site.text, k)
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("$.x", "path"),
                ("States.Format('{}', $$.Execution.Id)", "intrinsic"),
                ("$v", "variable"),
                ("$.in", "path"),
                ("$.[", "invalid"),
            ]
        );
        assert_eq!(ex.paths[0].site.pointer, "/States/P/Parameters/a.$");
        assert_eq!(ex.paths[4].role(), PathRole::ResultPath);
        assert_eq!(ex.templates.len(), 1);
        let k = ex
            .jsonata_at(ex.jsonata[1].string.node.span)
            .map(|j| j.string.text);
        assert_eq!(k, Some("{% ( %}"));
        assert!(ex.jsonata_at(Span::new(0, 1)).is_none());
        let in_path = ex.path_at(ex.paths[3].site.node.span).map(|p| p.site.text);
        assert_eq!(in_path, Some("$.in"));
        assert!(ex.path_at(Span::new(0, 1)).is_none());
        let js: Vec<(&str, bool)> = ex
            .jsonata
            .iter()
            .map(|j| {
                (
                    j.string.pointer.as_str(),
                    j.parsed.as_ref().is_some_and(|p| p.error.is_some()),
                )
            })
            .collect();
        assert_eq!(
            js,
            vec![("/States/J/Output/o", false), ("/States/J/Output/k", true)]
        );
        assert_eq!(ex.jsonata_keys.len(), 2);
        // The index is built once: a second call returns the same allocation.
        assert!(std::ptr::eq(sem.exprs(), ex));
        assert!(std::ptr::eq(sem.sites().as_ptr(), sem.sites().as_ptr()));
        assert_eq!(sem.sites().len(), model.sites().len());
    }
}

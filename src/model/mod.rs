//! Spanned tree → typed ASL model (stub: being written).
use crate::syntax::Node;

/// A whole state machine definition.
pub struct Definition<'a> {
    pub root: &'a Node,
}

/// Builds the model from a tree. Never fails: a broken tree gives a partial model.
pub fn build(root: &Node) -> Definition<'_> {
    Definition { root }
}

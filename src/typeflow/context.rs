//! The shape of the context object (`$$` in JSONPath, `$states.context` in JSONata).
//!
//! Every level is an *open* object: AWS may add fields, and reads of fields not listed are the business of
//! `invalid-context-path`, not of the type flow. Only the types of the fields listed are relied on, so that e.g.
//! `$$.Map.Item.Index` is known to be a number and `$$.Execution.Input` is the machine input.

use super::shape::{Obj, Shape};
use crate::model::StateType;

/// Where a context object is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    /// The type of the state reading it (`Task` adds `Task.Token`).
    pub state: Option<StateType>,
    /// The read is in a Map state's `ItemSelector` (or legacy `Parameters`), where `Map.Item` exists.
    pub map_item: bool,
}

fn open(fields: Vec<(&str, Shape)>) -> Shape {
    let mut o = Obj::closed(fields.into_iter().map(|(k, s)| (k.to_string(), s)));
    o.open = true;
    Shape::Object(o)
}

/// The context object a state sees: `Execution.Input` is `input` (the machine input), `Map.Item.Value` is `item`
/// (inside an ItemSelector).
pub fn shape(site: Site, input: &Shape, item: &Shape) -> Shape {
    let mut fields = vec![
        (
            "Execution",
            open(vec![
                ("Id", Shape::String),
                ("Input", input.clone()),
                ("Name", Shape::String),
                ("RoleArn", Shape::String),
                ("StartTime", Shape::String),
                ("RedriveCount", Shape::integer()),
            ]),
        ),
        (
            "State",
            open(
                [("Name", Shape::String), ("EnteredTime", Shape::String)]
                    .into_iter()
                    // A Pass state has no RetryCount.
                    .chain(
                        (site.state != Some(StateType::Pass))
                            .then_some(("RetryCount", Shape::integer())),
                    )
                    .collect(),
            ),
        ),
        (
            "StateMachine",
            open(vec![("Id", Shape::String), ("Name", Shape::String)]),
        ),
    ];
    if site.state == Some(StateType::Task) {
        fields.push(("Task", open(vec![("Token", Shape::String)])));
    }
    if site.map_item {
        fields.push((
            "Map",
            open(vec![(
                "Item",
                open(vec![("Index", Shape::integer()), ("Value", item.clone())]),
            )]),
        ));
    }
    open(fields)
}

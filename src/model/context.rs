//! The context object: the fields Step Functions offers as `$$.…` (JSONPath) and `$states.context.…` (JSONata),
//! where each exists, and which ones hold data a path may go into.
//!
//! One table ([`CONTEXT_FIELDS`]) read by the rules (`invalid-context-path`), the simulator's checks and the
//! language server (completion and hover of `$$.` and `$states.context.`). Source: the AWS Step Functions
//! Developer Guide, "Accessing execution data from the Context object in Step Functions"
//! (`input-output-contextobject`).

/// Where a context field exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Availability {
    /// In every state.
    Everywhere,
    /// Only in a Task state (the task token of a `.waitForTaskToken` callback).
    TaskState,
    /// Only while a Map state builds an iteration's input: its `ItemSelector` (or legacy `Parameters`).
    MapItemSelector,
}

/// One field of the context object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextField {
    /// The dotted path below the context object: `Execution.Id`, `Map.Item.Value`.
    pub path: &'static str,
    /// What it holds, one sentence, for hover and completion.
    pub doc: &'static str,
    pub availability: Availability,
    /// True when the field holds arbitrary JSON a path may go into (`Execution.Input`, `Map.Item.Value`); every
    /// other field is a single value.
    pub navigable: bool,
}

const fn field(path: &'static str, doc: &'static str) -> ContextField {
    ContextField {
        path,
        doc,
        availability: Availability::Everywhere,
        navigable: false,
    }
}

/// Every leaf field of the context object, grouped by object, in the order of the AWS documentation.
pub const CONTEXT_FIELDS: &[ContextField] = &[
    field("Execution.Id", "The ARN of the execution."),
    ContextField {
        navigable: true,
        ..field("Execution.Input", "The execution's input.")
    },
    field("Execution.Name", "The execution's name."),
    field("Execution.RoleArn", "The role the execution runs with."),
    field(
        "Execution.StartTime",
        "When the execution started (ISO 8601).",
    ),
    field(
        "Execution.RedriveCount",
        "How many times the execution was redriven.",
    ),
    field(
        "Execution.RedriveTime",
        "When the execution was last redriven.",
    ),
    field("StateMachine.Id", "The ARN of the state machine."),
    field("StateMachine.Name", "The state machine's name."),
    field("State.EnteredTime", "When the current state was entered."),
    field("State.Name", "The current state's name."),
    field(
        "State.RetryCount",
        "How many retries of the current state have run.",
    ),
    ContextField {
        availability: Availability::TaskState,
        ..field(
            "Task.Token",
            "The task token (callback `.waitForTaskToken` tasks only).",
        )
    },
    ContextField {
        availability: Availability::MapItemSelector,
        ..field(
            "Map.Item.Index",
            "The index of the current Map item (in a Map's `ItemSelector`).",
        )
    },
    ContextField {
        availability: Availability::MapItemSelector,
        navigable: true,
        ..field(
            "Map.Item.Value",
            "The current Map item (in a Map's `ItemSelector`).",
        )
    },
    ContextField {
        availability: Availability::MapItemSelector,
        ..field(
            "Map.Item.Key",
            "The key of the current item when a Map iterates over an object.",
        )
    },
];

/// The leaf field at `path` (`Execution.Id`), if any.
pub fn lookup(path: &str) -> Option<&'static ContextField> {
    CONTEXT_FIELDS.iter().find(|f| f.path == path)
}

/// The names directly below `parent` (`""` for the context object itself, `Execution`, `Map.Item`), in table
/// order, each once. Empty when `parent` is a leaf or not a field.
pub fn members(parent: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for f in CONTEXT_FIELDS {
        let rest = if parent.is_empty() {
            Some(f.path)
        } else {
            f.path
                .strip_prefix(parent)
                .and_then(|r| r.strip_prefix('.'))
        };
        if let Some(name) = rest.and_then(|r| r.split('.').next()) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Where the field or object at `path` exists (the availability of the first leaf below it).
pub fn availability(path: &str) -> Availability {
    CONTEXT_FIELDS
        .iter()
        .find(|f| {
            f.path == path
                || f.path
                    .strip_prefix(path)
                    .is_some_and(|r| r.starts_with('.'))
        })
        .map_or(Availability::Everywhere, |f| f.availability)
}

/// What the steps of a context path denote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Every step names an object or a field of the table (`Execution`, `Map.Item`, `Execution.Id`), or goes into
    /// a navigable field (`Execution.Input.order.id`); `path` is the deepest known object or field reached.
    Known { path: String },
    /// Step `index` names nothing below `parent` (`""` for the context object).
    Unknown { index: usize, parent: String },
    /// Step `index` goes into `field`, which is a single value.
    Scalar {
        index: usize,
        field: &'static ContextField,
    },
    /// Step `index` is not a plain name (a wildcard, an index, a filter, a descendant step) below an object of
    /// the table: nothing can be said.
    Opaque { index: usize },
}

/// Resolves the steps of a context path: the name of each step, or `None` for a step that is not a plain name
/// (a wildcard, an index, a filter, a descendant step).
pub fn resolve<'s>(steps: impl IntoIterator<Item = Option<&'s str>>) -> Resolution {
    let mut path = String::new();
    for (index, step) in steps.into_iter().enumerate() {
        if let Some(field) = lookup(&path) {
            return if field.navigable {
                Resolution::Known { path }
            } else {
                Resolution::Scalar { index, field }
            };
        }
        let Some(name) = step else {
            return Resolution::Opaque { index };
        };
        if !members(&path).contains(&name) {
            return Resolution::Unknown {
                index,
                parent: path,
            };
        }
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
    }
    Resolution::Known { path }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_of_each_level() {
        assert_eq!(
            members(""),
            vec!["Execution", "StateMachine", "State", "Task", "Map"]
        );
        assert_eq!(members("Map"), vec!["Item"]);
        assert_eq!(members("Map.Item"), vec!["Index", "Value", "Key"]);
        assert!(members("Execution.Id").is_empty());
        assert!(members("Exec").is_empty());
    }

    #[test]
    fn availability_of_fields_and_objects() {
        assert_eq!(availability("Task"), Availability::TaskState);
        assert_eq!(availability("Task.Token"), Availability::TaskState);
        assert_eq!(availability("Map.Item"), Availability::MapItemSelector);
        assert_eq!(availability("Execution.Id"), Availability::Everywhere);
        // A prefix of a name is not a parent.
        assert_eq!(availability("Ma"), Availability::Everywhere);
    }

    #[test]
    fn resolution_of_paths() {
        let r = |s: &[Option<&str>]| resolve(s.iter().copied());
        assert_eq!(
            r(&[Some("Execution"), Some("Id")]),
            Resolution::Known {
                path: "Execution.Id".into()
            }
        );
        assert_eq!(
            r(&[Some("Execution"), Some("Input"), Some("a"), None]),
            Resolution::Known {
                path: "Execution.Input".into()
            }
        );
        assert_eq!(
            r(&[Some("Execution"), Some("Nmae")]),
            Resolution::Unknown {
                index: 1,
                parent: "Execution".into()
            }
        );
        assert_eq!(
            r(&[Some("Executon")]),
            Resolution::Unknown {
                index: 0,
                parent: String::new()
            }
        );
        assert!(matches!(
            r(&[Some("Map"), Some("Item"), Some("Index"), Some("x")]),
            Resolution::Scalar { index: 3, field } if field.path == "Map.Item.Index"
        ));
        assert_eq!(r(&[Some("Map"), None]), Resolution::Opaque { index: 1 });
        assert_eq!(
            r(&[]),
            Resolution::Known {
                path: String::new()
            }
        );
    }
}

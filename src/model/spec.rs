//! The ASL schema as data: for every kind of object, the fields it allows, their value kinds, the query language
//! that allows them, what is required and what is mutually exclusive.
//!
//! This table is read by the schema rules, and is meant to be read by completion and JSON-schema generation too:
//! keep it data, not code.

use super::QueryLanguage;

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    /// Any string.
    String,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// An integer within `[min, max]`.
    Integer {
        min: i64,
        max: Option<i64>,
    },
    /// A number within `[min, max]`.
    Number {
        min: f64,
        max: Option<f64>,
    },
    Boolean,
    /// `End`: must be `true`.
    True,
    /// A JSON object (payload templates, configuration objects).
    Object,
    /// An array of strings; `non_empty` when at least one is required.
    StringArray {
        non_empty: bool,
    },
    /// An array of objects; `non_empty` when at least one is required.
    ObjectArray {
        non_empty: bool,
    },
    /// An object whose every member value is an object (`States`).
    StateMap,
    /// A JSONPath / reference path string.
    Path,
    /// A path string or `null` (InputPath, OutputPath, ResultPath).
    PathOrNull,
    /// An RFC 3339 timestamp string (uppercase `T` and `Z`).
    Timestamp,
    /// A Map Run label: 1 to 40 characters, no whitespace, brackets, wildcards or special characters.
    MapLabel,
    /// The ASL version: `"1.0"`.
    Version,
    /// Any JSON value.
    Any,
}

impl ValueKind {
    /// How the expected kind reads in a message: "an integer", "a string", ...
    pub fn describe(self) -> &'static str {
        match self {
            ValueKind::String | ValueKind::Enum(_) | ValueKind::Version => "a string",
            ValueKind::Integer { .. } => "an integer",
            ValueKind::Number { .. } => "a number",
            ValueKind::Boolean => "a boolean",
            ValueKind::True => "`true`",
            ValueKind::Object => "an object",
            ValueKind::StringArray { .. } => "an array of strings",
            ValueKind::ObjectArray { .. } => "an array of objects",
            ValueKind::StateMap => "an object of states",
            ValueKind::Path => "a path string",
            ValueKind::PathOrNull => "a path string or null",
            ValueKind::Timestamp => "an RFC 3339 timestamp string",
            ValueKind::MapLabel => "a string",
            ValueKind::Any => "any JSON value",
        }
    }
}

/// Which query language allows a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Both,
    /// JSONPath only; in JSONata use `instead` (a field name, or a short phrase in markdown).
    JsonPathOnly {
        instead: &'static str,
    },
    /// JSONata only; in JSONPath use `instead`.
    JsonataOnly {
        instead: &'static str,
    },
}

impl Lang {
    pub fn allows(self, ql: QueryLanguage) -> bool {
        match self {
            Lang::Both => true,
            Lang::JsonPathOnly { .. } => ql == QueryLanguage::JsonPath,
            Lang::JsonataOnly { .. } => ql == QueryLanguage::Jsonata,
        }
    }
}

/// One allowed field of an object kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: ValueKind,
    pub lang: Lang,
    /// In JSONata states, a `{% ... %}` string is accepted in place of the value.
    pub expr: bool,
    /// Deprecated legacy field (still accepted).
    pub legacy: bool,
    /// A string starting with `$` (a variable or path reference, resolved at run time) is accepted in place of the
    /// value. AWS accepted this for the numeric retrier fields in LocalStack's AWS-validated templates.
    pub reference: bool,
}

const fn f(name: &'static str, kind: ValueKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        lang: Lang::Both,
        expr: false,
        legacy: false,
        reference: false,
    }
}

impl FieldSpec {
    const fn jp(mut self, instead: &'static str) -> Self {
        self.lang = Lang::JsonPathOnly { instead };
        self
    }
    const fn jn(mut self, instead: &'static str) -> Self {
        self.lang = Lang::JsonataOnly { instead };
        self
    }
    const fn expr(mut self) -> Self {
        self.expr = true;
        self
    }
    const fn legacy(mut self) -> Self {
        self.legacy = true;
        self
    }
    const fn reference(mut self) -> Self {
        self.reference = true;
        self
    }
}

/// At least one of `fields` must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    pub fields: &'static [&'static str],
    /// How the requirement reads in a message when it is a choice ("`Next` or `End`").
    pub what: &'static str,
}

/// The kinds of objects the schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// The state machine definition itself.
    TopLevel,
    /// One element of a Parallel state's `Branches`.
    Branch,
    /// A Map state's `ItemProcessor` (or legacy `Iterator`).
    ItemProcessor,
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
    /// A state whose `Type` is missing or unknown: only the common fields are known.
    UnknownState,
    Retrier,
    Catcher,
    /// An element of a Choice state's `Choices`.
    ChoiceRule,
    /// A rule inside `And`, `Or` or `Not`.
    NestedChoiceRule,
    ProcessorConfig,
    /// A Task's `Credentials`.
    Credentials,
    ItemReader,
    ReaderConfig,
    ItemBatcher,
    ResultWriter,
    WriterConfig,
}

impl ObjectKind {
    /// True for the eight state kinds and [`ObjectKind::UnknownState`].
    pub fn is_state(self) -> bool {
        matches!(
            self,
            ObjectKind::Task
                | ObjectKind::Pass
                | ObjectKind::Choice
                | ObjectKind::Wait
                | ObjectKind::Succeed
                | ObjectKind::Fail
                | ObjectKind::Parallel
                | ObjectKind::Map
                | ObjectKind::UnknownState
        )
    }
}

/// The schema of one object kind.
#[derive(Debug)]
pub struct ObjectSpec {
    pub kind: ObjectKind,
    /// The allowed fields, in groups (shared groups keep the table short).
    pub fields: &'static [&'static [FieldSpec]],
    pub required: &'static [Required],
    /// Groups of which at most one field may be present.
    pub exclusive: &'static [&'static [&'static str]],
}

impl ObjectSpec {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields
            .iter()
            .flat_map(|g| g.iter())
            .find(|f| f.name == name)
    }
    pub fn all_fields(&self) -> impl Iterator<Item = &'static FieldSpec> + '_ {
        self.fields.iter().flat_map(|g| g.iter())
    }
}

/// The valid state `Type` values.
pub const STATE_TYPES: &[&str] = &[
    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];
pub const QUERY_LANGUAGES: &[&str] = &["JSONPath", "JSONata"];

const INT0: ValueKind = ValueKind::Integer { min: 0, max: None };
const INT1: ValueKind = ValueKind::Integer { min: 1, max: None };
const STR: ValueKind = ValueKind::String;
const OBJ: ValueKind = ValueKind::Object;
const PATH: ValueKind = ValueKind::Path;

// ---- scopes ----

const TOP: &[FieldSpec] = &[
    f("Comment", STR),
    f("StartAt", STR),
    f("States", ValueKind::StateMap),
    f("Version", ValueKind::Version),
    f("TimeoutSeconds", INT1),
    f("QueryLanguage", ValueKind::Enum(QUERY_LANGUAGES)),
];
const SCOPE: &[FieldSpec] = &[
    f("Comment", STR),
    f("StartAt", STR),
    f("States", ValueKind::StateMap),
];
const PROCESSOR: &[FieldSpec] = &[f("ProcessorConfig", OBJ)];
const REQ_SCOPE: &[Required] = &[
    Required {
        fields: &["StartAt"],
        what: "`StartAt`",
    },
    Required {
        fields: &["States"],
        what: "`States`",
    },
];

// ---- states ----

const COMMON: &[FieldSpec] = &[
    f("Type", ValueKind::Enum(STATE_TYPES)),
    f("Comment", STR),
    f("QueryLanguage", ValueKind::Enum(QUERY_LANGUAGES)),
];
const TRANSITION: &[FieldSpec] = &[f("Next", STR), f("End", ValueKind::True)];
const IO_PATHS: &[FieldSpec] = &[
    f("InputPath", ValueKind::PathOrNull).jp("`$states.input` in `Arguments` or `Output`"),
    f("OutputPath", ValueKind::PathOrNull).jp("Output"),
];
const OUTPUT: &[FieldSpec] = &[f("Output", ValueKind::Any).jn("OutputPath")];
const ASSIGN: &[FieldSpec] = &[f("Assign", OBJ)];
const PARAMETERS: &[FieldSpec] = &[f("Parameters", ValueKind::Any).jp("Arguments")];
const ARGUMENTS: &[FieldSpec] = &[f("Arguments", ValueKind::Any).jn("Parameters").expr()];
const RESULT_PATHS: &[FieldSpec] = &[
    f("ResultSelector", OBJ).jp("Output"),
    f("ResultPath", ValueKind::PathOrNull).jp("Output"),
];
const RESULT_PATH: &[FieldSpec] = &[f("ResultPath", ValueKind::PathOrNull).jp("Output")];
const ERRORS: &[FieldSpec] = &[
    f("Retry", ValueKind::ObjectArray { non_empty: false }),
    f("Catch", ValueKind::ObjectArray { non_empty: false }),
];
const TASK: &[FieldSpec] = &[
    f("Resource", STR),
    f("Credentials", OBJ).expr(),
    f("TimeoutSeconds", INT1).expr(),
    f("TimeoutSecondsPath", PATH).jp("TimeoutSeconds"),
    f("HeartbeatSeconds", INT1).expr(),
    f("HeartbeatSecondsPath", PATH).jp("HeartbeatSeconds"),
];
const PASS: &[FieldSpec] = &[
    f("Result", ValueKind::Any).jp("Output"),
    f("Parameters", ValueKind::Any).jp("Output"),
];
const CHOICE: &[FieldSpec] = &[
    f("Choices", ValueKind::ObjectArray { non_empty: true }),
    f("Default", STR),
];
const WAIT: &[FieldSpec] = &[
    f("Seconds", INT0).expr(),
    f("SecondsPath", PATH).jp("Seconds"),
    f("Timestamp", ValueKind::Timestamp).expr(),
    f("TimestampPath", PATH).jp("Timestamp"),
];
const FAIL: &[FieldSpec] = &[
    f("Error", STR).expr(),
    f("ErrorPath", PATH).jp("Error"),
    f("Cause", STR).expr(),
    f("CausePath", PATH).jp("Cause"),
];
const PARALLEL: &[FieldSpec] = &[f("Branches", ValueKind::ObjectArray { non_empty: true })];
const MAP: &[FieldSpec] = &[
    f("ItemProcessor", OBJ),
    f("Iterator", OBJ).legacy(),
    f("Items", ValueKind::Any).jn("ItemsPath").expr(),
    f("ItemsPath", PATH).jp("Items"),
    f("ItemSelector", ValueKind::Any).expr(),
    f("Parameters", ValueKind::Any).jp("ItemSelector").legacy(),
    f("ItemReader", OBJ),
    f("ItemBatcher", OBJ),
    f("ResultWriter", OBJ),
    f("MaxConcurrency", INT0).expr(),
    f("MaxConcurrencyPath", PATH).jp("MaxConcurrency"),
    f(
        "ToleratedFailurePercentage",
        ValueKind::Number {
            min: 0.0,
            max: Some(100.0),
        },
    )
    .expr(),
    f("ToleratedFailurePercentagePath", PATH).jp("ToleratedFailurePercentage"),
    f("ToleratedFailureCount", INT0).expr(),
    f("ToleratedFailureCountPath", PATH).jp("ToleratedFailureCount"),
    f("Label", ValueKind::MapLabel),
];

const NEXT_OR_END: Required = Required {
    fields: &["Next", "End"],
    what: "`Next` or `End`",
};
const EX_NEXT_END: &[&str] = &["Next", "End"];
const EX_TIMEOUT: &[&str] = &["TimeoutSeconds", "TimeoutSecondsPath"];
const EX_HEARTBEAT: &[&str] = &["HeartbeatSeconds", "HeartbeatSecondsPath"];
const EX_WAIT: &[&str] = &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];
const EX_ERROR: &[&str] = &["Error", "ErrorPath"];
const EX_CAUSE: &[&str] = &["Cause", "CausePath"];

// ---- error handling ----

const RETRIER: &[FieldSpec] = &[
    f("ErrorEquals", ValueKind::StringArray { non_empty: true }),
    f("IntervalSeconds", INT1).expr().reference(),
    f("MaxAttempts", INT0).expr().reference(),
    f(
        "BackoffRate",
        ValueKind::Number {
            min: 1.0,
            max: None,
        },
    )
    .expr()
    .reference(),
    f("MaxDelaySeconds", INT1).expr().reference(),
    f("JitterStrategy", ValueKind::Enum(&["FULL", "NONE"])),
    f("Comment", STR),
];
const CATCHER: &[FieldSpec] = &[
    f("ErrorEquals", ValueKind::StringArray { non_empty: true }),
    f("Next", STR),
    f("ResultPath", ValueKind::PathOrNull).jp("Output"),
    f("Output", ValueKind::Any).jn("ResultPath"),
    f("Assign", OBJ),
    f("Comment", STR),
];

// ---- choice rules ----

/// Every comparison operator of a JSONPath Choice rule, with the kind of its operand.
pub const COMPARISONS: &[FieldSpec] = &[
    f("StringEquals", STR).jp("Condition"),
    f("StringEqualsPath", PATH).jp("Condition"),
    f("StringLessThan", STR).jp("Condition"),
    f("StringLessThanPath", PATH).jp("Condition"),
    f("StringGreaterThan", STR).jp("Condition"),
    f("StringGreaterThanPath", PATH).jp("Condition"),
    f("StringLessThanEquals", STR).jp("Condition"),
    f("StringLessThanEqualsPath", PATH).jp("Condition"),
    f("StringGreaterThanEquals", STR).jp("Condition"),
    f("StringGreaterThanEqualsPath", PATH).jp("Condition"),
    f("StringMatches", STR).jp("Condition"),
    f(
        "NumericEquals",
        ValueKind::Number {
            min: f64::NEG_INFINITY,
            max: None,
        },
    )
    .jp("Condition"),
    f("NumericEqualsPath", PATH).jp("Condition"),
    f(
        "NumericLessThan",
        ValueKind::Number {
            min: f64::NEG_INFINITY,
            max: None,
        },
    )
    .jp("Condition"),
    f("NumericLessThanPath", PATH).jp("Condition"),
    f(
        "NumericGreaterThan",
        ValueKind::Number {
            min: f64::NEG_INFINITY,
            max: None,
        },
    )
    .jp("Condition"),
    f("NumericGreaterThanPath", PATH).jp("Condition"),
    f(
        "NumericLessThanEquals",
        ValueKind::Number {
            min: f64::NEG_INFINITY,
            max: None,
        },
    )
    .jp("Condition"),
    f("NumericLessThanEqualsPath", PATH).jp("Condition"),
    f(
        "NumericGreaterThanEquals",
        ValueKind::Number {
            min: f64::NEG_INFINITY,
            max: None,
        },
    )
    .jp("Condition"),
    f("NumericGreaterThanEqualsPath", PATH).jp("Condition"),
    f("BooleanEquals", ValueKind::Boolean).jp("Condition"),
    f("BooleanEqualsPath", PATH).jp("Condition"),
    f("TimestampEquals", ValueKind::Timestamp).jp("Condition"),
    f("TimestampEqualsPath", PATH).jp("Condition"),
    f("TimestampLessThan", ValueKind::Timestamp).jp("Condition"),
    f("TimestampLessThanPath", PATH).jp("Condition"),
    f("TimestampGreaterThan", ValueKind::Timestamp).jp("Condition"),
    f("TimestampGreaterThanPath", PATH).jp("Condition"),
    f("TimestampLessThanEquals", ValueKind::Timestamp).jp("Condition"),
    f("TimestampLessThanEqualsPath", PATH).jp("Condition"),
    f("TimestampGreaterThanEquals", ValueKind::Timestamp).jp("Condition"),
    f("TimestampGreaterThanEqualsPath", PATH).jp("Condition"),
    f("IsNull", ValueKind::Boolean).jp("Condition"),
    f("IsPresent", ValueKind::Boolean).jp("Condition"),
    f("IsNumeric", ValueKind::Boolean).jp("Condition"),
    f("IsString", ValueKind::Boolean).jp("Condition"),
    f("IsBoolean", ValueKind::Boolean).jp("Condition"),
    f("IsTimestamp", ValueKind::Boolean).jp("Condition"),
];
const RULE_COMMON: &[FieldSpec] = &[
    f("Variable", PATH).jp("Condition"),
    f("And", ValueKind::ObjectArray { non_empty: true }).jp("Condition"),
    f("Or", ValueKind::ObjectArray { non_empty: true }).jp("Condition"),
    f("Not", OBJ).jp("Condition"),
    f("Comment", STR),
];
const RULE_TOP: &[FieldSpec] = &[
    f("Condition", ValueKind::Any)
        .jn("`Variable` with a comparison operator")
        .expr(),
    f("Next", STR),
    f("Output", ValueKind::Any).jn("the Choice state's `OutputPath`"),
    f("Assign", OBJ),
];

/// The names that can make up a rule's condition: one comparison, And, Or, Not or (JSONata) Condition.
pub const CONDITION_FIELDS: &[&str] = &[
    "StringEquals",
    "StringEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringMatches",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
    "And",
    "Or",
    "Not",
    "Condition",
];
/// [`CONDITION_FIELDS`] without `Condition` (nested rules exist only in JSONPath).
pub const NESTED_CONDITION_FIELDS: &[&str] =
    CONDITION_FIELDS.split_at(CONDITION_FIELDS.len() - 1).0;
const CONDITION_REQ: Required = Required {
    fields: CONDITION_FIELDS,
    what: "a comparison operator, `And`, `Or`, `Not` or `Condition`",
};
const NESTED_CONDITION_REQ: Required = Required {
    fields: NESTED_CONDITION_FIELDS,
    what: "a comparison operator, `And`, `Or` or `Not`",
};

const CREDENTIALS: &[FieldSpec] = &[f("RoleArn", STR).expr(), f("RoleArn.$", PATH).jp("RoleArn")];

// ---- Map configuration ----

const PROCESSOR_CONFIG: &[FieldSpec] = &[
    f("Mode", ValueKind::Enum(&["INLINE", "DISTRIBUTED"])),
    f("ExecutionType", ValueKind::Enum(&["STANDARD", "EXPRESS"])),
];
const ITEM_READER: &[FieldSpec] = &[
    f("Resource", STR),
    f("ReaderConfig", OBJ).expr(),
    f("Parameters", OBJ).jp("Arguments"),
    f("Arguments", ValueKind::Any).jn("Parameters").expr(),
];
const READER_CONFIG: &[FieldSpec] = &[
    f(
        "InputType",
        ValueKind::Enum(&["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"]),
    ),
    f(
        "CSVHeaderLocation",
        ValueKind::Enum(&["FIRST_ROW", "GIVEN"]),
    ),
    f("CSVHeaders", ValueKind::StringArray { non_empty: true }),
    f(
        "CSVDelimiter",
        ValueKind::Enum(&["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]),
    ),
    f("MaxItems", INT0).expr(),
    f("MaxItemsPath", PATH).jp("MaxItems"),
    f(
        "ManifestType",
        ValueKind::Enum(&["ATHENA_DATA", "S3_INVENTORY"]),
    ),
];
const ITEM_BATCHER: &[FieldSpec] = &[
    f("MaxItemsPerBatch", INT1).expr(),
    f("MaxItemsPerBatchPath", PATH).jp("MaxItemsPerBatch"),
    f(
        "MaxInputBytesPerBatch",
        ValueKind::Integer {
            min: 1,
            max: Some(262_144),
        },
    )
    .expr(),
    f("MaxInputBytesPerBatchPath", PATH).jp("MaxInputBytesPerBatch"),
    f("BatchInput", ValueKind::Any).expr(),
];
const RESULT_WRITER: &[FieldSpec] = &[
    f("Resource", STR),
    f("Parameters", OBJ).jp("Arguments"),
    f("Arguments", ValueKind::Any).jn("Parameters").expr(),
    f("WriterConfig", OBJ),
];
const WRITER_CONFIG: &[FieldSpec] = &[
    f("OutputType", ValueKind::Enum(&["JSON", "JSONL"])),
    f(
        "Transformation",
        ValueKind::Enum(&["NONE", "COMPACT", "FLATTEN"]),
    ),
];

/// Every object kind's schema.
pub static SPECS: &[ObjectSpec] = &[
    ObjectSpec {
        kind: ObjectKind::TopLevel,
        fields: &[TOP],
        required: REQ_SCOPE,
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::Branch,
        fields: &[SCOPE],
        required: REQ_SCOPE,
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::ItemProcessor,
        fields: &[SCOPE, PROCESSOR],
        required: REQ_SCOPE,
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::Task,
        fields: &[
            COMMON,
            TRANSITION,
            IO_PATHS,
            PARAMETERS,
            RESULT_PATHS,
            ARGUMENTS,
            OUTPUT,
            ASSIGN,
            ERRORS,
            TASK,
        ],
        required: &[
            Required {
                fields: &["Resource"],
                what: "`Resource`",
            },
            NEXT_OR_END,
        ],
        exclusive: &[
            EX_NEXT_END,
            EX_TIMEOUT,
            EX_HEARTBEAT,
            &["Parameters", "Arguments"],
        ],
    },
    ObjectSpec {
        kind: ObjectKind::Pass,
        fields: &[
            COMMON,
            TRANSITION,
            IO_PATHS,
            RESULT_PATH,
            OUTPUT,
            ASSIGN,
            PASS,
        ],
        required: &[NEXT_OR_END],
        exclusive: &[EX_NEXT_END],
    },
    ObjectSpec {
        kind: ObjectKind::Choice,
        fields: &[COMMON, IO_PATHS, OUTPUT, ASSIGN, CHOICE],
        required: &[Required {
            fields: &["Choices"],
            what: "`Choices`",
        }],
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::Wait,
        fields: &[COMMON, TRANSITION, IO_PATHS, OUTPUT, ASSIGN, WAIT],
        required: &[
            NEXT_OR_END,
            Required {
                fields: EX_WAIT,
                what: "one of `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`",
            },
        ],
        exclusive: &[EX_NEXT_END, EX_WAIT],
    },
    ObjectSpec {
        kind: ObjectKind::Succeed,
        fields: &[COMMON, IO_PATHS, OUTPUT],
        required: &[],
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::Fail,
        fields: &[COMMON, FAIL],
        required: &[],
        exclusive: &[EX_ERROR, EX_CAUSE],
    },
    ObjectSpec {
        kind: ObjectKind::Parallel,
        fields: &[
            COMMON,
            TRANSITION,
            IO_PATHS,
            PARAMETERS,
            RESULT_PATHS,
            ARGUMENTS,
            OUTPUT,
            ASSIGN,
            ERRORS,
            PARALLEL,
        ],
        required: &[
            Required {
                fields: &["Branches"],
                what: "`Branches`",
            },
            NEXT_OR_END,
        ],
        exclusive: &[EX_NEXT_END, &["Parameters", "Arguments"]],
    },
    ObjectSpec {
        kind: ObjectKind::Map,
        fields: &[
            COMMON,
            TRANSITION,
            IO_PATHS,
            RESULT_PATHS,
            OUTPUT,
            ASSIGN,
            ERRORS,
            MAP,
        ],
        required: &[
            Required {
                fields: &["ItemProcessor", "Iterator"],
                what: "`ItemProcessor`",
            },
            NEXT_OR_END,
        ],
        exclusive: &[
            EX_NEXT_END,
            &["ItemProcessor", "Iterator"],
            &["ItemSelector", "Parameters"],
            &["Items", "ItemsPath"],
            &["MaxConcurrency", "MaxConcurrencyPath"],
            &[
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
            ],
            &["ToleratedFailureCount", "ToleratedFailureCountPath"],
        ],
    },
    ObjectSpec {
        kind: ObjectKind::UnknownState,
        fields: &[COMMON],
        required: &[],
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::Retrier,
        fields: &[RETRIER],
        required: &[Required {
            fields: &["ErrorEquals"],
            what: "`ErrorEquals`",
        }],
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::Catcher,
        fields: &[CATCHER],
        required: &[
            Required {
                fields: &["ErrorEquals"],
                what: "`ErrorEquals`",
            },
            Required {
                fields: &["Next"],
                what: "`Next`",
            },
        ],
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::ChoiceRule,
        fields: &[RULE_COMMON, RULE_TOP, COMPARISONS],
        required: &[
            CONDITION_REQ,
            Required {
                fields: &["Next"],
                what: "`Next`",
            },
        ],
        exclusive: &[CONDITION_FIELDS],
    },
    ObjectSpec {
        kind: ObjectKind::NestedChoiceRule,
        fields: &[RULE_COMMON, COMPARISONS],
        required: &[NESTED_CONDITION_REQ],
        exclusive: &[NESTED_CONDITION_FIELDS],
    },
    ObjectSpec {
        kind: ObjectKind::ProcessorConfig,
        fields: &[PROCESSOR_CONFIG],
        required: &[],
        exclusive: &[],
    },
    ObjectSpec {
        kind: ObjectKind::ItemReader,
        fields: &[ITEM_READER],
        required: &[Required {
            fields: &["Resource"],
            what: "`Resource`",
        }],
        exclusive: &[&["Parameters", "Arguments"]],
    },
    ObjectSpec {
        kind: ObjectKind::ReaderConfig,
        fields: &[READER_CONFIG],
        required: &[],
        exclusive: &[&["MaxItems", "MaxItemsPath"]],
    },
    ObjectSpec {
        kind: ObjectKind::ItemBatcher,
        fields: &[ITEM_BATCHER],
        required: &[],
        exclusive: &[
            &["MaxItemsPerBatch", "MaxItemsPerBatchPath"],
            &["MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"],
        ],
    },
    ObjectSpec {
        kind: ObjectKind::ResultWriter,
        fields: &[RESULT_WRITER],
        required: &[],
        exclusive: &[&["Parameters", "Arguments"]],
    },
    ObjectSpec {
        kind: ObjectKind::Credentials,
        fields: &[CREDENTIALS],
        required: &[Required {
            fields: &["RoleArn", "RoleArn.$"],
            what: "`RoleArn`",
        }],
        exclusive: &[&["RoleArn", "RoleArn.$"]],
    },
    ObjectSpec {
        kind: ObjectKind::WriterConfig,
        fields: &[WRITER_CONFIG],
        required: &[],
        exclusive: &[],
    },
];

/// The schema of an object kind.
pub fn spec(kind: ObjectKind) -> &'static ObjectSpec {
    SPECS.iter().find(|s| s.kind == kind).unwrap_or(&UNKNOWN)
}

static UNKNOWN: ObjectSpec = ObjectSpec {
    kind: ObjectKind::UnknownState,
    fields: &[COMMON],
    required: &[],
    exclusive: &[],
};

//! Where JSONata expressions live. The site types and their walker moved to the semantic model
//! ([`crate::semantic::jsonata_sites`]), which builds the expression index; they are re-exported here under their
//! former names.

pub use crate::semantic::jsonata_sites::{
    jsonata_keys, jsonata_strings, jsonata_strings_and_keys, jsonata_strings_and_keys_in, ExprKey,
    ExprString,
};

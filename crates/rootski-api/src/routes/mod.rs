//! One module per resource of `API.md`; each holds its handlers and the request and
//! response types that belong to them.

pub mod breakdown;
pub mod health;
pub mod morphemes;
pub mod search;
pub mod word;

mod path;

pub use path::PathParams;

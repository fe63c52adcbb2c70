//! The rootski API as a library.
//!
//! - [`domain`]: typed words, breakdowns, morphemes and users shared by every layer.
//! - [`store`]: the [`store::Store`] trait (one method per access pattern of the
//!   single DynamoDB-style table), the item codec and the embedded SQLite store.

pub mod domain;
pub mod store;

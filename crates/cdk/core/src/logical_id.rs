//! Logical ids of a stack: allocation by path and user renames.
//!
//! Invariant: an element's logical id is its override if set, else
//! `makeUniqueId(<path components below the stack>)` passed through the stack's
//! renames; every rename must have been used by the end of synthesis (an unused
//! rename is a typo that would silently replace a resource).

use std::collections::{BTreeMap, BTreeSet};

use crate::{Error, Result};

#[derive(Debug, Default)]
pub(crate) struct LogicalIds {
    renames: BTreeMap<String, String>,
    used: BTreeSet<String>,
}

impl LogicalIds {
    pub fn add_rename(&mut self, old_id: &str, new_id: &str) {
        self.renames.insert(old_id.to_string(), new_id.to_string());
    }

    pub fn apply_rename(&mut self, old_id: &str) -> String {
        match self.renames.get(old_id) {
            Some(new_id) => {
                self.used.insert(old_id.to_string());
                new_id.clone()
            }
            None => old_id.to_string(),
        }
    }

    pub fn assert_all_renames_applied(&self, stack_path: &str) -> Result<()> {
        let unused: Vec<&str> = self
            .renames
            .keys()
            .filter(|k| !self.used.contains(*k))
            .map(String::as_str)
            .collect();
        if unused.is_empty() {
            return Ok(());
        }
        Err(Error::validation(
            stack_path,
            format!(
                "The following Logical IDs were attempted to be renamed, but not found: {}; check the old ids passed to rename_logical_id",
                unused.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_renames_are_errors() {
        let mut l = LogicalIds::default();
        l.add_rename("A", "B");
        l.add_rename("C", "D");
        assert_eq!(l.apply_rename("A"), "B");
        assert_eq!(l.apply_rename("X"), "X");
        let err = l.assert_all_renames_applied("S").unwrap_err().to_string();
        assert!(err.contains("not found: C"), "{err}");
    }
}

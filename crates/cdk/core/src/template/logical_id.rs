//! Logical ids of a stack: allocation by path and user renames.
//!
//! Invariant: an element's logical id is its override if set, else
//! `makeUniqueId(<path components below the stack>)` passed through the stack's
//! renames; every rename must have been used by the end of synthesis (an unused
//! rename is a typo that would silently replace a resource).

use std::collections::{BTreeMap, BTreeSet};

use crate::{Construct, Error, Result, Stack};

#[derive(Debug, Default)]
pub(crate) struct LogicalIds {
    renames: BTreeMap<String, String>,
    used: BTreeSet<String>,
    reverse: BTreeMap<String, String>,
    errors: Vec<String>,
}

impl LogicalIds {
    /// Registers a rename; a second rename of the same id is reported at synthesis.
    pub fn add_rename(&mut self, old_id: &str, new_id: &str) {
        if self.renames.contains_key(old_id) {
            self.errors.push(format!(
                "A rename has already been registered for '{old_id}'; call rename_logical_id once per id"
            ));
            return;
        }
        self.renames.insert(old_id.to_string(), new_id.to_string());
    }

    /// The final id for an allocated one; two different allocated ids renamed to the
    /// same final id is an error (CDK's "Two objects have been assigned the same
    /// Logical ID").
    pub fn apply_rename(&mut self, old_id: &str) -> Result<String, String> {
        let new_id = match self.renames.get(old_id) {
            Some(new_id) => {
                self.used.insert(old_id.to_string());
                new_id.clone()
            }
            None => old_id.to_string(),
        };
        if let Some(prev) = self.reverse.get(&new_id) {
            if prev != old_id {
                return Err(format!(
                    "Two objects have been assigned the same Logical ID: '{prev}' and '{old_id}' are now both named '{new_id}'; rename one of them"
                ));
            }
        } else {
            self.reverse.insert(new_id.clone(), old_id.to_string());
        }
        Ok(new_id)
    }

    /// Fails on the first rename error, or on a rename no element used (a typo).
    pub fn assert_all_renames_applied(&self, stack_path: &str) -> Result<()> {
        if let Some(e) = self.errors.first() {
            return Err(Error::validation(stack_path, e.clone()));
        }
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

impl Stack {
    /// Renames a logical id (`old_id` as allocated from the path → `new_id`); a rename
    /// that matches no element fails synthesis.
    pub fn rename_logical_id(&self, old_id: &str, new_id: &str) {
        self.state()
            .logical_ids
            .borrow_mut()
            .add_rename(old_id, new_id);
    }

    /// The logical id of an element of this stack (override, else allocated from the
    /// path below the stack with `makeUniqueId`, then renamed).
    pub fn get_logical_id(&self, element: &impl AsRef<Construct>) -> Result<String> {
        let element = element.as_ref();
        if let Some(o) = crate::template::element::logical_id_override(element) {
            return Ok(o);
        }
        let scopes = element.scopes();
        let below: Vec<&str> = match scopes.iter().position(|s| s == self.construct()) {
            Some(i) => scopes[i + 1..].iter().map(|c| c.id()).collect(),
            None => {
                return Err(Error::validation(
                    element.path(),
                    format!(
                        "is not inside stack '{}'; ask the element's own stack for its logical id",
                        self.path()
                    ),
                ));
            }
        };
        let allocated = crate::template::uniqueid::make_unique_id(&below).map_err(|e| {
            Error::validation(
                element.path(),
                format!("cannot allocate a logical id: {e:?}"),
            )
        })?;
        let id = self
            .state()
            .logical_ids
            .borrow_mut()
            .apply_rename(&allocated)
            .map_err(|m| Error::validation(element.path(), m))?;
        crate::template::element::validate_logical_id(element.path(), &id)?;
        Ok(id)
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
        assert_eq!(l.apply_rename("A").unwrap(), "B");
        assert_eq!(l.apply_rename("X").unwrap(), "X");
        assert!(
            l.apply_rename("B").is_err(),
            "B is taken by the rename of A"
        );
        let err = l.assert_all_renames_applied("S").unwrap_err().to_string();
        assert!(err.contains("not found: C"), "{err}");
    }
}

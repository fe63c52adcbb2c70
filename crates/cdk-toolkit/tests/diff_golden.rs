//! Golden tests of the template diff: each directory under `tests/diff/` has
//! `old.json` (absent: a new stack), `new.json` and `expected.txt`. Run with
//! `UPDATE_GOLDEN=1` to rewrite the expected files after an intended change.

use std::path::Path;

use cdk_toolkit::diff::{diff_templates, render};
use serde_json::Value;

fn read(path: &Path) -> Value {
    match std::fs::read_to_string(path) {
        Ok(t) => serde_json::from_str(&t).expect("fixture is JSON"),
        Err(_) => Value::Null,
    }
}

#[test]
fn diffs_match_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/diff")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "golden cases missing");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for case in cases {
        let diff = diff_templates(&read(&case.join("old.json")), &read(&case.join("new.json")));
        let actual = render(&diff);
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &actual).expect("write golden");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(
            actual,
            expected,
            "golden mismatch for {} (UPDATE_GOLDEN=1 to accept):\n{actual}",
            case.display()
        );
    }
}

#[test]
fn classifies_broadening_and_replacement() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let case = |n: &str| {
        diff_templates(
            &read(&root.join(n).join("old.json")),
            &read(&root.join(n).join("new.json")),
        )
    };
    let new_stack = case("new_stack");
    assert!(new_stack.widens_permissions());
    assert!(!new_stack.has_replacements());
    let stateful = case("stateful_replacement");
    assert!(stateful.has_replacements());
    let losing: Vec<&str> = stateful
        .resources
        .iter()
        .filter(|r| r.destroys_data())
        .map(|r| r.logical_id.as_str())
        .collect();
    assert_eq!(losing, vec!["Domain", "OldTable", "Table"]);
    let iam = case("iam_changes");
    assert!(iam.widens_permissions());
    assert_eq!(iam.iam.removed_statements.len(), 1);
    assert_eq!(iam.iam.added_managed.len(), 1);
    assert!(case("metadata_only").is_empty());
}

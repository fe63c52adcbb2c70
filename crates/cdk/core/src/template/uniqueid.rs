//! CDK's `makeUniqueId`: the rule that turns a construct path into a logical id.
//!
//! Invariant (cannot change without replacing deployed resources): for path components
//! `c` (relative to the stack), drop every `Default`; a single remaining component is
//! used as-is with non-alphanumerics removed (when <= 255 chars); otherwise the id is
//! the human part (components with consecutive duplicates removed — a component is
//! dropped when the previous kept one ends with it —, `Resource` dropped,
//! non-alphanumerics removed, concatenated, cut to 240 chars) followed by the first 8
//! hex digits, upper-cased, of md5(components joined by `/`).

use md5::{Digest, Md5};

const HIDDEN_FROM_HUMAN_ID: &str = "Resource";
const HIDDEN_ID: &str = "Default";
const HASH_LEN: usize = 8;
const MAX_HUMAN_LEN: usize = 240;
const MAX_ID_LEN: usize = 255;

/// Errors of [`make_unique_id`] (mapped to [`crate::Error`] by callers, which know the path).
#[derive(Debug, PartialEq, Eq)]
pub enum UniqueIdError {
    /// Nothing left after removing `Default` components.
    Empty,
    /// A component is an unresolved token.
    UnresolvedToken(String),
}

/// CDK v2's `makeUniqueId(components)`.
pub fn make_unique_id<S: AsRef<str>>(components: &[S]) -> Result<String, UniqueIdError> {
    let components: Vec<&str> = components
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| *c != HIDDEN_ID)
        .collect();
    if components.is_empty() {
        return Err(UniqueIdError::Empty);
    }
    if let Some(bad) = components.iter().find(|c| crate::token::is_unresolved(c)) {
        return Err(UniqueIdError::UnresolvedToken((*bad).to_string()));
    }
    if components.len() == 1 {
        let candidate = remove_non_alphanumeric(components[0]);
        if candidate.len() <= MAX_ID_LEN {
            return Ok(candidate);
        }
    }
    let hash = path_hash(&components);
    let mut human: String = remove_dupes(&components)
        .into_iter()
        .filter(|c| *c != HIDDEN_FROM_HUMAN_ID)
        .map(remove_non_alphanumeric)
        .collect();
    human.truncate(MAX_HUMAN_LEN);
    Ok(human + &hash)
}

/// CDK's `makeStackName`: the default name (and artifact id) of a stack from the ids
/// of its scopes below the app. One component is used as-is; otherwise
/// `makeUniqueResourceName(components, maxLength 128)`: like [`make_unique_id`] but the
/// human part is cut to 120 characters.
pub fn make_stack_name<S: AsRef<str>>(components: &[S]) -> Result<String, UniqueIdError> {
    const MAX: usize = 128;
    if let [one] = components
        && one.as_ref().len() <= MAX
    {
        return Ok(one.as_ref().to_string());
    }
    let components: Vec<&str> = components
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| *c != HIDDEN_ID)
        .collect();
    match components.as_slice() {
        [] => Err(UniqueIdError::Empty),
        [one] if remove_non_alphanumeric(one).len() <= MAX => Ok(remove_non_alphanumeric(one)),
        _ => {
            let hash = path_hash(&components);
            let mut human: String = remove_dupes(&components)
                .into_iter()
                .filter(|c| *c != HIDDEN_FROM_HUMAN_ID)
                .map(remove_non_alphanumeric)
                .collect();
            human.truncate(MAX - HASH_LEN);
            Ok(human + &hash)
        }
    }
}

/// First 8 hex chars (upper case) of md5 of the components joined by `/`.
pub fn path_hash(components: &[&str]) -> String {
    let digest = Md5::digest(components.join("/").as_bytes());
    hex::encode_upper(&digest[..HASH_LEN / 2])
}

/// Keeps `[A-Za-z0-9]` only.
pub fn remove_non_alphanumeric(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Drops a component when the previously kept one ends with it.
fn remove_dupes<'a>(path: &[&'a str]) -> Vec<&'a str> {
    let mut ret: Vec<&'a str> = Vec::with_capacity(path.len());
    for c in path {
        if ret.last().is_none_or(|last| !last.ends_with(c)) {
            ret.push(c);
        }
    }
    ret
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(p: &str) -> String {
        make_unique_id(&p.split('/').collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn golden_vectors_from_aws_cdk() {
        assert_eq!(id("MyBucket/Resource"), "MyBucketF68F3FF0");
        assert_eq!(
            id("Rootski-FastAPI-Lambda/Resource"),
            "RootskiFastAPILambdaD3EDB025"
        );
        assert_eq!(
            id("Rootski-FastAPI-Lambda/ServiceRole/Resource"),
            "RootskiFastAPILambdaServiceRole6CFF72E7"
        );
        assert_eq!(
            id("Rootski-Backend-Cache-Bucket/Resource"),
            "RootskiBackendCacheBucket97E33BED"
        );
    }

    #[test]
    fn single_component_is_used_verbatim_without_symbols() {
        assert_eq!(id("My-Bucket"), "MyBucket");
        assert_eq!(id("Default/My_Role"), "MyRole");
    }

    #[test]
    fn default_is_dropped_before_hashing() {
        assert_eq!(id("Sub/Default"), "Sub");
        assert_eq!(id("A/Default/B"), id("A/B"));
    }

    #[test]
    fn duplicates_and_resource_are_hidden_from_the_human_part() {
        let got = id("Bucket/Bucket/Resource");
        assert!(
            got.starts_with("Bucket") && got.len() == "Bucket".len() + 8,
            "{got}"
        );
        let got = id("FooBar/Bar/Baz");
        assert!(got.starts_with("FooBarBaz"), "{got}");
    }

    #[test]
    fn long_human_parts_are_cut_to_240() {
        let long = "a".repeat(300);
        let got = make_unique_id(&[long.as_str(), "b"]).unwrap();
        assert_eq!(got.len(), 248);
    }

    #[test]
    fn stack_names_as_cdk() {
        // aws-cdk-lib 2.276: new Stack(new Construct(app, 'My-Group'), 'Inner-Stack').
        assert_eq!(
            make_stack_name(&["My-Group", "Inner-Stack"]).unwrap(),
            "MyGroupInnerStack926BF215"
        );
        assert_eq!(
            make_stack_name(&["My-Group", "Default", "X"]).unwrap(),
            "MyGroupX53D3AFEC"
        );
        assert_eq!(make_stack_name(&["Top-Level"]).unwrap(), "Top-Level");
    }

    #[test]
    fn empty_is_an_error() {
        assert_eq!(make_unique_id(&["Default"]), Err(UniqueIdError::Empty));
        let none: [&str; 0] = [];
        assert_eq!(make_unique_id(&none), Err(UniqueIdError::Empty));
    }
}

//! JavaScript's `String.prototype.localeCompare` (ICU root collation), approximated for
//! the ASCII ids CDK sorts with it: `DependsOn` lists and rendered tags.
//!
//! Invariant: primary order is whitespace < punctuation < symbols < digits < letters,
//! letters compared case-insensitively; ties are broken lower-case first, then by bytes.

use std::cmp::Ordering;

/// ICU root order of ASCII punctuation and symbols (all sort before digits).
const PUNCTUATION: &str = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

fn primary(c: char) -> (u8, u32) {
    if c.is_whitespace() {
        (0, c as u32)
    } else if let Some(i) = PUNCTUATION.find(c) {
        (1, i as u32)
    } else if c.is_ascii_digit() {
        (3, c as u32)
    } else if c.is_alphabetic() {
        (4, c.to_ascii_lowercase() as u32)
    } else {
        (2, c as u32)
    }
}

/// Compares like `a.localeCompare(b)` in Node for ASCII strings.
pub fn locale_cmp(a: &str, b: &str) -> Ordering {
    let pa = a.chars().map(primary);
    let pb = b.chars().map(primary);
    pa.cmp(pb)
        .then_with(|| {
            let ca = a.chars().map(|c| c.is_ascii_uppercase());
            let cb = b.chars().map(|c| c.is_ascii_uppercase());
            ca.cmp(cb)
        })
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_node() {
        // Expected order printed by Node 20 `[...].sort((x, y) => x.localeCompare(y))`.
        let want = [
            "_",
            "-",
            "0",
            "9a",
            "a",
            "A",
            "a b",
            "a_b",
            "a-b",
            "a:b",
            "a.b",
            "a/b",
            "a#b",
            "a$b",
            "a1",
            "ab",
            "aB",
            "Ab",
            "AB",
            "Rootski-FastAPI-Lambda/Resource",
            "Rootski-FastAPI-Lambda/ServiceRole/Resource",
            "Rootski-FastAPI-LambdaX",
            "z",
            "Z",
        ];
        let mut v = want.to_vec();
        v.reverse();
        v.sort_by(|a, b| locale_cmp(a, b));
        assert_eq!(v, want);
    }
}

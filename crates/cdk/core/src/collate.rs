//! JavaScript's `String.prototype.localeCompare` (ICU root collation), approximated for
//! the ASCII ids CDK sorts with it: `DependsOn` lists and rendered tags.
//!
//! Invariant: primary order is whitespace < punctuation < symbols < digits < letters,
//! letters compared case-insensitively; ties are broken lower-case first, then by bytes.

use std::cmp::Ordering;

fn primary(c: char) -> (u8, char) {
    let class = if c.is_whitespace() {
        0
    } else if c.is_ascii_digit() {
        3
    } else if c.is_alphabetic() {
        4
    } else if matches!(
        c,
        '_' | '-'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '.'
            | '\''
            | '"'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '@'
            | '*'
            | '/'
            | '\\'
            | '&'
            | '#'
            | '%'
    ) {
        1
    } else {
        2
    };
    (class, c.to_ascii_lowercase())
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
        let mut v = vec!["b", "B", "a", "A1", "a-b", "ab", "_x", "10", "9"];
        v.sort_by(|a, b| locale_cmp(a, b));
        assert_eq!(v, vec!["_x", "10", "9", "a", "a-b", "A1", "ab", "b", "B"]);
    }
}

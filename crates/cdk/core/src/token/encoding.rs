//! How a token travels through plain Rust values, as in AWS CDK.
//!
//! Invariant: a token is registered once in a per-thread table and is represented by
//! - a `String` containing the marker `${Token[<hint>.<n>]}` (may be embedded in text),
//! - a `Vec<String>` whose single element is `#{Token[<hint>.<n>]}`,
//! - an `f64` whose bit pattern has the high 16 bits `0xFBFF` (a huge negative number,
//!   as CDK's `-1.888...e+289`) and the token number in the low 48 bits.
//!
//! `<n>` is the index in the table; `<hint>` is only for humans reading a marker.
//! The table is thread-local because constructs are `Rc` handles (not `Send`): a
//! construct tree lives and is synthesized on one thread.

use std::cell::RefCell;

use super::Intrinsic;

const STRING_START: &str = "${Token[";
const LIST_START: &str = "#{Token[";
const END: &str = "]}";
const NUMBER_MARKER: u64 = 0xFBFF << 48;
const NUMBER_MASK: u64 = (1 << 48) - 1;

thread_local! {
    static TABLE: RefCell<Vec<Intrinsic>> = const { RefCell::new(Vec::new()) };
}

/// Registers a value and returns its number.
pub(crate) fn register(value: Intrinsic) -> usize {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        t.push(value);
        t.len() - 1
    })
}

/// The registered value for a token number.
pub(crate) fn lookup(n: usize) -> Option<Intrinsic> {
    TABLE.with(|t| t.borrow().get(n).cloned())
}

fn sanitize_hint(hint: &str) -> String {
    let h: String = hint
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_'))
        .collect();
    if h.is_empty() { "TOKEN".into() } else { h }
}

/// `${Token[<hint>.<n>]}`.
pub(crate) fn string_marker(hint: &str, n: usize) -> String {
    format!("{STRING_START}{}.{n}{END}", sanitize_hint(hint))
}

/// `#{Token[<hint>.<n>]}`.
pub(crate) fn list_marker(hint: &str, n: usize) -> String {
    format!("{LIST_START}{}.{n}{END}", sanitize_hint(hint))
}

/// The number encoding of token `n`.
pub(crate) fn number_marker(n: usize) -> f64 {
    f64::from_bits(NUMBER_MARKER | (n as u64 & NUMBER_MASK))
}

/// The token number carried by an encoded number, if it is one.
pub(crate) fn decode_number(x: f64) -> Option<usize> {
    let bits = x.to_bits();
    (bits & !NUMBER_MASK == NUMBER_MARKER).then_some((bits & NUMBER_MASK) as usize)
}

/// A piece of a string: literal text or a token number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fragment<'a> {
    Literal(&'a str),
    Token(usize),
}

fn parse_marker_body(body: &str) -> Option<usize> {
    let (_, n) = body.rsplit_once('.')?;
    n.parse().ok()
}

/// Splits a string into literal and token fragments (string markers only).
pub(crate) fn split_string(s: &str) -> Vec<Fragment<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut literal_start = 0usize;
    let mut offset = 0usize;
    while let Some(pos) = rest.find(STRING_START) {
        let after = &rest[pos + STRING_START.len()..];
        let Some(end) = after.find(END) else { break };
        let abs = offset + pos;
        match parse_marker_body(&after[..end]) {
            Some(n) => {
                if abs > literal_start {
                    out.push(Fragment::Literal(&s[literal_start..abs]));
                }
                out.push(Fragment::Token(n));
                let consumed = pos + STRING_START.len() + end + END.len();
                offset += consumed;
                literal_start = offset;
                rest = &rest[consumed..];
            }
            None => {
                let consumed = pos + STRING_START.len();
                offset += consumed;
                rest = &rest[consumed..];
            }
        }
    }
    if literal_start < s.len() {
        out.push(Fragment::Literal(&s[literal_start..]));
    }
    out
}

/// The token number of a list marker string, if `s` is exactly one.
pub(crate) fn decode_list_marker(s: &str) -> Option<usize> {
    let body = s.strip_prefix(LIST_START)?.strip_suffix(END)?;
    parse_marker_body(body)
}

/// Whether a string contains a string or list token marker.
pub fn is_unresolved(s: &str) -> bool {
    s.contains(STRING_START) || s.contains(LIST_START)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_mixed_strings() {
        let s = format!(
            "arn:{}:x{}",
            string_marker("AWS.Partition", 3),
            string_marker("T", 12)
        );
        assert_eq!(
            split_string(&s),
            vec![
                Fragment::Literal("arn:"),
                Fragment::Token(3),
                Fragment::Literal(":x"),
                Fragment::Token(12)
            ]
        );
        assert_eq!(split_string("plain"), vec![Fragment::Literal("plain")]);
        assert_eq!(
            split_string("${Token[oops]}"),
            vec![Fragment::Literal("${Token[oops]}")]
        );
    }

    #[test]
    fn numbers_round_trip_and_look_like_cdk() {
        let x = number_marker(7);
        assert!(x < -1.0e289);
        assert_eq!(decode_number(x), Some(7));
        assert_eq!(decode_number(3.0), None);
    }

    #[test]
    fn list_markers() {
        assert_eq!(decode_list_marker(&list_marker("Fn::Split", 9)), Some(9));
        assert_eq!(decode_list_marker("x"), None);
    }
}

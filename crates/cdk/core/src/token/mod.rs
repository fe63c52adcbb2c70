//! Tokens: values known only at synthesis or deploy time, carried through plain
//! `String` / `Vec<String>` / `f64` values (see the private `encoding` module) and backed by a typed
//! model of CloudFormation intrinsics ([`Intrinsic`]).
//!
//! - [`Token`]: encode an [`Intrinsic`] as a string/list/number, test and reverse markers.
//! - [`Fn`]: CloudFormation intrinsic functions (`Fn::Join`, `Fn::Sub`, ...).
//! - [`Aws`]: pseudo parameters (`AWS::AccountId`, ...).
//! - [`Lazy`]: values computed by a closure at synthesis time.

pub(crate) mod encoding;
mod fns;
mod intrinsic;

pub use encoding::is_unresolved;
pub use fns::{Aws, Fn, Lazy};
pub use intrinsic::{Intrinsic, RefTarget};

use serde_json::Value;

/// Encoding and inspection of tokens (CDK's `Token` class).
pub struct Token;

impl Token {
    /// Encodes `value` as a string token (`${Token[...]}`) that can be embedded in text.
    pub fn as_string(value: Intrinsic) -> String {
        let hint = value.hint();
        encoding::string_marker(&hint, encoding::register(value))
    }

    /// Encodes `value` (which must resolve to a list) as a one-element list token.
    pub fn as_list(value: Intrinsic) -> Vec<String> {
        let hint = value.hint();
        vec![encoding::list_marker(&hint, encoding::register(value))]
    }

    /// Encodes `value` (which must resolve to a number) as a number token.
    pub fn as_number(value: Intrinsic) -> f64 {
        encoding::number_marker(encoding::register(value))
    }

    /// Encodes `value` as a JSON value (a string token that resolves to any JSON).
    pub fn as_any(value: Intrinsic) -> Value {
        Value::String(Self::as_string(value))
    }

    /// Whether the string contains a token marker (CDK's `Token.isUnresolved`).
    pub fn is_unresolved(s: &str) -> bool {
        encoding::is_unresolved(s)
    }

    /// Whether a list is a list token or contains string tokens.
    pub fn is_unresolved_list(list: &[String]) -> bool {
        list.iter().any(|s| encoding::is_unresolved(s))
    }

    /// Whether a number is an encoded number token.
    pub fn is_unresolved_number(x: f64) -> bool {
        encoding::decode_number(x).is_some()
    }

    /// Whether any string or number anywhere in `value` is a token.
    pub fn is_unresolved_value(value: &Value) -> bool {
        match value {
            Value::String(s) => encoding::is_unresolved(s),
            Value::Number(n) => n
                .as_f64()
                .is_some_and(|x| n.is_f64() && Self::is_unresolved_number(x)),
            Value::Array(a) => a.iter().any(Self::is_unresolved_value),
            Value::Object(o) => o
                .iter()
                .any(|(k, v)| encoding::is_unresolved(k) || Self::is_unresolved_value(v)),
            _ => false,
        }
    }

    /// The intrinsic behind a string that is exactly one token (CDK's `Tokenization.reverse`).
    pub fn reverse(s: &str) -> Option<Intrinsic> {
        match encoding::split_string(s).as_slice() {
            [encoding::Fragment::Token(n)] => encoding::lookup(*n),
            _ => encoding::decode_list_marker(s).and_then(encoding::lookup),
        }
    }

    /// The intrinsic behind a list token (`["#{Token[..]}"]`).
    pub fn reverse_list(list: &[String]) -> Option<Intrinsic> {
        match list {
            [one] => encoding::decode_list_marker(one).and_then(encoding::lookup),
            _ => None,
        }
    }

    /// The intrinsic behind a number token.
    pub fn reverse_number(x: f64) -> Option<Intrinsic> {
        encoding::decode_number(x).and_then(encoding::lookup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected_and_reversible() {
        let s = Aws::account_id();
        assert!(Token::is_unresolved(&s));
        assert!(
            matches!(Token::reverse(&s), Some(Intrinsic::Ref(RefTarget::Name(n))) if n == "AWS::AccountId")
        );
        assert!(Token::reverse(&format!("x{s}")).is_none());
        let l = Aws::notification_arns();
        assert!(Token::is_unresolved_list(&l));
        assert!(Token::reverse_list(&l).is_some());
        let n = Token::as_number(Intrinsic::Ref(RefTarget::Name("P".into())));
        assert!(Token::is_unresolved_number(n));
        assert!(Token::is_unresolved_value(
            &serde_json::json!({"a": [1, n]})
        ));
        assert!(!Token::is_unresolved_value(
            &serde_json::json!({"a": [1, "x"]})
        ));
    }
}

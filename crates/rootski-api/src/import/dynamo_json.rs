//! DynamoDB-typed JSON (`{"S": "x"}`, `{"N": "1"}`, ...) to plain JSON.
//!
//! This is the form `aws dynamodb scan` and DynamoDB's S3 export print. Numbers
//! become JSON integers when integral and in range, else floats; a number JSON
//! cannot hold exactly (more than 17 significant digits) is kept as its string,
//! which the codec's lenient readers accept. Binary values stay base64 strings.

use serde_json::{Map, Number, Value};

/// Converts one typed attribute value.
pub fn attribute_to_plain(value: &Value) -> Result<Value, String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "expected a typed attribute like {{\"S\": ...}}, found {value}"
        ));
    };
    let mut entries = map.iter();
    let (Some((tag, inner)), None) = (entries.next(), entries.next()) else {
        return Err(format!(
            "a typed attribute has exactly one type key (S, N, BOOL, NULL, L, M, SS, NS, B, BS), found {} keys",
            map.len()
        ));
    };
    let text = |v: &Value| -> Result<String, String> {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{tag} value must be a string, found {v}"))
    };
    let list = |v: &Value| -> Result<Vec<Value>, String> {
        v.as_array()
            .cloned()
            .ok_or_else(|| format!("{tag} value must be a list, found {v}"))
    };
    Ok(match tag.as_str() {
        "S" | "B" => Value::String(text(inner)?),
        "N" => number(&text(inner)?)?,
        "BOOL" => Value::Bool(
            inner
                .as_bool()
                .ok_or_else(|| format!("BOOL value must be true or false, found {inner}"))?,
        ),
        "NULL" => Value::Null,
        "L" => Value::Array(
            list(inner)?
                .iter()
                .map(attribute_to_plain)
                .collect::<Result<_, _>>()?,
        ),
        "M" => Value::Object(item_to_plain(inner)?),
        "SS" | "BS" => Value::Array(
            list(inner)?
                .iter()
                .map(|v| text(v).map(Value::String))
                .collect::<Result<_, _>>()?,
        ),
        "NS" => Value::Array(
            list(inner)?
                .iter()
                .map(|v| text(v).and_then(|s| number(&s)))
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(format!("unknown DynamoDB type {other:?}")),
    })
}

/// Converts a typed item (`{"pk": {"S": ...}, ...}`) to a plain item.
pub fn item_to_plain(value: &Value) -> Result<Map<String, Value>, String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "expected an object of typed attributes, found {value}"
        ));
    };
    map.iter()
        .map(|(k, v)| {
            attribute_to_plain(v)
                .map(|p| (k.clone(), p))
                .map_err(|e| format!("attribute {k:?}: {e}"))
        })
        .collect()
}

/// Whether an item object looks DynamoDB-typed: its `pk` is `{"S": ...}`.
pub fn looks_typed(item: &Map<String, Value>) -> bool {
    matches!(item.get("pk"), Some(Value::Object(m)) if m.contains_key("S"))
}

/// A DynamoDB `N` value as plain JSON (integer, float, or the text when JSON
/// cannot hold it exactly). Shared with the DynamoDB store.
pub fn number(text: &str) -> Result<Value, String> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Value::Number(i.into()));
    }
    let f: f64 = t
        .parse()
        .map_err(|_| format!("N value {text:?} is not a number"))?;
    let significant = t
        .trim_start_matches(['-', '+'])
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Ok(Value::Number((f as i64).into()));
    }
    match Number::from_f64(f) {
        Some(n) if significant <= 17 => Ok(Value::Number(n)),
        _ => Ok(Value::String(t.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_every_type() {
        let typed = json!({
            "pk": {"S": "WORD#1"}, "n": {"N": "42"}, "f": {"N": "1.5"}, "d": {"N": "7.0"},
            "b": {"BOOL": true}, "z": {"NULL": true}, "l": {"L": [{"S": "a"}, {"N": "2"}]},
            "m": {"M": {"x": {"S": "y"}}}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]},
            "big": {"N": "123456789012345678901234567890"}
        });
        let plain = Value::Object(item_to_plain(&typed).unwrap());
        assert_eq!(
            plain,
            json!({
                "pk": "WORD#1", "n": 42, "f": 1.5, "d": 7, "b": true, "z": null,
                "l": ["a", 2], "m": {"x": "y"}, "ss": ["a", "b"], "ns": [1, 2],
                "big": "123456789012345678901234567890"
            })
        );
    }

    #[test]
    fn rejects_malformed_attributes_with_their_name() {
        let err = item_to_plain(&json!({"pk": {"S": "x"}, "n": {"N": "abc"}})).unwrap_err();
        assert!(err.contains("\"n\"") && err.contains("abc"), "{err}");
        assert!(item_to_plain(&json!({"pk": {"Q": "x"}})).is_err());
        assert!(item_to_plain(&json!({"pk": {"S": "x", "N": "1"}})).is_err());
        assert!(item_to_plain(&json!({"pk": "plain"})).is_err());
    }
}

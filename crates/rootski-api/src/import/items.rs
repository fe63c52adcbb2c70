//! Table items in plain or DynamoDB-typed JSON, in every layout the tools print:
//! a JSON array, JSON Lines, `aws dynamodb scan` output (`{"Items": [...]}`) and
//! S3-export lines (`{"Item": {...}}`). Each item is checked the way the API will
//! read it, so a bad item is rejected here with its line, not served as a 503.

use super::ImportError;
use super::dynamo_json::{item_to_plain, looks_typed};
use super::error::{LineError, Location};
use super::records::Records;
use super::source::{Loaded, numbered_lines};
use crate::domain::{Breakdown, Morpheme, MorphemeFamily, SearchEntry, User, Word};
use crate::store::codec::{ItemKind, decode_item};
use crate::store::item::item_keys;
use crate::store::keys::types;
use crate::store::{EncodedItem, Item};
use serde_json::Value;
use std::ops::ControlFlow;

/// Reads one items input into `out`. JSON Lines (the first line is an item
/// object on its own) are streamed line by line; a whole-document layout (a JSON
/// array, scan output, or a file whose first line is not an item) is read whole,
/// as its format requires.
pub(super) fn parse(src: &Loaded, out: &mut dyn Records) -> Result<(), ImportError> {
    if starts_as_json_lines(src)? {
        return src.for_each_line(|line, text| {
            match serde_json::from_str::<Value>(text) {
                Ok(v) => one_into(&src.name, Location::Line(line), v, out),
                Err(e) => out.bad(LineError {
                    source: src.name.clone(),
                    location: Location::Line(line),
                    message: format!("invalid JSON: {e}"),
                }),
            }
            out.flow()
        });
    }
    parse_text(&src.name, &src.read_text()?, out)
}

/// Whether the first non-blank line is, alone, an item object (not a scan's
/// `{"Items": [...]}`): then the input is JSON Lines.
fn starts_as_json_lines(src: &Loaded) -> Result<bool, ImportError> {
    let mut lines = false;
    src.for_each_line(|_, text| {
        lines = matches!(
            serde_json::from_str::<Value>(text),
            Ok(Value::Object(o)) if !o.contains_key("Items")
        );
        ControlFlow::Break(())
    })?;
    Ok(lines)
}

/// Parses an items input. Whole-document formats (array, scan output, one
/// object) are recognised first; otherwise the text is read as JSON Lines.
fn parse_text(name: &str, text: &str, out: &mut dyn Records) -> Result<(), ImportError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Ok(());
    }
    // A file that is one JSON value is a document; anything else is JSON Lines
    // (the first line's value is followed by more text).
    match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Array(elements)) => {
            elements_into(name, elements, out);
            Ok(())
        }
        Ok(Value::Object(mut doc)) => {
            if let Some(items) = doc.remove("Items") {
                let Value::Array(elements) = items else {
                    return Err(ImportError::Format {
                        source_name: name.to_owned(),
                        reason: "\"Items\" must be a list (aws dynamodb scan output)".into(),
                    });
                };
                elements_into(name, elements, out);
            } else {
                one_into(name, Location::Line(1), Value::Object(doc), out);
            }
            Ok(())
        }
        Ok(other) => Err(ImportError::Format {
            source_name: name.to_owned(),
            reason: format!(
                "expected a JSON array, an object or JSON Lines, found {}",
                kind_of(&other)
            ),
        }),
        Err(_) if trimmed.starts_with('[') => {
            // An array that does not parse: report where.
            let err = serde_json::from_str::<Value>(trimmed).err();
            Err(ImportError::Format {
                source_name: name.to_owned(),
                reason: format!(
                    "invalid JSON array: {}",
                    err.map(|e| e.to_string()).unwrap_or_default()
                ),
            })
        }
        Err(_) => {
            for (line, text) in numbered_lines(text) {
                match serde_json::from_str::<Value>(text) {
                    Ok(v) => one_into(name, Location::Line(line), v, out),
                    Err(e) => out.bad(LineError {
                        source: name.to_owned(),
                        location: Location::Line(line),
                        message: format!("invalid JSON: {e}"),
                    }),
                }
            }
            Ok(())
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn elements_into(name: &str, elements: Vec<Value>, out: &mut dyn Records) {
    for (i, v) in elements.into_iter().enumerate() {
        one_into(name, Location::Element(i + 1), v, out);
    }
}

fn one_into(name: &str, location: Location, value: Value, out: &mut dyn Records) {
    let encoded =
        to_item(value).and_then(|item| EncodedItem::from_item(&item).map_err(|e| e.to_string()));
    match encoded {
        Ok(item) => out.item(item),
        Err(message) => out.bad(LineError {
            source: name.to_owned(),
            location,
            message,
        }),
    }
}

/// One record → a checked plain item.
fn to_item(value: Value) -> Result<Item, String> {
    let Value::Object(mut obj) = value else {
        return Err(format!(
            "expected an item object, found {}",
            kind_of(&value)
        ));
    };
    // S3 export wraps each typed item in {"Item": ...}.
    if obj.len() == 1
        && let Some(inner) = obj.remove("Item")
    {
        return checked(item_to_plain(&inner)?);
    }
    if looks_typed(&obj) {
        return checked(item_to_plain(&Value::Object(obj))?);
    }
    checked(obj)
}

fn checked(item: Item) -> Result<Item, String> {
    let keys = item_keys(&item).map_err(|e| e.to_string())?;
    let check = |r: Result<(), crate::store::StoreError>| r.map_err(|e| e.to_string());
    match keys.item_type {
        Some(types::WORD) => check(decodes::<Word>(&item)),
        Some(types::WORD_FOR_SEARCH) => check(decodes::<SearchEntry>(&item)),
        Some(types::BREAKDOWN) | Some(types::USER_BREAKDOWN) => check(decodes::<Breakdown>(&item)),
        Some(types::MORPHEME) => check(decodes::<Morpheme>(&item)),
        Some(types::MORPHEME_FAMILY) => check(decodes::<MorphemeFamily>(&item)),
        Some(types::USER) => check(decodes::<User>(&item)),
        // User items of the original backend carry no __type; other types are
        // stored as they are.
        _ if keys.pk.starts_with("USER#") && keys.pk == keys.sk => check(decodes::<User>(&item)),
        _ => Ok(()),
    }?;
    Ok(item)
}

fn decodes<T: ItemKind>(item: &Item) -> Result<(), crate::store::StoreError> {
    decode_item::<T>(item).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::records::Collected;

    fn read(text: &str) -> Collected {
        let bytes = text.as_bytes().to_vec();
        let src = super::super::Source::new(
            "t",
            super::super::SourceKind::Items,
            std::io::Cursor::new(bytes),
        );
        let mut out = Collected::default();
        parse(&src.load().unwrap(), &mut out).unwrap();
        out
    }

    #[test]
    fn reads_every_layout() {
        let plain = r#"{"pk":"A","sk":"B","x":1}"#;
        let typed = r#"{"pk":{"S":"A"},"sk":{"S":"B"},"x":{"N":"1"}}"#;
        for text in [
            format!("{plain}\n\n{plain}\n"),
            format!("[{plain}, {typed}]"),
            format!("{{\"Items\": [{typed}, {typed}], \"Count\": 2}}"),
            format!("{{\"Item\": {typed}}}\n{{\"Item\": {typed}}}"),
        ] {
            let p = read(&text);
            assert_eq!(p.errors, vec![], "{text}");
            assert_eq!(p.items.len(), 2, "{text}");
            assert_eq!(p.items[0]["x"], 1, "{text}");
        }
    }

    #[test]
    fn reports_bad_lines_with_numbers() {
        let text = "{\"pk\":\"A\",\"sk\":\"B\"}\nnot json\n{\"sk\":\"B\"}\n\n{\"pk\":\"WORD#1\",\"sk\":\"WORD#1\",\"__type\":\"WORD\",\"word\":3}\n";
        let p = read(text);
        assert_eq!(p.items.len(), 1);
        let lines: Vec<_> = p.errors.iter().map(|e| e.location).collect();
        assert_eq!(
            lines,
            [Location::Line(2), Location::Line(3), Location::Line(5)]
        );
        assert!(
            p.errors[1].message.contains("pk"),
            "{}",
            p.errors[1].message
        );
    }
}

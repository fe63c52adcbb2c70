//! The body of `POST /breakdown`, validated the way the original's pydantic models
//! did, so every problem is reported at once with its location:
//! `{"word_id": int, "breakdown_items": [{"morpheme": str, "position": int,
//! "morpheme_id": null} | {"morpheme_id": int, "position": int}]}`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use serde_json::Value;

use crate::domain::MorphemeId;
use crate::error::ApiError;
use crate::validation::{FieldError, integer};

/// Longest `morpheme` text accepted, in characters.
pub const MAX_MORPHEME_CHARS: usize = 256;

/// A validated submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The word being broken down.
    pub word_id: i64,
    /// The parts, in the order they were sent.
    pub items: Vec<SubmittedItem>,
}

/// One submitted part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedItem {
    /// Where the part goes in the word.
    pub position: i64,
    /// Its text or catalogued morpheme.
    pub part: Part,
}

/// What a part is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Free text that is not a catalogued morpheme (`morpheme_id: null`).
    Text(String),
    /// A catalogued morpheme; its text comes from the store.
    Morpheme(MorphemeId),
}

/// Extractor: reads the body (64 KiB limit → 413) and validates it (→ 422).
#[derive(Debug)]
pub struct SubmissionBody(pub Submission);

impl<S: Send + Sync> FromRequest<S> for SubmissionBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let declared_json = is_json_content_type(request.headers().get(CONTENT_TYPE));
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    body_unreadable(&rejection)
                }
            })?;
        if !declared_json && !bytes.is_empty() {
            // FastAPI parses a body as JSON only when its Content-Type says JSON (or
            // is absent); any other body reaches pydantic as bytes, which is not an
            // object.
            return Err(ApiError::Validation(vec![FieldError::custom(
                &[Value::from("body")],
                "value is not a valid dict",
                "type_error.dict",
            )]));
        }
        parse(&bytes)
            .map(SubmissionBody)
            .map_err(ApiError::Validation)
    }
}

/// Whether a request's Content-Type lets FastAPI read its body as JSON: absent,
/// `application/json`, or `application/<anything>+json` (parameters ignored).
fn is_json_content_type(value: Option<&HeaderValue>) -> bool {
    let Some(value) = value else {
        return true;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    let mime = text
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match mime.split_once('/') {
        Some(("application", subtype)) => subtype == "json" || subtype.ends_with("+json"),
        _ => false,
    }
}

fn body_unreadable(rejection: &BytesRejection) -> ApiError {
    ApiError::Validation(vec![FieldError::custom(
        &[Value::from("body")],
        &rejection.body_text(),
        "value_error.body",
    )])
}

/// Validates a raw body, collecting every error.
pub fn parse(bytes: &[u8]) -> Result<Submission, Vec<FieldError>> {
    let body = Value::from("body");
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![FieldError::missing(&[body])]);
    }
    let document: Value = serde_json::from_slice(bytes).map_err(|err| {
        vec![FieldError::json_decode(
            byte_offset(bytes, err.line(), err.column()),
            &err.to_string(),
        )]
    })?;
    let Some(object) = document.as_object() else {
        return Err(vec![FieldError::not_object(&[body])]);
    };

    let mut errors = Vec::new();
    let word_id = match object.get("word_id") {
        None => {
            errors.push(FieldError::missing(&[body.clone(), "word_id".into()]));
            None
        }
        Some(value) => {
            let parsed = integer(value);
            if parsed.is_none() {
                errors.push(FieldError::not_integer(&[body.clone(), "word_id".into()]));
            }
            parsed
        }
    };
    let items_loc = [body.clone(), Value::from("breakdown_items")];
    let items = match object.get("breakdown_items") {
        None => {
            errors.push(FieldError::missing(&items_loc));
            Vec::new()
        }
        Some(Value::Array(entries)) => entries
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| {
                let mut loc = items_loc.to_vec();
                loc.push(Value::from(index));
                parse_item(entry, &loc, &mut errors)
            })
            .collect(),
        Some(_) => {
            errors.push(FieldError::not_list(&items_loc));
            Vec::new()
        }
    };
    match word_id {
        Some(word_id) if errors.is_empty() => Ok(Submission { word_id, items }),
        _ => Err(errors),
    }
}

fn parse_item(entry: &Value, loc: &[Value], errors: &mut Vec<FieldError>) -> Option<SubmittedItem> {
    let Some(object) = entry.as_object() else {
        errors.push(FieldError::not_object(loc));
        return None;
    };
    let at = |field: &str| {
        let mut path = loc.to_vec();
        path.push(Value::from(field));
        path
    };
    let before = errors.len();
    let position = match object.get("position") {
        None => {
            errors.push(FieldError::missing(&at("position")));
            None
        }
        Some(value) => integer(value).or_else(|| {
            errors.push(FieldError::not_integer(&at("position")));
            None
        }),
    };
    let part = match object.get("morpheme_id") {
        Some(value) if !value.is_null() => match integer(value) {
            Some(id) => Some(Part::Morpheme(id)),
            None => {
                errors.push(FieldError::not_integer(&at("morpheme_id")));
                None
            }
        },
        _ => match object.get("morpheme") {
            None | Some(Value::Null) => {
                errors.push(FieldError::missing(&at("morpheme")));
                None
            }
            Some(Value::String(text)) if text.chars().count() > MAX_MORPHEME_CHARS => {
                errors.push(FieldError::too_long(&at("morpheme"), MAX_MORPHEME_CHARS));
                None
            }
            Some(Value::String(text)) => Some(Part::Text(text.clone())),
            Some(_) => {
                errors.push(FieldError::not_string(&at("morpheme")));
                None
            }
        },
    };
    match (position, part) {
        (Some(position), Some(part)) if errors.len() == before => {
            Some(SubmittedItem { position, part })
        }
        _ => None,
    }
}

/// Byte offset of serde_json's 1-based line and column, like Python's `pos`.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = bytes
        .split(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_as_fastapi_reads_them() {
        let header = |v: &'static str| Some(HeaderValue::from_static(v));
        assert!(is_json_content_type(None));
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
        ] {
            assert!(is_json_content_type(header(json).as_ref()), "{json}");
        }
        for other in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/json",
            "",
        ] {
            assert!(!is_json_content_type(header(other).as_ref()), "{other}");
        }
    }
    use serde_json::json;

    fn errors(body: &str) -> Value {
        serde_json::to_value(parse(body.as_bytes()).unwrap_err()).unwrap()
    }

    #[test]
    fn accepts_both_item_shapes() {
        let submission = parse(
            r#"{"word_id": 8, "breakdown_items": [
                {"morpheme_id": 4, "position": 0},
                {"morpheme": "ть", "position": "1", "morpheme_id": null}]}"#
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(submission.word_id, 8);
        assert_eq!(
            submission.items,
            vec![
                SubmittedItem {
                    position: 0,
                    part: Part::Morpheme(4)
                },
                SubmittedItem {
                    position: 1,
                    part: Part::Text("ть".into())
                },
            ]
        );
    }

    #[test]
    fn reports_every_problem_with_its_location() {
        let long = "я".repeat(257);
        let body = json!({"word_id": "eight", "breakdown_items": [
            7, {"position": 1}, {"morpheme": 5, "position": 2}, {"morpheme": long, "position": 3},
            {"morpheme_id": "x", "position": "y"}
        ]});
        let found = errors(&body.to_string());
        let locs: Vec<&Value> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["loc"])
            .collect();
        assert_eq!(
            locs,
            vec![
                &json!(["body", "word_id"]),
                &json!(["body", "breakdown_items", 0]),
                &json!(["body", "breakdown_items", 1, "morpheme"]),
                &json!(["body", "breakdown_items", 2, "morpheme"]),
                &json!(["body", "breakdown_items", 3, "morpheme"]),
                &json!(["body", "breakdown_items", 4, "position"]),
                &json!(["body", "breakdown_items", 4, "morpheme_id"]),
            ]
        );
        assert_eq!(found[4]["type"], "value_error.any_str.max_length");
        assert_eq!(found[1]["type"], "type_error.dict");
    }

    #[test]
    fn malformed_and_missing_bodies() {
        let found = errors("{\"word_id\": 1,\n oops}");
        assert_eq!(found[0]["type"], "value_error.jsondecode");
        assert_eq!(found[0]["loc"], json!(["body", 16]));
        assert_eq!(
            errors("")[0],
            json!({"loc": ["body"], "msg": "field required", "type": "value_error.missing"})
        );
        assert_eq!(errors("[]")[0]["type"], "type_error.dict");
        let found = errors("{}");
        assert_eq!(found.as_array().unwrap().len(), 2);
        assert_eq!(
            errors(r#"{"word_id": 1, "breakdown_items": {}}"#)[0]["type"],
            "type_error.list"
        );
    }

    #[test]
    fn exactly_256_characters_is_fine() {
        let body = json!({"word_id": 1, "breakdown_items": [{"morpheme": "я".repeat(256), "position": 0}]});
        assert!(parse(body.to_string().as_bytes()).is_ok());
    }
}

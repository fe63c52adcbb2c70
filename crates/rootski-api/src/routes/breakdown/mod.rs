//! `GET /breakdown/{word_id}` (which breakdown a user sees) and `POST /breakdown`
//! (submitting one).

mod body;
mod select;
mod view;

pub use body::{MAX_MORPHEME_CHARS, Part, Submission, SubmissionBody, SubmittedItem};
pub use select::choose_breakdown;
pub use view::{BreakdownResponse, ItemView, MorphemeItemView, TextItemView};

use std::collections::{BTreeSet, HashMap};

use axum::extract::State;
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::PathParams;
use super::word::word_not_found;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::domain::{Breakdown, BreakdownItem, BreakdownKind, Morpheme, MorphemeId, StoredDate};
use crate::error::{ApiError, JsonBody};

/// The breakdown this user should see for the word.
#[utoipa::path(get, path = "/breakdown/{word_id}", tag = "Breakdowns",
    params(("word_id" = String, Path, description = "Id of the word", example = "8")),
    responses(
        (status = 200, description = "The breakdown to show", body = BreakdownResponse),
        (status = 401, description = "Invalid bearer token", body = crate::openapi::Detail),
        (status = 404, description = "No breakdown for the word (also for a word_id that is not an integer)", body = crate::openapi::Detail),
        (status = 422, description = "word_id is not UTF-8 once percent-decoded", body = crate::openapi::ValidationDetail),
        (status = 500, description = "A stored item names a morpheme or family the store does not hold", body = crate::openapi::Detail),
        (status = 503, description = "The data store is unavailable", body = crate::openapi::Detail),
    ),
    security((), ("bearer" = [])))]
pub async fn get_breakdown(
    State(state): State<AppState>,
    user: CurrentUser,
    PathParams(word_id): PathParams<String>,
) -> Result<JsonBody<BreakdownResponse>, ApiError> {
    let not_found = || {
        ApiError::NotFound(format!(
            "No breakdown for word with ID {word_id} was found in Dynamo."
        ))
    };
    // The original's path parameter is a string and its key `WORD#<text>`: text
    // that is not an id as the table writes ids ("abc", "007") has no breakdown.
    let Some(id) = canonical_id(&word_id) else {
        return Err(not_found());
    };
    let store = state.store().as_ref();
    let breakdown = choose_breakdown(store, &user.email, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(JsonBody(
        view::render(store, state.family_cache(), breakdown, &user.email).await?,
    ))
}

/// The id `text` names when it is written exactly as the table writes ids (`str`
/// of an integer: no `+`, spaces or leading zeros), else `None`.
fn canonical_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|id| id.to_string() == text)
}

/// Body of a successful submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitResponse {
    /// The word broken down.
    pub word_id: i64,
    /// True when an admin submitted (the breakdown is now the official one).
    pub is_verified: bool,
    /// Always -1: breakdowns have no ids of their own in the single-table design.
    pub breakdown_id: i64,
}

/// Request body of `POST /breakdown`, for the OpenAPI document (the handler
/// validates with [`body::parse`], which reports every problem at once).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct SubmitRequest {
    /// The word being broken down.
    word_id: i64,
    /// The parts; their texts, in position order, must spell the word (else 400).
    breakdown_items: Vec<SubmittedItemSchema>,
}

/// One submitted part: free text, or a catalogued morpheme by id. `morpheme_id`
/// tells them apart (`null` or absent, or an integer); other fields are ignored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum SubmittedItemSchema {
    /// Text that is not a catalogued morpheme.
    Text(SubmittedTextSchema),
    /// A catalogued morpheme; its text comes from the store.
    Morpheme(SubmittedMorphemeSchema),
}

/// `{"morpheme": "ть", "position": 1, "morpheme_id": null}`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
struct SubmittedTextSchema {
    /// The text, at most 256 characters.
    #[schema(max_length = 256)]
    morpheme: String,
    /// Where the part goes in the word.
    position: i64,
    /// `null` or absent.
    #[schema(schema_with = crate::openapi::null_schema)]
    morpheme_id: Option<()>,
}

/// `{"morpheme_id": 20, "position": 0}`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
struct SubmittedMorphemeSchema {
    /// Id of a catalogued morpheme (else 404).
    morpheme_id: i64,
    /// Where the part goes in the word.
    position: i64,
}

/// Submit a breakdown. An admin's becomes the word's official, verified breakdown;
/// anyone else's is stored as their own submission, replacing an earlier one.
#[utoipa::path(post, path = "/breakdown", tag = "Breakdowns",
    request_body = SubmitRequest,
    responses(
        (status = 200, description = "Stored", body = SubmitResponse,
            links(("GetStoredBreakdown" = (
                operation_id = "get_breakdown",
                parameters(("word_id" = "$response.body#/word_id")),
                description = "The breakdown this user now sees for the word",
            )))),
        (status = 400, description = "The parts do not sum to the word", body = crate::openapi::Detail),
        (status = 401, description = "Invalid bearer token", body = crate::openapi::Detail),
        (status = 404, description = "Unknown word or morpheme ids", body = crate::openapi::Detail),
        (status = 413, description = "Body larger than 64 KiB", body = crate::openapi::Detail),
        (status = 422, description = "Malformed body, or a Content-Type other than JSON", body = crate::openapi::ValidationDetail),
        (status = 503, description = "The data store is unavailable", body = crate::openapi::Detail),
    ),
    security((), ("bearer" = [])))]
pub async fn submit_breakdown(
    State(state): State<AppState>,
    user: CurrentUser,
    SubmissionBody(submission): SubmissionBody,
) -> Result<JsonBody<SubmitResponse>, ApiError> {
    let store = state.store().as_ref();
    let morphemes = known_morphemes(store, &submission).await?;
    let word = store
        .get_word(submission.word_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(word_not_found(submission.word_id)))?;

    let mut items = submission.items;
    items.sort_by_key(|item| item.position);
    let mut stored_items: Vec<BreakdownItem> = Vec::with_capacity(items.len());
    for item in &items {
        let stored = match &item.part {
            Part::Text(text) => BreakdownItem {
                position: item.position,
                morpheme: text.clone(),
                morpheme_id: None,
                morpheme_family_id: None,
            },
            Part::Morpheme(id) => {
                let morpheme = morphemes.get(id).ok_or_else(|| {
                    ApiError::Internal(format!("morpheme {id} vanished after it was checked"))
                })?;
                BreakdownItem {
                    position: item.position,
                    morpheme: morpheme.morpheme.clone(),
                    morpheme_id: Some(*id),
                    morpheme_family_id: Some(morpheme.family_id),
                }
            }
        };
        stored_items.push(stored);
    }
    let texts: Vec<&str> = stored_items
        .iter()
        .map(|item| item.morpheme.as_str())
        .collect();
    if texts.concat() != word.word.word {
        return Err(ApiError::BadRequest(format!(
            "Breakdown \"{}\" does not sum to the word \"{}\"",
            texts.join("-"),
            word.word.word
        )));
    }

    let now = StoredDate::from(Utc::now().naive_utc());
    let breakdown = Breakdown {
        word_id: submission.word_id,
        word: word.word.word.clone(),
        submitted_by_user_email: Some(user.email.clone()),
        is_verified: user.is_admin,
        is_inference: false,
        date_submitted: now,
        date_verified: if user.is_admin { now } else { StoredDate(None) },
        breakdown_items: stored_items,
    };
    let kind = if user.is_admin {
        BreakdownKind::Official
    } else {
        BreakdownKind::UserSubmission
    };
    store.put_breakdown(kind, &breakdown).await?;
    tracing::info!(word_id = submission.word_id, user = %user.email, official = user.is_admin, "breakdown stored");
    Ok(JsonBody(SubmitResponse {
        word_id: submission.word_id,
        is_verified: user.is_admin,
        breakdown_id: -1,
    }))
}

/// The catalogued morphemes the submission names, or the contract 404 listing
/// every requested id as the original printed them.
async fn known_morphemes(
    store: &dyn crate::store::Store,
    submission: &Submission,
) -> Result<HashMap<MorphemeId, Morpheme>, ApiError> {
    let ids: BTreeSet<MorphemeId> = submission
        .items
        .iter()
        .filter_map(|item| match item.part {
            Part::Morpheme(id) => Some(id),
            Part::Text(_) => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: Vec<MorphemeId> = ids.iter().copied().collect();
    let found: HashMap<MorphemeId, Morpheme> = store
        .get_morphemes(&wanted)
        .await?
        .into_iter()
        .map(|morpheme| (morpheme.morpheme_id, morpheme))
        .collect();
    if ids.iter().any(|id| !found.contains_key(id)) {
        return Err(ApiError::NotFound(format!(
            "One of your morpheme IDs {} was not found in Dynamo.",
            python_id_list(&ids)
        )));
    }
    Ok(found)
}

/// The ids as the original printed its set of requested ids: a Python list of
/// quoted strings, sorted as strings (`['2390', '3051', '417']`).
fn python_id_list(ids: &BTreeSet<MorphemeId>) -> String {
    let mut texts: Vec<String> = ids.iter().map(|id| format!("'{id}'")).collect();
    texts.sort();
    format!("[{}]", texts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_as_the_originals_sorted_string_list() {
        let ids: BTreeSet<MorphemeId> = [417, 3051, 2390].into_iter().collect();
        assert_eq!(python_id_list(&ids), "['2390', '3051', '417']");
    }

    #[test]
    fn only_canonical_id_texts_name_a_word() {
        assert_eq!(canonical_id("42"), Some(42));
        assert_eq!(canonical_id("0"), Some(0));
        for text in ["abc", "007", "+4", " 4", "4.0", "99999999999999999999", ""] {
            assert_eq!(canonical_id(text), None, "{text}");
        }
    }
}

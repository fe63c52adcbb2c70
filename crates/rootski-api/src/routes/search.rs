//! `GET /search/{search_term}`: prefix search over word texts.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::PathParams;
use crate::app::AppState;
use crate::error::{ApiError, JsonBody};
use crate::store::SEARCH_LIMIT;

/// Body of a search: at most 100 words ordered by their text.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The matching words (`[]` when none match).
    pub words: Vec<SearchHit>,
}

/// One search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// The word text.
    pub word: String,
    /// The word's id, as a string (as the original served it).
    pub word_id: String,
    /// Frequency rank figure, -1 when unknown.
    pub frequency: i64,
    /// Always the literal `deprecated`: clients must not rely on it.
    pub pos: &'static str,
}

/// Words starting with `search_term` (URL-encoded UTF-8).
#[utoipa::path(get, path = "/search/{search_term}", tag = "Words",
    params(("search_term" = String, Path, description = "Prefix of the word, e.g. при")),
    responses((status = 200, description = "Matching words, at most 100", body = SearchResponse)))]
pub async fn search(
    State(state): State<AppState>,
    PathParams(search_term): PathParams<String>,
) -> Result<JsonBody<SearchResponse>, ApiError> {
    let entries = state
        .store()
        .search_words(&search_term, SEARCH_LIMIT)
        .await?;
    let words = entries
        .into_iter()
        .take(SEARCH_LIMIT)
        .map(|entry| SearchHit {
            word: entry.word,
            word_id: entry.word_id.to_string(),
            frequency: entry.frequency,
            pos: "deprecated",
        })
        .collect();
    Ok(JsonBody(SearchResponse { words }))
}

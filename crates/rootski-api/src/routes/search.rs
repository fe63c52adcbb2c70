//! `GET /search/{search_term}`: prefix search over word texts.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::PathParams;
use crate::app::AppState;
use crate::error::{ApiError, JSON_CONTENT_TYPE};
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

/// Words starting with `search_term` (URL-encoded UTF-8). Responses are reused for
/// [`crate::app::SEARCH_CACHE_TTL`]: typing sends the same prefixes again and again.
#[utoipa::path(get, path = "/search/{search_term}", tag = "Words",
    params(("search_term" = String, Path, description = "Prefix of the word, e.g. при")),
    responses(
        (status = 200, description = "Matching words, at most 100", body = SearchResponse),
        (status = 422, description = "The decoded search_term is not UTF-8", body = crate::openapi::ValidationDetail),
        (status = 503, description = "The data store is unavailable", body = crate::openapi::Detail),
    ))]
pub async fn search(
    State(state): State<AppState>,
    PathParams(search_term): PathParams<String>,
) -> Result<Response, ApiError> {
    let body = match state.search_cache().get(search_term.as_str()) {
        Some(body) => body,
        None => {
            let found = find(&state, &search_term).await?;
            let body = Bytes::from(serde_json::to_vec(&found).map_err(|err| {
                ApiError::Internal(format!("search response did not serialize: {err}"))
            })?);
            state.search_cache().insert(search_term, body.clone());
            body
        }
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_CONTENT_TYPE),
        )],
        body,
    )
        .into_response())
}

async fn find(state: &AppState, search_term: &str) -> Result<SearchResponse, ApiError> {
    let entries = state
        .store()
        .search_words(search_term, SEARCH_LIMIT)
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
    Ok(SearchResponse { words })
}

//! `GET /word/{word_id}/{word_type}`: everything the word page shows.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::PathParams;
use crate::app::AppState;
use crate::domain::{
    AspectualPair, Conjugations, Declensions, PosDefinitions, Sentence, ShortForms, Word,
    WordHeader,
};
use crate::error::{ApiError, JsonBody};
use crate::validation::path_integer;

/// The contract message for an unknown word (also used by POST /breakdown).
pub fn word_not_found(word_id: i64) -> String {
    format!("No word with ID {word_id} was found in Dynamo.")
}

/// The word page. Which of the part-of-speech fields appear depends on the stored
/// word's `pos`: `declensions` for nouns and pronouns, `conjugations` and
/// `aspectual_pairs` for verbs, `short_forms` for adjectives (`null` when the item
/// has none); other parts of speech have none of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct WordPage<'a> {
    /// `{word_id (string), word, accent, pos, frequency}`.
    #[schema(value_type = Object)]
    pub word: &'a WordHeader,
    /// `[{pos, definitions: [{def_position, definition_id, sub_defs: [...]}]}]`.
    #[schema(value_type = Vec<Object>)]
    pub definitions: &'a [PosDefinitions],
    /// `[{rus, eng, exact_match}]`.
    #[schema(value_type = Vec<Object>)]
    pub sentences: &'a [Sentence],
    /// Nouns and pronouns only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub declensions: Option<Option<&'a Declensions>>,
    /// Verbs only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub conjugations: Option<Option<&'a Conjugations>>,
    /// Verbs only: `[{imp_word_id, imp_accent, pfv_word_id, pfv_accent}]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub aspectual_pairs: Option<&'a [AspectualPair]>,
    /// Adjectives only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub short_forms: Option<Option<&'a ShortForms>>,
}

impl<'a> WordPage<'a> {
    /// The page of a stored word.
    pub fn of(word: &'a Word) -> Self {
        let pos = word.word.pos.to_ascii_lowercase();
        let mut page = WordPage {
            word: &word.word,
            definitions: &word.definitions,
            sentences: &word.sentences,
            declensions: None,
            conjugations: None,
            aspectual_pairs: None,
            short_forms: None,
        };
        match pos.as_str() {
            "noun" | "pronoun" => page.declensions = Some(word.declensions.as_ref()),
            "verb" => {
                page.conjugations = Some(word.conjugations.as_ref());
                page.aspectual_pairs = Some(word.aspectual_pairs.as_deref().unwrap_or(&[]));
            }
            "adjective" => page.short_forms = Some(word.short_forms.as_ref()),
            _ => {}
        }
        page
    }
}

/// All data for a word page; `word_type` is accepted and ignored.
#[utoipa::path(get, path = "/word/{word_id}/{word_type}", tag = "Words",
    params(
        ("word_id" = i64, Path, description = "Id of the word", example = 8),
        ("word_type" = String, Path, description = "Ignored (kept for old clients)", example = "verb"),
    ),
    responses(
        (status = 200, description = "The word page", body = WordPage),
        (status = 404, description = "No such word", body = crate::openapi::Detail),
        (status = 422, description = "word_id is not an integer (or a parameter is not UTF-8)", body = crate::openapi::ValidationDetail),
        (status = 503, description = "The data store is unavailable", body = crate::openapi::Detail),
    ))]
pub async fn get_word(
    State(state): State<AppState>,
    PathParams((word_id, _word_type)): PathParams<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let word_id = path_integer("word_id", &word_id)?;
    let word = state
        .store()
        .get_word(word_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(word_not_found(word_id)))?;
    Ok(axum::response::IntoResponse::into_response(JsonBody(
        WordPage::of(&word),
    )))
}

//! The breakdown as `GET /breakdown/{word_id}` prints it: stored items enriched
//! with their morpheme family (type, level, meanings, sibling texts).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Breakdown, BreakdownItem, FamilyId, MorphemeFamily, MorphemeId};
use crate::error::ApiError;
use crate::store::Store;
use crate::ttl_cache::TtlCache;

/// Families by id, reused across requests.
pub type FamilyCache = TtlCache<FamilyId, Arc<MorphemeFamily>>;

/// Body of `GET /breakdown/{word_id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreakdownResponse {
    /// The word's id.
    pub word_id: i64,
    /// The word's text.
    pub word: String,
    /// Verified by an admin.
    pub is_verified: bool,
    /// Produced by the segmentation model.
    pub is_inference: bool,
    /// Naive ISO-8601 with microseconds, e.g. `2023-03-08T14:22:51.305117`.
    pub date_submitted: Option<String>,
    /// Same format; `null` unless verified.
    pub date_verified: Option<String>,
    /// Whether the requesting user submitted this breakdown.
    pub submitted_by_current_user: bool,
    /// Parts in stored order.
    pub breakdown_items: Vec<ItemView>,
}

/// One part of a breakdown: a catalogued morpheme with its family, or plain text.
/// The two shapes exclude each other: `morpheme_id` is an integer in the first and
/// `null` in the second, and neither has other fields than it lists.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ItemView {
    /// A catalogued morpheme.
    Morpheme(MorphemeItemView),
    /// Text that is not a catalogued morpheme.
    Text(TextItemView),
}

/// `{"morpheme": "ть", "position": 1, "morpheme_id": null}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextItemView {
    /// The text.
    pub morpheme: String,
    /// Position in the word.
    pub position: i64,
    /// Always `null`.
    #[schema(schema_with = crate::openapi::null_schema, required = true)]
    pub morpheme_id: Option<()>,
}

/// A catalogued morpheme, enriched from its family.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MorphemeItemView {
    /// The morpheme's id.
    pub morpheme_id: i64,
    /// Position in the word.
    pub position: i64,
    /// The text.
    pub morpheme: String,
    /// `prefix` | `root` | `suffix` | `link`.
    #[serde(rename = "type")]
    pub morpheme_type: String,
    /// `any` | `noun` | `verb` | `adjective`.
    pub word_pos: String,
    /// The family's id.
    pub family_id: i64,
    /// The family's meanings (`[]` when it has none).
    pub family_meanings: Vec<String>,
    /// Difficulty level.
    pub level: Option<i64>,
    /// Comma-joined texts of the family's morphemes.
    pub family: String,
}

/// Builds the response for `breakdown` as seen by `user_email`.
pub async fn render(
    store: &dyn Store,
    cache: &FamilyCache,
    breakdown: Breakdown,
    user_email: &str,
) -> Result<BreakdownResponse, ApiError> {
    let families = families_of(store, cache, &breakdown.breakdown_items).await?;
    let items = breakdown
        .breakdown_items
        .into_iter()
        .map(|item| item_view(item, &families))
        .collect::<Result<_, _>>()?;
    // Items the original wrote without the word's text (`"None"`, null) show the
    // word item's text.
    let word = match breakdown.word.trim() {
        "" | "None" => store
            .get_word(breakdown.word_id)
            .await?
            .map(|word| word.word.word)
            .unwrap_or(breakdown.word),
        _ => breakdown.word,
    };
    Ok(BreakdownResponse {
        word_id: breakdown.word_id,
        word,
        is_verified: breakdown.is_verified,
        is_inference: breakdown.is_inference,
        date_submitted: breakdown.date_submitted.to_api(),
        date_verified: if breakdown.is_verified {
            breakdown.date_verified.to_api()
        } else {
            None
        },
        submitted_by_current_user: breakdown.submitted_by_user_email.as_deref() == Some(user_email),
        breakdown_items: items,
    })
}

/// The family of every catalogued item, by morpheme id. Items written by this API
/// carry their family id; older items may not, and their morphemes are looked up.
///
/// A catalogued item whose morpheme or family is not in the store cannot be shown
/// as the morpheme it is, and must not be shown as plain text (that would hide a
/// stored id): like the original, the request fails (500) and the log names the
/// missing ids.
async fn families_of(
    store: &dyn Store,
    cache: &FamilyCache,
    items: &[BreakdownItem],
) -> Result<HashMap<MorphemeId, Arc<MorphemeFamily>>, ApiError> {
    let mut family_of: HashMap<MorphemeId, FamilyId> = HashMap::new();
    let mut unknown: BTreeSet<MorphemeId> = BTreeSet::new();
    for item in items {
        match (item.morpheme_id, item.morpheme_family_id) {
            (Some(id), Some(family)) => {
                family_of.insert(id, family);
            }
            (Some(id), None) => {
                unknown.insert(id);
            }
            _ => {}
        }
    }
    if !unknown.is_empty() {
        let ids: Vec<MorphemeId> = unknown.iter().copied().collect();
        for morpheme in store.get_morphemes(&ids).await? {
            family_of.insert(morpheme.morpheme_id, morpheme.family_id);
        }
        let lost: Vec<MorphemeId> = unknown
            .into_iter()
            .filter(|id| !family_of.contains_key(id))
            .collect();
        if !lost.is_empty() {
            return Err(ApiError::Internal(format!(
                "breakdown items name morphemes {lost:?} that are not in the store and carry no morpheme_family_id"
            )));
        }
    }
    if family_of.is_empty() {
        return Ok(HashMap::new());
    }
    let mut families: HashMap<FamilyId, Arc<MorphemeFamily>> = HashMap::new();
    let mut missing: Vec<FamilyId> = Vec::new();
    for id in family_of.values().copied().collect::<BTreeSet<_>>() {
        match cache.get(&id) {
            Some(family) => {
                families.insert(id, family);
            }
            None => missing.push(id),
        }
    }
    if !missing.is_empty() {
        for family in store.get_families(&missing).await? {
            let family = Arc::new(family);
            cache.insert(family.family_id, family.clone());
            families.insert(family.family_id, family);
        }
    }
    let absent: BTreeSet<FamilyId> = family_of
        .values()
        .filter(|family| !families.contains_key(family))
        .copied()
        .collect();
    if !absent.is_empty() {
        return Err(ApiError::Internal(format!(
            "breakdown items reference morpheme families {absent:?} that are not in the store"
        )));
    }
    Ok(family_of
        .into_iter()
        .filter_map(|(morpheme, family)| families.get(&family).map(|f| (morpheme, f.clone())))
        .collect())
}

fn item_view(
    item: BreakdownItem,
    families: &HashMap<MorphemeId, Arc<MorphemeFamily>>,
) -> Result<ItemView, ApiError> {
    let Some(morpheme_id) = item.morpheme_id else {
        return Ok(ItemView::Text(TextItemView {
            morpheme: item.morpheme,
            position: item.position,
            morpheme_id: None,
        }));
    };
    let family = families.get(&morpheme_id).ok_or_else(|| {
        ApiError::Internal(format!(
            "morpheme {morpheme_id} lost its family while rendering"
        ))
    })?;
    Ok(ItemView::Morpheme(MorphemeItemView {
        morpheme_id,
        position: item.position,
        morpheme: item.morpheme,
        morpheme_type: family.morpheme_type.clone(),
        word_pos: family.word_pos.clone(),
        family_id: family.family_id,
        family_meanings: family.family_meanings.clone(),
        level: family.level,
        family: family.joined_texts(),
    }))
}

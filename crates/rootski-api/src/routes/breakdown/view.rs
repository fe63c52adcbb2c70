//! The breakdown as `GET /breakdown/{word_id}` prints it: stored items enriched
//! with their morpheme family (type, level, meanings, sibling texts).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Breakdown, BreakdownItem, FamilyId, MorphemeFamily, MorphemeId};
use crate::store::{Store, StoreError};
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
pub struct TextItemView {
    /// The text.
    pub morpheme: String,
    /// Position in the word.
    pub position: i64,
    /// Always `null`.
    #[schema(value_type = Option<i64>)]
    pub morpheme_id: Option<()>,
}

/// A catalogued morpheme, enriched from its family.
#[derive(Debug, Serialize, ToSchema)]
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
) -> Result<BreakdownResponse, StoreError> {
    let families = families_of(store, cache, &breakdown.breakdown_items).await?;
    let items = breakdown
        .breakdown_items
        .into_iter()
        .map(|item| item_view(item, &families))
        .collect();
    Ok(BreakdownResponse {
        word_id: breakdown.word_id,
        word: breakdown.word,
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
async fn families_of(
    store: &dyn Store,
    cache: &FamilyCache,
    items: &[BreakdownItem],
) -> Result<HashMap<MorphemeId, Arc<MorphemeFamily>>, StoreError> {
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
        let ids: Vec<MorphemeId> = unknown.into_iter().collect();
        for morpheme in store.get_morphemes(&ids).await? {
            family_of.insert(morpheme.morpheme_id, morpheme.family_id);
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
    Ok(family_of
        .into_iter()
        .filter_map(|(morpheme, family)| families.get(&family).map(|f| (morpheme, f.clone())))
        .collect())
}

fn item_view(item: BreakdownItem, families: &HashMap<MorphemeId, Arc<MorphemeFamily>>) -> ItemView {
    match item
        .morpheme_id
        .and_then(|id| families.get(&id).map(|family| (id, family)))
    {
        Some((morpheme_id, family)) => ItemView::Morpheme(MorphemeItemView {
            morpheme_id,
            position: item.position,
            morpheme: item.morpheme,
            morpheme_type: family.morpheme_type.clone(),
            word_pos: family.word_pos.clone(),
            family_id: family.family_id,
            family_meanings: family.family_meanings.clone(),
            level: family.level,
            family: family.joined_texts(),
        }),
        None => {
            if let Some(id) = item.morpheme_id {
                tracing::warn!(
                    morpheme_id = id,
                    "breakdown names a morpheme with no family; shown as text"
                );
            }
            ItemView::Text(TextItemView {
                morpheme: item.morpheme,
                position: item.position,
                morpheme_id: None,
            })
        }
    }
}

//! Which breakdown a user sees for a word. The order is part of the contract
//! (`API.md`), and each step costs at most one more store read:
//!
//! 1. the official breakdown, if verified;
//! 2. the official breakdown, if this user submitted it;
//! 3. this user's own unofficial submission;
//! 4. the official breakdown, if a signed-in user submitted it; else another
//!    signed-in user's breakdown found through the word→submitter index (gsi2);
//! 5. the official breakdown, if it is a machine inference;
//! 6. none (the route answers 404).

use crate::domain::{ANONYMOUS_EMAIL, Breakdown, INFERENCE_SUBMITTER, WordId};
use crate::store::{Store, StoreError};

/// True when `submitter` is a real, signed-in user: not the inference marker
/// `anonymous` and not the anonymous API user.
fn signed_in(submitter: Option<&str>) -> bool {
    matches!(submitter, Some(email) if !email.is_empty()
        && email != INFERENCE_SUBMITTER
        && email != ANONYMOUS_EMAIL)
}

/// The breakdown of `word_id` to show to `user_email`, following the order above.
pub async fn choose_breakdown(
    store: &dyn Store,
    user_email: &str,
    word_id: WordId,
) -> Result<Option<Breakdown>, StoreError> {
    let official = store.get_official_breakdown(word_id).await?;
    if let Some(official) = &official {
        let submitter = official.submitted_by_user_email.as_deref();
        if official.is_verified || submitter == Some(user_email) {
            return Ok(Some(official.clone()));
        }
    }
    if let Some(own) = store.get_user_breakdown(user_email, word_id).await? {
        return Ok(Some(own));
    }
    if let Some(official) = &official
        && signed_in(official.submitted_by_user_email.as_deref())
    {
        return Ok(Some(official.clone()));
    }
    // gsi2 indexes official items only (one per word, DATA_MODEL.md): with the
    // official item in hand it could only return that item again, so the query is
    // made only when there is none (e.g. items another writer indexed differently).
    if official.is_none() {
        let by_others = store.breakdowns_by_submitter(word_id).await?;
        if let Some(other) = by_others
            .into_iter()
            .find(|b| signed_in(b.submitted_by_user_email.as_deref()))
        {
            return Ok(Some(other));
        }
    }
    Ok(official.filter(|official| official.is_inference))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_users_count_as_signed_in() {
        assert!(signed_in(Some("a@b.c")));
        assert!(!signed_in(Some("anonymous")));
        assert!(!signed_in(Some("anon@rootski.io")));
        assert!(!signed_in(Some("")));
        assert!(!signed_in(None));
    }
}

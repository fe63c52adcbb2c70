//! Breakdowns: a word split into ordered morpheme items.

use super::{FamilyId, MorphemeId, WordId, lenient};
use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where a breakdown is stored, which decides its keys and `__type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BreakdownKind {
    /// The word's official breakdown (`BREAKDOWN`, pk `WORD#<id>`, sk `BREAKDOWN`),
    /// indexed by submitter in gsi1 and by word in gsi2. Admin submissions and
    /// machine inferences live here; there is at most one per word.
    Official,
    /// A user's own submission (`UNOFFICIAL_USER_BREAKDOWN`, pk `USER#<email>`,
    /// sk `BREAKDOWN#<word id>`); resubmitting replaces it.
    UserSubmission,
}

/// A breakdown of one word, official or submitted by a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// The word this breakdown splits (stored as a string).
    #[serde(
        serialize_with = "lenient::id_as_string",
        deserialize_with = "lenient::int"
    )]
    pub word_id: WordId,
    /// The word's text, which the breakdown's items concatenate to.
    #[serde(default, deserialize_with = "lenient::text")]
    pub word: String,
    /// `anonymous` for inferences, `anon@rootski.io` for anonymous API users.
    #[serde(default)]
    pub submitted_by_user_email: Option<String>,
    /// Whether an admin has verified the breakdown.
    #[serde(default, deserialize_with = "lenient::boolish")]
    pub is_verified: bool,
    /// Whether the breakdown was inferred by the dataset rather than submitted.
    #[serde(default, deserialize_with = "lenient::boolish")]
    pub is_inference: bool,
    /// When the breakdown was submitted.
    #[serde(default)]
    pub date_submitted: StoredDate,
    /// When it was verified (`"None"` when never).
    #[serde(default)]
    pub date_verified: StoredDate,
    /// In stored order (which is position order for everything this API writes).
    #[serde(default, deserialize_with = "lenient::list")]
    pub breakdown_items: Vec<BreakdownItem>,
}

/// One part of a breakdown. `morpheme_id` is `None` for text that is not a
/// catalogued morpheme (e.g. an unknown ending typed by a user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownItem {
    /// Order of the item within the word.
    #[serde(deserialize_with = "lenient::int")]
    pub position: i64,
    /// The item's text.
    #[serde(default, deserialize_with = "lenient::text")]
    pub morpheme: String,
    /// The catalogued morpheme, when the text is one.
    #[serde(
        default,
        serialize_with = "lenient::opt_id_as_string",
        deserialize_with = "lenient::opt_int"
    )]
    pub morpheme_id: Option<MorphemeId>,
    /// The catalogued morpheme's family, stored beside its id.
    #[serde(
        default,
        serialize_with = "lenient::opt_id_as_string",
        deserialize_with = "lenient::opt_int"
    )]
    pub morpheme_family_id: Option<FamilyId>,
}

/// A date as the table stores it: `YYYY-MM-DD HH:MM:SS.ffffff`, or the string
/// `"None"` (written by the original backend's `str(None)`) for no date.
///
/// Reading also accepts JSON null, a `T` separator and missing fractions, because
/// hand-made or re-exported items use them; writing always uses the canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoredDate(pub Option<NaiveDateTime>);

impl StoredDate {
    /// The stored text format (Python's `str(datetime)` with microseconds).
    pub const FORMAT: &'static str = "%Y-%m-%d %H:%M:%S%.6f";

    /// Parses the stored form; `"None"`, `""` and `"null"` mean no date.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() || t == "None" || t == "null" {
            return Ok(Self(None));
        }
        let normalized = t.replacen('T', " ", 1);
        for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"] {
            if let Ok(d) = NaiveDateTime::parse_from_str(&normalized, fmt) {
                return Ok(Self(Some(d)));
            }
        }
        // An aware date (`+00:00` / `Z`, as `str()` of an aware datetime prints it) is
        // kept as its UTC time.
        let zoned = normalized.replace('Z', "+00:00");
        for fmt in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%:z"] {
            if let Ok(d) = chrono::DateTime::parse_from_str(&zoned, fmt) {
                return Ok(Self(Some(d.naive_utc())));
            }
        }
        if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(Self(d.and_hms_opt(0, 0, 0)));
        }
        Err(format!(
            "{text:?} is not a date like \"2023-03-08 14:22:51.305117\" or \"None\""
        ))
    }

    /// The stored text: canonical date or `"None"`.
    pub fn to_stored(&self) -> String {
        match self.0 {
            Some(d) => d.format(Self::FORMAT).to_string(),
            None => "None".to_owned(),
        }
    }

    /// The API form: naive ISO-8601 with microseconds (`2023-03-08T14:22:51.305117`).
    pub fn to_api(&self) -> Option<String> {
        self.0
            .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
    }
}

impl From<NaiveDateTime> for StoredDate {
    fn from(d: NaiveDateTime) -> Self {
        Self(Some(d))
    }
}

impl Serialize for StoredDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_stored())
    }
}

impl<'de> Deserialize<'de> for StoredDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(Self(None)),
            Some(s) => Self::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_date_round_trips_and_reads_variants() {
        let d = StoredDate::parse("2023-03-08 14:22:51.305117").unwrap();
        assert_eq!(d.to_stored(), "2023-03-08 14:22:51.305117");
        assert_eq!(d.to_api().unwrap(), "2023-03-08T14:22:51.305117");
        assert_eq!(StoredDate::parse("None").unwrap(), StoredDate(None));
        assert_eq!(StoredDate(None).to_stored(), "None");
        let no_frac = StoredDate::parse("2023-03-08T14:22:51").unwrap();
        assert_eq!(no_frac.to_stored(), "2023-03-08 14:22:51.000000");
        assert!(StoredDate::parse("yesterday").is_err());
        let aware = StoredDate::parse("2023-03-08 16:22:51.305117+02:00").unwrap();
        assert_eq!(aware.to_stored(), "2023-03-08 14:22:51.305117");
        let zulu = StoredDate::parse("2023-03-08T14:22:51Z").unwrap();
        assert_eq!(zulu.to_stored(), "2023-03-08 14:22:51.000000");
    }
}

//! The fixture dataset of the HTTP tests, written through the store trait.
//!
//! Words cover every part-of-speech shape of the word page; breakdowns are laid out
//! so that each step of the breakdown priority order has its own word:
//!
//! | word | official breakdown | user submissions | who sees what |
//! |---|---|---|---|
//! | 10 дать | verified, by admin | bob | everyone: official (step 1) |
//! | 11 брать | unverified, by alice | bob | alice: official (2), bob: his own (3), anon: official (4) |
//! | 12 взять | inference | bob | bob: his own (3), anon: inference (5) |
//! | 13 есть | none | carol; dave's as legacy items were, indexed in gsi2 | carol: her own (3), anon: dave's via gsi2 (4) |
//! | 14 пить | unverified, by `anonymous`, not an inference | – | everyone: 404 (6) |
//! | 1 приказать | inference whose items lack family ids | – | anon: inference, enriched by lookup |

use chrono::NaiveDate;
use rootski_api::domain::{
    AspectualPair, Breakdown, BreakdownItem, BreakdownKind, Conjugations, Declensions, Definition,
    FamilyMember, Morpheme, MorphemeFamily, PosDefinitions, SearchEntry, Sentence, ShortForms,
    StoredDate, SubDefinition, User, Word, WordHeader,
};
use rootski_api::store::{Item, Store, codec};

pub const ADMIN: &str = "admin@rootski.io";
pub const ALICE: &str = "alice@example.com";
pub const BOB: &str = "bob@example.com";
pub const CAROL: &str = "carol@example.com";
pub const DAVE: &str = "dave@example.com";

/// Number of synthetic `тест…` words, to exercise the 100-result limit.
pub const MANY_WORDS: usize = 120;

/// The fixed date of fixture breakdowns.
pub fn fixture_date() -> StoredDate {
    StoredDate(
        NaiveDate::from_ymd_opt(2023, 3, 8).and_then(|d| d.and_hms_micro_opt(14, 22, 51, 305_117)),
    )
}

fn header(word_id: i64, word: &str, accent: &str, pos: &str, frequency: Option<i64>) -> WordHeader {
    WordHeader {
        word_id,
        word: word.into(),
        accent: accent.into(),
        pos: pos.into(),
        frequency,
    }
}

fn plain_word(word_id: i64, text: &str, pos: &str) -> Word {
    Word {
        word: header(word_id, text, text, pos, Some(100)),
        definitions: vec![],
        sentences: vec![],
        declensions: None,
        conjugations: None,
        aspectual_pairs: None,
        short_forms: None,
    }
}

/// Every word of the fixture.
pub fn words() -> Vec<Word> {
    let mut prikazat = plain_word(1, "приказать", "verb");
    prikazat.word = header(1, "приказать", "приказа́ть", "verb", Some(1957));
    prikazat.definitions = vec![PosDefinitions {
        pos: "verb".into(),
        definitions: vec![Definition {
            def_position: 1,
            definition_id: 77,
            sub_defs: vec![SubDefinition {
                sub_def_id: 78,
                sub_def_position: 1,
                definition: "to order".into(),
                notes: None,
            }],
        }],
    }];
    prikazat.sentences = vec![Sentence {
        rus: "Он приказал им уйти.".into(),
        eng: "He ordered them to leave.".into(),
        exact_match: true,
    }];
    prikazat.conjugations = Some(Conjugations {
        aspect: Some("perf".into()),
        first_per_sing: Some("прикажу".into()),
        past_m: Some("приказал".into()),
        ..Conjugations::default()
    });
    prikazat.aspectual_pairs = Some(vec![AspectualPair {
        imp_word_id: Some(9),
        imp_accent: Some("прика́зывать".into()),
        pfv_word_id: Some(1),
        pfv_accent: Some("приказа́ть".into()),
    }]);

    let mut dom = plain_word(2, "дом", "noun");
    dom.declensions = Some(Declensions {
        gender: Some("m".into()),
        animate: Some(false),
        indeclinable: Some(false),
        nom: Some("дом".into()),
        genitive: Some("дома".into()),
        nom_pl: Some("дома".into()),
        ..Declensions::default()
    });
    let mut krasny = plain_word(3, "красный", "adjective");
    krasny.short_forms = Some(ShortForms {
        comp: Some("краснее".into()),
        masc_short: Some("красен".into()),
        ..ShortForms::default()
    });
    let mut words = vec![
        prikazat,
        dom,
        krasny,
        plain_word(4, "при", "preposition"),
        // A pronoun without declensions: "declensions": null.
        plain_word(5, "я", "pronoun"),
        plain_word(6, "привет", "interjection"),
        // A verb without conjugations: "conjugations": null, "aspectual_pairs": [].
        plain_word(9, "приказывать", "verb"),
        plain_word(10, "дать", "verb"),
        plain_word(11, "брать", "verb"),
        plain_word(12, "взять", "verb"),
        plain_word(13, "есть", "verb"),
        plain_word(14, "пить", "verb"),
    ];
    words[5].word.frequency = None;
    for i in 0..MANY_WORDS {
        words.push(plain_word(1000 + i as i64, &format!("тест{i:03}"), "noun"));
    }
    words
}

fn family(
    id: i64,
    kind: &str,
    pos: &str,
    level: i64,
    meanings: &[&str],
    members: &[(i64, &str)],
) -> MorphemeFamily {
    MorphemeFamily {
        family_id: id,
        morpheme_type: kind.into(),
        word_pos: pos.into(),
        level: Some(level),
        family_meanings: meanings.iter().map(|m| m.to_string()).collect(),
        morphemes: members
            .iter()
            .map(|(morpheme_id, text)| FamilyMember {
                morpheme_id: *morpheme_id,
                morpheme: text.to_string(),
            })
            .collect(),
    }
}

/// Every morpheme family of the fixture.
pub fn families() -> Vec<MorphemeFamily> {
    vec![
        family(
            1,
            "root",
            "any",
            2,
            &["show", "order"],
            &[(1, "каз"), (2, "кас")],
        ),
        family(2, "prefix", "any", 1, &["near"], &[(3, "при")]),
        family(3, "suffix", "verb", 1, &[], &[(4, "а"), (5, "ть")]),
        family(4, "root", "any", 1, &["give"], &[(6, "да")]),
        family(5, "root", "verb", 3, &["take"], &[(7, "бра"), (8, "взя")]),
        family(6, "root", "verb", 1, &[], &[(9, "ес"), (10, "пи")]),
    ]
}

/// Every morpheme, from the families.
pub fn morphemes() -> Vec<Morpheme> {
    families()
        .iter()
        .flat_map(|family| {
            family.morphemes.iter().map(move |member| Morpheme {
                morpheme_id: member.morpheme_id,
                morpheme: member.morpheme.clone(),
                family_id: family.family_id,
            })
        })
        .collect()
}

/// A breakdown item of a catalogued morpheme (with its family id).
pub fn part(position: i64, text: &str, morpheme_id: i64, family_id: i64) -> BreakdownItem {
    BreakdownItem {
        position,
        morpheme: text.into(),
        morpheme_id: Some(morpheme_id),
        morpheme_family_id: Some(family_id),
    }
}

/// A breakdown item of free text.
pub fn text_part(position: i64, text: &str) -> BreakdownItem {
    BreakdownItem {
        position,
        morpheme: text.into(),
        morpheme_id: None,
        morpheme_family_id: None,
    }
}

fn breakdown(
    word_id: i64,
    word: &str,
    by: &str,
    verified: bool,
    inference: bool,
    items: Vec<BreakdownItem>,
) -> Breakdown {
    Breakdown {
        word_id,
        word: word.into(),
        submitted_by_user_email: Some(by.into()),
        is_verified: verified,
        is_inference: inference,
        date_submitted: fixture_date(),
        date_verified: if verified {
            fixture_date()
        } else {
            StoredDate(None)
        },
        breakdown_items: items,
    }
}

/// (kind, breakdown) pairs of the fixture (see the table at the top).
pub fn breakdowns() -> Vec<(BreakdownKind, Breakdown)> {
    use BreakdownKind::{Official, UserSubmission};
    vec![
        (
            Official,
            breakdown(
                10,
                "дать",
                ADMIN,
                true,
                false,
                vec![part(0, "да", 6, 4), part(1, "ть", 5, 3)],
            ),
        ),
        (
            UserSubmission,
            breakdown(10, "дать", BOB, false, false, vec![text_part(0, "дать")]),
        ),
        (
            Official,
            breakdown(
                11,
                "брать",
                ALICE,
                false,
                false,
                vec![part(0, "бра", 7, 5), part(1, "ть", 5, 3)],
            ),
        ),
        (
            UserSubmission,
            breakdown(
                11,
                "брать",
                BOB,
                false,
                false,
                vec![text_part(0, "бр"), text_part(1, "ать")],
            ),
        ),
        (
            Official,
            breakdown(
                12,
                "взять",
                "anonymous",
                false,
                true,
                vec![part(0, "взя", 8, 5), part(1, "ть", 5, 3)],
            ),
        ),
        (
            UserSubmission,
            breakdown(
                12,
                "взять",
                BOB,
                false,
                false,
                vec![text_part(0, "в"), text_part(1, "зять")],
            ),
        ),
        (
            UserSubmission,
            breakdown(
                13,
                "есть",
                CAROL,
                false,
                false,
                vec![part(0, "ес", 9, 6), text_part(1, "ть")],
            ),
        ),
        (
            Official,
            breakdown(
                14,
                "пить",
                "anonymous",
                false,
                false,
                vec![part(0, "пи", 10, 6), part(1, "ть", 5, 3)],
            ),
        ),
        (
            Official,
            breakdown(1, "приказать", "anonymous", true, true, vec![]),
        ),
    ]
    .into_iter()
    .map(|(kind, mut b)| {
        if b.word_id == 1 {
            // Items as older tables hold them: no family ids, one free-text part.
            b.is_verified = false;
            b.date_verified = StoredDate(None);
            b.breakdown_items = vec![
                BreakdownItem {
                    position: 0,
                    morpheme: "при".into(),
                    morpheme_id: Some(3),
                    morpheme_family_id: None,
                },
                BreakdownItem {
                    position: 1,
                    morpheme: "каз".into(),
                    morpheme_id: Some(1),
                    morpheme_family_id: None,
                },
                text_part(2, "а"),
                BreakdownItem {
                    position: 3,
                    morpheme: "ть".into(),
                    morpheme_id: Some(5),
                    morpheme_family_id: None,
                },
            ];
        }
        (kind, b)
    })
    .collect()
}

/// Writes the whole fixture into `store`.
pub async fn load(store: &dyn Store) {
    let mut items: Vec<Item> = Vec::new();
    for word in words() {
        items.push(codec::encode_word(&word).expect("word item"));
        items.push(
            codec::encode_search_entry(&SearchEntry {
                word: word.word.word.clone(),
                word_id: word.word.word_id,
                frequency: word.word.frequency.unwrap_or(-1),
                pos: word.word.pos.clone(),
            })
            .expect("search item"),
        );
    }
    for family in families() {
        items.push(codec::encode_family(&family).expect("family item"));
    }
    for morpheme in morphemes() {
        items.push(codec::encode_morpheme(&morpheme).expect("morpheme item"));
    }
    for (kind, breakdown) in breakdowns() {
        items.push(codec::encode_breakdown(kind, &breakdown).expect("breakdown item"));
    }
    // A submission indexed by word in gsi2, as legacy items may be: found by step 4.
    let mut legacy: Item = codec::encode_breakdown(
        BreakdownKind::UserSubmission,
        &breakdown(
            13,
            "есть",
            DAVE,
            false,
            false,
            vec![text_part(0, "е"), text_part(1, "сть")],
        ),
    )
    .expect("legacy item");
    legacy.insert("gsi2pk".into(), "WORD#13".into());
    legacy.insert("gsi2sk".into(), format!("USER#{DAVE}").into());
    items.push(legacy);
    items.push(
        codec::encode_user(&User {
            email: ADMIN.into(),
            is_admin: true,
        })
        .expect("user item"),
    );
    store.put_items(items).await.expect("load fixture");
}

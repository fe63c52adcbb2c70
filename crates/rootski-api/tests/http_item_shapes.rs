//! Items shaped like the production table (`tests/fixtures/item_shapes`): they
//! import with no bad record, plain or DynamoDB-typed, and every route serves them
//! — over real HTTP, on the embedded store, and with `ROOTSKI__STORE=dynamodb` on a
//! DynamoDB table (moto, `scripts/checks/60-dynamodb.sh`).

mod http_support;

use std::path::PathBuf;

use http_support::TestServer;
use http_support::tokens::token_for;
use rootski_api::import::{self, ImportOptions, Source};
use rootski_api::store::{SqliteStore, Store};
use serde_json::{Value, json};

const BORIS: &str = "boris@example.com";

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/item_shapes")
        .join(name)
}

/// Imports one corpus file, asserting it has no bad record; returns the item count.
async fn import_corpus(store: &dyn Store, name: &str) -> u64 {
    let source = Source::open(&corpus(name)).expect("corpus file");
    let options = ImportOptions {
        strict: true,
        ..ImportOptions::default()
    };
    let report = import::import(store, vec![source], &options, &|_| {})
        .await
        .unwrap_or_else(|err| panic!("{name} must import without bad records: {err}"));
    assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
    report.items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_and_typed_corpus_import_to_the_same_items() {
    let dir = tempfile::tempdir().unwrap();
    let plain = SqliteStore::open(dir.path().join("plain.sqlite3")).unwrap();
    let typed = SqliteStore::open(dir.path().join("typed.sqlite3")).unwrap();
    assert_eq!(import_corpus(&plain, "items.jsonl").await, 18);
    assert_eq!(import_corpus(&typed, "items.scan.json").await, 18);
    // The stores keep items as given; the typed form differs only where DynamoDB's
    // `N` text has no float/integer distinction (`9003.0` is `N "9003"`).
    let normalized = |items: Vec<rootski_api::store::Item>| -> Vec<Value> {
        items
            .into_iter()
            .map(|i| integral(Value::Object(i)))
            .collect()
    };
    assert_eq!(
        normalized(plain.all_items().await.unwrap()),
        normalized(typed.all_items().await.unwrap())
    );
}

/// `value` with integral floats written as integers.
fn integral(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() && n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
            json!(n.as_f64().unwrap_or_default() as i64)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(integral).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, integral(v))).collect())
        }
        other => other,
    }
}

async fn server_with_corpus() -> TestServer {
    let server = TestServer::start().await;
    import_corpus(server.store.as_ref(), "items.jsonl").await;
    server
}

fn item(body: &Value, index: usize) -> &Value {
    &body["breakdown_items"][index]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn morphemes_json_serves_null_meaning_families_as_empty_lists() {
    let server = server_with_corpus().await;
    let (status, index) = server.get_json("/morpheme/morphemes.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        index["9001"],
        json!({"morpheme_id": 9001, "morpheme": "ость", "type": "suffix", "word_pos": "noun",
               "family_id": 901, "meanings": [], "level": 1, "family": "ость"})
    );
    assert_eq!(index["9002"]["meanings"], json!([]));
    assert_eq!(index["9002"]["family"], "о");
    assert_eq!(index["9006"]["meanings"], json!([{"meaning": "new"}]));
    assert_eq!(index["9006"]["family"], "нов,новь");
    assert_eq!(
        (&index["9004"]["level"], &index["9004"]["word_pos"]),
        (&json!(null), &json!("any"))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_and_search_read_every_number_shape() {
    let server = server_with_corpus().await;
    let (status, body) = server.get_json("/search/новос", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"words": [{"word": "новость", "word_id": "801", "frequency": -1, "pos": "deprecated"}]})
    );
    let (_, body) = server.get_json("/search/перенос", None).await;
    assert_eq!(body["words"][0]["frequency"], 1957);

    let (status, noun) = server.get_json("/word/801/noun", None).await;
    assert_eq!(status, 200);
    assert_eq!(noun["word"]["frequency"], Value::Null);
    assert_eq!(noun["word"]["word_id"], "801");
    let sub_defs = &noun["definitions"][0]["definitions"][0]["sub_defs"];
    assert_eq!(
        sub_defs,
        &json!([{"sub_def_id": 5, "sub_def_position": 1, "definition": "news", "notes": null}])
    );
    assert_eq!(
        noun["definitions"][0]["definitions"][0]["definition_id"],
        41
    );
    assert_eq!(noun["sentences"][0]["exact_match"], true);
    assert_eq!(
        (
            &noun["declensions"]["animate"],
            &noun["declensions"]["indeclinable"]
        ),
        (&json!(false), &json!(false))
    );

    let (status, verb) = server.get_json("/word/802/verb", None).await;
    assert_eq!(status, 200);
    assert_eq!(verb["word"]["frequency"], 1957);
    assert_eq!(verb["definitions"], json!([]));
    assert_eq!(
        verb["aspectual_pairs"],
        json!([{"imp_word_id": 802, "imp_accent": "переноси́ть", "pfv_word_id": null, "pfv_accent": null}])
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breakdowns_serve_every_stored_shape() {
    let server = server_with_corpus().await;
    // The inference: word "None" shows the word's text; its suffix family has
    // `[null]` meanings, served as [].
    let (status, body) = server.get_json("/breakdown/801", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["word"], &body["is_inference"], &body["date_verified"]),
        (&json!("новость"), &json!(true), &json!(null))
    );
    assert_eq!(body["date_submitted"], "2022-05-01T10:00:00.000001");
    assert_eq!(
        item(&body, 1),
        &json!({"morpheme_id": 9001, "position": 1, "morpheme": "ость", "type": "suffix",
                "word_pos": "noun", "family_id": 901, "family_meanings": [], "level": 1, "family": "ость"})
    );
    assert_eq!(item(&body, 0)["family_meanings"], json!(["new"]));

    // A user's own submission, read with their token: the link family's [null].
    let (status, body) = server
        .get_json("/breakdown/801", Some(&token_for(BORIS)))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["submitted_by_current_user"], true);
    assert_eq!(item(&body, 1)["family_meanings"], json!([]));
    assert_eq!(item(&body, 1)["type"], "link");
    assert_eq!(
        item(&body, 2),
        &json!({"morpheme": "сть", "position": 2, "morpheme_id": null})
    );

    // Verified, items in stored order with their duplicate, a morpheme without its
    // family id found through the morpheme, "None" ids as plain text.
    let (status, body) = server.get_json("/breakdown/802", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["is_verified"], &body["date_verified"]),
        (&json!(true), &json!("2023-03-08T14:22:51.305117"))
    );
    assert_eq!(body["breakdown_items"].as_array().unwrap().len(), 4);
    assert_eq!(item(&body, 0)["family_id"], 904);
    assert_eq!(item(&body, 0)["level"], Value::Null);
    for i in [1, 2] {
        assert_eq!(
            item(&body, i),
            &json!({"morpheme": "нос", "position": 1, "morpheme_id": null})
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_using_a_null_meaning_family_is_served_afterwards() {
    let server = server_with_corpus().await;
    let token = token_for("newcomer@example.com");
    let body = json!({"word_id": 801, "breakdown_items": [
        {"morpheme_id": 9003, "position": 0}, {"morpheme_id": 9001, "position": 1}]});
    let (status, response) = server.post_json("/breakdown", &body, Some(&token)).await;
    assert_eq!(status, 200, "{response}");
    let (status, shown) = server.get_json("/breakdown/801", Some(&token)).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["submitted_by_current_user"], true);
    assert_eq!(item(&shown, 1)["family_meanings"], json!([]));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breakdown_naming_a_missing_family_fails_and_never_hides_the_id() {
    let server = server_with_corpus().await;
    let mut broken: rootski_api::store::Item = serde_json::from_value(json!({
        "pk": "WORD#802", "sk": "BREAKDOWN", "__type": "BREAKDOWN", "word": "переносить",
        "word_id": "802", "submitted_by_user_email": "anonymous", "is_verified": false,
        "is_inference": true, "date_submitted": "2022-05-01 10:00:00.000000", "date_verified": "None",
        "breakdown_items": [{"position": 0, "morpheme": "переносить", "morpheme_id": "9004", "morpheme_family_id": "999"}]
    }))
    .unwrap();
    broken.insert("gsi2pk".into(), json!("WORD#802"));
    broken.insert("gsi2sk".into(), json!("USER#anonymous"));
    server.store.put_items(vec![broken]).await.unwrap();
    let (status, body) = server.get_json("/breakdown/802", None).await;
    assert_eq!(
        (status, body),
        (500, json!({"detail": "Internal Server Error"}))
    );
    server.stop().await;
}

//! `GET /breakdown/{word_id}` priority order and `POST /breakdown` with every
//! validation, status and message, including concurrent submissions.

mod http_support;

use std::sync::Arc;

use http_support::TestServer;
use http_support::fixture::{ADMIN, ALICE, BOB, CAROL};
use http_support::tokens::token_for;
use rootski_api::domain::ANONYMOUS_EMAIL;
use serde_json::{Value, json};

async fn shown(server: &TestServer, word_id: i64, user: Option<&str>) -> (u16, Value) {
    let token = user.map(token_for);
    server
        .get_json(&format!("/breakdown/{word_id}"), token.as_deref())
        .await
}

fn texts(body: &Value) -> Vec<&str> {
    body["breakdown_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["morpheme"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_priority_step_picks_the_right_breakdown() {
    let server = TestServer::start().await;

    // 1. A verified official breakdown wins over the user's own submission.
    let (status, body) = shown(&server, 10, Some(BOB)).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&body), vec!["да", "ть"]);
    assert_eq!(body["is_verified"], true);
    assert_eq!(body["submitted_by_current_user"], false);
    assert_eq!(body["date_verified"], "2023-03-08T14:22:51.305117");
    let (_, admin_view) = shown(&server, 10, Some(ADMIN)).await;
    assert_eq!(admin_view["submitted_by_current_user"], true);

    // 2. The official breakdown this user submitted.
    let (_, body) = shown(&server, 11, Some(ALICE)).await;
    assert_eq!(texts(&body), vec!["бра", "ть"]);
    assert_eq!(body["submitted_by_current_user"], true);
    assert_eq!(body["is_verified"], false);
    assert_eq!(body["date_verified"], Value::Null);

    // 3. The user's own submission beats an unverified official one.
    let (_, body) = shown(&server, 11, Some(BOB)).await;
    assert_eq!(texts(&body), vec!["бр", "ать"]);
    assert_eq!(body["submitted_by_current_user"], true);
    let (_, body) = shown(&server, 12, Some(BOB)).await;
    assert_eq!(texts(&body), vec!["в", "зять"]);
    assert_eq!(body["is_inference"], false);
    let (_, body) = shown(&server, 13, Some(CAROL)).await;
    assert_eq!(texts(&body), vec!["ес", "ть"]);

    // 4. Someone else's (signed-in) official breakdown; without an official one,
    // another user's breakdown found through the word index (gsi2).
    let (_, body) = shown(&server, 11, None).await;
    assert_eq!(texts(&body), vec!["бра", "ть"]);
    assert_eq!(body["submitted_by_current_user"], false);
    let (_, body) = shown(&server, 13, None).await;
    assert_eq!(texts(&body), vec!["е", "сть"]);
    let (_, body) = shown(&server, 13, Some(BOB)).await;
    assert_eq!(texts(&body), vec!["е", "сть"]);

    // 5. The machine inference.
    let (_, body) = shown(&server, 12, None).await;
    assert_eq!(texts(&body), vec!["взя", "ть"]);
    assert_eq!(body["is_inference"], true);
    assert_eq!(body["date_submitted"], "2023-03-08T14:22:51.305117");

    // 6. Nothing to show: an official breakdown that is neither verified, by a
    // signed-in user nor an inference, or no breakdown at all.
    let not_found = |id: i64| {
        (
            404,
            json!({"detail": format!("No breakdown for word with ID {id} was found in Dynamo.")}),
        )
    };
    assert_eq!(shown(&server, 14, Some(ALICE)).await, not_found(14));
    assert_eq!(shown(&server, 4, None).await, not_found(4));
    assert_eq!(shown(&server, 999_999, None).await, not_found(999_999));
    // The original's word_id is a string: text that is not an id has no breakdown
    // (404 naming it as given), while /word keeps its integer path (422).
    for raw in ["x1", "007", "1.0", "99999999999999999999"] {
        assert_eq!(
            server.get_json(&format!("/breakdown/{raw}"), None).await,
            (
                404,
                json!({"detail": format!("No breakdown for word with ID {raw} was found in Dynamo.")})
            ),
            "{raw}"
        );
    }
    assert_eq!(
        server.get_json("/word/x1/noun", None).await,
        (
            422,
            json!({"detail": [{"loc": ["path", "word_id"], "msg": "value is not a valid integer", "type": "type_error.integer"}]})
        )
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_are_enriched_from_their_family() {
    let server = TestServer::start().await;
    let (status, body) = shown(&server, 1, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "word_id": 1, "word": "приказать", "is_verified": false, "is_inference": true,
            "date_submitted": "2023-03-08T14:22:51.305117", "date_verified": null,
            "submitted_by_current_user": false,
            "breakdown_items": [
                {"morpheme_id": 3, "position": 0, "morpheme": "при", "type": "prefix", "word_pos": "any",
                 "family_id": 2, "family_meanings": ["near"], "level": 1, "family": "при"},
                {"morpheme_id": 1, "position": 1, "morpheme": "каз", "type": "root", "word_pos": "any",
                 "family_id": 1, "family_meanings": ["show", "order"], "level": 2, "family": "каз,кас"},
                {"morpheme": "а", "position": 2, "morpheme_id": null},
                {"morpheme_id": 5, "position": 3, "morpheme": "ть", "type": "suffix", "word_pos": "verb",
                 "family_id": 3, "family_meanings": [], "level": 1, "family": "а,ть"},
            ]
        })
    );
    server.stop().await;
}

fn submission(word_id: i64, items: Value) -> Value {
    json!({"word_id": word_id, "breakdown_items": items})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_are_validated_with_contract_messages() {
    let server = TestServer::start().await;

    // Unknown morpheme ids: every requested id, as the original printed its set of
    // them (quoted strings sorted as strings), in one message.
    let body = submission(
        1,
        json!([{"morpheme_id": 100, "position": 0}, {"morpheme_id": 3, "position": 1},
        {"morpheme_id": 99, "position": 2}, {"morpheme_id": 100, "position": 3}]),
    );
    assert_eq!(
        server.post_json("/breakdown", &body, None).await,
        (
            404,
            json!({"detail": "One of your morpheme IDs ['100', '3', '99'] was not found in Dynamo."})
        )
    );
    // Unknown word.
    let body = submission(
        777,
        json!([{"morpheme": "x", "position": 0, "morpheme_id": null}]),
    );
    assert_eq!(
        server.post_json("/breakdown", &body, None).await,
        (
            404,
            json!({"detail": "No word with ID 777 was found in Dynamo."})
        )
    );
    // Parts that do not make the word, ordered by position before joining.
    let body = submission(
        1,
        json!([{"morpheme": "ывать", "position": 2, "morpheme_id": null},
        {"morpheme_id": 3, "position": 0}, {"morpheme_id": 1, "position": 1}]),
    );
    assert_eq!(
        server.post_json("/breakdown", &body, None).await,
        (
            400,
            json!({"detail": "Breakdown \"при-каз-ывать\" does not sum to the word \"приказать\""})
        )
    );
    assert_eq!(
        server
            .post_json("/breakdown", &submission(1, json!([])), None)
            .await,
        (
            400,
            json!({"detail": "Breakdown \"\" does not sum to the word \"приказать\""})
        )
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_get_fastapi_422_and_oversized_ones_413() {
    let server = TestServer::start().await;

    let (status, body) = server
        .post_raw("/breakdown", "{\"word_id\": 1,", None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["type"], "value_error.jsondecode");
    assert_eq!(body["detail"][0]["loc"][0], "body");

    assert_eq!(
        server.post_raw("/breakdown", "", None).await,
        (
            422,
            json!({"detail": [{"loc": ["body"], "msg": "field required", "type": "value_error.missing"}]})
        )
    );
    assert_eq!(
        server
            .post_json(
                "/breakdown",
                &json!({"word_id": "one", "breakdown_items": [{"morpheme": 5, "position": 0}]}),
                None
            )
            .await,
        (
            422,
            json!({"detail": [
                {"loc": ["body", "word_id"], "msg": "value is not a valid integer", "type": "type_error.integer"},
                {"loc": ["body", "breakdown_items", 0, "morpheme"], "msg": "str type expected", "type": "type_error.str"},
            ]})
        )
    );
    assert_eq!(
        server
            .post_json("/breakdown", &json!({"breakdown_items": "x"}), None)
            .await,
        (
            422,
            json!({"detail": [
                {"loc": ["body", "word_id"], "msg": "field required", "type": "value_error.missing"},
                {"loc": ["body", "breakdown_items"], "msg": "value is not a valid list", "type": "type_error.list"},
            ]})
        )
    );
    let long = "п".repeat(257);
    assert_eq!(
        server
            .post_json(
                "/breakdown",
                &submission(
                    1,
                    json!([{"morpheme": long, "position": 0, "morpheme_id": null}])
                ),
                None
            )
            .await,
        (
            422,
            json!({"detail": [{"loc": ["body", "breakdown_items", 0, "morpheme"],
            "msg": "ensure this value has at most 256 characters", "type": "value_error.any_str.max_length",
            "ctx": {"limit_value": 256}}]})
        )
    );
    assert_eq!(
        server
            .post_json(
                "/breakdown",
                &submission(1, json!([{"morpheme_id": "x", "position": 0}])),
                None
            )
            .await,
        (
            422,
            json!({"detail": [{"loc": ["body", "breakdown_items", 0, "morpheme_id"],
            "msg": "value is not a valid integer", "type": "type_error.integer"}]})
        )
    );

    // Bodies over 64 KiB: 413, whether or not the length is announced.
    let big = format!(
        "{{\"word_id\": 1, \"breakdown_items\": [], \"pad\": \"{}\"}}",
        "x".repeat(70 * 1024)
    );
    let (status, body) = server.post_raw("/breakdown", big.clone(), None).await;
    assert_eq!(status, 413);
    assert!(body["detail"].as_str().unwrap().contains("64 KiB"));
    assert_eq!(post_chunked(&server, big.as_bytes()).await, 413);
    // Just under the limit is fine (and then fails the word check, not the size).
    let fits = format!(
        "{{\"word_id\": 1, \"breakdown_items\": [], \"pad\": \"{}\"}}",
        "x".repeat(60 * 1024)
    );
    assert_eq!(server.post_raw("/breakdown", fits, None).await.0, 400);
    server.stop().await;
}

/// POSTs `body` with chunked transfer encoding (no Content-Length) over a raw
/// connection and returns the status code.
async fn post_chunked(server: &TestServer, body: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /breakdown HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(8192) {
        let frame = format!("{:x}\r\n", chunk.len());
        // The server may answer 413 and close before all chunks are sent.
        if stream.write_all(frame.as_bytes()).await.is_err()
            || stream.write_all(chunk).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await;
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_submissions_are_stored_and_replace_earlier_ones() {
    let server = TestServer::start().await;
    let bob = token_for(BOB);
    let body = submission(
        1,
        json!([{"morpheme_id": 3, "position": 0}, {"morpheme": "казать", "position": 1, "morpheme_id": null}]),
    );
    assert_eq!(
        server.post_json("/breakdown", &body, Some(&bob)).await,
        (
            200,
            json!({"word_id": 1, "is_verified": false, "breakdown_id": -1})
        )
    );
    let (_, shown_to_bob) = shown(&server, 1, Some(BOB)).await;
    assert_eq!(texts(&shown_to_bob), vec!["при", "казать"]);
    assert_eq!(shown_to_bob["is_verified"], false);
    assert_eq!(shown_to_bob["submitted_by_current_user"], true);
    assert_eq!(shown_to_bob["breakdown_items"][0]["family"], "при");
    // Others still see the inference.
    assert_eq!(
        texts(&shown(&server, 1, None).await.1),
        vec!["при", "каз", "а", "ть"]
    );

    // Resubmitting replaces.
    let again = submission(
        1,
        json!([{"morpheme": "приказать", "position": 0, "morpheme_id": null}]),
    );
    assert_eq!(
        server.post_json("/breakdown", &again, Some(&bob)).await.0,
        200
    );
    assert_eq!(
        texts(&shown(&server, 1, Some(BOB)).await.1),
        vec!["приказать"]
    );
    let stored = server
        .store
        .get_user_breakdown(BOB, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.breakdown_items.len(), 1);
    assert!(!stored.is_verified && !stored.is_inference);
    assert_eq!(stored.submitted_by_user_email.as_deref(), Some(BOB));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_submissions_are_kept_under_the_anonymous_user() {
    let server = TestServer::start().await;
    let body = submission(
        2,
        json!([{"morpheme": "дом", "position": 0, "morpheme_id": null}]),
    );
    assert_eq!(
        server.post_json("/breakdown", &body, None).await,
        (
            200,
            json!({"word_id": 2, "is_verified": false, "breakdown_id": -1})
        )
    );
    let stored = server
        .store
        .get_user_breakdown(ANONYMOUS_EMAIL, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.word, "дом");
    let (status, body) = shown(&server, 2, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["submitted_by_current_user"], true);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_submissions_become_the_verified_official_breakdown() {
    let server = TestServer::start().await;
    let before = chrono::Utc::now().naive_utc();
    let body = submission(
        12,
        json!([{"morpheme": "вз", "position": 0, "morpheme_id": null},
        {"morpheme": "я", "position": 1, "morpheme_id": null}, {"morpheme_id": 5, "position": 2}]),
    );
    assert_eq!(
        server
            .post_json("/breakdown", &body, Some(&token_for(ADMIN)))
            .await,
        (
            200,
            json!({"word_id": 12, "is_verified": true, "breakdown_id": -1})
        )
    );
    let official = server
        .store
        .get_official_breakdown(12)
        .await
        .unwrap()
        .unwrap();
    assert!(official.is_verified && !official.is_inference);
    assert_eq!(official.submitted_by_user_email.as_deref(), Some(ADMIN));
    let verified_at = official.date_verified.0.expect("date_verified set");
    assert!(verified_at >= before - chrono::Duration::seconds(1));
    assert_eq!(official.breakdown_items[2].morpheme_family_id, Some(3));

    // Now everyone, even bob with his own submission, sees the verified one.
    let (_, body) = shown(&server, 12, Some(BOB)).await;
    assert_eq!(texts(&body), vec!["вз", "я", "ть"]);
    assert_eq!(body["is_verified"], true);
    let date = body["date_verified"].as_str().unwrap();
    assert_eq!(date.len(), "2023-03-08T14:22:51.305117".len(), "{date}");
    assert_eq!(&date[10..11], "T");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_are_all_stored() {
    let server = Arc::new(TestServer::start().await);
    let users: Vec<String> = (0..20).map(|i| format!("user{i:02}@example.com")).collect();
    let tokens: Vec<String> = users.iter().map(|u| token_for(u)).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for (user, token) in users.iter().zip(&tokens) {
        for k in 0..10_i64 {
            let server = server.clone();
            let token = token.clone();
            let user = user.clone();
            tasks.spawn(async move {
                let word = format!("тест{k:03}");
                let split = if user.len() % 2 == 0 { 2 } else { 4 };
                let (head, tail) = word.split_at(split * 2);
                let body = submission(
                    1000 + k,
                    json!([
                    {"morpheme": head, "position": 0, "morpheme_id": null},
                    {"morpheme": tail, "position": 1, "morpheme_id": null}]),
                );
                let (status, response) = server.post_json("/breakdown", &body, Some(&token)).await;
                assert_eq!(status, 200, "{user} word {k}: {response}");
            });
        }
    }
    let mut finished = 0;
    while let Some(result) = tasks.join_next().await {
        result.expect("submission task");
        finished += 1;
    }
    assert_eq!(finished, 200);
    for user in &users {
        assert!(
            server.store.get_user(user).await.unwrap().is_some(),
            "{user} registered"
        );
        for k in 0..10_i64 {
            let stored = server
                .store
                .get_user_breakdown(user, 1000 + k)
                .await
                .unwrap();
            let stored = stored.unwrap_or_else(|| panic!("{user} word {k} lost"));
            let joined: String = stored
                .breakdown_items
                .iter()
                .map(|i| i.morpheme.as_str())
                .collect();
            assert_eq!(joined, format!("тест{k:03}"));
        }
    }
    match Arc::try_unwrap(server) {
        Ok(server) => server.stop().await,
        Err(_) => panic!("server still shared"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_json_bodies_are_read_as_json_as_in_fastapi() {
    let server = TestServer::start().await;
    let body = r#"{"word_id": 2, "breakdown_items": [{"morpheme": "дом", "position": 0, "morpheme_id": null}]}"#;
    let not_a_dict = json!({"detail": [{"loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"}]});
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
    ] {
        let response = server
            .client
            .post(server.url("/breakdown"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422, "{content_type}");
        let detail: Value = response.json().await.unwrap();
        assert_eq!(detail, not_a_dict, "{content_type}");
    }
    assert!(
        server
            .store
            .get_user_breakdown(ANONYMOUS_EMAIL, 2)
            .await
            .unwrap()
            .is_none()
    );
    // No Content-Type, or application/json: read as JSON (FastAPI does the same).
    let response = server
        .client
        .post(server.url("/breakdown"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let (status, _) = server.post_raw("/breakdown", body, None).await;
    assert_eq!(status, 200);
    server.stop().await;
}

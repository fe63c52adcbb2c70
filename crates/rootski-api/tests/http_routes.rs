//! Every read route, the fallbacks, OpenAPI/docs and CORS, over real HTTP.

mod http_support;

use http_support::fixture::MANY_WORDS;
use http_support::{EXTRA_ORIGIN, TestServer};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_ok() {
    let server = TestServer::start().await;
    assert_eq!(
        server.get_json("/health", None).await,
        (200, json!({"status": "ok"}))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_returns_prefix_matches_in_key_order() {
    let server = TestServer::start().await;
    let expected = json!({"words": [
        {"word": "при", "word_id": "4", "frequency": 100, "pos": "deprecated"},
        {"word": "привет", "word_id": "6", "frequency": -1, "pos": "deprecated"},
        {"word": "приказать", "word_id": "1", "frequency": 1957, "pos": "deprecated"},
        {"word": "приказывать", "word_id": "9", "frequency": 100, "pos": "deprecated"},
    ]});
    // reqwest percent-encodes the Cyrillic path; the explicit form must match too.
    assert_eq!(
        server.get_json("/search/при", None).await,
        (200, expected.clone())
    );
    assert_eq!(
        server.get_json("/search/%D0%BF%D1%80%D0%B8", None).await,
        (200, expected)
    );

    let (status, body) = server.get_json("/search/прик", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["words"].as_array().unwrap().len(), 2);

    assert_eq!(
        server.get_json("/search/нет", None).await,
        (200, json!({"words": []}))
    );
    assert_eq!(
        server.get_json("/search/zzz", None).await,
        (200, json!({"words": []}))
    );

    let (status, body) = server.get_json("/search/тест", None).await;
    assert_eq!(status, 200);
    let words = body["words"].as_array().unwrap();
    const { assert!(MANY_WORDS > 100) };
    assert_eq!(words.len(), 100, "at most 100 results");
    assert_eq!(words[0]["word"], "тест000");
    assert_eq!(words[99]["word"], "тест099");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn word_pages_carry_the_fields_of_their_part_of_speech() {
    let server = TestServer::start().await;

    let (status, verb) = server.get_json("/word/1/verb", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        verb["word"],
        json!({"word_id": "1", "word": "приказать", "accent": "приказа́ть", "pos": "verb", "frequency": 1957})
    );
    assert_eq!(
        verb["definitions"],
        json!([{"pos": "verb", "definitions": [{"def_position": 1, "definition_id": 77,
            "sub_defs": [{"sub_def_id": 78, "sub_def_position": 1, "definition": "to order", "notes": null}]}]}])
    );
    assert_eq!(
        verb["sentences"],
        json!([{"rus": "Он приказал им уйти.", "eng": "He ordered them to leave.", "exact_match": true}])
    );
    assert_eq!(verb["conjugations"]["aspect"], "perf");
    assert_eq!(verb["conjugations"]["1st_per_sing"], "прикажу");
    assert_eq!(verb["conjugations"]["3rd_per_pl"], json!(null));
    assert_eq!(verb["conjugations"].as_object().unwrap().len(), 18);
    assert_eq!(
        verb["aspectual_pairs"],
        json!([{"imp_word_id": 9, "imp_accent": "прика́зывать", "pfv_word_id": 1, "pfv_accent": "приказа́ть"}])
    );
    assert!(verb.get("declensions").is_none() && verb.get("short_forms").is_none());

    let (_, noun) = server.get_json("/word/2/noun", None).await;
    assert_eq!(noun["declensions"]["gender"], "m");
    assert_eq!(noun["declensions"]["gen"], "дома");
    assert_eq!(noun["declensions"].as_object().unwrap().len(), 15);
    assert!(noun.get("conjugations").is_none() && noun.get("aspectual_pairs").is_none());

    let (_, adjective) = server.get_json("/word/3/adjective", None).await;
    assert_eq!(
        adjective["short_forms"],
        json!({"comp": "краснее", "fem_short": null, "masc_short": "красен", "neut_short": null, "plural_short": null})
    );
    assert!(adjective.get("declensions").is_none());

    let (_, pronoun) = server.get_json("/word/5/anything", None).await;
    assert_eq!(pronoun["declensions"], json!(null));

    let (_, bare_verb) = server.get_json("/word/9/verb", None).await;
    assert_eq!(bare_verb["conjugations"], json!(null));
    assert_eq!(bare_verb["aspectual_pairs"], json!([]));

    let (_, preposition) = server.get_json("/word/4/x", None).await;
    let keys: Vec<&String> = preposition.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["word", "definitions", "sentences"]);
    assert_eq!(preposition["definitions"], json!([]));

    assert_eq!(
        server.get_json("/word/424242/noun", None).await,
        (
            404,
            json!({"detail": "No word with ID 424242 was found in Dynamo."})
        )
    );
    assert_eq!(
        server.get_json("/word/abc/noun", None).await,
        (
            422,
            json!({"detail": [{"loc": ["path", "word_id"], "msg": "value is not a valid integer", "type": "type_error.integer"}]})
        )
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_and_methods_answer_in_json() {
    let server = TestServer::start().await;
    let not_found = (404, json!({"detail": "Not Found"}));
    assert_eq!(server.get_json("/nope", None).await, not_found);
    assert_eq!(server.get_json("/prod/health", None).await, not_found);
    assert_eq!(server.get_json("/search/", None).await, not_found);
    assert_eq!(server.get_json("/word/1", None).await, not_found);

    let not_allowed = (405, json!({"detail": "Method Not Allowed"}));
    assert_eq!(server.get_json("/breakdown", None).await, not_allowed);
    let response = server
        .client
        .delete(server.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        not_allowed.1
    );
    let response = server
        .client
        .put(server.url("/search/при"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let (status, _) = server.post_json("/word/1/verb", &json!({}), None).await;
    assert_eq!(status, 405);

    let response = server.client.get(server.url("/nope")).send().await.unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    assert!(
        response.headers().contains_key("x-request-id"),
        "request ids are propagated"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_and_offline_docs_page() {
    let server = TestServer::start().await;
    let (status, doc) = server.get_json("/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/search/{search_term}",
        "/word/{word_id}/{word_type}",
        "/breakdown/{word_id}",
        "/breakdown",
        "/morpheme/morphemes.json",
        "/health",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(
        doc["components"]["schemas"]
            .get("BreakdownResponse")
            .is_some()
    );

    // Relative links only, so the page also works under /prod or /v1.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = no_redirects.get(server.url("/docs")).send().await.unwrap();
    assert_eq!(redirect.status().as_u16(), 307);
    assert_eq!(redirect.headers()["location"], "docs/");
    let page = server.client.get(server.url("/docs")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "docs page: {html}");
    // The UI's assets are served by this process (vendored), not a CDN.
    let asset = server
        .client
        .get(server.url("/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status().as_u16(), 200);
    let config = server
        .client
        .get(server.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap();
    assert!(config.text().await.unwrap().contains("\"../openapi.json\""));
    assert_eq!(server.get_json("/docs/no-such-file.js", None).await.0, 404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_configured_origins_only() {
    let server = TestServer::start().await;
    let preflight = |origin: &str| {
        server
            .client
            .request(reqwest::Method::OPTIONS, server.url("/breakdown"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    for origin in [
        "https://www.rootski.io",
        EXTRA_ORIGIN,
        "http://localhost:3000",
        "http://io.rootski.www.s3-website-us-west-2.amazonaws.com",
    ] {
        let response = preflight(origin).await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{origin}");
        let headers = response.headers();
        assert_eq!(headers["access-control-allow-origin"], origin);
        assert_eq!(headers["access-control-allow-credentials"], "true");
        assert_eq!(headers["access-control-allow-methods"], "POST");
        assert_eq!(
            headers["access-control-allow-headers"],
            "authorization,content-type"
        );
    }
    let response = preflight("https://evil.example").await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let cors: Vec<_> = response
        .headers()
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .collect();
    assert!(
        cors.is_empty(),
        "no CORS headers for a foreign origin: {cors:?}"
    );

    let simple = server
        .client
        .get(server.url("/search/при"))
        .header("origin", "https://www.rootski.io")
        .send()
        .await
        .unwrap();
    assert_eq!(
        simple.headers()["access-control-allow-origin"],
        "https://www.rootski.io"
    );
    assert_eq!(simple.headers()["access-control-allow-credentials"], "true");
    let foreign = server
        .client
        .get(server.url("/search/при"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 200);
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert!(
        foreign
            .headers()
            .get("access-control-allow-credentials")
            .is_none()
    );

    // Errors carry CORS headers too, so the frontend can read their detail.
    let error = server
        .client
        .get(server.url("/word/abc/x"))
        .header("origin", "https://www.rootski.io")
        .send()
        .await
        .unwrap();
    assert_eq!(error.status().as_u16(), 422);
    assert_eq!(
        error.headers()["access-control-allow-origin"],
        "https://www.rootski.io"
    );
    server.stop().await;
}

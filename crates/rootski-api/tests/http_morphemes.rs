//! `GET /morpheme/morphemes.json`: content, ETag/304, gzip and br, the file copy.

mod http_support;

use std::io::Read;

use http_support::TestServer;
use serde_json::{Value, json};

async fn fetch(server: &TestServer, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = server.client.get(server.url("/morpheme/morphemes.json"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn morphemes_json_is_the_whole_index_keyed_by_id() {
    let server = TestServer::start().await;
    let response = fetch(&server, &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(response.headers()["vary"], "Accept-Encoding");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"),
        "strong ETag: {etag}"
    );
    let bytes = response.bytes().await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();

    let index = body.as_object().unwrap();
    assert_eq!(index.len(), 10);
    let keys: Vec<&String> = index.keys().collect();
    assert_eq!(
        keys,
        vec!["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
        "ascending ids"
    );
    assert_eq!(
        body["1"],
        json!({"morpheme_id": 1, "morpheme": "каз", "type": "root", "word_pos": "any", "family_id": 1,
               "meanings": [{"meaning": "show"}, {"meaning": "order"}], "level": 2, "family": "каз,кас"})
    );
    assert_eq!(body["5"]["family"], "а,ть");
    assert_eq!(body["5"]["meanings"], json!([]));

    // Written once to ROOTSKI__STATIC_ASSETS_DIR, byte for byte what is served.
    let written = std::fs::read(server.static_dir.join("morphemes.json")).unwrap();
    assert_eq!(written, bytes.to_vec());

    // Same content, same ETag: a second request is served from memory.
    let again = fetch(&server, &[]).await;
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_requests_get_304() {
    let server = TestServer::start().await;
    let etag = fetch(&server, &[]).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();

    let cached = fetch(&server, &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status().as_u16(), 304);
    assert_eq!(cached.headers()["etag"].to_str().unwrap(), etag);
    assert!(cached.bytes().await.unwrap().is_empty());

    let listed = format!("\"other\", {etag}");
    assert_eq!(
        fetch(&server, &[("if-none-match", &listed)])
            .await
            .status()
            .as_u16(),
        304
    );
    assert_eq!(
        fetch(&server, &[("if-none-match", "*")])
            .await
            .status()
            .as_u16(),
        304
    );
    assert_eq!(
        fetch(&server, &[("if-none-match", "\"stale\"")])
            .await
            .status()
            .as_u16(),
        200
    );

    // The compressed variant's own ETag revalidates too.
    let br = fetch(&server, &[("accept-encoding", "br")]).await;
    let br_etag = br.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(br_etag, etag, "each encoding has its own strong ETag");
    let cached = fetch(
        &server,
        &[("accept-encoding", "br"), ("if-none-match", &br_etag)],
    )
    .await;
    assert_eq!(cached.status().as_u16(), 304);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_and_brotli_follow_accept_encoding() {
    let server = TestServer::start().await;
    let plain = fetch(&server, &[]).await.bytes().await.unwrap().to_vec();

    let gzip = fetch(&server, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    let compressed = gzip.bytes().await.unwrap();
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);

    let br = fetch(&server, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(br.headers()["content-encoding"], "br");
    let compressed = br.bytes().await.unwrap();
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&compressed[..], 4096)
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);

    let preferred = fetch(&server, &[("accept-encoding", "br;q=0.1, gzip;q=0.9")]).await;
    assert_eq!(preferred.headers()["content-encoding"], "gzip");
    let none = fetch(&server, &[("accept-encoding", "identity")]).await;
    assert!(none.headers().get("content-encoding").is_none());
    server.stop().await;
}

//! Reading what a deployment made, straight from moto's REST APIs (API Gateway and
//! Lambda have no SDK crate in this workspace; their read calls are plain GETs).
//! moto picks the account and region of a call from the credential scope of its
//! `Authorization` header and does not check the signature, so a fixed header
//! addresses the region's backend.

pub mod hotswap;

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// `GET path` of `service` in `region` on the moto endpoint, as JSON.
pub fn moto_get(endpoint: &str, service: &str, region: &str, path: &str) -> Value {
    let addr = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let mut conn = std::net::TcpStream::connect(&addr).expect("connect to moto");
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        conn,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAuthorization: AWS4-HMAC-SHA256 \
         Credential=testing/20250101/{region}/{service}/aws4_request, \
         SignedHeaders=host, Signature=0\r\n\r\n"
    )
    .expect("request");
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).expect("response");
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head.lines().next().unwrap_or_default();
    assert!(status.contains(" 200"), "GET {path}: {status}: {body}");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

/// A JSON-protocol call (`X-Amz-Target: target`) of `service` in `region` on the
/// moto endpoint; panics unless it answers 200. For services with no SDK crate among
/// the test's dependencies (CloudWatch Logs' `PutLogEvents`).
pub fn moto_post_json(
    endpoint: &str,
    service: &str,
    region: &str,
    target: &str,
    body: &Value,
) -> Value {
    let addr = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let body = body.to_string();
    let mut conn = std::net::TcpStream::connect(&addr).expect("connect to moto");
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        conn,
        "POST / HTTP/1.0\r\nHost: {addr}\r\nX-Amz-Target: {target}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20250101/{region}/{service}/aws4_request, \
         SignedHeaders=host, Signature=0\r\n\r\n{body}",
        body.len()
    )
    .expect("request");
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).expect("response");
    let text = String::from_utf8_lossy(&raw);
    let (head, answer) = text.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head.lines().next().unwrap_or_default();
    assert!(status.contains(" 200"), "{target}: {status}: {answer}");
    serde_json::from_str(answer).unwrap_or(Value::Null)
}

/// API Gateway's `GET path` (e.g. `/restapis`).
pub fn apigateway_get(endpoint: &str, region: &str, path: &str) -> Value {
    moto_get(endpoint, "apigateway", region, path)
}

/// Lambda's functions of `region`.
pub fn lambda_functions(endpoint: &str, region: &str) -> Vec<Value> {
    moto_get(endpoint, "lambda", region, "/2015-03-31/functions/")["Functions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Base64 of the sha256 of `bytes`: Lambda's `CodeSha256` of a zip.
pub fn sha256_b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

//! The emulator's events against API Gateway's: for each captured REST (v1) event
//! in `crates/rootski-lambda/tests/data`, the request the client sent is rebuilt
//! (method, path, query, headers, body) and passed through the gateway's own steps
//! (`entry` → `match_route` → `decode`); the event it builds must equal the captured
//! one field by field, after normalizing:
//! - what differs per request or deployment: request ids, times, the resource and
//!   API ids (logical ids locally), the client's IP;
//! - header names to lower case (HTTP/1 names are case-insensitive; the emulator's
//!   server lower-cases them, API Gateway keeps the client's spelling);
//! - the headers API Gateway adds in front of the function (`X-Amzn-Trace-Id`,
//!   `X-Forwarded-*`), which the emulator does not add.
//!
//! Where the emulator knowingly differs from a capture, the field is listed in
//! [`KNOWN_DIFFERENCES`] with the reason, and asserted to differ (so the list shrinks
//! when the emulator changes).

use std::net::SocketAddr;

use axum::http::Request;
use serde_json::{Map, Value};

use super::super::model::{Integration, LocalApi, Route};
use super::super::routes::match_route;
use super::{decode, entry};
use crate::local::event::percent_decode;

const FIXTURES: &[(&str, &str)] = &[
    (
        "stage",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_stage.json"),
    ),
    (
        "stage_in_path",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_stage_in_path.json"),
    ),
    (
        "base_path",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_base_path.json"),
    ),
    (
        "base_path_root",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_base_path_root.json"),
    ),
    (
        "root",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_root.json"),
    ),
    (
        "path_with_space",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_path_with_space.json"),
    ),
    (
        "binary_body",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_binary_body.json"),
    ),
    (
        "multi_value",
        include_str!("../../../../rootski-lambda/tests/data/apigw_v1_multi_value.json"),
    ),
];

/// `(fixture, JSON pointer, why)`: fields where the emulator differs from a capture.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "stage",
        "/path",
        "the emulator decodes %XX in the path; this capture keeps them encoded",
    ),
    (
        "stage",
        "/pathParameters/proxy",
        "the emulator decodes %XX in path parameters; this capture keeps them encoded",
    ),
    (
        "stage",
        "/requestContext/path",
        "the emulator decodes %XX in the path; this capture keeps them encoded",
    ),
    (
        "stage_in_path",
        "/path",
        "this capture keeps the stage in `path`; the emulator sends the stage-less path \
         (as the `stage` capture has it)",
    ),
];

/// Headers API Gateway adds; the emulator passes only what the client sent.
const ADDED_BY_API_GATEWAY: &[&str] = &[
    "x-amzn-trace-id",
    "x-forwarded-for",
    "x-forwarded-port",
    "x-forwarded-proto",
];

/// Fields that differ per request or deployment.
const VOLATILE: &[&str] = &[
    "/requestContext/resourceId",
    "/requestContext/extendedRequestId",
    "/requestContext/requestId",
    "/requestContext/requestTime",
    "/requestContext/requestTimeEpoch",
    "/requestContext/apiId",
    "/requestContext/identity/sourceIp",
];

/// The API the captures came from: `/` and `/{proxy+}` (ANY) of stage `prod`,
/// mapped at base path `v1`; `application/octet-stream` is binary.
fn api() -> LocalApi {
    let route = |resource_path: &str, resource_id: &str| Route {
        resource_path: resource_path.into(),
        resource_id: resource_id.into(),
        http_method: "ANY".into(),
        integration: Integration::LambdaProxy("Handler".into()),
    };
    LocalApi {
        stack_name: "S".into(),
        rest_api: "Api".into(),
        stages: vec!["prod".into()],
        base_paths: vec!["v1".into()],
        routes: vec![route("/", "Api"), route("/{proxy+}", "ApiProxy")],
        functions: Default::default(),
        binary_media_types: vec!["application~1octet-stream".into()],
        url_outputs: vec![],
    }
}

/// The request the client sent for a captured event.
fn request_of(captured: &Value) -> (axum::http::request::Parts, Vec<u8>) {
    let path = captured["requestContext"]["path"]
        .as_str()
        .expect("requestContext.path")
        .replace(' ', "%20");
    let query: Vec<String> = captured["multiValueQueryStringParameters"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(key, values)| {
            let values = values.as_array().cloned().unwrap_or_default();
            values
                .into_iter()
                .map(move |v| format!("{key}={}", v.as_str().unwrap_or_default()))
        })
        .collect();
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    let mut builder = Request::builder()
        .method(captured["httpMethod"].as_str().expect("httpMethod"))
        .uri(uri);
    for (name, values) in captured["multiValueHeaders"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if ADDED_BY_API_GATEWAY.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        for value in values.as_array().into_iter().flatten() {
            builder = builder.header(name, value.as_str().expect("header value"));
        }
    }
    let body = match (&captured["body"], captured["isBase64Encoded"].as_bool()) {
        (Value::String(text), Some(true)) => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .expect("base64 body")
        }
        (Value::String(text), _) => text.clone().into_bytes(),
        _ => Vec::new(),
    };
    let (parts, ()) = builder.body(()).expect("request").into_parts();
    (parts, body)
}

/// The event the emulator's gateway builds for the request.
fn emulated(api: &LocalApi, parts: &axum::http::request::Parts, body: &[u8]) -> Value {
    let decoded = percent_decode(parts.uri.path(), false);
    let entry = entry(api, &decoded).expect("the path enters the API");
    let matched =
        match_route(&api.routes, parts.method.as_str(), &entry.api_path).expect("a route matches");
    let client: SocketAddr = "127.0.0.1:50000".parse().expect("address");
    decode(api, parts, &entry, &matched, body, client, "request-id")
}

/// Lower-cased header names, API Gateway's own headers left out.
fn normalize_headers(map: &mut Value) {
    let Some(object) = map.as_object() else {
        return;
    };
    let normalized: Map<String, Value> = object
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
        .filter(|(name, _)| !ADDED_BY_API_GATEWAY.contains(&name.as_str()))
        .collect();
    *map = Value::Object(normalized);
}

fn normalize(event: &mut Value) {
    normalize_headers(&mut event["headers"]);
    normalize_headers(&mut event["multiValueHeaders"]);
    for pointer in VOLATILE {
        if let Some(value) = event.pointer_mut(pointer) {
            *value = Value::String("<volatile>".into());
        }
    }
}

#[test]
fn emulator_events_match_the_captured_api_gateway_events() {
    let api = api();
    for (name, text) in FIXTURES {
        let mut captured: Value = serde_json::from_str(text).expect("fixture is JSON");
        let (parts, body) = request_of(&captured);
        let mut event = emulated(&api, &parts, &body);
        normalize(&mut captured);
        normalize(&mut event);
        for (fixture, pointer, why) in KNOWN_DIFFERENCES.iter().filter(|d| d.0 == *name) {
            let ours = event.pointer_mut(pointer).map(Value::take);
            let theirs = captured.pointer_mut(pointer).map(Value::take);
            assert_ne!(
                ours, theirs,
                "{fixture} {pointer} now matches ({why}): drop it"
            );
        }
        let fields: Vec<&String> = captured
            .as_object()
            .expect("object")
            .keys()
            .chain(event.as_object().expect("object").keys())
            .collect();
        for field in fields {
            assert_eq!(event.get(field), captured.get(field), "{name}: {field}");
        }
    }
}

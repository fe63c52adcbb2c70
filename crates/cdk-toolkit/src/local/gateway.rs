//! The API Gateway REST emulator: maps `/<stage>/…` and `/<base path>/…` to the
//! API's resources, sends v1 proxy events to the integrated function, and answers
//! errors the way API Gateway does (`{"message": …}` bodies, `x-amzn-ErrorType`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use super::event::{ProxyRequest, parse_proxy_response, percent_decode, proxy_event};
use super::model::{Integration, LocalApi};
use super::pool::{FunctionPool, Outcome};
use super::reload::Serving;
use super::routes::{Matched, match_route};

/// Shared state of the gateway.
pub(crate) struct Gateway {
    pub(crate) api: LocalApi,
    pub(crate) pools: BTreeMap<String, FunctionPool>,
    pub(crate) integration_timeout: Duration,
    pub(crate) max_payload_bytes: usize,
}

/// Where a request path entered the API.
struct Entry {
    stage: String,
    /// `path` of the event: stage removed, base path kept (as API Gateway does).
    event_path: String,
    /// `requestContext.path`.
    context_path: String,
    /// Path relative to the API root, for resource matching.
    api_path: String,
}

fn entry(api: &LocalApi, decoded_path: &str) -> Option<Entry> {
    let trimmed = decoded_path.trim_start_matches('/');
    let (first, rest) = match trimmed.split_once('/') {
        Some((first, rest)) => (first, format!("/{rest}")),
        None => (trimmed, "/".to_owned()),
    };
    if api.stages.iter().any(|s| s == first) {
        return Some(Entry {
            stage: first.to_owned(),
            event_path: rest.clone(),
            context_path: format!("/{first}{rest}"),
            api_path: rest,
        });
    }
    if api.base_paths.iter().any(|b| b == first) {
        let full = if rest == "/" {
            format!("/{first}")
        } else {
            format!("/{first}{rest}")
        };
        return Some(Entry {
            stage: api.stages.first().cloned().unwrap_or_default(),
            event_path: full.clone(),
            context_path: full,
            api_path: rest,
        });
    }
    None
}

/// Handles every request the gateway receives.
pub(crate) async fn handle(
    State(serving): State<Arc<Serving>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    // Taken once: this request runs on these routes and pools to its end, also when
    // a reload swaps in new ones meanwhile (`reload.rs`).
    let gateway = serving.current();
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let method = request.method().as_str().to_owned();
    let shown_path = request.uri().path().to_owned();
    let mut response = route(&gateway, client, request, &request_id).await;
    let headers = response.headers_mut();
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Ok(id) = HeaderValue::from_str(&request_id[..8.min(request_id.len())]) {
        headers.insert("x-amz-apigw-id", id);
    }
    tracing::info!(
        "{method} {shown_path} -> {} ({:.1} ms)",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// One request through the gateway: match it to a route and its function, decode
/// the body into a proxy event, invoke the function, translate its answer.
async fn route(
    gateway: &Gateway,
    client: SocketAddr,
    request: Request,
    request_id: &str,
) -> Response {
    let (parts, body) = request.into_parts();
    let target = match match_request(gateway, &parts) {
        Ok(target) => target,
        Err(refusal) => return refusal.response(),
    };
    let body = match read_body(gateway.max_payload_bytes, &parts.headers, body).await {
        Ok(body) => body,
        Err(refusal) => return refusal.response(),
    };
    let event = decode(
        &gateway.api,
        &parts,
        &target.entry,
        &target.matched,
        &body,
        client,
        request_id,
    );
    match invoke(gateway, target.pool, request_id, event).await {
        Ok(outcome) => translate(outcome),
        Err(refusal) => refusal.response(),
    }
}

/// Why the gateway answers a request itself, without the function's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// No stage, base path or route matches (`403`).
    MissingToken,
    /// The route's integration cannot be run (`500`).
    Internal,
    /// The body is over the payload limit (`413`).
    TooLong,
    /// The integration timeout passed (`504`).
    TimedOut,
}

impl Refusal {
    fn response(self) -> Response {
        match self {
            Self::MissingToken => missing_token(),
            Self::Internal => internal_error(),
            Self::TooLong => request_too_long(),
            Self::TimedOut => timed_out(),
        }
    }
}

/// What a request resolved to: where it entered, its route and the function's pool.
struct Target<'a> {
    entry: Entry,
    matched: Matched<'a>,
    pool: &'a FunctionPool,
}

/// Matches the request's decoded path to a stage or base path, then to a route with
/// a Lambda proxy integration; API Gateway's error response otherwise.
fn match_request<'a>(gateway: &'a Gateway, parts: &Parts) -> Result<Target<'a>, Refusal> {
    let decoded_path = percent_decode(parts.uri.path(), false);
    let entry = entry(&gateway.api, &decoded_path).ok_or(Refusal::MissingToken)?;
    let method = parts.method.as_str();
    let matched =
        match_route(&gateway.api.routes, method, &entry.api_path).ok_or(Refusal::MissingToken)?;
    let function = match &matched.route.integration {
        Integration::LambdaProxy(function) => function,
        Integration::Unsupported(kind) => {
            tracing::warn!(
                "integration {kind} of {} {} cannot run locally",
                method,
                matched.route.resource_path
            );
            return Err(Refusal::Internal);
        }
    };
    let pool = gateway.pools.get(function).ok_or(Refusal::Internal)?;
    Ok(Target {
        entry,
        matched,
        pool,
    })
}

/// The request body, at most `limit` bytes (`413 Request Too Long` beyond).
async fn read_body(limit: usize, headers: &http::HeaderMap, body: Body) -> Result<Bytes, Refusal> {
    let too_long = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit);
    if too_long {
        return Err(Refusal::TooLong);
    }
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(Refusal::TooLong),
    }
}

/// The v1 proxy event API Gateway would send for the request.
fn decode(
    api: &LocalApi,
    parts: &Parts,
    entry: &Entry,
    matched: &Matched<'_>,
    body: &[u8],
    client: SocketAddr,
    request_id: &str,
) -> serde_json::Value {
    let binary_media_type = is_binary_media_type(&api.binary_media_types, &parts.headers);
    proxy_event(&ProxyRequest {
        method: parts.method.as_str(),
        path: &entry.event_path,
        context_path: &entry.context_path,
        resource_path: &matched.route.resource_path,
        resource_id: &matched.route.resource_id,
        path_parameters: &matched.path_parameters,
        query: parts.uri.query(),
        headers: &parts.headers,
        body,
        stage: &entry.stage,
        request_id,
        source_ip: client.ip(),
        api_id: &api.rest_api,
        binary_media_type,
    })
}

/// Sends the event to the function's pool; `504` when the integration timeout
/// passes first.
async fn invoke(
    gateway: &Gateway,
    pool: &FunctionPool,
    request_id: &str,
    event: serde_json::Value,
) -> Result<Outcome, Refusal> {
    let invocation = pool.invoke(request_id.to_owned(), event.to_string().into_bytes());
    tokio::time::timeout(gateway.integration_timeout, invocation)
        .await
        .map_err(|_| Refusal::TimedOut)
}

/// The client's response for the function's outcome, as API Gateway answers it.
fn translate(outcome: Outcome) -> Response {
    match outcome {
        Outcome::Response(payload) => match parse_proxy_response(&payload) {
            Ok(proxy) => {
                let mut response = Response::new(Body::from(proxy.body));
                *response.status_mut() = proxy.status;
                *response.headers_mut() = proxy.headers;
                response
            }
            Err(reason) => {
                tracing::warn!(
                    "Execution failed due to configuration error: Malformed Lambda proxy response ({reason})"
                );
                bad_gateway()
            }
        },
        Outcome::FunctionError(payload) => {
            tracing::warn!(
                "Lambda function error: {}",
                String::from_utf8_lossy(&payload)
            );
            bad_gateway()
        }
        Outcome::Crashed(reason) | Outcome::InitError(reason) => {
            tracing::warn!("Lambda invocation failed: {reason}");
            bad_gateway()
        }
        Outcome::Timeout => timed_out(),
    }
}

fn is_binary_media_type(types: &[String], headers: &http::HeaderMap) -> bool {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let Some(content_type) = content_type else {
        return false;
    };
    types.iter().any(|t| {
        // CloudFormation spells `/` as `~1` in BinaryMediaTypes.
        let t = t.replace("~1", "/").to_ascii_lowercase();
        t == "*/*"
            || t == content_type
            || t.strip_suffix("/*")
                .is_some_and(|major| content_type.split('/').next() == Some(major))
    })
}

/// API Gateway's answer for a path or method the API does not define.
fn missing_token() -> Response {
    gateway_error(
        StatusCode::FORBIDDEN,
        "Missing Authentication Token",
        Some("MissingAuthenticationTokenException"),
    )
}

fn request_too_long() -> Response {
    gateway_error(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long", None)
}

fn timed_out() -> Response {
    gateway_error(
        StatusCode::GATEWAY_TIMEOUT,
        "Endpoint request timed out",
        None,
    )
}

/// `500 Internal server error`: the integration cannot be run.
fn internal_error() -> Response {
    gateway_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal server error",
        None,
    )
}

/// `502 Internal server error`: the function failed or answered nonsense.
fn bad_gateway() -> Response {
    gateway_error(StatusCode::BAD_GATEWAY, "Internal server error", None)
}

fn gateway_error(status: StatusCode, message: &str, error_type: Option<&'static str>) -> Response {
    let mut response = (
        status,
        axum::Json(serde_json::json!({ "message": message })),
    )
        .into_response();
    if let Some(kind) = error_type {
        response
            .headers_mut()
            .insert("x-amzn-errortype", HeaderValue::from_static(kind));
    }
    response
}

#[cfg(test)]
mod fixture_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> LocalApi {
        LocalApi {
            stack_name: "S".into(),
            rest_api: "Api".into(),
            stages: vec!["prod".into()],
            base_paths: vec!["v1".into()],
            routes: vec![],
            functions: BTreeMap::new(),
            binary_media_types: vec![],
            url_outputs: vec![],
        }
    }

    #[test]
    fn stage_entry_strips_the_stage_from_path() {
        let e = entry(&api(), "/prod/search/x").expect("stage");
        assert_eq!(
            (
                e.stage.as_str(),
                e.event_path.as_str(),
                e.context_path.as_str()
            ),
            ("prod", "/search/x", "/prod/search/x")
        );
        assert_eq!(entry(&api(), "/prod").expect("root").api_path, "/");
    }

    #[test]
    fn base_path_entry_keeps_the_base_path_in_path() {
        let e = entry(&api(), "/v1/search/x").expect("base path");
        assert_eq!(
            (
                e.stage.as_str(),
                e.event_path.as_str(),
                e.context_path.as_str()
            ),
            ("prod", "/v1/search/x", "/v1/search/x")
        );
        assert_eq!(e.api_path, "/search/x");
        assert_eq!(entry(&api(), "/v1").expect("root").event_path, "/v1");
    }

    #[test]
    fn other_prefixes_do_not_enter() {
        assert!(entry(&api(), "/dev/x").is_none());
        assert!(entry(&api(), "/").is_none());
    }

    #[test]
    fn binary_media_types_match_wildcards() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("image/png; q=1"),
        );
        assert!(is_binary_media_type(&["image/*".into()], &headers));
        assert!(is_binary_media_type(&["*~1*".into()], &headers));
        assert!(!is_binary_media_type(
            &["application/json".into()],
            &headers
        ));
        assert!(!is_binary_media_type(&[], &headers));
    }
}

//! The tower service `lambda_http` calls for every invocation: it turns the
//! gateway's request into the request the app's router expects (prefixes removed by
//! [`crate::path`]), logs the invocation with its request ids, and hands the router's
//! response back to `lambda_http`, which base64-encodes binary and compressed bodies
//! and fills `multiValueHeaders` as API Gateway requires.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body as AxumBody;
use http::Uri;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use tower::ServiceExt;

use crate::path::{GatewayPath, route_path};

/// Serves an axum router behind API Gateway REST (v1) proxy events.
#[derive(Clone)]
pub struct GatewayService {
    router: axum::Router,
    base_paths: Arc<[String]>,
}

impl GatewayService {
    /// `base_paths` are custom-domain base path mappings (e.g. `["v1"]`) to strip in
    /// addition to the stage; an empty list still recognises them through the
    /// `{proxy+}` parameter (see [`crate::path`]).
    pub fn new(router: axum::Router, base_paths: Vec<String>) -> Self {
        Self {
            router,
            base_paths: base_paths.into(),
        }
    }
}

impl tower::Service<Request> for GatewayService {
    type Response = http::Response<AxumBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let request = to_router_request(request, &self.base_paths);
        let router = self.router.clone();
        Box::pin(async move {
            let method = request.method().clone();
            let path = request.uri().path().to_owned();
            let response = router.oneshot(request).await?;
            tracing::info!(%method, %path, status = response.status().as_u16(), "handled");
            Ok(response)
        })
    }
}

/// Rewrites the URI to the prefix-free route path and converts the body.
pub fn to_router_request(request: Request, base_paths: &[String]) -> http::Request<AxumBody> {
    let new_path = {
        let (stage, context_path, resource, request_id) = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV1(ctx)) => (
                ctx.stage.as_deref(),
                ctx.path.as_deref(),
                ctx.resource_path.as_deref(),
                ctx.request_id.as_deref(),
            ),
            _ => (None, None, None, None),
        };
        let lambda_request_id = request.lambda_context_ref().map(|c| c.request_id.as_str());
        tracing::debug!(
            lambda_request_id = lambda_request_id.unwrap_or("-"),
            gateway_request_id = request_id.unwrap_or("-"),
            "invocation"
        );
        let params = request.path_parameters_ref();
        let gateway = GatewayPath {
            path: request.raw_http_path(),
            stage,
            context_path,
            resource,
            proxy: params.and_then(|p| p.first("proxy")),
        };
        route_path(&gateway, base_paths)
    };
    let (mut parts, body) = request.into_parts();
    let path_and_query = match parts.uri.query() {
        Some(query) => format!("{new_path}?{query}"),
        None => new_path,
    };
    // The route path is percent-encoded by construction, so this parse only fails on
    // a query lambda_http produced, which it encodes itself; keep the old URI then.
    if let Ok(uri) = path_and_query.parse::<Uri>() {
        parts.uri = uri;
    }
    let body = match body {
        lambda_http::Body::Empty => AxumBody::empty(),
        lambda_http::Body::Text(text) => AxumBody::from(text),
        lambda_http::Body::Binary(bytes) => AxumBody::from(bytes),
        _ => AxumBody::empty(),
    };
    http::Request::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};
    use lambda_http::{Context as LambdaContext, LambdaEvent, Service};
    use serde_json::Value;

    /// Stand-in for the rootski router: same route shapes, echoing what it received.
    fn router() -> axum::Router {
        axum::Router::new()
            .route("/", get(|| async { "root" }))
            .route(
                "/search/{term}",
                get(
                    |axum::extract::Path(term): axum::extract::Path<String>| async move {
                        axum::Json(serde_json::json!({ "term": term }))
                    },
                ),
            )
            .route(
                "/echo",
                post(|body: axum::body::Bytes| async move {
                    ([("content-type", "application/octet-stream")], body)
                }),
            )
            .route(
                "/query",
                get(|uri: Uri, headers: http::HeaderMap| async move {
                    let tags: Vec<String> = headers
                        .get_all("x-tag")
                        .iter()
                        .filter_map(|v| v.to_str().ok().map(str::to_owned))
                        .collect();
                    axum::Json(serde_json::json!({ "query": uri.query(), "tags": tags }))
                }),
            )
            .route(
                "/gzip",
                get(|| async {
                    (
                        [
                            ("content-type", "application/json"),
                            ("content-encoding", "gzip"),
                        ],
                        vec![0x1f_u8, 0x8b, 8, 0],
                    )
                }),
            )
    }

    /// Runs one fixture event through `lambda_http`'s own adapter and our service,
    /// returning the JSON response Lambda would send to API Gateway.
    async fn invoke(event: &str) -> Value {
        let event: Value = serde_json::from_str(event).expect("fixture parses");
        let mut handler = crate::handler::EventHandler::new(GatewayService::new(router(), vec![]));
        let response = handler
            .call(LambdaEvent::new(event, LambdaContext::default()))
            .await
            .expect("handled");
        serde_json::to_value(response).expect("serializable")
    }

    fn body_json(response: &Value) -> Value {
        serde_json::from_str(response["body"].as_str().expect("text body")).expect("json body")
    }

    #[tokio::test]
    async fn execute_api_event_with_encoded_cyrillic() {
        let response = invoke(include_str!("../tests/data/apigw_v1_stage.json")).await;
        assert_eq!(response["statusCode"], 200);
        assert_eq!(body_json(&response)["term"], "при");
    }

    #[tokio::test]
    async fn stage_in_path_event() {
        let response = invoke(include_str!("../tests/data/apigw_v1_stage_in_path.json")).await;
        assert_eq!(response["statusCode"], 200);
        assert_eq!(body_json(&response)["term"], "abc");
    }

    #[tokio::test]
    async fn custom_domain_base_path_event() {
        let response = invoke(include_str!("../tests/data/apigw_v1_base_path.json")).await;
        assert_eq!(response["statusCode"], 200);
        assert_eq!(body_json(&response)["term"], "abc");
    }

    #[tokio::test]
    async fn root_events() {
        for event in [
            include_str!("../tests/data/apigw_v1_root.json"),
            include_str!("../tests/data/apigw_v1_base_path_root.json"),
        ] {
            let response = invoke(event).await;
            assert_eq!(response["statusCode"], 200, "{response}");
            assert_eq!(response["body"], "root");
        }
    }

    #[tokio::test]
    async fn path_with_space_event() {
        let response = invoke(include_str!("../tests/data/apigw_v1_path_with_space.json")).await;
        assert_eq!(response["statusCode"], 200);
        assert_eq!(body_json(&response)["term"], "hello world");
    }

    #[tokio::test]
    async fn binary_body_round_trips_base64() {
        let response = invoke(include_str!("../tests/data/apigw_v1_binary_body.json")).await;
        assert_eq!(response["statusCode"], 200);
        assert_eq!(response["isBase64Encoded"], true);
        assert_eq!(response["body"], "AAEC//6Afw==");
    }

    #[tokio::test]
    async fn multi_value_headers_and_query() {
        let response = invoke(include_str!("../tests/data/apigw_v1_multi_value.json")).await;
        assert_eq!(response["statusCode"], 200);
        let body = body_json(&response);
        assert_eq!(body["tags"], serde_json::json!(["a", "b"]));
        let query = body["query"].as_str().expect("query");
        assert!(query.contains("q=1") && query.contains("q=2"), "{query}");
        assert!(query.contains("single=x"), "{query}");
    }

    #[tokio::test]
    async fn compressed_response_is_base64() {
        let mut event: Value =
            serde_json::from_str(include_str!("../tests/data/apigw_v1_stage.json"))
                .expect("fixture");
        event["path"] = "/gzip".into();
        event["pathParameters"]["proxy"] = "gzip".into();
        event["requestContext"]["path"] = "/prod/gzip".into();
        let response = invoke(&event.to_string()).await;
        assert_eq!(response["isBase64Encoded"], true);
        assert_eq!(response["body"], "H4sIAA==");
        assert_eq!(response["multiValueHeaders"]["content-encoding"][0], "gzip");
    }

    #[tokio::test]
    async fn unknown_route_reaches_the_router_404() {
        let mut event: Value =
            serde_json::from_str(include_str!("../tests/data/apigw_v1_stage.json"))
                .expect("fixture");
        event["path"] = "/nope".into();
        event["pathParameters"]["proxy"] = "nope".into();
        event["requestContext"]["path"] = "/prod/nope".into();
        let response = invoke(&event.to_string()).await;
        assert_eq!(response["statusCode"], 404);
    }
}

//! The function handed to the Lambda runtime: raw event JSON in, proxy result out.
//!
//! It exists for one repair before `lambda_http` sees the event: API Gateway sends
//! every header twice, the last value in `headers` and all values in
//! `multiValueHeaders`, and `lambda_http` merges the two by letting `headers`
//! *replace* the multi-value list, so `X-Tag: a` + `X-Tag: b` would reach the app as
//! only `b`. Dropping the single-value copies of keys that have a multi-value list
//! keeps every value.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use lambda_http::lambda_runtime::LambdaEvent;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Service};
use serde_json::Value;

use crate::service::GatewayService;

/// Response type `lambda_http` serializes back to API Gateway.
type ProxyResponse =
    <Adapter<'static, http::Response<axum::body::Body>, GatewayService> as Service<
        LambdaEvent<LambdaRequest>,
    >>::Response;

/// Adapts [`GatewayService`] to raw v1 events (see the module docs for why).
#[derive(Clone)]
pub struct EventHandler {
    adapter: Adapter<'static, http::Response<axum::body::Body>, GatewayService>,
}

impl EventHandler {
    /// Wraps the gateway service.
    pub fn new(service: GatewayService) -> Self {
        Self {
            adapter: Adapter::from(service),
        }
    }
}

impl Service<LambdaEvent<Value>> for EventHandler {
    type Response = ProxyResponse;
    type Error = lambda_http::Error;
    type Future = Pin<Box<dyn Future<Output = Result<ProxyResponse, lambda_http::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, event: LambdaEvent<Value>) -> Self::Future {
        let LambdaEvent {
            mut payload,
            context,
        } = event;
        keep_multi_value_headers(&mut payload);
        let request: LambdaRequest = match serde_json::from_value(payload) {
            Ok(request) => request,
            Err(err) => {
                let message = format!("event is not an API Gateway proxy event: {err}");
                return Box::pin(async move { Err(message.into()) });
            }
        };
        let response = self.adapter.call(LambdaEvent::new(request, context));
        Box::pin(async move {
            match response.await {
                Ok(response) => Ok(response),
                Err(never) => match never {},
            }
        })
    }
}

/// Removes from `headers` every key (case-insensitively) that `multiValueHeaders`
/// also carries.
pub fn keep_multi_value_headers(event: &mut Value) {
    let multi: Vec<String> = match event.get("multiValueHeaders").and_then(Value::as_object) {
        Some(map) if !map.is_empty() => map.keys().map(|k| k.to_ascii_lowercase()).collect(),
        _ => return,
    };
    if let Some(single) = event.get_mut("headers").and_then(Value::as_object_mut) {
        single.retain(|key, _| !multi.contains(&key.to_ascii_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_value_copies_are_dropped() {
        let mut event = serde_json::json!({
            "headers": {"X-Tag": "b", "Only-Single": "1"},
            "multiValueHeaders": {"x-tag": ["a", "b"]}
        });
        keep_multi_value_headers(&mut event);
        assert_eq!(event["headers"], serde_json::json!({"Only-Single": "1"}));
    }

    #[test]
    fn events_without_multi_value_headers_are_untouched() {
        let mut event = serde_json::json!({"headers": {"A": "1"}, "multiValueHeaders": null});
        keep_multi_value_headers(&mut event);
        assert_eq!(event["headers"], serde_json::json!({"A": "1"}));
    }
}

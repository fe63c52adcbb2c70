//! [`client`]: the SDK's `HttpClient` on reqwest (see the crate docs).

use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response as SdkResponse;
use aws_smithy_types::body::SdkBody;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Timeouts that select a connection pool.
type PoolKey = (Option<Duration>, Option<Duration>);

/// The SDK client: hands each operation the connector for its timeouts.
#[derive(Debug, Default)]
struct ReqwestHttpClient {
    connectors: Mutex<HashMap<PoolKey, SharedHttpConnector>>,
}

/// A shareable [`HttpClient`] for `aws_config::ConfigLoader::http_client`.
pub fn client() -> SharedHttpClient {
    SharedHttpClient::new(ReqwestHttpClient::default())
}

impl HttpClient for ReqwestHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let key = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self
            .connectors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        connectors
            .entry(key)
            .or_insert_with(|| SharedHttpConnector::new(ReqwestConnector::new(key)))
            .clone()
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        Some(ConnectorMetadata::new("reqwest", None))
    }
}

/// One pool: a reqwest client with the given timeouts, or why it could not be
/// built (reported by every call, as the SDK reports a connector that fails).
#[derive(Debug)]
struct ReqwestConnector {
    client: Result<reqwest::Client, Arc<str>>,
}

impl ReqwestConnector {
    fn new((connect_timeout, read_timeout): PoolKey) -> Self {
        let mut builder = crate::tls::builder()
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true);
        if let Some(timeout) = connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(timeout) = read_timeout {
            builder = builder.read_timeout(timeout);
        }
        let client = builder
            .build()
            .map_err(|err| Arc::from(format!("building the HTTPS client failed: {err}")));
        ReqwestConnector { client }
    }
}

impl HttpConnector for ReqwestConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let client = match &self.client {
            Ok(client) => client.clone(),
            Err(message) => {
                let err = ConnectorError::other(message.to_string().into(), None);
                return HttpConnectorFuture::ready(Err(err));
            }
        };
        let request = match into_reqwest(request) {
            Ok(request) => request,
            Err(err) => return HttpConnectorFuture::ready(Err(err)),
        };
        HttpConnectorFuture::new(async move {
            let response = client.execute(request).await.map_err(connector_error)?;
            let response: http::Response<reqwest::Body> = response.into();
            SdkResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|err| ConnectorError::other(err.into(), None))
        })
    }
}

/// The signed SDK request as a reqwest request: same method, URI, headers and
/// body. An in-memory body (every API call's) is sent with its length; a
/// streaming one is streamed.
fn into_reqwest(request: HttpRequest) -> Result<reqwest::Request, ConnectorError> {
    let request = request
        .try_into_http1x()
        .map_err(|err| ConnectorError::user(err.into()))?;
    let (parts, body) = request.into_parts();
    let body = match body.bytes() {
        Some(bytes) => reqwest::Body::from(bytes.to_vec()),
        None => reqwest::Body::wrap(body),
    };
    reqwest::Request::try_from(http::Request::from_parts(parts, body))
        .map_err(|err| ConnectorError::user(err.into()))
}

/// Classifies a transport failure for the SDK's retry strategy.
fn connector_error(err: reqwest::Error) -> ConnectorError {
    if err.is_timeout() {
        ConnectorError::timeout(err.into())
    } else if err.is_builder() {
        ConnectorError::user(err.into())
    } else if err.is_connect() || err.is_request() || err.is_body() {
        // Refused or reset connections, a pooled connection closed under us, a
        // response cut short: all worth another attempt.
        ConnectorError::io(err.into())
    } else {
        ConnectorError::other(err.into(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::result::ConnectorError;

    fn sdk_request(body: SdkBody) -> HttpRequest {
        let request = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:9/path?x=1")
            .header("x-amz-target", "DynamoDB_20120810.GetItem")
            .header("content-length", "2")
            .body(body)
            .expect("request");
        HttpRequest::try_from(request).expect("sdk request")
    }

    #[test]
    fn request_keeps_method_uri_headers_and_body() {
        let request = into_reqwest(sdk_request(SdkBody::from("{}"))).expect("converted");
        assert_eq!(request.method(), "POST");
        assert_eq!(request.url().as_str(), "http://127.0.0.1:9/path?x=1");
        assert_eq!(
            request.headers()["x-amz-target"],
            "DynamoDB_20120810.GetItem"
        );
        assert_eq!(request.headers()["content-length"], "2");
        let body = request.body().and_then(reqwest::Body::as_bytes);
        assert_eq!(body, Some(&b"{}"[..]));
    }

    #[tokio::test]
    async fn refused_connection_is_a_retryable_io_error() {
        // Bind then drop a listener: its port now refuses connections.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let connector = ReqwestConnector::new((Some(Duration::from_secs(2)), None));
        let request = http::Request::builder()
            .uri(format!("http://127.0.0.1:{port}/"))
            .body(SdkBody::empty())
            .expect("request");
        let err: ConnectorError = connector
            .call(HttpRequest::try_from(request).expect("sdk request"))
            .await
            .expect_err("nothing listens");
        assert!(err.is_io(), "{err:?}");
    }

    #[tokio::test]
    async fn stalled_response_is_a_timeout() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // Accepts and never answers.
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.expect("accept");
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(socket);
        });
        let connector = ReqwestConnector::new((None, Some(Duration::from_millis(200))));
        let request = http::Request::builder()
            .uri(format!("http://127.0.0.1:{port}/"))
            .body(SdkBody::empty())
            .expect("request");
        let err = connector
            .call(HttpRequest::try_from(request).expect("sdk request"))
            .await
            .expect_err("no answer");
        assert!(err.is_timeout(), "{err:?}");
        server.abort();
    }

    #[tokio::test]
    async fn redirects_are_returned_not_followed() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buffer = [0u8; 1024];
            let _ = socket.read(&mut buffer).await;
            let answer = "HTTP/1.1 301 Moved Permanently\r\nlocation: http://127.0.0.1:9/\r\ncontent-length: 5\r\n\r\nmoved";
            socket.write_all(answer.as_bytes()).await.expect("write");
        });
        let connector = ReqwestConnector::new((Some(Duration::from_secs(2)), None));
        let request = http::Request::builder()
            .uri(format!("http://127.0.0.1:{port}/bucket/key"))
            .body(SdkBody::empty())
            .expect("request");
        let response = connector
            .call(HttpRequest::try_from(request).expect("sdk request"))
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 301);
        assert_eq!(response.body().bytes(), None, "body still streaming");
        server.await.expect("server");
    }
}

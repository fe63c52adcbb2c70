//! The one error type of the HTTP layer and how each variant becomes a response.
//!
//! Every response body is `{"detail": ...}` as FastAPI printed it, because the web
//! frontend reads `detail`. Messages for 4xx are part of the contract (`API.md`);
//! 5xx details are generic and the cause goes to the log only.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;
use crate::validation::FieldError;

/// The message of every rejected token; the reason is logged, never sent.
pub const INVALID_TOKEN_MESSAGE: &str = "Authorization token is invalid. See logs for details.";

/// A request that cannot be answered with a success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404 with a contract message such as "No word with ID 5 was found in Dynamo.".
    #[error("{0}")]
    NotFound(String),
    /// 400 with a contract message (a breakdown that does not sum to its word).
    #[error("{0}")]
    BadRequest(String),
    /// 401: the bearer token was rejected for the logged reason.
    #[error("invalid token: {0}")]
    InvalidToken(String),
    /// 422 in FastAPI's validation shape.
    #[error("request validation failed")]
    Validation(Vec<FieldError>),
    /// 413: the body is larger than the 64 KiB limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 414: the request target is longer than [`crate::limits::URI_LIMIT_BYTES`].
    #[error("request URI too long")]
    UriTooLong,
    /// 431: the request's header fields exceed [`crate::limits::HEADER_LIMIT_BYTES`].
    #[error("request header fields too large")]
    HeadersTooLarge,
    /// 408: the request body did not arrive within the server's body read timeout.
    #[error("request body not received in time")]
    BodyTimeout,
    /// No route matches the path (404 `Not Found`).
    #[error("not found")]
    RouteNotFound,
    /// The path exists with other methods (405 `Method Not Allowed`).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The store failed (503); logged with its cause.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bug or an unexpected state (500); logged with its cause.
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Serialize)]
struct Detail<'a, T: Serialize + ?Sized> {
    detail: &'a T,
}

impl ApiError {
    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) | ApiError::RouteNotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong => StatusCode::URI_TOO_LONG,
            ApiError::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::NotFound(message) | ApiError::BadRequest(message) => {
                detail(status, message.as_str())
            }
            ApiError::InvalidToken(reason) => {
                tracing::info!(reason = %reason, "rejected bearer token");
                let mut response = detail(status, INVALID_TOKEN_MESSAGE);
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
            ApiError::Validation(errors) => json_response(status, &Detail { detail: errors }),
            ApiError::PayloadTooLarge => {
                detail(status, "Request body is larger than the 64 KiB limit.")
            }
            ApiError::UriTooLong => detail(status, "URI Too Long"),
            ApiError::HeadersTooLarge => detail(status, "Request Header Fields Too Large"),
            ApiError::BodyTimeout => detail(status, "The request body was not received in time."),
            ApiError::RouteNotFound => detail(status, "Not Found"),
            ApiError::MethodNotAllowed => detail(status, "Method Not Allowed"),
            ApiError::Store(err) => {
                tracing::error!(error = %err, "store failure");
                detail(
                    status,
                    "The data store is unavailable. Please try again later.",
                )
            }
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                detail(status, "Internal Server Error")
            }
        }
    }
}

/// `{"detail": text}` with `status`.
fn detail(status: StatusCode, text: &str) -> Response {
    json_response(status, &Detail { detail: text })
}

/// `application/json` content type as the contract spells it.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Serializes `body` as the response; a value that cannot be serialized (a bug) is
/// logged and answered with a 500 instead of a panic.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            )],
            bytes,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "response body did not serialize");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(JSON_CONTENT_TYPE),
                )],
                r#"{"detail":"Internal Server Error"}"#,
            )
                .into_response()
        }
    }
}

/// Largest error body [`json_error_bodies`] reads; axum's rejection messages are a
/// line.
const PLAIN_ERROR_LIMIT_BYTES: usize = 4 * 1024;

/// Middleware, the safety net of the `{"detail": ...}` contract: an error response
/// whose body is plain text or untyped becomes `{"detail": "<its text>"}` (or the
/// status's reason when empty), keeping its status and other headers. Only axum's
/// own rejections produce such bodies — `/docs/%FF` gets axum's `Invalid URL:
/// Invalid UTF-8 in `file`` from the docs route's `Path` extractor, say — while
/// [`ApiError`] answers JSON and passes untouched.
pub async fn json_error_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !is_untyped_error(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let detail = match axum::body::to_bytes(body, PLAIN_ERROR_LIMIT_BYTES).await {
        Ok(bytes) if !bytes.trim_ascii().is_empty() => {
            String::from_utf8_lossy(bytes.trim_ascii()).into_owned()
        }
        _ => parts
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_owned(),
    };
    let (json_parts, json_body) = json_response(
        parts.status,
        &Detail {
            detail: detail.as_str(),
        },
    )
    .into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(json_parts.headers);
    Response::from_parts(parts, json_body)
}

/// A 4xx or 5xx whose body is `text/plain` or has no type.
fn is_untyped_error(response: &Response) -> bool {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(value) => value.to_str().is_ok_and(|text| {
            text.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/plain")
        }),
    }
}

/// A successful JSON body (200), serialized with [`json_response`].
pub struct JsonBody<T>(pub T);

impl<T: Serialize> IntoResponse for JsonBody<T> {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn through_the_net(handler: fn() -> Response) -> (StatusCode, String, String) {
        let app = Router::new()
            .route("/", get(move || async move { handler() }))
            .layer(axum::middleware::from_fn(json_error_bodies));
        let response = app
            .oneshot(
                Request::builder()
                    .uri("/")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn plain_text_and_untyped_errors_become_detail_json() {
        let (status, content_type, body) = through_the_net(|| {
            let text = "Invalid URL: Invalid UTF-8 in `file`\n";
            (StatusCode::BAD_REQUEST, text).into_response()
        })
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(content_type, JSON_CONTENT_TYPE);
        assert_eq!(body, r#"{"detail":"Invalid URL: Invalid UTF-8 in `file`"}"#);

        let (status, _, body) =
            through_the_net(|| StatusCode::REQUEST_TIMEOUT.into_response()).await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(body, r#"{"detail":"Request Timeout"}"#);
    }

    #[tokio::test]
    async fn json_errors_and_successes_pass_untouched() {
        let (_, _, body) = through_the_net(|| ApiError::RouteNotFound.into_response()).await;
        assert_eq!(body, r#"{"detail":"Not Found"}"#);
        let (status, content_type, body) = through_the_net(|| "hello".into_response()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/plain"));
        assert_eq!(body, "hello");
    }
}

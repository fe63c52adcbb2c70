//! The one error type of the HTTP layer and how each variant becomes a response.
//!
//! Every response body is `{"detail": ...}` as FastAPI printed it, because the web
//! frontend reads `detail`. Messages for 4xx are part of the contract (`API.md`);
//! 5xx details are generic and the cause goes to the log only.

use axum::http::{HeaderValue, StatusCode, header};
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
            ApiError::NotFound(message) | ApiError::BadRequest(message) => json_response(
                status,
                &Detail {
                    detail: message.as_str(),
                },
            ),
            ApiError::InvalidToken(reason) => {
                tracing::info!(reason = %reason, "rejected bearer token");
                let mut response = json_response(
                    status,
                    &Detail {
                        detail: INVALID_TOKEN_MESSAGE,
                    },
                );
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
            ApiError::Validation(errors) => json_response(status, &Detail { detail: errors }),
            ApiError::PayloadTooLarge => json_response(
                status,
                &Detail {
                    detail: "Request body is larger than the 64 KiB limit.",
                },
            ),
            ApiError::RouteNotFound => json_response(
                status,
                &Detail {
                    detail: "Not Found",
                },
            ),
            ApiError::MethodNotAllowed => json_response(
                status,
                &Detail {
                    detail: "Method Not Allowed",
                },
            ),
            ApiError::Store(err) => {
                tracing::error!(error = %err, "store failure");
                json_response(
                    status,
                    &Detail {
                        detail: "The data store is unavailable. Please try again later.",
                    },
                )
            }
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                json_response(
                    status,
                    &Detail {
                        detail: "Internal Server Error",
                    },
                )
            }
        }
    }
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

/// A successful JSON body (200), serialized with [`json_response`].
pub struct JsonBody<T>(pub T);

impl<T: Serialize> IntoResponse for JsonBody<T> {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self.0)
    }
}

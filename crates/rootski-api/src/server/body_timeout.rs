//! The request body read timeout: a body must arrive in full within the limit,
//! counted from the first time its reader asks for it.
//!
//! A late body makes the reader's next poll fail, so the handler's extractor ends
//! with an error instead of waiting; the request is marked, and its response —
//! whatever the handler made of the error — is replaced by a 408 `{"detail": ...}`
//! with `Connection: close` (the unread rest of the body makes the connection
//! unusable). The response can always be sent this way: every handler reads its
//! body before answering. A body left unread by a handler is not timed here; once
//! the response is written, hyper drains what has arrived or closes the connection.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, Request, Response};
use axum::response::IntoResponse;
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

use crate::error::ApiError;

/// Set once a request's body timed out.
#[derive(Debug, Clone, Default)]
pub(super) struct TimedOut(Arc<AtomicBool>);

impl TimedOut {
    pub(super) fn is_set(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    fn set(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// `request` with its body under the read timeout `limit`, and the flag the body
/// sets when it times out.
pub(super) fn with_read_timeout<B>(
    request: Request<B>,
    limit: Duration,
) -> (Request<Body>, TimedOut)
where
    B: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<axum::BoxError>,
{
    let timed_out = TimedOut::default();
    let flag = timed_out.clone();
    let request = request.map(|inner| {
        Body::new(TimedBody {
            inner,
            limit,
            deadline: None,
            timed_out: flag,
        })
    });
    (request, timed_out)
}

/// The 408 that replaces the response to a request whose body timed out. Headers
/// added around the handler (request id, CORS) are kept; the representation is the
/// error's.
pub(super) fn timeout_response(response: Response<Body>) -> Response<Body> {
    let (mut parts, _) = response.into_parts();
    let (error_parts, body) = ApiError::BodyTimeout.into_response().into_parts();
    for name in [CONTENT_LENGTH, CONTENT_ENCODING, CONTENT_TYPE] {
        parts.headers.remove(name);
    }
    parts.status = error_parts.status;
    parts.headers.extend(error_parts.headers);
    parts
        .headers
        .insert(CONNECTION, HeaderValue::from_static("close"));
    Response::from_parts(parts, body)
}

/// A request body under a read deadline, started at its first poll.
struct TimedBody<B> {
    inner: B,
    limit: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
    timed_out: TimedOut,
}

impl<B> http_body::Body for TimedBody<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let limit = this.limit;
        let deadline = this
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|result| result.map_err(Into::into)));
        }
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.timed_out.set();
                Poll::Ready(Some(Err(Box::new(BodyReadTimeout(limit)))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The error a late body's reader gets.
#[derive(Debug)]
struct BodyReadTimeout(Duration);

impl fmt::Display for BodyReadTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request body not received within {:?} (ROOTSKI__BODY_READ_TIMEOUT)",
            self.0
        )
    }
}

impl Error for BodyReadTimeout {}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use http_body_util::BodyExt;

    /// A body that never yields.
    struct Stalled;

    impl http_body::Body for Stalled {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Pending
        }
    }

    #[tokio::test]
    async fn a_stalled_body_fails_after_the_limit_and_marks_the_request() {
        let request = Request::new(Stalled);
        let (request, timed_out) = with_read_timeout(request, Duration::from_millis(50));
        assert!(!timed_out.is_set());
        let err = request.into_body().collect().await.unwrap_err();
        assert!(
            err.to_string().contains("ROOTSKI__BODY_READ_TIMEOUT"),
            "{err}"
        );
        assert!(timed_out.is_set());
    }

    #[tokio::test]
    async fn a_complete_body_is_passed_through() {
        let request = Request::new(http_body_util::Full::new(Bytes::from_static(b"{}")));
        let (request, timed_out) = with_read_timeout(request, Duration::from_secs(30));
        let bytes = request.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"{}");
        assert!(!timed_out.is_set());
    }

    #[tokio::test]
    async fn the_408_keeps_outer_headers_and_closes() {
        let mut response = ApiError::Validation(Vec::new()).into_response();
        response
            .headers_mut()
            .insert("x-request-id", HeaderValue::from_static("abc"));
        let response = timeout_response(response);
        assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(response.headers()["x-request-id"], "abc");
        assert_eq!(response.headers()[CONNECTION], "close");
        assert_eq!(response.headers().get_all(CONTENT_TYPE).iter().count(), 1);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(value["detail"].is_string(), "{value}");
    }
}

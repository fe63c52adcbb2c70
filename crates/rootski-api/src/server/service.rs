//! The router as one connection's hyper service: each request marks the connection
//! as serving until its response body is done ([`super::activity`]) and gets its
//! body under the read timeout ([`super::body_timeout`]).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, Response};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use tower::ServiceExt;

use super::activity::{Activity, RequestGuard};
use super::body_timeout;

/// hyper's service for one connection.
#[derive(Clone)]
pub(super) struct ConnectionService {
    router: Router,
    activity: Arc<Activity>,
    body_read_timeout: Duration,
}

impl ConnectionService {
    pub(super) fn new(
        router: Router,
        activity: Arc<Activity>,
        body_read_timeout: Duration,
    ) -> Self {
        ConnectionService {
            router,
            activity,
            body_read_timeout,
        }
    }
}

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Response<TrackedBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let guard = self.activity.request_started();
        let (request, timed_out) = body_timeout::with_read_timeout(request, self.body_read_timeout);
        let router = self.router.clone();
        Box::pin(async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let response = if timed_out.is_set() {
                tracing::info!("request body not received in time: answered 408, closing");
                body_timeout::timeout_response(response)
            } else {
                response
            };
            Ok(response.map(|inner| TrackedBody {
                inner,
                _guard: guard,
            }))
        })
    }
}

/// A response body that keeps its connection marked as serving until hyper has
/// written it (or dropped it).
pub(super) struct TrackedBody {
    inner: Body,
    _guard: RequestGuard,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

//! Serving one accepted connection: HTTP/1.1 through hyper, watched by a loop that
//! closes it when the deadline of its phase passes ([`super::activity`]) and asks
//! it to finish gracefully when the server stops.

use std::pin::pin;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::Instant;

use super::ServeOptions;
use super::activity::{Activity, Watched};
use super::service::ConnectionService;

/// Serves `stream` until the client or the server closes it. `_slot` is this
/// connection's place under the connection cap, released when it ends (after the
/// socket is closed: parameters drop after locals); `stop`
/// changes (or closes) when the server stops accepting.
pub(super) async fn serve_connection(
    stream: TcpStream,
    router: Router,
    options: ServeOptions,
    mut stop: watch::Receiver<()>,
    _slot: OwnedSemaphorePermit,
) {
    // Responses are written whole; Nagle's algorithm would only delay the last
    // segment of each. Failing to set it changes nothing else.
    let _ = stream.set_nodelay(true);
    let activity = Activity::new(options.header_read_timeout, options.keep_alive_timeout);
    let service = ConnectionService::new(router, activity.clone(), options.body_read_timeout);
    let io = TokioIo::new(Watched::new(stream, activity.clone()));
    let mut connection = pin!(
        http1::Builder::new()
            // Ours (`activity`) instead: hyper's would also close idle kept-alive
            // connections after the header read timeout. Set explicitly, because
            // hyper's default (30 s) would apply as soon as a timer is configured.
            .header_read_timeout(None)
            .serve_connection(io, service)
    );
    let mut sleep = pin!(tokio::time::sleep_until(Instant::now()));
    let mut stopping = false;
    loop {
        let deadline = activity.deadline();
        if let Some(deadline) = deadline {
            if deadline.at <= Instant::now() {
                tracing::debug!(reason = deadline.reason, "closing client connection");
                break;
            }
            sleep.as_mut().reset(deadline.at);
        }
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "client connection ended with an error");
                }
                break;
            }
            () = activity.changed() => {}
            () = sleep.as_mut(), if deadline.is_some() => {}
            // A closed channel means the server itself is gone: stop as well.
            _ = stop.changed(), if !stopping => {
                // Idle connections close now; a request in progress is answered
                // first, with keep-alive off.
                connection.as_mut().graceful_shutdown();
                stopping = true;
            }
        }
    }
}

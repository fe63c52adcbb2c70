//! The HTTP server of `rootski serve`: the router on a TCP listener, hardened
//! against slow and idle clients (the Lambda function does not use it: API Gateway
//! stands in front of it there).
//!
//! [`serve`] is an accept loop over hyper's HTTP/1.1 connections instead of
//! `axum::serve`, which has no timeouts and no connection cap:
//! - **connection cap** ([`ServeOptions::max_connections`]): a connection is accepted
//!   only while fewer are open. Beyond the cap new connections wait, unaccepted, in
//!   the kernel's listen backlog and are served as soon as one closes, while open
//!   connections keep being served. Waiting costs nothing here and the client sees a
//!   slower connect; refusing (accept, then close) would turn a burst into errors
//!   that clients retry at once, adding load exactly when there is too much.
//! - **header read timeout**: a new connection must send a whole request head within
//!   it, and a kept-alive one within it of the first byte of its next request;
//!   otherwise the connection is closed without an answer (a slow-loris client has
//!   said nothing worth answering).
//! - **keep-alive timeout**: an idle kept-alive connection is closed after it
//!   ([`activity`] explains the phases).
//! - **body read timeout**: a request body that has not arrived within it gets 408
//!   `{"detail": ...}` and the connection is closed ([`body_timeout`]).
//! - **graceful shutdown**: when `shutdown` completes, the listener is closed, idle
//!   connections are closed, and requests in progress are answered before their
//!   connections close; [`serve`] returns when every connection has ended. The
//!   timeouts keep applying, so a stalled client cannot hold the shutdown.
//!
//! What hyper answers itself, with an empty body and no hook to change it, is listed
//! in [`crate::limits`].

mod activity;
mod body_timeout;
mod connection;
mod service;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::config::Settings;

/// How long to wait before accepting again after an accept error that is not about
/// one connection (out of file descriptors, say): retrying at once would spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_secs(1);

/// The server's limits; see the `ROOTSKI__*` settings they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// Time allowed for a request head (`ROOTSKI__HEADER_READ_TIMEOUT`).
    pub header_read_timeout: Duration,
    /// Time allowed for a request body once it is read (`ROOTSKI__BODY_READ_TIMEOUT`).
    pub body_read_timeout: Duration,
    /// Time an idle kept-alive connection stays open (`ROOTSKI__KEEP_ALIVE_TIMEOUT`).
    pub keep_alive_timeout: Duration,
    /// Connections open at once (`ROOTSKI__MAX_CONNECTIONS`); 0 counts as 1.
    pub max_connections: usize,
}

impl ServeOptions {
    /// The server's settings out of `settings`.
    pub fn from_settings(settings: &Settings) -> ServeOptions {
        ServeOptions {
            header_read_timeout: settings.header_read_timeout,
            body_read_timeout: settings.body_read_timeout,
            keep_alive_timeout: settings.keep_alive_timeout,
            max_connections: settings.max_connections,
        }
    }
}

impl Default for ServeOptions {
    /// The defaults of the settings.
    fn default() -> Self {
        ServeOptions::from_settings(&Settings::default())
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in
/// progress finish (see the module docs). Accept errors are logged and retried, so
/// this returns `Ok` once every connection has ended.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(
        options.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let (stop, _) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = shutdown.as_mut() => break,
        };
        // The semaphore is never closed.
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.as_mut() => break,
        };
        match accepted {
            Ok((stream, _peer)) => {
                let connection = connection::serve_connection(
                    stream,
                    router.clone(),
                    options,
                    stop.subscribe(),
                    slot,
                );
                tokio::spawn(connection);
            }
            Err(err) if is_connection_error(&err) => {}
            Err(err) => {
                tracing::error!(error = %err, "cannot accept connections; retrying in 1 s");
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => {}
                    () = shutdown.as_mut() => break,
                }
            }
        }
    }
    drop(listener);
    stop.send_replace(());
    stop.closed().await;
    Ok(())
}

/// Errors about the one connection being accepted (it went away first), not the
/// listener.
fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

//! What one connection is doing, and so which timeout applies to it.
//!
//! A connection is always in one of three phases:
//! - **waiting** for the first byte of a request: since it was accepted (the header
//!   read timeout applies, counted from the accept) or since its last response was
//!   written (the keep-alive timeout applies);
//! - **reading a head**: bytes of a request arrived but not yet its whole head (the
//!   header read timeout applies, counted from the first byte);
//! - **serving** requests, from the parsed head until the response body has been
//!   written or dropped: no connection timeout (the body has its own, and handlers
//!   end on their own).
//!
//! hyper's own `header_read_timeout` is not used: it starts when the connection goes
//! idle, not at the first byte, so it would also be the keep-alive timeout and the
//! two could not differ. [`Watched`] reports bytes read; [`RequestGuard`]s, held by
//! each request's response body, report the serving phase.
//!
//! Limits of the bookkeeping: bytes of a next request that were already buffered
//! when a response finished (pipelining) count as waiting, not reading a head, so
//! such a request gets the keep-alive timeout to complete; and body bytes a handler
//! left unread, drained after its response, count as the start of a next head.
//! Both only change which bounded timeout applies.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The phase of a connection (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Waiting { since: Instant, kept_alive: bool },
    ReadingHead { since: Instant },
    Serving { requests: usize },
}

/// When the connection must be closed unless something happens first, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Deadline {
    /// The instant.
    pub(super) at: Instant,
    /// For the log line: which timeout expired.
    pub(super) reason: &'static str,
}

/// The phase of one connection, shared by its IO, its requests and its watchdog.
#[derive(Debug)]
pub(super) struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
    header_read_timeout: Duration,
    keep_alive_timeout: Duration,
}

impl Activity {
    /// A connection accepted now, waiting for its first request.
    pub(super) fn new(header_read_timeout: Duration, keep_alive_timeout: Duration) -> Arc<Self> {
        Arc::new(Activity {
            phase: Mutex::new(Phase::Waiting {
                since: Instant::now(),
                kept_alive: false,
            }),
            changed: Notify::new(),
            header_read_timeout,
            keep_alive_timeout,
        })
    }

    /// The deadline of the current phase; `None` while serving (or when the timeout
    /// is too long to be represented, which means never).
    pub(super) fn deadline(&self) -> Option<Deadline> {
        let (since, timeout, reason) = match *self.phase() {
            Phase::Waiting {
                since,
                kept_alive: false,
            }
            | Phase::ReadingHead { since } => (
                since,
                self.header_read_timeout,
                "no complete request head within the header read timeout",
            ),
            Phase::Waiting {
                since,
                kept_alive: true,
            } => (
                since,
                self.keep_alive_timeout,
                "idle for the keep-alive timeout",
            ),
            Phase::Serving { .. } => return None,
        };
        Some(Deadline {
            at: since.checked_add(timeout)?,
            reason,
        })
    }

    /// Completes once the phase has changed since the last call (a missed change is
    /// remembered, so a watchdog that recomputes its deadline and then waits here
    /// never sleeps past a new, earlier one).
    pub(super) async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Bytes arrived from the client.
    fn bytes_read(&self) {
        let mut phase = self.phase();
        if let Phase::Waiting { .. } = *phase {
            *phase = Phase::ReadingHead {
                since: Instant::now(),
            };
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request head was parsed; it is served until the guard is dropped.
    pub(super) fn request_started(self: &Arc<Self>) -> RequestGuard {
        {
            let mut phase = self.phase();
            *phase = match *phase {
                Phase::Serving { requests } => Phase::Serving {
                    requests: requests + 1,
                },
                _ => Phase::Serving { requests: 1 },
            };
        }
        self.changed.notify_one();
        RequestGuard {
            activity: Arc::clone(self),
        }
    }

    fn request_finished(&self) {
        {
            let mut phase = self.phase();
            *phase = match *phase {
                Phase::Serving { requests } if requests > 1 => Phase::Serving {
                    requests: requests - 1,
                },
                _ => Phase::Waiting {
                    since: Instant::now(),
                    kept_alive: true,
                },
            };
        }
        self.changed.notify_one();
    }

    /// The phase; a panic elsewhere while it was locked cannot leave it invalid
    /// (every update is a single assignment), so a poisoned lock is used as is.
    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Held by a request's response body: the connection is serving until it drops.
#[derive(Debug)]
pub(super) struct RequestGuard {
    activity: Arc<Activity>,
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.activity.request_finished();
    }
}

/// A connection's socket that reports the bytes it reads to its [`Activity`].
#[derive(Debug)]
pub(super) struct Watched<S> {
    stream: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub(super) fn new(stream: S, activity: Arc<Activity>) -> Self {
        Watched { stream, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.bytes_read();
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: Duration = Duration::from_secs(10);
    const KEEP_ALIVE: Duration = Duration::from_secs(75);

    fn reason(activity: &Activity) -> Option<&'static str> {
        activity.deadline().map(|deadline| deadline.reason)
    }

    #[test]
    fn each_phase_has_its_timeout() {
        let activity = Activity::new(HEADER, KEEP_ALIVE);
        let accepted = activity.deadline().unwrap();
        assert!(accepted.reason.contains("header read"));
        assert!(accepted.at <= Instant::now() + HEADER);

        activity.bytes_read();
        assert!(reason(&activity).unwrap().contains("header read"));

        let first = activity.request_started();
        assert_eq!(activity.deadline(), None);
        activity.bytes_read();
        assert_eq!(activity.deadline(), None, "body bytes do not start a head");

        drop(first);
        let idle = activity.deadline().unwrap();
        assert!(idle.reason.contains("keep-alive"));
        assert!(idle.at > Instant::now() + HEADER);

        activity.bytes_read();
        assert!(reason(&activity).unwrap().contains("header read"));
    }

    #[test]
    fn serving_lasts_until_the_last_request_finishes() {
        let activity = Activity::new(HEADER, KEEP_ALIVE);
        let first = activity.request_started();
        let second = activity.request_started();
        drop(first);
        assert_eq!(activity.deadline(), None);
        drop(second);
        assert!(reason(&activity).unwrap().contains("keep-alive"));
    }

    #[test]
    fn an_unrepresentable_timeout_never_expires() {
        let activity = Activity::new(Duration::MAX, KEEP_ALIVE);
        assert_eq!(activity.deadline(), None);
    }

    #[tokio::test]
    async fn changes_are_remembered_until_awaited() {
        let activity = Activity::new(HEADER, KEEP_ALIVE);
        activity.bytes_read();
        tokio::time::timeout(Duration::from_secs(5), activity.changed())
            .await
            .expect("a change made before waiting is not lost");
    }
}

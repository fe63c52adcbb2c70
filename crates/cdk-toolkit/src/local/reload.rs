//! Swapping what a running gateway serves (`rootski local --watch`), as Lambda does
//! when a function's code is updated: the listener stays open; requests already in
//! flight finish on the old routes, pools and instances; every request that starts
//! after the swap goes to the new ones; the old instances are stopped once nothing
//! uses them any more.
//!
//! The invariant: a request takes the current gateway (routes + pools) once, at its
//! start, and keeps it to its end. So "nothing uses the old gateway" is exactly "no
//! request holds it", which its reference count says without any bookkeeping by the
//! requests themselves.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::gateway::Gateway;
use super::pool::FunctionPool;

/// How often a retired gateway is checked for requests still using it.
const DRAIN_POLL: Duration = Duration::from_millis(10);
/// How long old instances get to exit once they are stopped.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// What the listener serves: the current gateway, swapped whole, and the pools of
/// gateways retired by a swap that still have requests in flight.
pub(crate) struct Serving {
    current: RwLock<Arc<Gateway>>,
    retiring: Mutex<Vec<FunctionPool>>,
}

impl Serving {
    pub(crate) fn new(gateway: Gateway) -> Self {
        Self {
            current: RwLock::new(Arc::new(gateway)),
            retiring: Mutex::new(Vec::new()),
        }
    }

    /// The gateway a request starting now uses (to its end).
    pub(crate) fn current(&self) -> Arc<Gateway> {
        // A poisoned lock only means a panic elsewhere mid-swap; the Arc inside is
        // whole either way.
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Makes `gateway` current and returns the one it replaces, whose pools are
    /// counted as retiring until [`drain`] stops them.
    fn swap(&self, gateway: Gateway) -> Arc<Gateway> {
        let new = Arc::new(gateway);
        let old = {
            let mut current = self
                .current
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            std::mem::replace(&mut *current, new)
        };
        self.retiring_pools().extend(old.pools.values().cloned());
        old
    }

    /// Pools of the current gateway and of retired ones not yet stopped.
    pub(crate) fn all_pools(&self) -> Vec<FunctionPool> {
        let mut pools: Vec<FunctionPool> = self.current().pools.values().cloned().collect();
        pools.extend(self.retiring_pools().iter().cloned());
        pools
    }

    fn retiring_pools(&self) -> std::sync::MutexGuard<'_, Vec<FunctionPool>> {
        self.retiring
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What a swap did, returned by [`LocalStack::reload`](super::LocalStack::reload).
pub struct Reloaded {
    /// From the call to the new gateway taking requests (preparing the new code
    /// included).
    pub swap_took: Duration,
    /// Requests that were in flight on the old gateway at the swap; they finish on it.
    pub in_flight: usize,
    drained: tokio::task::JoinHandle<Drained>,
}

/// How the old gateway was retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    /// From the swap until the last old request finished.
    pub took: Duration,
    /// Whether requests were still running when the wait gave up (the integration
    /// timeout had passed for them; their instances were stopped).
    pub gave_up: bool,
}

impl Reloaded {
    /// Waits until the old gateway's requests have finished and its instances have
    /// been stopped.
    pub async fn drained(self) -> Drained {
        self.drained.await.unwrap_or(Drained {
            took: Duration::ZERO,
            gave_up: true,
        })
    }
}

/// Swaps `gateway` in and retires the old one in the background: once no request
/// holds it (or `max_wait` has passed), its instances are stopped.
pub(crate) fn swap_in(
    serving: &Arc<Serving>,
    gateway: Gateway,
    started: Instant,
    max_wait: Duration,
) -> Reloaded {
    let old = serving.swap(gateway);
    let swap_took = started.elapsed();
    // Ours and the one `Arc` a request holds each.
    let in_flight = Arc::strong_count(&old).saturating_sub(1);
    let drained = tokio::spawn(drain(serving.clone(), old, max_wait));
    Reloaded {
        swap_took,
        in_flight,
        drained,
    }
}

/// Waits (polling, at most `max_wait`) until `old` is held by nobody but us, then
/// stops its pools and forgets them.
async fn drain(serving: Arc<Serving>, old: Arc<Gateway>, max_wait: Duration) -> Drained {
    let started = Instant::now();
    let mut gave_up = false;
    while Arc::strong_count(&old) > 1 {
        if started.elapsed() >= max_wait {
            gave_up = true;
            break;
        }
        tokio::time::sleep(DRAIN_POLL).await;
    }
    let took = started.elapsed();
    for pool in old.pools.values() {
        pool.shutdown(STOP_WAIT).await;
    }
    serving
        .retiring_pools()
        .retain(|pool| !old.pools.values().any(|retired| retired.same_pool(pool)));
    Drained { took, gave_up }
}

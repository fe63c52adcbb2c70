//! Execution environments of one function, as Lambda keeps them: invocations wait in
//! one queue; an instance that asks the Runtime API for its next event takes the
//! oldest; when every instance is busy (or still starting) and the limit allows,
//! another instance starts. Instances stay warm between invocations. An instance that
//! exceeds the function's timeout is killed and its invocation reported as timed
//! out; one that crashes fails only its own invocation; an instance that dies during
//! init fails the invocation that was waiting for it. Later invocations start fresh
//! instances.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, oneshot};

use super::instance;
use super::model::FunctionSpec;

/// How an invocation ended.
#[derive(Debug)]
pub enum Outcome {
    /// The function's response payload.
    Response(Vec<u8>),
    /// The function reported an error (`/invocation/{id}/error`), with its payload.
    FunctionError(Vec<u8>),
    /// The function ran past its `Timeout`; its instance was killed.
    Timeout,
    /// The instance exited while handling the invocation.
    Crashed(String),
    /// The instance started for this invocation failed to initialise.
    InitError(String),
}

/// One queued invocation.
pub(crate) struct Invocation {
    pub(crate) request_id: String,
    pub(crate) payload: Vec<u8>,
    pub(crate) reply: oneshot::Sender<Outcome>,
}

/// Everything an instance needs to start its process.
#[derive(Debug, Clone)]
pub struct LaunchSpec {
    /// The function as the template defines it.
    pub function: FunctionSpec,
    /// Directory holding the executable `bootstrap` (the unzipped asset).
    pub code_dir: PathBuf,
    /// Final environment, without `AWS_LAMBDA_RUNTIME_API` (set per instance).
    pub environment: BTreeMap<String, String>,
    /// Prefix every line the function prints with its name and instance number.
    pub forward_logs: bool,
}

/// The warm instances of one function and the queue in front of them.
#[derive(Clone)]
pub struct FunctionPool {
    pub(crate) inner: Arc<PoolInner>,
}

pub(crate) struct PoolInner {
    pub(crate) launch: LaunchSpec,
    pub(crate) max_instances: usize,
    pub(crate) state: Mutex<PoolState>,
    pub(crate) work: Notify,
    pub(crate) all_stopped: Notify,
}

/// The queue and what the pool's instances are doing. Only [`PoolInner`]'s methods
/// change it, each under one lock: an instance reports what it did (asked for an
/// event, answered, exited) by its number and never touches the counters.
#[derive(Default)]
pub(crate) struct PoolState {
    queue: VecDeque<Invocation>,
    /// Instances waiting in `/next`.
    idle: usize,
    /// Instances started that have not yet asked for an event.
    starting: BTreeSet<u64>,
    /// Instances that answered an invocation and have not yet asked for the next
    /// one: they will be idle in a moment, so no new instance is started for them.
    finishing: BTreeSet<u64>,
    /// Instances alive (starting, idle or busy).
    live: usize,
    next_instance: u64,
    kill_switches: BTreeMap<u64, Arc<Notify>>,
    shutting_down: bool,
}

impl FunctionPool {
    /// A pool that starts at most `max_instances` concurrent instances.
    pub fn new(launch: LaunchSpec, max_instances: usize) -> Self {
        Self {
            inner: Arc::new(PoolInner {
                launch,
                max_instances: max_instances.max(1),
                state: Mutex::new(PoolState::default()),
                work: Notify::new(),
                all_stopped: Notify::new(),
            }),
        }
    }

    /// Invokes the function with `payload` and waits for the outcome.
    pub async fn invoke(&self, request_id: String, payload: Vec<u8>) -> Outcome {
        let (reply, outcome) = oneshot::channel();
        {
            let mut state = self.inner.lock();
            if state.shutting_down {
                return Outcome::Crashed("the local runner is shutting down".into());
            }
            state.queue.push_back(Invocation {
                request_id,
                payload,
                reply,
            });
            self.inner.scale(&mut state);
        }
        self.inner.work.notify_one();
        outcome
            .await
            .unwrap_or_else(|_| Outcome::Crashed("the invocation was dropped".into()))
    }

    /// Whether `self` and `other` are the same pool (not two pools of one function).
    pub(crate) fn same_pool(&self, other: &FunctionPool) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Number of live instances (for tests and status output).
    pub fn live_instances(&self) -> usize {
        self.inner.lock().live
    }

    /// Kills every instance and waits (at most `wait`) until they have exited.
    pub async fn shutdown(&self, wait: Duration) {
        let switches: Vec<Arc<Notify>> = {
            let mut state = self.inner.lock();
            state.shutting_down = true;
            for invocation in state.queue.drain(..) {
                let _ = invocation
                    .reply
                    .send(Outcome::Crashed("the local runner is shutting down".into()));
            }
            state.kill_switches.values().cloned().collect()
        };
        for switch in switches {
            switch.notify_one();
        }
        let _ = tokio::time::timeout(wait, async {
            loop {
                let stopped = self.inner.all_stopped.notified();
                if self.inner.lock().live == 0 {
                    return;
                }
                stopped.await;
            }
        })
        .await;
    }
}

impl PoolInner {
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // A poisoned lock only means another task panicked mid-update; the counters
        // are still the best information there is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts instances while queued work exceeds what idle and starting instances
    /// will pick up, up to the limit.
    fn scale(self: &Arc<Self>, state: &mut PoolState) {
        state
            .queue
            .retain(|invocation| !invocation.reply.is_closed());
        while !state.shutting_down
            && state.queue.len() > state.idle + state.starting.len() + state.finishing.len()
            && state.live < self.max_instances
        {
            state.live += 1;
            state.next_instance += 1;
            let number = state.next_instance;
            state.starting.insert(number);
            let kill = Arc::new(Notify::new());
            state.kill_switches.insert(number, kill.clone());
            tokio::spawn(instance::run(self.clone(), number, kill));
        }
    }

    /// Instance `number` waits for the next queued invocation whose caller is still
    /// waiting. It stops counting as starting or finishing under the same lock that
    /// counts it idle, so it is never counted as neither (which would start a
    /// needless instance).
    pub(crate) async fn next_invocation(&self, number: u64) -> Invocation {
        let _idle = IdleGuard::new(self, number);
        loop {
            let notified = self.work.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut state = self.lock();
                while let Some(invocation) = state.queue.pop_front() {
                    if !invocation.reply.is_closed() {
                        return invocation;
                    }
                }
            }
            notified.await;
        }
    }

    /// Instance `number` answered its invocation: it counts as finishing (about to
    /// be idle again) until it asks for the next event or exits.
    pub(crate) fn answered(&self, number: u64) {
        self.lock().finishing.insert(number);
    }

    /// Bookkeeping when instance `number`'s process has exited. `init_failure` is set
    /// when it died before asking for its first event.
    pub(crate) fn instance_exited(self: &Arc<Self>, number: u64, init_failure: Option<String>) {
        let mut state = self.lock();
        state.live -= 1;
        state.finishing.remove(&number);
        state.starting.remove(&number);
        state.kill_switches.remove(&number);
        if let Some(message) = init_failure {
            // The invocation that made us start this instance fails, as on Lambda.
            if state.idle == 0
                && let Some(invocation) = state.queue.pop_front()
            {
                let _ = invocation.reply.send(Outcome::InitError(message));
            }
        }
        self.scale(&mut state);
        if state.live == 0 {
            self.all_stopped.notify_waiters();
        }
    }
}

/// Counts an instance as idle while it waits in `/next`, also when the wait is
/// cancelled because the instance went away.
struct IdleGuard<'a>(&'a PoolInner);

impl<'a> IdleGuard<'a> {
    fn new(pool: &'a PoolInner, number: u64) -> Self {
        let mut state = pool.lock();
        state.starting.remove(&number);
        state.finishing.remove(&number);
        state.idle += 1;
        drop(state);
        Self(pool)
    }
}

impl Drop for IdleGuard<'_> {
    fn drop(&mut self) {
        self.0.lock().idle -= 1;
    }
}

//! What a process pays to build its HTTPS clients (figures, no thresholds):
//! - baseline: each client loads the trust store itself (Mozilla's roots plus the
//!   system's, a rustls configuration per client), which is what reqwest did for
//!   every `Client` before `aws_reqwest::tls`;
//! - shared: `aws_reqwest::tls::builder()`, whose first call loads the store for
//!   the process and whose later calls reuse it.
//!
//! The function builds up to three clients on a cold start (the SDK's pool, the
//! cache bucket's, the JWKS download). Run: `cargo bench -p aws-reqwest --bench tls_clients`.

use std::time::{Duration, Instant};

const RUNS: usize = 25;

fn own_store_client() -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(aws_reqwest::tls::load())
        .build()
        .expect("client")
}

fn shared_client() -> reqwest::Client {
    aws_reqwest::tls::builder().build().expect("client")
}

fn timed(build: fn() -> reqwest::Client) -> Duration {
    let start = Instant::now();
    drop(build());
    start.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // Warm-up (the files in the page cache, the crypto provider's first use), so
    // the first shared client below pays what any other load pays.
    drop(own_store_client());
    // The first shared client of the process pays for loading the store.
    let first_shared = timed(shared_client);
    let later_shared = median((0..RUNS).map(|_| timed(shared_client)).collect());
    let own = median((0..RUNS).map(|_| timed(own_store_client)).collect());
    println!("HTTPS client build, median of {RUNS} (ms)        baseline     shared  shared/base");
    println!(
        "  one client                               {:10.3} {:10.3} {:8.3}",
        ms(own),
        ms(first_shared),
        ms(first_shared) / ms(own)
    );
    println!(
        "  each further client                      {:10.3} {:10.3} {:8.3}",
        ms(own),
        ms(later_shared),
        ms(later_shared) / ms(own)
    );
    let (base3, shared3) = (3.0 * ms(own), ms(first_shared) + 2.0 * ms(later_shared));
    println!(
        "  three clients (a function's cold start)  {:10.3} {:10.3} {:8.3}",
        base3,
        shared3,
        shared3 / base3
    );
}

//! HTTPS on reqwest for the workspace's AWS and Cognito calls: HTTP/1.1 over
//! rustls with *ring*, trusting the system's roots and Mozilla's.
//!
//! [`tls`] gives every HTTPS client of the process (the SDK's pools, the cache
//! bucket's, the JWKS download) one TLS configuration, so the system's trust
//! store is read once. The workspace builds reqwest without roots of its own:
//! a client that is not built from [`tls::builder`] trusts nothing.
//!
//! With the `sdk` feature (the default), [`client`] is the HTTP client for the
//! AWS SDK for Rust. The SDK's default client (aws-smithy-http-client) brings a second hyper
//! client stack with HTTP/2 (the regional AWS endpoints the workspace calls speak
//! HTTP/1.1) into every binary that already links reqwest; with this one, the
//! Lambda function and the CLI carry one HTTP stack. It does what the default
//! client does for the SDK:
//! - one connection pool per distinct connect/read timeout pair, built on first
//!   use and kept for the life of the SDK client (a Lambda container reuses it);
//! - `HTTP(S)_PROXY` / `NO_PROXY` from the environment;
//! - no redirects followed (S3 answers 301/307 for a wrong region: that is an
//!   error the SDK reports, not a request to replay unsigned);
//! - transport errors classified the way the SDK's retry strategy expects:
//!   timeouts as timeouts, connection and I/O failures as retryable I/O errors.
//!
//! Use: `aws_config::defaults(..).http_client(aws_reqwest::client())`.
//!
//! [`sign`] (also `sdk`) signs requests the workspace sends without an SDK client (an EC2
//! query, the cache bucket's objects) with the SDK's own credentials, for the
//! same reqwest client to send.

#[cfg(feature = "sdk")]
mod client;
#[cfg(feature = "sdk")]
pub mod sign;
pub mod tls;

#[cfg(feature = "sdk")]
pub use client::client;

/// An error and its sources on one line, each text once: the SDK's and reqwest's
/// errors nest their causes, and the SDK's own context display ends in a debug
/// dump that belongs in a debug log, not in a message for the user.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line
}

//! The Lambda side of rootski: serves an axum router behind API Gateway REST (v1).
//!
//! Layers, from the outside in:
//! - `lambda_http` speaks the Runtime API and converts v1 proxy events to
//!   `http::Request`s (multi-value headers and query strings, base64 request bodies)
//!   and responses back to proxy results (binary and compressed bodies base64-encoded);
//! - [`service::GatewayService`] rewrites the path the gateway passed (stage prefix,
//!   custom-domain base path) to the route path, using [`path::route_path`], the one
//!   place that knows those rules, and logs each invocation;
//! - the app's router, which knows nothing about Lambda.
//!
//! [`init_error`] reports a failed start to the Runtime API so the reason is visible.
//! The `bootstrap` binary (`main.rs`) only builds the app once and calls [`serve`].

pub mod handler;
pub mod init_error;
pub mod path;
pub mod service;

pub use service::GatewayService;

/// Name of the optional variable listing custom-domain base paths to strip
/// (comma-separated, e.g. `v1`); without it they are recognised automatically.
pub const BASE_PATHS_VAR: &str = "API_GATEWAY_BASE_PATHS";

/// Runs the Lambda runtime loop until the Runtime API goes away.
pub async fn serve(
    router: axum::Router,
    base_paths: Vec<String>,
) -> Result<(), lambda_http::Error> {
    let handler = handler::EventHandler::new(GatewayService::new(router, base_paths));
    lambda_http::lambda_runtime::run(handler).await
}

/// Splits a comma-separated list of base paths, dropping slashes and empty items.
pub fn parse_base_paths(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|item| item.trim().trim_matches('/').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn base_path_list() {
        assert_eq!(super::parse_base_paths(" /v1/, ,api "), vec!["v1", "api"]);
        assert!(super::parse_base_paths("").is_empty());
    }
}

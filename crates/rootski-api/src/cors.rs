//! CORS for the web frontend: credentials allowed, any method and header, but only
//! for the configured origins.
//!
//! Allowed: every origin of [`Settings::allowed_cors_origins`] (the extra origins,
//! the S3 static site, `https://<domain>`), and `http(s)://localhost` on any port so
//! a frontend dev server works whatever port it picked. tower-http answers preflights
//! (every `OPTIONS`) with 200; for an origin that is not allowed the response carries
//! no `Access-Control-*` header at all, which [`strip_unapproved`] enforces because
//! tower-http adds the method/header lists regardless of the origin.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Response;
use axum::http::{HeaderValue, header};
use tower_http::cors::{AllowCredentials, AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

use crate::config::Settings;

/// How long browsers may cache a preflight answer.
pub const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// Decides whether an `Origin` header value is allowed.
#[derive(Debug, Clone)]
pub struct OriginPolicy {
    exact: Arc<BTreeSet<String>>,
}

impl OriginPolicy {
    /// The policy for these settings.
    pub fn new(settings: &Settings) -> Self {
        OriginPolicy {
            exact: Arc::new(settings.allowed_cors_origins().into_iter().collect()),
        }
    }

    /// True for a configured origin or any `http(s)://localhost[:port]`.
    pub fn allows(&self, origin: &HeaderValue) -> bool {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        self.exact.contains(origin) || is_localhost(origin)
    }
}

fn is_localhost(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://localhost")
        .or_else(|| origin.strip_prefix("https://localhost"))
    else {
        return false;
    };
    rest.is_empty()
        || rest
            .strip_prefix(':')
            .is_some_and(|port| !port.is_empty() && port.parse::<u16>().is_ok())
}

/// The tower-http CORS layer for `settings`.
pub fn layer(settings: &Settings) -> CorsLayer {
    let for_origin = OriginPolicy::new(settings);
    let for_credentials = for_origin.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            for_origin.allows(origin)
        }))
        .allow_credentials(AllowCredentials::predicate(move |origin, _| {
            for_credentials.allows(origin)
        }))
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .max_age(PREFLIGHT_MAX_AGE)
}

/// Removes CORS grant headers from responses that did not approve the origin.
pub fn strip_unapproved<B>(mut response: Response<B>) -> Response<B> {
    let headers = response.headers_mut();
    if !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        for name in [
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::ACCESS_CONTROL_MAX_AGE,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ] {
            headers.remove(name);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_and_localhost_origins_are_allowed() {
        let settings = Settings {
            extra_allowed_cors_origins: vec!["https://extra.example".into()],
            ..Settings::default()
        };
        let policy = OriginPolicy::new(&settings);
        let allows = |o: &'static str| policy.allows(&HeaderValue::from_static(o));
        assert!(allows("https://www.rootski.io"));
        assert!(allows("https://extra.example"));
        assert!(allows(
            "http://io.rootski.www.s3-website-us-west-2.amazonaws.com"
        ));
        assert!(allows("http://localhost:3000"));
        assert!(allows("https://localhost"));
        assert!(!allows("https://evil.example"));
        assert!(!allows("http://localhost.evil.example"));
        assert!(!allows("http://localhost:3000@evil"));
        assert!(!allows("https://www.rootski.io.evil.example"));
    }
}

//! The one place where the gateway's path prefixes are removed.
//!
//! API Gateway REST (v1) hands the function different `path` values for the same
//! route depending on how the request arrived:
//!
//! | entry point                               | `path`           | `requestContext.path` |
//! |-------------------------------------------|------------------|-----------------------|
//! | `https://<id>.execute-api…/prod/search/x` | `/search/x`      | `/prod/search/x`      |
//! | custom domain, base path `v1`             | `/v1/search/x`   | `/v1/search/x`        |
//! | emulators that keep the stage             | `/prod/search/x` | `/prod/search/x`      |
//!
//! The app's routes are written without any prefix (`/search/{term}`), so the prefix is
//! removed here and nowhere else. The stage comes from `requestContext.stage`; a base
//! path comes from configuration, or, when none is configured, is recognised by the
//! custom-domain signature (`requestContext.path == path`) together with the
//! `{proxy+}` path parameter, which never contains the base path.

/// What the gateway told us about the request path (borrowed from the v1 event).
#[derive(Debug, Clone, Copy, Default)]
pub struct GatewayPath<'a> {
    /// The event's top-level `path`.
    pub path: &'a str,
    /// `requestContext.stage`.
    pub stage: Option<&'a str>,
    /// `requestContext.path`.
    pub context_path: Option<&'a str>,
    /// `resource` / `requestContext.resourcePath`, e.g. `/{proxy+}` or `/`.
    pub resource: Option<&'a str>,
    /// `pathParameters.proxy`, when the resource is a greedy proxy.
    pub proxy: Option<&'a str>,
}

/// Returns the route path the app should see: prefixes removed, always starting with
/// `/`, percent-encoded so it is a valid URI path (spaces and non-ASCII characters are
/// encoded, existing `%XX` escapes are kept).
pub fn route_path(gateway: &GatewayPath<'_>, base_paths: &[String]) -> String {
    encode_path(strip_prefixes(gateway, base_paths))
}

fn strip_prefixes<'a>(gateway: &GatewayPath<'a>, base_paths: &[String]) -> &'a str {
    let path = if gateway.path.is_empty() {
        "/"
    } else {
        gateway.path
    };
    if let Some(stage) = gateway.stage.filter(|s| !s.is_empty() && *s != "$default")
        && let Some(rest) = strip_segment_prefix(path, stage)
    {
        return rest;
    }
    for base in base_paths {
        if let Some(rest) = strip_segment_prefix(path, base.trim_matches('/')) {
            return rest;
        }
    }
    // Custom domain without a configured base path: the gateway did not put the stage
    // in front of requestContext.path, so everything before the proxied part is the
    // base path mapping.
    if gateway.context_path == Some(path) {
        match (gateway.resource, gateway.proxy) {
            (Some("/{proxy+}"), Some(proxy)) => {
                let proxy = proxy.trim_start_matches('/');
                if let Some(prefix) = path.strip_suffix(proxy)
                    && prefix.len() > 1
                    && prefix.ends_with('/')
                {
                    return &path[prefix.len() - 1..];
                }
            }
            (Some("/"), _) => return "/",
            _ => {}
        }
    }
    path
}

/// `path` without the leading segment `/segment`, or `None` when it does not start
/// with exactly that segment (`/prod` strips `/prod` and `/prod/x`, not `/production`).
fn strip_segment_prefix<'a>(path: &'a str, segment: &str) -> Option<&'a str> {
    if segment.is_empty() {
        return None;
    }
    let rest = path.strip_prefix('/')?.strip_prefix(segment)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

/// Percent-encodes every byte that may not appear in a URI path, keeping `/` and
/// existing escapes, so both decoded (`hello world`) and encoded (`%D0%BF`) gateway
/// paths become the same valid URI path.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if !path.starts_with('/') {
        out.push('/');
    }
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'/' | b'%'
                    | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            );
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy<'a>(path: &'a str, context_path: &'a str, proxy: &'a str) -> GatewayPath<'a> {
        GatewayPath {
            path,
            stage: Some("prod"),
            context_path: Some(context_path),
            resource: Some("/{proxy+}"),
            proxy: Some(proxy),
        }
    }

    #[test]
    fn execute_api_path_is_kept() {
        let gw = proxy("/search/x", "/prod/search/x", "search/x");
        assert_eq!(route_path(&gw, &[]), "/search/x");
    }

    #[test]
    fn stage_in_path_is_stripped() {
        let gw = proxy("/prod/search/x", "/prod/search/x", "search/x");
        assert_eq!(route_path(&gw, &[]), "/search/x");
        let root = GatewayPath {
            path: "/prod",
            stage: Some("prod"),
            ..Default::default()
        };
        assert_eq!(route_path(&root, &[]), "/");
    }

    #[test]
    fn stage_must_be_a_whole_segment() {
        let gw = proxy("/production/x", "/prod/production/x", "production/x");
        assert_eq!(route_path(&gw, &[]), "/production/x");
    }

    #[test]
    fn configured_base_path_is_stripped() {
        let gw = GatewayPath {
            path: "/v1/search/x",
            stage: Some("prod"),
            ..Default::default()
        };
        assert_eq!(route_path(&gw, &["v1".into()]), "/search/x");
        assert_eq!(route_path(&gw, &["/v1/".into()]), "/search/x");
        let root = GatewayPath {
            path: "/v1",
            ..Default::default()
        };
        assert_eq!(route_path(&root, &["v1".into()]), "/");
    }

    #[test]
    fn base_path_is_derived_from_the_proxy_parameter() {
        let gw = proxy("/v1/search/x", "/v1/search/x", "search/x");
        assert_eq!(route_path(&gw, &[]), "/search/x");
        let nested = proxy("/api/v1/search/x", "/api/v1/search/x", "search/x");
        assert_eq!(route_path(&nested, &[]), "/search/x");
    }

    #[test]
    fn custom_domain_root_is_root() {
        let gw = GatewayPath {
            path: "/v1",
            stage: Some("prod"),
            context_path: Some("/v1"),
            resource: Some("/"),
            proxy: None,
        };
        assert_eq!(route_path(&gw, &[]), "/");
    }

    #[test]
    fn a_route_named_like_the_proxy_suffix_is_not_cut() {
        // Not the custom-domain signature: context path has the stage in front.
        let gw = proxy("/x/x", "/prod/x/x", "x");
        assert_eq!(route_path(&gw, &[]), "/x/x");
    }

    #[test]
    fn paths_are_percent_encoded_once() {
        let gw = proxy(
            "/search/hello world",
            "/prod/search/hello world",
            "search/hello world",
        );
        assert_eq!(route_path(&gw, &[]), "/search/hello%20world");
        let cyr = GatewayPath {
            path: "/search/при",
            ..Default::default()
        };
        assert_eq!(route_path(&cyr, &[]), "/search/%D0%BF%D1%80%D0%B8");
        let encoded = GatewayPath {
            path: "/search/%D0%BF",
            ..Default::default()
        };
        assert_eq!(route_path(&encoded, &[]), "/search/%D0%BF");
    }

    #[test]
    fn empty_and_default_stage() {
        let gw = GatewayPath {
            path: "",
            stage: Some("$default"),
            ..Default::default()
        };
        assert_eq!(route_path(&gw, &[]), "/");
    }
}

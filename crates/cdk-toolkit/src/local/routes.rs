//! Matching a request path against the API's resources, as API Gateway does: a
//! literal segment beats a `{param}`, which beats a greedy `{proxy+}`; a method
//! matches its own verb before `ANY`.

use std::collections::BTreeMap;

use super::model::Route;

/// The route a request resolved to, with its decoded path parameters.
#[derive(Debug, PartialEq, Eq)]
pub struct Matched<'a> {
    /// The route.
    pub route: &'a Route,
    /// `pathParameters`, e.g. `proxy` → `search/x`.
    pub path_parameters: BTreeMap<String, String>,
}

/// Finds the route for `method` and the stage-relative, decoded `path` (`/search/x`).
pub fn match_route<'a>(routes: &'a [Route], method: &str, path: &str) -> Option<Matched<'a>> {
    let mut best: Option<(u32, Matched<'a>)> = None;
    for route in routes {
        let method_score = if route.http_method == method {
            1
        } else if route.http_method == "ANY" {
            0
        } else {
            continue;
        };
        let Some((path_score, path_parameters)) = match_path(&route.resource_path, path) else {
            continue;
        };
        let score = path_score * 2 + method_score;
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((
                score,
                Matched {
                    route,
                    path_parameters,
                },
            ));
        }
    }
    best.map(|(_, matched)| matched)
}

/// Scores how specifically `resource` matches `path` (higher is more specific).
fn match_path(resource: &str, path: &str) -> Option<(u32, BTreeMap<String, String>)> {
    let mut params = BTreeMap::new();
    let templates: Vec<&str> = resource.split('/').filter(|s| !s.is_empty()).collect();
    let trimmed = path.trim_start_matches('/');
    let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    let mut score = 0_u32;
    for (index, template) in templates.iter().enumerate() {
        if let Some(name) = template
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix("+}"))
        {
            // Greedy: the rest of the path, at least one character, as sent.
            let rest = nth_segment_rest(trimmed, index)?;
            if rest.is_empty() {
                return None;
            }
            params.insert(name.to_owned(), rest.to_owned());
            return Some((score, params));
        }
        let segment = segments.get(index)?;
        if let Some(name) = template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            params.insert(name.to_owned(), (*segment).to_owned());
            score += 1;
        } else if template == segment {
            score += 3;
        } else {
            return None;
        }
    }
    (segments.len() == templates.len()).then_some((score + 1, params))
}

/// The part of `path` (no leading slash) from its `index`-th segment on.
fn nth_segment_rest(path: &str, index: usize) -> Option<&str> {
    let mut rest = path;
    for _ in 0..index {
        let slash = rest.find('/')?;
        rest = &rest[slash + 1..];
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::model::Integration;

    fn route(path: &str, method: &str) -> Route {
        Route {
            resource_path: path.into(),
            resource_id: path.into(),
            http_method: method.into(),
            integration: Integration::LambdaProxy("F".into()),
        }
    }

    #[test]
    fn root_and_proxy() {
        let routes = vec![route("/", "ANY"), route("/{proxy+}", "ANY")];
        let root = match_route(&routes, "GET", "/").expect("root");
        assert_eq!(root.route.resource_path, "/");
        assert!(root.path_parameters.is_empty());
        let deep = match_route(&routes, "POST", "/search/hello world/").expect("proxy");
        assert_eq!(deep.route.resource_path, "/{proxy+}");
        assert_eq!(deep.path_parameters["proxy"], "search/hello world/");
    }

    #[test]
    fn without_root_method_root_is_unmatched() {
        let routes = vec![route("/{proxy+}", "ANY")];
        assert!(match_route(&routes, "GET", "/").is_none());
    }

    #[test]
    fn literal_beats_parameter_beats_greedy() {
        let routes = vec![
            route("/items/{id}", "GET"),
            route("/items/new", "GET"),
            route("/{proxy+}", "ANY"),
        ];
        assert_eq!(
            match_route(&routes, "GET", "/items/new")
                .expect("m")
                .route
                .resource_path,
            "/items/new"
        );
        let item = match_route(&routes, "GET", "/items/7").expect("m");
        assert_eq!(item.route.resource_path, "/items/{id}");
        assert_eq!(item.path_parameters["id"], "7");
        assert_eq!(
            match_route(&routes, "DELETE", "/items/7")
                .expect("m")
                .route
                .resource_path,
            "/{proxy+}"
        );
    }

    #[test]
    fn method_specific_beats_any() {
        let routes = vec![route("/x", "ANY"), route("/x", "POST")];
        assert_eq!(
            match_route(&routes, "POST", "/x")
                .expect("m")
                .route
                .http_method,
            "POST"
        );
        assert_eq!(
            match_route(&routes, "GET", "/x")
                .expect("m")
                .route
                .http_method,
            "ANY"
        );
        let only_post = vec![route("/x", "POST")];
        assert!(match_route(&only_post, "GET", "/x").is_none());
    }
}

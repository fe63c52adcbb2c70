//! Limits checked on a request's head, before any handler runs or any body byte is
//! read: a request target over [`URI_LIMIT_BYTES`] gets 414, header fields over
//! [`HEADER_LIMIT_BYTES`] get 431, and a request that sends `Expect: 100-continue`
//! with a declared `Content-Length` over [`BODY_LIMIT_BYTES`] gets 413 — each with
//! the API's `{"detail": ...}` body.
//!
//! That 413 is answered before the body is polled, so the server never sends
//! `100 Continue` and the client never uploads the body. Other oversized bodies are
//! cut at the limit while they are read (`DefaultBodyLimit` in
//! [`crate::app::router`]): a client that did not ask first is already sending its
//! body, and answering before reading any of it would close the connection under
//! its writes (a reset instead of the 413: hyper has no lingering close).
//!
//! Why our own limits below the server's: hyper rejects some heads itself, before
//! the router sees them, and answers with an empty body (there is no hook to shape
//! those responses): a target of 65,535 bytes or more gets 414, a head larger than
//! its read buffer (~400 KiB) or with more than 100 header fields gets 431, and a
//! malformed request line or header (a NUL byte, say) gets 400. Keeping our limits
//! well under hyper's means every realistic oversized request gets a JSON answer;
//! only heads past hyper's own limits get hyper's empty one.

use axum::extract::Request;
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::BODY_LIMIT_BYTES;
use crate::error::ApiError;

/// Longest request target accepted (8 KiB), as sent: path and query, plus scheme and
/// authority for an absolute-form target. Browsers and proxies commonly cap URLs
/// near 8 KiB (nginx's default line buffer, CloudFront's 8,192 bytes), and the
/// longest legitimate target here — a search term — is a few hundred bytes.
pub const URI_LIMIT_BYTES: usize = 8 * 1024;

/// Largest total of header fields accepted (32 KiB, counted as `name: value\r\n`).
/// A Cognito bearer token is 1–4 KiB; nothing legitimate comes near this.
pub const HEADER_LIMIT_BYTES: usize = 32 * 1024;

/// Middleware: answers 414, 431 or 413 for a head over the limits, else runs the
/// rest of the stack.
pub async fn reject_oversized(request: Request, next: Next) -> Response {
    match check(&request) {
        Some(error) => error.into_response(),
        None => next.run(request).await,
    }
}

/// The first limit `request`'s head exceeds, if any.
fn check<B>(request: &axum::http::Request<B>) -> Option<ApiError> {
    if target_len(request.uri()) > URI_LIMIT_BYTES {
        return Some(ApiError::UriTooLong);
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > HEADER_LIMIT_BYTES {
        return Some(ApiError::HeadersTooLarge);
    }
    if !expects_continue(request.headers()) {
        return None;
    }
    // hyper has already refused an unparsable or conflicting Content-Length (400);
    // a value too big for u64 is certainly over the limit.
    let declared = request.headers().get(CONTENT_LENGTH)?.to_str().ok()?;
    let too_large = match declared.trim().parse::<u64>() {
        Ok(length) => length > BODY_LIMIT_BYTES as u64,
        Err(_) => declared.trim().bytes().all(|b| b.is_ascii_digit()),
    };
    too_large.then_some(ApiError::PayloadTooLarge)
}

/// Whether the client waits for `100 Continue` before sending its body.
fn expects_continue(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::EXPECT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("100-continue"))
}

/// Length of the request target as it was sent.
fn target_len(uri: &axum::http::Uri) -> usize {
    let scheme = uri.scheme_str().map_or(0, |scheme| scheme.len() + 3);
    let authority = uri
        .authority()
        .map_or(0, |authority| authority.as_str().len());
    let path_and_query = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    scheme + authority + path_and_query
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn request(target: &str, headers: &[(&str, &str)]) -> Request<()> {
        let mut builder = Request::builder().uri(target);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn targets_up_to_the_limit_pass() {
        let at_limit = format!("/search/{}", "a".repeat(URI_LIMIT_BYTES - 8));
        assert!(check(&request(&at_limit, &[])).is_none());
        let over = format!("{at_limit}a");
        assert!(matches!(
            check(&request(&over, &[])),
            Some(ApiError::UriTooLong)
        ));
        let absolute = format!("http://example.com{}", &at_limit[..at_limit.len() - 18]);
        assert_eq!(target_len(request(&absolute, &[]).uri()), URI_LIMIT_BYTES);
    }

    #[test]
    fn header_fields_are_counted_as_sent() {
        let value = "v".repeat(HEADER_LIMIT_BYTES - "x-big: \r\n".len());
        assert!(check(&request("/", &[("x-big", &value)])).is_none());
        let value = format!("{value}v");
        assert!(matches!(
            check(&request("/", &[("x-big", &value)])),
            Some(ApiError::HeadersTooLarge)
        ));
    }

    #[test]
    fn declared_lengths_over_the_body_limit_are_refused_before_100_continue() {
        let expect = ("expect", "100-Continue");
        let at_limit = BODY_LIMIT_BYTES.to_string();
        assert!(check(&request("/", &[("content-length", &at_limit), expect])).is_none());
        for over in [
            (BODY_LIMIT_BYTES + 1).to_string(),
            "99999999999999999999999".to_owned(),
        ] {
            assert!(matches!(
                check(&request("/", &[("content-length", &over), expect])),
                Some(ApiError::PayloadTooLarge)
            ));
            // Without the expectation the body is already on its way: it is read
            // up to the limit instead (DefaultBodyLimit).
            assert!(check(&request("/", &[("content-length", &over)])).is_none());
        }
        assert!(check(&request("/", &[("content-length", "12abc"), expect])).is_none());
    }
}

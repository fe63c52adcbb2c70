//! The pieces of S3's REST protocol the cache bucket uses: object URLs, the error
//! document, and which failures are worth another attempt.

/// The URL of `key` in `bucket`.
///
/// With an `endpoint` (an emulator, `AWS_ENDPOINT_URL`) the bucket is in the path,
/// since such servers do not serve `<bucket>.<host>` names; on AWS the bucket is
/// the host's first label (virtual-hosted style) unless its name cannot be one (a
/// name with dots would not match the wildcard certificate), then path style on
/// the regional endpoint. Each key segment is percent-encoded as S3 signs it.
pub(super) fn object_url(endpoint: Option<&str>, region: &str, bucket: &str, key: &str) -> String {
    let key = encode_key(key);
    match endpoint {
        Some(endpoint) => format!("{}/{bucket}/{key}", endpoint.trim_end_matches('/')),
        None => {
            let suffix = if region.starts_with("cn-") {
                "amazonaws.com.cn"
            } else {
                "amazonaws.com"
            };
            if virtual_host_compatible(bucket) {
                format!("https://{bucket}.s3.{region}.{suffix}/{key}")
            } else {
                format!("https://s3.{region}.{suffix}/{bucket}/{key}")
            }
        }
    }
}

/// A bucket name that can be a DNS label under the S3 wildcard certificate.
fn virtual_host_compatible(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-')
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `/`.
fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `Code` and `Message` of an S3 error document
/// (`<Error><Code>NoSuchKey</Code><Message>...</Message>...</Error>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ErrorDocument {
    pub code: Option<String>,
    pub message: Option<String>,
}

impl ErrorDocument {
    /// Reads the document; anything else (an empty body, a proxy's HTML page)
    /// gives neither field.
    pub fn parse(body: &[u8]) -> Self {
        let mut document = ErrorDocument::default();
        let Ok(text) = std::str::from_utf8(body) else {
            return document;
        };
        let mut doc = aws_smithy_xml::decode::Document::new(text);
        let Ok(mut root) = doc.root_element() else {
            return document;
        };
        if !root.start_el().matches("Error") {
            return document;
        }
        while let Some(mut tag) = root.next_tag() {
            let field = if tag.start_el().matches("Code") {
                &mut document.code
            } else if tag.start_el().matches("Message") {
                &mut document.message
            } else {
                continue;
            };
            if let Ok(text) = aws_smithy_xml::decode::try_data(&mut tag) {
                let text = text.trim();
                if !text.is_empty() {
                    *field = Some(text.to_owned());
                }
            }
        }
        document
    }

    /// `Code: Message`, as the SDK's errors read, else the HTTP status.
    pub fn reason(&self, status: http::StatusCode) -> String {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.clone(),
            (None, Some(message)) => format!("HTTP {status}: {message}"),
            (None, None) => format!("HTTP {status}"),
        }
    }
}

/// Whether an answer with this status and error code is transient (S3's advice,
/// and the SDK's standard retry mode): throttling, a server-side failure, a
/// request the server timed out.
pub(super) fn retryable(status: http::StatusCode, code: Option<&str>) -> bool {
    status.is_server_error()
        || status == http::StatusCode::TOO_MANY_REQUESTS
        || matches!(
            code,
            Some("SlowDown" | "RequestTimeout" | "InternalError" | "ServiceUnavailable")
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    #[test]
    fn urls_by_endpoint_region_and_bucket_name() {
        let golden = [
            (
                Some("http://127.0.0.1:5000/"),
                "us-east-1",
                "rootski-cache",
                "morphemes.json",
                "http://127.0.0.1:5000/rootski-cache/morphemes.json",
            ),
            (
                None,
                "us-west-2",
                "rootski-backend-cache-bucket1a2b",
                "morphemes.json",
                "https://rootski-backend-cache-bucket1a2b.s3.us-west-2.amazonaws.com/morphemes.json",
            ),
            (
                None,
                "us-east-1",
                "my.dotted.bucket",
                "a/b c+ж.json",
                "https://s3.us-east-1.amazonaws.com/my.dotted.bucket/a/b%20c%2B%D0%B6.json",
            ),
            (
                None,
                "cn-north-1",
                "rootski",
                "k",
                "https://rootski.s3.cn-north-1.amazonaws.com.cn/k",
            ),
        ];
        for (endpoint, region, bucket, key, url) in golden {
            assert_eq!(object_url(endpoint, region, bucket, key), url);
        }
    }

    #[test]
    fn bucket_names_that_cannot_be_host_labels() {
        for bucket in ["ab", "Upper", "a.b.c", "-lead", "trail-", &"x".repeat(64)] {
            assert!(!virtual_host_compatible(bucket), "{bucket}");
        }
        assert!(virtual_host_compatible("rootski-backend-cache-123"));
    }

    #[test]
    fn error_documents() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist &amp; never did</Message><BucketName>b</BucketName><RequestId>1</RequestId></Error>"#;
        let document = ErrorDocument::parse(body);
        assert_eq!(document.code.as_deref(), Some("NoSuchBucket"));
        assert_eq!(
            document.reason(StatusCode::NOT_FOUND),
            "NoSuchBucket: The specified bucket does not exist & never did"
        );
        // No body (HEAD-like answers), or a proxy's page: the status.
        assert_eq!(
            ErrorDocument::parse(b"").reason(StatusCode::FORBIDDEN),
            "HTTP 403 Forbidden"
        );
        assert_eq!(
            ErrorDocument::parse(b"<html>bad gateway</html>").reason(StatusCode::BAD_GATEWAY),
            "HTTP 502 Bad Gateway"
        );
        assert_eq!(
            ErrorDocument::parse(&[0xff, 0xfe]),
            ErrorDocument::default()
        );
    }

    #[test]
    fn which_failures_are_retried() {
        assert!(retryable(StatusCode::SERVICE_UNAVAILABLE, Some("SlowDown")));
        assert!(retryable(StatusCode::INTERNAL_SERVER_ERROR, None));
        assert!(retryable(StatusCode::BAD_REQUEST, Some("RequestTimeout")));
        assert!(retryable(StatusCode::TOO_MANY_REQUESTS, None));
        assert!(!retryable(StatusCode::FORBIDDEN, Some("AccessDenied")));
        assert!(!retryable(StatusCode::NOT_FOUND, Some("NoSuchBucket")));
    }
}

//! AWS errors as the user reads them: one line naming the service and operation, the
//! error code and the service's own message — never the SDK's debug dump (that goes
//! to the `debug` log, which `--verbose` shows).
//!
//! The SDK only finds code and message when the body has the shape the operation's
//! protocol promises. An endpoint may answer in another one — moto, for instance,
//! answers a failed `ExecuteChangeSet` (an XML operation) with API Gateway's JSON
//! error body — and the SDK then reports "error parsing XML: no root element" with
//! the real message buried in its debug output. So the raw body is read here too:
//! JSON (`__type`/`code` + `message`) or XML (`<Code>` + `<Message>`).

use aws_sdk_cloudformation::config::http::HttpResponse;
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::error::ToolkitError;

/// Maps an SDK error into the crate error. `operation` is the call as AWS names it
/// (`"CloudFormation ExecuteChangeSet"`), `what` what it was for (`"deploying X"`).
pub(crate) fn aws_error<E>(
    operation: &str,
    what: impl Into<String>,
    err: SdkError<E, HttpResponse>,
) -> ToolkitError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    let what = what.into();
    tracing::debug!("{operation} ({what}): {}", DisplayErrorContext(&err));
    ToolkitError::Aws {
        what,
        operation: operation.to_string(),
        message: one_line(&err),
    }
}

/// `Code: message` of a service error (from the SDK or the raw body), else the HTTP
/// status and the start of the body, else the error and its causes (connection
/// refused, timeout, no credentials, ...), always on one line.
pub(crate) fn one_line<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    let code = err.code().filter(|c| !c.is_empty());
    let message = err.message().filter(|m| !m.is_empty());
    match (code, message) {
        (Some(c), Some(m)) => return flatten(&format!("{c}: {m}")),
        (None, Some(m)) => return flatten(m),
        _ => {}
    }
    if let Some(raw) = err.raw_response() {
        let body = raw.body().bytes().unwrap_or_default();
        if let Some((c, m)) = parse_error_body(body) {
            return flatten(&format!("{c}: {m}"));
        }
        let status = raw.status().as_u16();
        let text: String = String::from_utf8_lossy(body).chars().take(200).collect();
        return match (code, text.trim().is_empty()) {
            (Some(c), _) => format!("{c} (HTTP {status})"),
            (None, true) => format!("HTTP {status} with an empty body"),
            (None, false) => flatten(&format!("HTTP {status}: {text}")),
        };
    }
    error_chain(err)
}

/// Code and message of an AWS error body in JSON (`{"__type": "...", "message":
/// "..."}`, the code possibly prefixed `namespace#`) or XML (`<Code>`/`<Message>`).
pub(crate) fn parse_error_body(body: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let field = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| v.get(*k).and_then(|x| x.as_str()))
                .map(str::to_owned)
        };
        let code = field(&["__type", "code", "Code"])?;
        let code = code.rsplit('#').next().unwrap_or(&code).to_string();
        let message = field(&["message", "Message", "errorMessage"]).unwrap_or_default();
        return Some((code, message));
    }
    if text.starts_with('<') {
        let code = xml_element(text, "Code")?;
        let message = xml_element(text, "Message").unwrap_or_default();
        return Some((code, message));
    }
    None
}

fn xml_element(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&format!("</{name}>"))?;
    Some(
        text[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// An error and its sources joined by `: `, a source already contained in the text
/// before it left out.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = flatten(&e.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

fn flatten(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_body_of_another_protocol_gives_code_and_message() {
        // What moto 5.2.5 answers to a failed ExecuteChangeSet (captured).
        let body = br#"{"__type": "BadRequestException", "message": "The REST API doesn't contain any methods"}"#;
        assert_eq!(
            parse_error_body(body),
            Some((
                "BadRequestException".into(),
                "The REST API doesn't contain any methods".into()
            ))
        );
        let namespaced = br#"{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "Message": "gone"}"#;
        assert_eq!(
            parse_error_body(namespaced),
            Some(("ResourceNotFoundException".into(), "gone".into()))
        );
    }

    #[test]
    fn xml_body_gives_code_and_unescaped_message() {
        let body = b"<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>\
            <Message>Stack with id X does not exist &amp; never did</Message></Error></ErrorResponse>";
        assert_eq!(
            parse_error_body(body),
            Some((
                "ValidationError".into(),
                "Stack with id X does not exist & never did".into()
            ))
        );
    }

    #[test]
    fn other_bodies_are_not_errors() {
        assert_eq!(parse_error_body(b""), None);
        assert_eq!(parse_error_body(b"Internal Server Error"), None);
        assert_eq!(parse_error_body(br#"{"ok": true}"#), None);
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);
    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn causes_are_joined_on_one_line_without_repeats() {
        let err = Layer(
            "dispatch failure",
            Some(Box::new(Layer(
                "io error",
                Some(Box::new(Layer(
                    "tcp connect error:\n Connection refused",
                    Some(Box::new(Layer("Connection refused", None))),
                ))),
            ))),
        );
        assert_eq!(
            error_chain(&err),
            "dispatch failure: io error: tcp connect error: Connection refused"
        );
    }
}

//! The API Gateway REST (v1) Lambda proxy integration format: the event the gateway
//! sends and the result it expects back.
//!
//! Fields follow what API Gateway sends: the last value of each header in `headers`
//! and all of them in `multiValueHeaders` (same for the query string, decoded), the
//! decoded `{proxy+}` value in `pathParameters`, and a `requestContext` with the stage,
//! resource path, request id and source IP. A body that is not UTF-8 text, or whose
//! media type is one of the API's binary media types, is sent base64-encoded.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::{Map, Value, json};

/// Everything about one request the event needs.
#[derive(Debug, Clone)]
pub struct ProxyRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// `path` as API Gateway passes it (stage removed; base path kept).
    pub path: &'a str,
    /// `requestContext.path` (the stage or base path in front).
    pub context_path: &'a str,
    /// Matched resource path (`/{proxy+}`).
    pub resource_path: &'a str,
    /// Resource logical id, standing in for the resource id.
    pub resource_id: &'a str,
    /// Decoded path parameters.
    pub path_parameters: &'a BTreeMap<String, String>,
    /// Raw query string, if any.
    pub query: Option<&'a str>,
    /// Request headers.
    pub headers: &'a HeaderMap,
    /// Request body.
    pub body: &'a [u8],
    /// Stage name.
    pub stage: &'a str,
    /// Gateway request id.
    pub request_id: &'a str,
    /// Client address.
    pub source_ip: IpAddr,
    /// API id stand-in.
    pub api_id: &'a str,
    /// Whether the body's media type is a binary media type of the API.
    pub binary_media_type: bool,
}

/// Builds the v1 proxy event.
pub fn proxy_event(req: &ProxyRequest<'_>) -> Value {
    let (headers, multi_headers) = header_maps(req.headers);
    let (query, multi_query) = query_maps(req.query);
    let (body, is_base64) = if req.body.is_empty() {
        (Value::Null, false)
    } else {
        match std::str::from_utf8(req.body) {
            Ok(text) if !req.binary_media_type => (Value::String(text.to_owned()), false),
            _ => (Value::String(BASE64.encode(req.body)), true),
        }
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let host = req
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let user_agent = req
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|h| h.to_str().ok());
    let path_parameters = if req.path_parameters.is_empty() {
        Value::Null
    } else {
        json!(req.path_parameters)
    };
    json!({
        "resource": req.resource_path,
        "path": req.path,
        "httpMethod": req.method,
        "headers": null_if_empty(headers),
        "multiValueHeaders": null_if_empty(multi_headers),
        "queryStringParameters": null_if_empty(query),
        "multiValueQueryStringParameters": null_if_empty(multi_query),
        "pathParameters": path_parameters,
        "stageVariables": null,
        "requestContext": {
            "resourceId": req.resource_id,
            "resourcePath": req.resource_path,
            "httpMethod": req.method,
            "extendedRequestId": req.request_id,
            "requestTime": http_date(now.as_secs()),
            "path": req.context_path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": req.stage,
            "domainPrefix": host.split('.').next().unwrap_or(host),
            "requestTimeEpoch": now.as_millis() as u64,
            "requestId": req.request_id,
            "identity": {
                "cognitoIdentityPoolId": null, "accountId": null, "cognitoIdentityId": null,
                "caller": null, "sourceIp": req.source_ip.to_string(), "principalOrgId": null,
                "accessKey": null, "cognitoAuthenticationType": null,
                "cognitoAuthenticationProvider": null, "userArn": null,
                "userAgent": user_agent, "user": null
            },
            "domainName": host,
            "apiId": req.api_id
        },
        "body": body,
        "isBase64Encoded": is_base64
    })
}

fn null_if_empty(map: Map<String, Value>) -> Value {
    if map.is_empty() {
        Value::Null
    } else {
        Value::Object(map)
    }
}

fn header_maps(headers: &HeaderMap) -> (Map<String, Value>, Map<String, Value>) {
    let mut single = Map::new();
    let mut multi = Map::new();
    for name in headers.keys() {
        let values: Vec<Value> = headers
            .get_all(name)
            .iter()
            .map(|v| Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        if let Some(last) = values.last() {
            single.insert(name.as_str().to_owned(), last.clone());
        }
        multi.insert(name.as_str().to_owned(), Value::Array(values));
    }
    (single, multi)
}

fn query_maps(query: Option<&str>) -> (Map<String, Value>, Map<String, Value>) {
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (percent_decode(key, true), percent_decode(value, true));
        single.insert(key.clone(), Value::String(value.clone()));
        if let Some(Value::Array(values)) = multi.get_mut(&key) {
            values.push(Value::String(value));
        } else {
            multi.insert(key, Value::Array(vec![Value::String(value)]));
        }
    }
    (single, multi)
}

/// Decodes `%XX` escapes (and `+` as space in query strings); invalid escapes and
/// invalid UTF-8 are kept as they are, the way a lenient gateway would.
pub fn percent_decode(input: &str, plus_is_space: bool) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
            {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| input.to_owned())
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

fn http_date(epoch_secs: u64) -> String {
    // dd/Mon/yyyy:HH:mm:ss +0000, the format of requestContext.requestTime.
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = epoch_secs / 86_400;
    let secs = epoch_secs % 86_400;
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{day:02}/{}/{year}:{:02}:{:02}:{:02} +0000",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31) (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A proxy result converted to an HTTP response.
#[derive(Debug)]
pub struct ProxyResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers (single and multi-value merged).
    pub headers: HeaderMap,
    /// Decoded body.
    pub body: Vec<u8>,
}

/// Parses what the function returned. `Err` holds the reason the result is
/// malformed; API Gateway then answers 502 "Internal server error".
pub fn parse_proxy_response(payload: &[u8]) -> Result<ProxyResponse, String> {
    let value: Value =
        serde_json::from_slice(payload).map_err(|e| format!("response is not JSON: {e}"))?;
    let object = value.as_object().ok_or("response is not a JSON object")?;
    let status = match object.get("statusCode") {
        Some(Value::Number(n)) => n.as_u64().ok_or("statusCode is not an integer")?,
        Some(Value::String(s)) => s.parse().map_err(|_| "statusCode is not an integer")?,
        _ => return Err("statusCode is missing".into()),
    };
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| format!("statusCode {status} is not an HTTP status"))?;
    let mut headers = HeaderMap::new();
    let mut append = |name: &str, value: &Value, replace: bool| -> Result<(), String> {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => return Ok(()),
            other => other.to_string(),
        };
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("bad header name {name:?}"))?;
        let value =
            HeaderValue::from_str(&text).map_err(|_| format!("bad value for header {name}"))?;
        if replace {
            headers.insert(name, value);
        } else {
            headers.append(name, value);
        }
        Ok(())
    };
    for (name, values) in object
        .get("multiValueHeaders")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for value in values.as_array().into_iter().flatten() {
            append(name, value, false)?;
        }
    }
    let multi_keys: Vec<String> = object
        .get("multiValueHeaders")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(|k| k.to_ascii_lowercase()).collect())
        .unwrap_or_default();
    for (name, value) in object
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !multi_keys.contains(&name.to_ascii_lowercase()) {
            append(name, value, true)?;
        }
    }
    let body = match object.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) if object.get("isBase64Encoded") == Some(&Value::Bool(true)) => {
            BASE64
                .decode(text)
                .map_err(|e| format!("body is not valid base64: {e}"))?
        }
        Some(Value::String(text)) => text.clone().into_bytes(),
        Some(_) => return Err("body is not a string".into()),
    };
    Ok(ProxyResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(
        headers: &'a HeaderMap,
        params: &'a BTreeMap<String, String>,
        body: &'a [u8],
    ) -> ProxyRequest<'a> {
        ProxyRequest {
            method: "POST",
            path: "/v1/search/при",
            context_path: "/v1/search/при",
            resource_path: "/{proxy+}",
            resource_id: "Proxy",
            path_parameters: params,
            query: Some("q=1&q=2&name=a%20b&plus=x+y"),
            headers,
            body,
            stage: "prod",
            request_id: "req-1",
            source_ip: "127.0.0.1".parse().expect("ip"),
            api_id: "local",
            binary_media_type: false,
        }
    }

    #[test]
    fn event_has_multi_values_and_context() {
        let mut headers = HeaderMap::new();
        headers.append("x-tag", HeaderValue::from_static("a"));
        headers.append("x-tag", HeaderValue::from_static("b"));
        let params = BTreeMap::from([("proxy".to_owned(), "search/при".to_owned())]);
        let event = proxy_event(&request(&headers, &params, b"{}"));
        assert_eq!(event["headers"]["x-tag"], "b");
        assert_eq!(event["multiValueHeaders"]["x-tag"], json!(["a", "b"]));
        assert_eq!(event["queryStringParameters"]["q"], "2");
        assert_eq!(
            event["multiValueQueryStringParameters"]["q"],
            json!(["1", "2"])
        );
        assert_eq!(event["queryStringParameters"]["name"], "a b");
        assert_eq!(event["queryStringParameters"]["plus"], "x y");
        assert_eq!(event["pathParameters"]["proxy"], "search/при");
        assert_eq!(event["requestContext"]["stage"], "prod");
        assert_eq!(event["requestContext"]["identity"]["sourceIp"], "127.0.0.1");
        assert_eq!(event["body"], "{}");
        assert_eq!(event["isBase64Encoded"], false);
    }

    #[test]
    fn binary_body_is_base64() {
        let headers = HeaderMap::new();
        let params = BTreeMap::new();
        let event = proxy_event(&request(&headers, &params, &[0, 0xff]));
        assert_eq!(event["body"], "AP8=");
        assert_eq!(event["isBase64Encoded"], true);
        assert_eq!(event["pathParameters"], Value::Null);
    }

    #[test]
    fn parses_results() {
        let ok = parse_proxy_response(
            br#"{"statusCode":201,"headers":{"a":"1","set-cookie":"x"},"multiValueHeaders":{"set-cookie":["c=1","d=2"]},"body":"AP8=","isBase64Encoded":true}"#,
        )
        .expect("valid");
        assert_eq!(ok.status, StatusCode::CREATED);
        assert_eq!(ok.body, vec![0, 0xff]);
        assert_eq!(ok.headers.get_all("set-cookie").iter().count(), 2);
        assert_eq!(ok.headers["a"], "1");
        assert!(parse_proxy_response(b"not json").is_err());
        assert!(parse_proxy_response(br#"{"body":"x"}"#).is_err());
        assert!(parse_proxy_response(br#"{"statusCode":99999}"#).is_err());
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("%D0%BF%zz%", false), "п%zz%");
        assert_eq!(percent_decode("a+b", false), "a+b");
    }

    #[test]
    fn request_time_format() {
        assert_eq!(http_date(0), "01/Jan/1970:00:00:00 +0000");
        assert_eq!(http_date(1_795_598_102), "25/Nov/2026:09:15:02 +0000");
    }
}

//! A Lambda function for the local-run tests, written against the Runtime API with
//! std only so it builds in a blink. It answers API Gateway v1 events by path:
//! `/sleep/<ms>` sleeps first, `/crash` exits mid-invocation, `/malformed` returns
//! something that is not a proxy result, `/fail` reports a function error, `/binary`
//! returns a base64 body; anything else echoes what it received. With
//! `TEST_FUNCTION_INIT_FAIL` set it reports an init error and exits.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn main() {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").unwrap_or_else(|_| {
        eprintln!("AWS_LAMBDA_RUNTIME_API is not set");
        std::process::exit(2)
    });
    if let Ok(message) = std::env::var("TEST_FUNCTION_INIT_FAIL") {
        let body =
            format!("{{\"errorType\":\"Runtime.InitError\",\"errorMessage\":\"{message}\"}}");
        let _ = call(
            &api,
            "POST",
            "/2018-06-01/runtime/init/error",
            body.as_bytes(),
        );
        std::process::exit(1);
    }
    let mut handled = 0_u64;
    loop {
        let Some((headers, event)) = call(&api, "GET", "/2018-06-01/runtime/invocation/next", b"")
        else {
            std::process::exit(3);
        };
        let request_id = header(&headers, "lambda-runtime-aws-request-id").unwrap_or_default();
        handled += 1;
        let event: serde_json::Value = serde_json::from_slice(&event).unwrap_or_default();
        let path = event["pathParameters"]["proxy"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if let Some(ms) = path.strip_prefix("sleep/").and_then(|ms| ms.parse().ok()) {
            std::thread::sleep(Duration::from_millis(ms));
        }
        let (kind, body) = match path.as_str() {
            "crash" => std::process::exit(42),
            "malformed" => ("response", b"this is not a proxy result".to_vec()),
            "fail" => ("error", br#"{"errorType":"Boom","errorMessage":"failed on purpose"}"#.to_vec()),
            "binary" => ("response", br#"{"statusCode":200,"headers":{"content-type":"application/octet-stream"},"body":"AAEC/w==","isBase64Encoded":true}"#.to_vec()),
            _ => {
                let env: serde_json::Map<String, serde_json::Value> = std::env::vars()
                    .filter(|(k, _)| k.starts_with("AWS_") || k.starts_with("TEST_") || k.starts_with('_') || k == "LAMBDA_TASK_ROOT")
                    .map(|(k, v)| (k, v.into()))
                    .collect();
                let echo = serde_json::json!({
                    "event": event,
                    "env": env,
                    "pid": std::process::id(),
                    "handled": handled,
                    "deadline": header(&headers, "lambda-runtime-deadline-ms"),
                    "arn": header(&headers, "lambda-runtime-invoked-function-arn"),
                });
                let result = serde_json::json!({
                    "statusCode": 200,
                    "headers": {"content-type": "application/json"},
                    "multiValueHeaders": {"x-multi": ["1", "2"]},
                    "body": echo.to_string(),
                    "isBase64Encoded": false
                });
                ("response", result.to_string().into_bytes())
            }
        };
        let path = format!("/2018-06-01/runtime/invocation/{request_id}/{kind}");
        if call(&api, "POST", &path, &body).is_none() {
            std::process::exit(4);
        }
    }
}

type Headers = Vec<(String, String)>;

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// One HTTP/1.1 request with `Connection: close`; returns headers and body.
fn call(api: &str, method: &str, path: &str, body: &[u8]) -> Option<(Headers, Vec<u8>)> {
    let mut stream = TcpStream::connect(api).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {api}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let mut body = Vec::new();
    match header(&headers, "content-length").and_then(|l| l.parse::<usize>().ok()) {
        Some(len) => {
            body.resize(len, 0);
            reader.read_exact(&mut body).ok()?;
        }
        None => {
            reader.read_to_end(&mut body).ok()?;
        }
    }
    Some((headers, body))
}

//! Reporting a failed start to the Lambda Runtime API.
//!
//! `lambda_runtime` only posts to `/runtime/init/error` for SnapStart hooks; when our
//! own initialisation (settings, store, JWKS) fails before the runtime loop starts,
//! Lambda would otherwise only see "Runtime exited with error". Posting the error
//! first makes the reason show up in the invocation's error and in the logs.
//!
//! This runs once, before any async runtime exists, so it is a plain blocking
//! HTTP/1.1 request over `std::net` with short timeouts.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Posts `{"errorType": …, "errorMessage": …}` to
/// `http://{runtime_api}/2018-06-01/runtime/init/error`. Returns the HTTP status the
/// Runtime API answered with.
pub fn report_init_error(
    runtime_api: &str,
    error_type: &str,
    message: &str,
) -> std::io::Result<u16> {
    let body = serde_json::json!({ "errorType": error_type, "errorMessage": message }).to_string();
    let mut stream = TcpStream::connect(runtime_api)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    let request = format!(
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: {runtime_api}\r\n\
         Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: {error_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    // A Runtime API that answers and closes is enough; ignore a read timeout after
    // the status line has arrived.
    let _ = stream.read_to_end(&mut response);
    parse_status(&response).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "no HTTP status line from the Runtime API",
        )
    })
}

fn parse_status(response: &[u8]) -> Option<u16> {
    let line = response.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn posts_the_error_to_the_init_error_endpoint() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().expect("accept");
            conn.set_read_timeout(Some(Duration::from_secs(2)))
                .expect("timeout");
            let mut seen = Vec::new();
            let mut buf = [0_u8; 4096];
            while !String::from_utf8_lossy(&seen).contains("errorMessage\":\"no table\"}") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            conn.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
                .expect("write");
            String::from_utf8_lossy(&seen).into_owned()
        });
        let status = report_init_error(&addr, "Runtime.InitError", "no table").expect("report");
        assert_eq!(status, 202);
        let request = server.join().expect("server thread");
        assert!(
            request.starts_with("POST /2018-06-01/runtime/init/error HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(request.contains("Lambda-Runtime-Function-Error-Type: Runtime.InitError"));
    }

    #[test]
    fn status_line_parsing() {
        assert_eq!(parse_status(b"HTTP/1.1 202 Accepted\r\n\r\n"), Some(202));
        assert_eq!(parse_status(b"garbage"), None);
    }
}

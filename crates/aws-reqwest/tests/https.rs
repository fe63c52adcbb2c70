//! The shared TLS configuration against a real TLS server on 127.0.0.1: it trusts
//! a root given by `SSL_CERT_FILE` (the system store, as reqwest's native roots
//! did), refuses a certificate no trusted root signed, and offers ALPN http/1.1.
//!
//! The fixtures are a test CA and a leaf for 127.0.0.1 it signed (100 years).
//! `SSL_CERT_FILE` is read once per process, so the trusting case runs in a child
//! process: this test binary again, with the variable set.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

const CHILD_ENV: &str = "AWS_REQWEST_HTTPS_CHILD";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Serves one HTTPS request with the leaf certificate; sends the ALPN protocol
/// the handshake chose (or the handshake's error) on the returned channel.
async fn serve_once() -> (u16, oneshot::Receiver<Result<Option<Vec<u8>>, String>>) {
    let certs = CertificateDer::pem_file_iter(fixture("leaf.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture("leaf.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (done, result) = oneshot::channel();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = match acceptor.accept(tcp).await {
            Ok(tls) => tls,
            Err(err) => {
                let _ = done.send(Err(err.to_string()));
                return;
            }
        };
        let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match tls.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
        let _ = tls.write_all(reply).await;
        let _ = tls.shutdown().await;
        let _ = done.send(Ok(alpn));
    });
    (port, result)
}

async fn get(port: u16) -> Result<String, String> {
    let client = aws_reqwest::tls::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|err| err.to_string())?;
    let response = client
        .get(format!("https://127.0.0.1:{port}/"))
        .send()
        .await
        .map_err(|err| aws_reqwest::error_chain(&err))?;
    response.text().await.map_err(|err| err.to_string())
}

/// Runs only as the child of `a_root_in_ssl_cert_file_is_trusted`.
#[tokio::test]
async fn child_trusts_ssl_cert_file() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let (port, handshake) = serve_once().await;
    assert_eq!(get(port).await.unwrap(), "ok");
    let alpn = tokio::time::timeout(Duration::from_secs(10), handshake)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
    println!("child: trusted");
}

#[test]
fn a_root_in_ssl_cert_file_is_trusted() {
    let empty_dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_trusts_ssl_cert_file", "--nocapture"])
        .env(CHILD_ENV, "1")
        .env("SSL_CERT_FILE", fixture("ca.pem"))
        .env("SSL_CERT_DIR", empty_dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("child: trusted"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_certificate_no_trusted_root_signed_is_refused() {
    let (port, handshake) = serve_once().await;
    let err = get(port)
        .await
        .expect_err("the test CA is not trusted here");
    assert!(err.contains("certificate"), "{err}");
    let server = tokio::time::timeout(Duration::from_secs(10), handshake)
        .await
        .unwrap()
        .unwrap();
    assert!(server.is_err(), "the handshake completed: {server:?}");
}

//! One TLS client configuration for every HTTPS client of the process.
//!
//! reqwest builds a fresh rustls configuration for each `Client`, and with it
//! loads the system's trust store again: the bundle file and every file of the
//! certificates directory (about 3 ms on a Debian host, 290 files). A function
//! that talks to DynamoDB, the cache bucket and Cognito's JWKS builds several
//! clients on its cold start; with [`builder`] they share one configuration
//! built on first use, so the store is read once per process.
//!
//! The configuration is the one reqwest builds itself with its `rustls-tls` and
//! `rustls-tls-native-roots` features: *ring*, TLS 1.2 and 1.3, Mozilla's roots
//! (webpki-roots) plus the system's (`SSL_CERT_FILE` / `SSL_CERT_DIR` or the
//! platform's default paths; certificates that do not parse are skipped), SNI,
//! and ALPN `http/1.1` (the clients speak HTTP/1.1 only). Sharing it also shares
//! the TLS session cache, so a second client resumes sessions the first opened.

use std::sync::{Arc, OnceLock};

/// A reqwest client builder that uses the process's shared TLS configuration.
pub fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().use_preconfigured_tls(config().clone())
}

/// The shared configuration, built on first use.
fn config() -> &'static rustls::ClientConfig {
    static CONFIG: OnceLock<rustls::ClientConfig> = OnceLock::new();
    CONFIG.get_or_init(load)
}

/// A new configuration: reads the system's trust store now. [`builder`] does
/// this once per process; this is for measuring what each load costs.
pub fn load() -> rustls::ClientConfig {
    build(roots(rustls_native_certs::load_native_certs().certs))
}

/// Mozilla's roots, then each system certificate that parses as a trust anchor.
fn roots(native: Vec<rustls::pki_types::CertificateDer<'static>>) -> rustls::RootCertStore {
    let mut store = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let (_added, _skipped) = store.add_parsable_certificates(native);
    store
}

fn build(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_mozillas_and_the_parsable_system_ones() {
        let mozilla = webpki_roots::TLS_SERVER_ROOTS.len();
        assert_eq!(roots(Vec::new()).len(), mozilla);
        let junk = rustls::pki_types::CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(roots(vec![junk]).len(), mozilla, "junk is skipped");
    }

    #[test]
    fn the_configuration_is_built_once_and_speaks_http1() {
        assert!(std::ptr::eq(config(), config()));
        assert_eq!(config().alpn_protocols, vec![b"http/1.1".to_vec()]);
        builder()
            .build()
            .expect("reqwest accepts the shared configuration");
    }
}

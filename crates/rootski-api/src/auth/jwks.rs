//! The Cognito pool's public keys (a JSON Web Key Set), loaded once at start.
//!
//! Keys are never fetched per request: a token whose `kid` is not here is rejected,
//! which is also what makes an attacker's self-made key useless.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use serde_json::Value;

use crate::config::{ConfigError, Settings};

/// RS256 verification keys by key id (`kid`).
#[derive(Clone, Default)]
pub struct Jwks {
    keys: BTreeMap<String, DecodingKey>,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Jwks {
    /// A set with no keys: every bearer token is rejected (anonymous use still works).
    pub fn empty() -> Jwks {
        Jwks::default()
    }

    /// Parses a JWKS document (`{"keys": [...]}`). RSA signing keys usable with RS256
    /// are kept; other keys (EC, encryption keys, other algorithms) are skipped. A
    /// document with no usable key is an error, since it could never verify a token.
    pub fn from_json_str(json: &str) -> Result<Jwks, ConfigError> {
        Self::parse(json, "ROOTSKI__COGNITO_JWKS_JSON")
    }

    /// Reads a JWKS document from a file.
    pub fn from_file(path: &Path) -> Result<Jwks, ConfigError> {
        let origin = format!("{} (ROOTSKI__COGNITO_JWKS_PATH)", path.display());
        let text = std::fs::read_to_string(path).map_err(|err| ConfigError::Jwks {
            origin: origin.clone(),
            message: err.to_string(),
        })?;
        Self::parse(&text, &origin)
    }

    /// Downloads a JWKS document (HTTPS through rustls), with a 10 s timeout.
    pub async fn fetch(url: &str) -> Result<Jwks, ConfigError> {
        let failed = |message: String| ConfigError::Jwks {
            origin: url.to_owned(),
            message,
        };
        let client = aws_reqwest::tls::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|err| failed(err.to_string()))?;
        let response = client
            .get(url)
            .send()
            .await
            .map_err(|err| failed(err.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!("HTTP status {status}")));
        }
        let text = response
            .text()
            .await
            .map_err(|err| failed(err.to_string()))?;
        Self::parse(&text, url)
    }

    /// Loads the keys the settings point at, in this order: inline JSON
    /// (`ROOTSKI__COGNITO_JWKS_JSON`), a file (`ROOTSKI__COGNITO_JWKS_PATH`), the
    /// pool's Cognito URL (when region and pool id are set). With none of them the
    /// set is empty and only anonymous requests succeed.
    pub async fn from_settings(settings: &Settings) -> Result<Jwks, ConfigError> {
        if let Some(json) = &settings.cognito_jwks_json {
            return Self::from_json_str(json);
        }
        if let Some(path) = &settings.cognito_jwks_path {
            return Self::from_file(path);
        }
        if let Some(url) = settings.cognito_jwks_url() {
            return Self::fetch(&url).await;
        }
        tracing::warn!(
            "no JWKS configured (ROOTSKI__COGNITO_JWKS_JSON, ROOTSKI__COGNITO_JWKS_PATH or \
             ROOTSKI__COGNITO_AWS_REGION + ROOTSKI__COGNITO_USER_POOL_ID): every bearer token \
             will be rejected"
        );
        Ok(Jwks::empty())
    }

    /// The key for a token's `kid`.
    pub fn get(&self, kid: &str) -> Option<&DecodingKey> {
        self.keys.get(kid)
    }

    /// Key ids present, sorted.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no token can be verified.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn parse(json: &str, origin: &str) -> Result<Jwks, ConfigError> {
        let failed = |message: String| ConfigError::Jwks {
            origin: origin.to_owned(),
            message,
        };
        let document: Value =
            serde_json::from_str(json).map_err(|err| failed(format!("not JSON: {err}")))?;
        let Some(entries) = document.get("keys").and_then(Value::as_array) else {
            return Err(failed("expected an object with a \"keys\" list".to_owned()));
        };
        let mut keys = BTreeMap::new();
        for entry in entries {
            let text = |name: &str| entry.get(name).and_then(Value::as_str);
            let usable = text("kty") == Some("RSA")
                && text("use").is_none_or(|u| u == "sig")
                && text("alg").is_none_or(|a| a == "RS256");
            let (Some(kid), Some(n), Some(e)) = (text("kid"), text("n"), text("e")) else {
                continue;
            };
            if !usable {
                continue;
            }
            let key = DecodingKey::from_rsa_components(n, e)
                .map_err(|err| failed(format!("key {kid:?} is not a valid RSA key: {err}")))?;
            keys.insert(kid.to_owned(), key);
        }
        if keys.is_empty() {
            return Err(failed(
                "no RSA signing key (kty RSA, alg RS256, with kid, n, e)".to_owned(),
            ));
        }
        Ok(Jwks { keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_rs256_signing_keys() {
        let json = r#"{"keys": [
            {"kty": "RSA", "kid": "a", "alg": "RS256", "use": "sig", "n": "sXch", "e": "AQAB"},
            {"kty": "RSA", "kid": "enc", "use": "enc", "n": "sXch", "e": "AQAB"},
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"}
        ]}"#;
        let jwks = Jwks::from_json_str(json).unwrap();
        assert_eq!(jwks.kids().collect::<Vec<_>>(), vec!["a"]);
    }

    #[test]
    fn file_errors_name_the_setting() {
        for path in ["/nonexistent/jwks.json", "/"] {
            let err = Jwks::from_file(Path::new(path)).unwrap_err().to_string();
            assert!(
                err.contains(path) && err.contains("ROOTSKI__COGNITO_JWKS_PATH"),
                "{err}"
            );
        }
    }

    #[test]
    fn rejects_documents_without_usable_keys() {
        assert!(Jwks::from_json_str("{}").is_err());
        assert!(Jwks::from_json_str("not json").is_err());
        assert!(Jwks::from_json_str(r#"{"keys": []}"#).is_err());
        let err = Jwks::from_file(Path::new("/nonexistent/jwks.json")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/jwks.json"));
    }
}

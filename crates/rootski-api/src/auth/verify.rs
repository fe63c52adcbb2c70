//! Bearer token verification: Cognito ID and access tokens, RS256 only.
//!
//! The original only checked the signature; this checks everything Cognito's docs
//! ask for, so a token from another pool, another app client, an expired session
//! or an unsigned/HMAC-"signed" forgery is refused. The reason goes to the log;
//! the client always sees the same 401 message.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Validation, decode, decode_header};
use serde::Deserialize;
use serde_json::Value;

use super::Jwks;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECONDS: u64 = 30;

/// Most verified tokens remembered; past this the memory is cleared and refilled.
const VERIFIED_CAPACITY: usize = 10_000;

/// Verifies tokens against one pool and one app client.
///
/// A token that verified is remembered (by its full text) until it expires, so a
/// signed-in user's requests cost one hash lookup instead of an RSA verification
/// each; an expired entry is never used, so expiry is enforced exactly as above.
#[derive(Debug, Clone)]
pub struct TokenVerifier {
    jwks: Jwks,
    issuer: Option<String>,
    client_id: Option<String>,
    verified: Arc<RwLock<HashMap<String, Verified>>>,
}

#[derive(Debug, Clone)]
struct Verified {
    /// `None` for a valid token without an `email` claim (every access token).
    email: Option<String>,
    exp: u64,
}

/// The claims this API reads; everything else in the token is ignored.
#[derive(Debug, Deserialize)]
struct Claims {
    exp: u64,
    token_use: Option<String>,
    #[serde(default)]
    aud: Option<Value>,
    client_id: Option<String>,
    email: Option<String>,
}

impl TokenVerifier {
    /// `issuer` is `https://cognito-idp.<region>.amazonaws.com/<pool>`; `client_id` the
    /// web client. While either is unknown no token verifies.
    pub fn new(jwks: Jwks, issuer: Option<String>, client_id: Option<String>) -> Self {
        // rust_crypto is the only provider compiled in; installing it explicitly keeps
        // verification working if another crate ever enables a second one.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        TokenVerifier {
            jwks,
            issuer,
            client_id,
            verified: Arc::default(),
        }
    }

    /// The user's email if the token is valid (`None` when it carries no `email`
    /// claim, as Cognito access tokens never do: the caller is then anonymous, as in
    /// the original), else why not (for the log).
    pub fn verify(&self, token: &str) -> Result<Option<String>, String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let remembered = self
            .verified
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(token)
            .filter(|entry| now <= entry.exp.saturating_add(LEEWAY_SECONDS))
            .map(|entry| entry.email.clone());
        if let Some(email) = remembered {
            return Ok(email);
        }
        let verified = self.verify_signature_and_claims(token)?;
        let email = verified.email.clone();
        let mut memory = self
            .verified
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if memory.len() >= VERIFIED_CAPACITY {
            memory.clear();
        }
        memory.insert(token.to_owned(), verified);
        Ok(email)
    }

    fn verify_signature_and_claims(&self, token: &str) -> Result<Verified, String> {
        let header =
            decode_header(token).map_err(|err| format!("malformed token header: {err}"))?;
        if header.alg != Algorithm::RS256 {
            return Err(format!(
                "algorithm {:?} is not accepted, only RS256",
                header.alg
            ));
        }
        let kid = header.kid.ok_or("token header has no kid")?;
        let key = self
            .jwks
            .get(&kid)
            .ok_or_else(|| format!("kid {kid:?} is not in the pool's JWKS"))?;
        let issuer = self.issuer.as_deref().ok_or(
            "ROOTSKI__COGNITO_AWS_REGION / ROOTSKI__COGNITO_USER_POOL_ID are not set, so no issuer is trusted",
        )?;
        let client_id = self
            .client_id
            .as_deref()
            .ok_or("ROOTSKI__COGNITO_WEB_CLIENT_ID is not set, so no audience is trusted")?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        // `aud` exists only in ID tokens; it is checked below together with token_use.
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "iss"]);
        let claims = decode::<Claims>(token, key, &validation)
            .map_err(|err| format!("token rejected: {err}"))?
            .claims;

        match claims.token_use.as_deref() {
            Some("id") => {
                if !audience_contains(claims.aud.as_ref(), client_id) {
                    return Err(format!("ID token audience is not {client_id:?}"));
                }
            }
            Some("access") => {
                if claims.client_id.as_deref() != Some(client_id) {
                    return Err(format!("access token client_id is not {client_id:?}"));
                }
            }
            other => {
                return Err(format!(
                    "token_use {other:?} is neither \"id\" nor \"access\""
                ));
            }
        }
        Ok(Verified {
            email: claims.email.filter(|email| !email.trim().is_empty()),
            exp: claims.exp,
        })
    }
}

fn audience_contains(aud: Option<&Value>, client_id: &str) -> bool {
    match aud {
        Some(Value::String(aud)) => aud == client_id,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(client_id)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn audience_may_be_a_string_or_a_list() {
        assert!(audience_contains(Some(&json!("web")), "web"));
        assert!(audience_contains(Some(&json!(["x", "web"])), "web"));
        assert!(!audience_contains(Some(&json!("other")), "web"));
        assert!(!audience_contains(None, "web"));
    }

    #[test]
    fn unsigned_and_garbage_tokens_are_rejected() {
        let verifier = TokenVerifier::new(Jwks::empty(), Some("iss".into()), Some("web".into()));
        // {"alg":"none","typ":"JWT"} . {"email":"a@b.c"} . (no signature)
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJlbWFpbCI6ImFAYi5jIn0.";
        assert!(verifier.verify(none).is_err());
        assert!(verifier.verify("not-a-token").is_err());
        assert!(verifier.verify("").is_err());
    }
}

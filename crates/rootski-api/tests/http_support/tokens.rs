//! Cognito-like tokens for the tests, signed with the test-only keys
//! (`tests/fixtures/http/{trusted,other}.pem`, see `gen-keys.sh`).

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use super::{CLIENT_ID, fixture_path, issuer};

/// The kid of the trusted key in `jwks.json`.
pub const TRUSTED_KID: &str = "test-key-1";

fn key(name: &str, cell: &'static OnceLock<EncodingKey>) -> &'static EncodingKey {
    cell.get_or_init(|| {
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        let pem = std::fs::read(fixture_path(name)).expect("test key");
        EncodingKey::from_rsa_pem(&pem).expect("valid test key")
    })
}

fn trusted_key() -> &'static EncodingKey {
    static KEY: OnceLock<EncodingKey> = OnceLock::new();
    key("trusted.pem", &KEY)
}

fn other_key() -> &'static EncodingKey {
    static KEY: OnceLock<EncodingKey> = OnceLock::new();
    key("other.pem", &KEY)
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Claims of a valid ID token for `email`; tests mutate them to make bad ones.
pub fn id_claims(email: &str) -> Value {
    json!({
        "sub": format!("sub-{email}"),
        "email": email,
        "token_use": "id",
        "aud": CLIENT_ID,
        "iss": issuer(),
        "iat": now(),
        "exp": now() + 3600,
    })
}

/// Claims of a valid access token for `email`.
pub fn access_claims(email: &str) -> Value {
    json!({
        "sub": format!("sub-{email}"),
        "email": email,
        "token_use": "access",
        "client_id": CLIENT_ID,
        "iss": issuer(),
        "iat": now(),
        "exp": now() + 3600,
    })
}

/// Claims of a valid access token exactly as Cognito issues them: no `email`
/// (access tokens never carry one), a `username`, the sign-in scope.
pub fn cognito_access_claims(username: &str) -> Value {
    json!({
        "sub": format!("sub-{username}"),
        "cognito:groups": ["readers"],
        "iss": issuer(),
        "version": 2,
        "client_id": CLIENT_ID,
        "origin_jti": "2a6a5c1e-5b0e-4b6a-9f40-1f0d6a2c3b4d",
        "event_id": "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": now(),
        "exp": now() + 3600,
        "iat": now(),
        "jti": "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
        "username": username,
    })
}

/// Signs `claims` with the trusted key under `kid`.
pub fn sign_with_kid(claims: &Value, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    encode(&header, claims, trusted_key()).expect("sign")
}

/// Signs `claims` with the trusted key (a token the server should accept if the
/// claims are right).
pub fn sign(claims: &Value) -> String {
    sign_with_kid(claims, TRUSTED_KID)
}

/// A valid ID token for `email`.
pub fn token_for(email: &str) -> String {
    sign(&id_claims(email))
}

/// Signs with the untrusted key but claims the trusted kid (a forged signature).
pub fn sign_with_other_key(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(TRUSTED_KID.to_owned());
    encode(&header, claims, other_key()).expect("sign")
}

/// An HS256 token "signed" with the public modulus text as the HMAC secret: the
/// classic algorithm-confusion forgery.
pub fn sign_hs256(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(TRUSTED_KID.to_owned());
    let secret = std::fs::read(fixture_path("jwks.json")).expect("jwks");
    encode(&header, claims, &EncodingKey::from_secret(&secret)).expect("sign")
}

/// An unsigned token (`alg: none`).
pub fn unsigned(claims: &Value) -> String {
    let header = json!({"alg": "none", "typ": "JWT", "kid": TRUSTED_KID});
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

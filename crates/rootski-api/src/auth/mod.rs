//! Who is asking: the anonymous user, or a Cognito user proven by a bearer token.
//!
//! - [`Jwks`]: the pool's public keys, loaded once at start.
//! - [`TokenVerifier`]: checks a token's signature and claims.
//! - [`KnownUsers`]: registers users on first sight, caches their admin flag.
//! - [`CurrentUser`]: the axum extractor routes take, tying the three together.
//!
//! Like FastAPI's `HTTPBearer(auto_error=False)` in the original, a request without
//! an `Authorization: Bearer <token>` header (or with another scheme) is anonymous;
//! a bearer token that does not verify is a 401, never a silent downgrade.

mod jwks;
mod users;
mod verify;

pub use jwks::Jwks;
pub use users::{KnownUsers, USER_CACHE_TTL};
pub use verify::{LEEWAY_SECONDS, TokenVerifier};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::domain::ANONYMOUS_EMAIL;
use crate::error::ApiError;

/// The user a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// The `email` claim, or `anon@rootski.io` (no token, or a valid token without
    /// an `email` claim).
    pub email: String,
    /// The stored admin flag (never true for the anonymous user).
    pub is_admin: bool,
}

impl CurrentUser {
    /// The user of requests without a token.
    pub fn anonymous() -> Self {
        CurrentUser {
            email: ANONYMOUS_EMAIL.to_owned(),
            is_admin: false,
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header; `None` when there is no
/// such header, it uses another scheme, or the token part is empty.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer_token(parts) else {
            return Ok(CurrentUser::anonymous());
        };
        let Some(email) = state
            .verifier()
            .verify(token)
            .map_err(ApiError::InvalidToken)?
        else {
            // A valid token without an email (a Cognito access token) names no user
            // this API can register: the original served it as the anonymous user.
            return Ok(CurrentUser::anonymous());
        };
        let user = state
            .known_users()
            .resolve(state.store().as_ref(), &email)
            .await?;
        Ok(CurrentUser {
            email: user.email,
            is_admin: user.is_admin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(authorization: Option<&str>) -> Parts {
        let mut builder = Request::builder().uri("/");
        if let Some(value) = authorization {
            builder = builder.header(AUTHORIZATION, value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn only_bearer_headers_carry_tokens() {
        assert_eq!(bearer_token(&parts(Some("Bearer abc"))), Some("abc"));
        assert_eq!(bearer_token(&parts(Some("bearer  abc "))), Some("abc"));
        assert_eq!(bearer_token(&parts(Some("Basic dXNlcg=="))), None);
        assert_eq!(bearer_token(&parts(Some("Bearer "))), None);
        assert_eq!(bearer_token(&parts(None)), None);
    }
}

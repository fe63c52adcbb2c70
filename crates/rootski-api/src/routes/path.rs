//! Path parameters whose decoding failures answer in the API's 422 shape instead
//! of axum's plain-text 400.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;
use crate::validation::FieldError;

/// Like `axum::extract::Path`, rejecting with a 422 `{"detail": [...]}`.
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<S, T> FromRequestParts<S> for PathParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PathParams(value)),
            Err(rejection) => Err(ApiError::Validation(vec![FieldError::custom(
                &[Value::from("path")],
                &rejection.body_text(),
                "value_error.path",
            )])),
        }
    }
}

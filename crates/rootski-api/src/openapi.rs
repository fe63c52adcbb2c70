//! The OpenAPI 3 document (`GET /openapi.json`) and the Swagger UI (`GET /docs`).
//!
//! The UI's files are compiled into the binary (utoipa-swagger-ui's `vendored`
//! feature), so the docs page works offline and nothing is downloaded at build or
//! run time.
//!
//! Every link is relative (`/docs` redirects to `docs/`, the UI loads
//! `../openapi.json`), so the page also works behind API Gateway, where the browser
//! sees `/prod/docs` or `/v1/docs` while this router sees `/docs`.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::Config;

use crate::error::{ApiError, JSON_CONTENT_TYPE};
use crate::routes;
use crate::validation::FieldError;

/// An error body: `{"detail": "<message>"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    /// What went wrong.
    pub detail: String,
}

/// A 422 body in FastAPI's shape: `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationDetail {
    /// One entry per invalid value.
    #[schema(value_type = Vec<Object>)]
    pub detail: Vec<FieldError>,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A Cognito ID or access token of the rootski user pool",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Rootski API", description = "Russian words broken into morphemes: search, word pages, breakdowns and the morpheme index."),
    paths(
        routes::health::health,
        routes::search::search,
        routes::word::get_word,
        routes::breakdown::get_breakdown,
        routes::breakdown::submit_breakdown,
        routes::morphemes::morphemes_json,
    ),
    components(schemas(Detail, ValidationDetail)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// `/openapi.json` and `/docs` (with the UI's files under `/docs/`).
pub fn docs_router() -> Router {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs_redirect))
        .route("/docs/", get(|| docs_file(None)))
        .route(
            "/docs/{*file}",
            get(|Path(file): Path<String>| docs_file(Some(file))),
        )
}

/// The document, serialized once.
fn document() -> &'static Result<Vec<u8>, String> {
    static DOCUMENT: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .map(String::into_bytes)
            .map_err(|e| e.to_string())
    })
}

async fn openapi_json() -> Result<Response, ApiError> {
    match document() {
        Ok(bytes) => Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            )],
            bytes.clone(),
        )
            .into_response()),
        Err(err) => Err(ApiError::Internal(format!("OpenAPI document: {err}"))),
    }
}

/// `/docs` → `docs/`, relative so a path prefix in front of this router survives.
async fn docs_redirect() -> Response {
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, HeaderValue::from_static("docs/"))],
    )
        .into_response()
}

async fn docs_file(file: Option<String>) -> Result<Response, ApiError> {
    static CONFIG: OnceLock<Arc<Config<'static>>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| Arc::new(Config::new(["../openapi.json"])));
    match utoipa_swagger_ui::serve(file.as_deref().unwrap_or(""), config.clone()) {
        Ok(Some(found)) => Ok((
            [(header::CONTENT_TYPE, found.content_type)],
            found.bytes.into_owned(),
        )
            .into_response()),
        Ok(None) => Err(ApiError::RouteNotFound),
        Err(err) => Err(ApiError::Internal(format!("Swagger UI file: {err}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lists_every_route() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/health",
            "/search/{search_term}",
            "/word/{word_id}/{word_type}",
            "/breakdown/{word_id}",
            "/breakdown",
            "/morpheme/morphemes.json",
        ] {
            assert!(
                paths.contains_key(path),
                "{path} missing from the OpenAPI document"
            );
        }
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    }
}

//! The OpenAPI 3 document (`GET /openapi.json`) and the Swagger UI (`GET /docs`).
//!
//! The UI's files are compiled into the binary (utoipa-swagger-ui's `vendored`
//! feature), so the docs page works offline and nothing is downloaded at build or
//! run time.

use axum::Router;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

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

/// `/openapi.json` and `/docs`.
pub fn docs_router() -> Router {
    Router::new().merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
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

//! The OpenAPI 3 document (`GET /openapi.json`) and the Swagger UI (`GET /docs`).
//!
//! The UI's files are compiled into the binary ([`crate::docs_ui`]), so the docs
//! page works offline and nothing is downloaded at build or run time.
//!
//! Every link is relative (`/docs` redirects to `docs/`, the UI loads
//! `../openapi.json`), so the page also works behind API Gateway, where the browser
//! sees `/prod/docs` or `/v1/docs` while this router sees `/docs`.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use utoipa::openapi::Ref;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

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
    #[schema(value_type = Vec<ValidationError>)]
    pub detail: Vec<FieldError>,
}

/// One entry of a 422 `detail` list (schema of [`FieldError`]).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ValidationError {
    /// Where the value came from (`body`, `path`), then field names and list indexes.
    #[schema(schema_with = location_schema)]
    loc: Vec<()>,
    /// Human-readable message.
    msg: String,
    /// pydantic v1's error code, e.g. `type_error.integer`.
    #[schema(rename = "type")]
    kind: String,
    /// Limits of the error, e.g. `{"limit_value": 256}`.
    #[schema(value_type = Option<Object>)]
    ctx: Option<()>,
}

/// The schema of a value that is always `null`.
pub fn null_schema() -> Object {
    ObjectBuilder::new().schema_type(Type::Null).build()
}

/// `loc`: an array of field names and list indexes.
fn location_schema() -> Array {
    ArrayBuilder::new()
        .items(
            OneOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::String))
                .item(ObjectBuilder::new().schema_type(Type::Integer)),
        )
        .build()
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

/// Statuses the server answers for any operation before a handler runs
/// ([`crate::limits`], [`crate::server`]), each with a `{"detail": ...}` body.
struct ServerStatuses;

impl Modify for ServerStatuses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let detail = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Detail")))
                .build()
        };
        let response = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(JSON_MEDIA_TYPE, detail())
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if path == "/openapi.json" || path.starts_with("/docs") {
                continue;
            }
            let operations = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.put, true),
                (&mut item.delete, false),
                (&mut item.patch, true),
            ];
            for (operation, reads_body) in operations {
                let Some(operation) = operation else { continue };
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| response(description).into());
                };
                add(
                    "413",
                    "The declared Content-Length is over the 64 KiB body limit",
                );
                add("414", "The request target is longer than 8 KiB");
                add("431", "The header fields total more than 32 KiB");
                if reads_body {
                    add(
                        "408",
                        "The body was not received within ROOTSKI__BODY_READ_TIMEOUT",
                    );
                }
            }
        }
    }
}

/// Media type of every JSON body in the document.
const JSON_MEDIA_TYPE: &str = "application/json";

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
    components(schemas(Detail, ValidationDetail, ValidationError)),
    modifiers(&BearerAuth, &ServerStatuses),
)]
pub struct ApiDoc;

/// `/openapi.json` and `/docs` (with the UI's files under `/docs/`).
pub fn docs_router() -> Router {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs_redirect))
        .route(
            "/docs/",
            get(|headers: HeaderMap| async move { docs_file("", &headers) }),
        )
        .route(
            "/docs/{*file}",
            get(|Path(file): Path<String>, headers: HeaderMap| async move {
                docs_file(&file, &headers)
            }),
        )
}

/// The document, serialized once.
fn document() -> &'static Result<Vec<u8>, String> {
    static DOCUMENT: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = serde_json::to_value(ApiDoc::openapi()).map_err(|e| e.to_string())?;
        camel_case_links(&mut document);
        serde_json::to_vec(&document).map_err(|e| e.to_string())
    })
}

/// utoipa 5.5 serializes a response link's fields in snake case (`operation_id`);
/// OpenAPI names them `operationId`, `operationRef` and `requestBody`, and tools
/// (schemathesis, client generators) reject the others. Renames them in place.
fn camel_case_links(document: &mut serde_json::Value) {
    const RENAMES: [(&str, &str); 3] = [
        ("operation_id", "operationId"),
        ("operation_ref", "operationRef"),
        ("request_body", "requestBody"),
    ];
    let Some(paths) = document.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    let responses = paths
        .values_mut()
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses"))
        .filter_map(|responses| responses.as_object_mut())
        .flat_map(|responses| responses.values_mut());
    for response in responses {
        let Some(links) = response.get_mut("links").and_then(|l| l.as_object_mut()) else {
            continue;
        };
        for link in links.values_mut().filter_map(|link| link.as_object_mut()) {
            for (from, to) in RENAMES {
                if let Some(value) = link.remove(from) {
                    link.insert(to.to_owned(), value);
                }
            }
        }
    }
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

fn docs_file(file: &str, headers: &HeaderMap) -> Result<Response, ApiError> {
    crate::docs_ui::file_response(file, headers.get(header::ACCEPT_ENCODING))
        .unwrap_or(Err(ApiError::RouteNotFound))
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

    fn served() -> serde_json::Value {
        serde_json::from_slice(document().as_ref().unwrap()).unwrap()
    }

    #[test]
    fn links_use_openapi_field_names() {
        let doc = served();
        let link =
            &doc["paths"]["/breakdown"]["post"]["responses"]["200"]["links"]["GetStoredBreakdown"];
        assert_eq!(link["operationId"], "get_breakdown");
        assert_eq!(link["parameters"]["word_id"], "$response.body#/word_id");
        assert!(link.get("operation_id").is_none(), "{link}");
        let target = &doc["paths"]["/breakdown/{word_id}"]["get"]["operationId"];
        assert_eq!(target, "get_breakdown");
    }

    #[test]
    fn breakdown_item_shapes_exclude_each_other() {
        let doc = served();
        let schemas = &doc["components"]["schemas"];
        let text = &schemas["TextItemView"];
        let morpheme = &schemas["MorphemeItemView"];
        assert_eq!(text["properties"]["morpheme_id"]["type"], "null");
        assert_eq!(morpheme["properties"]["morpheme_id"]["type"], "integer");
        for shape in [text, morpheme] {
            assert_eq!(shape["additionalProperties"], false, "{shape}");
            let required = shape["required"].as_array().unwrap();
            assert!(required.contains(&"morpheme_id".into()), "{shape}");
        }
    }

    #[test]
    fn every_store_backed_operation_documents_503() {
        let doc = served();
        for (path, method) in [
            ("/search/{search_term}", "get"),
            ("/word/{word_id}/{word_type}", "get"),
            ("/breakdown/{word_id}", "get"),
            ("/breakdown", "post"),
            ("/morpheme/morphemes.json", "get"),
        ] {
            let responses = &doc["paths"][path][method]["responses"];
            for status in ["413", "414", "431"] {
                assert!(responses.get(status).is_some(), "{method} {path}: {status}");
            }
            assert!(
                responses.get("503").is_some(),
                "{method} {path}: {responses}"
            );
        }
    }
}

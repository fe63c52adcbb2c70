//! `GET /health`: liveness for load balancers and the local runner. It touches no
//! store, so it also serves as the benchmark baseline.

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::JsonBody;

/// Body of `GET /health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// The process is up and routing.
#[utoipa::path(get, path = "/health", tag = "Health",
    responses((status = 200, description = "The API is up", body = Health)))]
pub async fn health() -> JsonBody<Health> {
    JsonBody(Health { status: "ok" })
}

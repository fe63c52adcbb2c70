//! The rootski API as a library: everything but the process that hosts it.
//!
//! Data and storage:
//! - [`domain`]: typed words, breakdowns, morphemes and users shared by every layer.
//! - [`store`]: the [`store::Store`] trait (one method per access pattern of the
//!   single DynamoDB-style table), the item codec and the embedded SQLite store.
//! - [`import`]: loading table items (plain or DynamoDB JSON) and the open dataset
//!   into a store, all-or-nothing per run; seeding a new embedded store once.
//! - [`object_cache`]: the cache bucket cold instances read morphemes.json from.
//! - `aws_sdk`: the one way every AWS client of the API is configured.
//!
//! HTTP (wire-compatible with the original FastAPI app, `API.md`):
//! - [`config`]: [`Settings`] from `ROOTSKI__*` variables, a YAML file and defaults.
//! - [`auth`]: Cognito JWT verification against a JWKS loaded once; the current user.
//! - [`routes`]: one module per resource (search, word, breakdown, morphemes, health).
//! - [`error`] / [`validation`]: `{"detail": ...}` errors and FastAPI's 422 shape.
//! - [`limits`]: URI, header and declared body size checked before any handler.
//! - [`cors`], [`openapi`], [`telemetry`]: CORS policy, OpenAPI + Swagger UI (its
//!   files embedded by `docs_ui`), logging.
//! - [`app`]: [`AppState`] and [`router`] — what binaries and tests call.
//! - [`server`]: [`serve`], the router on a TCP listener with timeouts, a
//!   connection cap and graceful shutdown (`rootski serve`, tests).
//! - [`startup`]: the store, token keys and cache bucket from [`Settings`], the
//!   one way every host (Lambda, `serve`, `local`, `import`) builds the app.
//!
//! The library never reads flags and does not know whether it runs under
//! `rootski serve`, the Lambda runtime or a test.

pub mod domain;
pub mod import;
pub mod object_cache;
pub mod store;

#[cfg(feature = "aws-sdk-config")]
pub mod aws_sdk;

pub mod app;
pub mod auth;
pub mod config;
pub mod cors;
mod docs_ui;
pub mod error;
pub mod limits;
pub mod openapi;
pub mod routes;
pub mod server;
pub mod startup;
pub mod telemetry;
pub mod ttl_cache;
pub mod validation;

pub use app::{AppState, BODY_LIMIT_BYTES, router, shutdown_signal};
pub use config::{ConfigError, Settings};
pub use error::ApiError;
pub use server::{ServeOptions, serve};

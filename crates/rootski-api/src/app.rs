//! The application: shared state and the router with its middleware.
//!
//! Nothing here knows how it is hosted: `rootski serve` hands [`router`] and a TCP
//! listener to [`crate::server::serve`], the Lambda `bootstrap` hands [`router`] to
//! `lambda_http` (after stripping the stage or base-path prefix), tests bind
//! `127.0.0.1:0`.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, Response, StatusCode};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};

use crate::auth::{Jwks, KnownUsers, TokenVerifier};
use crate::config::Settings;
use crate::domain::{FamilyId, MorphemeFamily};
use crate::error::{ApiError, json_response};
use crate::object_cache::ObjectCache;
use crate::routes;
use crate::routes::morphemes::MorphemesAsset;
use crate::store::Store;
use crate::ttl_cache::TtlCache;
use crate::{cors, error, limits, openapi};

/// Largest request body accepted (64 KiB); larger bodies get 413.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// How long a search response is reused. Words change only through imports, so a
/// new word shows up in search at most this late.
pub const SEARCH_CACHE_TTL: Duration = Duration::from_secs(60);

/// How long a morpheme family read for a breakdown is reused (families change only
/// through imports).
pub const FAMILY_CACHE_TTL: Duration = Duration::from_secs(300);

/// Everything handlers share: settings, the store, token verification, the user
/// cache and the built morphemes.json. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    store: Arc<dyn Store>,
    verifier: TokenVerifier,
    known_users: KnownUsers,
    morphemes: MorphemesAsset,
    search_cache: TtlCache<String, axum::body::Bytes>,
    family_cache: TtlCache<FamilyId, Arc<MorphemeFamily>>,
}

impl AppState {
    /// Builds the state from ready values; nothing is read or fetched here.
    pub fn new(settings: Settings, store: Arc<dyn Store>, jwks: Jwks) -> AppState {
        Self::with_object_cache(settings, store, jwks, None)
    }

    /// Like [`AppState::new`], with the cache bucket morphemes.json is kept in.
    pub fn with_object_cache(
        settings: Settings,
        store: Arc<dyn Store>,
        jwks: Jwks,
        cache: Option<Arc<dyn ObjectCache>>,
    ) -> AppState {
        let verifier = TokenVerifier::new(
            jwks,
            settings.cognito_issuer(),
            settings.cognito_web_client_id.clone(),
        );
        let morphemes = MorphemesAsset::new(settings.morphemes_json_path(), cache);
        AppState {
            inner: Arc::new(Inner {
                settings,
                store,
                verifier,
                known_users: KnownUsers::default(),
                morphemes,
                search_cache: TtlCache::new(SEARCH_CACHE_TTL, 10_000),
                family_cache: TtlCache::new(FAMILY_CACHE_TTL, 100_000),
            }),
        }
    }

    /// The settings the app was built with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The store behind every route.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// Token verification for this pool and client.
    pub fn verifier(&self) -> &TokenVerifier {
        &self.inner.verifier
    }

    /// Users registered or read by this process.
    pub fn known_users(&self) -> &KnownUsers {
        &self.inner.known_users
    }

    /// The cached morphemes.json.
    pub fn morphemes(&self) -> &MorphemesAsset {
        &self.inner.morphemes
    }

    /// Serialized search responses by term.
    pub fn search_cache(&self) -> &TtlCache<String, axum::body::Bytes> {
        &self.inner.search_cache
    }

    /// Morpheme families by id, for enriching breakdowns.
    pub fn family_cache(&self) -> &TtlCache<FamilyId, Arc<MorphemeFamily>> {
        &self.inner.family_cache
    }

    /// Builds morphemes.json now instead of on its first request (optional; useful
    /// right after start when the first visitor should not wait).
    pub async fn warm_up(&self) -> Result<(), ApiError> {
        self.morphemes()
            .get_or_build(self.store().as_ref())
            .await
            .map(|_| ())
    }
}

/// Every route of `API.md` with CORS, the head and body limits ([`limits`]),
/// request ids, tracing, panic catching and JSON for every error
/// ([`error::json_error_bodies`]). Paths are served as given: strip any
/// API Gateway stage or base path (`/prod`, `/v1`) before calling it.
pub fn router(state: AppState) -> Router {
    let cors_layer = cors::layer(state.settings());
    let routes = Router::new()
        .route("/health", get(routes::health::health))
        .route("/search/{search_term}", get(routes::search::search))
        .route("/word/{word_id}/{word_type}", get(routes::word::get_word))
        .route(
            "/breakdown/{word_id}",
            get(routes::breakdown::get_breakdown),
        )
        .route("/breakdown", post(routes::breakdown::submit_breakdown))
        .route(
            "/morpheme/morphemes.json",
            get(routes::morphemes::morphemes_json),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(state)
        .merge(openapi::docs_router());

    routes.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(make_span)
                    .on_request(())
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::x_request_id())
            .map_response(cors::strip_unapproved)
            .layer(cors_layer)
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(axum::middleware::from_fn(error::json_error_bodies))
            .layer(axum::middleware::from_fn(limits::reject_oversized)),
    )
}

fn make_span<B>(request: &Request<B>) -> Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}

async fn not_found() -> ApiError {
    ApiError::RouteNotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Last resort: a handler panicked (a bug). The client gets a plain 500; the panic
/// message goes to the log.
fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> Response<axum::body::Body> {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic payload)");
    tracing::error!(panic = %message, "request handler panicked");
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &serde_json::json!({"detail": "Internal Server Error"}),
    )
}

/// Graceful-shutdown signal for binaries: Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

//! Builds the app the function serves. The only file of the binary that knows rootski.

use rootski_api::Settings;
use rootski_api::startup::{self, StoreAtStart};

/// Builds the store and JWKS once and returns the router, or a message naming what
/// is wrong and how to fix it. The DynamoDB client (and its connections) is built
/// once per container and reused by every invocation this instance serves; the
/// table is not described first, so a cold start makes no extra call.
pub async fn build(settings: Settings) -> Result<axum::Router, String> {
    let opened = startup::open_store(&settings, StoreAtStart::default())
        .await
        .map_err(|err| err.to_string())?;
    let state = startup::app_state(settings, opened.store)
        .await
        .map_err(|err| err.to_string())?;
    Ok(rootski_api::router(state))
}

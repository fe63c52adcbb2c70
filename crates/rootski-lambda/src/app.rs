//! Builds the app the function serves. The only file of the binary that knows rootski.

use std::sync::Arc;

use rootski_api::auth::Jwks;
use rootski_api::config::StoreKind;
use rootski_api::store::dynamo::{DynamoOptions, DynamoStore};
use rootski_api::store::{SqliteStore, Store};
use rootski_api::{AppState, Settings};

/// Builds the store and JWKS once and returns the router, or a message naming what
/// is wrong and how to fix it.
pub async fn build(settings: Settings) -> Result<axum::Router, String> {
    let store: Arc<dyn Store> = match settings.store {
        StoreKind::Embedded => {
            let path = settings.db.clone();
            let shown = path.display().to_string();
            let opened = tokio::task::spawn_blocking(move || SqliteStore::open(path))
                .await
                .map_err(|err| format!("opening the embedded store {shown} panicked: {err}"))?;
            Arc::new(opened.map_err(|err| {
                format!("cannot open the embedded store {shown} (ROOTSKI__DB): {err}")
            })?)
        }
        StoreKind::Dynamodb => {
            // Built once per container: the client and its connections are reused
            // by every invocation this instance serves.
            let options = DynamoOptions::from_settings(&settings);
            Arc::new(DynamoStore::connect(&options).await.map_err(|err| {
                format!(
                    "cannot set up the DynamoDB store for table {} (ROOTSKI__DYNAMO_TABLE_NAME): {err}",
                    options.table_name
                )
            })?)
        }
    };
    let jwks = Jwks::from_settings(&settings)
        .await
        .map_err(|err| format!("cannot load the Cognito JWKS: {err}"))?;
    let cache = rootski_api::object_cache::from_settings(&settings).await;
    Ok(rootski_api::router(AppState::with_object_cache(
        settings, store, jwks, cache,
    )))
}

//! Builds the app the function serves. The only file of the binary that knows rootski.

/// Builds settings, store and JWKS once and returns the router, or a message naming
/// what is wrong and how to fix it.
pub async fn build() -> Result<axum::Router, String> {
    // INTEGRATION POINT: rootski-api's Settings/AppState/router land here.
    Err("rootski-api is not linked into this bootstrap yet".to_owned())
}

//! DynamoDB for the tests: a client on the server named by
//! `ROOTSKI_TEST_DYNAMO_ENDPOINT` (moto, started by `scripts/checks/60-dynamodb.sh`)
//! and a fresh, uniquely named table per test, so tests never see each other's
//! items. Tables are left for the server to drop when it stops (moto keeps them
//! in memory).

#![allow(dead_code)]

use rootski_api::store::Store;
use rootski_api::store::dynamo::{DynamoOptions, DynamoStore, ensure_table};
use std::sync::Arc;
use std::time::Duration;

/// The variable naming the DynamoDB-compatible server.
pub const ENDPOINT_VAR: &str = "ROOTSKI_TEST_DYNAMO_ENDPOINT";

/// The server's endpoint, if the variable is set.
pub fn endpoint() -> Option<String> {
    std::env::var(ENDPOINT_VAR).ok().filter(|v| !v.is_empty())
}

/// Options for a table on `endpoint`, with fake credentials and quick retries.
pub fn options(endpoint: &str, table: &str) -> DynamoOptions {
    let mut options = DynamoOptions::new(table);
    options.endpoint_url = Some(endpoint.to_owned());
    options.region = Some("us-east-1".to_owned());
    options.credentials = Some(aws_sdk_dynamodb::config::Credentials::new(
        "testing",
        "testing",
        None,
        None,
        "rootski-tests",
    ));
    options.initial_backoff = Duration::from_millis(20);
    options.attempt_timeout = Duration::from_secs(5);
    options
}

/// A unique table name.
pub fn table_name() -> String {
    format!("rootski-test-{}", uuid::Uuid::new_v4().simple())
}

/// A store on a new empty table; panics with the fix when no server is named
/// (only `--ignored` runs get here).
pub async fn fresh_dynamo() -> DynamoStore {
    let Some(endpoint) = endpoint() else {
        panic!(
            "{ENDPOINT_VAR} is not set: start a DynamoDB-compatible server (scripts/checks/60-dynamodb.sh does) and set it to its http://127.0.0.1:<port> URL"
        );
    };
    let store = DynamoStore::connect(&options(&endpoint, &table_name()))
        .await
        .expect("DynamoDB client");
    ensure_table(store.client(), store.table())
        .await
        .expect("create the test table");
    store
}

/// [`fresh_dynamo`] as the conformance suite wants it.
pub async fn fresh_store() -> (Arc<dyn Store>, ()) {
    (Arc::new(fresh_dynamo().await), ())
}

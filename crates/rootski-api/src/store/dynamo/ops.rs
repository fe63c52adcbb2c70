//! The DynamoDB calls the store is made of: paginated Query and Scan, BatchGetItem
//! and BatchWriteItem with their own retries of unprocessed entries.
//!
//! The SDK retries whole calls (throttling, 5xx, timeouts) in standard mode; a
//! batch call that *succeeds* but hands back `UnprocessedKeys` / `UnprocessedItems`
//! (DynamoDB's partial throttling) is retried here with exponential backoff,
//! bounded, as AWS recommends.

use super::super::{Item, StoreError};
use super::convert::{AttributeMap, from_attributes, key_map, key_of, to_attributes};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{KeysAndAttributes, PutRequest, WriteRequest};
use std::collections::HashMap;
use std::time::Duration;

/// Most keys one BatchGetItem may ask for.
pub const BATCH_GET_MAX: usize = 100;
/// Most items one BatchWriteItem may write.
pub const BATCH_WRITE_MAX: usize = 25;
/// Rounds of retrying unprocessed batch entries before giving up.
const UNPROCESSED_ROUNDS: u32 = 8;

/// Maps an SDK error to the store error, with the whole cause chain (the HTTP
/// layer logs it and answers 503).
pub fn sdk_error<E: std::error::Error>(operation: &'static str, err: E) -> StoreError {
    tracing::debug!(operation, error = %DisplayErrorContext(&err), "DynamoDB call failed");
    StoreError::Dynamo {
        operation,
        reason: aws_reqwest::error_chain(&err),
    }
}

/// Backoff before retry round `round` (1-based): 25 ms doubling, capped at 1.6 s.
fn backoff(round: u32) -> Duration {
    Duration::from_millis(25u64 << round.min(6))
}

/// A key-condition query: what to match, on the table or an index.
pub struct QuerySpec<'a> {
    /// `None` for the table, else the index name.
    pub index: Option<&'a str>,
    /// Key condition expression (`pk = :pk AND begins_with(sk, :p)`).
    pub condition: &'a str,
    /// Values of the expression's placeholders.
    pub values: Vec<(&'a str, String)>,
    /// Most items to return (pages are fetched until reached); `None` → all.
    pub limit: Option<usize>,
}

/// Runs a query, following `LastEvaluatedKey` until the limit or the end.
pub async fn query(
    client: &Client,
    table: &str,
    spec: QuerySpec<'_>,
) -> Result<Vec<Item>, StoreError> {
    let mut out = Vec::new();
    let mut start: Option<AttributeMap> = None;
    loop {
        let remaining = spec.limit.map(|l| l.saturating_sub(out.len()));
        if remaining == Some(0) {
            break;
        }
        let mut request = client
            .query()
            .table_name(table)
            .key_condition_expression(spec.condition)
            .set_index_name(spec.index.map(str::to_owned))
            .set_exclusive_start_key(start.take());
        for (name, value) in &spec.values {
            request = request.expression_attribute_values(
                *name,
                aws_sdk_dynamodb::types::AttributeValue::S(value.clone()),
            );
        }
        if let Some(n) = remaining {
            request = request.limit(i32::try_from(n).unwrap_or(i32::MAX));
        }
        let page = request.send().await.map_err(|e| sdk_error("Query", e))?;
        for attrs in page.items() {
            out.push(from_attributes(attrs)?);
        }
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => break,
        }
    }
    Ok(out)
}

/// Scans the whole table, every page (the export/test helper `all_items`; the API
/// itself never scans).
pub async fn scan(client: &Client, table: &str) -> Result<Vec<Item>, StoreError> {
    let mut out = Vec::new();
    let mut start: Option<AttributeMap> = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| sdk_error("Scan", e))?;
        for attrs in page.items() {
            out.push(from_attributes(attrs)?);
        }
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => break,
        }
    }
    Ok(out)
}

/// Batch calls in flight at once (BatchGetItem chunks of a large read,
/// BatchWriteItem chunks of a bulk write).
pub const IN_FLIGHT: usize = 4;

/// Runs `jobs` with at most [`IN_FLIGHT`] at a time on the runtime; the results
/// come back in completion order, the first failure ends the run.
async fn run_bounded<T, F>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, StoreError>
where
    F: std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    T: Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    let mut out = Vec::new();
    for job in jobs {
        if tasks.len() >= IN_FLIGHT
            && let Some(done) = tasks.join_next().await
        {
            out.push(done.map_err(|e| StoreError::Worker(e.to_string()))??);
        }
        tasks.spawn(job);
    }
    while let Some(done) = tasks.join_next().await {
        out.push(done.map_err(|e| StoreError::Worker(e.to_string()))??);
    }
    Ok(out)
}

/// Before retry round `round` of a batch call (0 = the first call): sleeps the
/// backoff, or fails once the rounds are used up while `pending` entries remain.
async fn before_round(
    operation: &'static str,
    round: u32,
    pending: usize,
) -> Result<(), StoreError> {
    if round == 0 {
        return Ok(());
    }
    if round > UNPROCESSED_ROUNDS {
        return Err(StoreError::Dynamo {
            operation,
            reason: format!(
                "{pending} entries still unprocessed after {UNPROCESSED_ROUNDS} retries (table throttled)"
            ),
        });
    }
    tokio::time::sleep(backoff(round)).await;
    Ok(())
}

/// Reads items at `keys` with BatchGetItem (chunks of 100, up to [`IN_FLIGHT`]
/// at once, unprocessed keys retried with backoff). Returns the found items by
/// key; duplicates are fine.
pub async fn batch_get(
    client: &Client,
    table: &str,
    keys: &[(String, String)],
) -> Result<HashMap<(String, String), Item>, StoreError> {
    let mut unique: Vec<&(String, String)> = keys.iter().collect();
    unique.sort();
    unique.dedup();
    let mut jobs = Vec::with_capacity(unique.len().div_ceil(BATCH_GET_MAX));
    for chunk in unique.chunks(BATCH_GET_MAX) {
        let pending: Vec<AttributeMap> = chunk.iter().map(|(pk, sk)| key_map(pk, sk)).collect();
        jobs.push(get_chunk(client.clone(), table.to_owned(), pending));
    }
    let mut found = HashMap::new();
    for part in run_bounded(jobs).await? {
        found.extend(part);
    }
    Ok(found)
}

/// One BatchGetItem chunk, retrying its unprocessed keys.
async fn get_chunk(
    client: Client,
    table: String,
    mut pending: Vec<AttributeMap>,
) -> Result<HashMap<(String, String), Item>, StoreError> {
    let mut found = HashMap::new();
    let mut round = 0;
    while !pending.is_empty() {
        before_round("BatchGetItem", round, pending.len()).await?;
        round += 1;
        let request = KeysAndAttributes::builder()
            .set_keys(Some(std::mem::take(&mut pending)))
            .build()
            .map_err(|e| sdk_error("BatchGetItem", e))?;
        let response = client
            .batch_get_item()
            .request_items(&table, request)
            .send()
            .await
            .map_err(|e| sdk_error("BatchGetItem", e))?;
        if let Some(items) = response.responses.as_ref().and_then(|r| r.get(&table)) {
            for attrs in items {
                if let Some(key) = key_of(attrs) {
                    found.insert(key, from_attributes(attrs)?);
                }
            }
        }
        if let Some(unprocessed) = response.unprocessed_keys.and_then(|mut u| u.remove(&table)) {
            pending = unprocessed.keys;
        }
    }
    Ok(found)
}

/// Writes items with BatchWriteItem: chunks of 25, up to [`IN_FLIGHT`] chunks in
/// flight, unprocessed items retried with backoff. Not atomic across chunks
/// (re-running a failed write completes it). Returns the items written.
pub async fn batch_write(
    client: &Client,
    table: &str,
    items: &[Item],
) -> Result<usize, StoreError> {
    let mut jobs = Vec::with_capacity(items.len().div_ceil(BATCH_WRITE_MAX));
    for chunk in items.chunks(BATCH_WRITE_MAX) {
        let mut requests: Vec<WriteRequest> = Vec::with_capacity(chunk.len());
        for item in chunk {
            let put = PutRequest::builder()
                .set_item(Some(to_attributes(item)))
                .build()
                .map_err(|e| sdk_error("BatchWriteItem", e))?;
            requests.push(WriteRequest::builder().put_request(put).build());
        }
        jobs.push(write_chunk(client.clone(), table.to_owned(), requests));
    }
    run_bounded(jobs).await?;
    Ok(items.len())
}

/// One BatchWriteItem chunk, retrying its unprocessed items.
async fn write_chunk(
    client: Client,
    table: String,
    mut pending: Vec<WriteRequest>,
) -> Result<(), StoreError> {
    let mut round = 0;
    while !pending.is_empty() {
        before_round("BatchWriteItem", round, pending.len()).await?;
        round += 1;
        let response = client
            .batch_write_item()
            .request_items(&table, std::mem::take(&mut pending))
            .send()
            .await
            .map_err(|e| sdk_error("BatchWriteItem", e))?;
        if let Some(unprocessed) = response
            .unprocessed_items
            .and_then(|mut u| u.remove(&table))
        {
            pending = unprocessed;
        }
    }
    Ok(())
}

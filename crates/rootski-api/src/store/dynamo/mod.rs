//! The DynamoDB store: the rootski table on DynamoDB (or a compatible server),
//! with exactly the items of `DATA_MODEL.md`, built and read by the shared codec.
//!
//! Each access pattern is one call: word/breakdown/user by key → GetItem; search
//! → Query (pk `WORD`, `begins_with(sk)`, `Limit`, following `LastEvaluatedKey`
//! until the limit); breakdowns by submitter → Query on gsi2; morphemes → Query
//! on gsi1; families and raw items by keys → BatchGetItem; registration →
//! PutItem with `attribute_not_exists(pk)`; breakdown submission → PutItem.
//! The morpheme catalog (built once per process, then cached by the API) reads
//! families by id with BatchGetItem ([`catalog`]); only the test/export helper
//! `all_items` scans (the deployed function's policy grants no Scan).
//!
//! Errors: the SDK retries throttling and transient errors (standard mode,
//! [`DynamoOptions::max_attempts`]); what still fails becomes
//! [`StoreError::Dynamo`] naming the call and its cause, which the HTTP layer
//! logs and answers with 503.
//!
//! Store metadata ([`Store::get_meta`]) lives in `META#<key>` / `META` items,
//! which [`Store::all_items`] leaves out.

mod catalog;
mod client;
mod convert;
mod ops;
mod table;

pub use client::{DynamoOptions, connect};
pub use ops::{BATCH_GET_MAX, BATCH_WRITE_MAX};
pub use table::{check_table, delete_table, ensure_table};

use super::codec::{self, ItemKind};
use super::item::item_keys;
use super::keys;
use super::{Item, Store, StoreError, StoreResult};
use crate::domain::{
    Breakdown, BreakdownKind, FamilyId, Morpheme, MorphemeCatalog, MorphemeFamily, MorphemeId,
    Registration, SearchEntry, User, Word, WordId,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use convert::{from_attributes, key_map, to_attributes};
use ops::{QuerySpec, sdk_error};
use serde_json::Value;

/// pk prefix of metadata items.
const META_PREFIX: &str = "META#";
/// Most items one TransactWriteItems may hold.
const TRANSACT_MAX: usize = 100;

/// The DynamoDB store. Cheap to clone (the SDK client is shared).
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    /// Builds the client once (see [`connect`]) for the table in `options`.
    pub async fn connect(options: &DynamoOptions) -> StoreResult<Self> {
        Ok(Self::from_client(
            connect(options).await?,
            &options.table_name,
        ))
    }

    /// A store over an existing client.
    pub fn from_client(client: Client, table: &str) -> Self {
        Self {
            client,
            table: table.to_owned(),
        }
    }

    /// The SDK client (for table management and the importer).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Writes items with BatchWriteItem (chunks of 25, unprocessed items retried).
    /// Not atomic: the importer's bulk path, where re-running is the recovery.
    pub async fn batch_write(&self, items: &[Item]) -> StoreResult<usize> {
        for item in items {
            item_keys(item)?;
        }
        ops::batch_write(&self.client, &self.table, items).await
    }

    /// Which of `keys` already hold an item (BatchGetItem), for resumable imports.
    pub async fn existing_keys(
        &self,
        keys: &[(String, String)],
    ) -> StoreResult<std::collections::HashSet<(String, String)>> {
        Ok(ops::batch_get(&self.client, &self.table, keys)
            .await?
            .into_keys()
            .collect())
    }

    async fn get_raw(&self, pk: &str, sk: &str) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(pk, sk)))
            .send()
            .await
            .map_err(|e| sdk_error("GetItem", e))?;
        match out.item {
            Some(attrs) if !attrs.is_empty() => Ok(Some(from_attributes(&attrs)?)),
            _ => Ok(None),
        }
    }

    async fn get_typed<T: ItemKind>(&self, pk: &str, sk: &str) -> StoreResult<Option<T>> {
        match self.get_raw(pk, sk).await? {
            Some(item) => Ok(Some(codec::decode_item(&item)?)),
            None => Ok(None),
        }
    }

    async fn put(&self, item: &Item, only_if_new: bool) -> StoreResult<bool> {
        item_keys(item)?;
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_attributes(item)));
        if only_if_new {
            request = request.condition_expression("attribute_not_exists(pk)");
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(err)
                if only_if_new
                    && err
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(err) => Err(sdk_error("PutItem", err)),
        }
    }

    /// Upserts up to 100 items in one TransactWriteItems (all or nothing).
    async fn transact_put(&self, items: &[Item]) -> StoreResult<()> {
        let mut request = self.client.transact_write_items();
        for item in items {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(to_attributes(item)))
                .build()
                .map_err(|e| sdk_error("TransactWriteItems", e))?;
            request = request.transact_items(TransactWriteItem::builder().put(put).build());
        }
        request
            .send()
            .await
            .map(drop)
            .map_err(|e| sdk_error("TransactWriteItems", e))
    }
}

/// Keeps the last item of each (pk, sk): DynamoDB rejects a batch or
/// transaction naming one key twice, and the last write would win anyway.
fn last_per_key(items: Vec<Item>) -> Vec<Item> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Item> = items
        .into_iter()
        .rev()
        .filter(|item| {
            let key = (
                item.get("pk").and_then(Value::as_str).map(str::to_owned),
                item.get("sk").and_then(Value::as_str).map(str::to_owned),
            );
            seen.insert(key)
        })
        .collect();
    out.reverse();
    out
}

fn sorted_unique(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[async_trait]
impl Store for DynamoStore {
    async fn get_word(&self, word_id: WordId) -> StoreResult<Option<Word>> {
        let key = keys::word(word_id);
        self.get_typed(&key, &key).await
    }

    async fn search_words(&self, prefix: &str, limit: usize) -> StoreResult<Vec<SearchEntry>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut values = vec![(":pk", keys::SEARCH_PK.to_owned())];
        let condition = if prefix.is_empty() {
            "pk = :pk"
        } else {
            values.push((":prefix", prefix.to_owned()));
            "pk = :pk AND begins_with(sk, :prefix)"
        };
        let spec = QuerySpec {
            index: None,
            condition,
            values,
            limit: Some(limit),
        };
        ops::query(&self.client, &self.table, spec)
            .await?
            .iter()
            .map(codec::decode_item)
            .collect()
    }

    async fn get_official_breakdown(&self, word_id: WordId) -> StoreResult<Option<Breakdown>> {
        self.get_typed(&keys::word(word_id), keys::OFFICIAL_BREAKDOWN_SK)
            .await
    }

    async fn get_user_breakdown(
        &self,
        email: &str,
        word_id: WordId,
    ) -> StoreResult<Option<Breakdown>> {
        self.get_typed(&keys::user(email), &keys::user_breakdown_sk(word_id))
            .await
    }

    async fn breakdowns_by_submitter(&self, word_id: WordId) -> StoreResult<Vec<Breakdown>> {
        let spec = QuerySpec {
            index: Some("gsi2"),
            condition: "gsi2pk = :pk",
            values: vec![(":pk", keys::word(word_id))],
            limit: None,
        };
        ops::query(&self.client, &self.table, spec)
            .await?
            .iter()
            .map(codec::decode_item)
            .collect()
    }

    async fn get_morpheme(&self, morpheme_id: MorphemeId) -> StoreResult<Option<Morpheme>> {
        Ok(self.get_morphemes(&[morpheme_id]).await?.into_iter().next())
    }

    async fn get_morphemes(&self, morpheme_ids: &[MorphemeId]) -> StoreResult<Vec<Morpheme>> {
        // One gsi1 query per id, concurrently (a breakdown names a handful).
        let mut tasks = tokio::task::JoinSet::new();
        for id in sorted_unique(morpheme_ids) {
            let (client, table) = (self.client.clone(), self.table.clone());
            tasks.spawn(async move {
                let key = keys::morpheme(id);
                let spec = QuerySpec {
                    index: Some("gsi1"),
                    condition: "gsi1pk = :k AND gsi1sk = :k",
                    values: vec![(":k", key)],
                    limit: None,
                };
                ops::query(&client, &table, spec).await
            });
        }
        let mut out = Vec::new();
        while let Some(done) = tasks.join_next().await {
            let items = done.map_err(|e| StoreError::Worker(e.to_string()))??;
            for item in &items {
                out.push(codec::decode_item::<Morpheme>(item)?);
            }
        }
        out.sort_by_key(|m| m.morpheme_id);
        out.dedup_by_key(|m| m.morpheme_id);
        Ok(out)
    }

    async fn get_families(&self, family_ids: &[FamilyId]) -> StoreResult<Vec<MorphemeFamily>> {
        let keys: Vec<(String, String)> = sorted_unique(family_ids)
            .into_iter()
            .map(|id| (keys::family(id), keys::family(id)))
            .collect();
        let found = ops::batch_get(&self.client, &self.table, &keys).await?;
        keys.iter()
            .filter_map(|k| found.get(k))
            .map(codec::decode_item)
            .collect()
    }

    async fn get_user(&self, email: &str) -> StoreResult<Option<User>> {
        let key = keys::user(email);
        self.get_typed(&key, &key).await
    }

    async fn register_user(&self, user: &User) -> StoreResult<Registration> {
        let item: Item = codec::encode_user(user)?;
        Ok(match self.put(&item, true).await? {
            true => Registration::Created,
            false => Registration::AlreadyExisted,
        })
    }

    async fn morpheme_catalog(&self) -> StoreResult<MorphemeCatalog> {
        catalog::read_catalog(&self.client, &self.table).await
    }

    async fn put_breakdown(&self, kind: BreakdownKind, breakdown: &Breakdown) -> StoreResult<()> {
        let item: Item = codec::encode_breakdown(kind, breakdown)?;
        self.put(&item, false).await.map(drop)
    }

    async fn put_items(&self, items: Vec<Item>) -> StoreResult<()> {
        // Validate every key first, so a bad item fails the batch before any write.
        for item in &items {
            item_keys(item)?;
        }
        let items = last_per_key(items);
        match items.len() {
            0 => Ok(()),
            1 => self.put(&items[0], false).await.map(drop),
            n if n <= TRANSACT_MAX => self.transact_put(&items).await,
            // Larger batches (imports) are written 25 at a time; a failure part
            // way leaves earlier chunks written, and re-running completes them.
            _ => ops::batch_write(&self.client, &self.table, &items)
                .await
                .map(drop),
        }
    }

    async fn get_item(&self, pk: &str, sk: &str) -> StoreResult<Option<Item>> {
        self.get_raw(pk, sk).await
    }

    async fn get_items(&self, keys: &[(String, String)]) -> StoreResult<Vec<Option<Item>>> {
        let found = ops::batch_get(&self.client, &self.table, keys).await?;
        Ok(keys.iter().map(|k| found.get(k).cloned()).collect())
    }

    async fn all_items(&self) -> StoreResult<Vec<Item>> {
        let mut items: Vec<Item> = ops::scan(&self.client, &self.table)
            .await?
            .into_iter()
            .filter(|item| {
                !item
                    .get("pk")
                    .and_then(Value::as_str)
                    .is_some_and(|pk| pk.starts_with(META_PREFIX))
            })
            .collect();
        let key = |item: &Item| {
            (
                item.get("pk")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                item.get("sk")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        items.sort_by_cached_key(key);
        Ok(items)
    }

    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        let item = self.get_raw(&format!("{META_PREFIX}{key}"), "META").await?;
        Ok(item.and_then(|i| i.get("value").and_then(Value::as_str).map(str::to_owned)))
    }

    async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(
                [
                    ("pk", format!("{META_PREFIX}{key}")),
                    ("sk", "META".to_owned()),
                    ("value", value.to_owned()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), AttributeValue::S(v)))
                .collect(),
            ))
            .send()
            .await
            .map(drop)
            .map_err(|e| sdk_error("PutItem", e))
    }
}

//! Creating the table outside CloudFormation: for local emulators (`rootski
//! local --store dynamodb`, tests). Same schema as `RootskiDynamoStack`: pk/sk,
//! gsi1 and gsi2 projecting all attributes, on-demand billing.

use super::super::StoreError;
use super::ops::sdk_error;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus,
};
use std::time::Duration;

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, StoreError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(|e| sdk_error("CreateTable", e))
}

fn index(name: &str) -> Result<GlobalSecondaryIndex, StoreError> {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(&format!("{name}pk"), KeyType::Hash)?)
        .key_schema(key(&format!("{name}sk"), KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(|e| sdk_error("CreateTable", e))
}

/// Creates the table unless it exists, then waits (bounded) until it is active.
/// Returns whether it was created.
pub async fn ensure_table(client: &Client, table: &str) -> Result<bool, StoreError> {
    if describe_status(client, table).await?.is_some() {
        return Ok(false);
    }
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .global_secondary_indexes(index("gsi1")?)
        .global_secondary_indexes(index("gsi2")?);
    for name in ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"] {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| sdk_error("CreateTable", e))?,
        );
    }
    request
        .send()
        .await
        .map_err(|e| sdk_error("CreateTable", e))?;
    for _ in 0..120 {
        if describe_status(client, table).await? == Some(TableStatus::Active) {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(StoreError::Dynamo {
        operation: "CreateTable",
        reason: format!("table {table} did not become ACTIVE within 30 s"),
    })
}

/// Deletes the table (tests clean up their per-test tables).
pub async fn delete_table(client: &Client, table: &str) -> Result<(), StoreError> {
    client
        .delete_table()
        .table_name(table)
        .send()
        .await
        .map(drop)
        .map_err(|e| sdk_error("DeleteTable", e))
}

/// Checks at start-up that the table exists and can be described: an unreachable
/// endpoint, refused credentials or a missing table fail here with the fix instead
/// of turning every request into a 503.
pub async fn check_table(client: &Client, table: &str) -> Result<(), StoreError> {
    match describe_status(client, table).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::Unavailable(format!(
            "DynamoDB table {table} does not exist: create it (rootski import --create-table, or deploy Rootski-Dynamo-Stack) or name another with ROOTSKI__DYNAMO_TABLE_NAME"
        ))),
    }
}

async fn describe_status(client: &Client, table: &str) -> Result<Option<TableStatus>, StoreError> {
    match client.describe_table().table_name(table).send().await {
        Ok(out) => Ok(Some(
            out.table
                .and_then(|t| t.table_status)
                .unwrap_or(TableStatus::Active),
        )),
        Err(err) => {
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception())
            {
                Ok(None)
            } else {
                Err(sdk_error("DescribeTable", err))
            }
        }
    }
}

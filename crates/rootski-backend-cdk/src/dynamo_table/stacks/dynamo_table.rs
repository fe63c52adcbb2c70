//! `RootskiDynamoStack`: the single table of `DATA_MODEL.md`.
//!
//! `rootski-table` with pk/sk, gsi1 and gsi2 (string keys, all attributes
//! projected), on-demand billing, point-in-time recovery, retained when the stack
//! is deleted (production data outlives any stack), its name and ARN exported.
//! The construct ids are those of `tools/cdk-reference/rootski-dynamo.js`, so the
//! logical ids are the ones AWS CDK v2 gives the same tree. The Lambda stack's
//! policy grants `table/rootski*`, which covers this table and its indexes.

use std::ops::Deref;

use cdk::{CfnOutput, CfnOutputProps, Construct, RemovalPolicy, Stack, StackProps};
use cdk_aws::aws_dynamodb::{
    Attribute, BillingMode, GlobalSecondaryIndexProps, ProjectionType, Table, TableProps,
};

use crate::error::Result;

/// The table name the API defaults to (`ROOTSKI__DYNAMO_TABLE_NAME`).
pub const TABLE_NAME: &str = "rootski-table";
/// The global secondary indexes, each keyed by `<name>pk` / `<name>sk`.
pub const INDEXES: [&str; 2] = ["gsi1", "gsi2"];

/// Stack output keys (and export names) of the [`RootskiDynamoStack`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamoStackOutputs {
    /// The table name.
    RootskiTableName,
    /// The table ARN.
    RootskiTableArn,
}

impl DynamoStackOutputs {
    /// The output key (and export name).
    pub fn as_str(self) -> &'static str {
        match self {
            DynamoStackOutputs::RootskiTableName => "RootskiTableName",
            DynamoStackOutputs::RootskiTableArn => "RootskiTableArn",
        }
    }
}

/// Settings of the [`RootskiDynamoStack`].
#[derive(Debug, Clone)]
pub struct RootskiDynamoProps {
    /// Stack settings (environment, ...).
    pub stack: StackProps,
    /// The table name.
    pub table_name: String,
}

impl Default for RootskiDynamoProps {
    fn default() -> Self {
        Self {
            stack: StackProps::default(),
            table_name: TABLE_NAME.to_owned(),
        }
    }
}

/// The stack holding the rootski table.
#[derive(Debug, Clone)]
pub struct RootskiDynamoStack {
    stack: Stack,
    /// The table.
    pub table: Table,
}

impl RootskiDynamoStack {
    /// Defines the stack `id` under `scope`.
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: RootskiDynamoProps) -> Result<Self> {
        let stack = Stack::new(scope, id, props.stack.clone())?;
        let table = Table::new(
            &stack,
            "Rootski-Table",
            TableProps {
                table_name: Some(props.table_name.clone()),
                partition_key: Attribute::string("pk"),
                sort_key: Some(Attribute::string("sk")),
                billing_mode: BillingMode::PayPerRequest,
                point_in_time_recovery: Some(true),
                removal_policy: Some(RemovalPolicy::Retain),
            },
        )?;
        for name in INDEXES {
            table.add_global_secondary_index(GlobalSecondaryIndexProps {
                index_name: name.to_owned(),
                partition_key: Attribute::string(&format!("{name}pk")),
                sort_key: Some(Attribute::string(&format!("{name}sk"))),
                projection_type: ProjectionType::All,
            });
        }
        CfnOutput::new(
            &stack,
            DynamoStackOutputs::RootskiTableName.as_str(),
            CfnOutputProps {
                value: table.table_name(),
                description: Some("Name of the rootski DynamoDB table.".into()),
                export_name: Some(DynamoStackOutputs::RootskiTableName.as_str().into()),
                condition: None,
            },
        )?;
        CfnOutput::new(
            &stack,
            DynamoStackOutputs::RootskiTableArn.as_str(),
            CfnOutputProps {
                value: table.table_arn(),
                description: Some("ARN of the rootski DynamoDB table.".into()),
                export_name: Some(DynamoStackOutputs::RootskiTableArn.as_str().into()),
                condition: None,
            },
        )?;
        Ok(Self { stack, table })
    }
}

impl Deref for RootskiDynamoStack {
    type Target = Stack;
    fn deref(&self) -> &Stack {
        &self.stack
    }
}

impl AsRef<Construct> for RootskiDynamoStack {
    fn as_ref(&self) -> &Construct {
        &self.stack
    }
}

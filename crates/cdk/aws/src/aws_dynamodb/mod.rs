//! DynamoDB: the `Table` L2 (keys, global secondary indexes, billing, point-in-time
//! recovery, removal policy) and the `AWS::DynamoDB::Table` L1.

mod cfn;
mod table;

pub use cfn::{
    AttributeDefinition, CfnTableProps, GlobalSecondaryIndex, KeySchema,
    PointInTimeRecoverySpecification, Projection, ProvisionedThroughput,
};
pub use table::{
    Attribute, AttributeType, BillingMode, GlobalSecondaryIndexProps, ProjectionType, Table,
    TableProps,
};

/// L1 `AWS::DynamoDB::Table`.
pub type CfnTable = crate::cfn::Cfn<CfnTableProps>;

//! L1: `AWS::DynamoDB::Table`.

use serde_json::Value;

use crate::cfn::{CfnTag, Number, cfn_props};

cfn_props! {
    /// Properties of `AWS::DynamoDB::Table` (`KeySchema` is required).
    CfnTableProps = "AWS::DynamoDB::Table" {
        opt "AttributeDefinitions" attribute_definitions: Vec<AttributeDefinition>,
        opt "BillingMode" billing_mode: String,
        opt "ContributorInsightsSpecification" contributor_insights_specification: Value,
        opt "DeletionProtectionEnabled" deletion_protection_enabled: bool,
        opt "GlobalSecondaryIndexes" global_secondary_indexes: Vec<GlobalSecondaryIndex>,
        req "KeySchema" key_schema: Vec<KeySchema>,
        opt "LocalSecondaryIndexes" local_secondary_indexes: Vec<Value>,
        opt "PointInTimeRecoverySpecification" point_in_time_recovery_specification: PointInTimeRecoverySpecification,
        opt "ProvisionedThroughput" provisioned_throughput: ProvisionedThroughput,
        opt "SSESpecification" sse_specification: Value,
        opt "StreamSpecification" stream_specification: Value,
        opt "TableClass" table_class: String,
        opt "TableName" table_name: String,
        opt "Tags" tags: Vec<CfnTag>,
        opt "TimeToLiveSpecification" time_to_live_specification: Value,
    }
}

cfn_props! {
    /// `AttributeDefinition`: a key attribute and its scalar type (`S`, `N`, `B`).
    AttributeDefinition {
        req "AttributeName" attribute_name: String,
        req "AttributeType" attribute_type: String,
    }
}

cfn_props! {
    /// `KeySchema`: one key attribute and its role (`HASH` or `RANGE`).
    KeySchema {
        req "AttributeName" attribute_name: String,
        req "KeyType" key_type: String,
    }
}

cfn_props! {
    /// `GlobalSecondaryIndex`.
    GlobalSecondaryIndex {
        req "IndexName" index_name: String,
        req "KeySchema" key_schema: Vec<KeySchema>,
        req "Projection" projection: Projection,
        opt "ProvisionedThroughput" provisioned_throughput: ProvisionedThroughput,
    }
}

cfn_props! {
    /// `Projection`: which attributes an index holds.
    Projection {
        opt "NonKeyAttributes" non_key_attributes: Vec<String>,
        opt "ProjectionType" projection_type: String,
    }
}

cfn_props! {
    /// `PointInTimeRecoverySpecification`.
    PointInTimeRecoverySpecification {
        opt "PointInTimeRecoveryEnabled" point_in_time_recovery_enabled: bool,
        opt "RecoveryPeriodInDays" recovery_period_in_days: Number,
    }
}

cfn_props! {
    /// `ProvisionedThroughput` (provisioned billing only).
    ProvisionedThroughput {
        req "ReadCapacityUnits" read_capacity_units: Number,
        req "WriteCapacityUnits" write_capacity_units: Number,
    }
}

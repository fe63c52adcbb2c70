//! L1: `AWS::S3::Bucket`.

use serde_json::Value;

use crate::cfn::{CfnTag, cfn_props};

cfn_props! {
    /// Properties of `AWS::S3::Bucket` (no property is required).
    CfnBucketProps = "AWS::S3::Bucket" {
        opt "AccelerateConfiguration" accelerate_configuration: Value,
        opt "BucketEncryption" bucket_encryption: Value,
        opt "BucketName" bucket_name: String,
        opt "CorsConfiguration" cors_configuration: Value,
        opt "LifecycleConfiguration" lifecycle_configuration: Value,
        opt "LoggingConfiguration" logging_configuration: Value,
        opt "NotificationConfiguration" notification_configuration: Value,
        opt "ObjectLockEnabled" object_lock_enabled: bool,
        opt "OwnershipControls" ownership_controls: Value,
        opt "PublicAccessBlockConfiguration" public_access_block_configuration: PublicAccessBlockConfiguration,
        opt "Tags" tags: Vec<CfnTag>,
        opt "VersioningConfiguration" versioning_configuration: VersioningConfiguration,
        opt "WebsiteConfiguration" website_configuration: Value,
    }
}

cfn_props! {
    /// `PublicAccessBlockConfiguration`.
    PublicAccessBlockConfiguration {
        opt "BlockPublicAcls" block_public_acls: bool,
        opt "BlockPublicPolicy" block_public_policy: bool,
        opt "IgnorePublicAcls" ignore_public_acls: bool,
        opt "RestrictPublicBuckets" restrict_public_buckets: bool,
    }
}

cfn_props! {
    /// `VersioningConfiguration`.
    VersioningConfiguration {
        req "Status" status: String,
    }
}

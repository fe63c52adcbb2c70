//! S3: the `Bucket` L2 with removal policy and grants, the grant action lists, the L1.

mod bucket;
mod cfn;
pub mod perms;

pub use bucket::{Bucket, BucketProps};
pub use cfn::{CfnBucketProps, PublicAccessBlockConfiguration, VersioningConfiguration};

/// L1 `AWS::S3::Bucket`.
pub type CfnBucket = crate::cfn::Cfn<CfnBucketProps>;

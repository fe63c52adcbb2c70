//! Route 53: hosted zones found by context lookup, alias A records.

mod cfn;
mod hosted_zone;
mod record_set;

pub use cfn::{AliasTarget, CfnRecordSetProps};
pub use hosted_zone::{HostedZone, HostedZoneProviderProps};
pub use record_set::{
    ARecord, ARecordProps, AliasRecordTarget, AliasRecordTargetConfig, RecordTarget,
    determine_fully_qualified_domain_name,
};

/// L1 `AWS::Route53::RecordSet`.
pub type CfnRecordSet = crate::cfn::Cfn<CfnRecordSetProps>;

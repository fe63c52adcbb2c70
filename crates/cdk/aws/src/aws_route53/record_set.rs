//! `ARecord` with an alias target (CDK's `route53.ARecord` + `RecordTarget.fromAlias`).

use cdk::Construct;

use super::{AliasTarget, CfnRecordSet, CfnRecordSetProps, HostedZone};
use crate::error::Result;

/// What an alias target resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasRecordTargetConfig {
    /// The target's DNS name.
    pub dns_name: String,
    /// The target's hosted zone id.
    pub hosted_zone_id: String,
}

/// An AWS resource a record can alias (CDK's `IAliasRecordTarget`).
pub trait AliasRecordTarget {
    /// The DNS name and zone of the target.
    fn bind(&self) -> Result<AliasRecordTargetConfig>;
}

/// Where a record points.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordTarget {
    /// Literal values (`ResourceRecords`).
    Values(Vec<String>),
    /// An alias to an AWS resource.
    Alias(AliasRecordTargetConfig),
}

impl RecordTarget {
    /// An alias (the target is bound now).
    pub fn from_alias(target: &impl AliasRecordTarget) -> Result<Self> {
        Ok(RecordTarget::Alias(target.bind()?))
    }

    /// Literal IP addresses.
    pub fn from_ip_addresses(ips: &[&str]) -> Self {
        RecordTarget::Values(ips.iter().map(|s| s.to_string()).collect())
    }
}

/// Properties of an [`ARecord`].
#[derive(Debug, Clone)]
pub struct ARecordProps {
    /// The zone the record lives in.
    pub zone: HostedZone,
    /// Where it points.
    pub target: RecordTarget,
    /// Name (relative or absolute); default the zone apex.
    pub record_name: Option<String>,
    /// TTL in seconds for non-alias records (default 1800).
    pub ttl_seconds: Option<u32>,
    /// `Comment`.
    pub comment: Option<String>,
}

/// An `A` record.
#[derive(Clone, Debug)]
pub struct ARecord {
    construct: Construct,
    resource: CfnRecordSet,
}

impl ARecord {
    /// Creates the record `id` under `scope` (resource child `Resource`).
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: ARecordProps) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_route53.ARecord");
        let name = determine_fully_qualified_domain_name(
            props
                .record_name
                .as_deref()
                .unwrap_or(props.zone.zone_name()),
            props.zone.zone_name(),
        );
        let (alias_target, resource_records, ttl) = match props.target {
            RecordTarget::Alias(a) => (
                Some(AliasTarget {
                    dns_name: Some(a.dns_name),
                    evaluate_target_health: None,
                    hosted_zone_id: Some(a.hosted_zone_id),
                }),
                None,
                None,
            ),
            RecordTarget::Values(v) => (
                None,
                Some(v),
                Some(props.ttl_seconds.unwrap_or(1800).to_string()),
            ),
        };
        let resource = CfnRecordSet::new(
            &construct,
            "Resource",
            CfnRecordSetProps {
                alias_target,
                comment: props.comment,
                hosted_zone_id: Some(props.zone.hosted_zone_id().to_string()),
                name: Some(name),
                resource_records,
                ttl,
                record_type: Some("A".into()),
                ..Default::default()
            },
        )?;
        Ok(Self {
            construct,
            resource,
        })
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::Route53::RecordSet` resource.
    pub fn resource(&self) -> &CfnRecordSet {
        &self.resource
    }

    /// The record's domain name (`Ref`).
    pub fn domain_name(&self) -> String {
        self.resource.ref_()
    }
}

/// CDK's rule: names ending in `.` are absolute; names already ending in the zone name
/// (or equal to it) get a trailing dot; others get `.<zone>.` appended.
pub fn determine_fully_qualified_domain_name(provided: &str, zone_name: &str) -> String {
    if provided.ends_with('.') {
        return provided.to_string();
    }
    let zone = zone_name.strip_suffix('.').unwrap_or(zone_name);
    let suffix = format!(".{zone}");
    if provided.ends_with(&suffix) || provided == zone {
        format!("{provided}.")
    } else {
        format!("{provided}{suffix}.")
    }
}

impl AsRef<Construct> for ARecord {
    fn as_ref(&self) -> &Construct {
        &self.construct
    }
}

#[cfg(test)]
mod tests {
    use super::determine_fully_qualified_domain_name as fqdn;

    #[test]
    fn qualifies_names_like_cdk() {
        assert_eq!(fqdn("api.rootski.io", "rootski.io"), "api.rootski.io.");
        assert_eq!(fqdn("api", "rootski.io."), "api.rootski.io.");
        assert_eq!(fqdn("rootski.io", "rootski.io"), "rootski.io.");
        assert_eq!(fqdn("x.example.com.", "rootski.io"), "x.example.com.");
    }
}

//! L1: `AWS::Route53::RecordSet`.

use serde_json::Value;

use crate::cfn::{Number, cfn_props};

cfn_props! {
    /// Properties of `AWS::Route53::RecordSet`.
    CfnRecordSetProps = "AWS::Route53::RecordSet" {
        opt "AliasTarget" alias_target: AliasTarget,
        opt "CidrRoutingConfig" cidr_routing_config: Value,
        opt "Comment" comment: String,
        opt "Failover" failover: String,
        opt "GeoLocation" geo_location: Value,
        opt "HealthCheckId" health_check_id: String,
        opt "HostedZoneId" hosted_zone_id: String,
        opt "HostedZoneName" hosted_zone_name: String,
        opt "MultiValueAnswer" multi_value_answer: bool,
        req "Name" name: String,
        opt "Region" region: String,
        opt "ResourceRecords" resource_records: Vec<String>,
        opt "SetIdentifier" set_identifier: String,
        opt "TTL" ttl: String,
        req "Type" record_type: String,
        opt "Weight" weight: Number,
    }
}

cfn_props! {
    /// `AliasTarget`: the AWS resource a record aliases.
    AliasTarget {
        req "DNSName" dns_name: String,
        opt "EvaluateTargetHealth" evaluate_target_health: bool,
        req "HostedZoneId" hosted_zone_id: String,
    }
}

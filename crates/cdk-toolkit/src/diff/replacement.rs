//! Which property changes replace a resource, and which types hold data.
//!
//! CloudFormation's resource specification marks each property "UpdateType:
//! Immutable"; this is that table for the types Rootski and its tests deploy (and
//! the common stateful ones). A property not listed is treated as updatable in place,
//! so for an unknown type the diff under-reports replacement — the change set that
//! `deploy` describes is the authority and is checked again before executing.

/// `(resource type, immutable properties)`.
const IMMUTABLE: &[(&str, &[&str])] = &[
    ("AWS::ApiGateway::BasePathMapping", &["DomainName"]),
    (
        "AWS::ApiGateway::Deployment",
        &["RestApiId", "DeploymentCanarySettings"],
    ),
    ("AWS::ApiGateway::DomainName", &["DomainName"]),
    (
        "AWS::ApiGateway::Method",
        &["RestApiId", "ResourceId", "HttpMethod"],
    ),
    (
        "AWS::ApiGateway::Resource",
        &["ParentId", "PathPart", "RestApiId"],
    ),
    ("AWS::ApiGateway::Stage", &["RestApiId", "StageName"]),
    (
        "AWS::CertificateManager::Certificate",
        &[
            "DomainName",
            "DomainValidationOptions",
            "SubjectAlternativeNames",
            "ValidationMethod",
            "CertificateAuthorityArn",
        ],
    ),
    (
        "AWS::DynamoDB::GlobalTable",
        &["TableName", "KeySchema", "LocalSecondaryIndexes"],
    ),
    (
        "AWS::DynamoDB::Table",
        &[
            "TableName",
            "KeySchema",
            "LocalSecondaryIndexes",
            "ImportSourceSpecification",
        ],
    ),
    ("AWS::IAM::ManagedPolicy", &["ManagedPolicyName", "Path"]),
    ("AWS::IAM::Role", &["RoleName", "Path"]),
    ("AWS::IAM::User", &["UserName"]),
    ("AWS::Lambda::Function", &["FunctionName", "PackageType"]),
    (
        "AWS::Lambda::Permission",
        &[
            "Action",
            "EventSourceToken",
            "FunctionName",
            "FunctionUrlAuthType",
            "Principal",
            "PrincipalOrgID",
            "SourceAccount",
            "SourceArn",
        ],
    ),
    ("AWS::Logs::LogGroup", &["LogGroupName"]),
    ("AWS::Route53::HostedZone", &["Name", "VPCs"]),
    (
        "AWS::Route53::RecordSet",
        &["HostedZoneId", "HostedZoneName", "Name", "Type"],
    ),
    ("AWS::S3::Bucket", &["BucketName", "ObjectLockEnabled"]),
    ("AWS::SNS::Topic", &["TopicName", "FifoTopic"]),
    ("AWS::SQS::Queue", &["QueueName", "FifoQueue"]),
    ("AWS::SSM::Parameter", &["Name"]),
];

/// Types whose replacement or removal loses data or a name others rely on.
const STATEFUL: &[&str] = &[
    "AWS::ApiGateway::DomainName",
    "AWS::Cognito::UserPool",
    "AWS::DocDB::DBCluster",
    "AWS::DynamoDB::GlobalTable",
    "AWS::DynamoDB::Table",
    "AWS::EFS::FileSystem",
    "AWS::Elasticsearch::Domain",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::OpenSearchService::Domain",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Route53::HostedZone",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
];

/// Changing `property` of a `resource_type` replaces the resource.
pub fn replaces(resource_type: &str, property: &str) -> bool {
    IMMUTABLE
        .iter()
        .find(|(t, _)| *t == resource_type)
        .is_some_and(|(_, props)| props.contains(&property))
}

/// The type holds data (or a name) that a replacement or removal loses.
pub fn is_stateful(resource_type: &str) -> bool {
    STATEFUL.contains(&resource_type)
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_lookups() {
        assert!(super::replaces("AWS::DynamoDB::Table", "KeySchema"));
        assert!(!super::replaces("AWS::DynamoDB::Table", "BillingMode"));
        assert!(!super::replaces("AWS::Unknown::Thing", "Name"));
        assert!(super::is_stateful("AWS::S3::Bucket"));
        assert!(!super::is_stateful("AWS::IAM::Role"));
    }
}

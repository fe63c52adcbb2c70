//! L1: the `AWS::ApiGateway::*` resource types a Lambda REST API uses.

use serde_json::{Map, Value};

use crate::cfn::{CfnTag, Number, cfn_props};

cfn_props! {
    /// Properties of `AWS::ApiGateway::RestApi`.
    CfnRestApiProps = "AWS::ApiGateway::RestApi" {
        opt "ApiKeySourceType" api_key_source_type: String,
        opt "BinaryMediaTypes" binary_media_types: Vec<String>,
        opt "Body" body: Value,
        opt "BodyS3Location" body_s3_location: Value,
        opt "CloneFrom" clone_from: String,
        opt "Description" description: String,
        opt "DisableExecuteApiEndpoint" disable_execute_api_endpoint: bool,
        opt "EndpointConfiguration" endpoint_configuration: EndpointConfiguration,
        opt "FailOnWarnings" fail_on_warnings: bool,
        opt "MinimumCompressionSize" minimum_compression_size: Number,
        opt "Mode" mode: String,
        opt "Name" name: String,
        opt "Parameters" parameters: Map<String, Value>,
        opt "Policy" policy: Value,
        opt "Tags" tags: Vec<CfnTag>,
    }
}

cfn_props! {
    /// `EndpointConfiguration` of a RestApi or DomainName.
    EndpointConfiguration {
        opt "Types" types: Vec<String>,
        opt "VpcEndpointIds" vpc_endpoint_ids: Vec<String>,
    }
}

cfn_props! {
    /// Properties of `AWS::ApiGateway::Resource`.
    CfnResourceProps = "AWS::ApiGateway::Resource" {
        req "ParentId" parent_id: String,
        req "PathPart" path_part: String,
        req "RestApiId" rest_api_id: String,
    }
}

cfn_props! {
    /// Properties of `AWS::ApiGateway::Method`.
    CfnMethodProps = "AWS::ApiGateway::Method" {
        opt "ApiKeyRequired" api_key_required: bool,
        opt "AuthorizationScopes" authorization_scopes: Vec<String>,
        opt "AuthorizationType" authorization_type: String,
        opt "AuthorizerId" authorizer_id: String,
        req "HttpMethod" http_method: String,
        opt "Integration" integration: Integration,
        opt "MethodResponses" method_responses: Vec<Value>,
        opt "OperationName" operation_name: String,
        opt "RequestModels" request_models: Map<String, Value>,
        opt "RequestParameters" request_parameters: Map<String, Value>,
        opt "RequestValidatorId" request_validator_id: String,
        req "ResourceId" resource_id: String,
        req "RestApiId" rest_api_id: String,
    }
}

cfn_props! {
    /// `Integration` of a Method.
    Integration {
        opt "CacheKeyParameters" cache_key_parameters: Vec<String>,
        opt "CacheNamespace" cache_namespace: String,
        opt "ConnectionId" connection_id: String,
        opt "ConnectionType" connection_type: String,
        opt "ContentHandling" content_handling: String,
        opt "Credentials" credentials: String,
        opt "IntegrationHttpMethod" integration_http_method: String,
        opt "IntegrationResponses" integration_responses: Vec<Value>,
        opt "PassthroughBehavior" passthrough_behavior: String,
        opt "RequestParameters" request_parameters: Map<String, Value>,
        opt "RequestTemplates" request_templates: Map<String, Value>,
        opt "TimeoutInMillis" timeout_in_millis: Number,
        req "Type" integration_type: String,
        opt "Uri" uri: String,
    }
}

cfn_props! {
    /// Properties of `AWS::ApiGateway::Deployment`.
    CfnDeploymentProps = "AWS::ApiGateway::Deployment" {
        opt "DeploymentCanarySettings" deployment_canary_settings: Value,
        opt "Description" description: String,
        req "RestApiId" rest_api_id: String,
        opt "StageDescription" stage_description: Value,
        opt "StageName" stage_name: String,
    }
}

cfn_props! {
    /// Properties of `AWS::ApiGateway::Stage`.
    CfnStageProps = "AWS::ApiGateway::Stage" {
        opt "AccessLogSetting" access_log_setting: Value,
        opt "CacheClusterEnabled" cache_cluster_enabled: bool,
        opt "CacheClusterSize" cache_cluster_size: String,
        opt "CanarySetting" canary_setting: Value,
        opt "ClientCertificateId" client_certificate_id: String,
        opt "DeploymentId" deployment_id: String,
        opt "Description" description: String,
        opt "DocumentationVersion" documentation_version: String,
        opt "MethodSettings" method_settings: Vec<Value>,
        req "RestApiId" rest_api_id: String,
        opt "StageName" stage_name: String,
        opt "Tags" tags: Vec<CfnTag>,
        opt "TracingEnabled" tracing_enabled: bool,
        opt "Variables" variables: Map<String, Value>,
    }
}

cfn_props! {
    /// Properties of `AWS::ApiGateway::Account` (the region-wide CloudWatch role).
    CfnAccountProps = "AWS::ApiGateway::Account" {
        opt "CloudWatchRoleArn" cloud_watch_role_arn: String,
    }
}

cfn_props! {
    /// Properties of `AWS::ApiGateway::DomainName`.
    CfnDomainNameProps = "AWS::ApiGateway::DomainName" {
        opt "CertificateArn" certificate_arn: String,
        opt "DomainName" domain_name: String,
        opt "EndpointConfiguration" endpoint_configuration: EndpointConfiguration,
        opt "MutualTlsAuthentication" mutual_tls_authentication: Value,
        opt "OwnershipVerificationCertificateArn" ownership_verification_certificate_arn: String,
        opt "RegionalCertificateArn" regional_certificate_arn: String,
        opt "SecurityPolicy" security_policy: String,
        opt "Tags" tags: Vec<CfnTag>,
    }
}

cfn_props! {
    /// Properties of `AWS::ApiGateway::BasePathMapping`.
    CfnBasePathMappingProps = "AWS::ApiGateway::BasePathMapping" {
        opt "BasePath" base_path: String,
        req "DomainName" domain_name: String,
        opt "Id" id: String,
        opt "RestApiId" rest_api_id: String,
        opt "Stage" stage: String,
    }
}

//! L1: `AWS::Lambda::Function` and `AWS::Lambda::Permission`.

use serde_json::{Map, Value};

use crate::cfn::{CfnTag, Number, cfn_props};

cfn_props! {
    /// Properties of `AWS::Lambda::Function`.
    CfnFunctionProps = "AWS::Lambda::Function" {
        opt "Architectures" architectures: Vec<String>,
        req "Code" code: CfnCode,
        opt "DeadLetterConfig" dead_letter_config: Value,
        opt "Description" description: String,
        opt "Environment" environment: CfnEnvironment,
        opt "EphemeralStorage" ephemeral_storage: Value,
        opt "FunctionName" function_name: String,
        opt "Handler" handler: String,
        opt "KmsKeyArn" kms_key_arn: String,
        opt "Layers" layers: Vec<String>,
        opt "LoggingConfig" logging_config: Value,
        opt "MemorySize" memory_size: Number,
        opt "PackageType" package_type: String,
        opt "ReservedConcurrentExecutions" reserved_concurrent_executions: Number,
        req "Role" role: String,
        opt "Runtime" runtime: String,
        opt "Tags" tags: Vec<CfnTag>,
        opt "Timeout" timeout: Number,
        opt "TracingConfig" tracing_config: Value,
        opt "VpcConfig" vpc_config: Value,
    }
}

cfn_props! {
    /// `Code`: where the deployment package is.
    CfnCode {
        opt "ImageUri" image_uri: String,
        opt "S3Bucket" s3_bucket: String,
        opt "S3Key" s3_key: String,
        opt "S3ObjectVersion" s3_object_version: String,
        opt "ZipFile" zip_file: String,
    }
}

cfn_props! {
    /// `Environment`: variables keep insertion order, as CDK renders them.
    CfnEnvironment {
        opt "Variables" variables: Map<String, Value>,
    }
}

cfn_props! {
    /// Properties of `AWS::Lambda::Permission`.
    CfnPermissionProps = "AWS::Lambda::Permission" {
        req "Action" action: String,
        opt "EventSourceToken" event_source_token: String,
        req "FunctionName" function_name: String,
        opt "FunctionUrlAuthType" function_url_auth_type: String,
        req "Principal" principal: String,
        opt "PrincipalOrgID" principal_org_id: String,
        opt "SourceAccount" source_account: String,
        opt "SourceArn" source_arn: String,
    }
}

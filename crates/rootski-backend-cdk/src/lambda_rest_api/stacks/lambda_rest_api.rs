//! Stack defining an API Gateway mapping to a Lambda function with the rootski API.
//!
//! The construct tree mirrors the original project's CDK stack (ids, order), so the
//! template has the logical ids AWS CDK v2 gives the same tree: an existing
//! CDK-deployed stack updates in place. Differences from the original are the issue's:
//! a Rust `bootstrap` on `provided.al2023`, the native DNS-validated certificate, a
//! REGIONAL custom domain under base path `v1`, and the DynamoDB policy.

use std::ops::Deref;
use std::path::PathBuf;

use cdk::{
    ArnComponents, ArnFormat, CfnOutput, CfnOutputProps, Construct, Duration, RemovalPolicy, Stack,
    StackProps,
};
use cdk_aws::aws_apigateway::{DomainNameOptions, EndpointType, LambdaRestApi, LambdaRestApiProps};
use cdk_aws::aws_certificatemanager::{Certificate, CertificateProps, CertificateValidation};
use cdk_aws::aws_iam::{ManagedPolicy, Policy, PolicyProps, PolicyStatement};
use cdk_aws::aws_lambda::{Code, Function, FunctionProps, Runtime};
use cdk_aws::aws_route53::{
    ARecord, ARecordProps, HostedZone, HostedZoneProviderProps, RecordTarget,
};
use cdk_aws::aws_route53_targets::ApiGateway;
use cdk_aws::aws_s3::{Bucket, BucketProps};

use super::lambda_code::lambda_code_asset;
use crate::bundling::{BundleOptions, bundle_bootstrap};
use crate::error::Result;

/// The API's public domain.
pub const API_SUBDOMAIN: &str = "api.rootski.io";
/// The hosted zone the domain lives in.
pub const HOSTED_ZONE_DOMAIN: &str = "rootski.io";
/// Must match the API's root path version.
pub const ROOTSKI_API_VERSION: &str = "v1";

/// Stack output keys for the [`RootskiLambdaRestApiStack`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackOutputs {
    /// The stage URL of the API Gateway.
    ApiGatewayUrl,
    /// The API's custom domain.
    ApiSubdomain,
}

impl StackOutputs {
    /// The output key (and export name).
    pub fn as_str(self) -> &'static str {
        match self {
            StackOutputs::ApiGatewayUrl => "ApiGatewayUrl",
            StackOutputs::ApiSubdomain => "ApiSubdomain",
        }
    }
}

impl std::fmt::Display for StackOutputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Settings of the stack (defaults: the production values of the original project).
#[derive(Debug, Clone)]
pub struct RootskiLambdaRestApiProps {
    /// Stack settings; `env` must be concrete for the hosted-zone lookup.
    pub stack: StackProps,
    /// The API's domain (`api.rootski.io`).
    pub api_subdomain: String,
    /// The hosted zone looked up for DNS (`rootski.io`).
    pub hosted_zone_domain: String,
    /// Base path of the API under the domain (`v1`).
    pub base_path: String,
    /// Function memory in MB (512).
    pub memory_size_mb: u32,
    /// Function timeout (30 s).
    pub timeout: Duration,
    /// Environment of the function, in order; the cache bucket name is appended as
    /// `ROOTSKI__OBJECT_CACHE_BUCKET_NAME`.
    pub environment: Vec<(String, String)>,
    /// Directory (or zip) holding a ready `bootstrap`; when set, nothing is built.
    pub code_asset: Option<PathBuf>,
    /// How to build `bootstrap` when `code_asset` is `None`: the bundling of
    /// `rootski-lambda` runs during synthesis, as CDK's asset bundling does, unless the
    /// stack is excluded by the `aws:cdk:bundling-stacks` context (`bundling_required`).
    pub bundle: Option<BundleOptions>,
    /// Where [`lambda_code_asset`] stages the placeholder used when bundling is
    /// skipped (no `bundle` options, or the stack is not selected for bundling).
    pub staging_root: PathBuf,
}

impl Default for RootskiLambdaRestApiProps {
    fn default() -> Self {
        Self {
            stack: StackProps::default(),
            api_subdomain: API_SUBDOMAIN.into(),
            hosted_zone_domain: HOSTED_ZONE_DOMAIN.into(),
            base_path: ROOTSKI_API_VERSION.into(),
            memory_size_mb: 512,
            timeout: Duration::seconds(30.0),
            environment: vec![
                ("ROOTSKI__FETCH_VALUES_FROM_AWS_SSM".into(), "true".into()),
                ("ROOTSKI__ENVIRONMENT".into(), "prod".into()),
                // /tmp is the only writable location in the Lambda file system.
                ("ROOTSKI__STATIC_ASSETS_DIR".into(), "/tmp".into()),
            ],
            code_asset: None,
            bundle: None,
            staging_root: std::env::temp_dir().join("rootski-cdk-staging"),
        }
    }
}

/// An API Gateway mapping to a Lambda function with the backend code inside.
#[derive(Debug, Clone)]
pub struct RootskiLambdaRestApiStack {
    stack: Stack,
    /// Lambda function containing the rootski API (`bootstrap`).
    pub fast_api_function: Function,
    /// API Gateway that proxies all incoming requests to the `fast_api_function`.
    pub lambda_rest_api: LambdaRestApi,
    /// DNS record routing the API subdomain to the API Gateway custom domain.
    pub rootski_api_subdomain: ARecord,
}

impl RootskiLambdaRestApiStack {
    /// Defines the stack `id` under `scope`.
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        props: RootskiLambdaRestApiProps,
    ) -> Result<Self> {
        let stack = Stack::new(scope, id, props.stack.clone())?;
        let fast_api_function = Self::make_fast_api_function(&stack, &props)?;

        let certificate_zone = HostedZone::from_lookup(
            &stack,
            "Rootski-IO-Hosted-Zone",
            HostedZoneProviderProps {
                domain_name: props.hosted_zone_domain.clone(),
                ..Default::default()
            },
        )?;
        let certificate = Certificate::new(
            &stack,
            "Rootski-Lambda-DNS-Validated-ACM-Cert",
            CertificateProps {
                domain_name: props.api_subdomain.clone(),
                subject_alternative_names: vec![],
                validation: CertificateValidation::from_dns(Some(certificate_zone)),
                certificate_name: None,
            },
        )?;
        let mut api_props = LambdaRestApiProps::new(&fast_api_function);
        api_props.description = Some("Proxy to the Rootski FastAPI backend 'lambda-lith'.".into());
        api_props.domain_name = Some(DomainNameOptions {
            domain_name: props.api_subdomain.clone(),
            certificate,
            endpoint_type: EndpointType::Regional,
            base_path: Some(props.base_path.clone()),
            security_policy: None,
        });
        let lambda_rest_api = LambdaRestApi::new(&stack, "Rootski-Lambda-REST-API", api_props)?;

        let record_zone = HostedZone::from_lookup(
            &stack,
            "Rootski-IO-API-Gateway-HostedZone",
            HostedZoneProviderProps {
                domain_name: props.hosted_zone_domain.clone(),
                ..Default::default()
            },
        )?;
        let rootski_api_subdomain = ARecord::new(
            &stack,
            "Rootski-IO-API-Gateway-A-Record",
            ARecordProps {
                zone: record_zone,
                target: RecordTarget::from_alias(&ApiGateway::new(&lambda_rest_api))?,
                record_name: Some(props.api_subdomain.clone()),
                ttl_seconds: None,
                comment: None,
            },
        )?;

        Self::add_outputs(&stack, &props, &lambda_rest_api)?;

        Ok(Self {
            stack,
            fast_api_function,
            lambda_rest_api,
            rootski_api_subdomain,
        })
    }

    /// The stack outputs ([`StackOutputs`]): the API subdomain and the prod stage URL,
    /// both exported.
    fn add_outputs(
        stack: &Stack,
        props: &RootskiLambdaRestApiProps,
        lambda_rest_api: &LambdaRestApi,
    ) -> Result<()> {
        CfnOutput::new(
            stack,
            StackOutputs::ApiSubdomain.as_str(),
            CfnOutputProps {
                value: props.api_subdomain.clone(),
                description: Some("Map the API subdomain to the URL of the API Gateway".into()),
                export_name: Some(StackOutputs::ApiSubdomain.as_str().into()),
                condition: None,
            },
        )?;
        CfnOutput::new(
            stack,
            StackOutputs::ApiGatewayUrl.as_str(),
            CfnOutputProps {
                value: lambda_rest_api.url()?,
                description: Some("URL of the API Gateway prod stage.".into()),
                export_name: Some(StackOutputs::ApiGatewayUrl.as_str().into()),
                condition: None,
            },
        )?;
        Ok(())
    }

    /// Creates the cache bucket and the function with the rootski API, its environment
    /// and permissions (cache bucket read/write, DynamoDB `rootski*` tables, SSM
    /// `rootski*` parameters, VPC access).
    ///
    /// The code is the directory [`RootskiLambdaRestApiProps::code_asset`]; else the
    /// `bootstrap` built by bundling (`RootskiLambdaRestApiProps::bundle`) when the
    /// stack requires bundling; else a placeholder staged by [`lambda_code_asset`]
    /// (CDK likewise stages a dummy asset for stacks excluded from bundling).
    pub fn make_fast_api_function(
        stack: &Stack,
        props: &RootskiLambdaRestApiProps,
    ) -> Result<Function> {
        // Caches the morphemes.json object between invocations.
        let cache_bucket = Bucket::new(
            stack,
            "Rootski-Backend-Cache-Bucket",
            BucketProps {
                removal_policy: Some(RemovalPolicy::Destroy),
                ..Default::default()
            },
        )?;

        let code = match (&props.code_asset, &props.bundle) {
            (Some(dir), _) => Code::from_asset(dir),
            (None, Some(options)) if stack.bundling_required() => {
                // The bundle keeps its asset fingerprint: synthesis need not read it.
                let bundle = bundle_bootstrap(options)?;
                Code::from_fingerprinted_asset(bundle.asset_dir, bundle.asset_fingerprint)
            }
            (None, _) => Code::from_asset(lambda_code_asset(&props.staging_root)?),
        };
        let mut function_props = FunctionProps::new(Runtime::PROVIDED_AL2023, "bootstrap", code);
        function_props.memory_size = Some(props.memory_size_mb);
        function_props.timeout = Some(props.timeout);
        function_props.environment = props.environment.clone();
        function_props.environment.push((
            "ROOTSKI__OBJECT_CACHE_BUCKET_NAME".into(),
            cache_bucket.bucket_name(),
        ));
        let function = Function::new(stack, "Rootski-FastAPI-Lambda", function_props)?;

        cache_bucket.grant_read_write(&function)?;

        let role = function.role();
        let dynamodb = Policy::new(
            stack,
            "Allow-Lambda-Access-To-DynamoDB-Tables",
            PolicyProps {
                statements: vec![PolicyStatement::allow(
                    &[
                        "dynamodb:GetItem",
                        "dynamodb:Query",
                        "dynamodb:BatchGetItem",
                        "dynamodb:PutItem",
                        "dynamodb:CreateBackup",
                    ],
                    &[arn_in_stack(stack, "dynamodb", "table", "rootski*")?],
                )?],
                policy_name: None,
            },
        )?;
        role.attach_inline_policy(&dynamodb);
        // Lets the function read its configuration (GetParametersByPath on /rootski*).
        let ssm = Policy::new(
            stack,
            "Allow-Lambda-Access-To-SSM-Params",
            PolicyProps {
                statements: vec![PolicyStatement::allow(
                    &["ssm:Get*"],
                    &[arn_in_stack(stack, "ssm", "parameter", "rootski*")?],
                )?],
                policy_name: None,
            },
        )?;
        role.attach_inline_policy(&ssm);
        role.add_managed_policy(ManagedPolicy::from_managed_policy_arn(
            stack,
            "Allow-Lambda-To-Connect-To-Lightsail-VPC-via-VPC-Peering",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        )?);
        Ok(function)
    }

    /// The stack.
    pub fn stack(&self) -> &Stack {
        &self.stack
    }
}

/// `arn:<partition>:<service>:<region>:<account>:<resource>/<name>` in the stack's env.
fn arn_in_stack(stack: &Stack, service: &str, resource: &str, name: &str) -> Result<String> {
    Ok(stack.format_arn(ArnComponents {
        service: service.into(),
        resource: resource.into(),
        resource_name: Some(name.into()),
        arn_format: ArnFormat::SlashResourceName,
        ..Default::default()
    })?)
}

impl Deref for RootskiLambdaRestApiStack {
    type Target = Stack;
    fn deref(&self) -> &Stack {
        &self.stack
    }
}

impl AsRef<Construct> for RootskiLambdaRestApiStack {
    fn as_ref(&self) -> &Construct {
        self.stack.as_ref()
    }
}

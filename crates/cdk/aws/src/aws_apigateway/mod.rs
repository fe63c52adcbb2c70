//! API Gateway (REST): `RestApi` / `LambdaRestApi` with resources, methods, Lambda proxy
//! integrations, the content-hashed `Deployment`, the `prod` stage, the CloudWatch
//! role + account, custom domain names and base path mappings.

mod cfn;
mod deployment;
pub mod deployment_hash;
mod domain_name;
mod integration;
mod lambda_api;
mod resource;
mod restapi;

pub use cfn::{
    CfnAccountProps, CfnBasePathMappingProps, CfnDeploymentProps, CfnDomainNameProps,
    CfnMethodProps, CfnResourceProps, CfnRestApiProps, CfnStageProps, EndpointConfiguration,
    Integration,
};
pub use deployment::{Deployment, Stage};
pub use domain_name::{BasePathMapping, DomainName, DomainNameOptions, EndpointType};
pub use integration::LambdaIntegration;
pub use lambda_api::{LambdaRestApi, LambdaRestApiProps};
pub use resource::{ApiResource, Method};
pub use restapi::{RestApi, RestApiProps};

use crate::cfn::Cfn;

/// L1 `AWS::ApiGateway::RestApi`.
pub type CfnRestApi = Cfn<CfnRestApiProps>;
/// L1 `AWS::ApiGateway::Resource`.
pub type CfnResource = Cfn<CfnResourceProps>;
/// L1 `AWS::ApiGateway::Method`.
pub type CfnMethod = Cfn<CfnMethodProps>;
/// L1 `AWS::ApiGateway::Deployment`.
pub type CfnDeployment = Cfn<CfnDeploymentProps>;
/// L1 `AWS::ApiGateway::Stage`.
pub type CfnStage = Cfn<CfnStageProps>;
/// L1 `AWS::ApiGateway::Account`.
pub type CfnAccount = Cfn<CfnAccountProps>;
/// L1 `AWS::ApiGateway::DomainName`.
pub type CfnDomainName = Cfn<CfnDomainNameProps>;
/// L1 `AWS::ApiGateway::BasePathMapping`.
pub type CfnBasePathMapping = Cfn<CfnBasePathMappingProps>;

//! `cdk-aws`: the AWS constructs of our CDK-style library, named and behaving like
//! aws-cdk-lib's so that a stack written with them synthesizes to the template AWS CDK
//! v2 would produce (same construct ids → same logical ids).
//!
//! Two layers per service module:
//! - **L1** (`Cfn*Props`, `Cfn*` = [`cfn::Cfn`]`<Props>`): typed CloudFormation
//!   properties, serde-serialised in CDK's property order; unknown properties cannot be
//!   written and missing required ones fail synthesis naming the construct path.
//! - **L2**: the constructs with defaults and wiring (roles, grants, permissions,
//!   deployments), mirroring aws-cdk-lib 2.x.
//!
//! Pure rules that need no construct tree live in their own small modules with golden
//! tests against aws-cdk-lib 2.276 output: IAM statement/document rendering
//! ([`aws_iam::PolicyStatement`]), S3 grant action lists ([`aws_s3::perms`]), and the
//! API Gateway deployment hash ([`aws_apigateway::deployment_hash`]).

pub mod aws_apigateway;
pub mod aws_certificatemanager;
pub mod aws_dynamodb;
pub mod aws_iam;
pub mod aws_lambda;
pub mod aws_route53;
pub mod aws_route53_targets;
pub mod aws_s3;
pub mod cfn;
pub mod error;

pub use error::{Error, Result};

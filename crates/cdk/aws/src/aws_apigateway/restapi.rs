//! `RestApi`: the API, its CloudWatch role + account, deployment, stage, endpoint output
//! and root resource — in CDK's construct order, which is also the template order.

use std::cell::RefCell;
use std::rc::Rc;

use cdk::{ArnComponents, ArnFormat, CfnOutput, CfnOutputProps, Construct, RemovalPolicy, Stack};

use super::deployment::resource_fragment;
use super::domain_name::{DomainName, DomainNameOptions};
use super::resource::ApiResource;
use super::{CfnAccount, CfnAccountProps, CfnRestApi, CfnRestApiProps, Deployment, Stage};
use crate::aws_iam::{ManagedPolicy, Principal, Role, RoleProps};
use crate::aws_lambda::Function;
use crate::error::{Error, Result};

/// Properties of a [`RestApi`].
#[derive(Debug, Clone, Default)]
pub struct RestApiProps {
    /// `Name` (default: the construct id).
    pub rest_api_name: Option<String>,
    /// `Description` (also the deployment's description).
    pub description: Option<String>,
    /// Create the `Deployment` + stage (default true).
    pub deploy: Option<bool>,
    /// Stage name (default `prod`).
    pub stage_name: Option<String>,
    /// Create the CloudWatch role + `AWS::ApiGateway::Account` (default true, as CDK
    /// without the `@aws-cdk/aws-apigateway:disableCloudWatchRole` flag).
    pub cloud_watch_role: Option<bool>,
    /// A custom domain created with the API (construct `CustomDomain`).
    pub domain_name: Option<DomainNameOptions>,
}

pub(crate) struct RestApiState {
    pub(crate) construct: Construct,
    pub(crate) resource: CfnRestApi,
    pub(crate) deployment: Option<Deployment>,
    pub(crate) stage: Option<Stage>,
    pub(crate) account: Option<CfnAccount>,
    pub(crate) domain: RefCell<Option<DomainName>>,
    pub(crate) root: RefCell<Option<ApiResource>>,
    /// The Lambda handler whose integration new resources inherit (`LambdaRestApi`).
    pub(crate) default_handler: RefCell<Option<Function>>,
}

/// A REST API (CDK's `apigateway.RestApi`).
#[derive(Clone)]
pub struct RestApi {
    pub(crate) state: Rc<RestApiState>,
}

impl std::fmt::Debug for RestApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RestApi({})", self.state.construct.path())
    }
}

impl RestApi {
    /// Creates the API `id` under `scope`.
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: RestApiProps) -> Result<Self> {
        Self::build(scope.as_ref(), id, props, None)
    }

    /// Like [`RestApi::new`], with `handler` as the default integration of every
    /// resource (what `LambdaRestApi` does).
    pub(crate) fn new_with_default_handler(
        scope: &impl AsRef<Construct>,
        id: &str,
        props: RestApiProps,
        handler: &Function,
    ) -> Result<Self> {
        Self::build(scope.as_ref(), id, props, Some(handler))
    }

    fn build(
        scope: &Construct,
        id: &str,
        props: RestApiProps,
        handler: Option<&Function>,
    ) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.RestApi");
        let resource = CfnRestApi::new(
            &construct,
            "Resource",
            CfnRestApiProps {
                description: props.description.clone(),
                name: Some(
                    props
                        .rest_api_name
                        .clone()
                        .unwrap_or_else(|| id.to_string()),
                ),
                ..Default::default()
            },
        )?;
        let account = if props.cloud_watch_role.unwrap_or(true) {
            Some(cloud_watch_account(&construct, &resource)?)
        } else {
            None
        };
        let (deployment, stage) = deploy(&construct, &resource, &props, account.as_ref())?;
        let api = RestApi {
            state: Rc::new(RestApiState {
                construct: construct.clone(),
                resource,
                deployment,
                stage,
                account,
                domain: RefCell::new(None),
                root: RefCell::new(None),
                default_handler: RefCell::new(handler.cloned()),
            }),
        };
        if api.state.stage.is_some() {
            CfnOutput::new(
                &construct,
                "Endpoint",
                CfnOutputProps {
                    value: api.url()?,
                    ..Default::default()
                },
            )?;
        }
        if let Some(options) = props.domain_name {
            api.add_domain_name("CustomDomain", options)?;
        }
        let root = ApiResource::root(&api)?;
        *api.state.root.borrow_mut() = Some(root);
        Ok(api)
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.state.construct
    }

    /// The `AWS::ApiGateway::RestApi` resource.
    pub fn resource(&self) -> &CfnRestApi {
        &self.state.resource
    }

    /// `Ref RestApi` (the API id).
    pub fn rest_api_id(&self) -> String {
        self.state.resource.ref_()
    }

    /// The root resource (`/`).
    pub fn root(&self) -> Result<ApiResource> {
        self.state.root.borrow().clone().ok_or_else(|| {
            Error::validation(self.construct().path(), "root resource not created yet")
        })
    }

    /// The deployment, when `deploy` is on.
    pub fn latest_deployment(&self) -> Option<&Deployment> {
        self.state.deployment.as_ref()
    }

    /// The stage, when `deploy` is on.
    pub fn deployment_stage(&self) -> Option<&Stage> {
        self.state.stage.as_ref()
    }

    /// The `AWS::ApiGateway::Account` resource (CloudWatch role), when created.
    pub fn cloud_watch_account(&self) -> Option<&CfnAccount> {
        self.state.account.as_ref()
    }

    /// The first custom domain added.
    pub fn domain_name(&self) -> Option<DomainName> {
        self.state.domain.borrow().clone()
    }

    /// The stage URL: `https://<api>.execute-api.<region>.<urlSuffix>/<stage>/`.
    pub fn url(&self) -> Result<String> {
        self.url_for_path("/")
    }

    /// The URL of `path` in the deployed stage.
    pub fn url_for_path(&self, path: &str) -> Result<String> {
        let stage = self.state.stage.as_ref().ok_or_else(|| {
            Error::validation(
                self.construct().path(),
                "cannot determine the URL: the API has no deployment stage (deploy is off)",
            )
        })?;
        if !path.starts_with('/') {
            return Err(Error::validation(
                self.construct().path(),
                format!("path must begin with \"/\": {path}"),
            ));
        }
        let stack = Stack::of(self.construct())?;
        Ok(format!(
            "https://{}.execute-api.{}.{}/{}{path}",
            self.rest_api_id(),
            stack.region(),
            stack.url_suffix(),
            stage.stage_name()
        ))
    }

    /// `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<method><path>`
    /// (`ANY` becomes `*`).
    pub fn arn_for_execute_api(&self, method: &str, path: &str, stage: &str) -> Result<String> {
        if !cdk::Token::is_unresolved(path) && !path.starts_with('/') {
            return Err(Error::validation(
                self.construct().path(),
                format!("\"path\" must begin with a \"/\": '{path}'"),
            ));
        }
        let method = if method.eq_ignore_ascii_case("ANY") {
            "*"
        } else {
            method
        };
        let stack = Stack::of(self.construct())?;
        let api_id = self.rest_api_id();
        let name = format!("{stage}/{method}{path}");
        Ok(stack.format_arn(ArnComponents {
            service: "execute-api".into(),
            resource: api_id,
            resource_name: Some(name),
            arn_format: ArnFormat::SlashResourceName,
            ..Default::default()
        })?)
    }

    /// Adds a custom domain `id` mapped to this API.
    pub fn add_domain_name(&self, id: &str, options: DomainNameOptions) -> Result<DomainName> {
        let domain = DomainName::new(self.construct(), id, options, Some(self))?;
        let mut slot = self.state.domain.borrow_mut();
        if slot.is_none() {
            *slot = Some(domain.clone());
        }
        Ok(domain)
    }
}

/// The `Deployment` and its stage (`DeploymentStage.<stage name>`, after the
/// CloudWatch account when there is one), unless `deploy` is false.
fn deploy(
    construct: &Construct,
    resource: &CfnRestApi,
    props: &RestApiProps,
    account: Option<&CfnAccount>,
) -> Result<(Option<Deployment>, Option<Stage>)> {
    if !props.deploy.unwrap_or(true) {
        return Ok((None, None));
    }
    let api_resource = resource.clone();
    let deployment = Deployment::new(
        construct,
        "Deployment",
        resource.ref_(),
        Some(
            props
                .description
                .clone()
                .unwrap_or_else(|| "Automatically created by the RestApi construct".to_string()),
        ),
        move || resource_fragment(&api_resource),
    )?;
    let stage_name = props.stage_name.clone().unwrap_or_else(|| "prod".into());
    let stage = Stage::new(
        construct,
        &format!("DeploymentStage.{stage_name}"),
        resource.ref_(),
        &deployment,
        &stage_name,
    )?;
    if let Some(account) = account {
        stage.resource().add_depends_on(account.resource());
    }
    Ok((Some(deployment), Some(stage)))
}

/// The role API Gateway uses to write logs, and the region-wide account setting that
/// points at it (both retained on delete, as CDK).
fn cloud_watch_account(api: &Construct, api_resource: &CfnRestApi) -> Result<CfnAccount> {
    let role = Role::new(
        api,
        "CloudWatchRole",
        RoleProps {
            assumed_by: Principal::Service("apigateway.amazonaws.com".into()),
            managed_policies: vec![ManagedPolicy::from_aws_managed_policy_name(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs",
            )],
            description: None,
            role_name: None,
        },
    )?;
    role.apply_removal_policy(RemovalPolicy::Retain);
    let account = CfnAccount::new(
        api,
        "Account",
        CfnAccountProps {
            cloud_watch_role_arn: Some(role.role_arn()),
        },
    )?;
    account.apply_removal_policy(RemovalPolicy::Retain);
    account.add_depends_on(api_resource.resource());
    Ok(account)
}

impl AsRef<Construct> for RestApi {
    fn as_ref(&self) -> &Construct {
        &self.state.construct
    }
}

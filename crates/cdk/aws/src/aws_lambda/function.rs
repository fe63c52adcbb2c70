//! `Function`: a Lambda function, its execution role and its permissions.
//!
//! Like aws-cdk-lib, the function gets a `ServiceRole` child (trusting
//! `lambda.amazonaws.com`, with `AWSLambdaBasicExecutionRole`) unless a role is given,
//! and the function resource waits for the role's `DefaultPolicy` (`DependsOn`), so
//! the permissions granted to it exist before it can run.
//!
//! One deliberate difference: CDK's `DependsOn` also lists the role itself, which the
//! `Role: {Fn::GetAtt: [Role, Arn]}` property already implies (cfn-lint W3005). We omit
//! that redundant entry; CloudFormation derives the same dependency graph either way.

use cdk::{Construct, Duration};
use serde_json::{Map, Value};

use super::{Architecture, Code, Runtime};
use super::{CfnEnvironment, CfnFunction, CfnFunctionProps, CfnPermission, CfnPermissionProps};
use crate::aws_iam::{Grantable, ManagedPolicy, Principal, Role, RoleProps};
use crate::cfn::Number;
use crate::error::{Error, Result};

/// Properties of a [`Function`].
#[derive(Debug, Clone)]
pub struct FunctionProps {
    /// The runtime.
    pub runtime: Runtime,
    /// The handler (`bootstrap` for OS-only runtimes).
    pub handler: String,
    /// The deployment package.
    pub code: Code,
    /// Memory in MB (CloudFormation's default 128 when `None`).
    pub memory_size: Option<u32>,
    /// Timeout (CloudFormation's default 3 s when `None`); whole seconds.
    pub timeout: Option<Duration>,
    /// Environment variables, rendered in this order.
    pub environment: Vec<(String, String)>,
    /// `Description`.
    pub description: Option<String>,
    /// A fixed `FunctionName`.
    pub function_name: Option<String>,
    /// An existing execution role instead of a new `ServiceRole`.
    pub role: Option<Role>,
    /// `Architectures` (omitted when `None`, i.e. x86_64).
    pub architecture: Option<Architecture>,
}

impl FunctionProps {
    /// Props with the required parts; everything else default.
    pub fn new(runtime: Runtime, handler: impl Into<String>, code: Code) -> Self {
        Self {
            runtime,
            handler: handler.into(),
            code,
            memory_size: None,
            timeout: None,
            environment: Vec::new(),
            description: None,
            function_name: None,
            role: None,
            architecture: None,
        }
    }
}

/// A permission for a principal to invoke a function (`AWS::Lambda::Permission`).
#[derive(Debug, Clone)]
pub struct Permission {
    /// Who may invoke, e.g. `apigateway.amazonaws.com`.
    pub principal: String,
    /// `SourceArn` condition.
    pub source_arn: Option<String>,
    /// `Action` (default `lambda:InvokeFunction`).
    pub action: Option<String>,
    /// Construct under which the permission is created (default: the function).
    pub scope: Option<Construct>,
}

/// A Lambda function (CDK's `lambda.Function`).
#[derive(Clone, Debug)]
pub struct Function {
    construct: Construct,
    resource: CfnFunction,
    role: Role,
    function_name: Option<String>,
}

impl Function {
    /// Creates the function `id` under `scope`: `ServiceRole`, `Code` asset, `Resource`.
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: FunctionProps) -> Result<Function> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_lambda.Function");
        let role = match props.role {
            Some(r) => r,
            None => Role::new(
                &construct,
                "ServiceRole",
                RoleProps {
                    assumed_by: Principal::Service("lambda.amazonaws.com".into()),
                    managed_policies: vec![ManagedPolicy::from_aws_managed_policy_name(
                        "service-role/AWSLambdaBasicExecutionRole",
                    )],
                    description: None,
                    role_name: None,
                },
            )?,
        };
        let code = props.code.bind(&construct)?;
        let timeout = match props.timeout {
            Some(t) => Some(Number::from(t.to_seconds().map_err(|e| {
                Error::validation(construct.path(), format!("timeout: {e}"))
            })?)),
            None => None,
        };
        let variables: Map<String, Value> = props
            .environment
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let resource = CfnFunction::new(
            &construct,
            "Resource",
            CfnFunctionProps {
                architectures: props.architecture.map(|a| vec![a.name().to_string()]),
                code: Some(code),
                description: props.description,
                environment: (!variables.is_empty()).then_some(CfnEnvironment {
                    variables: Some(variables),
                }),
                function_name: props.function_name.clone(),
                handler: Some(props.handler),
                memory_size: props.memory_size.map(Number::from),
                role: Some(role.role_arn()),
                runtime: Some(props.runtime.name().to_string()),
                timeout,
                ..Default::default()
            },
        )?;
        // Wait for the permissions granted after creation: the DefaultPolicy exists only
        // once a grant happened, so decide at synthesis.
        let (r, fr) = (role.clone(), resource.resource().clone());
        construct.add_prepare_hook(move || {
            if let Some(policy) = r.default_policy() {
                fr.add_depends_on(policy.resource().resource());
            }
            Ok(())
        });
        Ok(Function {
            construct,
            resource,
            role,
            function_name: props.function_name,
        })
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::Lambda::Function` resource.
    pub fn resource(&self) -> &CfnFunction {
        &self.resource
    }

    /// The execution role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// `Fn::GetAtt [Function, Arn]`.
    pub fn function_arn(&self) -> String {
        self.resource.get_att("Arn")
    }

    /// `Ref Function` (the function name).
    pub fn function_name(&self) -> String {
        self.resource.ref_()
    }

    /// The explicitly configured name, if any (CDK uses it in API deployment hashes).
    pub fn explicit_function_name(&self) -> Option<&str> {
        self.function_name.as_deref()
    }

    /// Adds an `AWS::Lambda::Permission` with id `id`.
    pub fn add_permission(&self, id: &str, permission: Permission) -> Result<CfnPermission> {
        let scope = permission.scope.unwrap_or_else(|| self.construct.clone());
        CfnPermission::new(
            &scope,
            id,
            CfnPermissionProps {
                action: Some(
                    permission
                        .action
                        .unwrap_or_else(|| "lambda:InvokeFunction".to_string()),
                ),
                function_name: Some(self.function_arn()),
                principal: Some(permission.principal),
                source_arn: permission.source_arn,
                ..Default::default()
            },
        )
    }
}

impl Grantable for Function {
    fn grant_role(&self) -> Role {
        self.role.clone()
    }
}

impl AsRef<Construct> for Function {
    fn as_ref(&self) -> &Construct {
        &self.construct
    }
}

//! `LambdaIntegration`: proxy requests of a method to a Lambda function.
//!
//! Binding to a method grants API Gateway `lambda:InvokeFunction`, scoped to that
//! method in the deployed stage, plus one for the console's test-invoke stage — two
//! `AWS::Lambda::Permission`s under the method, ids `ApiPermission.<api unique id>.
//! <METHOD>.<path with / as .>` and `ApiPermission.Test....` (CDK's ids, hence CDK's
//! logical ids).

use cdk::Stack;
use serde_json::{Map, Value};

use super::resource::Method;
use crate::aws_lambda::{Function, Permission};
use crate::error::Result;

/// A Lambda proxy (`AWS_PROXY`) integration.
#[derive(Debug, Clone)]
pub struct LambdaIntegration {
    handler: Function,
    allow_test_invoke: bool,
}

/// What a method renders for its integration.
#[derive(Debug, Clone)]
pub(crate) struct IntegrationConfig {
    pub integration_type: String,
    pub uri: String,
    pub integration_http_method: String,
    /// Extra data for the deployment hash (`{"functionName": ...}` when the function
    /// has a concrete name, as CDK).
    pub deployment_token: Option<String>,
}

impl LambdaIntegration {
    /// Proxies to `handler`, allowing test invocations from the console.
    pub fn new(handler: &Function) -> Self {
        Self {
            handler: handler.clone(),
            allow_test_invoke: true,
        }
    }

    /// Whether to add the test-invoke permission (default true).
    pub fn allow_test_invoke(mut self, allow: bool) -> Self {
        self.allow_test_invoke = allow;
        self
    }

    /// The function.
    pub fn handler(&self) -> &Function {
        &self.handler
    }

    pub(crate) fn bind(&self, method: &Method) -> Result<IntegrationConfig> {
        let api = method.api();
        let desc = format!(
            "{}.{}.{}",
            api.construct().unique_id(),
            method.http_method(),
            method.resource_path().replace('/', ".")
        );
        let principal = "apigateway.amazonaws.com".to_string();
        self.handler.add_permission(
            &format!("ApiPermission.{desc}"),
            Permission {
                principal: principal.clone(),
                source_arn: Some(method.method_arn()?),
                action: None,
                scope: Some(method.construct().clone()),
            },
        )?;
        if self.allow_test_invoke {
            self.handler.add_permission(
                &format!("ApiPermission.Test.{desc}"),
                Permission {
                    principal,
                    source_arn: Some(method.test_method_arn()?),
                    action: None,
                    scope: Some(method.construct().clone()),
                },
            )?;
        }
        let stack = Stack::of(method.construct())?;
        let uri = format!(
            "arn:{}:apigateway:{}:lambda:path/2015-03-31/functions/{}/invocations",
            stack.partition(),
            stack.region(),
            self.handler.function_arn()
        );
        let deployment_token = self.handler.explicit_function_name().map(|name| {
            let mut m = Map::new();
            m.insert("functionName".into(), Value::String(name.to_string()));
            Value::Object(m).to_string()
        });
        Ok(IntegrationConfig {
            integration_type: "AWS_PROXY".into(),
            uri,
            integration_http_method: "POST".into(),
            deployment_token,
        })
    }
}

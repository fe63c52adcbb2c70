//! API resources (`/`, `/{proxy+}`, ...) and their methods.

use std::rc::Rc;

use cdk::Construct;
use serde_json::{Map, Value, json};

use super::integration::{IntegrationConfig, LambdaIntegration};
use super::{CfnMethod, CfnMethodProps, CfnResource, CfnResourceProps, Integration, RestApi};
use crate::error::{Error, Result};

struct ResourceState {
    construct: Construct,
    api: RestApi,
    path: String,
    resource_id: String,
    parent: Option<ApiResource>,
    default_integration: Option<LambdaIntegration>,
}

/// A path of the API (CDK's `Resource`; the root is `RootResource`, id `Default`).
#[derive(Clone)]
pub struct ApiResource {
    state: Rc<ResourceState>,
}

impl std::fmt::Debug for ApiResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiResource({})", self.state.path)
    }
}

impl ApiResource {
    /// The root resource of `api`: construct `Default`, no template resource of its own.
    pub(crate) fn root(api: &RestApi) -> Result<Self> {
        let construct = Construct::new(api.construct(), "Default")?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.ResourceBase");
        let default_integration = api
            .state
            .default_handler
            .borrow()
            .as_ref()
            .map(LambdaIntegration::new);
        Ok(Self {
            state: Rc::new(ResourceState {
                construct,
                api: api.clone(),
                path: "/".into(),
                resource_id: api.resource().get_att("RootResourceId"),
                parent: None,
                default_integration,
            }),
        })
    }

    /// Adds the child path part `path_part` (construct id = path part).
    pub fn add_resource(&self, path_part: &str) -> Result<ApiResource> {
        validate_path_part(self.construct(), path_part)?;
        let api = &self.state.api;
        let construct = Construct::new(self.construct(), path_part)?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.Resource");
        let resource = CfnResource::new(
            &construct,
            "Resource",
            CfnResourceProps {
                parent_id: Some(self.state.resource_id.clone()),
                path_part: Some(path_part.to_string()),
                rest_api_id: Some(api.rest_api_id()),
            },
        )?;
        if let Some(deployment) = api.latest_deployment() {
            deployment.resource().add_depends_on(resource.resource());
            deployment.add_to_logical_id(json!({ "resource": {
                "restApiId": api.rest_api_id(),
                "parentId": self.state.resource_id,
                "pathPart": path_part,
            }}));
        }
        let path = if self.state.path == "/" {
            format!("/{path_part}")
        } else {
            format!("{}/{path_part}", self.state.path)
        };
        Ok(ApiResource {
            state: Rc::new(ResourceState {
                construct,
                api: api.clone(),
                path,
                resource_id: resource.ref_(),
                parent: Some(self.clone()),
                default_integration: self.state.default_integration.clone(),
            }),
        })
    }

    /// A greedy `{proxy+}` child; with `any_method`, an `ANY` method on it — and, when
    /// the parent is the root, first on the root too, so `/` is proxied as well (CDK's
    /// `ProxyResource`).
    pub fn add_proxy(&self, any_method: bool) -> Result<ApiResource> {
        let proxy = self.add_resource("{proxy+}")?;
        proxy
            .construct()
            .set_construct_info("aws-cdk-lib.aws_apigateway.ProxyResource");
        if any_method {
            if self.state.path == "/" {
                self.add_method("ANY", None)?;
            }
            proxy.add_method("ANY", None)?;
        }
        Ok(proxy)
    }

    /// Adds a method (construct id = HTTP method) with `integration`, or the resource's
    /// default integration.
    pub fn add_method(
        &self,
        http_method: &str,
        integration: Option<LambdaIntegration>,
    ) -> Result<Method> {
        let integration = integration
            .or_else(|| self.state.default_integration.clone())
            .ok_or_else(|| {
                Error::validation(
                    self.construct().path(),
                    format!("method {http_method} has no integration: pass one or give the API a default handler"),
                )
            })?;
        Method::new(self, http_method, &integration)
    }

    /// The construct.
    pub fn construct(&self) -> &Construct {
        &self.state.construct
    }

    /// The full path, e.g. `/{proxy+}`.
    pub fn path(&self) -> &str {
        &self.state.path
    }

    /// The resource id (`Ref`, or the API's `RootResourceId` for `/`).
    pub fn resource_id(&self) -> &str {
        &self.state.resource_id
    }

    /// The parent, `None` for the root.
    pub fn parent(&self) -> Option<&ApiResource> {
        self.state.parent.as_ref()
    }
}

fn validate_path_part(scope: &Construct, part: &str) -> Result<()> {
    let greedy = part.starts_with('{') && part.ends_with('}');
    let ok = !part.is_empty()
        && (greedy
            || part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:$".contains(c)));
    if ok {
        Ok(())
    } else {
        Err(Error::validation(
            scope.path(),
            format!(
                "invalid path part {part:?}: use letters, digits, -_.:$ or a {{param}} / {{proxy+}}"
            ),
        ))
    }
}

/// An HTTP method of a resource (`AWS::ApiGateway::Method`).
#[derive(Clone)]
pub struct Method {
    construct: Construct,
    resource: ApiResource,
    http_method: String,
    cfn: Option<CfnMethod>,
}

impl std::fmt::Debug for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Method({} {})", self.http_method, self.resource.path())
    }
}

impl Method {
    fn new(
        resource: &ApiResource,
        http_method: &str,
        integration: &LambdaIntegration,
    ) -> Result<Self> {
        let http_method = http_method.to_ascii_uppercase();
        let construct = Construct::new(resource.construct(), &http_method)?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.Method");
        let mut method = Method {
            construct,
            resource: resource.clone(),
            http_method,
            cfn: None,
        };
        // Binding first (permissions are created before the method resource, as CDK).
        let config = integration.bind(&method)?;
        let api = resource.state.api.clone();
        let cfn = CfnMethod::new(
            &method.construct,
            "Resource",
            CfnMethodProps {
                authorization_type: Some("NONE".into()),
                http_method: Some(method.http_method.clone()),
                integration: Some(Integration {
                    integration_http_method: Some(config.integration_http_method.clone()),
                    integration_type: Some(config.integration_type.clone()),
                    uri: Some(config.uri.clone()),
                    ..Default::default()
                }),
                resource_id: Some(resource.resource_id().to_string()),
                rest_api_id: Some(api.rest_api_id()),
                ..Default::default()
            },
        )?;
        if let Some(deployment) = api.latest_deployment() {
            deployment.resource().add_depends_on(cfn.resource());
            deployment.add_to_logical_id(hash_component(&method, &api, &config));
        }
        method.cfn = Some(cfn);
        Ok(method)
    }

    /// The construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::ApiGateway::Method` resource.
    pub fn resource(&self) -> Option<&CfnMethod> {
        self.cfn.as_ref()
    }

    /// The API.
    pub fn api(&self) -> &RestApi {
        &self.resource.state.api
    }

    /// Upper-case HTTP method.
    pub fn http_method(&self) -> &str {
        &self.http_method
    }

    /// The path of the method's resource.
    pub fn resource_path(&self) -> &str {
        self.resource.path()
    }

    /// Execute-API ARN of this method in the deployed stage (`*` stage without one).
    pub fn method_arn(&self) -> Result<String> {
        let stage = self
            .api()
            .deployment_stage()
            .map(|s| s.stage_name())
            .unwrap_or_else(|| "*".into());
        self.api().arn_for_execute_api(
            &self.http_method,
            &path_for_arn(self.resource_path()),
            &stage,
        )
    }

    /// Execute-API ARN of this method in the console's `test-invoke-stage`.
    pub fn test_method_arn(&self) -> Result<String> {
        self.api().arn_for_execute_api(
            &self.http_method,
            &path_for_arn(self.resource_path()),
            "test-invoke-stage",
        )
    }
}

/// `{param}` and `{proxy+}` path parts become `*` in ARNs.
fn path_for_arn(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' if in_param => {
                in_param = false;
                out.push('*');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// CDK's `{method: {...methodProps, integrationToken}}` with camelCase L1 prop names in
/// CDK's declaration order; unset values are left out (as `JSON.stringify` drops them).
fn hash_component(method: &Method, api: &RestApi, config: &IntegrationConfig) -> Value {
    let mut integration = Map::new();
    integration.insert("type".into(), json!(config.integration_type));
    integration.insert("uri".into(), json!(config.uri));
    integration.insert(
        "integrationHttpMethod".into(),
        json!(config.integration_http_method),
    );
    let mut props = Map::new();
    props.insert("resourceId".into(), json!(method.resource.resource_id()));
    props.insert("restApiId".into(), json!(api.rest_api_id()));
    props.insert("httpMethod".into(), json!(method.http_method));
    props.insert("authorizationType".into(), json!("NONE"));
    props.insert("integration".into(), Value::Object(integration));
    if let Some(token) = &config.deployment_token {
        props.insert("integrationToken".into(), json!(token));
    }
    json!({ "method": props })
}

#[cfg(test)]
mod tests {
    use super::path_for_arn;

    #[test]
    fn params_become_wildcards() {
        assert_eq!(path_for_arn("/{proxy+}"), "/*");
        assert_eq!(path_for_arn("/"), "/");
        assert_eq!(path_for_arn("/a/{id}/b"), "/a/*/b");
    }
}

//! What to run, read from a synthesized template: the REST API (resources, methods,
//! stage, custom-domain base paths) and the Lambda functions its `AWS_PROXY`
//! integrations call, with their code asset, handler, memory, timeout and environment.
//!
//! Intrinsics that have no local value (`Ref` to a bucket, `Fn::GetAtt` of a role)
//! are rendered as stand-ins (the logical id, `Id.Attr`) and can be overridden by the
//! caller's environment map; pseudo parameters get local values.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::assembly::{FileAsset, StackArtifact};
use crate::error::{Result, ToolkitError};

/// The API Gateway REST API of a stack, ready to serve locally.
#[derive(Debug, Clone)]
pub struct LocalApi {
    /// CloudFormation stack name.
    pub stack_name: String,
    /// Logical id of the `AWS::ApiGateway::RestApi`.
    pub rest_api: String,
    /// Stage names (`prod`).
    pub stages: Vec<String>,
    /// Custom-domain base paths mapped to this API (`v1`).
    pub base_paths: Vec<String>,
    /// Resource path + method → integration.
    pub routes: Vec<Route>,
    /// Functions reached by the routes, by logical id.
    pub functions: BTreeMap<String, FunctionSpec>,
    /// `BinaryMediaTypes` of the API (bodies of these types arrive base64-encoded).
    pub binary_media_types: Vec<String>,
    /// Stack outputs whose value is this API's stage URL, by output key.
    pub url_outputs: Vec<String>,
}

/// One method of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Full resource path (`/`, `/{proxy+}`, `/items/{id}`).
    pub resource_path: String,
    /// Logical id of the resource (the RestApi's for the root).
    pub resource_id: String,
    /// `ANY` or an HTTP method.
    pub http_method: String,
    /// What the method integrates with.
    pub integration: Integration,
}

/// The integration of a method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integration {
    /// `AWS_PROXY` to a function of the stack (logical id).
    LambdaProxy(String),
    /// Anything else; answered with 500 locally.
    Unsupported(String),
}

/// A Lambda function as the template defines it.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// Logical id.
    pub logical_id: String,
    /// `FunctionName`, or `<stack>-<logical id>` as a stand-in.
    pub function_name: String,
    /// `Handler`.
    pub handler: String,
    /// `Runtime`.
    pub runtime: String,
    /// `Timeout` (default 3 s, as Lambda's).
    pub timeout: Duration,
    /// `MemorySize` in MB (default 128).
    pub memory_mb: u64,
    /// `Environment.Variables`, rendered.
    pub environment: BTreeMap<String, String>,
    /// The staged code asset.
    pub code: FileAsset,
}

/// Local values for pseudo parameters.
#[derive(Debug, Clone)]
pub struct PseudoParameters {
    /// `AWS::Region`.
    pub region: String,
    /// `AWS::AccountId`.
    pub account: String,
}

impl Default for PseudoParameters {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            account: "123456789012".into(),
        }
    }
}

impl LocalApi {
    /// Finds the stack's REST API (the first one, or `rest_api` when given).
    pub fn from_stack(
        stack: &StackArtifact,
        rest_api: Option<&str>,
        pseudo: &PseudoParameters,
    ) -> Result<Self> {
        let template_error = |message: String| ToolkitError::Template {
            stack: stack.id.clone(),
            message,
        };
        let resources = stack
            .template
            .get("Resources")
            .and_then(Value::as_object)
            .ok_or_else(|| template_error("the template has no Resources".into()))?;
        let apis = of_type(resources, "AWS::ApiGateway::RestApi");
        let api = match rest_api {
            Some(wanted) => apis
                .iter()
                .find(|(id, _)| *id == wanted)
                .map(|(id, _)| id.to_string()),
            None => apis.first().map(|(id, _)| id.to_string()),
        }
        .ok_or_else(|| template_error("no AWS::ApiGateway::RestApi to run locally".into()))?;
        let ctx = Render {
            stack_name: &stack.stack_name,
            pseudo,
            resources,
        };
        let (routes, functions) = routes_of(stack, &api, &ctx).map_err(template_error)?;
        let stages = stages_of(&api, &ctx);
        if stages.is_empty() {
            return Err(template_error(format!(
                "the RestApi {api} has no stage (AWS::ApiGateway::Stage)"
            )));
        }
        Ok(Self {
            stack_name: stack.stack_name.clone(),
            base_paths: base_paths_of(&api, &ctx),
            binary_media_types: binary_media_types_of(&api, &ctx),
            url_outputs: url_outputs_of(stack, &api),
            rest_api: api,
            stages,
            routes,
            functions,
        })
    }
}

/// The API's methods as routes (sorted by path and verb) and the functions their
/// Lambda proxy integrations call.
fn routes_of(
    stack: &StackArtifact,
    api: &str,
    ctx: &Render<'_>,
) -> Result<(Vec<Route>, BTreeMap<String, FunctionSpec>), String> {
    let resources = ctx.resources;
    let paths = resource_paths(resources, api);
    let mut routes = Vec::new();
    let mut functions = BTreeMap::new();
    for (_, method) in of_type(resources, "AWS::ApiGateway::Method") {
        let props = method.get("Properties").cloned().unwrap_or_default();
        if ref_target(props.get("RestApiId")) != Some(api) {
            continue;
        }
        let Some((resource_id, resource_path)) = method_resource(&props, api, &paths) else {
            continue;
        };
        let http_method = props
            .get("HttpMethod")
            .and_then(Value::as_str)
            .unwrap_or("ANY")
            .to_ascii_uppercase();
        let integration = integration_of(&props, resources);
        if let Integration::LambdaProxy(function) = &integration
            && !functions.contains_key(function)
        {
            functions.insert(function.clone(), function_spec(stack, function, ctx)?);
        }
        routes.push(Route {
            resource_path,
            resource_id,
            http_method,
            integration,
        });
    }
    if routes.is_empty() {
        return Err(format!("the RestApi {api} has no methods"));
    }
    routes.sort_by(|a, b| {
        (&a.resource_path, &a.http_method).cmp(&(&b.resource_path, &b.http_method))
    });
    Ok((routes, functions))
}

/// The API's stage names (of its `Stage`s and `Deployment`s), sorted.
fn stages_of(api: &str, ctx: &Render<'_>) -> Vec<String> {
    let mut stages: Vec<String> = ["AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"]
        .into_iter()
        .flat_map(|kind| of_type(ctx.resources, kind))
        .filter(|(_, r)| ref_target(r.pointer("/Properties/RestApiId")) == Some(api))
        .filter_map(|(_, r)| r.pointer("/Properties/StageName").map(|v| ctx.render(v)))
        .collect();
    stages.sort();
    stages.dedup();
    stages
}

/// The base paths custom domains map to the API (`(none)` and empty left out).
fn base_paths_of(api: &str, ctx: &Render<'_>) -> Vec<String> {
    let mut base_paths: Vec<String> = of_type(ctx.resources, "AWS::ApiGateway::BasePathMapping")
        .into_iter()
        .filter(|(_, r)| ref_target(r.pointer("/Properties/RestApiId")) == Some(api))
        .filter_map(|(_, r)| r.pointer("/Properties/BasePath").map(|v| ctx.render(v)))
        .map(|p| p.trim_matches('/').to_owned())
        .filter(|p| !p.is_empty() && p != "(none)")
        .collect();
    base_paths.sort();
    base_paths.dedup();
    base_paths
}

/// The API's `BinaryMediaTypes`.
fn binary_media_types_of(api: &str, ctx: &Render<'_>) -> Vec<String> {
    ctx.resources
        .get(api)
        .and_then(|r| r.pointer("/Properties/BinaryMediaTypes"))
        .and_then(Value::as_array)
        .map(|types| types.iter().map(|t| ctx.render(t)).collect())
        .unwrap_or_default()
}

/// The stack outputs whose value refers to the API (its URLs).
fn url_outputs_of(stack: &StackArtifact, api: &str) -> Vec<String> {
    stack
        .template
        .get("Outputs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, output)| output.get("Value").is_some_and(|v| references(v, api)))
        .map(|(key, _)| key.clone())
        .collect()
}

fn of_type<'a>(resources: &'a Map<String, Value>, kind: &str) -> Vec<(&'a str, &'a Value)> {
    resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
        .map(|(id, r)| (id.as_str(), r))
        .collect()
}

/// `{"Ref": "X"}` → `X`.
fn ref_target(value: Option<&Value>) -> Option<&str> {
    value?.get("Ref")?.as_str()
}

/// `{"Fn::GetAtt": ["X", "Attr"]}` → `(X, Attr)`.
fn get_att(value: Option<&Value>) -> Option<(&str, &str)> {
    let parts = value?.get("Fn::GetAtt")?.as_array()?;
    Some((parts.first()?.as_str()?, parts.get(1)?.as_str()?))
}

fn references(value: &Value, logical_id: &str) -> bool {
    match value {
        Value::Object(map) => {
            map.get("Ref").and_then(Value::as_str) == Some(logical_id)
                || map.values().any(|v| references(v, logical_id))
        }
        Value::Array(items) => items.iter().any(|v| references(v, logical_id)),
        _ => false,
    }
}

/// Full path of every `AWS::ApiGateway::Resource` of the API, by logical id.
fn resource_paths(resources: &Map<String, Value>, api: &str) -> BTreeMap<String, String> {
    let mut paths = BTreeMap::new();
    let own: Vec<_> = of_type(resources, "AWS::ApiGateway::Resource")
        .into_iter()
        .filter(|(_, r)| ref_target(r.pointer("/Properties/RestApiId")) == Some(api))
        .collect();
    // Parents come before children after at most `own.len()` passes.
    for _ in 0..=own.len() {
        for (id, resource) in &own {
            if paths.contains_key(*id) {
                continue;
            }
            let parent = resource.pointer("/Properties/ParentId");
            let part = resource
                .pointer("/Properties/PathPart")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let parent_path = match (get_att(parent), ref_target(parent)) {
                (Some((owner, "RootResourceId")), _) if owner == api => Some(String::new()),
                (_, Some(parent_id)) => paths.get(parent_id).cloned(),
                _ => None,
            };
            if let Some(parent_path) = parent_path {
                paths.insert(id.to_string(), format!("{parent_path}/{part}"));
            }
        }
    }
    paths
}

fn method_resource(
    props: &Value,
    api: &str,
    paths: &BTreeMap<String, String>,
) -> Option<(String, String)> {
    let resource = props.get("ResourceId");
    if let Some((owner, "RootResourceId")) = get_att(resource)
        && owner == api
    {
        return Some((api.to_owned(), "/".to_owned()));
    }
    let id = ref_target(resource)?;
    Some((id.to_owned(), paths.get(id)?.clone()))
}

fn integration_of(props: &Value, resources: &Map<String, Value>) -> Integration {
    let kind = props
        .pointer("/Integration/Type")
        .and_then(Value::as_str)
        .unwrap_or("NONE");
    if kind != "AWS_PROXY" {
        return Integration::Unsupported(kind.to_owned());
    }
    match props
        .pointer("/Integration/Uri")
        .and_then(|uri| find_function_arn(uri, resources))
    {
        Some(function) => Integration::LambdaProxy(function),
        None => Integration::Unsupported(
            "AWS_PROXY to something other than a Lambda function of this stack".into(),
        ),
    }
}

fn find_function_arn(value: &Value, resources: &Map<String, Value>) -> Option<String> {
    if let Some((id, "Arn")) = get_att(Some(value))
        && resources
            .get(id)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            == Some("AWS::Lambda::Function")
    {
        return Some(id.to_owned());
    }
    match value {
        Value::Object(map) => map.values().find_map(|v| find_function_arn(v, resources)),
        Value::Array(items) => items.iter().find_map(|v| find_function_arn(v, resources)),
        _ => None,
    }
}

fn function_spec(
    stack: &StackArtifact,
    id: &str,
    ctx: &Render<'_>,
) -> Result<FunctionSpec, String> {
    let props = ctx
        .resources
        .get(id)
        .and_then(|r| r.get("Properties"))
        .cloned()
        .unwrap_or_default();
    let s3_key = props
        .pointer("/Code/S3Key")
        .map(|v| ctx.render(v))
        .ok_or_else(|| {
            format!("function {id} has no Code.S3Key (inline or image code cannot run locally)")
        })?;
    let code = stack.assets_by_object_key.get(&s3_key).cloned().ok_or_else(|| {
        format!("function {id}: code asset {s3_key} is not in the cloud assembly; synthesize with bundling enabled")
    })?;
    let environment = props
        .pointer("/Environment/Variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), ctx.render(v)))
        .collect();
    let number =
        |key: &str, default: u64| props.get(key).and_then(Value::as_u64).unwrap_or(default);
    Ok(FunctionSpec {
        logical_id: id.to_owned(),
        function_name: props
            .get("FunctionName")
            .map(|v| ctx.render(v))
            .unwrap_or_else(|| format!("{}-{id}", stack.stack_name)),
        handler: props
            .get("Handler")
            .map(|v| ctx.render(v))
            .unwrap_or_default(),
        runtime: props
            .get("Runtime")
            .map(|v| ctx.render(v))
            .unwrap_or_default(),
        timeout: Duration::from_secs(number("Timeout", 3)),
        memory_mb: number("MemorySize", 128),
        environment,
        code,
    })
}

/// Renders template values to the strings a local process sees.
struct Render<'a> {
    stack_name: &'a str,
    pseudo: &'a PseudoParameters,
    resources: &'a Map<String, Value>,
}

impl Render<'_> {
    fn render(&self, value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            Value::Array(items) => items
                .iter()
                .map(|v| self.render(v))
                .collect::<Vec<_>>()
                .join(","),
            Value::Object(map) => self.render_intrinsic(map),
        }
    }

    fn render_intrinsic(&self, map: &Map<String, Value>) -> String {
        if let Some(target) = map.get("Ref").and_then(Value::as_str) {
            return match target {
                "AWS::Region" => self.pseudo.region.clone(),
                "AWS::AccountId" => self.pseudo.account.clone(),
                "AWS::Partition" => "aws".into(),
                "AWS::URLSuffix" => "amazonaws.com".into(),
                "AWS::StackName" => self.stack_name.into(),
                "AWS::NoValue" => String::new(),
                other => match self.resources.get(other) {
                    // A stage's Ref is its name; everything else stands in as its id.
                    Some(r)
                        if r.get("Type").and_then(Value::as_str)
                            == Some("AWS::ApiGateway::Stage") =>
                    {
                        r.pointer("/Properties/StageName")
                            .map(|v| self.render(v))
                            .unwrap_or_else(|| other.into())
                    }
                    _ => other.into(),
                },
            };
        }
        if let Some((id, attr)) = get_att(Some(&Value::Object(map.clone()))) {
            return format!("{id}.{attr}");
        }
        if let Some(parts) = map.get("Fn::Join").and_then(Value::as_array)
            && let (Some(sep), Some(Value::Array(items))) =
                (parts.first().and_then(Value::as_str), parts.get(1))
        {
            return items
                .iter()
                .map(|v| self.render(v))
                .collect::<Vec<_>>()
                .join(sep);
        }
        Value::Object(map.clone()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The AWS CDK v2 reference template of the rootski stack (golden fixture).
    fn reference_stack() -> StackArtifact {
        let template: Value = serde_json::from_str(include_str!(
            "../../../rootski-backend-cdk/tests/fixtures/cdk-reference/Rootski-Lambda-REST-API-Stack.template.json"
        ))
        .expect("fixture");
        let mut assets = BTreeMap::new();
        assets.insert(
            "490035d1448c12836c2402543c6a008dac342057a7e9a45ea88aea3fbb842c1d.zip".to_owned(),
            FileAsset {
                path: Path::new("/cdk.out/asset.4900").to_path_buf(),
                packaging: "zip".into(),
            },
        );
        StackArtifact {
            id: "Rootski-Lambda-REST-API-Stack".into(),
            stack_name: "Rootski-Lambda-REST-API-Stack".into(),
            template,
            assets_by_object_key: assets,
        }
    }

    #[test]
    fn discovers_the_rootski_rest_api() {
        let api = LocalApi::from_stack(&reference_stack(), None, &PseudoParameters::default())
            .expect("api");
        assert_eq!(api.rest_api, "RootskiLambdaRESTAPID681409C");
        assert_eq!(api.stages, vec!["prod"]);
        assert_eq!(api.base_paths, vec!["v1"]);
        let routes: Vec<_> = api
            .routes
            .iter()
            .map(|r| (r.resource_path.as_str(), r.http_method.as_str()))
            .collect();
        assert_eq!(routes, vec![("/", "ANY"), ("/{proxy+}", "ANY")]);
        assert!(
            api.url_outputs.contains(&"ApiGatewayUrl".to_owned()),
            "{:?}",
            api.url_outputs
        );
        let function = &api.functions["RootskiFastAPILambdaD3EDB025"];
        assert_eq!(function.handler, "bootstrap");
        assert_eq!(function.runtime, "provided.al2023");
        assert_eq!(function.timeout, Duration::from_secs(30));
        assert_eq!(function.memory_mb, 512);
        assert_eq!(function.environment["ROOTSKI__ENVIRONMENT"], "prod");
        assert_eq!(
            function.environment["ROOTSKI__OBJECT_CACHE_BUCKET_NAME"],
            "RootskiBackendCacheBucket97E33BED"
        );
        assert_eq!(function.code.packaging, "zip");
    }

    #[test]
    fn missing_asset_is_a_clear_error() {
        let mut stack = reference_stack();
        stack.assets_by_object_key.clear();
        let err =
            LocalApi::from_stack(&stack, None, &PseudoParameters::default()).expect_err("no asset");
        assert!(
            err.to_string().contains("not in the cloud assembly"),
            "{err}"
        );
    }

    #[test]
    fn nested_resource_paths() {
        let resources: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "Api": {"Type": "AWS::ApiGateway::RestApi"},
            "Items": {"Type": "AWS::ApiGateway::Resource", "Properties": {
                "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "items", "RestApiId": {"Ref": "Api"}}},
            "Item": {"Type": "AWS::ApiGateway::Resource", "Properties": {
                "ParentId": {"Ref": "Items"}, "PathPart": "{id}", "RestApiId": {"Ref": "Api"}}}
        }))
        .expect("json");
        let paths = resource_paths(&resources, "Api");
        assert_eq!(paths["Item"], "/items/{id}");
        assert_eq!(paths["Items"], "/items");
    }
}

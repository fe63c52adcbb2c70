//! `Deployment` (whose logical id carries CDK's content hash) and `Stage`.

use std::cell::RefCell;
use std::rc::Rc;

use cdk::{CfnElement, Construct, Stack};
use serde_json::{Map, Value};

use super::deployment_hash::hashed_logical_id;
use super::{CfnDeployment, CfnDeploymentProps, CfnStage, CfnStageProps};
use crate::cfn::CfnProps;
use crate::error::Result;

/// The API's deployment: an `AWS::ApiGateway::Deployment` re-created whenever the API
/// changes (see [`super::deployment_hash`]).
#[derive(Clone)]
pub struct Deployment {
    construct: Construct,
    resource: CfnDeployment,
    components: Rc<RefCell<Vec<Value>>>,
}

impl std::fmt::Debug for Deployment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Deployment({})", self.construct.path())
    }
}

impl Deployment {
    /// Creates the deployment `id` of `rest_api_id` under `scope`. `api_template` renders
    /// the RestApi's own `{"Resources": {...}}` fragment, the last hash component.
    pub(crate) fn new(
        scope: &Construct,
        id: &str,
        rest_api_id: String,
        description: Option<String>,
        api_template: impl Fn() -> Result<Value> + 'static,
    ) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.Deployment");
        let resource = CfnDeployment::new(
            &construct,
            "Resource",
            CfnDeploymentProps {
                description,
                rest_api_id: Some(rest_api_id),
                ..Default::default()
            },
        )?;
        resource.add_metadata_entry("aws:cdk:do-not-refactor", Value::Bool(true));
        let components: Rc<RefCell<Vec<Value>>> = Rc::default();
        let (r, comps) = (resource.resource().clone(), components.clone());
        construct.add_prepare_hook(move || {
            let stack = Stack::of(&r)?;
            let original = stack.get_logical_id(&r)?;
            let mut resolved = Vec::new();
            for c in comps.borrow().iter() {
                resolved.push(stack.resolve(c)?);
            }
            let api =
                api_template().map_err(|e| cdk::Error::validation(r.path(), e.to_string()))?;
            resolved.push(stack.resolve(&api)?);
            r.override_logical_id(&hashed_logical_id(&original, &resolved))
        });
        Ok(Self {
            construct,
            resource,
            components,
        })
    }

    /// Adds data to the logical-id hash (CDK's `addToLogicalId`).
    pub fn add_to_logical_id(&self, data: Value) {
        self.components.borrow_mut().push(data);
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::ApiGateway::Deployment` resource.
    pub fn resource(&self) -> &CfnDeployment {
        &self.resource
    }

    /// `Ref Deployment` (the deployment id).
    pub fn deployment_id(&self) -> String {
        self.resource.ref_()
    }
}

/// A stage (`AWS::ApiGateway::Stage`) pointing at a deployment.
#[derive(Clone, Debug)]
pub struct Stage {
    construct: Construct,
    resource: CfnStage,
}

impl Stage {
    /// Creates stage `stage_name` as construct `id` under `scope`.
    pub(crate) fn new(
        scope: &Construct,
        id: &str,
        rest_api_id: String,
        deployment: &Deployment,
        stage_name: &str,
    ) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.Stage");
        let resource = CfnStage::new(
            &construct,
            "Resource",
            CfnStageProps {
                deployment_id: Some(deployment.deployment_id()),
                rest_api_id: Some(rest_api_id),
                stage_name: Some(stage_name.to_string()),
                ..Default::default()
            },
        )?;
        Ok(Self {
            construct,
            resource,
        })
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::ApiGateway::Stage` resource.
    pub fn resource(&self) -> &CfnStage {
        &self.resource
    }

    /// `Ref Stage` (the stage name, known once deployed).
    pub fn stage_name(&self) -> String {
        self.resource.ref_()
    }
}

/// `{"Resources": {<logical id>: {"Type": ..., "Properties": ...}}}` of one typed L1
/// (what CDK's `_toCloudFormation()` gives for the hash).
pub(crate) fn resource_fragment<P: CfnProps + 'static>(
    resource: &crate::cfn::Cfn<P>,
) -> Result<Value> {
    let stack = Stack::of(resource)?;
    let logical_id = stack.get_logical_id(resource.resource())?;
    let mut body = Map::new();
    body.insert("Type".into(), Value::String(P::RESOURCE_TYPE.into()));
    let props = resource.props().render(resource.path())?;
    if props.as_object().is_some_and(|m| !m.is_empty()) {
        body.insert("Properties".into(), props);
    }
    let mut resources = Map::new();
    resources.insert(logical_id, Value::Object(body));
    let mut out = Map::new();
    out.insert("Resources".into(), Value::Object(resources));
    Ok(Value::Object(out))
}

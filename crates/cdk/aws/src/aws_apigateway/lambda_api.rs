//! `LambdaRestApi`: a REST API whose every path and method proxies to one function.

use cdk::Construct;

use super::{ApiResource, DomainNameOptions, RestApi, RestApiProps};
use crate::aws_lambda::Function;
use crate::error::Result;

/// Properties of a [`LambdaRestApi`].
#[derive(Debug, Clone)]
pub struct LambdaRestApiProps {
    /// The function receiving every request.
    pub handler: Function,
    /// `Description` of the API (and its deployment).
    pub description: Option<String>,
    /// A custom domain.
    pub domain_name: Option<DomainNameOptions>,
    /// Add `{proxy+}` with `ANY` on it and on `/` (default true).
    pub proxy: Option<bool>,
    /// Other RestApi settings (name, stage, CloudWatch role).
    pub rest_api: RestApiProps,
}

impl LambdaRestApiProps {
    /// Proxy everything to `handler`.
    pub fn new(handler: &Function) -> Self {
        Self {
            handler: handler.clone(),
            description: None,
            domain_name: None,
            proxy: None,
            rest_api: RestApiProps::default(),
        }
    }
}

/// A Lambda-backed REST API (CDK's `apigateway.LambdaRestApi`).
#[derive(Clone, Debug)]
pub struct LambdaRestApi {
    api: RestApi,
    proxy: Option<ApiResource>,
}

impl LambdaRestApi {
    /// Creates the API `id` under `scope`.
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: LambdaRestApiProps) -> Result<Self> {
        let rest_props = RestApiProps {
            description: props.description.or(props.rest_api.description.clone()),
            domain_name: props.domain_name,
            ..props.rest_api
        };
        let api = RestApi::new_with_default_handler(scope, id, rest_props, &props.handler)?;
        api.construct()
            .set_construct_info("aws-cdk-lib.aws_apigateway.LambdaRestApi");
        let proxy = if props.proxy.unwrap_or(true) {
            Some(api.root()?.add_proxy(true)?)
        } else {
            None
        };
        Ok(Self { api, proxy })
    }

    /// The underlying API.
    pub fn rest_api(&self) -> &RestApi {
        &self.api
    }

    /// The `{proxy+}` resource, when `proxy` is on.
    pub fn proxy(&self) -> Option<&ApiResource> {
        self.proxy.as_ref()
    }

    /// The stage URL.
    pub fn url(&self) -> Result<String> {
        self.api.url()
    }
}

impl std::ops::Deref for LambdaRestApi {
    type Target = RestApi;
    fn deref(&self) -> &RestApi {
        &self.api
    }
}

impl AsRef<Construct> for LambdaRestApi {
    fn as_ref(&self) -> &Construct {
        self.api.construct()
    }
}

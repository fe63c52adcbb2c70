//! Custom domain names and base path mappings.

use cdk::{Construct, Token};

use super::{
    CfnBasePathMapping, CfnBasePathMappingProps, CfnDomainName, CfnDomainNameProps,
    EndpointConfiguration, RestApi,
};
use crate::aws_certificatemanager::Certificate;
use crate::error::{Error, Result};

/// Where the domain's endpoint lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointType {
    /// CloudFront-backed, certificate in us-east-1 (CDK's default).
    #[default]
    Edge,
    /// In the API's region, certificate in the same region.
    Regional,
}

impl EndpointType {
    fn name(self) -> &'static str {
        match self {
            EndpointType::Edge => "EDGE",
            EndpointType::Regional => "REGIONAL",
        }
    }
}

/// A custom domain for an API (CDK's `DomainNameOptions`).
#[derive(Debug, Clone)]
pub struct DomainNameOptions {
    /// e.g. `api.rootski.io`.
    pub domain_name: String,
    /// The certificate for it.
    pub certificate: Certificate,
    /// Endpoint type (default EDGE).
    pub endpoint_type: EndpointType,
    /// Base path under which the API is mapped (default: the root).
    pub base_path: Option<String>,
    /// `SecurityPolicy`, e.g. `TLS_1_2`.
    pub security_policy: Option<String>,
}

/// A custom domain (`AWS::ApiGateway::DomainName`).
#[derive(Clone, Debug)]
pub struct DomainName {
    construct: Construct,
    resource: CfnDomainName,
    endpoint_type: EndpointType,
}

impl DomainName {
    /// Creates the domain `id` under `scope`, mapped to `mapping` when given.
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        options: DomainNameOptions,
        mapping: Option<&RestApi>,
    ) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.DomainName");
        let edge = options.endpoint_type == EndpointType::Edge;
        let cert = options.certificate.certificate_arn();
        let resource = CfnDomainName::new(
            &construct,
            "Resource",
            CfnDomainNameProps {
                certificate_arn: edge.then(|| cert.clone()),
                domain_name: Some(options.domain_name.clone()),
                endpoint_configuration: Some(EndpointConfiguration {
                    types: Some(vec![options.endpoint_type.name().to_string()]),
                    vpc_endpoint_ids: None,
                }),
                regional_certificate_arn: (!edge).then_some(cert),
                security_policy: options.security_policy.clone(),
                ..Default::default()
            },
        )?;
        let domain = Self {
            construct,
            resource,
            endpoint_type: options.endpoint_type,
        };
        if let Some(api) = mapping {
            domain.add_base_path_mapping(api, options.base_path.as_deref())?;
        }
        Ok(domain)
    }

    /// Maps `api` (its deployed stage) under `base_path` (construct id
    /// `Map:<base path or none>=><api unique id>`, as CDK).
    pub fn add_base_path_mapping(
        &self,
        api: &RestApi,
        base_path: Option<&str>,
    ) -> Result<BasePathMapping> {
        if let Some(bp) = base_path {
            validate_base_path(&self.construct, bp)?;
        }
        let id = format!(
            "Map:{}=>{}",
            base_path.unwrap_or("none"),
            api.construct().unique_id()
        );
        BasePathMapping::new(&self.construct, &id, self, api, base_path)
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::ApiGateway::DomainName` resource.
    pub fn resource(&self) -> &CfnDomainName {
        &self.resource
    }

    /// `Ref DomainName` (the domain name).
    pub fn domain_name(&self) -> String {
        self.resource.ref_()
    }

    /// The name Route 53 aliases point at (regional or CloudFront).
    pub fn domain_name_alias_domain_name(&self) -> String {
        match self.endpoint_type {
            EndpointType::Edge => self.resource.get_att("DistributionDomainName"),
            EndpointType::Regional => self.resource.get_att("RegionalDomainName"),
        }
    }

    /// The hosted zone of that name.
    pub fn domain_name_alias_hosted_zone_id(&self) -> String {
        match self.endpoint_type {
            EndpointType::Edge => self.resource.get_att("DistributionHostedZoneId"),
            EndpointType::Regional => self.resource.get_att("RegionalHostedZoneId"),
        }
    }
}

/// Single-level base paths only (multi-level ones need `BasePathMappingV2`).
fn validate_base_path(scope: &Construct, base_path: &str) -> Result<()> {
    if Token::is_unresolved(base_path) {
        return Ok(());
    }
    let ok = !base_path.is_empty()
        && !base_path.contains('/')
        && base_path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._+$".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::validation(
            scope.path(),
            format!(
                "base path {base_path:?} may contain only letters, digits and -._+$ (one level, no '/')"
            ),
        ))
    }
}

/// Maps an API stage under a base path of a domain (`AWS::ApiGateway::BasePathMapping`).
#[derive(Clone, Debug)]
pub struct BasePathMapping {
    construct: Construct,
    resource: CfnBasePathMapping,
}

impl BasePathMapping {
    fn new(
        scope: &Construct,
        id: &str,
        domain: &DomainName,
        api: &RestApi,
        base_path: Option<&str>,
    ) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_apigateway.BasePathMapping");
        let resource = CfnBasePathMapping::new(
            &construct,
            "Resource",
            CfnBasePathMappingProps {
                base_path: base_path.map(str::to_string),
                domain_name: Some(domain.domain_name()),
                rest_api_id: Some(api.rest_api_id()),
                stage: api.deployment_stage().map(|s| s.stage_name()),
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

    /// The `AWS::ApiGateway::BasePathMapping` resource.
    pub fn resource(&self) -> &CfnBasePathMapping {
        &self.resource
    }
}

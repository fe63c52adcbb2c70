//! Alias targets for Route 53 records (CDK's `aws-route53-targets`).

use crate::aws_apigateway::RestApi;
use crate::aws_route53::{AliasRecordTarget, AliasRecordTargetConfig};
use crate::error::{Error, Result};

/// Alias to the custom domain of an API (CDK's `targets.ApiGateway`).
#[derive(Debug, Clone)]
pub struct ApiGateway {
    api: RestApi,
}

impl ApiGateway {
    /// Targets `api`'s custom domain.
    pub fn new(api: &RestApi) -> Self {
        Self { api: api.clone() }
    }
}

impl AliasRecordTarget for ApiGateway {
    fn bind(&self) -> Result<AliasRecordTargetConfig> {
        let domain = self.api.domain_name().ok_or_else(|| {
            Error::validation(
                self.api.construct().path(),
                "the API has no custom domain: set domain_name on the API before aliasing a record to it",
            )
        })?;
        Ok(AliasRecordTargetConfig {
            dns_name: domain.domain_name_alias_domain_name(),
            hosted_zone_id: domain.domain_name_alias_hosted_zone_id(),
        })
    }
}

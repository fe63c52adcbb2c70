//! `HostedZone::from_lookup`: a zone found through the `hosted-zone` context provider.
//!
//! The answer comes from context (`cdk.context.json`); when it is missing, the lookup is
//! recorded in the assembly's `missing` list and a dummy zone (`DUMMY`) is returned, so
//! the CLI can explain which key to supply — never a silent guess.

use cdk::{Construct, ContextProvider, GetContextValueOptions};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// What to look up.
#[derive(Debug, Clone, Default)]
pub struct HostedZoneProviderProps {
    /// The zone's domain name, e.g. `rootski.io`.
    pub domain_name: String,
    /// Look for a private zone.
    pub private_zone: Option<bool>,
    /// The VPC of a private zone.
    pub vpc_id: Option<String>,
}

/// A hosted zone known by id and name.
#[derive(Debug, Clone, PartialEq)]
pub struct HostedZone {
    hosted_zone_id: String,
    zone_name: String,
}

impl HostedZone {
    /// A zone from literal attributes.
    pub fn from_attributes(hosted_zone_id: &str, zone_name: &str) -> Self {
        Self {
            hosted_zone_id: hosted_zone_id.to_string(),
            zone_name: zone_name.to_string(),
        }
    }

    /// Looks the zone up by domain name (adds an empty construct `id`, as CDK).
    pub fn from_lookup(
        scope: &impl AsRef<Construct>,
        id: &str,
        query: HostedZoneProviderProps,
    ) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.Resource");
        let mut props = Map::new();
        props.insert(
            "domainName".into(),
            Value::String(query.domain_name.clone()),
        );
        if let Some(p) = query.private_zone {
            props.insert("privateZone".into(), Value::Bool(p));
        }
        if let Some(v) = &query.vpc_id {
            props.insert("vpcId".into(), Value::String(v.clone()));
        }
        let dummy = serde_json::json!({ "Id": "DUMMY", "Name": query.domain_name });
        let result = ContextProvider::get_value(
            &construct,
            GetContextValueOptions {
                provider: "hosted-zone".into(),
                props,
                dummy_value: dummy,
                ..Default::default()
            },
        )?;
        let id_value = result
            .value
            .get("Id")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Error::validation(
                    construct.path(),
                    format!(
                        "hosted-zone context value for {} has no \"Id\" string: {}",
                        query.domain_name, result.value
                    ),
                )
            })?;
        Ok(Self {
            hosted_zone_id: id_value.trim_start_matches("/hostedzone/").to_string(),
            zone_name: query.domain_name,
        })
    }

    /// The zone id without the `/hostedzone/` prefix.
    pub fn hosted_zone_id(&self) -> &str {
        &self.hosted_zone_id
    }

    /// The zone's domain name.
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }
}

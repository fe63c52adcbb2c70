//! Missing-context resolution: the lookups synthesis could not answer (the
//! manifest's `missing` entries) are asked of AWS — Route 53 `ListHostedZonesByName`
//! for `hosted-zone`, EC2 `DescribeAvailabilityZones` for `availability-zones` — with
//! the entry's `lookupRoleArn` assumed (falling back to the caller's credentials for
//! the caller's own account, see [`super::roles`]), and merged into `cdk.context.json`
//! without touching the keys it already has.

use std::path::Path;

use serde_json::{Map, Value};

use super::Ui;
use super::aws::Aws;
use super::roles::{RoleToAssume, Sessions, Target};
use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// One unanswered lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingLookup {
    /// The context key the answer is stored under.
    pub key: String,
    /// `hosted-zone`, `availability-zones`, ...
    pub provider: String,
    /// The lookup's properties (`account`, `region`, `domainName`, ...).
    pub props: Map<String, Value>,
}

impl MissingLookup {
    /// From a manifest `missing` entry.
    pub fn from_manifest(entry: &Value) -> Option<Self> {
        Some(Self {
            key: entry.get("key")?.as_str()?.to_string(),
            provider: entry.get("provider")?.as_str()?.to_string(),
            props: entry
                .get("props")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        })
    }

    fn prop(&self, name: &str) -> Option<&str> {
        self.props.get(name).and_then(Value::as_str)
    }

    /// How to supply the value by hand (used in every error about it).
    pub fn how_to_supply(&self) -> String {
        format!(
            "supply it by hand: add \"{}\": <value> to cdk.context.json, or pass -c '{}=<json value>'",
            self.key, self.key
        )
    }
}

/// Answers every lookup (in order), or fails naming the key and how to supply it.
pub async fn resolve(
    aws: &Aws,
    missing: &[MissingLookup],
    ui: &mut dyn Ui,
) -> Result<Map<String, Value>> {
    let mut answers = Map::new();
    for m in missing {
        let value = match m.provider.as_str() {
            "hosted-zone" => hosted_zone(&lookup_session(aws, m, ui).await?, m).await?,
            "availability-zones" => {
                availability_zones(&lookup_session(aws, m, ui).await?, m).await?
            }
            other => {
                return Err(ToolkitError::UnsupportedLookup {
                    key: m.key.clone(),
                    provider: other.to_owned(),
                    how_to_supply: m.how_to_supply(),
                });
            }
        };
        answers.insert(m.key.clone(), value);
    }
    Ok(answers)
}

/// The credentials and region for one lookup: the lookup's environment (`account`,
/// `region`, else the caller's), its `lookupRoleArn` assumed.
async fn lookup_session(aws: &Aws, m: &MissingLookup, ui: &mut dyn Ui) -> Result<(Aws, String)> {
    let region = m
        .prop("region")
        .map(str::to_owned)
        .or_else(|| aws.region())
        .unwrap_or_else(|| "us-east-1".into());
    let needs = |e: ToolkitError| ToolkitError::LookupNeedsCredentials {
        key: m.key.clone(),
        provider: m.provider.clone(),
        cause: Box::new(e),
        how_to_supply: m.how_to_supply(),
    };
    let caller = aws.caller(&region).await.map_err(needs)?;
    let target = Target {
        account: m
            .prop("account")
            .map_or_else(|| caller.account.clone(), str::to_owned),
        region: region.clone(),
        partition: caller.partition.clone(),
    };
    let role = m
        .prop("lookupRoleArn")
        .map(|arn| RoleToAssume::resolve(arn, m.prop("lookupRoleExternalId"), &target));
    let purpose = format!("looking up context \"{}\"", m.key);
    let session = Sessions::new(aws, caller)
        .for_role(&target, role.as_ref(), &purpose, ui)
        .await
        .map_err(|e| ToolkitError::LookupFailed {
            cause: Box::new(e),
            how_to_supply: m.how_to_supply(),
        })?;
    Ok((session, region))
}

/// The names of the region's zones in state `available`, in the order EC2 lists
/// them — what the CDK's availability-zones provider answers.
async fn availability_zones(session: &(Aws, String), m: &MissingLookup) -> Result<Value> {
    let (aws, region) = session;
    let zones = super::ec2::describe_availability_zones(aws.sdk_config(), region)
        .await
        .map_err(|e| ToolkitError::LookupFailed {
            cause: Box::new(e),
            how_to_supply: m.how_to_supply(),
        })?;
    let names: Vec<Value> = zones
        .into_iter()
        .filter(|z| z.state == "available")
        .map(|z| Value::String(z.name))
        .collect();
    Ok(Value::Array(names))
}

/// `{"Id": "/hostedzone/Z..", "Name": "example.com."}` of the one zone matching the
/// lookup (`domainName`, `privateZone`), as the CDK's hosted-zone provider answers.
async fn hosted_zone(session: &(Aws, String), m: &MissingLookup) -> Result<Value> {
    let (aws, region) = session;
    let domain = m
        .prop("domainName")
        .ok_or_else(|| ToolkitError::LookupWithout {
            key: m.key.clone(),
            property: "domainName".into(),
        })?;
    let private = m
        .props
        .get("privateZone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let account = m.prop("account").map_or_else(
        || "the credentials' account".into(),
        |a| format!("account {a}"),
    );
    let fqdn = format!("{}.", domain.trim_end_matches('.'));
    let out = aws
        .route53(region)
        .list_hosted_zones_by_name()
        .dns_name(&fqdn)
        .send()
        .await
        .map_err(|e| {
            aws_error(
                "Route 53 ListHostedZonesByName",
                format!("looking up the hosted zone {fqdn}"),
                e,
            )
        })?;
    let matches: Vec<_> = out
        .hosted_zones()
        .iter()
        .filter(|z| z.name() == fqdn)
        .filter(|z| z.config().map(|c| c.private_zone()).unwrap_or(false) == private)
        .collect();
    match matches.as_slice() {
        [zone] => Ok(serde_json::json!({"Id": zone.id(), "Name": zone.name()})),
        [] => Err(ToolkitError::NoHostedZone {
            kind: if private { "private" } else { "public" },
            name: fqdn,
            account,
            how_to_supply: m.how_to_supply(),
        }),
        many => Err(ToolkitError::AmbiguousHostedZone {
            count: many.len(),
            name: fqdn,
            how_to_supply: m.how_to_supply(),
        }),
    }
}

/// Merges `answers` into the JSON object in `path` (created when missing); existing
/// keys other than the answered ones are kept as they are.
pub fn merge_context_file(path: &Path, answers: &Map<String, Value>) -> Result<()> {
    let mut current = match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(ToolkitError::ContextFileNotObject {
                    path: path.to_path_buf(),
                });
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(source) => {
            return Err(ToolkitError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    for (k, v) in answers {
        current.insert(k.clone(), v.clone());
    }
    let text =
        serde_json::to_string_pretty(&Value::Object(current)).map_err(ToolkitError::Encode)?;
    std::fs::write(path, text + "\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_existing_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cdk.context.json");
        std::fs::write(&path, r#"{"a": 1, "b": {"x": true}}"#).expect("write");
        let mut answers = Map::new();
        answers.insert("c".into(), serde_json::json!({"Id": "/hostedzone/Z"}));
        merge_context_file(&path, &answers).expect("merge");
        let merged: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        assert_eq!(merged["a"], 1);
        assert_eq!(merged["b"]["x"], true);
        assert_eq!(merged["c"]["Id"], "/hostedzone/Z");
    }

    #[test]
    fn merge_refuses_to_overwrite_garbage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cdk.context.json");
        std::fs::write(&path, "[1,2]").expect("write");
        assert!(merge_context_file(&path, &Map::new()).is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "[1,2]");
    }
}

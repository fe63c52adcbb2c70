//! The DefaultStackSynthesizer: bootstrap conventions (qualifier, asset bucket, role
//! ARNs, `BootstrapVersion` parameter + `CheckBootstrapVersion` rule) and file assets.
//!
//! Invariants (aws-cdk-lib 2.276): names are templates with `${Qualifier}`,
//! `${AWS::AccountId}`, `${AWS::Region}`, `${AWS::Partition}`; the qualifier is always
//! substituted, account/region only when the stack's are concrete, the partition
//! never. In the template a name still holding `${...}` becomes `Fn::Sub`.

use std::cell::RefCell;
use std::path::PathBuf;

use serde_json::Value;

use crate::token::Token;
use crate::{Fn, Result, Stack};

/// CDK's default qualifier.
pub const DEFAULT_QUALIFIER: &str = "hnb659fds";

/// Settings of the DefaultStackSynthesizer (all optional; CDK's defaults otherwise).
#[derive(Debug, Clone)]
pub struct SynthesizerProps {
    /// Bootstrap qualifier (`hnb659fds`).
    pub qualifier: String,
    /// Asset bucket name template.
    pub file_assets_bucket_name: String,
    /// Deploy role ARN template.
    pub deploy_role_arn: String,
    /// CloudFormation execution role ARN template.
    pub cloud_formation_execution_role: String,
    /// File publishing role ARN template.
    pub file_asset_publishing_role_arn: String,
    /// Lookup role ARN template.
    pub lookup_role_arn: String,
    /// SSM parameter holding the bootstrap version.
    pub bootstrap_stack_version_ssm_parameter: String,
    /// Emit `BootstrapVersion` + `CheckBootstrapVersion`.
    pub generate_bootstrap_version_rule: bool,
    /// Prefix of asset object keys.
    pub bucket_prefix: String,
}

impl Default for SynthesizerProps {
    fn default() -> Self {
        let role = |name: &str| {
            format!(
                "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/cdk-${{Qualifier}}-{name}-${{AWS::AccountId}}-${{AWS::Region}}"
            )
        };
        SynthesizerProps {
            qualifier: DEFAULT_QUALIFIER.into(),
            file_assets_bucket_name: "cdk-${Qualifier}-assets-${AWS::AccountId}-${AWS::Region}"
                .into(),
            deploy_role_arn: role("deploy-role"),
            cloud_formation_execution_role: role("cfn-exec-role"),
            file_asset_publishing_role_arn: role("file-publishing-role"),
            lookup_role_arn: role("lookup-role"),
            bootstrap_stack_version_ssm_parameter: "/cdk-bootstrap/${Qualifier}/version".into(),
            generate_bootstrap_version_rule: true,
            bucket_prefix: String::new(),
        }
    }
}

/// Minimum bootstrap stack version this synthesizer needs (CDK: 6).
pub const MIN_BOOTSTRAP_VERSION: u32 = 6;
/// Minimum bootstrap version for the lookup role (CDK: 8).
pub const MIN_LOOKUP_ROLE_BOOTSTRAP_VERSION: u32 = 8;

/// How a file asset is packaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAssetPackaging {
    /// A directory, zipped when published (`"zip"`).
    ZipDirectory,
    /// A single file uploaded as-is (`"file"`).
    File,
}

impl FileAssetPackaging {
    /// Manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FileAssetPackaging::ZipDirectory => "zip",
            FileAssetPackaging::File => "file",
        }
    }
}

/// A file or directory to publish to the asset bucket.
#[derive(Debug, Clone)]
pub struct FileAssetSource {
    /// File or directory on disk (staged into the assembly at synthesis).
    pub source_path: PathBuf,
    /// Packaging.
    pub packaging: FileAssetPackaging,
    /// Content hash; computed from the contents (sha256 fingerprint) when `None`.
    pub source_hash: Option<String>,
    /// Name shown by the CLI when publishing.
    pub display_name: Option<String>,
}

/// Where a file asset lands, as CloudFormation values (CDK's `FileAssetLocation`).
#[derive(Debug, Clone, PartialEq)]
pub struct FileAssetLocation {
    /// Bucket name (a `Fn::Sub` token when environment-agnostic).
    pub bucket_name: String,
    /// Object key, `<hash>.zip` or `<hash><ext>`.
    pub object_key: String,
    /// `https://s3.<region>.<urlSuffix>/<bucket>/<key>`.
    pub http_url: String,
    /// `s3://<bucket>/<key>`.
    pub s3_object_url: String,
    /// `s3://<bucket>/<key>` with `${...}` placeholders kept.
    pub s3_object_url_with_placeholders: String,
    /// The asset hash.
    pub source_hash: String,
    /// Where the asset is staged inside the assembly (`asset.<hash>` for a directory,
    /// `asset.<hash><ext>` for a file) — the value of CDK's `aws:asset:path` resource
    /// metadata.
    pub asset_path: String,
}

/// A file asset registered with a stack.
#[derive(Debug, Clone)]
pub(crate) struct FileAssetEntry {
    pub source: FileAssetSource,
    pub hash: String,
    pub object_key: String,
}

pub(crate) struct SynthesizerState {
    pub props: SynthesizerProps,
    pub file_assets: RefCell<Vec<FileAssetEntry>>,
}

impl SynthesizerState {
    pub fn new(props: SynthesizerProps) -> Self {
        SynthesizerState {
            props,
            file_assets: RefCell::default(),
        }
    }
}

/// Replaces `${AWS::AccountId}` / `${AWS::Region}` when concrete, `${Qualifier}` always.
pub(crate) fn specialize(template: &str, stack: &Stack, qualifier: &str) -> String {
    let mut s = template.replace("${Qualifier}", qualifier);
    let account = stack.account();
    if !Token::is_unresolved(&account) {
        s = s.replace("${AWS::AccountId}", &account);
    }
    let region = stack.region();
    if !Token::is_unresolved(&region) {
        s = s.replace("${AWS::Region}", &region);
    }
    s
}

fn cfnify(s: &str) -> String {
    if s.contains("${") {
        Fn::sub(s)
    } else {
        s.to_string()
    }
}

/// The synthesizer of one stack (a handle; cheap to create).
pub struct DefaultStackSynthesizer {
    stack: Stack,
}

impl DefaultStackSynthesizer {
    pub(crate) fn new(stack: Stack) -> Self {
        DefaultStackSynthesizer { stack }
    }

    fn props(&self) -> &SynthesizerProps {
        &self.stack.state().synthesizer.props
    }

    /// A name template specialized for this stack.
    pub fn specialize(&self, template: &str) -> String {
        specialize(template, &self.stack, &self.props().qualifier)
    }

    /// The asset bucket name with placeholders (e.g. `cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}`).
    pub fn bucket_name(&self) -> String {
        self.specialize(&self.props().file_assets_bucket_name)
    }

    /// The qualifier.
    pub fn qualifier(&self) -> String {
        self.props().qualifier.clone()
    }

    /// Registers a file asset: hashes it now (content-only sha256 unless a hash is
    /// given), stages it into the assembly at synthesis as `asset.<hash>[ext]`, and
    /// returns its location as CDK's DefaultStackSynthesizer does.
    pub fn add_file_asset(&self, source: FileAssetSource) -> Result<FileAssetLocation> {
        let hash = match &source.source_hash {
            Some(h) => h.clone(),
            None => crate::assets::fingerprint(&source.source_path)?,
        };
        let ext = match source.packaging {
            FileAssetPackaging::ZipDirectory => ".zip".to_string(),
            FileAssetPackaging::File => source
                .source_path
                .extension()
                .map(|e| format!(".{}", e.to_string_lossy()))
                .unwrap_or_default(),
        };
        let object_key = format!("{}{hash}{ext}", self.props().bucket_prefix);
        let asset_path = staged_name(&source.source_path, &hash);
        {
            let mut assets = self.stack.state().synthesizer.file_assets.borrow_mut();
            if !assets.iter().any(|a| a.hash == hash) {
                assets.push(FileAssetEntry {
                    source,
                    hash: hash.clone(),
                    object_key: object_key.clone(),
                });
            }
        }
        let bucket = self.bucket_name();
        let region = self.stack.region();
        let region = if Token::is_unresolved(&region) {
            "${AWS::Region}".to_string()
        } else {
            region
        };
        let http = format!("https://s3.{region}.${{AWS::URLSuffix}}/{bucket}/{object_key}");
        let s3 = format!("s3://{bucket}/{object_key}");
        Ok(FileAssetLocation {
            bucket_name: cfnify(&bucket),
            object_key,
            http_url: cfnify(&http),
            s3_object_url: cfnify(&s3),
            s3_object_url_with_placeholders: s3,
            source_hash: hash,
            asset_path,
        })
    }

    pub(crate) fn props_bucket_prefix(&self) -> String {
        self.props().bucket_prefix.clone()
    }

    pub(crate) fn bootstrap_parameter(&self) -> String {
        self.specialize(&self.props().bootstrap_stack_version_ssm_parameter)
    }

    /// Adds `BootstrapVersion` + `CheckBootstrapVersion` to the stack (idempotent).
    pub(crate) fn add_bootstrap_version_rule(&self) -> Result<()> {
        if !self.props().generate_bootstrap_version_rule
            || self.stack.try_find_child("BootstrapVersion").is_some()
        {
            return Ok(());
        }
        let param = crate::CfnParameter::new(
            &self.stack,
            "BootstrapVersion",
            crate::CfnParameterProps {
                param_type: Some("AWS::SSM::Parameter::Value<String>".into()),
                default: Some(Value::String(self.bootstrap_parameter())),
                description: Some(
                    "Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]".into(),
                ),
                ..Default::default()
            },
        )?;
        let old: Vec<String> = (1..MIN_BOOTSTRAP_VERSION).map(|v| v.to_string()).collect();
        let assert = Fn::condition_not(Fn::condition_contains(&old, &param.value_as_string()));
        crate::CfnRule::new(
            &self.stack,
            "CheckBootstrapVersion",
            None,
            vec![crate::elements::CfnRuleAssertion {
                assert,
                assert_description: format!(
                    "CDK bootstrap stack version {MIN_BOOTSTRAP_VERSION} required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."
                ),
            }],
        )?;
        Ok(())
    }

    pub(crate) fn role(&self, which: Role) -> String {
        let p = self.props();
        self.specialize(match which {
            Role::Deploy => &p.deploy_role_arn,
            Role::CfnExec => &p.cloud_formation_execution_role,
            Role::FilePublishing => &p.file_asset_publishing_role_arn,
            Role::Lookup => &p.lookup_role_arn,
        })
    }
}

/// `asset.<hash>` for a directory, `asset.<hash><ext>` for a file (CDK's staging name).
pub(crate) fn staged_name(source: &std::path::Path, hash: &str) -> String {
    let ext = if source.is_dir() {
        String::new()
    } else {
        source
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default()
    };
    format!("asset.{hash}{ext}")
}

#[derive(Clone, Copy)]
pub(crate) enum Role {
    Deploy,
    CfnExec,
    FilePublishing,
    Lookup,
}

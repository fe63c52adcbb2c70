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

/// Settings of CDK's `CliCredentialsStackSynthesizer`: assets go to the bootstrap
/// bucket, but deployment uses the CLI's own credentials (no bootstrap roles, no
/// bootstrap version check).
#[derive(Debug, Clone)]
pub struct CliCredentialsStackSynthesizer {
    /// Bootstrap qualifier (`hnb659fds`).
    pub qualifier: String,
    /// Asset bucket name template.
    pub file_assets_bucket_name: String,
    /// Prefix of asset object keys.
    pub bucket_prefix: String,
}

impl Default for CliCredentialsStackSynthesizer {
    fn default() -> Self {
        let d = SynthesizerProps::default();
        CliCredentialsStackSynthesizer {
            qualifier: d.qualifier,
            file_assets_bucket_name: d.file_assets_bucket_name,
            bucket_prefix: d.bucket_prefix,
        }
    }
}

/// CDK's `BootstraplessSynthesizer`: no bootstrap resources at all — no assets (adding
/// one is an error), optional explicit deploy / CloudFormation execution roles.
#[derive(Debug, Clone, Default)]
pub struct BootstraplessSynthesizer {
    /// Role the CLI assumes to deploy.
    pub deploy_role_arn: Option<String>,
    /// Role CloudFormation uses to create the resources.
    pub cloud_formation_execution_role_arn: Option<String>,
}

/// CDK's `LegacyStackSynthesizer` (CDK v1 style) without assets: the template only.
/// Its asset parameters are not supported here (adding an asset is an error).
#[derive(Debug, Clone, Copy, Default)]
pub struct LegacyStackSynthesizer;

/// Which synthesizer a stack uses (CDK's `IStackSynthesizer`), chosen per stack with
/// [`crate::StackProps::stack_synthesizer`].
#[derive(Debug, Clone)]
pub enum StackSynthesizer {
    /// The DefaultStackSynthesizer (bootstrap roles, version check).
    Default(SynthesizerProps),
    /// The CliCredentialsStackSynthesizer.
    CliCredentials(CliCredentialsStackSynthesizer),
    /// The BootstraplessSynthesizer.
    Bootstrapless(BootstraplessSynthesizer),
    /// The LegacyStackSynthesizer.
    Legacy(LegacyStackSynthesizer),
}

impl Default for StackSynthesizer {
    fn default() -> Self {
        StackSynthesizer::Default(SynthesizerProps::default())
    }
}

impl From<SynthesizerProps> for StackSynthesizer {
    fn from(p: SynthesizerProps) -> Self {
        StackSynthesizer::Default(p)
    }
}
impl From<CliCredentialsStackSynthesizer> for StackSynthesizer {
    fn from(p: CliCredentialsStackSynthesizer) -> Self {
        StackSynthesizer::CliCredentials(p)
    }
}
impl From<BootstraplessSynthesizer> for StackSynthesizer {
    fn from(p: BootstraplessSynthesizer) -> Self {
        StackSynthesizer::Bootstrapless(p)
    }
}
impl From<LegacyStackSynthesizer> for StackSynthesizer {
    fn from(p: LegacyStackSynthesizer) -> Self {
        StackSynthesizer::Legacy(p)
    }
}

impl StackSynthesizer {
    /// The DefaultStackSynthesizer-shaped settings this kind behaves like (bucket,
    /// qualifier; roles are only used where the kind has them).
    fn props(&self) -> SynthesizerProps {
        match self {
            StackSynthesizer::Default(p) => p.clone(),
            StackSynthesizer::CliCredentials(c) => SynthesizerProps {
                qualifier: c.qualifier.clone(),
                file_assets_bucket_name: c.file_assets_bucket_name.clone(),
                bucket_prefix: c.bucket_prefix.clone(),
                generate_bootstrap_version_rule: false,
                ..Default::default()
            },
            _ => SynthesizerProps {
                generate_bootstrap_version_rule: false,
                ..Default::default()
            },
        }
    }

    /// The CDK class name (for messages and `tree.json`-like displays).
    pub fn name(&self) -> &'static str {
        match self {
            StackSynthesizer::Default(_) => "DefaultStackSynthesizer",
            StackSynthesizer::CliCredentials(_) => "CliCredentialsStackSynthesizer",
            StackSynthesizer::Bootstrapless(_) => "BootstraplessSynthesizer",
            StackSynthesizer::Legacy(_) => "LegacyStackSynthesizer",
        }
    }

    /// Whether the stack publishes assets (and its template) through an asset manifest.
    pub(crate) fn has_asset_manifest(&self) -> bool {
        matches!(
            self,
            StackSynthesizer::Default(_) | StackSynthesizer::CliCredentials(_)
        )
    }

    /// Whether deployments use bootstrap roles (DefaultStackSynthesizer only).
    pub(crate) fn uses_bootstrap_roles(&self) -> bool {
        matches!(self, StackSynthesizer::Default(_))
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
    /// Object key in the asset bucket (`<prefix><hash><ext>`).
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
    /// What was registered.
    pub source: FileAssetSource,
    /// Content fingerprint (also the asset's manifest key).
    pub hash: String,
    pub object_key: String,
    /// Already written into the assembly (a nested template): not staged, its manifest
    /// `source.path` is the file name itself.
    pub in_assembly: bool,
}

pub(crate) struct SynthesizerState {
    /// Which synthesizer the stack uses.
    pub kind: StackSynthesizer,
    /// Its bootstrap settings (qualifier, bucket, roles...).
    pub props: SynthesizerProps,
    /// File assets in registration order.
    pub file_assets: RefCell<Vec<FileAssetEntry>>,
}

impl SynthesizerState {
    /// The state of a stack synthesized by `kind`, without assets yet.
    pub fn new(kind: StackSynthesizer) -> Self {
        SynthesizerState {
            props: kind.props(),
            kind,
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

    /// The stack whose asset manifest holds this stack's assets: the top-level stack of
    /// a nested stack (CDK's `NestedStackSynthesizer` forwards to its parent's).
    fn publishing_stack(&self) -> Stack {
        let mut s = self.stack.clone();
        while let Some(p) = s.nested_stack_parent() {
            s = p;
        }
        s
    }

    /// Which synthesizer the stack uses (CDK's `stack.synthesizer`); a nested stack
    /// reports its top-level stack's.
    pub fn kind(&self) -> StackSynthesizer {
        self.publishing_stack().state().synthesizer.kind.clone()
    }

    /// Registers a file asset: hashes it now (content-only sha256 unless a hash is
    /// given), stages it into the assembly at synthesis as `asset.<hash>[ext]`, and
    /// returns its location as CDK's DefaultStackSynthesizer does. Nested stacks
    /// publish through their top-level stack; the bootstrapless and legacy
    /// synthesizers cannot publish assets.
    pub fn add_file_asset(&self, source: FileAssetSource) -> Result<FileAssetLocation> {
        self.add_asset(source, false)
    }

    /// Registers a file the synthesis writes into the assembly itself (a nested
    /// template): not staged, referenced by its file name.
    pub(crate) fn add_file_asset_in_assembly(
        &self,
        source: FileAssetSource,
    ) -> Result<FileAssetLocation> {
        self.add_asset(source, true)
    }

    fn add_asset(&self, source: FileAssetSource, in_assembly: bool) -> Result<FileAssetLocation> {
        let top = self.publishing_stack();
        if top != self.stack {
            return DefaultStackSynthesizer::new(top).add_asset(source, in_assembly);
        }
        if !self.stack.state().synthesizer.kind.has_asset_manifest() {
            return Err(crate::Error::validation(
                self.stack.path(),
                format!(
                    "cannot add asset {} to a stack that uses the {}; use the DefaultStackSynthesizer or the CliCredentialsStackSynthesizer",
                    source.source_path.display(),
                    self.stack.state().synthesizer.kind.name()
                ),
            ));
        }
        let hash = match &source.source_hash {
            Some(h) => h.clone(),
            None => crate::synthesis::assets::fingerprint(&source.source_path)?,
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
        let asset_path = if in_assembly {
            source.source_path.to_string_lossy().into_owned()
        } else {
            staged_name(&source.source_path, &hash)
        };
        {
            let mut assets = self.stack.state().synthesizer.file_assets.borrow_mut();
            if !assets.iter().any(|a| a.hash == hash) {
                assets.push(FileAssetEntry {
                    source,
                    hash: hash.clone(),
                    object_key: object_key.clone(),
                    in_assembly,
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
            vec![crate::template::sections::CfnRuleAssertion {
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

//! `cdk`: the core of a CDK-style library for defining CloudFormation stacks in Rust,
//! producing what AWS CDK v2 (aws-cdk-lib 2.276) produces for the same construct tree:
//! same logical ids, templates and cloud assembly (readable by the AWS CDK CLI).
//!
//! # Map of the crate
//! - Construct tree: [`App`] (root, outdir, context) → [`Stack`] → constructs
//!   ([`Construct`]: ids, paths, children, metadata, dependencies, context, prepare hooks).
//! - Tokens ([`token`]): [`Token`], [`Fn`], [`Aws`], [`Lazy`] encode values known at
//!   synth/deploy time into plain `String`/`Vec<String>`/`f64`; [`Intrinsic`] is the
//!   typed model behind them; `resolve` renders them as CloudFormation with CDK's
//!   join minimisation.
//! - Logical ids: [`uniqueid::make_unique_id`] (CDK's `makeUniqueId`), renames and
//!   overrides ([`Stack::rename_logical_id`], [`CfnElement::override_logical_id`]).
//! - Template elements: [`CfnResource`], [`CfnOutput`], [`CfnParameter`],
//!   [`CfnCondition`], [`CfnMapping`], [`CfnRule`]; [`RemovalPolicy`], [`Duration`],
//!   [`Tags`].
//! - Synthesis: [`App::synth`] writes `manifest.json`, `tree.json`, `cdk.out`,
//!   `<artifact>.template.json` / `.assets.json` / `.metadata.json` with the
//!   [`DefaultStackSynthesizer`] conventions, and stages file assets.
//! - Context lookups: [`ContextProvider::get_value`] (CDK key format, `missing`).
//! - Between stacks: cross-stack references become exports/imports or nested-stack
//!   parameters/outputs at synthesis, [`Stack::export_value_with`], [`NestedStack`],
//!   dependencies across nesting levels ([`Stack::add_dependency`]).
//! - Stack helpers: [`Stack::format_arn`] / [`Stack::split_arn`],
//!   [`Stack::regional_fact`] over a table generated from aws-cdk-lib's region-info,
//!   [`Stack::availability_zones`], [`Stack::bundling_required`]; synthesizers per
//!   stack ([`StackSynthesizer`]: default, CLI credentials, bootstrapless, legacy).
//!
//! # Module map
//! One directory per concern; each group's `mod.rs` opens with what its files hold.
//! - `app`, `construct`: the construct tree and its root.
//! - `token/`: token encoding and the intrinsic model; `resolve` (+ `resolve/tests`):
//!   tokens → CloudFormation JSON, cross-stack references detected on the way.
//! - `template/`: what a template is made of — `element` ([`CfnElement`], shared by
//!   all), `resource` ([`CfnResource`]), `sections` (outputs, parameters, conditions,
//!   mappings, rules), `logical_id` (allocation, renames) and [`uniqueid`] (the
//!   `makeUniqueId` rule), [`tags`] with `collate` (JavaScript's `localeCompare`),
//!   `removal_policy`.
//! - `stack/`: [`Stack`] itself (`mod.rs`), `naming` (stack name, artifact id), and
//!   what concerns stacks together: `nested`, `references` (cross-stack references),
//!   `exports`, `dependencies`; `arn`, `context_queries` (availability zones, bundling).
//! - `region_info/`: [`Stack::regional_fact`], [`find_fact`], [`partition_of_region`]
//!   (`mod.rs`) over the generated table (`facts`).
//! - `synthesis/`: the synthesis pass (`mod.rs`: prepare, render templates), the
//!   per-stack [`synthesizer`]s, [`assets`] (fingerprints, staging, zips), `assembly`
//!   (the cloud assembly writer: nested templates, tree, manifest) and `stack_artifact`
//!   (one stack's template, staged assets, asset manifest, artifact, metadata file).
//! - [`context`]: context files and `-c` arguments, context lookups.
//! - `duration`, `error`: [`Duration`]; the one [`Error`] type.
//!
//! # For construct authors (the `cdk-aws` seam)
//! - Handles are cheap `Rc` clones; equality is identity. [`App`], [`Stack`],
//!   [`CfnResource`], [`CfnOutput`]... deref to [`Construct`] and implement
//!   `AsRef<Construct>`, so every `scope` parameter is `&impl AsRef<Construct>`.
//! - A construct tree lives on one thread (tokens are registered per thread).
//! - L1 properties are a `serde_json::Value` object: serialize your typed struct with
//!   all keys in alphabetical order and `None` as `null` (no `skip_serializing_if`):
//!   nulls are dropped after overrides are merged, so `add_property_override` lands
//!   where aws-cdk-lib's L1 classes put it. Tokens travel inside strings/lists/numbers.
//! - Tag property of known taggable types (see [`tags::tag_format`]) is rendered by
//!   the resource's tag manager (sorted by key, `Tags::of(scope).add` wins over the
//!   initial tags); declare others with [`CfnResource::set_tag_format`].
//! - L2 rendering that depends on later calls: put a [`Lazy::any`] in the property,
//!   or register [`Construct::add_prepare_hook`] (runs at synthesis, pre-order).
//! - Logical ids: [`Stack::get_logical_id`], [`CfnElement::logical_id`] (token),
//!   [`CfnElement::override_logical_id`], [`Stack::rename_logical_id`].
//! - Assets: `stack.synthesizer().add_file_asset(FileAssetSource { .. })` →
//!   [`FileAssetLocation`] (`bucket_name` is a `Fn::Sub` token when agnostic,
//!   `object_key` = `<hash>.zip`); the hash equals aws-cdk-lib's asset hash;
//!   [`assets::zip_directory`] makes byte-identical zips.
//! - Context lookups: [`ContextProvider::get_value`]; context files:
//!   [`context::load_context`] + [`context::parse_context_arg`] into [`AppProps::context`].
//!
//! ```
//! use cdk::{App, AppProps, CfnResource, CfnOutput, CfnOutputProps, Stack, StackProps, RemovalPolicy, Fn};
//! use serde_json::json;
//! let app = App::new(AppProps { read_environment: false, ..Default::default() }).unwrap();
//! let stack = Stack::new(&app, "MyStack", StackProps::default()).unwrap();
//! let bucket = cdk::Construct::new(&stack, "MyBucket").unwrap();           // an L2 scope
//! let cfn = CfnResource::new(&bucket, "Resource", "AWS::S3::Bucket", json!({})).unwrap();
//! cfn.apply_removal_policy(RemovalPolicy::Destroy);
//! let arn = cfn.get_att("Arn");                                           // a string token
//! CfnOutput::new(&stack, "Arn", CfnOutputProps { value: Fn::join("", &[arn, "/*".into()]), ..Default::default() }).unwrap();
//! assert_eq!(stack.get_logical_id(&cfn).unwrap(), "MyBucketF68F3FF0");
//! ```
//!
//! # Deliberate differences from aws-cdk-lib
//! - `AWS::CDK::Metadata` (the analytics resource) is never emitted: it only carries
//!   usage telemetry. Likewise the `aws:cdk:creationStack` metadata (JS stack traces),
//!   the feature-flag report artifact, `minimumCliVersion` and `validation-report.json`.
//! - Path metadata (`aws:cdk:path`) is on by default, as under the CDK CLI.
//! - Cross-stack references are "strong" only (exports + `Fn::ImportValue`): CDK
//!   2.276's weak references (`Fn::GetStackOutput`) and its custom-resource based
//!   cross-region exports are not implemented, so references across accounts or
//!   regions are errors naming both stacks and the fix; the context
//!   `@aws-cdk/core:defaultCrossStackReferences` must be unset or `"strong"` (unset,
//!   CDK adds a warning annotation we do not emit).
//! - `LegacyStackSynthesizer` and `BootstraplessSynthesizer` stacks cannot have
//!   assets (CDK's legacy asset parameters are not implemented).

mod app;
mod construct;
pub mod context;
mod duration;
mod error;
mod region_info;
mod resolve;
mod stack;
mod synthesis;
mod template;
pub mod token;

pub use synthesis::{assets, synthesizer};
pub use template::{tags, uniqueid};

pub use app::{App, AppProps, CONTEXT_ENV, OUTDIR_ENV, PATH_METADATA_CONTEXT};
pub use construct::{Construct, MetadataEntry};
pub use context::{ContextProvider, GetContextValueOptions, GetContextValueResult};
pub use duration::Duration;
pub use error::{Error, Result};
pub use region_info::{TARGET_PARTITIONS_CONTEXT, find_fact, partition_of_region};
pub use stack::arn::{ArnComponents, ArnFormat};
pub use stack::exports::ExportValueOptions;
pub use stack::nested::{NestedStack, NestedStackProps};
pub use stack::references::{REFERENCE_STRENGTH_CONTEXT, STRING_LIST_DELIMITER};
pub use stack::{Environment, MissingContext, Stack, StackProps, TemplateOptions};
pub use synthesis::assembly::{CDK_VERSION, CloudAssembly, SCHEMA_VERSION, StackArtifact};
pub use synthesizer::{
    BootstraplessSynthesizer, CliCredentialsStackSynthesizer, DefaultStackSynthesizer,
    FileAssetLocation, FileAssetPackaging, FileAssetSource, LegacyStackSynthesizer,
    StackSynthesizer, SynthesizerProps,
};
pub use tags::{TagType, Tags};
pub use template::element::CfnElement;
pub use template::removal_policy::RemovalPolicy;
pub use template::resource::CfnResource;
pub use template::sections::{
    CfnCondition, CfnMapping, CfnOutput, CfnOutputProps, CfnParameter, CfnParameterProps, CfnRule,
    CfnRuleAssertion,
};
pub use token::{Aws, Fn, Intrinsic, Lazy, RefTarget, Token};

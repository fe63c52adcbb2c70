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
//!
//! # For construct authors (the `cdk-aws` seam)
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
//! AWS::CDK::Metadata (the analytics resource) is never emitted: it only carries
//! usage telemetry, and matching CDK's gzip'd module list is meaningless for us.

#![warn(missing_docs)]

mod app;
mod assembly;
pub mod assets;
mod cfn_resource;
mod collate;
mod construct;
pub mod context;
mod duration;
mod element;
mod elements;
mod error;
mod logical_id;
mod removal_policy;
mod resolve;
mod stack;
mod synth;
pub mod synthesizer;
pub mod tags;
pub mod token;
pub mod uniqueid;

pub use app::{App, AppProps, CONTEXT_ENV, OUTDIR_ENV, PATH_METADATA_CONTEXT};
pub use assembly::{CloudAssembly, StackArtifact};
pub use cfn_resource::CfnResource;
pub use construct::{Construct, MetadataEntry};
pub use context::{ContextProvider, GetContextValueOptions, GetContextValueResult};
pub use duration::Duration;
pub use element::CfnElement;
pub use elements::{
    CfnCondition, CfnMapping, CfnOutput, CfnOutputProps, CfnParameter, CfnParameterProps, CfnRule,
    CfnRuleAssertion,
};
pub use error::{Error, Result};
pub use removal_policy::RemovalPolicy;
pub use stack::{
    Environment, MissingContext, Stack, StackProps, TemplateOptions, partition_of_region,
};
pub use synthesizer::{
    DefaultStackSynthesizer, FileAssetLocation, FileAssetPackaging, FileAssetSource,
    SynthesizerProps,
};
pub use tags::{TagType, Tags};
pub use token::{Aws, Fn, Intrinsic, Lazy, RefTarget, Token};

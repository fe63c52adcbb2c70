//! The CDK app: builds `Rootski-Lambda-REST-API-Stack` and `Rootski-Dynamo-Stack` (the
//! table) in the environment given by context (or the `CDK_DEFAULT_*` values the
//! caller passes) and synthesizes them.
//!
//! Environment precedence: context `rootski:account` / `rootski:region` (pinned in the
//! bundled `cdk.json`, as the original app pinned them) over the `CDK_DEFAULT_ACCOUNT`
//! / `CDK_DEFAULT_REGION` values. The library takes ready values; the CLI reads env.

use std::path::PathBuf;

use cdk::{App, AppProps, CloudAssembly, Environment, MissingContext, StackProps};
use serde_json::{Map, Value};

use crate::dynamo_table::stacks::dynamo_table::{RootskiDynamoProps, RootskiDynamoStack};
use crate::error::{Error, Result};
use crate::lambda_rest_api::stacks::lambda_rest_api::{
    RootskiLambdaRestApiProps, RootskiLambdaRestApiStack,
};

/// The stack's construct id, artifact id and stack name.
pub const STACK_ID: &str = "Rootski-Lambda-REST-API-Stack";
/// The table stack's construct id, artifact id and stack name.
pub const DYNAMO_STACK_ID: &str = "Rootski-Dynamo-Stack";
/// Context key of the target account.
pub const ACCOUNT_CONTEXT_KEY: &str = "rootski:account";
/// Context key of the target region.
pub const REGION_CONTEXT_KEY: &str = "rootski:region";

/// Everything the app needs, already read and merged by the caller.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Output directory of the cloud assembly.
    pub outdir: PathBuf,
    /// Merged context (`cdk.context.json` < `cdk.json` < `-c`).
    pub context: Map<String, Value>,
    /// `CDK_DEFAULT_ACCOUNT`, used when the context pins no account.
    pub default_account: Option<String>,
    /// `CDK_DEFAULT_REGION`, used when the context pins no region.
    pub default_region: Option<String>,
    /// Add `aws:cdk:path` metadata to resources (the CDK CLI does by default).
    pub path_metadata: bool,
    /// Stack settings (code asset, memory, ...); `stack.env` is filled in here.
    pub stack_props: RootskiLambdaRestApiProps,
}

/// The result of synthesis.
#[derive(Debug, Clone)]
pub struct Synthesized {
    /// The written cloud assembly.
    pub assembly: CloudAssembly,
    /// Context lookups that had no answer (the template used dummy values).
    pub missing: Vec<MissingContext>,
}

/// The deployment environment from context, else the defaults.
pub fn environment(config: &AppConfig) -> Result<Environment> {
    let pick =
        |key: &'static str, fallback: &Option<String>, what, env_var| match config.context.get(key)
        {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => fallback
                .clone()
                .filter(|s| !s.is_empty())
                .ok_or(Error::MissingEnvironment { what, key, env_var }),
        };
    Ok(Environment {
        account: Some(pick(
            ACCOUNT_CONTEXT_KEY,
            &config.default_account,
            "account",
            "CDK_DEFAULT_ACCOUNT",
        )?),
        region: Some(pick(
            REGION_CONTEXT_KEY,
            &config.default_region,
            "region",
            "CDK_DEFAULT_REGION",
        )?),
    })
}

/// Builds the app and the stack (nothing written yet).
pub fn build(config: &AppConfig) -> Result<(App, RootskiLambdaRestApiStack)> {
    let app = App::new(AppProps {
        outdir: Some(config.outdir.clone()),
        context: config.context.clone(),
        read_environment: false,
        path_metadata: config.path_metadata,
        tree_metadata: true,
    })?;
    let mut props = config.stack_props.clone();
    props.stack = StackProps {
        env: Some(environment(config)?),
        ..props.stack
    };
    let env = props.stack.env.clone();
    let stack = RootskiLambdaRestApiStack::new(&app, STACK_ID, props)?;
    RootskiDynamoStack::new(
        &app,
        DYNAMO_STACK_ID,
        RootskiDynamoProps {
            stack: StackProps {
                env,
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    Ok((app, stack))
}

/// Builds and synthesizes into `config.outdir`; `missing` holds the unanswered
/// lookups of every stack.
pub fn synth(config: &AppConfig) -> Result<Synthesized> {
    let (app, _stack) = build(config)?;
    let assembly = app.synth()?;
    let missing = assembly.missing.clone();
    Ok(Synthesized { assembly, missing })
}

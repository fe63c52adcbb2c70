//! `App`: the root of the construct tree; holds the output directory and context.

use std::ops::Deref;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::construct::Kind;
use crate::{CloudAssembly, Construct, Error, Result};

/// Context key that makes resources carry `Metadata: {"aws:cdk:path": ...}` (the CDK
/// CLI sets it; we default it on so templates match `cdk synth`).
pub const PATH_METADATA_CONTEXT: &str = "aws:cdk:enable-path-metadata";
/// Environment variable with a JSON object of context values (set by the CDK CLI).
pub const CONTEXT_ENV: &str = "CDK_CONTEXT_JSON";
/// Environment variable with the output directory (set by the CDK CLI).
pub const OUTDIR_ENV: &str = "CDK_OUTDIR";

/// Props of an [`App`].
#[derive(Debug, Clone)]
pub struct AppProps {
    /// Output directory of the cloud assembly (`CDK_OUTDIR`, else `cdk.out`).
    pub outdir: Option<PathBuf>,
    /// Context values (e.g. from [`crate::context::load_context`]).
    pub context: Map<String, Value>,
    /// Read `CDK_CONTEXT_JSON` / `CDK_OUTDIR` from the environment, as CDK's App does.
    pub read_environment: bool,
    /// Add `aws:cdk:path` metadata to resources (default true, as under the CLI).
    pub path_metadata: bool,
    /// Write `tree.json` (default true).
    /// Write `tree.json` (and its manifest artifact).
    pub tree_metadata: bool,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            outdir: None,
            context: Map::new(),
            read_environment: true,
            path_metadata: true,
            tree_metadata: true,
        }
    }
}

pub(crate) struct AppState {
    /// Where the cloud assembly is written.
    pub outdir: PathBuf,
    pub tree_metadata: bool,
    /// Replacements of cross-stack references per consumer stack, made by the
    /// references pass of synthesis (see `stack::references`).
    pub references: std::cell::RefCell<std::collections::HashMap<crate::resolve::RefKey, Value>>,
}

/// The root of a construct tree (CDK's `App`). Derefs to its [`Construct`].
#[derive(Clone, Debug, PartialEq)]
pub struct App {
    construct: Construct,
}

impl Deref for App {
    type Target = Construct;
    fn deref(&self) -> &Construct {
        &self.construct
    }
}

impl AsRef<Construct> for App {
    fn as_ref(&self) -> &Construct {
        &self.construct
    }
}

impl App {
    /// Creates an app. Context precedence: `props.context` < `CDK_CONTEXT_JSON`.
    pub fn new(props: AppProps) -> Result<App> {
        let mut outdir = props.outdir.clone();
        let mut context = Map::new();
        context.insert(
            PATH_METADATA_CONTEXT.into(),
            Value::Bool(props.path_metadata),
        );
        context.extend(props.context.clone());
        if props.read_environment {
            if outdir.is_none() {
                outdir = std::env::var_os(OUTDIR_ENV).map(PathBuf::from);
            }
            if let Ok(json) = std::env::var(CONTEXT_ENV) {
                match serde_json::from_str::<Value>(&json) {
                    Ok(Value::Object(m)) => context.extend(m),
                    Ok(_) => {
                        return Err(Error::validation(
                            "",
                            format!("{CONTEXT_ENV} must hold a JSON object"),
                        ));
                    }
                    Err(source) => {
                        return Err(Error::Json {
                            what: format!("parsing {CONTEXT_ENV}"),
                            source,
                        });
                    }
                }
            }
        }
        let state = AppState {
            outdir: outdir.unwrap_or_else(|| PathBuf::from("cdk.out")),
            tree_metadata: props.tree_metadata,
            references: Default::default(),
        };
        let construct = Construct::root(Kind::App(state), "aws-cdk-lib.App");
        for (k, v) in context {
            construct.set_context_unchecked(&k, v);
        }
        Ok(App { construct })
    }

    pub(crate) fn state(&self) -> &AppState {
        match self.construct.kind() {
            Kind::App(s) => s,
            _ => unreachable!("App wraps an app node"),
        }
    }

    /// The output directory.
    pub fn outdir(&self) -> PathBuf {
        self.state().outdir.clone()
    }

    /// The root construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// Synthesizes the cloud assembly into the output directory.
    pub fn synth(&self) -> Result<CloudAssembly> {
        crate::synthesis::synthesize(self)
    }
}

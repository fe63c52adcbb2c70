//! `Stack`: the unit of deployment — environment, name, template options, tags for
//! the manifest, missing context and its synthesizer — and, in the submodules, what
//! happens between stacks:
//!
//! - `naming`: the stack name, artifact id and environment name a stack gets.
//! - `nested`: [`NestedStack`](crate::NestedStack), a stack deployed as a resource of
//!   its parent.
//! - `references`: cross-stack references, replaced at synthesis by exports/imports or
//!   nested-stack parameters/outputs.
//! - `exports`: [`Stack::export_value`] and the automatic export names.
//! - `dependencies`: [`Stack::add_dependency`] and where a dependency lands across
//!   nesting levels.
//! - `arn`: [`Stack::format_arn`] / [`Stack::split_arn`].
//! - `context_queries`: answers read from the context ([`Stack::availability_zones`],
//!   [`Stack::bundling_required`]).

pub(crate) mod arn;
pub(crate) mod context_queries;
pub(crate) mod dependencies;
pub(crate) mod exports;
pub(crate) mod naming;
pub(crate) mod nested;
pub(crate) mod references;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Deref;

use serde_json::{Map, Value};

use self::naming::{
    StackNames, artifact_id, environment_name, generated_stack_name, validate_stack_name,
};
use crate::construct::Kind;
use crate::synthesis::synthesizer::{DefaultStackSynthesizer, SynthesizerProps, SynthesizerState};
use crate::template::logical_id::LogicalIds;
use crate::token::{Intrinsic, Token};
use crate::{Aws, Construct, Error, Result};

/// Where a stack deploys. `None` means environment-agnostic (a token at deploy time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// AWS account id.
    pub account: Option<String>,
    /// AWS region.
    pub region: Option<String>,
}

/// Props of a [`Stack`].
#[derive(Debug, Clone, Default)]
pub struct StackProps {
    /// Target environment (agnostic when `None`).
    pub env: Option<Environment>,
    /// CloudFormation stack name (default: from the construct id/path).
    pub stack_name: Option<String>,
    /// Template `Description`.
    pub description: Option<String>,
    /// Stack tags (manifest `tags`; CloudFormation applies them to resources).
    pub tags: BTreeMap<String, String>,
    /// Termination protection.
    pub termination_protection: bool,
    /// DefaultStackSynthesizer settings.
    pub synthesizer: Option<SynthesizerProps>,
    /// SNS topic ARNs for stack events.
    pub notification_arns: Vec<String>,
    /// Which synthesizer the stack uses (CDK's `synthesizer` prop): when `None`, the
    /// DefaultStackSynthesizer with `synthesizer`'s settings.
    pub stack_synthesizer: Option<crate::synthesis::synthesizer::StackSynthesizer>,
}

/// Template-level options (CDK's `ITemplateOptions`).
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// `Description`.
    pub description: Option<String>,
    /// `AWSTemplateFormatVersion`.
    pub template_format_version: Option<String>,
    /// `Transform` (duplicates removed at synthesis).
    pub transforms: Vec<String>,
    /// `Metadata`.
    pub metadata: Map<String, Value>,
}

/// A context lookup the CLI must answer (manifest `missing`).
#[derive(Debug, Clone, PartialEq)]
pub struct MissingContext {
    /// Context key (`<provider>:<k=v:...>`).
    pub key: String,
    /// Provider name, e.g. `hosted-zone`.
    pub provider: String,
    /// Provider props (account, region, lookup specifics, dummyValue...).
    pub props: Map<String, Value>,
}

pub(crate) struct StackState {
    account: String,
    region: String,
    environment: String,
    stack_name: String,
    artifact_id: String,
    termination_protection: Cell<bool>,
    template_options: RefCell<TemplateOptions>,
    tags: RefCell<BTreeMap<String, String>>,
    notification_arns: Vec<String>,
    pub(crate) logical_ids: RefCell<LogicalIds>,
    pub(crate) missing_context: RefCell<Vec<MissingContext>>,
    pub(crate) dependencies: RefCell<Vec<(Construct, Vec<String>)>>,
    pub(crate) synthesizer: SynthesizerState,
    /// Set once for a nested stack, right after its construct is created.
    pub(crate) nested: RefCell<Option<crate::stack::nested::NestedState>>,
}

/// A CloudFormation stack (CDK's `Stack`). Derefs to its [`Construct`].
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    construct: Construct,
}

impl Deref for Stack {
    type Target = Construct;
    fn deref(&self) -> &Construct {
        &self.construct
    }
}

impl AsRef<Construct> for Stack {
    fn as_ref(&self) -> &Construct {
        &self.construct
    }
}

impl StackState {
    fn new(account: String, region: String, names: StackNames, props: StackProps) -> Self {
        let synthesizer = props.stack_synthesizer.unwrap_or_else(|| {
            crate::synthesis::synthesizer::StackSynthesizer::Default(
                props.synthesizer.unwrap_or_default(),
            )
        });
        StackState {
            environment: environment_name(&account, &region),
            account,
            region,
            stack_name: names.stack_name,
            artifact_id: names.artifact_id,
            termination_protection: Cell::new(props.termination_protection),
            template_options: RefCell::new(TemplateOptions {
                description: props.description,
                ..Default::default()
            }),
            tags: RefCell::new(props.tags),
            notification_arns: props.notification_arns,
            logical_ids: RefCell::default(),
            missing_context: RefCell::default(),
            dependencies: RefCell::default(),
            synthesizer: SynthesizerState::new(synthesizer),
            nested: RefCell::default(),
        }
    }
}

impl Stack {
    /// Creates a stack under `scope` (normally the app).
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: StackProps) -> Result<Stack> {
        Self::create(scope.as_ref(), id, props, "aws-cdk-lib.Stack")
    }

    /// Creates the stack construct: validates the props, derives the names and builds
    /// the state (`fqn` tells a `Stack` from a `NestedStack` in `tree.json`).
    pub(crate) fn create(
        scope: &Construct,
        id: &str,
        props: StackProps,
        fqn: &str,
    ) -> Result<Stack> {
        let path = if scope.path().is_empty() {
            id.to_string()
        } else {
            format!("{}/{id}", scope.path())
        };
        let env = props.env.clone().unwrap_or_default();
        let account = env.account.clone().unwrap_or_else(Aws::account_id);
        let region = env.region.clone().unwrap_or_else(Aws::region);
        if let Some(d) = &props.description
            && d.len() > 1024
        {
            return Err(Error::validation(
                &path,
                "Stack description must be <= 1024 bytes; shorten it",
            ));
        }
        let generated = generated_stack_name(scope, id, &path)?;
        let stack_name = props
            .stack_name
            .clone()
            .unwrap_or_else(|| generated.clone());
        validate_stack_name(&path, &stack_name)?;
        if props
            .notification_arns
            .iter()
            .any(|a| Token::is_unresolved(a))
        {
            return Err(Error::validation(
                &path,
                format!("Stack '{id}' includes one or more tokens in its notification ARNs"),
            ));
        }
        let names = StackNames {
            artifact_id: artifact_id(&generated),
            stack_name,
        };
        let state = StackState::new(account, region, names, props);
        let construct = Construct::with_kind(scope, id, Kind::Stack(Box::new(state)), fqn)?;
        Ok(Stack { construct })
    }

    pub(crate) fn state(&self) -> &StackState {
        match self.construct.kind() {
            Kind::Stack(s) => s,
            _ => unreachable!("Stack wraps a stack node"),
        }
    }

    /// The stack behind a construct, if it is one.
    pub fn from_construct(c: &Construct) -> Option<Stack> {
        c.is_stack().then(|| Stack {
            construct: c.clone(),
        })
    }

    /// Whether `c` is a stack (CDK's `Stack.isStack`).
    pub fn is_stack(c: &Construct) -> bool {
        c.is_stack()
    }

    /// Always true: every handle here is a construct (CDK's `Construct.isConstruct`).
    pub fn is_construct(_c: &Construct) -> bool {
        true
    }

    /// The nearest enclosing stack of `construct` (itself if it is a stack).
    pub fn of(construct: &impl AsRef<Construct>) -> Result<Stack> {
        let c = construct.as_ref();
        let mut cur = Some(c.clone());
        while let Some(x) = cur {
            if x.is_stack() {
                return Ok(Stack { construct: x });
            }
            cur = x.scope();
        }
        Err(Error::validation(
            c.path(),
            "no Stack found in the scope of this construct; create it inside a Stack (Stack::new(&app, ...))",
        ))
    }

    /// The construct of this stack (CDK's `node`).
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// Same as [`Stack::construct`] (CDK's `stack.node`).
    pub fn node(&self) -> &Construct {
        &self.construct
    }

    /// Account id (concrete, or the `AWS::AccountId` token when agnostic).
    pub fn account(&self) -> String {
        self.state().account.clone()
    }
    /// Region (concrete, or the `AWS::Region` token when agnostic).
    pub fn region(&self) -> String {
        self.state().region.clone()
    }
    /// `aws://<account>/<region>` with `unknown-account`/`unknown-region` when agnostic.
    pub fn environment(&self) -> String {
        self.state().environment.clone()
    }
    /// The partition: `AWS::Partition`, or a literal when the region is concrete and
    /// the `@aws-cdk/core:enablePartitionLiterals` flag is set (as CDK).
    pub fn partition(&self) -> String {
        let literal = self.try_get_context("@aws-cdk/core:enablePartitionLiterals")
            == Some(Value::Bool(true));
        let region = self.region();
        if !literal || Token::is_unresolved(&region) {
            return Aws::partition();
        }
        crate::find_fact(&region, "partition")
            .unwrap_or_else(|| crate::region_info::partition_of_region(&region))
            .to_string()
    }
    /// `AWS::URLSuffix`.
    pub fn url_suffix(&self) -> String {
        Aws::url_suffix()
    }
    /// `AWS::StackId`; for a nested stack, `AWS::StackId` inside it and the `Ref` of its
    /// `AWS::CloudFormation::Stack` resource elsewhere.
    pub fn stack_id(&self) -> String {
        match self.nested_stack_resource() {
            Some(res) => self.contextual(Aws::stack_id(), res.ref_()),
            None => Aws::stack_id(),
        }
    }
    /// The notification ARNs from props, or the `AWS::NotificationARNs` token if none.
    pub fn notification_arns(&self) -> Vec<String> {
        let arns = &self.state().notification_arns;
        if arns.is_empty() {
            Aws::notification_arns()
        } else {
            arns.clone()
        }
    }
    /// Physical stack name; for a nested stack, `AWS::StackName` inside it and the name
    /// part of its resource's stack id (`Fn::Select(1, Fn::Split("/", Ref))`) elsewhere.
    pub fn stack_name(&self) -> String {
        match self.nested_stack_resource() {
            Some(res) => {
                let parts = crate::Fn::split("/", &res.ref_());
                let outside = crate::Fn::select(1, &parts).unwrap_or_default();
                self.contextual(Aws::stack_name(), outside)
            }
            None => self.state().stack_name.clone(),
        }
    }

    fn contextual(&self, inside: String, outside: String) -> String {
        Token::as_string(Intrinsic::Contextual {
            stack: self.construct.clone(),
            inside: Value::String(inside),
            outside: Value::String(outside),
        })
    }
    /// Cloud assembly artifact id.
    pub fn artifact_id(&self) -> String {
        self.state().artifact_id.clone()
    }
    /// `<artifact id>.template.json`; `<unique id>.nested.template.json` for a nested
    /// stack (written next to the parent's template, published as its file asset).
    pub fn template_file(&self) -> String {
        if self.nested() {
            return format!("{}.nested.template.json", self.construct.unique_id());
        }
        format!("{}.template.json", self.state().artifact_id)
    }
    /// Template options (a copy).
    pub fn template_options(&self) -> TemplateOptions {
        self.state().template_options.borrow().clone()
    }
    /// Changes template options in place.
    pub fn update_template_options(&self, f: impl FnOnce(&mut TemplateOptions)) {
        f(&mut self.state().template_options.borrow_mut());
    }
    /// Adds a `Transform` (duplicates removed at synthesis).
    pub fn add_transform(&self, transform: &str) {
        self.state()
            .template_options
            .borrow_mut()
            .transforms
            .push(transform.to_string());
    }
    /// Adds a key to the template `Metadata`.
    pub fn add_template_metadata(&self, key: &str, value: Value) {
        self.state()
            .template_options
            .borrow_mut()
            .metadata
            .insert(key.to_string(), value);
    }
    /// Termination protection.
    pub fn termination_protection(&self) -> bool {
        self.state().termination_protection.get()
    }
    /// Sets termination protection.
    pub fn set_termination_protection(&self, on: bool) {
        self.state().termination_protection.set(on);
    }
    /// Stack tags (go to the manifest).
    pub fn tags(&self) -> BTreeMap<String, String> {
        self.state().tags.borrow().clone()
    }
    /// Adds a stack tag.
    pub fn add_stack_tag(&self, key: &str, value: &str) {
        self.state()
            .tags
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
    }
    /// The synthesizer of this stack (assets, bootstrap conventions).
    pub fn synthesizer(&self) -> DefaultStackSynthesizer {
        DefaultStackSynthesizer::new(self.clone())
    }

    /// Resolves all tokens in `value` as this stack's template would render them.
    pub fn resolve(&self, value: &Value) -> Result<Value> {
        crate::resolve::resolve(value, &self.resolve_context())
    }

    pub(crate) fn resolve_context(&self) -> crate::resolve::ResolveContext {
        crate::resolve::ResolveContext {
            stack: Some(self.construct.clone()),
            path: self.path().to_string(),
            keep_nulls: false,
            collect: None,
        }
    }

    /// JSON text of `value` as a string token; tokens inside become `Fn::Join` parts.
    pub fn to_json_string(&self, value: Value) -> String {
        Token::as_string(Intrinsic::JsonString(value))
    }

    /// Records a context value the CLI must look up (manifest `missing`).
    pub fn report_missing_context_key(&self, missing: MissingContext) {
        let mut m = self.state().missing_context.borrow_mut();
        if !m.iter().any(|x| x.key == missing.key) {
            m.push(missing);
        }
    }

    /// Context keys reported missing so far.
    pub fn missing_context(&self) -> Vec<MissingContext> {
        self.state().missing_context.borrow().clone()
    }
}

//! Shipping a cloud assembly to CloudFormation, as `cdk deploy | diff | destroy |
//! bootstrap` do (feature `deploy`, so the local runner and the Lambda never compile
//! the AWS SDK).
//!
//! - [`aws`]: SDK configuration (standard env/profile chain, rustls+ring HTTP client,
//!   endpoint override for local emulators), caller identity, assumed roles;
//! - [`roles`]: the bootstrap roles and the fallback to the caller's credentials;
//! - [`stacks`]: what a stack artifact asks for (environment, tags, parameters,
//!   roles, bootstrap version, ...) and the dependency order;
//! - [`version`]: the bootstrap version check (SSM parameter);
//! - [`publish`]: file assets and templates to the bootstrap bucket;
//! - [`changeset`]: change-set deployment with approval and export safety,
//!   [`execute`] of the change set, and [`report`] of its outputs or failures;
//! - [`events`]: following stack events to a terminal status;
//! - [`exports`]: importers of exports and export safety;
//! - [`hotswap`]: `--hotswap` / `--hotswap-fallback`: Lambda code and configuration
//!   changes made through Lambda's API instead of a change set;
//! - [`logs`]: a stack's Lambda log events (`rootski logs`, `rootski watch`);
//! - [`destroy`], [`bootstrap`] (of the [`environments`] named or the app's),
//!   [`context`] (missing-context lookups; [`ec2`] for
//!   availability zones);
//! - [`toolkit`]: the per-assembly commands the CLI calls;
//! - [`sdk_error`]: every AWS error as one line (operation, code, the service's
//!   message), whatever protocol the endpoint answered in.
//!
//! Credentials, as in the CDK CLI: a stack's CloudFormation calls and its bootstrap
//! version check run with its deploy role (`assumeRoleArn`), CloudFormation acts
//! with its execution role (`cloudFormationExecutionRoleArn`, passed as `RoleARN`),
//! each asset destination is written with its publishing role, context lookups and
//! `diff` read with the lookup role. A role that cannot be assumed is replaced by
//! the caller's credentials (with CDK's warning) only when those are for the target
//! account; otherwise the command fails naming the role. `rootski bootstrap`
//! creates these roles (see [`bootstrap`]) and runs with the caller's credentials.

pub mod aws;
pub mod bootstrap;
pub mod changeset;
pub mod context;
pub mod destroy;
pub mod ec2;
pub mod environments;
pub mod events;
pub mod execute;
pub mod exports;
pub mod hotswap;
pub mod logs;
pub mod publish;
pub mod report;
pub mod roles;
pub mod sdk_error;
pub mod stacks;
pub mod toolkit;
pub mod version;

/// Where progress goes and how questions are answered; the CLI prints to stderr and
/// reads the terminal, tests collect lines and answer from a script.
pub trait Ui: Send {
    /// One line of progress or result.
    fn line(&mut self, text: &str);
    /// A yes/no question; `false` when nobody can answer.
    fn confirm(&mut self, question: &str) -> bool;
}
